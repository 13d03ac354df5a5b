"""Error answers in the document's own shape: where an operation documents the status (or its
range, `4XX`, or `default`) with a JSON schema, a refusal answers a body valid for that schema,
with the real reason in its message-like fields and the status in its code-like ones. A
document that defines nothing for the status gets RFC 9457 problem details instead (elsewhere).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from specdouble.data.synth import Synth
from specdouble.document.openapi import combined_scalar, object_shape, resolve
from specdouble.rest.responder import concrete
from specdouble.rest.validation import schema_validator

MESSAGE_FIELDS = re.compile(
    r"^(message|msg|detail|details|error|error_?message|description|reason|title)$", re.I
)
CODE_FIELDS = re.compile(r"^(code|status|status_?code|http_?status|error_?code)$", re.I)
HOLDERS = re.compile(r"^(errors?|faults?|problems?|issues?|details?)$", re.I)
"""Where an error shape holds the error itself (Stripe's `error: {message}`, Asana's
`errors: [{message}]`): the only nested parts the reason goes into (a Stripe error's
`payment_intent` is an object of its own, whose `status` and `description` are its own)."""


def documented_response(definition: Mapping[str, Any], status: int) -> Any:
    """The operation's answer for `status`: exact, else its range (`4XX`), else `default`."""
    responses = definition.get("responses") or {}
    for key in (str(status), f"{str(status)[0]}XX", f"{str(status)[0]}xx", "default"):
        if key in responses:
            return responses[key]
    return None


def documented_error(
    document: Mapping[str, Any], definition: Mapping[str, Any], status: int, reason: str
) -> tuple[str, Any] | None:
    """(media type, body) for a refusal of this operation, or None where it documents no JSON
    media type for the status; the body is None where the media type has no schema (the
    caller's own body goes in it)."""
    answer = resolve(document, documented_response(definition, status) or {})
    content = answer.get("content") if isinstance(answer, Mapping) else None
    if not isinstance(content, Mapping):
        return None
    media_type = next((m for m in content if m.split(";")[0].strip().endswith("json")), None)
    media_type = media_type or next((m for m in content if m.split(";")[0].endswith("*")), None)
    if media_type is not None and media_type.lower().startswith("text/"):
        media_type = None  # `text/*`: the reason as plain text, below
    if media_type is None:
        text = next((m for m in content if m.lower().startswith("text/")), None)
        if text is not None:
            return concrete(text), reason  # the reason, as text
        # Only other kinds (a raw stream, a tar): problem details, in the type it names.
        return (concrete(next(iter(content))), None) if content else None
    if not isinstance(content[media_type], Mapping):
        return None
    schema = content[media_type].get("schema")
    if schema is None:
        return media_type, None
    body = Synth(document, status).value(schema)
    resolved = resolve(document, schema)
    media_type = concrete(media_type)  # `*/*` is answered as JSON
    if isinstance(body, str):
        return media_type, reason
    _say(document, resolved, body, status, reason)
    return media_type, body


def _say(
    document: Mapping[str, Any], schema: Any, body: Any, status: int, reason: str, depth: int = 0
) -> None:
    """The reason into a body's message-like fields and the status into its code-like ones,
    and into the error it holds (`HOLDERS`): a list of errors (Asana's `errors: [{message,
    help}]`) holds one, the refusal's."""
    schema = resolve(document, schema) if isinstance(schema, Mapping) else {}
    if depth > 4:
        return
    if isinstance(body, list):
        fewest = schema.get("minItems")
        del body[max(1, fewest if isinstance(fewest, int) else 0) :]
        if body:
            _say(document, schema.get("items") or {}, body[0], status, reason, depth + 1)
        return
    if not isinstance(body, dict):
        return
    properties = object_shape(document, schema)[0]  # an `allOf`'s parts' too
    for name in list(body) or list(properties):
        field = properties.get(name) or {}
        plain = combined_scalar(document, field) or resolve(document, field)
        said: Any = None  # a reason or a status: never None
        if MESSAGE_FIELDS.match(name) and isinstance(body.get(name), str):
            said = reason
        elif CODE_FIELDS.match(name):
            if plain.get("type") == "integer" or isinstance(body.get(name), int):
                said = status
            elif isinstance(body.get(name), str):
                said = str(status)
        if said is not None:
            # Only where the field's schema takes it: a code of the document's own names
            # (Azure's `ErrorCode`, an enum) keeps the one generated.
            if schema_validator(document, field).is_valid(said):
                body[name] = said
        elif isinstance(body.get(name), dict | list) and HOLDERS.match(name) and depth < 2:
            _say(document, field, body[name], status, reason, depth + 1)


def _said(answer: Any) -> str:
    """What a documented answer calls itself: its description, else the name of the shared
    answer it refers to (`#/components/responses/BadRequest`)."""
    if not isinstance(answer, Mapping):
        return ""
    if isinstance(answer.get("description"), str):
        return answer["description"].strip().rstrip(".")
    return str(answer.get("$ref") or "").rsplit("/", 1)[-1]


# A refusal's status and the ones that mean the same to a client, in the order to try them.
# A missing credential may be a 403 where that is all the operation documents; a credential
# without the permission stays a 403 (a 401 would tell the client to log in again).
KINDRED_STATUSES = {
    400: (422,),
    422: (400,),
    401: (403,),
    409: (400, 422),
    413: (400,),
    414: (400,),
    415: (400,),
    431: (400,),
}
"""A request too large or of a media type not taken is, where the operation documents no such
refusal, the 400 it documents (any server has limits; the document may not name them)."""


_INVALID = re.compile(
    r"\w*(validation|invalid|badrequest)\w*(exception|error|fault)?"
    r"|invalid (input|request|data|parameters?|arguments?|body)"
    r"|bad request|unprocessable( entity)?",
    re.I,
)
REFUSALS_SAID = {
    400: _INVALID,
    422: _INVALID,
    401: re.compile(r"\w*(unauthori[sz]ed|unauthenticated)\w*(exception|error)?", re.I),
    403: re.compile(r"\w*(forbidden|accessdenied)\w*(exception|error)?|access denied", re.I),
    404: re.compile(r"\w*notfound\w*(exception|error)?|(\w+ )?not found|no such \w+", re.I),
    409: re.compile(
        r"\w*(conflict|alreadyexists)\w*(exception|error)?|(\w+ )?already exists", re.I
    ),
    429: re.compile(r"\w*(throttl|toomanyrequests|limitexceeded)\w*(exception|error)?", re.I),
}
"""How an operation's own description of a client error names the refusal, the whole of it
(AWS's `481: ValidationException`, the old Petstore's `405: Invalid input`)."""
CLAIMED_STATUSES = frozenset({400, 401, 403, 404, 409, 413, 414, 415, 422, 429, 431})
"""Statuses that mean a refusal of their own: never taken for another kind."""


def documented_status(definition: Mapping[str, Any], status: int) -> int:
    """The status to refuse with: `status` where the operation documents it (exactly, by range
    or by `default`), else a kindred status it documents exactly (422 for 400 and back, 403 for
    401), else a client error of no standard meaning of its own whose description names the
    same refusal, else `status` itself.

    >>> documented_status({"responses": {"200": {}, "422": {}}}, 400)
    422
    >>> documented_status({"responses": {"200": {}, "4XX": {}}}, 400)
    400
    >>> documented_status({"responses": {"405": {"description": "Invalid input"}}}, 400)
    405
    >>> documented_status({"responses": {"481": {"description": "ValidationException"}}}, 400)
    481
    """
    if documented_response(definition, status) is not None:
        return status
    responses = {str(code): answer for code, answer in (definition.get("responses") or {}).items()}
    meant = (status, *KINDRED_STATUSES.get(status, ()))
    kindred = next((other for other in meant[1:] if str(other) in responses), None)
    if kindred is not None:
        return kindred
    # Client errors of no standard meaning of their own (AWS's 48x, the old Petstore's 405).
    unclaimed = {
        int(code): _said(answer)
        for code, answer in responses.items()
        if code.isdigit() and 400 <= int(code) < 500 and int(code) not in CLAIMED_STATUSES
    }
    for each in meant:
        said = REFUSALS_SAID.get(each)
        found = next(
            (code for code, text in unclaimed.items() if said and said.fullmatch(text)), None
        )
        if found is not None:
            return found
    return status
