"""The mock against a real authentik's recorded answers (`tests/differential/recorded.json`).

The answers were recorded with `python -m tests.differential.harness record` from authentik
2026.8.0-rc1 holding the 150 fixture policies and no bindings; the same data is served here.
By default (authentik's leniency, as `--leniency real`) every answer agrees except where the
real server crashes; with `--leniency document` also except where it reads a typed query value
more loosely than the document allows.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from specdouble.settings import DEFAULT_FIXTURES
from tests.conftest import LiveServer
from tests.differential import harness

RECORDED = json.loads(harness.RECORDED.read_text())
CASES = [harness.Case.from_json(case) for case in RECORDED["cases"]]
ANSWERS = [case["answer"] for case in RECORDED["cases"]]


@pytest.fixture(scope="module")
def fixtures_without_bindings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fixtures")
    for name in ("policies_event_matcher.json", "tokens.yaml"):
        shutil.copy(DEFAULT_FIXTURES / name, folder / name)
    (folder / "policies_bindings.json").write_text("[]\n")
    return folder


def replay(server: LiveServer) -> list[tuple[harness.Case, list[str]]]:
    answers = harness.run(server.url, "ak-mock-admin", CASES)
    return [
        (case, harness.differences(expected, got))
        for case, expected, got in zip(CASES, ANSWERS, answers, strict=True)
    ]


@pytest.fixture(scope="module", params=["auto", "document"])
def replayed(request: Any, fixtures_without_bindings: Path) -> Iterator[tuple[str, list]]:
    server = LiveServer("--fixtures", str(fixtures_without_bindings), "--leniency", request.param)
    try:
        yield request.param, replay(server)
    finally:
        server.stop()


def test_the_record_is_a_broad_seeded_set() -> None:
    assert RECORDED["seed"] == harness.DEFAULT_SEED and len(CASES) >= 400
    kinds = {(case.method, bool(case.query), case.credentials) for case in CASES}
    assert {("GET", True, "token"), ("POST", False, "token"), ("GET", False, "none")} <= kinds
    assert [case.as_json() for case in CASES] == [c.as_json() for c in harness.cases()]


@pytest.mark.live
def test_the_mock_answers_as_the_real_server(replayed: tuple[str, list]) -> None:
    leniency, outcomes = replayed
    allowed = {"crash"} if leniency == "auto" else {"crash", "lenient"}
    differing = [
        f"{harness.describe(case)}: {'; '.join(found)}"
        for case, found in outcomes
        if found and not allowed & set(case.tags)
    ]
    assert differing == []
    expected_to_differ = [case for case, found in outcomes if found]
    assert expected_to_differ  # the documented differences are real: the check can fail
    if leniency == "auto":
        assert all("crash" in case.tags for case in expected_to_differ)
