"""`serve --workers 2`: identical answers from every worker, and writes seen by all."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import ADMIN, API, LiveServer

ROUNDS = 40
MAX_ROUNDS = 1000
"""The kernel spreads new connections over the workers; rarely, one takes many in a row."""


@pytest.fixture(scope="module")
def workers() -> Iterator[LiveServer]:
    server = LiveServer("--workers", "2")
    try:
        yield server
    finally:
        server.stop()


def each_worker(server: LiveServer, method: str, path: str, **options: Any) -> dict[str, set]:
    """Send the request on fresh connections, at least `ROUNDS` times and until both workers
    answered; their answers."""
    seen: dict[str, set] = {}
    for sent in range(MAX_ROUNDS):
        if sent >= ROUNDS and len(seen) == 2:
            break
        response = httpx.request(method, f"{server.origin}{path}", headers=ADMIN, **options)
        seen.setdefault(response.headers["x-mock-worker"], set()).add(
            (response.status_code, response.text)
        )
    assert len(seen) == 2, "both workers should have answered"
    return seen


@pytest.mark.live
def test_every_worker_gives_the_same_answers(workers: LiveServer) -> None:
    workers.reset()
    answers = each_worker(workers, "GET", f"{API}?ordering=-name&page_size=7")
    assert len(set.union(*answers.values())) == 1


@pytest.mark.live
def test_a_write_through_one_worker_is_seen_by_every_worker(workers: LiveServer) -> None:
    workers.reset()
    made = httpx.post(
        f"{workers.origin}{API}", json={"name": "Made on one", "action": "login"}, headers=ADMIN
    )
    assert made.status_code == 201
    item = f"{API}{made.json()['pk']}/"
    assert set.union(*each_worker(workers, "GET", item).values()) == {(200, made.text)}
    renamed = httpx.patch(f"{workers.origin}{item}", json={"name": "Renamed"}, headers=ADMIN)
    assert set.union(*each_worker(workers, "GET", item).values()) == {(200, renamed.text)}
    counts = each_worker(workers, "GET", f"{API}?page_size=1")
    assert {json.loads(t)["pagination"]["count"] for s in counts.values() for _, t in s} == {151}
    assert httpx.delete(f"{workers.origin}{item}", headers=ADMIN).status_code == 204
    assert {status for s in each_worker(workers, "GET", item).values() for status, _ in s} == {404}


@pytest.mark.live
def test_created_ids_do_not_depend_on_the_worker(workers: LiveServer) -> None:
    """The same writes after a reset give the same ids, whichever worker takes them."""
    made = []
    for _ in range(2):
        workers.reset()
        body = {"name": "Same id", "action": "login"}
        made.append(httpx.post(f"{workers.origin}{API}", json=body, headers=ADMIN).json()["pk"])
    assert made[0] == made[1]


def test_isolated_sessions_need_one_process(workers: LiveServer) -> None:
    headers = {**ADMIN, "X-Mock-Session": "one"}
    refused = httpx.get(f"{workers.origin}{API}", headers=headers, timeout=10)
    assert refused.status_code == 400
    assert refused.json() == {
        "detail": "X-Mock-Session needs a server of one process (serve without --workers)."
    }
