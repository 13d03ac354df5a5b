"""The start-up data: which collections wait until first read, and what they then hold."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from specdouble import profiles
from specdouble.rest import dataset
from specdouble.server import app
from specdouble.settings import Settings
from specdouble.state.store import Later


def resource(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """A collection and item path of `name`, answering `schema`."""
    answer = {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}
    many = {"type": "array", "items": schema}
    listed = {"200": {"description": "ok", "content": {"application/json": {"schema": many}}}}
    key = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
    return {
        f"/{name}": {
            "get": {"operationId": f"list_{name}", "responses": listed},
            "post": {
                "operationId": f"create_{name}",
                "requestBody": {"content": {"application/json": {"schema": schema}}},
                "responses": answer,
            },
        },
        f"/{name}/{{id}}": {
            "get": {"operationId": f"get_{name}", "parameters": [key], "responses": answer}
        },
    }


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def named(**extra: Any) -> dict[str, Any]:
    properties = {"id": {"type": "integer"}, "name": {"type": "string"}, **extra}
    return {"type": "object", "properties": properties}


DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Relations", "version": "1"},
    "paths": {
        **resource("owners", ref("Owner")),
        **resource("pets", ref("Pet")),  # names an owner: both are made at the start
        **resource("shelves", ref("Shelf")),  # shows an owner
        **resource("tags", ref("Tag")),
        **resource("notes", ref("Note")),
    },
    "components": {
        "schemas": {
            "Owner": named(),
            "Pet": named(owner={"type": "integer"}),
            "Shelf": named(keeper=ref("Owner")),
            "Tag": named(colour={"type": "string", "enum": ["red", "blue"]}),
            "Note": named(text={"type": "string", "maxLength": 40}),
        }
    },
}


def written(tmp_path: Path) -> Path:
    path = tmp_path / "relations.yaml"
    path.write_text(yaml.safe_dump(DOCUMENT))
    return path


def inferred(path: Path) -> tuple[dict[str, Any], list[Any], dict[str, str]]:
    document = app.load(Settings(spec=path, cache=None))
    found, _ = profiles.detect(document).resources(document)
    return document, found, {r.noun: r.spec.collection for r in found}


def test_only_collections_nothing_ties_wait(tmp_path: Path) -> None:
    """A reference (`owner`) or a shown object (`keeper`) ties two collections: both are made
    at the start, as are those a fixture file or a profile's generator gives."""
    document, found, by_noun = inferred(written(tmp_path))
    waiting = dataset.waits(document, found, unions={}, generators={}, given=set())
    assert waiting == {by_noun["tag"], by_noun["note"]}
    given = dataset.waits(document, found, unions={}, generators={}, given={by_noun["tag"]})
    assert given == {by_noun["note"]}
    union = dataset.waits(
        document, found, unions={"all": (by_noun["note"],)}, generators={}, given=()
    )
    assert union == {by_noun["tag"]}
    # What ties them, read once (and kept with the document's reading), says the same.
    tied = dataset.tied(document, found)
    assert by_noun["tag"] not in tied and by_noun["note"] not in tied
    again = dataset.waits(document, found, unions={}, generators={}, given=(), tied_already=tied)
    assert again == waiting


def test_a_waiting_collection_holds_what_the_start_would_have_made(tmp_path: Path) -> None:
    """Whatever order the collections are first read in, each holds what a start that made
    everything at once holds, and is counted before it is made."""
    document, found, _ = inferred(written(tmp_path))
    arguments: dict[str, Any] = {"fixtures_dir": None, "seed": 11, "count": 150, "per_resource": 6}
    whole = dataset.build(document, found, **arguments)
    waiting = dataset.waits(document, found, unions={}, generators={}, given=())
    data: dict[str, Any] = dataset.build(document, found, **arguments, waiting=waiting)
    assert set(data) == set(whole) - waiting
    data.update(dataset.later(document, found, waiting, seed=11, count=6))
    names = sorted(data)
    random.Random(5).shuffle(names)
    for name in names:
        later = data[name]
        if isinstance(later, Later):
            assert (len(later), later.made) == (len(whole[name]), False)
        assert json.dumps(list(later), sort_keys=True) == json.dumps(whole[name], sort_keys=True)


def test_a_served_waiting_collection_is_what_the_fixtures_command_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not generated at the start, yet counted by the health route; generated when its list
    is first read (after the server has added what it adds to the document), as
    `mock-server fixtures`'s data for the same seed."""
    path = written(tmp_path)
    made = app.generated_data(yaml.safe_load(path.read_text()), seed=3, count=150, per_resource=5)
    _, _, by_noun = inferred(path)
    tags, owners = by_noun["tag"], by_noun["owner"]
    generated: list[str] = []
    records = dataset.records

    def spied(document: Any, resource: Any, **arguments: Any) -> Any:
        generated.append(resource.spec.collection)
        return records(document, resource, **arguments)

    monkeypatch.setattr(dataset, "records", spied)
    with app.create_app(Settings(spec=path, seed=3, cache=None)).test_client() as client:
        assert client.get("/_mock/health").json()["counts"][tags] == 5
        assert owners in generated and tags not in generated  # tied: made at the start
        listed = client.get("/tags").json()
        client.get("/tags")
    assert generated.count(tags) == 1
    shown = [{name: record[name] for name in ("id", "name", "colour")} for record in made[tags]]
    assert listed == sorted(shown, key=lambda record: record["id"])


def test_the_fixtures_command_writes_what_serve_starts_with_where_the_document_is_typed(
    tmp_path: Path,
) -> None:
    """`serve` types a path parameter's schema before it makes its data (its key is read as
    the path names it); `mock-server fixtures` makes it from the same document."""
    key = {"allOf": [{"type": "integer"}], "format": "int64"}  # typed when served
    thing = {
        "type": "object",
        "required": ["id"],
        "properties": {"id": {"type": "string", "pattern": "^[0-9]{3}$"}, "name": {}},
    }

    def answer(schema: Any) -> dict[str, Any]:
        return {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}

    parameter = {"name": "id", "in": "path", "required": True, "schema": key}
    document = {
        "openapi": "3.0.3",
        "info": {"title": "Things", "version": "1"},
        "paths": {
            "/things": {
                "get": {"responses": answer({"type": "array", "items": thing})},
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": thing}}},
                    "responses": answer(thing),
                },
            },
            "/things/{id}": {"get": {"parameters": [parameter], "responses": answer(thing)}},
        },
    }
    path = tmp_path / "things.json"
    path.write_text(json.dumps(document))
    made = app.generated_data(json.loads(path.read_text()), seed=1, count=3, per_resource=3)
    with app.create_app(
        Settings(spec=path, seed=1, per_resource=3, cache=None)
    ).test_client() as client:
        served = {thing["id"]: thing["name"] for thing in client.get("/things").json()}
    assert served == {thing["id"]: thing["name"] for thing in made["things"]}
