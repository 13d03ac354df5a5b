"""The request journal, without a server."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from specdouble.state.journal import BODY_BYTES, Journal, readable, redact

NOON = datetime(2026, 12, 1, 12, tzinfo=UTC)


def captured(method: str = "GET", path: str = "/api/v3/x/", **extra: Any) -> dict[str, Any]:
    return {
        "at": NOON.timestamp(),
        "method": method,
        "path": path,
        "query_string": b"page=2&search=",
        "raw_headers": [
            (b"authorization", b"Bearer ak-mock-admin"),
            (b"cookie", b"authentik_session=abc; authentik_csrf=def"),
            (b"x-mock-session", b"worker-1"),
            (b"accept", b"a"),
            (b"accept", b"b"),
        ],
        "raw_body": b'{"name": "x"}',
        "status": 200,
        **extra,
    }


def names(entries: list[dict[str, Any]]) -> list[str]:
    return [f"{e['method']} {e['path']}" for e in entries]


def test_an_entry_shows_the_request_with_its_credentials_redacted() -> None:
    shown = readable(captured())
    assert shown["headers"]["authorization"] == "Bearer ***"
    assert shown["headers"]["cookie"] == "authentik_session=***; authentik_csrf=***"
    assert shown["headers"]["accept"] == "a, b"
    assert shown["query"] == {"page": ["2"], "search": [""]}
    assert shown["body"] == {"name": "x"}
    assert shown["session"] == "worker-1"
    assert shown["time"] == "2026-12-01T12:00:00Z"
    assert redact("x-authentik-csrf", "t") == "***"


def test_a_cut_body_is_text_and_says_so() -> None:
    raw = b"x" * BODY_BYTES
    shown = readable(captured(raw_body=raw, body_cut=True))
    assert shown["body"] == "x" * BODY_BYTES + "…"
    assert readable(captured(raw_body=b"not json"))["body"] == "not json"


def test_filters_combine_and_read_the_operation_lazily() -> None:
    journal = Journal(10)
    asked: list[str] = []

    def operation_of(method: str, path: str) -> str:
        asked.append(path)
        return f"{method.lower()}:{path}"

    journal.add(captured("GET", "/api/v3/a/", status=200))
    journal.add(captured("POST", "/api/v3/a/", status=201))
    journal.add(captured("POST", "/api/v3/b/1/", status=404, at=NOON.timestamp() + 3600))
    assert asked == []
    everything = journal.entries({}, operation_of)
    assert [e["id"] for e in everything] == [1, 2, 3] and len(asked) == 3
    assert names(journal.entries({"method": "post"}, operation_of)) == [
        "POST /api/v3/a/",
        "POST /api/v3/b/1/",
    ]
    assert names(journal.entries({"path": "/api/v3/b/*"}, operation_of)) == ["POST /api/v3/b/1/"]
    assert names(journal.entries({"status": "4xx"}, operation_of)) == ["POST /api/v3/b/1/"]
    assert names(journal.entries({"status": "201"}, operation_of)) == ["POST /api/v3/a/"]
    assert [e["id"] for e in journal.entries({"since": "1"}, operation_of)] == [2, 3]
    assert [e["id"] for e in journal.entries({"since": "2026-12-01T12:30:00Z"}, operation_of)] == [
        3
    ]
    assert names(journal.entries({"operation_id": "get:/api/v3/a/"}, operation_of)) == [
        "GET /api/v3/a/"
    ]
    assert len(journal.entries({"session": "worker-1"}, operation_of)) == 3
    assert journal.entries({"session": "other"}, operation_of) == []
    assert len(asked) == 3  # each entry's operation is looked up once


@pytest.mark.parametrize(("size", "kept"), [(0, []), (2, ["/p/3/", "/p/4/"])])
def test_the_ring_keeps_the_last_entries_only(size: int, kept: list[str]) -> None:
    journal = Journal(size)
    for number in range(5):
        journal.add(captured(path=f"/p/{number}/"))
    assert [e["path"] for e in journal.entries({}, lambda _m, _p: None)] == kept
    assert journal.clear() == len(kept)
    assert journal.entries({}, lambda _m, _p: None) == []
