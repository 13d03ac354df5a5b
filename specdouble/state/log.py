"""The interface of a write log: what the store needs from one, whatever holds it.

`write_log.WriteLog` keeps it in an SQLite file (worker processes, `serve --state FILE`) and
`shared_log.SharedLog` in PostgreSQL (replicas on several machines, `serve --shared URL`).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any, Protocol

Event = tuple[int, str, str, str, Any]
"""(position, operation: put | delete | reset, collection, key, record or None)."""


class Log(Protocol):
    def position(self) -> int:
        """The last position written (0: none)."""
        ...

    def size(self) -> int:
        """How many entries the log holds (not its last position: compaction deletes)."""
        ...

    def since(self, position: int) -> list[Event]:
        """The entries after `position`, in order."""
        ...

    def transaction(self) -> AbstractContextManager[None]:
        """Exclusive: no other writer appends until it ends."""
        ...

    def append(self, operation: str, collection: str, key: str, record: Any) -> int:
        """Write one entry; its position."""
        ...

    def snapshot_due(self, position: int) -> bool: ...

    def store_snapshot(self, position: int, state: bytes, records: int) -> None: ...

    def latest_snapshot(self) -> int:
        """The position of the latest snapshot (0: none)."""
        ...

    def snapshot_after(self, position: int) -> tuple[int, bytes] | None:
        """The latest snapshot if it is past `position`: its position and state."""
        ...
