"""What each operation a resource serves answers: from the caller, the parsed parameters and
the parsed body to a status and JSON bytes.

The request has been authenticated and validated before an action runs; an action only calls
its resource. Both ways in share these actions, so they answer alike: Connexion's handlers
(`server/handlers.py`) and the direct path (`server/direct.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, replace
from typing import Any

from specdouble import errors
from specdouble.document.openapi import Operation, OperationTable, resolve, success_codes
from specdouble.rest.auth import Principal
from specdouble.rest.rendering import Renderer, encode
from specdouble.rest.resource import Resource, operation_names, unasked
from specdouble.rest.responder import Prefer, Responder
from specdouble.rest.responder import encode as encode_as

JSON = "application/json"
Params = Mapping[str, Any]
Body = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: bytes | None
    """JSON, or None for no content."""
    media_type: str = JSON
    """The JSON media type the operation documents (`application/scim+json`, ...)."""


Respond = Callable[[Principal, str, Params, Body], Answer]


@dataclass(frozen=True, slots=True)
class Action:
    """One operation served by a resource."""

    operation: Operation
    respond: Respond
    key_parameter: str | None
    """The path parameter that names the item (None for the collection's operations)."""
    media_type: str = JSON
    elsewhere: frozenset[int] = frozenset()
    """Success statuses the operation documents in no JSON media type, only another
    (`text/plain`): answered after the write as the responder answers them."""
    responder: Responder | None = None

    def __call__(self, principal: Principal, params: Params, body: Body) -> Answer:
        key = str(params.get(self.key_parameter, "")) if self.key_parameter else ""
        answer = self.respond(principal, key, params, body)
        if answer.status in self.elsewhere and self.responder is not None:
            made = self.responder.answer(self.operation, Prefer(code=answer.status))
            media_type = made.media_type or JSON
            content = None if made.body is None else encode_as(made.body, media_type)
            return Answer(made.status, content, media_type)
        return answer if self.media_type == JSON else replace(answer, media_type=self.media_type)


def documented_elsewhere(document: Mapping[str, Any], operation: Operation) -> frozenset[int]:
    """`Action.elsewhere` of one operation: its success statuses with content, none of it JSON."""
    responses = operation.definition.get("responses") or {}
    found = set()
    for code in success_codes(responses):
        content = resolve(document, responses[code]).get("content") or {}
        if code.isdigit() and content and not any("json" in k.lower() for k in content):
            found.add(int(code))
    return frozenset(found)


def json_media_type(document: Mapping[str, Any], operation: Operation) -> str:
    """The JSON media type an operation documents for its success (`application/json` where it
    names none, or only another kind)."""
    responses = {
        str(code): answer for code, answer in operation.definition.get("responses", {}).items()
    }
    for code in success_codes(responses):
        content = resolve(document, responses[code]).get("content")
        for kind in content or {}:
            if "json" in kind.lower() and "*" not in kind:
                return kind.split(";", 1)[0].strip()
    return JSON


def success_status(definition: Mapping[str, Any], default: int) -> int:
    """The status an operation (its definition) documents for success: its lowest 2xx (DRF's
    by default)."""
    codes = success_codes(definition.get("responses", {}))
    return next((int(code) for code in codes if code.isdigit()), default)


DEFAULT_STATUSES = {
    "list": 200,
    "create": 201,
    "retrieve": 200,
    "update": 200,
    "partial_update": 200,
    "destroy": 204,
}
NO_CONTENT = 204


def responses(resource: Resource, statuses: Mapping[str, int]) -> dict[str, Respond]:
    """Each resource method by the name `operation_names` gives it; `statuses`: the success
    status of each action, where its operation documents another than DRF's."""
    render = Renderer(resource)
    status = {**DEFAULT_STATUSES, **statuses}
    plain = resource.spec.listing is not None

    def list_(principal: Principal, _key: str, params: Params, _body: Body) -> Answer:
        asked = unasked(resource.spec, params)
        if plain:
            return Answer(status["list"], render.listed(*resource.listed(principal, params), asked))
        return Answer(200, render.page(resource.page(principal, params), asked))

    def written(code: int, record: Mapping[str, Any]) -> Answer:
        """A write's answer: the object, unless the operation documents no content."""
        return Answer(code, None if code == NO_CONTENT else encode(record))

    def sent(body: Body) -> Mapping[str, Any]:
        """A write's fields: a body that may be absent or null (a create of nothing but
        defaults) is none; one in the item's envelope (Asana's `{data: {...}}`) is its inside."""
        fields = body if isinstance(body, Mapping) else {}
        slot = resource.spec.envelope
        inside = fields.get(slot) if slot is not None and len(fields) == 1 else None
        return inside if isinstance(inside, Mapping) else fields

    def as_sent(
        body: Body, write: Callable[[Mapping[str, Any]], Mapping[str, Any]]
    ) -> Mapping[str, Any]:
        """`write` of the body's fields, each named in another case only (`aliases`) as the
        object names it; a refusal names those as the body did."""
        fields = sent(body)
        renamed = {resource.spec.aliases[n]: n for n in fields if n in resource.spec.aliases}
        if not renamed:
            return write(fields)
        try:
            return write({resource.spec.aliases.get(n, n): value for n, value in fields.items()})
        except errors.ValidationFailed as refusal:
            if renamed.keys().isdisjoint(refusal.errors):
                raise
            named = {renamed.get(name, name): detail for name, detail in refusal.errors.items()}
            raise errors.ValidationFailed(named) from refusal

    def create(principal: Principal, _key: str, _params: Params, body: Body) -> Answer:
        made = as_sent(body, lambda fields: resource.create(fields, principal))
        return written(status["create"], made)

    def retrieve(principal: Principal, key: str, params: Params, _body: Body) -> Answer:
        record = resource.get(principal, key)
        asked = unasked(resource.spec, params)
        return Answer(status["retrieve"], render.answer("retrieve", record, asked))

    def update(principal: Principal, key: str, _params: Params, body: Body) -> Answer:
        changed = as_sent(body, lambda fields: resource.update(principal, key, fields))
        return written(status["update"], changed)

    def partial_update(principal: Principal, key: str, _params: Params, body: Body) -> Answer:
        changed = as_sent(body, lambda fields: resource.update(principal, key, fields))
        return written(status["partial_update"], changed)

    def destroy(principal: Principal, key: str, _params: Params, _body: Body) -> Answer:
        schemas = resource.spec.response_schemas
        bodyless = status["destroy"] == 204 or not plain or schemas.get("destroy", {}) is None
        removed = None if bodyless else resource.answer("destroy", resource.get(principal, key))
        resource.destroy(principal, key)
        if removed is None:
            return Answer(status["destroy"], None)
        return Answer(status["destroy"], encode(removed))  # the removed object, as documented

    def used_by(principal: Principal, key: str, _params: Params, _body: Body) -> Answer:
        return Answer(200, encode(resource.used_by(principal, key)))

    return {
        "list": list_,
        "create": create,
        "retrieve": retrieve,
        "update": update,
        "partial_update": partial_update,
        "destroy": destroy,
        "used_by": used_by,
    }


class Actions(MutableMapping[str, Action]):
    """operationId -> action, for every operation of the document that a resource serves
    (the last resource's, where two name one), each made when first asked for: Microsoft
    Graph's beta document has 12,000 of them, and a run meets a few. Actions set here (the
    profile's answers and audits) take the place of a resource's."""

    def __init__(
        self,
        resources: Iterable[Resource],
        operations: OperationTable,
        document: Mapping[str, Any] | None = None,
        responder: Responder | None = None,
    ) -> None:
        self._operations, self._document, self._responder = operations, document or {}, responder
        self._served: dict[str, tuple[Resource, str]] = {}
        for resource in resources:
            for operation_id, name in operation_names(resource.spec).items():
                if operation_id in operations:
                    self._served[operation_id] = (resource, name)
        self._made: dict[str, Action] = {}
        self._answers: dict[int, dict[str, Respond]] = {}  # by resource (its `id`)

    def __getitem__(self, operation_id: str) -> Action:
        made = self._made.get(operation_id)
        if made is None:
            resource, name = self._served[operation_id]  # KeyError: no resource serves it
            made = self._made[operation_id] = self._action(resource, name, operation_id)
        return made

    def __setitem__(self, operation_id: str, action: Action) -> None:
        self._made[operation_id] = action
        self._served.pop(operation_id, None)

    def __delitem__(self, operation_id: str) -> None:
        if operation_id not in self:
            raise KeyError(operation_id)
        self._made.pop(operation_id, None)
        self._served.pop(operation_id, None)

    def __contains__(self, operation_id: object) -> bool:
        return operation_id in self._made or operation_id in self._served

    def __iter__(self) -> Iterator[str]:
        # A list, as a dict's keys are met: an action set while they are walked is no error.
        return iter([*self._made, *(key for key in self._served if key not in self._made)])

    def get(self, operation_id: str, default: Action | None = None) -> Action | None:  # type: ignore[override]
        # Not `Mapping.get`, which would read a failure to make an action as "none served".
        if operation_id not in self:
            return default
        return self[operation_id]

    def __len__(self) -> int:
        return len(self._made.keys() | self._served.keys())

    def _action(self, resource: Resource, name: str, operation_id: str) -> Action:
        operation, document = self._operations[operation_id], self._document
        respond = self._responses(resource)[name]
        if name == "list" and resource.spec.listing is not None:
            respond = unasked_filters(respond, filter_defaults(document, operation, resource))
        path = [p["name"] for p in operation.parameters if p["in"] == "path"]
        return Action(
            operation,
            respond,
            path[-1] if path else None,
            json_media_type(document, operation),
            documented_elsewhere(document, operation),
            self._responder,
        )

    def _responses(self, resource: Resource) -> dict[str, Respond]:
        """`responses` of a resource, made once, with the success statuses its operations
        document."""
        made = self._answers.get(id(resource))
        if made is None:
            statuses = {
                name: success_status(
                    self._operations.definition(operation_id), DEFAULT_STATUSES.get(name, 200)
                )
                for operation_id, name in operation_names(resource.spec).items()
                if operation_id in self._operations and name in DEFAULT_STATUSES
            }
            made = self._answers[id(resource)] = responses(resource, statuses)
        return made


def filter_defaults(
    document: Mapping[str, Any], operation: Operation, resource: Resource
) -> dict[str, Any]:
    """What a plain document's list operation filters by unasked: each of its query
    parameters that filters the resource's objects and documents a `default` (OpenAPI: the
    value the server assumes where none is sent). GitHub's issues list the open ones unless
    `state` says otherwise; Petstore's `findByStatus`, the available pets. DRF's filters
    (django-filter) read only what is sent: its documents' lists are not read here."""
    defaults: dict[str, Any] = {}
    for parameter in operation.parameters:
        name = parameter.get("name")
        if parameter.get("in") != "query" or name not in resource.spec.filterable:
            continue
        schema = resolve(document, parameter.get("schema") or {})
        # A null default is no value to filter by (the parameter is sent or it is not).
        if isinstance(schema, Mapping) and schema.get("default") is not None:
            defaults[name] = schema["default"]
    return defaults


def unasked_filters(respond: Respond, defaults: Mapping[str, Any]) -> Respond:
    """`respond`, with `defaults` for the filters a request does not send."""
    if not defaults:
        return respond

    def answer(principal: Principal, key: str, params: Params, body: Body) -> Answer:
        return respond(principal, key, {**defaults, **params}, body)

    return answer


def answering(
    table: Mapping[str, Respond],
    operations: Mapping[str, Operation],
    taken: Mapping[str, Action],
    replacing: frozenset[str] = frozenset(),
) -> dict[str, Action]:
    """Actions for the operations (by operationId) a resource does not serve but `table`
    answers (the server's own state: the current user, the version, ...), and for those
    `replacing` names, which a resource serves with a made-up answer where the table knows
    the true one (a token's key)."""
    made: dict[str, Action] = {}
    for operation_id, respond in table.items():
        free = operation_id not in taken or operation_id in replacing
        if operation_id in operations and free:
            operation = operations[operation_id]
            path = [p["name"] for p in operation.parameters if p.get("in") == "path"]
            made[operation_id] = Action(operation, respond, path[0] if path else None)
    return made
