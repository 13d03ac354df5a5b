"""DjangoQL, the query language authentik's lists take in `?search=` where a viewset names
its fields (`get_ql_fields`: users, groups, the event log): `username ~ "ali" and
(is_active = True or attributes.dept = "eng")`.

A search that does not read as a query of those fields (a plain word, an unknown field, a
value of the wrong type) is no query: the list falls back to its plain search, as
authentik's `QLSearch` does. What a query means follows DjangoQL's lookups: `=` is exact,
`~` contains (either case), `startswith`/`endswith` ignore case, `not` inverts, `None`
asks for no value; a name inside a JSON field (`attributes.dept`, `context.http_request.path`)
reads into it.

The fields and the autocomplete a list answers with (`autocomplete`: each field's type,
whether it may be null, its options, its JSON field's known keys) are described by
`QLField`s.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from specdouble.rest.query import fold

MAX_QUERY_CHARS = 2000
"""A longer search is no query (read as a plain search, which has limits of its own)."""
MAX_DEPTH = 32
"""Parentheses nested deeper than this make no query."""
SUGGESTED_AT_MOST = 50
"""Values a field that suggests its own (the events' `app`) offers: a bound of the mock's, where
DjangoQL lists every distinct value."""


class QLError(ValueError):
    """A search that is no query of the list's fields."""


@dataclass(frozen=True)
class QLField:
    """One field a list may be queried by: `kind` is DjangoQL's type (`str`, `bool`, `int`,
    `float`, `date`, `datetime`, `relation` for a JSON field), `choices` its fixed options,
    `suggested` whether it offers the values it holds, `fixed` the keys a JSON field is
    known to hold, `relation` the name its keys are listed under."""

    name: str
    kind: str
    nullable: bool = False
    choices: tuple[str, ...] | None = None
    suggested: bool = False
    fixed: tuple[QLField, ...] = ()
    relation: str = ""
    held_as: str = ""
    """Where a record holds the value, where the answer names it otherwise (an event's
    `event_uuid` is its `pk`)."""


# Reading.

TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>"(?:[^"\\]|\\.)*")
      | (?P<number>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(?![\w.])
      | (?P<op>!=|!~|>=|<=|=|~|>|<)
      | (?P<punct>[(),])
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
    )""",
    re.VERBOSE,
)
KEYWORDS = {"and", "or", "not", "in", "startswith", "endswith", "True", "False", "None"}
ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _tokens(text: str) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    text = text.rstrip()
    at = 0
    while at < len(text):
        match = TOKEN.match(text, at)
        if match is None:
            raise QLError(f"Unexpected character at {at}")
        at = match.end()
        kind = match.lastgroup or ""
        raw = match.group(kind)
        if kind == "string":
            found.append(("value", _unquoted(raw[1:-1])))
        elif kind == "number":
            found.append(("value", float(raw) if any(c in raw for c in ".eE") else int(raw)))
        elif kind == "name" and raw in ("True", "False", "None"):
            found.append(("value", {"True": True, "False": False, "None": None}[raw]))
        elif kind == "name" and raw in KEYWORDS:
            found.append((raw, raw))
        else:
            found.append((kind, raw))
    return found


def _unquoted(text: str) -> str:
    def escape(match: re.Match[str]) -> str:
        code = match.group(1)
        if len(code) == 5:
            return chr(int(code[1:], 16))
        if code not in ESCAPES:  # `\u12`, `\q`: no string DjangoQL's lexer reads
            raise QLError(f"Invalid escape: \\{code}")
        return ESCAPES[code]

    return re.sub(r"\\(u[0-9a-fA-F]{4}|.)", escape, text)


@dataclass(frozen=True)
class Comparison:
    path: tuple[str, ...]
    operator: str
    value: Any


@dataclass(frozen=True)
class Logical:
    operator: str  # "and", "or"
    left: Node
    right: Node


Node = Comparison | Logical


@dataclass
class _Reader:
    tokens: list[tuple[str, Any]]
    at: int = 0
    depth: int = 0

    def peek(self) -> str | None:
        return self.tokens[self.at][0] if self.at < len(self.tokens) else None

    def take(self, *kinds: str) -> Any:
        if self.peek() not in kinds:
            raise QLError(f"Expected {' or '.join(kinds)}")
        self.at += 1
        return self.tokens[self.at - 1][1]

    def expression(self) -> Node:
        """DjangoQL's grammar gives `and` and `or` no precedence, and its parser shifts: the
        right side is the rest (`a and b or c` is `a and (b or c)`)."""
        node = self.factor()
        if self.peek() in ("and", "or"):
            word = self.take("and", "or")
            return Logical(word, node, self.expression())
        return node

    def factor(self) -> Node:
        if self.peek() == "punct" and self.tokens[self.at][1] == "(":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QLError("Too deeply nested")
            self.take("punct")
            node = self.expression()
            if self.take("punct") != ")":
                raise QLError("Expected )")
            self.depth -= 1
            return node
        path = tuple(self.take("name").split("."))
        negated = self.peek() == "not"
        if negated:
            self.take("not")
        if self.peek() == "in":
            self.take("in")
            return Comparison(path, "not in" if negated else "in", self.listed())
        if self.peek() in ("startswith", "endswith"):
            word = self.take("startswith", "endswith")
            value = self.take("value")
            return Comparison(path, f"not {word}" if negated else word, value)
        if negated:
            raise QLError("Expected in, startswith or endswith after not")
        return Comparison(path, self.take("op"), self.take("value"))

    def listed(self) -> tuple[Any, ...]:
        if self.take("punct") != "(":
            raise QLError("Expected (")
        values = [self.take("value")]
        while self.peek() == "punct" and self.tokens[self.at][1] == ",":
            self.take("punct")
            values.append(self.take("value"))
        if self.take("punct") != ")":
            raise QLError("Expected )")
        return tuple(values)


def parse(text: str) -> Node:
    """A search as a query; `QLError` where it is none."""
    if len(text) > MAX_QUERY_CHARS:
        raise QLError("Too long")
    reader = _Reader(_tokens(text.replace("\x00", "")))
    node = reader.expression()
    if reader.peek() is not None:
        raise QLError("Unexpected text after the query")
    return node


# Meaning.

TEXT_ONLY = {"~", "!~", "startswith", "not startswith", "endswith", "not endswith"}
EQUALITY = {"=", "!="}


def compile_query(text: str, fields: Sequence[QLField]) -> Callable[[Mapping[str, Any]], bool]:
    """A predicate over records for a search; `QLError` where it is no query of `fields`."""
    by_name = {f.name: f for f in fields}
    return _compiled(parse(text), by_name)


def _compiled(node: Node, fields: Mapping[str, QLField]) -> Callable[[Mapping[str, Any]], bool]:
    if isinstance(node, Logical):
        left, right = _compiled(node.left, fields), _compiled(node.right, fields)
        if node.operator == "and":
            return lambda record: left(record) and right(record)
        return lambda record: left(record) or right(record)
    found = fields.get(node.path[0])
    if found is None:
        raise QLError(f"Unknown field: {node.path[0]}")
    if len(node.path) > 1 and found.kind != "relation":
        raise QLError(f"{node.path[0]} has no fields")
    kind = "str" if found.kind == "relation" else found.kind
    values = node.value if isinstance(node.value, tuple) else (node.value,)
    for value in values:
        _check(found, kind, node.operator, value)
    inverted = node.operator.startswith(("!", "not "))
    test = _test(kind, node.operator.removeprefix("not ").lstrip("!") or "=", node.value)
    path = (found.held_as or found.name, *node.path[1:])

    def matches(record: Mapping[str, Any]) -> bool:
        held = _at(record, path)
        found = test(held)
        return not found if inverted else found

    return matches


def _check(field_: QLField, kind: str, operator: str, value: Any) -> None:
    if value is None:
        if operator not in EQUALITY:
            raise QLError("None compares only with = and !=")
        if not field_.nullable:  # a JSON field is a non-nullable text field to DjangoQL
            raise QLError(f"Field {field_.name} is not nullable")
        return
    if operator in TEXT_ONLY and kind != "str":
        raise QLError(f"{operator} needs a text field")
    expected = {
        "str": str,
        "bool": bool,
        "int": int,
        "float": (int, float),
        "date": str,
        "datetime": str,
    }.get(kind, str)
    if kind in ("int", "float") and isinstance(value, bool):
        raise QLError(f"Field {field_.name} takes a number")
    if not isinstance(value, expected):
        raise QLError(f"Field {field_.name} takes a {kind}")
    if kind == "bool" and operator not in EQUALITY:
        raise QLError("A boolean compares only with = and !=")
    if kind in ("date", "datetime"):
        _instant(value)


def _test(kind: str, operator: str, value: Any) -> Callable[[Any], bool]:
    """Whether a held value meets `operator value` (the operator without its negation)."""
    if operator in ("in",):
        wanted = set(value)
        return lambda held: not isinstance(held, list | dict) and held in wanted
    if value is None:
        return lambda held: held is None
    if operator == "~":
        needle = fold(value)
        return lambda held: held is not None and needle in fold(_text(held))
    if operator == "startswith":
        needle = fold(value)
        return lambda held: held is not None and fold(_text(held)).startswith(needle)
    if operator == "endswith":
        needle = fold(value)
        return lambda held: held is not None and fold(_text(held)).endswith(needle)
    if kind in ("date", "datetime"):
        return _instant_test(kind, operator, value)
    compare = {
        "=": lambda a, b: a == b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
    }[operator]

    def test(held: Any) -> bool:
        if held is None or (type(held) is not type(value) and not _numbers(held, value)):
            return False
        try:
            return bool(compare(held, value))
        except TypeError:
            return False

    return test


def _numbers(a: Any, b: Any) -> bool:
    return all(isinstance(x, int | float) and not isinstance(x, bool) for x in (a, b))


def _text(held: Any) -> str:
    return held if isinstance(held, str) else str(held)


def _instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise QLError(f"Not a date: {text}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _instant_test(kind: str, operator: str, value: str) -> Callable[[Any], bool]:
    wanted = _instant(value)
    whole_day = len(value.strip()) == 10  # `created = "2026-12-06"`: that day

    def test(held: Any) -> bool:
        if not isinstance(held, str):
            return False
        try:
            moment = _instant(held)
        except QLError:
            return False
        if whole_day and operator == "=":
            return moment.date() == wanted.date()
        return {
            "=": moment == wanted,
            ">": moment > wanted,
            ">=": moment >= wanted,
            "<": moment < wanted,
            "<=": moment <= wanted,
        }[operator]

    return test


def _at(record: Mapping[str, Any], path: Sequence[str]) -> Any:
    held: Any = record
    for step in path:
        if not isinstance(held, Mapping):
            return None
        held = held.get(step)
    return held


# What a list tells the search box.


@dataclass
class Autocomplete:
    """What a list of queryable fields answers as its `autocomplete` (DjangoQL's schema
    serializer): each model's fields, by name."""

    model: str
    fields: Sequence[QLField]

    def answer(self, records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        models = {self.model: {f.name: _described(f, records) for f in self.fields}}
        for each in self.fields:
            _nested_models(each, models)
        return {"current_model": self.model, "models": models}


def _described(field_: QLField, records: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    options: list[Any] | None = None
    if field_.choices is not None:
        options = list(field_.choices)
    elif field_.suggested and field_.kind in ("date", "datetime"):
        options = []
    elif field_.suggested:
        source = field_.held_as or field_.name
        held = {r.get(source) for r in records if isinstance(r.get(source), str)}
        options = sorted(held)[:SUGGESTED_AT_MOST]
    described: dict[str, Any] = {"type": field_.kind, "nullable": field_.nullable}
    described["options"] = options
    if field_.kind == "relation":
        described["relation"] = field_.relation
    return described


def _nested_models(field_: QLField, models: dict[str, Any]) -> None:
    if field_.kind != "relation" or not field_.fixed:
        return
    models[field_.relation] = {each.name: _described(each) for each in field_.fixed}
    for each in field_.fixed:
        _nested_models(each, models)
