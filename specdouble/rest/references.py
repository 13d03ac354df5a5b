"""What a write shows of the objects it references: `provider_obj` is the provider `provider`
names, `groups_obj` the groups of `groups`, read from the state when the write is made, never
made up. A reference names another resource by its noun (`provider`, `group` of `groups`,
`user` of `user_uuid`) and its key type, as the start-up data links them (`rest/dataset.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from specdouble import errors
from specdouble.document.openapi import resolve
from specdouble.rest.inference import Inferred, shown_model, singular
from specdouble.state.store import Store

SHOWN_SUFFIX = "_obj"


Present = Callable[[Mapping[str, Any]], Mapping[str, Any]]
"""How a resource shows one of its records (`Resource.present`)."""


@dataclass(frozen=True, slots=True)
class Target:
    collection: str
    fields: tuple[str, ...]
    """The fields the shown object has (its schema's properties); empty: all of the record."""
    key: str = "pk"
    """The collection's key, where a reference names its objects by it."""
    by: str = "pk"
    """The field a reference holds: DRF's `pk`, also where the object is looked up by
    another key (a source by its slug)."""

    def find(self, store: Store, value: Any) -> Mapping[str, Any] | None:
        if self.by == self.key:
            return store.get(self.collection, str(value))
        found = store.referencing(self.collection, self.by, value)
        return found[0] if found else None


class References:
    """For each resource, its fields shown as the objects they reference."""

    def __init__(
        self,
        document: Mapping[str, Any],
        resources: Sequence[Inferred],
        present: Mapping[str, Present] | None = None,
    ) -> None:
        self.present = dict(present or {})
        """Each collection's way to show its records (where a resource serves it)."""
        by_noun: dict[tuple[str, str], Inferred] = {}
        by_model: dict[str, Inferred] = {}
        for resource in sorted(
            resources, key=lambda r: (len(r.collection_path), r.collection_path)
        ):
            by_noun.setdefault((resource.noun, resource.key_type), resource)
            by_model.setdefault(resource.spec.model, resource)
        self.targets: dict[tuple[str, str], Target] = {}
        """(collection, shown field) -> what it shows."""
        self.fields: dict[tuple[str, str], Target] = {}
        """(collection, reference field) -> what it references."""
        self.users = next(
            (
                r.spec.collection
                for r in resources
                if r.noun == "user" and "username" in r.spec.properties
            ),
            None,
        )
        """The collection of users (the callers' records), where the document has one."""
        for owner in resources:
            properties = owner.spec.properties
            for shown, schema in properties.items():
                field = shown.removesuffix(SHOWN_SUFFIX)
                if shown == field or field not in properties:
                    continue
                # What the shown object is (its schema's model) says best what is referenced;
                # else the field's name (`provider`, `groups`, `user_uuid`).
                target = by_model.get(shown_model(schema) or "")
                if target is None or _kind(document, properties[field]) != target.key_type:
                    target = _target(document, properties[field], field, by_noun)
                if target is not None:
                    by = "pk" if "pk" in target.spec.properties else target.spec.key
                    made = Target(
                        target.spec.collection, _fields(document, schema), target.spec.key, by
                    )
                    self.targets[(owner.spec.collection, shown)] = made
                    self.fields[(owner.spec.collection, field)] = made

    def missing(
        self, store: Store, collection: str, body: Mapping[str, Any]
    ) -> dict[str, list[str]]:
        """The references of a write to `collection` that name no object, with DRF's message
        (`PrimaryKeyRelatedField`), by field."""
        failures: dict[str, list[str]] = {}
        for name, value in body.items():
            target = self.fields.get((collection, name))
            if target is None or value is None:
                continue
            for key in value if isinstance(value, list) else [value]:
                if target.find(store, key) is None:
                    message = errors.DOES_NOT_EXIST_TEMPLATE.format(value=key)
                    failures.setdefault(name, []).append(message)
                    break
        return failures

    def shows(self, collection: str, shown: str) -> str | None:
        """The reference field that `shown` shows, for objects of `collection` (or None)."""
        return shown.removesuffix(SHOWN_SUFFIX) if (collection, shown) in self.targets else None

    def shown(self, store: Store, collection: str, shown: str, value: Any) -> Any:
        """The `shown` field of an object of `collection` whose reference holds `value`: the
        referenced objects as they are now (those that exist), or None for no reference."""
        target = self.targets[(collection, shown)]
        present = self.present.get(target.collection, dict)
        if isinstance(value, list):
            found = (target.find(store, key) for key in value)
            return [
                _project(present(record), target.fields) for record in found if record is not None
            ]
        if value is None:
            return None
        record = target.find(store, value)
        return None if record is None else _project(present(record), target.fields)


def _kind(document: Mapping[str, Any], schema: Any) -> str:
    """The key type a reference field holds (`uuid`, `integer`, `string`)."""
    schema = resolve(document, schema)
    item = resolve(document, schema.get("items", {})) if schema.get("type") == "array" else schema
    return "uuid" if item.get("format") == "uuid" else str(item.get("type"))


def _target(
    document: Mapping[str, Any],
    schema: Any,
    field: str,
    by_noun: Mapping[tuple[str, str], Inferred],
) -> Inferred | None:
    is_array = resolve(document, schema).get("type") == "array"
    kind = _kind(document, schema)
    noun = singular(field) if is_array else field
    for suffix in ("_uuid", "_pk", "_id"):
        noun = noun.removesuffix(suffix)
    return by_noun.get((noun, str(kind)))


def _fields(document: Mapping[str, Any], schema: Any) -> tuple[str, ...]:
    schema = resolve(document, schema)
    if schema.get("type") == "array":
        schema = resolve(document, schema.get("items", {}))
    for part in schema.get("allOf", []):
        schema = {**resolve(document, part), **schema}
    return tuple(schema.get("properties") or {})


def _project(record: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    if not fields:
        return dict(record)
    return {name: record.get(name) for name in fields}
