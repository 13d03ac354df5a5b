"""The mock against a real authentik's recorded answers over the whole API
(`tests/differential/whole_api.json`, recorded with `python -m tests.differential.whole_api
record` from authentik 2026.8.0-rc1): users, groups, roles, flows, stages, bindings, policies,
providers, applications, tokens, brands, property mappings and certificates, made through the
API and then listed, filtered, ordered, searched, paged, read, written and refused.

Not every answer agrees yet. `whole_api_agreed.txt` names those that did when the mock was
last measured (`replay --write-agreed`): each must still agree, so a change can only add
agreement. The README gives the rate and the kinds of difference left.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests import authentik_package
from tests.conftest import LiveServer
from tests.differential import whole_api


@pytest.fixture(scope="module")
def replayed() -> Iterator[tuple[list[tuple[whole_api.Case, list[str]]], list[str]]]:
    authentik_package.install()
    document = whole_api.load_document(authentik_package.SCHEMA)
    server = LiveServer("--spec", str(authentik_package.SCHEMA))
    try:
        yield whole_api.replay(server.url, "ak-mock-admin", document)
    finally:
        server.stop()


def test_the_record_is_the_harness_own_plan() -> None:
    authentik_package.install()
    document = whole_api.load_document(authentik_package.SCHEMA)
    seed, planned, answers = whole_api.load_recorded()
    assert [c.as_json() for c in planned] == [c.as_json() for c in whole_api.cases(document, seed)]
    kinds = {(case.method, case.credentials) for case in planned}
    assert {("GET", "admin"), ("GET", "nobody"), ("POST", "admin"), ("DELETE", "admin")} <= kinds
    assert len({case.path.split("@")[0] for case in planned}) >= 14
    assert {answer["status"] for answer in answers} >= {200, 204, 400, 403, 404}


@pytest.mark.live
def test_the_objects_are_made_on_the_mock_as_on_the_real_server(replayed: Any) -> None:
    _compared, problems = replayed
    assert problems == []


@pytest.mark.live
def test_what_agreed_with_the_real_server_still_agrees(replayed: Any) -> None:
    compared, _problems = replayed
    differing = {f"{n:04d} {case.id}": found for n, (case, found) in enumerate(compared) if found}
    agreed = whole_api.AGREED.read_text().splitlines()
    assert len(agreed) >= len(compared) // 2
    lost = {case: differing[case] for case in agreed if case in differing}
    assert lost == {}
