"""Modules a plain `newsearch query` process imports but never runs, loaded on first use.

Each is imported by a module the query needs (``import inspect`` in dataclasses, ``from
whoosh.lang.morph_en import variations`` in whoosh.query.terms, …) and then never touched
while one query is answered. ``defer`` puts a stand-in in ``sys.modules`` that runs the real
module the moment anything reads a name from it, so a caller that does use one sees no
difference. Only the command line does this, for its own one-query process: a library must
not change what its host's imports load.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
from collections.abc import Callable
from importlib.machinery import SourceFileLoader, SourcelessFileLoader
from types import ModuleType
from typing import Any

# name -> the functions taken from it by ``from name import f`` at import time (each stands
# in until first called). The ms each costs to load once a Reuters query is answered (min of 9;
# the whole query took ~100 ms): ~14 ms together.
UNUSED_BY_A_QUERY: dict[str, tuple[str, ...]] = {
    "inspect": (),  # dataclasses: only for a class without a docstring (ast, dis…: 3.4 ms)
    "whoosh.lang.morph_en": ("variations",),  # Variations queries; 6 big regexes: 3.4 ms
    "whoosh.highlight": (),  # Whoosh's Results (our fast path makes none), html: 1.1 ms
    "calendar": (),  # monthrange() for dates in filters; with locale: 0.9 ms
    "bz2": (),  # shutil only tries the import (0.9 ms with lzma and _compression)
    "lzma": (),
    # whoosh.externalsort (imported for safepickle's patch) sorts in temp files only while
    # indexing; whoosh.util names segments with random only at a commit (0.7 ms together).
    "tempfile": (),
    "random": (),
    # whoosh.analysis: the default stemmer of Whoosh's StemFilter (ours is NLTK's): 0.7 ms.
    "whoosh.lang.porter": ("stem",),
    "shutil": ("copyfileobj",),  # whoosh.filedb.compound, to write compound files: 0.5 ms
    # OpenSSL's, 2.2 ms: Whoosh's term hash is the builtin md5 once an engine opens
    # (reading.builtin_md5); newsearch.api hashes with sha1 only to add articles.
    "hashlib": ("md5",),
}
_lock = threading.RLock()  # RLock: a module may import itself back while it runs
_pending: set[str] = set()  # deferred and not run yet


def defer_unused() -> None:
    """Defer every module of UNUSED_BY_A_QUERY (call before importing the engine)."""
    for name, functions in UNUSED_BY_A_QUERY.items():
        defer(name, functions)


def defer(name: str, functions: tuple[str, ...] = ()) -> ModuleType | None:
    """Put a stand-in for a not yet imported module in sys.modules; None if it is imported
    already or cannot be found (then nothing changes)."""
    if name in sys.modules:
        return None
    try:
        spec = importlib.util.find_spec(name)  # imports the parent package, if any
    except (ImportError, ValueError):
        return None
    loader = spec.loader if spec else None
    # Python source only: an extension module's work is done by module_from_spec already.
    if spec is None or not isinstance(loader, SourceFileLoader | SourcelessFileLoader):
        return None
    if spec.submodule_search_locations is not None:  # its submodules would skip its __init__
        return None
    if name in sys.modules:  # the parent package imported it just now
        return None
    module = importlib.util.module_from_spec(spec)

    def load() -> ModuleType:
        with _lock:
            if name in _pending:
                _pending.discard(name)
                del module.__dict__["__getattr__"]
                try:
                    loader.exec_module(module)  # the real names replace the stand-ins
                except BaseException:
                    sys.modules.pop(name, None)  # as a failed import: the next one tries again
                    raise
        return module

    def getattr_(attr: str) -> Any:  # a module's __getattr__: asked only for names it lacks
        if attr == "__path__":  # `from name import f` asks whether it is a package: it is not
            raise AttributeError(attr)
        return getattr(load(), attr)

    def stand_in(function: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            return getattr(load(), function)(*args, **kwargs)

        return call

    module.__dict__["__getattr__"] = getattr_
    for function in functions:
        module.__dict__[function] = stand_in(function)
    _pending.add(name)
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)
    return module


def loaded(name: str) -> bool:
    """Whether a module is imported and, if it was deferred, has run."""
    return name in sys.modules and name not in _pending
