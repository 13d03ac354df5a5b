"""The API through Connexion's test client: what a frontend sees, answer by answer."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from specdouble.server.app import create_app
from specdouble.settings import Settings
from tests.conftest import ADMIN, API, EXPIRED, NOACCESS, READONLY

JSON = "application/json"


def names(response: Any) -> list[str]:
    return [policy["name"] for policy in response.json()["results"]]


def by_name(policies: list[dict[str, Any]]) -> list[str]:
    return sorted(policy["name"] for policy in policies)


class EveryPage:
    """Every page of a list, joined (a page holds at most 100, as in authentik)."""

    def __init__(self, client: Any, params: dict[str, Any], headers: dict[str, str]) -> None:
        self.results: list[dict[str, Any]] = []
        page = 1
        while True:
            body = client.get(
                API, params={**params, "page_size": 100, "page": page}, headers=headers
            ).json()
            self.results += body["results"]
            self.pagination = body["pagination"]
            if not body["pagination"]["next"]:
                break
            page = body["pagination"]["next"]

    def json(self) -> dict[str, Any]:
        return {"pagination": self.pagination, "results": self.results}


def every_page(client: Any, params: dict[str, Any], headers: dict[str, str] = ADMIN) -> Any:
    return EveryPage(client, params, headers)


def create(client: Any, **fields: Any) -> dict[str, Any]:
    response = client.post(API, json={"action": "login", **fields}, headers=ADMIN)
    assert response.status_code == 201, response.text
    return response.json()


# Listing.


def test_the_first_page(client: Any, policies: list[dict[str, Any]]) -> None:
    response = client.get(API, headers=ADMIN)
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    body = response.json()
    assert body["pagination"] == {
        "next": 2,
        "previous": 0,
        "count": 150,
        "current": 1,
        "total_pages": 8,
        "start_index": 1,
        "end_index": 20,
    }
    assert body["autocomplete"] == {}
    assert names(response) == by_name(policies)[:20]


def test_the_last_page(client: Any, policies: list[dict[str, Any]]) -> None:
    response = client.get(API, params={"page": 8}, headers=ADMIN)
    assert response.json()["pagination"] == {
        "next": 0,
        "previous": 7,
        "count": 150,
        "current": 8,
        "total_pages": 8,
        "start_index": 141,
        "end_index": 150,
    }
    assert names(response) == by_name(policies)[140:]


def test_a_page_holds_at_most_100(client: Any, policies: list[dict[str, Any]]) -> None:
    response = client.get(API, params={"page_size": 1000, "page": 2}, headers=ADMIN)
    assert response.json()["pagination"]["total_pages"] == 2
    assert names(response) == by_name(policies)[100:]


def test_a_policy_as_listed(client: Any, policies: list[dict[str, Any]], bindings: Any) -> None:
    stored = policies[0]
    response = client.get(API, params={"policy_uuid": stored["pk"]}, headers=ADMIN)
    (shown,) = response.json()["results"]
    assert shown == {
        "pk": stored["pk"],
        "name": stored["name"],
        "execution_logging": stored["execution_logging"],
        "component": "ak-policy-event-matcher-form",
        "verbose_name": "Event Matcher Policy",
        "verbose_name_plural": "Event Matcher Policies",
        "meta_model_name": "authentik_policies_event_matcher.eventmatcherpolicy",
        "bound_to": sum(1 for binding in bindings if binding["policy"] == stored["pk"]),
        "action": stored["action"],
        "client_ip": stored["client_ip"],
        "app": stored["app"],
        "model": stored["model"],
        "query": stored["query"],
    }


@pytest.mark.parametrize("field", ["action", "app", "model", "client_ip", "query", "name"])
def test_each_exact_filter(client: Any, policies: list[dict[str, Any]], field: str) -> None:
    value = next(policy[field] for policy in policies if policy[field])
    response = every_page(client, {field: value})
    expected = by_name([p for p in policies if p[field] == value])
    assert names(response) == expected
    assert response.json()["pagination"]["count"] == len(expected)


@pytest.mark.parametrize("value", ["true", "false"])
def test_execution_logging_filter(client: Any, policies: list[dict[str, Any]], value: str) -> None:
    response = every_page(client, {"execution_logging": value})
    wanted = value == "true"
    assert names(response) == by_name([p for p in policies if p["execution_logging"] is wanted])


def test_filters_are_case_sensitive_and_combine_with_and(
    client: Any, policies: list[dict[str, Any]]
) -> None:
    stored = next(p for p in policies if p["action"] and p["app"])
    both = {"action": stored["action"], "app": stored["app"]}
    expected = by_name(
        [p for p in policies if p["action"] == stored["action"] and p["app"] == stored["app"]]
    )
    assert names(client.get(API, params=both, headers=ADMIN)) == expected
    upper = client.get(API, params={"name": stored["name"].upper()}, headers=ADMIN)
    assert upper.json()["pagination"]["count"] == 0
    any_app = client.get(API, params={"app": "not.an.app"}, headers=ADMIN)
    assert any_app.status_code == 200 and any_app.json()["results"] == []


def test_uuid_and_instants_match_in_any_spelling(
    client: Any, policies: list[dict[str, Any]]
) -> None:
    stored = policies[3]
    by_upper_uuid = client.get(API, params={"policy_uuid": stored["pk"].upper()}, headers=ADMIN)
    assert names(by_upper_uuid) == [stored["name"]]
    created = datetime.fromisoformat(stored["created"])
    for spelling in (stored["created"], _offset(created, hours=-3), _offset(created, hours=5)):
        response = client.get(API, params={"created": spelling}, headers=ADMIN)
        assert stored["name"] in names(response), spelling
    later = client.get(API, params={"last_updated": stored["last_updated"]}, headers=ADMIN)
    assert stored["name"] in names(later)


def _offset(moment: datetime, *, hours: int) -> str:
    return moment.astimezone(timezone(timedelta(hours=hours))).isoformat()


def test_empty_free_text_filters_are_ignored(client: Any) -> None:
    params = {"name": "", "app": "", "model": "", "client_ip": "", "query": "", "search": ""}
    response = client.get(API, params=params, headers=ADMIN)
    assert response.json()["pagination"]["count"] == 150


def test_search(client: Any, policies: list[dict[str, Any]]) -> None:
    response = every_page(client, {"search": "ALERT, failed"})
    expected = by_name(
        [p for p in policies if "alert" in p["name"].lower() and "failed" in p["name"].lower()]
    )
    assert expected and names(response) == expected


def test_ordering_by_several_fields(client: Any, policies: list[dict[str, Any]]) -> None:
    params = {"ordering": "-execution_logging,nope,name"}
    response = every_page(client, params)
    expected = [
        p["name"] for p in sorted(policies, key=lambda p: (not p["execution_logging"], p["name"]))
    ]
    assert names(response) == expected


def test_ordering_puts_nulls_first_and_last(client: Any, policies: list[dict[str, Any]]) -> None:
    """authentik's own ordering filter: nulls first ascending, last descending."""
    ascending = every_page(client, {"ordering": "action"})
    actions = [p["action"] for p in ascending.json()["results"]]
    with_action = sorted(p["action"] for p in policies if p["action"])
    assert actions == [None] * (len(policies) - len(with_action)) + with_action
    descending = every_page(client, {"ordering": "-action"})
    desc_actions = [p["action"] for p in descending.json()["results"]]
    assert desc_actions == with_action[::-1] + [None] * (len(policies) - len(with_action))


def test_pages_of_an_ordering_never_overlap(client: Any) -> None:
    seen: list[str] = []
    for page in range(1, 9):
        params = {"ordering": "execution_logging", "page_size": 20, "page": page}
        seen += [p["pk"] for p in client.get(API, params=params, headers=ADMIN).json()["results"]]
    assert len(seen) == len(set(seen)) == 150


@pytest.mark.parametrize(
    ("params", "status", "body"),
    [
        ({"policy_uuid": "abc"}, 400, {"policy_uuid": ["Enter a valid UUID."]}),
        ({"created": "yesterday"}, 400, {"created": ["Enter a valid date/time."]}),
        ({"last_updated": ""}, 400, {"last_updated": ["Enter a valid date/time."]}),
        ({"execution_logging": "yes"}, 400, {"execution_logging": ["Must be a valid boolean."]}),
        (
            {"action": "nope"},
            400,
            {"action": ["Select a valid choice. nope is not one of the available choices."]},
        ),
        ({"page": "abc"}, 400, {"page": ["A valid integer is required."]}),
        ({"page_size": "1.5"}, 400, {"page_size": ["A valid integer is required."]}),
        ({"page": 0}, 404, {"detail": "Invalid page."}),
        ({"page": 9}, 404, {"detail": "Invalid page."}),
        ({"page": 3, "page_size": 150}, 404, {"detail": "Invalid page."}),  # 100 a page
        ({"page": 10**20}, 404, {"detail": "Invalid page."}),
        ({"search": "a\x00b"}, 400, ["Null characters are not allowed."]),
        ({"name": "a\x00b"}, 400, {"name": ["Null characters are not allowed."]}),
    ],
)
def test_bad_list_parameters(
    strict_client: Any, params: dict[str, Any], status: int, body: Any
) -> None:
    client = strict_client  # the document's 400s (`--leniency document`)
    response = client.get(API, params=params, headers=ADMIN)
    assert (response.status_code, response.json()) == (status, body)
    assert response.headers["content-type"] == JSON


def test_page_size_below_one_means_the_default(client: Any) -> None:
    response = client.get(API, params={"page_size": 0}, headers=ADMIN)
    assert len(response.json()["results"]) == 20


def test_an_empty_result_is_page_one_of_one(client: Any) -> None:
    response = client.get(API, params={"name": "no such policy"}, headers=ADMIN)
    assert response.json()["pagination"] == {
        "next": 0,
        "previous": 0,
        "count": 0,
        "current": 1,
        "total_pages": 1,
        "start_index": 0,
        "end_index": 0,
    }


# Authentication and permissions.


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "Authentication credentials were not provided."),
        ({"Authorization": "Bearer"}, "Authentication credentials were not provided."),
        ({"Authorization": "Basic YTpi"}, "Authentication credentials were not provided."),
        ({"Authorization": "Token abc"}, "Authentication credentials were not provided."),
        ({"Authorization": "Bearer wrong"}, "Token invalid/expired"),
        (EXPIRED, "Token invalid/expired"),
    ],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", API), ("POST", API), ("DELETE", API + "19d45deb-1139-4a12-b4c1-c3ea3d9c4e64/")],
)
def test_authentication_failures_are_403(
    client: Any, headers: dict[str, str], message: str, method: str, path: str
) -> None:
    if path != API and message == "Authentication credentials were not provided.":
        # authentik checks object permissions first on a detail route (measured).
        message = "You do not have permission to perform this action."
    response = client.request(method, path, headers=headers, json={"name": ""})
    assert (response.status_code, response.json()) == (403, {"detail": message})
    assert response.headers["content-type"] == JSON


def test_a_read_only_token_reads_everything_and_writes_nothing(
    client: Any, policies: list[dict[str, Any]]
) -> None:
    listed = client.get(API, headers=READONLY)
    assert listed.json()["pagination"]["count"] == 150
    pk = policies[0]["pk"]
    assert client.get(f"{API}{pk}/", headers=READONLY).status_code == 200
    denied = {"detail": "You do not have permission to perform this action."}
    for method, path in [
        ("POST", API),
        ("PUT", f"{API}{pk}/"),
        ("PATCH", f"{API}{pk}/"),
        ("DELETE", f"{API}{pk}/"),
    ]:
        # Permissions come before validation, as in DRF: even an invalid body gets 403.
        response = client.request(method, path, headers=READONLY, json={"name": ""})
        assert (response.status_code, response.json()) == (403, denied), method
    assert client.get(f"{API}{pk}/", headers=ADMIN).json()["name"] == policies[0]["name"]


def test_a_token_without_permissions_is_refused_as_by_drf(
    client: Any, policies: list[dict[str, Any]]
) -> None:
    """As a real authentik answers a user without the model's permissions (recorded in
    `tests/differential/whole_api.json`): 403 for the list and for an object."""
    refused = {"detail": "You do not have permission to perform this action."}
    listed = client.get(API, headers=NOACCESS)
    assert (listed.status_code, listed.json()) == (403, refused)
    pk = policies[0]["pk"]
    one = client.get(f"{API}{pk}/", headers=NOACCESS)
    assert (one.status_code, one.json()) == (403, refused)
    assert (
        client.post(API, headers=NOACCESS, json={"name": "x", "action": "login"}).status_code == 403
    )


# Writing.


def test_a_created_policy_shows_up_everywhere(client: Any) -> None:
    created = create(client, name="  Alert on admin logins  ", client_ip="10.1.2.3")
    assert created["name"] == "Alert on admin logins"
    assert created["execution_logging"] is False
    assert (created["app"], created["model"], created["query"]) == (None, None, None)
    assert created["bound_to"] == 0
    retrieved = client.get(f"{API}{created['pk']}/", headers=ADMIN)
    assert retrieved.json() == created
    listed = client.get(API, params={"search": "admin logins"}, headers=ADMIN)
    assert created in listed.json()["results"]
    assert client.get(API, headers=ADMIN).json()["pagination"]["count"] == 151


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"action": "login"}, {"name": ["This field is required."]}),
        ({"name": "   ", "action": "login"}, {"name": ["This field may not be blank."]}),
        ({"name": "x", "app": "nope"}, {"app": ['"nope" is not a valid choice.']}),
        ({"name": "x", "action": "nope"}, {"action": ['"nope" is not a valid choice.']}),
        ({"name": 1, "action": "login"}, {"name": ["Not a valid string."]}),
        (
            {"name": "x", "action": "login", "execution_logging": "yes"},
            {"execution_logging": ["Must be a valid boolean."]},
        ),
        (
            [{"name": "x"}],
            {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]},
        ),
    ],
)
def test_invalid_creates(strict_client: Any, body: Any, expected: dict[str, Any]) -> None:
    client = strict_client  # the document's types (`--leniency document`)
    response = client.post(API, json=body, headers=ADMIN)
    assert (response.status_code, response.json()) == (400, expected)
    assert response.headers["content-type"] == JSON
    assert client.get(API, headers=ADMIN).json()["pagination"]["count"] == 150


def test_names_are_unique(client: Any, policies: list[dict[str, Any]]) -> None:
    taken = policies[5]["name"]
    response = client.post(API, json={"name": f" {taken} ", "action": "login"}, headers=ADMIN)
    assert (response.status_code, response.json()) == (
        400,
        {"name": ["Policy with this name already exists."]},
    )


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Matches everything"},
        {
            "name": "Matches everything",
            "action": None,
            "client_ip": None,
            "app": None,
            "model": None,
            "query": None,
        },
    ],
    ids=["no-criterion", "all-null"],
)
def test_a_policy_without_criteria_is_created(client: Any, body: dict[str, Any]) -> None:
    """authentik's "At least one criteria" rule compares with "", so nulls pass it (measured:
    201); a real 2026.8 server crashes (405, empty body) when a criterion key is left out."""
    response = client.post(API, json=body, headers=ADMIN)
    assert response.status_code == 201
    assert {k: response.json()[k] for k in ("action", "client_ip", "app", "model", "query")} == (
        dict.fromkeys(("action", "client_ip", "app", "model", "query"))
    )


def test_a_body_that_is_not_json(client: Any) -> None:
    response = client.post(API, content=b"{oops", headers={**ADMIN, "Content-Type": JSON})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error - ")
    assert response.headers["content-type"] == JSON


def test_a_body_of_another_media_type(client: Any) -> None:
    response = client.post(API, content=b"name=x", headers={**ADMIN, "Content-Type": "text/plain"})
    assert (response.status_code, response.json()) == (
        415,
        {"detail": 'Unsupported media type "text/plain" in request.'},
    )


def test_put_keeps_what_it_leaves_out_and_patch_changes_only_what_it_gives(client: Any) -> None:
    created = create(client, name="Original", client_ip="10.0.0.9", execution_logging=True)
    url = f"{API}{created['pk']}/"
    put = client.put(url, json={"name": "Renamed", "app": "authentik.core"}, headers=ADMIN)
    assert put.status_code == 200
    assert {
        k: put.json()[k] for k in ("name", "app", "action", "client_ip", "execution_logging")
    } == {
        "name": "Renamed",
        "app": "authentik.core",
        "action": "login",
        "client_ip": "10.0.0.9",
        "execution_logging": True,
    }
    patched = client.patch(url, json={"action": None, "execution_logging": False}, headers=ADMIN)
    assert patched.status_code == 200
    assert patched.json() == {**put.json(), "action": None, "execution_logging": False}
    assert client.get(url, headers=ADMIN).json() == patched.json()


def test_updates_follow_the_rules(client: Any, policies: list[dict[str, Any]]) -> None:
    created = create(client, name="Only an action")
    url = f"{API}{created['pk']}/"
    no_criteria = client.patch(url, json={"action": None}, headers=ADMIN)
    assert (no_criteria.status_code, no_criteria.json()["action"]) == (200, None)
    client.patch(url, json={"action": "login"}, headers=ADMIN)
    put_without_name = client.put(url, json={"action": "logout"}, headers=ADMIN)
    assert put_without_name.json() == {"name": ["This field is required."]}
    clash = client.patch(url, json={"name": policies[0]["name"]}, headers=ADMIN)
    assert clash.json() == {"name": ["Policy with this name already exists."]}
    same_name = client.put(url, json={"name": "Only an action"}, headers=ADMIN)
    assert same_name.status_code == 200
    assert client.get(url, headers=ADMIN).json() == created


def test_delete_removes_the_policy_and_its_bindings(client: Any, bindings: Any) -> None:
    bound_pk = bindings[0]["policy"]
    url = f"{API}{bound_pk}/"
    assert client.get(f"{url}used_by/", headers=ADMIN).json() != []
    response = client.delete(url, headers=ADMIN)
    assert (response.status_code, response.content) == (204, b"")
    for path in (url, f"{url}used_by/"):
        gone = client.get(path, headers=ADMIN)
        assert (gone.status_code, gone.json()) == (
            404,
            {"detail": "No EventMatcherPolicy matches the given query."},
        )
    assert client.delete(url, headers=ADMIN).status_code == 404
    assert client.get(API, headers=ADMIN).json()["pagination"]["count"] == 149


def test_used_by_lists_the_bindings_and_matches_bound_to(client: Any, bindings: Any) -> None:
    listed = every_page(client, {}).json()["results"]
    for policy in listed:
        used_by = client.get(f"{API}{policy['pk']}/used_by/", headers=ADMIN).json()
        assert len(used_by) == policy["bound_to"]
        expected = {b["pk"]: b["name"] for b in bindings if b["policy"] == policy["pk"]}
        assert {entry["pk"]: entry["name"] for entry in used_by} == expected
        for entry in used_by:
            assert (entry["app"], entry["model_name"], entry["action"]) == (
                "authentik_policies",
                "policybinding",
                "cascade",
            )
    assert any(policy["bound_to"] > 0 for policy in listed)


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
def test_unknown_and_malformed_ids(client: Any, method: str) -> None:
    body = {"name": "x", "action": "login"}
    unknown = client.request(
        method, f"{API}00000000-0000-4000-8000-000000000000/", headers=ADMIN, json=body
    )
    assert (unknown.status_code, unknown.json()) == (
        404,
        {"detail": "No EventMatcherPolicy matches the given query."},
    )
    malformed = client.request(method, f"{API}not-a-uuid/", headers=ADMIN, json=body)
    assert (malformed.status_code, malformed.json()) == (404, {"detail": "Not found."})


# The edges of the API.


def test_undocumented_methods_and_paths(client: Any) -> None:
    response = client.delete(API, headers=ADMIN)
    assert (response.status_code, response.json()) == (
        405,
        {"detail": 'Method "DELETE" not allowed.'},
    )
    assert response.headers["allow"] == "GET, POST, HEAD, OPTIONS"  # DRF's order
    missing = client.get("/api/v3/policies/nothing/", headers=ADMIN)
    assert (missing.status_code, missing.json()) == (404, {"detail": "Not found."})


def test_cors_for_browser_clients(client: Any) -> None:
    origin = {"Origin": "http://localhost:5173"}
    preflight = client.options(
        API,
        headers={
            **origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    simple = client.get(API, headers={**origin, **ADMIN})
    assert simple.headers["access-control-allow-origin"] == "*"
    denied = client.get(API, headers=origin)
    assert denied.headers["access-control-allow-origin"] == "*"


def test_cors_origins_can_be_restricted() -> None:
    app = create_app(Settings(cors_origins=("http://app.example",)))
    with app.test_client() as client:
        allowed = client.get(API, headers={"Origin": "http://app.example", **ADMIN})
        other = client.get(API, headers={"Origin": "http://evil.example", **ADMIN})
    assert allowed.headers["access-control-allow-origin"] == "http://app.example"
    assert "access-control-allow-origin" not in other.headers


def test_reset_returns_to_the_fixtures(
    client: Any, policies: list[dict[str, Any]], bindings: list[dict[str, Any]]
) -> None:
    create(client, name="Temporary")
    client.delete(f"{API}{policies[0]['pk']}/", headers=ADMIN)
    response = client.post("/_mock/reset", headers=ADMIN)
    assert response.json() == {
        "reset": True,
        "counts": {"policies_bindings": len(bindings), "policies_event_matcher": 150},
    }
    listed = every_page(client, {}).json()["results"]
    assert sorted(p["pk"] for p in listed) == sorted(p["pk"] for p in policies)


def test_swagger_ui_and_the_document_are_served(client: Any) -> None:
    ui = client.get("/api/v3/ui/")
    assert ui.status_code == 200 and "swagger" in ui.text.lower()
    served = client.get("/api/v3/openapi.json").json()
    assert "/policies/event_matcher/" in served["paths"]


def test_same_seed_same_answers_across_instances() -> None:
    answers = []
    for _ in range(2):
        with create_app(Settings(seed=9, count=30)).test_client() as client:
            made = client.post(API, json={"name": "Made", "action": "login"}, headers=ADMIN)
            listed = client.get(API, params={"ordering": "-name"}, headers=ADMIN)
            answers.append((made.json(), listed.json()))
    assert answers[0] == answers[1]
    # 30 generated, the five of a fresh install's `events-default` blueprint, the one made.
    assert answers[0][1]["pagination"]["count"] == 36


def test_a_repeated_query_sees_every_write(client: Any) -> None:
    params = {"search": "zebra", "ordering": "-name"}
    assert client.get(API, params=params, headers=ADMIN).json()["pagination"]["count"] == 0
    created = create(client, name="Zebra crossing alerts")
    assert names(client.get(API, params=params, headers=ADMIN)) == ["Zebra crossing alerts"]
    client.patch(f"{API}{created['pk']}/", json={"name": "Zebra alerts"}, headers=ADMIN)
    assert names(client.get(API, params=params, headers=ADMIN)) == ["Zebra alerts"]
    client.delete(f"{API}{created['pk']}/", headers=ADMIN)
    assert client.get(API, params=params, headers=ADMIN).json()["results"] == []


def test_authentiks_documents_read_query_values_as_authentik_does(client: Any) -> None:
    """The default for authentik's documents: what authentik's filters let pass, the mock lets
    pass (a UI built against it then works against production); `--leniency document` keeps
    the document's 400s."""
    listed = client.get(API, params={"page_size": "abc", "last_updated": ""}, headers=ADMIN)
    assert listed.status_code == 200 and len(listed.json()["results"]) == 20
    assert client.get(API, params={"action": ""}, headers=ADMIN).status_code == 200
    assert client.get(API, params={"page": "abc"}, headers=ADMIN).status_code == 404


def test_bodies_are_read_as_drf_reads_them_by_default(client: Any) -> None:
    """authentik's serializers take what DRF's fields read (as the interface sends it: ids as
    strings, booleans from checkboxes as "on"); `--leniency document` holds to the types."""
    made = client.post(
        API, json={"name": 1, "action": "login", "execution_logging": "yes"}, headers=ADMIN
    )
    assert made.status_code == 201, made.text
    assert (made.json()["name"], made.json()["execution_logging"]) == ("1", True)
    refused = client.post(API, json={"name": "x", "execution_logging": "maybe"}, headers=ADMIN)
    assert refused.json() == {"execution_logging": ["Must be a valid boolean."]}
