"""The engines the speed benchmark runs side by side: how each indexes and answers a query."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

Doc = dict[str, str]
Search = Callable[[str], int]
ENGINES = ["whoosh-plain", "fts5", "tantivy", "bm25s", "newsearch"]

FTS_SQL = "SELECT id, title{snip} FROM d WHERE d MATCH ? ORDER BY bm25(d) LIMIT 10"
FTS_SNIP = ", snippet(d, 2, '**', '**', '...', 16)"
NEEDS = {"whoosh-plain": "whoosh", "fts5": "sqlite3", "bm25s": "bm25s Stemmer"}
# One query in a new process (argv: index dir, query), printing what a user would see.
FRESH = {
    "whoosh-plain": """import sys
from whoosh import index
from whoosh.qparser import OrGroup, QueryParser
ix = index.open_dir(sys.argv[1])
with ix.searcher() as s:
    q = QueryParser("body", ix.schema, group=OrGroup).parse(sys.argv[2])
    for h in s.search(q, limit=10): print(h["title"], h.highlights("body"))""",
    "fts5": f"""import sqlite3, sys
db = sqlite3.connect(sys.argv[1] + "/fts.db")
q = " OR ".join('"' + t.replace('"', '""') + '"' for t in sys.argv[2].split())
for r in db.execute({FTS_SQL.format(snip=FTS_SNIP)!r}, (q,)): print(*r)""",
    "tantivy": """import sys, tantivy
ix = tantivy.Index.open(sys.argv[1]); s = ix.searcher()
q = ix.parse_query(" ".join(f'"{t}"' for t in sys.argv[2].split()), ["title", "body"])
g = tantivy.SnippetGenerator.create(s, q, ix.schema, "body")
for _, a in s.search(q, 10).hits: print(g.snippet_from_doc(s.doc(a)).to_html())""",
    "bm25s": """import sys, bm25s, Stemmer
r = bm25s.BM25.load(sys.argv[1], show_progress=False)
t = bm25s.tokenize([sys.argv[2]], stemmer=Stemmer.Stemmer("english"), show_progress=False)
print(r.retrieve(t, k=10, show_progress=False))""",
    "newsearch-api": """import sys
from newsearch import NewsIndex
for h in NewsIndex.open(sys.argv[1]).search(sys.argv[2], limit=10): print(h.title, h.snippet)""",
}


def read_corpus(kind: str, src: str) -> Iterator[Doc]:
    """Yield {id, title, body} from a JSON Lines file (reuters) or a BBC category folder tree."""
    if kind == "bbc":
        for p in sorted(Path(src).glob("*/*.txt")):
            title, _, body = p.read_text(encoding="utf-8", errors="replace").partition("\n")
            yield {"id": f"{p.parent.name}/{p.stem}", "title": title.strip(), "body": body.strip()}
        return
    with open(src, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                yield {
                    "id": str(r["id"]),
                    "title": r.get("title") or "",
                    "body": r.get("text") or "",
                }


def whoosh_plain(kind: str, src: str, d: str) -> tuple[Search, Search | None]:
    """Build then open a plain Whoosh index (StemmingAnalyzer, QueryParser body OrGroup)."""
    from whoosh import index
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.qparser import OrGroup, QueryParser

    if kind != "open":
        schema = Schema(
            id=ID(stored=True),
            title=TEXT(stored=True),
            body=TEXT(stored=True, analyzer=StemmingAnalyzer()),
        )
        w = index.create_in(d, schema).writer()
        for doc in read_corpus(kind, src):
            w.add_document(**doc)
        w.commit()
        return lambda q: 0, None
    ix = index.open_dir(d)
    s = ix.searcher()
    parser = QueryParser("body", ix.schema, group=OrGroup)

    return (
        lambda q: len([h["id"] for h in s.search(parser.parse(q), limit=10)]),
        lambda q: len([h.highlights("body") for h in s.search(parser.parse(q), limit=10)]),
    )


def fts5(kind: str, src: str, d: str) -> tuple[Search, Search | None]:
    """SQLite FTS5 (porter tokenizer), OR of quoted tokens, bm25() ranking, snippet()."""

    db = sqlite3.connect(os.path.join(d, "fts.db"), check_same_thread=False)
    if kind != "open":
        db.execute(
            "CREATE VIRTUAL TABLE d USING fts5(id UNINDEXED, title, body, tokenize='porter')"
        )
        db.executemany("INSERT INTO d VALUES (:id, :title, :body)", read_corpus(kind, src))
        db.commit()
        db.close()
        return lambda q: 0, None
    plain, snip = FTS_SQL.format(snip=""), FTS_SQL.format(snip=FTS_SNIP)
    # Each word quoted (a quote in it doubled): FTS5 reads no syntax from the text.
    match = lambda q: (" OR ".join('"' + t.replace('"', '""') + '"' for t in q.split()),)  # noqa: E731
    return (
        lambda q: len(db.execute(plain, match(q)).fetchall()),
        lambda q: len(db.execute(snip, match(q)).fetchall()),
    )


def tantivy_en(kind: str, src: str, d: str) -> tuple[Search, Search | None]:
    """Tantivy, en_stem on title and body (stored), OR of quoted tokens, SnippetGenerator."""
    import tantivy

    if kind != "open":
        sb = tantivy.SchemaBuilder()
        sb.add_text_field("id", stored=True, tokenizer_name="raw")
        sb.add_text_field("title", stored=True, tokenizer_name="en_stem")
        sb.add_text_field("body", stored=True, tokenizer_name="en_stem")
        w = tantivy.Index(sb.build(), path=d).writer()
        for doc in read_corpus(kind, src):
            w.add_document(tantivy.Document(**doc))
        w.commit()
        w.wait_merging_threads()
        return lambda q: 0, None
    ix = tantivy.Index.open(d)
    s = ix.searcher()

    parse = lambda q: ix.parse_query(" ".join(f'"{t}"' for t in q.split()), ["title", "body"])  # noqa: E731

    def snip(q: str) -> int:
        gen = tantivy.SnippetGenerator.create(s, query := parse(q), ix.schema, "body")
        return len([gen.snippet_from_doc(s.doc(a)).to_html() for _, a in s.search(query, 10).hits])

    return lambda q: len([s.doc(a)["id"][0] for _, a in s.search(parse(q), 10).hits]), snip


def bm25s_en(kind: str, src: str, d: str) -> tuple[Search, Search | None]:
    """bm25s (Lucene BM25, English stop words, PyStemmer); saved to disk; no snippets."""
    import bm25s
    import Stemmer

    stem = Stemmer.Stemmer("english")
    if kind != "open":
        corpus = [f"{x['title']}\n{x['body']}" for x in read_corpus(kind, src)]
        r = bm25s.BM25()
        r.index(bm25s.tokenize(corpus, stemmer=stem, show_progress=False), show_progress=False)
        r.save(d, show_progress=False)
        return lambda q: 0, None
    r = bm25s.BM25.load(d, show_progress=False)
    tok = lambda q: bm25s.tokenize([q], stemmer=stem, show_progress=False)  # noqa: E731
    return lambda q: len(r.retrieve(tok(q), k=10, show_progress=False)[0][0]), None


def newsearch(kind: str, src: str, d: str) -> tuple[Search, Search | None]:
    """The product through its public API: add_files end to end, search(q, limit=10)."""
    from newsearch import NewsIndex

    if kind != "open":
        NewsIndex.create(d, overwrite=True).add_files([src])
        return lambda q: 0, None
    # One index object per mode: the second pass must not find the first one's queries in the
    # engine's caches (the scored-postings cache halved a repeated pass at Reuters x10).
    ix, again = NewsIndex.open(d), NewsIndex.open(d)
    plain = lambda q: len(ix.search(q, limit=10, snippets=False).hits)  # noqa: E731
    return plain, lambda q: len([h.snippet for h in again.search(q, limit=10).hits])


BUILD = dict(zip(ENGINES, [whoosh_plain, fts5, tantivy_en, bm25s_en, newsearch], strict=True))


def scaled(src: Path, k: int, dest: Path) -> Path:
    """Write the JSON Lines corpus ``k`` times over with new ids (id.copy) to ``dest``."""
    recs = [json.loads(line) for line in src.read_text(encoding="utf-8").splitlines() if line]
    with open(dest, "w", encoding="utf-8") as f:
        for i in range(k):
            f.writelines(json.dumps(r | {"id": f"{r['id']}.{i}"}) + "\n" for r in recs)
    return dest


def long_queries(folder: Path) -> list[str]:
    """The natural-language queries of an IR test collection (queries.tsv: id TAB text)."""
    lines = (folder / "queries.tsv").read_text(encoding="utf-8").splitlines()
    return [line.split("\t", 1)[1] for line in lines if "\t" in line]


def byte_compile_newsearch() -> None:
    """Write the .pyc files of the newsearch the CLI imports, as pip does on install.

    compileall does not follow the symlinked sub-packages (indexer/, query/): each is named.
    A strict editable install imports through a tree of links (build/__editable__...), and
    Python looks for the .pyc beside the path it imported, so the path as the CLI finds it
    (``-P``: not from the current folder), as ``python -c`` here finds it, and their real paths
    are all compiled. With only the real one and PYTHONDONTWRITEBYTECODE=1, every fresh CLI
    query compiled newsearch from source: 112 ms instead of 82.
    """
    find = (
        "import importlib.util as u\n"
        "for m in ('newsearch', 'newsearch.indexer', 'newsearch.query'):\n"
        "    print(*u.find_spec(m).submodule_search_locations, sep='\\n')"
    )
    found = []
    for flags in (["-P"], []):  # the CLI's import path, and `python -c`'s from this folder
        where = subprocess.run([sys.executable, *flags, "-c", find], capture_output=True, text=True)
        found += [d for d in where.stdout.split("\n") if d]
    dirs = sorted({*found, *(os.path.realpath(d) for d in found)})
    subprocess.run([sys.executable, "-m", "compileall", "-q", *dirs], capture_output=True)
