"""A sample of the corpus of real-world documents (`tests/corpus/documents.yaml`), each served
and fuzzed by Schemathesis: no 5xx and no failure left unexplained. `make corpus` runs them all
and prints the table."""

from __future__ import annotations

import re
from typing import Any

import pytest

from specdouble.document.registry import RegistryError
from tests.corpus import judge

SAMPLE = [entry for entry in judge.entries() if entry.sample]
SECONDS = 10


def test_the_corpus_is_thirty_pinned_documents_or_more() -> None:
    every = judge.entries()
    assert len(every) >= 30
    assert len({entry.name for entry in every}) == len(every)
    assert all(re.match(r"^npm:(@[^/]+/)?[^/@]+@\d+\.\d+\.\d+/", e.spec) for e in every)
    assert 3 <= len(SAMPLE) <= 6  # the sample keeps `make test` within its budget


@pytest.mark.parametrize("entry", SAMPLE, ids=[entry.name for entry in SAMPLE])
def test_a_real_world_document_is_served_with_nothing_unexplained(entry: judge.Entry) -> None:
    try:
        judge.obtain(entry)
    except RegistryError as error:
        pytest.skip(f"the npm registry cannot be reached for the corpus: {error}")
    verdict = judge.judge(entry, SECONDS)
    assert not verdict.refused, verdict.refused
    assert verdict.cases > 0
    assert verdict.unexplained == [], "\n".join(verdict.details or verdict.unexplained)
    assert verdict.server_errors == []


def test_a_draw_is_documents_nobody_listed_and_replays_by_its_seed() -> None:
    try:
        first = judge.draw(20, seed=1)
    except RegistryError as error:
        pytest.skip(f"the npm registry cannot be reached for the corpus: {error}")
    listed = {entry.spec for entry in judge.entries()}
    assert not listed & {entry.spec for entry in first}
    directory = [e for e in first if e.name.startswith("directory/")]
    examples = [e for e in first if e.name.startswith("examples/")]
    assert len(directory) == 20 and len(examples) >= 40
    assert judge.draw(20, seed=1) == first
    again = judge.draw(20, seed=2)
    assert {e.spec for e in again if e.name.startswith("directory/")} != {e.spec for e in directory}
    # An example in JSON and in YAML is one document, drawn once.
    stems = [re.sub(r"/(json|yaml)/(.*)\.\w+$", r"/\2", e.name) for e in examples]
    assert len(stems) == len(set(stems))


def test_every_failure_has_a_class() -> None:
    verdict = judge.Verdict(judge.Entry("a", "npm:a@1.0.0/a.json", False))
    verdict.unexplained = [
        "GET /a: not_a_server_error: 500: Server error",
        "GET /b: status_code_conformance: 401: Undocumented status code",
        "GET /c: response_schema_conformance: 200: Response violates schema",
    ]
    refused = judge.Verdict(judge.Entry("b", "npm:a@1.0.0/b.json", False), refused="boom")
    table = judge.classes([verdict, refused])
    for kind in ("5xx", "undocumented status", "answer breaks its schema", "refused at start"):
        assert f"| {kind} | 1 |" in table


def test_a_parameter_no_value_fits_leaves_its_operation_unfuzzed_and_no_other() -> None:
    """VisageCloud's `purposes` is `type: array` with a string `enum`: no request is valid,
    and Schemathesis says it cannot fill it. A parameter some value fits is not excused."""
    impossible = {"type": "array", "items": {"type": "string"}, "enum": ["FEATURES"]}
    document = {
        "paths": {
            "/purpose": {
                "put": {"parameters": [{"in": "query", "name": "purposes", "schema": impossible}]},
                "get": {"parameters": [{"in": "query", "name": "purposes", "schema": {}}]},
            }
        }
    }
    said = "Schema Error Cannot generate test data for query parameter 'purposes'"
    assert judge._unfillable(document, "PUT /purpose", said)
    assert not judge._unfillable(document, "GET /purpose", said)
    assert not judge._unfillable(document, "PUT /purpose", said.replace("query", "header"))
    # dracoon's OAuth client: a body that requires such a field (`grantTypes`).
    body = {"type": "object", "required": ["grant"], "properties": {"grant": impossible}}
    content = {"content": {"application/json": {"schema": body}}}
    document["paths"]["/clients"] = {"post": {"requestBody": content}}
    said = "Schema Error: Cannot generate test data for request body (application/json)"
    assert judge._unfillable(document, "POST /clients", said)
    body["required"] = []
    assert not judge._unfillable(document, "POST /clients", said)


def test_branches_told_apart_by_their_discriminator_alone_are_twins() -> None:
    """IX-API's allow and deny rules require the same fields, and the allow rule names two
    optional capacities the deny rule lets through: every answer of a deny rule is valid
    for both. Branches whose required fields differ, or that refuse others, are not."""
    prefix = "#/components/schemas/"
    common = {"id": {"type": "string"}, "type": {"type": "string", "example": "allow"}}
    allow = {
        "type": "object",
        "required": ["id", "type"],
        "properties": {**common, "capacity": {"type": "integer"}},
    }
    deny = {"type": "object", "required": ["id", "type"], "properties": dict(common)}
    closed = {**deny, "additionalProperties": False}
    other = {"type": "object", "required": ["id"], "properties": dict(common)}
    schemas = {"Allow": allow, "Deny": deny, "Closed": closed, "Other": other}
    document = {"components": {"schemas": schemas}}

    def one_of(*names: str) -> dict[str, Any]:
        return {"oneOf": [{"$ref": prefix + name} for name in names]}

    assert judge._twins(document, one_of("Allow", "Deny"))
    assert not judge._twins(document, one_of("Allow", "Closed"))
    assert not judge._twins(document, one_of("Allow", "Other"))


def test_branches_that_differ_only_in_a_format_the_checks_do_not_assert_are_twins() -> None:
    """MotaWord's translation results: a map of strings, or of `format: byte` strings. The
    answer checks do not assert `byte`, so every map is valid for both there; a `uuid`, which
    they assert, tells two branches apart."""

    def results(fmt: str | None) -> dict[str, Any]:
        item = {"type": "string", **({"format": fmt} if fmt else {})}
        return {"type": "object", "properties": {"results": {"additionalProperties": item}}}

    assert judge._twins({}, {"oneOf": [results(None), results("byte")]})
    assert not judge._twins({}, {"oneOf": [results(None), results("uuid")]})


def test_a_part_closed_to_others_kinds_contradicts_the_fields_beside_it() -> None:
    """GraphRBAC's `DirectoryObject` takes only objects beside its own fields; `Application`
    includes it and adds booleans, and `UserCreateParameters` requires one: no answer of an
    application and no user create can fit. A part whose others are objects is no such case."""
    prefix = "#/components/schemas/"
    base = {"type": "object", "properties": {"id": {"type": "string"}}}
    closed = {**base, "additionalProperties": {"type": "object"}}
    user = {
        "allOf": [{"$ref": prefix + "Closed"}],
        "required": ["enabled"],
        "properties": {"enabled": {"type": "boolean"}},
    }
    nested = {
        "allOf": [{"$ref": prefix + "Closed"}],
        "required": ["meta"],
        "properties": {"meta": {"type": "object"}},
    }
    schemas = {"Base": base, "Closed": closed, "User": user, "Nested": nested}
    document = {"components": {"schemas": schemas}}
    assert judge._closed_by_a_part(document, "/components/schemas/Closed/additionalProperties")
    assert not judge._closed_by_a_part(document, "/components/schemas/Base/additionalProperties")
    assert judge._required_refused_by_a_part(document, {"$ref": prefix + "User"})
    assert not judge._required_refused_by_a_part(document, {"$ref": prefix + "Nested"})


def test_a_target_is_measured_as_sent() -> None:
    """A 414 is explained only past the server's stated limit: the path and query as sent."""

    class Sent:
        uri = "http://127.0.0.1:1/a/%C3%A9?q=1"

    assert judge._target_bytes(Sent()) == len("/a/%C3%A9") + len("?q=1")


def test_a_schema_no_value_fits_is_found_inside_an_answer_written_in_place() -> None:
    """Interactive Brokers' trades: `Side` is `type: string` with `enum: [1, 2]`, written in
    the answer itself, so the check names it by a pointer into that schema."""
    answer = {
        "type": "array",
        "items": {"properties": {"Side": {"type": "string", "enum": [1, 2]}}},
    }
    said = "1 is not of type 'string'\n\nSchema at /items/properties/Side:\n"
    assert judge._no_value_fits({}, said, answer)
    fitting = {"type": "array", "items": {"properties": {"Side": {"type": "integer"}}}}
    assert not judge._no_value_fits({}, said, fitting)
    # PeerTube's `OAuthClient`, answered by reference: the pointer is into what it names.
    document = {
        "components": {
            "schemas": {
                "OAuthClient": {
                    "properties": {"client_id": {"type": "string", "pattern": "/^[a-z0-9]$/"}}
                }
            }
        }
    }
    said = 'does not match "/^[a-z0-9]$/"\n\nSchema at /properties/client_id:\n'
    assert judge._no_value_fits(document, said, {"$ref": "#/components/schemas/OAuthClient"})


def test_an_object_that_requires_a_name_it_forbids_fits_no_value() -> None:
    """e-conomic's `Employee` requires `canApprove` and `canInvoice`, describes neither and
    lets no other name through; its list answers every employee that exists."""
    employee = {
        "type": "object",
        "additionalProperties": False,
        "required": ["name", "canApprove"],
        "properties": {"name": {"type": "string"}},
    }
    document = {"components": {"schemas": {"Employee": employee}}}
    ref = {"$ref": "#/components/schemas/Employee"}
    assert judge._requires_what_it_forbids(document, ref)
    assert judge._requires_what_it_forbids(document, {"type": "array", "items": ref})
    open_one = {**employee, "additionalProperties": True}
    assert not judge._requires_what_it_forbids(document, open_one)
    clause = {"type": "object", "required": ["field"], "properties": {"field": {}}}
    closed = {"type": "object", "additionalProperties": False, "anyOf": [clause, clause]}
    assert judge._requires_what_it_forbids(document, closed)  # Jira's JqlQueryClause
    assert not judge._requires_what_it_forbids(document, {**closed, "properties": {"field": {}}})
    secret = {"type": "object", "required": ["name"], "properties": {"name": {"writeOnly": True}}}
    assert judge._requires_what_it_forbids(document, secret)  # asked of requests only


def test_a_closed_wrapper_around_an_all_of_is_held_to_its_own_words() -> None:
    """Shipengine wraps each body in `additionalProperties: false` around an `allOf`: JSON
    Schema holds the wrapper to its own properties, so a name a part requires fits no
    value, and a `oneOf` of wrappers that admit `{}` alone has no value in exactly one."""
    optional_link = {"type": "object", "properties": {"href": {"type": "string"}}}
    schemas = {
        "optional_link": optional_link,
        "paged": {"type": "object", "required": ["page"], "properties": {"page": {}}},
        "link": {
            "type": "object",
            "additionalProperties": False,
            "allOf": [{"$ref": "#/components/schemas/optional_link"}],
            "required": ["href"],
        },
        "labels": {
            "type": "object",
            "additionalProperties": False,
            "allOf": [{"$ref": "#/components/schemas/paged"}],
            "properties": {"labels": {}},
        },
        "settings": {
            "type": "object",
            "additionalProperties": False,
            "allOf": [{"$ref": "#/components/schemas/optional_link"}],
        },
    }
    document = {"components": {"schemas": schemas}}

    def ref(name: str) -> dict[str, str]:
        return {"$ref": f"#/components/schemas/{name}"}

    assert judge._requires_what_it_forbids(document, ref("link"))
    assert judge._requires_what_it_forbids(document, ref("labels"))  # `page`, from a part
    assert not judge._requires_what_it_forbids(document, ref("settings"))  # `{}` fits
    assert not judge._requires_what_it_forbids(document, {**schemas["labels"], "allOf": []})
    fedex = {**schemas["settings"], "allOf": [{"type": "object", "properties": {"key": {}}}]}
    assert judge._twins(document, {"oneOf": [ref("settings"), fedex]})
    assert not judge._twins(document, {"oneOf": [ref("settings"), optional_link]})
    # What a value other than an object, or `{}` alone, satisfies is no contradiction.
    assert not judge._requires_what_it_forbids(document, {**schemas["link"], "nullable": True})
    untyped = {"additionalProperties": False, "allOf": [{"properties": {"href": {}}}]}
    assert not judge._requires_what_it_forbids(document, {**untyped, "required": ["href"]})
    fuller = {**fedex, "minProperties": 1}  # admits no `{}`: `{}` is the other branch's alone
    assert not judge._twins(document, {"oneOf": [ref("settings"), fuller]})
    secret = {"type": "object", "required": ["pw"], "properties": {"pw": {"writeOnly": True}}}
    assert judge._requires_what_it_forbids(document, secret)  # in an answer
    assert not judge._requires_what_it_forbids(document, secret, request=True)
    # A wrapper closed to every field its parts describe admits `{}` alone: an answer of the
    # object they describe is the document's doing, not the mock's.
    assert judge._closed_to_its_parts(document, ref("settings"))
    assert not judge._closed_to_its_parts(document, ref("labels"))  # fields of its own
    assert not judge._closed_to_its_parts(document, optional_link)

    class Answer:
        def __init__(self, body: Any) -> None:
            self.body = body

        def json(self) -> Any:
            return self.body

    shows = judge._shows_what_its_parts_describe
    assert shows(document, ref("settings"), Answer({"href": "https://x.test/"}))
    assert not shows(document, ref("settings"), Answer({"href": "x", "other": 1}))  # nobody's
    assert not shows(document, ref("settings"), Answer([{"href": "x"}]))  # no object
    assert not shows(document, ref("labels"), Answer({"labels": []}))

    # A body that requires at least one item, each a link (which no object is), admits none.
    def body(least: int) -> dict[str, Any]:
        shipments = {"type": "array", "minItems": least, "items": {"allOf": [ref("link")]}}
        return {"type": "object", "required": ["shipments"], "properties": {"shipments": shipments}}

    assert judge._requires_what_nothing_fits(document, body(1))
    assert not judge._requires_what_nothing_fits(document, body(0))


def test_content_types_that_are_no_media_types_contradict_the_answer() -> None:
    """VTEX documents `xml`, OSF `data`: no Content-Type can be one of them. One real media
    type among them is enough to answer in."""
    from types import SimpleNamespace

    def case(content: dict[str, Any]) -> Any:
        raw = {"responses": {"200": {"description": "ok", "content": content}}}
        return SimpleNamespace(operation=SimpleNamespace(definition=SimpleNamespace(raw=raw)))

    assert judge._no_media_type(case({"xml": {}}), {}, 200)
    assert not judge._no_media_type(case({"xml": {}, "application/json": {}}), {}, 200)
    assert not judge._no_media_type(case({"xml": {}}), {}, 404)


def test_a_form_documented_as_a_list_contradicts_itself() -> None:
    """Billbee's `PUT .../images`: an urlencoded body of `type: array`. A form is names and
    their values; a refusal of the fuzzer's guess at a list says nothing of the server."""
    from types import SimpleNamespace

    def case(media: str, schema: dict[str, Any], sent: Any = None) -> Any:
        body = {"content": {media: {"schema": schema}}}
        operation = SimpleNamespace(definition=SimpleNamespace(raw={"requestBody": body}))
        return SimpleNamespace(media_type=media, operation=operation, body=sent)

    form = "application/x-www-form-urlencoded"
    assert judge._form_of_no_object(case(form, {"type": "array", "items": {}}), {})
    assert not judge._form_of_no_object(case(form, {"type": "object"}), {})
    assert not judge._form_of_no_object(case("application/json", {"type": "array"}), {})
    items = {"type": "array", "items": {"type": "object", "properties": {"Tax": {}}}}
    listed = {"type": "object", "properties": {"Items": items}}
    assert judge._form_of_no_object(case(form, listed), {})  # envoice's Items
    flat = {"type": "object", "properties": {"Ids": {"type": "array", "items": {}}}}
    assert not judge._form_of_no_object(case(form, flat), {})
    # Twilio's untyped `Data`, drawn as an object: sent as the object's own names.
    untyped = {"type": "object", "properties": {"Data": {}}, "required": ["Data"]}
    assert judge._form_of_no_object(case(form, untyped, {"Data": {"x": [1]}}), {})
    assert judge._form_of_no_object(case(form, untyped, {"Data": None}), {})  # sent as nothing
    assert judge._form_of_no_object(case(form, untyped, {"Data": []}), {})
    assert not judge._form_of_no_object(case(form, untyped, {"Data": "text"}), {})


def test_a_framing_header_sent_as_a_parameter_explains_a_refusal() -> None:
    """Azure Data Lake documents `Transfer-Encoding: chunked` as a header parameter; sent
    beside a plain body it is no HTTP message, refused by the parser before any operation."""
    from types import SimpleNamespace

    assert judge._unsendable_header(SimpleNamespace(headers={"Transfer-Encoding": "chunked"}))
    assert judge._unsendable_header(SimpleNamespace(headers={"ADVICEment API Key": "k"}))
    assert not judge._unsendable_header(SimpleNamespace(headers={"X-Trace": "1"}))
    assert not judge._unsendable_header(SimpleNamespace(headers=None))


def test_a_request_that_breaks_its_paths_qualifier_names_another_operation() -> None:
    """Azure Data Lake's `/webhdfs/v1/{path}#op=OPEN` fuzzed with `op=AAA`: that request is
    no OPEN, so answering it as another operation (or none) says nothing of this one."""
    from types import SimpleNamespace

    def case(query: dict[str, str]) -> Any:
        operation = SimpleNamespace(path="/webhdfs/v1/{path}#op=OPEN")
        return SimpleNamespace(operation=operation, query=query)

    assert judge._breaks_qualifier(case({"op": "AAA"}))
    assert judge._breaks_qualifier(case({}))
    assert not judge._breaks_qualifier(case({"op": "OPEN", "read": "true"}))
    assert not judge._breaks_qualifier(
        SimpleNamespace(operation=SimpleNamespace(path="/a"), query={})
    )
    amz = SimpleNamespace(path="/#X-Amz-Target=Svc.List")
    held = SimpleNamespace(operation=amz, query={}, headers={"x-amz-target": "Svc.List"})
    assert not judge._breaks_qualifier(held)  # a qualifier held by a header is kept


def test_a_url_whose_empty_segment_the_client_merged_names_another_operation() -> None:
    """TomTom's `/map/{v}/wms//` beside `/map/{v}/wms/`: the fuzzer's client sends the first
    as the second, which the mock answers as that operation (sent as written, it is routed to
    the first)."""
    from types import SimpleNamespace

    doubled = SimpleNamespace(operation=SimpleNamespace(path="/map/{v}/wms//"))
    assert judge._collapsed(doubled, SimpleNamespace(uri="http://h/map/1/wms/?a=1"))
    assert not judge._collapsed(doubled, SimpleNamespace(uri="http://h/map/1/wms//?a=1"))
    single = SimpleNamespace(operation=SimpleNamespace(path="/map/{v}/wms/"))
    assert not judge._collapsed(single, SimpleNamespace(uri="http://h/map/1/wms/"))


def test_the_mocks_session_header_is_its_control_input() -> None:
    """Brex: the fuzzer sent `X-Mock-Session: ;#CS<...`, which names no session the mock can
    make; its 400 is the mock's answer to its own control header, not to the document."""
    from types import SimpleNamespace

    assert judge._control_header(SimpleNamespace(headers={"x-mock-session": "a b"}))
    assert not judge._control_header(SimpleNamespace(headers={"user_key": "k"}))


def test_what_schemathesis_cannot_build_from_the_document_goes_unfuzzed() -> None:
    """Its refusals to build a request from the document's own parts say nothing of the
    server (openbankingproject.ch's header examples no HTTP header can carry)."""
    said = (
        "Schema Error Failed to generate test cases from examples for this API operation "
        "because of some header examples are invalid:"
    )
    assert judge.FUZZER_CANNOT_READ.search(said)
    assert not judge.FUZZER_CANNOT_READ.search("Response violates schema")
    # sinao's `file` query parameter of format binary: bytes its own validator cannot read
    assert judge.FUZZER_CANNOT_READ.search("Runtime Error Unsupported type: 'Binary'")


def test_an_answer_of_a_type_that_is_no_media_type_is_the_documents_doing() -> None:
    """VTEX documents an answer's content as `Promotion`: served as documented, no checker
    can read it, and the failure is the document's."""
    from types import SimpleNamespace

    raw = {"responses": {"200": {"content": {"Promotion": {"schema": {}}}}}}
    case = SimpleNamespace(operation=SimpleNamespace(definition=SimpleNamespace(raw=raw)))
    assert judge._no_media_type(case, {}, 200)
    unread = "Failed to deserialize response content:\n\n  Malformed media type: `Promotion`"
    assert judge._about_the_media_type("response_schema_conformance", unread)
    assert judge._about_the_media_type("content_type_conformance", "")
    assert not judge._about_the_media_type("response_schema_conformance", "violates schema")


def test_a_body_no_operation_admits_tells_no_operation_of_its_url_apart() -> None:
    """Box's `PUT .../schema#add` beside `#update` and the plain `{scope}/{template_key}/schema`:
    only a body tells them apart, so the fuzzer's invalid body for `#add` may be any of them."""
    from types import SimpleNamespace

    add = {
        "content": {
            "application/json-patch+json": {
                "schema": {"type": "array", "items": {"type": "object", "required": ["op"]}}
            }
        }
    }
    document = {
        "paths": {
            "/t/enterprise/key/schema#add": {"put": {"requestBody": add}},
            "/t/{scope}/{template_key}/schema": {"put": {}},
            "/t/alone#add": {"put": {"requestBody": add}},
        }
    }

    def case(path: str, body: Any) -> Any:
        operation = SimpleNamespace(path=path, definition=SimpleNamespace(raw={"requestBody": add}))
        return SimpleNamespace(operation=operation, method="PUT", body=body)

    assert judge._indistinct(case("/t/enterprise/key/schema#add", [{"data": 1}]), document)
    assert not judge._indistinct(case("/t/enterprise/key/schema#add", [{"op": "a"}]), document)
    assert not judge._indistinct(case("/t/alone#add", [{"data": 1}]), document)


def test_a_composition_failed_only_on_a_pattern_no_string_matches_is_the_documents() -> None:
    """PeerTube's user is `oneOf: [User, UserWithStats]`, whose names hold the JavaScript
    literal `/^[a-z0-9._]+$/`: the check names the `oneOf`, and no answer could pass it."""
    from types import SimpleNamespace

    user = {"type": "object", "properties": {"name": {"type": "string", "pattern": "/^[a-z]+$/"}}}
    stats = {"allOf": [user, {"properties": {"count": {"type": "integer"}}}]}
    schema = {"oneOf": [user, stats]}

    def answer(value: Any) -> Any:
        return SimpleNamespace(json=lambda: value)

    assert judge._branches_fail_on_unmatchable({}, schema, answer({"name": "ab", "count": "0"}))
    # a name of the wrong kind fails the first branch beyond its pattern: the mock's doing
    assert not judge._branches_fail_on_unmatchable({}, schema, answer({"name": 5, "count": "0"}))
    assert not judge._branches_fail_on_unmatchable({}, {"type": "object"}, answer({}))


def test_a_write_the_object_in_an_envelope_cannot_show_contradicts_the_read() -> None:
    """ReadMe's `POST /changelogs` takes `content: {}` and answers `{data: {content: {body}}}`
    with `body` required: the object in the envelope cannot hold what the write sent."""
    from types import SimpleNamespace

    content = {"type": "object", "required": ["body"], "properties": {"body": {}}}
    shown = {"type": "object", "properties": {"content": content}}
    answer = {"type": "object", "properties": {"data": shown}}
    responses = {"201": {"content": {"application/json": {"schema": answer}}}}
    operation = SimpleNamespace(definition=SimpleNamespace(raw={"responses": responses}))

    def case(body: Any) -> Any:
        return SimpleNamespace(operation=operation, body=body)

    assert judge._unshowable(case({"content": {}}), {})
    assert not judge._unshowable(case({"content": {"body": "text"}}), {})


def test_a_header_parameter_no_http_field_can_name_leaves_its_operation_unfuzzed() -> None:
    """Notion's `GET /v1/pages/{id}` declares a header named "": Schemathesis will not build
    its requests, which says nothing of the server."""
    empty = {"in": "header", "name": "", "schema": {"type": "string"}}
    fine = {"in": "header", "name": "Notion-Version", "schema": {"type": "string"}}
    document = {
        "paths": {"/p/{id}": {"get": {"parameters": [fine, empty]}, "put": {"parameters": [fine]}}}
    }
    assert judge._header_no_message_carries(document, "GET /p/{id}")
    assert not judge._header_no_message_carries(document, "PUT /p/{id}")
    assert not judge._header_no_message_carries(document, "GET /nowhere")


def test_a_json_body_that_breaks_its_schema_explains_a_refusal_and_a_nullable_null_does_not() -> (
    None
):
    """Seldon's own examples send `binData: ""` where its pattern asks for a character or
    more: a 400 for that body is the request's doing. A `null` its 3.0 schema allows
    (`nullable`) is valid: a 400 for it would be the mock's."""
    from types import SimpleNamespace

    body = {
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "binData": {"$ref": "#/components/schemas/Data"},
                        "note": {"type": "string", "nullable": True},
                    },
                }
            }
        }
    }
    schemas = {"Data": {"type": "string", "pattern": "^.{1,2097152}"}}
    document = {
        "openapi": "3.0.0",
        "paths": {"/feedback": {"post": {"requestBody": body}}},
        "components": {"schemas": schemas},
    }

    def case(sent: Any) -> Any:
        operation = SimpleNamespace(
            path="/feedback", definition=SimpleNamespace(raw={"requestBody": body})
        )
        return SimpleNamespace(
            operation=operation, method="POST", body=sent, headers={}, path_parameters={}, query={}
        )

    assert judge._violates(case({"binData": ""}), document)
    assert not judge._violates(case({"binData": "x", "note": None}), document)
    assert not judge._violates(case(None), document)  # no body: nothing to break
    schemas["Data"]["pattern"] = r"^\p{L}+$"  # which Python's `re` cannot read: no verdict
    assert not judge._violates(case({"binData": "x"}), document)


def test_an_empty_path_parameter_names_another_operation_only_where_the_url_is_its() -> None:
    """Microcks' `/tests/service/{serviceId}/count` with an empty `serviceId` goes out as
    `/tests/service/count`, which `/tests/service/{serviceId}` answers with its own list: no
    server routes it to `count`. A URL that is still the operation's own (a parameter empty
    beside text: `/f/.x.y` for `/f/{a}.{b}`), or no path's, explains nothing but a 404 or
    405; and a 5xx is the server's whatever was sent."""
    from types import SimpleNamespace

    document: dict[str, Any] = {
        "openapi": "3.0.0",
        "paths": {
            "/tests/service/{serviceId}": {"get": {}},
            "/tests/service/{serviceId}/count": {"get": {}},
            "/f/{a}.{b}": {"get": {}},
        },
    }

    def answered(path: str, sent: str, status: int, values: dict[str, str]) -> str | None:
        operation = SimpleNamespace(
            path=path, definition=SimpleNamespace(raw={"responses": {"200": {}}})
        )
        case = SimpleNamespace(
            operation=operation,
            method="GET",
            body=None,
            headers={},
            path_parameters=values,
            query={},
            meta=None,
            media_type=None,
        )
        request = SimpleNamespace(uri=f"http://127.0.0.1{sent}", headers={})
        response = SimpleNamespace(status_code=status, content=b"[]")
        return judge.explain(case, request, response, "x", document)

    count, empty = "/tests/service/{serviceId}/count", {"serviceId": ""}
    assert answered(count, "/tests/service/count", 200, empty) == judge.OTHER_OPERATION
    assert answered(count, "/tests/service//count", 404, empty) == judge.UNKNOWN_KEY
    assert answered(count, "/tests/service//count", 481, empty) is None  # no path's: the mock's
    assert answered(count, "/tests/service/count", 500, empty) is None
    assert answered(count, "/tests/service/s1/count", 200, {"serviceId": "s1"}) is None
    assert answered("/f/{a}.{b}", "/f/.x.y", 200, {"a": "", "b": "x.y"}) is None


def test_a_pattern_longer_than_its_max_length_admits_no_value() -> None:
    """AWS App Runner's `ServiceId`: a UUID's 36 characters in at most 32; a pattern that
    fits, or a field that may also be null, is no contradiction."""
    uuid = (
        "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}"
    )
    service_id = {"type": "string", "pattern": uuid, "minLength": 32, "maxLength": 32}
    document = {"components": {"schemas": {"ServiceId": service_id}}}
    message = "Schema at /components/schemas/ServiceId:"
    assert judge._no_value_fits(document, message)
    service_id["pattern"] = "^[a-z]+$"
    assert not judge._no_value_fits(document, message)
    service_id.update(pattern=uuid, nullable=True)
    assert not judge._no_value_fits(document, message)
