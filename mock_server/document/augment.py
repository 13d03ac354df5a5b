"""Changes to a document before it is served, each one saying more of what the mock does.

They never change what a request or response may be, only make it explicit: a `type` beside a
parameter's `allOf` (Connexion's parameter parser needs one), the 404 answers that Django
REST Framework gives for unknown objects and pages but that generated documents leave out, and
literal paths ordered before templated ones.
"""

from __future__ import annotations

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
    """Give every inline parameter schema without a `type` the type of what it wraps."""
    for parameters in _parameter_lists(document):
        for parameter in parameters:
            if not isinstance(parameter, dict) or "$ref" in parameter:
                continue
            schema = parameter.get("schema")
            if isinstance(schema, dict) and "type" not in schema and "$ref" not in schema:
                kind = _infer_type(document, schema)
                if kind:
                    schema["type"] = kind


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
