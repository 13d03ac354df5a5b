"""Broken servers for the contract tester: the real mock plus exactly one fault each.

Each fault is a small ASGI wrapper around a fresh mock app; `FaultyServer` serves it with
uvicorn in a thread on a free loopback port.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from specdouble.server.app import create_app
from specdouble.settings import Settings
from tests.conftest import Serving
from tests.differential.harness import CRITERIA, RECORDED

ADMIN_HEADER = (b"authorization", b"Bearer ak-mock-admin")
ITEM = re.compile(r"^/api/v3/policies/event_matcher/([0-9a-fA-F-]{36})/$")
Rewrite = Callable[[Scope, int, list[tuple[bytes, bytes]], bytes], tuple[int, list, bytes]]


class RewriteResponses:
    """Buffers each response and passes it through `rewrite` before sending it on."""

    def __init__(self, app: ASGIApp, rewrite: Rewrite) -> None:
        self.app, self.rewrite = app, rewrite

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    status, headers, body = self.rewrite(
                        scope, start["status"], list(start.get("headers", [])), b"".join(chunks)
                    )
                    headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
                    headers.append((b"content-length", str(len(body)).encode()))
                    await send(
                        {"type": "http.response.start", "status": status, "headers": headers}
                    )
                    await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, capture)


def _json_rewrite(change: Callable[[Any], None]) -> Rewrite:
    def rewrite(scope: Scope, status: int, headers: list, body: bytes) -> tuple[int, list, bytes]:
        if body and status < 300:
            data = json.loads(body)
            change(data)
            body = json.dumps(data).encode()
        return status, headers, body

    return rewrite


def _objects(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        return data["results"]
    return [data] if isinstance(data, dict) and "pk" in data else []


def status_401(app: ASGIApp) -> ASGIApp:
    return RewriteResponses(app, lambda s, st, h, b: (401 if st == 403 else st, h, b))


def problem_json(app: ASGIApp) -> ASGIApp:
    def rewrite(scope: Scope, status: int, headers: list, body: bytes) -> tuple[int, list, bytes]:
        if status >= 400:
            headers = [(k, v) for k, v in headers if k.lower() != b"content-type"]
            headers.append((b"content-type", b"application/problem+json"))
        return status, headers, body

    return RewriteResponses(app, rewrite)


def missing_field(app: ASGIApp) -> ASGIApp:
    def drop(data: Any) -> None:
        for item in _objects(data):
            item.pop("component", None)

    return RewriteResponses(app, _json_rewrite(drop))


def wrong_count(app: ASGIApp) -> ASGIApp:
    def inflate(data: Any) -> None:
        if isinstance(data, dict) and "pagination" in data:
            data["pagination"]["count"] += 1

    return RewriteResponses(app, _json_rewrite(inflate))


def server_error_on_bad_input(app: ASGIApp) -> ASGIApp:
    return RewriteResponses(
        app, lambda s, st, h, b: (500, h, b'{"detail": "boom"}') if st == 400 else (st, h, b)
    )


def data_without_token(app: ASGIApp) -> ASGIApp:
    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not any(k == b"authorization" for k, _ in scope["headers"]):
            scope = {**scope, "headers": [*scope["headers"], ADMIN_HEADER]}
        await app(scope, receive, send)

    return wrapped


def ignored_filter(app: ASGIApp) -> ASGIApp:
    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("query_string"):
            pairs = scope["query_string"].split(b"&")
            kept = b"&".join(p for p in pairs if not p.startswith(b"action="))
            scope = {**scope, "query_string": kept}
        await app(scope, receive, send)

    return wrapped


def deleted_still_readable(app: ASGIApp) -> ASGIApp:
    """Remembers every object it served; after a delete, a read answers the old object."""
    seen: dict[str, bytes] = {}
    deleted: set[str] = set()

    def rewrite(scope: Scope, status: int, headers: list, body: bytes) -> tuple[int, list, bytes]:
        match = ITEM.match(scope["path"])
        pk = match.group(1).lower() if match else None
        if status in (200, 201) and body:
            for item in _objects(json.loads(body)):
                seen[item["pk"]] = json.dumps(item).encode()
        if pk and scope["method"] == "DELETE" and status == 204:
            deleted.add(pk)
        if pk and scope["method"] == "GET" and status == 404 and pk in deleted and pk in seen:
            return 200, [(b"content-type", b"application/json")], seen[pk]
        return status, headers, body

    return RewriteResponses(app, rewrite)


def crash_on_a_left_out_criterion(app: ASGIApp) -> ASGIApp:
    """authentik 2026.8's own bug: a create or patch of an Event Matcher policy that leaves a
    criterion key out crashes in the serializer, and the server answers 405 with an empty body
    (the answer recorded from a real server in tests/differential/recorded.json)."""
    recorded = next(
        case["answer"]
        for case in json.loads(RECORDED.read_text())["cases"]
        if "crash" in case["tags"] and case["method"] == "POST"
    )

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in {"POST", "PATCH"}:
            await app(scope, receive, send)
            return
        messages = [await receive()]
        while messages[-1].get("more_body"):
            messages.append(await receive())
        body = b"".join(message.get("body", b"") for message in messages)
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            data = None
        if isinstance(data, dict) and set(CRITERIA) - data.keys():
            headers = [(b"content-type", recorded["media_type"].encode())]
            headers.append((b"allow", recorded["allow"].encode()))
            await send(
                {"type": "http.response.start", "status": recorded["status"], "headers": headers}
            )
            await send({"type": "http.response.body", "body": b""})
            return
        replayed = iter(messages)

        async def replay() -> Message:
            return next(replayed, {"type": "http.disconnect"})

        await app(scope, replay, send)

    return wrapped


FAULTS: dict[str, tuple[Callable[[ASGIApp], ASGIApp], str]] = {
    "401 instead of 403": (status_401, "status_code_conformance"),
    "data without a token": (data_without_token, "ignored_auth"),
    "problem+json error bodies": (problem_json, "content_type_conformance"),
    "a missing required field": (missing_field, "response_schema_conformance"),
    "an ignored filter": (ignored_filter, "results_match_filters"),
    "wrong pagination counts": (wrong_count, "pagination_arithmetic"),
    "a 500 on bad input": (server_error_on_bad_input, "not_a_server_error"),
    "a deleted object still readable": (deleted_still_readable, "written_objects_read_back"),
    "authentik 2026.8's crash on a left-out criterion": (
        crash_on_a_left_out_criterion,
        "status_code_conformance",
    ),
}
"""Fault name -> (the wrapper that injects it, the check that must name it)."""


class FaultyServer(Serving):
    """A fresh mock with one fault, served by uvicorn in a thread on a free port."""

    def __init__(self, fault: Callable[[ASGIApp], ASGIApp] | None) -> None:
        app: ASGIApp = create_app(Settings(leniency="document"))  # strict: the contract's 400s
        if fault is not None:
            app = fault(app)
        super().__init__(app)
        self.url = f"{self.url}/api/v3"
