"""Lists as REST APIs other than DRF's ask for and answer them.

A list answers a bare array, or an object wrapping one (`{items: [...], total: 3}`); it is
paged by the parameters the document declares, by their common names: `limit`/`offset`,
`page`/`per_page` (or `page_size`, `size`, ...), or an opaque `cursor`; it is searched by a
`q`/`search`/`query` parameter, ordered by a `sort`/`order_by` parameter (`name`, `-name`,
`name:desc`), and filtered by every other declared parameter named after a field.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from specdouble import errors

LIMIT_NAMES = (
    "limit",
    "per_page",
    "perpage",
    "page_size",
    "pagesize",
    "size",
    "count",
    "max",
    "max_results",
    "maxresults",
    "top",
    "first",
    "take",
)
OFFSET_NAMES = ("offset", "skip", "start", "from")
PAGE_NAMES = ("page", "page_number", "pagenumber", "page_no", "pageno", "pageindex")
CURSOR_NAMES = (
    "cursor",
    "after",
    "starting_after",
    "page_token",
    "pagetoken",
    "next_token",
    "nexttoken",
    "continuation",
    "continuation_token",
    "marker",
)
SEARCH_NAMES = ("q", "search", "query", "term", "keyword", "keywords", "filter_text")
SORT_NAMES = ("sort", "sort_by", "sortby", "order_by", "orderby", "ordering")
DIRECTION_NAMES = ("order", "direction", "sort_order", "sortorder", "sort_dir", "dir")
DEFAULT_SIZE = 20


def _plain(name: str) -> str:
    """A parameter name without its decoration: `page[size]` -> `page_size`, `perPage` ->
    `perpage`, `$top` -> `top`."""
    name = re.sub(r"[\[\]]+", "_", name.strip("$")).strip("_")
    return name.replace("-", "_").lower()


@dataclass(frozen=True, slots=True)
class Listing:
    """How one resource's list is asked for and answered."""

    wrapper: str | None = None
    """The property of the answer that holds the items; None: the answer is the array."""
    wrapper_properties: Mapping[str, Any] = field(default_factory=dict)
    """The answer's other fields (a total, the page, a cursor), resolved schemas by name."""
    wrapper_required: frozenset[str] = frozenset()
    wrapper_constants: Mapping[str, Any] = field(default_factory=dict)
    """Values for the required fields whose names say nothing (made once from the schema)."""
    limit: str | None = None
    offset: str | None = None
    page: str | None = None
    cursor: str | None = None
    search: str | None = None
    sort: str | None = None
    direction: str | None = None
    default_size: int | None = None
    """Without a size parameter or its value: every item (None), else this many."""
    max_size: int | None = None
    refuses_unknown_cursor: bool = True
    """A cursor this server did not make is a 400; False where the list documents no such
    refusal: it points past the end (an empty page)."""

    @property
    def control(self) -> frozenset[str]:
        """The parameters that are not filters."""
        names = (self.limit, self.offset, self.page, self.cursor, self.search, self.sort)
        return frozenset(name for name in (*names, self.direction) if name)


def listing_for(parameters: Sequence[Mapping[str, Any]], schemas: Mapping[str, Any]) -> Listing:
    """The listing a list operation's declared query parameters make (`schemas`: each one's
    resolved schema, for its default and maximum size)."""
    by_plain = {_plain(p["name"]): p["name"] for p in parameters if p.get("in") == "query"}

    def pick(names: Sequence[str]) -> str | None:
        return next((by_plain[name] for name in names if name in by_plain), None)

    limit = pick(LIMIT_NAMES)
    size_schema = schemas.get(limit or "", {})
    default = size_schema.get("default")
    return Listing(
        limit=limit,
        offset=pick(OFFSET_NAMES),
        page=pick(PAGE_NAMES),
        cursor=pick(CURSOR_NAMES),
        search=pick(SEARCH_NAMES),
        sort=pick(SORT_NAMES),
        direction=pick(DIRECTION_NAMES),
        default_size=int(default)
        if isinstance(default, int) and default > 0
        else (DEFAULT_SIZE if limit else None),
        max_size=size_schema.get("maximum")
        if isinstance(size_schema.get("maximum"), int)
        else None,
    )


@dataclass(frozen=True, slots=True)
class Window:
    """The part of the matching records one list answer shows."""

    start: int
    size: int | None
    count: int

    @property
    def stop(self) -> int:
        return self.count if self.size is None else min(self.count, self.start + self.size)

    @property
    def page(self) -> int:
        return 1 if not self.size else self.start // self.size + 1

    @property
    def pages(self) -> int:
        return 1 if not self.size else max(1, math.ceil(self.count / self.size))

    @property
    def next_cursor(self) -> str | None:
        return encode_cursor(self.stop) if self.stop < self.count else None


def encode_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"at:{position}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int | None:
    """A cursor this server made, as its position; None for any other."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, position = text.partition(":")
        if kind == "at" and position.isdigit():
            return int(position)
    except ValueError:
        pass
    return None


def window(listing: Listing, params: Mapping[str, Any], count: int) -> Window:
    """Where the answer starts and how many it shows, from the paging parameters sent.

    >>> window(Listing(limit="limit", offset="offset"), {"limit": 2, "offset": 3}, 10)
    Window(start=3, size=2, count=10)
    >>> window(Listing(limit="per_page", page="page"), {"page": 2, "per_page": 4}, 10).start
    4
    """
    size = params.get(listing.limit) if listing.limit else None
    if not isinstance(size, int) or size < 1:
        size = listing.default_size
    if size is not None and listing.max_size is not None:
        size = min(size, listing.max_size)
    start = 0
    if listing.cursor and params.get(listing.cursor):
        found = decode_cursor(str(params[listing.cursor]))
        if found is None and listing.refuses_unknown_cursor:
            raise errors.ValidationFailed.single("cursor", errors.INVALID_CURSOR)
        start = count if found is None else found
    elif listing.offset and isinstance(params.get(listing.offset), int):
        start = max(0, params[listing.offset])
    elif listing.page and isinstance(params.get(listing.page), int) and size:
        start = max(0, params[listing.page] - 1) * size
    return Window(start=min(start, count), size=size, count=count)


def sort_terms(listing: Listing, params: Mapping[str, Any], fields: Sequence[str]) -> list[str]:
    """The ordering asked for, as `field`/`-field` terms over known fields.

    >>> sort_terms(Listing(sort="sort"), {"sort": "name:desc,id"}, ["id", "name"])
    ['-name', 'id']
    """
    asked = params.get(listing.sort) if listing.sort else None
    if asked is None:
        return []
    parts = asked if isinstance(asked, list) else str(asked).split(",")
    descending_all = str(params.get(listing.direction or "", "")).lower() in ("desc", "descending")
    terms = []
    for part in (str(p).strip() for p in parts):
        pieces = re.split(r"[: ]", part, maxsplit=1)
        name, way = pieces[0], (pieces[1].lower() if len(pieces) > 1 else "")
        descending = name.startswith("-") or way in ("desc", "descending") or descending_all
        name = name.lstrip("+-")
        if name in fields:
            terms.append(f"-{name}" if descending else name)
    return terms


TOTAL = re.compile(
    r"^(total|count|total_?count|total_?results|total_?items|total_?size|"
    r"num_?results|total_?elements|records_?total|hits)$",
    re.I,
)
PAGE = re.compile(r"^(page|current_?page|page_?number|page_?index)$", re.I)
SIZE = re.compile(r"^(per_?page|page_?size|limit|size|items_?per_?page)$", re.I)
OFFSET = re.compile(r"^(offset|skip|start)$", re.I)
PAGES = re.compile(r"^(pages|total_?pages|page_?count|last_?page)$", re.I)
CURSOR = re.compile(
    r"^(next|next_?cursor|cursor|next_?page_?token|next_?token|"
    r"continuation_?token|end_?cursor)$",
    re.I,
)
MORE = re.compile(r"^(has_?more|has_?next(_?page)?|more)$", re.I)


def wrapper_fields(listing: Listing, shown_window: Window) -> dict[str, Any]:
    """The wrapper's fields beside its items, by what their names mean: a total, the page, the
    size, the offset, the page count, the next cursor, whether there is more; the required
    others keep the values made for them."""
    made: dict[str, Any] = {}
    required = listing.wrapper_required
    for name, schema in listing.wrapper_properties.items():
        if name == listing.wrapper:
            continue
        declared = schema.get("type") if isinstance(schema, Mapping) else None
        kinds = set(declared) if isinstance(declared, list) else {declared} - {None}
        nullable = "null" in kinds or bool(schema.get("nullable")) or not kinds
        value: Any = _meaning(name, shown_window)
        if value is _UNKNOWN:
            if name in listing.wrapper_constants:
                made[name] = listing.wrapper_constants[name]
            continue
        if value is None and not nullable:
            if name not in required:
                continue
            value = 0 if kinds & {"integer", "number"} else False if "boolean" in kinds else ""
        if value is not None and kinds and not _of_kinds(value, kinds):
            value = _as_kind(value, kinds)
        made[name] = value
    return made


def _of_kinds(value: Any, kinds: set[str]) -> bool:
    if isinstance(value, bool):
        return "boolean" in kinds
    if isinstance(value, int):
        return bool(kinds & {"integer", "number"})
    return isinstance(value, str) and "string" in kinds


def _as_kind(value: Any, kinds: set[str]) -> Any:
    """A meaning's value in the type the wrapper's schema gives it (`"3"` for a string total)."""
    if "string" in kinds:
        return str(value).lower() if isinstance(value, bool) else str(value)
    if "boolean" in kinds:
        return bool(value)
    if kinds & {"integer", "number"}:
        return int(value) if isinstance(value, bool | int) else 0
    return value


_UNKNOWN = object()


def listing_meaning(name: str) -> bool:
    """Whether a wrapper field's name says what it holds (a total, a page, a cursor, ...)."""
    return _meaning(name, Window(0, None, 0)) is not _UNKNOWN


def _meaning(name: str, shown: Window) -> Any:
    if TOTAL.match(name):
        return shown.count
    if PAGE.match(name):
        return shown.page
    if SIZE.match(name):
        return shown.size if shown.size is not None else shown.count
    if OFFSET.match(name):
        return shown.start
    if PAGES.match(name):
        return shown.pages
    if CURSOR.match(name):
        return shown.next_cursor
    if MORE.match(name):
        return shown.stop < shown.count
    return _UNKNOWN
