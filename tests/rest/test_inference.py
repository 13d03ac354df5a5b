"""How the resources of a document are found: rules of `rest/inference.py`, on documents
written here."""

from __future__ import annotations

from typing import Any

import pytest

from specdouble.rest import inference


def test_a_list_of_objects_is_not_one_of_them() -> None:
    """VTEX's `/stockkeepingunit/{skuId}/complement/{complementTypeId}` answers the named
    array `SkuComplement`, as the SKU's list does: taken for the same schema by its name, it
    became the retrieve of one complement, answering an object where the document says a
    list. An array schema is never the same object as another, named alike or not."""
    prefix = "#/components/schemas/"
    item = {"type": "object", "properties": {"Id": {"type": "integer"}}}
    document = {
        "components": {
            "schemas": {"Complements": {"type": "array", "items": item}, "Complement": item}
        }
    }
    listed = {"$ref": prefix + "Complements"}
    assert not inference._same_schema(document, listed, listed)
    assert inference._same_schema(document, {"$ref": prefix + "Complement"}, item)


def test_a_key_s_constraints_are_read_through_its_all_of() -> None:
    """AWS's keys are `allOf: [{$ref: __stringMax64Pattern...}, {xml, description}]`: read as a
    bare `allOf`, the key looked unconstrained and creates numbered it with UUIDs its pattern
    refuses. Through its parts, it is a string drawn from its schema."""
    pattern = {"type": "string", "pattern": "^[a-zA-Z0-9_]+$", "maxLength": 64}
    check = {
        "type": "object",
        "properties": {
            "CheckName": {"allOf": [{"$ref": "#/components/schemas/Name"}, {"description": "d"}]},
            "Set": {"type": "string"},
        },
    }
    created = {"200": {"content": {"application/json": {"schema": check}}}}
    document = {
        "openapi": "3.0.3",
        "paths": {
            "/checks": {
                "post": {
                    "operationId": "createCheck",
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"setName": {"type": "string"}},
                                }
                            }
                        }
                    },
                    "responses": created,
                }
            },
            "/checks/{CheckName}": {
                "get": {
                    "operationId": "getCheck",
                    "parameters": [
                        {
                            "name": "CheckName",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": created,
                }
            },
        },
        "components": {"schemas": {"Name": pattern}},
    }
    (found,) = inference.infer_plain(document)
    assert (found.spec.key, found.spec.key_source) == ("CheckName", "made")
    # A create that sends the key, named in another case (`checkName`), gives it.
    body = document["paths"]["/checks"]["post"]["requestBody"]["content"]["application/json"]
    body["schema"]["properties"] = {"checkName": {"type": "string"}, "set": {"type": "string"}}
    (found,) = inference.infer_plain(document)
    assert (found.spec.key, found.spec.key_source, found.spec.key_fallback) == (
        "CheckName",
        "body",
        "",
    )
    assert found.spec.aliases == {"checkName": "CheckName", "set": "Set"}
    assert set(found.spec.writable) == {"CheckName", "Set"}


def test_a_body_of_the_item_s_own_schema_updates_it_though_a_part_is_closed() -> None:
    """`Thing` is `allOf: [Attrs (closed: id, name), {colour}]`: `colour` holds no value, so
    the item shows `id` and `name`; a PATCH whose body is `Thing` itself is still its
    partial update (the body's forbidden `colour` is no field it sets)."""
    prefix = "#/components/schemas/"

    def answer(schema: str) -> dict[str, Any]:
        body = {"application/json": {"schema": {"$ref": prefix + schema}}}
        return {"200": {"description": "ok", "content": body}}

    item = {"$ref": prefix + "Thing"}
    document = {
        "openapi": "3.0.3",
        "paths": {
            "/things": {
                "get": {
                    "operationId": "listThings",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {"schema": {"type": "array", "items": item}}
                            },
                        }
                    },
                }
            },
            "/things/{id}": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "get": {"operationId": "getThing", "responses": answer("Thing")},
                "patch": {
                    "operationId": "patchThing",
                    "requestBody": {"content": {"application/json": {"schema": item}}},
                    "responses": answer("Thing"),
                },
            },
        },
        "components": {
            "schemas": {
                "Attrs": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
                },
                "Thing": {
                    "allOf": [
                        {"$ref": prefix + "Attrs"},
                        {"type": "object", "properties": {"colour": {"type": "string"}}},
                    ]
                },
            }
        },
    }
    (found,) = inference.infer_plain(document)
    assert found.spec.key == "id"
    assert found.spec.operations.get("patchThing") == "partial_update"


def _aws_like(sent: dict[str, Any], shown: dict[str, Any]) -> Any:
    """The one resource of a create sending `sent` and answering an object of `shown`."""
    answer = {"type": "object", "properties": {"Id": {"type": "string"}, **shown}}
    created = {"200": {"content": {"application/json": {"schema": answer}}}}
    key = {"name": "Id", "in": "path", "required": True, "schema": {"type": "string"}}
    body = {"type": "object", "properties": sent}
    document = {
        "openapi": "3.0.3",
        "paths": {
            "/things": {
                "post": {
                    "operationId": "create",
                    "requestBody": {"content": {"application/json": {"schema": body}}},
                    "responses": created,
                }
            },
            "/things/{Id}": {
                "get": {"operationId": "get", "parameters": [key], "responses": created}
            },
        },
    }
    (found,) = inference.infer_plain(document)
    return found.spec


def test_a_field_named_in_another_case_is_the_object_s_only_where_it_can_hold_it() -> None:
    """`state: on|off` sent for `State: ON|OFF` can never be held; two fields folding to one
    name (`checkName`, `checkname`) say nothing of which is meant; an object's shape must be
    the same all the way down."""
    text = {"type": "string"}
    assert _aws_like({"name": text}, {"Name": text}).aliases == {"name": "Name"}
    choices = {"type": "string", "enum": ["on", "off"]}
    shouted = {"type": "string", "enum": ["ON", "OFF"]}
    assert _aws_like({"state": choices}, {"State": shouted}).aliases == {}
    assert _aws_like({"state": {"type": "string", "enum": ["ON"]}}, {"State": shouted}).aliases == {
        "state": "State"
    }
    assert _aws_like({"state": text}, {"State": shouted}).aliases == {}  # any text: not held
    both = _aws_like({"checkName": text, "checkname": text}, {"CheckName": text})
    assert (both.aliases, both.writable) == ({}, ())
    exact = _aws_like({"CheckName": text, "checkName": text}, {"CheckName": text})
    assert (exact.aliases, exact.writable) == ({}, ("CheckName",))
    inner = {"type": "object", "properties": {"AllowOrigins": text}}
    other = {"type": "object", "properties": {"allowOrigins": text}}
    assert _aws_like({"cors": inner}, {"Cors": inner}).aliases == {"cors": "Cors"}
    assert _aws_like({"cors": other}, {"Cors": inner}).aliases == {}
    assert _aws_like({"count": {"type": "integer"}}, {"Count": text}).aliases == {}


def _list_and_item(path: str, listed: Any, full: Any) -> dict[str, Any]:
    """A document of a list at `path` answering `listed` and its item path answering `full`."""
    key = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}

    def answer(schema: Any) -> dict[str, Any]:
        return {"200": {"content": {"application/json": {"schema": schema}}}}

    return {
        "openapi": "3.0.3",
        "paths": {
            path: {"get": {"operationId": "list", "responses": answer(listed)}},
            f"{path}/{{id}}": {
                "get": {"operationId": "get", "parameters": [key], "responses": answer(full)}
            },
        },
    }


def test_a_list_leaves_out_a_field_its_summary_shows_as_another_kind() -> None:
    """Zoom's sites: the list shows `site_code` as text, the site in full as a number. No value
    is both, so the list leaves it out, where its summary does not require it."""
    full = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "site_code": {"type": "integer"},
            "kind": {"type": "integer"},
            "level": {"type": "number"},
            "note": {"type": "string", "nullable": True},
            "address": {"type": "string"},  # what the summary does not show
        },
    }
    summary = {
        "type": "object",
        "required": ["kind"],
        "properties": {
            "id": {"type": "string"},
            "site_code": {"type": "string"},  # another kind: left out
            "kind": {"type": "string"},  # required: shown all the same
            "level": {"type": "integer"},  # a number of either: shown
            "note": {"type": "object", "nullable": True},  # null is both: shown
        },
    }
    listed = {"type": "object", "properties": {"sites": {"type": "array", "items": summary}}}
    (found,) = inference.infer_plain(_list_and_item("/sites", listed, full))
    assert found.spec.listed_fields == ("id", "kind", "level", "note")
    # A required one the list shows in its own kind (`Resource.shown_in_list`).
    assert found.spec.listed_otherwise == {"kind": {"type": "string"}}


def test_a_field_whose_summary_shows_a_value_inside_as_another_kind_holds_the_items() -> None:
    """GoDaddy's orders: the list's summary shows `pricing.total` as text, the order as a
    number. No pricing is both (their `allOf` admits none): the object holds the order's,
    and the list shows it in the summary's kind."""
    total = {"type": "object", "required": ["total"], "properties": {"total": {"type": "string"}}}
    pricing = {"type": "object", "properties": {"total": {"type": "integer"}, "tax": {}}}
    line = {"type": "object", "properties": {"sku": {"type": "string"}}}
    full = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "pricing": pricing,
            "lines": line,
            "billTo": {"type": "string"},
        },
    }
    summary = {
        "type": "object",
        "required": ["id", "pricing"],
        "properties": {"id": {"type": "string"}, "pricing": total, "lines": line},
    }
    listed = {"type": "array", "items": summary}
    (found,) = inference.infer_plain(_list_and_item("/orders", listed, full))
    assert found.spec.listed_fields == ("id", "pricing", "lines")
    assert found.spec.listed_otherwise == {"pricing": total}
    assert found.spec.properties["pricing"] == pricing  # not the `allOf` no value fits


def test_only_a_plain_string_field_is_narrowed_to_its_filters_values() -> None:
    """A field whose schema says more than "a string" (parts, a format, a pattern, values of
    its own) keeps its schema; `all` is no value a field holds."""
    state = {"type": "string", "enum": ["open", "closed", "all"], "default": "open"}
    parameters = {"state": state, "count": state, "code": state, "kind": state}
    fields = {
        "state": {"type": "string", "description": "open or closed"},
        "count": {"allOf": [{"type": "integer"}]},
        "code": {"type": "string", "pattern": "^[A-Z]+$"},
        "kind": {"type": "string", "enum": ["open"]},
    }
    held = inference._held_by_filters(parameters, fields, list(fields))
    assert held == {
        "state": {
            "type": "string",
            "description": "open or closed",
            "enum": ["open", "closed"],
            "default": "open",
        }
    }


def test_schemas_that_name_themselves_are_compared_once_per_pair(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two schemas alike in shape, each of whose fields names itself again: each pair is
    compared once, not once per path to it (six such fields took 14 million comparisons)."""

    def made(kind: str, name: str) -> dict[str, Any]:
        fields = {f"p{i}": {"$ref": f"#/components/schemas/{name}"} for i in range(6)}
        return {"type": "object", "properties": {**fields, "v": {"type": kind}}}

    schemas = {"A": made("string", "A"), "B": made("string", "B"), "C": made("integer", "C")}
    document = {"components": {"schemas": schemas}}
    calls: list[Any] = []
    compare = inference._shown_otherwise_within

    def counted(*arguments: Any) -> bool:
        calls.append(arguments[1:3])
        return compare(*arguments)

    monkeypatch.setattr(inference, "_shown_otherwise_within", counted)
    a, b, c = ({"$ref": f"#/components/schemas/{n}"} for n in "ABC")
    assert counted(document, a, b) is False and len(calls) < 20
    assert counted(document, a, c) is True
