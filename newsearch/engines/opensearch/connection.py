"""Cluster URLs, credentials, the client, and cluster failures as NewsearchErrors.

``opensearch://HOST:PORT/NAME`` is plain HTTP; ``opensearchs://`` and ``https://`` use TLS with
certificates verified. Credentials come from the URL's userinfo or NEWSEARCH_OPENSEARCH_USER /
NEWSEARCH_OPENSEARCH_PASSWORD and are never part of ``location``, a message or a repr.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote

from newsearch.errors import NewsearchError

SCHEMES = {"opensearch": False, "http": False, "opensearchs": True, "https": True}
DEFAULT_PORT = 9200
USER_ENV, PASSWORD_ENV, CA_ENV = (
    "NEWSEARCH_OPENSEARCH_USER",
    "NEWSEARCH_OPENSEARCH_PASSWORD",
    "NEWSEARCH_OPENSEARCH_CA",
)
# OpenSearch's own rule for index names, kept stricter: lowercase, no leading - _ +, short
# enough that NAME-v<14 digits>-<6 hex> stays under its 255-byte limit.
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,199}$")
# typer hands the CLI's --index over as a Path, which folds "//" into "/".
_SCHEME = re.compile(r"^(opensearchs?|https?):/+(.*)$", re.S)
START_HINT = (
    "Is the cluster running and the URL right? A local test cluster starts with "
    "`cluster/opensearch.sh start`."
)
REQUEST_TIMEOUT = 30  # seconds per request; bulk requests get BULK_TIMEOUT (writing.py)

# opensearch-py logs every failed request as a WARNING; with no handler configured Python
# would print those lines on stderr beside our one Error: line.
logging.getLogger("opensearch").addHandler(logging.NullHandler())


class ClusterError(NewsearchError):
    """The cluster cannot answer: down, unreachable, red, or refusing the credentials."""

    hint = START_HINT


@dataclass(frozen=True)
class Target:
    """A parsed cluster URL: where, which index, how to connect (the password never shown)."""

    scheme: str
    hosts: tuple[tuple[str, int], ...]
    name: str
    tls: bool
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_certs: str | None = None
    shards: int = 2
    replicas: int = 1

    @property
    def location(self) -> str:
        """The URL without credentials or options: what messages and reprs show."""
        hosts = ",".join(f"{_host_text(h)}:{p}" for h, p in self.hosts)
        return f"{self.scheme}://{hosts}/{self.name}"

    def redact(self, text: str) -> str:
        """Text with the credentials blanked out (error texts may quote a URL)."""
        for secret in (self.password, _quoted(self.password)):
            if secret:
                text = text.replace(secret, "***")
        return re.sub(r"//[^/@\s]*@", "//", text)


def is_url(location: str) -> bool:
    """Whether the location names a cluster (any scheme, also with "//" folded by Path)."""
    return bool(_SCHEME.match(location))


def parse(location: str, env: dict[str, str] | None = None) -> Target:
    """A cluster URL as a Target; a malformed one is a NewsearchError that shows no password."""
    env = dict(os.environ) if env is None else env
    m = _SCHEME.match(location)
    if not m:
        raise NewsearchError(f"not a cluster URL: {strip_userinfo(location)}")
    scheme, rest = m.group(1), m.group(2)
    rest, _, query = rest.partition("?")
    netloc, _, path = rest.partition("/")
    user = password = None
    if "@" in netloc:
        userinfo, _, netloc = netloc.rpartition("@")
        name_part, sep, secret = userinfo.partition(":")
        user, password = unquote(name_part), (unquote(secret) if sep else None)
    shown = f"{scheme}://{netloc}/{path}"
    hosts = tuple(_host(h, shown) for h in netloc.split(",") if h)
    if not hosts:
        raise NewsearchError(
            f"{shown}: no host in the URL", hint="Use opensearch://HOST:PORT/NAME."
        )
    name = path.strip("/")
    if not _NAME.match(name):
        raise NewsearchError(
            f"{shown}: {name!r} is not a usable index name",
            hint="Name the index at the end of the URL in lowercase letters, digits, - _ or .: "
            "opensearch://127.0.0.1:9200/news",
        )
    options = {k: v[-1] for k, v in parse_qs(query).items()}
    if not user and env.get(USER_ENV):
        user, password = env[USER_ENV], env.get(PASSWORD_ENV)
    elif user and password is None:
        password = env.get(PASSWORD_ENV)
    return Target(
        scheme=scheme,
        hosts=hosts,
        name=name,
        tls=SCHEMES[scheme],
        user=user or None,
        password=password,
        ca_certs=options.get("ca") or env.get(CA_ENV) or None,
        shards=_count(options, "shards", 2, 1, shown),
        replicas=_count(options, "replicas", 1, 0, shown),
    )


def client_options(target: Target) -> dict[str, Any]:
    """The keyword arguments of opensearchpy.OpenSearch for a target (credentials included)."""
    options: dict[str, Any] = {
        "hosts": [{"host": h, "port": p} for h, p in target.hosts],
        "use_ssl": target.tls,
        "verify_certs": target.tls,
        "ssl_show_warn": target.tls,
        "timeout": REQUEST_TIMEOUT,
        # The client tries the next host on a connection error; 3 covers a node restarting.
        "max_retries": 3,
        "retry_on_timeout": True,
        "retry_on_status": (502, 503, 504),
    }
    if target.tls and target.ca_certs:
        options["ca_certs"] = target.ca_certs
    if target.user:
        options["http_auth"] = (target.user, target.password or "")
    return options


def connect(target: Target) -> Any:
    """An opensearch-py client for the target (NewsearchError when the library is missing)."""
    try:
        from opensearchpy import OpenSearch
    except ImportError:
        raise NewsearchError(
            "the OpenSearch engine needs the opensearch-py client library",
            hint="pip install 'newsearch[opensearch]'",
        ) from None
    return OpenSearch(**client_options(target))


@contextmanager
def cluster_errors(target: Target) -> Iterator[None]:
    """Turn a cluster that cannot answer into one ClusterError without credentials."""
    from opensearchpy import exceptions as ex

    try:
        yield
    except ex.AuthenticationException as exc:
        raise ClusterError(
            f"the cluster at {target.location} refused the credentials ({_reason(target, exc)})",
            hint=f"Set {USER_ENV} and {PASSWORD_ENV}, or put user:password@ in the URL.",
        ) from None
    except ex.AuthorizationException as exc:
        raise ClusterError(
            f"the cluster at {target.location} does not allow this ({_reason(target, exc)})",
            hint="Use an account allowed to manage and search the index.",
        ) from None
    except ex.SSLError as exc:
        raise ClusterError(
            f"TLS with the cluster at {target.location} failed: {_reason(target, exc)}",
            hint=f"Give the cluster's CA certificate with ?ca=PATH or {CA_ENV}, "
            "or use opensearch:// for a cluster without TLS.",
        ) from None
    except ex.ConnectionError as exc:  # also ConnectionTimeout
        raise ClusterError(
            f"cannot reach the OpenSearch cluster at {target.location}: {_reason(target, exc)}"
        ) from None
    except ex.TransportError as exc:
        if isinstance(exc.status_code, int) and exc.status_code in (429, 502, 503, 504):
            raise ClusterError(
                f"the cluster at {target.location} is unavailable "
                f"({exc.status_code}: {_reason(target, exc)})",
                hint="Wait until the cluster is green again (`GET _cluster/health`), then retry.",
            ) from None
        raise


def check_health(client: Any, target: Target) -> None:
    """Refuse a red index (a shard with no copy left) with a hint, before any other request."""
    with cluster_errors(target):
        health = client.cluster.health(request_timeout=10)
        if health.get("status") == "red":
            # Red elsewhere on a shared cluster is no reason to refuse this index; a missing
            # index reads as red too, but only after the timeout ("timed_out").
            health = client.cluster.health(
                index=target.name, params={"timeout": "0s"}, request_timeout=10
            )
    if health.get("status") == "red" and not health.get("timed_out"):
        raise ClusterError(
            f"the cluster at {target.location} is red: some shards have no live copy",
            hint="Start the stopped nodes again (cluster/opensearch.sh start-node K for the "
            "local cluster), then retry.",
        )


def _reason(target: Target, exc: Exception) -> str:
    info = getattr(exc, "info", None)
    text = str(getattr(exc, "error", "") or exc)
    if isinstance(info, Exception):
        text = f"{type(info).__name__}: {info}"
    return target.redact(text)[:300]


def _host(text: str, shown: str) -> tuple[str, int]:
    host, port = text, DEFAULT_PORT
    if text.startswith("["):  # [::1]:9200
        host, _, tail = text[1:].partition("]")
        if tail.startswith(":"):
            port = _port(tail[1:], shown)
    elif ":" in text:
        host, _, port_text = text.rpartition(":")
        port = _port(port_text, shown)
    if not host:
        raise NewsearchError(
            f"{shown}: no host in {text!r}", hint="Use opensearch://HOST:PORT/NAME."
        )
    return host, port


def _port(text: str, shown: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise NewsearchError(f"{shown}: {text!r} is not a port", hint="Use HOST:PORT, e.g. :9200.")
    return int(text)


def _count(options: dict[str, str], key: str, default: int, least: int, shown: str) -> int:
    text = options.get(key)
    if text is None:
        return default
    if not text.isdigit() or int(text) < least:
        raise NewsearchError(f"{shown}: ?{key}={text} is not a number of at least {least}")
    return int(text)


def _host_text(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _quoted(secret: str | None) -> str | None:
    from urllib.parse import quote

    return quote(secret, safe="") if secret else None


def strip_userinfo(text: str) -> str:
    """Text with any user:password@ of a URL taken out."""
    return re.sub(r"//[^/@\s]*@", "//", text)
