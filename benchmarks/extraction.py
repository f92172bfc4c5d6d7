"""Extraction-quality benchmark: newsearch vs trafilatura, readability-lxml and line baselines.

Metric (the ScrapingHub article-extraction-benchmark's): tokens are ``\\w+`` matches; per page the
multisets of 4-token shingles of output and gold give precision and recall; both are averaged over
pages and F1 is the harmonic mean of mean precision and mean recall. Page rules, as in the original
``evaluate.py`` (they reproduce the figures in ``../shared/data/README.md``):

* a text with fewer than 4 tokens (but at least 1) is a single shingle of all its tokens;
* empty output (no tokens) has recall 0 and is left out of the precision mean; the ``F1 strict``
  column instead gives it precision 0 too, so that returning nothing can never help;
* empty gold leaves the page out of the recall mean; any output then has precision 0.

trafilatura 2.3.1 has no single setting that is best on every set: ``trafilatura`` (balanced,
``favor_precision=False``) and ``trafilatura-precision`` are both run; the README's "best mode"
figure per set is the better of the two. Library warnings and log lines are silenced.

With ``--split all`` (the default) each table also gives F1 over the dev and holdout halves, and
the run ends with issue 18's goal table (newsearch against the best peer and the goal per set and
kind, met or not; the held-out sets kept outside ``../shared/data`` are named, not scored) and a
speed table: pages/s over every page of the run, newsearch beside trafilatura, against the goals
of 100 HTML and 150 text pages/s (``benchmarks/extraction_goals.py``).

Usage: ``python benchmarks/extraction.py [--sets a,b] [--kinds html,text_inscriptis]
[--extractors newsearch,trafilatura,...] [--limit N] [--data DIR] [--split dev|holdout|all]
[--json OUT]``. The data is read by path, never copied (default ``../shared/data/extraction``
from the repository root, or ``$NEWSEARCH_DATA``).
"""

import argparse
import gzip
import hashlib
import json
import logging
import os
import re
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

REPO_ROOT = Path(__file__).resolve().parent.parent
SETS = ("scrapinghub", "cleanportaleval", "utomo-big5")
KINDS = ("html", "text_inscriptis", "text_html2text")
SHINGLE_SIZE = 4
_TOKEN_RE = re.compile(r"\w+")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_XML_PROLOG_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
_INLINE_TAGS = {"a", "abbr", "b", "cite", "code", "em", "font", "i", "q", "small", "span", "strong"}

Extractor = Callable[["Page", str], str]


class Page(NamedTuple):
    """One benchmark page: its input (decoded and raw) and its gold text."""

    id: str
    url: str | None
    text: str
    raw: bytes
    gold: str


def default_data_dir() -> Path:
    """Return the data directory: ``$NEWSEARCH_DATA`` or ``../shared/data/extraction``."""
    env = os.environ.get("NEWSEARCH_DATA")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "data" / "extraction"


def read_bytes(path: Path) -> bytes:
    """Read a file, gunzipping it when it is gzip-compressed."""
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def decode(data: bytes) -> str:
    """Decode bytes as UTF-8 (BOM dropped), else cp1252; control characters become spaces."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return _CONTROL_RE.sub(" ", text)


def is_holdout(page_id: str) -> bool:
    """Tell whether a page is in the holdout split (sha1 of its id starts with 0-3, ~25%)."""
    return hashlib.sha1(page_id.encode("utf-8")).hexdigest()[0] in "0123"


def load_set(
    name: str,
    kind: str = "html",
    data_dir: Path | None = None,
    split: str = "all",
    limit: int | None = None,
) -> list[Page]:
    """Load the pages of one set for one input kind, filtered by split and limited to N."""
    root = (data_dir or default_data_dir()) / name
    pages: list[Page] = []
    with (root / "pages.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            row = json.loads(line)
            page_id = row["id"]
            if split != "all" and is_holdout(page_id) != (split == "holdout"):
                continue
            rel = row["html"] if kind == "html" else f"{kind}/{page_id}.txt"
            raw = read_bytes(root / rel)
            gold = decode(read_bytes(root / row.get("gold", f"gold/{page_id}.txt")))
            pages.append(Page(page_id, row.get("url"), decode(raw), raw, gold))
            if limit is not None and len(pages) >= limit:
                break
    return pages


def tokenize(text: str) -> list[str]:
    """Split text into ``\\w+`` tokens."""
    return _TOKEN_RE.findall(text or "")


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """Return the multiset of token shingles; a shorter non-empty text is one shingle."""
    tokens = tokenize(text)
    if len(tokens) <= size:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


def page_scores(
    output: str, gold: str, empty_precision: float | None = None
) -> tuple[float | None, float | None]:
    """Return one page's precision and recall; None where the page is left out of a mean."""
    out, ref = shingles(output), shingles(gold)
    if not out:
        return (None, None) if not ref else (empty_precision, 0.0)
    common = sum((out & ref).values())
    return common / sum(out.values()), (common / sum(ref.values()) if ref else None)


def score_pages(
    outputs: dict[str, str], golds: dict[str, str], empty_precision: float | None = None
) -> tuple[float, float, float]:
    """Return mean precision, mean recall and their harmonic mean over the pages of ``golds``."""
    precisions: list[float] = []
    recalls: list[float] = []
    for page_id, gold in golds.items():
        p, r = page_scores(outputs.get(page_id) or "", gold, empty_precision)
        if p is not None:
            precisions.append(p)
        if r is not None:
            recalls.append(r)
    mean_p = sum(precisions) / len(precisions) if precisions else 0.0
    mean_r = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * mean_p * mean_r / (mean_p + mean_r) if mean_p + mean_r else 0.0
    return mean_p, mean_r, f1


def _html_for_parsers(page: Page) -> str:
    """Return the page as a str lxml accepts (no leading ``<?xml encoding?>`` prolog)."""
    return _XML_PROLOG_RE.sub("", page.text, count=1)


def make_newsearch(raw_bytes: bool = False) -> Extractor:
    """Build the newsearch extractor (``extract(...).body``); raises ImportError if missing."""
    from newsearch import extract

    def run(page: Page, kind: str) -> str:
        source = page.raw if raw_bytes else page.text
        article = extract(source, kind="html" if kind == "html" else "text")
        return article.body or ""

    return run


def make_trafilatura(favor_precision: bool = False) -> Extractor:
    """Build trafilatura (with its fallbacks, no comments), balanced or precision-oriented."""
    import trafilatura

    def run(page: Page, kind: str) -> str:
        html = _html_for_parsers(page)
        text = trafilatura.extract(html, favor_precision=favor_precision, include_comments=False)
        return text or ""

    return run


def make_readability() -> Extractor:
    """Build readability-lxml: ``Document(html).summary()`` then lxml ``text_content()``."""
    import lxml.html
    from readability import Document

    def run(page: Page, kind: str) -> str:
        summary = Document(_html_for_parsers(page)).summary(html_partial=True)
        tree = lxml.html.fromstring(summary)
        for element in tree.iter():  # end blocks with a newline: words would otherwise merge
            if isinstance(element.tag, str) and element.tag not in _INLINE_TAGS:
                element.tail = "\n" + (element.tail or "")
        return tree.text_content()

    return run


def keep_all(page: Page, kind: str) -> str:
    """Baseline 'keep everything': return the plain-text input unchanged."""
    return page.text


def long_lines(page: Page, kind: str) -> str:
    """Baseline: keep only the lines of 12 or more words (``\\w+`` tokens)."""
    return "\n".join(line for line in page.text.splitlines() if len(tokenize(line)) >= 12)


# name -> (factory, input kinds it takes: "html" and/or "text")
EXTRACTORS: dict[str, tuple[Callable[[], Extractor], tuple[str, ...]]] = {
    "newsearch": (make_newsearch, ("html", "text")),
    "trafilatura": (make_trafilatura, ("html",)),
    "trafilatura-precision": (lambda: make_trafilatura(favor_precision=True), ("html",)),
    "readability": (make_readability, ("html",)),
    "keep-all": (lambda: keep_all, ("text",)),
    "lines12": (lambda: long_lines, ("text",)),
}


_HEADER = (
    "| extractor             |     P |     R |    F1 | F1 strict |   pages/s | empty | errors |"
    "{halves}\n"
    "|-----------------------|------:|------:|------:|----------:|----------:|------:|-------:|"
    "{rule}"
)
_HALVES = (" F1 dev | F1 hold |", "-------:|--------:|")


def run_extractor(extractor: Extractor, pages: list[Page], kind: str) -> tuple[dict, float, int]:
    """Run an extractor over pages; return outputs, seconds spent and the number of errors."""
    outputs: dict[str, str] = {}
    errors = 0
    start = time.perf_counter()
    for page in pages:
        try:
            outputs[page.id] = extractor(page, kind) or ""
        except Exception as exc:  # noqa: BLE001 - one bad page must not stop the run
            if not errors:
                print(f"  first error on {page.id}: {type(exc).__name__}: {exc}", file=sys.stderr)
            errors += 1
            outputs[page.id] = ""
    return outputs, time.perf_counter() - start, errors


def _csv(value: str, allowed: tuple[str, ...]) -> list[str]:
    """Parse a comma-separated CLI list, checking every item is allowed."""
    items = [item.strip() for item in value.split(",") if item.strip()]
    unknown = [item for item in items if item not in allowed]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown {unknown}; choose from {','.join(allowed)}")
    return items


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark from the command line and print one table per set and input kind."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=lambda v: _csv(v, SETS), default=list(SETS))
    parser.add_argument("--kinds", type=lambda v: _csv(v, KINDS), default=list(KINDS))
    parser.add_argument(
        "--extractors", type=lambda v: _csv(v, tuple(EXTRACTORS)), default=list(EXTRACTORS)
    )
    parser.add_argument("--limit", type=int, default=None, help="at most N pages per set")
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help="default: $NEWSEARCH_DATA or ../shared/data/extraction from the repository root",
    )
    parser.add_argument("--split", choices=("dev", "holdout", "all"), default="all")
    parser.add_argument(
        "--raw-bytes",
        action="store_true",
        help="feed newsearch the undecoded file bytes instead of decoded str",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write results here")
    args = parser.parse_args(argv)

    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    data_dir = args.data or default_data_dir()
    if not data_dir.is_dir():
        print(f"data directory not found: {data_dir}", file=sys.stderr)
        return 2
    extractors: dict[str, tuple[Extractor, tuple[str, ...]]] = {}
    for name in args.extractors:
        factory, takes = EXTRACTORS[name]
        try:
            built = make_newsearch(args.raw_bytes) if name == "newsearch" else factory()
        except Exception as exc:  # noqa: BLE001 - ImportError or what a broken package raises
            print(f"skipping {name}: cannot import it ({type(exc).__name__}: {exc})")
            continue
        extractors[name] = (built, takes)

    results: list[dict] = []
    for set_name in args.sets:
        for kind in args.kinds:
            family = "html" if kind == "html" else "text"
            runnable = [(name, fn) for name, (fn, takes) in extractors.items() if family in takes]
            if not runnable:
                continue
            pages = load_set(set_name, kind, data_dir, args.split, args.limit)
            golds = {page.id: page.gold for page in pages}
            halves = args.split == "all"  # then F1 of the dev and holdout halves too
            print(f"\n## {set_name} / {kind} ({len(pages)} pages, split {args.split})\n")
            print(
                _HEADER.format(
                    halves=_HALVES[0] if halves else "", rule=_HALVES[1] if halves else ""
                )
            )
            for name, fn in runnable:
                outputs, seconds, errors = run_extractor(fn, pages, kind)
                p, r, f1 = score_pages(outputs, golds)
                f1_strict = score_pages(outputs, golds, empty_precision=0.0)[2]
                empty = sum(1 for text in outputs.values() if not tokenize(text))
                speed = len(pages) / seconds if seconds > 0 else float("inf")
                row = {"set": set_name, "kind": kind, "extractor": name, "split": args.split,
                       "pages": len(pages), "precision": p, "recall": r, "f1": f1,
                       "f1_strict": f1_strict, "pages_per_s": speed, "seconds": seconds,
                       "empty": empty, "errors": errors}  # fmt: skip
                extra = ""
                if halves:
                    for half in ("dev", "holdout"):
                        part = {
                            k: g for k, g in golds.items() if is_holdout(k) == (half == "holdout")
                        }
                        row[f"f1_{half}"] = score_pages(outputs, part)[2]
                    extra = f" {row['f1_dev']:6.3f} | {row['f1_holdout']:7.3f} |"
                print(
                    f"| {name:<21} | {p:.3f} | {r:.3f} | {f1:.3f} | {f1_strict:9.3f} "
                    f"| {speed:9.1f} | {empty:5d} | {errors:6d} |{extra}",
                    flush=True,
                )
                results.append(row)
    if args.split == "all" and results:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from extraction_goals import goal_table, speed_table

        print("\n## Issue 18 goals: F1 over all pages (dev / holdout halves)\n")
        print(goal_table(results))
        print("\n## Speed: pages/s over every page of this run, one process\n")
        print(speed_table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
