"""What authentik's serializers and models set on a write beyond the fields sent:

- an object that expires (`ExpiringModel`: `expiring`, `expires`) and was given no expiry
  expires after the tenant's `default_token_duration` (`expiring_model_pre_save`), an event
  after its `event_retention`, and an API token always does (`TokenSerializer.validate`:
  "expires cannot be overridden");
- an event made through the API records the request's brand;
- a proxy provider's redirect URIs are its outpost's callbacks on its external host, and its
  OAuth2 grant types and client type are fixed (`ProxyProvider.set_oauth_defaults`).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urljoin

from specdouble.data.values import canonical_instant
from specdouble.resources.authentik import events, settings
from specdouble.resources.authentik.facts import field_defaults, model_fields
from specdouble.rest.inference import Inferred
from specdouble.rest.resource import Fill
from specdouble.state.store import Store

CALLBACK = "X-authentik-auth-callback"


def with_fills(found: Sequence[Inferred]) -> list[Inferred]:
    made = []
    for item in found:
        spec = item.spec
        fills: list[Fill] = []
        columns = set(model_fields().get(spec.model, {}).get("columns", ())) | set(spec.fields)
        if "expires" in spec.fields and "expiring" in columns:  # an ExpiringModel
            fills.append(partial(_expiry, EXPIRY_SETTING.get(spec.model, TOKEN_DURATION)))
            # Left out, no instant is drawn: the fill sets the model's default from the tenant.
            spec = replace(
                spec,
                server_made=spec.server_made - {"expires"},
                defaults={"expires": None, **spec.defaults},
            )
        if "external_host" in spec.writable and "redirect_uris" in spec.fields:
            fills.append(_proxy_callbacks)
        if spec.model == "Event" and "brand" in spec.fields:
            fills.append(_request_brand)
        if fills:
            item = replace(item, spec=replace(spec, fills=(*spec.fills, *fills)))
        made.append(item)
    return made


TOKEN_DURATION = "default_token_duration"
EXPIRY_SETTING = {"Event": "event_retention"}
"""The tenant's setting an expiring model's default expiry reads: `default_token_duration`
(`default_token_duration()`), but an event's is `event_retention` (`default_event_duration`)."""


def _expiry(setting: str, store: Store, record: dict[str, Any], now: str) -> None:
    api_token = record.get("intent") == "api" and record.get("created") == now  # a create
    if not api_token and not (record.get("expiring", True) and record.get("expires") is None):
        return
    tenant = store.get(settings.SETTINGS, settings.KEY) or {}
    default = field_defaults().get("Tenant", {}).get(setting, "days=1")
    duration = tenant.get(setting) or default
    start = datetime.fromisoformat(now.replace("Z", "+00:00"))
    try:
        record["expires"] = canonical_instant(start + timedelta_from_string(str(duration)))
    except (OverflowError, ValueError):  # a duration past the calendar: the model's default
        record["expires"] = canonical_instant(start + timedelta_from_string(str(default)))


def _request_brand(store: Store, record: dict[str, Any], now: str) -> None:
    """An event made through the API records the request's brand (`Event.set_brand`)."""
    if record.get("created") == now:
        record["brand"] = events.request_brand(store)


def timedelta_from_string(text: str) -> timedelta:
    """authentik's duration strings: `days=1;hours=2`, as `timedelta_from_string` reads them
    (an unreadable part counts nothing)."""
    parts: dict[str, float] = {}
    for part in text.split(";"):
        name, _, value = part.strip().partition("=")
        try:
            number = float(value)
        except ValueError:
            continue
        if math.isfinite(number):
            parts[name.strip().lower()] = number
    known = {"weeks", "days", "hours", "minutes", "seconds", "milliseconds", "microseconds"}
    return timedelta(**{name: value for name, value in parts.items() if name in known})


PROXY_OAUTH = {
    "grant_types": ["authorization_code", "client_credentials", "password"],
    "client_type": "confidential",
    "signing_key": None,
    "include_claims_in_id_token": True,
}
"""What `set_oauth_defaults` sets on every write of a proxy provider, beside its redirect URIs:
its OAuth2 provider's fields, which `/providers/oauth2/` shows."""


def _proxy_callbacks(_store: Store, record: dict[str, Any], _now: str) -> None:
    record.update(copy.deepcopy(PROXY_OAUTH))
    host = record.get("external_host")
    if not isinstance(host, str) or not host:
        return
    record["redirect_uris"] = [
        {
            "matching_mode": "strict",
            "url": urljoin(host, "outpost.goauthentik.io/callback") + f"?{CALLBACK}=true",
        },
        {"matching_mode": "strict", "url": f"{host}?{CALLBACK}=true"},
    ]
