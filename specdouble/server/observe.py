"""The mock as a test double, at the edge: every request goes into the journal, waits as long as
`--latency` or `Prefer: delay=<ms>` says, and meets the faults a test has asked for.

Control routes (`/_mock/*`) are left alone. What is captured costs a few list appends per
request; making it readable (headers redacted, bodies parsed, the operation named) waits until
someone reads the journal.
"""

from __future__ import annotations

import asyncio
import random
import socket
import struct
import time
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from specdouble import errors
from specdouble.rest.faults import MAX_DELAY_MS, Faults, Rule
from specdouble.rest.responder import parse_prefer
from specdouble.server.connexion_hooks import header
from specdouble.server.middleware import BODYLESS_METHODS, FailureAnswers
from specdouble.server.protocol import TRANSPORT
from specdouble.state.journal import BODY_BYTES, Journal

DELAY_TOO_LONG = "Prefer: delay={delay} is more than the {limit} ms a request may wait."
NO_SOCKET = "A network fault needs a real connection (this request has none)."
MAX_CHUNKS = 64
"""Body chunks kept of one request or answer (their first `BODY_BYTES` are shown)."""


class _Kept:
    """A send that notes the status and keeps the answer's first chunks. A plain callable that
    hands back `send`'s own awaitable, so that each message costs no extra coroutine."""

    __slots__ = ("answer", "raw", "send")

    def __init__(self, send: Send, raw: dict[str, Any], answer: list[bytes]) -> None:
        self.send, self.raw, self.answer = send, raw, answer

    def __call__(self, message: Message) -> Awaitable[None]:
        kind = message["type"]
        if kind == "http.response.body":
            if len(self.answer) < MAX_CHUNKS:
                self.answer.append(message.get("body", b""))
        elif kind == "http.response.start":
            self.raw["status"] = message["status"]
        return self.send(message)


def _keeping(receive: Receive, body: list[bytes]) -> Receive:
    """A receive that keeps the request body's first chunks."""

    async def receive_kept() -> Message:
        message = await receive()
        if len(body) < MAX_CHUNKS and message["type"] == "http.request":
            body.append(message.get("body", b""))
        return message

    return receive_kept


class Observe:
    """The ASGI middleware; see the module's docstring."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        journal: Journal,
        faults: Faults,
        operation_of: Callable[[str, str], str | None],
        answers: FailureAnswers,
        drf: bool,
        latency: tuple[int, int] | None = None,
        seed: int = 0,
        private_prefix: str = "/_mock/",
    ) -> None:
        self.app = app
        self.journal = journal
        self.faults = faults
        self.operation_of = operation_of
        self.answers = answers
        self.drf = drf
        self.latency = latency
        self.draws = random.Random(f"{seed}:latency")
        self.private_prefix = private_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.private_prefix):
            await self.app(scope, receive, send)
            return
        prefer = header(scope, b"prefer")
        plain = prefer is None and not self.faults.rules and self.latency is None
        if plain and not self.journal.enabled:
            await self.app(scope, receive, send)  # nothing to keep, wait for or break
            return
        started = time.perf_counter()
        method = scope["method"]
        raw: dict[str, Any] = {
            "at": time.time(),
            "method": method,
            "path": scope["path"],
            "query_string": scope.get("query_string", b""),
            # A tuple, not the scope's list: the collector soon leaves a tuple of bytes alone,
            # where a thousand kept lists would be walked at every collection.
            "raw_headers": tuple(scope["headers"]),
            "status": None,
        }
        body: list[bytes] = []
        answer: list[bytes] = []
        reads = receive if method in BODYLESS_METHODS else _keeping(receive, body)
        send_kept = _Kept(send, raw, answer)
        try:
            if plain:  # the usual request: into the journal, nothing else
                await self.app(scope, reads, send_kept)
            else:
                await self._observed(scope, reads, send_kept, raw)
        except errors.ApiError as failure:
            await self.answers.response(failure)(scope, reads, send_kept)
        finally:
            raw["seconds"] = time.perf_counter() - started
            if body:
                content = body[0] if len(body) == 1 else b"".join(body)
                raw["raw_body"], raw["body_cut"] = content[:BODY_BYTES], len(content) > BODY_BYTES
            if answer:
                content = answer[0] if len(answer) == 1 else b"".join(answer)
                raw["raw_answer"] = content[:BODY_BYTES]
                raw["answer_cut"] = len(content) > BODY_BYTES
            self.journal.add(raw)

    async def _observed(self, scope: Scope, receive: Receive, send: Send, raw: dict) -> None:
        """A request that waits, or meets a fault."""
        method, path = scope["method"], scope["path"]
        rule = self._rule(method, path) if self.faults.rules else None
        if rule is not None:
            raw["fault"] = rule.id
        raw["delay_ms"] = await self._wait(scope, rule)
        if rule is not None and rule.kind in ("reset", "empty"):
            await self._break(scope, rule.kind)
        elif rule is not None and rule.kind == "status":
            await self._fail(scope, receive, send, rule)
        elif rule is not None and rule.kind == "truncated":
            await self.app(scope, receive, self._truncating(scope, send))
        else:
            await self.app(scope, receive, send)

    def _rule(self, method: str, path: str) -> Rule | None:
        return self.faults.pick(method, path, lambda: self.operation_of(method, path))

    async def _wait(self, scope: Scope, rule: Rule | None) -> int:
        """Wait as long as asked (`Prefer: delay`, else `--latency`, plus a rule's delay);
        how long, in ms."""
        delay = parse_prefer(header(scope, b"prefer")).delay
        if delay is not None and delay > MAX_DELAY_MS:
            raise errors.DetailError(
                DELAY_TOO_LONG.format(delay=delay, limit=MAX_DELAY_MS), status_code=400
            )
        if delay is None and self.latency is not None:
            delay = self.draws.randint(*self.latency)
        total = (delay or 0) + (rule.delay_ms if rule is not None else 0)
        if total > 0:
            await asyncio.sleep(total / 1000)
        return total

    async def _fail(self, scope: Scope, receive: Receive, send: Send, rule: Rule) -> None:
        """Answer the rule's status: its body, or the document's error shape for it."""
        status = int(rule.status or 500)
        if rule.body is not None:
            content = orjson.dumps(rule.body)
            await send(
                {
                    "type": "http.response.start",
                    "status": status,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", b"%d" % len(content)),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": content})
            return
        phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
        failure: errors.ApiError = (
            errors.ValidationFailed({errors.NON_FIELD_ERRORS: [phrase]})
            if status == 400 and self.drf
            else errors.DetailError(phrase, status_code=status)
        )
        await self.answers.response(failure)(scope, receive, send)

    async def _break(self, scope: Scope, kind: str) -> None:
        transport = scope.get(TRANSPORT)
        if transport is None:
            raise errors.DetailError(NO_SOCKET, status_code=502)
        if kind == "reset":
            sock = transport.get_extra_info("socket")
            if sock is not None:  # linger 0: the close sends a TCP reset
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            transport.abort()
        else:
            transport.close()
        await asyncio.sleep(0)  # let the server notice the connection is gone

    def _truncating(self, scope: Scope, send: Send) -> Send:
        """A send that passes the headers and half the body on, then drops the connection."""

        async def send_half(message: Message) -> None:
            if message["type"] != "http.response.body":
                await send(message)
                return
            content = message.get("body", b"")
            half = {"type": "http.response.body", "body": content[: len(content) // 2]}
            await send({**half, "more_body": True})
            transport = scope.get(TRANSPORT)
            if transport is not None:
                transport.abort()
            await asyncio.sleep(0)

        return send_half
