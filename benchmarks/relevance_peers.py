"""The in-process peers of relevance.py (and newsearch itself): each builds an index from a
collection's documents and returns a search function giving (doc id, score), best first."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

Doc = dict[str, str]
Searcher = Callable[[str], list[tuple[str, float]]]

K = 1000  # results per query, as the runs are scored (MAP over the top 1000)
TOKEN = re.compile(r"\w+")
WHOOSH_SYNTAX = re.compile(r"[^\w\s.]")  # anything but word chars, spaces and dots (as in U.S.)


def words(text: str) -> list[str]:
    """Lower-cased \\w+ tokens, which FTS5 and Tantivy quote one by one (no query syntax)."""
    return TOKEN.findall(text.lower())


def whoosh_text(text: str) -> str:
    """Query text with Whoosh syntax removed (operators lower-cased, symbols blanked)."""
    return WHOOSH_SYNTAX.sub(" ", text.lower())


def _whoosh(docs: list[Doc], tmp: str, analyzer: Any, weighting: Any) -> Searcher:
    from whoosh import index
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.qparser import MultifieldParser, OrGroup

    schema = Schema(
        id=ID(stored=True, unique=True), title=TEXT(analyzer=analyzer), text=TEXT(analyzer=analyzer)
    )
    ix = index.create_in(tmp, schema)
    with ix.writer(limitmb=256) as w:
        for d in docs:
            w.add_document(id=d["id"], title=d.get("title") or "", text=d.get("text") or "")
    searcher = ix.searcher(weighting=weighting)
    parser = MultifieldParser(["title", "text"], schema, group=OrGroup)

    def search(q: str) -> list[tuple[str, float]]:
        hits = searcher.search(parser.parse(whoosh_text(q)), limit=K)
        return [(h["id"], h.score) for h in hits]

    return search


def whoosh_default(docs: list[Doc], tmp: str, path: Path) -> Searcher:
    """Whoosh, StemmingAnalyzer, MultifieldParser(title, text) with OrGroup, default BM25F."""
    from whoosh import scoring
    from whoosh.analysis import StemmingAnalyzer

    return _whoosh(docs, tmp, StemmingAnalyzer(), scoring.BM25F())


def whoosh_snowball_tuned(docs: list[Doc], tmp: str, path: Path) -> Searcher:
    """Whoosh with an NLTK Snowball stemmer, BM25F(K1=0.9, B=0.4), OrGroup."""
    from nltk.stem.snowball import SnowballStemmer
    from whoosh import scoring
    from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter

    stem = SnowballStemmer("english").stem
    analyzer = RegexTokenizer() | LowercaseFilter() | StopFilter() | StemFilter(stemfn=stem)
    return _whoosh(docs, tmp, analyzer, scoring.BM25F(B=0.4, K1=0.9))


def fts5(docs: list[Doc], tmp: str, path: Path) -> Searcher:
    """SQLite FTS5, porter tokenizer, OR of quoted query tokens, ranked by bm25()."""
    db = sqlite3.connect(os.path.join(tmp, "fts.db"))
    db.execute("CREATE VIRTUAL TABLE d USING fts5(id UNINDEXED, title, text, tokenize='porter')")
    db.executemany(
        "INSERT INTO d VALUES (?, ?, ?)",
        [(x["id"], x.get("title") or "", x.get("text") or "") for x in docs],
    )
    db.commit()
    sql = "SELECT id, -bm25(d) FROM d WHERE d MATCH ? ORDER BY bm25(d) LIMIT ?"

    def search(q: str) -> list[tuple[str, float]]:
        toks = words(q)
        return db.execute(sql, (" OR ".join(f'"{t}"' for t in toks), K)).fetchall() if toks else []

    return search


def tantivy_en(docs: list[Doc], tmp: str, path: Path) -> Searcher:
    """Tantivy, en_stem tokenizer on title and text, OR of quoted query tokens."""
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    sb.add_text_field("title", tokenizer_name="en_stem")
    sb.add_text_field("text", tokenizer_name="en_stem")
    ix = tantivy.Index(sb.build(), path=tmp)
    w = ix.writer()
    for d in docs:
        w.add_document(
            tantivy.Document(id=d["id"], title=d.get("title") or "", text=d.get("text") or "")
        )
    w.commit()
    w.wait_merging_threads()
    ix.reload()
    searcher = ix.searcher()

    def search(q: str) -> list[tuple[str, float]]:
        toks = words(q)
        if not toks:
            return []
        query = ix.parse_query(" ".join(f'"{t}"' for t in toks), ["title", "text"])
        hits = searcher.search(query, K).hits
        return [(searcher.doc(a)["id"][0], s) for s, a in hits]

    return search


def bm25s_default(docs: list[Doc], tmp: str, path: Path) -> Searcher:
    """bm25s with default settings (Lucene BM25, English stop words), PyStemmer if present."""
    import bm25s

    try:
        import Stemmer

        stemmer: Any = Stemmer.Stemmer("english")
    except ImportError:
        stemmer = None
    ids = [d["id"] for d in docs]
    corpus = [f"{d.get('title') or ''}\n{d.get('text') or ''}" for d in docs]
    retriever = bm25s.BM25()
    retriever.index(
        bm25s.tokenize(corpus, stemmer=stemmer, show_progress=False), show_progress=False
    )
    k = min(K, len(ids))

    def search(q: str) -> list[tuple[str, float]]:
        toks = bm25s.tokenize([q], stemmer=stemmer, return_ids=False, show_progress=False)
        if not toks[0]:
            return []
        idx, scores = retriever.retrieve(toks, k=k, show_progress=False)
        return [(ids[i], float(s)) for i, s in zip(idx[0], scores[0], strict=True) if s > 0]

    return search


def newsearch(docs: list[Doc], tmp: str, path: Path) -> Searcher:
    """The product under test, through its public API only."""
    from newsearch import NewsIndex

    ix = NewsIndex.create(tmp, overwrite=True)
    ix.add_files([path / "docs.jsonl"])

    def search(q: str) -> list[tuple[str, float]]:
        # record_id: the collection's own ids, as its judgements name them.
        return [(h.record_id, float(h.score)) for h in ix.search(q, limit=K).hits]

    return search
