"""Thin handlers, one per operationId: unpack the request, run its action, return the body.

Connexion resolves each operationId through `Handlers` and calls the handler with only the
security handler's `token_info` (`connexion_hooks.HandlerApi`). Operations a resource serves run
their action (`rest/actions.py`) on the parsed parameters and body that the hooks left in
the request state (`connexion_hooks.py`), not on the raw arguments Connexion passes; the other
operations get the responder's answer (`rest/responder.py`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from connexion import request
from starlette.responses import Response

from specdouble.document.openapi import Operation, OperationTable, operation_id_of
from specdouble.rest.actions import Action, Answer
from specdouble.rest.auth import ANONYMOUS, Principal
from specdouble.rest.responder import Prefer, Responder, encode
from specdouble.server.connexion_hooks import BODY, PARAMS, PREFER, PRINCIPAL, state

Handler = Callable[..., Awaitable[Any]]
JSON = "application/json"
JSON_BYTES = JSON.encode()


def principal_of(token_info: Mapping[str, Any] | None) -> Principal:
    """Who the security handler let in; anyone, where the document asks for no credentials.
    Where one requirement names several schemes (an app key and an app token, both sent),
    Connexion keys each scheme's answer by its name: the first that names a caller."""
    if not token_info:
        return ANONYMOUS
    if PRINCIPAL in token_info:
        return token_info[PRINCIPAL]
    named = (v[PRINCIPAL] for v in token_info.values() if isinstance(v, Mapping) and PRINCIPAL in v)
    return next(named, ANONYMOUS)


def answer_headers(answer: Answer) -> list[tuple[bytes, bytes]]:
    """An action's headers, on both ways in: those Starlette gives a JSON `Response`."""
    media_type = JSON_BYTES if answer.media_type == JSON else answer.media_type.encode()
    headers = [(b"content-type", media_type)]
    if answer.status >= 200 and answer.status not in (204, 304):
        headers.insert(0, (b"content-length", b"%d" % len(answer.body or b"")))
    return headers


def response(answer: Answer) -> Response:
    made = Response(content=answer.body, status_code=answer.status)
    made.raw_headers = answer_headers(answer)
    return made


def acting(action: Action) -> Handler:
    async def act(token_info: dict[str, Any] | None = None, **_: Any) -> Response:
        scope = state(request.scope)
        answer = action(principal_of(token_info), scope.get(PARAMS, {}), scope.get(BODY, {}))
        return response(answer)

    return act


def responding(responder: Responder, operation: Operation) -> Handler:
    """The handler of an operation no resource serves: the responder's answer."""

    async def respond(**_: Any) -> Response:
        prefer = state(request.scope).get(PREFER) or Prefer()
        answer = responder.answer(operation, prefer)
        if answer.media_type is None:  # no content documented
            return Response(status_code=answer.status)
        media_type = answer.media_type
        # Content whose documented value is null (OSF's `examples: {response: {value: null}}`)
        # is JSON's `null`, in the type documented, and never a body without a Content-Type.
        empty = answer.body is None and "json" not in media_type.lower()
        return Response(
            content=b"" if empty else encode(answer.body, media_type),
            status_code=answer.status,
            media_type=media_type,
        )

    return respond


ROUTER_CONTROLLERS = ("x-openapi-router-controller", "x-swagger-router-controller")


class Handlers:
    """operationId -> handler, for Connexion's `Resolver`: a resource's, or the responder's;
    each made when Connexion first makes its operation."""

    def __init__(
        self, actions: Mapping[str, Action], operations: OperationTable, responder: Responder
    ) -> None:
        self._actions, self._operations, self._responder = actions, operations, responder
        self._controlled: dict[str, tuple[str, str]] | None = None

    def __call__(self, operation_id: str) -> Handler:
        operation = self._operation(operation_id)
        action = self._actions.get(operation.operation_id)
        return acting(action) if action else responding(self._responder, operation)

    def knows(self, operation_id: str) -> bool:
        """Whether there is a handler for `operation_id`, made or not."""
        return operation_id in self._operations or operation_id in self._controllers()

    def _operation(self, operation_id: str) -> Operation:
        if operation_id in self._operations:
            return self._operations[operation_id]
        return self._operations.at(*self._controllers()[operation_id])

    def _controllers(self) -> dict[str, tuple[str, str]]:
        """Each operation that names its controller, by `<controller>.<operationId>`, as
        Connexion asks for it (Airflow's `airflow.api_connexion.endpoints....get_config`)."""
        if self._controlled is None:
            self._controlled = {}
            for path, method, definition in self._operations.definitions():
                for name in ROUTER_CONTROLLERS:
                    controller = definition.get(name)
                    if controller is not None:  # whatever it is (`""`, a number): as Connexion
                        operation_id = operation_id_of(path, method, definition)
                        self._controlled.setdefault(f"{controller}.{operation_id}", (path, method))
        return self._controlled
