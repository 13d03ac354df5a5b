"""Generated values obey their schemas: every constraint the generator is given holds, for
many seeds, checked by a JSON Schema validator (not by the generator's own rules), formats as
JSON Schema defines them (what contract testers' tools check: `time` has its offset)."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from jsonschema import Draft7Validator
from openapi_schema_validator import OAS30Validator

from specdouble.data import synth
from specdouble.data.synth import Synth
from specdouble.data.values import STANDARD_FORMATS

SCHEMAS: dict[str, dict[str, Any]] = {
    "a date-time of exactly 25 characters (Unicourt's issuedDate)": {
        "type": "string",
        "format": "date-time",
        "minLength": 25,
        "maxLength": 25,
    },
    "a date-time of 30 characters at most and 28 at least": {
        "type": "string",
        "format": "date-time",
        "minLength": 28,
        "maxLength": 30,
    },
    "a part that only annotates, beside one of kinds (Pandascore's OpponentID)": {
        "allOf": [
            {"nullable": True, "description": "may be null"},
            {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "integer", "minimum": 1}]},
        ],
    },
    "a map of at least one entry": {
        "type": "object",
        "minProperties": 1,
        "maxProperties": 20,
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
    "an object of few properties": {
        "type": "object",
        "maxProperties": 1,
        "required": ["a"],
        "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
    },
    "distinct items, several": {
        "type": "array",
        "minItems": 3,
        "uniqueItems": True,
        "items": {"type": "integer", "minimum": 0, "maximum": 5},
    },
    "a part's additional properties over another part's (Zuora's system fields)": {
        "allOf": [
            {
                "type": "object",
                "properties": {
                    "Id": {
                        "type": "object",
                        "properties": {
                            "origin": {"type": "string", "enum": ["system"]},
                            "label": {"type": "string"},
                        },
                    }
                },
            },
            {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "properties": {"origin": {"type": "string", "enum": ["custom"]}},
                },
            },
        ],
    },
    "a duration (RFC 3339)": {"type": "string", "format": "duration"},
    "an organisation by id or by name, not both (InfluxDB's DBRP)": {
        "type": "object",
        "properties": {
            "org": {"type": "string"},
            "orgID": {"type": "string"},
            "database": {"type": "string"},
        },
        "oneOf": [{"required": ["orgID", "database"]}, {"required": ["org", "database"]}],
    },
    "variants told apart by their type alone, cut short (InfluxDB's variables)": {
        "type": "array",
        "items": {
            "type": "array",
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "oneOf": [
                        {"properties": {"type": {"enum": ["query"]}, "values": {"type": "object"}}},
                        {"properties": {"type": {"enum": ["map"]}, "values": {"type": "object"}}},
                    ],
                },
            },
        },
    },
    "an integer multiple": {"type": "integer", "multipleOf": 7, "minimum": 10, "maximum": 100},
    "a decimal multiple": {"type": "number", "multipleOf": 0.25, "maximum": 3},
    "a password of a pattern (AWS's Arn)": {
        "type": "string",
        "format": "password",
        "pattern": "^arn[\\/\\:\\-\\_\\.a-zA-Z0-9]+$",
        "minLength": 1,
        "maxLength": 1024,
    },
    "a lookahead that what follows must match again (AWS FSx's ResourceARN)": {
        "type": "string",
        "pattern": "^arn:(?=[^:]+:fsx:[^:]+:\\d{12}:)((|(?=[a-z0-9-.]{1,63})(?!\\d{1,3}"
        "(\\.\\d{1,3}){3})(?![^:]*-{2})(?![^:]*-\\.)(?![^:]*\\.-)[a-z0-9].*(?<!-)):){4}"
        "(?!/).{0,1024}$",
        "minLength": 8,
        "maxLength": 512,
    },
    "an optional object closed to what each of its branches requires (Jira's JqlQuery)": {
        "type": "object",
        "properties": {
            "orderBy": {"type": "string"},
            "where": {
                "type": "object",
                "additionalProperties": False,
                "anyOf": [
                    {"type": "object", "required": ["clauses"], "properties": {"clauses": {}}},
                    {"type": "object", "required": ["field"], "properties": {"field": {}}},
                ],
            },
        },
    },
    "a property one allOf part describes as an allOf of more (BeezUP's order links)": {
        "allOf": [
            {
                "type": "object",
                "properties": {
                    "links": {
                        "type": "object",
                        "required": ["self"],
                        "properties": {"self": {"type": "string"}},
                    }
                },
            },
            {
                "type": "object",
                "required": ["links"],
                "properties": {
                    "links": {
                        "allOf": [
                            {"type": "object", "properties": {"self": {"type": "string"}}},
                            {
                                "type": "object",
                                "required": ["self", "history"],
                                "properties": {"history": {"type": "string"}},
                            },
                        ]
                    }
                },
            },
        ]
    },
    "a commit sha (GitHub)": {
        "type": "string",
        "pattern": "^[0-9a-fA-F]+$",
        "minLength": 40,
        "maxLength": 40,
    },
    "one of two loose objects": {
        "oneOf": [
            {"type": "object", "properties": {"Message": {"type": "string"}}},
            {"type": "object", "properties": {"url": {"type": "string"}}},
        ]
    },
    "an email by pattern (AWS)": {"type": "string", "pattern": "[^@]+@[^@]+"},
    "base64 of at least 20 characters (AWS OpenSearch's policy version)": {
        "type": "string",
        "pattern": "^([0-9a-zA-Z+/]{4})*(([0-9a-zA-Z+/]{2}==)|([0-9a-zA-Z+/]{3}=))?$",
        "minLength": 20,
        "maxLength": 36,
    },
    "a padded pattern of an exact length (AWS Clean Rooms' UUID)": {
        "type": "string",
        "pattern": ".*[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}.*",
        "minLength": 36,
        "maxLength": 36,
    },
    "a time of day (RFC 3339)": {"type": "string", "format": "time"},
    "an exclusive range": {"type": "integer", "exclusiveMinimum": True, "minimum": 0, "maximum": 2},
    "3.0's false exclusives (Azure's status codes)": {
        "type": "integer",
        "minimum": 200,
        "maximum": 599,
        "exclusiveMinimum": False,
        "exclusiveMaximum": False,
    },
    "any of branches the schema around them narrows (Adyen's additionalData)": {
        "type": "object",
        "additionalProperties": {"type": "string"},
        "anyOf": [
            {"type": "object", "properties": {"threeds2.cardEnrolled": {"type": "boolean"}}},
            {"type": "object", "properties": {"cardBin": {"type": "string"}}},
        ],
    },
    "a versioned URL, by format and an open-ended pattern (OPTIMADE)": {
        "type": "string",
        "format": "uri",
        "pattern": ".+/v[0-1](\\.[0-9]+)*/?$",
        "minLength": 1,
    },
    "an optional choice no value of which fits (Adyen's one-letter gender)": {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": "string"},
            "gender": {"type": "string", "maxLength": 1, "enum": ["MALE", "FEMALE"]},
        },
    },
    "two parts' choices of one field (MotaWord's status)": {
        "allOf": [
            {"type": "object", "properties": {"status": {"enum": ["success", "error"]}}},
            {
                "type": "object",
                "properties": {"status": {"type": "string", "enum": ["success", "confirmed"]}},
            },
        ]
    },
}


@pytest.mark.parametrize("name", SCHEMAS)
def test_generated_values_obey_every_constraint(name: str) -> None:
    schema = SCHEMAS[name]
    validator = OAS30Validator(schema)
    formats = Draft7Validator.FORMAT_CHECKER
    for seed in range(40):
        value = Synth({}, seed).value(schema)
        errors = [error.message for error in validator.iter_errors(value)]
        assert errors == [], (seed, value)
        if "format" in schema:
            assert formats.conforms(value, schema["format"]), (seed, value)
            standard = STANDARD_FORMATS.get(schema["format"])
            assert standard is None or standard(value), (seed, value)


def test_an_instant_fits_the_length_its_schema_allows() -> None:
    # Telstra's timestamps: a date-time of at most 24 characters.
    schema = {"type": "string", "format": "date-time", "maxLength": 24, "minLength": 24}
    for seed in range(10):
        value = Synth({}, seed).value(schema)
        assert len(value) == 24 and Draft7Validator.FORMAT_CHECKER.conforms(value, "date-time")


def test_a_schema_that_requires_itself_still_gives_a_value_that_ends():
    # `TreeNode.parent` is required and a TreeNode: no finite value fits; one must still end.
    tree = {
        "type": "object",
        "required": ["id", "parent"],
        "properties": {"id": {"type": "string"}, "parent": {"$ref": "#/components/schemas/T"}},
    }
    document = {"components": {"schemas": {"T": tree}}}
    value = Synth(document, 1).value({"$ref": "#/components/schemas/T"})
    depth = 0
    while isinstance(value, dict) and "parent" in value:
        value, depth = value["parent"], depth + 1
    assert 4 <= depth <= 20


def test_a_nullable_key_of_generated_objects_is_never_null_and_keeps_its_pattern():
    from specdouble.rest import dataset
    from specdouble.rest.inference import infer_plain

    sid = {"type": "string", "nullable": True, "pattern": "^KS[0-9a-fA-F]{32}$"}
    service = {"type": "object", "properties": {"sid": sid, "name": {"type": "string"}}}
    listed = {"type": "array", "items": {"$ref": "#/components/schemas/Service"}}
    ok = {"200": {"description": "ok", "content": {"application/json": {"schema": listed}}}}
    one = {
        "200": {
            "description": "ok",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Service"}}},
        }
    }
    document = {
        "openapi": "3.0.3",
        "info": {"title": "Services", "version": "1"},
        "paths": {
            "/services": {"get": {"responses": ok}},
            "/services/{sid}": {
                "parameters": [{"name": "sid", "in": "path", "required": True, "schema": sid}],
                "get": {"responses": one},
            },
        },
        "components": {"schemas": {"Service": service}},
    }
    [resource] = infer_plain(document)
    assert resource.spec.key == "sid"
    made = dataset.records(document, resource, seed=3, count=40)
    keys = [record["sid"] for record in made]
    assert len(set(keys)) == 40
    assert all(isinstance(k, str) and re.fullmatch(r"KS[0-9a-fA-F]{32}", k) for k in keys)


def test_an_answer_never_shows_a_property_write_only_beside_its_ref():
    # bunq: `legal_guardian_alias: {$ref: Pointer, writeOnly: true}`; the word beside the
    # `$ref` is what validators (and 3.1) read.
    pointer = {"type": "object", "properties": {"value": {"type": "string"}}}
    person = {
        "type": "object",
        "required": ["name", "guardian"],
        "properties": {
            "name": {"type": "string"},
            "guardian": {"$ref": "#/components/schemas/Pointer", "writeOnly": True},
        },
    }
    document = {"components": {"schemas": {"Pointer": pointer, "Person": person}}}
    synth = Synth(document, 5)
    for _ in range(20):
        shown = synth.value({"$ref": "#/components/schemas/Person"})
        assert "guardian" not in shown and "name" in shown
    written = synth.value({"$ref": "#/components/schemas/Person"}, reading=False)
    assert "guardian" in written


def test_an_all_of_part_that_refines_its_base_is_obeyed() -> None:
    """NPR's documents extend a base whose `attributes` is any object and whose `items` are
    any objects: the generated value obeys the part that says what they are."""
    document = {
        "components": {
            "schemas": {
                "Base": {
                    "type": "object",
                    "required": ["version"],
                    "properties": {
                        "version": {"type": "string"},
                        "attributes": {"type": "object"},
                        "items": {"type": "array", "items": {"type": "object"}},
                    },
                },
                "Channel": {
                    "type": "object",
                    "required": ["id", "kind"],
                    "properties": {"id": {"type": "string"}, "kind": {"enum": ["a", "b"]}},
                },
                "Channels": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Base"},
                        {
                            "properties": {
                                "version": {"type": "string", "enum": ["2"]},
                                "attributes": {"$ref": "#/components/schemas/Channel"},
                                "items": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Channel"},
                                },
                            }
                        },
                    ]
                },
            }
        }
    }
    schema = {"$ref": "#/components/schemas/Channels"}
    validator = OAS30Validator({**document, **schema})
    for seed in range(20):
        value = Synth(document, seed).value(schema)
        assert [e.message for e in validator.iter_errors(value)] == [], (seed, value)


def test_records_obey_the_part_that_types_a_field_another_part_only_describes() -> None:
    """rev.ai's job repeats its options' fields with a description only, beside the `$ref` of
    options (an `allOf` themselves) that type them: stored records obey the typed part."""
    from specdouble.rest import dataset
    from specdouble.rest.inference import infer_plain

    options = {
        "allOf": [
            {"type": "object", "properties": {"note": {"type": "string", "maxLength": 5}}},
            {
                "type": "object",
                "properties": {
                    "delete_after": {"type": "integer", "minimum": 0, "nullable": True},
                    "language": {"type": "string", "enum": ["en", "de"]},
                },
            },
        ]
    }
    described = {"description": "said elsewhere"}
    job = {
        "allOf": [
            {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "note": described,
                    "delete_after": described,
                    "language": described,
                },
            },
            {"$ref": "#/components/schemas/Options"},
        ]
    }
    listed = {"type": "array", "items": {"$ref": "#/components/schemas/Job"}}
    one = {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}
    document = {
        "openapi": "3.0.3",
        "info": {"title": "Jobs", "version": "1"},
        "paths": {
            "/jobs": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": listed}},
                        }
                    }
                }
            },
            "/jobs/{id}": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "get": {"responses": {"200": {"description": "ok", "content": one}}},
            },
        },
        "components": {"schemas": {"Options": options, "Job": job}},
    }
    [resource] = infer_plain(document)
    validator = OAS30Validator({"$ref": "#/components/schemas/Job", **document})
    for record in dataset.records(document, resource, seed=11, count=30):
        assert validator.is_valid(record), record


def test_a_class_of_every_script_draws_plain_characters_where_it_holds_them() -> None:
    """Cognito's `[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s*]*\\{##...##\\}`, read as ranges of every
    script: values like `}Çﺝ{##句老##}ⰏP` are letters, but no text a person writes, and
    outside the fuzzer's own narrower reading of `\\p{L}`. A class that holds plain
    characters draws from them; one that holds none still draws from what it holds."""
    from specdouble.document.lenient import portable_pattern

    pattern = portable_pattern(
        r"[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*\{##[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*##\}"
    )
    assert pattern is not None
    schema = {"type": "string", "pattern": pattern, "minLength": 6}
    for seed in range(20):
        value = Synth({}, seed).value(schema)
        assert re.search(pattern, value) and value.isascii() and len(value) >= 6, (seed, value)
    accented = {"type": "string", "pattern": "^[À-ÿ]{3}$"}
    assert re.fullmatch("[À-ÿ]{3}", Synth({}, 1).value(accented))


def test_a_string_of_a_format_and_a_pattern_obeys_both() -> None:
    """Canada Holidays' `sourceLink`: `format: uri` and `pattern: https+`; an `http` URI
    failed the pattern and the pattern's own `httpssss` was drawn, which is no URI."""
    from urllib.parse import urlsplit

    schema = {"type": "string", "format": "uri", "pattern": "https+"}
    for seed in range(40):
        value = Synth({}, seed).value(schema, name="sourceLink")
        parts = urlsplit(value)
        assert re.search("https+", value) and parts.scheme and parts.netloc, (seed, value)


def test_an_object_of_at_least_one_property_has_one_however_deep() -> None:
    """Oxford Dictionaries' pronunciations: items of optional properties only, closed, with
    `minProperties: 1`; deep in an answer, where optional properties are cut, each was `{}`."""
    from specdouble.data.synth import MAX_DEPTH

    item = {
        "type": "object",
        "minProperties": 1,
        "additionalProperties": False,
        "properties": {
            "dialects": {"type": "array", "items": {"type": "string"}},
            "audioFile": {"type": "string"},
        },
    }
    validator = OAS30Validator(item)
    for seed in range(20):
        value = Synth({}, seed).value(item, depth=MAX_DEPTH + seed % 3)
        assert validator.is_valid(value) and "audioFile" in value, (seed, value)


def test_a_value_of_a_vast_schema_is_bounded_and_keeps_what_is_required() -> None:
    """Microsoft Graph's entities: objects of dozens of properties, lists of them, four levels
    deep. A generated one stops at `VALUE_BUDGET` values, then holds only what is required,
    so it stays valid and small."""
    leaf = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
    level = leaf
    for _ in range(4):
        wide = {f"p{n}": {"type": "array", "items": level} for n in range(20)}
        level = {"type": "object", "required": ["id"], "properties": {"id": {}, **wide}}
    value = Synth({}, 1).value(level)
    assert OAS30Validator(level).is_valid(value)

    def count(node: Any) -> int:
        children = (
            node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
        )
        return 1 + sum(count(child) for child in children)

    assert count(value) < 2 * synth.VALUE_BUDGET


def test_a_list_in_a_oneof_past_the_budget_still_matches_one_branch() -> None:
    """fulfillment.com's GeoJSON coordinates: `oneOf` a list of numbers or a list of lists.
    Past the value budget a list is made empty, which fits both: one item sets it apart."""
    numbers = {"type": "array", "items": {"type": "number"}}
    coordinates = {"oneOf": [numbers, {"type": "array", "items": numbers}]}
    feature = {
        "type": "object",
        "required": ["geometry"],
        "properties": {
            "padding": {"type": "array", "items": {"type": "string"}, "minItems": 600},
            "geometry": {
                "type": "object",
                "required": ["coordinates"],
                "properties": {"coordinates": coordinates},
            },
        },
    }
    for seed in range(5):
        value = Synth({}, seed).value(feature)
        assert OAS30Validator(feature).is_valid(value), (seed, value["geometry"])


def test_a_discriminator_without_a_mapping_names_each_variant_by_its_schema() -> None:
    """OpenAPI reads a discriminator without `mapping` as each branch's schema name (CDC's
    PRIME data hub): the property holds that name, and a variant of any value is an object."""
    document = {
        "components": {
            "schemas": {
                "Custom": {
                    "type": "object",
                    "properties": {"type": {"type": "string"}, "schemaName": {"type": "string"}},
                    "required": ["type", "schemaName"],
                },
                "Redox": {},
                "Config": {
                    "anyOf": [
                        {"$ref": "#/components/schemas/Custom"},
                        {"$ref": "#/components/schemas/Redox"},
                    ],
                    "discriminator": {"propertyName": "type"},
                },
            }
        }
    }
    made = Synth(document, seed=3)
    values = [made.value({"$ref": "#/components/schemas/Config"}) for _ in range(30)]
    assert {value["type"] for value in values} == {"Custom", "Redox"}
    assert all("schemaName" in value for value in values if value["type"] == "Custom")


def test_generators_sharing_a_thread_s_faker_draw_as_if_each_had_its_own() -> None:
    """Generators take turns with their thread's Faker (one is costly to make): each one's
    values are the same whether others drew in between, on this thread or another, and a
    reseeded generator starts its Faker draws afresh."""
    import threading

    person = {
        "type": "object",
        "properties": {
            "email": {"type": "string"},
            "username": {"type": "string"},
            "title": {"type": "string"},
        },
    }

    def alone(seed: int, times: int = 4) -> list[Any]:
        made = Synth({}, seed)
        return [made.value(person) for _ in range(times)]

    expected = {seed: alone(seed) for seed in (1, 2, 3)}
    takers = {seed: Synth({}, seed) for seed in (1, 2, 3)}
    taken: dict[int, list[Any]] = {seed: [] for seed in takers}
    for _ in range(4):  # in turns: each draw takes the Faker from the one before
        for seed, taker in takers.items():
            taken[seed].append(taker.value(person))
    assert taken == expected

    elsewhere: list[list[Any]] = []
    first = Synth({}, 1)
    head = [first.value(person) for _ in range(2)]
    thread = threading.Thread(target=lambda: elsewhere.append(alone(2)))
    thread.start()
    thread.join()
    assert head + [first.value(person) for _ in range(2)] == expected[1]
    assert elsewhere == [expected[2]]

    travelling = Synth({}, 3)  # one generator, drawing on one thread and then another
    drawn = [travelling.value(person)]
    thread = threading.Thread(target=lambda: drawn.append(travelling.value(person)))
    thread.start()
    thread.join()
    drawn += [travelling.value(person) for _ in range(2)]
    assert drawn == expected[3]

    again = Synth({}, 5)
    again.value(person)
    thread = threading.Thread(target=lambda: again.reseed("x"))
    thread.start()
    thread.join()
    fresh = Synth({}, 5)
    fresh.reseed("x")
    assert again.value(person) == fresh.value(person)


def test_generating_never_changes_the_document() -> None:
    """A value taken from the document (an example, a const, an enum's object) is a copy:
    naming the variant a discriminator chose wrote into the document's own example."""
    document = {
        "components": {
            "schemas": {
                "Pet": {
                    "type": "object",
                    "discriminator": {
                        "propertyName": "kind",
                        "mapping": {"cat": "#/components/schemas/Cat"},
                    },
                    "oneOf": [{"$ref": "#/components/schemas/Cat"}],
                },
                "Cat": {
                    "type": "object",
                    "properties": {"kind": {"type": "string"}, "name": {"type": "string"}},
                    "example": {"kind": "dog", "name": "Tom"},
                },
                "Owner": {
                    "type": "object",
                    "properties": {
                        "pet": {"$ref": "#/components/schemas/Pet"},
                        "tags": {"type": "array", "items": {"enum": [{"a": 1}]}},
                        "fixed": {"const": {"b": [2]}},
                    },
                },
            }
        }
    }
    before = copy.deepcopy(document)
    made = Synth(document, 0)
    values = [made.value({"$ref": "#/components/schemas/Owner"}) for _ in range(30)]
    for value in values:  # a caller changing what it was given
        value.get("pet", {})["name"] = "changed"
        value.get("fixed", {}).clear()
        for tag in value.get("tags", []):
            tag["a"] = 9
    assert document == before
    assert any(value.get("pet", {}).get("kind") == "cat" for value in values)


def test_variants_alike_but_inside_are_set_apart_inside() -> None:
    """ExaVault's webhook attributes: v1 and v2 name the same properties, loose (any other
    allowed), and differ only in what their `details` hold; `oneOf` wants a value only one
    takes, which sets it apart inside `details` (a v1-only field of another type)."""
    shared = {"webhookFormat": {"type": "string"}, "status": {"type": "integer"}}

    def variant(details: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {**shared, "details": {"type": "object", "properties": details}},
        }

    document = {
        "components": {
            "schemas": {
                "V1": variant({"attempt": {"type": "integer"}, "event": {"type": "string"}}),
                "V2": variant({"eventData": {"type": "object"}, "event": {"type": "string"}}),
                "Entry": {
                    "discriminator": {"propertyName": "webhookFormat"},
                    "oneOf": [
                        {"$ref": "#/components/schemas/V2"},
                        {"$ref": "#/components/schemas/V1"},
                    ],
                },
            }
        }
    }
    # JSON Schema's `oneOf`, as a response checker reads it (the discriminator aside).
    validator = Draft7Validator({**document, "$ref": "#/components/schemas/Entry"})
    for seed in range(20):
        value = Synth(document, seed).value({"$ref": "#/components/schemas/Entry"})
        assert validator.is_valid(value), value


def test_variants_alike_but_for_their_lists_items_are_set_apart_by_an_item() -> None:
    """Nexmo's reports: eleven answers with the same fields, a product any of them may name,
    and `records` whose items differ; an empty list or loose items fit all eleven, which
    `oneOf` forbids. One item of the chosen variant's own, set apart from each other's,
    makes a value only that variant takes."""

    def variant(fields: dict[str, Any]) -> dict[str, Any]:
        item = {"type": "object", "properties": {"id": {"type": "string"}, **fields}}
        return {
            "type": "object",
            "properties": {
                "product": {"type": "string", "enum": ["SMS", "VOICE", "CHAT"]},
                "records": {"type": "array", "items": item},
            },
        }

    branches = [
        variant({"to": {"type": "string"}}),
        variant({"duration": {"type": "integer"}}),
        variant({"members": {"type": "array", "items": {"type": "string"}}}),
    ]
    schema = {"oneOf": branches}
    validator = Draft7Validator(schema)
    for seed in range(20):
        value = Synth({}, seed).value(schema)
        assert validator.is_valid(value), value


VARIANT_TAGS = {
    "components": {
        "schemas": {
            name: {
                "type": "object",
                "required": ["kind", "details", "meta", "d2"],
                "properties": {
                    "kind": {"type": "string"},
                    **{
                        part: {
                            "type": "object",
                            "properties": {f"{name}_{part}": {"type": "integer"}},
                        }
                        for part in ("details", "meta", "d2")
                    },
                },
            }
            for name in ("V1", "V2")
        }
        | {
            "U": {
                "oneOf": [{"$ref": "#/components/schemas/V1"}, {"$ref": "#/components/schemas/V2"}],
                "discriminator": {
                    "propertyName": "kind",
                    "mapping": {"v1": "#/components/schemas/V1", "v2": "#/components/schemas/V2"},
                },
            },
        }
    }
}


def test_setting_variants_apart_is_the_same_for_any_hash_seed() -> None:
    """Which shared object sets a value apart was the first of a set of names: another
    process (another PYTHONHASHSEED) chose another. Same seed, same data, in any process; and
    the discriminator keeps the name of the variant it chose."""
    import json
    import os
    import subprocess
    import sys

    program = (
        "import json, sys\n"
        "from specdouble.data.synth import Synth\n"
        "document = json.loads(sys.stdin.read())\n"
        "values = [Synth(document, seed).value({'$ref': '#/components/schemas/U'})"
        " for seed in range(8)]\n"
        "print(json.dumps(values, sort_keys=True))\n"
    )
    made = {
        json.dumps(
            json.loads(
                subprocess.run(
                    [sys.executable, "-c", program],
                    input=json.dumps(VARIANT_TAGS),
                    capture_output=True,
                    text=True,
                    check=True,
                    env={**os.environ, "PYTHONHASHSEED": str(hash_seed)},
                ).stdout
            )
        )
        for hash_seed in (1, 2, 3, 4)
    }
    assert len(made) == 1


def test_a_variant_set_apart_keeps_the_name_its_discriminator_gave() -> None:
    """Setting a value apart may change an enum's choice, never the discriminator's: a
    `kind` of `fish`, valid for the schema, names no variant a client can place."""
    prefix = "#/components/schemas/"
    document = {
        "components": {
            "schemas": {
                "Kind": {"type": "string", "enum": ["cat", "dog", "fish"]},
                "Cat": {
                    "type": "object",
                    "required": ["kind"],
                    "properties": {"kind": {"$ref": prefix + "Kind"}, "name": {"type": "string"}},
                },
                "Dog": {
                    "type": "object",
                    "required": ["kind"],
                    "properties": {
                        "kind": {"type": "string", "enum": ["cat", "dog"]},
                        "name": {"type": "string"},
                    },
                },
                "Pet": {
                    "oneOf": [{"$ref": prefix + "Cat"}, {"$ref": prefix + "Dog"}],
                    "discriminator": {
                        "propertyName": "kind",
                        "mapping": {"cat": prefix + "Cat", "dog": prefix + "Dog"},
                    },
                },
            }
        }
    }
    kinds = {Synth(document, seed).value({"$ref": prefix + "Pet"})["kind"] for seed in range(8)}
    assert kinds <= {"cat", "dog"}


@pytest.mark.parametrize("nullable", [{"nullable": True}, {"type": ["object", "null"]}])
def test_a_nullable_object_its_parts_leave_no_value_for_is_null(nullable: dict[str, Any]) -> None:
    """Its `allOf` parts name disjoint choices for a required field: no object is valid, null
    is (3.0's `nullable`, 3.1's `null` type)."""
    kinds = [{"properties": {"k": {"type": "string", "enum": [kind]}}} for kind in ("a", "b")]
    schema = {"type": "object", "required": ["k"], "allOf": kinds, **nullable}
    holder = {"type": "object", "required": ["child"], "properties": {"child": schema}}
    assert {Synth({}, seed).value(holder)["child"] is None for seed in range(5)} == {True}


def test_a_nullable_composition_that_admits_no_object_is_null() -> None:
    """Shipengine's `form_download`: `nullable` beside `allOf: [link]`, where `link` requires
    `href` and closes itself to every name it does not describe (it describes none). No
    object is valid; null is, where `nullable` is read beside `allOf` (as checkers read it),
    and `{}` is under no reading."""
    document = {
        "components": {
            "schemas": {
                "optional_link": {"type": "object", "properties": {"href": {"type": "string"}}},
                "link": {
                    "type": "object",
                    "additionalProperties": False,
                    "allOf": [{"$ref": "#/components/schemas/optional_link"}],
                    "required": ["href"],
                },
            }
        }
    }
    field = {"allOf": [{"$ref": "#/components/schemas/link"}], "nullable": True}
    assert {Synth(document, seed).value(field) for seed in range(10)} == {None}
