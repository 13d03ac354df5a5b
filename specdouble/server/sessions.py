"""authentik's browser side at the HTTP edge: the session cookie, CSRF, the flow executor, the
default-flow redirects and the interface's websocket.

`Sessions` (an ASGI middleware, outside the API's layers) reads `authentik_session`; a request
without `Authorization` that it logs in is authenticated as the session's user (the security
handlers read `SESSION_PRINCIPAL`), after Django's CSRF check for unsafe methods. It answers
itself what authentik's Django views answer outside the document's resources:

  GET/POST {base}/flows/executor/<slug>/   the flow executor (`resources/authentik/flows.py`)
  GET /flows/-/default/authentication/     302 to the brand's authentication flow's page
  GET /flows/-/default/invalidation/       302 to the brand's invalidation flow's page
  GET /flows/-/cancel/                     forgets the flow in progress, 302 to `next`
  GET / (a browser)                        302 to /if/user/, or to the login flow
  websocket /ws/client/                    accepted and kept open (the UI's live messages)
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import quote, urlencode

import orjson
from starlette.datastructures import QueryParams
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from specdouble import errors
from specdouble.resources.authentik import sessions as csrf
from specdouble.resources.authentik.events import BrowserLog
from specdouble.resources.authentik.flows import FLOW_NOT_FOUND, Executor, Step, UnknownFlow
from specdouble.resources.authentik.sessions import CSRF_COOKIE, SESSION_COOKIE, Sessions
from specdouble.rest import auth, current_request
from specdouble.rest.auth import User
from specdouble.server.connexion_hooks import SESSION_PRINCIPAL, header, parse_json, state
from specdouble.server.middleware import FailureAnswers

logger = logging.getLogger("specdouble")

DEFAULT_AUTHENTICATION = "/flows/-/default/authentication/"
DEFAULT_INVALIDATION = "/flows/-/default/invalidation/"
CANCEL = "/flows/-/cancel/"
WEBSOCKET = "/ws/client/"
USER_INTERFACE = "/if/user/"
FLOW_PAGE = "/if/flow/{slug}/"

Headers = list[tuple[bytes, bytes]]


def session_cookie(key: str) -> str:
    return f"{SESSION_COOKIE}={key}; HttpOnly; Path=/; SameSite=Lax"


def expired_cookie(name: str) -> str:
    return f'{name}=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax'


def csrf_cookie(secret: str) -> str:
    # Not HttpOnly: the interface reads it to send it back in `X-authentik-CSRF`.
    return f"{CSRF_COOKIE}={secret}; Max-Age={csrf.CSRF_AGE_SECONDS}; Path=/; SameSite=Lax"


def client_ip(scope: Scope) -> str | None:
    """The client's address: the first of `X-Forwarded-For` (a proxy in front), else the peer."""
    forwarded = header(scope, b"x-forwarded-for")
    if forwarded:
        return forwarded.split(",")[0].strip()
    client = scope.get("client")
    return client[0] if client else None


def seen_request(scope: Scope) -> current_request.SeenRequest:
    """The request as an event records it."""
    return current_request.SeenRequest(
        method=scope["method"],
        path=scope["path"],
        query=scope.get("query_string", b"").decode("latin-1"),
        user_agent=header(scope, b"user-agent") or "",
        client_ip=client_ip(scope),
    )


def own_origin(scope: Scope) -> str:
    host = header(scope, b"host") or "{}:{}".format(*(scope.get("server") or ("", 0)))
    return f"{scope.get('scheme', 'http')}://{host}"


class AuthentikSessions:
    """The ASGI middleware; see the module's docstring."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        sessions: Sessions,
        users: Mapping[str, User],
        executor: Executor | None,
        api_base: str,
        default_flow: Callable[[str], str],
        answers: FailureAnswers,
        log: BrowserLog,
        tokens: Mapping[str, auth.Token] | None = None,
    ) -> None:
        self.app = app
        self.sessions = sessions
        self.users = users
        self.executor = executor
        self.api_base = api_base
        self.default_flow = default_flow
        self.answers = answers
        self.log = log
        self.tokens = tokens or {}
        self.executor_path = re.compile(rf"^{re.escape(api_base)}/flows/executor/([^/]+)/$")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and scope["path"] == WEBSOCKET:
            await self._websocket(receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with current_request.answering(partial(seen_request, scope)):
            await self._http(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        cookies = cookie_parser(header(scope, b"cookie") or "")
        session = self.sessions.get(cookies.get(SESSION_COOKIE))
        path, method = scope["path"], scope["method"]
        found = self.executor_path.match(path) if self.executor else None
        try:
            if session is not None and header(scope, b"authorization") is None:
                self._authenticate(scope, session, cookies)
            if found and method in ("GET", "POST"):
                await self._execute(scope, receive, send, found[1], session)
                return
            redirect = self._redirects().get(path) if method in ("GET", "HEAD") else None
            if redirect is not None:
                try:
                    location = redirect(scope, session)
                except _NotMine:
                    pass
                else:
                    await _redirect(send, location)
                    return
        except errors.ApiError as failure:
            await self.answers.response(failure)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    # Sessions as credentials.

    def _authenticate(
        self, scope: Scope, session: Mapping[str, Any], cookies: Mapping[str, str]
    ) -> None:
        user = self.users.get(session.get("user") or "")
        if (
            user is None
            or not user.is_active
            or not self.log.still_open(session.get("authenticated"))
        ):
            return
        failure = csrf.csrf_failure(
            scope["method"],
            cookie=cookies.get(CSRF_COOKIE),
            header=header(scope, csrf.CSRF_HEADER.encode()),
            origin=header(scope, b"origin"),
            own_origin=own_origin(scope),
        )
        if failure is not None and scope["path"].startswith(self.api_base + "/"):
            raise errors.PermissionDenied(failure)
        state(scope)[SESSION_PRINCIPAL] = user.principal()

    # The flow executor.

    def _step(
        self,
        slug: str,
        query: str,
        plan: Any,
        user: str | None,
        body: Mapping[str, Any] | None,
    ) -> Step:
        assert self.executor is not None
        try:
            if body is None:
                return self.executor.get(slug, query, plan, user)
            return self.executor.post(slug, query, plan, body, user)
        except UnknownFlow as missing:  # deleted since the request asked
            raise errors.NotFound(FLOW_NOT_FOUND) from missing

    def _logged_in(self, session: Mapping[str, Any] | None) -> str | None:
        """Who the session is logged in as, while its login holds."""
        name = (session or {}).get("user")
        user = self.users.get(name or "")
        if user is None or not user.is_active:
            return None
        open_ = self.log.still_open((session or {}).get("authenticated"))
        return user.username if open_ else None

    async def _execute(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        slug: str,
        session: Mapping[str, Any] | None,
    ) -> None:
        assert self.executor is not None
        given = header(scope, b"authorization")
        if given is not None:
            # DRF authenticates before it looks at the view: a bad token is refused even
            # where anonymous callers are welcome.
            auth.authenticate(given, self.tokens, datetime.now(UTC))
        query = QueryParams(scope.get("query_string", b"").decode("latin-1")).get("query", "")
        plan = session.get("plan") if session else None
        user = self._logged_in(session)
        if scope["method"] == "POST":
            raw = await _read_body(receive)
            body = parse_json(raw, "utf-8") if raw else {}
            if not isinstance(body, dict):
                body = {}
            step = self._step(slug, query, plan, user, body)
        else:
            step = self._step(slug, query, plan, user, None)
        cookies = self._keep(scope, session, step)
        if step.again:
            location = scope["path"] + "?" + urlencode({"query": query})
            await _redirect(send, location, cookies, status=302)
            return
        body_bytes = orjson.dumps(step.challenge)
        headers: Headers = [
            (b"content-type", b"application/json"),
            (b"content-length", b"%d" % len(body_bytes)),
            (b"vary", b"Cookie"),
        ]
        headers += [(b"set-cookie", cookie.encode()) for cookie in cookies]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body_bytes})

    def _keep(self, scope: Scope, session: Mapping[str, Any] | None, step: Step) -> list[str]:
        """Store what the step did to the session (and log it, as authentik does); the cookies
        that tell the browser."""
        cookies: list[str] = []
        client = client_ip(scope)
        if step.failed:
            self.log.failed(step.failed, client_ip=client)
        if step.logout:
            if session is not None:
                if session.get("user"):
                    authenticated = session.get("authenticated")
                    self.log.logged_out(str(session["user"]), authenticated, client_ip=client)
                self.sessions.delete(session["pk"])
            cookies.append(expired_cookie(SESSION_COOKIE))
            session = None
            if step.plan is None:
                return cookies
        record = dict(session) if session else None
        if record is None:
            record = self.sessions.create(plan=step.plan)
            cookies.append(session_cookie(record["pk"]))
        record["plan"] = step.plan
        if step.renamed and record.get("user") == step.renamed[0]:
            record["user"] = step.renamed[1]
        if step.login:
            # Django's login() rotates the CSRF secret.
            record["user"] = step.login
            record["csrf"] = csrf.new_csrf_secret()
            cookies.append(csrf_cookie(record["csrf"]))
            agent = header(scope, b"user-agent")
            record["authenticated"] = self.log.logged_in(
                step.login, client_ip=client, user_agent=agent
            )
        if record != session:
            self.sessions.save(record)
        return cookies

    # Redirects to pages.

    def _redirects(self) -> dict[str, Callable[[Scope, Mapping[str, Any] | None], str]]:
        return {
            DEFAULT_AUTHENTICATION: lambda scope, _s: self._flow_page("authentication", scope),
            DEFAULT_INVALIDATION: lambda scope, _s: self._flow_page("invalidation", scope),
            CANCEL: self._cancel,
            "/": self._root,
        }

    def _flow_page(self, designation: str, scope: Scope) -> str:
        page = FLOW_PAGE.format(slug=quote(self.default_flow(designation)))
        query = scope.get("query_string", b"").decode("latin-1")
        return page + (f"?{query}" if query else "")

    def _cancel(self, scope: Scope, session: Mapping[str, Any] | None) -> str:
        if session is not None and session.get("plan") is not None:
            self.sessions.save({**session, "plan": None})
        next_url = QueryParams(scope.get("query_string", b"").decode("latin-1")).get("next")
        if next_url and "://" not in next_url and not next_url.startswith("//"):
            return next_url
        return DEFAULT_INVALIDATION

    def _root(self, scope: Scope, session: Mapping[str, Any] | None) -> str:
        if "text/html" not in (header(scope, b"accept") or ""):
            raise _NotMine
        if session is not None and session.get("user") in self.users:
            return USER_INTERFACE
        return DEFAULT_AUTHENTICATION + "?" + urlencode({"next": "/"})

    async def _websocket(self, receive: Receive, send: Send) -> None:
        """Accept the interface's websocket and keep it open; nothing is ever pushed."""
        message = await receive()
        if message["type"] != "websocket.connect":
            return
        await send({"type": "websocket.accept"})
        while (await receive())["type"] != "websocket.disconnect":
            pass


class _NotMine(Exception):
    """A route that is not answered here after all (the JSON index at `/`)."""


async def _redirect(
    send: Send, location: str, cookies: list[str] | None = None, status: int = 302
) -> None:
    headers: Headers = [
        (b"location", location.encode("latin-1", "replace")),
        (b"content-length", b"0"),
        (b"content-type", b"text/html; charset=utf-8"),
    ]
    headers += [(b"set-cookie", cookie.encode()) for cookie in cookies or []]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message: Message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)
