"""The mock as a test double, over HTTP: the journal, faults of every kind, seeded latency,
`Prefer: delay`."""

from __future__ import annotations

import http.client
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.conftest import ADMIN, API, READONLY, LiveServer


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    live = LiveServer("--journal", "50")
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def mock(server: LiveServer) -> LiveServer:
    server.reset()
    httpx.delete(f"{server.origin}/_mock/requests", headers=ADMIN).raise_for_status()
    httpx.delete(f"{server.origin}/_mock/faults", headers=ADMIN).raise_for_status()
    return server


def journal(server: LiveServer, **filters: Any) -> list[dict[str, Any]]:
    answer = httpx.get(f"{server.origin}/_mock/requests", params=filters, headers=ADMIN)
    assert answer.status_code == 200, answer.text
    return answer.json()["results"]


def fault(server: LiveServer, **rule: Any) -> dict[str, Any]:
    answer = httpx.post(f"{server.origin}/_mock/faults", json=rule, headers=ADMIN)
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_the_journal_verifies_what_a_client_sent(mock: LiveServer) -> None:
    body = {"name": "Made by the frontend", "action": "login"}
    httpx.get(f"{mock.origin}{API}", params={"search": "alert"}, headers=ADMIN)
    made = httpx.post(f"{mock.origin}{API}", json=body, headers={**ADMIN, "X-Mock-Session": "e2e"})
    (entry,) = journal(mock, operation_id="policies_event_matcher_create")
    assert entry["body"] == body and entry["status"] == 201
    assert entry["answer"]["pk"] == made.json()["pk"]
    assert entry["headers"]["authorization"] == "Bearer ***"
    assert entry["session"] == "e2e" and entry["method"] == "POST"
    assert entry["duration_ms"] >= 0
    (listed,) = journal(mock, method="GET", path="/api/v3/policies/*")
    assert listed["query"] == {"search": ["alert"]}
    assert listed["operation_id"] == "policies_event_matcher_list"
    assert journal(mock, session="e2e") == [entry]
    assert journal(mock, since=str(entry["id"])) == []


def test_the_journal_is_bounded_owned_and_checked(mock: LiveServer) -> None:
    for _ in range(60):
        httpx.get(f"{mock.origin}{API}?page_size=1", headers=ADMIN)
    kept = journal(mock)
    assert len(kept) == 50 and kept[-1]["id"] - kept[0]["id"] == 49
    assert httpx.get(f"{mock.origin}/_mock/requests", headers=READONLY).status_code == 403
    wrong = httpx.get(f"{mock.origin}/_mock/requests", params={"colour": "x"}, headers=ADMIN)
    assert wrong.status_code == 400 and "colour" in wrong.json()
    bad_since = httpx.get(f"{mock.origin}/_mock/requests", params={"since": "soon"}, headers=ADMIN)
    assert bad_since.status_code == 400
    cleared = httpx.delete(f"{mock.origin}/_mock/requests", headers=ADMIN).json()
    assert cleared == {"cleared": 50} and journal(mock) == []


def test_a_status_fault_answers_in_the_documents_error_shape(mock: LiveServer) -> None:
    fault(mock, operation_id="policies_event_matcher_list", status=503, count=1)
    failed = httpx.get(f"{mock.origin}{API}", headers=ADMIN)
    assert failed.status_code == 503 and failed.json() == {"detail": "Service Unavailable"}
    assert httpx.get(f"{mock.origin}{API}", headers=ADMIN).status_code == 200  # count spent
    fault(mock, method="POST", path="/api/v3/policies/*", status=400)
    refused = httpx.post(f"{mock.origin}{API}", json={"name": "x"}, headers=ADMIN)
    assert refused.json() == {"non_field_errors": ["Bad Request"]}
    (entry,) = journal(mock, status="400")
    assert entry["fault"] is not None
    fault(mock, path="/api/v3/policies/bindings/", status=418, body={"teapot": True})
    own = httpx.get(f"{mock.origin}/api/v3/policies/bindings/", headers=ADMIN)
    assert own.status_code == 418 and own.json() == {"teapot": True}
    rules = httpx.get(f"{mock.origin}/_mock/faults", headers=ADMIN).json()["results"]
    assert [r["applied"] for r in rules] == [1, 1, 1]


def raw_get(server: LiveServer, path: str) -> bytes:
    """A request over a plain socket: what a client receives, byte for byte."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        request = f"GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: {ADMIN['Authorization']}"
        sock.sendall(f"{request}\r\n\r\n".encode())
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
        return received


def test_network_faults_break_the_connection(mock: LiveServer) -> None:
    fault(mock, path="/api/v3/policies/bindings/", kind="empty", count=1)
    assert raw_get(mock, "/api/v3/policies/bindings/") == b""
    fault(mock, path="/api/v3/policies/bindings/", kind="reset", count=1)
    with pytest.raises(ConnectionResetError):
        raw_get(mock, "/api/v3/policies/bindings/")
    fault(mock, path=API, kind="truncated", count=1)
    connection = http.client.HTTPConnection("127.0.0.1", mock.port, timeout=10)
    connection.request("GET", API, headers=ADMIN)
    answer = connection.getresponse()
    assert answer.status == 200
    with pytest.raises(http.client.IncompleteRead):
        answer.read()
    assert httpx.get(f"{mock.origin}{API}", headers=ADMIN).status_code == 200  # all spent


def test_prefer_delay_waits_and_has_a_limit(mock: LiveServer) -> None:
    waited = httpx.get(f"{mock.origin}{API}", headers={**ADMIN, "Prefer": "delay=250"})
    assert waited.status_code == 200 and waited.elapsed.total_seconds() >= 0.25
    (entry,) = journal(mock)
    assert entry["delay_ms"] == 250 and entry["duration_ms"] >= 250
    too_long = httpx.get(f"{mock.origin}{API}", headers={**ADMIN, "Prefer": "delay=60001"})
    assert too_long.status_code == 400
    assert "more than the 60000 ms" in too_long.json()["detail"]


def test_seeded_latency_repeats_from_run_to_run() -> None:
    def delays() -> list[int]:
        live = LiveServer("--latency", "5-40", "--seed", "3")
        try:
            for _ in range(6):
                httpx.get(f"{live.origin}{API}", headers=ADMIN)
            return [e["delay_ms"] for e in journal(live)]
        finally:
            live.stop()

    first = delays()
    assert first == delays() and all(5 <= d <= 40 for d in first) and len(set(first)) > 1


def count_in(server: LiveServer, session: str | None) -> int:
    headers = {**ADMIN, **({"X-Mock-Session": session} if session else {})}
    answer = httpx.get(f"{server.origin}{API}", params={"page_size": 1}, headers=headers)
    return answer.json()["pagination"]["count"]


def test_sessions_are_isolated_under_concurrent_writes(mock: LiveServer) -> None:
    def create(session: str, number: int) -> int:
        headers = {**ADMIN, "X-Mock-Session": session}
        body = {"name": f"{session} policy {number}", "action": "login"}
        return httpx.post(f"{mock.origin}{API}", json=body, headers=headers, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        jobs = [pool.submit(create, s, n) for n in range(15) for s in ("alpha", "beta")]
        assert {job.result() for job in jobs} == {201}
    assert (count_in(mock, "alpha"), count_in(mock, "beta"), count_in(mock, None)) == (
        165,
        165,
        150,
    )
    reset = httpx.post(f"{mock.origin}/_mock/reset", headers={**ADMIN, "X-Mock-Session": "alpha"})
    assert reset.status_code == 200
    assert (count_in(mock, "alpha"), count_in(mock, "beta")) == (150, 165)
    listed = httpx.get(f"{mock.origin}/_mock/sessions", headers=ADMIN).json()["sessions"]
    assert {"alpha", "beta"} <= set(listed)
    assert httpx.delete(f"{mock.origin}/_mock/sessions/beta", headers=ADMIN).status_code == 200
    assert httpx.delete(f"{mock.origin}/_mock/sessions/beta", headers=ADMIN).status_code == 404
    assert count_in(mock, "beta") == 150  # made again, from the fixtures
    bad = httpx.get(f"{mock.origin}{API}", headers={**ADMIN, "X-Mock-Session": "no spaces"})
    assert bad.status_code == 400 and "X-Mock-Session" in bad.json()["detail"]


def test_a_sessions_snapshot_is_restored(mock: LiveServer) -> None:
    headers = {**ADMIN, "X-Mock-Session": "snap"}
    base = f"{mock.origin}/_mock/sessions/snap/snapshots"
    httpx.post(f"{mock.origin}{API}", json={"name": "kept", "action": "login"}, headers=headers)
    assert httpx.post(f"{base}/one", headers=ADMIN).status_code == 201
    httpx.post(f"{mock.origin}{API}", json={"name": "dropped", "action": "login"}, headers=headers)
    assert count_in(mock, "snap") == 152
    assert httpx.post(f"{base}/one/restore", headers=ADMIN).status_code == 200
    assert count_in(mock, "snap") == 151
    assert httpx.get(base, headers=ADMIN).json() == {"snapshots": ["one"]}
    assert httpx.post(f"{base}/missing/restore", headers=ADMIN).status_code == 404
    assert httpx.post(f"{base}/one", headers=READONLY).status_code == 403
