"""`mock-server contract`: fuzz any running server from the OpenAPI document with Schemathesis'
Python engine, and gather what it found per operation and check.

The runner knows nothing of the mock: it needs a base URL, a document and, for authentik, a
token. The domain checks of `checks.py` run beside Schemathesis' own.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import httpx
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema

from specdouble.contract import checks as _checks  # noqa: F401  (registers the checks)

DEFAULT_MAX_EXAMPLES = 50
PROBE_TIMEOUT = 5.0

# The built-in checks that cannot hold for authentik, with the reason (see schemathesis.toml).
DISABLED_CHECKS = {
    "missing_required_header": "authentik answers a missing Authorization with 403, never 401",
    "positive_data_acceptance": "replaced by positive_data_acceptance_stateful",
}


class UsageError(Exception):
    """The run cannot start: the server is unreachable or the document unusable."""


@dataclass(frozen=True, slots=True)
class Options:
    url: str
    spec: Path
    token: str | None = None
    max_examples: int = DEFAULT_MAX_EXAMPLES
    seed: int | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One distinct contract failure, ready to show to a person."""

    operation: str
    check: str
    title: str
    message: str
    curl: str


@dataclass(slots=True)
class Report:
    """What a run saw: per operation and check, how many cases passed and failed."""

    seed: int
    counts: dict[str, dict[str, dict[str, int]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    )
    findings: dict[tuple[str, str, str], Finding] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    cases: int = 0

    @property
    def holds(self) -> bool:
        return not self.findings and not self.errors

    @property
    def failed_checks(self) -> set[str]:
        return {finding.check for finding in self.findings.values()}


def _config(options: Options) -> SchemathesisConfig:
    data: dict[str, Any] = {
        "base-url": options.url.rstrip("/"),
        "generation": {"max-examples": options.max_examples},
        "checks": {name: {"enabled": False} for name in DISABLED_CHECKS},
    }
    if options.seed is not None:
        data["seed"] = options.seed
    if options.token:
        data["headers"] = {"Authorization": f"Bearer {options.token}"}
    return SchemathesisConfig.from_dict(data)


def probe(url: str) -> None:
    """Fail fast, with one line, when nothing answers at the base URL."""
    try:
        httpx.get(url, timeout=PROBE_TIMEOUT)
    except httpx.HTTPError as error:
        raise UsageError(f"cannot reach {url}: {error}") from error


def load(options: Options) -> Any:
    if not options.spec.is_file():
        raise UsageError(f"no such document: {options.spec}")
    try:
        return schemathesis.openapi.from_path(options.spec, config=_config(options))
    except Exception as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        raise UsageError(f"{options.spec}: cannot be used: {reason}") from error


def _curl(code_sample: str) -> str:
    """Schemathesis hides the token; the command shows where to put it back."""
    return code_sample.replace("'Authorization: [Filtered]'", '"Authorization: Bearer $TOKEN"')


def run(options: Options, progress: Callable[[str], None] | None = None) -> Report:
    """Run every phase (examples, coverage, fuzzing, stateful) against the server."""
    say = progress or (lambda _line: None)
    probe(options.url)
    schema = load(options)
    report = Report(seed=schema.config.seed)
    for event in from_schema(schema).execute():
        if isinstance(event, events.PhaseStarted):
            say(f"{event.phase.name.value} ...")
        elif isinstance(event, events.ScenarioFinished):
            _record(report, event.recorder)
            if event.status != Status.SKIP:
                mark = "FAIL" if event.status == Status.FAILURE else "ok"
                say(f"  {mark:4} {event.recorder.label} ({len(event.recorder.cases)} cases)")
        elif isinstance(event, events.NonFatalError):
            report.errors.append(f"{event.label}: {event.info.title}: {event.info.message}")
        elif isinstance(event, events.FatalError):
            raise UsageError(f"the run stopped: {event.exception}")
    return report


def _record(report: Report, recorder: Any) -> None:
    report.cases += len(recorder.cases)
    for case_id, nodes in recorder.checks.items():
        # Stateful scenarios span operations: count each step under its own operation.
        node_of_case = recorder.cases.get(case_id)
        label = node_of_case.value.operation.label if node_of_case else recorder.label
        for node in nodes:
            outcome = "failed" if node.status == Status.FAILURE else "passed"
            report.counts[label][node.name][outcome] += 1
            if node.failure_info is None:
                continue
            failure = node.failure_info.failure
            key = (label, node.name, failure.title)
            report.findings.setdefault(
                key,
                Finding(
                    operation=label,
                    check=node.name,
                    title=failure.title,
                    message=failure.message,
                    curl=_curl(node.failure_info.code_sample),
                ),
            )


def printer(stream: TextIO = sys.stdout) -> Callable[[str], None]:
    def say(line: str) -> None:
        print(line, file=stream, flush=True)

    return say
