"""authentik's audit of model writes: every create, update and delete through the API adds a
`model_created`, `model_updated` or `model_deleted` event, whose context names the model
(`{"model": {"app", "model_name", "pk", "name"}}`), by the user who made it. The event log,
the dashboard and an object's changelog then show what a person did.

Models authentik does not audit (events, notifications, sessions) add nothing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import Any

import orjson

from specdouble.resources.authentik import events
from specdouble.resources.authentik.facts import ancestors, model_fields, model_names
from specdouble.rest.actions import Action, Answer, Body, Params
from specdouble.rest.auth import Principal
from specdouble.rest.resource import Resource, ResourceSpec, operation_names
from specdouble.state.store import Store

ACTIONS = {
    "create": "model_created",
    "update": "model_updated",
    "partial_update": "model_updated",
    "destroy": "model_deleted",
}
INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")
IGNORED = frozenset({"Event", "Notification", "StaticToken", "AuthenticatedSession"})
"""authentik's `IGNORED_MODELS` (`events/middleware.py`), by model name."""
BASES = frozenset(
    {
        "Provider",
        "Source",
        "PropertyMapping",
        "UserSourceConnection",
        "GroupSourceConnection",
        "Stage",
        "OutpostServiceConnection",
        "Policy",
        "PolicyBindingModel",
        "Connector",
    }
)
"""The base models authentik's audit leaves out (`excluded_models()`): deleting a proxy
provider audits its own row and its OAuth2 provider's, not its `Provider` row."""
MANY_AUDITED = frozenset({"User", "Group"})
"""Models whose many-to-many changes are audited (`should_log_m2m`)."""


def model_label(model: str) -> tuple[str, str] | None:
    """`(app, model_name)` of a model class, as authentik's `model_to_dict` names it."""
    return _labels().get(model.lower())


@functools.cache
def _labels() -> dict[str, tuple[str, str]]:
    labels: dict[str, tuple[str, str]] = {}
    for label in model_names():
        app, _, name = label.partition(".")
        labels.setdefault(name, (app, name))
    return labels


def audited(resources: list[Resource], actions: dict[str, Action]) -> None:
    """Wrap each write of an audited resource so that it records its event (in place)."""
    for resource in resources:
        label = model_label(resource.spec.model)
        if label is None or resource.spec.model in IGNORED:
            continue
        for operation_id, name in operation_names(resource.spec).items():
            action = actions.get(operation_id)
            if action is not None and name in ACTIONS:
                respond = _recording(action, resource, label, ACTIONS[name])
                actions[operation_id] = replace(action, respond=respond)


def _recording(action: Action, resource: Resource, label: tuple[str, str], kind: str) -> Any:
    original = action.respond
    spec = resource.spec

    def respond(principal: Principal, key: str, params: Params, body: Body) -> Answer:
        if key:
            resource.store.sync()  # the object as it is before the write, whoever made it
        before = resource.store.get(spec.collection, key) if key else None
        answer = original(principal, key, params, body)
        if 200 <= answer.status < 300:
            shown: Mapping[str, Any] = before or {}
            if kind != "model_deleted" and answer.body:
                made = orjson.loads(answer.body)
                shown = made if isinstance(made, dict) else shown
            record = partial(record_write, resource.store, principal.user, model_of=spec.model)
            key_field = spec.key
            record(kind, label, shown=shown, key=key, key_field=key_field)
            if kind == "model_deleted":
                for parent in _audited_parents(spec.model):
                    record(kind, parent, shown=shown, key=key, key_field=key_field)
                return answer
            sent = body if isinstance(body, Mapping) else {}
            for _change in _many_changes(spec.model, sent, before or {}, shown):
                record("model_updated", label, shown=shown, key=key, key_field=key_field)
            write = "create" if kind == "model_created" else "update"
            saved = model_fields().get(spec.model, {}).get("saved_again", {}).get(write, 0)
            for _save in range(saved):
                record("model_updated", label, shown=shown, key=key, key_field=key_field)
        return answer

    return respond


def _audited_parents(model: str) -> list[tuple[str, str]]:
    """The tables above a model's own (Django's multi-table inheritance) whose rows a delete
    audits too: concrete models, not authentik's base classes."""
    return [
        label
        for parent in ancestors().get(model, [])
        if parent not in BASES and (label := model_label(parent)) is not None
    ]


def _many_changes(
    model: str, sent: Mapping[str, Any], before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """The many-to-many changes a write made that authentik audits (`m2m_changed`'s
    `pre_remove` and `pre_add`, each once per relation that loses or gains members; a user's
    or group's only): what `field.set(value)` does for each relation the write sent."""
    if model not in MANY_AUDITED:
        return []
    changes = []
    for name in _many_fields(model):
        if name not in sent:
            continue
        old, new = _keys(before.get(name)), _keys(after.get(name))
        if old - new:
            changes.append((name, "pre_remove"))
        if new - old:
            changes.append((name, "pre_add"))
    return changes


def _keys(value: Any) -> set[str]:
    return {str(v) for v in value} if isinstance(value, list) else set()


@functools.cache
def _many_fields(model: str) -> tuple[str, ...]:
    """A model's many-to-many relations, its own and those other models hold of it (a group's
    `users` is the other end of a user's `groups`)."""
    found: list[str] = []
    for name, facts in model_fields().items():
        for field_name, (target, back) in facts.get("mirrors", {}).items():
            if name == model:
                found.append(field_name)
            if target == model:
                found.append(back)
    return tuple(dict.fromkeys(found))


def record_write(
    store: Store,
    username: str,
    kind: str,
    label: tuple[str, str],
    *,
    model_of: str,
    shown: Mapping[str, Any],
    key: str = "",
    key_field: str = "pk",
) -> None:
    """The event of one audited write (`kind`) of an object as its answer shows it."""
    model = model_dict(label, model_of, shown, shown.get("pk", shown.get(key_field, key)))
    events.record(
        store, kind, username, client_ip=None, context={"model": model}, app=events.MIDDLEWARE
    )


def filterable(spec: ResourceSpec) -> ResourceSpec:
    """The event log filtered by the model its events name (`context_model_pk`, `..._app`,
    `..._name`), as an object's changelog asks it."""
    if spec.collection != events.EVENTS:
        return spec
    return replace(
        spec,
        filterable=spec.filterable | events.MODEL_FILTERS,
        filter_aliases={**spec.filter_aliases, **events.MODEL_FILTER_ALIASES},
        either_filters={**spec.either_filters, **events.MODEL_KEY_FILTER},
    )


def model_dict(
    label: tuple[str, str], model: str, shown: Mapping[str, Any], pk: Any
) -> dict[str, Any]:
    """An object as an event's context names it (authentik's `model_to_dict`)."""
    return {
        "app": label[0],
        "model_name": label[1],
        "pk": events.key_of(pk),
        "name": _named(model, shown, pk),
    }


def _named(model: str, shown: Mapping[str, Any], pk: Any) -> Any:
    """What an event calls an object (`model_to_dict`): its `name` where its model has one,
    else what its `__str__` makes of its fields (`Brand {domain}`, a token's identifier and
    expiry), else its key."""
    if "name" in shown:
        return shown["name"]
    text = model_fields().get(model, {}).get("text")
    if text is None:
        return str(pk)
    for flag, template in text["cases"]:
        if shown.get(flag):
            return _filled(template, shown)
    return "".join(
        _filled(template, shown) for flag, template in text["parts"] if not flag or shown.get(flag)
    )


def _filled(template: str, shown: Mapping[str, Any]) -> str:
    """A `__str__` template with the object's values as Python prints them (an instant as
    `str(datetime)`: `2026-12-05 23:16:45.821756+00:00`)."""
    values = {}
    for name in re.findall(r"(?<!\{)\{(\w+)\}", template):
        value = shown.get(name)
        if isinstance(value, str) and INSTANT.match(value):
            value = str(datetime.fromisoformat(value.replace("Z", "+00:00")))
        values[name] = value
    return template.format_map(values)
