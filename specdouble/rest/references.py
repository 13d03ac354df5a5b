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
from specdouble.data.values import InvalidValue, parse_any_uuid
from specdouble.document.openapi import resolve
from specdouble.rest.inference import Inferred, shown_model, singular
from specdouble.rest.resource import (
    SHOWN_SUFFIX,
    RelatedFilter,
    ResourceSpec,
    operation_names,
)
from specdouble.state.store import Store

KEY_SUFFIXES = ("_uuid", "_pk", "_id")


Present = Callable[[Mapping[str, Any]], Mapping[str, Any]]
"""How a resource shows one of its records (`Resource.present`)."""


def key_kind(document: Mapping[str, Any], schema: Any) -> str | None:
    """The key type a field (or each item of an array field) holds: `uuid`, `integer` or
    `string`; None for anything else (a `$ref` is an object, never a key)."""
    node = resolve(document, schema) if isinstance(schema, Mapping) else {}
    if node.get("type") == "array":
        node = node.get("items") or {}
    if not isinstance(node, Mapping) or "$ref" in node:
        return None
    kind = node.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind == "string" and node.get("format") == "uuid":
        return "uuid"
    return kind if kind in ("integer", "string") else None


def held_key(spec: ResourceSpec) -> str:
    """The field a reference to `spec`'s objects holds: DRF's `pk`, else the key (a source is
    looked up by its slug, but referenced by its `pk`)."""
    return "pk" if "pk" in spec.properties else spec.key


class Referents:
    """Which resource a reference field or a shown object means, decided one way for the
    start-up data (`rest/dataset.py`) and for writes (`References`): the model a shown
    object's schema names (`created_by: PartialUser` is a user), else the field's noun
    (`provider`, `groups`, `user_uuid`) and key type. Where several resources share a noun or
    model, the shortest collection path wins (`/policies/all/` over `/policies/event_matcher/`)."""

    def __init__(self, document: Mapping[str, Any], resources: Sequence[Inferred]) -> None:
        self.document = document
        self.by_noun: dict[tuple[str, str], Inferred] = {}
        self.by_model: dict[str, Inferred] = {}
        for resource in sorted(
            resources, key=lambda r: (len(r.collection_path), r.collection_path)
        ):
            self.by_noun.setdefault((resource.noun, resource.key_type), resource)
            self.by_model.setdefault(resource.spec.model, resource)

    def shown(self, schema: Any) -> Inferred | None:
        """The resource whose objects a property shows (by its schema's model)."""
        model = shown_model(schema)
        return self.by_model.get(model) if model else None

    def meant(
        self,
        properties: Mapping[str, Any],
        field: str,
        relations: Mapping[str, str] | None = None,
    ) -> Inferred | None:
        """The resource a reference field names: the model `relations` says it relates to
        (a profile's facts: a binding's `target` is a flow), else the one its `<field>_obj`
        shows, if it has that key type, else the one its noun and key type name."""
        kind = key_kind(self.document, properties[field])
        if kind is None:
            return None
        related = self.by_model.get((relations or {}).get(field, ""))
        if related is not None and related.key_type == kind:
            return related
        shown = properties.get(field + SHOWN_SUFFIX)
        target = self.shown(shown) if shown is not None else None
        if target is not None and target.key_type == kind:
            return target
        is_array = resolve(self.document, properties[field]).get("type") == "array"
        noun = singular(field) if is_array else field
        for suffix in KEY_SUFFIXES:
            noun = noun.removesuffix(suffix)
        return self.by_noun.get((noun, kind))


@dataclass(frozen=True, slots=True)
class Target:
    collection: str
    fields: tuple[str, ...]
    """The fields the shown object has (its schema's properties); empty: all of the record."""
    key: str = "pk"
    """The collection's key, where a reference names its objects by it."""
    by: str = "pk"
    """The field a reference holds (`held_key`)."""
    uuid: bool = False
    """Whether the objects are referenced by UUID: any spelling Django reads then finds them."""

    def find(self, store: Store, value: Any) -> Mapping[str, Any] | None:
        if self.uuid and isinstance(value, str):
            try:
                value = parse_any_uuid(value)
            except InvalidValue:
                return None
        if self.by == self.key:
            return store.get(self.collection, str(value))
        found = store.referencing(self.collection, self.by, value)
        return found[0] if found else None


@dataclass(frozen=True, slots=True)
class Pointing:
    """A reference field of a collection that names an object, and the value it holds."""

    collection: str
    field: str
    target: Target
    value: Any


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
        self.aliases = {r.spec.collection: r.spec.filter_aliases for r in resources}
        """Each collection's other names of its fields (`group_uuid` for `pk`)."""
        referents = Referents(document, resources)
        self.targets: dict[tuple[str, str], Target] = {}
        """(collection, shown field) -> what it shows."""
        self.fields: dict[tuple[str, str], Target] = {}
        """(collection, reference field) -> what it references."""
        users = [r for r in resources if r.noun == "user" and "username" in r.spec.properties]
        self.users: tuple[str, str] | None = (
            (users[0].spec.collection, held_key(users[0].spec)) if users else None
        )
        """The collection of users (the callers' records) and the field that references
        them, where the document has one."""
        for owner in resources:
            properties = owner.spec.properties
            for shown, schema in properties.items():
                field = shown.removesuffix(SHOWN_SUFFIX)
                if shown == field or field not in properties:
                    continue
                target = referents.meant(properties, field, owner.spec.relations)
                if target is not None:
                    made = Target(
                        target.spec.collection,
                        _fields(document, schema),
                        target.spec.key,
                        held_key(target.spec),
                        target.key_type == "uuid",
                    )
                    self.targets[(owner.spec.collection, shown)] = made
                    self.fields[(owner.spec.collection, field)] = made
            for field in owner.spec.relations:  # a reference shown by no object of its own
                if field in properties and (owner.spec.collection, field) not in self.fields:
                    target = referents.meant(properties, field, owner.spec.relations)
                    if target is not None:
                        self.fields[(owner.spec.collection, field)] = Target(
                            target.spec.collection,
                            (),
                            target.spec.key,
                            held_key(target.spec),
                            target.key_type == "uuid",
                        )
        self.filters: dict[tuple[str, str], tuple[Target, RelatedFilter]] = {}
        """(collection, query parameter) -> the objects its values name, and how."""
        for owner in resources:
            for name, related in owner.spec.related_filters.items():
                other = referents.by_model.get(related.model or "")
                target = (
                    Target(
                        other.spec.collection,
                        (),
                        other.spec.key,
                        held_key(other.spec),
                        other.key_type == "uuid",
                    )
                    if other is not None
                    else self.fields.get((owner.spec.collection, related.field))
                )
                if target is not None:
                    self.filters[(owner.spec.collection, name)] = (target, related)
        self.owned: dict[str, frozenset[str]] = {
            owner.spec.collection: frozenset(
                field
                for (collection, field), target in self.fields.items()
                if collection == owner.spec.collection
                and self.users is not None
                and target.collection == self.users[0]
                and field + SHOWN_SUFFIX not in owner.spec.nullable
            )
            for owner in resources
            if owner.spec.listing is None
        }
        """Per DRF collection, the references to a user that its objects must show (their
        `*_obj` cannot be null): a write that leaves one out gets the caller, as DRF's
        `CurrentUserDefault` gives (a token's `user`)."""

    def query_words(self, resources: Sequence[Inferred]) -> dict[str, dict[str, str]]:
        """How each list's related-object filters word a value that cannot be a key, as
        django-filter's model choice fields do (every list, even one without such filters:
        its number filters are django-filter's too): list operationId -> parameter -> a code of
        `errors.RELATED_REFUSALS` (the model field's own words for a UUID; for an integer,
        the choice field's)."""
        words: dict[str, dict[str, str]] = {}
        for owner in resources:
            listed = next(
                (op for op, method in operation_names(owner.spec).items() if method == "list"),
                None,
            )
            if listed is None:
                continue
            words.setdefault(listed, {})  # its number filters are worded too
            for name in owner.spec.related_filters:
                found = self.filters.get((owner.spec.collection, name))
                if found is None or not found[1].checked:
                    continue
                target, related = found
                code = (
                    "related_uuid"
                    if target.uuid
                    else "related_integers"
                    if related.many
                    else "related_integer"
                )
                words.setdefault(listed, {})[name] = code
        return words

    def body_keys(self, resources: Sequence[Inferred]) -> dict[str, dict[str, str]]:
        """The fields of each write (operationId) that take another object's key, and the
        key's kind (`uuid`, `integer`): DRF reads them with a `PrimaryKeyRelatedField`."""
        found: dict[str, dict[str, str]] = {}
        for owner in resources:
            writes = [
                operation
                for operation, method in operation_names(owner.spec).items()
                if method in ("create", "update", "partial_update")
            ]
            kinds = {
                field: "uuid" if target.uuid else "integer"
                for (collection, field), target in self.fields.items()
                if collection == owner.spec.collection and field in owner.spec.writable
            }
            for operation in writes if kinds else ():
                found[operation] = kinds
        return found

    def caller(self, store: Store, username: str | None) -> Any:
        """What a reference to the caller holds (None: no such user)."""
        if self.users is None or username is None:
            return None
        found = store.referencing(self.users[0], "username", username)
        return found[0].get(self.users[1]) if found else None

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

    def pointing_at(self, store: Store, record: Mapping[str, Any]) -> list[Pointing]:
        """The reference fields whose value for `record` names an object now (the record,
        or another of that key: `forget` tells them apart once it is deleted), asked before
        it is deleted, with that value (a family's fields name its members' objects)."""
        pointing = []
        for (collection, field), target in self.fields.items():
            value = record.get(target.by)
            if value is not None and target.find(store, value) is not None:
                pointing.append(Pointing(collection, field, target, value))
        return pointing

    def forget(self, store: Store, pointing: Sequence[Pointing]) -> None:
        """After a delete, each list of references (`pointing_at`) loses the object where
        nothing else answers to its key: Django deletes a many-to-many's rows with either of
        its objects (an outpost's `providers` loses a deleted provider)."""
        for each in pointing:
            if each.target.find(store, each.value) is not None:
                continue
            gone = str(each.value).lower()
            for other in store.all(each.collection):
                held = other.get(each.field)
                if isinstance(held, list) and any(str(key).lower() == gone for key in held):
                    kept = [key for key in held if str(key).lower() != gone]
                    store.put(each.collection, {**other, each.field: kept})

    def shows(self, collection: str, shown: str) -> str | None:
        """The reference field that `shown` shows, for objects of `collection` (or None)."""
        return shown.removesuffix(SHOWN_SUFFIX) if (collection, shown) in self.targets else None

    def showing(self, collection: str, field: str) -> str | None:
        """The field that shows what `field` references, for objects of `collection`."""
        shown = field + SHOWN_SUFFIX
        return shown if (collection, shown) in self.targets else None

    def shown(self, store: Store, collection: str, shown: str, value: Any) -> Any:
        """The `shown` field of an object of `collection` whose reference holds `value`: the
        referenced objects as they are now (those that exist), or None for no reference."""
        target = self.targets[(collection, shown)]
        present = self.present.get(target.collection, dict)
        aliases = self.aliases.get(target.collection, {})
        if isinstance(value, list):
            found = (target.find(store, key) for key in value)
            return [
                _project(present(record), target.fields, aliases)
                for record in found
                if record is not None
            ]
        if value is None:
            return None
        record = target.find(store, value)
        return None if record is None else _project(present(record), target.fields, aliases)


def _fields(document: Mapping[str, Any], schema: Any) -> tuple[str, ...]:
    schema = resolve(document, schema)
    if schema.get("type") == "array":
        schema = resolve(document, schema.get("items", {}))
    for part in schema.get("allOf", []):
        schema = {**resolve(document, part), **schema}
    return tuple(schema.get("properties") or {})


def _project(
    record: Mapping[str, Any], fields: tuple[str, ...], aliases: Mapping[str, str]
) -> dict[str, Any]:
    """What a shown object holds of a record: its schema's fields, one the record names
    otherwise (`group_uuid`, the group's `pk`) by that name."""
    if not fields:
        return dict(record)
    return {
        name: record[name] if name in record else record.get(aliases.get(name, name))
        for name in fields
    }
