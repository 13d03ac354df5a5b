"""Swagger 2.0 documents become the OpenAPI 3.0 document they mean, checked by the same
validator as any other."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from specdouble.document import openapi, swagger2

SHELTER = Path(__file__).parent.parent / "documents" / "shelter-swagger2.yaml"


@pytest.fixture(scope="module")
def converted() -> dict[str, Any]:
    return openapi.load_checked(SHELTER)


def test_the_converted_document_is_valid_openapi_3(converted: dict[str, Any]) -> None:
    assert swagger2.is_swagger2(openapi.load(SHELTER))
    assert converted["openapi"] == "3.0.3" and "swagger" not in converted
    openapi.check(converted, source="converted")
    assert converted["servers"] == [{"url": "https://shelter.example/v1"}]
    assert openapi.base_path(converted) == "/v1"


def test_definitions_move_under_components_and_refs_follow(converted: dict[str, Any]) -> None:
    schemas = converted["components"]["schemas"]
    assert schemas["NewAnimal"]["properties"]["chip"] == {"type": "string", "nullable": True}
    assert schemas["Animal"]["allOf"][0] == {"$ref": "#/components/schemas/NewAnimal"}
    listed = converted["paths"]["/animals"]["get"]["responses"]["200"]
    assert listed["content"]["application/json"]["schema"]["items"] == {
        "$ref": "#/components/schemas/Animal"
    }
    assert listed["headers"] == {"X-Total": {"schema": {"type": "integer"}}}
    missing = converted["paths"]["/animals/{animalId}"]["get"]["responses"]["404"]
    assert missing == {"$ref": "#/components/responses/NotFound"}


def test_body_and_form_parameters_become_request_bodies(converted: dict[str, Any]) -> None:
    added = converted["paths"]["/animals"]["post"]
    assert added["requestBody"] == {"$ref": "#/components/requestBodies/newAnimal"}
    body = converted["components"]["requestBodies"]["newAnimal"]
    assert body["required"] is True
    assert body["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/NewAnimal"
    }
    photo = converted["paths"]["/animals/{animalId}/photo"]["post"]["requestBody"]
    form = photo["content"]["multipart/form-data"]["schema"]
    assert form["properties"]["file"] == {"type": "string", "format": "binary"}
    assert form["required"] == ["file"] and photo["required"] is True


def test_parameters_take_a_schema_and_a_style(converted: dict[str, Any]) -> None:
    kinds, limit = converted["paths"]["/animals"]["get"]["parameters"]
    assert kinds == {
        "name": "kinds",
        "in": "query",
        "schema": {"type": "array", "items": {"type": "string"}},
        "style": "pipeDelimited",
        "explode": False,
    }
    assert limit["schema"] == {"type": "integer", "maximum": 50}
    shared = converted["components"]["parameters"]["animalId"]
    assert shared["required"] and shared["schema"] == {"type": "integer", "format": "int64"}


def test_security_definitions_become_schemes(converted: dict[str, Any]) -> None:
    schemes = converted["components"]["securitySchemes"]
    assert schemes["basicAuth"] == {"type": "http", "scheme": "basic"}
    assert schemes["key"] == {"type": "apiKey", "name": "X-Shelter-Key", "in": "header"}
    assert set(schemes["oauth"]["flows"]) == {"authorizationCode"}
    assert converted["security"] == [{"key": []}]
