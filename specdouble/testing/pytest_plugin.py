"""The pytest plugin (entry point `pytest11`): a mock server per test session, fresh state per
test, and helpers for the journal and faults, for any document the mock serves.

    import httpx

    def test_the_frontend_creates_one_policy(api_mock):
        httpx.post(f"{api_mock.url}/policies/event_matcher/", headers=api_mock.headers(),
                   json={"name": "Alert on logins", "action": "login"})
        (made,) = api_mock.requests("policies_event_matcher_create")
        assert made["body"]["name"] == "Alert on logins"

The server is `mock-server serve` in a subprocess on a free loopback port, started on first
use and stopped at the end of the session (with pytest-xdist, each worker has its own, so
parallel workers never share state). Before each test that asks for `api_mock`, the shared
state goes back to the fixtures and the journal and fault rules are emptied; each test also
has an isolated session of its own (`X-Mock-Session`, sent by `headers()`). `url` is where the
document's operations are served (its server URL's path); `headers()` and `params()` carry a
user's token the way the document's security schemes ask for it (bearer, basic, API key).
`authentik_mock` and `authentik_mock_server` are the same fixtures under their first names.

Options: `--mock-spec FILE` (or `npm:<package>@<version>`), `--mock-fixtures DIR`,
`--mock-arg ARG` (repeatable, passed on to `serve`); or the same as ini settings
(`mock_spec`, `mock_fixtures`, `mock_args`).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import IO, Any

import pytest

from specdouble.settings import DEFAULT_CONTROL_PREFIX

STARTUP_SECONDS = 90
ADMIN = "akadmin"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("api_mock", "the mock server (specdouble)")
    group.addoption("--mock-spec", help="the OpenAPI document the mock serves")
    group.addoption("--mock-fixtures", help="the mock's fixtures folder (tokens.yaml, data)")
    group.addoption("--mock-arg", action="append", default=[], help="an argument for serve")
    parser.addini("mock_spec", "the OpenAPI document the mock serves", default="")
    parser.addini("mock_fixtures", "the mock's fixtures folder", default="")
    parser.addini("mock_args", "arguments for mock-server serve", type="args", default=[])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _option(arguments: list[str], name: str) -> str | None:
    """The last value given to `name` in `serve` arguments (`--name VALUE` or `--name=VALUE`)."""
    found = None
    for index, argument in enumerate(arguments):
        if argument == name and index + 1 < len(arguments):
            found = arguments[index + 1]
        elif argument.startswith(name + "="):
            found = argument.partition("=")[2]
    return found


def end(process: subprocess.Popen[bytes]) -> None:
    """Stop a server process: asked first, killed if it does not stop within 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class MockServer:
    """`mock-server serve` in a subprocess, and the calls a test makes to its control routes.

    The plugin gives the server a control token of its own (unless the arguments name one),
    so the control routes answer it whatever tokens the document's users have."""

    def __init__(
        self,
        spec: str | None,
        fixtures: str | None,
        arguments: list[str],
        *,
        output: IO[bytes] | None = None,
    ) -> None:
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.prefix = (_option(arguments, "--control-prefix") or DEFAULT_CONTROL_PREFIX).rstrip("/")
        given = _option(arguments, "--control-token")
        self.control_token = given or "plugin-" + secrets.token_hex(16)
        self._credentials: dict[str, dict[str, Any]] = {}
        command = [sys.executable, "-m", "specdouble", "serve", "--port", str(self.port)]
        command += ["--log-level", "warning"]
        if given is None:
            command += [f"--control-token={self.control_token}"]
        if spec:
            command += ["--spec", spec]
        if fixtures:
            command += ["--fixtures", fixtures]
        self.process = subprocess.Popen(
            [*command, *arguments],
            stdout=output or subprocess.PIPE,  # a file for a long run: a pipe can fill up
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        health = self._wait()
        self.url = self.origin + str(health.get("api", "/")).rstrip("/")
        """Where the document's operations are served: its server URL's path."""

    def _wait(self) -> dict[str, Any]:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.process.stdout.read().decode() if self.process.stdout else ""
                raise RuntimeError(f"mock-server exited before it answered:\n{output}")
            try:
                with urllib.request.urlopen(f"{self.origin}{self.prefix}/health", timeout=1) as ok:
                    return dict(json.load(ok))
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"mock-server did not answer within {STARTUP_SECONDS} s")

    def stop(self) -> None:
        end(self.process)

    def credentials(self, user: str = ADMIN) -> dict[str, Any]:
        """`user`'s token and how the document wants it sent: `headers`, `query`, `cookies`."""
        if user not in self._credentials:
            self._credentials[user] = self.control("GET", "credentials", query={"user": user})
        return self._credentials[user]

    def token(self, user: str = ADMIN) -> str:
        """The key of a token of `user` (akadmin: every permission)."""
        return str(self.credentials(user)["token"])

    def headers(self, user: str = ADMIN) -> dict[str, str]:
        """The headers that authenticate `user` (cookies included, as a `Cookie` header)."""
        found = self.credentials(user)
        headers = dict(found["headers"])
        if found["cookies"]:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in found["cookies"].items())
        return headers

    def params(self, user: str = ADMIN) -> dict[str, str]:
        """The query parameters that authenticate `user` (an API key in the query)."""
        return dict(self.credentials(user)["query"])

    def control(
        self, verb: str, path: str, body: Any = None, query: dict[str, Any] | None = None
    ) -> Any:
        """Call a control route as the owner; its JSON answer."""
        url = f"{self.origin}{self.prefix}/{path}"
        given = {k: v for k, v in (query or {}).items() if v is not None}
        if given:
            url += "?" + urllib.parse.urlencode(given)
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=verb)
        request.add_header("Authorization", f"Bearer {self.control_token}")
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")
            raise AssertionError(f"{verb} {self.prefix}/{path}: {error.code} {detail}") from error

    def reset(self) -> None:
        """Back to the fixtures, with an empty journal and no fault rules."""
        self.control("POST", "reset")
        self.control("DELETE", "requests")
        self.control("DELETE", "faults")

    def requests(
        self,
        operation_id: str | None = None,
        *,
        method: str | None = None,
        path: str | None = None,
        status: int | str | None = None,
        session: str | None = None,
        since: int | str | None = None,
    ) -> list[dict[str, Any]]:
        """The journal's entries that match, oldest first (the filters of fault rules and of
        `GET /_mock/requests`, by the same names)."""
        filters = {
            "operation_id": operation_id,
            "method": method,
            "path": path,
            "status": status,
            "session": session,
            "since": since,
        }
        found = self.control("GET", "requests", query=filters)
        return list(found["results"])

    def fault(self, operation_id: str | None = None, **rule: Any) -> dict[str, Any]:
        """Add a fault rule (`operation_id`, `path=`, `method=`, `status=`, `kind=`,
        `delay_ms=`, `rate=`, `count=`); an operation the document lacks is refused."""
        if operation_id is not None:
            rule["operation_id"] = operation_id
        return dict(self.control("POST", "faults", rule))


@pytest.fixture(scope="session")
def api_mock_server(request: pytest.FixtureRequest) -> Iterator[MockServer]:
    """The session's mock server (started on first use)."""
    config = request.config
    spec = config.getoption("--mock-spec") or config.getini("mock_spec") or None
    fixtures = config.getoption("--mock-fixtures") or config.getini("mock_fixtures") or None
    arguments = [*config.getini("mock_args"), *config.getoption("--mock-arg")]
    server = MockServer(spec, fixtures, arguments)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def authentik_mock_server(api_mock_server: MockServer) -> MockServer:
    """`api_mock_server` under its first name."""
    return api_mock_server


class MockSession:
    """One test's view of the mock: the server's helpers, and an isolated session of its own
    (send `headers()` and the requests see only this test's writes)."""

    def __init__(self, server: MockServer, name: str) -> None:
        self.server = server
        self.session = name
        self.url, self.origin = server.url, server.origin

    def token(self, user: str = ADMIN) -> str:
        return self.server.token(user)

    def headers(self, user: str = ADMIN) -> dict[str, str]:
        """`user`'s credentials as the document asks for them, and this test's
        `X-Mock-Session`."""
        return {**self.server.headers(user), "X-Mock-Session": self.session}

    def params(self, user: str = ADMIN) -> dict[str, str]:
        return self.server.params(user)

    def requests(self, operation_id: str | None = None, **filters: Any) -> list[dict[str, Any]]:
        return self.server.requests(operation_id, **filters)

    def fault(self, operation_id: str | None = None, **rule: Any) -> dict[str, Any]:
        return self.server.fault(operation_id, **rule)

    def reset(self) -> None:
        self.server.reset()


@pytest.fixture
def api_mock(api_mock_server: MockServer, request: pytest.FixtureRequest) -> Iterator[MockSession]:
    """The mock for one test: the shared state back to its fixtures, an empty journal, no
    faults, and an isolated session named after the test (dropped afterwards)."""
    api_mock_server.reset()
    name = "test-" + "".join(c if c.isalnum() else "-" for c in request.node.name)[:58]
    yield MockSession(api_mock_server, name)
    with contextlib.suppress(AssertionError):  # 404: the test never used its session
        api_mock_server.control("DELETE", f"sessions/{name}")


@pytest.fixture
def authentik_mock(api_mock: MockSession) -> MockSession:
    """`api_mock` under its first name."""
    return api_mock
