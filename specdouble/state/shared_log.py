"""The write log in PostgreSQL (`serve --shared postgresql://...`): replicas on several
machines share one order of writes, as the workers of one machine share `write_log.WriteLog`.

The same log, on another engine: every replica holds the state in memory; a write is appended
inside a transaction that holds one advisory lock (so appends are serialised across replicas and
positions are committed in order), after the writer has applied everything before it; each
replica applies the entries it has not seen before it answers. Snapshots and resets keep the log
small as in SQLite. The tables are made on first use; `meta` records what the writes were made
over (document, fixtures, seed), and a replica of other data is refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from specdouble.state.log import Event
from specdouble.state.write_log import SNAPSHOT_AFTER

LOCK = 0x6D6F636B  # "mock": the one advisory lock every replica's writes take
CONNECT_TIMEOUT_SECONDS = 10


class SharedLogError(ValueError):
    """The shared store cannot be used; the message says why."""


def _connect(url: str) -> Any:
    try:
        import psycopg
    except ImportError as missing:  # an optional dependency: `pip install specdouble[shared]`
        raise SharedLogError(
            "--shared needs psycopg: pip install 'specdouble[shared]'"
        ) from missing
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS)
    except psycopg.Error as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise SharedLogError(f"--shared: cannot connect: {reason}") from error


class SharedLog:
    """The `log.Log` interface over a PostgreSQL database."""

    def __init__(self, url: str, *, origin: str | None = None) -> None:
        self._db = _connect(url)
        with self._db.transaction():
            self._db.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK,))
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS mock_writes (id BIGSERIAL PRIMARY KEY,"
                " operation TEXT NOT NULL, collection TEXT NOT NULL, key TEXT NOT NULL,"
                " record TEXT)"
            )
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS mock_snapshots (position BIGINT PRIMARY KEY,"
                " state BYTEA NOT NULL)"
            )
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS mock_meta (name TEXT PRIMARY KEY, value TEXT)"
            )
            if origin is not None:
                row = self._db.execute(
                    "SELECT value FROM mock_meta WHERE name = 'origin'"
                ).fetchone()
                if row is None:
                    self._db.execute(
                        "INSERT INTO mock_meta (name, value) VALUES ('origin', %s)", (origin,)
                    )
                elif row[0] != origin:
                    raise SharedLogError(
                        "--shared: the store holds the writes over another document, fixtures"
                        " or seed; every replica must serve the same ones"
                    )
        self._next_snapshot = self.latest_snapshot() + SNAPSHOT_AFTER

    def position(self) -> int:
        (position,) = self._db.execute("SELECT COALESCE(MAX(id), 0) FROM mock_writes").fetchone()
        return int(position)

    def size(self) -> int:
        (count,) = self._db.execute("SELECT COUNT(*) FROM mock_writes").fetchone()
        return int(count)

    def since(self, position: int) -> list[Event]:
        rows = self._db.execute(
            "SELECT id, operation, collection, key, record FROM mock_writes"
            " WHERE id > %s ORDER BY id",
            (position,),
        ).fetchall()
        return [
            (int(i), op, c, k, json.loads(r) if r is not None else None) for i, op, c, k, r in rows
        ]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Exclusive among all replicas: read what is new, decide, append."""
        with self._db.transaction():
            self._db.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK,))
            yield

    def append(self, operation: str, collection: str, key: str, record: Any) -> int:
        (position,) = self._db.execute(
            "INSERT INTO mock_writes (operation, collection, key, record)"
            " VALUES (%s, %s, %s, %s) RETURNING id",
            (operation, collection, key, None if record is None else json.dumps(record)),
        ).fetchone()
        position = int(position)
        if operation == "reset":
            self._db.execute("DELETE FROM mock_writes WHERE id < %s", (position,))
            self._db.execute("DELETE FROM mock_snapshots")
            self._next_snapshot = position + SNAPSHOT_AFTER
        return position

    def snapshot_due(self, position: int) -> bool:
        return position >= self._next_snapshot

    def store_snapshot(self, position: int, state: bytes, records: int) -> None:
        self._db.execute(
            "INSERT INTO mock_snapshots (position, state) VALUES (%s, %s)", (position, state)
        )
        self._db.execute("DELETE FROM mock_snapshots WHERE position < %s", (position,))
        self._db.execute("DELETE FROM mock_writes WHERE id <= %s", (position,))
        self._next_snapshot = position + max(SNAPSHOT_AFTER, records)

    def latest_snapshot(self) -> int:
        (last,) = self._db.execute(
            "SELECT COALESCE(MAX(position), 0) FROM mock_snapshots"
        ).fetchone()
        return int(last)

    def snapshot_after(self, position: int) -> tuple[int, bytes] | None:
        row = self._db.execute(
            "SELECT position, state FROM mock_snapshots WHERE position > %s"
            " ORDER BY position DESC LIMIT 1",
            (position,),
        ).fetchone()
        return (int(row[0]), bytes(row[1])) if row else None
