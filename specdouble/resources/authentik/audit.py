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
from typing import Any

import orjson

from specdouble.resources.authentik import events
from specdouble.resources.authentik.facts import model_fields, model_names
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
            record_write(
                resource.store, kind, principal.user, label, spec.model, shown, key, spec.key
            )
        return answer

    return respond


def record_write(
    store: Store,
    kind: str,
    username: str,
    label: tuple[str, str],
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
    )


def model_dict(
    label: tuple[str, str], model: str, shown: Mapping[str, Any], pk: Any
) -> dict[str, Any]:
    """An object as an event's context names it (authentik's `model_to_dict`)."""
    return {"app": label[0], "model_name": label[1], "pk": pk, "name": _named(model, shown, pk)}


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
