"""Errors in the document's own shape: the reason and status written only where the schema
takes them."""

from __future__ import annotations

from typing import Any

from openapi_schema_validator import OAS30Validator

from specdouble.rest.error_shapes import documented_error

AZURE_LIKE: dict[str, Any] = {
    "components": {
        "schemas": {
            "ErrorResponse": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "error": {"allOf": [{"$ref": "#/components/schemas/Error"}]},
                },
            },
            "Error": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "code": {"$ref": "#/components/schemas/ErrorCode"},
                    "message": {"type": "string"},
                    "target": {"type": "string"},
                },
            },
            "ErrorCode": {"type": "string", "enum": ["BadArgument", "NotFound"]},
        }
    }
}


def answering(status: str, schema_name: str) -> dict[str, Any]:
    """An operation whose `status` answer is a JSON body of the named schema."""
    body = {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}
    answer = {"description": status, "content": {"application/json": body}}
    return {"responses": {status: answer}}


OPERATION = answering("default", "ErrorResponse")


def test_an_error_held_through_all_of_says_the_reason_and_keeps_its_own_codes() -> None:
    """Azure's `error: {allOf: [{$ref: Error}]}`: the held error's message is the reason, and
    its `code`, one of the document's own names, is never the status."""
    media_type, body = documented_error(AZURE_LIKE, OPERATION, 400, "body: a body is required")
    assert media_type == "application/json"
    assert body["error"]["message"] == "body: a body is required"
    assert body["error"].get("code", "BadArgument") in ("BadArgument", "NotFound")
    schema = {"$ref": "#/components/schemas/ErrorResponse", **AZURE_LIKE}
    assert OAS30Validator(schema).is_valid(body)


def test_a_plain_code_field_holds_the_status() -> None:
    problem = {
        "type": "object",
        "required": ["code", "message"],
        "properties": {"code": {"type": "integer"}, "message": {"type": "string"}},
    }
    document = {"components": {"schemas": {"Problem": problem}}}
    operation = answering("404", "Problem")
    assert documented_error(document, operation, 404, "Not found.") == (
        "application/json",
        {"code": 404, "message": "Not found."},
    )
