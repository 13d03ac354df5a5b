"""The Authorization header, read as authentik reads it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from specdouble import errors
from specdouble.rest.auth import ALL_PERMISSIONS, Token, authenticate, authorize, tokens_from_data

NOW = datetime(2026, 11, 25, tzinfo=UTC)
TOKENS = {
    "good": Token("good", "akadmin"),
    "old": Token("old", "former", expires=datetime(2025, 1, 1, tzinfo=UTC)),
    "reader": Token("reader", "auditor", permissions=frozenset({"view"})),
}


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "Authentication credentials were not provided."),
        ("", "Authentication credentials were not provided."),
        ("   ", "Authentication credentials were not provided."),
        ("Bearer", "Authentication credentials were not provided."),
        ("Bearer   ", "Authentication credentials were not provided."),
        ("Basic Z29vZDo=", "Authentication credentials were not provided."),
        ("Token good", "Authentication credentials were not provided."),
        ("good", "Authentication credentials were not provided."),
        ("Bearer nope", "Token invalid/expired"),
        ("Bearer old", "Token invalid/expired"),
    ],
)
def test_authentication_failures(header: str | None, message: str) -> None:
    with pytest.raises(errors.AuthenticationFailed) as failure:
        authenticate(header, TOKENS, NOW)
    assert failure.value.status_code == 403
    assert failure.value.body() == {"detail": message}


@pytest.mark.parametrize("header", ["Bearer good", "bearer good", "  BEARER   good  "])
def test_valid_tokens_in_any_spelling_of_the_scheme(header: str) -> None:
    assert authenticate(header, TOKENS, NOW).user == "akadmin"


@pytest.mark.parametrize(
    ("method", "allowed"),
    [
        ("GET", True),
        ("HEAD", True),
        ("POST", False),
        ("PUT", False),
        ("PATCH", False),
        ("DELETE", False),
    ],
)
def test_a_view_only_token_may_only_read(method: str, allowed: bool) -> None:
    reader = authenticate("Bearer reader", TOKENS, NOW)
    if allowed:
        authorize(reader, method)
    else:
        with pytest.raises(errors.PermissionDenied) as failure:
            authorize(reader, method)
        assert failure.value.body() == {
            "detail": "You do not have permission to perform this action."
        }


def test_tokens_file_entries() -> None:
    tokens = tokens_from_data(
        [
            {"key": "a", "user": "u"},
            {"key": "b", "user": "v", "permissions": [], "expires": "2025-01-01T00:00:00"},
        ]
    )
    assert tokens["a"].permissions == ALL_PERMISSIONS
    assert tokens["b"].permissions == frozenset()
    assert tokens["b"].expired(NOW)
    with pytest.raises(ValueError, match="unknown permissions"):
        tokens_from_data([{"key": "c", "user": "w", "permissions": ["fly"]}])
