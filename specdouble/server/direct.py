"""The direct path: the operations a resource serves, answered without Connexion's
per-request pipeline.

Connexion routes, authenticates, validates and calls a handler through about ten layers that
together cost several times what the resource's own work does. The direct path compiles each
resource operation once (its route, its security scheme, its parameters and its body schema)
and then runs the same steps, in Connexion's order, with the same code: the security handlers
and parameter parsing of `connexion_hooks.py`, `validation.validate_body`, the actions of
`rest/actions.py`, and `ErrorAnswers` for every failure.

Whatever it cannot answer exactly as Connexion would goes on to Connexion: operations no
resource serves, HEAD and OPTIONS, bodies that are not `application/json`, security other than
one scheme of ours, the Swagger UI's paths, requests under a root path. `tests/test_direct.py`
holds both ways to the same answers.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import starlette.convertors
from connexion.frameworks.starlette import FloatConverter, IntegerConverter
from connexion.http_facts import METHODS
from connexion.utils import split_content_type
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from specdouble import errors
from specdouble.document import openapi
from specdouble.rest.actions import Action, Answer
from specdouble.rest.dialect import Dialect
from specdouble.rest.validation import validate_request_body
from specdouble.server.connexion_hooks import (
    MadeGroups,
    Place,
    RequestParameters,
    RouteTable,
    TokenSecurity,
    compiled_path,
    header,
    parse_json,
)
from specdouble.server.handlers import JSON, answer_headers, principal_of
from specdouble.server.middleware import BODYLESS_METHODS, FailureAnswers, drf_allow
from specdouble.settings import Limits

logger = logging.getLogger("specdouble")

Verify = Callable[[Scope], Any]


@dataclass(frozen=True, slots=True)
class Target:
    """One resource operation, compiled."""

    action: Action
    verify: Verify | None
    """The security handler's check; None where the operation asks for no credentials."""
    parameters: RequestParameters
    reads_body: bool
    """Whether the operation takes a request body (then only as `application/json`)."""
    body_schema: Any
    """Its schema; where it has none, Connexion leaves the body unread, and so do we."""
    body_required: bool
    document: Mapping[str, Any]
    limits: Limits
    dialect: Dialect

    def answer(
        self, scope: Scope, path_params: Mapping[str, Any], raw: bytes, encoding: str
    ) -> Answer:
        scope["path_params"] = path_params  # as Connexion's routing leaves them
        token_info = self.verify(scope) if self.verify else None
        headers = Headers(scope=scope) if self.parameters.headers else None
        params = self.parameters.parse(scope.get("query_string", b""), path_params, headers)
        body: Any = {}
        if self.body_schema:
            parsed = parse_json(
                raw,
                encoding,
                max_depth=self.limits.json_depth,
                exact=self.dialect.exact_json,
            )
            body = validate_request_body(
                self.document,
                self.body_schema,
                parsed,
                sent=bool(raw.strip()),
                required=self.body_required,
                dialect=self.dialect,
            )
        return self.action(principal_of(token_info), params, body)


@dataclass(frozen=True, slots=True)
class Route:
    template: str
    regex: re.Pattern[str]
    convertors: Mapping[str, starlette.convertors.Convertor[Any]]
    target: Target | None
    """None: an operation Connexion answers."""
    allow: bytes | None = None
    """DRF's `Allow` for this path (None: the document is not a DRF one)."""


class Router:
    """The routes of Connexion's Starlette router, in its order: the first route whose path
    matches and whose method is the request's is the operation Connexion would call. Only
    the routes a path's first segment can match are tried (`RouteTable.group`), each group
    compiled when a path first asks for it."""

    def __init__(
        self, base_path: str, table: RouteTable, route: Callable[[Place, str], Route | None]
    ) -> None:
        self.base_path = base_path
        self.group = MadeGroups(table, route, _by_method)
        """The routes a path whose first segment is the one given can take, by method."""

    def match(self, method: str, path: str) -> tuple[Route, dict[str, Any]] | None:
        prefix = self.base_path
        if not path.startswith(prefix):
            return None
        rest = path[len(prefix) :]
        if not rest.startswith("/"):
            return None
        for route in self.group(rest.split("/", 2)[1]).get(method, ()):
            # fullmatch: a pattern's `$` also matches before a final newline (`/items/%0A`)
            found = route.regex.fullmatch(rest)
            if found:
                try:
                    values = {
                        name: route.convertors[name].convert(value)
                        for name, value in found.groupdict().items()
                    }
                except (ValueError, TypeError):  # a segment its convertor cannot read
                    continue
                return route, values
        return None


def _by_method(routes: list[tuple[Place, Route]]) -> dict[str, list[Route]]:
    """A group's routes by method, each in order."""
    grouped: dict[str, list[Route]] = {}
    for (_path, method), route in routes:
        grouped.setdefault(method.upper(), []).append(route)
    return grouped


def _security_check(
    document: Mapping[str, Any], definition: Mapping[str, Any], security_map: Mapping[str, Any]
) -> tuple[bool, Verify | None]:
    """(whether the direct path can check this operation's security, the check).

    Connexion picks a handler by scheme the same way (`SecurityHandlerFactory`); only a single
    scheme, handled by one of ours, is compiled here.
    """
    required = definition.get("security", document.get("security"))
    if not required:
        return True, None
    if len(required) != 1 or len(required[0]) != 1:
        return False, None
    ((name, scopes),) = required[0].items()
    scheme = ((document.get("components") or {}).get("securitySchemes") or {}).get(name)
    if not isinstance(scheme, Mapping):
        return False, None
    kind = scheme.get("type")
    if kind == "http":
        key = str(scheme.get("scheme", "")).lower()
    elif kind == "apiKey" and scheme.get("x-authentication-scheme", "").lower() != "bearer":
        key = "apiKey"
    else:
        return False, None
    handler = security_map[key]() if key in security_map else None
    if not isinstance(handler, TokenSecurity):
        return False, None
    handler.get_fn(scheme, scopes)
    return True, handler.check


def _target(
    document: Mapping[str, Any],
    action: Action,
    security_map: Mapping[str, Any],
    limits: Limits,
    dialect: Dialect,
) -> Target | None:
    operation = action.operation
    definition = operation.definition
    can_check, verify = _security_check(document, definition, security_map)
    if not can_check:
        return None
    body_schema = None
    request_body = openapi.resolve(document, definition.get("requestBody") or {})
    if request_body:
        content = request_body.get("content") or {}
        if operation.method.upper() in BODYLESS_METHODS or JSON not in content:
            return None
        body_schema = (content[JSON] or {}).get("schema")
    return Target(
        action=action,
        verify=verify,
        parameters=RequestParameters(document, operation.parameters, limits, dialect=dialect),
        reads_body=bool(request_body),
        body_schema=body_schema,
        body_required=bool(request_body.get("required")),
        document=document,
        limits=limits,
        dialect=dialect,
    )


def _convertors() -> None:
    """Connexion's own convertors for `int` and `float` path parameters, registered as its
    router registers them (it does so only when its first request builds the pipeline)."""
    starlette.convertors.register_url_convertor("float", FloatConverter())
    starlette.convertors.register_url_convertor("int", IntegerConverter())


def router(
    document: Mapping[str, Any],
    operations: openapi.OperationTable,
    actions: Mapping[str, Action],
    security_map: Mapping[str, Any],
    limits: Limits,
    *,
    dialect: Dialect,
    routes: RouteTable | None = None,
) -> Router:
    """Every route of the document in Connexion's order (`routes`, the table its routing reads
    too), resource operations compiled (when a path of their group is first asked for)."""
    _convertors()
    routes = RouteTable(document) if routes is None else routes
    paths = document.get("paths", {})

    @functools.cache
    def allowed(path: str) -> bytes | None:
        if not dialect.allow_header:
            return None
        return drf_allow(m.upper() for m in paths[path] if m in METHODS)

    def route(place: Place, template: str) -> Route | None:
        try:
            operation = operations.at(*place)
        except KeyError:
            return None
        action = actions.get(operation.operation_id)
        try:
            target = _target(document, action, security_map, limits, dialect) if action else None
            regex, _, convertors = compiled_path(template)
        except Exception:  # compiled at a request, not at start: Connexion answers it then
            logger.exception("%s %s: not on the direct path", place[1].upper(), place[0])
            return None
        return Route(template, regex, convertors, target, allowed(place[0]))

    return Router(openapi.base_path(document), routes, route)


class DirectPath:
    """The ASGI middleware in front of Connexion's routing."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        router: Router,
        answers: FailureAnswers,
        reserved: tuple[str, ...] = (),
        private_prefix: str = "",
    ) -> None:
        self.app = app
        self.router = router
        self.answers = answers
        self.reserved = tuple(router.base_path + path for path in reserved)
        """Paths another middleware answers before routing (the Swagger UI's)."""
        if private_prefix:
            self.reserved += (private_prefix,)  # the control routes', wherever the API is

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("root_path"):
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        found = self.router.match(scope["method"], path)
        target = found[0].target if found else None
        if found is None or target is None or path.startswith(self.reserved):
            await self.app(scope, receive, send)
            return
        raw, encoding = b"", "utf-8"
        if target.reads_body:
            mime_type, charset = split_content_type(header(scope, b"content-type"))
            if mime_type != JSON:
                await self.app(scope, receive, send)
                return
            raw, encoding = await _read_body(receive), charset or "utf-8"
        allow = found[0].allow
        try:
            answer = target.answer(scope, found[1], raw, encoding)
        except errors.ApiError as failure:
            response = self.answers.response(failure, target.action.operation.operation_id)
            if allow:
                response.headers["allow"] = allow.decode()
            await response(scope, receive, send)
        except Exception:
            logger.exception("unexpected error")
            await self.answers.response(errors.ServerError())(scope, receive, send)
        else:
            await _send(send, answer, allow)


async def _send(send: Send, answer: Answer, allow: bytes | None = None) -> None:
    """The answer as `handlers.response` sends it through Connexion, without a `Response`
    (and DRF's `Allow`, which `middleware.AllowHeader` adds to Connexion's answers)."""
    headers = answer_headers(answer)
    if allow:
        headers = [*headers, (b"allow", allow)]
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body or b""})


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    more = True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)
