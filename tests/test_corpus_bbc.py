"""Real-data checks on the BBC corpus (skipped when ../shared/data is absent)."""

import random

import pytest
from testdata import data_dir

from newsearch import NewsIndex
from newsearch.indexer.sources import decode, file_id


@pytest.fixture(scope="module")
def bbc_sample(tmp_path_factory):
    root = data_dir("corpora", "bbc")
    files = sorted(p for p in root.rglob("*.txt") if p.name != "README.TXT")
    sample = random.Random(7).sample(files, 300)
    ix = NewsIndex.create(tmp_path_factory.mktemp("bbc") / "ix")
    report = ix.add_files(sample)
    return ix, sample, report


def test_bbc_sample_indexes_without_failures(bbc_sample):
    ix, sample, report = bbc_sample
    assert report.added == len(sample) and not report.failed


def test_headline_words_find_their_article_in_the_top_3(bbc_sample):
    ix, sample, _ = bbc_sample
    misses = []
    for p in sample:
        headline = decode(p.read_bytes()).strip().splitlines()[0]
        # Every copy shown: a duplicate of the article may otherwise stand for it.
        hits = ix.search(headline, limit=3, collapse=False).hits
        if not any(h.id == file_id(str(p.resolve())) or h.title == headline for h in hits):
            misses.append(headline)
    assert not misses, misses[:5]


def test_latin1_pound_sign_survives():
    path = data_dir("corpora", "bbc") / "sport" / "199.txt"
    text = decode(path.read_bytes())
    assert "\ufffd" not in text and "£" in text
