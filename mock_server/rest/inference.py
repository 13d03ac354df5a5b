"""Finding the REST resources a Django REST Framework document describes.

A collection path `/x/` whose `<prefix>_list` answers authentik's paginated envelope, paired
with the item path `/x/{lookup}/` of `<prefix>_retrieve` (and update, patch, delete, used_by),
becomes one `ResourceSpec`. What the document does not say (search and ordering fields) is
guessed from the object schema, unless our `x-` extensions on the list parameters say it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from mock_server.document.openapi import (
    Operation,
    is_nullable,
    json_body_schema,
    object_shape,
    operations,
    resolve,
)
from mock_server.rest.resource import ResourceSpec

LIST_SUFFIX = "_list"
SEARCH_GUESSES = ("name", "username", "slug", "title", "email", "identifier", "description")
ORDERING_GUESSES = ("name", "username", "slug", "title", "identifier", "pk")
SCALAR_TYPES = {"string", "integer", "number", "boolean"}


@dataclass(frozen=True, slots=True)
class Inferred:
    """A resource as found in the document: its spec, paths and reference fields."""

    spec: ResourceSpec
    collection_path: str
    item_path: str | None
    lookup: str | None
    noun: str
    """What other objects call it in a field name: `policy`, `user`, `flow`."""
    key_type: str
    """The type of its `pk` (`uuid`, `integer`, `string`), for matching references."""


def _schema_name(node: Any) -> str | None:
    reference = node.get("$ref") if isinstance(node, Mapping) else None
    return reference.rsplit("/", 1)[-1] if isinstance(reference, str) else None


def _page_item_schema(document: Mapping[str, Any], operation: Operation) -> Any | None:
    """For a list operation answering `{pagination, results: [item]}`, the item schema."""
    response = resolve(document, operation.definition.get("responses", {}).get("200", {}))
    for media_type, content in (response.get("content") or {}).items():
        if "json" not in media_type:
            continue
        schema = resolve(document, content.get("schema", {}))
        properties = schema.get("properties", {})
        if "pagination" in properties and "results" in properties:
            return resolve(document, properties["results"]).get("items")
    return None


def _kind(schema: Mapping[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind == "string" and schema.get("format") == "uuid":
        return "uuid"
    return str(kind or ("object" if "properties" in schema else "any"))


def _shape(document: Mapping[str, Any], schema: Any, depth: int = 0) -> str:
    """The JSON type a schema stands for, looking through `allOf`/`oneOf`/`anyOf`."""
    schema = resolve(document, schema)
    if not isinstance(schema, Mapping) or depth > 5:
        return "any"
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind:
        return str(kind)
    for keyword in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(keyword, []):
            found = _shape(document, part, depth + 1)
            if found != "any" and resolve(document, part).get("enum") != [None]:
                return found
    if "properties" in schema:
        return "object"
    return "string" if "enum" in schema else "any"


def singular(word: str) -> str:
    """`policies` -> `policy`, `users` -> `user`, `aliases` -> `alias`."""
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "ases", "xes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _noun(collection_path: str) -> str:
    parts = [p for p in collection_path.strip("/").split("/") if p]
    last = parts[-1] if parts else ""
    if last in {"all", "instances"} and len(parts) > 1:
        last = parts[-2]
    return singular(last.replace("-", "_"))


def _words(model: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", " ", model).lower()


def infer(document: Mapping[str, Any]) -> list[Inferred]:
    by_id = {operation.operation_id: operation for operation in operations(document)}
    found = []
    for operation_id, operation in by_id.items():
        if operation.method != "get" or not operation_id.endswith(LIST_SUFFIX):
            continue
        item_schema = _page_item_schema(document, operation)
        if item_schema is None:
            continue
        found.append(
            _resource(document, by_id, operation_id[: -len(LIST_SUFFIX)], operation, item_schema)
        )
    return found


def _resource(
    document: Mapping[str, Any],
    by_id: Mapping[str, Operation],
    prefix: str,
    listing: Operation,
    item_schema: Any,
) -> Inferred:
    model = _schema_name(item_schema) or prefix
    obj = resolve(document, item_schema)
    properties: dict[str, Any] = dict(obj.get("properties", {}))
    resolved = {name: resolve(document, schema) for name, schema in properties.items()}
    retrieve = by_id.get(f"{prefix}_retrieve")
    lookup = (
        next((p["name"] for p in retrieve.parameters if p["in"] == "path"), None)
        if (retrieve)
        else None
    )
    key = lookup if lookup in properties else "pk" if "pk" in properties else (lookup or "pk")
    create = by_id.get(f"{prefix}_create")
    request_schema = (json_body_schema(document, create) or {}) if create else {}
    request_properties, _ = object_shape(document, request_schema)
    writable = [
        name
        for name, schema in request_properties.items()
        if not resolve(document, schema).get("readOnly")
    ]
    key_kind = _kind(resolved.get(key, {}))
    key_source = "body" if key in writable else "integer" if key_kind == "integer" else "uuid"
    parameters = {p["name"]: p for p in listing.parameters if p["in"] == "query"}
    scalar = [n for n, s in resolved.items() if _kind(s) in SCALAR_TYPES | {"uuid"}]
    search = (
        parameters.get("search", {}).get("x-search-fields")
        or [n for n in SEARCH_GUESSES if n in scalar and _kind(resolved[n]) == "string"][:2]
    )
    ordering = parameters.get("ordering", {})
    ordering_fields = ordering.get("x-ordering-fields") or scalar
    default_ordering = ordering.get("x-default-ordering") or [
        next((n for n in ORDERING_GUESSES if n in scalar), key)
    ]
    aliases = {
        name: parameter.get("x-filter-field", key)
        for name, parameter in parameters.items()
        if name == lookup or "x-filter-field" in parameter
    }
    defaults = {
        name: resolve(document, schema)["default"]
        for name, schema in request_properties.items()
        if "default" in resolve(document, schema)
    }
    nullable = {name for name, schema in resolved.items() if is_nullable(document, schema)}
    generated = [name for name in resolved if name not in writable and name != key]
    reshaped = {
        name
        for name in writable
        if name in resolved
        and _shape(document, request_properties[name]) != _shape(document, resolved[name])
    }
    spec = ResourceSpec(
        collection=prefix,
        model=model,
        verbose_name=_words(model),
        fields=tuple(properties),
        writable=tuple(writable),
        key=key,
        key_source=key_source,
        properties=properties,
        generated=tuple(generated),
        reshaped=frozenset(reshaped),
        nullable=frozenset(nullable),
        filterable=frozenset(properties) | {"created", "last_updated"},
        filter_aliases=aliases,
        search_fields=tuple(search),
        ordering_fields=tuple(ordering_fields),
        default_ordering=tuple(default_ordering),
        unique_fields=(key,) if key_source == "body" else (),
        defaults=defaults,
    )
    spec = replace(spec, response_schemas=_other_answers(document, by_id, prefix, model))
    item_path = None
    if retrieve is not None:
        item_path = retrieve.path
    return Inferred(
        spec=spec,
        collection_path=listing.path,
        item_path=item_path,
        lookup=lookup,
        noun=_noun(listing.path),
        key_type=_kind(resolved.get("pk", resolved.get(key, {}))),
    )


ANSWERING_ACTIONS = ("create", "retrieve", "update", "partial_update")


def _other_answers(
    document: Mapping[str, Any], by_id: Mapping[str, Operation], prefix: str, model: str
) -> dict[str, Any]:
    """The actions that answer with another schema than the listed object (`AgentCreated`)."""
    other: dict[str, Any] = {}
    for action in ANSWERING_ACTIONS:
        operation = by_id.get(f"{prefix}_{action}")
        if operation is None:
            continue
        responses = operation.definition.get("responses", {})
        success = sorted(str(code) for code in responses if str(code).startswith("2"))
        response = resolve(document, responses.get(success[0], {}) if success else {})
        content = response.get("content") or {}
        media = next((m for t, m in content.items() if "json" in t), None)
        schema = (media or {}).get("schema")
        if media is None or schema is None or _schema_name(schema) != model:
            other[action] = schema
    return other


def customise(found: Iterable[Inferred], customisations: Mapping[str, Any]) -> list[Inferred]:
    """Apply each resource's named customisation (a function of its inferred spec)."""
    result = []
    for item in found:
        change = customisations.get(item.spec.collection)
        result.append(replace(item, spec=change(item.spec)) if change else item)
    return result
