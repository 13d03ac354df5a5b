"""Faults a test asks for: rules that make matching requests fail or wait, seeded so that the
same requests meet the same faults in every run.

A rule names what it matches (an operationId, a path pattern with `*`, a method) and what it
does: answer an error status (with a body in the document's error shape, unless it gives one),
wait `delay_ms` first, or break the connection (`reset`: closed without an answer, `empty`: an
answer with no bytes of body although its length says otherwise, `truncated`: half a body).
`rate` (0-1) makes it apply to that share of the matching requests, drawn from a generator
seeded by the server's seed and the rule's id; `count` makes it apply that many times only.
"""

from __future__ import annotations

import difflib
import fnmatch
import random
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from specdouble import errors

KINDS = ("status", "delay", "reset", "empty", "truncated")
NETWORK_KINDS = frozenset({"reset", "empty", "truncated"})
MAX_RULES = 100
MAX_DELAY_MS = 60_000
FIELDS = ("operation_id", "path", "method", "kind", "status", "body", "delay_ms", "rate", "count")


@dataclass(slots=True)
class Rule:
    id: int
    kind: str
    operation_id: str | None = None
    path: str | None = None
    method: str | None = None
    status: int | None = None
    body: Any = None
    delay_ms: int = 0
    rate: float = 1.0
    count: int | None = None
    """How many more times it applies (None: always)."""
    applied: int = 0
    _draws: random.Random = field(default_factory=random.Random, repr=False)

    def shown(self) -> dict[str, Any]:
        names = (*FIELDS, "id", "applied")
        return {name: getattr(self, name) for name in names if getattr(self, name) is not None}

    def matches(self, method: str, path: str, operation: Callable[[], str | None]) -> bool:
        if self.method is not None and self.method != method:
            return False
        if self.path is not None and not fnmatch.fnmatchcase(path, self.path):
            return False
        return self.operation_id is None or self.operation_id == operation()


HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"})


def parse_rule(
    body: Any, rule_id: int, seed: int, operation_ids: Collection[str] | None = None
) -> Rule:
    """A rule from `POST /_mock/faults`, or a 400 naming every field that is wrong: a rule
    that could never apply (an operation the document lacks, no HTTP method) is wrong too."""
    if not isinstance(body, Mapping):
        raise errors.ValidationFailed({errors.NON_FIELD_ERRORS: ["Expected a JSON object."]})
    problems: dict[str, list[str]] = {}
    for name in sorted(set(body) - set(FIELDS)):
        problems[name] = [f"Unknown field; one of {', '.join(FIELDS)}."]
    status = body.get("status")
    delay = body.get("delay_ms", 0)
    rate = body.get("rate", 1.0)
    count = body.get("count")
    kind = body.get("kind") or ("status" if status is not None else "delay")
    if kind not in KINDS:
        problems["kind"] = [f"One of {', '.join(KINDS)}."]
    if status is not None and (not isinstance(status, int) or not 100 <= status <= 599):
        problems["status"] = ["An HTTP status between 100 and 599."]
    if kind == "status" and (status is None or (isinstance(status, int) and status < 400)):
        problems["status"] = ["An error status (400-599) is required for a status fault."]
    if not isinstance(delay, int) or isinstance(delay, bool) or not 0 <= delay <= MAX_DELAY_MS:
        problems["delay_ms"] = [f"Milliseconds between 0 and {MAX_DELAY_MS}."]
    if not isinstance(rate, int | float) or isinstance(rate, bool) or not 0 <= rate <= 1:
        problems["rate"] = ["A share between 0 and 1."]
    if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 1):
        problems["count"] = ["A positive number of times."]
    for name in ("operation_id", "path", "method"):
        if body.get(name) is not None and not isinstance(body.get(name), str):
            problems[name] = ["A string."]
    operation_id, method = body.get("operation_id"), body.get("method")
    known = operation_ids if operation_ids is not None else ()
    if isinstance(operation_id, str) and operation_ids is not None and operation_id not in known:
        close = difflib.get_close_matches(operation_id, known, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        problems["operation_id"] = [f"The document has no operation {operation_id!r}.{hint}"]
    if isinstance(method, str) and method.upper() not in HTTP_METHODS:
        problems["method"] = [f"One of {', '.join(sorted(HTTP_METHODS))}."]
    path = body.get("path")
    if isinstance(path, str) and not path.startswith(("/", "*")):
        problems["path"] = ["A request path (or a pattern with *) that starts with /."]
    if problems:
        raise errors.ValidationFailed(problems)
    return Rule(
        id=rule_id,
        kind=kind,
        operation_id=body.get("operation_id"),
        path=body.get("path"),
        method=method.upper() if method else None,
        status=status,
        body=body.get("body"),
        delay_ms=delay,
        rate=float(rate),
        count=count,
        _draws=random.Random(f"{seed}:fault:{rule_id}"),
    )


class Faults:
    """The rules in force, first added first tried."""

    def __init__(self, seed: int, operation_ids: Collection[str] | None = None) -> None:
        self.seed = seed
        self.operation_ids = None if operation_ids is None else frozenset(operation_ids)
        """The document's operations: a rule naming another is refused (None: any)."""
        self.rules: list[Rule] = []
        self._next = 0

    def add(self, body: Any) -> Rule:
        if len(self.rules) >= MAX_RULES:
            raise errors.ValidationFailed(
                {errors.NON_FIELD_ERRORS: [f"At most {MAX_RULES} fault rules at once."]}
            )
        self._next += 1
        rule = parse_rule(body, self._next, self.seed, self.operation_ids)
        self.rules.append(rule)
        return rule

    def clear(self, rule_id: int | None = None) -> int:
        before = len(self.rules)
        self.rules = [r for r in self.rules if rule_id is not None and r.id != rule_id]
        return before - len(self.rules)

    def pick(self, method: str, path: str, operation: Callable[[], str | None]) -> Rule | None:
        """The first rule that applies to this request (drawing its rate, spending its
        count), or None; `operation()` names the request's operation, asked only if needed."""
        for rule in self.rules:
            if rule.count == 0 or not rule.matches(method, path, operation):
                continue
            if rule.rate < 1.0 and rule._draws.random() >= rule.rate:
                continue
            rule.applied += 1
            if rule.count is not None:
                rule.count -= 1
            return rule
        return None
