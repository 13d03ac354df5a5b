"""The variants a finding is shrunk through, and the values that put a property back."""

from __future__ import annotations

from typing import Any

from specdouble.contract import shrink

DOCUMENT: dict[str, Any] = {
    "components": {
        "schemas": {
            "Action": {"oneOf": [{"$ref": "#/components/schemas/Actions"}, {"enum": [None]}]},
            "Actions": {"type": "string", "enum": ["login", "logout"]},
        }
    }
}


def test_a_smaller_body_drops_a_property_first_then_shortens_values() -> None:
    body = {"name": "a long name", "tags": ["a", "b"], "inner": {"x": "yy"}}
    smaller = list(shrink._smaller_values(body))
    assert smaller[:3] == [
        {"tags": ["a", "b"], "inner": {"x": "yy"}},
        {"name": "a long name", "inner": {"x": "yy"}},
        {"name": "a long name", "tags": ["a", "b"]},
    ]
    assert {**body, "name": "x"} in smaller
    assert {**body, "tags": []} in smaller
    assert {**body, "inner": {}} in smaller
    assert {**body, "inner": {"x": "y"}} in smaller


def test_a_value_for_a_property_its_schema_admits() -> None:
    assert shrink._value(DOCUMENT, {"$ref": "#/components/schemas/Action"}) == "login"
    assert shrink._value(DOCUMENT, {"type": "integer", "minimum": 5}) == 5
    assert shrink._value(DOCUMENT, {"type": ["null", "string"], "minLength": 3}) == "xxx"
    assert shrink._value(DOCUMENT, {"type": "boolean", "default": False}) is False
    assert shrink._value(DOCUMENT, {"nullable": True}) is None
    assert shrink._value(DOCUMENT, {}) is shrink._NOTHING


def test_a_string_is_made_plain_as_well_as_short() -> None:
    assert list(shrink._shorter("÷")) == ["x"]
    assert list(shrink._shorter("ab")) == ["x", "a"]
    assert list(shrink._shorter("x")) == []
    assert list(shrink._shorter("")) == []
