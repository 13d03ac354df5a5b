"""`mock-server proxy`: an ASGI app that forwards each request to a real server unchanged and
checks the exchange against the document; with `--strict`, a request that breaks the
document gets the document's refusal instead; with `--record DIR`, what the server answered
becomes fixture files; with `--compare`, a mock started from those files answers the same
request and the differences are kept.

Every exchange goes into the journal (`GET /_mock/requests`, with `violations` and
`differences`), each problem is a line on stderr, and the reports are written on exit."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

import anyio
import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from specdouble import errors, profiles
from specdouble.document import augment, openapi
from specdouble.proxy import comparison, report
from specdouble.proxy.conformance import Conformance, Route, Violation
from specdouble.proxy.recording import Recorder
from specdouble.server.app import ErrorAnswers, load
from specdouble.server.control import read_journal
from specdouble.settings import DEFAULT_CONTROL_PREFIX, DEFAULT_JOURNAL, Limits, Settings
from specdouble.state.journal import BODY_BYTES, Journal

# The Host header goes on unchanged: a server that checks it against the Origin (Django's
# CSRF check) must see the host the browser used.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "content-length",
        # The proxy reads every answer to check it: it asks for plain bodies.
        "accept-encoding",
    }
)
ANSWER_DROPPED = frozenset({"content-length", "transfer-encoding", "connection", "keep-alive"})
DEFAULT_TIMEOUT = 60.0
WEBSOCKET_NOTE = "mock-server proxy forwards HTTP only: websockets are refused (close 1008)"


@dataclass(frozen=True, slots=True)
class ProxyOptions:
    target: str
    spec: Path
    strict: bool = False
    record: Path | None = None
    compare: bool = False
    mock_token: str | None = None
    """The credential the compare mock receives in place of the client's (None: the client's)."""
    control_prefix: str = DEFAULT_CONTROL_PREFIX
    journal: int = DEFAULT_JOURNAL
    junit: Path | None = None
    markdown: Path | None = None
    timeout: float = DEFAULT_TIMEOUT
    cache: Path | None = None
    limits: Limits = field(default_factory=Limits)


@dataclass(slots=True)
class Exchange:
    """One request through the proxy and what became of it."""

    method: str
    path: str
    query_string: bytes
    headers: list[tuple[bytes, bytes]]
    body: bytes
    started: float
    operation_id: str | None = None
    status: int = 0
    answer: bytes = b""
    violations: list[Violation] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    forwarded: bool = True

    @property
    def named(self) -> dict[str, str]:
        """The headers by lower-case name (a repeated one: its last value)."""
        return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in self.headers}

    @property
    def forwarded_headers(self) -> list[tuple[str, str]]:
        """The headers that go on, less the hop-by-hop ones."""
        return [
            (k.decode("latin-1"), v.decode("latin-1"))
            for k, v in self.headers
            if k.decode("latin-1").lower() not in HOP_BY_HOP
        ]


class Proxy:
    """The ASGI app of `mock-server proxy`."""

    def __init__(self, options: ProxyOptions, stream: TextIO = sys.stderr) -> None:
        self.options = options
        self.stream = stream
        settings = Settings(spec=options.spec, cache=options.cache)
        self.document = load(settings)
        augment.order_paths(self.document)  # literal segments first, as the mock serves them
        profile = profiles.detect(self.document, leniency="document")
        self.conformance = Conformance(self.document, profile.dialect)
        self.operation_of = openapi.operation_finder(self.document)
        self.error_answers = ErrorAnswers(
            openapi.method_table(self.document),
            problems=profile.dialect.problem_details,
            document=self.document,
            operation_of=self.operation_of,
        )
        self.recorder: Recorder | None = None
        self.keys_of: dict[str, str] = {}
        found, unions = profile.resources(self.document)
        for resource in found:
            self.keys_of[resource.collection_path] = resource.spec.key
            if resource.item_path:
                self.keys_of[resource.item_path] = resource.spec.key
        if options.record is not None:
            self.recorder = Recorder(
                options.record, self.document, found, unions, target=options.target
            )
        self.mock: Any = None
        self.keys = comparison.Keys()
        if options.compare:
            self.mock = self._mock(settings)
        self.journal = Journal(options.journal)
        self.tally = report.Tally()
        self.client: httpx.AsyncClient | None = None
        self.mock_client: httpx.AsyncClient | None = None
        target = urlsplit(options.target)
        self.target_origin = f"{target.scheme}://{target.netloc}"
        self.target_path = target.path.rstrip("/")
        self._warned_websocket = False

    def _mock(self, settings: Settings) -> Any:
        """The mock that answers beside the server: the recording's data where there is one."""
        from specdouble.server.app import create_app

        fixtures = self.options.record
        chosen = Settings(
            spec=settings.spec,
            cache=settings.cache,
            **({"fixtures": fixtures} if fixtures is not None and fixtures.is_dir() else {}),
            journal=0,
        )
        return create_app(chosen)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "websocket":
            if not self._warned_websocket:
                self._warned_websocket = True
                print(f"proxy: {WEBSOCKET_NOTE}", file=self.stream, flush=True)
            await receive()
            await send({"type": "websocket.close", "code": 1008, "reason": WEBSOCKET_NOTE})
        elif scope["path"].startswith(self.options.control_prefix + "/"):
            await self._control(scope, receive, send)
        else:
            await self._exchange(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.client = httpx.AsyncClient(
                    timeout=self.options.timeout, follow_redirects=False, trust_env=False
                )
                if self.mock is not None:
                    self.mock_client = httpx.AsyncClient(
                        transport=httpx.ASGITransport(app=self.mock),
                        base_url="http://mock",
                        trust_env=False,
                    )
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def close(self) -> None:
        for client in (self.client, self.mock_client):
            if client is not None:
                await client.aclose()
        self.client = self.mock_client = None
        self.write_reports()

    def write_reports(self) -> None:
        if self.options.junit is not None:
            report.write_junit(self.tally, self.options.junit)
        if self.options.markdown is not None:
            report.write_markdown(self.tally, self.options.markdown, self.options.target)

    # The control routes.

    async def _control(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        name = scope["path"][len(self.options.control_prefix) + 1 :].rstrip("/")
        if name == "health":
            answer: Response = JSONResponse({"status": "ok", "target": self.options.target})
        elif name == "requests" and request.method == "DELETE":
            answer = JSONResponse({"cleared": self.journal.clear()})
        elif name == "requests" and request.method == "GET":
            try:
                answer = JSONResponse(
                    read_journal(self.journal, dict(request.query_params), self.operation_of)
                )
            except errors.ApiError as failure:
                answer = self.error_answers.response(failure)
        else:
            answer = JSONResponse({"detail": errors.ROUTE_NOT_FOUND}, status_code=404)
        await answer(scope, receive, send)

    # One exchange.

    async def _exchange(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = await self._body(receive)
        exchange = Exchange(
            method=scope["method"].upper(),
            path=scope["path"],
            query_string=scope.get("query_string", b""),
            headers=list(scope.get("headers", [])),
            body=body or b"",
            started=time.time(),
        )
        if body is None:
            refusal: errors.ApiError = errors.DetailError(
                "Request body too large.", status_code=413
            )
            await self._refuse(exchange, None, refusal, scope, receive, send)
            return
        lowered = exchange.named
        route, violations, refusal_or_none = self.conformance.request(
            exchange.method, exchange.path, exchange.query_string, lowered, exchange.body
        )
        exchange.violations.extend(violations)
        exchange.operation_id = route.operation.operation_id if route else None
        if self.options.strict and refusal_or_none is not None:
            await self._refuse(exchange, route, refusal_or_none, scope, receive, send)
            return
        answer, reached = await self._forward(exchange)
        exchange.status, exchange.answer = answer.status_code, answer.content
        if route is not None and reached:
            exchange.violations.extend(
                await anyio.to_thread.run_sync(
                    self.conformance.response,
                    route,
                    exchange.method,
                    exchange.query_string,
                    lowered,
                    answer,
                )
            )
        shown = _json(answer.content, answer.headers.get("content-type", ""))
        if self.recorder is not None and route is not None and reached:
            relative = self.conformance.routes.relative(exchange.path) or exchange.path
            changed = self.recorder.observe(exchange.method, relative, answer.status_code, shown)
            if changed:
                self.recorder.write(changed)
        if self.mock is not None and route is not None and reached:
            exchange.differences = await self._compare(exchange, route, answer.status_code, shown)
        await self._send(answer, scope, send)
        self._keep(exchange)

    async def _body(self, receive: Receive) -> bytes | None:
        """The whole body (None: larger than the limit)."""
        parts: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.options.limits.body_bytes:
                return None
            parts.append(chunk)
            more = message.get("more_body", False)
        return b"".join(parts)

    async def _refuse(
        self,
        exchange: Exchange,
        route: Route | None,
        refusal: errors.ApiError,
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> None:
        where = route.operation.operation_id if route else (exchange.method, exchange.path)
        answer = self.error_answers.response(refusal, where)
        exchange.forwarded = False
        exchange.status, exchange.answer = answer.status_code, bytes(answer.body)
        await answer(scope, receive, send)
        self._keep(exchange)

    def _url(self, exchange: Exchange) -> str:
        path = exchange.path
        if not (self.target_path and (path + "/").startswith(self.target_path + "/")):
            path = self.target_path + path
        query = exchange.query_string.decode("latin-1")
        return f"{self.target_origin}{path}" + (f"?{query}" if query else "")

    async def _forward(self, exchange: Exchange) -> tuple[httpx.Response, bool]:
        """The server's answer, and whether it answered (else the proxy's own 502)."""
        assert self.client is not None, "the proxy's lifespan starts its client"
        try:
            answer = await self.client.request(
                exchange.method,
                self._url(exchange),
                headers=exchange.forwarded_headers,
                content=exchange.body,
            )
        except httpx.HTTPError as error:
            detail = f"mock-server proxy: {self.options.target} did not answer: {error!r}"
            exchange.violations.append(Violation("response", "target_unreachable", detail))
            return httpx.Response(502, json={"detail": detail}), False
        return answer, True

    async def _send(self, answer: httpx.Response, scope: Scope, send: Send) -> None:
        headers = [
            (name.lower().encode("latin-1"), self._location(name, value).encode("latin-1"))
            for name, value in answer.headers.multi_items()
            if name.lower() not in ANSWER_DROPPED and name.lower() != "content-encoding"
        ]
        content = answer.content
        headers.append((b"content-length", str(len(content)).encode()))
        await send(
            {"type": "http.response.start", "status": answer.status_code, "headers": headers}
        )
        if scope["method"] != "HEAD":
            await send({"type": "http.response.body", "body": content})
        else:
            await send({"type": "http.response.body", "body": b""})

    def _location(self, name: str, value: str) -> str:
        """A redirect to the server's own origin leads back through the proxy."""
        if name.lower() == "location" and value.startswith(self.target_origin + "/"):
            return value[len(self.target_origin) :]
        return value

    async def _compare(
        self, exchange: Exchange, route: Route, real_status: int, real_body: Any
    ) -> list[str]:
        headers = exchange.forwarded_headers
        if self.options.mock_token is not None:
            headers = [(k, v) for k, v in headers if k.lower() not in ("authorization", "cookie")]
            headers.append(("Authorization", f"Bearer {self.options.mock_token}"))
        content = exchange.body
        sent = _json(content, exchange.named.get("content-type", ""))
        if sent is not None and self.keys.to_mock:
            content = json.dumps(self.keys.body_for_mock(sent)).encode()
        assert self.mock_client is not None, "the proxy's lifespan starts its clients"
        query = exchange.query_string.decode("latin-1")
        answered = await self.mock_client.request(
            exchange.method,
            self.keys.path_for_mock(exchange.path) + (f"?{query}" if query else ""),
            headers=headers,
            content=content,
        )
        mock_body = _json(answered.content, answered.headers.get("content-type", ""))
        key = self.keys_of.get(route.operation.path, "pk")
        if exchange.method == "POST" and real_status == answered.status_code < 300:
            self.keys.learn(key, real_body, mock_body)
        ignored = frozenset({key}) if exchange.method == "POST" else frozenset()
        return comparison.differences(
            real_status,
            real_body,
            answered.status_code,
            self.keys.as_real(mock_body),
            key=key,
            ignored=ignored,
        )

    def _keep(self, exchange: Exchange) -> None:
        seconds = time.time() - exchange.started
        raw: dict[str, Any] = {
            "method": exchange.method,
            "path": exchange.path,
            "query_string": exchange.query_string,
            "raw_headers": exchange.headers,
            "raw_body": exchange.body[:BODY_BYTES],
            "body_cut": len(exchange.body) > BODY_BYTES,
            "raw_answer": exchange.answer[:BODY_BYTES],
            "answer_cut": len(exchange.answer) > BODY_BYTES,
            "status": exchange.status,
            "at": exchange.started,
            "seconds": seconds,
            "violations": [v.as_json() for v in exchange.violations],
            "differences": list(exchange.differences),
            "forwarded": exchange.forwarded,
        }
        self.journal.add(raw)
        entry = report.Entry(
            operation=exchange.operation_id or f"{exchange.method} {exchange.path}",
            request=f"{exchange.method} {exchange.path}"
            + (f"?{exchange.query_string.decode('latin-1')}" if exchange.query_string else ""),
            status=exchange.status,
            violations=tuple(exchange.violations),
            differences=tuple(exchange.differences),
            forwarded=exchange.forwarded,
        )
        self.tally.add(entry)
        for line in report.lines(entry):
            print(f"proxy: {line}", file=self.stream, flush=True)


def _json(content: bytes, content_type: str) -> Any:
    if "json" not in content_type.lower() or not content.strip():
        return None
    try:
        return json.loads(content)
    except ValueError:
        return None
