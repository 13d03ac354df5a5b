"""What a contract run made, read from the answers it got, and where the document deletes it."""

from __future__ import annotations

import json

from specdouble.contract import cleanup

DOCUMENT = {
    "paths": {
        "/users/": {"get": {}, "post": {}},
        "/users/{id}/": {"get": {}, "delete": {}},
        "/certificatekeypairs/": {"get": {}},
        "/certificatekeypairs/generate/": {"post": {}},
        "/certificatekeypairs/{kp_uuid}/": {"delete": {}},
        "/orgs/{org}/repos": {"post": {}},
        "/orgs/{org}/repos/{repo}": {"delete": {}},
        "/reports/": {"post": {}},
    }
}
DELETIONS = cleanup.deletable(DOCUMENT)


def made(template: str, path: str, status: int, body: object, method: str = "POST") -> object:
    return cleanup.made(DELETIONS, template, path, method, status, json.dumps(body).encode())


def test_a_create_is_deleted_at_its_item_path_by_the_key_it_answered() -> None:
    assert made("/users/", "/users/", 201, {"pk": 7, "username": "x"}) == cleanup.Made(
        "POST /users/", "/users/7/"
    )
    # The path parameter's own name first; paths without a trailing slash keep none.
    assert made("/orgs/{org}/repos", "/orgs/acme/repos", 201, {"repo": "r", "id": 3}) == (
        cleanup.Made("POST /orgs/{org}/repos/", "/orgs/acme/repos/r")
    )


def test_an_action_that_makes_an_object_of_its_collection() -> None:
    found = made(
        "/certificatekeypairs/generate/", "/certificatekeypairs/generate/", 201, {"pk": "u-1"}
    )
    assert found == cleanup.Made("POST /certificatekeypairs/", "/certificatekeypairs/u-1/")
    # A 200 of an action is an answer, not a new object.
    assert made("/certificatekeypairs/generate/", "/x/generate/", 200, {"pk": "u"}) is None


def test_nothing_is_made_by_refusals_changes_or_where_nothing_deletes() -> None:
    assert made("/users/", "/users/", 400, {"username": ["required"]}) is None
    assert made("/users/{id}/", "/users/7/", 200, {"pk": 7}, method="PUT") is None
    assert made("/reports/", "/reports/", 201, {"pk": 1}) is None  # no delete documented
    assert made("/users/", "/users/", 201, ["not", "an", "object"]) is None
    assert made("/users/", "/users/", 201, {"username": "no key"}) is None
