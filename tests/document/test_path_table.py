"""A document's paths matched against URL paths: in the document's order, trying only the
paths a URL path's first segment can match, each group made when first asked for."""

from __future__ import annotations

from typing import Any

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
