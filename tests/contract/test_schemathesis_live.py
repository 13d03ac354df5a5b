"""Schemathesis, run from outside as a user would, against `mock-server serve` on a free port.

It reads `schemathesis.toml` at the repository root: the admin token, our extra check, and the
two built-in checks that cannot apply to authentik (see that file).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, LiveServer

REQUIRED_CHECKS = {
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "ignored_auth",
    "positive_data_acceptance_stateful",
    "use_after_free",
    "ensure_resource_availability",
}
OPERATIONS = {
    "GET /policies/event_matcher/",
    "POST /policies/event_matcher/",
    "GET /policies/event_matcher/{policy_uuid}/",
    "PUT /policies/event_matcher/{policy_uuid}/",
    "PATCH /policies/event_matcher/{policy_uuid}/",
    "DELETE /policies/event_matcher/{policy_uuid}/",
    "GET /policies/event_matcher/{policy_uuid}/used_by/",
}


@pytest.fixture(scope="module")
def strict_server() -> Iterator[LiveServer]:
    """The mock with the document's own 400s: the contract tester's setting (the default reads
    query values as loosely as authentik, which Schemathesis' negative checks call a failure)."""
    server = LiveServer("--leniency", "document")
    try:
        yield server
    finally:
        server.stop()


def run_schemathesis(server: LiveServer, report: Path, *arguments: str) -> dict[str, set[str]]:
    server.reset()
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{server.url}/openapi.json",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(report),
        *arguments,
    ]
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    outcomes: dict[str, set[str]] = defaultdict(set)
    labels: set[str] = set()
    for line in report.read_text().splitlines():
        event = json.loads(line)
        finished = event.get("ScenarioFinished")
        if not finished or finished["status"] == "skip":
            continue
        labels.add(finished["recorder"]["label"])
        for results in finished["recorder"]["checks"].values():
            for result in results:
                outcomes[result["name"]].add(result["status"])
    assert labels == OPERATIONS | {"Stateful tests"}, labels
    return outcomes


@pytest.mark.live
def test_every_check_passes_on_every_operation(strict_server: LiveServer, tmp_path: Path) -> None:
    outcomes = run_schemathesis(
        strict_server, tmp_path / "run.ndjson", "--max-examples", "60", "--seed", "20261125"
    )
    assert set(outcomes) >= REQUIRED_CHECKS, sorted(outcomes)
    failed = {name for name, statuses in outcomes.items() if statuses - {"success", "skip"}}
    assert not failed
