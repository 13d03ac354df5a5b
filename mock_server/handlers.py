"""Thin handlers, one per operationId: unpack the request, call the resource, return the body.

Connexion resolves each operationId through `resolver()`; operations that no resource serves
get the responder's answer (`responder.py`). Handlers read the parsed parameters and body from
the request state (`hooks.py`), not from the raw arguments Connexion passes.
"""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from connexion import request
from connexion.lifecycle import ConnexionResponse

from mock_server.auth import ALL_PERMISSIONS, Principal
from mock_server.hooks import BODY, PARAMS, PREFER, PRINCIPAL, state
from mock_server.resource import Resource, operation_names
from mock_server.responder import Prefer, Responder
from mock_server.spec import Operation

Handler = Callable[..., Awaitable[Any]]
Result = tuple[Any, int]


ANONYMOUS = Principal(user="anonymous", permissions=ALL_PERMISSIONS)
"""Who calls an operation the document leaves open (no security): anyone may do anything."""


def _principal(token_info: dict[str, Any] | None) -> Principal:
    return token_info[PRINCIPAL] if token_info else ANONYMOUS


def _params() -> dict[str, Any]:
    return state(request.scope).get(PARAMS, {})


def _body() -> dict[str, Any]:
    return state(request.scope).get(BODY, {})


def _pk() -> str:
    """The item's key: the one path parameter of an item operation, as parsed."""
    path = request.scope.get("path_params", {})
    (value,) = (value for name, value in _params().items() if name in path)
    return str(value)


def success_status(operation: Operation, default: int) -> int:
    """The status an operation documents for success: its lowest 2xx (DRF's by default)."""
    codes = sorted(int(c) for c in operation.definition.get("responses", {}) if str(c).isdigit())
    return next((code for code in codes if 200 <= code < 300), default)


def handlers_for(resource: Resource, created: int = 201) -> dict[str, Handler]:
    async def list_(token_info: dict[str, Any] | None = None, **_: Any) -> Result:
        return resource.list(_principal(token_info), _params()), 200

    async def create(token_info: dict[str, Any] | None = None, **_: Any) -> Result:
        return resource.create(_body()), created

    async def retrieve(token_info: dict[str, Any] | None = None, **_: Any) -> Result:
        return resource.retrieve(_principal(token_info), _pk()), 200

    async def update(token_info: dict[str, Any] | None = None, **_: Any) -> Result:
        return resource.update(_principal(token_info), _pk(), _body()), 200

    async def destroy(token_info: dict[str, Any] | None = None, **_: Any) -> Result:
        resource.destroy(_principal(token_info), _pk())
        return None, 204

    async def used_by(token_info: dict[str, Any] | None = None, **_: Any) -> Result:
        return resource.used_by(_principal(token_info), _pk()), 200

    by_action: dict[str, Handler] = {
        "list": list_,
        "create": create,
        "retrieve": retrieve,
        "update": update,
        "partial_update": update,
        "destroy": destroy,
        "used_by": used_by,
    }
    return {opid: by_action[action] for opid, action in operation_names(resource.spec).items()}


def responding(responder: Responder, operation: Operation) -> Handler:
    """The handler of an operation no resource serves: the responder's answer."""

    async def respond(**_: Any) -> ConnexionResponse:
        prefer = state(request.scope).get(PREFER) or Prefer()
        answer = responder.answer(operation, prefer)
        if answer.body is None:
            return ConnexionResponse(status_code=answer.status)
        media_type = answer.media_type or "application/json"
        body = answer.body
        if "json" in media_type:
            body = json.dumps(body).encode()
        elif not isinstance(body, str | bytes):
            body = str(body)
        return ConnexionResponse(
            status_code=answer.status, body=body, mimetype=media_type, content_type=media_type
        )

    return respond


def declaring(handler: Handler, path_parameters: Iterable[str]) -> Handler:
    """The handler, declaring to Connexion only `token_info` and the path parameters.

    Connexion passes a handler the arguments its signature names, and with `**kwargs` all of
    them: it would parse the body a second time and log every query parameter it cannot
    place. The handler reads the parsed values from the request state instead.
    """

    @functools.wraps(handler)
    async def declared(**arguments: Any) -> Result:
        return await handler(**arguments)

    names = ["token_info", *path_parameters]
    declared.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY) for name in names]
    )
    return declared


def resolver(
    resources: Iterable[Resource], operations: Iterable[Operation], responder: Responder
) -> Callable[[str], Handler]:
    """operationId -> handler, for Connexion's `Resolver`: a resource's, or the responder's."""
    by_id = {operation.operation_id: operation for operation in operations}
    table: dict[str, Handler] = {}
    for resource in resources:
        create = by_id.get(f"{resource.spec.collection}_create")
        table.update(handlers_for(resource, success_status(create, 201) if create else 201))

    def resolve(operation_id: str) -> Handler:
        operation = by_id[operation_id]
        handler = table.get(operation_id) or responding(responder, operation)
        path_parameters = [p["name"] for p in operation.parameters if p["in"] == "path"]
        return declaring(handler, path_parameters)

    return resolve
