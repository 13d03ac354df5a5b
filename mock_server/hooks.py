"""Connexion's extension points, filled with authentik's behaviour.

Connexion routes each request and calls these before the handler: the security handler
authenticates and authorizes, the validators parse parameters and bodies. Failures raise the
exceptions of `errors.py`; the values they parse are left in the request scope's `state` for the
handlers (`PARAMS`, `BODY`), so nothing is parsed twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Any

from connexion.datastructures import MediaTypeDict
from connexion.lifecycle import ConnexionRequest
from connexion.security import AbstractSecurityHandler
from connexion.validators import AbstractRequestBodyValidator, ParameterValidator
from starlette.datastructures import QueryParams
from starlette.types import Receive, Scope

from mock_server import auth, errors, spec
from mock_server.params import parse_parameters
from mock_server.validation import validate_body

PARAMS, BODY, PREFER, PRINCIPAL = "mock_params", "mock_body", "mock_prefer", "principal"


def state(scope: Scope) -> dict[str, Any]:
    return scope.setdefault("state", {})


class TokenSecurity(AbstractSecurityHandler):
    """A security scheme checked against `tokens.yaml`, then Django's model permissions.

    Permissions are checked here, before validation, because DRF checks them before it reads
    the request: a read-only token gets 403 for a write, even for an invalid body. Failures
    are 403, as authentik answers, unless the document speaks of 401.
    """

    def __init__(self, tokens: Mapping[str, auth.Token], failure_status: int) -> None:
        self.tokens = tokens
        self.failure_status = failure_status
        self.scheme: Mapping[str, Any] = {}

    def get_fn(self, security_scheme: Any, required_scopes: Any) -> Callable[..., Any]:
        self.scheme = security_scheme
        return self.verify

    def credentials(self, request: ConnexionRequest) -> auth.Principal:
        return auth.authenticate(
            request.headers.get("authorization"), self.tokens, datetime.now(UTC)
        )

    def verify(self, request: ConnexionRequest) -> dict[str, Any]:
        try:
            principal = self.credentials(request)
        except errors.AuthenticationFailed as failure:
            raise errors.AuthenticationFailed(
                failure.detail, status_code=self.failure_status
            ) from failure
        auth.authorize(principal, request.method)
        return {"sub": principal.user, PRINCIPAL: principal}


class BearerTokens(TokenSecurity):
    """`http` with a bearer-like scheme (`bearer`, authentik's `bearer+agent`)."""


class BasicTokens(TokenSecurity):
    """`http`/`basic`: a token's user name, and its key as the password."""

    def credentials(self, request: ConnexionRequest) -> auth.Principal:
        header = request.headers.get("authorization")
        return auth.authenticate_basic(header, self.tokens, datetime.now(UTC))


class ApiKeyTokens(TokenSecurity):
    """`apiKey` in a header, the query or a cookie: any token's key."""

    def credentials(self, request: ConnexionRequest) -> auth.Principal:
        name, where = self.scheme.get("name", ""), self.scheme.get("in", "header")
        if where == "query":
            key = request.query_params.get(name)
            key = key[-1] if isinstance(key, list) and key else key
        elif where == "cookie":
            key = request.cookies.get(name)
        else:
            key = request.headers.get(name)
        return auth.authenticate_key(key, self.tokens, datetime.now(UTC))


class Parameters(ParameterValidator):
    """Query and path parameters, parsed by `params.py` with DRF's messages."""

    def __init__(self, parameters: Any, *, document: Mapping[str, Any], **kwargs: Any) -> None:
        super().__init__(parameters, **kwargs)
        self.document = document

    def validate(self, scope: Scope) -> None:
        declared = [p for group in self.parameters.values() for p in group]
        raw = QueryParams(scope.get("query_string", b"").decode("latin-1"))
        arrays = {
            p["name"]
            for p in declared
            if p["in"] == "query"
            and spec.resolve(self.document, p.get("schema", {})).get("type") == "array"
        }
        query: dict[str, str | list[str]] = {
            name: raw.getlist(name) if name in arrays else raw[name] for name in raw
        }
        path = {k: str(v) for k, v in scope.get("path_params", {}).items()}
        parsed: dict[str, Any] = {}
        failures: dict[str, list[str]] = {}
        for location, values in (("path", path), ("query", query)):
            try:
                parsed.update(parse_parameters(self.document, declared, location, values))
            except errors.ValidationFailed as failure:
                failures.update(failure.errors)
        if failures:
            raise errors.ValidationFailed(failures)
        state(scope)[PARAMS] = parsed


def _reject_constant(name: str) -> Any:
    raise ValueError(f"Out of range float values are not JSON compliant: {name}")


class JsonBody(AbstractRequestBodyValidator):
    """A JSON body, parsed as DRF's JSONParser does and checked by `validation.py`.

    An empty body reads as `{}` (DRF's `request.data` for no content).
    """

    def __init__(self, *, document: Mapping[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.document = document

    async def wrap_receive(self, receive: Receive, *, scope: Scope) -> tuple[Receive, Scope]:
        messages = []
        more_body = True
        while more_body:
            message = await receive()
            messages.append(message)
            more_body = message.get("more_body", False)
        raw = b"".join(message.get("body", b"") for message in messages)
        state(scope)[BODY] = validate_body(self.document, self._schema, self._parse_json(raw))
        return self._insert_messages(receive, messages=messages), scope

    def _parse_json(self, raw: bytes) -> Any:
        if not raw.strip():
            return {}
        try:
            return json.loads(raw.decode(self._encoding), parse_constant=_reject_constant)
        except (ValueError, UnicodeDecodeError, LookupError) as error:
            raise errors.ParseError(errors.JSON_PARSE_TEMPLATE.format(reason=error)) from error


def validator_map(document: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "parameter": partial(Parameters, document=document),
        "body": MediaTypeDict({"*/*json": partial(JsonBody, document=document)}),
    }


def failure_status(document: Mapping[str, Any]) -> int:
    """401 where the document answers 401 anywhere; otherwise 403, as authentik does."""
    for operation in spec.operations(document):
        if "401" in {str(code) for code in operation.definition.get("responses", {})}:
            return 401
    return 403


def security_map(document: Mapping[str, Any], tokens: Mapping[str, auth.Token]) -> dict[str, Any]:
    """Every scheme of the document that carries a credential is checked against the tokens:
    `http` bearer-like schemes (`bearer`, `bearer+agent`), `basic`, and `apiKey`."""
    status = failure_status(document)
    schemes = (document.get("components") or {}).get("securitySchemes", {})
    names = {"bearer"} | {
        str(scheme.get("scheme", "")).lower()
        for scheme in schemes.values()
        if scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() != "basic"
    }
    handlers: dict[str, Any] = {name: partial(BearerTokens, tokens, status) for name in names}
    handlers["basic"] = partial(BasicTokens, tokens, status)
    handlers["apiKey"] = partial(ApiKeyTokens, tokens, status)
    return handlers
