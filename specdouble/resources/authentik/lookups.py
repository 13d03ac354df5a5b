"""authentik's lookup endpoints: the choices its forms offer (apps, models, event actions),
made from the document's own enums, so that whatever the interface offers, the API accepts.

Each answer is a function of the document, registered by operationId; the responder answers
these operations with it instead of generated data. Names are the enum values exactly; labels
follow authentik's spelling where a rule can tell it ("authentik Core", "Login Failed") and are
readable otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from specdouble.document import openapi
from specdouble.resources.authentik.facts import app_names, model_names

ACRONYMS = {
    "api": "API",
    "rbac": "RBAC",
    "saml": "SAML",
    "scim": "SCIM",
    "ldap": "LDAP",
    "oauth2": "OAuth2",
    "radius": "RADIUS",
    "rac": "RAC",
    "ssf": "SSF",
    "mtls": "mTLS",
    "totp": "TOTP",
    "sms": "SMS",
    "duo": "Duo",
    "webauthn": "WebAuthn",
    "ws": "WS",
}


def _words(text: str) -> str:
    return " ".join(ACRONYMS.get(word, word.capitalize()) for word in text.split("_") if word)


def app_label(name: str) -> str:
    """An app's `verbose_name`: authentik's own where known, else by its naming rule
    (`authentik.policies.event_matcher` is "authentik Policies.Event Matcher").

    >>> app_label("authentik.core"), app_label("authentik.policies.event_matcher")
    ('authentik Core', 'authentik Policies.Event Matcher')
    """
    if name in app_names():
        return app_names()[name]
    parts = name.split(".")
    if parts[0] != "authentik" or len(parts) == 1:
        return _words(name.replace(".", "_"))
    return "authentik " + ".".join(_words(part) for part in parts[1:])


def model_label(name: str) -> str:
    """A model's `verbose_name`: authentik's own where known (`authentik_sources_oauth.
    oauthsource` is "OAuth Source"), else its name made readable."""
    return model_names().get(name) or _words(name.rpartition(".")[2])


def action_label(value: str) -> str:
    """Django's label of a TextChoices member: `login_failed` is "Login Failed"."""
    return " ".join(word.capitalize() for word in value.split("_"))


def _enum(document: Mapping[str, Any], name: str) -> list[str] | None:
    schemas = (document.get("components") or {}).get("schemas", {})
    if "enum" not in (schemas.get(name) or {}):
        return None
    return [str(v) for v in openapi.enum_values(document, name) if v is not None]


def apps(document: Mapping[str, Any]) -> Any:
    values = _enum(document, "AppEnum")
    if values is None:
        return None
    return [{"name": value, "label": app_label(value)} for value in sorted(values)]


def models(document: Mapping[str, Any]) -> Any:
    values = _enum(document, "ModelEnum")
    if values is None:
        return None
    return [{"name": value, "label": model_label(value)} for value in values]


def actions(document: Mapping[str, Any]) -> Any:
    values = _enum(document, "EventActions")
    if values is None:
        return None
    return [
        {"name": action_label(value), "description": "", "component": value, "model_name": ""}
        for value in values
    ]


LOOKUPS: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "admin_apps_list": apps,
    "admin_models_list": models,
    "events_events_actions_list": actions,
}
"""operationId -> its 200 answer for a document (None where the document lacks the enum)."""
