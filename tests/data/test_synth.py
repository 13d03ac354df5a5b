"""The generator on schemas it cannot check a value against."""

from __future__ import annotations

from specdouble.data.synth import Synth


def test_a_one_of_whose_branch_its_dialect_cannot_read_still_makes_a_value() -> None:
    """Adyen's 3.0 document writes a 3.1 `type: [...]`, which the 3.0 validator cannot read
    (a TypeError, answered 500): the branch is known valid for nothing, and a value is made."""
    document = {"openapi": "3.0.3", "paths": {}, "components": {}}
    schema = {
        "oneOf": [
            {"type": "object", "properties": {"a": {"type": ["string", "null"]}}},
            {"type": "object", "properties": {"b": {"type": "integer"}}},
        ]
    }
    for seed in range(5):
        assert isinstance(Synth(document, seed).value(schema), dict)


def test_a_held_value_is_shown_as_another_schema_shows_it() -> None:
    """A list's summary that shows a field as another kind than the object holds (GoDaddy's
    order summary: `pricing.total` as text, the order as a number): the same number spelled
    as text, the number a text spells, inside objects and lists; what no spelling says is
    drawn from the summary's schema, the same for the same place, and valid for it."""
    from openapi_schema_validator import OAS30Validator

    document = {"openapi": "3.0.3", "paths": {}, "components": {}}
    summary = {
        "type": "object",
        "required": ["total", "code", "lines"],
        "properties": {
            "total": {"type": "string"},
            "count": {"type": "integer"},
            "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "state": {"type": "string", "enum": ["open", "closed"]},
            "lines": {"type": "array", "items": {"type": "string"}},
            "note": {"type": "string", "nullable": True},
        },
    }
    held = {"total": 408, "count": "12", "code": 7, "state": "wide", "lines": [1, 2.5]}
    held |= {"note": None, "other": {"kept": True}}
    shown = Synth(document, 3).shown_as(summary, held, "orders", "o-1")
    assert shown["total"] == "408" and shown["count"] == 12 and shown["lines"] == ["1", "2.5"]
    assert shown["note"] is None and shown["other"] == {"kept": True}  # as held
    assert shown["state"] in ("open", "closed") and shown["code"] != "7"  # drawn
    assert OAS30Validator(summary).is_valid(shown)
    assert Synth(document, 3).shown_as(summary, held, "orders", "o-1") == shown
    assert (
        Synth(document, 3).shown_as(summary, {"total": 1}, "orders", "o-1")["code"] == shown["code"]
    )
    assert held["total"] == 408  # the held value itself is not changed


def test_a_held_value_is_shown_through_parts_closed_objects_and_bounds() -> None:
    """The summary's schema wrapped in `allOf` (a `$ref` beside a description) or a union
    says the same kinds; a closed object leaves out what it does not name; a value of the
    right kind out of the summary's bounds is drawn."""
    from openapi_schema_validator import OAS30Validator

    pricing = {
        "type": "object",
        "additionalProperties": False,
        "properties": {"total": {"type": "string"}, "n": {"type": "integer", "maximum": 10}},
    }
    document = {"openapi": "3.0.3", "components": {"schemas": {"Pricing": pricing}}}
    wrapped = {"allOf": [{"$ref": "#/components/schemas/Pricing"}], "description": "sums"}
    either = {"oneOf": [{"type": "string"}, {"type": "boolean"}]}
    synth = Synth(document, 4)
    shown = synth.shown_as(wrapped, {"total": 12, "n": 50, "tax": 3}, "orders", "o-1")
    assert shown["total"] == "12" and "tax" not in shown and 0 <= shown["n"] <= 10
    assert OAS30Validator({**document, **wrapped}).is_valid(shown)
    assert synth.shown_as(either, 7, "o") == "7" and synth.shown_as(either, True, "o") is True
