"""The control API outside `/api/v3`, for test suites that drive the mock."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from mock_server.state.store import Store

RESET_PATH = "/_mock/reset"
HEALTH_PATH = "/_mock/health"


def routes(store: Store) -> list[tuple[str, str, object, list[str]]]:
    """(path, name, endpoint, methods) for each control route."""

    async def reset(_request: Request) -> JSONResponse:
        store.reset()
        return JSONResponse({"reset": True, "counts": store.counts()})

    async def health(_request: Request) -> JSONResponse:
        store.sync()
        return JSONResponse({"status": "ok", "counts": store.counts()})

    return [
        (RESET_PATH, "mock_reset", reset, ["POST"]),
        (HEALTH_PATH, "mock_health", health, ["GET"]),
    ]
