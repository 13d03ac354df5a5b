"""The event log: what logging in records, and the dashboard's aggregations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from specdouble.resources.authentik import events
from specdouble.state.store import Store

NOW = datetime(2026, 12, 1, 14, 30, tzinfo=UTC)


def event(action: str, hours_ago: float, user: str = "akadmin", **context: object) -> dict:
    created = NOW - timedelta(hours=hours_ago)
    return {
        "action": action,
        "created": created.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "user": {"username": user},
        "context": context,
    }


def test_volume_counts_each_action_per_six_hours_of_the_last_week() -> None:
    log = [
        event("login", 0.2),
        event("login", 1.0),
        event("login_failed", 1.0),
        event("login", 7.0),
        event("model_created", 1.0),
        event("login", 24 * 8),  # older than a week
    ]
    shown = events.volume(log, {"actions": ["login", "login_failed"]}, NOW)
    assert shown == [
        {"action": "login", "time": "2026-12-01T06:00:00.000000Z", "count": 1},
        {"action": "login", "time": "2026-12-01T12:00:00.000000Z", "count": 2},
        {"action": "login_failed", "time": "2026-12-01T12:00:00.000000Z", "count": 1},
    ]
    assert len(events.volume(log, {"history_days": 9}, NOW)) == 5
    assert events.volume(log, {"username": "nobody"}, NOW) == []


def test_top_per_user_counts_the_applications_authorized() -> None:
    grafana, wiki = {"pk": "g", "name": "Grafana"}, {"pk": "w", "name": "Wiki"}
    log = [
        event("authorize_application", 1, "a", authorized_application=grafana),
        event("authorize_application", 2, "b", authorized_application=grafana),
        event("authorize_application", 3, "a", authorized_application=grafana),
        event("authorize_application", 3, "a", authorized_application=wiki),
        event("login", 1, "a"),
    ]
    top = events.top_per_user(log, {"action": "authorize_application", "top_n": 11})
    assert top == [
        {"application": grafana, "counted_events": 3, "unique_users": 2},
        {"application": wiki, "counted_events": 1, "unique_users": 1},
    ]
    assert events.top_per_user(log, {}) == []  # `login` by default, which names no application


def test_recording_needs_an_event_log_and_names_the_user() -> None:
    assert events.record(Store({}), "login", "akadmin", client_ip="10.0.0.1") is None
    store = Store(
        {"events_events": [], "core_users": [{"pk": 7, "username": "akadmin", "email": "r@l"}]}
    )
    made = events.record(store, "login", "akadmin", client_ip="10.0.0.1", now=NOW)
    assert made is not None and store.get("events_events", made["pk"]) == made
    assert made["user"] == {"pk": 7, "email": "r@l", "username": "akadmin"}
    assert (made["created"], made["expires"]) == (
        "2026-12-01T14:30:00.000000Z",
        "2027-12-01T14:30:00.000000Z",
    )


def test_an_event_names_an_object_as_its_model_prints_it() -> None:
    """authentik's `model_to_dict`: an object's `name` where its model has one, else what its
    `__str__` makes (read from authentik's sources into the facts), else its key."""
    from specdouble.resources.authentik.audit import model_dict

    brand = ("authentik_brands", "brand")
    named = model_dict(brand, "Brand", {"domain": "one.example.com", "default": False}, "b1")
    assert named["name"] == "Brand one.example.com"
    assert model_dict(brand, "Brand", {"domain": "x", "default": True}, "b2")["name"] == (
        "Default brand"
    )
    token = {"identifier": "ci-api", "expiring": True, "expires": "2026-12-05T23:16:45.821756Z"}
    shown = model_dict(("authentik_core", "token"), "Token", token, "t1")
    assert shown["name"] == "ci-api (expires=2026-12-05 23:16:45.821756+00:00)"
    assert model_dict(("authentik_core", "user"), "User", {"name": "Ann"}, 3)["name"] == "Ann"
    assert model_dict(("a", "b"), "NoSuchModel", {}, "k9")["name"] == "k9"
