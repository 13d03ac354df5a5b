"""The pytest plugin (entry point `pytest11`): a mock server per test session, fresh state per
test, and helpers for the journal and faults.

    def test_the_frontend_creates_one_policy(authentik_mock):
        create_policy(authentik_mock.url, headers=authentik_mock.headers())
        (made,) = authentik_mock.requests(operation="policies_event_matcher_create")
        assert made["body"]["name"] == "Alert on logins"

The server is `mock-server serve` in a subprocess on a free loopback port, started on first
use and stopped at the end of the session (with pytest-xdist, each worker has its own, so
parallel workers never share state). Before each test that asks for `authentik_mock`, the
shared state goes back to the fixtures and the journal and fault rules are emptied; each test
also has an isolated session of its own (`X-Mock-Session`, sent by `headers()`).

Options: `--mock-spec FILE` (or `npm:<package>@<version>`), `--mock-fixtures DIR`,
`--mock-arg ARG` (repeatable, passed on to `serve`); or the same as ini settings
(`mock_spec`, `mock_fixtures`, `mock_args`).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

from mock_server.rest.auth import load_identity
from mock_server.settings import DEFAULT_FIXTURES, TOKENS_FILE

STARTUP_SECONDS = 90
ADMIN = "akadmin"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("authentik_mock", "the authentik mock server")
    group.addoption("--mock-spec", help="the OpenAPI document the mock serves")
    group.addoption("--mock-fixtures", help="the mock's fixtures folder (tokens.yaml, data)")
    group.addoption("--mock-arg", action="append", default=[], help="an argument for serve")
    parser.addini("mock_spec", "the OpenAPI document the mock serves", default="")
    parser.addini("mock_fixtures", "the mock's fixtures folder", default="")
    parser.addini("mock_args", "arguments for mock-server serve", type="args", default=[])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class MockServer:
    """`mock-server serve` in a subprocess, and the calls a test makes to its control routes."""

    def __init__(
        self,
        spec: str | None,
        fixtures: str | None,
        arguments: list[str],
        *,
        output: IO[bytes] | None = None,
    ) -> None:
        self.port = _free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.url = f"{self.origin}/api/v3"
        self.fixtures = Path(fixtures) if fixtures else DEFAULT_FIXTURES
        self.tokens, _ = load_identity(self.fixtures / TOKENS_FILE)
        command = [sys.executable, "-m", "mock_server", "serve", "--port", str(self.port)]
        command += ["--log-level", "warning"]
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
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.process.stdout.read().decode() if self.process.stdout else ""
                raise RuntimeError(f"mock-server exited before it answered:\n{output}")
            try:
                with urllib.request.urlopen(f"{self.origin}/_mock/health", timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"mock-server did not answer within {STARTUP_SECONDS} s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def token(self, user: str = ADMIN) -> str:
        """The key of a token of `user` (akadmin: every permission)."""
        for key, token in self.tokens.items():
            if token.user == user and not token.expires:
                return key
        raise KeyError(f"no token of {user!r} in {self.fixtures / TOKENS_FILE}")

    def control(
        self, verb: str, path: str, body: Any = None, query: dict[str, Any] | None = None
    ) -> Any:
        """Call a control route as the owner; its JSON answer."""
        url = f"{self.origin}/_mock/{path}"
        given = {k: v for k, v in (query or {}).items() if v is not None}
        if given:
            url += "?" + urllib.parse.urlencode(given)
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=verb)
        request.add_header("Authorization", f"Bearer {self.token()}")
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")
            raise AssertionError(f"{verb} /_mock/{path}: {error.code} {detail}") from error

    def reset(self) -> None:
        """Back to the fixtures, with an empty journal and no fault rules."""
        self.control("POST", "reset")
        self.control("DELETE", "requests")
        self.control("DELETE", "faults")

    def requests(
        self,
        operation: str | None = None,
        *,
        method: str | None = None,
        path: str | None = None,
        status: int | str | None = None,
        session: str | None = None,
        since: int | str | None = None,
    ) -> list[dict[str, Any]]:
        """The journal's entries that match, oldest first."""
        filters = {
            "operation_id": operation,
            "method": method,
            "path": path,
            "status": status,
            "session": session,
            "since": since,
        }
        found = self.control("GET", "requests", query=filters)
        return list(found["results"])

    def fault(self, **rule: Any) -> dict[str, Any]:
        """Add a fault rule (`operation_id=`, `path=`, `status=`, `kind=`, `delay_ms=`, ...)."""
        return dict(self.control("POST", "faults", rule))


@pytest.fixture(scope="session")
def authentik_mock_server(request: pytest.FixtureRequest) -> Iterator[MockServer]:
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
        """`Authorization` for `user`, and this test's `X-Mock-Session`."""
        return {"Authorization": f"Bearer {self.token(user)}", "X-Mock-Session": self.session}

    def requests(self, operation: str | None = None, **filters: Any) -> list[dict[str, Any]]:
        return self.server.requests(operation, **filters)

    def fault(self, **rule: Any) -> dict[str, Any]:
        return self.server.fault(**rule)

    def reset(self) -> None:
        self.server.reset()


@pytest.fixture
def authentik_mock(
    authentik_mock_server: MockServer, request: pytest.FixtureRequest
) -> Iterator[MockSession]:
    """The mock for one test: the shared state back to its fixtures, an empty journal, no
    faults, and an isolated session named after the test (dropped afterwards)."""
    authentik_mock_server.reset()
    name = "test-" + "".join(c if c.isalnum() else "-" for c in request.node.name)[:58]
    yield MockSession(authentik_mock_server, name)
    with contextlib.suppress(AssertionError):  # 404: the test never used its session
        authentik_mock_server.control("DELETE", f"sessions/{name}")
