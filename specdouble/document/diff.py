"""`mock-server diff OLD NEW`: what changed between two versions of a document, and whom it
breaks.

Each change is classified by its effect on the two sides of the contract: a change that
breaks clients (an operation removed, a parameter made required, an enum value a client may
send removed, a request type narrowed, a response field removed or made nullable, a response
enum that gains a value a client does not know) is an `error`; one that only breaks servers
(a request widened: a server must now accept more; a response field made required) is a
`warning`; a compatible one (an operation or an optional parameter added) is `info`.
Requests and responses read the same schema change the other way round: a value added to an
enum breaks servers in a request and clients in a response.

With a journal (`used()`: what a recorded frontend called, sent and read), only the changes
that touch what it used are kept: none of the anchors (oasdiff, Redocly, Spectral) can say
which breaking changes a real frontend would meet.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from specdouble.document.openapi import (
    HTTP_METHODS,
    SpecError,
    json_pointer,
    path_shape,
    pointer_parts,
    resolve,
)

BREAKS_CLIENTS, BREAKS_SERVERS, COMPATIBLE = "error", "warning", "info"
WORDS = {
    BREAKS_CLIENTS: "breaks clients",
    BREAKS_SERVERS: "breaks servers",
    COMPATIBLE: "compatible",
}
MAX_DEPTH = 24
"""How deep schemas are compared (a recursive schema ends here)."""
SUCCESS = re.compile(r"^2\d\d$|^2XX$")

Path = tuple[str, ...]
"""Where a field is: property names, `[]` for a list's items (`results`, `[]`, `name`)."""


@dataclass(frozen=True, slots=True)
class Change:
    rule: str
    severity: str
    message: str
    pointer: str
    """Where in the new document (in the old one for what was removed)."""
    operation: str
    """`GET /users/{}`: the operation it belongs to."""
    place: str = ""
    """`query:name`, `body`, `response`: which part of the operation."""
    field: Path = ()


@dataclass(slots=True)
class Usage:
    """What a frontend used, per operation (`GET /users/{}`): the query parameters it sent,
    the body fields it sent, the answer fields it read."""

    operations: set[str] = field(default_factory=set)
    query: dict[str, set[str]] = field(default_factory=dict)
    sent: dict[str, set[Path]] = field(default_factory=dict)
    read: dict[str, set[Path]] = field(default_factory=dict)


def operation_key(method: str, path: str) -> str:
    """An operation by its method and path, path parameters unnamed (`{id}` and `{pk}` are
    the same place)."""
    return f"{method.upper()} {path_shape(path)}"


def changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Every change from `old` to `new`, classified."""
    before, after = _operations(old), _operations(new)
    found: list[Change] = []
    for key, (path, method, operation) in before.items():
        pointer = json_pointer(("paths", path, method))
        if key not in after:
            found.append(Change("operation-removed", BREAKS_CLIENTS, "removed", pointer, key))
            continue
        new_path, new_method, new_operation = after[key]
        where = ("paths", new_path, new_method)
        compare = _Compare(old, new, key)
        compare.operation(operation, new_operation, where)
        found += compare.found
    for key, (path, method, operation) in after.items():
        if key not in before:
            pointer = json_pointer(("paths", path, method))
            found.append(Change("operation-added", COMPATIBLE, "added", pointer, key))
        elif operation.get("deprecated") and not before[key][2].get("deprecated"):
            pointer = json_pointer(("paths", path, method, "deprecated"))
            found.append(Change("operation-deprecated", COMPATIBLE, "deprecated", pointer, key))
    return found


PLACED = "parameters placed"
"""An operation's parameters, each with where it is written, path-level ones included."""


def _at(document: Mapping[str, Any], where: tuple[Any, ...]) -> Mapping[str, Any]:
    node: Any = document
    for part in where:
        node = node.get(part) if isinstance(node, Mapping) else None
    return node if isinstance(node, Mapping) else {}


def _operations(document: Mapping[str, Any]) -> dict[str, tuple[str, str, Mapping[str, Any]]]:
    found = {}
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, Mapping):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, Mapping):
                # Each parameter with where it is written: the path's own, then the
                # operation's, which win (an operation's may override its path's).
                placed = [
                    ((*where, "parameters", index), parameter)
                    for where in (("paths", path), ("paths", path, method))
                    for index, parameter in enumerate(_at(document, where).get("parameters") or [])
                    if isinstance(parameter, Mapping)
                ]
                found[operation_key(method, path)] = (path, method, {**operation, PLACED: placed})
    return found


class _Compare:
    """The changes of one operation, collected in `found`."""

    def __init__(self, old: Mapping[str, Any], new: Mapping[str, Any], operation: str) -> None:
        self.old, self.new, self.key = old, new, operation
        self.found: list[Change] = []

    def add(
        self,
        rule: str,
        severity: str,
        message: str,
        where: Sequence[Any],
        place: str = "",
        field: Path = (),
    ) -> None:
        self.found.append(
            Change(rule, severity, message, json_pointer(where), self.key, place, field)
        )

    def operation(
        self, old: Mapping[str, Any], new: Mapping[str, Any], where: tuple[Any, ...]
    ) -> None:
        self.parameters(old, new, where)
        self.request_body(old, new, where)
        self.responses(old, new, where)

    def parameters(self, old: Mapping[str, Any], new: Mapping[str, Any], where: Path) -> None:
        before = self._parameters(self.old, old)
        after = self._parameters(self.new, new)
        for (location, name), parameter in before.items():
            place = f"{location}:{name}"
            if (location, name) not in after:
                if location != "path":
                    self.add(
                        "parameter-removed",
                        BREAKS_CLIENTS,
                        f"{location} parameter `{name}` removed: a client's value is ignored",
                        parameter[0],
                        place,
                    )
                continue
            at, changed = after[(location, name)]
            if changed.get("required") and not parameter[1].get("required"):
                self.add(
                    "parameter-made-required",
                    BREAKS_CLIENTS,
                    f"{location} parameter `{name}` made required",
                    (*at, "required"),
                    place,
                )
            elif parameter[1].get("required") and not changed.get("required"):
                self.add(
                    "parameter-made-optional",
                    BREAKS_SERVERS,
                    f"{location} parameter `{name}` made optional",
                    at,
                    place,
                )
            self.schema(
                parameter[1].get("schema") or {},
                changed.get("schema") or {},
                (*at, "schema"),
                request=True,
                place=place,
            )
        for (location, name), (at, parameter) in after.items():
            if (location, name) in before:
                continue
            required = bool(parameter.get("required"))
            self.add(
                "parameter-added-required" if required else "parameter-added",
                BREAKS_CLIENTS if required else COMPATIBLE,
                f"{'required ' if required else ''}{location} parameter `{name}` added",
                at,
                f"{location}:{name}",
            )

    def _parameters(
        self, document: Mapping[str, Any], operation: Mapping[str, Any]
    ) -> dict[tuple[str, str], tuple[tuple[Any, ...], Mapping[str, Any]]]:
        """Each parameter by where it goes and its name: where it is written, and itself."""
        found = {}
        for at, raw in operation.get(PLACED) or []:
            parameter = _resolve(document, raw)
            if isinstance(parameter, Mapping) and "name" in parameter:
                found[(str(parameter.get("in")), str(parameter["name"]))] = (at, parameter)
        return found

    def request_body(self, old: Mapping[str, Any], new: Mapping[str, Any], where: Path) -> None:
        before = _resolve(self.old, old.get("requestBody") or {})
        after = _resolve(self.new, new.get("requestBody") or {})
        at = (*where, "requestBody")
        if after.get("required") and not before.get("required"):
            self.add("body-made-required", BREAKS_CLIENTS, "request body made required", at, "body")
        elif not before and after:
            self.add("body-added", COMPATIBLE, "request body added", at, "body")
        for media, content in (before.get("content") or {}).items():
            if media not in (after.get("content") or {}):
                self.add(
                    "media-type-removed",
                    BREAKS_CLIENTS,
                    f"request body as {media} no longer accepted",
                    (*at, "content"),
                    "body",
                )
                continue
            self.schema(
                (content or {}).get("schema") or {},
                (after["content"][media] or {}).get("schema") or {},
                (*at, "content", media, "schema"),
                request=True,
                place="body",
            )

    def responses(self, old: Mapping[str, Any], new: Mapping[str, Any], where: Path) -> None:
        before = {str(k): v for k, v in (old.get("responses") or {}).items()}
        after = {str(k): v for k, v in (new.get("responses") or {}).items()}
        for code, answer in before.items():
            at = (*where, "responses", code)
            if code not in after:
                if SUCCESS.match(code):
                    self.add(
                        "success-status-removed",
                        BREAKS_CLIENTS,
                        f"success answer {code} removed",
                        (*where, "responses"),
                        "response",
                    )
                continue
            old_answer = _resolve(self.old, answer)
            new_answer = _resolve(self.new, after[code])
            for media, content in (old_answer.get("content") or {}).items():
                if media not in (new_answer.get("content") or {}):
                    if SUCCESS.match(code):
                        self.add(
                            "media-type-removed",
                            BREAKS_CLIENTS,
                            f"answer {code} no longer given as {media}",
                            (*at, "content"),
                            "response",
                        )
                    continue
                self.schema(
                    (content or {}).get("schema") or {},
                    (new_answer["content"][media] or {}).get("schema") or {},
                    (*at, "content", media, "schema"),
                    request=False,
                    place="response" if SUCCESS.match(code) else f"response:{code}",
                )
        for code in after:
            if code not in before:
                self.add(
                    "status-added",
                    COMPATIBLE,
                    f"answer {code} documented",
                    (*where, "responses", code),
                    "response",
                )

    def schema(
        self,
        old: Any,
        new: Any,
        where: tuple[Any, ...],
        *,
        request: bool,
        place: str,
        field: Path = (),
        seen: frozenset[tuple[tuple[Any, ...], tuple[Any, ...]]] = frozenset(),
    ) -> None:
        # A pair of schemas is compared once on a path: a recursive schema (a tree's
        # `children`) comes back to the same components, which are where they are written.
        pair = (_defined_at(self.old, old, where), _defined_at(self.new, new, where))
        where = pair[1]
        old, new = _flat(self.old, old), _flat(self.new, new)
        if pair in seen or len(field) > MAX_DEPTH:
            return
        seen = seen | {pair}
        named = f" `{'.'.join(field)}`" if field else ""
        side = "request" if request else "response"

        def add(rule: str, narrower_breaks_clients: bool, message: str, at: Path = where) -> None:
            # Narrower in a request, or wider in a response, breaks clients.
            severity = BREAKS_CLIENTS if narrower_breaks_clients else BREAKS_SERVERS
            self.add(rule, severity, f"{side}{named}: {message}", at, place, field)

        old_types, new_types = _types(old), _types(new)
        if old_types and new_types and old_types != new_types:
            lost, gained = old_types - new_types, new_types - old_types
            if "null" in gained and not (gained - {"null"}) and not lost:
                add("nullable-added", not request, "may now be null")
            elif "null" in lost and not (lost - {"null"}) and not gained:
                add("nullable-removed", request, "may no longer be null")
            elif lost and not gained:
                add("type-narrowed", request, f"type narrowed to {_shown(new_types)}")
            elif gained and not lost:
                add("type-widened", not request, f"type widened to {_shown(new_types)}")
            else:
                add(
                    "type-changed",
                    True,
                    f"type changed from {_shown(old_types)} to {_shown(new_types)}",
                )
        if isinstance(old.get("enum"), list) and isinstance(new.get("enum"), list):
            removed = [v for v in old["enum"] if v not in new["enum"]]
            added = [v for v in new["enum"] if v not in old["enum"]]
            if removed:
                add("enum-value-removed", request, f"enum values removed: {_values(removed)}")
            if added:
                add("enum-value-added", not request, f"enum values added: {_values(added)}")
        elif isinstance(new.get("enum"), list) and not isinstance(old.get("enum"), list):
            add("enum-added", request, f"limited to {_values(new['enum'])}")
        for word, narrower in (
            ("maxLength", "less"),
            ("maximum", "less"),
            ("maxItems", "less"),
            ("minLength", "more"),
            ("minimum", "more"),
            ("minItems", "more"),
        ):
            a, b = old.get(word), new.get(word)
            if isinstance(b, int | float) and (
                a is None or (b < a if narrower == "less" else b > a)
            ):
                add("limit-narrowed", request, f"{word} {a} -> {b}")
            elif isinstance(a, int | float) and (
                b is None or (b > a if narrower == "less" else b < a)
            ):
                add("limit-widened", not request, f"{word} {a} -> {b}")
        if old.get("pattern") != new.get("pattern") and new.get("pattern"):
            add("pattern-changed", request, f"pattern {old.get('pattern')!r} -> {new['pattern']!r}")
        self._properties(old, new, where, request=request, place=place, field=field, seen=seen)
        if isinstance(old.get("items"), Mapping) and isinstance(new.get("items"), Mapping):
            self.schema(
                old["items"],
                new["items"],
                (*where, "items"),
                request=request,
                place=place,
                field=(*field, "[]"),
                seen=seen,
            )

    def _properties(
        self,
        old: Mapping[str, Any],
        new: Mapping[str, Any],
        where: tuple[Any, ...],
        *,
        request: bool,
        place: str,
        field: Path,
        seen: frozenset[tuple[int, int]],
    ) -> None:
        before = old.get("properties") or {}
        after = new.get("properties") or {}
        old_required, new_required = set(old.get("required") or []), set(new.get("required") or [])
        side = "request" if request else "response"
        for name, schema in before.items():
            inner = (*field, name)
            shown = ".".join(inner)
            if name not in after:
                if _flat(self.old, schema).get("readOnly" if request else "writeOnly"):
                    continue  # never sent that way anyway
                self.add(
                    "property-removed",
                    BREAKS_CLIENTS,
                    f"{side} `{shown}`: removed",
                    (*where, "properties"),
                    place,
                    inner,
                )
                continue
            at = (*where, "properties", name)
            if request and name in new_required - old_required:
                self.add(
                    "property-made-required",
                    BREAKS_CLIENTS,
                    f"request `{shown}`: made required",
                    at,
                    place,
                    inner,
                )
            if not request and name in old_required - new_required:
                self.add(
                    "property-made-optional",
                    BREAKS_CLIENTS,
                    f"response `{shown}`: may now be absent",
                    at,
                    place,
                    inner,
                )
            self.schema(
                schema, after[name], at, request=request, place=place, field=inner, seen=seen
            )
        for name in after:
            if name in before:
                continue
            inner = (*field, name)
            required = request and name in new_required
            self.add(
                "property-added-required" if required else "property-added",
                BREAKS_CLIENTS if required else COMPATIBLE,
                f"{side} `{'.'.join(inner)}`: added{' (required)' if required else ''}",
                (*where, "properties", name),
                place,
                inner,
            )


def _defined_at(document: Mapping[str, Any], node: Any, where: tuple[Any, ...]) -> tuple[Any, ...]:
    """Where a schema is written: the component a `$ref` names (a change is reported where
    it can be edited), else where it is used."""
    for _ in range(32):
        if not (isinstance(node, Mapping) and isinstance(node.get("$ref"), str)):
            return where
        reference = node["$ref"]
        if not reference.startswith("#/"):
            return where
        where = pointer_parts(reference)
        node = _resolve(document, {"$ref": reference})
    return where


def _resolve(document: Mapping[str, Any], node: Any) -> Any:
    """`openapi.resolve`, where a reference that leads nowhere is an empty schema."""
    try:
        found = resolve(document, node)
    except SpecError:
        return {}
    return found if isinstance(found, Mapping) else {}


def _flat(document: Mapping[str, Any], schema: Any) -> dict[str, Any]:
    """A schema with its `$ref` followed and its `allOf` parts merged; a `oneOf`/`anyOf`
    of one schema and null is that schema, nullable."""
    schema = dict(_resolve(document, schema))
    for part in schema.pop("allOf", None) or []:
        merged = _flat(document, part)
        properties = {**merged.get("properties", {}), **schema.get("properties", {})}
        required = [*merged.get("required", []), *schema.get("required", [])]
        schema = {**merged, **schema}
        if properties:
            schema["properties"] = properties
        if required:
            schema["required"] = list(dict.fromkeys(required))
    branches = schema.get("oneOf") or schema.get("anyOf")
    if isinstance(branches, list):
        flat = [_flat(document, branch) for branch in branches]
        real = [b for b in flat if _types(b) != {"null"} and b.get("enum") != [None]]
        if len(real) == 1 and len(flat) == 2:
            merged = {k: v for k, v in schema.items() if k not in ("oneOf", "anyOf")}
            merged.update(real[0])
            merged["nullable"] = True
            return merged
    return schema


def _types(schema: Mapping[str, Any]) -> set[str]:
    kind = schema.get("type")
    types = set(kind) if isinstance(kind, list) else {kind} if isinstance(kind, str) else set()
    if types and schema.get("nullable"):
        types.add("null")
    if types and kind == "integer":
        types.discard("number")
    return types


def _shown(types: set[str]) -> str:
    return " | ".join(sorted(types))


def _values(values: Sequence[Any]) -> str:
    shown = ", ".join(repr(v) for v in values[:8])
    return shown + (f" and {len(values) - 8} more" if len(values) > 8 else "")


# What a frontend used.


def used(journal: Sequence[Mapping[str, Any]], document: Mapping[str, Any]) -> Usage:
    """What the journal's requests used of `document` (the old one: what the frontend was
    built against): operations by their path templates, query parameters, body fields sent,
    answer fields read."""
    templates = [
        (re.compile("^" + re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(path)) + "$"), key)
        for key, (path, _method, _operation) in _operations(document).items()
    ]
    usage = Usage()
    for entry in journal:
        method = str(entry.get("method", "")).upper()
        path = str(entry.get("path", "")).split("?")[0]
        key = next(
            (
                k
                for pattern, k in templates
                if k.startswith(method + " ")
                and any(pattern.match(path[len(prefix) :]) for prefix in _prefixes(document, path))
            ),
            None,
        )
        if key is None:
            continue
        usage.operations.add(key)
        usage.query.setdefault(key, set()).update(str(k) for k in entry.get("query") or {})
        usage.sent.setdefault(key, set()).update(_paths(entry.get("body")))
        usage.read.setdefault(key, set()).update(_paths(entry.get("answer")))
    return usage


def _prefixes(document: Mapping[str, Any], path: str) -> list[str]:
    """Where the document's paths start in a request's path: its servers' paths (`/api/v3`)."""
    found = [""]
    for server in document.get("servers") or []:
        url = str(server.get("url", "")) if isinstance(server, Mapping) else ""
        prefix = (
            "/" + url.split("://", 1)[-1].split("/", 1)[1] if "/" in url.split("://", 1)[-1] else ""
        )
        prefix = prefix.rstrip("/")
        if prefix and path.startswith(prefix):
            found.insert(0, prefix)
    return found


def _paths(value: Any, prefix: Path = ()) -> Iterator[Path]:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            here = (*prefix, str(key))
            yield here
            yield from _paths(inner, here)
    elif isinstance(value, list):
        for item in value:
            yield from _paths(item, (*prefix, "[]"))


def touching(found: Sequence[Change], usage: Usage) -> list[Change]:
    """The changes that touch what the frontend used: an operation it called; a parameter it
    sent (or one made required of an operation it called); a body field it sent (or one made
    required); an answer field it read."""
    kept = []
    for change in found:
        if change.operation not in usage.operations:
            continue
        place, _, name = change.place.partition(":")
        if place in ("query", "header", "cookie") and change.rule not in (
            "parameter-made-required",
            "parameter-added-required",
        ):
            if name not in usage.query.get(change.operation, set()):
                continue
        elif place == "body" and change.field and "required" not in change.rule:
            if change.field not in usage.sent.get(change.operation, set()):
                continue
        elif place == "response" and change.field:
            read = usage.read.get(change.operation, set())
            if change.field not in read and change.rule != "property-added":
                continue
        kept.append(change)
    return kept
