"""What authentik's serializers and models set on a write beyond the fields sent:

- an object that expires (`ExpiringModel`: `expiring`, `expires`) and was given no expiry
  expires after the tenant's `default_token_duration` (`expiring_model_pre_save`), and an
  API token always does (`TokenSerializer.validate`: "expires cannot be overridden");
- a proxy provider's redirect URIs are its outpost's callbacks on its external host, and its
  OAuth2 grant types and client type are fixed (`ProxyProvider.set_oauth_defaults`).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urljoin

from specdouble.data.values import canonical_instant
from specdouble.resources.authentik import settings
from specdouble.resources.authentik.facts import field_defaults
from specdouble.rest.inference import Inferred
from specdouble.rest.resource import Fill
from specdouble.state.store import Store

CALLBACK = "X-authentik-auth-callback"


def with_fills(found: Sequence[Inferred]) -> list[Inferred]:
    made = []
    for item in found:
        fills: list[Fill] = []
        if {"expires", "expiring"} <= set(item.spec.fields):
            fills.append(_expiry)
        if "external_host" in item.spec.writable and "redirect_uris" in item.spec.fields:
            fills.append(_proxy_callbacks)
        if fills:
            item = replace(item, spec=replace(item.spec, fills=(*item.spec.fills, *fills)))
        made.append(item)
    return made


def _expiry(store: Store, record: dict[str, Any], now: str) -> None:
    api_token = record.get("intent") == "api" and record.get("created") == now  # a create
    if not api_token and not (record.get("expiring", True) and record.get("expires") is None):
        return
    tenant = store.get(settings.SETTINGS, settings.KEY) or {}
    duration = tenant.get("default_token_duration") or field_defaults().get("Tenant", {}).get(
        "default_token_duration", "minutes=30"
    )
    start = datetime.fromisoformat(now.replace("Z", "+00:00"))
    try:
        record["expires"] = canonical_instant(start + timedelta_from_string(str(duration)))
    except (OverflowError, ValueError):  # a duration past the calendar: the model's default
        default = field_defaults().get("Tenant", {}).get("default_token_duration", "days=1")
        record["expires"] = canonical_instant(start + timedelta_from_string(str(default)))


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
