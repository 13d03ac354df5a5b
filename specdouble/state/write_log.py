"""Writes shared between server processes (`serve --workers N`) through an SQLite file.

Every worker holds the whole state in memory and reads from it; a write is appended to this
log inside an exclusive transaction, after the writer has applied everything before it, and
every worker applies the log's new entries before it answers. So a write through one worker
is seen through every worker, and all agree on the order of writes.

The log holds only what a new worker needs: a reset deletes every entry before it, and once
the entries since the last snapshot outnumber what that snapshot held (and `SNAPSHOT_AFTER`),
the writer stores a snapshot (every record written since the reset, as it is now) and the
entries it covers are deleted. A new worker loads the latest snapshot, then replays the entries
after it. Positions are never reused (AUTOINCREMENT), so deleting entries changes no worker's
idea of the write order.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from specdouble.state.log import Event

BUSY_TIMEOUT_SECONDS = 30.0
SNAPSHOT_AFTER = 10_000
BULK_DECODE = 64


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
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS snapshots (position INTEGER PRIMARY KEY, state BLOB)"
        )
        self._db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
        self._next_snapshot = self.latest_snapshot() + SNAPSHOT_AFTER

    @classmethod
    def open(cls, path: Path, *, origin: str) -> WriteLog:
        """A log kept between starts (`serve --state FILE`): made where there is none, else
        checked to hold the writes over the same `origin` (document, fixtures, seed)."""
        if path.exists() and not path.is_file():
            raise ValueError(f"--state {path}: not a file")
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            log = cls(path)
        except sqlite3.DatabaseError as error:
            raise ValueError(f"--state {path}: not a state file ({error})") from error
        with log.transaction():
            row = log._db.execute("SELECT value FROM meta WHERE name = 'origin'").fetchone()
            if row is None:
                log._db.execute("INSERT INTO meta (name, value) VALUES ('origin', ?)", (origin,))
            elif row[0] != origin:
                raise ValueError(
                    f"--state {path}: it holds the writes over another document, fixtures or"
                    " seed; remove it, or name another file"
                )
        return log

    @classmethod
    def create(cls, path: Path) -> WriteLog:
        """A new, empty log (a server's start)."""
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return cls(path)

    def position(self) -> int:
        (position,) = self._db.execute("SELECT COALESCE(MAX(id), 0) FROM writes").fetchone()
        return int(position)

    def size(self) -> int:
        """How many entries the log holds (not its last position: compaction deletes)."""
        (count,) = self._db.execute("SELECT COUNT(*) FROM writes").fetchone()
        return int(count)

    def since(self, position: int) -> list[Event]:
        rows = self._db.execute(
            "SELECT id, operation, collection, key, record FROM writes WHERE id > ? ORDER BY id",
            (position,),
        ).fetchall()
        if len(rows) < BULK_DECODE:
            return [
                (i, op, c, k, json.loads(r) if r is not None else None) for i, op, c, k, r in rows
            ]
        # Many entries (a new worker's replay): one parse of them all is faster than one each.
        records = json.loads("[" + ",".join(r if r is not None else "null" for *_, r in rows) + "]")
        return [(i, op, c, k, rec) for (i, op, c, k, _), rec in zip(rows, records, strict=True)]

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

    def append(self, operation: str, collection: str, key: str, record: Any) -> int:
        """Append one entry (inside `transaction`); its position."""
        cursor = self._db.execute(
            "INSERT INTO writes (operation, collection, key, record) VALUES (?, ?, ?, ?)",
            (operation, collection, key, None if record is None else json.dumps(record)),
        )
        position = int(cursor.lastrowid or 0)
        if operation == "reset":
            self._db.execute("DELETE FROM writes WHERE id < ?", (position,))
            self._db.execute("DELETE FROM snapshots")
            self._next_snapshot = position + SNAPSHOT_AFTER
        return position

    def snapshot_due(self, position: int) -> bool:
        return position >= self._next_snapshot

    def store_snapshot(self, position: int, state: bytes, records: int) -> None:
        """Keep `state` (what the writer's store holds at `position`, which it has just
        reached) and drop the entries and snapshots it covers (inside `transaction`)."""
        self._db.execute("INSERT INTO snapshots (position, state) VALUES (?, ?)", (position, state))
        self._db.execute("DELETE FROM snapshots WHERE position < ?", (position,))
        self._db.execute("DELETE FROM writes WHERE id <= ?", (position,))
        self._next_snapshot = position + max(SNAPSHOT_AFTER, records)

    def latest_snapshot(self) -> int:
        """The position of the latest snapshot (0: none)."""
        (last,) = self._db.execute("SELECT COALESCE(MAX(position), 0) FROM snapshots").fetchone()
        return int(last)

    def snapshot_after(self, position: int) -> tuple[int, bytes] | None:
        """The latest snapshot past `position`, if there is one."""
        row = self._db.execute(
            "SELECT position, state FROM snapshots WHERE position > ?"
            " ORDER BY position DESC LIMIT 1",
            (position,),
        ).fetchone()
        return (int(row[0]), bytes(row[1])) if row else None
