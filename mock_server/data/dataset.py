"""The data a server starts with: fixture files where they exist, seeded generation for the
rest, and references between resources pointing at objects that exist."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from mock_server.data import fixtures
from mock_server.data.synth import Synth, stable_seed
from mock_server.resources.event_matcher import rules as event_matcher
from mock_server.resources.event_matcher.data import generate as generate_policies
from mock_server.rest.inference import Inferred, singular

Data = dict[str, list[dict[str, Any]]]
TIMESTAMPS = ("created", "last_updated")
NULL_REFERENCE_SHARE = 0.2


def build(
    document: Mapping[str, Any],
    resources: Sequence[Inferred],
    *,
    fixtures_dir: Path | None,
    seed: int,
    count: int,
    per_resource: int,
) -> Data:
    """Fixture files first (when a folder is given), then generate what they leave out."""
    data: Data = fixtures.load_dataset(fixtures_dir) if fixtures_dir else {}
    generated: set[str] = set()
    for resource in resources:
        name = resource.spec.collection
        if name in data:
            continue
        if name == event_matcher.COLLECTION:
            data.update(generate_policies(document, seed=seed, count=count))
        else:
            data[name] = records(document, resource, seed=seed, count=per_resource)
            generated.add(name)
    link(data, [r for r in resources if r.spec.collection in generated], resources, seed=seed)
    return data


def records(
    document: Mapping[str, Any], resource: Inferred, *, seed: int, count: int
) -> list[dict[str, Any]]:
    """`count` objects of a resource, valid for its schema, with unique keys."""
    spec = resource.spec
    synth = Synth(document, stable_seed(seed, spec.collection))
    schema = {"type": "object", "properties": dict(spec.properties)}
    made: list[dict[str, Any]] = []
    keys: set[Any] = set()
    for number in range(1, count + 1):
        record = synth.value(schema)
        for name in spec.fields:
            record.setdefault(name, synth.value(spec.properties.get(name, {}), name=name))
        if spec.key_source == "integer":
            record[spec.key] = number
        elif spec.key not in record or record[spec.key] is None:
            record[spec.key] = synth.value({"type": "string", "format": "uuid"})
        elif record[spec.key] in keys:
            record[spec.key] = f"{record[spec.key]}-{number}"
        keys.add(record.get(spec.key))
        for name in TIMESTAMPS:
            record.setdefault(name, synth.value({"type": "string", "format": "date-time"}))
        made.append(record)
    return made


def _targets(resources: Sequence[Inferred]) -> dict[tuple[str, str], Inferred]:
    """(noun, key type) -> the resource other objects mean by that field name.

    Where several share a noun, the shortest collection path wins (`/policies/all/` over
    `/policies/event_matcher/`).
    """
    targets: dict[tuple[str, str], Inferred] = {}
    for resource in sorted(resources, key=lambda r: (len(r.collection_path), r.collection_path)):
        targets.setdefault((resource.noun, resource.key_type), resource)
    return targets


def _reference_noun(field: str) -> str:
    for suffix in ("_uuid", "_pk", "_id"):
        if field.endswith(suffix):
            return field.removesuffix(suffix)
    return field


def _key_kind(schema: Mapping[str, Any]) -> str | None:
    """`uuid` or `integer` for a field that could hold a key; references are never `$ref`s."""
    if "$ref" in schema:
        return None
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind == "string" and schema.get("format") == "uuid":
        return "uuid"
    return kind if kind == "integer" else None


def link(
    data: Data,
    owners: Sequence[Inferred],
    resources: Sequence[Inferred],
    *,
    seed: int,
) -> None:
    """Point every reference field of the generated objects at an object that exists.

    A field refers to a resource when its name (or its name less `_uuid`/`_pk`/`_id`, or the
    singular of an array's name) is the resource's noun and its type is the resource's key type.
    """
    targets = _targets(resources)
    rng = random.Random(stable_seed(seed, "references"))
    for owner in sorted(owners, key=lambda r: r.spec.collection):
        for field, schema in owner.spec.properties.items():
            if field == owner.spec.key or field == "pk":
                continue
            _link_field(data, owner, field, schema, targets, rng)


def _link_field(
    data: Data,
    owner: Inferred,
    field: str,
    schema: Mapping[str, Any],
    targets: Mapping[tuple[str, str], Inferred],
    rng: random.Random,
) -> None:
    is_array = schema.get("type") == "array"
    kind = _key_kind(schema.get("items", {}) if is_array else schema)
    if kind is None:
        return
    noun = singular(field) if is_array else _reference_noun(field)
    target = targets.get((noun, kind))
    if target is None or target.spec.collection not in data:
        return
    pks = [record.get("pk", record.get(target.spec.key)) for record in data[target.spec.collection]]
    pks = [pk for pk in pks if pk is not None]
    if not pks:
        return
    nullable = bool(schema.get("nullable"))
    for record in data[owner.spec.collection]:
        if is_array:
            record[field] = rng.sample(pks, k=min(len(pks), rng.randint(0, 2)))
        elif nullable and rng.random() < NULL_REFERENCE_SHARE:
            record[field] = None
        else:
            record[field] = rng.choice(pks)
