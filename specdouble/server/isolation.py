"""`X-Mock-Session: <name>`: the request is answered from that session's own state (made from
the fixtures on first use), control routes included (a reset resets only that session).

With several worker processes the header is refused: each worker would hold its own copy of
the session, so writes would not be seen by the next request.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from specdouble import errors
from specdouble.server.connexion_hooks import header
from specdouble.server.middleware import FailureAnswers
from specdouble.state.stores import SessionRefused, Stores

SESSION_HEADER = b"x-mock-session"
ONE_PROCESS = "X-Mock-Session needs a server of one process (serve without --workers)."


class Isolation:
    def __init__(
        self, app: ASGIApp, *, stores: Stores, answers: FailureAnswers, allowed: bool
    ) -> None:
        self.app = app
        self.stores = stores
        self.answers = answers
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        name = header(scope, SESSION_HEADER) if scope["type"] in ("http", "websocket") else None
        if name is None:
            await self.app(scope, receive, send)
            return
        name = name.strip()
        try:
            if not self.allowed:
                raise SessionRefused(ONE_PROCESS)
            self.stores.session(name)  # made here on first use, or refused
        except SessionRefused as refused:
            failure = errors.DetailError(str(refused), status_code=400)
            await self.answers.response(failure)(scope, receive, send)
            return
        with self.stores.using(name):
            await self.app(scope, receive, send)
