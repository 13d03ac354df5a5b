"""authentik's event log: what logging in and out records, and the dashboard's aggregations
over the events the state holds (`events/events/volume/`, `events/events/top_per_user/`)."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from specdouble.data.values import canonical_instant
from specdouble.rest import current_request
from specdouble.state.store import Record, Store

EVENTS = "events_events"
USERS = "core_users"
AUTHENTICATED_SESSIONS = "core_authenticated_sessions"
SIGNALS = "authentik.events.signals"
MIDDLEWARE = "authentik.events.middleware"
MODEL_FILTERS = frozenset({"context_model_pk", "context_model_app", "context_model_model_name"})
"""Fields an event keeps beside its context, unshown, for the `context_model_*` filters."""
MODEL_FILTER_ALIASES = {"context_model_name": "context_model_model_name"}
"""authentik's filter `context_model_name` compares the model's `model_name`."""
MODEL_KEY_FILTER = {"context_model_pk": ("context_model_pk", "context_model_pk_dashed")}
"""An event keeps a model's UUID key without dashes; its filter takes it either way
(`filter_context_model_pk` removes the dashes a client sends)."""
"""The app of the events authentik's audit middleware records for every model write."""
KEPT_FOR = timedelta(days=365)
"""authentik's default `event_retention` (`days=365`)."""
AGGREGATE_AT_MOST = timedelta(days=90)
"""`volume` looks back at most this far, whatever `history_days` asks."""
BUCKET_HOURS = 6


BRANDS = "core_brands"
FALLBACK_BRAND = {
    "app": "authentik_brands",
    "model_name": "brand",
    "pk": None,
    "name": "Brand fallback",
}
"""What an event says of its brand where no brand exists (authentik's `DEFAULT_BRAND`)."""


def brand_reference(brand: Mapping[str, Any] | None) -> dict[str, Any]:
    """A brand as an event keeps it (`sanitize_dict(model_to_dict(brand))`): its app, model,
    pk without dashes, and its name as `Brand.__str__` writes it."""
    if not brand:
        return dict(FALLBACK_BRAND)
    name = "Default brand" if brand.get("default") else f"Brand {brand.get('domain', '')}"
    pk = str(brand.get("brand_uuid", "")).replace("-", "")
    return {"app": "authentik_brands", "model_name": "brand", "pk": pk, "name": name}


def default_brand(store: Store) -> Record | None:
    """The brand the mock answers every domain as: the default one, else the first."""
    brands = store.all(BRANDS) if BRANDS in store.counts() else []
    return next((b for b in brands if b.get("default")), brands[0] if brands else None)


def request_brand(store: Store) -> dict[str, Any]:
    """The brand of a request, as an event records it (authentik's fallback where none)."""
    return brand_reference(default_brand(store))


def record(
    store: Store,
    action: str,
    username: str,
    *,
    client_ip: str | None,
    context: Mapping[str, Any] | None = None,
    now: datetime | None = None,
    app: str = "",
) -> Record | None:
    """Add the event authentik records (a `login`, `logout`, `login_failed`); None where the
    document has no event log."""
    if EVENTS not in store.counts():
        return None
    moment = now or datetime.now(UTC)
    context = dict(context or {})
    seen = current_request.current()
    found = store.referencing(USERS, "username", username)
    user = (
        {"pk": found[0].get("pk"), "email": found[0].get("email", ""), "username": username}
        if found
        else {"pk": None, "email": username, "username": username}
    )
    with store.writing():
        pk = store.new_id(EVENTS)
        if seen is not None:  # what `Event.from_http` adds of the request that made it
            seen = seen.named(uuid.UUID(pk).hex)
            context.setdefault("http_request", seen.http_request())
            client_ip = client_ip or seen.client_ip
        event = {
            "pk": pk,
            "user": user,
            "action": action,
            "app": app or SIGNALS,
            "context": context,
            "client_ip": client_ip,
            "created": canonical_instant(moment),
            "expires": canonical_instant(moment + KEPT_FOR),
            "brand": request_brand(store),
        }
        model = context.get("model")
        if isinstance(model, Mapping):  # what `context_model_*` filter on (an object's changelog)
            event.update({f"context_model_{k}": str(v) for k, v in model.items() if k != "name"})
            if _is_uuid_hex(model.get("pk")):
                event["context_model_pk_dashed"] = str(uuid.UUID(str(model["pk"])))
        store.insert(EVENTS, event)
    return event


def key_of(pk: Any) -> Any:
    """A model's key as an event keeps it (`sanitize_item`): a UUID as its 32 hex digits."""
    if isinstance(pk, str) and len(pk) == 36:
        try:
            return uuid.UUID(pk).hex
        except ValueError:
            return pk
    return pk


def _is_uuid_hex(pk: Any) -> bool:
    return isinstance(pk, str) and len(pk) == 32 and all(c in "0123456789abcdef" for c in pk)


PASSWORD_STAGE = {
    "app": "authentik_stages_password",
    "name": "default-authentication-password",
    "model_name": "passwordstage",
}
SESSION_AGE = timedelta(days=1)
"""authentik's `sessions.unauthenticated_age`: a session the user did not ask to keep."""


class BrowserLog:
    """What authentik records as a browser logs in and out: the events, and the authenticated
    session, which an administrator may revoke (`DELETE core/authenticated_sessions/<uuid>/`
    logs that browser out)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def logged_in(
        self, username: str, *, client_ip: str | None, user_agent: str | None
    ) -> str | None:
        """Record the login; the uuid of its authenticated session (None: no such list)."""
        record(
            self.store, "login", username, client_ip=client_ip, context={"auth_method": "password"}
        )
        return self._open(username, client_ip, user_agent)

    def logged_out(
        self, username: str, authenticated: str | None, *, client_ip: str | None
    ) -> None:
        record(self.store, "logout", username, client_ip=client_ip)
        if authenticated and self.store.get(AUTHENTICATED_SESSIONS, authenticated) is not None:
            with self.store.writing():
                self.store.delete(AUTHENTICATED_SESSIONS, authenticated)

    def failed(self, username: str, *, client_ip: str | None) -> None:
        context = {"username": username, "stage": PASSWORD_STAGE}
        record(self.store, "login_failed", username, client_ip=client_ip, context=context)

    def still_open(self, authenticated: str | None) -> bool:
        """Whether a session's authenticated session was not revoked."""
        if not authenticated or AUTHENTICATED_SESSIONS not in self.store.counts():
            return True
        self.store.sync()
        return self.store.get(AUTHENTICATED_SESSIONS, authenticated) is not None

    def _open(self, username: str, client_ip: str | None, user_agent: str | None) -> str | None:
        existing = self.store.all(AUTHENTICATED_SESSIONS)
        found = self.store.referencing(USERS, "username", username)
        if not existing or not found:
            return None
        moment = datetime.now(UTC)
        with self.store.writing():
            made = {
                **existing[0],  # the generated shape of what authentik parses (agent, GeoIP, ASN)
                "uuid": self.store.new_id(AUTHENTICATED_SESSIONS),
                "user": found[0].get("pk"),
                "last_ip": client_ip or "",
                "last_user_agent": user_agent or "",
                "last_used": canonical_instant(moment),
                "expires": canonical_instant(moment + SESSION_AGE),
            }
            self.store.insert(AUTHENTICATED_SESSIONS, made)
        return str(made["uuid"])


def _created(event: Mapping[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(str(event.get("created", "")).replace("Z", "+00:00"))
    except ValueError:
        return None


def _actions(params: Mapping[str, Any]) -> set[str] | None:
    wanted = {str(a) for a in params.get("actions") or ()}
    if params.get("action"):
        wanted.add(str(params["action"]))
    return wanted or None


def _username(event: Mapping[str, Any]) -> str | None:
    user = event.get("user")
    return user.get("username") if isinstance(user, dict) else None


def volume(
    events: Iterable[Mapping[str, Any]], params: Mapping[str, Any], now: datetime
) -> list[dict[str, Any]]:
    """How many events of each action, per six hours, over the last `history_days` (7)."""
    days = params.get("history_days")
    back = timedelta(days=float(days)) if isinstance(days, int | float) else timedelta(days=7)
    since = now - min(back, AGGREGATE_AT_MOST)
    wanted = _actions(params)
    who = params.get("username")
    counts: Counter[tuple[datetime, str]] = Counter()
    for event in events:
        created = _created(event)
        action = str(event.get("action", ""))
        if created is None or created < since or (wanted and action not in wanted):
            continue
        if who and _username(event) != who:
            continue
        hour = created.replace(minute=0, second=0, microsecond=0)
        counts[(hour - timedelta(hours=hour.hour % BUCKET_HOURS), action)] += 1
    return [
        {"action": action, "time": canonical_instant(time), "count": count}
        for (time, action), count in sorted(counts.items())
    ]


def top_per_user(
    events: Iterable[Mapping[str, Any]], params: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The applications most authorized (or logged in to), with how many users did."""
    action = str(params.get("action") or "login")
    top_n = params.get("top_n")
    limit = top_n if isinstance(top_n, int) and top_n > 0 else 15
    counted: Counter[str] = Counter()
    users: dict[str, set[Any]] = {}
    for event in events:
        context = event.get("context")
        application = context.get("authorized_application") if isinstance(context, dict) else None
        if event.get("action") != action or not application:
            continue
        key = json.dumps(application, sort_keys=True)
        counted[key] += 1
        users.setdefault(key, set()).add(_username(event))
    return [
        {"application": json.loads(key), "counted_events": count, "unique_users": len(users[key])}
        for key, count in counted.most_common(limit)
    ]
