"""`mock-server contract`: it passes against the mock and names the fault of each broken one."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from starlette.types import ASGIApp

from specdouble.contract import report, runner
from specdouble.settings import DEFAULT_SPEC
from tests.conftest import ADMIN, ROOT, free_port
from tests.contract.faulty_servers import FAULTS, FaultyServer

DOMAIN_CHECKS = {
    "pagination_arithmetic",
    "results_match_filters",
    "results_follow_ordering",
    "results_match_search",
    "bound_to_matches_used_by",
    "written_objects_read_back",
    "positive_data_acceptance_stateful",
}


def contract(url: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "specdouble", "contract", "--url", url, *arguments]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


def options(url: str, **changes: object) -> runner.Options:
    return runner.Options(url=url, spec=DEFAULT_SPEC, token="ak-mock-admin", seed=7, **changes)


@pytest.mark.live
def test_the_contract_holds_for_the_mock() -> None:
    with FaultyServer(None) as server:
        result = runner.run(options(server.url))
    assert result.holds, report.summary(result)
    ran = {check for checks in result.counts.values() for check in checks}
    assert ran >= DOMAIN_CHECKS
    for operation, checks in result.counts.items():
        assert all(outcome.get("passed", 0) > 0 for outcome in checks.values()), operation


@pytest.mark.live
@pytest.mark.parametrize("fault", list(FAULTS))
def test_each_fault_is_found_and_named(fault: str) -> None:
    wrapper, check = FAULTS[fault]
    with FaultyServer(wrapper) as server:
        result = runner.run(options(server.url))
    assert not result.holds
    assert check in result.failed_checks, report.summary(result)
    shown = report.summary(result)
    finding = next(
        f for f in result.findings.values() if check in (f.check, *(n for n, _ in f.also))
    )
    assert f"\n{finding.operation}\n" in shown and f"{finding.title} ({finding.check}" in shown
    assert finding.curl.startswith("curl ") and finding.curl in shown
    assert finding.received.split()[0].isdigit()  # the answer, as the server gave it
    assert "The contract is broken" in shown


@pytest.mark.live
def test_the_command_line_with_junit(tmp_path: Path) -> None:
    junit = tmp_path / "contract.xml"
    wrapper: Callable[[ASGIApp], ASGIApp] = FAULTS["wrong pagination counts"][0]
    with FaultyServer(wrapper) as server:
        completed = contract(
            server.url,
            "--token",
            "ak-mock-admin",
            "--seed",
            "3",
            "--max-examples",
            "10",
            "--junit",
            str(junit),
        )
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "Pagination does not add up (pagination_arithmetic" in completed.stdout
    assert "Received: " in completed.stdout and "Expected: " in completed.stdout
    assert "coverage ..." in completed.stdout  # progress while it runs
    failures = (
        ET.parse(junit).getroot().findall(".//testcase[@name='pagination_arithmetic']/failure")
    )
    assert failures and failures[0].get("message") == "Pagination does not add up"


@pytest.mark.live
def test_the_command_line_passes_against_the_mock(tmp_path: Path) -> None:
    junit = tmp_path / "contract.xml"
    with FaultyServer(None) as server:
        completed = contract(
            server.url, "--token", "ak-mock-admin", "--max-examples", "10", "--junit", str(junit)
        )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "The contract holds" in completed.stdout
    assert ET.parse(junit).getroot().findall(".//failure") == []


def test_an_unreachable_server_is_a_usage_error() -> None:
    completed = contract(f"http://127.0.0.1:{free_port()}/api/v3")
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr.startswith("mock-server contract: cannot reach http://127.0.0.1:")
    assert len(completed.stderr.strip().splitlines()) == 1


@pytest.mark.live
def test_an_unusable_document_is_a_usage_error(tmp_path: Path) -> None:
    with FaultyServer(None) as server:
        missing = contract(server.url, "--spec", str(tmp_path / "none.yaml"))
    assert missing.returncode == 2
    assert (
        missing.stderr.strip()
        == f"mock-server contract: no such document: {tmp_path / 'none.yaml'}"
    )


@pytest.mark.live
def test_the_same_seed_replays_the_same_run() -> None:
    runs = []
    for _ in range(2):
        with FaultyServer(None) as server:
            result = runner.run(options(server.url, max_examples=10))
        runs.append((result.seed, result.cases, dict(result.counts)))
    assert runs[0] == runs[1]


@pytest.mark.live
def test_a_refused_token_fails_before_any_fuzzing() -> None:
    with FaultyServer(None) as server:
        completed = contract(server.url, "--token", "nope", "--max-examples", "5")
        count = httpx.get(f"{server.url}/policies/event_matcher/", headers=ADMIN).json()
    assert completed.returncode == 2, completed.stdout + completed.stderr
    assert "the server refuses the token given: GET /policies/event_matcher/ answered 403" in (
        completed.stderr
    )
    assert "Token invalid/expired" in completed.stderr and "cases" not in completed.stdout
    assert count["pagination"]["count"] == 150


@pytest.mark.live
def test_no_token_at_all_fails_too() -> None:
    with FaultyServer(None) as server:
        completed = contract(server.url, "--max-examples", "5")
    assert completed.returncode == 2
    assert "the server refuses no credentials" in completed.stderr


def test_a_run_in_which_nothing_succeeded_does_not_hold() -> None:
    refused = runner.Report(seed=1, cases=10)
    refused.statuses.update({403: 9, 405: 1})
    refused.secured["GET /things/"] = Counter({403: 5})
    assert not refused.holds
    assert "refused the credentials on every operation that needs them (9 x 403, 1 x 405)" in (
        report.summary(refused)
    )
    failing = runner.Report(seed=1, cases=3)
    failing.statuses.update({404: 3})
    assert not failing.holds and "no request succeeded (3 x 404)" in report.summary(failing)
    fine = runner.Report(seed=1, cases=3)
    fine.statuses.update({200: 1, 403: 2})
    fine.secured["GET /things/"] = Counter({200: 1, 403: 2})
    assert fine.holds


@pytest.mark.live
def test_against_the_mock_the_fuzz_data_stays_in_an_isolated_session() -> None:
    with FaultyServer(None) as server:
        result = runner.run(options(server.url, max_examples=5))
        origin = server.url.removesuffix("/api/v3")
        sessions = httpx.get(f"{origin}/_mock/sessions", headers=ADMIN).json()
        listed = httpx.get(f"{server.url}/policies/event_matcher/", headers=ADMIN).json()
    assert result.holds, report.summary(result)
    assert result.session and result.session.startswith("contract-")
    assert sessions == {"sessions": {}}  # dropped afterwards
    assert listed["pagination"]["count"] == 150  # the shared state is the fixtures'
    assert f"ran in the isolated session {result.session}, dropped afterwards" in (
        report.summary(result)
    )


def test_one_refusal_is_a_permission_all_refusals_are_bad_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A valid token may lack an administrator's list: the run ends only when every safe GET
    it tries is refused."""
    secured = {
        "GET /admin/": ("GET", "/admin/", True),
        "GET /things/": ("GET", "/things/", True),
        "POST /things/": ("POST", "/things/", True),
        "GET /things/{id}/": ("GET", "/things/{id}/", False),
    }
    statuses = {"/admin/": 403, "/things/": 200}
    asked: list[str] = []

    def fake_get(url: str, **_: object) -> httpx.Response:
        path = url.removeprefix("http://api")
        asked.append(path)
        return httpx.Response(statuses[path], text='{"detail": "no"}')

    monkeypatch.setattr(runner.httpx, "get", fake_get)
    options = runner.Options(url="http://api", spec=DEFAULT_SPEC, token="t")
    runner.check_credentials(options, secured)
    assert asked == ["/admin/", "/things/"]
    statuses["/things/"] = 401
    with pytest.raises(
        runner.UsageError, match=r"refuses the token given: GET /admin/ answered 403"
    ):
        runner.check_credentials(options, secured)


@pytest.mark.live
def test_a_finding_is_made_small_and_its_cause_named() -> None:
    """authentik 2026.8's crash: the fuzzed create, shrunk to the smallest body that still
    crashes, one finding under both checks that see it, with the server's answer and why."""
    with FaultyServer(FAULTS["authentik 2026.8's crash on a left-out criterion"][0]) as server:
        result = runner.run(options(server.url))
    created = [f for f in result.findings.values() if f.operation.startswith("POST ")]
    assert len(created) == 1, report.summary(result)  # one fault, not one per check
    finding = created[0]
    assert {finding.check, *(name for name, _ in finding.also)} >= {
        "status_code_conformance",
        "positive_data_acceptance_stateful",
    }
    assert finding.received.startswith("405 ") and "allow: GET, HEAD, OPTIONS" in finding.received
    assert finding.request in (
        "POST /policies/event_matcher/",
        'POST /policies/event_matcher/ {"name": "x"}',
    )
    assert finding.causes == (
        "fails whenever any of `action`, `app`, `client_ip`, `model`, `query` is absent",
    )
    assert finding.request.split(" ", 2)[-1] in finding.curl or "-d" not in finding.curl
    assert "X-Mock-Session" not in finding.curl  # the session is gone after the run


@pytest.mark.live
def test_a_run_deletes_what_it_made_and_no_writes_makes_nothing() -> None:
    with FaultyServer(None) as server:

        def count() -> int:
            listed = httpx.get(f"{server.url}/policies/event_matcher/", headers=ADMIN).json()
            return listed["pagination"]["count"]

        before = count()
        shared = runner.run(options(server.url, isolate=False, max_examples=10))
        assert shared.made and shared.deleted == len({m.path for m in shared.made})
        assert shared.left == [] and count() == before
        assert f"deleted {shared.deleted} object(s) the run made" in report.summary(shared)
        safe = runner.run(options(server.url, isolate=False, max_examples=10, writes=False))
        assert count() == before and safe.made == []
    methods = {operation.split()[0] for operation in safe.counts}
    assert methods <= {"GET", "HEAD", "OPTIONS"}, methods
    assert safe.holds, report.summary(safe)


def test_an_answer_holding_a_url_python_cannot_split_does_not_stop_the_run() -> None:
    """Schemathesis learns links from every URL-like string of an answer; Shipengine's example
    `https://[YOUR ENDPOINT ID].x.requestbin.com` made `urlsplit` raise, which ended the run.
    It leads nowhere; the others still lead where they did."""
    from schemathesis.engine import observations

    origin = ("http", "127.0.0.1:8000")  # (`runner`, imported above, makes it survive them)
    same_origin_path = observations._same_origin_path
    assert same_origin_path("https://[YOUR ENDPOINT ID].x.requestbin.com", origin) is None
    assert same_origin_path("http://127.0.0.1:8000/v1/pets/7?x=1", origin) == "/v1/pets/7"
    assert same_origin_path("/v1/pets/8", origin) == "/v1/pets/8"
    assert same_origin_path("https://elsewhere.org/v1", origin) is None
