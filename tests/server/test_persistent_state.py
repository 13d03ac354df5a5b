"""`serve --state FILE`: the writes since the fixtures outlive the server, a kill included;
a reset returns to the fixtures, for good; a state file of other data is refused."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import ADMIN, API, LiveServer

NEW = {"name": "kept-across-restarts", "action": "login", "app": "authentik.core"}


def killed(server: LiveServer) -> None:
    """SIGKILL: no handler runs, nothing is flushed on the way out."""
    os.kill(server.process.pid, signal.SIGKILL)
    server.process.wait(timeout=10)


def test_writes_come_back_after_a_kill_and_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite3"
    first = LiveServer("--state", str(state))
    try:
        made = httpx.post(f"{first.url}/policies/event_matcher/", json=NEW, headers=ADMIN)
        assert made.status_code == 201
        pk = made.json()["pk"]
        changed = httpx.patch(
            f"{first.url}/policies/event_matcher/{pk}/",
            json={"client_ip": "10.0.0.9"},
            headers=ADMIN,
        )
        assert changed.status_code == 200
        gone = httpx.get(f"{first.url}/policies/event_matcher/", headers=ADMIN).json()
        victim = gone["results"][0]["pk"]
        assert (
            httpx.delete(f"{first.url}/policies/event_matcher/{victim}/", headers=ADMIN).status_code
            == 204
        )
        before = httpx.get(
            f"{first.url}{API[len('/api/v3') :]}?page_size=200", headers=ADMIN
        ).json()
    finally:
        killed(first)
    second = LiveServer("--state", str(state))
    try:
        kept = httpx.get(f"{second.url}/policies/event_matcher/{pk}/", headers=ADMIN)
        assert kept.status_code == 200
        assert (kept.json()["name"], kept.json()["client_ip"]) == (NEW["name"], "10.0.0.9")
        missing = httpx.get(f"{second.url}/policies/event_matcher/{victim}/", headers=ADMIN)
        assert missing.status_code == 404
        after = httpx.get(
            f"{second.url}{API[len('/api/v3') :]}?page_size=200", headers=ADMIN
        ).json()
        assert after == before  # the same state, byte for byte as JSON
        # A create after the replay gets a new id, not one the replayed writes already took.
        again = httpx.post(
            f"{second.url}/policies/event_matcher/", json={**NEW, "name": "b"}, headers=ADMIN
        )
        assert again.status_code == 201 and again.json()["pk"] != pk
    finally:
        second.stop()


def test_a_reset_returns_to_the_fixtures_for_good(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite3"
    server = LiveServer("--state", str(state))
    try:
        fresh = httpx.get(f"{server.url}/policies/event_matcher/", headers=ADMIN).json()
        httpx.post(f"{server.url}/policies/event_matcher/", json=NEW, headers=ADMIN)
        server.control("POST", "reset")
    finally:
        server.stop()
    server = LiveServer("--state", str(state))
    try:
        assert httpx.get(f"{server.url}/policies/event_matcher/", headers=ADMIN).json() == fresh
    finally:
        server.stop()


def test_a_state_of_other_data_is_refused_with_one_line(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite3"
    LiveServer("--state", str(state)).stop()
    refused = subprocess.run(
        [sys.executable, "-m", "specdouble", "serve", "--state", str(state), "--seed", "9"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode != 0
    assert "holds the writes over another document, fixtures or seed" in refused.stderr
    assert "Traceback" not in refused.stderr
    (tmp_path / "junk").write_text("not sqlite at all " * 100)
    junk = subprocess.run(
        [sys.executable, "-m", "specdouble", "serve", "--state", str(tmp_path / "junk")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert junk.returncode != 0 and "not a state file" in junk.stderr
    assert "Traceback" not in junk.stderr


@pytest.mark.parametrize("workers", ["1", "2"])
def test_without_the_flag_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    """The server's temporary folder (TMPDIR, where `--workers` keep their shared log) holds
    nothing while one process serves, and nothing once any server has stopped."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    server = LiveServer("--workers", workers)
    try:
        made = httpx.post(f"{server.url}/policies/event_matcher/", json=NEW, headers=ADMIN)
        assert made.status_code == 201
        if workers == "1":
            assert not list(tmp_path.iterdir())
        else:  # the workers' shared log lives there while they serve
            assert list(tmp_path.glob("mock-server-*/writes.sqlite3"))
    finally:
        server.stop()
    assert not list(tmp_path.iterdir())
    assert not list(Path.cwd().glob("*.sqlite3*"))


def test_workers_share_a_kept_state_and_leave_it_behind(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite3"
    server = LiveServer("--workers", "2", "--state", str(state))
    try:
        made = httpx.post(f"{server.url}/policies/event_matcher/", json=NEW, headers=ADMIN)
        assert made.status_code == 201
    finally:
        server.stop()
    assert state.is_file()  # not the temporary log that workers remove
    single = LiveServer("--state", str(state))
    try:
        kept = httpx.get(f"{single.url}/policies/event_matcher/{made.json()['pk']}/", headers=ADMIN)
        assert kept.json()["name"] == NEW["name"]
    finally:
        single.stop()
