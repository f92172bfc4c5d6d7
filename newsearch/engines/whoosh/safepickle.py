"""Whoosh reads pickles from the index folder; here only allow-listed classes may come out.

Whoosh pickles the schema into the table of contents, the segment list, stored fields,
posting blocks and columns. A folder from someone else (a tarball, a shared volume) could put
any callable in a pickle and have it run by `newsearch stats`. So every ``pickle.load(s)``
Whoosh makes goes through an unpickler that resolves only the classes and functions an index
written by newsearch holds; anything else is refused with UnsafeIndexError.
"""

from __future__ import annotations

import _compat_pickle
import importlib
import io
import pickle
from typing import IO, Any

# What a newsearch index pickles: logged over the whole test suite and a Reuters + BBC index.
ALLOWED: frozenset[tuple[str, str]] = frozenset(
    {
        ("_codecs", "encode"),  # how protocol 2 writes bytes
        ("builtins", "bytes"),  # ... and empty bytes (a posting's value in the indexing pool)
        ("builtins", "int"),
        ("builtins", "frozenset"),
        ("builtins", "set"),
        ("collections", "defaultdict"),
        ("re", "_compile"),  # the tokenizer's pattern
        ("array", "array"),
        ("array", "_array_reconstructor"),
        ("newsearch.indexer.analysis", "NewsTermFilter"),
        ("newsearch.indexer.analysis", "NormalFormFilter"),
    }
)
# Whoosh's own classes (fields, analyzers, formats, codecs, segments) are resolved as long as
# they are classes: no Whoosh function can be called from a pickle.
WHOOSH_MODULES = (
    "whoosh.analysis.",
    "whoosh.fields",
    "whoosh.formats",
    "whoosh.columns",
    "whoosh.codec.whoosh3",
    "whoosh.lang.",
    "whoosh.support.",
)
# The Whoosh modules that read pickles, and the names they read them with. The whoosh2 and
# plaintext codecs and the multi-process writer are left alone: their classes are not allowed
# above, so no index can route a read through them (and importing them cost 3 ms a process).
PATCHED = {
    "whoosh.index": ("pickle",),
    "whoosh.filedb.fileindex": ("pickle",),
    "whoosh.codec.whoosh3": ("loads",),
    "whoosh.filedb.structfile": ("load",),
    "whoosh.filedb.misc": ("loads", "depickle"),
    "whoosh.columns": ("loads",),
    "whoosh.formats": ("loads",),
    "whoosh.externalsort": ("load",),
}


class UnsafeIndexError(pickle.UnpicklingError):
    """A pickle in the index folder names something a newsearch index never holds."""


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        # Protocol 2 pickles name Python 2's modules (__builtin__.long): map them as pickle does.
        if (module, name) in _compat_pickle.NAME_MAPPING:
            module, name = _compat_pickle.NAME_MAPPING[(module, name)]
        module = _compat_pickle.IMPORT_MAPPING.get(module, module)
        if (module, name) in ALLOWED:
            return super().find_class(module, name)
        if module.startswith(WHOOSH_MODULES) or module in WHOOSH_MODULES:
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise UnsafeIndexError(f"the index holds a pickled {module}.{name}, which is not allowed")


def loads(data: bytes, **kwargs: Any) -> Any:
    """pickle.loads restricted to the allow-list."""
    # Through a BufferedReader: the C unpickler then reads ahead (peek) instead of calling
    # read() per opcode; a posting block loads in 47 µs this way, 108 µs from a bare BytesIO,
    # 39 µs with the unrestricted pickle.loads.
    return _Unpickler(io.BufferedReader(io.BytesIO(data)), **kwargs).load()


def load(file: IO[bytes], **kwargs: Any) -> Any:
    """pickle.load restricted to the allow-list."""
    return _Unpickler(file, **kwargs).load()


class _PickleModule:
    """Stands in for the ``pickle`` module inside Whoosh: loading restricted, the rest as is."""

    loads = staticmethod(loads)
    load = staticmethod(load)
    Unpickler = _Unpickler

    def __getattr__(self, name: str) -> Any:
        return getattr(pickle, name)


_installed = False


def install() -> None:
    """Route every pickle Whoosh loads through the allow-list (idempotent)."""
    global _installed
    if _installed:
        return
    replacement = {"pickle": _PickleModule(), "loads": loads, "depickle": loads, "load": load}
    for module_name, names in PATCHED.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue  # a legacy module this Whoosh cannot import: nothing can read through it
        for name in names:
            setattr(module, name, replacement[name])
    _installed = True
