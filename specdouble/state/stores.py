"""Isolated sessions: a state of its own for each session name, made from the same dataset on
first use, so that parallel tests never see each other's writes.

`Stores` is the store every part of the server is given: it answers each call from the state
of the request's session (a context variable `use()` sets), or from the shared state when the
request names none. Isolated states live in this process only; they are bounded in number, and
each can be saved and restored by name (snapshots).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from specdouble.state.columns import Columns
from specdouble.state.store import Record, Store

NAME = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
MAX_SESSIONS = 64
MAX_SNAPSHOTS = 16
"""Snapshots kept per session (each holds a copy of its state)."""


class SessionRefused(ValueError):
    """A session that cannot be used: the message says why, for a 400."""


class Stores(Store):
    """The shared store and the isolated ones, behind one store's interface.

    It inherits `Store` only to be one: every method answers from `current()`, and it holds no
    records itself.
    """

    def __init__(self, shared: Store, make: Callable[[], Store], limit: int = MAX_SESSIONS) -> None:
        # Deliberately no Store.__init__: this store holds nothing of its own.
        self.shared = shared
        self._make = make
        self._limit = limit
        self._isolated: dict[str, Store] = {}
        self._snapshots: dict[str, dict[str, Any]] = {}
        self._current: ContextVar[Store] = ContextVar("mock_store", default=shared)

    # Which state.

    def current(self) -> Store:
        return self._current.get()

    @contextmanager
    def using(self, name: str | None) -> Iterator[Store]:
        """Answer from session `name`'s state (made on first use) inside the block."""
        if name is None:
            yield self.shared
            return
        store = self.session(name)
        token = self._current.set(store)
        try:
            yield store
        finally:
            self._current.reset(token)

    def session(self, name: str) -> Store:
        if not NAME.match(name):
            raise SessionRefused(
                f"X-Mock-Session {name!r}: 1 to 64 letters, digits, '_', '.', ':' or '-'."
            )
        store = self._isolated.get(name)
        if store is None:
            if len(self._isolated) >= self._limit:
                raise SessionRefused(
                    f"At most {self._limit} isolated sessions; DELETE /_mock/sessions/<name> "
                    "one first."
                )
            store = self._isolated[name] = self._make()
        return store

    def isolated(self) -> dict[str, Store]:
        """Every isolated session's state, by name."""
        return dict(self._isolated)

    def names(self) -> dict[str, dict[str, int]]:
        return {name: store.counts() for name, store in sorted(self._isolated.items())}

    def drop(self, name: str) -> bool:
        self._snapshots.pop(name, None)
        return self._isolated.pop(name, None) is not None

    # Snapshots of an isolated session.

    def save(self, name: str, snapshot: str) -> None:
        store = self.session(name)
        kept = self._snapshots.setdefault(name, {})
        if snapshot not in kept and len(kept) >= MAX_SNAPSHOTS:
            raise SessionRefused(f"At most {MAX_SNAPSHOTS} snapshots a session.")
        kept[snapshot] = store.export_state()

    def restore(self, name: str, snapshot: str) -> bool:
        saved = self._snapshots.get(name, {}).get(snapshot)
        if saved is None:
            return False
        self.session(name).import_state(copy.deepcopy(saved))
        return True

    def snapshots(self, name: str) -> list[str]:
        return sorted(self._snapshots.get(name, {}))

    # The store's interface, answered by the current state.

    @property
    def generation(self) -> Any:  # type: ignore[override]
        store = self.current()
        return (id(store), store.generation)  # unique across states, for caches

    def key(self, collection: str) -> str:
        return self.current().key(collection)

    def reset(self) -> None:
        self.current().reset()

    def counts(self) -> dict[str, int]:
        return self.current().counts()

    def all(self, collection: str) -> list[Record]:
        return self.current().all(collection)

    def size(self, collection: str) -> int:
        return self.current().size(collection)

    def columns(self, collection: str) -> Columns:
        return self.current().columns(collection)

    def get(self, collection: str, pk: str) -> Record | None:
        return self.current().get(collection, pk)

    def new_id(self, collection: str) -> str:
        return self.current().new_id(collection)

    def position(self) -> int:
        return self.current().position()

    def sync(self) -> None:
        self.current().sync()

    def writing(self) -> Any:
        return self.current().writing()

    def next_integer(self, collection: str) -> int:
        return self.current().next_integer(collection)

    def put(self, collection: str, record: Record) -> Record:
        return self.current().put(collection, record)

    def insert(self, collection: str, record: Record) -> Record:
        return self.current().insert(collection, record)

    def delete(self, collection: str, pk: str) -> Record | None:
        return self.current().delete(collection, pk)

    def delete_where(self, collection: str, field: str, value: Any) -> int:
        return self.current().delete_where(collection, field, value)

    def referencing(self, collection: str, field: str, value: Any) -> list[Record]:
        return self.current().referencing(collection, field, value)

    def view(self, collection: str, name: Any, build: Callable[[], Any]) -> Any:
        return self.current().view(collection, name, build)

    def export_state(self) -> dict[str, Any]:
        return self.current().export_state()

    def import_state(self, state: Mapping[str, Any]) -> None:
        self.current().import_state(state)
