"""Cluster URLs, credentials and TLS, and the errors a user sees: no cluster needed."""

from __future__ import annotations

import socket
import sys

import pytest

from newsearch import NewsearchError, NewsIndex
from newsearch.engines import display
from newsearch.engines.opensearch import connection
from newsearch.engines.opensearch.connection import ClusterError, client_options, parse

SECRET = "pa:ss@w/rd"  # every character that needs quoting in a URL
QUOTED = "pa%3Ass%40w%2Frd"


def test_plain_url():
    t = parse("opensearch://127.0.0.1:9200/news", env={})
    assert (t.hosts, t.name, t.tls, t.user, t.password) == (
        (("127.0.0.1", 9200),),
        "news",
        False,
        None,
        None,
    )
    assert t.location == "opensearch://127.0.0.1:9200/news"
    assert (t.shards, t.replicas) == (2, 1)
    opts = client_options(t)
    assert opts["use_ssl"] is False and "http_auth" not in opts


@pytest.mark.parametrize("scheme", ["opensearchs", "https"])
def test_tls_schemes_verify_certificates_by_default(scheme):
    t = parse(f"{scheme}://search.example.org/news", env={})
    assert t.tls and t.hosts == (("search.example.org", 9200),)
    opts = client_options(t)
    assert opts["use_ssl"] is True and opts["verify_certs"] is True and "ca_certs" not in opts


def test_a_ca_bundle_from_the_url_or_the_environment():
    assert (
        client_options(parse("https://h:9200/n?ca=/etc/ca.pem", env={}))["ca_certs"]
        == "/etc/ca.pem"
    )
    env = {connection.CA_ENV: "/srv/ca.pem"}
    assert client_options(parse("opensearchs://h:9200/n", env=env))["ca_certs"] == "/srv/ca.pem"
    # A CA means nothing without TLS: plain HTTP never pretends to verify anything.
    assert "ca_certs" not in client_options(parse("opensearch://h:9200/n?ca=/etc/ca.pem", env={}))


def test_a_path_folded_url_still_names_the_cluster():
    # The CLI's --index is a pathlib.Path, which turns "//" into "/".
    t = parse("opensearch:/127.0.0.1:9200/news", env={})
    assert t.location == "opensearch://127.0.0.1:9200/news"


def test_several_hosts_ipv6_and_options():
    t = parse("opensearch://a:9201,b,[::1]:9202/news?shards=4&replicas=0", env={})
    assert t.hosts == (("a", 9201), ("b", 9200), ("::1", 9202))
    assert (t.shards, t.replicas) == (4, 0)
    assert t.location == "opensearch://a:9201,b:9200,[::1]:9202/news"


def test_credentials_from_the_url_are_decoded_and_never_shown():
    t = parse(f"opensearchs://alice:{QUOTED}@h:9200/news", env={})
    assert (t.user, t.password) == ("alice", SECRET)
    assert client_options(t)["http_auth"] == ("alice", SECRET)
    for shown in (t.location, repr(t), t.redact(f"GET https://alice:{QUOTED}@h:9200/ {SECRET}")):
        assert SECRET not in shown and QUOTED not in shown and "alice:" not in shown
    assert display(f"opensearchs://alice:{QUOTED}@h:9200/news") == "opensearchs://h:9200/news"


def test_credentials_from_the_environment_and_the_url_wins():
    env = {connection.USER_ENV: "bob", connection.PASSWORD_ENV: "hunter2"}
    assert client_options(parse("https://h/news", env=env))["http_auth"] == ("bob", "hunter2")
    t = parse("https://carol:x@h/news", env=env)
    assert (t.user, t.password) == ("carol", "x")
    # A user in the URL without a password takes the password from the environment.
    assert parse("https://bob@h/news", env=env).password == "hunter2"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("opensearch://h:9200/News", "not a usable index name"),
        ("opensearch://h:9200/", "not a usable index name"),
        ("opensearch://h:port/news", "not a port"),
        ("opensearch://h:99999/news", "not a port"),
        ("opensearch:///news", "no host"),
        ("opensearch://h/news?shards=0", "shards"),
    ],
)
def test_malformed_urls_are_user_errors_without_the_password(url, words):
    with_secret = url.replace("//", f"//u:{QUOTED}@", 1)
    with pytest.raises(NewsearchError, match=words) as err:
        parse(with_secret, env={})
    assert QUOTED not in str(err.value) and SECRET not in str(err.value)


def test_a_cluster_that_is_down_is_one_error_with_a_hint_and_no_password(monkeypatch):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv(connection.PASSWORD_ENV, SECRET)
    monkeypatch.setenv(connection.USER_ENV, "alice")
    with pytest.raises(ClusterError) as err:
        NewsIndex.open(f"opensearch://127.0.0.1:{port}/news")
    text = f"{err.value} {err.value.hint}"
    assert "cannot reach" in text and "cluster/opensearch.sh start" in text
    assert SECRET not in text and "alice" not in text


def test_the_cli_reports_a_down_cluster_without_a_traceback(monkeypatch):
    from typer.testing import CliRunner

    from newsearch.cli import app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = CliRunner().invoke(app, ["-i", f"opensearch://u:{QUOTED}@127.0.0.1:{port}/news", "stats"])
    assert r.exit_code == 1 and "Error: cannot reach" in r.output
    assert "Traceback" not in r.output and QUOTED not in r.output and SECRET not in r.output


def test_a_missing_client_library_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "opensearchpy", None)  # import opensearchpy fails
    with pytest.raises(NewsearchError) as err:
        connection.connect(parse("opensearch://h:9200/news", env={}))
    assert "pip install 'newsearch[opensearch]'" in err.value.hint


def test_cluster_errors_name_the_cause_without_credentials():
    from opensearchpy import exceptions as ex

    t = parse(f"https://alice:{QUOTED}@h:9200/news", env={})
    cases = [
        (ex.AuthenticationException(401, "security_exception", {}), "refused the credentials"),
        (ex.AuthorizationException(403, "security_exception", {}), "does not allow"),
        (
            ex.ConnectionError("N/A", f"https://alice:{QUOTED}@h:9200 {SECRET}", None),
            "cannot reach",
        ),
        (ex.SSLError("N/A", "certificate verify failed", None), "TLS"),
        (ex.TransportError(503, "unavailable", {}), "unavailable"),
    ]
    for exc, words in cases:
        with pytest.raises(ClusterError, match=words) as err, connection.cluster_errors(t):
            raise exc
        assert SECRET not in str(err.value) and QUOTED not in str(err.value)
    # A request the cluster rejects as malformed is newsearch's bug, not the user's.
    with pytest.raises(ex.RequestError), connection.cluster_errors(t):
        raise ex.RequestError(400, "parsing_exception", {})


def test_folders_are_still_folders(tmp_path):
    from newsearch import engines

    assert engines._url(tmp_path / "index") is None
    assert engines._url("opensearch-archive/index") is None
    assert engines._url("https://h/news") == "https://h/news"
