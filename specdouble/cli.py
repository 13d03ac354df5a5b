"""`mock-server serve | fixtures | validate`: the command line, a thin layer over the modules."""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import socket
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from specdouble import __version__
from specdouble.document import registry
from specdouble.settings import (
    BOOLEANS,
    DEFAULT_CACHE,
    DEFAULT_COUNT,
    DEFAULT_PER_RESOURCE,
    DEFAULT_SEED,
    TOKENS_FILE,
    Limits,
    Settings,
    parse_latency,
)

# Each command imports what it needs when it runs: the validator and the Schemathesis engine
# alone take half a second, which `serve` would otherwise pay at every start.

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="mock-server",
        description="A stateful mock and contract tester for authentik's REST API and any other"
        " OpenAPI document (3.0, 3.1 or Swagger 2.0): serve it, generate its data, fuzz a server"
        " against it, check it for CI.",
    )
    root.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = root.add_subparsers(dest="command", required=True)

    serve = commands.add_parser(
        "serve",
        help="serve the API (defaults: the built-in document and data on 127.0.0.1:8000)",
        description="Every flag can also be set as MOCK_SERVER_<FLAG> (e.g. MOCK_SERVER_PORT,"
        " MOCK_SERVER_AUTHENTIK=1, MOCK_SERVER_LIMIT_BODY_BYTES); flags win.",
    )
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8000)")
    serve.add_argument(
        "--spec",
        type=Path,
        help="the OpenAPI document to serve: a file, or npm:<package>@<version>[/<file>]"
        " (fetched from the npm registry once, then cached)",
    )
    serve.add_argument(
        "--authentik",
        action="store_true",
        help=f"serve authentik's whole API ({registry.AUTHENTIK}) with its users, flows and brand",
    )
    serve.add_argument(
        "--tokens",
        type=Path,
        metavar="FILE",
        help="only these tokens are valid (default: fixtures/tokens.yaml for authentik's"
        " documents, any well-formed credential for others)",
    )
    serve.add_argument(
        "--state",
        type=Path,
        metavar="FILE",
        help="keep the state (every write since the fixtures) in this SQLite file: it comes"
        " back after a restart, even after a kill; POST /_mock/reset returns to the fixtures"
        " (default: in memory only)",
    )
    serve.add_argument(
        "--shared",
        metavar="URL",
        help="share the state with every replica serving the same document through this"
        " PostgreSQL database (postgresql://user@host/db): writes through one are read through"
        " all, in one order",
    )
    serve.add_argument(
        "--reload",
        action="store_true",
        default=None,
        help="watch the document and the fixtures; serve them again when they change",
    )
    serve.add_argument(
        "--journal",
        type=int,
        metavar="N",
        help="requests GET /_mock/requests keeps (default 1000; 0 keeps none)",
    )
    serve.add_argument(
        "--latency",
        metavar="LOW-HIGH",
        help="every answer waits LOW to HIGH ms, drawn from the seed (e.g. 50-200)",
    )
    serve.add_argument(
        "--ui",
        type=Path,
        metavar="DIR",
        help="also serve this built authentik web interface (/if/admin/, /static/dist/, ...)",
    )
    serve.add_argument("--fixtures", type=Path, help="folder with tokens.yaml and data files")
    serve.add_argument("--seed", type=int, help="generate the data in memory from this seed")
    serve.add_argument("--count", type=int, help="how many policies to generate")
    serve.add_argument(
        "--per-resource", type=int, help="objects generated for each other resource (default 5)"
    )
    serve.add_argument(
        "--cors-origins", help="comma-separated origins allowed by CORS (default: *)"
    )
    serve.add_argument("--log-level", choices=["critical", "error", "warning", "info", "debug"])
    serve.add_argument(
        "--workers", type=int, help="processes serving the same data; writes are shared"
    )
    serve.add_argument(
        "--limit",
        action="append",
        metavar="NAME=VALUE",
        help="change one request limit (repeatable): " + ", ".join(Limits.names()),
    )
    serve.add_argument(
        "--leniency",
        choices=["auto", "real", "document", "contract"],
        help="query values the document types (page_size=abc, a naive instant): auto (the"
        " default) reads them as loosely as authentik 2026.8 for authentik's documents; document"
        " (or contract) answers 400 as the document says; real: authentik's way for any DRF"
        " document",
    )
    serve.add_argument(
        "--control-token",
        help="a token for the control routes (/_mock/*) besides the admin tokens",
    )
    serve.add_argument(
        "--control-prefix",
        metavar="PATH",
        help="where the control routes (journal, faults, reset, sessions) live (default /_mock);"
        " move them when the document's own paths lie there",
    )
    serve.add_argument(
        "--direct",
        action=argparse.BooleanOptionalAction,
        help="answer resource operations without Connexion's per-request pipeline (default: on;"
        " --no-direct sends every request through it, with the same answers)",
    )

    make = commands.add_parser(
        "fixtures",
        help="write seeded, realistic data files for a document (what serve --seed makes)",
        description="One JSON file per collection of the document, which serve --fixtures DIR"
        " then serves (and which you may edit). The same seed gives the same bytes.",
    )
    make.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"the seed (default {DEFAULT_SEED})"
    )
    make.add_argument(
        "--count",
        type=int,
        default=DEFAULT_COUNT,
        help=f"Event Matcher Policies to make, for authentik's documents (default {DEFAULT_COUNT})",
    )
    make.add_argument(
        "--per-resource",
        type=int,
        default=DEFAULT_PER_RESOURCE,
        help=f"objects of each other resource (default {DEFAULT_PER_RESOURCE})",
    )
    make.add_argument(
        "--spec",
        type=Path,
        default=Settings().spec,
        help="the OpenAPI document (default: the built-in Event Matcher document)",
    )
    make.add_argument(
        "--out",
        type=Path,
        default=Settings().fixtures,
        help="the folder to write (default: the built-in fixtures)",
    )

    contract = commands.add_parser(
        "contract",
        help="fuzz a running server (the mock or a real authentik) against the document",
        description="Exit 0 when the contract holds, 1 when it does not (or when no request"
        " succeeded), 2 on a usage error (the server unreachable, the document unusable, the"
        " credentials refused).",
    )
    contract.add_argument("--url", required=True, help="base URL, e.g. http://host/api/v3")
    contract.add_argument("--token", help="an API token, sent as 'Authorization: Bearer ...'")
    contract.add_argument(
        "--header",
        action="append",
        metavar="'NAME: VALUE'",
        help="a header for every request (repeatable), e.g. other credentials",
    )
    contract.add_argument(
        "--no-isolate",
        action="store_true",
        help="against a mock-server, fuzz its shared state instead of an isolated session"
        " (POST /_mock/reset then returns it to its fixtures)",
    )
    contract.add_argument(
        "--control-prefix",
        default="/_mock",
        metavar="PATH",
        help="where a mock-server's control routes are, if serve moved them (default /_mock)",
    )
    contract.add_argument("--spec", type=Path, default=Settings().spec, help="the document")
    contract.add_argument(
        "--max-examples", type=int, help="test cases per operation and phase (default 50)"
    )
    contract.add_argument("--seed", type=int, help="the same seed replays the same run")
    contract.add_argument("--junit", type=Path, help="also write a JUnit XML report here")
    contract.add_argument("--markdown", type=Path, help="also write a Markdown report here")
    contract.add_argument(
        "--no-writes",
        action="store_true",
        help="send safe methods only (GET, HEAD, OPTIONS): nothing on the server changes",
    )
    contract.add_argument(
        "--keep-data",
        action="store_true",
        help="leave what the run made on the server (by default it is deleted afterwards)",
    )
    contract.add_argument(
        "--no-shrink",
        action="store_true",
        help="show each finding's request as fuzzed, not made small",
    )

    proxy = commands.add_parser(
        "proxy",
        help="stand in front of a real server: check its traffic, record it, compare the mock",
        description="Forwards every request to --target unchanged and checks the request and"
        " the answer against the document (the journal at /_mock/requests shows each"
        " exchange's violations; each is a line on stderr; --junit/--markdown are written on"
        " exit). Exit 0 when it stops, 2 on a usage error.",
    )
    proxy.add_argument("--target", required=True, help="the real server, e.g. http://host:9000")
    proxy.add_argument(
        "--spec",
        default=None,
        help="the document: a file, or npm:<package>@<version>[/<file>] (default: the built-in)",
    )
    proxy.add_argument(
        "--authentik", action="store_true", help=f"authentik's whole API ({registry.AUTHENTIK})"
    )
    proxy.add_argument("--host", default="127.0.0.1")
    proxy.add_argument("--port", type=int, default=8000)
    proxy.add_argument(
        "--strict",
        action="store_true",
        help="answer a request that breaks the document with the document's refusal (400/422,"
        " 404 for no operation) instead of forwarding it",
    )
    proxy.add_argument(
        "--record",
        type=Path,
        metavar="DIR",
        help="write what the server answers as fixture files (serve --fixtures DIR serves"
        " them); recording into a folder again merges by key",
    )
    proxy.add_argument(
        "--compare",
        action="store_true",
        help="also answer each request from a mock (started from --record DIR's files) and"
        " report where it and the server differ",
    )
    proxy.add_argument(
        "--mock-token",
        metavar="TOKEN",
        help="with --compare: the credential the mock gets in place of the client's",
    )
    proxy.add_argument("--junit", type=Path, help="write a JUnit XML report here on exit")
    proxy.add_argument("--markdown", type=Path, help="write a Markdown report here on exit")
    proxy.add_argument(
        "--timeout", type=float, default=60.0, help="seconds to wait for the server (default 60)"
    )

    check = commands.add_parser(
        "validate",
        help="check OpenAPI documents for CI",
        description="Every problem of each document in one run, each with its rule, severity,"
        " JSON pointer and line: OpenAPI validity, $refs, info, unique operationIds, security"
        " schemes, documented error answers, and what makes a document weak for mocking. Exit 0"
        " when no finding reaches --fail-on, 1 when one does, 2 when a document or the settings"
        " cannot be read.",
    )
    check.add_argument("specs", type=Path, nargs="+", metavar="SPEC")
    _ci_options(check)

    changed = commands.add_parser(
        "diff",
        help="what changed between two versions of a document, and whom it breaks",
        description="Each change classified: error (breaks clients), warning (breaks servers),"
        " info (compatible), with its JSON pointer and line in NEW. With --journal (or"
        " --used-by), only the changes that touch what a recorded frontend called, sent and"
        " read. Exit 0 when no change reaches --fail-on, 1 when one does, 2 on a usage error.",
    )
    changed.add_argument("old", metavar="OLD", help="the document before (a file or npm:...)")
    changed.add_argument("new", metavar="NEW", help="the document after (a file or npm:...)")
    changed.add_argument(
        "--journal",
        type=Path,
        help="a request journal (GET /_mock/requests of a mock a frontend ran against)",
    )
    changed.add_argument(
        "--used-by",
        metavar="URL",
        help="a running mock-server's origin: its journal, read from /_mock/requests",
    )
    changed.add_argument("--token", help="the mock's admin token, for --used-by")
    _ci_options(changed)
    return root


def _ci_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--format",
        choices=["text", "json", "junit", "sarif", "github"],
        default="text",
        help="text (default), json, junit, sarif (code scanning) or github (annotations)",
    )
    command.add_argument("--output", type=Path, help="write the report here (default: stdout)")
    command.add_argument(
        "--fail-on",
        choices=["error", "warning", "info"],
        default="error",
        help="the least severity that fails the run (default: error)",
    )
    command.add_argument(
        "--rule",
        action="append",
        default=[],
        metavar="ID=SEVERITY",
        help="a rule's severity: error, warning, info or off (repeatable)",
    )
    command.add_argument(
        "--config",
        type=Path,
        help="the settings file (default: .mock-server.yaml in the working directory, if any)",
    )


AUTHENTIK_VARIABLE = "MOCK_SERVER_AUTHENTIK"
"""`serve --authentik` as a variable: it names a document, so it is not a setting of its own."""


def environment_flag(name: str) -> bool:
    raw = os.environ.get(name, "")
    if raw and raw.lower() not in BOOLEANS:
        raise ValueError(f"{name} must be one of {sorted(BOOLEANS)}")
    return BOOLEANS.get(raw.lower(), False)


def settings_from(arguments: argparse.Namespace) -> Settings:
    """The settings of `serve`: flags over `MOCK_SERVER_*`; a ValueError says what is wrong."""
    origins = arguments.cors_origins
    base = Settings.from_env()
    assignments: dict[str, str] = {}
    for assignment in arguments.limit or []:
        name, equals, value = assignment.partition("=")
        if not equals:
            raise ValueError(f"--limit {assignment!r}: expected NAME=VALUE")
        assignments[name.strip()] = value.strip()
    limits = base.limits.with_values(assignments, source="--limit")
    authentik = arguments.authentik or environment_flag(AUTHENTIK_VARIABLE)
    spec = Path(registry.AUTHENTIK) if authentik else arguments.spec
    if spec is None and base.spec is not None and registry.is_package(str(base.spec)):
        spec = base.spec
    if spec is not None and registry.is_package(str(spec)):
        spec = registry.fetch(str(spec), base.cache or DEFAULT_CACHE)
    settings = base.replace(
        host=arguments.host,
        port=arguments.port,
        spec=spec,
        ui=arguments.ui,
        journal=arguments.journal,
        reload=arguments.reload,
        tokens=arguments.tokens,
        state=arguments.state,
        shared=arguments.shared,
        latency=parse_latency(arguments.latency) if arguments.latency else None,
        fixtures=arguments.fixtures,
        seed=arguments.seed,
        count=arguments.count,
        per_resource=arguments.per_resource,
        cors_origins=tuple(o.strip() for o in origins.split(",") if o.strip()) if origins else None,
        log_level=arguments.log_level,
        workers=arguments.workers,
        direct=arguments.direct,
        limits=limits,
        control_token=arguments.control_token,
        control_prefix=arguments.control_prefix.rstrip("/") or "/"
        if arguments.control_prefix
        else None,
        leniency=arguments.leniency,
    )
    settings.check()
    return settings


def state_origin(settings: Settings) -> str:
    """What a kept state was written over: the document, the fixture files and the data
    options. Writes replayed over other data would be nonsense, so a changed origin refuses."""
    digest = hashlib.sha256()
    for path in [settings.spec, *sorted(settings.fixtures.glob("*"))] if settings.spec else []:
        if path is not None and path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(repr((settings.seed, settings.count, settings.per_resource)).encode())
    return digest.hexdigest()


def serve(settings: Settings) -> int:
    # Importing makes a hundred thousand objects that live as long as the process, and few
    # cycles: Python's cycle collector walked them again and again (0.04 s of each start).
    collecting = gc.isenabled()
    gc.disable()
    try:
        import uvicorn

        from specdouble.data import fixtures
        from specdouble.document import openapi
        from specdouble.server.app import create_app
        from specdouble.server.asgi import PARENT_ENV, TEMPORARY_STATE_ENV
        from specdouble.server.protocol import PROTOCOL
        from specdouble.state.shared_log import SharedLog
        from specdouble.state.write_log import WriteLog
    finally:
        if collecting:
            gc.enable()

    workers = settings.workers
    if settings.state is not None and settings.shared:
        print("mock-server: --state and --shared: choose one place for the state", file=sys.stderr)
        return EXIT_USAGE
    kept = settings.state is not None  # --state FILE: the writes outlive the server
    state_dir = None
    if not kept and not settings.shared and workers > 1:
        state_dir = tempfile.TemporaryDirectory(prefix="mock-server-")
        settings = settings.replace(state=Path(state_dir.name) / "writes.sqlite3")
        WriteLog.create(settings.state)
    try:
        if kept:
            WriteLog.open(settings.state, origin=state_origin(settings))
        if settings.shared:
            SharedLog(settings.shared, origin=state_origin(settings))  # made, or checked
        # Also checks, before any worker starts, that all is well; lives as long as the server.
        app = create_app(settings, lasting=not settings.reload)  # a reload replaces it
    except (openapi.SpecError, fixtures.FixtureError, OSError, ValueError) as error:
        print(f"mock-server: cannot start: {error}", file=sys.stderr)
        return EXIT_USAGE
    busy = cannot_listen(settings.host, settings.port)
    if busy:
        print(
            f"mock-server: cannot listen on {settings.host}:{settings.port}: {busy}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    print(
        f"mock-server: serving {settings.spec.name} on http://{settings.host}:{settings.port}"
        f"{app.base_path}/ (Swagger UI at {app.base_path}{app.swagger_ui}/)"
        + (f", {workers} workers" if workers > 1 else ""),
        file=sys.stderr,
    )
    owner = "the admin token" + (" or --control-token" if settings.control_token else "")
    print(
        f"mock-server: POST {settings.control_prefix}/reset takes {owner}"
        " (Authorization: Bearer ...)",
        file=sys.stderr,
    )
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": settings.log_level,
        "access_log": settings.log_level in {"info", "debug"},
        "http": PROTOCOL,
    }
    if workers > 1:
        os.environ.update(settings.environment())
        if state_dir is not None:
            os.environ[TEMPORARY_STATE_ENV] = state_dir.name
        os.environ[PARENT_ENV] = str(os.getpid())
        uvicorn.run("specdouble.server.asgi:app", factory=True, workers=workers, **options)
        return EXIT_OK
    if settings.reload:
        from specdouble.server.reload import Reloading

        reloading = Reloading(settings, create_app, current=app)
        reloading.start()
        print("mock-server: --reload: watching the document and the fixtures", file=sys.stderr)
        uvicorn.run(reloading, **options)
        return EXIT_OK
    uvicorn.run(app, **options)
    return EXIT_OK


def cannot_listen(host: str, port: int) -> str | None:
    """Why `host:port` cannot be listened on (in use, not an address of this machine), or None.

    Asked before the server starts, so that a port in use is one line, not a start-up log that
    ends in an error."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        return str(error.strerror or error)
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            probe.bind(address)
        except OSError as error:
            return str(error.strerror or error)
    return None


def write_fixtures(seed: int, count: int, per_resource: int, spec_path: Path, out: Path) -> int:
    from specdouble.data import fixtures
    from specdouble.document import openapi
    from specdouble.rest.auth import load_tokens
    from specdouble.server.app import generated_data

    if count < 0 or per_resource < 0:
        print("mock-server: --count and --per-resource must be 0 or more", file=sys.stderr)
        return EXIT_USAGE
    try:
        document = openapi.load_checked(spec_path)
    except openapi.SpecError as error:
        print(f"mock-server: {error}", file=sys.stderr)
        return EXIT_USAGE
    dataset = generated_data(document, seed=seed, count=count, per_resource=per_resource)
    try:
        fixtures.write_dataset(out, dataset)
    except OSError as error:
        print(f"mock-server: cannot write {out}: {error.strerror or error}", file=sys.stderr)
        return EXIT_USAGE
    for name, records in dataset.items():
        print(f"wrote {out / (name + '.json')}: {len(records)} records")
    if (out / TOKENS_FILE).exists():
        load_tokens(out / TOKENS_FILE)  # still readable: a broken one is said now, not at serve
    else:
        print(
            f"serve --fixtures {out} takes the built-in users and tokens"
            f" (add {TOKENS_FILE} there to change them)"
        )
    return EXIT_OK


def validate(arguments: argparse.Namespace) -> int:
    """0 when no finding reaches `--fail-on`, 1 when one does, 2 when a document or the
    settings cannot be read."""
    from specdouble.document import findings, lint, openapi, rules
    from specdouble.document.lines import Lines

    try:
        severities = rules.severities(
            "validate", rules.VALIDATE_RULES, arguments.rule, arguments.config
        )
    except rules.ConfigError as error:
        print(f"mock-server validate: {error}", file=sys.stderr)
        return EXIT_USAGE
    status = EXIT_OK
    found: list[findings.Finding] = []
    for path in arguments.specs:
        try:
            document = openapi.load(path)
        except openapi.SpecError as error:
            print(f"unreadable: {error}", file=sys.stderr)
            status = EXIT_USAGE
            continue
        found += lint.findings(document, str(path), severities, Lines(path))
    failing = [f for f in found if findings.at_least(f.severity, arguments.fail_on)]
    text = findings.render(
        found,
        arguments.format,
        "mock-server validate",
        {rule: words for rule, (_severity, words) in rules.VALIDATE_RULES.items()},
        [str(path) for path in arguments.specs],
    )
    if arguments.format == "text":
        flagged = {f.file for f in failing}
        text = "\n".join(
            [
                *([text] if text else []),
                *(f"valid: {path}" for path in arguments.specs if str(path) not in flagged),
            ]
        )
    _write(text, arguments.output)
    if failing:
        status = max(status, EXIT_FAILED)
    return status


def diff(arguments: argparse.Namespace) -> int:
    """0 when no change reaches `--fail-on`, 1 when one does, 2 on a usage error."""
    from specdouble.document import diff as changes
    from specdouble.document import findings, openapi, registry, rules
    from specdouble.document.lines import Lines

    try:
        severities = rules.severities("diff", rules.DIFF_RULES, arguments.rule, arguments.config)
        paths = [
            registry.fetch(spec, Settings().cache or DEFAULT_CACHE)
            if registry.is_package(spec)
            else Path(spec)
            for spec in (arguments.old, arguments.new)
        ]
        old, new = (openapi.load(path) for path in paths)
        journal = _journal(arguments)
    except (rules.ConfigError, openapi.SpecError, registry.RegistryError, ValueError) as error:
        print(f"mock-server diff: {error}", file=sys.stderr)
        return EXIT_USAGE
    found = changes.changes(old, new)
    if journal is not None:
        found = changes.touching(found, changes.used(journal, old))
    lines = {arguments.old: Lines(paths[0]), arguments.new: Lines(paths[1])}
    reported = []
    for change in found:
        severity = severities.of(change.rule, change.severity)
        if severity == rules.OFF:
            continue
        file = arguments.old if change.rule == "operation-removed" else arguments.new
        reported.append(
            findings.Finding(
                change.rule,
                severity,
                f"{changes.WORDS[change.severity]}: {change.operation}: {change.message}",
                file,
                change.pointer,
                lines[file].line(change.pointer),
            )
        )
    text = findings.render(
        reported,
        arguments.format,
        "mock-server diff",
        {rule: words for rule, (_severity, words) in rules.DIFF_RULES.items()},
        [arguments.new],
    )
    if arguments.format == "text":
        # Counted by whom each change breaks (as classified), whatever severity it is given.
        kept = [c for c in found if severities.of(c.rule, c.severity) != rules.OFF]
        counts = {s: sum(1 for c in kept if c.severity == s) for s in findings.SEVERITIES}
        scope = " that touch what the journal used" if journal is not None else ""
        text = "\n".join(
            [
                *([text] if text else []),
                f"{counts['error']} change(s) that break clients, {counts['warning']} that break"
                f" servers, {counts['info']} compatible{scope}.",
            ]
        )
    _write(text, arguments.output)
    failing = [f for f in reported if findings.at_least(f.severity, arguments.fail_on)]
    return EXIT_FAILED if failing else EXIT_OK


def _journal(arguments: argparse.Namespace) -> list[dict] | None:
    """The journal `--journal` or `--used-by` gives (None: neither was given)."""
    if arguments.journal is not None:
        try:
            data = json.loads(arguments.journal.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ValueError(f"--journal {arguments.journal}: {error}") from error
    elif arguments.used_by:
        import httpx

        url = arguments.used_by.rstrip("/") + "/_mock/requests"
        headers = {"Authorization": f"Bearer {arguments.token}"} if arguments.token else {}
        try:
            answer = httpx.get(url, headers=headers, timeout=30)
            answer.raise_for_status()
            data = answer.json()
        except (httpx.HTTPError, ValueError) as error:
            raise ValueError(f"--used-by {url}: {error}") from error
    else:
        return None
    entries = data.get("requests", data) if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise ValueError("the journal is not a list of requests")
    return [entry for entry in entries if isinstance(entry, dict)]


def _write(text: str, output: Path | None) -> None:
    if output is None:
        if text:
            print(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text + "\n", encoding="utf-8")


def contract(arguments: argparse.Namespace) -> int:
    try:
        from specdouble.contract import report, runner
    except ImportError as missing:  # `make serve` installs only what serving needs
        print(
            f"mock-server contract needs Schemathesis ({missing.name} is missing):"
            " run make install, or pip install 'specdouble[test]'",
            file=sys.stderr,
        )
        return EXIT_USAGE

    headers = []
    for given in arguments.header or []:
        name, colon, value = given.partition(":")
        if not colon or not name.strip():
            print(
                f"mock-server contract: --header {given!r}: expected 'NAME: VALUE'", file=sys.stderr
            )
            return EXIT_USAGE
        headers.append((name.strip(), value.strip()))
    options = runner.Options(
        url=arguments.url,
        spec=arguments.spec,
        token=arguments.token,
        headers=tuple(headers),
        isolate=not arguments.no_isolate,
        control_prefix=arguments.control_prefix.rstrip("/"),
        max_examples=arguments.max_examples or runner.DEFAULT_MAX_EXAMPLES,
        seed=arguments.seed,
        writes=not arguments.no_writes,
        cleanup=not arguments.keep_data,
        shrink=not arguments.no_shrink,
    )
    try:
        result = runner.run(options, progress=runner.printer())
    except runner.UsageError as error:
        print(f"mock-server contract: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(report.summary(result))
    if arguments.junit:
        report.write_junit(result, arguments.junit)
        print(f"JUnit report: {arguments.junit}")
    if arguments.markdown:
        report.write_markdown(result, arguments.markdown)
        print(f"Markdown report: {arguments.markdown}")
    return EXIT_OK if result.holds else EXIT_FAILED


def proxy(arguments: argparse.Namespace) -> int:
    try:
        import schemathesis  # noqa: F401 (the answers are checked with the contract's checks)
    except ImportError as missing:
        print(
            f"mock-server proxy needs Schemathesis ({missing.name} is missing):"
            " run make install, or pip install 'specdouble[test]'",
            file=sys.stderr,
        )
        return EXIT_USAGE
    import uvicorn

    from specdouble.document import openapi
    from specdouble.proxy.app import Proxy, ProxyOptions

    if not arguments.target.startswith(("http://", "https://")):
        print(
            f"mock-server proxy: --target {arguments.target!r}: expected an http(s) URL",
            file=sys.stderr,
        )
        return EXIT_USAGE
    spec = registry.AUTHENTIK if arguments.authentik else arguments.spec
    try:
        if spec is None:
            path = Settings().spec
        elif registry.is_package(spec):
            path = registry.fetch(spec, DEFAULT_CACHE)
        else:
            path = Path(spec)
        app = Proxy(
            ProxyOptions(
                target=arguments.target,
                spec=path,
                strict=arguments.strict,
                record=arguments.record,
                compare=arguments.compare,
                mock_token=arguments.mock_token,
                junit=arguments.junit,
                markdown=arguments.markdown,
                timeout=arguments.timeout,
                cache=DEFAULT_CACHE,
            )
        )
    except (openapi.SpecError, registry.RegistryError, ValueError, OSError) as error:
        print(f"mock-server proxy: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(
        f"mock-server proxy: http://{arguments.host}:{arguments.port} -> {arguments.target}"
        f" (checked against {path.name})",
        file=sys.stderr,
    )
    uvicorn.run(app, host=arguments.host, port=arguments.port, log_level="warning")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    if arguments.command == "serve":
        try:
            settings = settings_from(arguments)
        except (ValueError, registry.RegistryError) as error:
            print(f"mock-server: {error}", file=sys.stderr)
            return EXIT_USAGE
        return serve(settings)
    if arguments.command == "contract":
        return contract(arguments)
    if arguments.command == "proxy":
        return proxy(arguments)
    if arguments.command == "fixtures":
        return write_fixtures(
            arguments.seed, arguments.count, arguments.per_resource, arguments.spec, arguments.out
        )
    if arguments.command == "diff":
        return diff(arguments)
    return validate(arguments)
