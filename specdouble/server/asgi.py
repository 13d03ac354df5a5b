"""The app factory that each worker process of `serve --workers N` imports; its settings come
from the `MOCK_SERVER_*` environment the parent process set.

A worker outlives no parent: when the parent is gone (even killed with SIGKILL, which no
handler sees), the worker removes the parent's temporary write log and stops.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from pathlib import Path

from specdouble.server.app import MockServer, create_app
from specdouble.settings import Settings

PARENT_CHECK_SECONDS = 0.2
STOP_GRACE_SECONDS = 1.0
TEMPORARY_STATE_ENV = "MOCK_SERVER_TEMPORARY_STATE"
"""Set by `serve` when the write log's folder is its own temporary one, to be removed."""
PARENT_ENV = "MOCK_SERVER_PARENT_PID"
"""Set by `serve`: the process that started the workers (a worker that starts after its
parent died must not take its new parent, init, for it)."""


def app() -> MockServer:
    settings = Settings.from_env()
    temporary = os.environ.get(TEMPORARY_STATE_ENV)
    parent = int(os.environ.get(PARENT_ENV) or os.getppid())
    watch_parent(parent, Path(temporary) if temporary else None)
    return create_app(settings, lasting=True)


def watch_parent(parent: int, leftovers: Path | None) -> threading.Thread:
    """Stop this process once `parent` is no longer its parent (it was reparented)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        if leftovers is not None:
            shutil.rmtree(leftovers, ignore_errors=True)
        os.kill(os.getpid(), signal.SIGTERM)  # uvicorn's graceful shutdown, if it can
        time.sleep(STOP_GRACE_SECONDS)
        os._exit(0)  # nobody is left to wait for this process

    watcher = threading.Thread(target=watch, name="parent-watch", daemon=True)
    watcher.start()
    return watcher
