"""Documents that are not authentik's: OpenAPI 3.1, API keys, basic auth, open operations,
no error schemas (problem details), several path parameters, and the Prefer header."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest

from specdouble.server.app import create_app
from specdouble.settings import DEFAULT_FIXTURES, Settings

DOCUMENTS = Path(__file__).parent.parent / "documents"
KEY = {"X-API-Key": "ak-mock-admin"}
BOOK = "/lib/shelves/3/books/978-0-14-044913-6"


def basic(user: str, password: str) -> dict[str, str]:
    encoded = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


@pytest.fixture
def library() -> Any:
    with create_app(Settings(spec=DOCUMENTS / "library-3.1.yaml", seed=1)).test_client() as c:
        yield c


TOKENS = DEFAULT_FIXTURES / "tokens.yaml"


@pytest.fixture
def notes() -> Any:
    with create_app(Settings(spec=DOCUMENTS / "notes-basic.yaml", seed=1)).test_client() as c:
        yield c


def test_a_3_1_document_answers_its_first_example(library: Any) -> None:
    response = library.get(BOOK, headers=KEY)
    assert response.status_code == 200
    assert response.json() == {
        "isbn": "978-0-14-044913-6",
        "title": "Crime and Punishment",
        "subtitle": None,
        "pages": 671,
    }


def test_prefer_picks_the_example_the_status_and_dynamic_data(library: Any) -> None:
    modern = library.get(BOOK, headers={**KEY, "Prefer": "example=modern"})
    assert modern.json()["title"] == "The Circle"
    missing = library.get(BOOK, headers={**KEY, "Prefer": "code=404"})
    assert (missing.status_code, missing.json()) == (404, {"message": "no such book"})
    undocumented = library.get(BOOK, headers={**KEY, "Prefer": "code=418"})
    assert undocumented.status_code == 200
    first = library.get(BOOK, headers={**KEY, "Prefer": "dynamic=true"}).json()
    second = library.get(BOOK, headers={**KEY, "Prefer": "dynamic=true"}).json()
    for book in (first, second):
        assert set(book) >= {"isbn", "title", "pages"} and 1 <= book["pages"] <= 5000
        assert book["subtitle"] is None or isinstance(book["subtitle"], str)
    assert first != second


def test_generated_data_is_the_same_for_the_same_seed() -> None:
    answers = []
    for _ in range(2):
        app = create_app(Settings(spec=DOCUMENTS / "library-3.1.yaml", seed=5))
        with app.test_client() as client:
            answers.append(client.get("/lib/stats").json())
    assert answers[0] == answers[1]
    assert answers[0]["books"] >= 0 and answers[0]["updated"].endswith("Z")


def test_api_keys_and_open_operations(library: Any) -> None:
    assert library.get("/lib/stats").status_code == 200  # `security: []`
    missing = library.get(BOOK)
    assert missing.status_code == 401  # the document speaks of 401
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json() == {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "Authentication credentials were not provided.",
    }
    # Not authentik's document: any well-formed key passes, as with Prism; an empty one is none.
    assert library.get(BOOK, headers={"X-API-Key": "anything"}).status_code == 200
    assert library.get(BOOK, headers={"X-API-Key": ""}).status_code == 401


def test_a_tokens_file_makes_only_its_tokens_valid() -> None:
    settings = Settings(spec=DOCUMENTS / "library-3.1.yaml", seed=1, tokens=TOKENS)
    with create_app(settings).test_client() as library:
        assert library.get(BOOK, headers={"X-API-Key": "anything"}).status_code == 401
        assert library.get(BOOK, headers={"X-API-Key": "ak-mock-expired"}).status_code == 401
        assert library.get(BOOK, headers=KEY).status_code == 200


def test_path_and_query_parameters_are_checked_with_a_problem_body(library: Any) -> None:
    response = library.get("/lib/shelves/0/books/12?lang=fr", headers=KEY)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["title"], body["status"]) == ("Bad Request", 400)
    # In the document's own terms, worded as its bodies' messages are: no DRF words.
    assert body["errors"] == {
        "shelf_id": ["0 is less than the minimum of 1"],
        "isbn": ["'12' does not match '^[0-9-]{10,17}$'"],
        "lang": ["'fr' is not one of ['en', 'de']"],
    }
    # An integer segment that is not a number does not route, as with Django's converters;
    # the 404 takes the shape the operation documents for it.
    unrouted = library.get("/lib/shelves/x/books/978-0-14-044913-6", headers=KEY)
    assert (unrouted.status_code, unrouted.json()) == (404, {"message": "Not found."})


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("pinned=maybe", {"pinned": ["'maybe' is not a boolean (true or false)"]}),
        ("page=two", {"page": ["'two' is not an integer"]}),
    ],
)
def test_a_plain_documents_errors_speak_no_drf(notes: Any, query: str, expected: Any) -> None:
    refused = notes.get(f"/api/notes/?{query}", headers=basic("akadmin", "ak-mock-admin"))
    assert refused.status_code == 400 and refused.json()["errors"] == expected
    missing = notes.post(
        "/api/notes/",
        headers={**basic("akadmin", "ak-mock-admin"), "Content-Type": "application/json"},
    )
    shown = missing.text
    assert missing.status_code == 400, shown
    for drf_word in ("non_field_errors", "This field", "Select a valid choice", "A valid"):
        assert drf_word not in shown


def test_basic_auth_and_a_stateful_resource(notes: Any) -> None:
    admin = basic("akadmin", "ak-mock-admin")
    listed = notes.get("/api/notes/", headers=admin)
    assert listed.status_code == 200 and listed.json()["pagination"]["count"] == 5
    made = notes.post("/api/notes/", json={"title": "Buy milk"}, headers=admin)
    assert made.status_code == 201
    note = made.json()
    assert (note["title"], note["pinned"], note["body"]) == ("Buy milk", False, None)
    assert isinstance(note["pk"], int) and note["pk"] == 6
    assert notes.get(f"/api/notes/{note['pk']}/", headers=admin).json() == note
    assert notes.get("/api/notes/", headers=admin).json()["pagination"]["count"] == 6
    assert notes.delete(f"/api/notes/{note['pk']}/", headers=admin).status_code == 204
    gone = notes.get(f"/api/notes/{note['pk']}/", headers=admin)
    assert gone.status_code == 404
    assert gone.json()["detail"] == "No Note matches the given query."


def test_basic_auth_failures_and_body_errors(notes: Any) -> None:
    assert notes.get("/api/notes/").status_code == 401
    # Any well-formed credential passes here (not authentik's document); known ones keep their
    # permissions, so the read-only token still may not write.
    assert notes.get("/api/notes/", headers=basic("someone", "anything")).status_code == 200
    assert notes.get("/api/notes/", headers={"Authorization": "Basic !!"}).status_code == 401
    readonly = basic("auditor", "ak-mock-readonly")
    assert notes.get("/api/notes/", headers=readonly).status_code == 200
    denied = notes.post("/api/notes/", json={"title": "x"}, headers=readonly)
    assert denied.status_code == 403
    bad = notes.post(
        "/api/notes/",
        json={"title": "", "pinned": "yes"},
        headers=basic("akadmin", "ak-mock-admin"),
    )
    assert bad.status_code == 400  # held to its schema alone: JSON Schema's messages
    assert bad.json()["errors"] == {
        "title": ["'' should be non-empty"],
        "pinned": ["'yes' is not of type 'boolean'"],
    }


@pytest.mark.parametrize("direct", [True, False])
def test_a_path_parameter_named_with_a_hyphen(direct: bool) -> None:
    settings = Settings(spec=DOCUMENTS / "things-hyphen.yaml", seed=1, direct=direct)
    with create_app(settings).test_client() as client:
        first = client.get("/api/things/").json()["results"][0]
        assert client.get(f"/api/things/{first['pk']}/").json() == first
        missing = client.get("/api/things/999999/")
        assert (missing.status_code, missing.json()["detail"]) == (
            404,
            "No Thing matches the given query.",
        )


def test_a_document_without_operation_ids_is_served() -> None:
    """Many real documents name no operation, and some leave a parameter schema untyped: each
    operation is routed under a name made of its method and path, and answers."""
    settings = Settings(spec=DOCUMENTS / "pets-without-ids.yaml", seed=1)
    with create_app(settings).test_client(raise_server_exceptions=False) as pets:
        listed = pets.get("/pets", params={"limit": "3", "filter[kind]": "cat"})
        assert listed.status_code == 200 and isinstance(listed.json(), list)
        assert pets.get("/pets", params={"limit": "anything"}).status_code == 200
        made = pets.post("/pets", json={"name": "Rex"})
        assert made.status_code == 201 and made.json() == {"id": 6, "name": "Rex"}
        assert pets.get("/pets/6").json() == made.json()  # a resource, found by its paths
        assert pets.get("/pets/7").status_code == 404
        served = pets.get("/openapi.json").json()["paths"]
    assert served["/pets"]["get"]["operationId"] == "get_pets"
    assert served["/pets"]["post"]["operationId"] == "post_pets"
    assert served["/pets/{petId}"]["get"]["operationId"] == "get_pets_petId"


OAUTH_DOCUMENT = """
openapi: 3.0.3
info: {title: oauth, version: "1"}
components:
  securitySchemes:
    oauth:
      type: oauth2
      flows:
        clientCredentials: {tokenUrl: "https://example.com/token", scopes: {read: read}}
security: [{oauth: [read]}]
paths:
  /things:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {type: string}}
        "401": {description: no credential}
"""


# Google's documents ask for two OAuth2 schemes at once (one bearer token satisfies both).
TWO_FLOWS_DOCUMENT = OAUTH_DOCUMENT.replace(
    "security: [{oauth: [read]}]",
    """    code:
      type: oauth2
      flows:
        authorizationCode:
          authorizationUrl: "https://example.com/a"
          tokenUrl: "https://example.com/t"
          scopes: {read: read}
security: [{oauth: [read], code: [read]}]""",
)


@pytest.mark.parametrize("document", [OAUTH_DOCUMENT, TWO_FLOWS_DOCUMENT], ids=["one", "two"])
def test_an_oauth2_document_takes_any_bearer_token(tmp_path: Path, document: str) -> None:
    spec = tmp_path / "oauth.yaml"
    spec.write_text(document)
    with create_app(Settings(spec=spec, seed=1)).test_client() as client:
        assert (
            client.get("/things", headers={"Authorization": "Bearer whatever"}).status_code == 200
        )
        refused = client.get("/things")
        assert refused.status_code == 401
        assert refused.json()["detail"] == "Authentication credentials were not provided."


SHAPED_DOCUMENT = """
openapi: 3.0.3
info: {title: shaped, version: "1"}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
  schemas:
    Problem:
      type: object
      required: [message, code]
      properties:
        message: {type: string}
        code: {type: integer}
        kind: {type: string, enum: [client, server]}
security: [{key: []}]
paths:
  /items:
    get:
      parameters:
        - {name: limit, in: query, schema: {type: integer, maximum: 10}}
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {type: array, items: {type: string}}}}
        "400":
          description: bad
          content: {application/json: {schema: {$ref: "#/components/schemas/Problem"}}}
        default:
          description: any other failure
          content: {application/json: {schema: {type: object, properties: {error: {type: string}}}}}
  /plain:
    get:
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object}}}}
  /listed:
    get:
      parameters:
        - {name: limit, in: query, schema: {type: integer, maximum: 10}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object}}}}
        "400":
          description: Asana's errors, a list of them
          content:
            application/json:
              schema:
                type: object
                required: [errors]
                properties:
                  errors:
                    type: array
                    minItems: 1
                    items:
                      type: object
                      required: [message]
                      properties: {message: {type: string}, help: {type: string}}
"""


def test_refusals_take_the_error_shape_the_operation_documents(tmp_path: Path) -> None:
    spec = tmp_path / "shaped.yaml"
    spec.write_text(SHAPED_DOCUMENT)
    with create_app(Settings(spec=spec, seed=1)).test_client() as client:
        bad = client.get("/items", params={"limit": 99}, headers={"X-Key": "k"})
        assert bad.status_code == 400 and bad.headers["content-type"] == "application/json"
        body = bad.json()
        assert body["code"] == 400 and body["kind"] in ("client", "server")
        assert body["message"] == "limit: 99 is greater than the maximum of 10"
        listed = client.get("/listed", params={"limit": 99}, headers={"X-Key": "k"}).json()
        assert [e["message"] for e in listed["errors"]] == [body["message"]]  # at any depth
        missing = client.get("/items")  # not authentik's document: 401, in `default`'s shape
        assert missing.status_code == 401
        assert missing.json() == {"error": "Authentication credentials were not provided."}
        # Where the document says nothing of the status, RFC 9457 problem details.
        plain = client.get("/plain")
        assert plain.headers["content-type"] == "application/problem+json"
        assert plain.json()["status"] == 401


QUALIFIED_DOCUMENT = """
openapi: 3.0.3
info: {title: qualified, version: "1"}
components:
  parameters:
    List: {name: X-Amz-Target, in: header, required: true, schema: {enum: [Svc.ListThings]}}
    Tag: {name: X-Amz-Target, in: header, required: true, schema: {enum: [Svc.TagThing]}}
  schemas:
    Things:
      type: object
      required: [Things]
      properties: {Things: {type: array, items: {type: string}}}
paths:
  /#X-Amz-Target=Svc.ListThings:
    post:
      parameters: [{$ref: "#/components/parameters/List"}]
      requestBody: {content: {application/json: {schema: {type: object}}}}
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: "#/components/schemas/Things"}}}
  /#X-Amz-Target=Svc.TagThing:
    post:
      parameters: [{$ref: "#/components/parameters/Tag"}]
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [Tag]
              properties: {Tag: {type: string, pattern: "^[\\\\p{L}\\\\p{N}_.:-]+$"}}
      responses:
        "204": {description: tagged}
  /tags?operation=untag:
    post:
      responses: {"204": {description: untagged}}
  /bots/{botId}:
    post:
      parameters: [{name: botId, in: path, required: true, schema: {type: string}}]
      requestBody:
        required: true
        content: {application/json: {schema: {type: object, required: [name]}}}
      responses: {"200": {description: updated}}
  /bots/{botId}#operation=regenerate-token:
    post:
      parameters:
        - {name: botId, in: path, required: true, schema: {type: string}}
        - {name: operation, in: query, required: true, schema: {enum: [regenerate-token]}}
      responses: {"204": {description: regenerated}}
  /tags:
    post:
      responses: {"201": {description: made}}
"""


def test_path_keys_with_a_fragment_or_query_are_routed_by_what_they_name(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """AWS's documents name their operations `/#X-Amz-Target=...`; others `/tags?operation=`:
    neither part is a URL path, so the request is routed by the values it sends. A pattern in
    another engine's dialect (`\\p{L}`) is read as Python's nearest, with a warning."""
    spec = tmp_path / "qualified.yaml"
    spec.write_text(QUALIFIED_DOCUMENT)
    with caplog.at_level("WARNING", logger="specdouble"):
        app = create_app(Settings(spec=spec, seed=1))
    assert any("/pattern" in r.message and "read as" in r.message for r in caplog.records)
    with app.test_client() as client:
        listed = client.post("/", headers={"X-Amz-Target": "Svc.ListThings"}, json={})
        assert listed.status_code == 200 and isinstance(listed.json()["Things"], list)
        tag = {"X-Amz-Target": "Svc.TagThing"}
        assert client.post("/", headers=tag, json={"Tag": "größe:1"}).status_code == 204
        refused = client.post("/", headers=tag, json={"Tag": "no spaces"})
        assert refused.status_code == 400
        # Without the header that names it, the request is missing a parameter: refused,
        # not taken for the operation whose body it happens to fit (TagThing's, here).
        unnamed = client.post("/", json={"Tag": "a"})
        assert unnamed.status_code == 400, unnamed.text
        # A target no operation has is a header value its schema refuses.
        nowhere = client.post("/", headers={"X-Amz-Target": "Svc.Nope"}, json={})
        assert nowhere.status_code == 400 and "X-Amz-Target" in nowhere.json()["errors"]
        assert client.post("/tags", params={"operation": "untag"}).status_code == 204
        # A path the document also has plainly keeps it when no qualifier matches.
        assert client.post("/tags").status_code == 201
        journal = client.get("/_mock/requests", headers={"Authorization": "Bearer ak-mock-admin"})
        operations = [entry["operation_id"] for entry in journal.json()["results"]]
        assert operations[-2:] == ["post_tags_operation_untag", "post_tags"]
        # The qualified key of a plain template is its own operation, not the template's.
        regenerated = client.post("/bots/b1", params={"operation": "regenerate-token"})
        assert regenerated.status_code == 204, regenerated.text
        assert client.post("/bots/b1", json={}).status_code == 400  # the plain one's body


FASTAPI_DOCUMENT = """
openapi: 3.0.2
info: {title: IoT, version: "1"}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: x-api-key}
  schemas:
    ValidationError:
      type: object
      required: [loc, msg, type]
      properties:
        loc: {type: array, items: {type: string}}
        msg: {type: string}
        type: {type: string}
    HTTPValidationError:
      type: object
      properties: {detail: {type: array, items: {$ref: "#/components/schemas/ValidationError"}}}
paths:
  /devices:
    get:
      security: [{key: []}]
      parameters: [{name: limit, in: query, schema: {type: integer}}]
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: array}}}}
        "422":
          description: invalid
          content:
            application/json: {schema: {$ref: "#/components/schemas/HTTPValidationError"}}
"""


def test_a_fastapi_document_is_plain_openapi_not_drf(tmp_path: Path) -> None:
    """FastAPI names its error item `ValidationError` too: that is no DRF server, so any
    well-formed key is taken and a refusal is its documented 422."""
    spec = tmp_path / "fastapi.yaml"
    spec.write_text(FASTAPI_DOCUMENT)
    with create_app(Settings(spec=spec, seed=1)).test_client() as client:
        assert client.get("/devices", headers={"x-api-key": "anything"}).status_code == 200
        refused = client.get("/devices?limit=many", headers={"x-api-key": "anything"})
        assert refused.status_code == 422


DISCRIMINATED_DOCUMENT = """
openapi: 3.0.3
info: {title: actions, version: "1"}
paths:
  /ips/{ip}/actions:
    parameters: [{name: ip, in: path, required: true, schema: {type: string}}]
    post:
      requestBody:
        content:
          application/json:
            schema:
              anyOf:
                - $ref: "#/components/schemas/assign"
                - $ref: "#/components/schemas/unassign"
              discriminator: {propertyName: type}
      responses:
        "201": {description: started}
        "400": {description: refused}
components:
  schemas:
    assign: {type: object, required: [type], properties: {type: {type: string}}}
    unassign: {type: object, required: [type], properties: {type: {type: string}}}
"""


def test_a_discriminator_of_the_wrong_kind_is_refused_not_a_500(tmp_path: Path) -> None:
    """DigitalOcean's actions: a discriminator's value that is a list crashed the validator."""
    spec = tmp_path / "actions.yaml"
    spec.write_text(DISCRIMINATED_DOCUMENT)
    with create_app(Settings(spec=spec, seed=1)).test_client() as client:
        assert client.post("/ips/1/actions", json={"type": "assign"}).status_code == 201
        refused = client.post("/ips/1/actions", json={"type": [None, None]})
        assert refused.status_code == 400, refused.text


def test_swagger_ui_moves_out_of_the_way_of_the_documents_own_ui_paths(tmp_path: Path) -> None:
    """EVE Online's document has its own `/ui/autopilot/waypoint/`: Swagger UI, served at
    `/ui/` by default, was answering its POSTs with 405."""
    spec = tmp_path / "eve.yaml"
    spec.write_text(
        """
openapi: 3.0.3
info: {title: eve, version: "1"}
paths:
  /ui/autopilot/waypoint/:
    post:
      responses: {"204": {description: set}}
"""
    )
    with create_app(Settings(spec=spec, seed=1)).test_client() as client:
        assert client.post("/ui/autopilot/waypoint/").status_code == 204
        assert client.get("/").json()["swagger_ui"] == "/swagger-ui/"
        assert client.get("/swagger-ui/").status_code == 200


BODY_TOLD_DOCUMENT = """
openapi: 3.0.3
info: {title: box, version: "1"}
paths:
  /schema#add:
    put:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [op, fieldKey]
              additionalProperties: false
              properties: {op: {type: string, enum: [addEnumOption]}, fieldKey: {type: string}}
      responses: {"200": {description: added, content: {text/plain: {schema: {type: string}}}}}
  /schema#remove:
    put:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [op, enumOptionKey]
              additionalProperties: false
              properties:
                op: {type: string, enum: [removeEnumOption]}
                enumOptionKey: {type: string}
      responses: {"204": {description: removed}}
"""


def test_operations_told_apart_only_by_their_bodies(tmp_path: Path) -> None:
    """Box's `schema#add`, `schema#remove`: one URL, one method, the body says which."""
    spec = tmp_path / "box.yaml"
    spec.write_text(BODY_TOLD_DOCUMENT)
    with create_app(Settings(spec=spec, seed=1)).test_client() as client:
        removed = client.put("/schema", json={"op": "removeEnumOption", "enumOptionKey": "a"})
        assert removed.status_code == 204, removed.text
        added = client.put("/schema", json={"op": "addEnumOption", "fieldKey": "f"})
        assert added.status_code == 200, added.text
        assert client.put("/schema", json={"op": "other"}).status_code == 400


PLAIN_BESIDE_DOCUMENT = """
openapi: 3.0.3
info: {title: box, version: "1"}
paths:
  /templates:
    post:
      requestBody:
        content: {application/json: {schema: {type: object, required: [displayName]}}}
      responses: {"201": {description: made, content: {text/plain: {schema: {enum: [any]}}}}}
  /templates#classifications:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [displayName, templateKey]
              properties:
                templateKey: {type: string, enum: [securityClassification]}
                displayName: {type: string, enum: [Classification]}
      responses:
        "200": {description: made, content: {text/plain: {schema: {enum: [classification]}}}}
"""


def test_a_qualified_operation_beside_a_plain_one_is_meant_where_its_body_fits(
    tmp_path: Path,
) -> None:
    """Box's `POST schema#classifications` beside `POST schema`: a body only the qualified
    operation's schema admits is that operation's; any other is the plain path's."""
    spec = tmp_path / "box.yaml"
    spec.write_text(PLAIN_BESIDE_DOCUMENT)
    with create_app(Settings(spec=spec, seed=1)).test_client() as client:
        body = {"displayName": "Classification", "templateKey": "securityClassification"}
        classified = client.post("/templates", json=body)
        assert (classified.status_code, classified.text) == (200, "classification")
        plain = client.post("/templates", json={"displayName": "Anything"})
        assert (plain.status_code, plain.text) == (201, "any")


CONTROLLED_DOCUMENT = """
openapi: 3.0.3
info: {title: controlled, version: "1"}
servers: [{url: "https://example.com/{basePath}", variables: {basePath: {default: /api/v1}}}]
paths:
  /pets:
    get:
      operationId: list_pets
      x-openapi-router-controller: zoo.endpoints.pets
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Pet"}}
    post:
      operationId: make_pet
      x-openapi-router-controller: zoo.endpoints.pets
      requestBody:
        content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}
      responses:
        "201":
          description: made
          content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}
  /pets/{id}:
    get:
      operationId: get_pet
      x-openapi-router-controller: zoo.endpoints.pets
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}
        "404": {description: none}
components:
  schemas:
    Pet:
      type: object
      properties: {id: {type: integer}, name: {type: string}}
"""


@pytest.mark.parametrize("controller", ["zoo.endpoints.pets", '""', "5"])
def test_operations_that_name_their_controller_are_served_under_a_templated_base(
    tmp_path: Path, controller: str
) -> None:
    """Airflow's operations name their Python controller (Connexion then asks for
    `<controller>.<operationId>`, whatever the controller is: an empty one, a number, once
    refused the start with a KeyError); Red Hat's server URL is `https://host/{basePath}`
    with a basePath that starts with a slash."""
    spec = tmp_path / "controlled.yaml"
    spec.write_text(CONTROLLED_DOCUMENT.replace("zoo.endpoints.pets", controller))
    with create_app(Settings(spec=spec, seed=1)).test_client() as zoo:
        listed = zoo.get("/api/v1/pets")
        made = zoo.post("/api/v1/pets", json={"name": "Rex"})
        read = zoo.get(f"/api/v1/pets/{made.json()['id']}")
    assert listed.status_code == 200 and isinstance(listed.json(), list)
    assert made.status_code == 201 and read.json() == made.json()  # the resource's, not made up


@pytest.mark.parametrize("url", [",", "", "not a url"])
def test_a_server_url_that_names_no_path_serves_at_the_root(tmp_path: Path, url: str) -> None:
    """brainbi's server URL is `,`: no path can be read from it, so the operations are served
    where their keys say, not refused with a 500 from the router."""
    spec = tmp_path / "rootless.yaml"
    base = CONTROLLED_DOCUMENT.replace("x-openapi-router-controller: zoo.endpoints.pets", "")
    spec.write_text(
        base.replace(
            '"https://example.com/{basePath}", variables: {basePath: {default: /api/v1}}', repr(url)
        )
    )
    with create_app(Settings(spec=spec, seed=1)).test_client() as zoo:
        listed = zoo.get("/pets")
    assert listed.status_code == 200 and isinstance(listed.json(), list)


KEYED_DOCUMENT = """
openapi: 3.0.3
info: {title: keyed, version: "1"}
paths:
  /tasks:
    post:
      operationId: make_task
      requestBody:
        content: {application/json: {schema: {$ref: "#/components/schemas/Task"}}}
      responses:
        "201":
          description: made
          content: {application/json: {schema: {$ref: "#/components/schemas/Task"}}}
        "400": {description: refused}
  /tasks/{id}:
    get:
      operationId: get_task
      parameters:
        - {name: id, in: path, required: true, schema: {type: string, pattern: "^T[0-9]+$"}}
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: "#/components/schemas/Task"}}}
        "404": {description: none}
components:
  schemas:
    Task:
      type: object
      properties: {id: {type: string}, name: {type: string}}
"""


def test_a_create_whose_key_no_item_path_can_name_is_refused(tmp_path: Path) -> None:
    """What a client creates must read back through the path that names it: a key the item
    path's parameter refuses (Red Hat's task ids against their UUID pattern) is refused."""
    spec = tmp_path / "keyed.yaml"
    spec.write_text(KEYED_DOCUMENT)
    with create_app(Settings(spec=spec, seed=1)).test_client() as tasks:
        refused = tasks.post("/tasks", json={"id": "bit", "name": "a"})
        made = tasks.post("/tasks", json={"id": "T7", "name": "b"})
        read = tasks.get("/tasks/T7")
    assert refused.status_code == 400
    assert "as the item path names it" in json.dumps(refused.json())
    assert made.status_code == 201 and read.json() == made.json()


MARKETS_DOCUMENT = """
openapi: 3.0.3
info: {title: markets, version: "1"}
components:
  schemas:
    Market:
      type: object
      required: [marketId, country]
      properties: {marketId: {type: string}, country: {type: string}}
paths:
  /markets:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Market"}}}
  /markets/{marketId}:
    get:
      parameters:
        - name: marketId
          in: path
          required: true
          schema: {type: string, pattern: "^[a-z]{2}_[A-Z]{2}$"}
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: "#/components/schemas/Market"}}}
        "404": {description: none}
"""


def test_generated_keys_are_what_the_item_path_takes(tmp_path: Path) -> None:
    """A key property with no pattern of its own, read through a path parameter that has one:
    every generated object's key fits the path, so each listed object reads back."""
    spec = tmp_path / "markets.yaml"
    spec.write_text(MARKETS_DOCUMENT)
    with create_app(Settings(spec=spec, seed=3)).test_client() as client:
        listed = client.get("/markets").json()
        assert listed
        for market in listed:
            assert re.fullmatch(r"[a-z]{2}_[A-Z]{2}", market["marketId"]), market
            assert client.get(f"/markets/{market['marketId']}").json() == market


TWO_KEYS_DOCUMENT = """
openapi: 3.0.3
info: {title: two keys, version: "1"}
security: [{appKey: [], appToken: []}]
components:
  securitySchemes:
    appKey: {type: apiKey, in: header, name: X-App-Key}
    appToken: {type: apiKey, in: header, name: X-App-Token}
  schemas:
    Account:
      type: object
      required: [id]
      properties: {id: {type: string}, email: {type: string}}
paths:
  /accounts:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Account"}}}
  /accounts/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: "#/components/schemas/Account"}}}
        "404": {description: none}
"""


def test_a_requirement_of_two_schemes_takes_both(tmp_path: Path) -> None:
    """VTEX asks for an app key and an app token at once: with both, the caller is let in
    (Connexion keys each scheme's answer by its name); with one, it is not."""
    spec = tmp_path / "two-keys.yaml"
    spec.write_text(TWO_KEYS_DOCUMENT)
    with create_app(Settings(spec=spec, seed=3)).test_client() as client:
        keys = {"X-App-Key": "k", "X-App-Token": "t"}
        both = client.get("/accounts", headers=keys)
        assert both.status_code == 200, both.text
        first = both.json()[0]["id"]
        assert client.get(f"/accounts/{first}", headers=keys).json()["id"] == first
        assert client.get("/accounts", headers={"X-App-Key": "k"}).status_code == 401


FORBIDDEN_DOCUMENT = """
openapi: 3.1.0
info: {title: forbidden, version: "1"}
components:
  schemas:
    Connection:
      type: object
      required: [id]
      properties:
        id: {type: string, readOnly: true}
        name: {type: string}
        additionalProperties: false
paths:
  /connections:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Connection"}}
    post:
      requestBody:
        content: {application/json: {schema: {$ref: "#/components/schemas/Connection"}}}
      responses:
        "201":
          description: made
          content: {application/json: {schema: {$ref: "#/components/schemas/Connection"}}}
"""


def test_a_property_its_schema_forbids_is_never_held_nor_shown(tmp_path: Path) -> None:
    """Codat's 3.1 document gives a property the schema `false`: it may not be there, so
    neither generated objects nor created ones show it (it was a null, and a 400)."""
    spec = tmp_path / "forbidden.yaml"
    spec.write_text(FORBIDDEN_DOCUMENT)
    with create_app(Settings(spec=spec, seed=3)).test_client() as client:
        connections = client.get("/connections").json()
        assert connections and all("additionalProperties" not in c for c in connections)
        made = client.post("/connections", json={"name": "n"})
        assert made.status_code == 201, made.text
        assert "additionalProperties" not in made.json()


TEXT_ANSWER_DOCUMENT = """
openapi: 3.0.3
info: {title: invoices, version: "1"}
components:
  schemas:
    Invoice:
      type: object
      required: [id]
      properties: {id: {type: string}, status: {type: string}}
paths:
  /invoices:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Invoice"}}}
  /invoices/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get:
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: "#/components/schemas/Invoice"}}}
    put:
      requestBody:
        content: {application/json: {schema: {$ref: "#/components/schemas/Invoice"}}}
      responses:
        "200":
          description: changed
          content: {text/plain: {schema: {type: string}, example: "OK"}}
    delete:
      responses:
        "200":
          description: removed, said in words
          content: {text/plain: {schema: {type: string, minLength: 3}}}
"""


def test_a_write_documented_in_another_media_type_answers_in_it(tmp_path: Path) -> None:
    """VTEX's invoice `PUT` documents only `text/plain`: the change is made, and the answer
    is the documented media type and example, not the object as JSON."""
    spec = tmp_path / "invoices.yaml"
    spec.write_text(TEXT_ANSWER_DOCUMENT)
    with create_app(Settings(spec=spec, seed=3)).test_client() as client:
        first = client.get("/invoices").json()[0]["id"]
        changed = client.put(f"/invoices/{first}", json={"id": first, "status": "paid"})
        assert changed.status_code == 200
        assert changed.headers["content-type"].startswith("text/plain")
        assert changed.text == "OK"
        assert client.get(f"/invoices/{first}").json()["status"] == "paid"
        removed = client.delete(f"/invoices/{first}")  # no example: a value of its schema
        assert removed.status_code == 200
        assert removed.headers["content-type"].startswith("text/plain")
        assert len(removed.text) >= 3 and not removed.text.startswith(("{", '"'))
        assert client.get(f"/invoices/{first}").status_code == 404


SAME_TEMPLATES_DOCUMENT = """
openapi: 3.0.3
info: {title: accounts, version: "1"}
paths:
  /accounts/{accountId}:
    put:
      operationId: createAccount
      parameters: [{name: accountId, in: path, required: true, schema: {type: string}}]
      responses: {"201": {description: made}}
  /accounts/{creditAccountId}:
    get:
      operationId: getAccount
      parameters: [{name: creditAccountId, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
    put:
      operationId: updateAccount
      parameters: [{name: creditAccountId, in: path, required: true, schema: {type: string}}]
      responses: {"204": {description: updated}}
"""


def test_paths_that_differ_only_in_parameter_names_answer_as_said(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """VTEX's two account templates: the start says so, a method both have is the first's,
    a method only the second has is its."""
    spec = tmp_path / "accounts.yaml"
    spec.write_text(SAME_TEMPLATES_DOCUMENT)
    with caplog.at_level("WARNING", logger="specdouble"):
        app = create_app(Settings(spec=spec, seed=1))
    assert any("the same path as '/accounts/{accountId}'" in r.message for r in caplog.records)
    with app.test_client() as client:
        assert client.put("/accounts/a1").status_code == 201  # the first's
        assert client.get("/accounts/a1").status_code == 200  # only the second has GET
        journal = client.get("/_mock/requests", headers={"Authorization": "Bearer ak-mock-admin"})
        operations = [entry["operation_id"] for entry in journal.json()["results"]]
        assert operations[-2:] == ["createAccount", "getAccount"]


UNDESCRIBED_REQUIRED_DOCUMENT = """
openapi: 3.0.0
info: {title: files, version: "1"}
components:
  schemas:
    Folder:
      type: object
      required: [name]
      properties:
        Id: {type: string, format: uuid}
        Name: {type: string}
        FileCount: {type: integer}
paths:
  /Folders:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Folder"}}}
    post:
      requestBody:
        content: {application/json: {schema: {$ref: "#/components/schemas/Folder"}}}
      responses:
        "200":
          description: made
          content: {application/json: {schema: {$ref: "#/components/schemas/Folder"}}}
  /Folders/{FolderId}:
    parameters: [{name: FolderId, in: path, required: true, schema: {type: string}}]
    get:
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: "#/components/schemas/Folder"}}}
"""


def test_a_required_name_no_property_describes_is_held_and_shown(tmp_path: Path) -> None:
    """Xero's Files document requires `name` beside a property `Name`: the name is a property
    all the same (of any value), so every answer holds it, and a create keeps what it sent."""
    spec = tmp_path / "folders.yaml"
    spec.write_text(UNDESCRIBED_REQUIRED_DOCUMENT)
    with create_app(Settings(spec=spec, seed=3)).test_client() as client:
        folders = client.get("/Folders").json()
        assert folders and all("name" in folder for folder in folders)
        made = client.post("/Folders", json={"name": "invoices", "Name": "Invoices"})
        assert made.status_code == 200, made.text
        assert (made.json()["name"], made.json()["Name"]) == ("invoices", "Invoices")
        read = client.get(f"/Folders/{made.json()['Id']}").json()
        assert read["name"] == "invoices"


STAMPED_DOCUMENT = """
openapi: 3.0.0
info: {title: circuits, version: "1"}
components:
  schemas:
    Provider:
      type: object
      properties:
        id: {type: integer, readOnly: true}
        name: {type: string}
        created: {type: string, format: date, readOnly: true}
        last_updated: {type: string, pattern: "^rev-[0-9]+$", readOnly: true}
paths:
  /providers/:
    post:
      requestBody:
        content: {application/json: {schema: {$ref: "#/components/schemas/Provider"}}}
      responses:
        "201":
          description: made
          content: {application/json: {schema: {$ref: "#/components/schemas/Provider"}}}
  /providers/{id}/:
    parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
    get:
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: "#/components/schemas/Provider"}}}
"""


def test_when_a_write_happened_is_shown_as_its_field_is_typed(tmp_path: Path) -> None:
    """NetBox's `created` is a date: a create stamps the day, not an instant; a field of that
    name that is no time at all keeps to its own schema."""
    spec = tmp_path / "circuits.yaml"
    spec.write_text(STAMPED_DOCUMENT)
    with create_app(Settings(spec=spec, seed=3)).test_client() as client:
        made = client.post("/providers/", json={"name": "Lumen"})
        assert made.status_code == 201, made.text
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", made.json()["created"]), made.json()
        assert re.fullmatch(r"rev-[0-9]+", made.json()["last_updated"]), made.json()


FORM_DOCUMENT = """
openapi: 3.0.0
info: {title: hooks, version: "1"}
components:
  schemas:
    Hook:
      type: object
      properties:
        id: {type: string}
        url: {type: string}
        push_events: {type: string}
        retries: {type: integer}
        labels: {type: array, items: {type: string}}
    HookForm:
      type: object
      required: [url]
      properties:
        url: {type: string}
        push_events: {type: boolean}
        retries: {type: integer}
        labels: {type: array, items: {type: string}}
paths:
  /hooks:
    post:
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema: {$ref: "#/components/schemas/HookForm"}
          multipart/form-data:
            schema:
              type: object
              properties:
                url: {type: string}
                retries: {type: integer}
                attachment: {type: string, format: binary}
      responses:
        "201":
          description: made
          content: {application/json: {schema: {$ref: "#/components/schemas/Hook"}}}
  /hooks/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
    get:
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: "#/components/schemas/Hook"}}}
"""


def test_a_form_body_is_read_typed_and_kept(tmp_path: Path) -> None:
    """GitLab's v3 document (and every Swagger 2 `formData` one) writes with forms: a create
    keeps what the form sent, each value typed as the form's schema says (a boolean the hook
    shows as text keeps its JSON spelling), and reads back by a key its integer path takes;
    a form that breaks its schema is a 400, never a write that forgets it."""
    spec = tmp_path / "hooks.yaml"
    spec.write_text(FORM_DOCUMENT)
    with create_app(Settings(spec=spec, seed=3)).test_client() as client:
        made = client.post(
            "/hooks",
            content="url=https%3A%2F%2Fci.example.com%2Fhook&push_events=true&retries=3"
            "&labels=a&labels=b",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert made.status_code == 201, made.text
        hook = made.json()
        assert (hook["url"], hook["push_events"], hook["retries"], hook["labels"]) == (
            "https://ci.example.com/hook",
            "true",
            3,
            ["a", "b"],
        )
        assert re.fullmatch(r"[0-9]+", hook["id"]), hook
        assert client.get(f"/hooks/{hook['id']}").json() == hook
        uploaded = client.post(
            "/hooks",
            data={"url": "https://up.example.com", "retries": "1"},
            files={"attachment": ("a.txt", b"hello")},
        )
        assert uploaded.status_code == 201, uploaded.text
        assert (uploaded.json()["url"], uploaded.json()["retries"]) == ("https://up.example.com", 1)
        refused = client.post(
            "/hooks",
            content="retries=many",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert refused.status_code == 400, refused.text
        nothing = client.post(
            "/hooks", content=b"", headers={"Content-Type": "multipart/form-data"}
        )
        assert nothing.status_code == 201, nothing.text  # no form sent: no field, and no 500


def test_an_empty_form_is_a_form_of_no_fields(tmp_path: Path) -> None:
    """Salesloft's bulk job data (`required: [data]`, a list) and call recordings (an
    object): a form says "no items" and "no fields" by leaving the name out, and says
    nothing at all with no bytes. Such a form is valid; a multipart body of no bytes is
    no form (it has no closing boundary)."""
    spec = tmp_path / "jobs.yaml"
    spec.write_text(
        """
openapi: 3.0.0
info: {title: jobs, version: "1"}
paths:
  /jobs:
    post:
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [data, recording]
              properties:
                data: {type: array, items: {type: string}}
                recording: {type: object}
      responses:
        "201":
          description: made
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: {type: string}
                  data: {type: array, items: {type: string}}
                  recording: {type: object}
        "400": {description: refused}
  /jobs/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: the job
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: {type: string}
                  data: {type: array, items: {type: string}}
                  recording: {type: object}
"""
    )
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    with create_app(Settings(spec=spec, seed=3)).test_client() as client:
        made = client.post("/jobs", content=b"", headers=form)
        assert made.status_code == 201, made.text
        job = made.json()
        assert (job["data"], job["recording"]) == ([], {})
        assert client.get(f"/jobs/{job['id']}").json() == job
        assert client.post("/jobs", content=b"data=a", headers=form).json()["data"] == ["a"]
        bare = client.post("/jobs", content=b"")
        assert bare.status_code == 400, bare.text  # no Content-Type: no form was sent


def test_no_bytes_of_an_optional_form_are_no_body(tmp_path: Path) -> None:
    """Climatekuul's `airtravelCoordinates`: a body that may be left out (`required: false`)
    whose form requires its fields when sent. No bytes leave it out; a form sent without
    those fields is refused."""
    spec = tmp_path / "footprint.yaml"
    spec.write_text(
        """
openapi: 3.0.0
info: {title: footprint, version: "1"}
paths:
  /footprints:
    post:
      requestBody:
        required: false
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [passengers]
              properties:
                passengers: {type: integer}
      responses:
        "200":
          description: the footprint
          content:
            application/json:
              schema: {type: object, properties: {kg: {type: number}}}
"""
    )
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    with create_app(Settings(spec=spec, seed=3)).test_client() as client:
        assert client.post("/footprints", content=b"", headers=form).status_code == 200
        assert client.post("/footprints").status_code == 200
        refused = client.post("/footprints", content=b"kg=2", headers=form)
        assert refused.status_code == 400 and "passengers" in refused.text
        assert client.post("/footprints", content=b"passengers=2", headers=form).status_code == 200


STRIPE_LIKE_DOCUMENT = """
openapi: 3.0.0
info: {title: customers, version: "1"}
components:
  schemas:
    customer:
      type: object
      required: [id, object]
      properties:
        id: {type: string, maxLength: 5000}
        object: {type: string, enum: [customer]}
        name: {type: string, nullable: true}
        metadata: {type: object, additionalProperties: {type: string}}
        address:
          type: object
          nullable: true
          properties: {city: {type: string}, line1: {type: string}}
    deleted_customer:
      type: object
      required: [id, deleted]
      properties:
        id: {type: string}
        deleted: {type: boolean, enum: [true]}
paths:
  /v1/customers:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {type: array, items: {$ref: "#/components/schemas/customer"}}
                  has_more: {type: boolean}
    post:
      requestBody:
        content:
          application/x-www-form-urlencoded:
            encoding:
              metadata: {style: deepObject, explode: true}
              address: {style: deepObject, explode: true}
            schema:
              type: object
              additionalProperties: false
              properties:
                name: {type: string}
                metadata:
                  anyOf:
                    - {type: object, additionalProperties: {type: string}}
                    - {type: string, enum: [""]}
                address: {type: object, properties: {city: {type: string}, line1: {type: string}}}
                expand: {type: array, items: {type: string}}
      responses:
        "200":
          description: made
          content: {application/json: {schema: {$ref: "#/components/schemas/customer"}}}
  /v1/customers/{customer}:
    parameters:
      - {name: customer, in: path, required: true, schema: {type: string, maxLength: 5000}}
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                anyOf:
                  - {$ref: "#/components/schemas/customer"}
                  - {$ref: "#/components/schemas/deleted_customer"}
"""


def test_a_form_of_nested_fields_makes_an_object_that_reads_back(tmp_path: Path) -> None:
    """Stripe's creates are forms of bracketed names (`metadata[order_id]=6735`); the key is
    the server's to make (the form does not send it), and the read, answered as one of two
    objects (`anyOf: [customer, deleted_customer]`), finds what was made and 404s the rest."""
    spec = tmp_path / "customers.yaml"
    spec.write_text(STRIPE_LIKE_DOCUMENT)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    with create_app(Settings(spec=spec, seed=3)).test_client() as client:
        made = client.post(
            "/v1/customers",
            content="name=Jenny+Rosen&metadata[order_id]=6735&address[city]=Berlin"
            "&expand[0]=sources",
            headers=form,
        )
        assert made.status_code == 200, made.text
        customer = made.json()
        assert customer["id"], customer  # made by the server, never blank
        assert (customer["name"], customer["metadata"], customer["address"]["city"]) == (
            "Jenny Rosen",
            {"order_id": "6735"},
            "Berlin",
        )
        again = client.post("/v1/customers", content="name=Another", headers=form)
        assert again.status_code == 200 and again.json()["id"] != customer["id"], again.text
        assert client.get(f"/v1/customers/{customer['id']}").json() == customer
        assert client.get("/v1/customers/cus_nonexistent").status_code == 404


FILES_DOCUMENT = """
openapi: 3.0.0
info: {title: files, version: "1"}
paths:
  /files/{uri}:
    parameters: [{name: uri, in: path, required: true, schema: {type: string}}]
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties: {uri: {type: string}}
        "404":
          description: none
          content:
            application/json:
              schema: {type: object, properties: {error: {type: string}}}
"""


def test_an_encoded_slash_stays_inside_its_path_parameter(tmp_path: Path) -> None:
    """DigiLocker's `/file/{uri}` takes a URI: `http%3A%2F%2Fa.example%2Fx` is one segment as
    the client wrote it, and routes to its operation (it was split at its slashes, matched no
    route, and answered a 404 in a shape the operation does not document)."""
    spec = tmp_path / "files.yaml"
    spec.write_text(FILES_DOCUMENT)
    with create_app(Settings(spec=spec, seed=3)).test_client() as client:
        found = client.get("/files/http%3A%2F%2Fa.example%2Fx")
        assert found.status_code == 200, found.text
        assert found.headers["content-type"].startswith("application/json")
        assert client.get("/files/plain").status_code == 200
        assert client.get("/files/a/b").status_code == 404  # a real slash is two segments


PICTURES_DOCUMENT = """
openapi: 3.0.0
info: {title: pictures, version: "1"}
paths:
  /artists/{name}/image:
    parameters: [{name: name, in: path, required: true, schema: {type: string}}]
    get:
      responses:
        "200":
          description: the picture
          content: {image/*: {schema: {type: string, format: binary}}}
  /songs/{id}/stream:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get:
      responses:
        "200":
          description: the sound
          content: {audio/*: {schema: {type: string, format: binary}}}
"""


def test_a_wildcard_media_type_is_answered_in_a_type_of_its_kind(tmp_path: Path) -> None:
    """Jellyfin documents `image/*` and `audio/*`: the answer is a picture and a sound
    (it was JSON, which neither wildcard admits)."""
    spec = tmp_path / "pictures.yaml"
    spec.write_text(PICTURES_DOCUMENT)
    with create_app(Settings(spec=spec, seed=3)).test_client() as client:
        picture = client.get("/artists/abba/image")
        assert (picture.status_code, picture.headers["content-type"]) == (200, "image/png")
        sound = client.get("/songs/1/stream")
        assert (sound.status_code, sound.headers["content-type"]) == (200, "audio/mpeg")


TYPED_TEMPLATES_DOCUMENT = """
openapi: 3.0.0
info: {title: projects, version: "1"}
paths:
  /projects/{project-id}/settings/config:
    parameters: [{name: project-id, in: path, required: true, schema: {type: integer}}]
    get:
      responses:
        "200":
          description: the configuration
          content: {application/x-yaml: {schema: {type: object}}}
        "400":
          description: not a project
          content: {application/json: {schema: {type: object}}}
  /projects/{provider}/{org}/{name}:
    parameters:
      - {name: provider, in: path, required: true, schema: {type: string}}
      - {name: org, in: path, required: true, schema: {type: string}}
      - {name: name, in: path, required: true, schema: {type: string}}
    get:
      responses:
        "200":
          description: a project
          content: {application/json: {schema: {type: object, properties: {id: {type: integer}}}}}
  /analyses/{analysis-id}:
    get:
      parameters: [{name: analysis-id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: an analysis
          content: {application/json: {schema: {type: object}}}
  /analyses/{project-id}:
    post:
      parameters: [{name: project-id, in: path, required: true, schema: {type: integer}}]
      responses:
        "202":
          description: queued
          content: {application/json: {schema: {type: object}}}
        "400":
          description: not a project
          content: {application/json: {schema: {type: object}}}
"""


@pytest.mark.parametrize("direct", [False, True])
def test_a_value_its_route_type_refuses_is_refused_by_its_own_operation(
    tmp_path: Path, direct: bool
) -> None:
    """LGTM: a route typed `int` did not match `abc`, so another template answered (a project
    in JSON for `/projects/abc/settings/config`) or none did (`POST /analyses/abc`: the GET's
    405). Any segment now routes to the operation its literal text names, which refuses the
    value in its own terms."""
    spec = tmp_path / "projects.yaml"
    spec.write_text(TYPED_TEMPLATES_DOCUMENT)
    settings = Settings(spec=spec, seed=3, direct=direct)
    with create_app(settings).test_client() as client:
        assert client.get("/projects/5/settings/config").headers["content-type"] == (
            "application/x-yaml"
        )
        refused = client.get("/projects/abc/settings/config")
        assert refused.status_code == 400, refused.text  # the other template would say 200
        assert client.get("/projects/github/acme/tools").status_code == 200
        assert client.post("/analyses/42").status_code == 202
        assert client.post("/analyses/abc").status_code == 400


LABELLED_DOCUMENT = """
openapi: 3.0.0
info: {title: issues, version: "1"}
components:
  schemas:
    label:
      type: object
      required: [id, name]
      properties: {id: {type: integer}, name: {type: string}}
    issue-simple:
      type: object
      required: [number, labels]
      properties:
        number: {type: integer}
        labels: {type: array, items: {$ref: "#/components/schemas/label"}}
    issue:
      type: object
      required: [number, labels]
      properties:
        number: {type: integer}
        title: {type: string}
        labels:
          type: array
          items:
            oneOf:
              - {type: string}
              - {type: object, properties: {id: {type: integer}, name: {type: string}}}
paths:
  /issues:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/issue-simple"}}
  /issues/{number}:
    parameters: [{name: number, in: path, required: true, schema: {type: integer}}]
    get:
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: "#/components/schemas/issue"}}}
"""


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_what_a_list_shows_as_objects_and_the_item_as_names_or_objects_is_objects(
    tmp_path: Path, seed: int
) -> None:
    """GitHub Enterprise's issue labels: label objects in the list, a name or a label in full.
    Made for both, they are labels (names broke the list's schema)."""
    spec = tmp_path / "issues.yaml"
    spec.write_text(LABELLED_DOCUMENT)
    with create_app(Settings(spec=spec, seed=seed)).test_client() as client:
        issues = client.get("/issues").json()
        assert issues
        assert all(isinstance(label, dict) for issue in issues for label in issue["labels"])


ENUM_KEYED_DOCUMENT = """
openapi: 3.0.0
info: {title: functions, version: "1"}
components:
  schemas:
    Function:
      type: object
      required: [functionType]
      properties:
        functionType: {type: string, enum: [PRE_ACTION, POST_ACTION]}
        source: {type: string}
paths:
  /functions:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Function"}}
  /functions/{functionType}:
    parameters:
      - {name: functionType, in: path, required: true, schema: {type: string}}
    get:
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: "#/components/schemas/Function"}}}
"""


def test_a_key_of_few_values_names_at_most_that_many_objects(tmp_path: Path) -> None:
    """HubSpot's functions are keyed by an enum of four: five generated objects needed a
    fifth key, made `PRE_FETCH_OPTIONS-5`, which the enum refuses."""
    spec = tmp_path / "functions.yaml"
    spec.write_text(ENUM_KEYED_DOCUMENT)
    with create_app(Settings(spec=spec, seed=3)).test_client() as client:
        listed = client.get("/functions").json()
        kinds = [function["functionType"] for function in listed]
        assert kinds and set(kinds) <= {"PRE_ACTION", "POST_ACTION"}
        assert len(kinds) == len(set(kinds))


GET_WITH_FORM_DOCUMENT = """
openapi: 3.1.0
info: {title: styles, version: "1"}
paths:
  /anything/form-data:
    get:
      requestBody:
        content:
          multipart/form-data:
            schema: {type: object, properties: {primitive: {type: string}}}
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {type: object}}}
"""


def test_a_get_whose_form_cannot_be_read_has_no_fields(tmp_path: Path) -> None:
    """The 3.1 examples' `GET /anything/form-data` documents a multipart body; a GET's
    Content-Type is dropped (DRF never reads a GET's body), so the form cannot be read: it is
    no field, never a 400."""
    spec = tmp_path / "styles.yaml"
    spec.write_text(GET_WITH_FORM_DOCUMENT)
    with create_app(Settings(spec=spec, seed=3)).test_client() as client:
        answer = client.request(
            "GET",
            "/anything/form-data",
            content=b"--b--\r\n",
            headers={"Content-Type": "multipart/form-data; boundary=b"},
        )
        assert answer.status_code == 200, answer.text


DELETE_WITH_FORM_DOCUMENT = """
openapi: 3.0.0
info: {title: keys, version: "1"}
paths:
  /settings/authorized-keys:
    delete:
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema: {type: object, properties: {authorized_key: {type: string}}}
      responses:
        "200":
          description: removed
          content: {application/json: {schema: {type: array, items: {type: object}}}}
"""


def test_a_delete_that_documents_a_form_body_reads_it(tmp_path: Path) -> None:
    """GitHub Enterprise removes an SSH key with `DELETE` and a form: a document that is not
    DRF's may give a DELETE a body, which is read (DRF's rule of dropping it answered 400
    "A request body is required")."""
    spec = tmp_path / "keys.yaml"
    spec.write_text(DELETE_WITH_FORM_DOCUMENT)
    with create_app(Settings(spec=spec, seed=3)).test_client() as client:
        answer = client.request(
            "DELETE",
            "/settings/authorized-keys",
            content=b"authorized_key=ssh-rsa+AAAA",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert answer.status_code == 200, answer.text


def test_an_operation_that_documents_only_a_range_answers_in_it(tmp_path: Path) -> None:
    """Keycloak's document answers `2XX` and nothing else: each such operation was a 500 (the
    range read as a number). A range answers its first status, or the one `Prefer` asks for
    in it; a status outside it is not documented."""
    spec = tmp_path / "ranged.yaml"
    spec.write_text(
        """
openapi: 3.0.3
info: {title: ranged, version: "1"}
paths:
  /count:
    get:
      responses:
        2XX:
          description: the count
          content: {application/json: {schema: {type: integer, minimum: 0}}}
"""
    )
    with create_app(Settings(spec=spec, seed=3)).test_client() as client:
        answer = client.get("/count")
        assert answer.status_code == 200 and answer.json() >= 0, answer.text
        assert client.get("/count", headers={"Prefer": "code=203"}).status_code == 203
        assert client.get("/count", headers={"Prefer": "code=404"}).status_code == 200


def test_fixtures_for_no_collection_of_the_document_are_not_served(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Every document got the built-in Event Matcher fixtures' 303 policies and bindings in
    its store (its health counted them): a fixture file serves only a collection of the
    document being served, and one of a folder the user gave that names none is said."""
    spec = tmp_path / "hooks.yaml"
    spec.write_text(FORM_DOCUMENT)
    with create_app(Settings(spec=spec, seed=3)).test_client() as client:
        assert set(client.get("/_mock/health").json()["counts"]) == {"hooks"}
    folder = tmp_path / "fixtures"
    folder.mkdir()
    (folder / "hooks.json").write_text('[{"id": "7", "url": "https://a.example"}]')
    (folder / "hook.json").write_text('[{"pk": 1}]')
    with caplog.at_level("WARNING", logger="specdouble"):
        app = create_app(Settings(spec=spec, fixtures=folder))
    with app.test_client() as client:
        assert client.get("/_mock/health").json()["counts"] == {"hooks": 1}
        assert client.get("/hooks/7").json()["url"] == "https://a.example"
    assert any("hook.json: not served" in r.getMessage() for r in caplog.records)


def test_a_path_parameter_described_by_its_media_type_routes(tmp_path: Path) -> None:
    """Stream's `/blocklists/{name}` describes `name` with `content: {application/json:
    {schema}}`, not `schema`: routing read only `schema`, the app failed to start its
    operations, and every request (the health check too) was a 500."""
    spec = tmp_path / "lists.yaml"
    spec.write_text(
        """
openapi: 3.0.3
info: {title: lists, version: "1"}
paths:
  /blocklists/{name}:
    delete:
      parameters:
        - name: name
          in: path
          required: true
          content: {application/json: {schema: {type: string}}}
      responses:
        "200": {description: gone}
"""
    )
    with create_app(Settings(spec=spec, seed=3)).test_client() as client:
        assert client.get("/_mock/health").status_code == 200
        assert client.delete("/blocklists/spam").status_code in (200, 404)  # no such list


def test_an_answer_of_another_schema_carries_only_values_its_schema_takes(
    tmp_path: Path,
) -> None:
    """Google's Cloud SQL answers a backup run's create and delete with an `Operation`
    whose `status` is PENDING, RUNNING or DONE: the run's own `DELETED` was carried into it
    (a field of the same name and kind), and the answer broke its schema. A carried value
    must be one the answer's field takes; the key still carries."""
    spec = tmp_path / "runs.yaml"
    spec.write_text(
        """
openapi: 3.0.3
info: {title: runs, version: "1"}
components:
  schemas:
    Run:
      type: object
      properties:
        id: {type: string}
        status: {type: string, enum: [ENQUEUED, DELETED]}
        note: {type: string}
    Operation:
      type: object
      properties:
        id: {type: string}
        status: {type: string, enum: [PENDING, DONE]}
        note: {type: string}
        operationType: {type: string, enum: [BACKUP]}
paths:
  /runs:
    post:
      requestBody:
        content: {application/json: {schema: {$ref: "#/components/schemas/Run"}}}
      responses:
        "200":
          description: the operation
          content: {application/json: {schema: {$ref: "#/components/schemas/Operation"}}}
  /runs/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get:
      responses:
        "200":
          description: the run
          content: {application/json: {schema: {$ref: "#/components/schemas/Run"}}}
"""
    )
    with create_app(Settings(spec=spec, seed=3)).test_client() as client:
        for seed in range(4):
            answer = client.post(
                "/runs", json={"id": f"r{seed}", "status": "DELETED", "note": "kept"}
            ).json()
            assert answer["status"] in ("PENDING", "DONE"), answer
            assert answer["note"] == "kept" and answer["id"] == f"r{seed}", answer
        assert client.get("/runs/r0").json()["status"] == "DELETED"


def test_a_path_with_text_beside_its_parameter_is_tried_before_the_bare_parameter(
    tmp_path: Path,
) -> None:
    """Callfire lists `/sounds/{id}` before `/sounds/{id}.mp3` and `/media/{id}` before
    `/media/{id}.{extension}`; parameters match any segment, so the bare ones took `134.mp3`
    and refused it as no integer."""
    spec = tmp_path / "sounds.yaml"
    spec.write_text(
        """
openapi: 3.0.3
info: {title: sounds, version: "1"}
paths:
  /sounds/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        "200":
          description: the sound's record
          content: {application/json: {schema: {type: object}}}
        "400": {description: refused}
  /sounds/{id}.mp3:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        "200":
          description: the sound
          content: {audio/mpeg: {schema: {type: string, format: binary}}}
  /sounds/{id}.{extension}:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
        - {name: extension, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: the sound, converted
          content: {audio/wav: {schema: {type: string, format: binary}}}
"""
    )
    with create_app(Settings(spec=spec, seed=3)).test_client() as client:
        assert client.get("/sounds/134.mp3").headers["content-type"].startswith("audio/mpeg")
        assert client.get("/sounds/134.wav").headers["content-type"].startswith("audio/wav")
        assert client.get("/sounds/134").headers["content-type"].startswith("application/json")


def test_content_documented_as_null_is_answered_as_json_null(tmp_path: Path) -> None:
    """OSF documents its created collection as `application/json` whose only example is
    `null`: the answer had no body and no Content-Type, which the document does not allow."""
    spec = tmp_path / "osf.yaml"
    spec.write_text(
        """
openapi: 3.0.3
info: {title: osf, version: "1"}
paths:
  /collections/:
    post:
      responses:
        "201":
          description: Created
          content: {application/json: {examples: {response: {value: null}}}}
  /ping:
    get:
      responses:
        "204": {description: nothing}
"""
    )
    with create_app(Settings(spec=spec, seed=3)).test_client() as client:
        made = client.post("/collections/")
        assert made.status_code == 201
        assert made.headers["content-type"].startswith("application/json")
        assert made.content == b"null"
        assert "content-type" not in client.get("/ping").headers


def test_content_of_any_type_whose_schema_is_text_is_taken_as_it_is(tmp_path: Path) -> None:
    """Apicurio's artifacts take `*/*` as a string: a form-encoded or multipart body was parsed
    into fields and refused as no string. A multipart body of parts none of which is named
    (Schemathesis' empty object) is a form of no fields; one that is no multipart is refused."""
    spec = tmp_path / "registry.yaml"
    spec.write_text(
        """
openapi: 3.0.3
info: {title: registry, version: "1"}
paths:
  /test:
    put:
      requestBody:
        required: true
        content: {"*/*": {schema: {type: string, format: binary}}}
      responses:
        "204": {description: tested}
  /search:
    post:
      requestBody:
        content: {multipart/form-data: {schema: {type: object, properties: {q: {type: string}}}}}
      responses:
        "200":
          description: found
          content: {application/json: {schema: {type: array, items: {type: string}}}}
        "400": {description: refused}
"""
    )
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    boundary = "4bea7452f2ee0b84"
    multipart = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    with create_app(Settings(spec=spec, seed=3)).test_client() as client:
        assert client.put("/test", content=b"a=1&b=2", headers=form).status_code == 204
        assert client.put("/test", content=b"", headers=form).status_code == 204
        unnamed = f"--{boundary}\r\n--{boundary}--\r\n".encode()
        assert client.post("/search", content=unnamed, headers=multipart).status_code == 200
        assert client.post("/search", content=b"junk", headers=multipart).status_code == 400


@pytest.mark.parametrize("key", ["/{tenant}/{next}", "/{tenant}/{next}#Users_ListNext"])
def test_the_control_routes_are_no_path_of_the_document(tmp_path: Path, key: str) -> None:
    """GraphRBAC's `/{tenantID}/{nextLink}#Applications_ListNext` (and any `/{a}/{b}`) takes
    every path of two segments: `/_mock/health` answered the document's 401, and the corpus
    judge waited 90 s for a server that never said it was up."""
    spec = tmp_path / "two.yaml"
    spec.write_text(
        f"""
openapi: 3.0.3
info: {{title: two, version: "1"}}
security: [{{key: []}}]
components:
  securitySchemes:
    key: {{type: apiKey, in: header, name: X-Key}}
paths:
  "{key}":
    get:
      parameters:
        - {{name: tenant, in: path, required: true, schema: {{type: string}}}}
        - {{name: next, in: path, required: true, schema: {{type: string}}}}
      responses:
        "200": {{description: a page, content: {{application/json: {{schema: {{type: object}}}}}}}}
        "401": {{description: no key}}
"""
    )
    with create_app(Settings(spec=spec, seed=3)).test_client() as client:
        assert client.get("/_mock/health").json()["status"] == "ok"
        assert client.get("/_mock/requests").status_code == 403  # the control token's
        assert client.get("/a/b").status_code == 401
        assert client.get("/a/b", headers={"X-Key": "k"}).status_code == 200


BACKTRACKING_DOCUMENT = r"""
openapi: 3.0.3
info: {title: beezup, version: "1"}
paths:
  /picture:
    get:
      parameters:
        - {name: url, in: query, schema: {$ref: "#/components/schemas/Url"}}
      responses:
        "200":
          description: the picture
          content:
            application/json:
              schema:
                type: object
                required: [url]
                properties: {url: {$ref: "#/components/schemas/Url"}}
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties: {url: {$ref: "#/components/schemas/Url"}}
      responses: {"204": {description: taken}}
components:
  schemas:
    Url:
      type: string
      pattern: '^(https?:\/\/)?([\da-z\.-]+)\.([a-z\.]{2,6})([\/\w \.-]*)*\/?$'
      example: https://www.gravatar.com/avatar/205e460b479e2e5b48aec07710c08d50?d=mm
"""


def test_a_pattern_that_backtracks_without_end_is_answered_at_once(tmp_path: Path) -> None:
    """BeezUP's URL pattern repeats a repeated class, `([\\/\\w \\.-]*)*`: Python's engine takes
    exponential time to refuse a string with a `?`, which held the whole server. Its example,
    a query parameter and a body that break it are each refused in no time."""
    spec = tmp_path / "beezup.yaml"
    spec.write_text(BACKTRACKING_DOCUMENT)
    refused = "https://www.gravatar.com/avatar/205e460b479e2e5b48aec07710c08d50?d=mm"
    with create_app(Settings(spec=spec, seed=1)).test_client() as client:
        shown = client.get("/picture")
        assert shown.status_code == 200, shown.text
        assert "?" not in shown.json()["url"]  # the example breaks its own pattern
        assert client.get("/picture", params={"url": refused}).status_code == 400
        assert client.post("/picture", json={"url": refused}).status_code == 400
        assert client.post("/picture", json={"url": "http://www.mydomain.com/a"}).status_code == 204


def test_a_yaml_document_whose_keys_are_numbers_is_served(tmp_path: Path) -> None:
    """YAML reads `200:` as a number: the document is served as if it were written `'200':`,
    and the document itself is left as it was read."""
    spec = tmp_path / "numbered.yaml"
    spec.write_text(
        "openapi: 3.0.3\n"
        "info: {title: Numbered, version: '1'}\n"
        "paths:\n"
        "  /pets:\n"
        "    get:\n"
        "      operationId: listPets\n"
        "      responses:\n"
        "        200:\n"
        "          description: The pets.\n"
        "          content:\n"
        "            application/json:\n"
        "              schema:\n"
        "                type: array\n"
        "                items: {type: object, properties: {name: {type: string}}}\n"
        "        404: {description: None.}\n"
    )
    with create_app(Settings(spec=spec, seed=1, cache=None)).test_client() as client:
        answer = client.get("/pets")
    assert answer.status_code == 200
    pets = answer.json()
    assert isinstance(pets, list) and all(set(pet) <= {"name"} for pet in pets)


def test_a_document_holding_an_integer_past_64_bits_keeps_its_data(tmp_path: Path) -> None:
    """orjson writes no integer past 64 bits: such an example (DigitalOcean's) once made the
    start copy the document the slow way and generate its data again at every start."""
    spec = tmp_path / "big.json"
    spec.write_text(
        json.dumps(
            {
                "openapi": "3.0.3",
                "info": {"title": "Big", "version": "1"},
                "paths": {
                    "/sizes": {
                        "get": {
                            "operationId": "listSizes",
                            "responses": {
                                "200": {
                                    "description": "Sizes.",
                                    "content": {
                                        "application/json": {
                                            "schema": {
                                                "type": "array",
                                                "items": {"type": "integer"},
                                            },
                                            "example": [2**70],
                                        }
                                    },
                                }
                            },
                        }
                    }
                },
            }
        )
    )
    cache = tmp_path / "cache"
    with create_app(Settings(spec=spec, seed=1, cache=cache)).test_client() as client:
        assert client.get("/sizes").json() == [2**70]
    assert list((cache / "data").glob("*.marshal"))


def test_building_a_server_leaves_the_cycle_collector_as_it_found_it() -> None:
    """The collector is paused while a server is built (it would walk the growing document
    again and again), and is on again afterwards, or still off where the caller turned it off."""
    import gc

    settings = Settings(seed=1)  # the built-in document and data
    collections: list[str] = []

    def counted(phase: str, _info: dict[str, int]) -> None:
        collections.append(phase)

    assert gc.isenabled()
    gc.callbacks.append(counted)
    try:
        create_app(settings)
    finally:
        gc.callbacks.remove(counted)
    # Tens of thousands of objects made, and at most the one collection they call for once the
    # collector is on again (without the pause: 55).
    assert collections.count("start") <= 1
    assert gc.isenabled()
    gc.disable()
    try:
        create_app(settings)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_body_of_no_media_type_is_no_body(tmp_path: Path) -> None:
    """Just Eat's `requestBody: {content: {}, required: false}` on a POST and a DELETE: the
    operations answer as documented, with or without a body sent, never a 500."""
    spec = tmp_path / "channels.yaml"
    spec.write_text(
        """
openapi: 3.0.1
info: {title: channels, version: "1"}
paths:
  /channels/{channel}:
    parameters:
      - {name: channel, in: path, required: true, schema: {type: string}}
    post:
      requestBody: {content: {}, required: false}
      responses: {"204": {description: subscribed}}
    delete:
      requestBody: {$ref: "#/components/requestBodies/Nothing"}
      responses: {"204": {description: unsubscribed}}
components:
  requestBodies:
    Nothing: {content: {}, required: false}
"""
    )
    with create_app(Settings(spec=spec, seed=1)).test_client() as client:
        assert client.post("/channels/email").status_code == 204
        assert client.post("/channels/email", json={"any": "thing"}).status_code == 204
        assert client.delete("/channels/email").status_code == 204
