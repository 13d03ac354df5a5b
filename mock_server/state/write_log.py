"""Writes shared between server processes (`serve --workers N`) through an SQLite file.

Every worker holds the whole state in memory and reads from it; a write is appended to this
log inside an exclusive transaction, after the writer has applied everything before it, and
every worker applies the log's new entries before it answers. So a write through one worker
is seen through every worker, and all agree on the order of writes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BUSY_TIMEOUT_SECONDS = 30.0
Event = tuple[int, str, str, str, Any]
"""(position, operation: put | delete | reset, collection, key, record or None)."""


class WriteLog:
    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS writes (id INTEGER PRIMARY KEY AUTOINCREMENT,"
            " operation TEXT NOT NULL, collection TEXT NOT NULL, key TEXT NOT NULL,"
            " record TEXT)"
        )

    @classmethod
    def create(cls, path: Path) -> WriteLog:
        """A new, empty log (a server's start)."""
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return cls(path)

    def position(self) -> int:
        (position,) = self._db.execute("SELECT COALESCE(MAX(id), 0) FROM writes").fetchone()
        return int(position)

    def since(self, position: int) -> list[Event]:
        rows = self._db.execute(
            "SELECT id, operation, collection, key, record FROM writes WHERE id > ? ORDER BY id",
            (position,),
        ).fetchall()
        return [(i, op, c, k, json.loads(r) if r is not None else None) for i, op, c, k, r in rows]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Exclusive among all processes: read what is new, decide, append."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def append(self, operation: str, collection: str, key: str, record: Any) -> None:
        self._db.execute(
            "INSERT INTO writes (operation, collection, key, record) VALUES (?, ?, ?, ?)",
            (operation, collection, key, None if record is None else json.dumps(record)),
        )
