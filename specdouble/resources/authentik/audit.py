"""authentik's audit of model writes: every create, update and delete through the API adds a
`model_created`, `model_updated` or `model_deleted` event, whose context names the model
(`{"model": {"app", "model_name", "pk", "name"}}`), by the user who made it. The event log,
the dashboard and an object's changelog then show what a person did.

Models authentik does not audit (events, notifications, sessions) add nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import orjson

from specdouble.resources.authentik import events
from specdouble.resources.authentik.facts import model_names
from specdouble.rest.actions import Action, Answer, Body, Params
from specdouble.rest.auth import Principal
from specdouble.rest.resource import Resource, ResourceSpec, operation_names

ACTIONS = {
    "create": "model_created",
    "update": "model_updated",
    "partial_update": "model_updated",
    "destroy": "model_deleted",
}
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
            pk = shown.get("pk", shown.get(spec.key, key))
            name = next((shown[f] for f in ("name", "username", "slug") if f in shown), str(pk))
            model = {"app": label[0], "model_name": label[1], "pk": pk, "name": name}
            events.record(
                resource.store,
                kind,
                principal.user,
                client_ip=None,
                context={"model": model},
                app=events.MIDDLEWARE,
            )
        return answer

    return respond


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
