"""Sessions and Django's CSRF check, without a server."""

from __future__ import annotations

import pytest

from specdouble.resources.authentik import sessions
from specdouble.resources.authentik.sessions import (
    Sessions,
    csrf_failure,
    mask_csrf,
    new_csrf_secret,
)
from specdouble.state.store import Store

OWN = "http://127.0.0.1:9000"


def failure(method: str = "POST", **given: str | None) -> str | None:
    values: dict[str, str | None] = {"cookie": None, "header": None, "origin": None, **given}
    return csrf_failure(method, own_origin=OWN, **values)  # type: ignore[arg-type]


def test_a_secret_and_its_masked_token_both_pass() -> None:
    secret = new_csrf_secret()
    assert len(secret) == 32 and secret.isalnum()
    token = mask_csrf(secret)
    assert len(token) == 64 and token[32:] != secret
    assert failure(cookie=secret, header=secret) is None
    assert failure(cookie=secret, header=token) is None
    assert failure(cookie=token, header=secret) is None


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "TRACE"])
def test_safe_methods_are_never_checked(method: str) -> None:
    assert failure(method) is None


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({}, "CSRF Failed: CSRF cookie not set."),
        ({"header": "a" * 32}, "CSRF Failed: CSRF cookie not set."),
        ({"cookie": "a" * 32}, "CSRF Failed: CSRF token missing."),
        (
            {"cookie": "a" * 32, "header": "b" * 32},
            "CSRF Failed: CSRF token from the 'X-Authentik-Csrf' HTTP header incorrect.",
        ),
        (
            {"cookie": "a" * 32, "header": ""},
            "CSRF Failed: CSRF token from the 'X-Authentik-Csrf' HTTP header has incorrect length.",
        ),
        (
            {"cookie": "a" * 32, "header": "!" * 32},
            "CSRF Failed: CSRF token from the 'X-Authentik-Csrf' HTTP header has invalid "
            "characters.",
        ),
        ({"cookie": "short", "header": "a" * 32}, "CSRF Failed: CSRF cookie has incorrect length."),
        (
            {"cookie": "a" * 32, "header": "a" * 32, "origin": "http://evil.example"},
            "CSRF Failed: Origin checking failed - http://evil.example does not match any "
            "trusted origins.",
        ),
    ],
)
def test_each_refusal_has_djangos_reason(given: dict[str, str], message: str) -> None:
    assert failure(**given) == message


def test_the_same_origin_passes() -> None:
    secret = new_csrf_secret()
    assert failure(cookie=secret, header=secret, origin=OWN) is None


def test_sessions_live_in_the_store_and_go_with_a_reset() -> None:
    store = Store({})
    kept = Sessions(store)
    made = kept.create(user="akadmin")
    assert kept.get(made["pk"])["user"] == "akadmin"
    assert kept.user_of(made["pk"]) == "akadmin"
    kept.save({**made, "plan": {"flow": "x"}})
    assert kept.get(made["pk"])["plan"] == {"flow": "x"}
    assert kept.get(None) is None and kept.get("unknown") is None
    other = kept.create()
    assert other["pk"] != made["pk"] and len(other["pk"]) >= 32
    kept.delete(made["pk"])
    assert kept.get(made["pk"]) is None
    store.reset()
    assert kept.get(other["pk"]) is None
    assert store.all(sessions.SESSIONS) == []
