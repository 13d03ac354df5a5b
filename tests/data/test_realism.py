"""Generated values mean what their field means: names of people, pictures that load, the
document's own version, slugs made from names."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest

from specdouble.data import images
from specdouble.data.synth import APPLICATION_NAMES, GROUP_NAMES, NO_VALUE, Synth, empty_value
from specdouble.rest.dataset import agree, slugify

DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "2026.8.3"},
    "paths": {},
    "components": {
        "schemas": {
            "User": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "username": {"type": "string"},
                    "avatar": {"type": "string", "format": "uri"},
                    "groups_obj": {
                        "type": "array",
                        "minItems": 1,
                        "items": {"$ref": "#/components/schemas/PartialGroup"},
                    },
                },
            },
            "PartialGroup": {"type": "object", "properties": {"name": {"type": "string"}}},
            "Application": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "icon_themed_urls": {"$ref": "#/components/schemas/ThemedUrls"},
                },
            },
            "ThemedUrls": {
                "type": "object",
                "properties": {"light": {"type": "string"}, "dark": {"type": "string"}},
            },
            "Version": {"type": "object", "properties": {"version_current": {"type": "string"}}},
        }
    },
}


def svg(uri: str) -> str:
    prefix = "data:image/svg+xml;base64,"
    assert uri.startswith(prefix)
    return base64.b64decode(uri[len(prefix) :]).decode()


def test_people_groups_and_applications_are_named_as_such() -> None:
    for seed in range(20):
        synth = Synth(DOCUMENT, seed)
        user = synth.value({"$ref": "#/components/schemas/User"})
        words = user["name"].split()
        assert len(words) >= 2 and all(word[0].isupper() for word in words), user["name"]
        assert {g["name"] for g in user["groups_obj"]} <= set(GROUP_NAMES)
        app = synth.value({"$ref": "#/components/schemas/Application"})
        assert app["name"] in APPLICATION_NAMES
        assert svg(app["icon_themed_urls"]["light"]).startswith("<svg")


def test_pictures_are_data_uris_even_where_the_format_says_uri() -> None:
    user = Synth(DOCUMENT, 1).value({"$ref": "#/components/schemas/User"})
    assert "<svg" in svg(user["avatar"])


def test_versions_are_the_documents() -> None:
    version = Synth(DOCUMENT, 1).value({"$ref": "#/components/schemas/Version"})
    assert version == {"version_current": "2026.8.3"}


def test_an_avatar_shows_the_initials_on_a_colour_of_the_name() -> None:
    picture = svg(images.avatar("authentik Default Admin"))
    assert ">AA</text>" in picture
    assert images.avatar("Jane Doe") == images.avatar("Jane Doe")
    assert images.colours("Jane Doe") != images.colours("John Roe")
    assert ">J</text>" in svg(images.icon("jenkins"))
    assert images.initials("") == "?"


def test_a_record_agrees_with_its_name() -> None:
    properties = {"slug": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}, "meta_icon": {}}
    taken: set[str] = set()
    first = {"name": "Outline Wiki", "slug": "x", "avatar": "word", "meta_icon": "word"}
    second = {"name": "Outline wiki", "slug": "y", "meta_icon_themed_urls": {"light": "a"}}
    agree(first, properties, taken)
    agree(second, properties, taken)
    assert (first["slug"], second["slug"]) == ("outline-wiki", "outline-wiki-2")
    assert ">OW</text>" in svg(first["avatar"])
    assert ">O</text>" in svg(first["meta_icon"])
    assert "<svg" in svg(second["meta_icon_themed_urls"]["light"])
    assert slugify("!!!") == "item"


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "boolean"}, False),
        ({"type": "array", "items": {"type": "string"}}, []),
        ({"type": "array", "minItems": 1}, NO_VALUE),
        ({"type": "object", "additionalProperties": {}}, {}),
        ({"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}}}, {"a": 0}),
        ({"type": "object", "required": ["a"], "properties": {"a": {"format": "uuid"}}}, NO_VALUE),
        ({"type": "string"}, ""),
        ({"type": "string", "minLength": 1}, NO_VALUE),
        ({"type": "string", "format": "uri"}, NO_VALUE),
        ({"type": "string", "pattern": "^[a-z]*$"}, ""),
        ({"type": "string", "pattern": "^[a-z]+$"}, NO_VALUE),
        ({"type": "integer"}, 0),
        ({"type": "integer", "minimum": 1}, NO_VALUE),
        ({"type": "number", "exclusiveMinimum": 0}, NO_VALUE),
        ({"type": "integer", "minimum": 0, "exclusiveMinimum": False}, 0),
        ({"type": "integer", "minimum": -5, "exclusiveMinimum": True}, 0),
        ({"type": "integer", "maximum": 0, "exclusiveMaximum": True}, NO_VALUE),
        ({"type": "string", "pattern": "^\\p{L}*$"}, NO_VALUE),
        ({"type": "string", "enum": ["any", "all"]}, "any"),
        ({"type": "string", "default": "users"}, "users"),
        ({"allOf": [{"type": "boolean"}]}, False),
        ({"type": ["null", "integer"]}, 0),
    ],
)
def test_the_empty_value_a_schema_admits(schema: dict[str, Any], expected: Any) -> None:
    value = empty_value({}, schema)
    if expected is NO_VALUE:
        assert value is NO_VALUE
    else:
        assert value is not NO_VALUE and value == expected and type(value) is type(expected)


def test_a_name_a_program_reads_is_no_catch_phrase() -> None:
    """A server's name is a host name, a file's a file name, a scope's or a queue's a word
    a program reads; an object's own `name` stays a name a person gives."""
    shape = {
        "type": "object",
        "properties": {
            name: {"type": "string"}
            for name in ("tls_server_name", "file_name", "scope_name", "queue_name", "name")
        },
    }
    for seed in range(10):
        made = Synth(DOCUMENT, seed).value(shape)
        assert re.fullmatch(r"[a-z0-9.-]+\.[a-z]+", made["tls_server_name"]), made
        assert re.fullmatch(r"\w+\.\w+", made["file_name"]), made
        assert all(re.fullmatch(r"[a-z_]+", made[n]) for n in ("scope_name", "queue_name")), made
        assert " " in made["name"]
