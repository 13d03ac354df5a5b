"""A collection's records by slot, each field's values as ranks and a search text as n-grams,
kept up to date by every write.

What lets a new filter, search or ordering of a large collection cost array operations over
what it finds rather than a Python pass over every record (`rest/indexed.py` asks them). The
store keeps one `Columns` per collection once something asks for it and tells it each write.
How a field's values sort and what a record's text is, the caller says: this module knows
nothing of any API's semantics.

- A record has a slot for as long as it lives; a new key takes the next slot, and a deleted
  record's slot stays empty (`alive`), so slot order is the store's own order of records.
- A `Column` ranks a field's distinct values densely (0 is the least), one int32 per slot: an
  equality filter is one comparison of arrays, an ordering a sort of small integers. A write
  that brings or removes a distinct value shifts the ranks above it (one pass in C).
- A `Text` maps every 1-, 2- and 3-character substring of each record's text to the sorted
  slots holding it. A write only notes its slot; the next search queues the n-grams that
  changed, and reading an n-gram applies its queue.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from typing import Any

import numpy as np

Record = Mapping[str, Any]
SortKey = Callable[[Any], Any]
"""A value's place in a field's order (values with equal keys are equal to the order)."""
TextOf = Callable[[Record], str]
"""The text a record is searched by."""

GRAM = 3
"""The longest n-gram indexed: a word up to this long is found exactly by its own n-gram, a
longer one by its 3-grams' slots, checked against the text."""
EMPTY = np.zeros(0, dtype=np.int32)
DEAD: Any = object()
"""The value of a slot whose record was deleted."""


class Unavailable(Exception):
    """A field whose values cannot be ranked: unhashable, or of types that do not compare."""


class Column:
    """One field's values as dense ranks by slot."""

    def __init__(self, sort_key: SortKey, values: list[Any], capacity: int) -> None:
        """`values` by slot, `DEAD` where a slot's record was deleted."""
        self._sort_key = sort_key
        self.values = values
        """Each slot's value as ranked (kept, so a record changed in place is unranked right)."""
        try:
            keys = [DEAD if value is DEAD else sort_key(value) for value in values]
            counts: dict[Any, int] = {}
            for key in keys:
                if key is not DEAD:
                    counts[key] = counts.get(key, 0) + 1
            self.keys: list[Any] = sorted(counts)
            """The distinct sort keys in order: a key's index is its rank."""
        except TypeError as error:
            raise Unavailable(str(error)) from error
        self.counts = counts
        rank = {key: index for index, key in enumerate(self.keys)}
        rank[DEAD] = 0
        self.ranks = np.zeros(capacity, dtype=np.int32)
        self.ranks[: len(keys)] = np.fromiter((rank[key] for key in keys), np.int32, len(keys))

    @property
    def distinct(self) -> int:
        return len(self.keys)

    @property
    def width(self) -> int:
        """Bits a rank needs."""
        return max(1, (len(self.keys) - 1).bit_length())

    def rank(self, value: Any) -> int | None:
        """The rank of a value some record holds; None when none holds it."""
        try:
            key = self._sort_key(value)
            if key not in self.counts:
                return None
            return bisect_left(self.keys, key)
        except TypeError:  # unhashable, or not comparable with what the field holds
            return None

    def add(self, slot: int, value: Any) -> None:
        try:
            key = self._sort_key(value)
            count = self.counts.get(key)
            at = bisect_left(self.keys, key)
        except TypeError as error:
            raise Unavailable(str(error)) from error
        if count is None:
            self.keys.insert(at, key)
            self.counts[key] = 1
            ranks = self.ranks[: len(self.values)]
            ranks += ranks >= at  # not ranks[mask] += 1: a mask's indexing costs 30 times more
        else:
            self.counts[key] = count + 1
        self.ranks[slot] = at
        self._keep(slot, value)

    def remove(self, slot: int) -> None:
        key = self._sort_key(self.values[slot])
        count = self.counts[key] - 1
        if count:
            self.counts[key] = count
        else:
            del self.counts[key]
            at = bisect_left(self.keys, key)
            del self.keys[at]
            ranks = self.ranks[: len(self.values)]
            ranks -= ranks > at
        self.values[slot] = DEAD

    def grow(self, capacity: int) -> None:
        self.ranks = _resized(self.ranks, capacity)

    def _keep(self, slot: int, value: Any) -> None:
        if slot == len(self.values):
            self.values.append(value)
        else:
            self.values[slot] = value


class Text:
    """Every record's text and the slots of each of its n-grams."""

    def __init__(self, text_of: TextOf, texts: list[str]) -> None:
        self.text_of = text_of
        self.texts = texts
        self._postings = _postings(texts)
        self._stale: dict[int, str] = {}
        """Slots written since the last search: the text their n-grams were posted for."""
        self._pending: dict[str, dict[int, bool]] = {}
        """Writes not yet applied to an n-gram's slots: slot -> whether it now holds it."""

    def add(self, slot: int, record: Record) -> None:
        text = self.text_of(record)
        if slot == len(self.texts):
            self.texts.append("")
        self._stale.setdefault(slot, self.texts[slot])
        self.texts[slot] = text

    def remove(self, slot: int) -> None:
        self._stale.setdefault(slot, self.texts[slot])
        self.texts[slot] = ""

    def containing(self, word: str) -> np.ndarray:
        """The sorted slots whose text holds `word` (already in the text's case)."""
        for slot, posted in self._stale.items():  # a write's n-grams, once a search needs them
            self._queue(slot, grams(posted), grams(self.texts[slot]))
        self._stale.clear()
        if len(word) <= GRAM:
            return self._posting(word)
        postings = sorted((self._posting(gram) for gram in grams(word, (GRAM,))), key=len)
        candidates = postings[0]
        for posting in postings[1:3]:  # the rarest few narrow it enough; the text decides
            if not len(candidates):
                break
            candidates = candidates[np.isin(candidates, posting, assume_unique=True)]
        texts = self.texts
        found = [slot for slot in candidates.tolist() if word in texts[slot]]
        return np.array(found, dtype=np.int32)

    def _queue(self, slot: int, old: set[str], new: set[str]) -> None:
        for gram in old - new:
            self._pending.setdefault(gram, {})[slot] = False
        for gram in new - old:
            self._pending.setdefault(gram, {})[slot] = True

    def _posting(self, gram: str) -> np.ndarray:
        posting = self._postings.get(gram, EMPTY)
        changes = self._pending.pop(gram, None)
        if changes:
            posting = _apply(posting, changes)
            self._postings[gram] = posting
        return posting


def grams(text: str, sizes: Iterable[int] = range(1, GRAM + 1)) -> set[str]:
    """The substrings of `text` of each size, except those holding a NUL (which joins fields:
    no search word holds one).

    >>> sorted(grams("ab\\x00c"))
    ['a', 'ab', 'b', 'c']
    """
    found = {text[at : at + size] for size in sizes for at in range(len(text) - size + 1)}
    return {gram for gram in found if "\x00" not in gram}


def _apply(posting: np.ndarray, changes: Mapping[int, bool]) -> np.ndarray:
    """A posting with slots added (True) and removed (False); each change may be moot."""
    gone = np.array([slot for slot, held in changes.items() if not held], dtype=np.int32)
    if len(gone):
        posting = posting[~np.isin(posting, gone)]
    added = np.array(sorted(slot for slot, held in changes.items() if held), dtype=np.int32)
    if len(added):
        added = added[~np.isin(added, posting)]
        posting = np.insert(posting, np.searchsorted(posting, added), added)
    return posting


_BITS = 21
"""Bits of one code point (+1, so 0 is "no character"): three fit in an int64."""


def _postings(texts: list[str]) -> dict[str, np.ndarray]:
    """Each n-gram's sorted slots, for all texts at once: every position's n-gram as one
    integer of its code points, sorted, split where the n-gram changes."""
    lengths = np.fromiter(map(len, texts), np.int64, len(texts))
    joined = "".join(texts).encode("utf-32-le", "surrogatepass")
    points = np.frombuffer(joined, dtype=np.uint32).astype(np.int64) + 1
    owner = np.repeat(np.arange(len(texts), dtype=np.int32), lengths)
    codes, slots = [], []
    for size in range(1, GRAM + 1):
        span = len(points) - size + 1
        if span <= 0:
            break
        keep = owner[:span] == owner[size - 1 : size - 1 + span]
        code = np.zeros(span, dtype=np.int64)
        for offset in range(size):
            part = points[offset : offset + span]
            keep &= part != 1  # a NUL
            code |= part << (_BITS * (GRAM - 1 - offset))
        codes.append(code[keep])
        slots.append(owner[:span][keep])
    code, slot = np.concatenate([EMPTY.astype(np.int64), *codes]), np.concatenate([EMPTY, *slots])
    if not len(code):
        return {}
    order = np.argsort(code, kind="stable")  # slots stay ascending within an n-gram
    code, slot = code[order], slot[order]
    fresh = np.ones(len(code), dtype=bool)
    fresh[1:] = (code[1:] != code[:-1]) | (slot[1:] != slot[:-1])
    code, slot = code[fresh], slot[fresh]
    starts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
    ends = np.r_[starts[1:], len(code)]
    mask = (1 << _BITS) - 1
    postings = {}
    bounds = zip(starts.tolist(), ends.tolist(), code[starts].tolist(), strict=True)
    for start, end, value in bounds:
        points_of = ((value >> (_BITS * shift)) & mask for shift in range(GRAM - 1, -1, -1))
        gram = "".join(chr(point - 1) for point in points_of if point)
        postings[gram] = slot[start:end]
    return postings


class Columns:
    """A collection's records by slot, with the columns and texts asked of it so far."""

    def __init__(self, records: Mapping[str, Record]) -> None:
        self.records: list[Record | None] = list(records.values())
        self._slot_of = {key: slot for slot, key in enumerate(records)}
        self.used = len(self.records)
        """Slots handed out so far (the live and the deleted)."""
        self.alive = np.zeros(max(16, self.used * 2), dtype=bool)
        self.alive[: self.used] = True
        self.dead = 0
        self._columns: dict[tuple[str, SortKey], Column] = {}
        self._unavailable: set[tuple[str, SortKey]] = set()
        self._texts: dict[Any, Text] = {}

    @property
    def live(self) -> int:
        return self.used - self.dead

    def worn(self) -> bool:
        """Whether deleted slots outnumber the live ones (then it is worth building anew)."""
        return self.dead > max(1024, self.live)

    def column(self, field: str, sort_key: SortKey) -> Column:
        """The ranks of `field`'s values (built on first use), or `Unavailable`."""
        name = (field, sort_key)
        column = self._columns.get(name)
        if column is None:
            if name in self._unavailable:
                raise Unavailable(field)
            values = [DEAD if r is None else r.get(field) for r in self.records]
            try:
                column = Column(sort_key, values, len(self.alive))
            except Unavailable:
                self._unavailable.add(name)
                raise
            self._columns[name] = column
        return column

    def text(self, name: Any, text_of: TextOf) -> Text:
        """The n-grams of each record's text (`name` tells texts apart), built on first use."""
        text = self._texts.get(name)
        if text is None:
            texts = ["" if r is None else text_of(r) for r in self.records]
            text = self._texts[name] = Text(text_of, texts)
        return text

    def rebuilt(self, records: Mapping[str, Record]) -> Columns:
        """New columns over `records`, with the same fields ranked and texts indexed (after
        many writes at once, cheaper than following each)."""
        fresh = Columns(records)
        for field, sort_key in self._columns:
            with suppress(Unavailable):
                fresh.column(field, sort_key)
        for name, text in self._texts.items():
            fresh.text(name, text.text_of)
        return fresh

    def put(self, key: str, record: Record) -> None:
        slot = self._slot_of.get(key)
        if slot is None:
            slot = self._slot_of[key] = self.used
            self.used += 1
            if self.used > len(self.alive):
                self._grow(len(self.alive) * 2)
            self.records.append(record)
        else:
            for column in self._columns.values():
                column.remove(slot)
            self.records[slot] = record
        self.alive[slot] = True
        self._unavailable.clear()
        for name, column in list(self._columns.items()):
            try:
                column.add(slot, record.get(name[0]))
            except Unavailable:
                del self._columns[name]
                self._unavailable.add(name)
        for text in self._texts.values():
            text.add(slot, record)

    def delete(self, key: str) -> None:
        slot = self._slot_of.pop(key, None)
        if slot is None:
            return
        for column in self._columns.values():
            column.remove(slot)
        for text in self._texts.values():
            text.remove(slot)
        self.records[slot] = None
        self.alive[slot] = False
        self.dead += 1
        self._unavailable.clear()

    def _grow(self, capacity: int) -> None:
        self.alive = _resized(self.alive, capacity)
        for column in self._columns.values():
            column.grow(capacity)


def _resized(array: np.ndarray, capacity: int) -> np.ndarray:
    """`array` in a larger one, zeros after it."""
    grown = np.zeros(capacity, dtype=array.dtype)
    grown[: len(array)] = array
    return grown
