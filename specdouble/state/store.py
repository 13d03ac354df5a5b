"""The in-memory state: named collections of records, filled from a dataset and reset to it.

A record is a JSON-like dict keyed by its `pk`. The store knows nothing of HTTP or of any one
resource; resources read and write it, and ask it for indexes of references between records.
"""

from __future__ import annotations

import copy
import hashlib
import marshal
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, overload

from specdouble.state.columns import Columns
from specdouble.state.log import Event, Log

Record = dict[str, Any]
Dataset = Mapping[str, Sequence[Mapping[str, Any]]]


class Later(Sequence[Record]):
    """A collection's records made when first read (`make()`), and how many they are known
    before: a large document's start generates none of what no request reads.

    `make` must give `size` records with distinct keys, the same ones whenever it is called,
    as the dataset's own (never written). Reading from several threads makes them once."""

    def __init__(self, size: int, make: Callable[[], list[Record]]) -> None:
        self._size = size
        self._make: Callable[[], list[Record]] | None = make
        self._records: list[Record] = []
        self._lock = threading.Lock()

    @property
    def made(self) -> bool:
        return self._make is None

    def records(self) -> list[Record]:
        with self._lock:
            if self._make is not None:
                self._records = self._make()
                self._size = len(self._records)
                self._make = None
        return self._records

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, index: int) -> Record: ...
    @overload
    def __getitem__(self, index: slice) -> list[Record]: ...
    def __getitem__(self, index: int | slice) -> Record | list[Record]:
        return self.records()[index]

    def __iter__(self) -> Iterator[Record]:
        return iter(self.records())


class KeyInUse(ValueError):
    """A new record's key belongs to a record that exists."""

    def __init__(self, collection: str, key: str) -> None:
        super().__init__(f"{collection}: key {key!r} is in use")
        self.collection, self.key = collection, key


MEMBER = "_member"
"""In a union's record: the collection it belongs to."""


class Store:
    """Collections of records; ids for new records come from the seed and the write's position.

    Two stores built from the same dataset and seed, given the same writes, hold the same data.

    A union is a collection made of others (authentik's `/policies/all/` of every policy
    type): it follows its members; each of its records is a copy of a member's record with
    `MEMBER` naming the member, and writing or deleting one writes or deletes the member's
    record. A union that is its own member is a table with subtables (Django's multi-table
    inheritance: authentik's proxy providers are OAuth2 providers too): it holds records of
    its own besides the copies, and is written itself.
    """

    def __init__(
        self,
        dataset: Dataset,
        *,
        seed: int = 0,
        keys: Mapping[str, str] | None = None,
        log: Log | None = None,
        unions: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self._dataset = dataset
        self._seed = seed
        self._keys = dict(keys or {})
        self._unions = {name: tuple(members) for name, members in (unions or {}).items()}
        self._union_of: dict[str, list[str]] = {}
        for union, members in self._unions.items():
            for member in members:
                if member != union:
                    self._union_of.setdefault(member, []).append(union)
        self._log = log
        self._applied = 0
        self._base = 0
        self._recording: list[tuple[str, str, str, Any]] | None = None
        self._draws = 0
        self._generation = 0
        self._reset_local()

    def key(self, collection: str) -> str:
        """The field that identifies a record of `collection` (`pk` unless told otherwise)."""
        return self._keys.get(collection, "pk")

    def reset(self) -> None:
        """Forget every write: back to the dataset the store was built from."""
        with self.writing(), self._bulk():
            self._reset_local()
            self._record("reset", "", "", None)
            self._writes = 0  # positions count from the reset, as after a start
            self._base = self._applied + len(self._recording or [])

    def _reset_local(self) -> None:
        self._generation += 1
        self._writes = 0
        self._collections: dict[str, dict[str, Record]] = {
            name: self._copied(name, records)
            for name, records in self._dataset.items()
            if (name not in self._unions or name in self._unions[name])
            and not isinstance(records, Later)
        }
        """The collections read or written since the reset; one the dataset holds for `Later`
        is copied in when first used (`_held`)."""
        self._gather_unions()
        self._counters: dict[str, int] = {}
        self._touched: dict[str, set[str]] = {}
        """The keys written since the reset, by collection: what a snapshot holds."""
        self._indexes: dict[tuple[str, str], dict[Any, list[Record]]] = {}
        self._versions: dict[str, int] = {}
        self._views: OrderedDict[tuple[str, Any], tuple[int, Any]] = OrderedDict()
        self._columns: dict[str, Columns] = {}
        """Built when asked for (`columns`); a bulk change builds them anew (`_bulk`)."""

    @property
    def generation(self) -> int:
        """A number that changes whenever any record changes (or the store is reset), so that
        anything derived from the whole state can tell it is out of date."""
        return self._generation

    def _copied(self, name: str, records: Sequence[Mapping[str, Any]]) -> dict[str, Record]:
        return {str(record[self.key(name)]): own_copy(record) for record in records}

    def _held(self, collection: str) -> dict[str, Record]:
        """A collection's records by key (empty where it has none), its start-up records
        copied in where this is its first use since the reset."""
        records = self._collections.get(collection)
        if records is None:
            later = self._dataset.get(collection)
            if not isinstance(later, Later):
                return {}
            records = self._collections[collection] = self._copied(collection, later)
        return records

    def counts(self) -> dict[str, int]:
        """How many records each collection holds, none made for a count."""
        counts = {  # in the dataset's order, whatever was used first
            name: self.size(name)
            for name, records in self._dataset.items()
            if name in self._collections or isinstance(records, Later)
        }
        for name, held in self._collections.items():
            counts.setdefault(name, len(held))
        return counts

    def all(self, collection: str) -> list[Record]:
        return list(self._held(collection).values())

    def size(self, collection: str) -> int:
        """How many records a collection holds (a `Later` one's known without making it)."""
        held = self._collections.get(collection)
        if held is None:
            later = self._dataset.get(collection)
            return len(later) if isinstance(later, Later) else 0
        return len(held)

    def columns(self, collection: str) -> Columns:
        """`collection`'s records by slot, with ranked fields and searchable texts: built on
        first use, kept up to date by every write after it (and built anew once deleted
        records outnumber the live ones)."""
        columns = self._columns.get(collection)
        records = self._held(collection)
        if columns is None:
            columns = self._columns[collection] = Columns(records)
        elif columns.worn():
            columns = self._columns[collection] = columns.rebuilt(records)
        return columns

    def get(self, collection: str, pk: str) -> Record | None:
        return self._held(collection).get(pk)

    def new_id(self, collection: str) -> str:
        """A new uuid4-shaped id for `collection`, made from the seed and the write's position
        only, so that every worker (and every restart given the same writes) makes the same one.

        It is never a key in use: fixture ids come from other generators, but a collision is
        skipped all the same (the next draw is as deterministic as the first).
        """
        while True:
            self._draws += 1
            material = f"{self._seed}:{self.position()}:{self._draws}".encode()
            candidate = str(uuid.UUID(bytes=hashlib.sha256(material).digest()[:16], version=4))
            if candidate not in self._held(collection):
                return candidate

    def position(self) -> int:
        """How many writes the state has seen since its last reset (the same number in every
        worker)."""
        if self._log is None:
            return self._writes
        return self._applied + len(self._recording or []) - self._base

    def sync(self) -> None:
        """Apply the writes other workers made since the last look (nothing without a log)."""
        if self._log is None or self._recording is not None:
            return
        self._catch_up(self._log)

    def _catch_up(self, log: Log) -> None:
        """The latest snapshot, where the entries this store has not applied were folded into
        one; then every entry after it."""
        if log.latest_snapshot() > self._applied:
            snapshot = log.snapshot_after(self._applied)
            if snapshot is not None:
                self._load(*snapshot)
        self._apply(log.since(self._applied))

    def _snapshot(self) -> bytes:
        """Every record written since the reset, as it is now (None: deleted), with the
        reset's position; marshal, which reads back several times faster than JSON."""
        changes = {
            collection: {key: self._collections.get(collection, {}).get(key) for key in keys}
            for collection, keys in self._touched.items()
        }
        return marshal.dumps({"base": self._base, "changes": changes})

    def _load(self, position: int, snapshot: bytes) -> None:
        state = marshal.loads(snapshot)
        with self._bulk():
            self._reset_local()
            for collection, records in state["changes"].items():
                for key, record in records.items():
                    if record is None:
                        self._delete_local(collection, key)
                    else:
                        self._put_local(collection, record)
        self._base, self._applied = state["base"], position
        self._counters.clear()

    @contextmanager
    def _bulk(self) -> Iterator[None]:
        """Many writes at once (a reset, a snapshot, a long catch-up): the columns are set
        aside and built anew after them, far cheaper than following each write."""
        kept, self._columns = self._columns, {}
        try:
            yield
        finally:
            self._columns = {
                name: columns.rebuilt(self._held(name)) for name, columns in kept.items()
            }

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Make writes inside it atomic among workers: catch up, decide, append."""
        if self._recording is not None:
            yield
            return
        self._draws = 0
        if self._log is None:
            yield
            return
        log = self._log
        with log.transaction():
            self._catch_up(log)
            self._recording = []
            try:
                yield
                for event in self._recording:
                    self._applied = log.append(*event)
                if self._recording and log.snapshot_due(self._applied):
                    written = sum(len(keys) for keys in self._touched.values())
                    log.store_snapshot(self._applied, self._snapshot(), records=written)
            finally:
                self._recording = None

    def _record(self, operation: str, collection: str, key: str, record: Any) -> None:
        self._writes += 1
        if self._recording is not None:
            self._recording.append((operation, collection, key, record))

    def _apply(self, events: list[Event]) -> None:
        if not events:
            return
        followed = max((columns.live for columns in self._columns.values()), default=0)
        many = len(events) > max(BULK, followed // 8)
        if many or any(event[1] == "reset" for event in events):
            with self._bulk():
                self._apply_each(events)
        else:
            self._apply_each(events)

    def _apply_each(self, events: list[Event]) -> None:
        for position, operation, collection, key, record in events:
            if operation == "reset":
                self._reset_local()
                self._base = position
            elif operation == "put":
                self._put_local(collection, record)
            elif operation == "delete":
                self._delete_local(collection, key)
            self._applied = position
        self._counters.clear()

    def export_state(self) -> dict[str, Any]:
        """A copy of the whole state, to restore later in this process (a snapshot)."""
        return {"collections": copy.deepcopy(self._collections), "writes": self._writes}

    def import_state(self, state: Mapping[str, Any]) -> None:
        """Go back to an exported state. Only a store of one process: workers share writes
        through the log, which knows nothing of this."""
        if self._log is not None:
            raise ValueError("a store shared by workers cannot restore a snapshot")
        with self._bulk():
            self._reset_local()
            self._collections = state["collections"]
            self._gather_unions()  # follow the members as they are now
        self._writes = state["writes"]

    def _gather_unions(self) -> None:
        """Each union made anew from its members' own records (never from their copies of
        others'), after the records of its own where it has them."""
        members = {member for each in self._unions.values() for member in each}
        own = {
            name: {key: record for key, record in records.items() if MEMBER not in record}
            for name, records in self._collections.items()
            if name in members
        }
        for union, members in self._unions.items():
            self._collections[union] = {
                key: record if member == union else {**record, MEMBER: member}
                for member in sorted(members, key=lambda name: name != union)
                for key, record in own.get(member, {}).items()
            }

    def next_integer(self, collection: str) -> int:
        """The next integer key of a collection: one more than the largest so far in its key
        space, the widest union it belongs to (members share their keys, as a table and its
        subtables do), so that no two members ever draw the same number."""
        space = collection
        while self._union_of.get(space):
            space = self._union_of[space][0]
        if space not in self._counters:
            key = self.key(collection)
            held = [r[key] for name in {space, collection} for r in self.all(name)]
            numbers = [int(k) for k in held if isinstance(k, int) or _digits(k)]
            self._counters[space] = max(numbers, default=0)
        self._counters[space] += 1
        return self._counters[space]

    def put(self, collection: str, record: Record) -> Record:
        """Store `record` under its key, replacing the record it had (an update); a union's
        copy of a member's record is stored in the member."""
        member = record.get(MEMBER)
        if member is not None and collection in self._unions and member != collection:
            return self.put(member, {k: v for k, v in record.items() if k != MEMBER})
        self._put_local(collection, record)
        self._record("put", collection, str(record[self.key(collection)]), record)
        return record

    def insert(self, collection: str, record: Record) -> Record:
        """Store a new record; a key in use is refused (`KeyInUse`), never overwritten."""
        key = str(record[self.key(collection)])
        if key in self._held(collection):
            raise KeyInUse(collection, key)
        self._put_local(collection, record)
        self._record("put", collection, key, record)
        return record

    def delete(self, collection: str, pk: str) -> Record | None:
        if collection in self._unions:
            record = self._collections[collection].get(pk)
            if record is None:
                return None
            if record.get(MEMBER, collection) != collection:
                return self.delete(record[MEMBER], pk)
        removed = self._delete_local(collection, pk)
        if removed is not None:
            self._record("delete", collection, pk, None)
        return removed

    def _put_local(self, collection: str, record: Record) -> None:
        records = self._held(collection)
        self._collections[collection] = records
        key = str(record[self.key(collection)])
        previous = records.get(key)
        if previous is not None:
            self._unindex(collection, previous)
        records[key] = record
        self._index(collection, record)
        if (columns := self._columns.get(collection)) is not None:
            columns.put(key, record)
        self._changed(collection)
        self._touched.setdefault(collection, set()).add(key)
        for union in self._union_of.get(collection, ()):
            self._follow(union, key, {**record, MEMBER: collection})

    def _delete_local(self, collection: str, pk: str) -> Record | None:
        removed = self._held(collection).pop(pk, None)
        if removed is not None:
            self._unindex(collection, removed)
            if (columns := self._columns.get(collection)) is not None:
                columns.delete(pk)
            self._changed(collection)
            self._touched.setdefault(collection, set()).add(pk)
            for union in self._union_of.get(collection, ()):
                self._follow(union, pk, None)
        return removed

    def _follow(self, union: str, key: str, record: Record | None) -> None:
        """A union's copy of a member's record that was written (None: deleted)."""
        records = self._collections.setdefault(union, {})
        previous = records.pop(key, None)
        columns = self._columns.get(union)
        if previous is not None:
            self._unindex(union, previous)
            if columns is not None:
                columns.delete(key)
        if record is not None:
            records[key] = record
            self._index(union, record)
            if columns is not None:
                columns.put(key, record)  # last, as in the union's own order
        self._changed(union)

    def delete_where(self, collection: str, field: str, value: Any) -> int:
        """Delete every record of `collection` whose `field` equals `value` (a cascade)."""
        key = self.key(collection)
        doomed = [str(r[key]) for r in self.referencing(collection, field, value)]
        for pk in doomed:
            self.delete(collection, pk)
        return len(doomed)

    def referencing(self, collection: str, field: str, value: Any) -> list[Record]:
        """The records of `collection` whose `field` equals `value`, from an index that is
        built on first use and kept up to date by every write."""
        index = self._indexes.get((collection, field))
        if index is None:
            index = {}
            for record in self._held(collection).values():
                _add(index, record.get(field), record)
            self._indexes[(collection, field)] = index
        try:
            return index.get(value, [])
        except TypeError:  # an unhashable filter value matches no indexed value
            return []

    def view(self, collection: str, name: Any, build: Callable[[], Any]) -> Any:
        """`build()`'s value, cached until `collection` changes (a sorted order, an answer)."""
        version = self._versions.get(collection, 0)
        cached = self._views.get((collection, name))
        if cached is not None and cached[0] == version:
            self._views.move_to_end((collection, name))
            return cached[1]
        value = build()
        self._views[(collection, name)] = (version, value)
        if len(self._views) > MAX_VIEWS:
            self._views.popitem(last=False)
        return value

    def _changed(self, collection: str) -> None:
        self._versions[collection] = self._versions.get(collection, 0) + 1
        self._generation += 1

    def _index(self, collection: str, record: Record) -> None:
        for (owner, field), index in self._indexes.items():
            if owner == collection:
                _add(index, record.get(field), record)

    def _unindex(self, collection: str, record: Record) -> None:
        for (owner, field), index in self._indexes.items():
            if owner == collection:
                try:
                    bucket = index.get(record.get(field))
                except TypeError:
                    bucket = index.get(_UNHASHABLE)
                if bucket is not None:
                    bucket[:] = [other for other in bucket if other is not record]


BULK = 64
"""Writes applied at once beyond which the columns are built anew rather than followed (and
beyond an eighth of the largest collection followed: at 100,000 records, building anew
costs 3 s, about what following 15,000 writes does)."""
MAX_VIEWS = 64
"""Cached views kept at once, least recently used dropped first: an ordered view of 100,000
records holds 0.8 MB of references, so 64 of them stay under about 50 MB."""
_UNHASHABLE = object()
"""Where records whose value cannot be a dict key (a list) wait in an index."""


def _add(index: dict[Any, list[Record]], value: Any, record: Record) -> None:
    try:
        index.setdefault(value, []).append(record)
    except TypeError:
        index.setdefault(_UNHASHABLE, []).append(record)


def _digits(value: object) -> bool:
    """A key held as a number's digits (`"42"`): counted with the numbers."""
    return isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19


ATOMS = frozenset({str, int, float, bool, type(None)})


def own_copy(record: Mapping[str, Any]) -> Record:
    """A deep copy of a record whose strings and numbers are the dataset's own (they cannot
    change): a third of `copy.deepcopy`'s time, which keeps a memo of every value (seconds at
    a large start), and no second copy of each string, as marshal would make (80 MB at 100,000
    records)."""
    return {k: v if type(v) in ATOMS else _own(v) for k, v in record.items()}


def _own(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        return {k: v if type(v) in ATOMS else _own(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in ATOMS else _own(v) for v in value]
    return copy.deepcopy(value)  # a tuple, a date: rare, and copied as before
