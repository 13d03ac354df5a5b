"""The control API outside `/api/v3`, for test suites that drive the mock, and the index at `/`.

Only the mock's owner may change its state: `POST /_mock/reset` takes the admin token (a
token of `tokens.yaml` with every permission) or `serve --control-token`, as
`Authorization: Bearer <key>`. A web page cannot send that header cross-origin without a
preflight, and the control routes answer no CORS (their prefix is left out by `Cors`), so
no site open in the developer's browser can reset the mock. `GET /_mock/health` changes
nothing and stays open, for readiness checks. `POST /_mock/session` (owner only) logs a
browser session in as a user of `tokens.yaml` without running the login flow, for end-to-end
suites: its answer sets the `authentik_session` and `authentik_csrf` cookies, and names both.

The routes live under `/_mock` unless `serve --control-prefix` moves them; a document whose
own paths lie under the prefix is refused at start (`clashes`), so neither shadows the other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse

from specdouble import errors
from specdouble.document import openapi
from specdouble.resources.authentik.sessions import Sessions, new_csrf_secret
from specdouble.rest import auth
from specdouble.rest.faults import Faults
from specdouble.server.sessions import csrf_cookie, session_cookie
from specdouble.settings import DEFAULT_CONTROL_PREFIX
from specdouble.state.journal import FILTERS, Journal, unknown_filters
from specdouble.state.stores import SessionRefused, Stores

NO_SESSION = "No isolated session {name!r}."
NO_SNAPSHOT = "No snapshot {snapshot!r} of session {name!r}."
UNKNOWN_USER = "No user {username!r} in tokens.yaml."
NO_TOKEN = "No token of {username!r} that never expires in tokens.yaml."
ADMIN = "akadmin"
UNKNOWN_FILTER = "Unknown filter; one of {filters}."
BAD_SINCE = "An entry id or an ISO 8601 instant."
BAD_RULE_ID = "A rule id."


def clashes(prefix: str, base_path: str, paths: Iterable[str]) -> list[str]:
    """The document's paths (under its base path) that lie under the control prefix.

    >>> clashes("/_mock", "/_mock/api", ["/pets"])
    ['/_mock/api/pets']
    >>> clashes("/_mock", "/api", ["/pets", "/_mock/x"])
    []
    """
    served = (base_path.rstrip("/") + path for path in paths)
    return [path for path in served if path == prefix or path.startswith(prefix + "/")]


async def json_body(request: Request) -> Any:
    """A control route's JSON body (none: `{}`), or DRF's 400 for one that is not JSON."""
    try:
        return orjson.loads(await request.body() or b"{}")
    except orjson.JSONDecodeError as error:
        raise errors.ParseError(f"JSON parse error - {error}") from error


def read_journal(
    journal: Journal,
    filters: Mapping[str, str],
    operation_of: Callable[[str, str], str | None],
) -> dict[str, Any]:
    """What `GET /_mock/requests` answers for these filters (a 400 for one it cannot read)."""
    unknown = unknown_filters(filters)
    if unknown:
        raise errors.ValidationFailed(
            {name: [UNKNOWN_FILTER.format(filters=", ".join(FILTERS))] for name in unknown}
        )
    since = filters.get("since")
    if since is not None and not since.isdigit():
        try:
            datetime.fromisoformat(since.replace("Z", "+00:00"))
        except ValueError as error:
            raise errors.ValidationFailed.single("since", BAD_SINCE) from error
    found = journal.entries(filters, operation_of)
    return {"count": len(found), "kept": journal.size, "results": found}


def routes(
    store: Stores,
    tokens: Mapping[str, auth.Token],
    *,
    sessions: Sessions,
    users: Mapping[str, auth.User],
    journal: Journal,
    faults: Faults,
    operation_of: Callable[[str, str], str | None],
    control_token: str | None,
    base_path: str,
    document: Mapping[str, Any],
    prefix: str = DEFAULT_CONTROL_PREFIX,
    lenient: bool = False,
) -> list[tuple[str, str, object, list[str]]]:
    """(path, name, endpoint, methods) for each control route, under `prefix`."""

    def owner(request: Request) -> None:
        auth.authenticate_owner(
            request.headers.get("authorization"), tokens, control_token, datetime.now(UTC)
        )

    async def requests(request: Request) -> JSONResponse:
        owner(request)
        if request.method == "DELETE":
            return JSONResponse({"cleared": journal.clear()})
        return JSONResponse(read_journal(journal, dict(request.query_params), operation_of))

    async def sessions_list(request: Request) -> JSONResponse:
        owner(request)
        return JSONResponse({"sessions": store.names()})

    async def session_drop(request: Request) -> JSONResponse:
        owner(request)
        name = request.path_params["name"]
        if not store.drop(name):
            raise errors.NotFound(NO_SESSION.format(name=name))
        return JSONResponse({"dropped": name})

    async def snapshot_list(request: Request) -> JSONResponse:
        owner(request)
        return JSONResponse({"snapshots": store.snapshots(request.path_params["name"])})

    async def snapshot_save(request: Request) -> JSONResponse:
        owner(request)
        name, snapshot = request.path_params["name"], request.path_params["snapshot"]
        try:
            store.save(name, snapshot)
        except SessionRefused as refused:
            raise errors.ValidationFailed.single("snapshot", str(refused)) from refused
        return JSONResponse({"session": name, "saved": snapshot}, status_code=201)

    async def snapshot_restore(request: Request) -> JSONResponse:
        owner(request)
        name, snapshot = request.path_params["name"], request.path_params["snapshot"]
        if not store.restore(name, snapshot):
            raise errors.NotFound(NO_SNAPSHOT.format(name=name, snapshot=snapshot))
        return JSONResponse({"session": name, "restored": snapshot})

    async def fault_rules(request: Request) -> JSONResponse:
        owner(request)
        if request.method == "GET":
            return JSONResponse({"results": [rule.shown() for rule in faults.rules]})
        if request.method == "DELETE":
            wanted = request.query_params.get("id")
            if wanted is not None and not wanted.isdigit():
                raise errors.ValidationFailed.single("id", BAD_RULE_ID)
            return JSONResponse({"cleared": faults.clear(int(wanted) if wanted else None)})
        asked = await json_body(request)
        return JSONResponse(faults.add(asked).shown(), status_code=201)

    async def log_in(request: Request) -> JSONResponse:
        auth.authenticate_owner(
            request.headers.get("authorization"), tokens, control_token, datetime.now(UTC)
        )
        asked = await json_body(request)
        username = asked.get("username") if isinstance(asked, dict) else None
        user = users.get(username) if isinstance(username, str) else None
        if user is None:
            raise errors.ValidationFailed.single("username", UNKNOWN_USER.format(username=username))
        record = sessions.create(user=user.username, csrf=new_csrf_secret())
        answer = JSONResponse(
            {"username": user.username, "session": record["pk"], "csrf": record["csrf"]}
        )
        answer.headers.append("set-cookie", session_cookie(record["pk"]))
        answer.headers.append("set-cookie", csrf_cookie(record["csrf"]))
        return answer

    async def reset(request: Request) -> JSONResponse:
        auth.authenticate_owner(
            request.headers.get("authorization"), tokens, control_token, datetime.now(UTC)
        )
        store.reset()
        return JSONResponse({"reset": True, "counts": store.counts()})

    async def health(_request: Request) -> JSONResponse:
        store.sync()
        shown = {"status": "ok", "api": f"{base_path}/", "lenient": lenient}
        return JSONResponse({**shown, "counts": store.counts()})

    async def credentials(request: Request) -> JSONResponse:
        """A user's token, presented as the document's security requirement asks."""
        owner(request)
        username = request.query_params.get("user", ADMIN)
        usable = [t for t in tokens.values() if t.user == username and not t.expires]
        if not usable:
            raise errors.ValidationFailed.single("user", NO_TOKEN.format(username=username))
        shown = auth.credentials(document, usable[0]).shown()
        return JSONResponse({"user": username, "token": usable[0].key, **shown})

    swagger_ui = f"{base_path}{openapi.swagger_ui_path(document)}/"

    async def index(_request: Request) -> JSONResponse:
        return JSONResponse(
            {
                "api": f"{base_path}/",
                "document": f"{base_path}/openapi.json",
                "swagger_ui": swagger_ui,
                "control": f"{prefix}/",
                "health": f"{prefix}/health",
                "reset": f"POST {prefix}/reset (Authorization: Bearer <admin token>)",
                "session": f'POST {prefix}/session {{"username": ...}} (admin token)',
            }
        )

    sessions_path = f"{prefix}/sessions"
    return [
        (f"{prefix}/reset", "mock_reset", reset, ["POST"]),
        (f"{prefix}/health", "mock_health", health, ["GET"]),
        (f"{prefix}/credentials", "mock_credentials", credentials, ["GET"]),
        (f"{prefix}/session", "mock_session", log_in, ["POST"]),
        (f"{prefix}/requests", "mock_requests", requests, ["GET", "DELETE"]),
        (f"{prefix}/faults", "mock_faults", fault_rules, ["GET", "POST", "DELETE"]),
        (sessions_path, "mock_sessions", sessions_list, ["GET"]),
        (sessions_path + "/{name}", "mock_session_drop", session_drop, ["DELETE"]),
        (sessions_path + "/{name}/snapshots", "mock_snapshots", snapshot_list, ["GET"]),
        (
            sessions_path + "/{name}/snapshots/{snapshot}",
            "mock_snapshot_save",
            snapshot_save,
            ["POST"],
        ),
        (
            sessions_path + "/{name}/snapshots/{snapshot}/restore",
            "mock_snapshot_restore",
            snapshot_restore,
            ["POST"],
        ),
        ("/", "mock_index", index, ["GET"]),
    ]
