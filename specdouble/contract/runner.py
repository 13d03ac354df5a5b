"""`mock-server contract`: fuzz any running server from the OpenAPI document with Schemathesis'
Python engine, and gather what it found per operation and check.

The runner imports nothing of the mock: it needs a base URL, a document and, for authentik, a
token. The domain checks of `checks.py` run beside Schemathesis' own.

A green run means something: before fuzzing, one safe request checks that the server takes
the credentials (a refusal ends the run with exit 2), and a run in which no request succeeded
or every secured operation was refused does not hold. Against a mock-server (found by its
control routes) the run uses an isolated session (`X-Mock-Session`) and drops it afterwards,
so its fuzz data never reaches the shared state.
"""

from __future__ import annotations

import secrets
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
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
DEFAULT_CONTROL_PREFIX = "/_mock"
SESSION_HEADER = "X-Mock-Session"
REFUSED = frozenset({401, 403})
CREDENTIAL_PROBES = 5
"""Safe GETs tried before fuzzing: the credentials are refused only if each is refused."""
LENIENT_MOCK = (
    "this mock-server reads query values as loosely as authentik does (its default for"
    " authentik's documents), so a negative_data_rejection finding may be that leniency: serve"
    " it with --leniency document for the document's own 400s"
)
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# The built-in checks that cannot hold for authentik, with the reason (see schemathesis.toml).
DISABLED_CHECKS = {
    "missing_required_header": "authentik answers a missing Authorization with 403, never 401",
    "positive_data_acceptance": "replaced by positive_data_acceptance_stateful",
}


class UsageError(Exception):
    """The run cannot start: the server is unreachable, the document unusable, or the
    credentials refused."""


@dataclass(frozen=True, slots=True)
class Options:
    url: str
    spec: Path
    token: str | None = None
    max_examples: int = DEFAULT_MAX_EXAMPLES
    seed: int | None = None
    headers: tuple[tuple[str, str], ...] = ()
    """More headers for every request (`--header 'Name: value'`): other credentials."""
    control_prefix: str = DEFAULT_CONTROL_PREFIX
    """Where a mock-server's control routes are, to find it and isolate the run."""
    isolate: bool = True
    """Against a mock-server, run in an isolated session (False: in its shared state)."""


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
    statuses: Counter[int] = field(default_factory=Counter)
    """How many answers of each status the server gave."""
    secured: dict[str, Counter[int]] = field(default_factory=dict)
    """Per operation that needs credentials, the statuses of its answers."""
    session: str | None = None
    """The isolated session the run used on a mock-server, if any."""
    notes: list[str] = field(default_factory=list)
    """What a person should know about the run (isolation, what was left behind)."""

    @property
    def unjudged(self) -> str | None:
        """Why the run proves nothing although no check failed, or None."""
        if not self.cases:
            return None
        shown = ", ".join(f"{count} x {status}" for status, count in self.statuses.most_common())
        if self.secured and all(set(answers) <= REFUSED for answers in self.secured.values()):
            return (
                f"the server refused the credentials on every operation that needs them"
                f" ({shown}): check --token or --header"
            )
        if not any(200 <= status < 300 for status in self.statuses):
            return f"no request succeeded ({shown or 'no answers'})"
        return None

    @property
    def holds(self) -> bool:
        return not self.findings and not self.errors and self.unjudged is None

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
    headers = request_headers(options)
    if headers:
        data["headers"] = headers
    return SchemathesisConfig.from_dict(data)


def request_headers(options: Options) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {options.token}"} if options.token else {}
    headers.update(dict(options.headers))
    return headers


def probe(url: str) -> None:
    """Fail fast, with one line, when nothing answers at the base URL."""
    try:
        httpx.get(url, timeout=PROBE_TIMEOUT)
    except httpx.HTTPError as error:
        raise UsageError(f"cannot reach {url}: {error}") from error


def _origin(url: str) -> str:
    parsed = httpx.URL(url)
    return str(parsed.copy_with(path="/", query=None, fragment=None)).rstrip("/")


def isolate(options: Options) -> tuple[str | None, str | None]:
    """On a mock-server, an isolated session for this run (made by asking its health with the
    header), and a note when the run cannot have one; (None, None) on any other server."""
    if not options.isolate:
        return None, None
    name = f"contract-{secrets.token_hex(6)}"
    health = f"{_origin(options.url)}{options.control_prefix}/health"
    try:
        answer = httpx.get(health, headers={SESSION_HEADER: name}, timeout=PROBE_TIMEOUT)
        shown = answer.json()
    except (httpx.HTTPError, ValueError):
        return None, None
    if answer.status_code == 200 and isinstance(shown, dict) and shown.get("status") == "ok":
        if shown.get("lenient"):
            return name, LENIENT_MOCK
        return name, None
    if answer.status_code == 400 and SESSION_HEADER in str(shown):
        return None, f"the mock-server cannot isolate the run ({shown}): it fuzzed the shared state"
    return None, None


def drop(options: Options, session: str) -> str | None:
    """Drop the run's isolated session; a note when it could not be dropped."""
    url = f"{_origin(options.url)}{options.control_prefix}/sessions/{session}"
    try:
        answer = httpx.delete(url, headers=request_headers(options), timeout=PROBE_TIMEOUT)
    except httpx.HTTPError as error:
        return f"the isolated session {session} could not be dropped: {error}"
    if answer.status_code >= 300:
        return (
            f"the isolated session {session} is left on the mock (its control routes need the"
            f" admin token; DELETE {options.control_prefix}/sessions/{session} drops it)"
        )
    return None


def secured_operations(raw: dict[str, Any]) -> dict[str, tuple[str, str, bool]]:
    """`METHOD path` of each operation that needs credentials: (method, path, whether it can be
    called with no parameter at all, a safe way to check the credentials)."""
    found: dict[str, tuple[str, str, bool]] = {}
    default = raw.get("security")
    for path, item in (raw.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        shared = item.get("parameters") or []
        for method in METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            security = operation.get("security", default) or []
            if not security or any(not alternative for alternative in security):
                continue  # open, or open as one alternative
            parameters = [_resolve(raw, p) for p in [*shared, *(operation.get("parameters") or [])]]
            bare = "{" not in path and not any(p is None or p.get("required") for p in parameters)
            found[f"{method.upper()} {path}"] = (method.upper(), path, bare)
    return found


def _resolve(raw: dict[str, Any], value: Any) -> dict[str, Any] | None:
    """A local `$ref` followed (None where it cannot be)."""
    for _ in range(32):
        if not isinstance(value, dict) or "$ref" not in value:
            break
        reference = str(value["$ref"])
        if not reference.startswith("#/"):
            return None
        value = raw
        for part in reference[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            value = value.get(part) if isinstance(value, dict) else None
    return value if isinstance(value, dict) and "$ref" not in value else None


def check_credentials(options: Options, secured: Mapping[str, tuple[str, str, bool]]) -> None:
    """GETs that need credentials and no parameter (up to `CREDENTIAL_PROBES`): when every one
    answers 401 or 403, the credentials are refused and the run ends. One refusal alone may be
    a permission the token lacks (an administrator's list), not a bad token."""
    bare = [path for method, path, plain in secured.values() if plain and method == "GET"]
    first: tuple[str, httpx.Response] | None = None
    for path in bare[:CREDENTIAL_PROBES]:
        try:
            answer = httpx.get(
                options.url.rstrip("/") + path, headers=request_headers(options), timeout=30
            )
        except httpx.HTTPError:
            return  # the fuzzing will say what is wrong with this server
        if answer.status_code not in REFUSED:
            return
        first = first or (path, answer)
    if first is not None:
        path, answer = first
        given = "the token given" if options.token or options.headers else "no credentials"
        raise UsageError(
            f"the server refuses {given}: GET {path} answered {answer.status_code}"
            f" {answer.text[:200].strip()}; pass a valid --token (or --header)"
        )


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
    raw = schema.raw_schema if isinstance(schema.raw_schema, dict) else {}
    secured = secured_operations(raw)
    check_credentials(options, secured)  # a safe GET: nothing is made on the server yet
    session, cannot = isolate(options)
    report = Report(seed=schema.config.seed, session=session, notes=[cannot] if cannot else [])
    if report.session:
        schema.config.headers = {**(schema.config.headers or {}), SESSION_HEADER: report.session}
        say(f"a mock-server: the run uses the isolated session {report.session}")
    try:
        _execute(schema, report, secured, say)
    finally:
        if report.session:
            left = drop(options, report.session)
            dropped = f"ran in the isolated session {report.session}, dropped afterwards"
            report.notes.append(left or dropped)
    return report


def _execute(
    schema: Any, report: Report, secured: dict[str, Any], say: Callable[[str], None]
) -> None:
    for event in from_schema(schema).execute():
        if isinstance(event, events.PhaseStarted):
            say(f"{event.phase.name.value} ...")
        elif isinstance(event, events.ScenarioFinished):
            _record(report, event.recorder)
            _count_statuses(report, event.recorder, secured)
            if event.status != Status.SKIP:
                mark = "FAIL" if event.status == Status.FAILURE else "ok"
                say(f"  {mark:4} {event.recorder.label} ({len(event.recorder.cases)} cases)")
        elif isinstance(event, events.NonFatalError):
            report.errors.append(f"{event.label}: {event.info.title}: {event.info.message}")
        elif isinstance(event, events.FatalError):
            raise UsageError(f"the run stopped: {event.exception}")


def _count_statuses(report: Report, recorder: Any, secured: dict[str, Any]) -> None:
    for case_id, interaction in recorder.interactions.items():
        if interaction.response is None:
            continue
        status = interaction.response.status_code
        report.statuses[status] += 1
        node = recorder.cases.get(case_id)
        operation = node.value.operation if node else None
        label = f"{operation.method.upper()} {operation.path}" if operation else ""
        if label in secured:
            report.secured.setdefault(label, Counter())[status] += 1


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
