"""The request an audit event keeps, as authentik's `Event.from_http` keeps it."""

from __future__ import annotations

from specdouble.rest import current_request
from specdouble.rest.current_request import HIDDEN_VALUE, SeenRequest


def test_an_event_keeps_the_request_with_its_secrets_hidden() -> None:
    seen = SeenRequest(
        method="POST",
        path="/api/v3/core/users/",
        query="next=%2Fif&token=abc&password_change_date=1&api_key=k&page=1&page=2",
        user_agent="curl/8",
        client_ip="10.0.0.1",
    )
    kept = seen.http_request()
    assert kept["args"] == {
        "next": "/if",
        "token": HIDDEN_VALUE,
        "password_change_date": "1",  # authentik shows it though it looks secret
        "api_key": HIDDEN_VALUE,
        "page": "2",  # a QueryDict's last value
    }
    assert (kept["path"], kept["method"], kept["user_agent"]) == (
        "/api/v3/core/users/",
        "POST",
        "curl/8",
    )
    assert seen.named("r1").http_request()["request_id"] == "r1"
    assert seen.named("r1").named("r2").request_id == "r1"  # the first event names it


def test_the_request_is_described_once_and_only_inside_its_answer() -> None:
    made: list[int] = []

    def describe() -> SeenRequest:
        made.append(1)
        return SeenRequest(method="GET", path="/")

    assert current_request.current() is None
    with current_request.answering(describe):
        first = current_request.current()
        assert first is current_request.current() and len(made) == 1
    assert current_request.current() is None
