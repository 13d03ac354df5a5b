"""authentik's transactional application create (`PUT core/transactional/applications/`), what
the interface's application wizard sends: a provider of the chosen model, an application that
uses it, and its policy bindings, made together or not at all. Each is written through its own
resource, so it is validated, filled and shown as a create of that resource would be; the
answer is authentik's `{"applied": true, "logs": []}`. A refusal names the part it is about
(`{"provider": {"name": [...]}}`), as the blueprint importer's `EntryInvalidError` does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from specdouble import errors
from specdouble.document.openapi import resolve
from specdouble.resources.authentik.blueprints import class_of
from specdouble.rest import inference
from specdouble.rest.actions import Answer, Body, Params, Respond
from specdouble.rest.auth import ADD, Principal
from specdouble.rest.resource import Resource
from specdouble.rest.validation import validate_body

OPERATION = "core_transactional_applications_update"
INVALID_MODEL = "Invalid provider model"


def answers(
    document: Mapping[str, Any],
    found: Sequence[inference.Inferred],
    resources: Sequence[Resource],
    *,
    lenient: bool,
    words: Mapping[str, str],
) -> dict[str, Respond]:
    """The transactional create, where the document has applications; `words`: the server's
    own messages (`Dialect.messages`)."""
    by_collection = {resource.spec.collection: resource for resource in resources}
    paths = {item.spec.collection: item.collection_path for item in found}
    chosen = {
        model: by_collection[spec.collection]
        for model, spec in inference.by_model(found).items()
        if spec.collection in by_collection
    }
    applications, bindings = chosen.get("Application"), chosen.get("PolicyBinding")
    if applications is None:
        return {}

    schemas: dict[str, Any] = {}

    def create_schema(resource: Resource) -> Any:
        """The request schema of the resource's create, read from the document once."""
        collection = resource.spec.collection
        if collection not in schemas:
            post = (document.get("paths", {}).get(paths.get(collection, "")) or {}).get("post")
            body = resolve(document, (post or {}).get("requestBody") or {})
            content = body.get("content", {}).get("application/json", {})
            schemas[collection] = content.get("schema") or {"type": "object"}
        return schemas[collection]

    def part(name: str, resource: Resource, body: Any, principal: Principal) -> dict[str, Any]:
        try:
            schema = create_schema(resource)
            cleaned = validate_body(document, schema, body, lenient=lenient, words=words)
            return resource.create(cleaned, principal)
        except errors.ValidationFailed as failure:
            raise errors.ValidationFailed({name: failure.errors}) from failure

    def respond(principal: Principal, _key: str, _params: Params, body: Body) -> Answer:
        if not principal.can(ADD):
            raise errors.PermissionDenied()
        sent = body if isinstance(body, Mapping) else {}
        model = class_of(str(sent.get("provider_model") or ""))
        provider = chosen.get(model or "")
        if provider is None or not (model or "").endswith("Provider"):
            raise errors.ValidationFailed({"provider_model": [INVALID_MODEL]})
        made: list[tuple[Resource, dict[str, Any]]] = []
        try:
            made.append((provider, part("provider", provider, sent.get("provider"), principal)))
            app_body = {**(sent.get("app") or {}), "provider": made[0][1].get("pk")}
            app = part("app", applications, app_body, principal)
            made.append((applications, app))
            for binding in sent.get("policy_bindings") or ():
                if bindings is None:
                    break
                target = app.get("pbm_uuid") or app.get("pk")
                made.append(
                    (
                        bindings,
                        part("policy_bindings", bindings, {**binding, "target": target}, principal),
                    )
                )
        except errors.ApiError:
            for resource, record in reversed(made):  # all or nothing
                resource.destroy(principal, str(record.get(resource.spec.key)))
            raise
        return Answer(200, orjson.dumps({"applied": True, "logs": []}))

    return {OPERATION: respond}
