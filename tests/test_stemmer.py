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
        "from nltk.stem.snowball import SnowballStemmer\n"
        "assert ours == [SnowballStemmer('english').stem(w) for w in words], ours\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_stemmer_in_this_process():
    stem = english_stemmer()
    assert stem("inquiries") == stem("inquiry") == "inquiri"
    assert stem("running") == "run"
