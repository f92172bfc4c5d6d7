"""The OpenSearch engine: an alias on a cluster answering newsearch's SearchRequests.

Relevance searches use dfs_query_then_fetch: with the default per-shard statistics, two shards
of a small index rank the same article differently from Whoosh (idf and average length
differ per shard).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import datetime
from typing import Any

from newsearch.engine import (
    Bool,
    EngineStats,
    FileMark,
    Match,
    Node,
    Page,
    SearchRequest,
    Term,
    TermScore,
)
from newsearch.engines.opensearch import mapping, reading, translate
from newsearch.engines.opensearch.connection import cluster_errors
from newsearch.engines.opensearch.handle import Handle
from newsearch.indexer.terms import analyze
from newsearch.models import StoredArticle

COMPOSITE_PAGE = 1000
ARTICLE_FIELDS = ["id", "story", "stored"]
# Ids listed for one record id given without its file: more files than this sharing it is a
# dump split into pieces, and naming a few of them is enough to choose from.
MAX_ID_MATCHES = 100
# Terms counted per request by doc_frequencies: well under OpenSearch's 65,535 buckets, and a
# request of 1,000 term filters is ~60 KB.
MAX_BUCKETS = 1000


class OpenSearchEngine(Handle):
    """An index (behind an alias) on a cluster. Safe to search from many threads."""

    # ------------------------------------------------------------ searching

    def search(self, request: SearchRequest) -> Page:
        """One page of matches: the all-words tier first, copies folded, filters applied."""
        q = translate.query(request.query)
        lift = 0.0
        if request.first is not None:
            lift = translate.tier_lift(translate.bound(request.query))
            q = translate.tiered(q, translate.query(request.first), lift)
        only = translate.filters(request.filters)
        body: dict[str, Any] = {
            "query": {"bool": {"must": [q], "filter": only}} if only else q,
            "sort": translate.sort(request.sort),
            "from": request.offset,
            "size": request.limit,
            "track_total_hits": True,
            "_source": ARTICLE_FIELDS,
        }
        if request.collapse:
            body["collapse"] = {"field": "story"}
        if request.facets:
            body["aggs"] = reading.facet_aggs()
        got = self._search(body, dfs=request.sort == "relevance")
        hits = got["hits"]["hits"]
        counts = self._copies(hits, only) if request.collapse else {}
        matches = tuple(self._match(h, counts, lift) for h in hits)
        facets = reading.facet_counts(got.get("aggregations", {})) if request.facets else {}
        return Page(matches, int(got["hits"]["total"]["value"]), facets)

    def _copies(self, hits: list[dict[str, Any]], only: list[dict[str, Any]]) -> dict[str, int]:
        keys = sorted({h["_source"]["story"] for h in hits})
        if not keys:
            return {}
        return reading.copies(self._search(reading.copies_body(keys, only)))

    def _match(self, hit: dict[str, Any], copies: dict[str, int], lift: float) -> Match:
        src = hit["_source"]
        score = float(hit.get("_score") or 0.0)
        if lift and score >= lift:
            score -= lift  # the all-words tier: its own score, as Whoosh shows it
        story = src.get("story", "")
        return Match(mapping.stored_article(src), score, story, copies.get(story, 0))

    def more_like(
        self, doc_id: str, limit: int, collapse: bool
    ) -> tuple[tuple[Match, ...], int, tuple[str, ...]]:
        """Articles sharing this one's distinctive terms (Whoosh's Bo1 key terms)."""
        src = self._source(doc_id)
        if src is None:
            return (), -1, ()
        stored = src.get("stored") or {}
        text = f"{stored.get('title', '')}\n{stored.get('body', '')}"
        terms = reading.key_terms(text, self._collection_counts(text), self.count())
        if not terms:
            return (), 0, ()
        fields = [Term("body", t) for t in terms] + [Term("title", t) for t in terms]
        body: dict[str, Any] = {
            "query": {
                "bool": {
                    "must": [translate.query(Bool(should=tuple(fields)))],
                    "must_not": [{"term": {"story": src.get("story", doc_id)}}],
                }
            },
            "sort": translate.sort("relevance"),
            "size": limit,
            "track_total_hits": True,
            "_source": ARTICLE_FIELDS,
        }
        if collapse:
            body["collapse"] = {"field": "story"}
        got = self._search(body, dfs=True)
        hits = got["hits"]["hits"]
        counts = self._copies(hits, []) if collapse else {}
        matches = tuple(self._match(h, counts, 0.0) for h in hits)
        return matches, int(got["hits"]["total"]["value"]), tuple(terms)

    def _collection_counts(self, text: str) -> dict[str, int]:
        """Each term's frequency over the body field, summed over the shards."""
        terms = sorted(set(analyze(text)))
        total: dict[str, int] = {}
        with cluster_errors(self.target):
            for shard in range(self._shards):
                got = self._client.termvectors(
                    index=self._index, body=reading.tv_body(terms), preference=f"_shards:{shard}"
                )
                for t, n in reading.tv_counts(got).items():
                    total[t] = total.get(t, 0) + n
        return total

    def expand(self, query: Node) -> set[tuple[str, str]]:
        """Every (field, term) the query can match, wildcards and fuzzy words expanded."""
        out = reading.plain_terms(query)
        for leaf, body in reading.expansion_requests(query):
            field = getattr(leaf, "field", "")
            for term in reading.listed_terms(self._search(body)):
                if not isinstance(leaf, translate.Fuzzy) or reading.within(leaf, term):
                    out.add((field, term))
        return out

    def explain(self, query: Node, doc_id: str) -> tuple[TermScore, ...]:
        """The share of each matched (field, term) in one article's score (the explain API)."""
        if not doc_id:
            return ()
        only = [{"ids": {"values": [mapping.doc_key(doc_id)]}}]
        body = {"query": {"bool": {"must": [translate.query(query)], "filter": only}}}
        terms = [f + mapping.TERMS_SUFFIX for f in mapping.TEXT_FIELDS]
        extra = {"explain": True, "size": 1, "_source": False, "docvalue_fields": terms}
        hits = self._search({**body, **extra}, dfs=True)["hits"]["hits"]
        if not hits:
            return ()
        held = {
            f: hits[0].get("fields", {}).get(f + mapping.TERMS_SUFFIX, [])
            for f in mapping.TEXT_FIELDS
        }
        return reading.term_scores(hits[0].get("_explanation", {}), held)

    # ------------------------------------------------------------ reading

    def get(self, doc_id: str) -> StoredArticle | None:
        """One stored article, or None."""
        src = self._source(doc_id)
        return mapping.stored_article(src) if src is not None else None

    def articles(self) -> Iterator[StoredArticle]:
        """Every stored article."""
        for src in self._scan(ARTICLE_FIELDS):
            yield mapping.stored_article(src)

    def stats(self) -> EngineStats:
        """Counts, the sources by article count, and the date range."""
        body = {
            "size": 0,
            "track_total_hits": True,
            "aggs": {
                "sites": {"terms": {"field": "site", "size": reading.ALL_YEARS}},
                "files": {"value_count": {"field": "filekey"}},
            },
        }
        got = self._search(body)
        buckets = got["aggregations"]["sites"]["buckets"]
        return EngineStats(
            documents=int(got["hits"]["total"]["value"]),
            files=int(got["aggregations"]["files"]["value"]),
            sources={b["key"]: int(b["doc_count"]) for b in buckets},
            oldest=self._dated("asc"),
            newest=self._dated("desc"),
        )

    def settings(self) -> dict[str, object]:
        """The manifest kept in the index mapping's _meta."""
        return dict(self._meta)

    def newest(self) -> datetime | None:
        """The newest publication date."""
        return self._dated("desc")

    def _dated(self, order: str) -> datetime | None:
        body = {
            "size": 1,
            "query": {"exists": {"field": "published"}},
            "sort": [{"published": {"order": order}}, translate.DOC_ORDER],
            "_source": ARTICLE_FIELDS,
        }
        hits = self._search(body)["hits"]["hits"]
        return mapping.stored_article(hits[0]["_source"]).published if hits else None

    def doc_frequencies(self, field: str, terms: Collection[str]) -> dict[str, int]:
        """How many articles hold each term in the field: one search, a filter bucket a term.

        A count request per term made did-you-mean ~60% of a warm query (issue 13).
        """
        wanted = sorted(set(terms))
        out: dict[str, int] = {}
        for i in range(0, len(wanted), MAX_BUCKETS):
            chunk = wanted[i : i + MAX_BUCKETS]
            filters = {str(n): {"term": {field: t}} for n, t in enumerate(chunk)}
            body = {
                "size": 0,
                "track_total_hits": False,
                "aggs": {"df": {"filters": {"filters": filters}}},
            }
            buckets = self._search(body)["aggregations"]["df"]["buckets"]
            out |= {t: int(buckets[str(n)]["doc_count"]) for n, t in enumerate(chunk)}
        return out

    def terms_with_prefix(self, field: str, prefix: str) -> Iterator[str]:
        """The field's terms that start with ``prefix``, in order."""
        if field == "id":  # a keyword: the ids themselves, for an id given without its file
            body = {"size": MAX_ID_MATCHES, "query": {"prefix": {"id": prefix}}, "_source": ["id"]}
            return iter(sorted(h["_source"]["id"] for h in self._search(body)["hits"]["hits"]))
        if field not in mapping.TEXT_FIELDS:
            return iter(())
        scope = {"prefix": {field: prefix}} if prefix else {"match_all": {}}
        body = reading.terms_body(field, reading.regex_escape(prefix) + ".*", scope)
        return iter(reading.listed_terms(self._search(body)))

    def sample_texts(self, field: str, term: str, limit: int) -> Iterator[str]:
        """The body text of up to ``limit`` articles holding the term."""
        body = {
            "size": limit,
            "query": {"term": {field: term}},
            "sort": [translate.DOC_ORDER],
            "_source": ["stored.body"],
        }
        for hit in self._search(body)["hits"]["hits"]:
            yield (hit["_source"].get("stored") or {}).get("body", "")

    # ------------------------------------------------------------ bookkeeping and writing

    def _composite(self, field: str, query: dict[str, Any]) -> Iterator[tuple[str, int]]:
        after: dict[str, Any] | None = None
        while True:
            source = {"size": COMPOSITE_PAGE, "sources": [{"k": {"terms": {"field": field}}}]}
            if after:
                source["after"] = after
            body = {"size": 0, "query": query, "aggs": {"c": {"composite": source}}}
            agg = self._search(body)["aggregations"]["c"]
            for b in agg["buckets"]:
                yield b["key"]["k"], int(b["doc_count"])
            after = agg.get("after_key")
            if not agg["buckets"] or not after:
                return

    def catalog(self) -> dict[str, FileMark]:
        """source path → its signature, digest and live article count."""
        marks = dict(
            mapping.parse_filekey(k)
            for k, _ in self._composite("filekey", {"exists": {"field": "filekey"}})
        )
        if not marks:
            return {}
        counts = dict(self._composite("path", {"match_all": {}}))
        return {p: FileMark(m.signature, m.digest, counts.get(p, 0)) for p, m in marks.items()}

    def file_articles(self, source: str) -> dict[str, str]:
        """id → content digest of the committed articles of one source file."""
        where = {"term": {"path": source}}
        return {s["id"]: s.get("digest", "") for s in self._scan(["id", "digest"], where)}

    def stories(self) -> Iterator[tuple[str, str, bytes | None]]:
        """(id, story, fingerprint) of every article."""
        for src in self._scan(["id", "story", "fp"]):
            yield src["id"], src.get("story", ""), mapping.fingerprint(src)
