import subprocess
import sys

from newsearch.indexer.stemmer import english_stemmer

WORDS = [
    "running",
    "inquiries",
    "inquiry",
    "generously",
    "news",
    "dying",
    "skies",
    "Mueller",
    "interference",
    "presidential",
    "relational",
    "conditional",
    "hopping",
    "agreed",
]


def test_isolated_stemmer_equals_nltk_and_leaves_no_modules_behind():
    code = (
        "import sys\n"
        "from newsearch.indexer.stemmer import english_stemmer\n"
        f"words = {WORDS!r}\n"
        "ours = [english_stemmer()(w) for w in words]\n"
        "assert not [m for m in sys.modules if m == 'nltk' or m.startswith('nltk.')], 'leftovers'\n"
        "assert 'scipy' not in sys.modules\n"
        # NLTK's ReDoS guard is stubbed: with its regex engine the stemmer loaded in 9 ms, not 2.
        "assert 'regex' not in sys.modules\n"
        "from nltk.stem.snowball import SnowballStemmer\n"
        "assert ours == [SnowballStemmer('english').stem(w) for w in words], ours\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_stemmer_in_this_process():
    stem = english_stemmer()
    assert stem("inquiries") == stem("inquiry") == "inquiri"
    assert stem("running") == "run"


def test_loading_the_stemmer_leaves_other_threads_imports_alone(monkeypatch):
    # A search thread's first lazy import landed while another thread loaded the stemmer, which
    # then deleted every module that had appeared meanwhile: KeyError in the search.
    import importlib
    import sys
    import types

    from newsearch.indexer import stemmer as loader

    for name in [n for n in sys.modules if n == "nltk" or n.startswith("nltk.")]:
        monkeypatch.delitem(sys.modules, name)
    real = importlib.import_module

    def meanwhile(name, *args):
        sys.modules["nstest_meanwhile"] = types.ModuleType("nstest_meanwhile")
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", meanwhile)
    try:
        assert loader.english_stemmer()("running") == "run"
        assert "nstest_meanwhile" in sys.modules and "nltk" not in sys.modules
    finally:
        sys.modules.pop("nstest_meanwhile", None)
