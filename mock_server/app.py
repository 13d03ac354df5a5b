"""Assembling the server: the document, the data, and Connexion's pipeline around the handlers.

A request flows: CORS -> `middleware.py` -> Connexion's routing -> security
(`hooks.BearerTokens`) -> parameter and body validation (`hooks`) -> handler (`handlers`) ->
resource -> JSON. Every exception on the way is answered in one place, `ErrorAnswers`, with the
body the contract defines.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from connexion import AsyncApp
from connexion.exceptions import ProblemException, UnsupportedMediaTypeProblem
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.middleware import MiddlewarePosition
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware

from mock_server import auth, control, errors, fixtures, handlers, hooks, spec
from mock_server.generate import generate
from mock_server.middleware import IgnoreContentTypeWithoutBody
from mock_server.resource import Resource, operation_names
from mock_server.resources import RESOURCES
from mock_server.settings import DEFAULT_COUNT, DEFAULT_SEED, TOKENS_FILE, Settings
from mock_server.store import Dataset, Store

logger = logging.getLogger("mock_server")


def load_dataset(settings: Settings, document: dict[str, Any]) -> Dataset:
    if settings.generates:
        seed = DEFAULT_SEED if settings.seed is None else settings.seed
        count = DEFAULT_COUNT if settings.count is None else settings.count
        return generate(document, seed=seed, count=count)
    return fixtures.load_dataset(settings.fixtures)


def create_app(settings: Settings) -> AsyncApp:
    document = spec.load_checked(settings.spec)
    tokens = auth.load_tokens(settings.fixtures / TOKENS_FILE)
    store = Store(load_dataset(settings, document), seed=settings.id_seed)
    operations = list(spec.operations(document))
    served = {operation.operation_id for operation in operations}
    path_parameters = {
        operation.operation_id: [p["name"] for p in operation.parameters if p["in"] == "path"]
        for operation in operations
    }
    resources = [
        Resource(resource_spec, store)
        for resource_spec in RESOURCES
        if served & set(operation_names(resource_spec))
    ]

    app = AsyncApp(
        __name__,
        resolver=Resolver(handlers.resolver(resources, path_parameters)),
        validator_map=hooks.validator_map(document),
        security_map=hooks.security_map(tokens),
        swagger_ui_options=SwaggerUIOptions(swagger_ui=True, swagger_ui_path="/ui"),
    )
    app.add_api(document)
    answer_error = ErrorAnswers(spec.method_table(document))
    for error_class in (errors.ApiError, ProblemException, HTTPException, Exception):
        app.add_error_handler(error_class, answer_error)
    app.add_middleware(IgnoreContentTypeWithoutBody, position=MiddlewarePosition.BEFORE_ROUTING)
    app.add_middleware(
        CORSMiddleware,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        allow_origins=list(settings.cors_origins),
        allow_methods=["*"],
        allow_headers=["*"],
        expose_headers=["*"],
    )
    for path, name, endpoint, methods in control.routes(store):
        app.add_url_rule(path, name, endpoint, methods=methods)
    return app


class ErrorAnswers:
    """The one way out for errors: each exception becomes the body the contract defines."""

    def __init__(self, methods: list[tuple[re.Pattern[str], tuple[str, ...]]]) -> None:
        self.methods = methods

    def __call__(self, request: ConnexionRequest, error: Exception) -> ConnexionResponse:
        failure = self.as_api_error(request, error)
        return ConnexionResponse(
            status_code=failure.status_code,
            mimetype="application/json",
            content_type="application/json",
            body=json.dumps(failure.body()).encode(),
            headers=getattr(failure, "headers", None) or {},
        )

    def as_api_error(self, request: ConnexionRequest, error: Exception) -> errors.ApiError:
        """Connexion's and Starlette's own exceptions, translated to ours."""
        if isinstance(error, errors.ApiError):
            return error
        if isinstance(error, UnsupportedMediaTypeProblem):
            media_type = request.headers.get("content-type", "")
            return errors.UnsupportedMediaType(
                errors.UNSUPPORTED_MEDIA_TYPE_TEMPLATE.format(media_type=media_type)
            )
        if isinstance(error, HTTPException) and error.status_code == 404:
            return errors.NotFound(errors.ROUTE_NOT_FOUND)
        if isinstance(error, HTTPException) and error.status_code == 405:
            # Starlette names only the methods of the first route it matched; the document
            # knows them all.
            allowed = spec.allowed_methods(self.methods, request.url.path)
            detail = errors.METHOD_NOT_ALLOWED_TEMPLATE.format(method=request.method)
            return errors.MethodNotAllowed(detail, headers={"Allow": ", ".join(allowed)})
        if isinstance(error, ProblemException) and error.status < 500:
            failure = errors.DetailError(str(error.detail or error.title))
            failure.status_code = error.status
            return failure
        logger.error("unexpected error", exc_info=error)
        return errors.ServerError()
