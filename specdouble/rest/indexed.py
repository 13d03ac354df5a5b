"""Lists from the store's columns (`state/columns.py`): the records `query.filter_by`,
`query.search` and `query.order` give, in the same order, found by array operations instead
of a Python pass over every record (at 100,000 policies a new ordering took half a second).
Where a field's values do not compare, `query.py`'s functions answer instead.

- Exact filters compare a column's ranks; searches read each word's slots from the n-grams;
  other lookups (`__icontains`, `__gt`, ...) test what is left with `query.matches`.
- Only what a page shows is ordered: `Matches` is a sequence whose length is the count and
  whose slices select the first `stop` records by their packed ranks, then sort those.

`tests/rest/test_indexed.py` holds it to `query.py`'s functions on the same data.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import suppress
from typing import Any, overload

import numpy as np

from specdouble.rest import query
from specdouble.state.columns import Column, Columns, Text, Unavailable

Record = Mapping[str, Any]

WARM_FROM = 2000
"""Collections this large have their columns built at start-up (`warm`); smaller ones on
their first list, which then costs a few milliseconds at most."""
_PACKED = 63
"""Bits of ranks packed into one int64 sort key."""


def matching(
    columns: Columns,
    filters: Mapping[str, Any],
    search: Sequence[str],
    fields: Sequence[str],
    terms: Sequence[str],
    tiebreaker: str,
) -> Matches | None:
    """The records `filters` and `search` keep, ordered by `terms` then `tiebreaker`; None
    where a field cannot be ranked (its values do not compare), for `query.py` to answer."""
    words = [query.fold(term) for term in search]
    if any(query.FIELD_SEPARATOR in word for word in words):
        return None  # found across fields: only the joined text can say
    try:
        slots = _kept(columns, filters, words, fields)
        return Matches(columns.records, slots, _keys(columns, slots, terms, tiebreaker))
    except Unavailable:
        return None


def _kept(
    columns: Columns, filters: Mapping[str, Any], words: Sequence[str], fields: Sequence[str]
) -> np.ndarray:
    """The slots of the records the filters and the (upper-cased) words keep, in slot order."""
    used = columns.used
    conditions = [(*query.split_lookup(name), value) for name, value in filters.items()]
    keep = columns.alive[:used].copy()
    for field, lookup, value in conditions:
        if lookup == "exact":
            column = columns.column(field, query.sort_key)
            rank = column.rank(value)
            if rank is None:
                keep[:] = False
            else:
                keep &= column.ranks[:used] == rank
    if words:
        text = _text(columns, fields)
        for word in words:
            holding = np.zeros(used, dtype=bool)
            holding[text.containing(word)] = True
            keep &= holding
    slots = np.flatnonzero(keep)
    if any(lookup != "exact" for _, lookup, _ in conditions):
        # As `filter_by` does when any lookup is not exact: every condition by `matches`.
        records = columns.records
        slots = np.array(
            [
                slot
                for slot in slots.tolist()
                if all(
                    query.matches(records[slot].get(field), lookup, value)  # type: ignore[union-attr]
                    for field, lookup, value in conditions
                )
            ],
            dtype=np.int64,
        )
    return slots


def warm(columns: Columns, fields: Sequence[str], search_fields: Sequence[str]) -> None:
    """Rank `fields` and index the search text now, rather than on the first list that
    asks (a second or two at 100,000 records)."""
    for field in fields:
        with suppress(Unavailable):
            columns.column(field, query.sort_key)
    if search_fields:
        _text(columns, search_fields)


def _text(columns: Columns, fields: Sequence[str]) -> Text:
    fields = tuple(fields)
    return columns.text(("search", fields), lambda record: query.haystack(record, fields))


def _keys(
    columns: Columns, slots: np.ndarray, terms: Sequence[str], tiebreaker: str
) -> list[tuple[np.ndarray, int]]:
    """Each sort key of the candidates, directed (a descending rank counted down) with its
    width in bits: the terms, then the tiebreaker; none after a field whose values are all
    distinct, since nothing is left to break."""
    asked = [(term.removeprefix("-"), term.startswith("-")) for term in terms]
    keys: list[tuple[np.ndarray, int]] = []
    for field, descending in [*asked, (tiebreaker, False)]:
        column: Column = columns.column(field, query.sort_key)
        ranks = column.ranks[slots].astype(np.int64)
        width = column.width
        keys.append((((1 << width) - 1) - ranks if descending else ranks, width))
        if column.distinct == columns.live:
            return keys
    # The tiebreaker repeats a value: the store's own order decides, as a stable sort would.
    keys.append((slots.astype(np.int64), max(1, columns.used.bit_length())))
    return keys


def first_in_order(keys: Sequence[tuple[np.ndarray, int]], count: int) -> np.ndarray:
    """The positions of the first `count` candidates in the keys' order (the first key first).

    The keys are packed into one integer while their widths fit; where they do not, the
    packed prefix picks every candidate up to the `count`-th's prefix, and those are sorted
    by all the keys.

    >>> ranks = [(np.array([2, 0, 1, 0]), 2), (np.array([0, 1, 0, 0]), 1)]
    >>> first_in_order(ranks, 3).tolist()
    [3, 1, 2]
    """
    total = len(keys[0][0]) if keys else 0
    count = min(count, total)
    if count <= 0:
        return np.zeros(0, dtype=np.int64)
    packed = np.zeros(total, dtype=np.int64)
    bits = fitted = 0
    for ranks, width in keys:
        if bits + width > _PACKED:
            break
        packed = (packed << width) | ranks
        bits += width
        fitted += 1
    if fitted == len(keys):
        if count == total:
            return np.argsort(packed, kind="stable")
        first = np.argpartition(packed, count - 1)[:count]
        return first[np.argsort(packed[first], kind="stable")]
    chosen = np.arange(total)
    if count < total:
        chosen = np.flatnonzero(packed <= np.partition(packed, count - 1)[count - 1])
    order = np.lexsort([ranks[chosen] for ranks, _ in reversed(keys)])
    return chosen[order][:count]


class Matches(Sequence[Record]):
    """The records a list query matched: its length is the count; a slice orders only as far
    as it reaches (and what was ordered is kept for the next slice)."""

    def __init__(
        self,
        records: Sequence[Record | None],
        slots: np.ndarray,
        keys: list[tuple[np.ndarray, int]],
    ) -> None:
        self._records = records
        self._slots = slots
        self._keys = keys
        self._ordered = np.zeros(0, dtype=np.int64)

    def __len__(self) -> int:
        return len(self._slots)

    @overload
    def __getitem__(self, index: int) -> Record: ...

    @overload
    def __getitem__(self, index: slice) -> list[Record]: ...

    def __getitem__(self, index: int | slice) -> Record | list[Record]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            ordered = self._first(stop)
            return [self._record(slot) for slot in ordered[start:stop:step].tolist()]
        position = index + len(self) if index < 0 else index
        if not 0 <= position < len(self):
            raise IndexError(index)
        return self._record(int(self._first(position + 1)[position]))

    def __iter__(self) -> Iterator[Record]:
        return iter(self[:])

    def _first(self, count: int) -> np.ndarray:
        if len(self._ordered) < count:
            self._ordered = self._slots[first_in_order(self._keys, count)]
        return self._ordered

    def _record(self, slot: int) -> Record:
        record = self._records[slot]
        assert record is not None  # only live slots match
        return record
