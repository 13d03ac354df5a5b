"""Errors in the document's own shape: the reason and status written only where the schema
takes them."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_schema_validator import OAS30Validator

from specdouble.rest.error_shapes import documented_error, documented_status

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


def documents(*answers: tuple[Any, str]) -> dict[str, Any]:
    """An operation documenting a success and these (status, description) answers."""
    return {
        "responses": {"200": {"description": "ok"}, **{c: {"description": d} for c, d in answers}}
    }


@pytest.mark.parametrize(
    ("refusal", "answers", "status"),
    [
        (400, [("481", "ValidationException"), ("483", "ConflictException")], 481),
        (409, [("481", "ValidationException"), ("483", "ConflictException")], 483),
        (404, [("482", "ResourceNotFoundException")], 482),
        (429, [("480", "ThrottlingException")], 480),
        (400, [(405, "Invalid input")], 405),  # an integer code, as a dict document has it
        (400, [("418", "BadRequest")], 418),
        (400, [(422, "Unprocessable")], 422),  # kindred, whatever it says
        # What a description mentions on the way is not what it refuses:
        (400, [("401", "Invalid API key")], 400),
        (404, [("401", "Authorization header not found")], 404),
        (403, [("405", "Method not allowed")], 403),
        (400, [("404", "Session invalidated")], 400),
        (401, [("400", "The credentials payload is malformed")], 401),
        (409, [("401", "Invalid token")], 409),
        (404, [("400", "Required field not found")], 404),
        (400, [("499", "Invalid input or output of the batch job")], 400),
    ],
)
def test_a_refusal_takes_a_status_whose_description_names_that_refusal(
    refusal: int, answers: list[tuple[Any, str]], status: int
) -> None:
    """A status of no standard meaning of its own (AWS's 48x, the old Petstore's 405), whose
    whole description names the refusal; never a standard status meaning another one."""
    assert documented_status(documents(*answers), refusal) == status


def test_a_shared_answer_is_named_by_its_reference() -> None:
    shared = {"responses": {"200": {}, "460": {"$ref": "#/components/responses/BadRequest"}}}
    assert documented_status(shared, 400) == 460
