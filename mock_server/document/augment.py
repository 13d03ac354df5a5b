"""Changes to a document before it is served, each one saying more of what the mock does.

They never change what a request or response may be, only make it explicit: an operationId
for each operation that has none (derived from its method and path), a `type` beside a
parameter's `allOf` (Connexion's parameter parser needs one), the 404 answers that Django
REST Framework gives for unknown objects and pages but that generated documents leave out, and
literal paths ordered before templated ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from mock_server.document.openapi import HTTP_METHODS, resolve

NOT_FOUND_DESCRIPTION = "No such object, or a page past the end (documented by the mock)."
DETAIL_SCHEMA = {
    "type": "object",
    "required": ["detail"],
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
}


def _infer_type(document: Mapping[str, Any], schema: Any, depth: int = 0) -> str | None:
    schema = resolve(document, schema)
    if not isinstance(schema, Mapping) or depth > 5:
        return None
    if isinstance(schema.get("type"), str):
        return schema["type"]
    for keyword in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(keyword, []):
            kind = _infer_type(document, part, depth + 1)
            if kind:
                return kind
    if "enum" in schema:
        values = [v for v in schema["enum"] if v is not None]
        return "string" if all(isinstance(v, str) for v in values) else None
    return None


def _parameter_lists(document: dict[str, Any]) -> Iterable[list[Any]]:
    yield list((document.get("components") or {}).get("parameters", {}).values())
    for item in (document.get("paths") or {}).values():
        yield item.get("parameters", [])
        for method in HTTP_METHODS:
            if isinstance(item.get(method), Mapping):
                yield item[method].get("parameters", [])


def type_parameters(document: dict[str, Any]) -> None:
    """Give every inline parameter schema without a `type` the type of what it wraps, or
    `string` where it wraps nothing typed (`schema: {}`): a parameter arrives as a string
    anyway, and Connexion's parameter parser needs a type."""
    for parameters in _parameter_lists(document):
        for parameter in parameters:
            if not isinstance(parameter, dict) or "$ref" in parameter:
                continue
            schema = parameter.get("schema")
            if isinstance(schema, dict) and "type" not in schema and "$ref" not in schema:
                schema["type"] = _infer_type(document, schema) or "string"


def document_not_found(document: dict[str, Any], operation_ids: set[str]) -> None:
    """Add a 404 answer where the document has none: to the named operations, and to every
    operation with a path parameter (a value that does not route, or names nothing)."""
    schemas = (document.get("components") or {}).get("schemas", {})
    schema = (
        {"$ref": "#/components/schemas/GenericError"}
        if "GenericError" in schemas
        else (DETAIL_SCHEMA)
    )
    for path, item in (document.get("paths") or {}).items():
        for method in HTTP_METHODS:
            operation = item.get(method) if isinstance(item, Mapping) else None
            if not isinstance(operation, dict):
                continue
            templated = "{" in path
            if not templated and operation.get("operationId") not in operation_ids:
                continue
            responses = operation.setdefault("responses", {})
            if "404" not in responses and 404 not in responses:
                responses["404"] = {
                    "description": NOT_FOUND_DESCRIPTION,
                    "content": {"application/json": {"schema": schema}},
                }


def order_paths(document: dict[str, Any]) -> None:
    """Literal segments before templated ones (`/flows/instances/cache_info/` before
    `/flows/instances/{slug}/`), as Django's router tries them: the router takes the first
    route that matches, in document order."""
    paths = document.get("paths") or {}

    def specificity(path: str) -> tuple[bool, ...]:
        return tuple(segment.startswith("{") for segment in path.strip("/").split("/"))

    document["paths"] = dict(sorted(paths.items(), key=lambda item: specificity(item[0])))


def name_operations(document: dict[str, Any]) -> list[str]:
    """Give every operation without an `operationId` a stable one made of its method and path
    (`get /pets/{petId}` -> `get_pets_petId`), unique in the document; the names given.

    Many real documents name none, and Connexion routes by operationId.

    >>> doc = {"paths": {"/pets/{id}": {"get": {}, "put": {"operationId": "get_pets_id"}}}}
    >>> name_operations(doc), doc["paths"]["/pets/{id}"]["get"]["operationId"]
    (['get_pets_id_2'], 'get_pets_id_2')
    """
    taken = {
        definition["operationId"]
        for item in document.get("paths", {}).values()
        if isinstance(item, Mapping)
        for method, definition in item.items()
        if method in HTTP_METHODS
        and isinstance(definition, Mapping)
        and "operationId" in definition
    }
    given: list[str] = []
    for path, item in document.get("paths", {}).items():
        if not isinstance(item, Mapping):
            continue
        for method in HTTP_METHODS:
            definition = item.get(method)
            if not isinstance(definition, dict) or definition.get("operationId"):
                continue
            words = re.findall(r"[A-Za-z0-9]+", path)
            base = "_".join([method, *words]) if words else f"{method}_root"
            name = unique_name(base, taken)
            definition["operationId"] = name
            given.append(name)
    return given


def unique_name(base: str, taken: set[str], separator: str = "_") -> str:
    """`base`, or `base_2`, `base_3`, ...: the first not in `taken`, which then holds it.

    >>> unique_name("get_x", {"get_x"})
    'get_x_2'
    """
    name, number = base, 1
    while name in taken:
        number += 1
        name = f"{base}{separator}{number}"
    taken.add(name)
    return name
