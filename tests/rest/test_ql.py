"""DjangoQL searches as authentik's lists read them (`QLSearch`), over plain records."""

from __future__ import annotations

from typing import Any

import pytest

from specdouble.rest import ql
from specdouble.rest.ql import QLError, QLField

FIELDS = (
    QLField("username", "str"),
    QLField("is_active", "bool", nullable=True),
    QLField("type", "str", choices=("internal", "external")),
    QLField("age", "int"),
    QLField("created", "datetime", suggested=True),
    QLField("attributes", "relation", relation="authentik_core.user_attributes"),
    QLField("event_uuid", "str", held_as="pk"),
)
PEOPLE: list[dict[str, Any]] = [
    {
        "pk": "a1",
        "username": "Alice",
        "is_active": True,
        "type": "internal",
        "age": 30,
        "created": "2026-12-06T10:00:00Z",
        "attributes": {"dept": "eng", "level": {"n": "3"}},
    },
    {
        "pk": "b2",
        "username": "bob",
        "is_active": False,
        "type": "external",
        "age": 41,
        "created": "2026-11-01T09:00:00Z",
        "attributes": {"dept": "ops"},
    },
    {
        "pk": "c3",
        "username": "carol",
        "is_active": None,
        "type": "internal",
        "age": 25,
        "created": "2025-01-01T00:00:00Z",
        "attributes": {},
    },
]


def found(query: str) -> list[str]:
    matches = ql.compile_query(query, FIELDS)
    return [p["username"] for p in PEOPLE if matches(p)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('username = "Alice"', ["Alice"]),
        ('username = "alice"', []),  # exact is exact
        ('username ~ "AL"', ["Alice"]),  # contains, either case
        ('username ~ "ALICE" or username ~ "ss"', ["Alice"]),  # PostgreSQL's folding: no ß
        ('username !~ "o"', ["Alice"]),
        ('username startswith "B"', ["bob"]),
        ('username not endswith "ol"', ["Alice", "bob"]),
        ('username in ("bob", "carol")', ["bob", "carol"]),
        ('username not in ("bob")', ["Alice", "carol"]),
        ("is_active = True", ["Alice"]),
        ("is_active = None", ["carol"]),
        ("is_active != None", ["Alice", "bob"]),
        ("age >= 30 and age < 41", ["Alice"]),
        # No precedence: the right side is the rest, as DjangoQL's parser reads it.
        ('age > 40 or type = "internal" and age < 26', ["bob", "carol"]),
        ('age < 26 and age > 40 or type = "internal"', ["carol"]),  # a and (b or c)
        ('(age < 26 and age > 40) or type = "internal"', ["Alice", "carol"]),
        ('attributes.level in ("3")', []),  # an object held: never in a list of values
        ('attributes.dept = "eng"', ["Alice"]),
        ('attributes.level.n = "3"', ["Alice"]),
        ('attributes.dept ~ "P"', ["bob"]),
        ('created > "2026-06-01"', ["Alice", "bob"]),
        ('created = "2026-12-06"', ["Alice"]),  # a date alone: that day
        ('event_uuid = "b2"', ["bob"]),  # held under the answer's own name
        ('username = "a\\"b" or username = "carol"', ["carol"]),
    ],
)
def test_a_query_means_what_djangoql_means(query: str, expected: list[str]) -> None:
    assert found(query) == expected


@pytest.mark.parametrize(
    "query",
    [
        "alice",  # words: the list searches them plainly
        'nosuch = "x"',
        'username = "a" and',
        "username = 5",  # a number for a text field
        'is_active ~ "t"',
        'age = "x"',
        "username = None",  # not nullable
        'username.part = "x"',  # only a JSON field has fields
        'created > "not a date"',
        "(" * 40 + 'username = "a"' + ")" * 40,
        'username = "' + "x" * 3000 + '"',
        'username = "\\u12"',  # an escape DjangoQL does not read
        'username = "\\q"',
        "attributes.dept = None",  # a JSON field is not nullable
    ],
)
def test_what_is_no_query_is_refused_for_the_plain_search(query: str) -> None:
    with pytest.raises(QLError):
        ql.compile_query(query, FIELDS)


def test_the_autocomplete_describes_each_field_as_djangoqls_serializer() -> None:
    described = ql.Autocomplete(
        "authentik_events.event",
        (
            QLField("action", "str", choices=("login", "logout")),
            QLField("app", "str", suggested=True),
            QLField("created", "datetime", suggested=True),
            QLField(
                "user",
                "relation",
                relation="authentik_events.event_user",
                fixed=(QLField("pk", "int"), QLField("username", "str")),
            ),
        ),
    ).answer([{"app": "b.signals"}, {"app": "a.tasks"}, {"app": "b.signals"}, {"app": None}])
    assert described == {
        "current_model": "authentik_events.event",
        "models": {
            "authentik_events.event": {
                "action": {"type": "str", "nullable": False, "options": ["login", "logout"]},
                "app": {"type": "str", "nullable": False, "options": ["a.tasks", "b.signals"]},
                "created": {"type": "datetime", "nullable": False, "options": []},
                "user": {
                    "type": "relation",
                    "nullable": False,
                    "options": None,
                    "relation": "authentik_events.event_user",
                },
            },
            "authentik_events.event_user": {
                "pk": {"type": "int", "nullable": False, "options": None},
                "username": {"type": "str", "nullable": False, "options": None},
            },
        },
    }
