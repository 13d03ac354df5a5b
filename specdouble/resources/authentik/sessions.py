"""Browser sessions and CSRF, as Django (under authentik) does them, as plain functions.

A session is a record of the store's private `SESSIONS` collection, so that every worker of a
multi-process server sees it: who is logged in, the flow being executed, and the CSRF secret.
The `authentik_session` cookie carries its key. Unsafe requests that a session authenticates
must carry the CSRF token (`X-authentik-CSRF`) matching the `authentik_csrf` cookie, as DRF's
`SessionAuthentication` demands; failures are 403 with Django's own reasons.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Mapping
from typing import Any

from specdouble.state.store import Record, Store

SESSIONS = "_mock_sessions"
SESSION_COOKIE = "authentik_session"
CSRF_COOKIE = "authentik_csrf"
CSRF_HEADER = "x-authentik-csrf"
CSRF_HEADER_SHOWN = "X-Authentik-Csrf"
"""The header's name as Django's messages spell it (`HttpHeaders.parse_header_name`)."""
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
SESSION_AGE_SECONDS = 86400
"""authentik's `sessions.unauthenticated_age` default (`days=1`)."""
CSRF_AGE_SECONDS = 31449600
"""Django's `CSRF_COOKIE_AGE`: a year."""

CSRF_CHARS = string.ascii_letters + string.digits
CSRF_SECRET_LENGTH = 32
CSRF_TOKEN_LENGTH = 64

CSRF_FAILED = "CSRF Failed: {reason}"
NO_CSRF_COOKIE = "CSRF cookie not set."
CSRF_TOKEN_MISSING = "CSRF token missing."
BAD_TOKEN = "CSRF token from the '{header}' HTTP header {reason}."
INCORRECT_LENGTH = "has incorrect length"
INVALID_CHARACTERS = "has invalid characters"
BAD_ORIGIN = "Origin checking failed - {origin} does not match any trusted origins."


def new_csrf_secret() -> str:
    return "".join(secrets.choice(CSRF_CHARS) for _ in range(CSRF_SECRET_LENGTH))


def mask_csrf(secret: str, mask: str | None = None) -> str:
    """Django's masked token: a random mask, then the secret shifted by it."""
    mask = mask or new_csrf_secret()
    shifted = (
        CSRF_CHARS[(CSRF_CHARS.index(s) + CSRF_CHARS.index(m)) % len(CSRF_CHARS)]
        for s, m in zip(secret, mask, strict=True)
    )
    return mask + "".join(shifted)


def unmask_csrf(token: str) -> str:
    """The secret inside a 64-character token (a 32-character token is the secret itself).

    >>> unmask_csrf(mask_csrf("a" * 32)) == "a" * 32
    True
    """
    if len(token) == CSRF_SECRET_LENGTH:
        return token
    mask, cipher = token[:CSRF_SECRET_LENGTH], token[CSRF_SECRET_LENGTH:]
    return "".join(
        CSRF_CHARS[(CSRF_CHARS.index(c) - CSRF_CHARS.index(m)) % len(CSRF_CHARS)]
        for c, m in zip(cipher, mask, strict=True)
    )


def _format_problem(token: str) -> str | None:
    if len(token) not in (CSRF_SECRET_LENGTH, CSRF_TOKEN_LENGTH):
        return INCORRECT_LENGTH
    if any(char not in CSRF_CHARS for char in token):
        return INVALID_CHARACTERS
    return None


def csrf_failure(
    method: str,
    *,
    cookie: str | None,
    header: str | None,
    origin: str | None,
    own_origin: str,
) -> str | None:
    """Why Django's CSRF check refuses this request (the 403's detail), or None.

    >>> csrf_failure("GET", cookie=None, header=None, origin=None, own_origin="http://h")
    >>> csrf_failure("POST", cookie=None, header="x", origin=None, own_origin="http://h")
    'CSRF Failed: CSRF cookie not set.'
    """
    if method.upper() in SAFE_METHODS:
        return None
    if origin is not None and origin != own_origin:
        return CSRF_FAILED.format(reason=BAD_ORIGIN.format(origin=origin))
    if not cookie:
        return CSRF_FAILED.format(reason=NO_CSRF_COOKIE)
    if _format_problem(cookie) is not None:
        return CSRF_FAILED.format(reason=f"CSRF cookie {_format_problem(cookie)}.")
    if header is None:
        return CSRF_FAILED.format(reason=CSRF_TOKEN_MISSING)
    problem = _format_problem(header)
    if problem is None and not secrets.compare_digest(unmask_csrf(header), unmask_csrf(cookie)):
        problem = "incorrect"
    if problem is not None:
        return CSRF_FAILED.format(reason=BAD_TOKEN.format(header=CSRF_HEADER_SHOWN, reason=problem))
    return None


class Sessions:
    """Sessions kept in the store: created on first need, changed by the flow executor."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, key: str | None) -> Record | None:
        if not key:
            return None
        self.store.sync()
        return self.store.get(SESSIONS, key)

    def create(self, **values: Any) -> Record:
        record: Record = {"pk": secrets.token_urlsafe(24), "user": None, "plan": None, **values}
        with self.store.writing():
            self.store.insert(SESSIONS, record)
        return record

    def save(self, record: Mapping[str, Any]) -> Record:
        with self.store.writing():
            return self.store.put(SESSIONS, dict(record))

    def delete(self, key: str) -> None:
        with self.store.writing():
            self.store.delete(SESSIONS, key)

    def user_of(self, key: str | None) -> str | None:
        """The user a session cookie logs in, if any."""
        record = self.get(key)
        return record.get("user") if record else None
