"""Small ASGI middlewares for cross-cutting concerns; `app.py` lists them in order."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol
from urllib.parse import unquote_to_bytes, urlsplit

from starlette.datastructures import Headers, MutableHeaders, QueryParams
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from specdouble import errors
from specdouble.document import openapi
from specdouble.rest.responder import parse_prefer
from specdouble.rest.validation import schema_validator
from specdouble.server.connexion_hooks import PREFER, SLASH_STAND_IN, header, state

BODYLESS_METHODS = frozenset({"GET", "HEAD", "DELETE", "OPTIONS"})


class FailureAnswers(Protocol):
    """What answers a failure in the document's error shape (`app.ErrorAnswers`)."""

    def response(
        self, failure: errors.ApiError, where: tuple[str, str] | None = None
    ) -> Response: ...


ENCODED_SLASH = re.compile(rb"%2[fF]")


class EncodedSlashes:
    """A path segment that holds an encoded slash (`/files/a%2Fb`) stays one segment, as its
    client wrote it: the routes see a stand-in for the slash (`SLASH_STAND_IN`), and the
    parameter's value gets the slash back. Starlette decodes the path before routing, so the
    value's slash split the segment and no route matched (a 404 in another shape than the
    operation's). Not for DRF documents: Django decodes the path first too, and 404s so."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = scope.get("raw_path") if scope["type"] == "http" else None
        if raw and ENCODED_SLASH.search(raw):
            segments = [
                unquote_to_bytes(part).decode("utf-8", "replace") for part in raw.split(b"/")
            ]
            path = "/".join(part.replace("/", SLASH_STAND_IN) for part in segments)
            scope = {**scope, "path": path}
        await self.app(scope, receive, send)


class IgnoreContentTypeWithoutBody:
    """Drop `Content-Type` from requests whose method takes no body here.

    DRF never reads the body of a GET or DELETE, so their `Content-Type` means nothing; left in,
    a malformed one (multipart without a boundary) would make Connexion try to parse a form.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in BODYLESS_METHODS:
            headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"content-type"]
            scope = {**scope, "headers": headers}
        await self.app(scope, receive, send)


class PreferHeader:
    """Decode the `Prefer` header once, at the edge, into the request state."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            header = Headers(scope=scope).get("prefer")
            if header:
                state(scope)[PREFER] = parse_prefer(header)
        await self.app(scope, receive, send)


class WorkerHeader:
    """With several worker processes, name the one that answered (`X-Mock-Worker: <pid>`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.header = (b"x-mock-worker", str(os.getpid()).encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_worker(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), self.header]}
            await send(message)

        await self.app(scope, receive, send_with_worker)


class Cors(CORSMiddleware):
    """Starlette's CORS, with a shorter way for a request without `Origin` (not a browser's
    cross-origin request): the answer only gains `Vary: Origin`, as Starlette gives it.

    Paths under `private_prefix` get no CORS at all: a browser keeps their answers from other
    origins, and refuses to send them anything that needs a preflight.
    """

    def __init__(self, app: ASGIApp, *, private_prefix: str | None = None, **options: Any) -> None:
        super().__init__(app, **options)
        self.private_prefix = private_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self.private_prefix
            and scope["type"] == "http"
            and scope["path"].startswith(self.private_prefix)
        ):
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http" or header(scope, b"origin") is not None:
            await super().__call__(scope, receive, send)
            return

        async def send_varying(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                if any(key.lower() == b"vary" for key, _ in headers):
                    merged = MutableHeaders(scope=message)
                    merged["Vary"] = ", ".join([*merged.getlist("Vary"), "Origin"])
                else:
                    headers.append((b"vary", b"Origin"))
            await send(message)

        await self.app(scope, receive, send_varying)


class QualifiedPaths:
    """Routes a request to a path key that holds a query or fragment (AWS's
    `/#X-Amz-Target=Svc.Op`, `/tags#operation=tag-resource`, `/?Action=List`): no client sends
    those on the wire, so the key is chosen by its URL path, its method and the values it names
    (`openapi.choose_qualified`), and the request's path is spelled as the key from here on
    (the routes, the journal and the answers know it by that name)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        document: Mapping[str, Any],
        body_bytes: int = 2_621_440,
        private_prefix: str = "",
    ) -> None:
        self.app = app
        self.document = document
        self.private_prefix = private_prefix
        """The control routes' paths: no key of the document (`/{tenant}/{nextLink}#List`)."""
        self.body_bytes = body_bytes
        """At most this much of a body is read to tell operations apart by it."""
        self.paths = openapi.qualified_paths(document)
        qualified = {q.key for q in self.paths}
        plain = {k: v for k, v in (document.get("paths") or {}).items() if k not in qualified}
        self.plain = openapi.method_table({**document, "paths": plain})

    def _exact(self, method: str, path: str) -> bool:
        return any(method in methods for methods in self.plain.matching(path))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        private = bool(self.private_prefix) and scope.get("path", "").startswith(
            self.private_prefix
        )
        if scope["type"] == "http" and self.paths and not private:
            query = QueryParams(scope.get("query_string", b"").decode("latin-1"))
            headers = Headers(scope=scope)

            def given(name: str) -> str | None:
                return query.get(name) if name in query else headers.get(name)

            chosen = openapi.choose_qualified(
                self.paths, scope["method"], scope["path"], given, self._exact
            )
            choices = openapi.unnamed_choices(self.paths, scope["method"], scope["path"], given)
            if len(choices) > 1 or (choices and chosen is None):
                # Told apart by their bodies only (from each other, or from the plain path):
                # the first whose schema the body fits, else the plain path's operation.
                messages, body = await _buffered(receive, self.body_bytes)
                chosen = next((q for q in choices if self._fits(q, scope, body)), chosen)
                receive = _replay(messages, receive)
            if chosen is not None:
                path = scope["path"] + chosen.suffix
                scope = {**scope, "path": path, "raw_path": path.encode("utf-8")}
        await self.app(scope, receive, send)

    def _fits(self, qualified: openapi.QualifiedPath, scope: Scope, body: bytes | None) -> bool:
        item = (self.document.get("paths") or {}).get(qualified.key) or {}
        operation = item.get(scope["method"].lower()) or {}
        content = (openapi.resolve(self.document, operation.get("requestBody") or {})).get(
            "content"
        ) or {}
        schema = next((c.get("schema") for kind, c in content.items() if "json" in kind), None)
        if schema is None or body is None:
            return False
        try:
            sent = json.loads(body)
        except ValueError:
            return False
        return bool(schema_validator(self.document, schema).is_valid(sent))


async def _buffered(receive: Receive, limit: int) -> tuple[list[Message], bytes | None]:
    """The request's body messages, and the body (None past `limit`: not read further)."""
    messages: list[Message] = []
    size, parts = 0, []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages, None
        chunk = message.get("body", b"")
        size += len(chunk)
        parts.append(chunk)
        if size > limit:
            return messages, None
        if not message.get("more_body"):
            return messages, b"".join(parts)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    async def replayed() -> Message:
        return messages.pop(0) if messages else await receive()

    return replayed


class NoSlashRedirect:
    """A path without the trailing slash its route has is a 404, as Django answers it
    (`APPEND_SLASH` does not apply to the API), not Starlette's 307 to the other spelling."""

    def __init__(self, app: ASGIApp, *, not_found: Callable[[], Response]) -> None:
        self.app = app
        self.not_found = not_found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        swallowed = False

        async def send_or_refuse(message: Message) -> None:
            nonlocal swallowed
            if message["type"] == "http.response.start" and message["status"] == 307:
                location = Headers(raw=message.get("headers", [])).get("location", "")
                if _only_slash_differs(scope["path"], location):
                    swallowed = True
                    await self.not_found()(scope, receive, send)
                    return
            if not swallowed:
                await send(message)

        await self.app(scope, receive, send_or_refuse)


def _only_slash_differs(path: str, location: str) -> bool:
    target = urlsplit(location).path
    return target != path and target.rstrip("/") == path.rstrip("/")


DRF_METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


def drf_allow(methods: Iterable[str]) -> bytes:
    """A view's `Allow` as DRF writes it: its methods, HEAD with GET, OPTIONS, in DRF's order.

    >>> drf_allow(["DELETE", "GET"])
    b'GET, DELETE, HEAD, OPTIONS'
    """
    allowed = {*methods, "OPTIONS"}
    if "GET" in allowed:
        allowed.add("HEAD")
    return ", ".join(m for m in DRF_METHOD_ORDER if m in allowed).encode()


MAX_REMEMBERED_PATHS = 4096


class AllowHeader:
    """Django REST Framework names a view's methods in `Allow` on every answer it gives
    (HEAD and OPTIONS included); `table` is the document's `openapi.method_table`."""

    def __init__(self, app: ASGIApp, *, table: openapi.PathTable[tuple[str, ...]]) -> None:
        self.app = app
        self.table = table
        self._by_path: dict[str, bytes | None] = {}

    def allow(self, path: str) -> bytes | None:
        known = self._by_path.get(path, False)
        if known is not False:
            return known  # type: ignore[return-value]
        methods = openapi.allowed_methods(self.table, path)
        value = drf_allow(methods) if methods else None
        if len(self._by_path) >= MAX_REMEMBERED_PATHS:
            self._by_path.clear()
        self._by_path[path] = value
        return value

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        allow = self.allow(scope["path"]) if scope["type"] == "http" else None
        if allow is None:
            await self.app(scope, receive, send)
            return

        async def send_with_allow(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                if message["status"] == 405:  # the refusal named the methods in its own order
                    headers = [(k, v) for k, v in headers if k.lower() != b"allow"]
                message = {**message, "headers": [*headers, (b"allow", allow)]}
            await send(message)

        await self.app(scope, receive, send_with_allow)
