"""authentik's whole published API (from the npm package @goauthentik/api) as a living mock."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import httpx
import pytest

from specdouble.data.synth import Synth
from specdouble.document import openapi
from specdouble.rest import inference
from specdouble.server.app import create_app
from specdouble.settings import Settings
from tests import authentik_package
from tests.conftest import ADMIN, ROOT, LiveServer

SAMPLE_TAGS = ("core", "policies", "providers", "sources", "stages", "events", "rbac")


@pytest.fixture(scope="module")
def whole_api() -> Iterator[LiveServer]:
    authentik_package.install()
    server = LiveServer("--spec", str(authentik_package.SCHEMA))
    try:
        yield server
    finally:
        server.stop()


def get(server: LiveServer, path: str, **params: Any) -> Any:
    response = httpx.get(f"{server.url}{path}", params=params, headers=ADMIN, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def every(server: LiveServer, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every page's results (a page holds at most 100, as in authentik)."""
    results: list[dict[str, Any]] = []
    page = 1
    while page:
        body = get(server, path, **params, page_size=100, page=page)
        results += body["results"]
        page = body["pagination"]["next"]
    return results


@pytest.mark.live
@pytest.mark.parametrize(
    ("collection", "body", "key"),
    [
        ("/core/groups/", {"name": "Release managers"}, "pk"),
        ("/core/applications/", {"name": "Grafana", "slug": "grafana-ops"}, "slug"),
        ("/policies/event_matcher/", {"name": "QA: logins of test users", "action": "login"}, "pk"),
        ("/core/users/", {"username": "jdoe", "name": "Jane Doe"}, "pk"),
    ],
)
def test_a_create_shows_up_and_a_delete_makes_it_404(
    whole_api: LiveServer, collection: str, body: dict[str, Any], key: str
) -> None:
    whole_api.reset()
    before = get(whole_api, collection)["pagination"]["count"]
    made = httpx.post(f"{whole_api.url}{collection}", json=body, headers=ADMIN, timeout=10)
    assert made.status_code == 201, made.text
    created = made.json()
    assert {k: created[k] for k in body} == body
    assert get(whole_api, collection)["pagination"]["count"] == before + 1
    assert created[key] in [item[key] for item in every(whole_api, collection)]
    item = f"{whole_api.url}{collection}{created[key]}/"
    assert httpx.get(item, headers=ADMIN).json() == created
    assert httpx.delete(item, headers=ADMIN).status_code == 204
    assert httpx.get(item, headers=ADMIN).status_code == 404


@pytest.mark.live
def test_references_point_at_objects_that_exist(whole_api: LiveServer) -> None:
    whole_api.reset()
    providers = {p["pk"] for p in every(whole_api, "/providers/all/")}
    applications = every(whole_api, "/core/applications/")
    assert applications and any(a["provider"] is not None for a in applications)
    assert {a["provider"] for a in applications} - {None} <= providers
    groups = {g["pk"] for g in every(whole_api, "/core/groups/")}
    users = every(whole_api, "/core/users/")
    assert set().union(*(set(u["groups"]) for u in users)) <= groups
    policies = {p["pk"] for p in every(whole_api, "/policies/event_matcher/")}
    bindings = every(whole_api, "/policies/bindings/")
    assert bindings and {b["policy"] for b in bindings} <= policies


@pytest.mark.live
def test_filters_search_and_pages_on_any_resource(whole_api: LiveServer) -> None:
    whole_api.reset()
    users = every(whole_api, "/core/users/")
    active = every(whole_api, "/core/users/", is_active="true")
    assert [u["pk"] for u in active] == [u["pk"] for u in users if u["is_active"]]
    name = users[0]["username"]
    searched = get(whole_api, "/core/users/", search=name.upper())["results"]
    assert name in [u["username"] for u in searched]
    page = get(whole_api, "/core/users/", page_size=2, page=2)
    assert page["pagination"]["previous"] == 1 and len(page["results"]) == 2


@pytest.mark.live
def test_schemathesis_finds_no_violation_over_a_broad_sample() -> None:
    # The document's own strictness, the contract tester's: Schemathesis holds answers to its
    # formats, which the real server (and the default leniency) does not keep (a blank email).
    authentik_package.install()
    whole_api = LiveServer("--spec", str(authentik_package.SCHEMA), "--leniency", "document")
    try:
        _run_schemathesis(whole_api)
    finally:
        whole_api.stop()


def _run_schemathesis(whole_api: LiveServer) -> None:
    tags = [argument for tag in SAMPLE_TAGS for argument in ("--include-tag", tag)]
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{whole_api.url}/openapi.json",
        "--header",
        "Authorization: Bearer ak-mock-admin",
        "--phases",
        "fuzzing",
        "--max-examples",
        "2",
        "--seed",
        "11",
        "--workers",
        "2",
        "--checks",
        "not_a_server_error,status_code_conformance,content_type_conformance,"
        "response_schema_conformance",
        *tags,
    ]
    completed = subprocess.run(
        command, cwd=ROOT / "tests", capture_output=True, text=True, timeout=600
    )
    assert completed.returncode == 0, completed.stdout[-6000:]
    assert "Tested: " in completed.stdout


def test_every_resource_creates_lists_and_deletes() -> None:
    """For every resource of the whole document with create and delete: a body generated from
    its request schema is created, shows up in the list, reads back, and is gone after delete."""
    authentik_package.install()
    document = openapi.load(authentik_package.SCHEMA)
    operations = {operation.operation_id: operation for operation in openapi.operations(document)}
    synth = Synth(document, 3)
    checked = 0
    with create_app(Settings(spec=authentik_package.SCHEMA)).test_client() as client:
        for resource in inference.infer(document):
            prefix = resource.spec.collection
            if f"{prefix}_create" not in operations or f"{prefix}_destroy" not in operations:
                continue
            collection = f"/api/v3{resource.collection_path}"
            before = client.get(collection, headers=ADMIN).json()["pagination"]["count"]
            body = synth.value(
                openapi.json_body_schema(document, operations[f"{prefix}_create"]), reading=False
            )
            made = client.post(collection, json=body, headers=ADMIN)
            if made.status_code == 400:  # references to objects that do not exist, as DRF says
                shown = client.get(collection, headers=ADMIN).json()["results"]
                body = authentik_package.with_existing_references(
                    made.json(), body, shown[0] if shown else None
                )
                made = client.post(collection, json=body, headers=ADMIN)
            if made.status_code == 400 and all(
                "already exists" in str(m) for m in made.json().values()
            ):  # the existing object's one-to-one relation (an application's provider) is taken
                body = {k: v for k, v in body.items() if k not in made.json()}
                made = client.post(collection, json=body, headers=ADMIN)
            assert made.status_code in (200, 201), (prefix, made.text)
            after = client.get(collection, headers=ADMIN).json()["pagination"]["count"]
            assert after == before + 1, prefix
            key = made.json().get(resource.spec.key)
            if key is None:  # answers another schema (AgentCreated): counted above
                continue
            item = f"/api/v3{resource.item_path}".replace(f"{{{resource.lookup}}}", str(key))
            # A write's answer may show a relation as its family's base row (a binding's
            # `stage_obj`, set from a base lookup), which a read shows as its own type.
            kept = [k for k, v in made.json().items() if not _is_base_row(v)]
            read = client.get(item, headers=ADMIN).json()
            assert {k: read[k] for k in kept} == {k: made.json()[k] for k in kept}, prefix
            assert client.delete(item, headers=ADMIN).status_code == 204, prefix
            assert client.get(item, headers=ADMIN).status_code == 404, prefix
            checked += 1
    assert checked > 120


def _is_base_row(value: Any) -> bool:
    return isinstance(value, dict) and value.get("component") == "" and "meta_model_name" in value


@pytest.mark.live
def test_a_binding_made_through_the_api_counts_in_bound_to_and_used_by(
    whole_api: LiveServer,
) -> None:
    whole_api.reset()
    policy = get(whole_api, "/policies/event_matcher/", page_size=1)["results"][0]
    body = {"policy": policy["pk"], "target": "0b3a2f6c-3f4e-4b8e-9a35-2f6b8d1c7e10", "order": 7}
    made = httpx.post(f"{whole_api.url}/policies/bindings/", json=body, headers=ADMIN)
    assert made.status_code == 201, made.text
    again = get(whole_api, f"/policies/event_matcher/{policy['pk']}/")
    assert again["bound_to"] == policy["bound_to"] + 1
    used_by = get(whole_api, f"/policies/event_matcher/{policy['pk']}/used_by/")
    entry = next(e for e in used_by if e["pk"] == made.json()["pk"])
    assert entry["name"] == f"Binding from {body['target']} #7 to Policy {policy['name']}"


@pytest.mark.live
def test_lookups_offer_what_the_api_accepts(whole_api: LiveServer) -> None:
    """The Event Matcher form's dropdowns come from these lookups: they list the document's
    enums exactly, and a policy made of their choices is accepted."""
    document = openapi.load(authentik_package.SCHEMA)
    apps = get(whole_api, "/admin/apps/")
    assert [app["name"] for app in apps] == sorted(openapi.enum_values(document, "AppEnum"))
    assert {"name": "authentik.core", "label": "authentik Core"} in apps
    models = get(whole_api, "/admin/models/")
    assert [model["name"] for model in models] == openapi.enum_values(document, "ModelEnum")
    actions = get(whole_api, "/events/events/actions/")
    assert [a["component"] for a in actions] == openapi.enum_values(document, "EventActions")
    assert {
        "name": "Login Failed",
        "description": "",
        "component": "login_failed",
        "model_name": "",
    } in actions
    for app, model, action in zip(apps[:5], models[:5], actions[:5], strict=True):
        body = {
            "name": f"From the lookups: {app['name']}",
            "app": app["name"],
            "model": model["name"],
            "action": action["component"],
        }
        made = httpx.post(f"{whole_api.url}/policies/event_matcher/", json=body, headers=ADMIN)
        assert made.status_code == 201, made.text


@pytest.mark.live
def test_a_write_never_invents_data(whole_api: LiveServer) -> None:
    """A created object holds what was sent, its model's defaults (authentik's sources) and
    what the state says (the objects its references name, the caller), never generated
    values; a reference to nothing is DRF's 400."""
    whole_api.reset()

    def post(path: str, body: dict[str, Any]) -> httpx.Response:
        return httpx.post(f"{whole_api.url}{path}", json=body, headers=ADMIN, timeout=10)

    user = post("/core/users/", {"username": "diff-alice", "name": "Alice", "path": "users"})
    assert user.status_code == 201, user.text
    made = user.json()
    assert (made["roles"], made["groups"], made["groups_obj"], made["roles_obj"]) == (
        [],
        [],
        [],
        [],
    )
    assert (made["is_superuser"], made["is_active"], made["attributes"]) == (False, True, {})
    assert (made["type"], made["last_login"]) == ("internal", None)
    # authentik starts `email` blank (Django's "" for a text field without a default), which
    # its document's `format: email` forbids: kept, as the real server's leniency is the
    # default (`--leniency document` holds the answers to the format).
    assert made["email"] == ""
    assert made["date_joined"] == made["password_change_date"]  # the instant of the write
    group = post("/core/groups/", {"name": "eng", "users": [made["pk"]], "roles": []}).json()
    assert [member["username"] for member in group["users_obj"]] == ["diff-alice"]
    assert (group["is_superuser"], group["parents"], group["attributes"]) == (False, [], {})
    token = post("/core/tokens/", {"identifier": "diff-token"}).json()
    assert token["user_obj"]["username"] == "akadmin"  # the caller, as DRF's CurrentUserDefault
    assert token["intent"] == "api"  # its serializer's default, over the model's
    assert group["inherited_roles_obj"] is None  # as authentik: not asked for
    application = post("/core/applications/", {"name": "Wiki", "slug": "wiki"}).json()
    assert (application["provider"], application["provider_obj"]) == (None, None)
    assert application["policy_engine_mode"] == "any"  # the model's default, not the first
    missing = post("/core/groups/", {"name": "ops", "users": [987654]})
    assert missing.status_code == 400
    assert missing.json() == {"users": ['Invalid pk "987654" - object does not exist.']}
    again = get(whole_api, f"/core/users/{made['pk']}/")
    # It reads back as it was answered, but for the group that named it since: one relation
    # seen from both ends (the group's `users`, the user's `groups`).
    assert again["groups"] == [group["pk"]]
    assert [shown["name"] for shown in again["groups_obj"]] == ["eng"]
    assert {**again, "groups": [], "groups_obj": []} == made


@pytest.mark.live
def test_the_settings_are_a_default_installs_and_keep_a_change(whole_api: LiveServer) -> None:
    whole_api.reset()
    url = f"{whole_api.url}/admin/settings/"
    shown = httpx.get(url, headers=ADMIN).json()
    assert shown["avatars"] == "gravatar,initials" and shown["footer_links"] == []
    assert shown["flags"]["core_default_app_access"] is True
    assert (shown["default_token_length"], shown["pagination_default_page_size"]) == (60, 20)
    # A new install's tenant row keeps what the migration that added the field gave it.
    assert shown["default_token_duration"] == "minutes=30"
    # ... which a token made without an expiry reads (measured: 30 minutes on a real install).
    before = datetime.now(UTC)
    token = httpx.post(
        f"{whole_api.url}/core/tokens/", json={"identifier": "soon-gone"}, headers=ADMIN
    ).json()
    expires = datetime.fromisoformat(token["expires"].replace("Z", "+00:00"))
    assert timedelta(minutes=29) < expires - before < timedelta(minutes=31)
    whole_api.reset()
    shown = httpx.get(url, headers=ADMIN).json()
    links = [{"name": "Docs", "href": "https://docs.example"}]
    changed = httpx.patch(url, json={"footer_links": links}, headers=ADMIN)
    assert changed.status_code == 200 and changed.json()["footer_links"] == links
    assert httpx.get(url, headers=ADMIN).json() == {**shown, "footer_links": links}
    readonly = {"Authorization": "Bearer ak-mock-readonly"}
    assert httpx.patch(url, json={"avatars": "none"}, headers=readonly).status_code == 403
    whole_api.reset()
    assert httpx.get(url, headers=ADMIN).json() == shown


@pytest.mark.live
def test_every_write_is_in_the_event_log_as_authentik_audits_it(whole_api: LiveServer) -> None:
    whole_api.reset()
    users = f"{whole_api.url}/core/users/"
    made = httpx.post(users, json={"username": "bob", "name": "Bob"}, headers=ADMIN).json()
    httpx.patch(f"{users}{made['pk']}/", json={"name": "Bobby"}, headers=ADMIN)
    httpx.delete(f"{users}{made['pk']}/", headers=ADMIN)
    model = {
        "context_model_pk": made["pk"],
        "context_model_app": "authentik_core",
        "context_model_name": "user",
    }
    changelog = get(whole_api, "/events/events/", ordering="created", **model)["results"]
    # authentik's UserSerializer.create saves a new user again (an unusable password).
    assert [(e["action"], e["context"]["model"]["name"]) for e in changelog] == [
        ("model_created", "Bob"),
        ("model_updated", "Bob"),
        ("model_updated", "Bobby"),
        ("model_deleted", "Bobby"),
    ]
    assert {e["user"]["username"] for e in changelog} == {"akadmin"}
    assert changelog[0]["context"]["model"]["model_name"] == "user"
    assert {e["app"] for e in changelog} == {"authentik.events.middleware"}
    # Each event keeps the request that made it, secret-looking query values hidden.
    assert [e["context"]["http_request"]["method"] for e in changelog] == [
        "POST",
        "POST",
        "PATCH",
        "DELETE",
    ]
    assert changelog[2]["context"]["http_request"]["path"] == f"/api/v3/core/users/{made['pk']}/"
    assert {e["client_ip"] for e in changelog} == {"127.0.0.1"}
    other = {**model, "context_model_name": "group"}
    assert get(whole_api, "/events/events/", **other)["pagination"]["count"] == 0


@pytest.mark.live
def test_what_authentiks_signals_audit_beside_a_write(whole_api: LiveServer) -> None:
    """A user's or group's relations audited as they change, a multi-table delete audited
    per table, a save a serializer makes again, a model's UUID key kept without dashes."""
    whole_api.reset()
    groups = get(whole_api, "/core/groups/", page_size=2)["results"]
    made = httpx.post(
        f"{whole_api.url}/core/users/?token=abc",
        json={"username": "carol", "name": "Carol", "groups": [groups[0]["pk"]]},
        headers=ADMIN,
    ).json()
    item = f"{whole_api.url}/core/users/{made['pk']}/"
    httpx.patch(item, json={"groups": [groups[0]["pk"]]}, headers=ADMIN)  # no change: no event
    httpx.patch(item, json={"groups": [groups[1]["pk"]]}, headers=ADMIN)  # one out, one in
    about = {"context_model_pk": made["pk"], "context_model_name": "user", "ordering": "created"}
    changelog = get(whole_api, "/events/events/", **about)["results"]
    assert [(e["action"], e["context"]["http_request"]["method"]) for e in changelog] == [
        ("model_created", "POST"),
        ("model_updated", "POST"),  # the groups it was made with
        ("model_updated", "POST"),  # saved again
        ("model_updated", "PATCH"),
        ("model_updated", "PATCH"),
        ("model_updated", "PATCH"),  # a member removed
        ("model_updated", "PATCH"),  # a member added
    ]
    assert changelog[0]["context"]["http_request"]["args"] == {"token": "********************"}
    flow = get(whole_api, "/flows/instances/", page_size=1)["results"][0]["pk"]
    proxy = httpx.post(
        f"{whole_api.url}/providers/proxy/",
        json={
            "name": "audited-proxy",
            "authorization_flow": flow,
            "invalidation_flow": flow,
            "external_host": "https://proxy.example",
            "mode": "forward_single",
        },
        headers=ADMIN,
    ).json()
    httpx.delete(f"{whole_api.url}/providers/proxy/{proxy['pk']}/", headers=ADMIN)
    audited = get(whole_api, "/events/events/", context_model_pk=proxy["pk"], ordering="created")
    assert [(e["action"], e["context"]["model"]["model_name"]) for e in audited["results"]] == [
        ("model_created", "proxyprovider"),
        ("model_updated", "proxyprovider"),  # set_oauth_defaults, saved again
        ("model_deleted", "proxyprovider"),
        ("model_deleted", "oauth2provider"),  # its OAuth2 provider's row, not its base row
    ]
    brand = get(whole_api, "/core/brands/", page_size=1)["results"][0]
    httpx.patch(f"{whole_api.url}/core/brands/{brand['brand_uuid']}/", json={}, headers=ADMIN)
    hex_key = brand["brand_uuid"].replace("-", "")
    for asked in (brand["brand_uuid"], hex_key):
        found = get(whole_api, "/events/events/", context_model_pk=asked)["results"]
        assert [e["context"]["model"]["pk"] for e in found] == [hex_key]


@pytest.mark.live
def test_what_a_list_shows_of_other_objects_reads_back(whole_api: LiveServer) -> None:
    """An object shown inside another (an invitation's `created_by`, a rule's
    `destination_group_obj`, a stage's `flow_set`) is an object its resource has: the page
    the interface links it to opens."""
    whole_api.reset()
    for path, shown, item, params in [
        ("/stages/invitation/invitations/", "created_by", "/core/users/{}/", {}),
        ("/events/rules/", "destination_group_obj", "/core/groups/{}/", {}),
        ("/stages/all/", "flow_set", "/flows/instances/{}/", {"search": "default-"}),
    ]:
        checked = 0
        for record in get(whole_api, path, page_size=10, **params)["results"]:
            value = record.get(shown)
            for each in value if isinstance(value, list) else [value] if value else []:
                key = each.get("slug") if "flow" in shown else each["pk"]
                assert get(whole_api, item.format(key)), (path, shown, key)
                checked += 1
        assert checked, (path, shown)
    for rule in get(whole_api, "/events/rules/")["results"]:
        if rule["destination_group"] is not None:
            assert rule["destination_group_obj"]["pk"] == rule["destination_group"]
    # A stage's flows are those its bindings name, as the bindings change.
    stages = {stage["pk"]: stage for stage in every(whole_api, "/stages/all/")}
    for binding in every(whole_api, "/flows/bindings/"):
        assert binding["target"] in [f["pk"] for f in stages[binding["stage"]]["flow_set"]]
    lonely = httpx.post(
        f"{whole_api.url}/stages/dummy/", json={"name": "lonely"}, headers=ADMIN
    ).json()
    assert lonely["flow_set"] == []
    flow = get(whole_api, "/flows/instances/", slug="default-authentication-flow")["results"][0]
    bound = {"target": flow["pk"], "stage": lonely["pk"], "order": 40}
    made = httpx.post(f"{whole_api.url}/flows/bindings/", json=bound, headers=ADMIN)
    assert made.status_code == 201, made.text
    shown = get(whole_api, f"/stages/dummy/{lonely['pk']}/")["flow_set"]
    assert [f["slug"] for f in shown] == ["default-authentication-flow"]
    again = httpx.post(f"{whole_api.url}/flows/bindings/", json=bound, headers=ADMIN)
    assert again.json() == {
        "non_field_errors": ["The fields target, stage, order must make a unique set."]
    }


@pytest.mark.live
def test_the_interfaces_ids_as_strings_and_blank_relations_are_read_as_drf_does(
    whole_api: LiveServer,
) -> None:
    whole_api.reset()
    token = httpx.post(
        f"{whole_api.url}/core/tokens/",
        json={"identifier": "from-a-select", "user": "1", "expiring": "false"},
        headers=ADMIN,
    )
    assert token.status_code == 201, token.text
    assert (token.json()["user"], token.json()["expiring"]) == (1, False)
    brand = get(whole_api, "/core/brands/", page_size=1)["results"][0]
    changed = httpx.patch(
        f"{whole_api.url}/core/brands/{brand['brand_uuid']}/",
        json={"default_application": ""},
        headers=ADMIN,
    )
    assert changed.status_code == 200 and changed.json()["default_application"] is None


@pytest.mark.live
def test_a_renamed_user_keeps_its_tokens_and_owns_what_it_makes(whole_api: LiveServer) -> None:
    """A token belongs to a user, not to a name: after the admin is renamed, its token still
    authenticates, and a token it makes without naming a user is its own (DRF's
    `CurrentUserDefault`)."""
    whole_api.reset()
    admin = {"Authorization": "Bearer ak-mock-admin"}
    url = whole_api.url
    me = httpx.get(f"{url}/core/users/me/", headers=admin).json()["user"]
    renamed = httpx.patch(f"{url}/core/users/{me['pk']}/", json={"username": "root"}, headers=admin)
    assert renamed.status_code == 200, renamed.text
    assert httpx.get(f"{url}/core/users/me/", headers=admin).json()["user"]["username"] == "root"
    made = httpx.post(f"{url}/core/tokens/", json={"identifier": "mine"}, headers=admin).json()
    assert (made["user"], made["user_obj"]["username"]) == (me["pk"], "root")


@pytest.mark.live
def test_a_token_made_through_the_api_authenticates_as_its_user(whole_api: LiveServer) -> None:
    """As authentik: `view_key` shows a token's key to its user or to one who may view
    tokens; the key authenticates with its user's rights; the mock's owner is still only
    `tokens.yaml`'s."""
    whole_api.reset()

    def call(method: str, path: str, token: str = "ak-mock-admin", **body: Any) -> httpx.Response:
        auth = {"Authorization": f"Bearer {token}"}
        return httpx.request(method, f"{whole_api.url}{path}", json=body or None, headers=auth)

    user = call("POST", "/core/users/", username="tess", name="Tess Token").json()
    made = call("POST", "/core/tokens/", identifier="tess-api", intent="api", user=user["pk"])
    assert made.status_code == 201, made.text
    assert made.json()["expires"] is not None  # an API token expires after the tenant's duration
    key = call("GET", "/core/tokens/tess-api/view_key/").json()["key"]
    assert len(key) == 60
    refused = {"detail": "You do not have permission to perform this action."}
    assert call("GET", "/core/groups/", key).json() == refused  # no rights of its own
    assert call("GET", "/core/groups/?groups_by_name=nope", key).status_code == 403
    mine = call("GET", "/core/tokens/", key).json()["results"]
    assert [t["identifier"] for t in mine] == ["tess-api"]  # its own tokens only
    assert call("GET", "/core/tokens/tess-api/view_key/", key).json() == {"key": key}
    assert call("GET", "/core/tokens/tess-api/view_key/", "ak-mock-noaccess").status_code == 404
    reset = f"{whole_api.origin}{whole_api.prefix}/reset"
    owner = httpx.post(reset, headers={"Authorization": f"Bearer {key}"})
    assert owner.status_code in (401, 403), owner.text
    call("DELETE", "/core/tokens/tess-api/")
    assert call("GET", "/core/tokens/", key).status_code == 403  # "Token invalid/expired"


@pytest.mark.live
def test_a_token_edit_gets_what_its_serializer_sets_on_every_write(whole_api: LiveServer) -> None:
    """authentik's `TokenSerializer.validate` sets `user` (the caller) and `intent` ("api")
    where a write leaves them out, a PATCH too: editing a user's app password as the admin
    makes it the admin's API token (measured on a real authentik 2026.8)."""
    whole_api.reset()

    def call(method: str, path: str, **body: Any) -> httpx.Response:
        return httpx.request(method, f"{whole_api.url}{path}", json=body, headers=ADMIN)

    me = call("GET", "/core/users/me/").json()["user"]["pk"]
    user = call("POST", "/core/users/", username="pat", name="Pat").json()["pk"]
    made = call("POST", "/core/tokens/", identifier="pat-app", intent="app_password", user=user)
    assert (made.json()["user"], made.json()["intent"]) == (user, "app_password")
    edited = call("PATCH", "/core/tokens/pat-app/", description="laptop").json()
    assert (edited["user"], edited["user_obj"]["pk"], edited["intent"]) == (me, me, "api")
    read = call("GET", "/core/tokens/pat-app/").json()
    assert (read["user"], read["intent"], read["description"]) == (me, "api", "laptop")
    kept = call("PATCH", "/core/tokens/pat-app/", intent="app_password", user=me).json()
    assert (kept["user"], kept["intent"]) == (me, "app_password")  # what is sent is kept
    # `validate_user`: a token's user, once set, is not changed by a write that names another.
    moved = call("PATCH", "/core/tokens/pat-app/", user=user)
    assert (moved.status_code, moved.json()) == (400, {"user": ["User cannot be changed"]})
    assert call("GET", "/core/tokens/pat-app/").json()["user"] == me


@pytest.mark.live
def test_a_filter_across_a_relation_the_answer_holds_as_a_key_joins_it(
    whole_api: LiveServer,
) -> None:
    """`authorization_flow__slug__iexact`: Django joins the flow; the list answers the
    providers whose flow passes, none where no flow does."""
    whole_api.reset()

    def call(method: str, path: str, **body: Any) -> httpx.Response:
        return httpx.request(method, f"{whole_api.url}{path}", json=body or None, headers=ADMIN)

    flows = [
        call("POST", "/flows/instances/", name=n, slug=n, title=n, designation="authorization")
        for n in ("join-a", "join-b")
    ]
    assert all(flow.status_code == 201 for flow in flows), flows[0].text
    for name, flow in (("joined-a", flows[0]), ("joined-b", flows[1])):
        made = call(
            "POST",
            "/providers/proxy/",
            name=name,
            authorization_flow=flow.json()["pk"],
            invalidation_flow=flow.json()["pk"],
            external_host="https://x.example.com",
            mode="forward_single",
        )
        assert made.status_code == 201, made.text
    names = [
        p["name"]
        for p in get(whole_api, "/providers/proxy/", authorization_flow__slug__iexact="JOIN-A")[
            "results"
        ]
    ]
    assert names == ["joined-a"]
    nothing = get(whole_api, "/providers/proxy/", authorization_flow__slug__iexact="zz")
    assert nothing["results"] == []


@pytest.mark.live
def test_deleting_a_user_deletes_its_tokens_until_the_reset(whole_api: LiveServer) -> None:
    """authentik's tokens cascade with their user: a fuzzer that deletes the admin gets the
    admin's key refused (and never a token owned by no one); the mock's control routes keep
    the configured key, so the owner can still reset."""
    whole_api.reset()
    me = get(whole_api, "/core/users/me/")["user"]["pk"]
    gone = httpx.delete(f"{whole_api.url}/core/users/{me}/", headers=ADMIN)
    assert gone.status_code == 204, gone.text
    refused = httpx.post(f"{whole_api.url}/core/tokens/", json={"identifier": "t"}, headers=ADMIN)
    assert refused.status_code == 403, refused.text
    assert refused.json() == {"detail": "Token invalid/expired"}
    whole_api.reset()
    made = httpx.post(f"{whole_api.url}/core/tokens/", json={"identifier": "t"}, headers=ADMIN)
    assert made.status_code == 201, made.text
    assert made.json()["user"] == me


@pytest.mark.live
def test_a_proxy_provider_is_an_oauth2_provider_too(whole_api: LiveServer) -> None:
    """Django's multi-table inheritance (`ProxyProvider(OAuth2Provider)`): the OAuth2 list
    holds proxies with the OAuth2 fields `set_oauth_defaults` gives them, shown as OAuth2
    providers; a write or delete through it is the proxy's; `providers/all/` lists each once.
    The same rule holds for every such pair the document has (a WS-Federation provider is a
    SAML provider)."""
    whole_api.reset()

    def call(method: str, path: str, **body: Any) -> httpx.Response:
        return httpx.request(method, f"{whole_api.url}{path}", json=body or None, headers=ADMIN)

    flow = get(whole_api, "/flows/instances/", page_size=1)["results"][0]["pk"]
    made = call(
        "POST",
        "/providers/proxy/",
        name="Wiki proxy",
        authorization_flow=flow,
        invalidation_flow=flow,
        external_host="https://wiki.example.com",
        internal_host="http://wiki:8080",  # in proxy mode, its serializer's `validate` says
    )
    assert made.status_code == 201, made.text
    pk = made.json()["pk"]
    as_oauth = call("GET", f"/providers/oauth2/{pk}/").json()
    assert as_oauth["component"] == "ak-provider-oauth2-form"
    assert (as_oauth["client_type"], as_oauth["include_claims_in_id_token"]) == (
        "confidential",
        True,
    )
    assert as_oauth["grant_types"] == ["authorization_code", "client_credentials", "password"]
    assert as_oauth["client_secret"] and as_oauth["client_id"] == made.json()["client_id"]
    listed = every(whole_api, "/providers/oauth2/", client_type="confidential")
    assert pk in [p["pk"] for p in listed]
    assert [p["pk"] for p in every(whole_api, "/providers/all/")].count(pk) == 1
    renamed = call("PATCH", f"/providers/oauth2/{pk}/", name="Wiki (renamed)")
    assert renamed.status_code == 200, renamed.text
    proxy = call("GET", f"/providers/proxy/{pk}/").json()
    assert (proxy["name"], proxy["external_host"]) == ("Wiki (renamed)", "https://wiki.example.com")
    own = call(
        "POST",
        "/providers/oauth2/",
        name="Grafana OIDC",
        authorization_flow=flow,
        invalidation_flow=flow,
        redirect_uris=[{"matching_mode": "strict", "url": "https://grafana.example.com/cb"}],
    )
    assert own.status_code == 201, own.text
    assert own.json()["pk"] not in {p["pk"] for p in every(whole_api, "/providers/proxy/")}
    assert call("DELETE", f"/providers/oauth2/{pk}/").status_code == 204
    assert call("GET", f"/providers/proxy/{pk}/").status_code == 404
    assert pk not in [p["pk"] for p in every(whole_api, "/providers/all/")]
    saml = {p["pk"] for p in every(whole_api, "/providers/saml/")}
    assert {p["pk"] for p in every(whole_api, "/providers/wsfed/")} <= saml


@pytest.mark.live
def test_a_field_the_serializer_makes_is_no_ordering(whole_api: LiveServer) -> None:
    """A viewset that names no `ordering_fields` orders by the model's own fields, as DRF's
    OrderingFilter does: `?ordering=meta_model_name` or `component` (the serializer makes
    them) is ignored and the view's own order kept; a model field still orders."""
    whole_api.reset()
    default = [s["pk"] for s in every(whole_api, "/stages/dummy/")]
    for made in ("-meta_model_name", "component", "verbose_name"):
        assert [s["pk"] for s in every(whole_api, "/stages/dummy/", ordering=made)] == default
    by_name = every(whole_api, "/stages/dummy/", ordering="-name")
    assert [s["name"] for s in by_name] == sorted((s["name"] for s in by_name), reverse=True)


@pytest.mark.live
def test_filters_and_clashes_read_the_related_objects_as_they_are_now(
    whole_api: LiveServer,
) -> None:
    whole_api.reset()

    def call(method: str, path: str, **body: Any) -> httpx.Response:
        return httpx.request(method, f"{whole_api.url}{path}", json=body or None, headers=ADMIN)

    group = call("POST", "/core/groups/", name="writers").json()
    call("POST", "/core/users/", username="wendy", name="Wendy Writer", groups=[group["pk"]])
    assert [
        u["username"] for u in get(whole_api, "/core/users/", groups_by_name="writers")["results"]
    ] == ["wendy"]
    call("PATCH", f"/core/groups/{group['pk']}/", name="authors")  # renamed: the filter follows
    found = get(whole_api, "/core/users/", groups_by_name="authors")["results"]
    assert [u["username"] for u in found] == ["wendy"]
    gone = call("GET", "/core/users/?groups_by_name=writers")
    assert gone.json() == {
        "groups_by_name": ["Select a valid choice. writers is not one of the available choices."]
    }
    again = call("POST", "/core/groups/", name="authors")
    assert again.json() == {"name": ["Group with this name already exists."]}
    # An update that leaves a unique field alone is not refused for it.
    assert call("PATCH", f"/core/groups/{group['pk']}/", attributes={"a": 1}).status_code == 200
    long = call(
        "POST", "/crypto/certificatekeypairs/generate/", common_name="far", validity_days=10**9
    )
    assert long.status_code == 400 and "validity_days" in long.json()


@pytest.mark.live
def test_the_application_wizard_makes_both_or_neither(whole_api: LiveServer) -> None:
    """`PUT core/transactional/applications/`, what the interface's application wizard sends:
    the provider of the chosen model and the application that uses it, or nothing at all."""
    whole_api.reset()
    admin = {"Authorization": "Bearer ak-mock-admin"}
    url = f"{whole_api.url}/core/transactional/applications/"
    flow = get(whole_api, "/flows/instances/", designation="authorization")["results"][0]["pk"]
    sent = {
        "app": {"name": "Wiki", "slug": "wiki", "meta_launch_url": ""},
        "provider_model": "authentik_providers_proxy.proxyprovider",
        "provider": {
            "name": "Provider for Wiki",
            "authorization_flow": flow,
            "invalidation_flow": flow,
            "external_host": "https://wiki.example.com",
            "internal_host": "http://wiki:8080",
        },
    }
    broken = {
        **sent,
        "provider": {k: v for k, v in sent["provider"].items() if k != "external_host"},
    }
    refused = httpx.put(url, json=broken, headers=admin)
    assert refused.status_code == 400
    assert refused.json() == {"provider": {"external_host": ["This field is required."]}}
    assert get(whole_api, "/providers/proxy/", search="Provider for Wiki")["results"] == []
    assert httpx.put(url, json={**sent, "provider_model": "x.y"}, headers=admin).json() == {
        "provider_model": ['"x.y" is not a valid choice.']  # DRF's ChoiceField first
    }
    done = httpx.put(url, json=sent, headers=admin)
    assert done.json() == {"applied": True, "logs": []}, done.text
    app = get(whole_api, "/core/applications/wiki/")
    assert app["provider_obj"]["name"] == "Provider for Wiki"
    assert app["launch_url"] == "https://wiki.example.com"
    clash = httpx.put(
        url, json={**sent, "provider": {**sent["provider"], "name": "Other"}}, headers=admin
    )
    assert clash.status_code == 400 and "app" in clash.json()  # the slug is taken
    assert get(whole_api, "/providers/proxy/", search="Other")["results"] == []  # undone


@pytest.mark.live
def test_filters_naming_related_objects_find_them_and_refuse_what_does_not_exist(
    whole_api: LiveServer,
) -> None:
    """django-filter's model choice filters: a value must be the key of an object that exists
    (worded per key type), and a relation held at the other end filters too (a provider by the
    application that uses it)."""
    whole_api.reset()

    def call(method: str, path: str, **body: Any) -> httpx.Response:
        return httpx.request(method, f"{whole_api.url}{path}", json=body or None, headers=ADMIN)

    flow = get(whole_api, "/flows/instances/", designation="authorization")["results"][0]["pk"]
    invalidation = get(whole_api, "/flows/instances/", designation="invalidation")["results"]
    provider = call(
        "POST",
        "/providers/oauth2/",
        name="wiki-oidc",
        authorization_flow=flow,
        invalidation_flow=invalidation[0]["pk"],
        redirect_uris=[],
    ).json()
    app = call("POST", "/core/applications/", name="Wiki", slug="wiki", provider=provider["pk"])
    assert app.status_code == 201, app.text
    found = get(whole_api, "/providers/oauth2/", application=app.json()["pk"])["results"]
    assert [p["pk"] for p in found] == [provider["pk"]]

    missing = "0b7f3b1c-58b4-4c6e-9d2a-5f8e1f0c9a11"
    refused = {
        "/providers/oauth2/?application=zz": {"application": ["“zz” is not a valid UUID."]},
        f"/providers/oauth2/?application={missing}": {
            "application": [
                "Select a valid choice. That choice is not one of the available choices."
            ]
        },
        "/core/users/?groups_by_pk=zz": {"groups_by_pk": ["“zz” is not a valid UUID."]},
        "/flows/bindings/?order=zz": {"order": ["Enter a number."]},
        "/providers/oauth2/?property_mappings=zz": {
            "property_mappings": ["“zz” is not a valid UUID."]
        },
    }
    for path, body in refused.items():
        answer = call("GET", path)
        assert (answer.status_code, answer.json()) == (400, body), path
    # A taken one-to-one relation is a unique clash, in the model's words.
    again = call(
        "POST", "/core/applications/", name="Wiki 2", slug="wiki-2", provider=provider["pk"]
    )
    assert again.json() == {"provider": ["Application with this provider already exists."]}


@pytest.mark.live
def test_shown_objects_come_when_asked_and_a_key_answers_to_its_model_name(
    whole_api: LiveServer,
) -> None:
    whole_api.reset()

    def call(method: str, path: str, **body: Any) -> httpx.Response:
        return httpx.request(method, f"{whole_api.url}{path}", json=body or None, headers=ADMIN)

    parent = call("POST", "/core/groups/", name="platform").json()
    child = call("POST", "/core/groups/", name="platform-oncall", parents=[parent["pk"]]).json()
    item = f"/core/groups/{parent['pk']}/"
    assert call("GET", item).json()["children_obj"] is None  # not asked for
    shown = call("GET", f"{item}?include_children=true").json()["children_obj"]
    assert [(c["pk"], c["name"], c["group_uuid"]) for c in shown] == [
        (child["pk"], "platform-oncall", child["pk"])
    ]
    assert call("GET", f"{item}?include_users=false").json()["users_obj"] is None
    listed = get(whole_api, "/core/groups/", include_children="true", name="platform")["results"]
    assert listed[0]["children_obj"] == shown
    # Inherited roles: the ancestors' (a grandparent's too), not the group's own.
    admins = call("POST", "/rbac/roles/", name="platform-admins").json()
    readers = call("POST", "/rbac/roles/", name="platform-readers").json()
    call("PATCH", item, roles=[admins["pk"], readers["pk"]])
    call("PATCH", f"/core/groups/{child['pk']}/", roles=[readers["pk"]])
    leaf = call("POST", "/core/groups/", name="platform-leaf", parents=[child["pk"]]).json()
    inherited = "/core/groups/{}/?include_inherited_roles=true"
    assert call("GET", inherited.format(child["pk"])).json()["inherited_roles_obj"] == [
        {"pk": admins["pk"], "name": "platform-admins"}
    ]
    assert {
        r["name"] for r in call("GET", inherited.format(leaf["pk"])).json()["inherited_roles_obj"]
    } == {"platform-admins", "platform-readers"}
    assert call("GET", inherited.format(parent["pk"])).json()["inherited_roles_obj"] == []
    assert call("GET", f"/core/groups/{leaf['pk']}/").json()["inherited_roles_obj"] is None
    flow = get(whole_api, "/flows/instances/")["results"][0]
    by_uuid = get(whole_api, "/flows/instances/", flow_uuid=flow["pk"])["results"]
    assert [f["slug"] for f in by_uuid] == [flow["slug"]]


@pytest.mark.live
def test_a_serializers_own_validate_sees_only_the_fields_sent(whole_api: LiveServer) -> None:
    """authentik's IdentificationStageSerializer and ProxyProviderSerializer refuse in their
    `validate(attrs)`, which DRF hands only the fields a write sends: a PATCH that leaves
    `user_fields` out is refused though the stage has some, and a proxy in proxy mode needs
    its internal host. Forward auth needs none."""
    whole_api.reset()

    def call(method: str, path: str, **body: Any) -> httpx.Response:
        return httpx.request(method, f"{whole_api.url}{path}", json=body, headers=ADMIN)

    stage = call("POST", "/stages/identification/", name="ident", user_fields=["email"]).json()
    item = f"/stages/identification/{stage['pk']}/"
    neither = {
        "non_field_errors": [
            "When no user fields are selected, at least one source must be selected"
        ]
    }
    assert (call("PATCH", item).status_code, call("PATCH", item).json()) == (400, neither)
    assert call("PATCH", item, user_fields=["username"]).json()["user_fields"] == ["username"]
    assert call("POST", "/stages/identification/", name="bare").json() == neither
    flow = get(whole_api, "/flows/instances/")["results"][0]["pk"]
    proxy = {
        "authorization_flow": flow,
        "invalidation_flow": flow,
        "external_host": "https://a.example",
    }
    refused = call("POST", "/providers/proxy/", name="p1", **proxy)
    assert refused.json() == {
        "internal_host": ["Internal host cannot be empty when forward auth is disabled."]
    }
    forward = call("POST", "/providers/proxy/", name="p2", mode="forward_single", **proxy)
    assert forward.status_code == 201, forward.text


@pytest.mark.live
def test_an_outpost_and_an_event_show_what_their_models_make(whole_api: LiveServer) -> None:
    """Measured on a real authentik 2026.8: an outpost's token identifier and refresh
    interval come from its key and config, a provider lists the outposts that serve it, an
    event made through the API expires after the tenant's `event_retention` and records the
    request's brand; a deleted provider leaves the outposts that listed it (a many-to-many's
    rows go with either object), and a write naming it is refused beside its other field
    errors."""
    whole_api.reset()
    post = partial(httpx.post, headers=ADMIN, timeout=10)
    flow = every(whole_api, "/flows/instances/")[0]["pk"]
    provider = post(
        f"{whole_api.url}/providers/proxy/",
        json={
            "name": "wiki",
            "authorization_flow": flow,
            "invalidation_flow": flow,
            "external_host": "https://wiki.example.com",
            "internal_host": "http://wiki:8080",
        },
    ).json()["pk"]
    body = {"name": "edge", "type": "proxy", "providers": [provider]}
    made = post(f"{whole_api.url}/outposts/instances/", json={**body, "config": {}})
    assert made.status_code == 201, made.text
    outpost = made.json()
    assert outpost["token_identifier"] == f"ak-outpost-{outpost['pk']}-api"
    assert outpost["refresh_interval_s"] == 300
    slow = {**body, "name": "slow", "config": {"refresh_interval": "hours=1;minutes=30"}}
    assert (
        post(f"{whole_api.url}/outposts/instances/", json=slow).json()["refresh_interval_s"] == 5400
    )

    event = post(f"{whole_api.url}/events/events/", json={"action": "custom_", "app": "ci"}).json()
    created, expires = (
        datetime.fromisoformat(event[k].replace("Z", "+00:00")) for k in ("created", "expires")
    )
    assert expires - created == timedelta(days=365)
    assert event["brand"]["app"] == "authentik_brands" and event["brand"]["name"] == "Default brand"

    # A plain many-to-many to `Provider` yields base rows: no type's form, the base's names.
    listed = get(whole_api, f"/outposts/instances/{outpost['pk']}/")["providers_obj"]
    assert [(p["pk"], p["component"], p["meta_model_name"]) for p in listed] == [
        (provider, "", "authentik_core.provider")
    ]
    assert listed[0]["verbose_name"] == "provider" and listed[0]["name"] == "wiki"
    # The outpost's own service account and its API token, made by authentik's signals.
    username = "ak-outpost-" + outpost["pk"].replace("-", "")
    (account,) = every(whole_api, "/core/users/", username=username)
    assert (account["name"], account["path"], account["type"]) == (
        "Outpost edge Service-Account",
        "goauthentik.io/outposts",
        "internal_service_account",
    )
    (token,) = every(whole_api, "/core/tokens/", identifier=outpost["token_identifier"])
    assert (token["user"], token["intent"], token["expiring"]) == (account["pk"], "api", False)
    assert token["managed"] == f"goauthentik.io/outpost/{outpost['token_identifier']}"
    audited = [
        (e["action"], e["context"]["model"]["name"])
        for e in every(whole_api, "/events/events/", context_model_app="authentik_core")
        if e["context"]["model"]["pk"] in (account["pk"], token["pk"].replace("-", ""))
    ]
    assert sorted(audited) == [
        ("model_created", ""),  # made by its username, then named
        ("model_created", f"{outpost['token_identifier']}"),  # a token's `__str__`
        ("model_updated", "Outpost edge Service-Account"),
    ]
    shown = get(whole_api, f"/providers/proxy/{provider}/")["outpost_set"]
    assert shown == ["Outpost edge", "Outpost slow"]
    gone = httpx.delete(f"{whole_api.url}/outposts/instances/{outpost['pk']}/", headers=ADMIN)
    assert gone.status_code == 204, gone.text
    assert every(whole_api, "/core/users/", username=username) == []
    assert every(whole_api, "/core/tokens/", identifier=outpost["token_identifier"]) == []
    outpost = post(f"{whole_api.url}/outposts/instances/", json={**body, "config": {}}).json()
    gone = httpx.delete(f"{whole_api.url}/providers/proxy/{provider}/", headers=ADMIN)
    assert gone.status_code == 204, gone.text
    assert get(whole_api, f"/outposts/instances/{outpost['pk']}/")["providers"] == []
    again = post(f"{whole_api.url}/outposts/instances/", json={**body, "config": {}})
    assert again.status_code == 400
    assert again.json() == {
        "providers": [f'Invalid pk "{provider}" - object does not exist.'],
        "name": ["Outpost with this name already exists."],
    }
    whole_api.reset()


@pytest.mark.live
def test_a_binding_shows_its_stage_as_the_relation_yields_it(whole_api: LiveServer) -> None:
    """A binding's `stage` selects the stage's own type when read (authentik's
    `InheritanceForeignKey`), but the write that sets it looks the base `Stage` up, so that
    answer shows the base row: measured on a real authentik 2026.8."""
    whole_api.reset()
    binding = every(whole_api, "/flows/bindings/")[0]
    assert binding["stage_obj"]["component"].startswith("ak-stage-")
    body = {k: binding[k] for k in ("target", "stage", "order")}
    put = httpx.put(
        f"{whole_api.url}/flows/bindings/{binding['pk']}/", json=body, headers=ADMIN, timeout=10
    )
    assert put.status_code == 200, put.text
    shown = put.json()["stage_obj"]
    assert (shown["component"], shown["verbose_name"]) == ("", "stage")
    assert shown["meta_model_name"] == "authentik_flows.stage"
    assert shown["pk"] == binding["stage"] and shown["name"] == binding["stage_obj"]["name"]
    patched = httpx.patch(
        f"{whole_api.url}/flows/bindings/{binding['pk']}/",
        json={"order": binding["order"]},
        headers=ADMIN,
        timeout=10,
    ).json()
    assert patched["stage_obj"] == binding["stage_obj"]  # not written: read as its own type
    assert get(whole_api, f"/flows/bindings/{binding['pk']}/")["stage_obj"] == binding["stage_obj"]
    whole_api.reset()


@pytest.mark.live
def test_a_client_id_the_server_makes_looks_like_authentiks(whole_api: LiveServer) -> None:
    """authentik makes an OAuth2 client id with `generate_id` (40 letters and digits) and its
    secret with `generate_id(128)`: the mock drew a word, and two providers' words clashed
    against the unique client id (a create the client could not fix)."""
    whole_api.reset()
    flow = every(whole_api, "/flows/instances/")[0]["pk"]
    made = [
        httpx.post(
            f"{whole_api.url}/providers/oauth2/",
            json={
                "name": f"app-{n}",
                "authorization_flow": flow,
                "invalidation_flow": flow,
                "redirect_uris": [],
            },
            headers=ADMIN,
        )
        for n in range(5)
    ]
    assert [answer.status_code for answer in made] == [201] * 5
    ids = [answer.json()["client_id"] for answer in made]
    assert len(set(ids)) == 5
    assert all(re.fullmatch(r"[A-Za-z0-9]{40}", each) for each in ids), ids
    assert all(re.fullmatch(r"[A-Za-z0-9]{128}", a.json()["client_secret"]) for a in made)
    whole_api.reset()


@pytest.mark.live
def test_a_filter_method_of_either_lookup_keeps_what_either_matches(whole_api: LiveServer) -> None:
    """authentik's events by `username`: `Q(user__username=value) |
    Q(context__username=value)`, read from its FilterSet by the facts tool. An event of a
    user and one that only names the user in its context are both found, and no other."""
    whole_api.reset()
    post = partial(httpx.post, headers=ADMIN, timeout=10)
    by_user = post(
        f"{whole_api.url}/events/events/",
        json={"action": "custom_", "app": "ci", "user": {"pk": 3, "username": "alice"}},
    )
    named = post(
        f"{whole_api.url}/events/events/",
        json={"action": "custom_", "app": "ci", "context": {"username": "alice"}},
    )
    other = post(f"{whole_api.url}/events/events/", json={"action": "custom_", "app": "ci"})
    assert by_user.status_code == named.status_code == other.status_code == 201
    found = {e["pk"] for e in every(whole_api, "/events/events/", username="alice")}
    assert found == {by_user.json()["pk"], named.json()["pk"]}
    assert every(whole_api, "/events/events/", username="no-such-user") == []


@pytest.mark.live
def test_the_lists_authentik_queries_take_djangoql_and_say_how(whole_api: LiveServer) -> None:
    """Users, groups and the event log take DjangoQL in `?search=` (the admin interface's
    query box) and describe their fields in `autocomplete`; words are searched as before."""
    whole_api.reset()
    users = get(whole_api, "/core/users/", page_size=100)["results"]
    target = users[0]
    queried = get(whole_api, "/core/users/", search=f'username = "{target["username"]}"')
    assert [u["pk"] for u in queried["results"]] == [target["pk"]]
    active = get(whole_api, "/core/users/", search="is_active = False", page_size=100)
    assert {u["username"] for u in active["results"]} == {
        u["username"] for u in users if u["is_active"] is False
    }
    words = get(whole_api, "/core/users/", search=target["username"])  # a plain search
    assert target["pk"] in [u["pk"] for u in words["results"]]
    model = get(whole_api, "/core/users/", page_size=1)["autocomplete"]["models"]
    assert model["authentik_core.user"]["type"]["options"] == [
        "internal",
        "external",
        "service_account",
        "internal_service_account",
    ]
    assert (
        model["authentik_core.user"]["attributes"]["relation"] == "authentik_core.user_attributes"
    )
    groups = get(whole_api, "/core/groups/", page_size=1)
    assert groups["autocomplete"]["current_model"] == "authentik_core.group"
    # Rendered through the direct path and Connexion's alike; a list without queries says {}.
    assert get(whole_api, "/flows/instances/", page_size=1)["autocomplete"] == {}
    events = get(whole_api, "/events/events/", page_size=1)["autocomplete"]["models"]
    apps = events["authentik_events.event"]["app"]["options"]
    assert apps == sorted(apps) and apps
    assert "authentik_events.event_context_http_request" in events
    one_app = apps[0]
    listed = get(whole_api, "/events/events/", search=f'app = "{one_app}"', page_size=100)
    assert listed["results"] and {e["app"] for e in listed["results"]} == {one_app}


LEVELS = ["info", "warning", "error"]


@pytest.mark.live
def test_the_schedules_are_authentiks_and_follow_their_objects(whole_api: LiveServer) -> None:
    """System Tasks' schedules are the apps' own and one per spec of each scheduled object
    (an outpost's controller), described by their actors; a new outpost gets its schedule,
    renamed it follows, deleted it goes, audited. Its tasks are the schedules' runs, and the
    status counts them."""
    whole_api.reset()
    schedules = every(whole_api, "/tasks/schedules/")
    assert all(s["description"] for s in schedules)
    assert all(re.fullmatch(r"[\d*/,-]+( [\d*/,-]+){4}", s["crontab"]) for s in schedules)
    own = [s for s in schedules if s["rel_obj_id"] is None]
    assert own and {s["identifier"] for s in own} == {"None"}
    assert all(s["uid"] == s["actor_name"] for s in own)
    # A schedule names its object by its primary key, not the slug its path takes.
    ldap = {source["pk"]: source for source in every(whole_api, "/sources/ldap/")}
    synced = [s for s in schedules if s["rel_obj_model"] == "ldapsource"]
    assert synced and all(s["rel_obj_id"] == s["identifier"] in ldap for s in synced)
    assert all(s["uid"].endswith(":" + ldap[s["rel_obj_id"]]["slug"]) for s in synced)
    outposts = {o["pk"]: o for o in every(whole_api, "/outposts/instances/")}
    controllers = [s for s in schedules if s["rel_obj_model"] == "outpost"]
    assert {s["rel_obj_id"] for s in controllers} == set(outposts)
    for each in controllers:
        name = outposts[each["rel_obj_id"]]["name"]
        assert each["uid"] == f"authentik.outposts.tasks.outpost_controller:{name}"
    base = f"{whole_api.url}/outposts/instances/"
    made = httpx.post(
        base, json={"name": "timed", "type": "proxy", "providers": [], "config": {}}, headers=ADMIN
    ).json()
    (mine,) = get(whole_api, "/tasks/schedules/", rel_obj_id=made["pk"])["results"]
    assert (mine["uid"].rsplit(":", 1)[1], mine["last_task_status"]) == ("timed", "queued")
    httpx.patch(f"{base}{made['pk']}/", json={"name": "timed-2"}, headers=ADMIN)
    (renamed,) = get(whole_api, "/tasks/schedules/", rel_obj_id=made["pk"])["results"]
    assert renamed["uid"].endswith(":timed-2") and renamed["crontab"] == mine["crontab"]
    httpx.delete(f"{base}{made['pk']}/", headers=ADMIN)
    assert get(whole_api, "/tasks/schedules/", rel_obj_id=made["pk"])["results"] == []
    (gone,) = get(whole_api, "/events/events/", context_model_name="schedule")["results"]
    assert gone["context"]["model"]["name"] == f"Schedule {renamed['actor_name']}:{renamed['uid']}"
    # The tasks are what the schedules sent, and the status counts them as they are.
    tasks = every(whole_api, "/tasks/tasks/")
    uids = {s["uid"] for s in schedules}
    assert tasks and all(t["uid"] in uids and t["queue_name"] == "default" for t in tasks)
    for task in tasks:
        levels = {log["log_level"] for log in task["logs"]}
        expected = task["state"] if task["state"] != "done" else max(levels, key=LEVELS.index)
        assert task["aggregated_status"] == expected
    counted = get(whole_api, "/tasks/tasks/status/")
    assert sum(counted.values()) == len(tasks)
    for status, count in counted.items():
        assert count == sum(t["aggregated_status"] == status for t in tasks), status


@pytest.mark.live
def test_a_backchannel_providers_application_is_the_one_that_holds_it(
    whole_api: LiveServer,
) -> None:
    """A SCIM provider shows only the application it is a backchannel of: none until one
    names it, then that one."""
    whole_api.reset()
    scim = every(whole_api, "/providers/scim/")
    assert scim and all(p["assigned_backchannel_application_name"] is None for p in scim)
    app = get(whole_api, "/core/applications/", page_size=1)["results"][0]
    changed = httpx.patch(
        f"{whole_api.url}/core/applications/{app['slug']}/",
        json={"backchannel_providers": [scim[0]["pk"]]},
        headers=ADMIN,
    )
    assert changed.status_code == 200, changed.text
    shown = get(whole_api, f"/providers/scim/{scim[0]['pk']}/")
    assert (
        shown["assigned_backchannel_application_name"],
        shown["assigned_backchannel_application_slug"],
    ) == (
        app["name"],
        app["slug"],
    )
    assert "assigned_application_name" not in shown


@pytest.mark.live
def test_a_certificates_fields_say_what_its_certificate_says(whole_api: LiveServer) -> None:
    """A start-up pair's subject names it and its fingerprints have a certificate's shape,
    as a pair generated through the API has."""
    whole_api.reset()
    pairs = every(whole_api, "/crypto/certificatekeypairs/")
    assert pairs
    for pair in pairs:
        assert pair["cert_subject"].endswith(f"CN={pair['name']}"), pair
        assert re.fullmatch(r"([0-9a-f]{2}:){31}[0-9a-f]{2}", pair["fingerprint_sha256"]), pair
        assert re.fullmatch(r"([0-9a-f]{2}:){19}[0-9a-f]{2}", pair["fingerprint_sha1"]), pair
