"""Generated fixtures: reproducible to the byte, consistent, and realistic."""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from typing import Any

from specdouble.data import fixtures
from specdouble.resources.event_matcher.data import generate, vocabulary
from specdouble.settings import DEFAULT_COUNT, DEFAULT_FIXTURES, DEFAULT_SEED


def test_the_same_seed_gives_the_same_bytes(document: dict[str, Any]) -> None:
    first = generate(document, seed=5, count=40)
    second = generate(document, seed=5, count=40)
    assert {k: fixtures.dumps(v) for k, v in first.items()} == {
        k: fixtures.dumps(v) for k, v in second.items()
    }
    assert generate(document, seed=6, count=40) != first


def test_the_committed_fixtures_are_what_the_default_seed_generates(
    document: dict[str, Any],
) -> None:
    dataset = generate(document, seed=DEFAULT_SEED, count=DEFAULT_COUNT)
    for name, records in dataset.items():
        committed = (DEFAULT_FIXTURES / f"{name}.json").read_text(encoding="utf-8")
        assert committed == fixtures.dumps(records), f"regenerate with `make fixtures`: {name}"


def test_the_default_set_needs_more_than_one_page(policies: list[dict[str, Any]]) -> None:
    assert len(policies) > 100


def test_values_come_from_the_enums_and_app_matches_model(
    document: dict[str, Any], policies: list[dict[str, Any]]
) -> None:
    words = vocabulary(document)
    for policy in policies:
        assert policy["action"] in [*words.actions, None]
        assert policy["app"] in [*words.apps, None]
        assert policy["model"] in [*words.models, None]
        if policy["app"] and policy["model"]:
            assert words.app_label(policy["app"]) == policy["model"].split(".")[0]
        assert any(policy[name] for name in ("action", "client_ip", "app", "model", "query"))


def test_a_realistic_mix(policies: list[dict[str, Any]], bindings: list[dict[str, Any]]) -> None:
    names = [policy["name"] for policy in policies]
    assert len(set(names)) == len(names)
    assert all(re.match(r"^[A-Z][\w ,()#'.-]+$", name) for name in names)
    ips = [ipaddress.ip_address(p["client_ip"]) for p in policies if p["client_ip"]]
    assert {ip.version for ip in ips} == {4, 6}
    for field in ("action", "client_ip", "app", "model", "query"):
        values = [policy[field] for policy in policies]
        assert None in values and any(values), field
    assert all(p["created"] <= p["last_updated"] for p in policies)
    assert Counter(p["execution_logging"] for p in policies).keys() == {True, False}
    bound = Counter(binding["policy"] for binding in bindings)
    assert 0 < len(bound) < len(policies)
    assert set(bound) <= {policy["pk"] for policy in policies}
