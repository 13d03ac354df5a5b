"""The control API outside `/api/v3`, for test suites that drive the mock, and the index at `/`.

Only the mock's owner may change its state: `POST /_mock/reset` takes the admin token (a
token of `tokens.yaml` with every permission) or `serve --control-token`, as
`Authorization: Bearer <key>`. A web page cannot send that header cross-origin without a
preflight, and the control routes answer no CORS (`CONTROL_PREFIX` is left out by `Cors`), so
no site open in the developer's browser can reset the mock. `GET /_mock/health` changes
nothing and stays open, for readiness checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import JSONResponse

from mock_server.rest import auth
from mock_server.state.store import Store

CONTROL_PREFIX = "/_mock/"
RESET_PATH = "/_mock/reset"
HEALTH_PATH = "/_mock/health"


def routes(
    store: Store,
    tokens: Mapping[str, auth.Token],
    *,
    control_token: str | None,
    base_path: str,
) -> list[tuple[str, str, object, list[str]]]:
    """(path, name, endpoint, methods) for each control route."""

    async def reset(request: Request) -> JSONResponse:
        auth.authenticate_owner(
            request.headers.get("authorization"), tokens, control_token, datetime.now(UTC)
        )
        store.reset()
        return JSONResponse({"reset": True, "counts": store.counts()})

    async def health(_request: Request) -> JSONResponse:
        store.sync()
        return JSONResponse({"status": "ok", "counts": store.counts()})

    async def index(_request: Request) -> JSONResponse:
        return JSONResponse(
            {
                "api": f"{base_path}/",
                "document": f"{base_path}/openapi.json",
                "swagger_ui": f"{base_path}/ui/",
                "health": HEALTH_PATH,
                "reset": f"POST {RESET_PATH} (Authorization: Bearer <admin token>)",
            }
        )

    return [
        (RESET_PATH, "mock_reset", reset, ["POST"]),
        (HEALTH_PATH, "mock_health", health, ["GET"]),
        ("/", "mock_index", index, ["GET"]),
    ]
