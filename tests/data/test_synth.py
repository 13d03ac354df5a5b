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
