"""The direct path answers exactly as Connexion's pipeline does: the same requests, sent in the
same order to a server with it and to one without, get the same status, headers and bytes."""

from __future__ import annotations

import base64
import copy
import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from starlette.responses import Response

from specdouble.data.synth import Synth
from specdouble.document import openapi
from specdouble.resources.authentik import events as authentik_events
from specdouble.rest import inference, resource
from specdouble.rest.actions import Answer
from specdouble.server.app import MockServer, create_app
from specdouble.server.direct import DirectPath
from specdouble.server.handlers import answer_headers
from specdouble.settings import Settings
from tests import authentik_package

API = "/api/v3/policies/event_matcher/"
ADMIN = {"Authorization": "Bearer ak-mock-admin"}
READONLY = {"Authorization": "Bearer ak-mock-readonly"}
JSON = {"Content-Type": "application/json"}
KNOWN = "19d45deb-1139-4a12-b4c1-c3ea3d9c4e64"
DOCUMENTS = Path(__file__).parent.parent / "documents"

Request = tuple[str, str, dict[str, str], Any]
"""(method, URL, headers, body: JSON-able, raw bytes, or None)."""


@pytest.fixture(autouse=True)
def _frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """`created` and `last_updated` come from the clock; both servers must read the same."""
    monkeypatch.setattr(resource, "_now", lambda: "2026-01-02T03:04:05.000000Z")


def answers(settings: Settings, requests: list[Request]) -> list[tuple[Any, ...]]:
    with create_app(settings).test_client() as client:
        results = []
        for method, url, headers, body in requests:
            content = body if isinstance(body, bytes) or body is None else json.dumps(body)
            response = client.request(method, url, headers=headers, content=content)
            results.append(
                (
                    method,
                    url,
                    response.status_code,
                    sorted(response.headers.multi_items()),
                    response.content,
                )
            )
        return results


def assert_same(settings: Settings, requests: list[Request]) -> list[tuple[Any, ...]]:
    direct = answers(settings, requests)
    through_connexion = answers(settings.replace(direct=False), requests)
    for ours, theirs in zip(direct, through_connexion, strict=True):
        assert ours == theirs
    return direct


EVENT_MATCHER: list[Request] = [
    ("GET", API, ADMIN, None),
    ("GET", f"{API}?page_size=20", ADMIN, None),
    ("GET", f"{API}?page=2&page_size=7&ordering=-name,action", ADMIN, None),
    ("GET", f"{API}?action=login&app=authentik.core&search=a&ordering=-created", ADMIN, None),
    ("GET", f"{API}?policy_uuid={KNOWN}", ADMIN, None),
    ("GET", f"{API}?name=Alert%20on%20api%20events&execution_logging=false", ADMIN, None),
    ("GET", f"{API}?page=abc&page_size=-1&action=nope&policy_uuid=12", ADMIN, None),
    ("GET", f"{API}?page=999", ADMIN, None),
    ("GET", f"{API}?page_size=3", READONLY, None),
    ("GET", f"{API}?page_size=3", {"Authorization": "Bearer ak-mock-noaccess"}, None),
    ("GET", API, {}, None),
    ("GET", API, {"Authorization": "Bearer nope"}, None),
    ("GET", API, {"Authorization": "Bearer ak-mock-expired"}, None),
    ("GET", API, {"Authorization": "Basic YTpi"}, None),
    ("GET", f"{API}{KNOWN}/", ADMIN, None),
    ("GET", f"{API}{KNOWN.upper()}/", ADMIN, None),
    ("GET", f"{API}00000000-0000-4000-8000-000000000000/", ADMIN, None),
    ("GET", f"{API}not-a-uuid/", ADMIN, None),
    ("GET", f"{API}{KNOWN}/used_by/", ADMIN, None),
    ("HEAD", API, ADMIN, None),
    (
        "OPTIONS",
        API,
        {"Origin": "http://app.example", "Access-Control-Request-Method": "GET"},
        None,
    ),
    ("GET", f"{API}?page_size=2", {**ADMIN, "Origin": "http://app.example"}, None),
    ("GET", f"{API}?page_size=2", {**ADMIN, "Prefer": "code=404"}, None),
    ("POST", API, {**ADMIN, **JSON}, {"name": "Direct one", "action": "login"}),
    ("POST", API, {**ADMIN, **JSON}, {"name": "Direct one", "action": "login"}),
    ("POST", API, {**ADMIN, **JSON}, {"name": "", "action": "nope", "client_ip": 3}),
    ("POST", API, {**ADMIN, **JSON}, {"name": "No criteria"}),
    ("POST", API, {**ADMIN, **JSON}, b'{"name": '),
    ("POST", API, {**ADMIN, **JSON}, b""),
    (
        "POST",
        API,
        {**ADMIN, "Content-Type": "application/json; charset=utf-8"},
        {"name": "With a charset", "model": "authentik_core.user"},
    ),
    ("POST", API, {**ADMIN, "Content-Type": "text/plain"}, b"name=x"),
    ("POST", API, ADMIN, {"name": "No content type", "app": "authentik.core"}),
    ("POST", API, {**READONLY, **JSON}, {"name": "Not allowed", "action": "login"}),
    ("POST", API, {**READONLY, **JSON}, b"not even JSON"),
    ("GET", f"{API}?search=direct&ordering=name", ADMIN, None),
    ("PUT", f"{API}{KNOWN}/", {**ADMIN, **JSON}, {"name": "Renamed", "action": "logout"}),
    ("PATCH", f"{API}{KNOWN}/", {**ADMIN, **JSON}, {"app": None, "action": None}),
    (
        "PATCH",
        f"{API}{KNOWN}/",
        {**ADMIN, **JSON},
        {"action": None, "app": None, "model": None, "client_ip": None},
    ),
    ("PATCH", f"{API}00000000-0000-4000-8000-000000000000/", {**ADMIN, **JSON}, {"name": "x"}),
    ("GET", f"{API}{KNOWN}/", ADMIN, None),
    ("DELETE", f"{API}{KNOWN}/", READONLY, None),
    ("DELETE", f"{API}{KNOWN}/", ADMIN, None),
    ("DELETE", f"{API}{KNOWN}/", ADMIN, None),
    ("GET", f"{API}{KNOWN}/", ADMIN, None),
    ("GET", f"{API}?page_size=20", ADMIN, None),
    ("POST", "/_mock/reset", {}, None),
    ("POST", "/_mock/reset", ADMIN, None),
    ("GET", f"{API}{KNOWN}/", ADMIN, None),
    ("GET", API.rstrip("/"), ADMIN, None),
    ("DELETE", API, ADMIN, None),
    ("GET", "/api/v3/openapi.json", {}, None),
]


def test_event_matcher_answers_are_the_same_both_ways() -> None:
    answered = assert_same(Settings(), EVENT_MATCHER)
    statuses = [status for _, _, status, _, _ in answered]
    # The script reaches every kind of answer, so the comparison covers them all.
    assert {200, 201, 204, 400, 403, 404, 405, 415} <= set(statuses)


def test_a_document_with_basic_auth_integer_keys_and_problem_bodies() -> None:
    def basic(user: str, password: str) -> dict[str, str]:
        return {
            "Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        }

    admin, readonly = basic("akadmin", "ak-mock-admin"), basic("auditor", "ak-mock-readonly")
    requests: list[Request] = [
        ("GET", "/api/notes/", admin, None),
        ("GET", "/api/notes/?pinned=true&ordering=-title&page_size=2", admin, None),
        ("GET", "/api/notes/?pinned=maybe", admin, None),
        ("GET", "/api/notes/", {}, None),
        ("GET", "/api/notes/", basic("someone", "ak-mock-admin"), None),
        ("GET", "/api/notes/1/", admin, None),
        ("GET", "/api/notes/+1/", admin, None),
        ("GET", "/api/notes/x/", admin, None),
        ("GET", "/api/notes/99/", admin, None),
        ("POST", "/api/notes/", {**admin, **JSON}, {"title": "Buy milk"}),
        ("POST", "/api/notes/", {**admin, **JSON}, {"title": "", "pinned": "yes"}),
        ("POST", "/api/notes/", {**readonly, **JSON}, {"title": "x"}),
        ("DELETE", "/api/notes/6/", admin, None),
        ("GET", "/api/notes/6/", admin, None),
    ]
    answered = assert_same(Settings(spec=DOCUMENTS / "notes-basic.yaml", seed=1), requests)
    assert {200, 201, 204, 400, 401, 403, 404} <= {status for _, _, status, _, _ in answered}


def _direct_path(server: MockServer) -> DirectPath:
    layer: Any = server.outermost
    while not isinstance(layer, DirectPath):
        layer = layer.app
    return layer


@pytest.fixture
def passed_on() -> Iterator[tuple[Any, list[str]]]:
    """A client, and the requests its direct path handed on to Connexion."""
    server = create_app(Settings(leniency="document"))
    direct = _direct_path(server)
    connexion, handed = direct.app, []

    async def spy(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            handed.append(f"{scope['method']} {scope['path']}")
        await connexion(scope, receive, send)

    direct.app = spy
    with server.test_client() as client:
        yield client, handed


def test_resource_operations_take_the_direct_path(passed_on: tuple[Any, list[str]]) -> None:
    client, handed = passed_on
    assert client.get(API, headers=ADMIN).status_code == 200
    assert client.get(f"{API}?page=abc", headers=ADMIN).status_code == 400
    assert client.get(API).status_code == 403
    made = client.post(API, json={"name": "Fast", "action": "login"}, headers=ADMIN)
    assert made.status_code == 201
    pk = made.json()["pk"]
    assert client.patch(f"{API}{pk}/", json={"name": "Faster"}, headers=ADMIN).status_code == 200
    assert client.get(f"{API}{pk}/used_by/", headers=ADMIN).status_code == 200
    assert client.delete(f"{API}{pk}/", headers=ADMIN).status_code == 204
    assert handed == []


def test_what_the_direct_path_hands_on(passed_on: tuple[Any, list[str]]) -> None:
    client, handed = passed_on
    client.head(API, headers=ADMIN)
    client.post(API, content=b"name=x", headers={**ADMIN, "Content-Type": "text/plain"})
    client.get("/api/v3/ui/")
    client.post("/_mock/reset", headers=ADMIN)
    client.get(API.rstrip("/"), headers=ADMIN)
    assert handed == [
        f"HEAD {API}",
        f"POST {API}",
        "GET /api/v3/ui/",
        "POST /_mock/reset",
        f"GET {API.rstrip('/')}",
    ]


def test_the_whole_authentik_api_answers_the_same_both_ways(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every resource of authentik's whole document: list, filters, pages, read, create,
    update, delete, missing keys; plus each literal path that an item route's pattern would
    also match (`/core/users/me/`), which must reach its own operation first, as in Connexion.
    The events that writes add are stamped at one instant in both runs."""
    monkeypatch.setattr(authentik_events, "datetime", _FrozenClock)
    document = openapi.load(authentik_package.install() and authentik_package.SCHEMA)
    operations = {operation.operation_id: operation for operation in openapi.operations(document)}
    synth = Synth(document, 5)
    settings = Settings(spec=authentik_package.SCHEMA)
    recorded: list[Request] = []
    with create_app(settings).test_client() as client:

        def ask(method: str, url: str, body: Any = None) -> Any:
            headers = {**ADMIN, **JSON} if body is not None else ADMIN
            recorded.append((method, url, headers, body))
            content = None if body is None else json.dumps(body)
            return client.request(method, url, headers=headers, content=content)

        items, created = [], 0
        for found in inference.infer(document):
            prefix, collection = found.spec.collection, f"/api/v3{found.collection_path}"
            page = ask("GET", f"{collection}?page_size=3&ordering=-{found.spec.key}").json()
            ask("GET", f"{collection}?page=2&page_size=2&search=a")
            ask("GET", f"{collection}?page=0")
            if found.item_path is None or found.lookup is None:
                continue
            item = f"/api/v3{found.item_path}".replace(f"{{{found.lookup}}}", "{}")
            items.append(item)
            ask("GET", item.format("00000000-0000-4000-8000-000000000000"))
            for shown in page.get("results", [])[:1]:
                key = shown.get(found.spec.key)
                ask("GET", item.format(key))
                if f"{prefix}_partial_update" in operations:
                    ask("PATCH", item.format(key), {})
            create = operations.get(f"{prefix}_create")
            if create is not None:
                schema = openapi.json_body_schema(document, create)
                body = synth.value(schema, reading=False)
                made = ask("POST", collection, body)
                if made.status_code == 400 and isinstance(body, dict):  # a made-up reference
                    shown = page.get("results", [])
                    body = authentik_package.with_existing_references(
                        made.json(), body, shown[0] if shown else None
                    )
                    made = ask("POST", collection, body)
                created += made.status_code == 201
                key = made.json().get(found.spec.key) if made.status_code < 300 else None
                if key is not None and f"{prefix}_destroy" in operations:
                    ask("DELETE", item.format(key))
                    ask("DELETE", item.format(key))
        patterns = [
            re.compile("^" + re.sub(r"\\\{\\\}", "[^/]+", re.escape(i)) + "$") for i in items
        ]
        for path, item in document["paths"].items():
            url = f"/api/v3{path}"
            if "{" not in path and "get" in item and any(p.match(url) for p in patterns):
                ask("GET", url)
    direct = answers(settings, recorded)
    assert direct == answers(settings.replace(direct=False), recorded)
    assert len(recorded) > 700
    assert created > 120  # the writes' own path, not only DRF's refusals
    assert {status for _, _, status, _, _ in direct} >= {200, 201, 204, 404}


class _FrozenClock(datetime):
    @classmethod
    def now(cls, tz: Any = None) -> datetime:
        return datetime(2026, 11, 30, 12, 0, tzinfo=tz)


@pytest.mark.parametrize(("status", "body"), [(200, b'{"a": 1}\n'), (201, b"{}\n"), (204, None)])
def test_an_answer_has_the_headers_starlette_gives_a_json_response(
    status: int, body: bytes | None
) -> None:
    starlette_made = Response(content=body, status_code=status, media_type="application/json")
    assert answer_headers(Answer(status, body)) == starlette_made.raw_headers


ROUTE_TEMPLATES = [
    "/users",
    "/users/{user_id}",
    "/users/{user_id}/messages/{message_id:int}",
    "/files/{name}.{extension}",
    "/files/{rest:path}",
    "/reports/get(period='{period}')",
    "/odd/{not-a-parameter}/{id}",
    "/n/{value:float}/{slug:uuid}",
]
ROUTE_PATHS = [
    "/users",
    "/users/",
    "/users/7",
    "/users/7/messages/12",
    "/users/7/messages/x",
    "/files/a.mp3",
    "/files/a/b/c",
    "/reports/get(period='D7')",
    "/odd/{not-a-parameter}/3",
    "/n/1.5/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
    "/users\n",
    "/other",
]


@pytest.mark.parametrize("template", ROUTE_TEMPLATES)
def test_a_route_template_is_read_as_starlette_reads_it_and_compiled_when_first_matched(
    template: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from starlette.routing import PARAM_REGEX, compile_path

    from specdouble.server import connexion_hooks

    original = getattr(compile_path, "original", compile_path)
    regex, exact_format, exact_convertors = original(template)
    compiled: list[str] = []
    really = re.compile

    def counted(source: str, flags: int = 0) -> re.Pattern[str]:
        compiled.append(source)
        return really(source, flags)

    monkeypatch.setattr(re, "compile", counted)
    lazy, path_format, convertors = connexion_hooks.lazily_compiled_path(original, template)
    assert (path_format, convertors) == (exact_format, exact_convertors)
    first = PARAM_REGEX.search(template)
    prefix = template[: first.start()] if first else template
    for path in ROUTE_PATHS:
        for way in ("match", "fullmatch"):
            found, exact = getattr(lazy, way)(path), getattr(regex, way)(path)
            assert (found and found.groupdict()) == (exact and exact.groupdict()), (way, path)
        if not compiled:  # nothing compiled until a path that begins as the template does
            assert not path.startswith(prefix), path
    assert compiled == [regex.pattern]  # once, Starlette's expression
    assert lazy.pattern == regex.pattern and lazy.groupindex == regex.groupindex


def test_a_route_matches_with_the_convertors_of_when_it_was_read() -> None:
    """A convertor registered between reading a template and its first match (Connexion's
    routing registers its own) changes neither the expression nor the convertor."""
    from starlette.convertors import CONVERTOR_TYPES, Convertor, register_url_convertor
    from starlette.routing import compile_path

    from specdouble.server import connexion_hooks

    original = getattr(compile_path, "original", compile_path)
    lazy, _, convertors = connexion_hooks.lazily_compiled_path(original, "/n/{value:float}")
    before = CONVERTOR_TYPES["float"]

    class Anything(Convertor[str]):
        regex = ".*"

        def convert(self, value: str) -> str:
            return value

        def to_string(self, value: str) -> str:
            return value

    register_url_convertor("float", Anything())
    try:
        assert lazy.match("/n/1.5") is not None  # compiled now, with the convertor of then
        assert lazy.pattern == f"^/n/(?P<value>{before.regex})$" != "^/n/(?P<value>.*)$"
        assert convertors["value"] is before
    finally:
        register_url_convertor("float", before)
    assert copy.copy(lazy).match("/n/2.5")  # a copy reads its slots, not the expression


def test_templates_starlette_refuses_or_reads_as_hosts_are_its_own() -> None:
    from starlette.routing import compile_path

    from specdouble.server import connexion_hooks

    original = getattr(compile_path, "original", compile_path)
    with pytest.raises(ValueError, match="Duplicated param name id"):
        connexion_hooks.lazily_compiled_path(original, "/a/{id}/b/{id}")
    with pytest.raises(AssertionError, match="Unknown path convertor 'nope'"):
        connexion_hooks.lazily_compiled_path(original, "/a/{id:nope}")
    host = connexion_hooks.lazily_compiled_path(original, "{sub}.example.org")
    assert isinstance(host[0], re.Pattern) and host[0].match("API.example.org")


def _connexion_app(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, MockServer]:
    """The server for `settings`, and the Connexion app inside it."""
    from specdouble.server import connexion_hooks

    built: list[Any] = []
    really = connexion_hooks.build_at_once

    def kept(app: Any) -> None:
        built.append(app)
        really(app)

    monkeypatch.setattr(connexion_hooks, "build_at_once", kept)
    server = create_app(settings)
    return built[0], server


def every_operation(app: Any) -> int:
    """Make every operation of every layer of Connexion's `app` now (what Connexion did at
    start), the number made."""
    made = 0
    for layer in app.middleware.middleware_stack or []:
        for apis in getattr(layer, "apis", {}).values():
            for api in apis if isinstance(apis, list) else [apis]:
                for operation_id in getattr(api, "operations", {}):
                    api.operations[operation_id]
                    made += 1
    return made


ROUTED_LAYERS = 5
"""Connexion's layers that look an operation up by its id: security, request and response
validation, context, and the app."""


@pytest.mark.parametrize(
    "spec", [None, *sorted(p.name for p in DOCUMENTS.glob("*.yaml")), "authentik"]
)
def test_every_operation_of_every_layer_is_made_without_error(
    spec: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Connexion's layers make an operation when a request first needs it, not at start: each
    one can still be made, as Connexion would have made it at start."""

    if spec == "authentik":
        authentik_package.install()
        settings = Settings(spec=authentik_package.SCHEMA)
    else:
        settings = Settings(spec=DOCUMENTS / spec) if spec else Settings()
    app, _ = _connexion_app(settings, monkeypatch)
    document = openapi.load_checked(settings.spec)
    operations = sum(1 for _ in openapi.operations(document))
    assert every_operation(app) == ROUTED_LAYERS * operations > 0


def test_a_layer_makes_only_the_operations_requests_need(monkeypatch: pytest.MonkeyPatch) -> None:
    from specdouble.server import connexion_hooks

    made: list[tuple[str, str]] = []
    really = connexion_hooks.OnDemandAPI._made

    def counted(api: Any, path: str, method: str) -> Any:
        made.append((method, path))
        return really(api, path, method)

    monkeypatch.setattr(connexion_hooks.OnDemandAPI, "_made", counted)
    _, server = _connexion_app(Settings(direct=False), monkeypatch)
    assert made == []
    with server.test_client() as client:
        assert client.get(API, headers=ADMIN).status_code == 200
        assert client.get(API, headers=ADMIN).status_code == 200
    assert made == [("get", "/policies/event_matcher/")] * ROUTED_LAYERS


def _refs_left(node: Any, seen: set[int] | None = None) -> list[str]:
    """The `$ref`s left anywhere under `node` (walked once per container: cycles are fine)."""
    seen = set() if seen is None else seen
    if not isinstance(node, (dict, list)) or id(node) in seen:
        return []
    seen.add(id(node))
    values = node.values() if isinstance(node, dict) else node
    left = [node["$ref"]] if isinstance(node, dict) and isinstance(node.get("$ref"), str) else []
    return left + [ref for value in values for ref in _refs_left(value, seen)]


def test_an_operation_is_resolved_when_first_read_with_all_it_reaches() -> None:
    """Connexion's copy of the document resolves an operation (and a path's parameters) when
    it is read, through chains of references and schemas that name themselves; the rest
    stays as written until something reads it."""
    from specdouble.server import connexion_hooks

    node = {"$ref": "#/components/schemas/Node"}
    document = {
        "openapi": "3.0.3",
        "paths": {
            "/a/{id}": {
                "parameters": [{"$ref": "#/components/parameters/Id"}],
                "get": {"responses": {"200": {"$ref": "#/components/responses/Node"}}},
            },
            "/b": {"$ref": "#/paths/~1a~1{id}"},  # leads nowhere as written: left as it is
            "/c": {"get": {"responses": {"200": {"$ref": "#/x/List"}}}},  # to no object
            "/d": {"get": {"responses": {"200": {"$ref": "#/components/responses/Node"}}}},
        },
        "components": {
            "parameters": {"Id": {"name": "id", "in": "path", "schema": {"$ref": "#/x/Id"}}},
            "responses": {
                "Node": {"description": "d", "content": {"application/json": {"schema": node}}}
            },
            "schemas": {
                "Node": {
                    "type": "object",
                    "properties": {"next": node, "label": {"$ref": "#/components/schemas/L"}},
                },
                "L": {"$ref": "#/components/schemas/L2"},
                "L2": {"type": "string"},
            },
        },
        "x": {"Id": {"type": "integer"}, "List": [1, 2]},
    }
    written = copy.deepcopy(document)
    resolved = connexion_hooks.resolve_refs(document)
    schemas = resolved["components"]["schemas"]
    assert schemas["L"] == {"$ref": "#/components/schemas/L2"}  # not read yet
    operation = resolved["paths"]["/a/{id}"]["get"]
    assert _refs_left(operation) == []
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["properties"]["label"] == {"type": "string"}
    assert schema["properties"]["next"]["properties"] is schema["properties"]  # a cycle
    (parameter,) = resolved["paths"]["/a/{id}"].get("parameters")
    assert parameter == {"name": "id", "in": "path", "schema": {"type": "integer"}}
    # What it reached is resolved once: the next read finds it done, and the document as
    # written is left as it was (only read: nothing of it is copied but what is resolved).
    again = resolved["paths"]["/d"]["get"]["responses"]["200"]
    assert again["content"]["application/json"]["schema"]["properties"] is schema["properties"]
    assert document == written
    assert resolved["components"]["schemas"] is document["components"]["schemas"]
    assert "$ref" in resolved["paths"]["/b"]
    assert resolved["paths"]["/c"]["get"]["responses"]["200"] == {"$ref": "#/x/List"}


def test_the_served_document_keeps_its_references() -> None:
    """`/openapi.json` is the document as written, each `$ref` leading somewhere in it, not
    a copy with every reference put in place (which a schema that names itself makes
    endless)."""
    with create_app(Settings()).test_client() as client:
        assert client.get(API, headers=ADMIN).status_code == 200  # its operation resolved
        served = client.get("/api/v3/openapi.json").json()
    left = _refs_left(served)
    assert left and all(openapi.resolve(served, {"$ref": ref}) for ref in left)
    assert API.removeprefix("/api/v3") in served["paths"]


def test_a_document_whose_schema_names_itself_is_served(tmp_path: Path) -> None:
    """It was a 500: the copy with every reference put in place held a cycle, which no JSON
    can write."""
    node = {"$ref": "#/components/schemas/Node"}
    spec = tmp_path / "nodes.json"
    spec.write_text(
        json.dumps(
            {
                "openapi": "3.0.3",
                "info": {"title": "Nodes", "version": "1"},
                "paths": {
                    "/nodes": {
                        "get": {
                            "responses": {
                                "200": {
                                    "description": "d",
                                    "content": {
                                        "application/json": {
                                            "schema": {"type": "array", "items": node}
                                        }
                                    },
                                }
                            }
                        }
                    }
                },
                "components": {
                    "schemas": {
                        "Node": {
                            "type": "object",
                            "properties": {"name": {"type": "string"}, "next": node},
                        }
                    }
                },
            }
        )
    )
    with create_app(Settings(spec=spec, seed=1, direct=False)).test_client() as client:
        assert client.get("/nodes").status_code == 200
        as_json, as_yaml = client.get("/openapi.json"), client.get("/openapi.yaml")
        assert as_json.status_code == as_yaml.status_code == 200
    assert yaml.safe_load(as_yaml.text) == as_json.json()
    assert as_json.json()["paths"]["/nodes"]["get"]["responses"]["200"]


def test_an_operation_that_cannot_be_made_is_an_error_not_a_missing_operation() -> None:
    """Connexion reads a KeyError from the lookup as "no such operation" (and answers its
    own); a KeyError while making one is the server's error, said as such."""
    from connexion.exceptions import ResolverError

    from specdouble.server.connexion_hooks import OperationsOnDemand

    def make(path: str, method: str) -> Any:
        if path == "/unresolved":
            raise ResolverError("no handler")
        raise KeyError("oauth")

    operations = OperationsOnDemand(make, {"a": ("/unresolved", "get"), "b": ("/b", "get")})
    with pytest.raises(KeyError):
        operations["a"]  # a layer without it, as Connexion's own making leaves it
    with pytest.raises(KeyError):
        operations["elsewhere"]
    with pytest.raises(RuntimeError, match="operation 'b' cannot be made: KeyError"):
        operations["b"]
    assert list(operations) == ["a", "b"] and len(operations) == 2


def test_one_route_table_for_connexion_and_the_direct_path() -> None:
    """Each operation's route read once, in the order routes are tried: literal segments
    first, a `format: path` parameter typed to take slashes, whatever the parameter is
    written as (a reference, at the path's level)."""
    from specdouble.server import connexion_hooks

    document = {
        "paths": {
            "/s/{id}": {"get": {}, "delete": {}, "x-note": {}},
            "/s/new": {"post": {}},
            "/f/{rest}": {
                "parameters": [{"$ref": "#/components/parameters/Rest"}],
                "get": {},
            },
        },
        "components": {
            "parameters": {
                "Rest": {
                    "name": "rest",
                    "in": "path",
                    "schema": {"format": "path", "type": "string"},
                }
            }
        },
    }
    table = connexion_hooks.RouteTable(document)
    assert table.group("s") == [
        (("/s/new", "post"), "/s/new"),
        (("/s/{id}", "get"), "/s/{id}"),
        (("/s/{id}", "delete"), "/s/{id}"),
    ]
    assert table.group("f") == [(("/f/{rest}", "get"), "/f/{rest:path}")]
    assert table.group_key("elsewhere") is None and table.group(None) == []


ALIASED = """
openapi: 3.0.0
info: {title: t, version: '1'}
paths:
  /a/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    get:
      operationId: getA
      parameters: &common
        - {name: q, in: query, schema: {type: string}}
      responses: {'200': {description: x, content: {application/json: {schema: {type: object}}}}}
  /b:
    get:
      operationId: getB
      parameters: *common
      responses: {'200': {description: x, content: {application/json: {schema: {type: object}}}}}
"""


@pytest.mark.parametrize("direct", [True, False])
def test_operations_that_share_a_list_through_an_alias_keep_their_own_parameters(
    tmp_path: Path, direct: bool
) -> None:
    """One `parameters` list named by two operations (a YAML alias): Connexion adds a path's
    parameters to an operation's list, and what one operation's path adds (`/a/{id}`'s
    `id`) is not the other's (`/b` was a 404 once `/a/1` had been asked)."""
    spec = tmp_path / "aliased.yaml"
    spec.write_text(ALIASED)
    # No cache: its entry is JSON, which holds no aliases.
    with create_app(Settings(spec=spec, direct=direct, cache=None)).test_client() as client:
        assert client.get("/a/1").status_code == 200
        assert client.get("/b").status_code == 200
        assert client.get("/a/2", params={"q": "x"}).status_code == 200


def test_a_path_item_resolves_each_key_once() -> None:
    """A key read again is what was resolved the first time, not walked anew (Connexion's
    five layers each read an operation)."""
    from specdouble.server import connexion_hooks

    node = {"type": "object", "properties": {"n": {"type": "integer"}}}
    document = {
        "paths": {"/a": {"get": {"responses": {"200": {"$ref": "#/components/responses/R"}}}}},
        "components": {
            "responses": {"R": {"description": "d", "content": {"a/b": {"schema": node}}}}
        },
    }
    resolved = connexion_hooks.resolve_refs(document)
    first = resolved["paths"]["/a"]["get"]
    walk = dict.__getitem__(resolved["paths"], "/a")._walk
    known = len(walk.made)
    assert resolved["paths"]["/a"]["get"] is first
    assert resolved["paths"]["/a"].get("get") is first
    assert len(walk.made) == known
    assert walk(first["responses"]) is first["responses"]  # a copy walked is itself


SEGMENTS = """
openapi: 3.0.0
info: {title: t, version: '1'}
paths:
  /a/x:
    get: {operationId: ax, responses: {'200': {description: x}}}
  /{p}/y:
    parameters: [{name: p, in: path, required: true, schema: {type: string}}]
    get: {operationId: py, responses: {'200': {description: y}}}
  /b/z:
    get: {operationId: bz, responses: {'200': {description: z}}}
"""


def test_connexions_routing_tries_the_routes_a_paths_first_segment_can_match(
    tmp_path: Path,
) -> None:
    """Routes grouped by their first segment (a parameter's in every group, in order), each
    group made when a path first asks for it: the same operation is routed, a method the
    path does not take is still a 405, and a path no route takes a 404."""
    from specdouble.server.connexion_hooks import SegmentRouter

    made: list[SegmentRouter] = []
    original = SegmentRouter.__init__

    def kept(self: SegmentRouter, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        made.append(self)

    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(SegmentRouter, "__init__", kept)
        spec = tmp_path / "segments.yaml"
        spec.write_text(SEGMENTS)
        server = create_app(Settings(spec=spec, direct=False, cache=None))
    (router,) = made
    assert router.group.made == {}  # nothing made before a path asks
    with server.test_client() as client:
        assert client.get("/a/x").status_code == 200
        assert client.get("/a/y").status_code == 200  # `/{p}/y`, from the `a` group
        assert client.get("/c/y").status_code == 200  # no group: the parameter's routes
        assert client.post("/b/z").status_code == 405
        assert client.get("/b/q").status_code == 404
    assert set(router.group.made) == {"a", "b", None}
    assert [route.path for route in router.group("a")] == ["/a/x", "/{p}/y"]
    assert [route.path for route in router.group("c")] == ["/{p}/y"]
    assert router.group("a")[1] is router.group("c")[0]  # a parameter's route: one object


WILD = SEGMENTS.replace("3.0.0", "3.1.0").replace("schema: {type: string}", "schema: true")
"""`SEGMENTS` in 3.1, its parameter's schema `true` (any value)."""


def test_the_direct_path_compiles_each_operation_once_whatever_groups_ask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A parameter's route is in every first-segment group: compiled for the first group a
    path asks for, and the same route in the others (a 3.1 `schema: true` path parameter
    routes as any other)."""
    from specdouble.server import direct

    compiled: list[str] = []
    original = direct.compiled_path

    def counted(template: str) -> Any:
        compiled.append(template)
        return original(template)

    monkeypatch.setattr(direct, "compiled_path", counted)
    spec = tmp_path / "wild.yaml"
    spec.write_text(WILD)
    server = create_app(Settings(spec=spec, cache=None))
    assert compiled == []  # nothing before a path asks
    with server.test_client() as client:
        for path in ("/a/x", "/a/y", "/b/y", "/b/z", "/c/y", "/a/x"):
            assert client.get(path).status_code == 200, path
    assert sorted(compiled) == ["/a/x", "/b/z", "/{p}/y"]


def test_a_path_whose_route_cannot_be_read_is_not_routed_and_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Routes are read a group at a time, when a request first needs them: one path whose
    route cannot be read answers as no route would, with a warning naming it, and every
    other path is served (it is in every group here)."""
    from specdouble.server import connexion_hooks

    original = connexion_hooks._path_routes

    def refusing(document: Any, path: str, item: Any) -> Any:
        if path == "/{p}/y":
            raise ValueError("a template Starlette refuses")
        return original(document, path, item)

    monkeypatch.setattr(connexion_hooks, "_path_routes", refusing)
    spec = tmp_path / "wild.yaml"
    spec.write_text(WILD)
    for direct_path in (True, False):
        server = create_app(Settings(spec=spec, cache=None, direct=direct_path))
        with server.test_client() as client:
            assert client.get("/a/x").status_code == 200
            assert client.get("/b/z").status_code == 200
            assert client.get("/a/y").status_code == 404
    warned = [r.getMessage() for r in caplog.records if "not routed" in r.getMessage()]
    assert warned and all("#/paths/~1{p}~1y: not routed" in line for line in warned)


def test_a_start_makes_no_operation_action_or_handler_a_request_does_not_need(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Operations (their parameters resolved), a resource's actions and Connexion's handlers
    are made when a request first needs them: a large document's start made them all (a
    quarter of Microsoft Graph's beta document's warm start). What is made is what a start
    made before: the same answers, and each of them once."""
    from specdouble.rest import actions
    from specdouble.server import handlers

    made: dict[str, list[Any]] = {"operations": [], "actions": [], "handlers": []}
    operation, action, handler = openapi._operation, actions.Actions._action, handlers.acting

    def counted_operation(*args: Any) -> Any:
        made["operations"].append(args[1:3])
        return operation(*args)

    def counted_action(table: Any, resource: Any, name: str, operation_id: str) -> Any:
        made["actions"].append(operation_id)
        return action(table, resource, name, operation_id)

    def counted_handler(answer: Any) -> Any:
        if answer.operation.operation_id not in made["handlers"]:  # Connexion's five layers
            made["handlers"].append(answer.operation.operation_id)  # each ask for it
        return handler(answer)

    settings = Settings(
        spec=DOCUMENTS / "tasks-plain.yaml", seed=2, direct=False, cache=tmp_path / "cache"
    )
    create_app(settings)  # its reading kept: finding the resources reads every operation
    monkeypatch.setattr(openapi, "_operation", counted_operation)
    monkeypatch.setattr(actions.Actions, "_action", counted_action)
    monkeypatch.setattr(handlers, "acting", counted_handler)
    server = create_app(settings)
    assert made == {"operations": [], "actions": [], "handlers": []}
    with server.test_client() as client:
        for _ in range(2):
            listed = client.get("/api/tasks", headers=ADMIN)
            first = listed.json()["items"][0]["id"]
            assert client.get(f"/api/tasks/{first}", headers=ADMIN).status_code == 200
    assert made == {
        "operations": [("/tasks", "get"), ("/tasks/{taskId}", "get")],
        "actions": ["get_tasks", "get_tasks_taskId"],
        "handlers": ["get_tasks", "get_tasks_taskId"],
    }


def test_an_operation_no_handler_serves_refuses_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """The handlers are not made at start, but each operation is known to have one: an
    operationId the resolver cannot serve refuses the start, not a request."""
    from specdouble.server import handlers

    knows = handlers.Handlers.knows
    monkeypatch.setattr(
        handlers.Handlers, "knows", lambda table, name: name != "get_tasks" and knows(table, name)
    )
    with pytest.raises(KeyError, match="get_tasks"):
        create_app(Settings(spec=DOCUMENTS / "tasks-plain.yaml", seed=2))
