"""Thin handlers, one per operationId: unpack the request, call the resource, return the body.

Connexion resolves each operationId through `resolver()`; operations that no resource serves
answer 501 until a generic responder exists. Handlers read the parsed parameters and body from
the request state (`hooks.py`), not from the raw arguments Connexion passes.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any

from connexion import request

from mock_server import errors
from mock_server.auth import Principal
from mock_server.hooks import BODY, PARAMS, PRINCIPAL, state
from mock_server.resource import Resource, operation_names

Handler = Callable[..., Awaitable[Any]]
Result = tuple[Any, int]


def _principal(token_info: dict[str, Any]) -> Principal:
    return token_info[PRINCIPAL]


def _params() -> dict[str, Any]:
    return state(request.scope).get(PARAMS, {})


def _body() -> dict[str, Any]:
    return state(request.scope).get(BODY, {})


def _pk() -> str:
    """The item's key: the one path parameter of an item operation, as parsed."""
    path = request.scope.get("path_params", {})
    (value,) = (value for name, value in _params().items() if name in path)
    return value


def handlers_for(resource: Resource) -> dict[str, Handler]:
    async def list_(token_info: dict[str, Any], **_: Any) -> Result:
        return resource.list(_principal(token_info), _params()), 200

    async def create(token_info: dict[str, Any], **_: Any) -> Result:
        return resource.create(_body()), 201

    async def retrieve(token_info: dict[str, Any], **_: Any) -> Result:
        return resource.retrieve(_principal(token_info), _pk()), 200

    async def update(token_info: dict[str, Any], **_: Any) -> Result:
        return resource.update(_principal(token_info), _pk(), _body()), 200

    async def destroy(token_info: dict[str, Any], **_: Any) -> Result:
        resource.destroy(_principal(token_info), _pk())
        return None, 204

    async def used_by(token_info: dict[str, Any], **_: Any) -> Result:
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


async def not_mocked(**_: Any) -> Result:
    raise errors.NotImplementedOperation()


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
    resources: Iterable[Resource], path_parameters: Mapping[str, Sequence[str]]
) -> Callable[[str], Handler]:
    """operationId -> handler, for Connexion's `Resolver`."""
    table: dict[str, Handler] = {}
    for resource in resources:
        table.update(handlers_for(resource))

    def resolve(operation_id: str) -> Handler:
        handler = table.get(operation_id, not_mocked)
        return declaring(handler, path_parameters.get(operation_id, ()))

    return resolve
