"""Query-parameter specs: one list per endpoint drives both validation and the OpenAPI document."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

TRUE = frozenset({"", "1", "true", "yes", "on"})  # "" so a bare `?facets` switches it on
FALSE = frozenset({"0", "false", "no", "off"})
# A pasted paragraph is ~1,000 characters; past that a query is a mistake or an attack (each
# word adds a term lookup, and a fuzzy word~2 expands to every term within 2 edits).
MAX_QUERY = 1000
MAX_TEXT = 200  # a source, tag or author name
MAX_DATE = 40  # "2017-09-23T05:13:00+00:00" is 25
MAX_ID = 1000  # record ids from crawlers are often URLs
# Page N collects and ranks the first N × limit hits; no reader pages past the 10,000th.
MAX_DEPTH = 10_000
MAX_PAGE = 1000


class ParamError(ValueError):
    """A query parameter is missing, unknown or out of range (answered with a 400)."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class Param:
    """One query parameter: its JSON-schema type, bounds and meaning."""

    name: str
    kind: str  # "string" | "integer" | "boolean"
    doc: str
    default: Any = None
    required: bool = False
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    enum: tuple[str, ...] = ()

    def schema(self) -> dict[str, Any]:
        """The parameter's JSON schema for the OpenAPI document."""
        out: dict[str, Any] = {"type": self.kind}
        for key, value in (
            ("default", self.default),
            ("minimum", self.minimum),
            ("maximum", self.maximum),
            ("maxLength", self.max_length),
        ):
            if value is not None:
                out[key] = value
        if self.enum:
            out["enum"] = list(self.enum)
        return out

    def parse(self, raw: str) -> Any:
        """The typed value of one raw string, or a ParamError saying what is wrong."""
        if self.kind == "boolean":
            low = raw.strip().lower()
            if low in TRUE:
                return True
            if low in FALSE:
                return False
            raise ParamError(f"{self.name} must be true or false, not {raw!r}", "Use 1 or 0.")
        if self.kind == "integer":
            try:
                value = int(raw.strip())
            except ValueError:
                raise ParamError(
                    f"{self.name} must be a whole number, not {raw!r}",
                    f"Use {self.name}={self.default or self.minimum}.",
                ) from None
            bottom, top = self.minimum, self.maximum
            if (bottom is not None and value < bottom) or (top is not None and value > top):
                raise ParamError(
                    f"{self.name} must be between {bottom} and {top}, not {value}",
                    f"Use {self.name}={self.default or bottom}.",
                )
            return value
        if self.max_length is not None and len(raw) > self.max_length:
            raise ParamError(
                f"{self.name} is {len(raw)} characters long, more than {self.max_length}",
                "Shorten it.",
            )
        if "\x00" in raw:
            raise ParamError(f"{self.name} holds a NUL character", "Remove it.")
        if self.enum and raw not in self.enum:
            raise ParamError(
                f"{self.name} must be one of {', '.join(self.enum)}, not {raw!r}",
                f"Use {self.name}={self.enum[0]}.",
            )
        return raw


def validate(query: Mapping[str, Sequence[str]], specs: Sequence[Param]) -> dict[str, Any]:
    """The typed parameters of one request; a ParamError for the first thing wrong."""
    known = {p.name: p for p in specs}
    for name in query:
        if name not in known:
            listed = ", ".join(sorted(known)) if known else "none"
            raise ParamError(
                f"unknown parameter {name!r}",
                f"Parameters here: {listed} (see /openapi.json).",
            )
    out: dict[str, Any] = {}
    for p in specs:
        values = query.get(p.name)
        if not values:
            if p.required:
                raise ParamError(f"missing parameter {p.name!r}", f"Add ?{p.name}=… to the URL.")
            out[p.name] = p.default
            continue
        if len(values) > 1:
            raise ParamError(f"{p.name} is given {len(values)} times", "Give it once.")
        out[p.name] = p.parse(values[0])
    return out


def _flag(name: str, doc: str, default: bool = False) -> Param:
    return Param(name, "boolean", doc, default=default)


def _text(name: str, doc: str, limit: int = MAX_TEXT) -> Param:
    return Param(name, "string", doc, max_length=limit)


SEARCH = (
    Param(
        "q",
        "string",
        'The query: words, "phrases"~N, AND/OR/NOT, +must -not, field:, prefix*, fuzzy~, '
        "date:2017-09, last week … (as `newsearch query`).",
        required=True,
        max_length=MAX_QUERY,
    ),
    Param("limit", "integer", "Hits per page.", default=10, minimum=1, maximum=100),
    Param(
        "page",
        "integer",
        f"Which page of hits (page × limit at most {MAX_DEPTH:,}).",
        default=1,
        minimum=1,
        maximum=MAX_PAGE,
    ),
    Param(
        "sort",
        "string",
        "Order of the hits.",
        default="relevance",
        enum=("relevance", "newest", "oldest"),
    ),
    _text("since", "Published on or after: 2017, 2017-09, 2017-09-23.", MAX_DATE),
    _text("until", "Published on or before (inclusive).", MAX_DATE),
    _text("asof", '"Today" for relative dates (default: the newest article).', MAX_DATE),
    _text("source", "Only articles from this source."),
    _text("tag", "Only articles with this tag."),
    _text("author", "Only articles by this author."),
    _flag("facets", "Count the matches by source, year and tag."),
    _flag("all", "Every copy of a syndicated story, not one hit with +N similar."),
    _flag("explain", "Per hit: which word matched which stem, where, for how much."),
    _flag("snippets", "Highlighted fragments per hit.", default=True),
    _flag("suggest", 'A "did you mean" for words that look misspelled.', default=True),
    _flag("date_clauses", 'Read "last week", "date:2017" in q as dates.', default=True),
    _flag(
        "timeline",
        "Add matches per month (`timeline`), counted over up to 10,000 matches "
        "(costs one extra search without snippets, ~35 µs per match).",
    ),
    _text(
        "copies_of",
        "An id of a hit with +N similar: only the other copies of its story among the matches.",
        MAX_ID,
    ),
)

SIMILAR = (
    Param("limit", "integer", "How many.", default=10, minimum=1, maximum=100),
    _flag("all", "List every copy of a syndicated story."),
)
