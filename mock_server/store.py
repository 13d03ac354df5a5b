"""The in-memory state: named collections of records, filled from a dataset and reset to it.

A record is a JSON-like dict keyed by its `pk`. The store knows nothing of HTTP or of any one
resource; resources read and write it, and ask it for indexes of references between records.
"""

from __future__ import annotations

import copy
import random
import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

Record = dict[str, Any]
Dataset = Mapping[str, Sequence[Mapping[str, Any]]]


class Store:
    """Collections of records; ids for new records come from a seeded generator.

    Two stores built from the same dataset and seed, given the same writes, hold the same data.
    """

    def __init__(
        self, dataset: Dataset, *, seed: int = 0, keys: Mapping[str, str] | None = None
    ) -> None:
        self._dataset = dataset
        self._seed = seed
        self._keys = dict(keys or {})
        self.reset()

    def key(self, collection: str) -> str:
        """The field that identifies a record of `collection` (`pk` unless told otherwise)."""
        return self._keys.get(collection, "pk")

    def reset(self) -> None:
        """Forget every write: back to the dataset the store was built from."""
        self._collections: dict[str, dict[str, Record]] = {
            name: {str(record[self.key(name)]): copy.deepcopy(dict(record)) for record in records}
            for name, records in self._dataset.items()
        }
        self._counters: dict[str, int] = {}
        self._ids = random.Random(self._seed)
        self._indexes: dict[tuple[str, str], dict[Any, list[Record]]] = {}

    def counts(self) -> dict[str, int]:
        return {name: len(records) for name, records in self._collections.items()}

    def all(self, collection: str) -> list[Record]:
        return list(self._collections.get(collection, {}).values())

    def __iter__(self) -> Iterator[str]:
        return iter(self._collections)

    def get(self, collection: str, pk: str) -> Record | None:
        return self._collections.get(collection, {}).get(pk)

    def new_id(self) -> str:
        return str(uuid.UUID(int=self._ids.getrandbits(128), version=4))

    def next_integer(self, collection: str) -> int:
        """The next integer key of a collection: one more than the largest so far."""
        if collection not in self._counters:
            keys = [r[self.key(collection)] for r in self._collections.get(collection, {}).values()]
            self._counters[collection] = max([k for k in keys if isinstance(k, int)], default=0)
        self._counters[collection] += 1
        return self._counters[collection]

    def put(self, collection: str, record: Record) -> Record:
        self._collections.setdefault(collection, {})[str(record[self.key(collection)])] = record
        self._invalidate(collection)
        return record

    def delete(self, collection: str, pk: str) -> Record | None:
        removed = self._collections.get(collection, {}).pop(pk, None)
        self._invalidate(collection)
        return removed

    def delete_where(self, collection: str, field: str, value: Any) -> int:
        """Delete every record of `collection` whose `field` equals `value` (a cascade)."""
        key = self.key(collection)
        doomed = [str(r[key]) for r in self.referencing(collection, field, value)]
        for pk in doomed:
            self._collections[collection].pop(pk, None)
        self._invalidate(collection)
        return len(doomed)

    def referencing(self, collection: str, field: str, value: Any) -> list[Record]:
        """The records of `collection` whose `field` equals `value`, from a cached index."""
        index = self._indexes.get((collection, field))
        if index is None:
            index = {}
            for record in self._collections.get(collection, {}).values():
                index.setdefault(record.get(field), []).append(record)
            self._indexes[(collection, field)] = index
        return index.get(value, [])

    def _invalidate(self, collection: str) -> None:
        for key in [key for key in self._indexes if key[0] == collection]:
            del self._indexes[key]
