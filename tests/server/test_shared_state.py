"""`serve --shared postgresql://...`: replicas (here two processes on two ports, as they would
be on two machines) share one order of writes through a real PostgreSQL server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ADMIN, LiveServer
from tests.postgres import Postgres, PostgresUnavailable

NEW = {"name": "made-on-one-replica", "action": "login", "app": "authentik.core"}
POLICIES = "/policies/event_matcher/"


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    try:
        server = Postgres()
    except PostgresUnavailable as missing:
        pytest.skip(str(missing))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def database(postgres: Postgres) -> Iterator[str]:
    """A fresh database of the server for one test."""
    import psycopg

    name = f"mock_{os.getpid()}_{abs(hash(os.urandom(4)))}"
    with psycopg.connect(postgres.url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield postgres.url.rsplit("/", 1)[0] + f"/{name}"


def listing(server: LiveServer) -> str:
    return httpx.get(f"{server.url}{POLICIES}?page_size=200", headers=ADMIN).text


def test_writes_through_one_replica_are_read_through_the_other(database: str) -> None:
    first, second = LiveServer("--shared", database), LiveServer("--shared", database)
    try:
        made = httpx.post(f"{first.url}{POLICIES}", json=NEW, headers=ADMIN)
        assert made.status_code == 201
        pk = made.json()["pk"]
        assert httpx.get(f"{second.url}{POLICIES}{pk}/", headers=ADMIN).json() == made.json()
        changed = httpx.patch(
            f"{second.url}{POLICIES}{pk}/", json={"client_ip": "10.1.2.3"}, headers=ADMIN
        )
        assert changed.status_code == 200
        assert httpx.get(f"{first.url}{POLICIES}{pk}/", headers=ADMIN).json() == changed.json()
        # Ids come from the seed and the write's position: whichever replica makes the next.
        other = httpx.post(f"{second.url}{POLICIES}", json={**NEW, "name": "b"}, headers=ADMIN)
        assert other.status_code == 201
        assert httpx.delete(f"{first.url}{POLICIES}{pk}/", headers=ADMIN).status_code == 204
        assert httpx.get(f"{second.url}{POLICIES}{pk}/", headers=ADMIN).status_code == 404
        assert listing(first) == listing(second)  # every answer agrees, byte for byte
    finally:
        first.stop()
        second.stop()


def test_a_replica_started_later_catches_up_and_a_reset_reaches_all(database: str) -> None:
    first = LiveServer("--shared", database)
    try:
        fresh = listing(first)
        for number in range(5):
            body = {**NEW, "name": f"early-{number}"}
            assert httpx.post(f"{first.url}{POLICIES}", json=body, headers=ADMIN).status_code == 201
        late = LiveServer("--shared", database)
        try:
            assert listing(late) == listing(first)
            late.control("POST", "reset")
            assert listing(first) == fresh == listing(late)
        finally:
            late.stop()
    finally:
        first.stop()


def test_a_replica_killed_after_a_write_loses_nothing_acknowledged(database: str) -> None:
    first, second = LiveServer("--shared", database), LiveServer("--shared", database)
    try:
        made = httpx.post(f"{first.url}{POLICIES}", json=NEW, headers=ADMIN)
        assert made.status_code == 201
        os.kill(first.process.pid, signal.SIGKILL)
        first.process.wait(timeout=10)
        kept = httpx.get(f"{second.url}{POLICIES}{made.json()['pk']}/", headers=ADMIN)
        assert kept.json() == made.json()
        again = LiveServer("--shared", database)
        try:
            assert listing(again) == listing(second)
        finally:
            again.stop()
    finally:
        second.stop()


def test_a_replica_of_other_data_or_an_unreachable_store_is_refused(
    database: str, tmp_path: Path
) -> None:
    LiveServer("--shared", database).stop()
    for arguments, message in (
        (["--shared", database, "--seed", "9"], "holds the writes over another document"),
        (["--shared", "postgresql://mock@127.0.0.1:1/none"], "--shared: cannot connect"),
        (["--shared", database, "--state", str(tmp_path / "s")], "choose one place"),
    ):
        refused = subprocess.run(
            [sys.executable, "-m", "specdouble", "serve", *arguments],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert refused.returncode != 0, arguments
        assert message in refused.stderr and "Traceback" not in refused.stderr, refused.stderr
