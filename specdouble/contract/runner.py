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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

import httpx
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema

from specdouble.contract import checks as _checks  # noqa: F401  (registers the checks)
from specdouble.contract import cleanup, shrink

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
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _survive_unparsable_urls() -> None:
    """Schemathesis reads every URL-like string of an answer to learn the links it may
    follow, and stops the whole run where Python's `urlsplit` refuses one (Shipengine's
    example `https://[YOUR ENDPOINT ID].x.requestbin.com`: brackets name an IPv6 host). Such
    a string leads nowhere: it is passed over."""
    from schemathesis.engine import observations

    same_origin_path = observations._same_origin_path
    if getattr(same_origin_path, "survives", False):
        return

    def surviving(value: str, origin: tuple[str, str]) -> str | None:
        try:
            return same_origin_path(value, origin)
        except ValueError:
            return None

    surviving.survives = True  # type: ignore[attr-defined]
    observations._same_origin_path = surviving


_survive_unparsable_urls()

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
    writes: bool = True
    """False: only safe methods are sent (`--no-writes`): nothing on the server changes."""
    cleanup: bool = True
    """Delete what the run made, afterwards (False: `--keep-data`)."""
    shrink: bool = True
    """Make each finding's request as small as it can be while it still fails."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One distinct contract failure, ready to show to a person."""

    operation: str
    check: str
    title: str
    message: str
    curl: str
    request: str = ""
    """The (smallest) failing request in one line: method, path, query, body."""
    received: str = ""
    """What the server answered it: status, the headers that matter, the body."""
    causes: tuple[str, ...] = ()
    """What the failure needs, in words ("fails whenever `action` is absent")."""
    also: tuple[tuple[str, str], ...] = ()
    """Other checks (name, title) the same request fails the same way."""
    shrunk: str = ""
    """How the request was made small, or why it was not."""


@dataclass(slots=True)
class Failing:
    """What a finding needs to be sent again: the failing case and its check."""

    case: Any
    response: Any
    steps: int
    """How many requests the failure took (more than one: a stateful scenario)."""


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
    failing: dict[tuple[str, str, str], Failing] = field(default_factory=dict)
    """Per finding, its case, to send again when shrinking."""
    made: list[cleanup.Made] = field(default_factory=list)
    """What the run made on the server, oldest first."""
    deleted: int = 0
    left: list[str] = field(default_factory=list)
    """What the run made and could not delete."""

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
        return {
            check
            for finding in self.findings.values()
            for check in (finding.check, *(name for name, _title in finding.also))
        }


def _config(options: Options) -> SchemathesisConfig:
    data: dict[str, Any] = {
        "base-url": options.url.rstrip("/"),
        "generation": {"max-examples": options.max_examples},
        "checks": {name: {"enabled": False} for name in DISABLED_CHECKS},
    }
    if options.seed is not None:
        data["seed"] = options.seed
    if not options.writes:  # the document's links lead from writes: no scenario without them
        data["phases"] = {"stateful": {"enabled": False}}
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
    """Schemathesis hides the token; the command shows where to put it back. The run's
    isolated session is gone after the run: the command reproduces in the shared state."""
    command = code_sample.replace("'Authorization: [Filtered]'", '"Authorization: Bearer $TOKEN"')
    return command.replace(f" -H '{SESSION_HEADER}: [Filtered]'", "")


def run(options: Options, progress: Callable[[str], None] | None = None) -> Report:
    """Run every phase (examples, coverage, fuzzing, stateful) against the server; then make
    each finding's request small, and delete what the run made."""
    say = progress or (lambda _line: None)
    probe(options.url)
    schema = load(options)
    raw = schema.raw_schema if isinstance(schema.raw_schema, dict) else {}
    secured = secured_operations(raw)
    check_credentials(options, secured)  # a safe GET: nothing is made on the server yet
    if not options.writes:
        schema = schema.include(method=list(SAFE_METHODS))
    session, cannot = isolate(options)
    report = Report(seed=schema.config.seed, session=session, notes=[cannot] if cannot else [])
    if report.session:
        schema.config.headers = {**(schema.config.headers or {}), SESSION_HEADER: report.session}
        say(f"a mock-server: the run uses the isolated session {report.session}")
    if not options.writes:
        report.notes.append("only safe methods were sent (--no-writes): nothing was written")
    deletions = cleanup.deletable(raw)
    headers = request_headers(options)
    if report.session:
        headers[SESSION_HEADER] = report.session
    try:
        _execute(schema, report, secured, deletions, say)
        if options.shrink and report.findings:
            say(f"making {len(report.findings)} finding(s) small ...")
            shrink_findings(report, options.url, headers, deletions)
    finally:
        if report.session:
            left = drop(options, report.session)
            dropped = f"ran in the isolated session {report.session}, dropped afterwards"
            report.notes.append(left or dropped)
        elif options.cleanup and report.made:
            report.deleted, report.left = cleanup.delete(report.made, options.url, headers)
            report.notes.append(
                f"deleted {report.deleted} object(s) the run made"
                + (f"; {len(report.left)} could not be deleted" if report.left else "")
            )
        elif report.made:
            report.notes.append(f"left {len(report.made)} object(s) the run made (--keep-data)")
    return report


def _execute(
    schema: Any,
    report: Report,
    secured: dict[str, Any],
    deletions: Mapping[str, cleanup.Deletable],
    say: Callable[[str], None],
) -> None:
    for event in from_schema(schema).execute():
        if isinstance(event, events.PhaseStarted):
            say(f"{event.phase.name.value} ...")
        elif isinstance(event, events.ScenarioFinished):
            _record(report, event.recorder)
            _count_statuses(report, event.recorder, secured, deletions)
            if event.status != Status.SKIP:
                mark = "FAIL" if event.status == Status.FAILURE else "ok"
                say(f"  {mark:4} {event.recorder.label} ({len(event.recorder.cases)} cases)")
        elif isinstance(event, events.NonFatalError):
            report.errors.append(f"{event.label}: {event.info.title}: {event.info.message}")
        elif isinstance(event, events.FatalError):
            raise UsageError(f"the run stopped: {event.exception}")


def _count_statuses(
    report: Report,
    recorder: Any,
    secured: dict[str, Any],
    deletions: Mapping[str, cleanup.Deletable],
) -> None:
    for case_id, interaction in recorder.interactions.items():
        if interaction.response is None:
            continue
        status = interaction.response.status_code
        report.statuses[status] += 1
        node = recorder.cases.get(case_id)
        case = node.value if node else None
        operation = case.operation if case else None
        label = f"{operation.method.upper()} {operation.path}" if operation else ""
        if label in secured:
            report.secured.setdefault(label, Counter())[status] += 1
        if case is not None:
            _note_made(report, deletions, case, interaction.response)


def _note_made(
    report: Report, deletions: Mapping[str, cleanup.Deletable], case: Any, response: Any
) -> None:
    made = _made_by(deletions, case, response)
    if made is not None:
        report.made.append(made)


def _made_by(
    deletions: Mapping[str, cleanup.Deletable], case: Any, response: Any
) -> cleanup.Made | None:
    return cleanup.made(
        deletions,
        case.operation.path,
        case.formatted_path,
        case.method,
        response.status_code,
        response.content,
    )


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
            if key in report.findings:
                continue
            interaction = recorder.interactions.get(case_id)
            response = interaction.response if interaction is not None else None
            report.findings[key] = Finding(
                operation=label,
                check=node.name,
                title=failure.title,
                message=failure.message,
                curl=_curl(node.failure_info.code_sample),
                request=shrink.request_words(node_of_case.value) if node_of_case else "",
                received=received(response),
            )
            if node_of_case is not None:
                report.failing[key] = Failing(
                    node_of_case.value, response, len(node.failure_info.steps or ())
                )


MAX_SHOWN_BODY = 600
"""How much of an answer's body a finding shows."""
SHOWN_HEADERS = ("content-type", "allow", "location", "www-authenticate")


def received(response: Any) -> str:
    """An answer in a few lines: status, the headers that matter, the body (cut)."""
    if response is None:
        return "no answer"
    headers = response.headers or {}
    shown = []
    for name in SHOWN_HEADERS:
        value = headers.get(name)
        if value:
            shown.append(f"{name}: {value[0] if isinstance(value, list) else value}")
    content = response.content or b""
    body = content[:MAX_SHOWN_BODY].decode("utf-8", "replace")
    more = f" ... ({len(content)} bytes)" if len(content) > MAX_SHOWN_BODY else ""
    line = f"{response.status_code} {getattr(response, 'message', '')}".strip()
    if shown:
        line += " (" + ", ".join(shown) + ")"
    return line + ("\n" + body + more if body else ", no body")


def shrink_findings(
    report: Report,
    base_url: str,
    headers: Mapping[str, str],
    deletions: Mapping[str, cleanup.Deletable],
) -> None:
    """Each finding's request made as small as it can be while it fails the same check (what
    the variants make is deleted with the rest), then findings whose small requests are the
    same and answered the same are one finding, under each check that named it."""
    from schemathesis.checks import CHECKS

    def noted(case: Any, response: Any) -> None:
        """What a variant made is deleted at once: the next variant meets the state the
        finding met (a name taken by the last variant would refuse it for that instead)."""
        made = _made_by(deletions, case, response)
        if made is not None:
            _gone, left = cleanup.delete([made], base_url, headers)
            if left:
                report.made.append(made)

    for number, (key, failing) in enumerate(list(report.failing.items())):
        finding = report.findings[key]
        if number >= MAX_SHRUNK:
            report.findings[key] = replace(finding, shrunk="not made small: too many findings")
            continue
        try:
            check = CHECKS.get_by_names([finding.check])[0]
        except KeyError:
            continue
        if failing.response is not None:
            noted(failing.case, failing.response)  # what the finding made is in the way of it
        fails = shrink.failing(check, finding.title, headers, base_url.rstrip("/"), noted)
        status = failing.response.status_code if failing.response is not None else None
        small = shrink.shrink(failing.case, fails, status=status)
        if not small.reproduced:
            why = (
                f"it needs the requests before it (a stateful scenario of {failing.steps} steps)"
                if failing.steps > 1
                else "it did not fail again when sent alone"
            )
            report.findings[key] = replace(finding, shrunk=f"shown as found: {why}")
            continue
        report.findings[key] = replace(
            finding,
            message=small.message or finding.message,
            curl=_curl(small.case.as_curl_command(headers=dict(headers))),
            request=shrink.request_words(small.case),
            received=received(small.response),
            causes=tuple(small.causes),
            shrunk=f"made small in {small.requests} requests",
        )
    _merge_same(report)


MAX_SHRUNK = 25
"""Findings a run makes small (each may send `shrink.MAX_REQUESTS` requests)."""


def _merge_same(report: Report) -> None:
    """Findings of one operation that the server answered the same way (one fault, named by
    several checks): one finding, the others said. The one kept says most: a cause named,
    then a request with a body to read."""
    groups: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    for key, finding in report.findings.items():
        same = (finding.operation, finding.received or key[2])
        groups.setdefault(same, []).append(key)
    for keys in groups.values():
        if len(keys) < 2:
            continue
        best = max(
            keys,
            key=lambda k: (bool(report.findings[k].causes), " {" in report.findings[k].request),
        )
        others = [report.findings[k] for k in keys if k != best]
        kept = report.findings[best]
        report.findings[best] = replace(
            kept, also=(*kept.also, *((f.check, f.title) for f in others))
        )
        for key in keys:
            if key != best:
                del report.findings[key]


def printer(stream: TextIO = sys.stdout) -> Callable[[str], None]:
    def say(line: str) -> None:
        print(line, file=stream, flush=True)

    return say
