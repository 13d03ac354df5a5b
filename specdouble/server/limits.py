"""What a request may cost, checked at the edge before anything reads it (`settings.Limits`).

Headers, the request target and the number of query parameters are checked from the scope; a
body is read here, at most `body_bytes` of it, each part within `read_timeout` seconds, and
then handed on whole. Every refusal is answered in the document's error shape.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from specdouble import errors
from specdouble.server.middleware import BODYLESS_METHODS, FailureAnswers
from specdouble.settings import Limits


class RequestLimits:
    def __init__(self, app: ASGIApp, *, limits: Limits, answers: FailureAnswers) -> None:
        self.app = app
        self.limits = limits
        self.answers = answers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope.get("path", "").endswith(("\n", "\r")):
            # A final line break (`/items/%0A`) names no route: routers' patterns read `$` before
            # it, and a number's convertor then fails on what is left (a 500 in Starlette).
            failure = errors.NotFound(errors.ROUTE_NOT_FOUND)
            where = (scope["method"], scope["path"])  # its operation's 404 shape, if it has one
            await self.answers.response(failure, where)(scope, receive, send)
            return
        failure, has_body = self.refusal(scope)
        if failure is None and has_body:
            try:
                body = await self.read_body(scope, receive)
            except errors.ApiError as refused:
                failure = refused
            else:
                receive = _replaying(body, receive)
        if failure is not None:
            where = (scope["method"], scope.get("path", ""))  # its operation's error shape
            await self.answers.response(failure, where)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def refusal(self, scope: Scope) -> tuple[errors.ApiError | None, bool]:
        """What the scope alone shows is too large (headers, the target, the parameters, a
        declared body), and whether a body follows."""
        limits = self.limits
        size, declared, chunked = 0, b"", False
        for name, value in scope["headers"]:  # one pass: this runs for every request
            size += len(name) + len(value)
            if name == b"content-length":
                declared = value.strip()
            elif name == b"transfer-encoding":
                chunked = True
        has_body = chunked or declared not in (b"", b"0")
        if size > limits.header_bytes:
            return errors.DetailError(
                errors.HEADERS_TOO_LARGE_TEMPLATE.format(limit=limits.header_bytes),
                status_code=431,
            ), has_body
        query = scope.get("query_string", b"")
        if len(scope.get("raw_path") or b"") + len(query) > limits.uri_bytes:
            return errors.DetailError(
                errors.URI_TOO_LONG_TEMPLATE.format(limit=limits.uri_bytes), status_code=414
            ), has_body
        if query.count(b"&") >= limits.query_parameters and (
            sum(1 for part in query.split(b"&") if part) > limits.query_parameters
        ):
            return errors.DetailError(
                errors.TOO_MANY_PARAMETERS_TEMPLATE.format(limit=limits.query_parameters),
                status_code=400,
            ), has_body
        if declared.isdigit() and int(declared) > limits.body_bytes:
            return _too_large(limits), has_body
        return None, has_body

    async def read_body(self, scope: Scope, receive: Receive) -> bytes:
        limits = self.limits
        parts: list[bytes] = []
        size = 0
        more = True
        while more:
            try:
                message = await asyncio.wait_for(receive(), timeout=limits.read_timeout)
            except TimeoutError:
                raise errors.DetailError(
                    errors.READ_TIMEOUT_TEMPLATE.format(limit=limits.read_timeout),
                    status_code=408,
                    headers={"Connection": "close"},
                ) from None
            if message["type"] == "http.disconnect":
                raise errors.DetailError(errors.CLIENT_GONE, status_code=400)
            part = message.get("body", b"")
            size += len(part)
            if size > limits.body_bytes:
                raise _too_large(limits)
            parts.append(part)
            more = message.get("more_body", False)
        if (
            scope["method"] not in BODYLESS_METHODS
            and size
            and not any(name == b"content-type" for name, _ in scope["headers"])
        ):
            raise errors.UnsupportedMediaType(
                errors.UNSUPPORTED_MEDIA_TYPE_TEMPLATE.format(media_type="")
            )
        return b"".join(parts)


def _too_large(limits: Limits) -> errors.ApiError:
    return errors.DetailError(
        errors.BODY_TOO_LARGE_TEMPLATE.format(limit=limits.body_bytes),
        status_code=413,
        headers={"Connection": "close"},
    )


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives the body read here once, then waits as the real one does (for
    the client's disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
