"""Whether one exchange keeps the document: the request as the mock itself would read it (its
parameters and body, in the document's dialect), the answer by the contract tester's checks
(Schemathesis' own, and those of `contract/checks.py` that need no second request).

Each problem is a `Violation`: which side broke the document, the check, and a message."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from specdouble import errors
from specdouble.document import openapi
from specdouble.rest.dialect import Dialect
from specdouble.rest.validation import validate_request_body
from specdouble.server.connexion_hooks import RequestParameters, parse_json

REQUEST, RESPONSE = "request", "response"
UNDOCUMENTED = "undocumented_operation"
PATH_KEY = "path: a path parameter that no object can have (the server answers 404)"
JSON_TYPES = ("application/json", "+json")
# Checks that send requests of their own (follow-ups) or judge generated data: a proxy sends
# nothing but what its clients send.
RESPONSE_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "pagination_arithmetic",
    "results_match_filters",
    "results_follow_ordering",
    "results_match_search",
)


@dataclass(frozen=True, slots=True)
class Violation:
    side: str
    """`request` (the client broke the document) or `response` (the server did)."""
    check: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {"side": self.side, "check": self.check, "message": self.message}


@dataclass(frozen=True, slots=True)
class Route:
    """The document's operation for a request, and the values of its path parameters."""

    operation: openapi.Operation
    path_parameters: dict[str, str]


class Routes:
    """`(method, URL path) -> Route`, the document's paths in its order, as
    `openapi.operation_finder` takes them (the proxy orders them as the mock serves them:
    literal segments first)."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.base = openapi.base_path(document)
        self.table: list[tuple[re.Pattern[str], str, dict[str, openapi.Operation]]] = []
        by_path: dict[str, dict[str, openapi.Operation]] = {}
        for operation in openapi.operations(document):
            by_path.setdefault(operation.path, {})[operation.method.upper()] = operation
        for path in by_path:
            pattern = re.sub(r"\\\{([^}]+)\\\}", _group, re.escape(path))
            self.table.append((re.compile(f"^{pattern}$"), path, by_path[path]))
        self._names = {
            path: [name for name in re.findall(r"\{([^}]+)\}", path)] for path in by_path
        }

    def relative(self, url_path: str) -> str | None:
        """The path below the document's base path (None: not under it)."""
        if not self.base:
            return url_path
        if url_path == self.base or url_path.startswith(self.base + "/"):
            return url_path[len(self.base) :] or "/"
        return None

    def find(self, method: str, url_path: str) -> Route | None:
        relative = self.relative(url_path)
        if relative is None:
            return None
        wanted = method.upper()
        for pattern, path, by_method in self.table:
            matched = pattern.match(relative)
            if not matched:
                continue
            operation = by_method.get(wanted) or (
                by_method.get("GET") if wanted == "HEAD" else None
            )
            if operation is None:
                continue
            names = self._names[path]
            values = dict(zip(names, matched.groups(), strict=True))
            return Route(operation, values)
        return None


def _group(_match: re.Match[str]) -> str:
    return "([^/]+)"


class Conformance:
    """The checks for one document."""

    def __init__(self, document: Mapping[str, Any], dialect: Dialect) -> None:
        self.document = document
        self.dialect = dialect
        self.routes = Routes(document)
        self._parameters: dict[str, RequestParameters] = {}
        # Made once, before any request (answers are checked in worker threads).
        import schemathesis
        from schemathesis.checks import CHECKS, load_all_checks

        import specdouble.contract.checks  # noqa: F401 (registers the contract's checks)

        load_all_checks()
        self._schema = schemathesis.openapi.from_dict(dict(document))
        known = set(CHECKS.get_all_names())
        self._checks = [(name, CHECKS.get_one(name)) for name in RESPONSE_CHECKS if name in known]

    def request(
        self,
        method: str,
        url_path: str,
        query_string: bytes,
        headers: Mapping[str, str],
        body: bytes,
    ) -> tuple[Route | None, list[Violation], errors.ApiError | None]:
        """The route, what the request breaks, and the refusal the mock would answer."""
        if self.routes.relative(url_path) is None:
            return None, [], None  # not the document's: a page, a static file, a redirect
        route = self.routes.find(method, url_path)
        if route is None:
            failure = errors.NotFound(errors.ROUTE_NOT_FOUND)
            message = f"{method} {url_path}: no operation of the document"
            return None, [Violation(REQUEST, UNDOCUMENTED, message)], failure
        operation = route.operation
        parameters = self._parameters.get(operation.operation_id)
        if parameters is None:
            parameters = RequestParameters(
                self.document, operation.parameters, dialect=self.dialect
            )
            self._parameters[operation.operation_id] = parameters
        fields: dict[str, Any] = {}
        routed = {name.replace("-", "_"): value for name, value in route.path_parameters.items()}
        try:
            parameters.parse(query_string, routed, headers)
        except errors.ValidationFailed as failure:
            fields.update(failure.errors)
        except errors.NotFound as failure:
            return route, [Violation(REQUEST, "request_conformance", PATH_KEY)], failure
        found = _messages(fields)
        body_failure = self._body(operation, headers.get("content-type", ""), body)
        refusal: errors.ApiError | None = errors.ValidationFailed(fields) if fields else None
        if isinstance(body_failure, errors.ValidationFailed):
            found.update(_messages(body_failure.errors, prefix="body"))
            refusal = errors.ValidationFailed({**body_failure.errors, **fields})
        elif body_failure is not None:
            found["body"] = [_said(body_failure)]
            refusal = refusal or body_failure
        violations = [
            Violation(REQUEST, "request_conformance", f"{where}: {' '.join(messages)}")
            for where, messages in found.items()
        ]
        return route, violations, refusal

    def _body(
        self, operation: openapi.Operation, content_type: str, body: bytes
    ) -> errors.ApiError | None:
        """What the mock would refuse the body with (None: it is fine)."""
        request_body = openapi.resolve(self.document, operation.definition.get("requestBody") or {})
        content = request_body.get("content") or {}
        media_type = content_type.split(";")[0].strip().lower()
        sent = bool(body.strip())
        if not content or (sent and not any(part in media_type for part in JSON_TYPES)):
            if sent and content and not any(_fits(media_type, known) for known in content):
                detail = errors.UNSUPPORTED_MEDIA_TYPE_TEMPLATE.format(media_type=media_type)
                return errors.UnsupportedMediaType(detail)
            return None
        schema = openapi.json_body_schema(self.document, operation)
        if schema is None:
            return None
        try:
            parsed = parse_json(body, exact=self.dialect.exact_json)
            validate_request_body(
                self.document,
                schema,
                parsed,
                dialect=self.dialect,
                sent=sent,
                required=bool(request_body.get("required")),
            )
        except errors.ApiError as failure:
            return failure
        return None

    def response(
        self,
        route: Route,
        method: str,
        query_string: bytes,
        request_headers: Mapping[str, str],
        answer: Any,
    ) -> list[Violation]:
        """What the answer (an `httpx.Response`) breaks, by Schemathesis' checks and ours, each
        named by the check that found it."""
        from schemathesis.core.failures import FailureGroup

        try:
            operation = self._schema[route.operation.path][method.lower()]
        except (KeyError, LookupError, ValueError):  # one Schemathesis cannot read: unchecked
            return []
        case = operation.Case(
            path_parameters=route.path_parameters,
            query=dict(parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)),
            headers=dict(request_headers),
        )
        found: list[Violation] = []
        for name, check in self._checks:
            try:
                case.validate_response(answer, checks=[check])
            except FailureGroup as group:
                found += [_violation(name, failure) for failure in group.exceptions]
            except AssertionError as failure:
                found.append(_violation(name, failure))
        return found


def _said(failure: errors.ApiError) -> str:
    body = failure.body()
    return str(body.get("detail", body)) if isinstance(body, Mapping) else str(body)


def _fits(media_type: str, documented: str) -> bool:
    kind, _, sub = documented.partition("/")
    given_kind, _, given_sub = media_type.partition("/")
    return (kind in ("*", given_kind)) and (sub in ("*", given_sub))


def _messages(found: Mapping[str, Any], prefix: str = "") -> dict[str, list[str]]:
    """Field errors (DRF's nested ones flattened) as `where -> messages`."""
    flat: dict[str, list[str]] = {}

    def walk(where: str, value: Any) -> None:
        if isinstance(value, Mapping):
            for name, inner in value.items():
                walk(f"{where}.{name}" if where else str(name), inner)
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            flat.setdefault(where or "body", []).extend(value)
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(f"{where}[{index}]", inner)
        else:
            flat.setdefault(where or "body", []).append(str(value))

    walk(prefix, found)
    return flat


def _violation(check: str, failure: Any) -> Violation:
    title = getattr(failure, "title", "") or type(failure).__name__
    message = getattr(failure, "message", "") or str(failure)
    return Violation(RESPONSE, check, f"{title}: {message}".strip())
