"""Listing: filter, search, order and paginate records, the way authentik's list views do.

Plain functions over lists of dicts; they know nothing of HTTP. Values arrive already parsed
(`rest/params.py`): uuids and instants in the store's canonical spelling, so a filter is equality.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from specdouble import errors

Record = Mapping[str, Any]


LOOKUPS = frozenset(
    {
        "exact",
        "iexact",
        "contains",
        "icontains",
        "startswith",
        "istartswith",
        "endswith",
        "iendswith",
        "gt",
        "gte",
        "lt",
        "lte",
        "isnull",
        "in",
        "overlaps",
    }
)
"""django-filter's lookups, and `overlaps`: a relation holds any of the values asked (a
ModelMultipleChoiceFilter's OR)."""


def split_lookup(name: str) -> tuple[str, str]:
    """django-filter's `field__lookup` names.

    >>> split_lookup("last_login__isnull"), split_lookup("name")
    (('last_login', 'isnull'), ('name', 'exact'))
    """
    field, _, lookup = name.rpartition("__")
    return (field, lookup) if field and lookup in LOOKUPS else (name, "exact")


def fold(value: Any) -> str:
    """PostgreSQL's UPPER, which maps each character to one (`ß` stays `ß`; Python's upper
    makes it `SS`, so `ß` would find `ss`).

    >>> fold("Straße"), fold("abc")
    ('STRAßE', 'ABC')
    """
    text = str(value)
    upper = text.upper()
    if len(upper) == len(text):
        return upper
    return "".join(c if len(u := c.upper()) != 1 else u for c in text)


NAMING_FIELDS = ("name", "id", "pk", "slug", "key")


def _named(item: Any) -> set[str]:
    """What names an object held in a list (a tag `{"id": 1, "name": "good"}`: `good`, `1`)."""
    if not isinstance(item, dict):
        return set()
    return {str(item[field]) for field in NAMING_FIELDS if item.get(field) is not None}


def matches(value: Any, lookup: str, wanted: Any) -> bool:
    """Whether a stored value passes one django-filter lookup."""
    if lookup == "isnull":
        return (value is None) == bool(wanted)
    if lookup == "overlaps":
        held = value if isinstance(value, list) else [value]
        asked = {str(v) for v in (wanted if isinstance(wanted, list) else [wanted])}
        return any(str(v) in asked or _named(v) & asked for v in held)
    if lookup == "in":
        options = wanted if isinstance(wanted, list) else str(wanted).split(",")
        return value in options or str(value) in map(str, options)
    if value is None:
        return False
    if lookup == "contains" and isinstance(wanted, dict):  # a JSON field holds these keys
        return isinstance(value, dict) and all(
            key in value and value[key] == item for key, item in wanted.items()
        )
    if lookup == "exact":
        return value == wanted
    if lookup in {"gt", "gte", "lt", "lte"}:
        try:
            return {
                "gt": value > wanted,
                "gte": value >= wanted,
                "lt": value < wanted,
                "lte": value <= wanted,
            }[lookup]
        except TypeError:
            return False
    text, probe = (
        (str(value), str(wanted)) if not lookup.startswith("i") else (fold(value), fold(wanted))
    )
    kind = lookup.removeprefix("i")
    return {
        "exact": text == probe,
        "contains": probe in text,
        "startswith": text.startswith(probe),
        "endswith": text.endswith(probe),
    }[kind]


def filter_by(records: Iterable[Record], filters: Mapping[str, Any]) -> list[Record]:
    """Keep the records that pass every filter (AND); a filter is `field` or `field__lookup`.

    >>> filter_by([{"a": 1, "b": 2}, {"a": 1, "b": 3}], {"a": 1, "b__gt": 2})
    [{'a': 1, 'b': 3}]
    """
    conditions = [(*split_lookup(name), value) for name, value in filters.items()]
    if not conditions:
        return list(records)
    if all(lookup == "exact" and "__" not in field for field, lookup, _ in conditions):
        pairs = [(field, value) for field, _, value in conditions]
        return [r for r in records if all(r.get(field) == value for field, value in pairs)]
    return [
        record
        for record in records
        if all(
            matches(
                _leaves(record, field) if lookup == "overlaps" else _spanned(record, field),
                lookup,
                value,
            )
            for field, lookup, value in conditions
        )
    ]


_SMART_SPLIT = re.compile(
    r"""((?:[^\s'"]*(?:(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')[^\s'"]*)+)|\S+)"""
)
"""Django's smart_split: runs of non-space, where a quoted part may hold spaces."""


def search_terms(search: str | None) -> list[str]:
    """DRF's `search_smart_split`: a quoted phrase is one term (its quotes removed), other
    words are split on spaces and commas, empty parts dropped.

    >>> search_terms(' admin,login  "audit log" ')
    ['admin', 'login', 'audit log']
    """
    if not search:
        return []
    terms: list[str] = []
    for match in _SMART_SPLIT.finditer(search):
        term = match.group(0).strip(",")
        if len(term) > 1 and term[0] in "\"'" and term[-1] == term[0]:
            quote = term[0]
            terms.append(term[1:-1].replace("\\" + quote, quote).replace("\\\\", "\\"))
        else:
            terms.extend(part.strip() for part in term.split(",") if part)
    return terms


FIELD_SEPARATOR = "\x00"
"""Joins a record's search fields: no search term holds it (a NUL in `search` is a 400), so
a term found in the joined text lies within one field."""


def haystack(record: Record, fields: Sequence[str]) -> str:
    """A record's search fields, upper-cased and joined: what `search` looks in. A field
    `a__b` is `b` of the object (or objects) `a` holds, as Django's lookups span relations.

    >>> haystack({"name": "Login", "app": None}, ("name", "app"))
    'LOGIN\\x00'
    >>> haystack({"stage_obj": {"name": "Ident"}, "tags": [{"name": "a"}, {"name": "b"}]},
    ...          ("stage_obj__name", "tags__name"))
    'IDENT\\x00A B'
    """
    return fold(FIELD_SEPARATOR.join(str(_spanned(record, f) or "") for f in fields))


def _leaves(record: Any, field: str) -> list[Any]:
    """Every value at the end of a path, through lists (`groups_obj__name`: each name)."""
    head, _, rest = field.partition("__")
    held = record.get(head) if isinstance(record, Mapping) else None
    items = held if isinstance(held, list) else [held]
    if not rest:
        return [item for item in items if item is not None]
    return [leaf for item in items for leaf in _leaves(item, rest)]


def _spanned(record: Any, field: str) -> Any:
    if "__" not in field:
        return record.get(field) if isinstance(record, Mapping) else None
    head, rest = field.split("__", 1)
    held = record.get(head) if isinstance(record, Mapping) else None
    items = held if isinstance(held, list) else [held]
    return " ".join(str(_spanned(item, rest) or "") for item in items if item is not None)


def search(
    records: Iterable[Record], term: str | Sequence[str] | None, fields: Sequence[str]
) -> list[Record]:
    """Keep the records where every term occurs, case-insensitively, in one of `fields`
    (as PostgreSQL's `UPPER(field) LIKE UPPER('%term%')`). `term` is the `search` value, or
    its terms already split."""
    terms = search_terms(term) if isinstance(term, str) or term is None else term
    words = [fold(word) for word in terms]
    if not words:
        return list(records)
    found = ((record, haystack(record, fields)) for record in records)
    return [record for record, text in found if all(word in text for word in words)]


def ordering_fields(
    ordering: str | None, allowed: Sequence[str], *, limit: int | None = None
) -> list[str]:
    """The valid terms of an `ordering` value; unknown fields are silently dropped, and so is
    a field named again (its first mention decides: a later one cannot change the order).

    More than `limit` distinct terms (valid or not) is a 400.

    >>> ordering_fields("-name, nope,--x,action,name", ["name", "action"])
    ['-name', 'action']
    """
    if not ordering:
        return []
    distinct = dict.fromkeys(term.strip() for term in ordering.split(","))
    if limit is not None and len(distinct) > limit:
        raise errors.ValidationFailed(
            {"ordering": [errors.TOO_MANY_ORDERING_TEMPLATE.format(limit=limit)]}
        )
    terms: dict[str, str] = {}
    for term in distinct:
        field = term.removeprefix("-")
        if term and field in allowed and field not in terms:
            terms[field] = term
    return list(terms.values())


def distinct_search(search: str | None, *, limit: int) -> tuple[str, ...]:
    """The terms of `search`, each once (a repeated term finds nothing more), or a 400 when
    it has more than `limit` distinct terms.

    >>> distinct_search('log log in LOG "in it"', limit=5)
    ('log', 'in', 'in it')
    """
    firsts: dict[str, str] = {}
    for term in search_terms(search):
        firsts.setdefault(fold(term), term)  # the search ignores case
    if len(firsts) > limit:
        raise errors.ValidationFailed(
            {"search": [errors.TOO_MANY_SEARCH_WORDS_TEMPLATE.format(limit=limit)]}
        )
    return tuple(firsts.values())


def order(
    records: Iterable[Record],
    terms: Sequence[str],
    *,
    default: Sequence[str],
    tiebreaker: str = "pk",
) -> list[Record]:
    """Sort as authentik does: strings by code point, nulls first ascending and last descending.

    Ties keep a stable order by `tiebreaker`, so pages never overlap.
    """
    result = sorted(records, key=lambda record: sort_key(record.get(tiebreaker)))
    for term in reversed(list(terms) or list(default)):
        descending = term.startswith("-")
        field = term.removeprefix("-")
        result.sort(key=lambda record: sort_key(record.get(field)), reverse=descending)
    return result


def sort_key(value: Any) -> tuple[bool, Any]:
    """A value's place in an ordering: nulls before every value; reversed, they come last, as
    authentik's own ordering filter puts them (plain PostgreSQL does the opposite)."""
    return (value is not None, value if value is not None else 0)


@dataclass(frozen=True, slots=True)
class Page:
    """One page of results and authentik's pagination envelope for it."""

    results: list[Record]
    count: int
    current: int
    total_pages: int
    start_index: int
    end_index: int

    @property
    def next(self) -> int:
        return self.current + 1 if self.current < self.total_pages else 0

    @property
    def previous(self) -> int:
        return self.current - 1 if self.current > 1 else 0

    def envelope(self) -> dict[str, int]:
        return {
            "next": self.next,
            "previous": self.previous,
            "count": self.count,
            "current": self.current,
            "total_pages": self.total_pages,
            "start_index": self.start_index,
            "end_index": self.end_index,
        }


def paginate(
    records: Sequence[Record],
    page: int | None,
    page_size: int | None,
    *,
    default_size: int,
    max_size: int | None = None,
) -> Page:
    """Django's paginator arithmetic; a page past the end or below 1 is a 404. A page size
    below 1 means the default; above `max_size`, `max_size` (DRF's `max_page_size`).

    >>> paginate(list(range(5)), 2, 2, default_size=100).envelope()["start_index"]
    3
    """
    size = page_size if page_size is not None and page_size >= 1 else default_size
    if max_size is not None:
        size = min(size, max_size)
    number = 1 if page is None else page
    count = len(records)
    total_pages = max(1, math.ceil(count / size))
    if number < 1 or number > total_pages:
        raise errors.NotFound(errors.INVALID_PAGE)
    start = (number - 1) * size
    results = list(records[start : start + size])
    return Page(
        results=results,
        count=count,
        current=number,
        total_pages=total_pages,
        start_index=start + 1 if count else 0,
        end_index=min(number * size, count),
    )
