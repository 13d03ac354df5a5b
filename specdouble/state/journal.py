"""The request journal: the last requests the mock answered, in a bounded ring, so that a test
can check what its frontend sent ("exactly one Event Matcher policy was created, with this
body").

Entries are plain JSON-ready dicts; credentials are redacted before an entry is kept; bodies
and answers are cut at `BODY_BYTES`. Each worker process keeps its own journal.
"""

from __future__ import annotations

import fnmatch
import json
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

BODY_BYTES = 4096
"""How much of a request body or an answer an entry keeps."""
REDACTED = "***"
SECRET_HEADERS = frozenset({"authorization", "cookie", "x-authentik-csrf", "proxy-authorization"})
FILTERS = ("operation_id", "method", "path", "status", "since", "session")
SHOWN = (
    "id",
    "time",
    "operation_id",
    "method",
    "path",
    "query",
    "headers",
    "body",
    "status",
    "answer",
    "duration_ms",
    "delay_ms",
    "session",
    "fault",
    # `mock-server proxy`'s: what broke the document, where the mock disagreed, and whether
    # the request reached the server.
    "violations",
    "differences",
    "forwarded",
)


def readable(raw: Mapping[str, Any]) -> dict[str, Any]:
    """An entry's readable fields, from what was captured while answering."""
    headers: dict[str, str] = {}
    pairs = raw.get("raw_headers", b"")
    if isinstance(pairs, bytes):  # as `server/observe.py` keeps them: name NUL value, per line
        pairs = [tuple(line.split(b"\0", 1)) for line in pairs.split(b"\n") if b"\0" in line]
    for name, value in pairs:
        key = name.decode("latin-1").lower()
        text = redact(key, value.decode("latin-1"))
        headers[key] = f"{headers[key]}, {text}" if key in headers else text
    at = datetime.fromtimestamp(float(raw.get("at", 0)), UTC)
    return {
        "time": at.isoformat().replace("+00:00", "Z"),
        "query": parse_qs(raw.get("query_string", b"").decode("latin-1"), keep_blank_values=True),
        "headers": headers,
        "body": shown_body(raw.get("raw_body", b""), raw.get("body_cut", False)),
        "answer": shown_body(raw.get("raw_answer", b""), raw.get("answer_cut", False)),
        "session": headers.get("x-mock-session"),
        "duration_ms": round(float(raw.get("seconds", 0.0)) * 1000, 2),
    }


def redact(name: str, value: str) -> str:
    """A header as the journal shows it: the scheme of a credential, never the secret.

    >>> redact("authorization", "Bearer ak-mock-admin"), redact("cookie", "a=1; b=2")
    ('Bearer ***', 'a=***; b=***')
    """
    if name == "authorization" or name == "proxy-authorization":
        scheme, _, secret = value.partition(" ")
        return f"{scheme} {REDACTED}" if secret else REDACTED
    if name == "cookie":
        names = [part.split("=", 1)[0].strip() for part in value.split(";") if part.strip()]
        return "; ".join(f"{cookie}={REDACTED}" for cookie in names)
    return REDACTED if name in SECRET_HEADERS else value


def shown_body(raw: bytes, truncated: bool) -> Any:
    """A body as an entry keeps it: JSON when it is whole JSON, else text (maybe cut)."""
    if not raw:
        return None
    if not truncated:
        try:
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            pass
    text = raw[:BODY_BYTES].decode("utf-8", "replace")
    return text + ("…" if truncated else "")


class Journal:
    """The last `size` entries (0: none kept), numbered from 1 since the server started."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: deque[dict[str, Any]] = deque(maxlen=max(size, 1))
        self._counter = 0

    @property
    def enabled(self) -> bool:
        return self.size > 0

    def add(self, raw: dict[str, Any]) -> None:
        """Keep a request as it was captured (bytes); it is made readable when read."""
        if not self.enabled:
            return
        self._counter += 1
        raw["id"] = self._counter
        self._entries.append(raw)

    def clear(self) -> int:
        dropped = len(self._entries)
        self._entries.clear()
        return dropped

    def entries(
        self,
        filters: Mapping[str, str],
        operation_of: Callable[[str, str], str | None],
    ) -> list[dict[str, Any]]:
        """The entries that match every filter, oldest first; `operation_of(method, path)`
        names each entry's operation (looked up when read, not when answering)."""
        shown = []
        for raw in self._entries:
            if "operation_id" not in raw:
                raw.update(readable(raw))
                raw["operation_id"] = operation_of(raw["method"], raw["path"])
            if matches(raw, filters):
                shown.append({name: raw[name] for name in SHOWN if name in raw})
        return shown


def matches(entry: Mapping[str, Any], filters: Mapping[str, str]) -> bool:
    """Whether an entry passes the filters of `GET /_mock/requests`.

    `path` may hold `*` wildcards; `status` is a code or a class (`4xx`); `since` is an entry
    id (entries after it) or an ISO instant (entries at or after it).
    """
    for name, wanted in filters.items():
        if name == "path" and not fnmatch.fnmatchcase(entry["path"], wanted):
            return False
        if name == "method" and entry["method"] != wanted.upper():
            return False
        if name in ("operation_id", "session") and str(entry.get(name)) != wanted:
            return False
        if name == "status" and not _status_matches(int(entry["status"]), wanted):
            return False
        if name == "since" and not _after(entry, wanted):
            return False
    return True


def _status_matches(status: int, wanted: str) -> bool:
    if len(wanted) == 3 and wanted[1:].lower() == "xx" and wanted[0].isdigit():
        return status // 100 == int(wanted[0])
    return str(status) == wanted


def _after(entry: Mapping[str, Any], since: str) -> bool:
    if since.isdigit():
        return int(entry["id"]) > int(since)
    return datetime.fromisoformat(entry["time"].replace("Z", "+00:00")) >= datetime.fromisoformat(
        since.replace("Z", "+00:00")
    )


def unknown_filters(names: Iterable[str]) -> list[str]:
    return sorted(set(names) - set(FILTERS))
