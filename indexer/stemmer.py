"""NLTK's English Snowball stemmer, loaded without running NLTK's package ``__init__``.

``import nltk`` imports most of NLTK, and with SciPy installed that pulls in scipy.stats:
measured here 2.8 s warm and 6.8 s cold, paid by every `newsearch query` process, since the
query side stems the words typed. The stemmer itself needs four small modules. They are loaded
under throwaway package stubs, and every module loaded that way is taken out of
``sys.modules`` again, so an application that imports NLTK itself later gets the real package.
NLTK's ReDoS guard (``nltk.redos``, on the third-party ``regex`` engine) is stubbed too: only
the Arabic stemmer's class body and the demo() functions use it, and importing it took the
stemmer's load from 2.3 to 8.9 ms (min of 20 fresh processes; medians 2.8 and 14.1).
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
import threading
import types
from collections.abc import Callable

_LOADING = threading.Lock()  # two threads stubbing "nltk" at once would undo each other


def english_stemmer() -> Callable[[str], str]:
    """The ``stem`` method of NLTK's SnowballStemmer("english")."""
    if "nltk" in sys.modules and hasattr(sys.modules["nltk"], "__version__"):
        from nltk.stem.snowball import SnowballStemmer  # NLTK is loaded already: no cost

        return SnowballStemmer("english").stem
    try:
        with _LOADING:
            cls = _load_isolated()
    except Exception:  # noqa: BLE001 - an NLTK layout we do not know: pay for the full import
        from nltk.stem.snowball import SnowballStemmer

        cls = SnowballStemmer
    stem: Callable[[str], str] = cls("english").stem
    return stem


def _load_isolated() -> type:
    spec = importlib.util.find_spec("nltk")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("nltk is not installed")
    root = list(spec.submodule_search_locations)[0]
    before = set(sys.modules)

    def stub(name: str, path: str | None = None, **attrs: object) -> None:
        module = types.ModuleType(name)
        if path:
            module.__path__ = [path]
        module.__dict__.update(attrs)
        sys.modules[name] = module

    try:
        stub("nltk", root)
        # Only consulted with ignore_stopwords=True, which newsearch never asks for.
        stub("nltk.corpus", stopwords=None)
        # Plain re for patterns compiled at import time (ArabicStemmer's); English uses none.
        stub("nltk.redos", compile=re.compile, sub=re.sub)
        stub("nltk.stem", root + "/stem")
        return importlib.import_module("nltk.stem.snowball").SnowballStemmer
    finally:
        # Only NLTK's: another thread may be importing a module of its own meanwhile (a search
        # thread's first lazy import was deleted here, and failed with KeyError).
        for name in set(sys.modules) - before:
            if name == "nltk" or name.startswith("nltk."):
                del sys.modules[name]
