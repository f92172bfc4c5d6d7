"""The vectorised query path returns the page Whoosh's own matchers give.

The reference scores every match with Whoosh's matchers and no skipping (an unlimited collector
that never swaps its matchers), then applies the all-words tier and collapse as the engine
does. Whoosh's skipping path is not the reference for coordinated queries: it rebuilds the
coordination matcher as posting lists run out, which re-scores later documents (see vector.py).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from testdata import DATA
from whoosh import collectors

from newsearch import NewsIndex
from newsearch.engine import Term
from newsearch.engines.whoosh import fastpath, pyscore, ranking, searching, translate
from newsearch.engines.whoosh.engine import WhooshEngine
from newsearch.models import SearchOptions
from newsearch.query.plan import plan

VOCABULARY = (
    "oil price bank rate cut coffee wheat export import trade deficit minister talks strike "
    "union steel output growth profit loss shares market dollar yen gold mine crop rain drought "
    "harvest shipping port tanker merger bid offer board court ruling tax budget election vote "
    "party leader rebel army border peace treaty fund debt bond yield inflation jobs factory "
    "plant car sales record quarter forecast analyst investor company group chief executive"
)
WORDS = VOCABULARY.split()
SYNTAX = [
    "oil AND price",
    "coffee OR wheat",
    "title:oil",
    "oil AND (price OR cut)",
    "gold^2 mine",
    "wheet~1 harvest",
    "tanker AND port AND shipping",
    "pri* oil",
    "stee? output cut",
]


def _records(n: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    for i in range(n):
        title = " ".join(rng.sample(WORDS, rng.randint(2, 5)))
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 120)))
        day = 1 + i % 28
        tags = rng.sample(["energy", "farming", "finance", "politics", "metals"], rng.randint(0, 2))
        site = rng.choice(["Wire One", "Daily Two", "Three Times"])
        yield {"id": f"a{i}", "title": title, "text": body, "date": f"2020-03-{day:02d}"} | {
            "tags": tags,
            "source": site,
        }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> NewsIndex:
    """600 articles in three batches (segments), copies of some, a few deleted."""
    rng = random.Random(12)
    recs = list(_records(600, rng))
    # Copies under new ids, so collapse has stories to fold.
    recs += [r | {"id": r["id"] + "-copy"} for r in recs[:60]]
    ix = NewsIndex.create(tmp_path_factory.mktemp("fast") / "ix")
    for part in (recs[:250], recs[250:500], recs[500:]):
        ix.add_articles(part)
    for i in range(0, 40, 7):
        ix.delete(f"a{i}")
    return ix


# Whoosh's own AND NOT lets through the first excluded article of each segment (on this corpus
# "bank NOT rate" found 131 articles, 3 of them holding "rate"): these are checked as sets.
NEGATED = {"bank NOT rate": ("bank", "rate"), "+steel output -strike": ("steel", "strike")}


def _reference(engine: WhooshEngine, text: str, opts: SearchOptions) -> tuple[list, int]:
    """(docnum, score) of the page and the total, by Whoosh's matchers scoring every match."""
    request = plan(engine, text, opts).request
    with engine._reading() as r:
        s = r.searcher
        only = searching.allowed(s, request.filters)

        def scored(query: Any) -> list[tuple[int, float]]:
            c = collectors.UnlimitedCollector()
            c.replace = 0  # never swap matchers mid-list (that re-scores coordinated queries)
            s.search_with_collector(query, c)
            hits = [(h.docnum, h.score) for h in c.results()]
            return sorted(
                [h for h in hits if only is None or h[0] in only], key=lambda h: (-h[1], h[0])
            )

        rest = scored(r.query(request.query))
        first = scored(translate.query(request.first)) if request.first is not None else []
        seen = {d for d, _ in first}
        ordered = [fastpath.Scored(d, sc) for d, sc in first]
        ordered += [fastpath.Scored(d, sc) for d, sc in rest if d not in seen]
        want = request.offset + request.limit
        shown = ranking.collapse(r.keys, ordered, want)[0] if request.collapse else ordered
        return [(h.docnum, h.score) for h in shown[request.offset : want]], len(rest)


def _plain(ix: NewsIndex, text: str, **options: Any) -> Any:
    """The same search answered by Whoosh's matchers alone."""
    WhooshEngine.vectorised = False
    try:
        return ix.search(text, **options)
    finally:
        WhooshEngine.vectorised = True


def _fast(
    engine: WhooshEngine, text: str, opts: SearchOptions, lists: bool = False
) -> tuple[list, int]:
    """(docnum, score) of the page and the total by the fast path, NumPy's or plain Python's."""
    request = plan(engine, text, opts).request
    with engine._reading() as r:
        only = searching.allowed(r.searcher, request.filters)
        every = translate.query(request.first) if request.first is not None else None
        scorer = pyscore.Lists(r.searcher) if lists else r.arrays
        found = fastpath.top(scorer, r.keys, r.query(request.query), every, only, request)
    return [(h.docnum, h.score) for h in found.hits[request.offset :]], found.total


def _same(got: list, want: list) -> bool:
    """The same scores in the same order; a document may differ only where the scores tie
    (two copies of one story sum their terms in another order and differ in the last bit)."""
    if len(got) != len(want):
        return False
    return (
        all(
            abs(gs - ws) <= 1e-9 * max(1.0, abs(ws))
            for (_, gs), (_, ws) in zip(got, want, strict=True)
        )
        and sum(g != w for (g, _), (w, _) in zip(got, want, strict=True)) <= len(got) // 2
    )


def _queries(rng: random.Random, n: int) -> list[str]:
    return [" ".join(rng.sample(WORDS, rng.randint(1, 4))) for _ in range(n)]


OPTIONS = [
    SearchOptions(limit=10),
    SearchOptions(limit=5, page=3),
    SearchOptions(limit=10, collapse=False),
    SearchOptions(limit=10, since="2020-03-05", until="2020-03-12"),
]


@pytest.mark.parametrize("opts", OPTIONS, ids=["top10", "page3", "nocollapse", "dates"])
def test_fast_path_matches_whoosh_scoring_every_match(corpus: NewsIndex, opts: SearchOptions):
    engine = corpus._engine
    with engine._reading() as r:
        assert len(r.searcher.leaf_searchers()) > 1  # segments are offset correctly
        assert not r.arrays.live.all()  # deleted articles are left out
    queries = _queries(random.Random(5), 60) + SYNTAX
    for text in queries:
        got, total = _fast(engine, text, opts)
        want, want_total = _reference(engine, text, opts)
        assert total == want_total, text
        assert _same(got, want), (text, got, want)


@pytest.mark.parametrize("opts", OPTIONS[:2] + OPTIONS[3:], ids=["top10", "page3", "dates"])
def test_plain_python_scores_as_numpy_does(corpus: NewsIndex, opts: SearchOptions):
    """A process's first search (pyscore.py) gives the very page later ones (vector.py) give."""
    engine = corpus._engine
    for text in _queries(random.Random(9), 40) + SYNTAX + list(NEGATED):
        assert _fast(engine, text, opts, lists=True) == _fast(engine, text, opts), text


def test_first_search_of_a_process_needs_no_numpy(corpus: NewsIndex):
    code = (
        "import sys\n"
        "from newsearch import NewsIndex\n"
        f"ix = NewsIndex.open({str(corpus.location)!r})\n"
        "r = ix.search('oil price', facets=True)\n"
        "assert r.total and r.facets['tag'], r\n"
        "assert 'numpy' not in sys.modules\n"
        "ix.search('gold mine')\n"
        "assert 'numpy' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_negation_leaves_out_every_article_with_the_word(corpus: NewsIndex):
    engine = corpus._engine
    for text, (kept, dropped) in NEGATED.items():
        with engine._reading() as r:
            s = r.searcher
            holding = [
                set(s.docs_for_query(translate.query(Term(f, w))))
                for w in (kept, dropped)
                for f in ("title", "body")
            ]
            want = (holding[0] | holding[1]) - (holding[2] | holding[3])
        got, total = _fast(engine, text, SearchOptions(limit=1000, collapse=False))
        assert {d for d, _ in got} == want, text
        assert total == len(want)


@pytest.mark.parametrize("since", [None, "2020-03-10"])
def test_copies_counted_as_whoosh_counts_them(
    corpus: NewsIndex, since: str | None, monkeypatch: pytest.MonkeyPatch
):
    engine = corpus._engine
    monkeypatch.setattr(WhooshEngine, "_searched", True)  # NumPy's path counts from its arrays
    seen = 0
    for text in ["oil price", "coffee wheat", "gold mine rain"] + _queries(random.Random(3), 20):
        found = corpus.search(text, limit=10, snippets=False, since=since)
        request = plan(engine, text, SearchOptions(since=since)).request
        with engine._reading() as r:
            only = searching.allowed(r.searcher, request.filters)
            for hit in found.hits:
                docnum = r.searcher.document_number(id=hit.id)
                assert hit.similar == ranking.copies(r.searcher, r.keys, docnum, only), text
                seen += hit.similar
    assert seen > 0  # some hits had copies to count


def test_every_articles_copies_counted_as_whoosh_counts_them(corpus: NewsIndex):
    # Stories with copies in segments with deletions and in segments without: counted from
    # postings in the first, from the term's document frequency in the others.
    with corpus._engine._reading() as r:
        deleting = {ss.reader().has_deletions() for ss, _ in r.searcher.leaf_searchers()}
        assert deleting == {True, False}
        live = [
            d for d in range(r.searcher.doc_count_all()) if not r.searcher.reader().is_deleted(d)
        ]
        counts = [r.arrays.copies(r.keys[d], None) for d in live]
        assert counts == [ranking.copies(r.searcher, r.keys, d, None) for d in live]
        assert 0 in counts and 1 in counts  # copies, and articles whose copy was deleted


@pytest.mark.parametrize("lists", [False, True], ids=["numpy", "python"])
def test_an_empty_index(tmp_path: Path, lists: bool):
    ix = NewsIndex.create(tmp_path / "ix")
    assert _fast(ix._engine, "oil price", SearchOptions(), lists=lists) == ([], 0)
    assert ix.search("oil", facets=True).facets == {"source": {}, "year": {}, "tag": {}}


def test_search_takes_the_fast_path(corpus: NewsIndex, monkeypatch: pytest.MonkeyPatch):
    def refuse(*args: Any) -> None:
        raise AssertionError("the plain path answered a vectorisable query")

    monkeypatch.setattr(searching, "plain_search", refuse)
    for text in ["oil price", "coffee OR wheat", "bank NOT rate", "wheet~1"]:
        assert corpus.search(text).total > 0


def test_same_pages_as_the_plain_path_where_no_coordination(corpus: NewsIndex):
    """Without a coordination bonus Whoosh's skipping is exact: the two paths agree as pages."""
    texts = [
        "oil AND price",
        "tanker AND port AND shipping",
        "title:oil",
        "title:oil AND body:price",
    ]
    for text in texts:
        fast = corpus.search(text, limit=10, snippets=False)
        plain = _plain(corpus, text, limit=10, snippets=False)
        assert fast.total == plain.total, text
        assert [h.score for h in fast.hits] == pytest.approx([h.score for h in plain.hits])
        assert [h.id for h in fast.hits] == [h.id for h in plain.hits] or len(
            {h.score for h in fast.hits}
        ) < len(fast.hits), text


def test_unsupported_queries_fall_back(corpus: NewsIndex):
    for text in ['"oil price"', "oil price"]:
        fast = corpus.search(text, limit=10, snippets=False)
        plain = _plain(corpus, text, limit=10, snippets=False)
        assert fast.total == plain.total > 0


@pytest.mark.parametrize("text", ["oil price", "gold", "coffee OR wheat", "pri*"])
def test_facets_count_as_whoosh_counts(corpus: NewsIndex, text: str):
    kwargs = {"facets": True, "snippets": False, "since": "2020-03-03"}
    fast = corpus.search(text, **kwargs)
    plain = _plain(corpus, text, **kwargs)
    assert fast.facets == plain.facets
    assert fast.facets["year"] == {"2020": fast.total}
    assert sum(fast.facets["source"].values()) == fast.total
    assert len(fast.facets["tag"]) == 5


# A path, not data_dir(): a skip raised while the module is collected is a collection error.
REUTERS = DATA / "corpora" / "reuters21578" / "docs.jsonl"


@pytest.mark.skipif(not REUTERS.exists(), reason="no Reuters-21578 in ../shared/data")
def test_fast_path_on_reuters(tmp_path: Path):
    """3,000 real articles (copies among them), 150 queries drawn from their words."""
    lines = REUTERS.read_text(encoding="utf-8").splitlines()[:3000]
    src = tmp_path / "reuters.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ix = NewsIndex.create(tmp_path / "ix")
    ix.add_files([src])
    rng = random.Random(7)
    texts = []
    for line in rng.sample(lines, 150):
        rec = json.loads(line)
        words = [w for w in f"{rec.get('title', '')} {rec.get('text', '')}".lower().split()]
        words = [w for w in words if w.isalpha() and len(w) > 2]
        if words:
            texts.append(" ".join(rng.sample(words, min(len(words), rng.randint(1, 4)))))
    for text in texts:
        got, total = _fast(ix._engine, text, SearchOptions(limit=10, date_clauses=False))
        want, want_total = _reference(ix._engine, text, SearchOptions(limit=10, date_clauses=False))
        assert total == want_total, text
        assert _same(got, want), (text, got, want)


def test_a_searcher_keeps_its_own_generation_when_a_commit_lands_meanwhile(tmp_path, monkeypatch):
    # The generation was read before the searcher was opened: a commit in between gave the
    # searcher more segments than the cache of that generation held (ValueError: broadcast).
    ix = NewsIndex.create(tmp_path / "ix")
    ix.add_articles([{"id": "a", "text": "Harbour ferry one."}])
    ix.add_articles([{"id": "b", "text": "Harbour ferry two."}])
    engine = ix._engine
    stale = engine._ix.latest_generation() - 1
    monkeypatch.setattr(engine._ix, "latest_generation", lambda: stale)
    with engine._reading() as r:
        assert r.generation == r.searcher.reader().generation() == stale + 1
    assert ix.search("harbour").total == 2
