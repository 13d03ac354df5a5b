"""Query and path values: what parses, to what, and the message for what does not."""

from __future__ import annotations

from typing import Any

import pytest

from specdouble import errors
from specdouble.data.values import InvalidValue
from specdouble.rest import params
from specdouble.rest.dialect import DRF, Dialect
from specdouble.rest.params import UNREADABLE, parse_parameters, parse_value

LENIENT = Dialect.of(True, lenient=True)

UUID = {"type": "string", "format": "uuid"}
DATE_TIME = {"type": "string", "format": "date-time"}
BOOLEAN = {"type": "boolean"}
INTEGER = {"type": "integer"}
TEXT = {"type": "string"}
ACTIONS = {"type": "string", "enum": ["login", "logout"]}
DOCUMENT = {"components": {"schemas": {"Actions": ACTIONS}}}


@pytest.mark.parametrize(
    ("schema", "raw", "expected"),
    [
        (UUID, "19d45deb-1139-4a12-b4c1-c3ea3d9c4e64", "19d45deb-1139-4a12-b4c1-c3ea3d9c4e64"),
        (UUID, "19D45DEB-1139-4A12-B4C1-C3EA3D9C4E64", "19d45deb-1139-4a12-b4c1-c3ea3d9c4e64"),
        (DATE_TIME, "2025-07-11T08:00:03Z", "2025-07-11T08:00:03.000000Z"),
        (DATE_TIME, "2025-07-11T10:00:03+02:00", "2025-07-11T08:00:03.000000Z"),
        (DATE_TIME, "2025-07-11 08:00:03.5z", "2025-07-11T08:00:03.500000Z"),
        (BOOLEAN, "true", True),
        (BOOLEAN, "false", False),
        (INTEGER, "12", 12),
        (INTEGER, "-3", -3),
        (INTEGER, "+4", 4),
        ({"$ref": "#/components/schemas/Actions"}, "login", "login"),
        (TEXT, "Some Name", "Some Name"),
        (TEXT, "", None),
        # ECMA-262's `\s` is no NEL, so `[^#/\s]` admits one, as a body's pattern does.
        ({"type": "string", "pattern": r"[^#/\s]+"}, "\x85\x85", "\x85\x85"),
    ],
)
def test_values_that_parse(schema: dict[str, Any], raw: str, expected: Any) -> None:
    assert parse_value(DOCUMENT, schema, raw) == expected


@pytest.mark.parametrize(
    ("schema", "raw", "message"),
    [
        (UUID, "abc", "Enter a valid UUID."),
        (UUID, "", "Enter a valid UUID."),
        (UUID, "19d45deb11394a12b4c1c3ea3d9c4e64", "Enter a valid UUID."),
        (UUID, "19d45deb-1139-4a12-b4c1-c3ea3d9c4e6g", "Enter a valid UUID."),
        (DATE_TIME, "2025-07-11", "Enter a valid date/time."),
        (DATE_TIME, "2025-07-11T08:00:03", "Enter a valid date/time."),
        (DATE_TIME, "2025-13-11T08:00:03Z", "Enter a valid date/time."),
        (DATE_TIME, "", "Enter a valid date/time."),
        (BOOLEAN, "True", "Must be a valid boolean."),
        (BOOLEAN, "1", "Must be a valid boolean."),
        (BOOLEAN, "", "Must be a valid boolean."),
        (INTEGER, "1.5", "A valid integer is required."),
        (INTEGER, "abc", "A valid integer is required."),
        (INTEGER, "", "A valid integer is required."),
        (INTEGER, "\u0663", "A valid integer is required."),
        (
            {"$ref": "#/components/schemas/Actions"},
            "nope",
            "Select a valid choice. nope is not one of the available choices.",
        ),
        (ACTIONS, "", "Select a valid choice.  is not one of the available choices."),
    ],
)
def test_values_that_do_not_parse(schema: dict[str, Any], raw: str, message: str) -> None:
    with pytest.raises(InvalidValue) as failure:
        parse_value(DOCUMENT, schema, raw)
    assert str(failure.value) == message


PARAMETERS = [
    {"name": "policy_uuid", "in": "path", "required": True, "schema": UUID},
    {"name": "page", "in": "query", "schema": INTEGER},
    {"name": "created", "in": "query", "schema": DATE_TIME},
    {"name": "name", "in": "query", "schema": TEXT},
]


def test_every_failure_of_a_location_is_reported_at_once() -> None:
    with pytest.raises(errors.ValidationFailed) as failure:
        parse_parameters(
            {}, PARAMETERS, "query", {"page": "x", "created": "y", "name": "n"}, dialect=DRF
        )
    assert failure.value.body() == {
        "page": ["A valid integer is required."],
        "created": ["Enter a valid date/time."],
    }


def test_undeclared_and_empty_free_text_parameters_are_left_out() -> None:
    parsed = parse_parameters(
        {}, PARAMETERS, "query", {"page": "2", "name": "", "other": "1"}, dialect=DRF
    )
    assert parsed == {"page": 2}


def test_a_missing_required_path_parameter_is_reported() -> None:
    with pytest.raises(errors.ValidationFailed) as failure:
        parse_parameters({}, PARAMETERS, "path", {}, dialect=DRF)
    assert failure.value.body() == {"policy_uuid": ["This field is required."]}


@pytest.mark.parametrize(
    ("schema", "raw", "expected"),
    [
        (BOOLEAN, "1", True),
        (BOOLEAN, "0", False),
        (BOOLEAN, "True", True),
        # Kept as unreadable: a filter filters nothing by it, a view reads it as false.
        (BOOLEAN, "maybe", UNREADABLE),
        (BOOLEAN, "", None),
        (UUID, "19D45DEB11394A12B4C1C3EA3D9C4E64", "19d45deb-1139-4a12-b4c1-c3ea3d9c4e64"),
        (UUID, "{19d45deb-1139-4a12-b4c1-c3ea3d9c4e64}", "19d45deb-1139-4a12-b4c1-c3ea3d9c4e64"),
        (
            UUID,
            "urn:uuid:19d45deb-1139-4a12-b4c1-c3ea3d9c4e64",
            "19d45deb-1139-4a12-b4c1-c3ea3d9c4e64",
        ),
        (UUID, "", None),
        (DATE_TIME, "2026-02-09T04:14:18", "2026-02-09T04:14:18.000000Z"),  # naive: UTC
        (DATE_TIME, "2026-05-14 20:47:39", "2026-05-14T20:47:39.000000Z"),
        (DATE_TIME, "2026-06-10", "2026-06-10T00:00:00.000000Z"),
        (DATE_TIME, "", None),
        ({"$ref": "#/components/schemas/Actions"}, "", None),
    ],
)
def test_lenient_values_read_as_authentik_reads_them(
    schema: dict[str, Any], raw: str, expected: Any
) -> None:
    assert parse_value(DOCUMENT, schema, raw, lenient=True) == expected
    if expected is not None or raw:
        with pytest.raises(InvalidValue):
            parse_value(DOCUMENT, schema, raw)  # the document's reading refuses each


@pytest.mark.parametrize(
    ("raw", "message"),
    [(UUID, errors.INVALID_UUID), (DATE_TIME, errors.INVALID_DATETIME)],
)
def test_lenient_values_still_refuse_nonsense(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidValue, match=message.rstrip(".")):
        parse_value(DOCUMENT, raw, "nonsense", lenient=True)


def test_lenient_pagination_is_left_to_the_paginator() -> None:
    from specdouble.rest.params import UNREADABLE

    declared = [
        {"name": "page", "in": "query", "schema": INTEGER},
        {"name": "page_size", "in": "query", "schema": INTEGER},
    ]
    parsed = parse_parameters(
        DOCUMENT, declared, "query", {"page": "1.5", "page_size": "abc"}, dialect=LENIENT
    )
    assert parsed == {"page": UNREADABLE, "page_size": UNREADABLE}
    assert parse_parameters(DOCUMENT, declared, "query", {"page": ""}, dialect=LENIENT) == {}
    with pytest.raises(errors.ValidationFailed):
        parse_parameters(DOCUMENT, declared, "query", {"page": "1.5"}, dialect=DRF)


def test_a_nul_is_refused_in_filters_and_search_but_not_in_ordering() -> None:
    declared = [
        {"name": name, "in": "query", "schema": TEXT} for name in ("name", "search", "ordering")
    ]
    with pytest.raises(errors.ValidationFailed) as failure:
        parse_parameters(DOCUMENT, declared, "query", {"name": "a\x00b"}, dialect=DRF)
    assert failure.value.errors == {"name": ["Null characters are not allowed."]}
    with pytest.raises(errors.BareValidationFailed) as bare:
        parse_parameters(DOCUMENT, declared, "query", {"search": "a\x00b"}, dialect=DRF)
    assert bare.value.body() == ["Null characters are not allowed."]
    assert parse_parameters(DOCUMENT, declared, "query", {"ordering": "a\x00b"}, dialect=DRF) == {
        "ordering": "a\x00b"
    }


def test_a_nul_is_a_value_like_any_other_where_the_document_is_not_drfs() -> None:
    """Only DRF refuses NUL characters; any other document's values keep them, inside
    lists of `allOf` items too (AWS SQS's batch `Entries`)."""
    entries = {"type": "array", "items": {"allOf": [{"type": "string"}, {"xml": {"name": "E"}}]}}
    declared = [{"name": "Entries", "in": "query", "schema": entries}]
    plain = Dialect.of(False)
    parsed = parse_parameters(
        DOCUMENT, declared, "query", {"Entries": ["a\x00b", "c"]}, dialect=plain
    )
    assert parsed == {"Entries": ["a\x00b", "c"]}


ARRAY = {"type": "array", "items": {"type": "integer"}}
POINT = {"type": "object", "properties": {"x": {"type": "integer"}, "y": {"type": "integer"}}}


def query(**parameter: object) -> list[dict[str, object]]:
    return [{"in": "query", **parameter}]


@pytest.mark.parametrize(
    ("parameter", "pairs", "wire"),
    [
        ({"name": "id", "schema": ARRAY}, [("id", "1"), ("id", "2")], ["1", "2"]),
        ({"name": "id", "schema": ARRAY, "explode": False}, [("id", "1,2")], ["1", "2"]),
        ({"name": "id", "schema": ARRAY, "style": "spaceDelimited"}, [("id", "1 2")], ["1", "2"]),
        ({"name": "id", "schema": ARRAY, "style": "pipeDelimited"}, [("id", "1|2")], ["1", "2"]),
        (
            {"name": "at", "schema": POINT, "style": "deepObject"},
            [("at[x]", "1"), ("at[y]", "2")],
            {"x": "1", "y": "2"},
        ),
        ({"name": "at", "schema": POINT}, [("x", "1"), ("y", "2")], {"x": "1", "y": "2"}),
        (
            {"name": "at", "schema": POINT, "explode": False},
            [("at", "x,1,y,2")],
            {"x": "1", "y": "2"},
        ),
        ({"name": "page[size]", "schema": {"type": "integer"}}, [("page[size]", "5")], "5"),
        ({"name": "a b*(c)", "schema": {"type": "string"}}, [("a b*(c)", "v")], "v"),
    ],
)
def test_query_parameters_are_read_in_their_style(
    parameter: dict[str, object], pairs: list[tuple[str, str]], wire: object
) -> None:
    name = str(parameter["name"])
    assert params.read_query({}, query(**parameter), pairs) == {name: wire}


@pytest.mark.parametrize(
    ("style", "explode", "segment"),
    [
        ("simple", False, "3,4"),
        ("label", False, ".3,4"),
        ("label", True, ".3.4"),
        ("matrix", False, ";id=3,4"),
        ("matrix", True, ";id=3;id=4"),
    ],
)
def test_path_parameters_are_read_in_their_style(style: str, explode: bool, segment: str) -> None:
    parameter = {"name": "id", "in": "path", "style": style, "explode": explode, "schema": ARRAY}
    wire = params.read_path({}, parameter, segment)
    assert params.parse_value({}, ARRAY, wire) == [3, 4]


def test_objects_and_json_content_parameters_parse_to_values() -> None:
    at = {"name": "at", "in": "query", "style": "deepObject", "schema": POINT}
    where = {"name": "where", "in": "query", "content": {"application/json": {"schema": POINT}}}
    pairs = [("at[x]", "1"), ("at[y]", "2"), ("where", '{"x": 5}')]
    wire = params.read_query({}, [at, where], pairs)
    parsed = params.parse_parameters({}, [at, where], "query", wire, dialect=DRF)
    assert parsed == {"at": {"x": 1, "y": 2}, "where": {"x": 5}}
    with pytest.raises(errors.ValidationFailed) as failure:
        params.parse_parameters({}, [where], "query", {"where": "{not json"}, dialect=DRF)
    assert failure.value.errors == {"where": [errors.INVALID_JSON_VALUE]}


def test_a_form_reads_as_the_json_body_it_stands_for() -> None:
    """Each field typed as its property is; a list from every value of its name; text that
    is not its type kept for validation to refuse; a required list a form left out (it has
    no other way to say "no items", GitLab's commit `actions`) is empty."""
    schema = {
        "type": "object",
        "required": ["actions", "name"],
        "properties": {
            "name": {"type": "string"},
            "retries": {"type": "integer"},
            "ratio": {"type": "number"},
            "on": {"type": "boolean"},
            "actions": {"type": "array", "items": {"type": "object"}},
            "ids": {"type": "array", "items": {"type": "integer"}},
        },
    }
    fields = {
        "name": ["first", "last"],
        "retries": ["3"],
        "ratio": ["0.5"],
        "on": ["TRUE"],
        "ids": ["1", "x"],
        "other": ["kept"],
    }
    assert params.form_values(DOCUMENT, schema, fields) == {
        "actions": [],
        "name": "last",
        "retries": 3,
        "ratio": 0.5,
        "on": True,
        "ids": [1, "x"],
        "other": "kept",
    }
    assert params.form_values(DOCUMENT, schema, {"retries": ["many"]})["retries"] == "many"
    shaped = {"required": ["meta"], "properties": {"meta": {"type": "object"}}}
    assert params.form_values(DOCUMENT, shaped, {}) == {"meta": {}}
    nullable = {"properties": {"score": {"type": "integer", "nullable": True}}}
    assert params.form_values(DOCUMENT, nullable, {"score": ["null"]}) == {"score": None}
    assert params.form_values(DOCUMENT, schema, {"retries": ["null"]}) == {
        "actions": [],
        "retries": "null",  # not nullable: the text, for validation to refuse
    }
