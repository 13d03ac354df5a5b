"""The command line: fixtures, validate, serve's start-up errors, and settings from the
environment."""

from __future__ import annotations

import dataclasses
import json
import os
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from specdouble.cli import main, parser, settings_from
from specdouble.document import registry
from specdouble.server.app import create_app
from specdouble.settings import DEFAULT_FIXTURES, DEFAULT_SPEC, Settings, ui_problem
from tests.conftest import ROOT


def test_fixtures_reproduce_the_committed_files(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["fixtures", "--seed", "42", "--count", "150", "--out", str(tmp_path)]) == 0
    for name in ("policies_event_matcher.json", "policies_bindings.json"):
        assert (tmp_path / name).read_bytes() == (DEFAULT_FIXTURES / name).read_bytes()
    assert "150 records" in capsys.readouterr().out


def test_fixtures_of_another_seed_differ(tmp_path: Path) -> None:
    assert main(["fixtures", "--seed", "1", "--count", "10", "--out", str(tmp_path)]) == 0
    written = (tmp_path / "policies_event_matcher.json").read_bytes()
    assert written != (DEFAULT_FIXTURES / "policies_event_matcher.json").read_bytes()


def test_validate_accepts_our_document(capsys: pytest.CaptureFixture) -> None:
    assert main(["validate", str(DEFAULT_SPEC)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"valid: {DEFAULT_SPEC}"


def failures(out: str) -> list[str]:
    """What `validate` printed, less its warnings."""
    return [line for line in out.splitlines() if not line.startswith("warning: ")]


def test_validate_warns_of_what_makes_a_document_weak_for_mocking(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    weak = tmp_path / "weak.yaml"
    weak.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x/:\n    get:\n"
        "      responses:\n        '200':\n          description: ok\n"
        "          content: {application/json: {schema: {type: object}}}\n"
        "        '404': {description: missing}\n"
    )
    assert main(["validate", str(weak)]) == 0  # warnings fail only with --fail-on warning
    assert capsys.readouterr().out.splitlines() == [
        f"warning: {weak}:3: #/paths: 1 of 1 operations have no operationId (served under names "
        "made of their method and path) [operation-id]",
        f"warning: {weak}:3: #/paths: no success answer has an example (the mock makes its data"
        " up) [success-example]",
        f"valid: {weak}",
    ]
    assert main(["validate", "--fail-on", "warning", str(weak)]) == 1


def test_validate_names_the_file_the_line_and_the_path_of_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
        "paths:\n  /x/:\n    get:\n      responses: {'200': {content: {}}}\n"
    )
    assert main(["validate", str(DEFAULT_SPEC), str(broken)]) == 1
    out = failures(capsys.readouterr().out)
    assert out == [
        f"error: {broken}:6: #/paths/~1x~1/get/responses/200: "
        """{"content":{}} is not valid under any of the schemas listed in the 'oneOf' keyword"""
        " [oas-valid]",
        f"error: {broken}:6: #/paths/~1x~1/get/responses: "
        "documents no error answer (no 4xx and no default) [errors-documented]",
        f"valid: {DEFAULT_SPEC}",
    ]


LINTED = """
openapi: 3.0.3
info: {title: t}
security: [{token: []}]
paths:
  /things/:
    get:
      operationId: things
      parameters: [{name: q, in: query, schema: {type: string}}]
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Nope'}}}
        '403': {description: denied}
    post:
      operationId: things
      responses:
        '201': {description: made}
        '400': {description: bad}
components:
  securitySchemes:
    token: {type: http, scheme: bearer}
"""


def test_validate_reports_every_problem_at_once_with_rules_and_severities(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """A dangling $ref does not hide the rest: the missing version is said in the same run."""
    document = tmp_path / "linted.yaml"
    document.write_text(LINTED)
    assert main(["validate", str(document)]) == 1
    out = capsys.readouterr().out.splitlines()
    prefix = f"{document}"
    assert out == [
        f"error: {prefix}:13: #/paths/~1things~1/get/responses/200/content/application~1json/"
        "schema: $ref #/components/schemas/Nope resolves to nothing [ref-resolves]",
        f"error: {prefix}:3: #/info/version: info has no version [info-version]",
        f"error: {prefix}:16: #/paths/~1things~1/post/operationId: operationId 'things' is also"
        " used at #/paths/~1things~1/get/operationId [operation-id-unique]",
        f"warning: {prefix}:10: #/paths/~1things~1/get/responses: takes input but documents"
        " neither 400 nor 422 [input-errors-documented]",
        f"warning: {prefix}:17: #/paths/~1things~1/post/responses: is secured but documents"
        " neither 401 nor 403 [auth-errors-documented]",
        f"warning: {prefix}:5: #/paths: no success answer has an example (the mock makes its"
        " data up) [success-example]",
    ]
    # Rules set in the repository's settings file, and on the command line (which wins).
    settings = tmp_path / "settings.yaml"
    settings.write_text(
        "validate:\n  rules:\n    auth-errors-documented: off\n"
        "    input-errors-documented: error\n    success-example: off\n"
    )
    arguments = ["validate", "--config", str(settings), str(document)]
    assert main([*arguments, "--rule", "input-errors-documented=info"]) == 1
    out = capsys.readouterr().out
    assert "auth-errors-documented" not in out and "success-example" not in out
    assert (
        f"info: {prefix}:10: #/paths/~1things~1/get/responses: takes input but documents"
        " neither 400 nor 422 [input-errors-documented]"
    ) in out.splitlines()


def test_validate_speaks_the_formats_ci_systems_read(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    document = tmp_path / "linted.yaml"
    document.write_text(LINTED)
    assert main(["validate", "--format", "github", str(document)]) == 1
    annotations = capsys.readouterr().out.splitlines()
    assert annotations[0] == (
        f"::error file={document},line=13,title=ref-resolves::#/paths/~1things~1/get/responses"
        "/200/content/application~1json/schema: $ref #/components/schemas/Nope resolves to nothing"
    )
    assert any(line.startswith("::warning ") for line in annotations)
    sarif_file = tmp_path / "report.sarif"
    assert main(["validate", "--format", "sarif", "--output", str(sarif_file), str(document)]) == 1
    sarif = json.loads(sarif_file.read_text())
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    assert results[0]["ruleId"] == "ref-resolves" and results[0]["level"] == "error"
    assert results[0]["locations"][0]["physicalLocation"]["region"] == {"startLine": 13}
    rules = {rule["id"] for rule in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert {"ref-resolves", "info-version", "auth-errors-documented"} <= rules
    assert main(["validate", "--format", "json", str(document)]) == 1
    found = json.loads(capsys.readouterr().out)
    assert {"rule", "severity", "message", "file", "pointer", "line"} == set(found[0])
    junit = tmp_path / "report.xml"
    main(
        ["validate", "--format", "junit", "--output", str(junit), str(document), str(DEFAULT_SPEC)]
    )
    suites = ET.parse(junit).getroot().findall("testsuite")
    assert [s.get("name") for s in suites] == [str(document), str(DEFAULT_SPEC)]
    assert int(suites[0].get("failures")) >= 3
    assert all(f.get("type") == "warning" for f in suites[1].iter("failure"))  # no error


def test_validate_refuses_unknown_rules_and_severities(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["validate", "--rule", "no-such-rule=off", str(DEFAULT_SPEC)]) == 2
    assert "unknown rule 'no-such-rule'" in capsys.readouterr().err
    assert main(["validate", "--rule", "oas-valid=fatal", str(DEFAULT_SPEC)]) == 2
    assert "unknown severity 'fatal'" in capsys.readouterr().err


def test_validate_cannot_read_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    missing = tmp_path / "missing.yaml"
    assert main(["validate", str(DEFAULT_SPEC), str(missing)]) == 2
    captured = capsys.readouterr()
    assert captured.err.strip() == f"unreadable: {missing}: cannot read: No such file or directory"


def test_serve_refuses_a_bad_document_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("openapi: [")
    completed = subprocess.run(
        [sys.executable, "-m", "specdouble", "serve", "--spec", str(bad), "--port", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 2
    (line,) = completed.stderr.splitlines()
    assert line.startswith(f"mock-server: cannot start: {bad}: not YAML: ")
    assert line.endswith(" at line 2, column 1") or line.endswith(" at line 1, column 11")


def test_settings_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "MOCK_SERVER_PORT": "9000",
            "MOCK_SERVER_HOST": "0.0.0.0",
            "MOCK_SERVER_SEED": "3",
            "MOCK_SERVER_CORS_ORIGINS": "http://a.example, http://b.example",
        }
    )
    assert (settings.port, settings.host, settings.seed, settings.count) == (
        9000,
        "0.0.0.0",
        3,
        None,
    )
    assert settings.cors_origins == ("http://a.example", "http://b.example")
    assert settings.generates and not Settings().generates
    with pytest.raises(ValueError, match="MOCK_SERVER_PORT must be an integer"):
        Settings.from_env({"MOCK_SERVER_PORT": "eighty"})


def test_the_direct_path_can_be_turned_off() -> None:
    assert Settings().direct
    assert not Settings.from_env({"MOCK_SERVER_DIRECT": "0"}).direct
    assert Settings.from_env({"MOCK_SERVER_DIRECT": "true"}).direct
    with pytest.raises(ValueError, match="MOCK_SERVER_DIRECT must be one of"):
        Settings.from_env({"MOCK_SERVER_DIRECT": "maybe"})
    off = Settings().replace(direct=False)
    assert Settings.from_env(off.environment()) == off  # what worker processes read
    arguments = parser().parse_args(["serve", "--no-direct"])
    assert settings_from(arguments).direct is False
    assert settings_from(parser().parse_args(["serve"])).direct is True


def run_cli(
    *arguments: str, timeout: float = 60, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "specdouble", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--port", "70000"], "mock-server: --port must be between 1 and 65535, not 70000"),
        (["--port", "-1"], "mock-server: --port must be between 1 and 65535, not -1"),
        (["--workers", "0"], "mock-server: --workers must be 1 or more, not 0"),
        (["--workers", "-3"], "mock-server: --workers must be 1 or more, not -3"),
        (["--count", "-5"], "mock-server: --count must be 0 or more, not -5"),
        (["--fixtures", "/nonexistent"], "mock-server: --fixtures /nonexistent: no such folder"),
        (["--spec", "/nonexistent.yaml"], "mock-server: --spec /nonexistent.yaml: no such file"),
        (["--limit", "body_bytes"], "mock-server: --limit 'body_bytes': expected NAME=VALUE"),
        (["--limit", "nope=1"], "mock-server: --limit: unknown limit 'nope' (one of body_bytes,"),
        (
            ["--limit", "body_bytes=-1"],
            "mock-server: --limit: limit body_bytes must be more than 0",
        ),
        (["--ui", "/nonexistent"], "mock-server: --ui /nonexistent: no such folder"),
        (["--spec", "npm:nothing"], "mock-server: npm:nothing: expected npm:<name>@<version>"),
    ],
)
def test_serve_refuses_bad_settings_with_one_line(arguments: list[str], message: str) -> None:
    completed = run_cli("serve", *arguments)
    assert completed.returncode == 2
    (line,) = completed.stderr.splitlines()
    assert line.startswith(message)


def test_serve_says_in_one_line_that_its_port_is_in_use() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        completed = run_cli("serve", "--port", str(port))
    assert completed.returncode == 2
    (line,) = completed.stderr.splitlines()
    assert line == f"mock-server: cannot listen on 127.0.0.1:{port}: Address already in use"


def test_serve_says_a_yaml_file_is_not_an_openapi_document(tmp_path: Path) -> None:
    other = tmp_path / "compose.yaml"
    other.write_text("services:\n  web:\n    image: nginx\n")
    completed = run_cli("serve", "--spec", str(other), "--port", "1")
    assert completed.returncode == 2
    (line,) = completed.stderr.splitlines()
    assert line == (
        f"mock-server: cannot start: {other}: not an OpenAPI document"
        " (it has no 'openapi' or 'swagger' field)"
    )


def test_serve_refuses_a_large_bad_document_checked_aside_with_one_line(tmp_path: Path) -> None:
    """A document past `ASIDE_BYTES` is checked in a second process while the server is
    built: its refusal is still the one line (its repairs are said once it passes), and
    nothing is cached."""
    from specdouble.document import openapi

    answer = {"200": {"description": "ok " * 200}}
    paths = {f"/p{n}": {"get": {"operationId": f"o{n}", "responses": answer}} for n in range(1600)}
    paths["/p1599"]["get"]["operationId"] = "o0"
    lettered = {"type": "string", "pattern": r"^\p{L}+$"}  # repaired, and not said: refused
    paths["/p0"]["get"]["parameters"] = [{"name": "q", "in": "query", "schema": lettered}]
    big = tmp_path / "big.json"
    big.write_text(
        json.dumps({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths})
    )
    assert big.stat().st_size >= openapi.ASIDE_BYTES
    cache = tmp_path / "cache"
    completed = run_cli(
        "serve",
        "--spec",
        str(big),
        "--port",
        "1",
        timeout=120,
        env={**os.environ, "XDG_CACHE_HOME": str(cache)},
    )
    assert completed.returncode == 2
    (line,) = completed.stderr.splitlines()
    assert line == (
        f"mock-server: cannot start: {big}: #/:"
        " Operation ID 'o0' for 'get' in '/p1599' is not unique"
    )
    assert not list(cache.rglob("*.json"))


def test_fixtures_into_a_folder_that_cannot_be_written_is_one_line() -> None:
    completed = run_cli("fixtures", "--out", "/proc/nope")
    assert completed.returncode == 2
    (line,) = completed.stderr.splitlines()
    assert line.startswith("mock-server: cannot write /proc/nope: ")


def test_limits_from_flags_and_the_environment() -> None:
    arguments = parser().parse_args(
        ["serve", "--limit", "body_bytes=10", "--limit", "read_timeout=0.5"]
    )
    limits = settings_from(arguments).limits
    assert (limits.body_bytes, limits.read_timeout, limits.json_depth) == (10, 0.5, 64)
    from_env = Settings.from_env({"MOCK_SERVER_LIMIT_SEARCH_WORDS": "3"})
    assert from_env.limits.search_words == 3
    assert Settings.from_env(from_env.environment()) == from_env  # what worker processes read


def test_leniency_from_flags_and_the_environment() -> None:
    assert Settings().leniency == "auto" and not Settings().lenient and not Settings().strict
    assert settings_from(parser().parse_args(["serve", "--leniency", "real"])).lenient
    assert settings_from(parser().parse_args(["serve", "--leniency", "document"])).strict
    assert Settings.from_env({"MOCK_SERVER_LENIENCY": "real"}).lenient
    assert Settings(leniency="contract").strict  # the older name of `document`
    with pytest.raises(ValueError, match="--leniency must be one of auto, real, document"):
        Settings(leniency="loose").check()


def test_authentik_is_its_published_document_at_the_pinned_version(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    asked: list[str] = []

    def fetch(spec: str, cache: Path) -> Path:
        asked.append(spec)
        return DEFAULT_SPEC

    monkeypatch.setattr(registry, "fetch", fetch)
    (tmp_path / "dist" / "admin").mkdir(parents=True)
    (tmp_path / "dist" / "admin" / "AdminInterface-2026.8.3.js").write_text("")
    settings = settings_from(parser().parse_args(["serve", "--authentik", "--ui", str(tmp_path)]))
    assert asked == ["npm:@goauthentik/api@2026.8.3"] and settings.spec == DEFAULT_SPEC
    assert settings.ui == tmp_path
    assert Settings.from_env(settings.environment()).ui == tmp_path


def test_fixtures_for_another_document_serve_as_written(tmp_path: Path) -> None:
    spec = ROOT / "tests" / "documents" / "tasks-plain.yaml"
    out = tmp_path / "made"
    assert main(["fixtures", "--spec", str(spec), "--per-resource", "3", "--out", str(out)]) == 0
    tasks = json.loads((out / "tasks.json").read_text())
    assert [task["id"] for task in tasks] == [1, 2, 3]
    again = tmp_path / "again"
    assert main(["fixtures", "--spec", str(spec), "--per-resource", "3", "--out", str(again)]) == 0
    assert (again / "tasks.json").read_bytes() == (out / "tasks.json").read_bytes()
    settings = Settings(spec=spec, fixtures=out)
    with create_app(settings).test_client() as mock:
        listed = mock.get("/api/tasks", headers={"Authorization": "Bearer x"}).json()
    assert [item["title"] for item in listed["items"]] == [task["title"] for task in tasks]


def test_ui_says_what_the_folder_holds(tmp_path: Path) -> None:
    (tmp_path / "web" / "dist" / "admin").mkdir(parents=True)
    (tmp_path / "web" / "dist" / "admin" / "AdminInterface-1.0.js").write_text("")
    (tmp_path / "src").mkdir()
    assert ui_problem(tmp_path / "web") is None
    assert ui_problem(tmp_path / "web" / "dist") == (
        f"this is the build's dist/ itself: give the folder above it, {tmp_path / 'web'}"
    )
    assert ui_problem(tmp_path).startswith("has no dist/ (it holds src/, web/;")
    assert "copy /web out of authentik's server image" in ui_problem(tmp_path / "none")


def test_every_setting_goes_through_the_environment_and_back(tmp_path: Path) -> None:
    """What worker processes read is what the parent was given, for every field."""
    changed = Settings(
        host="0.0.0.0",
        port=9001,
        spec=tmp_path / "spec.yaml",
        fixtures=tmp_path,
        seed=7,
        count=3,
        per_resource=2,
        cors_origins=("http://a.example", "http://b.example"),
        log_level="debug",
        workers=3,
        state=tmp_path / "state.sqlite3",
        shared="postgresql://u@h/db",
        direct=False,
        leniency="real",
        control_token="secret",
        control_prefix="/_ctl",
        tokens=tmp_path / "tokens.yaml",
        ui=tmp_path / "ui",
        reload=True,
        journal=5,
        latency=(10, 20),
    )
    assert Settings.from_env(changed.environment()) == changed
    skipped = {"cache", "limits"}
    for field in dataclasses.fields(Settings):
        if field.name not in skipped:
            assert getattr(changed, field.name) != getattr(Settings(), field.name), field.name


def test_authentik_can_be_asked_for_in_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(registry, "fetch", lambda spec, cache: asked.append(spec) or DEFAULT_SPEC)
    monkeypatch.setenv("MOCK_SERVER_AUTHENTIK", "1")
    settings_from(parser().parse_args(["serve"]))
    assert asked == ["npm:@goauthentik/api@2026.8.3"]
    monkeypatch.setenv("MOCK_SERVER_AUTHENTIK", "perhaps")
    with pytest.raises(ValueError, match="MOCK_SERVER_AUTHENTIK must be one of"):
        settings_from(parser().parse_args(["serve"]))
