"""A contract finding made small: the smallest request that still fails the same check, and
what the failure needs.

A fuzzed request that fails carries what the fuzzer happened to put in it (unicode keys, extra
properties, long strings). Shrinking sends variants of it, one change at a time, and keeps a
change when the same check still fails with the same title: a property or a query parameter
dropped, a string shortened, a list emptied. What is left fails for a reason a person can read
off it; the cause is then named by putting back the request body's properties the small
request leaves out: where the failure goes away once they are there, it needs them absent
("fails whenever `action` is absent").

Every variant is a real request to the server, so shrinking has a budget (`MAX_REQUESTS` a
finding); a request that cannot be sent again on its own (a step of a stateful scenario that
needs the steps before it) is left as it was found, and said.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from schemathesis.core.failures import Failure, FailureGroup

MAX_REQUESTS = 60
"""Variants a finding's shrinking may send."""
SHORT = "x"
"""What a string is shortened to first, a single other character included (then: its first
character)."""


@dataclass(slots=True)
class Shrunk:
    """A finding's smallest failing request, as sent and answered."""

    case: Any
    """The schemathesis `Case` of the smallest request found."""
    response: Any | None
    """Its answer (None: the request did not fail again on its own)."""
    message: str
    """The check's message for that answer."""
    causes: list[str] = field(default_factory=list)
    """What the failure needs, in words ("fails whenever `action` is absent")."""
    requests: int = 0
    reproduced: bool = True
    """Whether the finding failed again when sent on its own."""


Fails = Callable[[Any], tuple[Any, str | None] | None]
"""A variant -> (its answer, the check's message where it fails the same way, else None);
None where it could not be sent."""


def failing(
    check: Any,
    title: str,
    headers: Mapping[str, str],
    base_url: str | None,
    sent: Callable[[Any, Any], None] = lambda _case, _response: None,
) -> Fails:
    """The test a variant must pass to be kept: sent, it fails `check` with `title`. `sent`
    hears of every answer (a variant that no longer fails may have made an object)."""

    def fails(case: Any) -> tuple[Any, str | None] | None:
        try:
            response = case.call(base_url=base_url, headers=dict(headers))
        except Exception:  # a variant the transport cannot send is not kept
            return None
        sent(case, response)
        try:
            case.validate_response(
                response,
                checks=[check],
                headers=dict(headers),
                transport_kwargs={"base_url": base_url, "headers": dict(headers)},
            )
        except FailureGroup as group:
            for failure in group.exceptions:
                if isinstance(failure, Failure) and failure.title == title:
                    return response, failure.message
        except Failure as failure:
            if failure.title == title:
                return response, failure.message
        return response, None

    return fails


def shrink(
    case: Any, fails: Fails, budget: int = MAX_REQUESTS, status: int | None = None
) -> Shrunk:
    """The smallest variant of `case` that still fails, found greedily: each change that
    keeps the failure (the same check, title and status: `status`, the one first seen) is
    kept, until no change does or the budget is spent. Where `case` itself does not fail
    again (a body the transport cannot send twice), its smaller variants are tried."""
    sent = 0
    seen: list[int] = [] if status is None else [status]
    last: list[int | None] = [None]

    def attempt(variant: Any) -> tuple[Any, str] | None:
        nonlocal sent
        sent += 1
        outcome = fails(variant)
        last[0] = outcome[0].status_code if outcome is not None else None
        if outcome is None or outcome[1] is None:
            return None
        if seen and outcome[0].status_code != seen[0]:
            return None
        return outcome[0], outcome[1]

    best, found = case, attempt(_copy(case))
    if found is None:
        for variant in _smaller(case):
            if sent >= budget:
                break
            found = attempt(variant)
            if found is not None:
                best = variant
                break
    if found is None:
        return Shrunk(case, None, "", requests=sent, reproduced=False)
    seen[:] = [found[0].status_code]
    response, message = found
    progress = True
    while progress and sent < budget:
        progress = False
        for variant in _smaller(best):
            if sent >= budget:
                break
            outcome = attempt(variant)
            if outcome is not None:
                best, (response, message) = variant, outcome
                progress = True
                break
    causes = _absences(best, case.body, attempt, lambda: last[0], lambda: sent < budget)
    return Shrunk(best, response, message, causes, requests=sent)


def _copy(case: Any, **changes: Any) -> Any:
    """A variant of `case`: its request data copied (then changed), its generation facts kept
    so Schemathesis judges anew whether the changed data is still valid."""
    variant = case.derive(keep_auth=True)
    for name, value in changes.items():
        setattr(variant, name, value)
    return variant


def _smaller(case: Any) -> Iterator[Any]:
    """Each variant one change smaller than `case`: a query parameter, a header the fuzzer
    made or a body property dropped; a string shortened; a list emptied."""
    for name in list(case.query or {}):
        yield _copy(case, query={k: v for k, v in case.query.items() if k != name})
    for name in list(case.headers or {}):
        if name.lower() not in ("authorization", "content-type"):
            headers = case.headers.copy()
            del headers[name]
            yield _copy(case, headers=headers)
    for name, value in list((case.query or {}).items()):
        for shorter in _shorter(value):
            yield _copy(case, query={**case.query, name: shorter})
    if isinstance(case.body, dict):
        for smaller in _smaller_values(case.body):
            yield _copy(case, body=smaller)
    elif isinstance(case.body, list) and case.body:
        yield _copy(case, body=case.body[:1] if len(case.body) > 1 else [])
    elif isinstance(case.body, str) and len(case.body) > 1:
        yield _copy(case, body=case.body[:1])


def _smaller_values(body: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Each one-change-smaller body: a property dropped (first), then a value made smaller,
    nested objects included."""
    for name in body:
        yield {k: v for k, v in body.items() if k != name}
    for name, value in body.items():
        if isinstance(value, dict):
            for smaller in _smaller_values(value):
                yield {**body, name: smaller}
        for shorter in _shorter(value):
            yield {**body, name: shorter}


def _shorter(value: Any) -> Iterator[Any]:
    if isinstance(value, str) and value and value != SHORT:
        # One character is as short as SHORT, not as plain: '÷' is made 'x' too.
        if len(value) >= len(SHORT):
            yield SHORT
        if len(value) > 1:
            yield value[:1]
    elif isinstance(value, list) and value:
        if len(value) > 1:
            yield value[:1]
        yield []
    elif isinstance(value, int | float) and not isinstance(value, bool) and value not in (0, 1):
        yield 1 if value > 0 else 0


def _absences(
    case: Any,
    found: Any,
    attempt: Callable[[Any], tuple[Any, str] | None],
    answered: Callable[[], int | None],
    can: Callable[[], bool],
) -> list[str]:
    """What the failure needs absent: the body's documented properties that the small
    request leaves out, put back all at once (with values their schemas admit, else the
    values the request as found had) until the request succeeds, then each left out alone:
    where the failure comes back, its absence is the cause. A request without a body is read
    as an empty object, where the operation takes one."""
    body = case.body if isinstance(case.body, dict) else None
    documented = _documented(case)
    if body is None and _is_unset(case.body) and documented:
        body = {}
        case = _copy(case, media_type=case.media_type or "application/json")
    if body is None:
        return []
    found = found if isinstance(found, dict) else {}
    chosen = None
    for prefer_found in (False, True):
        missing = {
            name: found[name] if (prefer_found and name in found) or value is _NOTHING else value
            for name, value in documented.items()
            if name not in body and (name in found or value is not _NOTHING)
        }
        if not missing or not can():
            return []
        if attempt(_copy(case, body={**body, **missing})) is not None:
            return []  # fails with them too: their absence is not the cause
        if 200 <= (answered() or 0) < 300:
            chosen = missing
            break
    if chosen is None:
        return []  # refused otherwise: nothing can be said of what it needs
    needed = []
    for name in sorted(chosen):
        if not can():
            return []
        others = {k: v for k, v in chosen.items() if k != name}
        if attempt(_copy(case, body={**body, **others})) is not None:
            needed.append(name)
    if not needed:
        return [_absent_words(sorted(chosen))]
    if len(needed) == 1:
        return [f"fails whenever `{needed[0]}` is absent"]
    shown = ", ".join(f"`{name}`" for name in needed)
    return [f"fails whenever any of {shown} is absent"]


def _absent_words(names: list[str]) -> str:
    shown = ", ".join(f"`{name}`" for name in names)
    if len(names) > 1:
        return f"fails when all of {shown} are absent"
    return f"fails whenever {shown} is absent"


_NOTHING = object()


def _documented(case: Any) -> dict[str, Any]:
    """The request body's documented properties, each with a value its schema admits (what
    the fuzzed request had where it had it): enum, default, example, else by type."""
    document = case.operation.schema.raw_schema
    body = _resolve(document, case.operation.definition.raw.get("requestBody") or {})
    content = (body.get("content") or {}) if isinstance(body, Mapping) else {}
    media = case.media_type if case.media_type in content else next(iter(content), None)
    schema = _resolve(document, (content.get(media) or {}).get("schema") or {})
    properties = _properties(document, schema)
    return {
        name: _value(document, each)
        for name, each in properties.items()
        if not _resolve(document, each).get("readOnly")
    }


def _properties(document: Mapping[str, Any], schema: Any) -> dict[str, Any]:
    schema = _resolve(document, schema)
    if not isinstance(schema, Mapping):
        return {}
    found = dict(schema.get("properties") or {})
    for part in schema.get("allOf") or []:
        found.update(_properties(document, part))
    return found


def _value(document: Mapping[str, Any], schema: Any) -> Any:
    schema = _resolve(document, schema)
    if not isinstance(schema, Mapping):
        return _NOTHING
    for part in [*(schema.get("allOf") or []), *(schema.get("oneOf") or schema.get("anyOf") or [])]:
        found = _value(document, part)
        if found is not _NOTHING:
            return found
    if "default" in schema:
        return schema["default"]
    if schema.get("enum"):
        return next((v for v in schema["enum"] if v is not None), schema["enum"][0])
    if "example" in schema:
        return schema["example"]
    kind = schema.get("type")
    kind = next((k for k in kind if k != "null"), None) if isinstance(kind, list) else kind
    if kind == "string":
        return "x" * max(1, int(schema.get("minLength", 1)))
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if kind == "boolean":
        return True
    if kind == "array":
        return []
    if kind == "object":
        return {}
    if schema.get("nullable"):
        return None
    return _NOTHING


def _resolve(document: Mapping[str, Any], node: Any) -> Any:
    for _ in range(32):
        if not (isinstance(node, Mapping) and isinstance(node.get("$ref"), str)):
            return node
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part) if isinstance(target, Mapping) else None
        node = target
    return node


def request_words(case: Any) -> str:
    """The request in one line: method, path, query and body."""
    query = "&".join(f"{k}={v}" for k, v in (case.query or {}).items())
    line = f"{case.method.upper()} {case.formatted_path}{'?' + query if query else ''}"
    if case.body is not None and not _is_unset(case.body):
        line += " " + json.dumps(case.body, ensure_ascii=False, default=str)
    return line


def _is_unset(value: Any) -> bool:
    return type(value).__name__ == "NotSet"
