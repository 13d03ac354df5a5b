"""Swagger 2.0 documents, served as the OpenAPI 3.0 document they mean.

Every later layer reads OpenAPI 3: the conversion happens once, after the 2.0 document has been
checked, and follows the mapping the OpenAPI 3.0 specification gives for each 2.0 construct:
`definitions`, `parameters` and `responses` move under `components`; body and form parameters
become a `requestBody` in the operation's `consumes` types; a response's `schema` becomes its
content in the `produces` types; `collectionFormat` becomes `style`/`explode`; `type: file`
becomes a binary string; `x-nullable` becomes `nullable`; security definitions become schemes.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
SCHEMA_KEYS = (
    "type",
    "format",
    "items",
    "enum",
    "default",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "multipleOf",
)
# collectionFormat -> (style, explode), for query parameters; elsewhere only csv has a match.
COLLECTION_STYLES = {
    "csv": ("form", False),
    "ssv": ("spaceDelimited", False),
    "pipes": ("pipeDelimited", False),
    "multi": ("form", True),
    "tsv": ("form", False),
}
FLOWS = {
    "implicit": "implicit",
    "password": "password",
    "application": "clientCredentials",
    "accessCode": "authorizationCode",
}


def is_swagger2(document: Mapping[str, Any]) -> bool:
    return str(document.get("swagger", "")).startswith("2")


def convert(document: Mapping[str, Any]) -> dict[str, Any]:
    """The OpenAPI 3.0.3 document a checked Swagger 2.0 `document` describes."""
    source = copy.deepcopy(dict(document))
    body_parameters = {
        name
        for name, parameter in (source.get("parameters") or {}).items()
        if parameter.get("in") in ("body", "formData")
    }
    source = _rewrite_refs(source, body_parameters)
    consumes = source.get("consumes") or [JSON]
    produces = source.get("produces") or [JSON]
    converted: dict[str, Any] = {"openapi": "3.0.3", "info": source.get("info") or {}}
    converted["servers"] = [{"url": _server(source)}]
    for key in ("tags", "externalDocs", "security"):
        if key in source:
            converted[key] = source[key]
    converted.update({key: value for key, value in source.items() if key.startswith("x-")})
    components: dict[str, Any] = {}
    schemas = {name: _schema(schema) for name, schema in (source.get("definitions") or {}).items()}
    if schemas:
        components["schemas"] = schemas
    parameters, bodies = {}, {}
    for name, parameter in (source.get("parameters") or {}).items():
        if name in body_parameters:
            bodies[name] = _request_body([parameter], consumes)
        else:
            parameters[name] = _parameter(parameter)
    if parameters:
        components["parameters"] = parameters
    if bodies:
        components["requestBodies"] = bodies
    responses = {
        name: _response(response, produces)
        for name, response in (source.get("responses") or {}).items()
    }
    if responses:
        components["responses"] = responses
    schemes = {
        name: _security_scheme(scheme)
        for name, scheme in (source.get("securityDefinitions") or {}).items()
    }
    if schemes:
        components["securitySchemes"] = schemes
    if components:
        converted["components"] = components
    converted["paths"] = {
        path: _path_item(item, consumes, produces)
        for path, item in (source.get("paths") or {}).items()
    }
    return converted


def _server(source: Mapping[str, Any]) -> str:
    base = str(source.get("basePath") or "/")
    host = source.get("host")
    if not host:
        return base
    scheme = (source.get("schemes") or ["https"])[0]
    return f"{scheme}://{host}{base if base != '/' else ''}"


def _rewrite_refs(node: Any, body_parameters: set[str]) -> Any:
    if isinstance(node, list):
        return [_rewrite_refs(item, body_parameters) for item in node]
    if not isinstance(node, dict):
        return node
    rewritten = {key: _rewrite_refs(value, body_parameters) for key, value in node.items()}
    reference = rewritten.get("$ref")
    if isinstance(reference, str) and reference.startswith("#/"):
        section, _, name = reference[2:].partition("/")
        if section == "definitions":
            rewritten["$ref"] = f"#/components/schemas/{name}"
        elif section == "parameters":
            where = "requestBodies" if name in body_parameters else "parameters"
            rewritten["$ref"] = f"#/components/{where}/{name}"
        elif section == "responses":
            rewritten["$ref"] = f"#/components/responses/{name}"
    return rewritten


def _schema(schema: Any) -> Any:
    """A 2.0 schema as a 3.0 one (recursively)."""
    if isinstance(schema, list):
        return [_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    converted: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "x-nullable":
            converted["nullable"] = bool(value)
        elif key == "discriminator" and isinstance(value, str):
            converted["discriminator"] = {"propertyName": value}
        elif key in ("properties", "patternProperties"):
            converted[key] = {name: _schema(item) for name, item in (value or {}).items()}
        elif key in ("items", "additionalProperties", "not") or key in ("allOf", "anyOf", "oneOf"):
            converted[key] = _schema(value)
        else:
            converted[key] = value
    if converted.get("type") == "file":
        converted["type"], converted["format"] = "string", "binary"
    return converted


def _parameter(parameter: Mapping[str, Any]) -> dict[str, Any]:
    if "$ref" in parameter:
        return dict(parameter)
    converted = {
        key: parameter[key]
        for key in ("name", "in", "description", "required", "allowEmptyValue", "deprecated")
        if key in parameter
    }
    converted.update({key: value for key, value in parameter.items() if key.startswith("x-")})
    schema = _schema({key: parameter[key] for key in SCHEMA_KEYS if key in parameter})
    if "x-nullable" in parameter:
        schema["nullable"] = bool(parameter["x-nullable"])
    converted["schema"] = schema
    if parameter.get("type") == "array":
        collection = parameter.get("collectionFormat", "csv")
        style, explode = COLLECTION_STYLES.get(collection, ("form", False))
        if parameter.get("in") == "query":
            converted["style"], converted["explode"] = style, explode
        elif parameter.get("in") in ("path", "header"):
            converted["style"], converted["explode"] = "simple", False
    if parameter.get("in") == "path":
        converted["required"] = True
    return converted


def _request_body(parameters: list[Mapping[str, Any]], consumes: list[str]) -> dict[str, Any]:
    body = next((p for p in parameters if p.get("in") == "body"), None)
    if body is not None:
        schema = _schema(body.get("schema") or {})
        types = [kind for kind in consumes if "form" not in kind] or [JSON]
        converted: dict[str, Any] = {"content": {kind: {"schema": schema} for kind in types}}
        if body.get("description"):
            converted["description"] = body["description"]
        if body.get("required"):
            converted["required"] = True
        return converted
    fields = [p for p in parameters if p.get("in") == "formData"]
    properties = {}
    for field in fields:
        schema = _parameter(field)["schema"]
        if field.get("description"):
            schema["description"] = field["description"]
        properties[field["name"]] = schema
    schema = {"type": "object", "properties": properties}
    required = [field["name"] for field in fields if field.get("required")]
    if required:
        schema["required"] = required
    has_file = any(field.get("type") == "file" for field in fields)
    types = [kind for kind in consumes if kind in (FORM, MULTIPART)]
    types = types or [MULTIPART if has_file else FORM]
    return {"content": {kind: {"schema": schema} for kind in types}, "required": bool(required)}


def _response(response: Mapping[str, Any], produces: list[str], status: str = "") -> dict[str, Any]:
    if "$ref" in response:
        return dict(response)
    converted: dict[str, Any] = {"description": response.get("description", "")}
    if "schema" not in response and status not in ("204", "304"):
        # 2.0's `produces` names the media types of every answer, with a schema or not.
        converted["content"] = {kind: {} for kind in produces}
    elif "schema" in response:
        schema = _schema(response["schema"])
        examples = response.get("examples") or {}
        content: dict[str, Any] = {}
        for kind in produces:
            media: dict[str, Any] = {"schema": schema}
            if kind in examples:
                media["example"] = examples[kind]
            content[kind] = media
        converted["content"] = content
    if response.get("headers"):
        converted["headers"] = {
            name: {
                "schema": _schema({k: v for k, v in header.items() if k in SCHEMA_KEYS}),
                **({"description": header["description"]} if "description" in header else {}),
            }
            for name, header in response["headers"].items()
        }
    return converted


def _security_scheme(scheme: Mapping[str, Any]) -> dict[str, Any]:
    kind = scheme.get("type")
    described = {"description": scheme["description"]} if "description" in scheme else {}
    if kind == "basic":
        return {"type": "http", "scheme": "basic", **described}
    if kind == "apiKey":
        return {"type": "apiKey", "name": scheme.get("name"), "in": scheme.get("in"), **described}
    flow: dict[str, Any] = {"scopes": scheme.get("scopes") or {}}
    if "authorizationUrl" in scheme:
        flow["authorizationUrl"] = scheme["authorizationUrl"]
    if "tokenUrl" in scheme:
        flow["tokenUrl"] = scheme["tokenUrl"]
    name = FLOWS.get(str(scheme.get("flow")), "implicit")
    return {"type": "oauth2", "flows": {name: flow}, **described}


def _path_item(item: Mapping[str, Any], consumes: list[str], produces: list[str]) -> Any:
    if not isinstance(item, Mapping):
        return item
    shared = list(item.get("parameters") or [])
    converted: dict[str, Any] = {}
    if "$ref" in item:
        converted["$ref"] = item["$ref"]
    plain = [
        p
        for p in shared
        if p.get("in") not in ("body", "formData") and "/requestBodies/" not in p.get("$ref", "")
    ]
    if plain:
        converted["parameters"] = [_parameter(p) for p in plain]
    for method, operation in item.items():
        if method in ("parameters", "$ref") or not isinstance(operation, Mapping):
            if method.startswith("x-"):
                converted[method] = operation
            continue
        converted[method] = _operation(operation, shared, consumes, produces)
    return converted


def _operation(
    operation: Mapping[str, Any],
    shared: list[Mapping[str, Any]],
    consumes: list[str],
    produces: list[str],
) -> dict[str, Any]:
    consumes = operation.get("consumes") or consumes
    produces = operation.get("produces") or produces
    converted = {
        key: value
        for key, value in operation.items()
        if key not in ("parameters", "responses", "consumes", "produces", "schemes")
    }
    own = list(operation.get("parameters") or [])
    named = {(p.get("name"), p.get("in")) for p in own}
    inherited = [p for p in shared if (p.get("name"), p.get("in")) not in named]
    every = inherited + own
    body_like = [p for p in every if p.get("in") in ("body", "formData")]
    references = [p for p in own if "$ref" in p and "/requestBodies/" in p["$ref"]]
    plain = [p for p in own if p not in body_like and p not in references]
    if plain:
        converted["parameters"] = [_parameter(p) for p in plain]
    if body_like:
        converted["requestBody"] = _request_body(body_like, consumes)
    elif references:
        converted["requestBody"] = {"$ref": references[0]["$ref"]}
    converted["responses"] = {
        str(code): _response(response, produces, str(code))
        for code, response in (operation.get("responses") or {}).items()
    }
    return converted
