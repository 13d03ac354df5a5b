"""Resources of a document without DRF's conventions, found by their paths and schemas and
served statefully: create, list, read, replace, update, delete, paging in three ways, filters,
search, ordering, conflicts and refusals in the document's shapes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from specdouble.server.app import create_app
from specdouble.settings import Settings

DOCUMENTS = Path(__file__).parent.parent / "documents"
AUTH = {"Authorization": "Bearer any-well-formed-token"}


@pytest.fixture(params=[True, False], ids=["direct", "connexion"])
def tasks(request: pytest.FixtureRequest) -> Iterator[Any]:
    settings = Settings(spec=DOCUMENTS / "tasks-plain.yaml", seed=3, direct=request.param)
    with create_app(settings).test_client(headers=AUTH) as client:
        yield client


def test_a_create_shows_up_in_the_list_and_reads_back(tasks: Any) -> None:
    before = tasks.get("/api/tasks").json()
    assert (before["total"], before["limit"], before["offset"]) == (5, 10, 0)
    assert [task["id"] for task in before["items"]] == [1, 2, 3, 4, 5]
    made = tasks.post("/api/tasks", json={"title": "Write the tests", "status": "todo"})
    assert made.status_code == 201
    task = made.json()
    assert task == {"id": 6, "title": "Write the tests", "status": "todo", "estimate": None}
    assert tasks.get("/api/tasks/6").json() == task
    after = tasks.get("/api/tasks").json()
    assert after["total"] == 6 and after["items"][-1] == task


def test_put_and_patch_change_it_and_delete_makes_it_404(tasks: Any) -> None:
    tasks.post("/api/tasks", json={"title": "Draft", "status": "todo"})
    replaced = tasks.put("/api/tasks/6", json={"title": "Final", "status": "doing", "estimate": 3})
    assert replaced.status_code == 200
    assert replaced.json() == {"id": 6, "title": "Final", "status": "doing", "estimate": 3}
    patched = tasks.patch("/api/tasks/6", json={"status": "done"})
    assert patched.json() == {"id": 6, "title": "Final", "status": "done", "estimate": 3}
    assert tasks.get("/api/tasks/6").json()["status"] == "done"
    gone = tasks.delete("/api/tasks/6")
    assert (gone.status_code, gone.content) == (204, b"")
    missing = tasks.get("/api/tasks/6")
    assert missing.status_code == 404  # in the shape the operation documents for it
    assert missing.json() == {"message": "No Task matches the given query.", "code": 404}
    assert tasks.get("/api/tasks").json()["total"] == 5


def test_limit_offset_filters_search_and_sort(tasks: Any) -> None:
    page = tasks.get("/api/tasks", params={"limit": 2, "offset": 1}).json()
    assert [task["id"] for task in page["items"]] == [2, 3]
    assert (page["total"], page["limit"], page["offset"]) == (5, 2, 1)
    everything = tasks.get("/api/tasks").json()["items"]
    for status in ("todo", "doing", "done"):
        found = tasks.get("/api/tasks", params={"status": status}).json()
        assert found["items"] == [task for task in everything if task["status"] == status]
        assert found["total"] == len(found["items"])
    tasks.post("/api/tasks", json={"title": "Water the ficus", "status": "todo"})
    searched = tasks.get("/api/tasks", params={"q": "FICUS"}).json()
    assert [task["title"] for task in searched["items"]] == ["Water the ficus"]
    newest_first = tasks.get("/api/tasks", params={"sort": "-id"}).json()["items"]
    assert [task["id"] for task in newest_first] == [6, 5, 4, 3, 2, 1]
    by_title = tasks.get("/api/tasks", params={"sort": "title:asc"}).json()["items"]
    assert [task["title"] for task in by_title] == sorted(task["title"] for task in by_title)


def test_a_bare_array_paged_by_page_and_per_page(tasks: Any) -> None:
    every = tasks.get("/api/boards").json()
    assert isinstance(every, list) and len(every) == 5
    second = tasks.get("/api/boards", params={"page": 2, "per_page": 2}).json()
    assert second == every[2:4]
    assert tasks.get("/api/boards", params={"page": 9, "per_page": 2}).json() == []


def test_a_cursor_walks_the_list_to_its_end(tasks: Any) -> None:
    seen, cursor = [], None
    for _ in range(10):
        page = tasks.get("/api/events", params={"cursor": cursor} if cursor else {}).json()
        seen += page["data"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 5 and len({event["id"] for event in seen}) == 5
    # A cursor the server never made, where the list documents no refusal: past the end.
    bogus = tasks.get("/api/events", params={"cursor": "not-ours"})
    assert bogus.status_code == 200
    assert (bogus.json()["data"], bogus.json()["next_cursor"]) == ([], None)


def test_a_key_from_the_body_is_never_overwritten(tasks: Any) -> None:
    made = tasks.post("/api/boards", json={"slug": "roadmap", "name": "Roadmap"})
    assert made.status_code == 201
    assert tasks.get("/api/boards/roadmap").json() == {"slug": "roadmap", "name": "Roadmap"}
    again = tasks.post("/api/boards", json={"slug": "roadmap", "name": "Someone else's"})
    assert again.status_code == 409  # the conflict the document documents, not an overwrite
    assert again.json() == {"message": "Board with this slug already exists.", "code": 409}
    assert tasks.get("/api/boards/roadmap").json()["name"] == "Roadmap"


def test_invalid_input_is_refused_with_the_documented_status_and_shape(tasks: Any) -> None:
    refused = tasks.post("/api/tasks", json={"title": "", "status": "someday"})
    assert refused.status_code == 422  # the operation documents 422, not 400
    message = refused.json()["message"]
    assert "title: '' should be non-empty" in message
    assert "status: 'someday' is not one of ['todo', 'doing', 'done']" in message
    assert tasks.get("/api/tasks").json()["total"] == 5  # nothing was written
    unknown = tasks.get("/api/tasks/abc")  # not an integer: no such task, in its shape
    assert (unknown.status_code, unknown.json()) == (404, {"message": "Not found.", "code": 404})
    anonymous = tasks.get("/api/tasks", headers={"Authorization": ""})
    assert anonymous.status_code == 401


def test_the_same_seed_makes_the_same_state() -> None:
    bodies = []
    for _ in range(2):
        settings = Settings(spec=DOCUMENTS / "tasks-plain.yaml", seed=11)
        with create_app(settings).test_client(headers=AUTH) as client:
            client.post("/api/events", json={"kind": "deploy"})
            bodies.append((client.get("/api/tasks").content, client.get("/api/events").content))
    assert bodies[0] == bodies[1]


NUMBERED = """
openapi: 3.0.3
info: {title: numbered, version: "1"}
paths:
  /things/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: number}}
    post:
      responses:
        "200": {description: OK}
"""


@pytest.mark.parametrize("direct", [True, False], ids=["direct", "connexion"])
@pytest.mark.parametrize("segment", ["%0A", "1%0A", "%0D", "%00"])
def test_a_path_with_a_control_character_names_no_route(
    tmp_path: Path, direct: bool, segment: str
) -> None:
    """A newline in a path segment is not the end of a number (a router's pattern reads `$`
    before a final newline, and its convertor then fails on what is left): 404, never a 500."""
    (tmp_path / "numbered.yaml").write_text(NUMBERED)
    settings = Settings(spec=tmp_path / "numbered.yaml", seed=3, direct=direct)
    with create_app(settings).test_client(headers=AUTH) as client:
        answer = client.post(f"/things/{segment}")
        assert answer.status_code == 404, answer.text
        assert client.post("/things/1.5").status_code == 200


SUMMARIES = """
openapi: 3.0.3
info: {title: Notes, version: "1"}
paths:
  /notes:
    get:
      responses:
        "200":
          description: the notes, each summarised
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Note"}}
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/FullNote"}
      responses:
        "200":
          description: the note
          content:
            application/json: {schema: {$ref: "#/components/schemas/FullNote"}}
  /notes/{noteId}:
    parameters: [{name: noteId, in: path, required: true, schema: {type: string}}]
    get:
      responses:
        "200":
          description: the note in full
          content:
            application/json: {schema: {$ref: "#/components/schemas/FullNote"}}
    delete:
      responses: {"204": {description: gone}}
components:
  schemas:
    Note:
      type: object
      properties:
        id: {type: string, readOnly: true}
        title: {type: string}
    FullNote:
      allOf:
        - $ref: "#/components/schemas/Note"
        - type: object
          properties:
            body: {type: string}
            tags: {type: array, items: {type: string}}
"""


def test_a_list_of_summaries_and_an_item_in_full_are_one_resource(tmp_path: Path) -> None:
    """A list that shows a summary (`Note`) of what the item path and the create answer in full
    (`FullNote` = `Note` and more): what is created reads back in full, and the list shows its
    summary."""
    (tmp_path / "notes.yaml").write_text(SUMMARIES)
    settings = Settings(spec=tmp_path / "notes.yaml", seed=5)
    with create_app(settings).test_client(headers=AUTH) as client:
        made = client.post("/notes", json={"title": "Mine", "body": "text", "tags": ["a"]})
        assert made.status_code == 200
        note = made.json()
        assert (note["title"], note["body"], note["tags"]) == ("Mine", "text", ["a"])
        assert client.get(f"/notes/{note['id']}").json() == note
        listed = [n for n in client.get("/notes").json() if n["id"] == note["id"]]
        assert listed == [{"id": note["id"], "title": "Mine"}]
        assert client.delete(f"/notes/{note['id']}").status_code == 204
        assert client.get(f"/notes/{note['id']}").status_code == 404


WRITE_ONLY_SUMMARIES = SUMMARIES.replace(
    "title: {type: string}", "title: {type: string, writeOnly: true}"
).replace("id: {type: string, readOnly: true}", "id: {type: string, writeOnly: true}")


def test_a_list_whose_summary_may_show_nothing_shows_nothing(tmp_path: Path) -> None:
    """Jira's field configurations: the list documents a summary of `writeOnly` fields alone,
    so each object listed shows none of its fields, not the whole object."""
    (tmp_path / "notes.yaml").write_text(WRITE_ONLY_SUMMARIES)
    settings = Settings(spec=tmp_path / "notes.yaml", seed=5)
    with create_app(settings).test_client(headers=AUTH) as client:
        made = client.post("/notes", json={"title": "Mine", "body": "text"})
        assert made.status_code == 200, made.text
        listed = client.get("/notes").json()
        assert listed and all(each == {} for each in listed), listed


BRIEF_REQUIRES = """
openapi: 3.0.3
info: {title: Gists, version: "1"}
paths:
  /gists:
    get:
      responses:
        "200":
          description: the gists, each in brief
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Brief"}}
    post:
      requestBody:
        content: {application/json: {schema: {$ref: "#/components/schemas/Full"}}}
      responses:
        "201":
          description: the gist
          content: {application/json: {schema: {$ref: "#/components/schemas/Full"}}}
  /gists/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get:
      responses:
        "200":
          description: the gist
          content: {application/json: {schema: {$ref: "#/components/schemas/Full"}}}
components:
  schemas:
    Brief:
      type: object
      required: [id, public]
      properties: {id: {type: string, readOnly: true}, public: {type: boolean}}
    Full:
      type: object
      properties:
        id: {type: string, readOnly: true}
        public: {type: boolean}
        body: {type: string}
"""


def test_what_the_lists_summary_requires_is_shown_though_the_create_left_it_out(
    tmp_path: Path,
) -> None:
    """GitHub's gists: the list's `base-gist` requires `public`, the create and the item do
    not. A gist made without it is listed with it, as the list promises."""
    (tmp_path / "gists.yaml").write_text(BRIEF_REQUIRES)
    settings = Settings(spec=tmp_path / "gists.yaml", seed=5)
    with create_app(settings).test_client(headers=AUTH) as client:
        made = client.post("/gists", json={"body": "text"})
        assert made.status_code == 201, made.text
        listed = [g for g in client.get("/gists").json() if g["id"] == made.json()["id"]]
        assert len(listed) == 1 and isinstance(listed[0].get("public"), bool), listed


ENVELOPED = """
openapi: 3.0.3
info: {title: Envelopes, version: "1"}
paths:
  /projects:
    get:
      responses:
        "200":
          description: the projects, in brief
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {type: array, items: {$ref: "#/components/schemas/Compact"}}
    post:
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {data: {$ref: "#/components/schemas/Request"}}}
      responses:
        "201":
          description: the project, in Asana's envelope
          content:
            application/json:
              schema: {type: object, properties: {data: {$ref: "#/components/schemas/Project"}}}
  /projects/{gid}:
    parameters: [{name: gid, in: path, required: true, schema: {type: string}}]
    get:
      responses:
        "200":
          description: the project
          content:
            application/json:
              schema: {type: object, properties: {data: {$ref: "#/components/schemas/Project"}}}
  /notes/:
    post:
      requestBody:
        content: {application/json: {schema: {$ref: "#/components/schemas/NotePost"}}}
      responses:
        "201":
          description: Superset's envelope, around the fields it took
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: {type: number}
                  result: {$ref: "#/components/schemas/NotePost"}
  /notes/{note_id}:
    parameters: [{name: note_id, in: path, required: true, schema: {type: integer}}]
    get:
      responses:
        "200":
          description: the note, in its envelope
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: {type: string}
                  result: {$ref: "#/components/schemas/Note"}
components:
  schemas:
    Compact:
      type: object
      properties: {gid: {type: string, readOnly: true}, name: {type: string}}
    Request:
      type: object
      properties: {name: {type: string}, notes: {type: string}}
    Project:
      type: object
      properties:
        gid: {type: string, readOnly: true}
        name: {type: string}
        notes: {type: string}
    NotePost:
      type: object
      properties: {text: {type: string}, detail: {type: string}}
    Note:
      type: object
      properties:
        id: {type: integer, readOnly: true}
        text: {type: string}
        detail: {type: string, nullable: true}
"""


def test_objects_answered_in_an_envelope_are_the_objects_sent(tmp_path: Path) -> None:
    """Asana answers `{data: {...}}` and takes its creates so; Superset answers `{id, result:
    {...}}` and takes the bare object: what is created is what the envelope holds and what
    reads back, never made-up values."""
    (tmp_path / "envelopes.yaml").write_text(ENVELOPED)
    settings = Settings(spec=tmp_path / "envelopes.yaml", seed=5)
    with create_app(settings).test_client(headers=AUTH) as client:
        made = client.post("/projects", json={"data": {"name": "Stuff", "notes": "n"}})
        assert made.status_code == 201, made.text
        project = made.json()["data"]
        assert (project["name"], project["notes"]) == ("Stuff", "n")
        assert client.get(f"/projects/{project['gid']}").json() == {"data": project}
        listed = client.get("/projects").json()["data"]
        assert {"gid": project["gid"], "name": "Stuff"} in listed
        note = client.post("/notes/", json={"text": "mine"})
        assert note.status_code == 201, note.text
        body = note.json()
        assert isinstance(body["id"], int) and body["result"]["text"] == "mine"
        assert "detail" not in body["result"]  # held as null, which the answer cannot show
        read = client.get(f"/notes/{body['id']}").json()
        assert read["id"] == str(body["id"]) and read["result"]["text"] == "mine"


NAMED_ENVELOPES = """
openapi: 3.0.3
info: {title: Experiments, version: "1"}
paths:
  /projects:
    get:
      responses:
        "200":
          description: AWS lists summaries, beside a token
          content:
            application/json:
              schema:
                type: object
                properties:
                  nextToken: {type: string}
                  projects: {type: array, items: {$ref: "#/components/schemas/Summary"}}
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [name]
              properties: {name: {type: string}, description: {type: string}}
      responses:
        "200":
          description: the project, under its own name
          content:
            application/json:
              schema:
                type: object
                required: [project]
                properties: {project: {allOf: [{$ref: "#/components/schemas/Project"}]}}
  /projects/{project}:
    parameters: [{name: project, in: path, required: true, schema: {type: string}}]
    get:
      responses:
        "200":
          description: the project, under its own name
          content:
            application/json:
              schema:
                type: object
                required: [project]
                properties: {project: {allOf: [{$ref: "#/components/schemas/Project"}]}}
  /launches:
    get:
      responses:
        "200":
          description: the launches
          content:
            application/json:
              schema:
                type: object
                properties:
                  launches: {type: array, items: {$ref: "#/components/schemas/Launch"}}
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties: {name: {type: string}, config: {type: string}}
      responses:
        "200":
          description: the launch, under its own name; the body sends what it does not show
          content:
            application/json:
              schema:
                type: object
                required: [launch]
                properties: {launch: {allOf: [{$ref: "#/components/schemas/Launch"}]}}
  /launches/{launch}:
    parameters: [{name: launch, in: path, required: true, schema: {type: string}}]
    get:
      responses:
        "200":
          description: the launch
          content:
            application/json:
              schema:
                type: object
                required: [launch]
                properties: {launch: {allOf: [{$ref: "#/components/schemas/Launch"}]}}
components:
  schemas:
    Summary:
      type: object
      required: [name]
      properties: {name: {type: string}, arn: {type: string}}
    Project:
      type: object
      required: [name, arn, status]
      properties:
        name: {type: string}
        arn: {type: string}
        description: {type: string}
        status: {type: string, enum: [AVAILABLE, UPDATING]}
    Launch:
      type: object
      required: [name, status]
      properties: {name: {type: string}, status: {type: string}}
"""


def test_an_envelope_the_path_names_holds_the_object_and_an_object_is_no_key(
    tmp_path: Path,
) -> None:
    """AWS answers `{project: {...}}` for `/projects/{project}`: the slot the path names holds
    the object created, which reads back under its key. Where the body does not send the
    object's fields (`config`), the envelope is not read as one, and the path's `{launch}`,
    naming the object-valued `launch`, is no key: the answers obey their schemas."""
    (tmp_path / "named.yaml").write_text(NAMED_ENVELOPES)
    with create_app(Settings(spec=tmp_path / "named.yaml", seed=3)).test_client(
        headers=AUTH
    ) as client:
        made = client.post("/projects", json={"name": "p1", "description": "d"})
        assert made.status_code == 200, made.text
        project = made.json()["project"]
        assert (project["name"], project["description"]) == ("p1", "d")
        assert client.get("/projects/p1").json() == {"project": project}
        assert {"name": "p1", "arn": project["arn"]} in client.get("/projects").json()["projects"]
        launched = client.post("/launches", json={"name": "l1", "config": "c"})
        assert launched.status_code == 200, launched.text
        assert isinstance(launched.json()["launch"], dict)
        assert isinstance(client.get("/launches/l1").json()["launch"], dict)


def collection_document(title: str, path: str, schema: str, schemas: str) -> str:
    """A document of one collection at `path` (`/tasks/`): its list, its create and the read
    of one, each of the component `schema`; `schemas`, the components' YAML, indented four."""
    ref = f'{{$ref: "#/components/schemas/{schema}"}}'
    return f"""
openapi: 3.0.3
info: {{title: {title}, version: "1"}}
paths:
  {path}:
    get:
      responses:
        "200":
          description: the list
          content: {{application/json: {{schema: {{type: array, items: {ref}}}}}}}
    post:
      requestBody: {{content: {{application/json: {{schema: {ref}}}}}}}
      responses:
        "201":
          description: made
          content: {{application/json: {{schema: {ref}}}}}
  {path}{{id}}/:
    parameters: [{{name: id, in: path, required: true, schema: {{type: string}}}}]
    get:
      responses:
        "200":
          description: the one
          content: {{application/json: {{schema: {ref}}}}}
components:
  schemas:
{schemas}"""


NESTED_READ_ONLY = collection_document(
    "Tasks",
    "/tasks/",
    "Task",
    """    Task:
      type: object
      required: [id, address]
      properties:
        id: {type: string, format: uuid, readOnly: true}
        address: {$ref: "#/components/schemas/Address"}
    Address:
      type: object
      required: [geocoded_at]
      properties:
        street: {type: string}
        geocoded_at: {type: string, format: date-time, readOnly: true}
""",
)


ADDRESS_IN_PARTS = """    Address:
      type: object
      required: [geocoded_at]
      allOf:
        - properties: {street: {type: string}}
        - properties: {geocoded_at: {type: string, format: date-time, readOnly: true}}
"""


@pytest.mark.parametrize("parts", [False, True], ids=["own properties", "required beside allOf"])
def test_a_nested_objects_required_read_only_fields_are_the_servers_to_make(
    tmp_path: Path, parts: bool
) -> None:
    """GSM Tasks' task holds its address, whose `geocoded_at` the server sets: a client never
    sends it, and the object written shows it, made from its schema, as it reads back; also
    where the address requires it beside the `allOf` whose part defines it."""
    document = NESTED_READ_ONLY
    if parts:
        document = document[: document.index("    Address:")] + ADDRESS_IN_PARTS
    (tmp_path / "tasks.yaml").write_text(document)
    with create_app(Settings(spec=tmp_path / "tasks.yaml", seed=2)).test_client(
        headers=AUTH
    ) as client:
        made = client.post("/tasks/", json={"address": {"street": "Main St"}})
        assert made.status_code == 201, made.text
        address = made.json()["address"]
        assert address["street"] == "Main St"
        assert datetime.fromisoformat(address["geocoded_at"].replace("Z", "+00:00"))
        assert client.get(f"/tasks/{made.json()['id']}/").json() == made.json()


MADE_KEYS = """
openapi: 3.0.3
info: {title: Links, version: "1"}
paths:
  /links:
    get:
      responses:
        "200":
          description: the links
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Link"}}
    post:
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {reference: {type: string}}}
      responses:
        "200":
          description: the link
          content:
            application/json: {schema: {$ref: "#/components/schemas/Link"}}
  /links/{linkId}:
    get:
      parameters: [{name: linkId, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: the link
          content:
            application/json: {schema: {$ref: "#/components/schemas/Link"}}
components:
  schemas:
    Link:
      type: object
      properties:
        id: {type: string, minLength: 32, maxLength: 32, pattern: "^[0-9A-Z]{32}$"}
        reference: {type: string}
        created: {type: integer, format: int64, description: Unix time}
"""


def test_a_key_the_server_makes_and_a_numeric_created_obey_their_schemas(
    tmp_path: Path,
) -> None:
    """A key the client never sends, neither a UUID nor a number (`[0-9A-Z]{32}`), is drawn
    from its schema; a `created` the document types as an integer holds Unix seconds."""
    (tmp_path / "links.yaml").write_text(MADE_KEYS)
    with create_app(Settings(spec=tmp_path / "links.yaml", seed=1)).test_client(
        headers=AUTH
    ) as client:
        made = client.post("/links", json={"reference": "payment_1"})
        assert made.status_code == 200, made.text
        link = made.json()
        assert re.fullmatch(r"[0-9A-Z]{32}", link["id"])
        assert isinstance(link["created"], int) and link["created"] > 1_700_000_000
        assert client.get(f"/links/{link['id']}").json() == link


GISTS = """
openapi: 3.0.3
info: {title: Gists, version: "1"}
paths:
  /gists:
    get:
      responses:
        "200":
          description: the gists, each summarised
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Gist"}}
    post:
      requestBody:
        required: false
        content:
          application/json:
            schema:
              nullable: true
              type: object
              properties: {homepage: {type: string}, public: {type: boolean, nullable: true}}
      responses:
        "201":
          description: the gist
          content:
            application/json: {schema: {$ref: "#/components/schemas/FullGist"}}
  /gists/{gistId}:
    parameters: [{name: gistId, in: path, required: true, schema: {type: string}}]
    get:
      responses:
        "200":
          description: the gist in full
          content:
            application/json: {schema: {$ref: "#/components/schemas/FullGist"}}
    patch:
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {public: {type: boolean}}}
      responses: {"204": {description: changed}}
components:
  schemas:
    Gist:
      type: object
      properties:
        id: {type: string, readOnly: true}
        created_at: {type: string, format: date-time}
        homepage: {type: string, format: uri, nullable: true}
    FullGist:
      type: object
      properties:
        id: {type: string, readOnly: true}
        created_at: {type: string}
        homepage: {type: string, nullable: true}
        public: {type: boolean}
"""


def test_a_resource_obeys_every_schema_that_shows_it(tmp_path: Path) -> None:
    """GitHub's gists: the list's schema says more of a field (a date-time, a URI) than the
    item's; what is made and what is written must be showable in both. A create may have no
    body (null); an update documented as 204 answers no content."""
    (tmp_path / "gists.yaml").write_text(GISTS)
    settings = Settings(spec=tmp_path / "gists.yaml", seed=5)
    with create_app(settings).test_client(headers=AUTH) as client:
        for gist in client.get("/gists").json():
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT.*Z", gist["created_at"]), gist
        made = client.post("/gists", content=b"null", headers={"Content-Type": "application/json"})
        assert made.status_code == 201, made.text
        refused = client.post("/gists", json={"homepage": "not a link"})
        assert refused.status_code == 400
        assert "homepage" in refused.text
        # The request allows a null `public`; the object holds a boolean.
        assert client.post("/gists", json={"public": None}).status_code == 400
        gist = client.post("/gists", json={"homepage": "https://example.com/", "public": True})
        changed = client.patch(f"/gists/{gist.json()['id']}", json={"public": False})
        assert (changed.status_code, changed.content) == (204, b"")
        assert client.get(f"/gists/{gist.json()['id']}").json()["public"] is False


PETSTORE = """
openapi: 3.0.3
info: {title: Petstore, version: "1"}
paths:
  /pet:
    post:
      requestBody:
        content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}
      responses: {"405": {description: Invalid input}}
  /pet/findByStatus:
    get:
      parameters:
        - name: status
          in: query
          required: true
          explode: true
          schema: {type: array, items: {type: string, enum: [available, pending, sold]}}
      responses:
        "200":
          description: the pets
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Pet"}}
  /pet/findByTags:
    get:
      parameters:
        - {name: tags, in: query, required: true, schema: {type: array, items: {type: string}}}
      responses:
        "200":
          description: the pets
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Pet"}}
  /pet/{petId}:
    parameters: [{name: petId, in: path, required: true, schema: {type: integer}}]
    get:
      responses:
        "200":
          description: a pet
          content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}
        "404": {description: Pet not found}
    delete:
      responses: {"400": {description: Invalid pet value}}
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        id: {type: integer, readOnly: true}
        name: {type: string}
        status: {type: string, enum: [available, pending, sold]}
        tags:
          type: array
          items:
            type: object
            properties: {id: {type: integer}, name: {type: string}}
"""


def test_objects_a_document_never_lists_whole_read_back_through_its_finders(
    tmp_path: Path,
) -> None:
    """Swagger's Petstore: no `GET /pet`, a create that documents only its refusal, and
    finders (`findByStatus`, `findByTags`) that answer arrays of pets. What is created reads
    back under the key the answer gives, and each finder finds it by what it names."""
    (tmp_path / "petstore.yaml").write_text(PETSTORE)
    settings = Settings(spec=tmp_path / "petstore.yaml", seed=5)
    with create_app(settings).test_client(headers=AUTH) as client:
        made = client.post(
            "/pet", json={"name": "Rex", "status": "sold", "tags": [{"name": "good"}]}
        )
        assert made.status_code == 201, made.text
        pet = made.json()
        assert (pet["name"], pet["status"]) == ("Rex", "sold")
        assert client.get(f"/pet/{pet['id']}").json() == pet
        sold = client.get("/pet/findByStatus", params=[("status", "sold"), ("status", "pending")])
        assert pet in sold.json()
        assert all(p["status"] in ("sold", "pending") for p in sold.json())
        assert pet not in client.get("/pet/findByStatus", params={"status": "available"}).json()
        assert client.get("/pet/findByTags", params={"tags": "good"}).json() == [pet]
        client.delete(f"/pet/{pet['id']}")
        assert client.get(f"/pet/{pet['id']}").status_code == 404
        assert client.get("/pet/findByTags", params={"tags": "good"}).json() == []


MAPPINGS = """
openapi: 3.0.3
info: {title: Mappings, version: "1"}
paths:
  /dbrps:
    get:
      responses:
        "200":
          description: the mappings
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/DBRP"}}
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/DBRP"}
      responses:
        "201":
          description: made
          content:
            application/json:
              schema: {$ref: "#/components/schemas/DBRP"}
  /dbrps/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: the mapping
          content:
            application/json:
              schema: {$ref: "#/components/schemas/DBRP"}
components:
  schemas:
    DBRP:
      type: object
      properties:
        id: {type: string, readOnly: true}
        org: {type: string}
        orgID: {type: string}
        database: {type: string}
        note: {type: string, nullable: true}
      oneOf:
        - required: [orgID, database]
        - required: [org, database]
"""


def test_a_create_never_invents_what_the_client_left_out(tmp_path: Path) -> None:
    """A field the client left out is null where it may be, else left out: InfluxDB's DBRP
    names its organisation by `org` or by `orgID`, one of them (`oneOf` of required names);
    an invented `orgID` beside the `org` sent fit both, and so neither. Generated objects
    name one of them too."""
    import yaml
    from jsonschema import Draft4Validator

    (tmp_path / "dbrps.yaml").write_text(MAPPINGS)
    with create_app(Settings(spec=tmp_path / "dbrps.yaml", seed=1)).test_client(
        headers=AUTH
    ) as client:
        made = client.post("/dbrps", json={"org": "acme", "database": "telemetry"})
        assert made.status_code == 201, made.text
        mapping = made.json()
        assert set(mapping) == {"id", "org", "database", "note"} and mapping["note"] is None
        schema = yaml.safe_load(MAPPINGS)["components"]["schemas"]["DBRP"]
        schema = {k: v for k, v in schema.items() if k != "properties"} | {
            "properties": {k: {"type": "string"} for k in ("id", "org", "orgID", "database")}
        }
        assert Draft4Validator(schema).is_valid(mapping)
        assert client.get(f"/dbrps/{mapping['id']}").json() == mapping
        listed = client.get("/dbrps").json()  # the start-up objects name one of the two
        assert len(listed) > 1 and all(Draft4Validator(schema).is_valid(m) for m in listed)


def test_a_body_named_in_another_case_is_the_object_it_creates() -> None:
    """AWS's creates send `checkName` and answer `CheckName`: what was sent is what reads back,
    under the key it gave; a refusal names the field as sent, with the status the operation
    says it refuses with (`481: ValidationException`, `482: ResourceNotFoundException`)."""
    settings = Settings(spec=DOCUMENTS / "checks-aws.yaml", seed=3)
    with create_app(settings).test_client(headers=AUTH) as client:
        sent = {"checkName": "nightly", "cellName": "eu-1", "tags": {"team": "sre"}}
        made = client.post("/checks", json=sent)
        assert made.status_code == 200
        check = made.json()
        assert {k: check[k] for k in ("CheckName", "CellName", "Tags")} == {
            "CheckName": "nightly",
            "CellName": "eu-1",
            "Tags": {"team": "sre"},
        }
        assert client.get("/checks/nightly").json() == check
        refused = client.post("/checks", json={"checkName": "not a name!"})
        assert refused.status_code == 481
        assert "checkName" in refused.json()["Message"]
        assert client.post("/checks", json=sent).status_code == 483  # a conflict, said so
        long = client.post("/checks", json={"checkName": "other", "cellName": "far too long"})
        assert (long.status_code, "cellName" in long.json()["Message"]) == (481, True)
        # The update's body names the field as the object does: so does its refusal.
        long = client.put("/checks/nightly", json={"CellName": "far too long"})
        assert long.status_code == 481
        assert "CellName" in long.json()["Message"] and "cellName" not in long.json()["Message"]
        assert client.get("/checks/no_such_check").status_code == 482


ISSUES_DOCUMENT = """
openapi: 3.0.3
info: {title: issues, version: "1"}
paths:
  /issues:
    get:
      parameters:
        - {name: state, in: query, schema: {type: string, enum: [open, closed, all], default: open}}
        - {name: kind, in: query, schema: {type: string, enum: [bug, all]}}
        - {name: label, in: query, schema: {type: string, enum: [a, b]}}
      responses:
        "200":
          description: the issues
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Issue"}}
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [title]
              properties: {title: {type: string}}
      responses:
        "201":
          description: made
          content: {application/json: {schema: {$ref: "#/components/schemas/Issue"}}}
  /issues/{number}:
    get:
      parameters: [{name: number, in: path, required: true, schema: {type: integer}}]
      responses:
        "200":
          description: an issue
          content: {application/json: {schema: {$ref: "#/components/schemas/Issue"}}}
        "404": {description: none}
components:
  schemas:
    Issue:
      type: object
      required: [number, title, state]
      properties:
        number: {type: integer, readOnly: true}
        title: {type: string}
        state: {type: string, description: "either open or closed", readOnly: true}
        kind: {type: string, maxLength: 2, readOnly: true}
        label: {type: string, format: uuid, readOnly: true}
"""


def test_a_field_a_list_filters_by_an_enum_holds_its_values(tmp_path: Path) -> None:
    """GitHub's issues: `state` is any string, and `?state=` one of `open`, `closed` or `all`
    (default `open`). The issues hold `open` or `closed` (`all` selects every one, it is no
    state), a new one is `open`, and `?state=open` finds it, as does the list unasked (the
    filter's default is what the server assumes); a value the field's own schema refuses
    (`bug`, past its length) or a field of its own format is left as it was."""
    spec = tmp_path / "issues.yaml"
    spec.write_text(ISSUES_DOCUMENT)
    with create_app(Settings(spec=spec, seed=3)).test_client() as client:
        issues = client.get("/issues", params={"state": "all"}).json()
        assert {issue["state"] for issue in issues} == {"open", "closed"}
        assert all(issue["kind"] != "bug" for issue in issues)
        made = client.post("/issues", json={"title": "Found a bug"})
        assert made.status_code == 201 and made.json()["state"] == "open"
        number = made.json()["number"]
        found = client.get("/issues", params={"state": "open"}).json()
        assert number in [issue["number"] for issue in found]
        assert all(issue["state"] == "open" for issue in found)
        closed = client.get("/issues", params={"state": "closed"}).json()
        assert closed and number not in [issue["number"] for issue in closed]
        every = client.get("/issues", params={"state": "all"}).json()  # no state: a word
        assert len(every) == len(found) + len(closed) == len(issues) + 1
        assert client.get("/issues").json() == found  # unasked: the default, `open`
        assert re.fullmatch(r"[0-9a-f-]{36}", client.get(f"/issues/{number}").json()["label"])


def test_a_field_a_client_writes_keeps_what_its_schema_allows(tmp_path: Path) -> None:
    """Where a create may set the field (any string), a value the filter does not name is
    the client's to send, and is kept: the filter's values narrow only what the server
    makes."""
    spec = tmp_path / "issues.yaml"
    spec.write_text(
        ISSUES_DOCUMENT.replace(
            "properties: {title: {type: string}}",
            "properties: {title: {type: string}, state: {type: string}}",
        ).replace(
            'state: {type: string, description: "either open or closed", readOnly: true}',
            "state: {type: string}",
        )
    )
    server = create_app(Settings(spec=spec, seed=3))
    with server.test_client() as client:
        made = client.post("/issues", json={"title": "x", "state": "reopened"})
        assert made.status_code == 201 and made.json()["state"] == "reopened"
        number = made.json()["number"]
        assert client.get(f"/issues/{number}").json()["state"] == "reopened"
        # Generated issues hold any word here; the filter still takes only its own values.
        every = server.store.all("issues")
        assert not {issue["state"] for issue in every} <= {"open", "closed", "reopened"}
        # Unasked, the list is the filter's default's: the open ones (none made here).
        assert all(issue["state"] == "open" for issue in client.get("/issues").json())
        assert client.get("/issues", params={"state": "reopened"}).status_code == 400


def _answer(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "200": {"description": description, "content": {"application/json": {"schema": schema}}}
    }


def _named(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


ORDER_ID = {"name": "orderId", "in": "path", "required": True, "schema": {"type": "string"}}
ORDERS: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Orders", "version": "1"},
    "paths": {
        "/orders": {
            "get": {"responses": _answer("summed up", {"type": "array", "items": _named("Sum")})}
        },
        "/orders/{orderId}": {
            "get": {"parameters": [ORDER_ID], "responses": _answer("one", _named("Order"))}
        },
    },
    "components": {
        "schemas": {
            "Sum": {
                "type": "object",
                "required": ["orderId", "pricing"],
                "properties": {
                    "orderId": {"type": "string"},
                    "pricing": {
                        "type": "object",
                        "required": ["total"],
                        "properties": {"total": {"type": "string", "format": "micro-unit"}},
                    },
                },
            },
            "Order": {
                "type": "object",
                "required": ["orderId", "pricing"],
                "properties": {
                    "orderId": {"type": "string"},
                    "billTo": {"type": "string"},
                    "pricing": {
                        "type": "object",
                        "required": ["total", "taxes"],
                        "properties": {
                            "total": {"type": "integer", "format": "micro-unit"},
                            "taxes": {"type": "integer"},
                        },
                    },
                },
            },
        }
    },
}


def test_a_list_shows_a_value_inside_a_field_in_its_summarys_kind(tmp_path: Path) -> None:
    """GoDaddy's orders: the list's summary shows `pricing.total` as text, the order as a
    number. The order holds a number, its read shows it, and the list shows the same
    number as text: each answer valid for its own schema."""
    from openapi_schema_validator import OAS30Validator

    spec = tmp_path / "orders.json"
    spec.write_text(json.dumps(ORDERS))
    schemas = {"components": ORDERS["components"]}
    summary = OAS30Validator({**schemas, **_named("Sum")})
    full = OAS30Validator({**schemas, **_named("Order")})
    with create_app(Settings(spec=spec, seed=5)).test_client() as client:
        listed = client.get("/orders").json()
        assert listed
        for shown in listed:
            assert summary.is_valid(shown), shown
            one = client.get(f"/orders/{shown['orderId']}").json()
            assert full.is_valid(one), one
            assert isinstance(one["pricing"]["total"], int)
            assert shown["pricing"]["total"] == str(one["pricing"]["total"])
        assert client.get("/orders").json() == listed  # the same in every list


UPSERTS = collection_document(
    "Providers",
    "/providers/",
    "Provider",
    """    Provider:
      type: object
      required: [name]
      properties:
        name: {type: string}
        description: {type: string}
""",
)


@pytest.mark.parametrize("upserts", [True, False], ids=["upsert", "create"])
def test_a_create_that_says_it_upserts_replaces_the_object_its_key_names(
    tmp_path: Path, upserts: bool
) -> None:
    """Stream's `POST /push_providers`, "Upsert a push provider": a second create of the same
    name changes the object, where a plain create is refused as a duplicate."""
    document = UPSERTS.replace("    post:\n", "    post:\n      summary: Upsert a provider\n")
    (tmp_path / "providers.yaml").write_text(document if upserts else UPSERTS)
    with create_app(Settings(spec=tmp_path / "providers.yaml", seed=2)).test_client(
        headers=AUTH
    ) as client:
        first = client.post("/providers/", json={"name": "main", "description": "one"})
        assert first.status_code == 201, first.text
        again = client.post("/providers/", json={"name": "main", "description": "two"})
        held = client.get("/providers/main/").json()
        named = [p for p in client.get("/providers/").json() if p["name"] == "main"]
    if upserts:
        assert again.status_code == 201 and again.json() == held == named[0]
        assert held["description"] == "two" and len(named) == 1
    else:
        assert again.status_code in (400, 409) and held["description"] == "one"
