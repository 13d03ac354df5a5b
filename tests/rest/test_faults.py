"""Fault rules, without a server."""

from __future__ import annotations

from typing import Any

import pytest

from specdouble import errors
from specdouble.rest.faults import Faults, parse_rule


def never() -> str:
    raise AssertionError("the operation was not needed")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": 99}, "status"),
        ({"kind": "status"}, "status"),
        ({"status": 200}, "status"),
        ({"kind": "melt"}, "kind"),
        ({"kind": "delay", "delay_ms": -1}, "delay_ms"),
        ({"kind": "delay", "delay_ms": 60_001}, "delay_ms"),
        ({"status": 500, "rate": 1.5}, "rate"),
        ({"status": 500, "count": 0}, "count"),
        ({"status": 500, "path": 3}, "path"),
        ({"status": 500, "colour": "red"}, "colour"),
    ],
)
def test_a_wrong_rule_is_a_400_naming_its_field(body: dict[str, Any], field: str) -> None:
    with pytest.raises(errors.ValidationFailed) as refused:
        parse_rule(body, 1, seed=42)
    assert field in refused.value.body()


def test_rules_match_by_method_path_and_operation() -> None:
    faults = Faults(seed=42)
    faults.add({"method": "post", "path": "/api/v3/core/*", "status": 500})
    faults.add({"operation_id": "core_users_list", "kind": "reset"})
    assert faults.pick("GET", "/api/v3/policies/", lambda: "policies_all_list") is None
    assert faults.pick("POST", "/api/v3/core/users/", never).status == 500
    assert faults.pick("GET", "/api/v3/core/users/", lambda: "core_users_list").kind == "reset"


def test_count_and_rate_are_spent_and_drawn_the_same_way_every_run() -> None:
    def run() -> list[bool]:
        faults = Faults(seed=7)
        faults.add({"status": 503, "rate": 0.5})
        return [faults.pick("GET", "/x", never) is not None for _ in range(40)]

    first = run()
    assert first == run() and 5 < sum(first) < 35
    faults = Faults(seed=7)
    rule = faults.add({"status": 503, "count": 2})
    picks = [faults.pick("GET", "/x", never) for _ in range(4)]
    assert [p is not None for p in picks] == [True, True, False, False]
    assert rule.shown()["applied"] == 2 and rule.shown()["count"] == 0


def test_rules_are_cleared_one_or_all() -> None:
    faults = Faults(seed=1)
    first, second = faults.add({"status": 500}), faults.add({"status": 502})
    assert faults.clear(first.id) == 1 and [r.id for r in faults.rules] == [second.id]
    assert faults.clear() == 1 and faults.rules == []
