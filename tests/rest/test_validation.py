"""Request bodies against the Event Matcher schemas: DRF's messages, field by field."""

from __future__ import annotations

from typing import Any

import pytest

from specdouble import errors
from specdouble.rest import validation
from specdouble.rest.validation import validate_body

REQUEST = {"$ref": "#/components/schemas/EventMatcherPolicyRequest"}
CREATE = {  # a request schema in parts, as generated documents write them
    "allOf": [
        {"$ref": "#/components/schemas/EventMatcherPolicyRequest"},
        {"type": "object", "properties": {"query": {"type": "string", "nullable": True}}},
    ]
}
PATCH = {"$ref": "#/components/schemas/PatchedEventMatcherPolicyRequest"}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"name": "  Alert  ", "action": "login"}, {"name": "Alert", "action": "login"}),
        (
            {"name": "A", "app": None, "model": None, "action": None},
            {"name": "A", "app": None, "model": None, "action": None},
        ),
        ({"name": "A", "client_ip": " 10.0.0.1 "}, {"name": "A", "client_ip": "10.0.0.1"}),
        ({"name": "A", "execution_logging": True}, {"name": "A", "execution_logging": True}),
        ({"name": "A", "pk": "x", "bound_to": 3, "unknown": 1}, {"name": "A"}),
    ],
)
def test_valid_bodies_come_back_cleaned(
    document: dict[str, Any], body: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert validate_body(document, REQUEST, body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, {"name": ["This field is required."]}),
        ({"name": ""}, {"name": ["This field may not be blank."]}),
        ({"name": "  \t"}, {"name": ["This field may not be blank."]}),
        ({"name": None}, {"name": ["This field may not be null."]}),
        ({"name": 5}, {"name": ["Not a valid string."]}),
        ({"name": "a\x00b"}, {"name": ["Null characters are not allowed."]}),
        ({"name": "A", "app": "nope"}, {"app": ['"nope" is not a valid choice.']}),
        ({"name": "A", "model": 5}, {"model": ['"5" is not a valid choice.']}),
        ({"name": "A", "action": True}, {"action": ['"True" is not a valid choice.']}),
        (
            {"name": "A", "execution_logging": "true"},
            {"execution_logging": ["Must be a valid boolean."]},
        ),
        (
            {"name": "A", "execution_logging": None},
            {"execution_logging": ["This field may not be null."]},
        ),
        ({"name": "A", "client_ip": ""}, {"client_ip": ["This field may not be blank."]}),
        ({"name": "A", "query": ["x"]}, {"query": ["Not a valid string."]}),
        (
            {"name": "", "app": "nope", "execution_logging": 1},
            {
                "name": ["This field may not be blank."],
                "execution_logging": ["Must be a valid boolean."],
                "app": ['"nope" is not a valid choice.'],
            },
        ),
    ],
)
def test_invalid_fields_get_drf_messages(
    document: dict[str, Any], body: dict[str, Any], expected: dict[str, list[str]]
) -> None:
    with pytest.raises(errors.ValidationFailed) as failure:
        validate_body(document, REQUEST, body)
    assert failure.value.body() == expected


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "Invalid data. Expected a dictionary, but got list."),
        ("name", "Invalid data. Expected a dictionary, but got str."),
        (3, "Invalid data. Expected a dictionary, but got int."),
        (None, "No data provided"),
    ],
)
def test_a_body_that_is_not_an_object(document: dict[str, Any], body: Any, message: str) -> None:
    with pytest.raises(errors.ValidationFailed) as failure:
        validate_body(document, REQUEST, body)
    assert failure.value.body() == {"non_field_errors": [message]}


def test_create_merges_all_of_parts_and_still_requires_the_name(document: dict[str, Any]) -> None:
    with pytest.raises(errors.ValidationFailed) as failure:
        validate_body(document, CREATE, {"action": "login"})
    assert failure.value.body() == {"name": ["This field is required."]}
    assert validate_body(document, CREATE, {"name": "A"}) == {"name": "A"}


def test_patch_requires_nothing(document: dict[str, Any]) -> None:
    assert validate_body(document, PATCH, {}) == {}
    assert validate_body(document, PATCH, {"action": None}) == {"action": None}


@pytest.mark.parametrize(
    ("schema", "sent", "read"),
    [
        ({"type": "integer"}, "12", 12),
        ({"type": "integer"}, " -3.00 ", -3),
        ({"type": "integer"}, "9223372036854775807", 9223372036854775807),
        ({"type": "integer"}, "9223372036854775808", "9223372036854775808"),  # past int64
        ({"type": "integer"}, "9" * 5000, "9" * 5000),  # never parsed: no 4,300-digit error
        ({"type": "number"}, "1.5", 1.5),
        ({"type": "number"}, "nan", "nan"),
        ({"type": "number"}, "1e999", "1e999"),
        ({"type": "boolean"}, "on", True),
        ({"type": "boolean"}, 0, False),
        ({"type": "boolean"}, "maybe", "maybe"),
        ({"type": "string"}, 7, "7"),
        ({"type": "string", "format": "uuid", "nullable": True}, "", None),
        ({"type": "string", "enum": ["a"]}, 1, 1),
    ],
)
def test_bodies_read_as_drf_reads_them(schema: dict[str, Any], sent: Any, read: Any) -> None:
    assert validation.drf_reading({}, schema, sent) == read


def test_what_drf_cannot_read_is_refused_not_a_crash() -> None:
    for value in ("9" * 5000, "9223372036854775808"):
        with pytest.raises(errors.ValidationFailed) as refused:
            validation.validate_body(
                {}, {"properties": {"n": {"type": "integer"}}}, {"n": value}, lenient=True
            )
        assert refused.value.body() == {"n": ["A valid integer is required."]}


def test_a_format_check_that_raises_refuses_the_value_instead() -> None:
    # openapi-schema-validator's `byte` check raises UnicodeEncodeError on non-ASCII text.
    document = {"openapi": "3.0.3", "components": {}}
    schema = {"type": "object", "properties": {"content": {"type": "string", "format": "byte"}}}
    validator = validation.schema_validator(document, schema)
    assert not validator.is_valid({"content": "\u0080"})
    assert validator.is_valid({"content": "aGVsbG8="})


def test_a_blank_answer_to_a_field_that_may_be_blank_skips_its_format_when_lenient() -> None:
    # drf-spectacular writes `minLength: 1` where a CharField may not be blank.
    document = {"openapi": "3.0.3", "components": {}}
    url = {"type": "string", "format": "uri"}
    assert validation.clean_value(document, url, "", lenient=True) == ""
    with pytest.raises(validation.FieldInvalid):
        validation.clean_value(document, url, "")  # the document's strictness
    with pytest.raises(validation.FieldInvalid):
        validation.clean_value(document, {**url, "minLength": 1}, "", lenient=True)


def test_one_of_keeps_the_branch_that_keeps_what_was_sent() -> None:
    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "components": {
            "schemas": {
                "Ldap": {"type": "object", "properties": {"name": {"type": "string"}}},
                "Proxy": {
                    "type": "object",
                    "properties": {"name": {"type": "string"}, "host": {"type": "string"}},
                    "required": ["host"],
                },
            }
        },
    }
    either = {
        "oneOf": [{"$ref": "#/components/schemas/Ldap"}, {"$ref": "#/components/schemas/Proxy"}]
    }
    sent = {"name": "p", "host": "https://a"}
    assert validation.clean_value(document, either, sent) == sent
    named = {
        **either,
        "discriminator": {"propertyName": "kind", "mapping": {"ldap": "#/components/schemas/Ldap"}},
    }
    assert validation.clean_value(document, named, {**sent, "kind": "ldap"}) == {"name": "p"}
    # Without a mapping a discriminator's value is a schema's name, as OpenAPI reads it.
    implicit = {**either, "discriminator": {"propertyName": "kind"}}
    assert validation.clean_value(document, implicit, {**sent, "kind": "Ldap"}) == {"name": "p"}


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_nullable_admits_null_in_either_dialect(version: str) -> None:
    # ReadMe's 3.1 document writes 3.0's `nullable: true`: what its author meant is what
    # clients send, so null is taken (and nothing else that the type refuses).
    schema = {
        "type": "object",
        "properties": {"body": {"type": "string", "nullable": True}, "n": {"type": "string"}},
    }
    document = {"openapi": version, "paths": {}}
    checker = validation.schema_validator(document, schema)
    assert list(checker.iter_errors({"body": None})) == []
    assert [e.message for e in checker.iter_errors({"body": 1})] == ["1 is not of type 'string'"]
    assert list(checker.iter_errors({"n": None}))  # not nullable: refused


@pytest.mark.parametrize("composition", ["oneOf", "anyOf", "allOf"])
def test_nullable_beside_a_composition_admits_null(composition: str) -> None:
    # NSwag (KeyServ's document) and drf-spectacular write "this object, or null" as
    # `nullable: true` beside `oneOf: [$ref]` with no type: null is what clients send.
    document = {
        "openapi": "3.0.0",
        "paths": {},
        "components": {"schemas": {"Product": {"type": "object", "required": ["name"]}}},
    }
    schema = {"nullable": True, composition: [{"$ref": "#/components/schemas/Product"}]}
    checker = validation.schema_validator(document, schema)
    assert list(checker.iter_errors(None)) == []
    assert list(checker.iter_errors({}))  # the object still needs its name
    closed = validation.schema_validator(document, {composition: schema[composition]})
    assert list(closed.iter_errors(None))  # without nullable: refused


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("uuid", [], "“[]” is not a valid UUID."),
        ("uuid", {"a": 1}, "“{'a': 1}” is not a valid UUID."),
        ("uuid", 1.5, "“1.5” is not a valid UUID."),
        ("uuid", -1, "“-1” is not a valid UUID."),
        ("uuid", True, "Incorrect type. Expected pk value, received bool."),
        ("integer", [], "Incorrect type. Expected pk value, received list."),
        ("integer", True, "Incorrect type. Expected pk value, received bool."),
    ],
)
def test_a_key_of_another_object_is_refused_in_drfs_words(kind: str, value: Any, expected: str):
    # DRF's PrimaryKeyRelatedField: the model's key field words what it cannot read.
    schema = {"type": "object", "properties": {"stage": {"type": "string", "x-related-key": kind}}}
    with pytest.raises(errors.ValidationFailed) as failure:
        validate_body({}, schema, {"stage": value})
    assert failure.value.body() == {"stage": [expected]}


def test_a_whole_number_is_a_uuids_integer_form_left_for_the_lookup():
    schema = {
        "type": "object",
        "properties": {"stage": {"type": "string", "x-related-key": "uuid"}},
    }
    assert validate_body({}, schema, {"stage": 5}) == {"stage": 5}


def test_an_integer_key_that_is_no_integer_meets_its_schema():
    schema = {
        "type": "object",
        "properties": {"user": {"type": "integer", "x-related-key": "integer"}},
    }
    for value in (1.5, "abc"):
        with pytest.raises(errors.ValidationFailed):
            validate_body({}, schema, {"user": value})
    assert validate_body({}, schema, {"user": 4}) == {"user": 4}


def test_a_field_read_only_beside_its_ref_is_neither_required_nor_written():
    document = {"components": {"schemas": {"Id": {"type": "string"}}}}
    schema = {
        "type": "object",
        "required": ["id", "name"],
        "properties": {
            "id": {"$ref": "#/components/schemas/Id", "readOnly": True},
            "name": {"type": "string"},
        },
    }
    assert validate_body(document, schema, {"name": "a", "id": "x"}) == {"name": "a"}
    assert validate_body(document, schema, {"name": "a"}) == {"name": "a"}


def test_a_list_of_objects_fails_as_a_nested_serializer_a_list_of_values_flat() -> None:
    """DRF's ListSerializer (`redirect_uris`, objects) says its own failures under
    `non_field_errors`; a ListField or many related field (`groups`, keys) says them flat
    (both measured on a real authentik 2026.8)."""
    document = {"openapi": "3.0.3", "paths": {}}
    schema = {
        "type": "object",
        "properties": {
            "redirect_uris": {
                "type": "array",
                "items": {"type": "object", "properties": {"url": {"type": "string"}}},
            },
            "groups": {"type": "array", "items": {"type": "string", "format": "uuid"}},
        },
    }
    with pytest.raises(errors.ValidationFailed) as failure:
        validate_body(document, schema, {"redirect_uris": "x", "groups": "g"})
    assert failure.value.errors == {
        "redirect_uris": {"non_field_errors": ['Expected a list of items but got type "str".']},
        "groups": ['Expected a list of items but got type "str".'],
    }


def test_a_plain_documents_write_keeps_no_read_only_field_however_deep() -> None:
    """Azure's pricing: `PUT {"properties": {"pricingTier": "Free",
    "freeTrialRemainingTime": ""}}`; the read-only duration was kept and read back as `""`,
    which no duration is. A server sets what is read-only; a client's value is not written."""
    from specdouble.rest.dialect import Dialect

    inner = {
        "type": "object",
        "properties": {
            "pricingTier": {"type": "string"},
            "freeTrialRemainingTime": {"type": "string", "readOnly": True},
        },
    }
    schema = {"type": "object", "properties": {"properties": inner, "name": {"type": "string"}}}
    body = {"properties": {"pricingTier": "Free", "freeTrialRemainingTime": ""}, "x": 1}
    written = validation.validate_request_body({}, schema, body, dialect=Dialect.of(False))
    assert written == {"properties": {"pricingTier": "Free"}}


def test_a_multipart_part_of_an_object_composed_of_parts_is_read_as_json() -> None:
    """MotaWord's comment: `links` is an `allOf` of two object parts; its multipart part
    `{"a": []}` was kept as text, then refused twice, once by each part."""
    from specdouble.rest.dialect import Dialect
    from specdouble.rest.params import form_values

    part = {"type": "object", "properties": {"self": {"type": "string"}}}
    links = {"allOf": [part, {"type": "object", "properties": {"project": {"type": "string"}}}]}
    schema = {"type": "object", "properties": {"comment": {"type": "string"}, "links": links}}
    plain = Dialect.of(False)
    body = form_values({}, schema, {"comment": ["hi"], "links": ['{"self": "/a"}']})
    assert validation.validate_request_body({}, schema, body, dialect=plain) == {
        "comment": "hi",
        "links": {"self": "/a"},
    }
    with pytest.raises(errors.ValidationFailed) as refused:
        validation.validate_request_body({}, schema, {"links": [1]}, dialect=plain)
    assert refused.value.errors == {"links": ["[1] is not of type 'object'"]}


def test_an_object_that_is_none_is_refused_as_its_field_kind_refuses_it() -> None:
    """A nested serializer (an object of properties) says its own `non_field_errors`; a
    free-form object says DRF's `DictField` words, or the server's own field's where its
    dialect has them (authentik's `JSONDictField`), as measured on a real authentik."""
    schema = {
        "type": "object",
        "properties": {
            "attributes": {"type": "object", "additionalProperties": {}},
            "uris": {
                "type": "array",
                "items": {"type": "object", "properties": {"url": {"type": "string"}}},
            },
        },
    }
    body = {"attributes": [], "uris": [[], {"url": "x"}, "x"]}
    with pytest.raises(errors.ValidationFailed) as drf:
        validate_body({}, schema, body)
    assert drf.value.errors == {
        "attributes": ['Expected a dictionary of items but got type "list".'],
        "uris": [
            {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]},
            {},
            {"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]},
        ],
    }
    words = {validation.FREE_OBJECT: "Value must be a dictionary, and not have any duplicate keys."}
    with pytest.raises(errors.ValidationFailed) as authentik:
        validate_body({}, schema, {"attributes": "x"}, words=words)
    assert authentik.value.errors == {"attributes": [words[validation.FREE_OBJECT]]}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [  # measured on a real authentik 2026.8
        ({"maxLength": 255}, [], 'Enter a valid "slug" consisting of letters, numbers, '),
        ({"maxLength": 255}, "a b", 'Enter a valid "slug" consisting of letters, numbers, '),
        ({}, ["x"], "Not a valid string."),
        ({}, "a b", "Enter a valid \u201cslug\u201d consisting of letters, numbers, "),
        (
            {"format": "email", "pattern": None, "maxLength": 254},
            [],
            "Enter a valid email address.",
        ),
        ({"format": "uri", "pattern": None}, [], "Not a valid string."),
        ({"format": "uri", "pattern": None}, "x", "Enter a valid URL."),
        ({"format": "uuid", "pattern": None}, [], "Must be a valid UUID."),
    ],
)
def test_a_text_field_says_what_its_drf_field_says(
    field: dict[str, Any], value: Any, message: str
) -> None:
    """A slug with a length is a `SlugField` (its own `invalid`, also for what is no string);
    without, a text field under Django's `validate_slug`; each subclass of `CharField` words
    a value that is no string its own way."""
    schema = {"type": "string", "pattern": errors.SLUG_PATTERN, **field}
    schema = {k: v for k, v in schema.items() if v is not None}
    with pytest.raises(errors.ValidationFailed) as refused:
        validate_body({}, {"type": "object", "properties": {"slug": schema}}, {"slug": value})
    assert refused.value.errors["slug"][0].startswith(message)


@pytest.mark.parametrize(
    "parts",
    [
        # A closed part forbids `id` (the read-only key the server makes) to the body.
        [{"properties": {"name": {"type": "string"}}, "additionalProperties": False}],
        # Two parts no `id` satisfies (an integer, and a string).
        [
            {"properties": {"id": {"type": "integer", "readOnly": True}}},
            {"properties": {"id": {"type": "string", "readOnly": True}}},
        ],
    ],
)
def test_a_read_only_field_no_value_holds_is_still_left_to_the_server(
    parts: list[dict[str, Any]],
) -> None:
    """A required read-only field is the server's to fill, even where the `allOf` parts
    together admit no value for it: merged into `not: {}` it lost its mark, and DRF's
    validation asked the client for it."""
    schema = {
        "required": ["id"],
        "properties": {"id": {"type": "integer", "readOnly": True}, "name": {"type": "string"}},
        "allOf": parts,
    }
    assert validate_body({}, schema, {"name": "x"}) == {"name": "x"}
