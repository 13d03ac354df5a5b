"""The request being answered, as an audit records it: its method, path, query, user agent and
client address. The HTTP edge names it for the request (a context variable, as authentik's
middleware keeps the request in one); what records an event reads it, and nothing else does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl

HIDDEN = re.compile("API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE", re.IGNORECASE)
"""Names whose values an event hides (Django's `SafeExceptionReporterFilter.hidden_settings`)."""
SHOWN_ANYWAY = re.compile(r"passing|password_change_date|^auth_method(_args)?$", re.IGNORECASE)
"""Names authentik shows although they look secret (`ALLOWED_SPECIAL_KEYS`)."""
HIDDEN_VALUE = "********************"


@dataclass(frozen=True)
class SeenRequest:
    method: str
    path: str
    query: str = ""
    user_agent: str = ""
    client_ip: str | None = None
    request_id: str = ""
    """authentik's is a random UUID; here the first event of the request names it (`named`),
    so the same writes give the same answers."""

    def named(self, request_id: str) -> SeenRequest:
        """The request with its id, where it has none yet (kept for the rest of it)."""
        if self.request_id:
            return self
        named = replace(self, request_id=request_id)
        once = _CURRENT.get()
        if once is not None and once.made is self:
            once.made = named
        return named

    def http_request(self) -> dict[str, Any]:
        """The request as an event's context keeps it (`Event.from_http`): the query's last
        value of each name, secret-looking names hidden."""
        args = dict(parse_qsl(self.query, keep_blank_values=True))
        return {
            "path": self.path,
            "method": self.method,
            "args": cleansed(args),
            "user_agent": self.user_agent,
            "request_id": self.request_id,
        }


def cleansed(values: dict[str, Any]) -> dict[str, Any]:
    """A mapping with the values of secret-looking names hidden, recursively (`cleanse_dict`)."""
    return {name: _cleansed(name, value) for name, value in values.items()}


def _cleansed(name: str, value: Any) -> Any:
    if isinstance(value, dict):
        return cleansed(value)
    if isinstance(value, list):
        return [_cleansed(name, item) for item in value]
    if HIDDEN.search(name) and not SHOWN_ANYWAY.search(name):
        return HIDDEN_VALUE
    return value


class _Once:
    """A request described on first use, then kept for the rest of the request."""

    __slots__ = ("made", "make")

    def __init__(self, make: Callable[[], SeenRequest]) -> None:
        self.make = make
        self.made: SeenRequest | None = None

    def get(self) -> SeenRequest:
        if self.made is None:
            self.made = self.make()
        return self.made


_CURRENT: ContextVar[_Once | None] = ContextVar("mock_current_request", default=None)


@contextmanager
def answering(make: Callable[[], SeenRequest]) -> Iterator[None]:
    """Inside the block, `current()` is the request `make` describes (made on first use)."""
    token = _CURRENT.set(_Once(make))
    try:
        yield
    finally:
        _CURRENT.reset(token)


def current() -> SeenRequest | None:
    """The request being answered; None outside one (start-up data, a test's direct call)."""
    once = _CURRENT.get()
    return None if once is None else once.get()
