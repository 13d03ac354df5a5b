"""Changes to a document before it is served, each one saying more of what the mock does.

They never change what a request or response may be, only make it explicit: an operationId
for each operation that has none (derived from its method and path), a `type` beside a
parameter's `allOf` (Connexion's parameter parser needs one), the 404 answers that Django
REST Framework gives for unknown objects and pages but that generated documents leave out, and
literal paths ordered before templated ones.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from specdouble.document import openapi
from specdouble.document.openapi import HTTP_METHODS, QUALIFIER, resolve

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


REFUSAL = "x-mock-server-refusal"
"""On a query parameter: the code of the words its server refuses an unreadable value with,
where they are not its type's (`params.parse_parameters` reads it)."""


def mark_refusals(
    document: dict[str, Any],
    words: Mapping[str, Mapping[str, str]],
    *,
    numbers: str | None = None,
    except_for: frozenset[str] = frozenset(),
) -> None:
    """Mark the query parameters `words` names (operationId -> parameter -> code) with their
    refusal's code; with `numbers`, also every other number parameter of those operations but
    `except_for` (a filter's number is read by a form field of its own)."""
    for item in (document.get("paths") or {}).values():
        for method in HTTP_METHODS:
            operation = item.get(method) if isinstance(item, Mapping) else None
            if not isinstance(operation, dict) or operation.get("operationId") not in words:
                continue
            named = words[operation["operationId"]]
            for parameter in operation.get("parameters", []):
                if not isinstance(parameter, dict) or parameter.get("in") != "query":
                    continue  # a shared (`$ref`) parameter is not this operation's to mark
                name = parameter.get("name")
                code = named.get(name)
                if code is None and numbers and name not in except_for:
                    kind = _infer_type(document, parameter.get("schema") or {})
                    code = numbers if kind in ("integer", "number") else None
                if code is not None:
                    parameter[REFUSAL] = code


RELATED_KEY = "x-related-key"
"""On a request body's property: it takes another object's key (`uuid` or `integer`), which
DRF reads with a `PrimaryKeyRelatedField` and words as the model's key field does."""


def mark_related_bodies(document: dict[str, Any], keys: Mapping[str, Mapping[str, str]]) -> None:
    """Mark the request-body properties `keys` names (operationId -> field -> key kind)."""
    for item in (document.get("paths") or {}).values():
        for method in HTTP_METHODS:
            operation = item.get(method) if isinstance(item, Mapping) else None
            if not isinstance(operation, dict) or operation.get("operationId") not in keys:
                continue
            body = resolve(document, operation.get("requestBody") or {})
            for media in (body.get("content") or {}).values():
                schema = resolve(document, (media or {}).get("schema") or {})
                properties = schema.get("properties") if isinstance(schema, dict) else None
                for name, kind in keys[operation["operationId"]].items():
                    found = (properties or {}).get(name)
                    if isinstance(found, dict) and found.get("type") == "array":
                        found = found.get("items")  # many: each item is a key
                    if isinstance(found, dict) and "$ref" not in found:
                        found[RELATED_KEY] = kind


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
    route that matches, in document order. A key with a query or fragment comes before the
    plain one it qualifies: the request is spelled as it once chosen, and the plain
    template's last parameter would take the suffix too (AWS's `/bots/{botId}` and
    `/bots/{botId}#operation=regenerate-security-token`).

    >>> doc = {"paths": {"/b/{id}": {}, "/b/{id}#operation=x": {}, "/b/new": {}}}
    >>> order_paths(doc); list(doc["paths"])
    ['/b/new', '/b/{id}#operation=x', '/b/{id}']
    """
    paths = document.get("paths") or {}

    def specificity(path: str) -> tuple[tuple[bool, ...], bool]:
        segments = tuple(segment.startswith("{") for segment in path.strip("/").split("/"))
        return segments, QUALIFIER.search(path, 1) is None

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


def inline_awkward_refs(document: dict[str, Any]) -> int:
    """Put in place the `$ref`s Connexion's own resolver cannot follow: those naming a value
    that is not an object (a list or string in an `x-` extension), and pointers that need
    unescaping (`~1`, `%7B`). The document means the same; the count is returned.

    >>> doc = {"x-list": ["a"], "paths": {"/p": {"x-uses": {"$ref": "#/x-list"}}}}
    >>> inline_awkward_refs(doc), doc["paths"]["/p"]["x-uses"]
    (1, ['a'])
    """
    count = 0

    def walk(node: Any, depth: int) -> Any:
        nonlocal count
        if isinstance(node, list):  # only containers are visited: most nodes are not
            for number, item in enumerate(node):
                if isinstance(item, (dict, list)):
                    node[number] = walk(item, depth)
            return node
        reference = node.get("$ref")
        if isinstance(reference, str) and reference.startswith("#/") and depth < 32:
            try:
                target = openapi.resolve(document, {"$ref": reference})
            except (openapi.SpecError, KeyError, IndexError, TypeError):
                return node
            awkward = not isinstance(target, dict) or "~" in reference or "%" in reference
            if awkward:
                count += 1
                return walk(openapi.copied(target), depth + 1)
            return node
        for key, value in node.items():
            if isinstance(value, (dict, list)):
                node[key] = walk(value, depth)
        return node

    for key, value in list(document.items()):
        if isinstance(value, (dict, list)):
            document[key] = walk(value, 0)
    return count


def distinct_path_parameters(document: dict[str, Any]) -> list[str]:
    """Give a parameter that a path names twice (`/a/{id}/b/{id}`) a second name for its later
    places (`{id_2}`), declared as the first: the router needs distinct names, and the URLs
    that match are the same. The paths renamed are returned.

    >>> doc = {"paths": {"/a/{id}/{id}": {"parameters": [{"name": "id", "in": "path"}]}}}
    >>> distinct_path_parameters(doc), list(doc["paths"]), doc["paths"]["/a/{id}/{id_2}"]
    (['/a/{id}/{id}'], ['/a/{id}/{id_2}'], {'parameters': [{'name': 'id', 'in': 'path'}, \
{'name': 'id_2', 'in': 'path'}]})
    """
    renamed: list[str] = []
    paths = document.get("paths") or {}
    for path in list(paths):
        names = re.findall(r"{([^}]+)}", path)
        if len(names) == len(set(names)):
            continue
        new_path, extra = _second_names(path, set(names))
        item = paths.pop(path)
        for holder in [item, *(item.get(m) for m in HTTP_METHODS)]:
            if not isinstance(holder, dict) or "parameters" not in holder:
                continue
            declared = [resolve(document, p) for p in holder["parameters"]]
            for new, old in extra.items():
                original = next(
                    (p for p in declared if p.get("name") == old and p.get("in") == "path"), None
                )
                if original is not None:
                    holder["parameters"].append({**original, "name": new})
        paths[new_path] = item
        renamed.append(path)
    return renamed


def _second_names(path: str, names: set[str]) -> tuple[str, dict[str, str]]:
    """The path with each later use of a parameter renamed, and new name -> old name."""
    seen: dict[str, int] = {}
    extra: dict[str, str] = {}
    parts = re.split(r"({[^}]+})", path)
    for index, part in enumerate(parts):
        if not (part.startswith("{") and part.endswith("}")):
            continue
        name = part[1:-1]
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            new = unique_name(f"{name}_{seen[name]}", names | set(extra))
            extra[new] = name
            parts[index] = "{" + new + "}"
    return "".join(parts), extra


def drop_bodies_of_no_media_type(document: dict[str, Any]) -> int:
    """An operation's `requestBody` whose `content` names no media type (Just Eat's
    `{"content": {}, "required": false}`) describes nothing a request could send: it is
    left out, as no body (Connexion's reading of it ended each such request in a 500);
    the operations counted.

    >>> op = {"requestBody": {"content": {}, "required": False}, "responses": {}}
    >>> drop_bodies_of_no_media_type({"paths": {"/c": {"delete": op}}}), "requestBody" in op
    (1, False)
    """
    dropped = 0
    for _, operation, body in _bodies(document):
        if body.get("content") == {}:
            del operation["requestBody"]
            dropped += 1
    return dropped


def _bodies(
    document: dict[str, Any],
) -> Iterator[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
    """(path item, operation, its request body resolved) of each operation with a body."""
    for item in (document.get("paths") or {}).values():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict) or "requestBody" not in operation:
                continue
            body = resolve(document, operation["requestBody"])
            if isinstance(body, dict):
                yield item, operation, body


def widen_body_media_types(document: dict[str, Any]) -> int:
    """Let a body come in every media type its operation names: a `Content-Type` header
    parameter's values (Docker's `application/x-tar` for an `application/octet-stream`
    body), the bare type of one named with parameters, and any type at all where the body is
    raw bytes (`application/octet-stream`); the operations widened are counted.

    >>> op = {"parameters": [{"name": "Content-type", "in": "header",
    ...   "schema": {"enum": ["application/x-tar"]}}],
    ...   "requestBody": {"content": {"application/octet-stream": {"schema": {}}}}}
    >>> widen_body_media_types({"paths": {"/b": {"post": op}}})
    1
    >>> sorted(op["requestBody"]["content"])
    ['*/*', 'application/octet-stream', 'application/x-tar']
    """
    widened = 0
    for item, operation, body in _bodies(document):
        content = body.get("content")
        if not isinstance(content, dict) or not content:
            continue
        first = next(iter(content.values()))
        named = []
        for parameter in [
            *(item.get("parameters") or []),
            *(operation.get("parameters") or []),
        ]:
            parameter = resolve(document, parameter)
            if (
                parameter.get("in") == "header"
                and parameter.get("name", "").lower() == "content-type"
            ):
                schema = resolve(document, parameter.get("schema") or {})
                named += [str(v) for v in schema.get("enum") or [] if isinstance(v, str)]
        if "application/octet-stream" in content:
            named.append("*/*")
        # A type named with parameters (`application/json;charset=UTF-8`) takes the
        # bare type too: a router compares types, not their parameters.
        named += [kind.split(";")[0].strip() for kind in content if ";" in kind]
        added = [kind for kind in named if kind not in content]
        if added:
            if "$ref" in operation["requestBody"]:
                operation["requestBody"] = body = copy.deepcopy(body)
                content = body["content"]
            for kind in added:
                content[kind] = copy.deepcopy(first)
            widened += 1
    return widened


def _rewrite_requirements(document: dict[str, Any], rewrite: Any) -> None:
    """Apply `rewrite` to the document's and every operation's list of security requirements."""
    if "security" in document:
        document["security"] = rewrite(document["security"])
    for item in (document.get("paths") or {}).values():
        for method in HTTP_METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if isinstance(operation, dict) and "security" in operation:
                operation["security"] = rewrite(operation["security"])


def drop_undefined_security(document: dict[str, Any]) -> list[str]:
    """Take out of every security requirement the schemes the document never defines (no
    credential can satisfy them; `mock-server validate` names each): an operation left with
    no requirement is open. The names dropped are returned.

    >>> doc = {"paths": {"/a": {"get": {"security": [{"api_key": []}]}}}}
    >>> drop_undefined_security(doc), doc["paths"]["/a"]["get"]["security"]
    (['api_key'], [])
    """
    defined = set((document.get("components") or {}).get("securitySchemes") or {})
    dropped: list[str] = []

    def keep(requirements: Any) -> Any:
        if not isinstance(requirements, list):
            return requirements
        kept = []
        for requirement in requirements:
            if not isinstance(requirement, dict):
                continue
            unknown = [name for name in requirement if name not in defined]
            dropped.extend(name for name in unknown if name not in dropped)
            if not unknown:
                kept.append(requirement)
        return kept if kept or not requirements else []

    _rewrite_requirements(document, keep)
    return dropped


def one_bearer_per_requirement(document: dict[str, Any]) -> int:
    """Keep one of the OAuth2 and OpenID Connect schemes a requirement asks for together: all
    read the same bearer token, so one token satisfies each, and Connexion refuses such a
    requirement whole (Google's documents ask for `Oauth2` and `Oauth2c` at once). Answers how
    many requirements changed.

    >>> doc = {
    ...     "components": {"securitySchemes": {"a": {"type": "oauth2"}, "b": {"type": "oauth2"}}},
    ...     "security": [{"a": ["x"], "b": ["x"]}],
    ... }
    >>> one_bearer_per_requirement(doc), doc["security"]
    (1, [{'a': ['x']}])
    """
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    bearers = {
        name
        for name, scheme in schemes.items()
        if isinstance(scheme, dict) and scheme.get("type") in ("oauth2", "openIdConnect")
    }
    changed = 0

    def merge(requirements: Any) -> Any:
        nonlocal changed
        if not isinstance(requirements, list):
            return requirements
        merged = []
        for requirement in requirements:
            together = [name for name in requirement or {} if name in bearers]
            if isinstance(requirement, dict) and len(together) > 1:
                changed += 1
                requirement = {k: v for k, v in requirement.items() if k not in together[1:]}
            merged.append(requirement)
        return merged

    _rewrite_requirements(document, merge)
    return changed
