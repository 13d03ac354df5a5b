"""A document's paths matched against URL paths: in the document's order, trying only the
paths a URL path's first segment can match, each group made when first asked for; and its
operations by operationId, each made when first asked for."""

from __future__ import annotations

from typing import Any

import pytest

from specdouble.document import openapi

PATHS: dict[str, Any] = {
    "/users/me": {"get": {"operationId": "me"}},
    "/{tenant}/users": {"get": {"operationId": "tenantUsers"}, "post": {}},
    "/users/{id}": {"get": {"operationId": "user"}, "delete": {"operationId": "dropUser"}},
    "/files/{name}.json": {"put": {"operationId": "putFile"}},
    "/": {"get": {"operationId": "root"}},
}
DOCUMENT = {"servers": [{"url": "https://example.com/v1"}], "paths": PATHS}


def test_the_first_path_in_the_documents_order_answers() -> None:
    find = openapi.operation_finder(DOCUMENT)
    assert find("GET", "/v1/users/me") == "me"
    assert find("GET", "/v1/users/7") == "user"
    assert find("HEAD", "/v1/users/7") == "user"  # HEAD is GET's
    assert find("DELETE", "/v1/users/me") == "dropUser"  # the first path with the method
    assert find("GET", "/v1/users/users") == "tenantUsers"  # a parameter's path, in order
    assert find("GET", "/v1/acme/users") == "tenantUsers"  # no group: the parameters' paths
    assert find("PUT", "/v1/files/a.json") == "putFile"
    assert find("GET", "/v1/") == "root"
    assert find("GET", "/users/me") is None  # outside the base path
    assert find("GET", "/v1/users/") is None
    assert openapi.operation_finder(DOCUMENT, empty_segments=True)("GET", "/v1/users/") == "user"


def test_allowed_methods_are_the_first_matching_paths() -> None:
    table = openapi.method_table(DOCUMENT)
    assert openapi.allowed_methods(table, "/v1/users/me") == ("GET", "HEAD")
    assert openapi.allowed_methods(table, "/v1/users/3") == ("GET", "DELETE", "HEAD")
    assert openapi.allowed_methods(table, "/v1/x/users") == ("GET", "POST", "HEAD")
    assert openapi.allowed_methods(table, "/v1/nothing/here") == ()


def test_a_group_is_made_when_a_url_path_first_asks_for_it() -> None:
    read: list[str] = []

    def value(item: Any) -> str:
        read.append(next(iter(item)))
        return str(sorted(item))

    table = openapi.PathTable("", PATHS, value, empty=False)
    assert read == []
    assert list(table.matching("/users/me")) == ["['get']", "['delete', 'get']"]
    assert len(read) == 3  # the `users` group: its two paths and the parameter's
    list(table.matching("/users/other"))
    assert len(read) == 3
    assert list(table.matching("/elsewhere/users")) == ["['get', 'post']"]
    assert len(read) == 4  # the parameters' group


def test_the_operation_table_makes_an_operation_when_first_asked_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """By operationId (the last operation's where two share one, at the first's place in the
    order), or by place; made once, its path's parameters merged with its own."""
    shared = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    document = {
        "components": {"parameters": {"Id": shared}},
        "paths": {
            "/a/{id}": {
                "parameters": [{"$ref": "#/components/parameters/Id"}],
                "get": {"operationId": "same"},
                "post": {"operationId": "own", "x-openapi-router-controller": "pets"},
            },
            "/b": {"get": {"operationId": "same"}},
        },
    }
    made: list[tuple[str, str]] = []
    really = openapi._operation

    def counted(document: Any, path: str, method: str, *rest: Any) -> Any:
        made.append((path, method))
        return really(document, path, method, *rest)

    monkeypatch.setattr(openapi, "_operation", counted)
    table = openapi.OperationTable(document)
    assert list(table) == ["same", "own"] and len(table) == 2 and "none" not in table
    assert table.definition("own")["x-openapi-router-controller"] == "pets"
    assert [p[:2] for p in table.definitions()] == [
        ("/a/{id}", "get"),
        ("/a/{id}", "post"),
        ("/b", "get"),
    ]
    assert made == []
    assert table["same"].path == "/b" and table["same"].parameters == ()
    assert table.at("/a/{id}", "get").parameters == (shared,)
    assert table["own"] is table.at("/a/{id}", "post")
    assert made == [("/b", "get"), ("/a/{id}", "get"), ("/a/{id}", "post")]
    with pytest.raises(KeyError):
        table["none"]
