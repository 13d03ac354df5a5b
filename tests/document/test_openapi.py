"""The contract itself: valid OpenAPI, the facts of authentik 2026.8.3, and null where null is
allowed, as Schemathesis' response checks read it."""

from __future__ import annotations

import copy
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from openapi_schema_validator import OAS30Validator

from specdouble.document import openapi
from specdouble.server.app import create_app
from specdouble.settings import DEFAULT_SPEC, Settings

ITEM = "/policies/event_matcher/{policy_uuid}/"
OPERATIONS = {
    "policies_event_matcher_list",
    "policies_event_matcher_create",
    "policies_event_matcher_retrieve",
    "policies_event_matcher_update",
    "policies_event_matcher_partial_update",
    "policies_event_matcher_destroy",
    "policies_event_matcher_used_by_list",
}
POLICY = {
    "pk": "19d45deb-1139-4a12-b4c1-c3ea3d9c4e64",
    "name": "Alert on api events",
    "execution_logging": False,
    "component": "ak-policy-event-matcher-form",
    "verbose_name": "Event Matcher Policy",
    "verbose_name_plural": "Event Matcher Policies",
    "meta_model_name": "authentik_policies_event_matcher.eventmatcherpolicy",
    "bound_to": 0,
    "action": "login",
    "client_ip": None,
    "app": "authentik.core",
    "model": "authentik_core.user",
    "query": None,
}


def test_the_document_is_valid_openapi(document: dict[str, Any]) -> None:
    openapi.check(document, source=str(DEFAULT_SPEC))


def test_an_invalid_document_is_reported_with_its_path(document: dict[str, Any]) -> None:
    broken = copy.deepcopy(document)
    broken["paths"]["/policies/event_matcher/"]["get"]["responses"]["200"] = {"content": {}}
    with pytest.raises(
        openapi.SpecError,
        match=r"^broken.yaml: #/paths/~1policies~1event_matcher~1/get/responses/200: ",
    ):
        openapi.check(broken, source="broken.yaml")


def test_the_seven_operations_and_their_error_answers(document: dict[str, Any]) -> None:
    operations = list(openapi.operations(document))
    assert {operation.operation_id for operation in operations} == OPERATIONS
    for operation in operations:
        responses = operation.definition["responses"]
        assert {"400", "403"} <= set(responses), operation.operation_id
        if operation.path != "/policies/event_matcher/" or operation.method == "get":
            assert "404" in responses, operation.operation_id


def test_the_enums_of_authentik_2026_8_3(document: dict[str, Any]) -> None:
    assert len(openapi.enum_values(document, "EventActions")) == 38
    assert len(openapi.enum_values(document, "AppEnum")) == 82
    assert len(openapi.enum_values(document, "ModelEnum")) == 131
    assert "authentik_stages_consent.userconsent" not in openapi.enum_values(document, "ModelEnum")


def _retrieve_response(body: dict[str, Any]) -> httpx.Response:
    request = httpx.Request("GET", f"http://mock/api/v3/policies/event_matcher/{POLICY['pk']}/")
    response = httpx.Response(200, json=body, request=request)
    response.elapsed = timedelta(0)
    return response


def _retrieve(document: dict[str, Any]) -> Any:
    return schemathesis.openapi.from_dict(document)[ITEM]["GET"]


@pytest.mark.parametrize("field", ["action", "app", "model", "client_ip", "query"])
def test_null_criteria_conform_to_the_response_schema(document: dict[str, Any], field: str) -> None:
    operation = _retrieve(document)
    operation.validate_response(_retrieve_response({**POLICY, field: None}))


@pytest.mark.parametrize("field", ["action", "app", "model"])
def test_values_outside_the_enums_do_not_conform(document: dict[str, Any], field: str) -> None:
    with pytest.raises(AssertionError):
        _retrieve(document).validate_response(_retrieve_response({**POLICY, field: "nope"}))


def _strictly_valid(document: dict[str, Any], instance: dict[str, Any]) -> bool:
    """OpenAPI 3.0.3's own reading, where `nullable` only counts beside a `type`."""
    root = {**document, "$ref": "#/components/schemas/EventMatcherPolicy"}
    return OAS30Validator(root).is_valid(instance)


@pytest.mark.parametrize("field", ["action", "app", "model"])
def test_null_enums_under_a_strict_openapi_3_0_reading(
    document: dict[str, Any], field: str
) -> None:
    """Why our document writes nullable enums as `oneOf` with `NullEnum`: authentik's spelling,
    `allOf` plus `nullable` and no `type`, rejects null under OpenAPI 3.0.3's rules."""
    assert _strictly_valid(document, {**POLICY, field: None})
    assert not _strictly_valid(document, {**POLICY, field: "nope"})
    published = copy.deepcopy(document)
    properties = published["components"]["schemas"]["EventMatcherPolicy"]["properties"]
    enum = properties[field]["$ref"].replace("Nullable", "")
    properties[field] = {"allOf": [{"$ref": enum}], "nullable": True}
    assert not _strictly_valid(published, {**POLICY, field: None})


SPLIT = Path(__file__).parent.parent / "documents" / "split" / "openapi.yaml"


def test_a_document_split_over_files_is_made_one() -> None:
    document = openapi.load_checked(SPLIT)
    schemas = document["components"]["schemas"]
    assert set(schemas) == {"Error", "book"}  # the shared error once, the book by its file
    assert schemas["book"]["properties"]["sequel"] == {"$ref": "#/components/schemas/book"}
    listed = document["paths"]["/books"]["get"]["responses"]["200"]["content"]
    assert listed["application/json"]["schema"]["items"] == {"$ref": "#/components/schemas/book"}
    missing = document["paths"]["/books/{isbn}"]["get"]["responses"]["404"]["content"]
    assert missing["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert all(ref.startswith("#/") for ref in _refs(document))


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [*([node["$ref"]] if "$ref" in node else []), *_refs(list(node.values()))]
    if isinstance(node, list):
        return [ref for item in node for ref in _refs(item)]
    return []


def test_a_split_document_is_served_statefully() -> None:
    with create_app(Settings(spec=SPLIT, seed=1)).test_client() as client:
        made = client.post("/v1/books", json={"isbn": "978-3", "title": "Dune"})
        assert made.status_code == 201
        assert client.get("/v1/books/978-3").json()["title"] == "Dune"
        assert client.get("/v1/books/none").json()["message"] == "No Book matches the given query."


def test_a_reference_to_a_missing_file_or_a_url_is_one_clear_error(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    base = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
    spec.write_text(base + "    A: {$ref: 'gone.yaml'}\n")
    with pytest.raises(openapi.SpecError, match=r"gone\.yaml: no such file"):
        openapi.load_checked(spec)
    spec.write_text(base + "    A: {$ref: 'https://example.com/a.yaml'}\n")
    with pytest.raises(openapi.SpecError, match="only local files are read"):
        openapi.load_checked(spec)


def test_a_body_type_named_with_parameters_is_taken_bare_too():
    from specdouble.document import augment

    content = {"application/json;charset=UTF-8": {"schema": {"type": "object"}}}
    document = {"paths": {"/s": {"post": {"requestBody": {"content": content}}}}}
    assert augment.widen_body_media_types(document) == 1
    assert sorted(content) == ["application/json", "application/json;charset=UTF-8"]


def test_yaml_keys_are_read_as_the_strings_written(tmp_path: Path) -> None:
    """A response code, `on`, a date or `~` as a key is that text, also where a merge key
    (`<<`) brings it or an alias names it, and values keep YAML's types."""
    path = tmp_path / "keys.yaml"
    path.write_text(
        "a: {200: x, on: 1, ~: z, 2020-01-01: d}\n"
        "b: {<<: [{200: y}, {201: z}], 1: q}\n"
        "c: &shared {404: gone}\n"
        "d: {<<: *shared}\n"
        "e: {&code 500 : boom}\n"
        "f: {v: *code}\n"
    )
    assert openapi.load(path) == {
        "a": {"200": "x", "on": 1, "~": "z", "2020-01-01": "d"},
        "b": {"200": "y", "201": "z", "1": "q"},
        "c": {"404": "gone"},
        "d": {"404": "gone"},
        "e": {"500": "boom"},
        "f": {"v": 500},
    }


def _nested(levels: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(levels):
        schema = {"type": "object", "properties": {"a": schema}}
    return schema


def _holding_itself() -> dict[str, Any]:
    node: dict[str, Any] = {"type": "object", "properties": {}}
    node["properties"]["child"] = node  # a YAML alias can make one
    return node


SCHEMAS_TO_META_CHECK = {
    "plain": {"type": "string", "pattern": "^[a-z]+$", "enum": ["ab", "cd"]},
    "a name called pattern": {"type": "object", "properties": {"pattern": {"type": "string"}}},
    # Each of these the whole document's check lets through, and the meta-schema refuses:
    "JavaScript's named group": {"type": "string", "pattern": "(?<word>x)"},
    "deep in items": {"type": "array", "items": {"items": {"pattern": "\\p{L}"}}},
    "a repeated choice": {"type": "string", "enum": ["a", "a"]},  # draft 4: unique items
    "an integer and a float alike": {"type": "integer", "enum": [2**60, float(2**60)]},
    "nested deep": _nested(40),  # within Python's reach, past the quick check's depth
    "nested past Python's recursion": _nested(400),
    "holding itself": _holding_itself(),
}


@pytest.mark.parametrize("name", SCHEMAS_TO_META_CHECK)
def test_a_schema_is_refused_exactly_where_the_meta_schema_refuses_it(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Schemas are checked against the meta-schema in Rust first (`meta_check_in_rust_first`):
    a document is refused exactly where openapi-spec-validator's own check refuses it, and
    for the same reason."""
    from openapi_spec_validator.validation.keywords import OpenAPIV30SchemaValidator

    schema = SCHEMAS_TO_META_CHECK[name]
    document = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/things": {"get": {"responses": {"200": {"description": "ok"}}}}},
        "components": {"schemas": {"Thing": schema}},
    }
    meta_checked: list[Any] = []

    def verdict() -> str | None:
        try:
            openapi.check(document, source="d.yaml")
        except openapi.SpecError as error:
            # Where Python's recursion ends depends on the stack: the reason, not the frame.
            return str(error).split(" exceeded")[0]
        return None

    quick = verdict()
    exact = OpenAPIV30SchemaValidator._exact_schema_checker  # type: ignore[attr-defined]

    def spied(self: Any, at: Any, value: Any) -> Any:
        meta_checked.append(value)
        return exact(self, at, value)

    monkeypatch.setattr(OpenAPIV30SchemaValidator, "_get_schema_checker", spied)
    assert quick == verdict()
    assert any(value is schema for value in meta_checked)  # not refused before it


def _operation(operation_id: Any, *parameters: dict[str, Any]) -> dict[str, Any]:
    return {
        "operationId": operation_id,
        "parameters": list(parameters),
        "responses": {"200": {"description": "ok"}},
    }


PATH_KEY = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
BROKEN_DOCUMENTS = {
    "two operations, one id": {
        "/a": {"get": _operation("same")},
        "/b": {"get": _operation("same")},
    },
    "a reference to nothing": {
        "/a": {"get": _operation("a", {"$ref": "#/components/parameters/missing"})},
    },
    "a reference past a list's end": {
        "/a/{id}": {"get": _operation("a", PATH_KEY)},
        "/b/{id}": {"get": _operation("b", {"$ref": "#/paths/~1a~1{id}/get/parameters/3"})},
    },
    "a path parameter nobody declares": {"/a/{id}": {"get": _operation("a")}},
    "a parameter met twice, wrong": {
        "/a": {"get": _operation("a", {"name": "q", "in": "query", "schema": {"type": "nope"}})},
        "/b": {"get": _operation("b", {"$ref": "#/paths/~1a/get/parameters/0"})},
    },
    "an answer met twice, wrong": {
        "/a": {
            "get": {
                "operationId": "a",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"type": "nope"}}},
                    }
                },
            }
        },
        "/b": {
            "get": {
                "operationId": "b",
                "responses": {"200": {"$ref": "#/paths/~1a/get/responses/200"}},
            }
        },
    },
    "well formed": {
        "/a/{id}": {"get": _operation("a", PATH_KEY)},
        "/b/{id}": {"get": _operation("b", {"$ref": "#/paths/~1a~1{id}/get/parameters/0"})},
    },
}


@pytest.mark.parametrize("name", BROKEN_DOCUMENTS)
def test_the_quickened_validator_reaches_the_same_verdicts(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Operation ids remembered in a set, dicts and lists stepped into without asking
    pathable's Protocol, paths resolved from their parent, and a parameter or an answer that
    passed not walked again refuse exactly what openapi-spec-validator's own code refuses."""
    from jsonschema_path.accessors import SchemaAccessor
    from openapi_spec_validator.validation import keywords
    from openapi_spec_validator.validation.keywords import OperationValidator
    from pathable.accessors import SubscriptableAccessor

    document = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}}
    document["paths"] = BROKEN_DOCUMENTS[name]

    def verdict() -> str | None:
        try:
            openapi.check(document, source="d.yaml")
        except openapi.SpecError as error:
            return str(error)
        return None

    quick = verdict()
    assert (quick is None) == (name == "well formed")
    # The quickened code is what ran (a renamed attribute would leave the original in place).
    assert type(OperationValidator(registry={}).operation_ids_registry) is openapi._Visited
    assert (
        SubscriptableAccessor._get_subnode.__func__
        is not SubscriptableAccessor._asking_step.__func__
    )
    assert SchemaAccessor.get_resolved is not SchemaAccessor._from_the_root
    assert keywords.ParameterValidator.__call__._once  # type: ignore[attr-defined]
    for validator in vars(keywords).values():
        if isinstance(validator, type) and "_each_time" in vars(validator):
            monkeypatch.setattr(validator, "__call__", validator._each_time)
    monkeypatch.setattr(OperationValidator, "__init__", OperationValidator._list_init)
    monkeypatch.setattr(SchemaAccessor, "get_resolved", SchemaAccessor._from_the_root)
    monkeypatch.setattr(SubscriptableAccessor, "_get_subnode", SubscriptableAccessor._asking_step)
    assert verdict() == quick


def test_a_visited_list_answers_for_values_no_set_holds() -> None:
    visited = openapi._Visited()
    visited.append("a")
    assert "a" in visited and "b" not in visited and ["a"] not in visited
    visited.append({"x": 1})
    assert {"x": 1} in visited and "a" in visited and {"x": 2} not in visited


ASIDE_SCRIPT = """
import json, os, signal, sys
from pathlib import Path
from specdouble.document import openapi

openapi.ASIDE_BYTES = 0  # every document checked aside
checked_by = []
check = openapi.check


def spied(document, *, source):
    if sys.argv[3] == "killed" and os.getpid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)  # the second process dies without a verdict
    with open(sys.argv[2] + ".who", "a") as who:
        who.write(f"{os.getpid()}\\n")
    check(document, source=source)


parent = os.getpid()
openapi.check = spied
cache = Path(sys.argv[2])
document, verdict = openapi.load_checking(Path(sys.argv[1]), cache=cache)
paths = sorted(document["paths"])
document["paths"]["/built"] = {"get": {}}  # built on meanwhile: no answers, which is invalid
try:
    with verdict.awaited_on_error():
        if sys.argv[3] == "error":
            raise ValueError("built wrong")
    verdict.wait()
    said = None
except openapi.SpecError as error:
    said = str(error)
except ValueError as error:
    said = f"ValueError: {error}"
who = [int(pid) for pid in Path(sys.argv[2] + ".who").read_text().split()]
print(json.dumps({
    "said": said,
    "paths": paths,
    "checked_here": [pid == parent for pid in who],
}))
"""


@pytest.mark.parametrize("how", ["ends", "killed", "error"])
@pytest.mark.parametrize("valid", [True, False])
def test_a_large_document_is_checked_in_a_second_process(
    tmp_path: Path, how: str, valid: bool
) -> None:
    """The check goes on in a forked process while the caller builds on the document; its
    verdict (a refusal with its pointer) and its cache entry come from there, and where that
    process dies without one, the document is read and checked again here (not as the
    caller changed it meanwhile)."""
    import json
    import subprocess
    import sys

    paths = {
        "/a": {"get": _operation("a")},
        "/b": {"get": _operation("a" if not valid else "b")},
    }
    spec = tmp_path / "api.json"
    spec.write_text(
        json.dumps({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths})
    )
    completed = subprocess.run(
        [sys.executable, "-c", ASIDE_SCRIPT, str(spec), str(tmp_path / "cache"), how],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    seen = json.loads(completed.stdout)
    # Counted once the second process ended (it held the output open): it writes the entry
    # after its verdict, which the caller does not wait for.
    seen["cached"] = len(list((tmp_path / "cache").glob("*.json")))
    assert seen["paths"] == ["/a", "/b"]
    if valid:  # an error while building on it is the error, where the document passes
        assert seen["said"] == ("ValueError: built wrong" if how == "error" else None)
    else:  # and the refusal, where it does not
        assert seen["said"] == f"{spec}: #/: Operation ID 'a' for 'get' in '/b' is not unique"
    if how != "killed":
        assert seen["checked_here"] == [False]
        assert seen["cached"] == (1 if valid else 0)  # written by the other process
    else:  # checked again here, and not cached: the next start checks it again
        assert seen["checked_here"] == [True]
        assert seen["cached"] == 0


SWAGGER_ASIDE = """
import json, sys
from pathlib import Path
from specdouble.document import openapi

openapi.ASIDE_BYTES = 0
try:
    document, verdict = openapi.load_checking(Path(sys.argv[1]))
    verdict.wait()
    print(json.dumps({"openapi": document.get("openapi")}))
except openapi.SpecError as error:
    print(json.dumps({"said": str(error)}))
"""


@pytest.mark.parametrize("valid", [True, False])
def test_a_large_swagger_2_document_checked_aside_is_converted_or_refused(
    tmp_path: Path, valid: bool
) -> None:
    """Converted while its check goes on; where the converter cannot read an invalid one
    (a form parameter without a name), the answer is the check's refusal, not its error."""
    import json
    import subprocess
    import sys

    form = {"in": "formData", "type": "string", **({"name": "note"} if valid else {})}
    operation = {"consumes": ["application/x-www-form-urlencoded"], "parameters": [form]}
    operation["responses"] = {"200": {"description": "ok"}}
    document = {"swagger": "2.0", "info": {"title": "t", "version": "1"}}
    document["paths"] = {"/notes": {"post": operation}}
    spec = tmp_path / "api.json"
    spec.write_text(json.dumps(document))
    completed = subprocess.run(
        [sys.executable, "-c", SWAGGER_ASIDE, str(spec)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    seen = json.loads(completed.stdout)
    if valid:
        assert seen == {"openapi": "3.0.3"}
    else:
        assert seen["said"].startswith(f"{spec}: #/paths/~1notes/post/parameters/0")


def test_the_verdict_does_not_wait_for_the_cache_entry(tmp_path: Path) -> None:
    """The checking process says its verdict first, then writes the cache entry: the caller
    goes on meanwhile (it need not wait for a large document's write), and the process is
    collected once it ends."""
    import os
    import time

    go, done = tmp_path / "go", tmp_path / "done"

    def then(settled: Any) -> None:  # in the checking process: waits for the caller's word
        for _ in range(600):
            if go.exists():
                break
            time.sleep(0.05)
        done.write_text(str(settled))

    verdict = openapi.Verdict.aside(
        lambda: "checked", then=then, redo=lambda: None, passed=lambda: None
    )
    pid = verdict._pid
    assert pid is not None
    verdict.wait()  # returns while the other process still waits
    assert not done.exists()
    go.touch()
    for _ in range(600):
        if done.exists():
            break
        time.sleep(0.05)
    assert done.read_text() == "checked"
    for _ in range(600):  # collected once it ended: not even a finished process is left
        try:
            os.kill(pid, 0)  # a process that ended and is not collected still answers
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the checking process was not collected")
