"""A serializer's own `validate(attrs)`, where it is written as conditions on the fields sent
(read from the server's sources into JSON expressions by a profile's facts tool): DRF hands
`validate` only the fields a write sends, a partial update's too, so a PATCH that leaves a
field out reads its default, not the object's value (authentik refuses `PATCH {}` on an
identification stage: "When no user fields are selected, ...").

An expression is one of `{"const": v}`, `{"get": name, "default": expr}`, `{"sent": name}`,
`{"len": expr}`, `{"compare": [op, expr, expr]}`, `{"and": [...]}`, `{"or": [...]}`,
`{"not": expr}`; Python's truth and comparisons. A check whose expression cannot be read of
these values (a length of a number) refuses nothing."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

Check = Mapping[str, Any]
"""`{"when": expression, "error": {field: [message]}}`: the write is refused when it holds."""

COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "in": lambda left, right: left in right,
    "not in": lambda left, right: left not in right,
}


class Unknown(Exception):
    """An expression of words or values `evaluate` does not read."""


def refusal(checks: Sequence[Check], attrs: Mapping[str, Any]) -> dict[str, list[str]] | None:
    """The first check's error that holds for the fields sent, or None.

    >>> need_one = {"and": [{"not": {"get": "a", "default": {"const": None}}},
    ...                     {"not": {"get": "b", "default": {"const": None}}}]}
    >>> check = {"when": need_one, "error": {"non_field_errors": ["a or b"]}}
    >>> refusal([check], {}), refusal([check], {"b": "x"})
    ({'non_field_errors': ['a or b']}, None)
    """
    for check in checks:
        try:
            holds = bool(evaluate(check["when"], attrs))
        except (Unknown, TypeError, KeyError):
            continue
        if holds:
            return {field: list(messages) for field, messages in check["error"].items()}
    return None


def evaluate(expression: Mapping[str, Any], attrs: Mapping[str, Any]) -> Any:
    if "const" in expression:
        return expression["const"]
    if "get" in expression:
        name = expression["get"]
        return attrs[name] if name in attrs else evaluate(expression["default"], attrs)
    if "sent" in expression:
        return expression["sent"] in attrs
    if "len" in expression:
        return len(evaluate(expression["len"], attrs))
    if "compare" in expression:
        word, left, right = expression["compare"]
        if word not in COMPARE:
            raise Unknown(word)
        return COMPARE[word](evaluate(left, attrs), evaluate(right, attrs))
    if "and" in expression:
        return all(evaluate(part, attrs) for part in expression["and"])
    if "or" in expression:
        return any(evaluate(part, attrs) for part in expression["or"])
    if "not" in expression:
        return not evaluate(expression["not"], attrs)
    raise Unknown(str(expression))
