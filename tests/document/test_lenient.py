"""Repairs of what Python cannot read in a document, each reported with its JSON pointer."""

from __future__ import annotations

import re

from specdouble.document import lenient, openapi


def test_patterns_of_other_engines_are_read_as_pythons_nearest() -> None:
    document = {
        "components": {
            "schemas": {
                "Tag": {"type": "string", "pattern": r"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$"},
                "Odd": {"type": "string", "pattern": r"\p{Klingon}+"},
                "Fine": {"type": "string", "pattern": r"^\d+$"},
                # An example is data: a `pattern` inside it is not a schema's.
                "Data": {"type": "object", "example": {"pattern": r"\p{L}"}},
            }
        }
    }
    repairs = lenient.repair(document)
    schemas = document["components"]["schemas"]
    tag = re.compile(schemas["Tag"]["pattern"])
    assert tag.match("Größe 1:a") and not tag.match("a;b")
    assert "pattern" not in schemas["Odd"]  # no class of that name, in no engine
    assert schemas["Fine"]["pattern"] == r"^\d+$"
    assert schemas["Data"]["example"] == {"pattern": r"\p{L}"}
    assert [line.split(":")[0] for line in repairs] == [
        "#/components/schemas/Tag/pattern",
        "#/components/schemas/Odd/pattern",
    ]
    assert "dropped" in repairs[1]


def test_a_default_its_schema_refuses_is_dropped_with_its_pointer() -> None:
    # OpenAI's document: `max_tokens` is an integer whose default is "inf".
    document = {
        "paths": {
            "/c": {
                "post": {
                    "parameters": [
                        {"name": "n", "in": "query", "schema": {"type": "integer", "default": 1}},
                        {
                            "name": "m",
                            "in": "query",
                            "schema": {"type": "integer", "default": "inf"},
                        },
                        {
                            "name": "b",
                            "in": "query",
                            "schema": {"type": "integer", "default": True},
                        },
                        {"name": "z", "in": "query", "schema": {"type": "string", "default": None}},
                    ]
                }
            }
        }
    }
    repairs = lenient.repair(document)
    parameters = document["paths"]["/c"]["post"]["parameters"]
    # A null default where the schema may not be null goes too (OpenAPI 3.0: no `nullable`).
    assert [("default" in p["schema"]) for p in parameters] == [True, False, False, False]
    assert repairs[0].startswith("#/paths/~1c/post/parameters/1/schema/default: 'inf'")
    assert len(repairs) == 3


def test_keywords_of_the_wrong_kind_and_optional_path_parameters() -> None:
    """codat's documents: a `type` written as an object (a property where a keyword belongs),
    and path parameters not marked required. A property *named* `type` is left alone."""
    document = {
        "components": {
            "schemas": {
                "Item": {
                    "definitions": {"itemType": {"type": {"enum": ["A", "B"], "type": "string"}}},
                    "properties": {"type": {"type": "string", "enum": ["A", "B"]}},
                }
            }
        },
        "paths": {
            "/items/{id}": {"parameters": [{"name": "id", "in": "path", "schema": {}}]},
        },
    }
    repairs = lenient.repair(document)
    item = document["components"]["schemas"]["Item"]
    assert item["definitions"]["itemType"] == {}
    assert item["properties"]["type"] == {"type": "string", "enum": ["A", "B"]}
    assert document["paths"]["/items/{id}"]["parameters"][0]["required"] is True
    assert repairs == [
        "#/components/schemas/Item/definitions/itemType/type: a schema's 'type' cannot be dict:"
        " dropped",
        "#/paths/~1items~1{id}/parameters/0/required: a path parameter is required",
    ]


def test_a_pattern_is_made_one_both_engines_read_alike() -> None:
    """The server matches with Python's `re`; the document's dialect (and the validator, with
    jsonschema-rs) is ECMA-262: AWS's `\\A...\\z`, a literal `}`, Amadeus' `{1-70}`, named
    groups in either spelling, and inline flags (which only Python reads: dropped)."""
    schemas = {
        "Ip": {"type": "string", "pattern": r"\A(25[0-5]|2[0-4]\d|[01]?\d?\d)\z"},
        "Policy": {"type": "string", "pattern": r'^\{[\w\s:\{\}\[\]"]*}$'},
        "Name": {"type": "string", "pattern": "[a-zA-Z]{1-70}"},
        "Date": {"type": "string", "pattern": r"(?P<year>\d{4})-(?<month>\d\d)"},
        "Flagged": {"type": "string", "pattern": "(?i)abc"},
    }
    document = {"components": {"schemas": schemas}}
    lenient.repair(document)
    assert schemas["Ip"]["pattern"] == r"^(25[0-5]|2[0-4]\d|[01]?\d?\d)$"
    assert re.fullmatch(schemas["Policy"]["pattern"], '{"a": [1]}')
    assert schemas["Name"]["pattern"] == "[a-zA-Z]{1,70}"
    assert re.fullmatch(schemas["Date"]["pattern"], "2026-12")
    assert "pattern" not in schemas["Flagged"]
    assert all(lenient.portable(s["pattern"]) for s in schemas.values() if "pattern" in s)


def test_a_java_class_intersection_is_read_as_ecma_262_reads_it() -> None:
    """AWS Auto Scaling Plans' `[\\p{Print}&&[^|:/]]+` (Java: printable, but `|`, `:`, `/`)
    is no pattern both engines read. ECMA-262 without its `u` flag, and Schemathesis, read a
    class of its characters and then `]`: it is read so, keeping of `\\p{Print}`'s characters
    those the property holds, so that what the mock sends every reader accepts. Patterns
    read before as the nearest classes (AWS Omics' `||`) or dropped (`[\\P{L}]`) stay so."""
    schemas = {
        "Plan": {"type": "string", "pattern": r"[\p{Print}&&[^|:/]]+"},
        "NoLetter": {"type": "string", "pattern": r"^[\P{L}&&[^a]]$"},
        "Negated": {"type": "string", "pattern": r"^[^\p{Lu}&&[^A]]$"},
        "Omics": {"type": "string", "pattern": r"[\p{N}||\p{P}]+"},
        "Dropped": {"type": "string", "pattern": r"[\P{L}]"},
    }
    repairs = lenient.repair({"components": {"schemas": schemas}})
    plan, no_letter = schemas["Plan"]["pattern"], schemas["NoLetter"]["pattern"]
    assert plan == r"[p{Print}\&\&\[^|:/]\]+" and lenient.portable(plan)
    assert re.search(plan, "p]") and re.search(plan, "x&]]") and not re.search(plan, "plan")
    # Schemathesis' reading: `\p{Print}` a range; its `[` and `&&` literal, as here.
    schemathesis_reading = r"[ !-~\u00A1-\u00AC\u00AE-\u00FF\&\&\[^|:/]\]+"
    assert re.search(schemathesis_reading, "p]") and re.search(schemathesis_reading, "x&]]")
    assert no_letter == r"^[{}\&\&\[^a]\]$"  # of `P{L}`, the characters that are no letter
    assert "pattern" not in schemas["Negated"]  # fewer characters refused: more accepted
    assert re.fullmatch(schemas["Omics"]["pattern"], "0-99")
    assert "pattern" not in schemas["Dropped"]
    assert [line.split(": ")[0] for line in repairs] == [
        f"#/components/schemas/{name}/pattern" for name in schemas
    ]
    assert repairs[0].endswith(f" read as {plan!r}")


def test_defaults_their_schema_refuses_and_operations_without_answers() -> None:
    """Press Association's `default` of a date-time under `pattern: date-time`, ReadMe's time
    the validator refuses, and an operation that documents no answer at all."""
    document = {
        "openapi": "3.0.3",
        "paths": {
            "/hoot": {
                "post": {
                    "parameters": [
                        {
                            "name": "since",
                            "in": "query",
                            "schema": {
                                "type": "string",
                                "pattern": "date-time",
                                "default": "2025-10-15T13:51:08.377Z",
                            },
                        },
                        {"name": "n", "in": "query", "schema": {"type": "integer", "default": 3}},
                    ],
                    "responses": {},
                }
            }
        },
    }
    repairs = lenient.repair(document)
    operation = document["paths"]["/hoot"]["post"]
    assert "default" not in operation["parameters"][0]["schema"]
    assert operation["parameters"][1]["schema"]["default"] == 3
    assert operation["responses"] == {"default": {"description": "Undocumented"}}
    assert [line.split(":")[0] for line in repairs] == [
        "#/paths/~1hoot/post/parameters/0/schema/default",
        "#/paths/~1hoot/post/responses",
    ]


def test_a_root_field_no_dialect_has_is_dropped_and_said() -> None:
    """Google's documents keep their converter's `source: {url: {}}` at the root: it means
    nothing to a server, so it goes with a warning; extensions and the dialect's own stay."""
    document = {
        "openapi": "3.0.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "source": {"url": {}},
        "x-origin": [],
        "webhooks": {},
    }
    repairs = lenient.repair(document)
    assert set(document) == {"openapi", "info", "paths", "x-origin"}
    assert repairs == [
        "#/source: not a field of the document's root: dropped",
        "#/webhooks: not a field of the document's root: dropped",
    ]
    modern = {"openapi": "3.1.0", "info": {}, "webhooks": {}}
    assert lenient.repair(modern) == [] and "webhooks" in modern
    swagger = {"swagger": "2.0", "info": {}, "paths": {}, "host": "h", "basePath": "/v1"}
    assert lenient.repair(swagger) == []


def test_paths_that_differ_only_in_parameter_names_are_said() -> None:
    document = {
        "openapi": "3.0.0",
        "paths": {"/a/{id}": {}, "/a/{accountId}": {}, "/a/{id}/b": {}, "/a/x": {}},
    }
    assert lenient.repair(document) == [
        "#/paths/~1a~1{accountId}: the same path as '/a/{id}' (only its parameters' names"
        " differ): a method both have is answered by the first"
    ]


def test_boolean_schemas_become_the_objects_that_mean_the_same() -> None:
    """Codat's `properties: {additionalProperties: false}` (3.1: that property may not be
    there); `additionalProperties: false` itself stays as every dialect reads it."""
    thing = {
        "type": "object",
        "additionalProperties": False,
        "properties": {"additionalProperties": False, "any": True},
        "allOf": [True],
        "items": False,
    }
    document = {
        "openapi": "3.1.0",
        "components": {"schemas": {"Thing": thing}},
        "paths": {
            "/t": {
                "get": {
                    "responses": {
                        "200": {"content": {"a/b": {"schema": {"properties": {"x": False}}}}}
                    }
                }
            }
        },
    }
    assert lenient.repair(document) == []
    assert thing["properties"] == {"additionalProperties": {"not": {}}, "any": {}}
    assert thing["additionalProperties"] is False
    assert thing["allOf"] == [{}] and thing["items"] == {"not": {}}
    answer = document["paths"]["/t"]["get"]["responses"]["200"]["content"]["a/b"]["schema"]
    assert answer["properties"] == {"x": {"not": {}}}


def test_a_parameters_header_or_media_types_boolean_schema_is_an_object() -> None:
    """3.1's `schema: true` where a parameter, a header or a media type names its schema
    (the server reads a schema object there); an extension's `schema` is data."""
    parameter = {"name": "p", "in": "path", "required": True, "schema": True}
    header = {"schema": False}
    media = {"schema": True}
    extension = {"schema": True}
    document = {
        "openapi": "3.1.0",
        "paths": {
            "/{p}/x": {
                "parameters": [parameter],
                "get": {
                    "x-note": extension,
                    "responses": {
                        "200": {
                            "description": "d",
                            "headers": {"X-Rate": header},
                            "content": {"application/json": media},
                        }
                    },
                },
            }
        },
    }
    assert lenient.repair(document) == []
    assert parameter["schema"] == {} and media["schema"] == {}
    assert header["schema"] == {"not": {}}
    assert extension["schema"] is True


def test_an_unknown_dialect_and_draft_4_exclusives_in_a_3_1_document() -> None:
    """ReadMe's `schema-validation-local`: a `$schema` naming a draft that never was is read
    in the document's own dialect; there, `exclusiveMaximum: true` beside `maximum` is the
    bound itself. A schema that names draft 4 keeps draft 4's booleans."""
    odd = {"$schema": "https://json-schema.org/draft-05/schema#", "type": "integer"}
    bounded = {
        "type": "integer",
        "maximum": 20,
        "exclusiveMaximum": True,
        "exclusiveMinimum": False,
    }
    draft4 = {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "maximum": 20,
        "exclusiveMaximum": True,
    }
    document = {
        "openapi": "3.1.0",
        "components": {"schemas": {"Odd": odd, "Bounded": bounded, "Draft4": draft4}},
    }
    repairs = lenient.repair(document)
    assert odd == {"type": "integer"}
    assert bounded == {"type": "integer", "exclusiveMaximum": 20}
    assert draft4["exclusiveMaximum"] is True and draft4["maximum"] == 20
    assert [line.split(":")[0] for line in repairs] == [
        "#/components/schemas/Odd/$schema",
        "#/components/schemas/Bounded/exclusiveMinimum",
        "#/components/schemas/Bounded/exclusiveMaximum",
    ]


def test_a_document_dialect_is_read_and_its_schemas_rewritten_in_3_1s() -> None:
    """ReadMe's `schema-validation-top-level`: `jsonSchemaDialect` names draft 4, so a schema
    naming no dialect of its own means draft 4's booleans; one naming 2020-12 means numbers.
    The validator read both in draft 4 and refused the document: the field goes, and each
    schema is written as 3.1 reads it. A dialect nobody knows goes too."""
    own = {"$schema": "https://json-schema.org/draft/2020-12/schema#", "exclusiveMaximum": 20}
    inherited = {"type": "number", "maximum": 20, "exclusiveMaximum": True, "default": 12}
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "jsonSchemaDialect": "http://json-schema.org/draft-04/schema#",
        "components": {"schemas": {"Own": own, "Inherited": inherited}},
    }
    repairs = lenient.repair(document)
    assert "jsonSchemaDialect" not in document
    assert own["exclusiveMaximum"] == 20
    assert inherited == {"type": "number", "exclusiveMaximum": 20, "default": 12}
    assert [line.split(":")[0] for line in repairs] == [
        "#/jsonSchemaDialect",
        "#/components/schemas/Inherited/exclusiveMaximum",
    ]
    openapi.check({**document, "paths": {}}, source="t")  # the validator takes it now
    unknown = {"openapi": "3.1.0", "jsonSchemaDialect": "x"}
    assert lenient.repair(unknown) == [
        "#/jsonSchemaDialect: 'x' is no JSON Schema dialect the validator knows: its schemas"
        " read in 3.1's own"
    ]
    assert "jsonSchemaDialect" not in unknown


def test_a_query_template_in_a_path_key_is_its_query_parameter() -> None:
    """Medium's `/search/articles?query={query}` declares `query` in the query: the key's
    template says nothing more, and a validator reads it as an undeclared path parameter."""
    query = {"name": "query", "in": "query", "required": True, "schema": {"type": "string"}}
    document = {
        "openapi": "3.0.0",
        "paths": {
            "/search?query={query}": {"get": {"parameters": [query]}},
            "/tags?query={query}": {"get": {"parameters": [query]}},
            "/tags": {"get": {}},
            # icons8: declared in the path, or nowhere; sent in the query either way
            "/latest?term={term}&amount={amount}": {
                "get": {"parameters": [{"name": "amount", "in": "path", "required": True}]}
            },
        },
    }
    repairs = lenient.repair(document)
    assert list(document["paths"]) == ["/search", "/tags?query", "/tags", "/latest"]
    assert repairs[0].startswith("#/paths/~1search?query={query}: the query's template")
    latest = document["paths"]["/latest"]["get"]["parameters"]
    assert {(p["name"], p["in"]) for p in latest} == {("amount", "query"), ("term", "query")}
    assert not [p for p in latest if p["name"] == "term" and p.get("required")]


def test_an_enum_naming_a_value_twice_names_it_once() -> None:
    """OpenFIGI's state codes and IX-API's `['true', 'true']`: the validator refused the
    document for a repetition that changes nothing a value may be. `1` and `True` differ."""
    codes = {"type": "string", "enum": ["AB", "AC", "AC", "AB", "AD"]}
    mixed = {"enum": [1, True, 1]}
    document = {"openapi": "3.0.3", "components": {"schemas": {"Codes": codes, "Mixed": mixed}}}
    assert lenient.repair(document) == [
        "#/components/schemas/Codes/enum: 2 value(s) named twice: named once",
        "#/components/schemas/Mixed/enum: 1 value(s) named twice: named once",
    ]
    assert codes["enum"] == ["AB", "AC", "AD"] and mixed["enum"] == [1, True]


def test_a_choice_not_of_its_schema_s_type_is_dropped() -> None:
    """Zoom's chat session `type: string, enum: [Group, 61]`: 61 is no value of the schema,
    and a server answering it breaks its own document. A schema none of whose choices fits
    its type is left for the validator to judge."""
    session = {"type": "string", "enum": ["Group", 61]}
    nullable = {"type": "integer", "nullable": True, "enum": [1, None, "2"]}
    plain = {"type": "string", "enum": ["a", None]}  # 3.0: null only where nullable
    none_fit = {"type": "string", "enum": [1, 2]}
    untyped = {"enum": ["a", 1]}
    schemas = {"S": session, "N": nullable, "P": plain, "X": none_fit, "U": untyped}
    assert lenient.repair({"openapi": "3.0.3", "components": {"schemas": schemas}}) == [
        "#/components/schemas/S/enum: 61 not of its schema's type 'string': dropped",
        "#/components/schemas/N/enum: '2' not of its schema's type 'integer': dropped",
        "#/components/schemas/P/enum: None not of its schema's type 'string': dropped",
    ]
    assert (session["enum"], nullable["enum"], plain["enum"]) == (["Group"], [1, None], ["a"])
    assert (none_fit["enum"], untyped["enum"]) == ([1, 2], ["a", 1])


def test_an_extension_among_the_paths_is_no_path() -> None:
    """Apicurio's `x-codegen-contextRoot: "/apis/registry/v2"` beside its paths: it was read
    as the path `/x-codegen-contextRoot`, and the validator's library fails on it as it is."""
    document = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"x-codegen-contextRoot": "/apis/registry/v2", "/a": {}},
    }
    assert lenient.repair(document) == [
        "#/paths/x-codegen-contextRoot: an extension, no path: dropped"
    ]
    assert document["paths"] == {"/a": {}}
    openapi.check(document, source="t")


def test_a_choice_that_chooses_itself_again_is_read_as_meant() -> None:
    """SiriKit's invocations map every discriminator value to the schema itself, and a
    parent that chooses its variants is included by them: a validator recursed without end
    (each request a 400 "maximum recursion depth"). A self-mapping discriminator chooses
    nothing and goes; a variant includes its parent's own fields, without the choice."""
    prefix = "#/components/schemas/"
    itself = {
        "discriminator": {"propertyName": "method", "mapping": {"a": prefix + "Call"}},
        "properties": {"method": {"type": "string"}},
    }
    pet = {
        "discriminator": {"propertyName": "kind", "mapping": {"cat": prefix + "Cat"}},
        "oneOf": [{"$ref": prefix + "Cat"}],
        "properties": {"kind": {"type": "string"}, "name": {"type": "string"}},
    }
    cat = {"allOf": [{"$ref": prefix + "Pet"}, {"properties": {"purrs": {"type": "boolean"}}}]}
    document = {
        "openapi": "3.0.3",
        "components": {"schemas": {"Call": itself, "Pet": pet, "Cat": cat}},
    }
    repairs = lenient.repair(document)
    assert "discriminator" not in itself
    assert cat["allOf"][0] == {"$ref": prefix + "PetFields"}
    assert document["components"]["schemas"]["PetFields"] == {"properties": pet["properties"]}
    assert "discriminator" in pet and "oneOf" in pet  # the parent still chooses
    assert [line.split(":")[0] for line in repairs] == [
        "#/components/schemas/Call/discriminator",
        "#/components/schemas/Cat/allOf/0",
    ]
    from specdouble.rest.validation import schema_validator

    validator = schema_validator(document, {"$ref": prefix + "Pet"})
    assert validator.is_valid({"kind": "cat", "name": "Tom", "purrs": True})
    assert schema_validator(document, {"$ref": prefix + "Call"}).is_valid({"method": "a"})


def test_a_pattern_written_as_a_javascript_literal_is_read_as_the_expression_inside() -> None:
    """PeerTube's `/^[a-z0-9._]+$/` and Data Exchange's `.*/^[\\d]{12}$/.*`: no string has
    text before its start or after its end, so nothing matched, and generated answers broke
    them. A slash inside brackets is a character and stays."""
    name = {"type": "string", "pattern": "/^[a-z0-9._]+$/"}
    path = {"type": "string", "pattern": "^[/^$]+/x$"}
    document = {"openapi": "3.0.3", "components": {"schemas": {"Name": name, "Path": path}}}
    assert [line.split(":")[0] for line in lenient.repair(document)] == [
        "#/components/schemas/Name/pattern"
    ]
    assert name["pattern"] == "^[a-z0-9._]+$" and path["pattern"] == "^[/^$]+/x$"


def test_javas_posix_classes_are_read_as_the_ascii_they_name() -> None:
    """SageMaker's headers: `\\p{ASCII}*` and `\\A\\S[\\p{Print}]*\\z` (Java's), which no Python
    or ECMA-262 engine reads: the patterns were dropped, so any header value was taken."""
    ascii_only = {"type": "string", "pattern": "\\p{ASCII}*"}
    printable = {"type": "string", "pattern": "\\A\\S[\\p{Print}]*\\z"}
    schemas = {"Ascii": ascii_only, "Printable": printable}
    lenient.repair({"openapi": "3.0.3", "components": {"schemas": schemas}})
    assert re.fullmatch(ascii_only["pattern"], "plain ~text") is not None
    assert re.fullmatch(ascii_only["pattern"], "naïve") is None
    assert re.match(printable["pattern"], "Ab c~") and not re.match(printable["pattern"], " Ab")


def test_a_path_parameters_name_with_a_colon_is_read_as_the_name_before_it() -> None:
    """IdealSpot's `/data/insights/{insight_id:}`, declared as `insight_id:`: the validator
    and the router read `:` as the start of a format, so the document was refused at start."""
    parameter = {
        "name": "insight_id:",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
    }
    answers = {"200": {"description": "the insight"}}
    plain = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    document = {
        "openapi": "3.0.0",
        "info": {"title": "IdealSpot", "version": "1"},
        "components": {"parameters": {"Id": parameter}},
        "paths": {
            "/data/insights/{insight_id:}": {
                "get": {"parameters": [dict(parameter)], "responses": answers}
            },
            "/data/insights/{insight_id:}/query": {
                "get": {
                    "parameters": [{"$ref": "#/components/parameters/Id"}],
                    "responses": answers,
                }
            },
            "/other/{id:}": {"get": {"parameters": [plain], "responses": answers}},
            "/kept/{id}": {"get": {"parameters": [plain], "responses": answers}},
        },
    }
    repairs = lenient.repair(document)
    assert list(document["paths"]) == [
        "/data/insights/{insight_id}",
        "/data/insights/{insight_id}/query",
        "/other/{id}",
        "/kept/{id}",
    ]
    assert parameter["name"] == "insight_id" and plain["name"] == "id"
    assert repairs[0].startswith("#/paths/~1data~1insights~1{insight_id:}: ")
    from specdouble.document.openapi import check

    check(document, source="idealspot")


def test_any_keyword_of_a_fixed_kind_is_dropped_when_of_another() -> None:
    """api.video's `pattern: 0` (its description holds the patterns), a length written as
    text: keywords whose kind JSON Schema fixes mean nothing of another kind; an example that
    holds such names is data, left alone."""
    document = {
        "components": {
            "schemas": {
                "Pick": {
                    "type": "object",
                    "example": {"timecode": 0, "pattern": 0},
                    "properties": {
                        "timecode": {"type": "string", "pattern": 0},
                        "name": {"type": "string", "maxLength": "70"},
                    },
                }
            }
        },
        "paths": {},
    }
    repairs = lenient.repair(document)
    pick = document["components"]["schemas"]["Pick"]
    assert pick["properties"] == {"timecode": {"type": "string"}, "name": {"type": "string"}}
    assert pick["example"] == {"timecode": 0, "pattern": 0}
    assert repairs == [
        "#/components/schemas/Pick/properties/timecode/pattern: a schema's 'pattern' cannot be"
        " int: dropped",
        "#/components/schemas/Pick/properties/name/maxLength: a schema's 'maxLength' cannot be"
        " str: dropped",
    ]


def test_a_required_name_only_a_one_of_defines_or_none_does_not_refuse_the_document() -> None:
    """Shipengine's request and answer bodies: JSON Schema lets `required` name a property
    that only the schema's `oneOf` defines, or none (then any value); openapi-spec-validator
    refuses the document (without saying where). The check passes over it, nothing is
    repaired (a definition of `{}` would let it past an `additionalProperties` that holds
    it), and the generator makes such a name from what holds it."""
    from specdouble.data.synth import Synth

    schemas = {
        "Rate": {"type": "object", "properties": {"rate_id": {"type": "string"}}},
        "Body": {
            "type": "object",
            "allOf": [{"$ref": "#/components/schemas/Rate"}],
            "required": ["rate_id", "rates"],
            "additionalProperties": {"type": "integer"},
        },
        "Either": {
            "type": "object",
            "allOf": [{"$ref": "#/components/schemas/Rate"}],
            "oneOf": [
                {"type": "object", "properties": {"shipment_id": {"type": "string"}}},
                {"type": "object", "properties": {"shipment": {"type": "object"}}},
            ],
            "required": ["shipment_id", "shipment"],
        },
    }
    document = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }
    assert lenient.repair(document) == []
    openapi.check(document, source="t")  # passes, both
    made = Synth(document, 1).value({"$ref": "#/components/schemas/Body"})
    assert isinstance(made["rates"], int)  # held by `additionalProperties`
    broken = {**document, "paths": {"/x": {"get": {"responses": {}}}}}
    try:
        openapi.check(broken, source="t")  # another error still refuses it
    except openapi.SpecError as error:
        assert "#/paths/~1x/get/responses" in str(error)
    else:
        raise AssertionError("an invalid document passed")


def test_a_server_variables_default_is_one_of_its_choices() -> None:
    """OpenAPI requires a server variable's `default`, one of its `enum` where it has one:
    VTEX's `default: "{environment}"` beside two environments is read as the first, a
    missing one as the first choice or the empty text."""
    servers = [
        {"url": "https://vtex.local"},
        {
            "url": "https://{account}.{environment}.com.br",
            "variables": {
                "account": {"default": "{account}"},
                "environment": {"default": "{environment}", "enum": ["stable", "my"]},
                "region": {"enum": ["eu", "us"]},
                "tenant": {"description": "no default"},
            },
        },
    ]
    document = {
        "openapi": "3.0.3",
        "servers": servers,
        "paths": {},
    }
    repairs = lenient.repair(document)
    assert servers[1]["variables"] == {
        "account": {"default": "{account}"},
        "environment": {"default": "stable", "enum": ["stable", "my"]},
        "region": {"enum": ["eu", "us"], "default": "eu"},
        "tenant": {"description": "no default", "default": ""},
    }
    assert (
        "#/servers/1/variables/environment/default: '{environment}' is none of its enum: 'stable'"
        in repairs
    )
