"""The app factory that each worker process of `serve --workers N` imports; its settings come
from the `MOCK_SERVER_*` environment the parent process set."""

from __future__ import annotations

from mock_server.server.app import MockServer, create_app
from mock_server.settings import Settings


def app() -> MockServer:
    return create_app(Settings.from_env())
