"""Connexion's extension points, filled with authentik's behaviour.

Connexion routes each request and calls these before the handler: the security handler
authenticates and authorizes, the validators parse parameters and bodies. Failures raise the
exceptions of `errors.py`; the values they parse are left in the request scope's `state` for the
handlers (`PARAMS`, `BODY`), so nothing is parsed twice.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import re
import weakref
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from types import SimpleNamespace
from typing import Any, Generic, TypeVar

import orjson
import yaml
from connexion.apps.asynchronous import AsyncApi, AsyncApp, AsyncOperation
from connexion.datastructures import MediaTypeDict
from connexion.exceptions import ResolverError
from connexion.frameworks.starlette import starlettify_path
from connexion.http_facts import METHODS
from connexion.lifecycle import ConnexionRequest
from connexion.middleware.abstract import RoutedAPI, RoutedMiddleware
from connexion.middleware.main import ConnexionMiddleware
from connexion.middleware.routing import RoutingAPI, RoutingMiddleware, RoutingOperation
from connexion.middleware.routing import _scope as routing_scope
from connexion.security import AbstractSecurityHandler
from connexion.spec import OpenAPISpecification, Swagger2Specification
from connexion.utils import deep_get
from connexion.validators import AbstractRequestBodyValidator, ParameterValidator
from connexion.validators.form_data import FormDataValidator
from starlette.datastructures import Headers, QueryParams, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import cookie_parser
from starlette.routing import BaseRoute, Mount, Route, Router, get_route_path
from starlette.types import Message, Receive, Scope, Send

from specdouble import errors
from specdouble.document import openapi, swagger2
from specdouble.rest import auth
from specdouble.rest.dialect import Dialect
from specdouble.rest.params import form_values, parse_parameters, read_path, read_query
from specdouble.rest.validation import validate_request_body
from specdouble.settings import Limits

logger = logging.getLogger("specdouble")

PARAMS, BODY, PREFER, PRINCIPAL = "mock_params", "mock_body", "mock_prefer", "principal"
SLASH_STAND_IN = "\uf8ff"
"""What routes in place of an encoded slash inside a path segment (`middleware.EncodedSlashes`):
a private-use character, which no route's literal text holds."""
SESSION_PRINCIPAL = "session_principal"
MAX_JSON_DEPTH = Limits().json_depth
UTF8 = frozenset({"utf-8", "utf8"})
MAX_REMEMBERED_QUERIES = 1024
"""Parsed query strings each operation keeps (all are dropped past that)."""
MAX_COMPILED_OPERATIONS = 4096
"""Operations whose `RequestParameters` Connexion's validator keeps (all go past that)."""


def state(scope: Scope) -> dict[str, Any]:
    return scope.setdefault("state", {})


def header(scope: Scope, name: bytes) -> str | None:
    """The first value of a header (`name` in lower case), as Starlette's `Headers.get` reads it."""
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


class TokenSecurity(AbstractSecurityHandler):
    """A security scheme checked against `tokens.yaml`, then Django's model permissions.

    Permissions are checked here, before validation, because DRF checks them before it reads
    the request: a read-only token gets 403 for a write, even for an invalid body. Failures
    are 403, as authentik answers, unless the document speaks of 401.

    Connexion calls `verify` with its request; the direct path calls `check` with the scope.
    """

    def __init__(
        self, tokens: Mapping[str, auth.Token], failure_status: int, accept_any: bool = False
    ) -> None:
        self.tokens = tokens
        self.failure_status = failure_status
        self.accept_any = accept_any
        """Any well-formed credential is valid (Prism's way, for documents not authentik's)."""
        self.scheme: Mapping[str, Any] = {}

    def get_fn(self, security_scheme: Any, required_scopes: Any) -> Callable[..., Any]:
        self.scheme = security_scheme
        return self.verify

    def verify(self, request: ConnexionRequest) -> dict[str, Any]:
        return self.check(request.scope)

    def check(self, scope: Scope) -> dict[str, Any]:
        try:
            principal = self.session_principal(scope) or self.credentials(scope)
        except errors.AuthenticationFailed as failure:
            if self.accept_any and failure.detail == errors.TOKEN_INVALID:
                # Well-formed, only not one of ours: with no token list, that is enough.
                return {"sub": auth.ANY_CREDENTIAL.user, PRINCIPAL: auth.ANY_CREDENTIAL}
            if (
                failure.detail == errors.NOT_AUTHENTICATED
                and self.failure_status == errors.AuthenticationFailed.status_code
                and scope.get("path_params")
            ):
                # authentik looks the object up, permissions first, before it notices that
                # nobody is authenticated: on a detail route the refusal is for permission.
                raise errors.PermissionDenied() from failure
            raise errors.AuthenticationFailed(
                failure.detail, status_code=self.failure_status
            ) from failure
        auth.authorize(principal, scope["method"])
        return {"sub": principal.user, PRINCIPAL: principal}

    def credentials(self, scope: Scope) -> auth.Principal:
        return auth.authenticate(header(scope, b"authorization"), self.tokens, datetime.now(UTC))

    @staticmethod
    def session_principal(scope: Scope) -> auth.Principal | None:
        """The user a browser session logged in (`server/sessions.py` puts it there only for
        a request without `Authorization`, after its CSRF check), as DRF's
        `SessionAuthentication` comes after the token."""
        return state(scope).get(SESSION_PRINCIPAL)


class BearerTokens(TokenSecurity):
    """`http` with a bearer-like scheme (`bearer`, authentik's `bearer+agent`)."""


class BasicTokens(TokenSecurity):
    """`http`/`basic`: a token's user name, and its key as the password."""

    def credentials(self, scope: Scope) -> auth.Principal:
        value = header(scope, b"authorization")
        return auth.authenticate_basic(value, self.tokens, datetime.now(UTC))


class ApiKeyTokens(TokenSecurity):
    """`apiKey` in a header, the query or a cookie: any token's key."""

    def credentials(self, scope: Scope) -> auth.Principal:
        name, where = str(self.scheme.get("name", "")), self.scheme.get("in", "header")
        if where == "query":
            key = QueryParams(scope.get("query_string", b"").decode("latin-1")).get(name)
        elif where == "cookie":
            key = cookie_parser(header(scope, b"cookie") or "").get(name)
        else:
            key = header(scope, name.lower().encode("latin-1"))
        return auth.authenticate_key(key, self.tokens, datetime.now(UTC))


IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
"""Header parameters OpenAPI says to ignore: the media types and the credentials are
negotiated and checked on their own."""


class RequestParameters:
    """One operation's declared query and path parameters, parsed from a request by
    `rest/params.py` with DRF's messages; every failure is collected into one 400."""

    def __init__(
        self,
        document: Mapping[str, Any],
        declared: Iterable[Mapping[str, Any]],
        limits: Limits = Limits(),  # noqa: B008 (frozen)
        *,
        dialect: Dialect,
    ) -> None:
        self.document = document
        self.limits = limits
        self.dialect = dialect
        self.declared = list(declared)
        self.path_parameters = {p["name"]: p for p in self.declared if p["in"] == "path"}
        # The router names a path parameter as Connexion's Starlette routes do: "-" reads "_".
        self.path_names = {
            p["name"]: p["name"].replace("-", "_") for p in self.declared if p["in"] == "path"
        }
        self.headers = [
            p
            for p in self.declared
            if p["in"] == "header" and str(p["name"]).lower() not in IGNORED_HEADERS
        ]
        """The header parameters it reads (those OpenAPI does not ignore)."""
        self._parsed: dict[tuple[bytes, tuple[Any, ...], tuple[Any, ...]], Any] = {}

    def parse(
        self,
        query_string: bytes,
        path_params: Mapping[str, Any],
        headers: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """The parsed values by declared name; a request asked before is answered from memory
        (parsing depends on nothing but these strings). With the request's `headers` (their
        names in lower case, or a case-blind mapping), the declared ones are checked too: a
        required header it lacks, or one whose value its schema refuses, is in the same 400
        (their values are not among those returned)."""
        sent = tuple(
            (str(p["name"]), headers[str(p["name"]).lower()])
            for p in self.headers
            if headers is not None and str(p["name"]).lower() in headers
        )
        asked = (query_string, tuple(path_params.items()), sent)
        known = self._parsed.get(asked)
        if known is None:
            try:
                known = self._parse(query_string, path_params, dict(sent), headers is not None)
            except errors.ValidationFailed as failure:
                known = failure
            if len(self._parsed) >= MAX_REMEMBERED_QUERIES:
                self._parsed.clear()
            self._parsed[asked] = known
        if isinstance(known, errors.ValidationFailed):
            raise type(known)(known.errors)
        return dict(known)

    def _parse(
        self,
        query_string: bytes,
        path_params: Mapping[str, Any],
        headers: Mapping[str, str],
        headers_given: bool,
    ) -> dict[str, Any]:
        pairs = QueryParams(query_string.decode("latin-1")).multi_items()
        query = read_query(self.document, self.declared, pairs)
        path = {
            name: read_path(
                self.document,
                self.path_parameters[name],
                str(path_params[routed]).replace(SLASH_STAND_IN, "/"),
            )
            for name, routed in self.path_names.items()
            if routed in path_params
        }
        parsed: dict[str, Any] = {}
        failures: dict[str, list[str]] = {}
        locations: list[tuple[str, Mapping[str, Any]]] = [("path", path), ("query", query)]
        if headers_given and self.headers:
            locations.append(("header", headers))
        for location, values in locations:
            try:
                found = parse_parameters(
                    self.document,
                    self.headers if location == "header" else self.declared,
                    location,
                    values,
                    max_digits=self.limits.integer_digits,
                    dialect=self.dialect,
                )
            except errors.ValidationFailed as failure:
                if location == "path" and self.dialect.unknown_key_is_404:
                    # A key that cannot be one matches no object (DRF's `get_object`: 404).
                    raise errors.NotFound(errors.ROUTE_NOT_FOUND) from failure
                failures.update(failure.errors)
            else:
                if location != "header":
                    parsed.update(found)
        if failures and set(failures) <= set(self.path_names):
            raise errors.PathValueRefused(failures)
        if failures:
            raise errors.ValidationFailed(failures)
        return parsed


class Parameters(ParameterValidator):
    """Connexion's parameter validator, parsing with `RequestParameters`.

    Connexion makes a validator for every request, from the operation's own list of
    parameters; the `RequestParameters` made for that list are kept in `compiled`."""

    def __init__(
        self,
        parameters: Any,
        *,
        document: Mapping[str, Any],
        compiled: dict[int, tuple[Any, RequestParameters]],
        limits: Limits,
        dialect: Dialect,
        **kwargs: Any,
    ) -> None:
        super().__init__(parameters, **kwargs)
        kept = compiled.get(id(parameters))
        if kept is None or kept[0] is not parameters:
            if len(compiled) >= MAX_COMPILED_OPERATIONS:  # lists Connexion did not keep
                compiled.clear()
            declared = [p for group in self.parameters.values() for p in group]
            compiled[id(parameters)] = (
                parameters,
                RequestParameters(document, declared, limits, dialect=dialect),
            )
            kept = compiled[id(parameters)]
        self.request_parameters = kept[1]

    def validate(self, scope: Scope) -> None:
        parameters = self.request_parameters
        headers = Headers(scope=scope) if parameters.headers else None
        state(scope)[PARAMS] = parameters.parse(
            scope.get("query_string", b""), scope.get("path_params", {}), headers
        )


def parse_json(
    raw: bytes, encoding: str = "utf-8", *, max_depth: int = MAX_JSON_DEPTH, exact: bool = False
) -> Any:
    """A request body as authentik's parser (drf-orjson-renderer's, on orjson) reads it, with
    its messages; no content reads as `{}` (DRF's `request.data` for an empty body). Arrays
    and objects nested deeper than `max_depth` are a parse error. `exact` (documents that are
    not DRF's) reads integers of any size as integers, where orjson makes a float of one
    beyond 64 bits (and the schema's `int64` could no longer refuse it)."""
    if not raw.strip():
        return {}
    too_deep = errors.JSON_PARSE_TEMPLATE.format(
        reason=errors.JSON_TOO_DEEP_TEMPLATE.format(limit=max_depth)
    )
    try:
        utf8 = raw if encoding.lower() in UTF8 else raw.decode(encoding).encode("utf-8")
        value = json.loads(utf8) if exact else orjson.loads(utf8)
    except RecursionError as error:  # Python's parser, past its own depth
        raise errors.ParseError(too_deep) from error
    except (UnicodeError, LookupError) as error:
        raise errors.ParseError(errors.JSON_PARSE_TEMPLATE.format(reason=error)) from error
    except ValueError as error:  # orjson's and json's decode errors are ValueErrors
        if "recursion" in str(error):  # orjson's own limit (1,024 levels)
            raise errors.ParseError(too_deep) from error
        raise errors.ParseError(errors.JSON_PARSE_TEMPLATE.format(reason=error)) from error
    # Cheap first: a body with fewer opening brackets than the limit cannot be too deep.
    if raw.count(b"[") + raw.count(b"{") > max_depth and json_depth(value) > max_depth:
        raise errors.ParseError(too_deep)
    return value


def json_depth(value: Any) -> int:
    """How deeply arrays and objects nest in a parsed JSON value (a scalar: 0), without
    recursion.

    >>> json_depth({"a": [1, {"b": []}]}), json_depth(3)
    (4, 0)
    """
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children)
    return deepest


async def _drained(receive: Receive) -> list[Message]:
    """Every message of a request's body, to read it whole and then hand it on."""
    messages = []
    more_body = True
    while more_body:
        message = await receive()
        messages.append(message)
        more_body = message.get("more_body", False)
    return messages


class JsonBody(AbstractRequestBodyValidator):
    """A JSON body, parsed by `parse_json` and checked by `rest/validation.py`."""

    def __init__(
        self, *, document: Mapping[str, Any], limits: Limits, dialect: Dialect, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.document = document
        self.limits = limits
        self.dialect = dialect

    async def wrap_receive(self, receive: Receive, *, scope: Scope) -> tuple[Receive, Scope]:
        messages = await _drained(receive)
        raw = b"".join(message.get("body", b"") for message in messages)
        body = parse_json(
            raw,
            self._encoding,
            max_depth=self.limits.json_depth,
            exact=self.dialect.exact_json,
        )
        state(scope)[BODY] = validate_request_body(
            self.document,
            self._schema,
            body,
            sent=bool(raw.strip()),
            required=self._required,
            dialect=self.dialect,
        )
        return self._insert_messages(receive, messages=messages), scope


class FormBody(FormDataValidator):
    """A form body (`application/x-www-form-urlencoded`, Swagger 2's `formData`), read as
    the JSON body it stands for (`params.form_values`) and checked as a JSON body is, so that
    a create keeps what a form sent. A file's content is not kept: it reads as "".
    An urlencoded form of no fields is written as no bytes (a multipart one is not): no
    bytes are that form where the body is required."""

    empty_is_a_form = True

    def __init__(self, *, document: Mapping[str, Any], dialect: Dialect, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.document = document
        self.dialect = dialect

    async def _parse(self, stream: AsyncIterator[bytes], scope: Scope) -> dict[str, Any]:
        form = await self._form_parser_cls(Headers(scope=scope), stream).parse()
        fields = {
            name: ["" if isinstance(value, UploadFile) else value for value in form.getlist(name)]
            for name in form
        }
        return form_values(self.document, self._schema, fields)

    async def wrap_receive(self, receive: Receive, *, scope: Scope) -> tuple[Receive, Scope]:
        messages = await _drained(receive)

        async def stream() -> AsyncIterator[bytes]:
            for message in messages:
                yield message.get("body", b"")

        # Nothing sent, or nothing that says how to read it (a GET's Content-Type is dropped:
        # `middleware.IgnoreContentTypeWithoutBody`), is no field. No bytes of urlencoded
        # form are a form of no fields where a body is required, and no body where it may be
        # left out (Climatekuul's optional form, whose fields are required when it is sent).
        empty_form = self.empty_is_a_form and bool(self._required)
        sent = empty_form or any(message.get("body") for message in messages)
        sent = sent and "content-type" in Headers(scope=scope)
        raw = b"".join(message.get("body", b"") for message in messages)
        try:
            if openapi.resolve(self.document, self._schema or {}).get("type") == "string":
                # Content taken as it is (Apicurio's `*/*` artifact: any bytes, a form's too).
                body: Any = raw.decode("utf-8", "replace")
            else:
                body = await self._parse(stream(), scope) if sent else {}
        except (MultiPartException, ValueError, TypeError, KeyError) as unreadable:
            if not _only_unnamed_parts(raw, Headers(scope=scope).get("content-type", "")):
                raise errors.ValidationFailed.single(
                    self.dialect.body_key, f"{errors.MALFORMED_FORM} ({unreadable})"
                ) from unreadable
            body = form_values(self.document, self._schema, {})  # no named part: no field
        state(scope)[BODY] = validate_request_body(
            self.document,
            self._schema,
            body,
            sent=sent,
            required=self._required,
            dialect=self.dialect,
        )
        return self._insert_messages(receive, messages=messages), scope


def _only_unnamed_parts(raw: bytes, content_type: str) -> bool:
    """Whether a multipart body is parts between its boundaries, none of them named (what
    Schemathesis writes for an empty object): a form of no fields, not a malformed one."""
    found = re.search(r'boundary="?([^";]+)"?', content_type)
    return (
        bool(found)
        and f"--{found[1]}".encode() in raw
        and b"content-disposition" not in raw.lower()
    )


class MultiPartBody(FormBody):
    empty_is_a_form = False

    @property
    def _form_parser_cls(self) -> Any:
        return MultiPartParser


def validator_map(
    document: Mapping[str, Any], limits: Limits, *, dialect: Dialect
) -> dict[str, Any]:
    return {
        "parameter": partial(
            Parameters, document=document, compiled={}, limits=limits, dialect=dialect
        ),
        "body": MediaTypeDict(
            {
                "*/*json": partial(JsonBody, document=document, limits=limits, dialect=dialect),
                swagger2.FORM: partial(FormBody, document=document, dialect=dialect),
                swagger2.MULTIPART: partial(MultiPartBody, document=document, dialect=dialect),
            }
        ),
    }


def failure_status(document: Mapping[str, Any], dialect: Dialect) -> int:
    """401 for a document that is not DRF's, or where the document answers 401 anywhere;
    otherwise 403, as authentik does. (An operation that documents only the other one is
    answered with it: `server/app.ErrorAnswers`.)"""
    if not dialect.drf:
        return 401
    for operation in openapi.operations(document):
        if "401" in {str(code) for code in operation.definition.get("responses", {})}:
            return 401
    return 403


def security_map(
    document: Mapping[str, Any],
    tokens: Mapping[str, auth.Token],
    *,
    dialect: Dialect,
    accept_any: bool = False,
) -> dict[str, Any]:
    """Every scheme of the document that carries a credential is checked against the tokens:
    `http` bearer-like schemes (`bearer`, `bearer+agent`), `basic`, `apiKey`, and `oauth2` and
    `openIdConnect` (a bearer token); with `accept_any`, any well-formed credential passes."""
    status = failure_status(document, dialect)
    schemes = (document.get("components") or {}).get("securitySchemes", {})
    names = {"bearer"} | {
        str(scheme.get("scheme", "")).lower()
        for scheme in schemes.values()
        if scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() != "basic"
    }
    handlers: dict[str, Any] = {
        name: partial(BearerTokens, tokens, status, accept_any)
        for name in names | {"oauth2", "openIdConnect"}
    }
    handlers["basic"] = partial(BasicTokens, tokens, status, accept_any)
    handlers["apiKey"] = partial(ApiKeyTokens, tokens, status, accept_any)
    return handlers


class TextRoutingAPI(RoutingAPI):
    """Routes whose path parameters match any segment, whatever their type (but `format:
    path`, which takes slashes too): the parameters' own parsing then answers a value its
    schema refuses (a 400 in the operation's terms, or DRF's 404 for a key), where a route
    typed `int` would not match and another template, or none, would answer (LGTM's
    `/projects/{project-id}/settings/...` fell to `/projects/{provider}/{org}/{name}`;
    `POST /analyses/abc` met a GET route's 405)."""

    def __init__(self, *args: Any, routes: RouteTable | None = None, **kwargs: Any) -> None:
        self.routes = routes
        """The document's routes, shared by this layer and the direct path, each group read
        once (None: read here, from Connexion's copy)."""
        super().__init__(*args, **kwargs)

    def add_paths(self, paths: dict[str, Any] | None = None) -> None:
        """Each operation's route, read from the document, made when a path of its group is
        first routed (`SegmentRouter`): an operation object (which would also resolve its
        handler, once in each of Connexion's six layers) is only made when a request needs
        it (`OperationsOnDemand`), and resolved then (`PathItem`)."""
        routes = self.routes
        if routes is None or paths is not None:
            routes = RouteTable(self.specification.spec, paths)
        keys = operation_keys(self)
        next_app = self.next_app

        def route(place: Place, template: str) -> Route:
            operation = RoutingOperation(keys[place], next_app)
            return Route(template, endpoint=operation, methods=[place[1]])  # as `add_route`

        self.router = SegmentRouter(routes, route, default=self.router.default)


class SegmentRouter(Router):
    """Starlette's router over the document's routes, in their order, trying for a path only
    those that can match its first segment (`RouteTable.group`), as the direct path's router
    does, and making a group's routes when a path first asks for it: Starlette tries every
    route, twice for a path no route takes (its slash redirect), and a 404 of Microsoft
    Graph's 11,400 operations took 35 ms; making all its routes took a tenth of a second of
    each start."""

    def __init__(
        self, table: RouteTable, route: Callable[[Place, str], BaseRoute], *, default: Any
    ) -> None:
        super().__init__(routes=[], default=default)
        self.group = MadeGroups(table, route, lambda made: [routed for _place, routed in made])
        """The routes a path whose first segment is the one given can take, in order."""

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = get_route_path(scope)
        # Read by Starlette's `app` before its first `await`: no other request runs between
        # this and its walk of them (its slash redirect's path has the same first segment).
        self.routes = self.group(path.split("/", 2)[1] if path.startswith("/") else "")
        await super().app(scope, receive, send)


Place = tuple[str, str]
"""An operation's (path, method)."""

Made = TypeVar("Made")
Shaped = TypeVar("Shaped")


class MadeGroups(Generic[Made, Shaped]):
    """What a router makes of each first-segment group of a `RouteTable`, made when a path
    first asks for it: `route(place, template)` for each route (None: none made), a route in
    several groups (a parameter's) made once, and the group's routes then `shaped` as the
    router walks them."""

    def __init__(
        self,
        table: RouteTable,
        route: Callable[[Place, str], Made | None],
        shaped: Callable[[list[tuple[Place, Made]]], Shaped],
    ) -> None:
        self.table = table
        self._route = functools.cache(route)
        self._shaped = shaped
        self.made: dict[str | None, Shaped] = {}
        """Each group made so far, by its key (`RouteTable.group_key`)."""

    def __call__(self, first: str | None) -> Shaped:
        key = self.table.group_key(first)
        made = self.made.get(key)
        if made is None:
            routes = [
                (place, self._route(place, template)) for place, template in self.table.group(key)
            ]
            made = self.made[key] = self._shaped([(p, r) for p, r in routes if r is not None])
        return made


class RouteTable:
    """Each operation's Starlette route template, by its place (path, method), in the order
    routes are tried; read for the routing of Connexion and of the direct path, a group at a
    time: the routes a path with a given first segment can take (`openapi.by_first_segment`), when a
    path first asks for them. Reading all of Microsoft Graph's 11,400 took a tenth of a
    second of each start, where a run meets a few groups."""

    def __init__(self, document: Mapping[str, Any], paths: Mapping[str, Any] | None = None) -> None:
        self._document = document
        self._paths = document.get("paths", {}) if paths is None else paths
        self._order = routing_order(self._paths)
        self._groups, self._wild = openapi.by_first_segment(self._order, self._order)
        self._read: dict[str, list[tuple[Place, str]]] = {}

    def group_key(self, first: str | None) -> str | None:
        """The group a path of this first segment is routed in (None: the parameters')."""
        return first if first in self._groups else None

    def group(self, first: str | None) -> list[tuple[Place, str]]:
        """The routes a path whose first segment is `first` can take, in order."""
        paths = self._groups.get(first, self._wild) if first is not None else self._wild
        return [route for path in paths for route in self._routes_of(path)]

    def _routes_of(self, path: str) -> list[tuple[Place, str]]:
        read = self._read.get(path)
        if read is None:
            try:
                read = _path_routes(self._document, path, self._paths[path])
                for _place, template in read:
                    compiled_path(template)  # what Starlette would refuse, refused here
            except Exception as error:  # read when a request first needs it, not at start
                logger.warning("%s: not routed: %s", openapi.json_pointer(["paths", path]), error)
                read = []  # its operations answer as no route would
            self._read[path] = read
        return read


def _path_routes(document: Mapping[str, Any], path: str, item: Any) -> list[tuple[Place, str]]:
    """A path's operations' routes, in the order the document lists them."""
    shared = dict.get(item, "parameters") if isinstance(item, dict) else None
    routes = []
    for method in item:
        if method not in METHODS:
            continue
        operation = dict.__getitem__(item, method)  # as written: not resolved yet
        own = operation.get("parameters") if isinstance(operation, dict) else None
        parameters = []
        for parameter in [*(own or []), *(shared or [])]:
            try:
                parameters.append(openapi.resolve(document, parameter))
            except openapi.SpecError:
                continue  # leads nowhere: left for the validators to refuse
        routes.append(((path, method), starlettify_path(path, routed_types(document, parameters))))
    return routes


def routing_order(paths: Iterable[str]) -> list[str]:
    """The document's paths in the order routes are tried: segment by segment, plain text
    before a parameter with text beside it (`{id}.mp3`) before a bare parameter, else as
    the document lists them. Untyped parameters match any segment, so Callfire's
    `/campaigns/sounds/{id}` took `134.mp3` from `/campaigns/sounds/{id}.mp3`.

    >>> routing_order(["/s/{id}", "/s/{id}.{ext}", "/s/new", "/{realm}/x", "/a/{b}"])
    ['/s/new', '/s/{id}.{ext}', '/s/{id}', '/a/{b}', '/{realm}/x']
    """

    ranks: dict[str, str] = {}  # by segment: a document repeats its segments many times

    def rank(segment: str) -> str:
        found = ranks.get(segment)
        if found is None:
            plain = "{" not in segment
            found = "0" if plain else "2" if re.fullmatch(r"\{[^{}]*\}", segment) else "1"
            ranks[segment] = found
        return found

    # The ranks as text compare as their lists would, and faster.
    return sorted(
        paths, key=lambda path: "".join([rank(s) for s in str(path).strip("/").split("/")])
    )


def routed_types(document: Mapping[str, Any], parameters: Iterable[Mapping[str, Any]]) -> dict:
    """The path parameters a route types: only `format: path` ones (the others match any
    segment), whether the schema is the parameter's own or its media type's (Stream's
    `content: {application/json: {schema}}` path parameters)."""
    types: dict[str, Any] = {}
    for parameter in parameters:
        if not isinstance(parameter, Mapping) or parameter.get("in") != "path":
            continue
        content = parameter.get("content")
        media = next(iter(content.values()), None) if isinstance(content, Mapping) else None
        own = parameter.get("schema")
        written = own or (media.get("schema") if isinstance(media, Mapping) else None)
        schema = openapi.resolve(document, written or {})
        if not isinstance(schema, Mapping):  # 3.1's `true`: any value, no type
            continue
        if schema.get("type") == "string" and schema.get("format") == "path":
            types[parameter["name"]] = "path"
    return types


class TextRouting(RoutingMiddleware):
    """Connexion's routing, with `TextRoutingAPI`'s routes; a path under the control prefix
    names no operation of the document (GraphRBAC's `/{tenantID}/{nextLink}` took
    `/_mock/health`, and the health check answered the document's 401)."""

    def __init__(self, app: Any, *, private_prefix: str = "") -> None:
        super().__init__(app)
        self.private_prefix = private_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.private_prefix and scope.get("path", "").startswith(self.private_prefix):
            # Routed to no operation, as a path no template takes is.
            routing_scope.set(scope.copy())
            await RoutingOperation(None, self.app)(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    def add_api(
        self,
        specification: Any,
        base_path: str | None = None,
        arguments: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        api = TextRoutingAPI(
            specification, base_path=base_path, arguments=arguments, next_app=self.app, **kwargs
        )
        for route in self.router.routes:  # as Connexion chains APIs of one base path
            if isinstance(route, Mount) and route.path == api.base_path:
                route.app.default = api.router
        self.router.mount(api.base_path, app=api.router)


def compile_paths_once() -> None:
    """Starlette's `compile_path`, each template read once, its expression compiled at its
    first match (`LazyPattern`): a document's every route is made three times (the direct
    path's, Connexion's routing, its app's), a document of 800 operations outgrows the `re`
    module's own cache of 512, and compiling Microsoft Graph's 7,400 templates took a
    second of each start."""
    import starlette.routing

    if not hasattr(starlette.routing.compile_path, "cache_info"):
        original = starlette.routing.compile_path
        routes = functools.lru_cache(maxsize=16_384)(partial(lazily_compiled_path, original))
        routes.original = original  # type: ignore[attr-defined]
        starlette.routing.compile_path = routes


def lazily_compiled_path(
    compile_path: Callable[[str], tuple[Any, str, dict[str, Any]]], template: str
) -> tuple[Any, str, dict[str, Any]]:
    """`compile_path(template)`, its expression (written as Starlette writes it, with the
    convertors registered now) a `LazyPattern`; a host's, or a template Starlette refuses,
    as Starlette reads it."""
    from starlette.convertors import CONVERTOR_TYPES
    from starlette.routing import PARAM_REGEX

    found = list(PARAM_REGEX.finditer(template))
    names = [parameter.group(1) for parameter in found]
    kinds = [(parameter.group(2) or ":str")[1:] for parameter in found]
    if (
        not template.startswith("/")
        or len(set(names)) < len(names)
        or any(kind not in CONVERTOR_TYPES for kind in kinds)
    ):
        return compile_path(template)
    convertors = {name: CONVERTOR_TYPES[kind] for name, kind in zip(names, kinds, strict=True)}
    source, path_format, done = "^", "", 0
    for parameter, name in zip(found, names, strict=True):
        text = template[done : parameter.start()]
        source += f"{re.escape(text)}(?P<{name}>{convertors[name].regex})"
        path_format += f"{text}{{{name}}}"
        done = parameter.end()
    source += re.escape(template[done:]) + "$"
    path_format += template[done:]
    prefix = template[: found[0].start()] if found else template
    return LazyPattern(source, prefix), path_format, convertors


class LazyPattern:
    """A route's expression, compiled at its first use; until then a path that does not
    begin with the template's text before its first parameter (the expression's literal
    start, after its `^`) matches nothing, without compiling."""

    __slots__ = ("_compiled", "_prefix", "_source")

    def __init__(self, source: str, prefix: str) -> None:
        self._source = source
        self._prefix = prefix
        self._compiled: re.Pattern[str] | None = None

    def _regex(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self._source)
        return self._compiled

    def match(self, string: str, *where: int) -> re.Match[str] | None:
        if not where and not string.startswith(self._prefix):
            return None
        return self._regex().match(string, *where)

    def fullmatch(self, string: str, *where: int) -> re.Match[str] | None:
        if not where and not string.startswith(self._prefix):
            return None
        return self._regex().fullmatch(string, *where)

    def __getattr__(self, name: str) -> Any:  # `pattern`, `groupindex`, `search`, ...
        if name.startswith("_"):  # a slot not set yet (a copy being made): not the pattern's
            raise AttributeError(name)
        return getattr(self._regex(), name)


def build_at_once(app: AsyncApp) -> None:
    """Connexion's middleware stack (each layer's routes and validators for every operation)
    built now, not at the server's first event: before it says it is ready, and while a
    large document's check may still go on (Microsoft Graph's stack takes a second)."""
    middleware = app.middleware
    if middleware.middleware_stack is None:
        middleware.app, middleware.middleware_stack = middleware._build_middleware_stack()


def compiled_path(template: str) -> tuple[Any, str, dict[str, Any]]:
    """`compile_path` as the routes have it (`compile_paths_once`)."""
    import starlette.routing

    return starlette.routing.compile_path(template)


def middlewares(private_prefix: str) -> list[Any]:
    """Connexion's middlewares, its routing replaced by `TextRouting` (which leaves the paths
    under `private_prefix`, the control routes', to the app), and each layer that looks
    operations up by operationId making them on demand (`on_demand`). Those are subclasses:
    `add_middleware`'s positions before security, validation or context do not find them
    (this server adds its own before the Swagger UI only)."""
    routing = partial(TextRouting, private_prefix=private_prefix)
    return [
        routing
        if layer is RoutingMiddleware
        else on_demand(layer)
        if isinstance(layer, type) and issubclass(layer, RoutedMiddleware)
        else layer
        for layer in ConnexionMiddleware.default_middlewares
    ]


def operation_key(api: Any, path: str, method: str) -> str | None:
    """The operationId under which Connexion's layers keep `method path` (its resolver's
    `resolve_operation_id`), read from the document without making the operation."""
    operation = unresolved_operation(api.specification, path, method)
    controller = (
        "x-swagger-router-controller"
        if isinstance(api.specification, Swagger2Specification)
        else "x-openapi-router-controller"
    )
    named = SimpleNamespace(
        method=method,
        path=path,
        operation_id=operation.get("operationId"),
        router_controller=operation.get(controller),
    )
    return api.resolver.resolve_operation_id(named)


class OperationsOnDemand(Mapping[str | None, Any]):
    """A layer's operations by operationId, each made at its first lookup: Connexion makes
    every operation in each of its layers at start (68,000 objects for Microsoft Graph's
    11,400 operations, a second of its start), where a run of the mock meets a few."""

    def __init__(
        self,
        make: Callable[[str, str], Any],
        places: dict[str | None, Place],
        fallback: Callable[[], Any] | None = None,
    ) -> None:
        self._make, self._places, self._fallback = make, places, fallback
        self._made: dict[str | None, Any] = {}

    def __getitem__(self, operation_id: str | None) -> Any:
        try:
            return self._made[operation_id]
        except KeyError:
            pass
        place = self._places.get(operation_id)
        if place is None:
            if self._fallback is None:
                raise KeyError(operation_id)
            return self._fallback()
        try:
            made = self._make(*place)
        except ResolverError:  # as Connexion's `RoutedAPI.add_paths`: a layer without it
            raise KeyError(operation_id) from None
        except KeyError as error:  # not "no such operation", which Connexion reads a KeyError as
            raise RuntimeError(f"operation {operation_id!r} cannot be made: {error!r}") from error
        self._made[operation_id] = made
        return made

    def __iter__(self) -> Iterator[str | None]:
        return iter(self._places)

    def __len__(self) -> int:
        return len(self._places)


class OnDemandAPI(RoutedAPI[Any]):
    """A routed layer's API whose operations are made on demand (`OperationsOnDemand`)."""

    def add_paths(self) -> None:
        places = operation_places(self)
        fallback = (
            self.operations.default_factory if isinstance(self.operations, defaultdict) else None
        )
        self.operations = OperationsOnDemand(self._made, places, fallback)

    def _made(self, path: str, method: str) -> Any:
        operation = self.specification.operation_cls.from_spec(
            self.specification,
            path=path,
            method=method,
            resolver=self.resolver,
            uri_parser_class=self.uri_parser_class,
        )
        return self.make_operation(operation)


@dataclass(slots=True)
class _Keys:
    specification: weakref.ref[Any]
    resolver: weakref.ref[Any]
    keys: dict[Place, str | None]
    places: dict[str | None, Place] | None = None


_keys: list[_Keys] = []
"""The last specification's operationIds, by resolver (`operation_keys`), held by weak
references: an app that is gone keeps nothing alive."""


def _known_keys(api: Any) -> _Keys:
    for known in _keys:
        if known.specification() is api.specification and known.resolver() is api.resolver:
            return known
    keys = {
        (path, method): operation_key(api, path, method)
        for path, methods in api.specification.get("paths", {}).items()
        for method in methods
        if method in METHODS
    }
    # A resolver that can say it has a handler without making it (`handlers.Handlers`) is
    # asked so: making all of Microsoft Graph's beta handlers took a quarter of its start.
    knows = getattr(getattr(api.resolver, "function_resolver", None), "knows", None)
    for operation_id in set(keys.values()):
        if knows is not None and operation_id is not None:
            if not knows(operation_id):
                raise KeyError(operation_id)
            continue
        with contextlib.suppress(ResolverError):  # a layer without it, as in Connexion's
            api.resolver.resolve_function_from_operation_id(operation_id)
    known = _Keys(weakref.ref(api.specification), weakref.ref(api.resolver), keys)
    _keys[:] = [known]
    return known


def operation_keys(api: Any) -> dict[Place, str | None]:
    """The operationId each operation is kept under in Connexion's layers, read once for
    the routing and all five layers of one specification. Each one's handler is resolved
    now, as Connexion's making every operation at start did: one the resolver cannot find
    refuses the start, not each request."""
    return _known_keys(api).keys


def operation_places(api: Any) -> dict[str | None, Place]:
    """Each operation's place by the operationId `api`'s layers keep it under (the last
    one's, where two share an id, as Connexion's own table keeps); read once, as the keys."""
    known = _known_keys(api)
    if known.places is None:
        known.places = {key: place for place, key in known.keys.items()}
    return known.places


@functools.cache
def on_demand(layer: type[RoutedMiddleware]) -> type[RoutedMiddleware]:
    """`layer` with its API's operations made on demand (`OnDemandAPI`)."""
    api = type(layer.api_cls.__name__, (OnDemandAPI, layer.api_cls), {})
    return type(layer.__name__, (layer,), {"api_cls": api})


class HandlerOperation(AsyncOperation):
    """An operation whose handler is called with the security handler's `token_info` only.

    Connexion's own parameter decorator would convert every path, query and form value to a
    handler argument first, by its own rules, which fail on values our parsing accepts (object
    path parameters, JSON form fields); the handlers read what `RequestParameters` and the body
    validators left in the request state instead."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        connexion_context = scope.get("extensions", {}).get("connexion_context", {})
        response = await self._fn(token_info=connexion_context.get("token_info"))
        await response(scope, receive, send)


class HandlerApi(OnDemandAPI, AsyncApi):
    def make_operation(self, operation: Any) -> AsyncOperation:
        return HandlerOperation(
            operation.function,
            jsonifier=self.jsonifier,
            operation_id=operation.operation_id,
            pythonic_params=self.pythonic_params,
        )


_string_keyed: ContextVar[Any] = ContextVar("string_keyed", default=None)


@contextlib.contextmanager
def string_keyed(document: Any) -> Iterator[None]:
    """While Connexion reads `document` (None: none), it is known to have only string keys
    (its reading found so, and what is added since adds none other): not looked over again
    (0.05 s of Microsoft Graph's start)."""
    token = _string_keyed.set(document)
    try:
        yield
    finally:
        _string_keyed.reset(token)


def only_string_keys(document: Any) -> bool:
    """Whether every key in `document` is a string (orjson writes out no other: quicker than
    a walk in Python). An integer past 64 bits, which orjson cannot write, reads as no."""
    try:
        orjson.dumps(document)
    except TypeError:
        return False
    return True


def specification_from_dict(cls: Any, spec: Any, *, base_uri: str = "") -> Any:
    """Connexion's `Specification.from_dict`, without its walk that makes every key a string
    where they are (a JSON document, a cached one): the walk copies every node, a tenth of a
    second of a large document's start."""
    if spec is _string_keyed.get() or only_string_keys(spec):
        spec = dict(spec)  # (the Specification copies it; its defaults go in at the top)
    else:  # a key that is not a string (YAML's `200:`): Connexion's own rule

        def enforce_string_keys(node: Any) -> Any:
            if isinstance(node, dict):
                return {str(k): enforce_string_keys(v) for k, v in node.items()}
            return node

        spec = enforce_string_keys(spec)
    if cls._get_spec_version(spec) < (3, 0, 0):
        return Swagger2Specification(spec, base_uri=base_uri)
    return OpenAPISpecification(spec, base_uri=base_uri)


def resolve_refs(spec: Any, store: Any = None, base_uri: str = "") -> Any:
    """Connexion's `json_schema.resolve_refs` for a bundled document: the document with every
    local `$ref` put in place, where a `$ref` that is not a string is a property's name
    (Kubernetes' `JSONSchemaProps` has one), not a reference, and nothing is fetched from
    elsewhere (the document is one file by now).

    What Connexion reads of the document as a whole (its security, servers, security
    schemes) is resolved at once; an operation, or a path's parameters, with all they reach,
    when first read (`PathItem`): Connexion's layers make an operation only when a request
    needs it (`OperationsOnDemand`), and resolving all of Microsoft Graph took half a second
    of its start. What is resolved is a copy (`RefWalk`); the document itself is never
    written, so nothing else is copied (a copy of Graph's took a fifth of a second)."""
    walk = RefWalk(spec)
    resolved = {
        key: walk(value) if key not in ("paths", "components") else value
        for key, value in spec.items()
    }
    components = spec.get("components")
    if isinstance(components, dict) and isinstance(components.get("securitySchemes"), dict):
        resolved["components"] = {
            **components,
            "securitySchemes": walk(components["securitySchemes"]),
        }
    paths = spec.get("paths")
    if isinstance(paths, dict):
        resolved["paths"] = {
            path: PathItem(walk.own(item), walk) if isinstance(item, dict) else item
            for path, item in paths.items()
        }
    return resolved


class RefWalk:
    """A document's nodes with their local `$ref`s put in place, as copies: each node with a
    reference takes the keys of the node it names (after its own), and every node is copied
    once, however many references reach it (schemas that name themselves too: the copy names
    itself). The document is only read."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.made: dict[int, Any] = {}
        """The copy of each node walked, by the node's id (the document keeps them alive)."""

    def __call__(self, node: Any) -> Any:
        """`node`, and all it reaches, resolved (a copy; a scalar as it is)."""
        if not isinstance(node, (dict, list)):
            return node
        made = self.made.get(id(node))
        if made is not None:
            return made
        if isinstance(node, list):
            items: list[Any] = []
            self.made[id(node)] = self.made[id(items)] = items  # a copy walked is itself
            items.extend(self(item) for item in node)
            return items
        copy: dict[str, Any] = {}
        self.made[id(node)] = self.made[id(copy)] = copy
        for key, value in self.own(node).items():
            copy[key] = self(value)
        return copy

    def own(self, node: dict[str, Any]) -> dict[str, Any]:
        """`node` with its own reference put in place, through a chain of them (its keys, not
        yet walked); one that leads nowhere, elsewhere or round in a circle left for the
        validators to refuse."""
        merged = node
        followed: set[str] = set()
        while True:
            reference = merged.get("$ref")
            if not isinstance(reference, str) or not reference.startswith("#/"):
                return merged
            if reference in followed:
                return merged
            followed.add(reference)
            try:
                retrieved = deep_get(self.document, reference[2:].split("/"))
            except (KeyError, IndexError, ValueError, TypeError):
                return merged
            if not isinstance(retrieved, Mapping):  # a list, a value: no object to stand for
                return merged
            merged = {key: value for key, value in merged.items() if key != "$ref"}
            merged.update(retrieved)


class PathItem(dict[str, Any]):
    """A path item whose operations and parameters are resolved (`RefWalk`) when read by key,
    as Connexion reads them (`get_operation`, `get_path_params`); iterating it gives them as
    they are."""

    __slots__ = ("_read", "_walk")

    def __init__(self, item: dict[str, Any], walk: RefWalk) -> None:
        super().__init__(item)
        self._walk = walk
        self._read: set[str] = set()
        """The keys read (resolved) already."""

    def __getitem__(self, key: str) -> Any:
        value = super().__getitem__(key)
        if key in self._read or not isinstance(value, (dict, list)):
            return value
        resolved = self._walk(value)
        # Its own top and `parameters` list: Connexion adds a path's parameters to an
        # operation's list in place, and what the walk resolved once is shared (an operation
        # named twice through a YAML alias took the other's path parameters).
        if isinstance(resolved, dict):
            resolved = dict(resolved)
            if isinstance(resolved.get("parameters"), list):
                resolved["parameters"] = list(resolved["parameters"])
        elif isinstance(resolved, list):
            resolved = list(resolved)
        super().__setitem__(key, resolved)
        self._read.add(key)
        return resolved

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        try:
            return self[key]
        except KeyError:
            return default


# Connexion writes `/openapi.yaml` with a dumper of SafeDumper's: a path item is a mapping.
yaml.SafeDumper.add_representer(PathItem, yaml.representer.SafeRepresenter.represent_dict)


def unresolved_operation(specification: Any, path: str, method: str) -> dict[str, Any]:
    """The operation `method path` as the document writes it: read without resolving it."""
    item = specification.spec["paths"][path]
    return dict.__getitem__(item, method)
