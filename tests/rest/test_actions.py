"""The table of actions: made per operation when first asked for, and read as a dict is."""

from __future__ import annotations

from typing import Any

import pytest

from specdouble.document.openapi import OperationTable
from specdouble.rest.actions import Action, Actions, Answer

DOCUMENT = {"paths": {"/a": {"get": {"operationId": "a"}, "post": {"operationId": "b"}}}}


def _answer(*_: Any) -> Answer:
    return Answer(200, b"{}")


def test_actions_set_while_the_table_is_walked_and_a_failure_to_make_one_is_said() -> None:
    operations = OperationTable(DOCUMENT)
    table = Actions([], operations, DOCUMENT)
    table["a"] = Action(operations["a"], _answer, None)
    for name in table:  # as a dict's keys are walked: setting one is no error
        table[name] = Action(operations[name], _answer, None)
        table["b"] = Action(operations["b"], _answer, None)
    assert list(table) == ["a", "b"] and len(table) == 2 and table.get("c") is None
    del table["a"]
    assert "a" not in table and table.get("a") is None
    with pytest.raises(KeyError):
        del table["a"]
    del table["b"]
    table._served["b"] = (object(), "list")  # type: ignore[assignment]  # a resource that breaks
    with pytest.raises(AttributeError):  # not read as "no action": the server's own error
        table.get("b")
