"""authentik's system settings (`admin/settings/`): a default install's, kept in the state as
one record, read and changed by the settings form as authentik's own are.

The values are what a new install's tenant row holds: the model's defaults
(`facts.field_defaults`, its flags' own defaults among them), but the values its migrations
gave the row (`default_token_duration` is `minutes=30`). A field the answer's schema cannot
show as the model starts it takes the empty value the schema admits, so the answer always
keeps to the document.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from specdouble.data.synth import NO_VALUE, empty_value
from specdouble.document import openapi
from specdouble.resources.authentik.facts import field_defaults, model_fields
from specdouble.rest.actions import Answer, Body, Params, Respond
from specdouble.rest.auth import Principal
from specdouble.rest.validation import can_show
from specdouble.state.store import Store

SETTINGS = "admin_settings"
"""The store collection of the settings (one record, under `KEY`)."""
KEY = "default"
RETRIEVE, UPDATE, PATCH = (
    "admin_settings_retrieve",
    "admin_settings_update",
    "admin_settings_partial_update",
)
MODEL = "Tenant"


def default_settings(document: Mapping[str, Any]) -> dict[str, Any] | None:
    """A default install's settings, in the shape `admin/settings/` answers (None where the
    document has no such operation)."""
    operation = next((o for o in openapi.operations(document) if o.operation_id == RETRIEVE), None)
    success = openapi.success_response(document, operation.definition) if operation else None
    content = (success[1].get("content") or {}) if success else {}
    schema = next((m.get("schema") for t, m in content.items() if "json" in t), None)
    if schema is None:
        return None
    properties, _ = openapi.object_shape(document, openapi.resolve(document, schema))
    # What a new install's tenant row holds: the model's defaults, but the values of the
    # migrations that made the row and added its later fields (`minutes=30`, not `days=1`).
    model = {
        **field_defaults().get(MODEL, {}),
        **model_fields().get(MODEL, {}).get("installed", {}),
    }
    record: dict[str, Any] = {"pk": KEY}
    for name, property_schema in properties.items():
        value = _within(document, property_schema, model.get(name, NO_VALUE))
        if value is NO_VALUE or not can_show(document, property_schema, value):
            value = empty_value(document, property_schema)
        if value is not NO_VALUE:
            record[name] = value
    return record


def _within(document: Mapping[str, Any], schema: Any, value: Any) -> Any:
    """An object value cut to the properties its schema names (a flag the answer lists)."""
    properties = openapi.resolve(document, schema).get("properties")
    if isinstance(value, dict) and properties:
        return {name: value[name] for name in properties if name in value}
    return value


def answers(store: Store) -> dict[str, Respond]:
    """Retrieve, PUT and PATCH of the settings, over the store."""

    def shown(record: Mapping[str, Any] | None) -> bytes:
        return orjson.dumps({k: v for k, v in (record or {}).items() if k != "pk"})

    def retrieve(_p: Principal, _k: str, _params: Params, _body: Body) -> Answer:
        store.sync()
        return Answer(200, shown(store.get(SETTINGS, KEY)))

    def write(_p: Principal, _k: str, _params: Params, body: Body) -> Answer:
        with store.writing():
            record = dict(store.get(SETTINGS, KEY) or {"pk": KEY})
            record.update(body)
            store.put(SETTINGS, record)
        return Answer(200, shown(record))

    return {RETRIEVE: retrieve, UPDATE: write, PATCH: write}
