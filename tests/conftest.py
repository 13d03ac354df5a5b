"""Shared fixtures: the document, an app per test through Connexion's test client, and a live
server process on a free loopback port for the tests that need a real socket."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mock_server.document import openapi
from mock_server.server.app import create_app
from mock_server.settings import DEFAULT_FIXTURES, DEFAULT_SPEC, Settings

ROOT = Path(__file__).resolve().parent.parent
ADMIN = {"Authorization": "Bearer ak-mock-admin"}
READONLY = {"Authorization": "Bearer ak-mock-readonly"}
NOACCESS = {"Authorization": "Bearer ak-mock-noaccess"}
EXPIRED = {"Authorization": "Bearer ak-mock-expired"}
API = "/api/v3/policies/event_matcher/"
STARTUP_TIMEOUT = 60  # a first start of authentik's whole document validates it (~10 s)


@pytest.fixture(scope="session")
def document() -> dict[str, Any]:
    return openapi.load(DEFAULT_SPEC)


@pytest.fixture(scope="session")
def policies() -> list[dict[str, Any]]:
    """The committed fixture policies, read straight from the file."""
    return json.loads((DEFAULT_FIXTURES / "policies_event_matcher.json").read_text())


@pytest.fixture(scope="session")
def bindings() -> list[dict[str, Any]]:
    return json.loads((DEFAULT_FIXTURES / "policies_bindings.json").read_text())


@pytest.fixture
def client() -> Iterator[Any]:
    """A fresh app on the built-in data, called in-process."""
    with create_app(Settings()).test_client() as test_client:
        yield test_client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """`python -m mock_server serve` in its own process, on a free loopback port."""

    def __init__(self, *arguments: str) -> None:
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.url = f"{self.origin}/api/v3"
        command = [sys.executable, "-m", "mock_server", "serve", "--port", str(self.port)]
        self.process = subprocess.Popen(
            [*command, "--log-level", "warning", *arguments],
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.process.stdout.read().decode() if self.process.stdout else ""
                raise RuntimeError(f"the server exited early:\n{output}")
            try:
                if httpx.get(f"{self.origin}/_mock/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the server did not answer within {STARTUP_TIMEOUT} s")

    def reset(self) -> None:
        httpx.post(f"{self.origin}/_mock/reset", headers=ADMIN, timeout=5).raise_for_status()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    server = LiveServer()
    try:
        yield server
    finally:
        server.stop()
