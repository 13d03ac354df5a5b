"""The objects authentik's default and system blueprints make on a fresh install, put into the
start-up data: flows, their stages and bindings, prompts, policies, property mappings.

`blueprints.json` (written by `tools/authentik_blueprints.py`) holds each entry's model,
identifiers and attributes. As authentik applies a blueprint, an entry whose identifiers match
an object updates it, and any other makes one: a record of its collection starts from the
model's field defaults (`field_defaults.json`), then takes the identifiers and attributes.
References are resolved afterwards, by blueprint id (`{"$key": id}`, within its blueprint) or
by lookup (`{"$find": [model, field, value]}`). Generated records that clash with a made one on
a unique field give way. Ids come from the identifiers, so they are the same in every run.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Mapping, MutableMapping
from typing import Any

from specdouble.resources.authentik.facts import HERE, field_defaults, known_types, model_fields
from specdouble.rest.resource import ResourceSpec

Data = MutableMapping[str, list[dict[str, Any]]]
NAMESPACE = uuid.UUID("6ba7b812-9dad-11d1-80b4-00c04fd430c8")


@functools.cache
def entries() -> list[dict[str, Any]]:
    return json.loads((HERE / "blueprints.json").read_text(encoding="utf-8"))


@functools.cache
def class_names() -> dict[str, str]:
    """`app_label.model_name` -> the model's class name (the document's schema name)."""
    names = {facts["meta_model_name"]: name for name, facts in known_types().items()}
    for name in field_defaults():
        names.setdefault(name.lower(), name)  # by model name alone, for models without a form
    return names


def class_of(label: str) -> str | None:
    return class_names().get(label) or class_names().get(label.partition(".")[2])


def apply(
    data: Data,
    keys: Mapping[str, str],
    specs: Mapping[str, ResourceSpec],
) -> None:
    """Make or update every blueprint object whose model the document has a resource for
    (`specs`: class name -> its resource), in place."""
    collections = {model: spec.collection for model, spec in specs.items()}
    made: dict[tuple[str, str], dict[str, Any]] = {}  # (blueprint, id) -> record
    pending: list[tuple[str, dict[str, Any], str, str]] = []
    for entry in entries():
        model = class_of(entry["model"])
        collection = collections.get(model or "")
        if model is None or collection is None or collection not in data:
            continue
        record = _made(data, keys, specs[model], entry)
        if entry.get("id"):
            made[(entry["blueprint"], entry["id"])] = record
        pending.append((entry["blueprint"], record, collection, model))
    for blueprint, record, _, _ in pending:
        for name, value in list(record.items()):
            record[name] = _resolved(value, blueprint, made, data, collections)
    for _, record, collection, model in pending:
        _clear_clashes(data, collection, model, record, keys.get(collection, "pk"))


def _made(
    data: Data, keys: Mapping[str, str], spec: ResourceSpec, entry: Mapping[str, Any]
) -> dict[str, Any]:
    collection = spec.collection
    identifiers, attrs = entry["identifiers"], entry["attrs"]
    records = data[collection]
    if not any(_is_reference(v) for v in identifiers.values()):
        for record in records:
            if all(record.get(k) == v for k, v in identifiers.items()):
                record.update(attrs)
                return record
    key = keys.get(collection, "pk")
    template = dict(records[0]) if records else {}
    pk = str(uuid.uuid5(NAMESPACE, entry["model"] + json.dumps(identifiers, sort_keys=True)))
    record = {name: value for name, value in spec.defaults.items() if name in template}
    record = {**template, **_emptied(template, spec), **record, **identifiers, **attrs}
    for name in {key, "pk"} & set(template):
        if name not in identifiers and name not in attrs:
            record[name] = pk if not isinstance(template[name], int) else _next_int(records, name)
    record["_blueprint"] = True
    records.insert(_first_generated(records), record)
    return record


def _emptied(template: Mapping[str, Any], spec: ResourceSpec) -> dict[str, Any]:
    """What a made object holds where neither its model nor its blueprint says: empty lists
    and objects, null where the field may be null (a relation, a text); the generated value
    stays only where the schema needs one."""
    empty: dict[str, Any] = {}
    for name, value in template.items():
        if isinstance(value, list):
            empty[name] = []
        elif name in spec.nullable:
            empty[name] = None
        elif isinstance(value, dict) and not name.endswith("_obj"):
            empty[name] = {}
    return empty


def _first_generated(records: list[dict[str, Any]]) -> int:
    return next((n for n, r in enumerate(records) if not r.get("_blueprint")), len(records))


def _next_int(records: list[dict[str, Any]], name: str) -> int:
    return max((r[name] for r in records if isinstance(r.get(name), int)), default=0) + 1


def _is_reference(value: Any) -> bool:
    return isinstance(value, dict) and ("$key" in value or "$find" in value)


def _resolved(
    value: Any,
    blueprint: str,
    made: Mapping[tuple[str, str], dict[str, Any]],
    data: Data,
    collections: Mapping[str, str],
) -> Any:
    if isinstance(value, list):
        return [_resolved(item, blueprint, made, data, collections) for item in value]
    if not _is_reference(value):
        return value
    if "$key" in value:
        target = made.get((blueprint, value["$key"]))
    else:
        label, field, wanted = value["$find"]
        collection = collections.get(class_of(label) or "", "")
        target = next((r for r in data.get(collection, []) if r.get(field) == wanted), None)
    return None if target is None else target.get("pk", target.get("slug"))


def _clear_clashes(
    data: Data, collection: str, model: str, made: Mapping[str, Any], key: str
) -> None:
    unique = list(model_fields().get(model, {}).get("unique") or {})
    data[collection] = [
        r
        for r in data[collection]
        if r is made
        or r.get("_blueprint")
        or not any(f in made and r.get(f) == made[f] for f in unique if f != key)
    ]


def strip_marks(data: Data) -> None:
    """Forget which records the blueprints made (the mark only guides `apply`)."""
    for records in data.values():
        for record in records:
            record.pop("_blueprint", None)
