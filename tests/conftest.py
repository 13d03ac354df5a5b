"""Shared fixtures: the document, an app per test through Connexion's test client, and a live
server process on a free loopback port for the tests that need a real socket."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self

import pytest
import uvicorn

from specdouble.document import openapi
from specdouble.server.app import create_app
from specdouble.settings import DEFAULT_FIXTURES, DEFAULT_SPEC, Settings
from specdouble.testing.pytest_plugin import MockServer

ROOT = Path(__file__).resolve().parent.parent
ADMIN = {"Authorization": "Bearer ak-mock-admin"}
READONLY = {"Authorization": "Bearer ak-mock-readonly"}
NOACCESS = {"Authorization": "Bearer ak-mock-noaccess"}
EXPIRED = {"Authorization": "Bearer ak-mock-expired"}
API = "/api/v3/policies/event_matcher/"


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


@pytest.fixture
def strict_client() -> Iterator[Any]:
    """The built-in data with the document's own 400s (`serve --leniency document`)."""
    with create_app(Settings(leniency="document")).test_client() as test_client:
        yield test_client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer(MockServer):
    """`python -m specdouble serve ARGUMENTS...` in its own process, on a free loopback port
    (the pytest plugin's server, given its arguments directly)."""

    def __init__(self, *arguments: str) -> None:
        super().__init__(None, None, list(arguments))


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    server = LiveServer()
    try:
        yield server
    finally:
        server.stop()


class Serving:
    """Any ASGI app served by uvicorn in a thread on a free loopback port."""

    def __init__(self, app: Any) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="error")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
