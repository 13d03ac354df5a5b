"""authentik's browser side over HTTP, on its whole API: logging in through the flow executor,
the session cookie and CSRF, logging out, the identity behind it, the `all` families, the
values the interface shows, and `serve --ui` with a small build of our own."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from specdouble.server.app import create_app
from specdouble.settings import Settings
from tests import authentik_package
from tests.conftest import ADMIN, READONLY, LiveServer

EXECUTOR = "/flows/executor/default-authentication-flow/"
LOGOUT = "/flows/executor/default-invalidation-flow/"
QUERY = {"query": "next=/if/admin/"}
VERSION = "9.9.9"


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny 'built authentik web interface': the files `--ui` serves, with our own content."""
    root = tmp_path_factory.mktemp("ui")
    files = {
        f"dist/admin/AdminInterface-{VERSION}.js": "console.log('admin');",
        f"dist/user/UserInterface-{VERSION}.js": "console.log('user');",
        f"dist/flow/FlowInterface-{VERSION}.js": "console.log('flow');",
        f"dist/styles/interface-{VERSION}.css": "body {}",
        "dist/assets/icons/icon.png": "png",
        "authentik/sources/ldap.svg": "<svg/>",
        "robots.txt": "User-agent: *\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


@pytest.fixture(scope="module")
def server(build: Path) -> Iterator[LiveServer]:
    authentik_package.install()
    live = LiveServer("--spec", str(authentik_package.SCHEMA), "--ui", str(build))
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def browser(server: LiveServer) -> Iterator[httpx.Client]:
    """A client that keeps cookies, as a browser does, on a freshly reset mock."""
    server.reset()
    with httpx.Client(base_url=server.origin, timeout=10) as client:
        yield client


def csrf(client: httpx.Client) -> dict[str, str]:
    return {"X-authentik-CSRF": client.cookies.get("authentik_csrf") or ""}


def log_in(client: httpx.Client, username: str, password: str) -> dict[str, Any]:
    api = "/api/v3"
    first = client.get(api + EXECUTOR, params=QUERY)
    assert first.json()["component"] == "ak-stage-identification"
    assert "authentik_session" in client.cookies
    sent = client.post(api + EXECUTOR, params=QUERY, json={"uid_field": username})
    assert sent.status_code == 302 and sent.headers["location"].startswith(api + EXECUTOR)
    assert client.get(api + EXECUTOR, params=QUERY).json()["component"] == "ak-stage-password"
    answer = client.post(
        api + EXECUTOR,
        params=QUERY,
        json={"component": "ak-stage-password", "password": password},
        follow_redirects=True,
    )
    assert answer.status_code == 200
    return answer.json()


def me(client: httpx.Client) -> httpx.Response:
    return client.get("/api/v3/core/users/me/")


def test_logging_in_sets_a_session_that_the_api_accepts(browser: httpx.Client) -> None:
    assert me(browser).status_code == 403
    done = log_in(browser, "akadmin", "ak-mock-admin")
    assert done == {"to": "/if/admin/", "component": "xak-flow-redirect"}
    user = me(browser).json()["user"]
    assert (user["username"], user["name"], user["is_superuser"]) == (
        "akadmin",
        "authentik Default Admin",
        True,
    )
    assert "access_admin_interface" in user["system_permissions"]
    assert user["avatar"].startswith("data:image/svg+xml;base64,")
    listed = httpx.get(f"{browser.base_url}/api/v3/core/users/", params={"username": "akadmin"})
    assert listed.status_code == 403  # the session is the browser's, not anyone's
    found = browser.get("/api/v3/core/users/", params={"username": "akadmin"}).json()
    assert found["results"][0]["pk"] == user["pk"]


def test_logging_in_and_failing_to_are_in_the_event_log(browser: httpx.Client) -> None:
    log_in(browser, "akadmin", "wrong")
    # The flow waits at the password stage until it is answered or cancelled.
    assert browser.get("/api/v3" + EXECUTOR, params=QUERY).json()["component"] == (
        "ak-stage-password"
    )
    cancelled = browser.get("/flows/-/cancel/", params={"next": "/if/admin/"})
    assert cancelled.status_code == 302 and cancelled.headers["location"] == "/if/admin/"
    log_in(browser, "akadmin", "ak-mock-admin")
    recent = browser.get("/api/v3/events/events/", params={"ordering": "-created"}).json()
    latest = {(e["action"], e["user"]["username"]) for e in recent["results"][:2]}
    assert latest == {("login", "akadmin"), ("login_failed", "akadmin")}
    chart = browser.get("/api/v3/events/events/volume/", params={"actions": ["login"]}).json()
    assert sum(bucket["count"] for bucket in chart) == 1


def test_revoking_the_authenticated_session_logs_the_browser_out(browser: httpx.Client) -> None:
    browser.headers["User-Agent"] = "Mozilla/5.0 (the test)"
    log_in(browser, "akadmin", "ak-mock-admin")
    pk = me(browser).json()["user"]["pk"]
    listed = browser.get("/api/v3/core/authenticated_sessions/", params={"user": pk}).json()
    (mine,) = [s for s in listed["results"] if s["last_user_agent"] == "Mozilla/5.0 (the test)"]
    revoked = browser.delete(
        f"/api/v3/core/authenticated_sessions/{mine['uuid']}/", headers=csrf(browser)
    )
    assert revoked.status_code == 204
    assert me(browser).status_code == 403


def test_a_wrong_password_is_the_password_stage_with_its_error(browser: httpx.Client) -> None:
    answer = log_in(browser, "akadmin", "wrong")
    assert answer["component"] == "ak-stage-password"
    assert answer["response_errors"] == {
        "password": [{"string": "Invalid password", "code": "invalid"}]
    }
    assert me(browser).status_code == 403


def test_unsafe_requests_of_a_session_need_the_csrf_token(browser: httpx.Client) -> None:
    log_in(browser, "akadmin", "ak-mock-admin")
    body = {"name": "Session-made policy", "action": "login"}
    refused = browser.post("/api/v3/policies/event_matcher/", json=body)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "CSRF Failed: CSRF token missing."}
    wrong = browser.post(
        "/api/v3/policies/event_matcher/", json=body, headers={"X-authentik-CSRF": "x" * 32}
    )
    assert wrong.json()["detail"].endswith("HTTP header incorrect.")
    made = browser.post("/api/v3/policies/event_matcher/", json=body, headers=csrf(browser))
    assert made.status_code == 201, made.text
    foreign = browser.post(
        "/api/v3/policies/event_matcher/",
        json={**body, "name": "Other"},
        headers={**csrf(browser), "Origin": "http://evil.example"},
    )
    assert foreign.status_code == 403 and "Origin checking failed" in foreign.json()["detail"]


def test_a_read_only_user_reads_but_may_not_write(browser: httpx.Client) -> None:
    log_in(browser, "auditor", "ak-mock-readonly")
    user = me(browser).json()["user"]
    assert (user["username"], user["is_superuser"]) == ("auditor", False)
    listed = browser.get("/api/v3/policies/event_matcher/").json()["pagination"]["count"]
    as_admin = httpx.get(
        f"{browser.base_url}/api/v3/policies/event_matcher/",
        headers=ADMIN,
    ).json()["pagination"]["count"]
    assert listed == as_admin > 0
    refused = browser.post(
        "/api/v3/policies/event_matcher/",
        json={"name": "x", "action": "login"},
        headers=csrf(browser),
    )
    assert refused.status_code == 403
    assert refused.json() == {"detail": "You do not have permission to perform this action."}


def test_the_invalidation_flow_logs_out(browser: httpx.Client) -> None:
    log_in(browser, "akadmin", "ak-mock-admin")
    page = browser.get("/flows/-/default/invalidation/")
    assert page.status_code == 302
    assert page.headers["location"] == "/if/flow/default-invalidation-flow/"
    done = browser.get("/api/v3" + LOGOUT, params={"query": ""}).json()
    assert done == {"to": "/", "component": "xak-flow-redirect"}
    assert me(browser).status_code == 403
    home = browser.get("/", headers={"Accept": "text/html"})
    assert home.status_code == 302
    assert home.headers["location"] == "/flows/-/default/authentication/?next=%2F"


def test_the_default_authentication_entry_keeps_the_query(browser: httpx.Client) -> None:
    answer = browser.get("/flows/-/default/authentication/", params={"next": "/if/admin/#/x"})
    assert answer.status_code == 302
    assert answer.headers["location"] == (
        "/if/flow/default-authentication-flow/?next=%2Fif%2Fadmin%2F%23%2Fx"
    )
    assert browser.get("/api/v3/flows/executor/no-such-flow/", params=QUERY).status_code == 404


def test_the_control_route_logs_a_session_in_for_test_suites(browser: httpx.Client) -> None:
    path = "/_mock/session"
    assert browser.post(path, json={"username": "akadmin"}).status_code == 403
    unknown = browser.post(path, json={"username": "nobody"}, headers=ADMIN)
    assert unknown.status_code == 400
    made = browser.post(path, json={"username": "auditor"}, headers=ADMIN)
    assert made.status_code == 200
    assert made.json()["username"] == "auditor"
    assert browser.cookies["authentik_session"] == made.json()["session"]
    assert me(browser).json()["user"]["username"] == "auditor"


def test_a_token_still_wins_over_a_session(browser: httpx.Client) -> None:
    log_in(browser, "auditor", "ak-mock-readonly")
    assert me(browser).json()["user"]["username"] == "auditor"
    assert browser.get("/api/v3/core/users/me/", headers=ADMIN).json()["user"]["username"] == (
        "akadmin"
    )
    refused = browser.get("/api/v3/core/users/me/", headers={"Authorization": "Bearer nope"})
    assert refused.status_code == 403
    # The flow executor welcomes anonymous callers, but a bad token is refused first.
    executor = browser.get(
        "/api/v3" + EXECUTOR, params=QUERY, headers={"Authorization": "Bearer nope"}
    )
    assert (executor.status_code, executor.json()) == (403, {"detail": "Token invalid/expired"})
    admin = browser.get("/api/v3" + EXECUTOR, params=QUERY, headers=ADMIN)
    assert admin.status_code == 200


def test_what_describes_the_server_agrees_with_it(browser: httpx.Client) -> None:
    get = lambda path: browser.get("/api/v3" + path, headers=READONLY).json()  # noqa: E731
    assert get("/admin/version/")["version_current"] == "2026.8.3"
    assert get("/admin/version/")["outdated"] is False
    licence = get("/enterprise/license/summary/")
    assert licence["status"] == "unlicensed" and licence["license_flags"] == []
    brand = get("/core/brands/current/")
    assert brand["branding_title"] == "authentik"
    assert brand["flow_authentication"] == "default-authentication-flow"
    assert brand["branding_logo"] == "/static/dist/assets/icons/icon_left_brand.svg"
    assert get("/root/config/")["error_reporting"]["enabled"] is False
    flow = get("/flows/instances/default-authentication-flow/")
    assert flow["designation"] == "authentication"
    server_time = datetime.fromisoformat(get("/admin/system/")["server_time"])
    assert abs((datetime.now(UTC) - server_time).total_seconds()) < 60
    assert all(w["version_matching"] for w in get("/tasks/workers/"))


def test_policies_all_is_every_policy_of_every_type(browser: httpx.Client) -> None:
    get = lambda path, **q: browser.get("/api/v3" + path, params=q, headers=ADMIN).json()  # noqa: E731
    types = get("/policies/all/types/")
    names = [t["name"] for t in types]
    assert names == sorted(names) and "Event Matcher Policy" in names
    typed = ("event_matcher", "expression", "password", "reputation", "dummy")
    counts = {kind: get(f"/policies/{kind}/")["pagination"]["count"] for kind in typed}
    # The built-in fixtures give this collection: it is served as given, without the
    # default install's five (which join only collections the mock generates).
    assert counts["event_matcher"] == 150
    assert get("/policies/event_matcher/", name="default-match-update")["results"] == []
    assert get("/events/rules/", name="default-notify-update")["pagination"]["count"] == 1
    everything = get("/policies/all/", page_size=100)
    assert everything["pagination"]["count"] >= sum(counts.values())
    matcher = get("/policies/all/", search="Alert on", page_size=1)["results"][0]
    assert matcher["component"] == "ak-policy-event-matcher-form"
    assert matcher["meta_model_name"] == "authentik_policies_event_matcher.eventmatcherpolicy"
    assert matcher["verbose_name_plural"] == "Event Matcher Policies"
    pk = matcher["pk"]
    bound = get(f"/policies/event_matcher/{pk}/")["bound_to"]
    assert matcher["bound_to"] == bound
    assert len(get(f"/policies/all/{pk}/used_by/")) == bound
    deleted = browser.delete(f"/api/v3/policies/all/{pk}/", headers=ADMIN)
    assert deleted.status_code == 204
    assert browser.get(f"/api/v3/policies/event_matcher/{pk}/", headers=ADMIN).status_code == 404
    stage_types = {t["component"] for t in get("/stages/all/types/")}
    assert {"ak-stage-identification-form", "ak-stage-password-form"} <= stage_types


def svg_text(uri: str) -> str:
    assert uri.startswith("data:image/svg+xml;base64,"), uri[:60]
    return base64.b64decode(uri.split(",", 1)[1]).decode()


def test_values_mean_what_their_field_means(browser: httpx.Client) -> None:
    get = lambda path, **q: browser.get("/api/v3" + path, params=q, headers=ADMIN).json()  # noqa: E731
    users = get("/core/users/", page_size=100)["results"]
    assert {"akadmin", "auditor", "guest"} <= {u["username"] for u in users}
    for user in users:
        assert "<svg" in svg_text(user["avatar"])
        assert len(user["name"].split()) >= 2, user["name"]
    now = datetime.now(UTC)
    for application in get("/core/applications/", page_size=100)["results"]:
        made_from_name = re.sub(r"[^a-z0-9]+", "-", application["name"].lower()).strip("-")
        assert re.fullmatch(rf"{made_from_name}(-\d+)?", application["slug"]), application
        assert "<svg" in svg_text(application["meta_icon_url"])
    for event in get("/events/events/", page_size=100)["results"]:
        assert datetime.fromisoformat(event["created"]) < now
        assert event["user"]["username"] in {u["username"] for u in users}
        assert event["app"].startswith("authentik.")
    groups = {g["name"]: g for g in get("/core/groups/", page_size=100)["results"]}
    assert {"authentik Admins", "authentik Read-only"} <= set(groups)
    assert [name for name, g in groups.items() if g["is_superuser"]] == ["authentik Admins"]


def test_the_generated_install_is_one_coherent_story(browser: httpx.Client) -> None:
    """People's handles are their names'; a token says whose it is and what for, and only
    authentik manages what authentik made; an application has a provider of its own."""
    get = lambda path, **q: browser.get("/api/v3" + path, params=q, headers=ADMIN).json()  # noqa: E731
    fixed = {"akadmin", "auditor", "guest", "former-admin", "reader"}
    people = [u for u in get("/core/users/", page_size=100)["results"]]
    assert len(people) > len(fixed)
    for user in people:
        if user["username"] in fixed:
            continue
        first, *_, last = user["name"].split()
        handle = f"{first}.{last}".lower()
        assert user["username"].startswith(handle), user
        assert user["email"] == f"{user['username']}@example.com"
        initials = svg_text(user["avatar"])
        assert f">{first[0]}{last[0]}<".upper() in initials.upper(), initials
    tokens = get("/core/tokens/", page_size=100)["results"]
    assert tokens
    for token in tokens:
        owner = token["user_obj"]["username"]
        slug = re.sub(r"[^-a-zA-Z0-9_]+", "-", owner)  # the identifier is a slug
        assert re.fullmatch(rf"[a-z]+-{re.escape(slug)}(-\d+)?", token["identifier"]), token
        assert owner in token["description"]
        assert token["managed"] is None
    applications = get("/core/applications/", page_size=100)["results"]
    used = [a["provider"] for a in applications if a["provider"] is not None]
    assert used and len(used) == len(set(used))
    for application in applications:
        if application["provider_obj"]:  # provider names are unique: a second GitLab's is "2"
            named = rf"Provider for {re.escape(application['name'])}( \d+)?"
            assert re.fullmatch(named, application["provider_obj"]["name"]), application
    names = {a["name"] for a in applications}
    for provider in get("/providers/all/", page_size=100)["results"]:
        if provider["assigned_application_name"] is None:
            assert not any(provider["name"].startswith(f"{name} ") for name in names), provider


def test_the_interface_pages_carry_the_mocks_config_and_brand(browser: httpx.Client) -> None:
    page = browser.get("/if/admin/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert f'/static/dist/admin/AdminInterface-{VERSION}.js" type="module"' in html
    assert "<ak-interface-admin>" in html and "<title>authentik</title>" in html
    assert '"versionFamily": "9.9"' in html
    assert '"flow_authentication": "default-authentication-flow"' in html
    assert f'"base": "{browser.base_url}/"' in html
    user = browser.get("/if/user/").text
    assert "<ak-interface-user>" in user
    flow = browser.get("/if/flow/default-authentication-flow/")
    assert flow.status_code == 200
    assert 'ak-flow-executor slug="default-authentication-flow"' in flow.text
    assert '"title": "Welcome to authentik!"' in flow.text
    assert browser.get("/if/flow/no-such-flow/").status_code == 404
    moved = browser.get("/if/admin", params={"x": "1"})
    assert moved.status_code == 301 and moved.headers["location"] == "/if/admin/?x=1"


def test_the_interface_files_are_served_as_authentiks_router_serves_them(
    browser: httpx.Client,
) -> None:
    script = browser.get(f"/static/dist/admin/AdminInterface-{VERSION}.js")
    assert script.status_code == 200 and script.text == "console.log('admin');"
    assert script.headers["content-type"].startswith("text/javascript")
    assert script.headers["x-authentik-version"] == VERSION
    assert script.headers["cache-control"] == "public, no-transform"
    assets = browser.get("/if/flow/default-authentication-flow/assets/icons/icon.png")
    assert assets.status_code == 200 and assets.text == "png"
    assert browser.get("/static/authentik/sources/ldap.svg").text == "<svg/>"
    assert browser.get("/robots.txt").text == "User-agent: *\n"
    for missing in (
        "/static/dist/admin/",
        "/static/dist/nothing.js",
        "/static/dist/%2e%2e/robots.txt",
    ):
        assert browser.get(missing).status_code == 404, missing


def test_the_interfaces_websocket_is_accepted_and_kept_open() -> None:
    with create_app(Settings()).test_client() as client:
        with client.websocket_connect("/ws/client/") as socket:
            socket.send_text("{}")  # the interface never needs an answer
        assert client.get("/api/v3/policies/event_matcher/", headers=ADMIN).status_code == 200


def test_the_user_settings_and_password_change_flows_write_the_user(
    browser: httpx.Client,
) -> None:
    """The default blueprints' flows, as the user interface runs them: its prompts show the
    user's values, the user write stage stores what was sent, the new password logs in."""
    api = "/api/v3/flows/executor"
    settings, change = f"{api}/default-user-settings-flow/", f"{api}/default-password-change/"
    anonymous = browser.get(settings, params={"query": ""}).json()
    assert anonymous["error_message"] == "Flow does not apply to current user."
    log_in(browser, "akadmin", "ak-mock-admin")
    asked = browser.get(settings, params={"query": ""}).json()
    assert asked["component"] == "ak-stage-prompt"
    assert [(f["field_key"], f["initial_value"]) for f in asked["fields"]] == [
        ("username", "akadmin"),
        ("name", "authentik Default Admin"),
        ("email", "root@localhost"),
        ("attributes.settings.locale", ""),
    ]
    sent = {
        "component": "ak-stage-prompt",
        "username": "akadmin",
        "name": "Ada Admin",
        "email": "ada@example.com",
        "attributes.settings.locale": "de",
    }
    done = browser.post(settings, params={"query": ""}, json=sent, headers=csrf(browser))
    assert done.status_code == 302
    finished = browser.get(settings, params={"query": ""}).json()
    assert finished == {"to": "/", "component": "xak-flow-redirect"}
    assert browser.get(settings, params={"query": ""}).json()["component"] == "ak-stage-prompt"
    user = me(browser).json()["user"]
    assert (user["name"], user["email"]) == ("Ada Admin", "ada@example.com")
    record = browser.get("/api/v3/core/users/", params={"username": "akadmin"}).json()
    assert record["results"][0]["attributes"]["settings"] == {"locale": "de"}
    events = browser.get(
        "/api/v3/events/events/", params={"action": "model_updated", "username": "akadmin"}
    ).json()["results"]
    assert any(e["context"]["model"]["model_name"] == "user" for e in events)

    short = {"password": "short", "password_repeat": "short"}
    refused = browser.post(change, params={"query": ""}, json=short, headers=csrf(browser))
    assert refused.json()["response_errors"] == {
        "non_field_errors": [
            {"string": "Password needs to be 8 characters or longer.", "code": "invalid"}
        ]
    }
    new = {"password": "a longer secret", "password_repeat": "a longer secret"}
    browser.post(change, params={"query": ""}, json=new, headers=csrf(browser))
    browser.get(change, params={"query": ""})
    with httpx.Client(base_url=str(browser.base_url), timeout=10) as other:
        assert log_in(other, "akadmin", "ak-mock-admin")["component"] == "ak-stage-password"
    with httpx.Client(base_url=str(browser.base_url), timeout=10) as other:
        done_again = log_in(other, "ada@example.com", "a longer secret")
        assert done_again == {"to": "/if/admin/", "component": "xak-flow-redirect"}


def test_a_session_survives_its_user_being_renamed(browser: httpx.Client) -> None:
    log_in(browser, "akadmin", "ak-mock-admin")
    pk = me(browser).json()["user"]["pk"]
    renamed = browser.patch(
        f"/api/v3/core/users/{pk}/", json={"username": "root"}, headers=csrf(browser)
    )
    assert renamed.status_code == 200, renamed.text
    assert me(browser).json()["user"]["username"] == "root"
    with httpx.Client(base_url=str(browser.base_url), timeout=10) as other:
        assert log_in(other, "root", "ak-mock-admin")["component"] == "xak-flow-redirect"


def test_a_user_made_through_the_api_logs_in_once_given_a_password(
    browser: httpx.Client,
) -> None:
    """As an administrator does in the interface: create a user, set its password
    (`set_password`), then log in as that user, who may do what its groups allow."""
    api = "/api/v3/core/users/"
    made = browser.post(api, json={"username": "nora", "name": "Nora New"}, headers=ADMIN).json()
    short = browser.post(f"{api}{made['pk']}/set_password/", json={}, headers=ADMIN)
    assert short.status_code == 400
    done = browser.post(
        f"{api}{made['pk']}/set_password/", json={"password": "nora's secret"}, headers=ADMIN
    )
    assert done.status_code == 204
    assert "_password" not in browser.get(f"{api}{made['pk']}/", headers=ADMIN).json()
    assert log_in(browser, "nora", "nora's secret") == {
        "to": "/if/admin/",
        "component": "xak-flow-redirect",
    }
    user = me(browser).json()["user"]
    assert (user["username"], user["name"], user["is_superuser"]) == ("nora", "Nora New", False)
    assert user["system_permissions"] == []
    assert browser.get("/api/v3/core/groups/").status_code == 403


def test_the_prompt_forms_preview_is_the_prompt_as_a_flow_asks_it(browser: httpx.Client) -> None:
    sent = {
        "name": "nick",
        "field_key": "nick",
        "label": "Nickname",
        "type": "text",
        "placeholder": "Your nickname",
        "initial_value": "return user.name",
        "initial_value_expression": True,
        "order": 3,
    }
    shown = browser.post("/api/v3/stages/prompt/prompts/preview/", json=sent, headers=ADMIN)
    assert shown.status_code == 200
    assert shown.json() == {
        "component": "ak-stage-prompt",
        "fields": [
            {
                "field_key": "nick",
                "label": "Nickname",
                "type": "text",
                "required": True,
                "placeholder": "Your nickname",
                "initial_value": "",  # an expression is not run
                "order": 3,
                "sub_text": "",
                "choices": None,
            }
        ],
    }


def test_an_enrollment_flow_an_administrator_configures_makes_users(
    browser: httpx.Client,
) -> None:
    """Configured through the API as the interface does (a flow, its prompts, a prompt stage,
    a user write stage that puts new users in a group, a login stage, their bindings), the flow
    enrolls a visitor: the user is made with the stage's settings, is in the event log, and
    logs in with the password it chose."""
    api = "/api/v3"

    def made(path: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = browser.post(f"{api}/{path}", json=body, headers=ADMIN)
        assert answer.status_code == 201, answer.text
        return answer.json()

    group = made("core/groups/", {"name": "enrolled"})
    flow = made(
        "flows/instances/",
        {
            "name": "Enroll",
            "slug": "enroll",
            "title": "Sign up",
            "designation": "enrollment",
            "authentication": "require_unauthenticated",
        },
    )
    fields = [
        made(
            "stages/prompt/prompts/",
            {"name": f"enroll-{key}", "field_key": key, "label": key, "type": kind, "order": n},
        )["pk"]
        for n, (key, kind) in enumerate(
            [
                ("username", "username"),
                ("name", "text"),
                ("password", "password"),
                ("password_repeat", "password"),
            ]
        )
    ]
    stages = [
        made("stages/prompt/stages/", {"name": "enroll-prompt", "fields": fields}),
        made(
            "stages/user_write/",
            {
                "name": "enroll-write",
                "user_creation_mode": "always_create",
                "user_path_template": "users/enrolled",
                "create_users_group": group["pk"],
            },
        ),
        made("stages/user_login/", {"name": "enroll-login"}),
    ]
    for order, stage in enumerate(stages):
        made("flows/bindings/", {"target": flow["pk"], "stage": stage["pk"], "order": order})

    executor = f"{api}/flows/executor/enroll/"
    query = {"query": "next=/if/user/"}
    asked = browser.get(executor, params=query).json()
    assert [f["field_key"] for f in asked["fields"]] == [
        "username",
        "name",
        "password",
        "password_repeat",
    ]
    sent = {
        "username": "nia",
        "name": "Nia Newcomer",
        "password": "nia's secret",
        "password_repeat": "nia's secret",
    }
    assert browser.post(executor, params=query, json=sent).status_code == 302
    assert browser.get(executor, params=query).json() == {
        "to": "/if/user/",
        "component": "xak-flow-redirect",
    }
    assert me(browser).json()["user"]["username"] == "nia"

    found = browser.get(f"{api}/core/users/", params={"username": "nia"}, headers=ADMIN).json()
    user = found["results"][0]
    assert (user["name"], user["path"], user["type"], user["is_active"]) == (
        "Nia Newcomer",
        "users/enrolled",
        "external",
        True,
    )
    assert user["groups"] == [group["pk"]] and user["is_superuser"] is False
    assert user["attributes"] == {} and "_password" not in user
    members = browser.get(f"{api}/core/groups/{group['pk']}/", headers=ADMIN).json()
    assert user["pk"] in members["users"]
    events = browser.get(
        f"{api}/events/events/", params={"action": "model_created"}, headers=ADMIN
    ).json()["results"]
    assert any(e["context"]["model"].get("name") == "nia" for e in events)
    with httpx.Client(base_url=str(browser.base_url), timeout=10) as other:
        assert log_in(other, "nia", "nia's secret")["component"] == "xak-flow-redirect"


def test_the_user_folder_tree_is_the_paths_the_users_lie_under(browser: httpx.Client) -> None:
    """`core/users/paths/` (the user list's folders): the distinct paths of the users the list
    shows for the same search, in order, a new user's among them."""
    api = "/api/v3/core/users/"
    users = browser.get(api, params={"page_size": 100}, headers=ADMIN).json()["results"]
    paths = browser.get(f"{api}paths/", headers=ADMIN).json()["paths"]
    assert paths == sorted({user["path"] for user in users})
    made = {"username": "tree-test", "name": "Tree Test", "path": "users/tree/leaf"}
    assert browser.post(api, json=made, headers=ADMIN).status_code == 201
    assert "users/tree/leaf" in browser.get(f"{api}paths/", headers=ADMIN).json()["paths"]
    searched = browser.get(f"{api}paths/", params={"search": "tree-test"}, headers=ADMIN).json()
    assert searched == {"paths": ["users/tree/leaf"]}
    assert browser.get(f"{api}paths/", headers=READONLY).status_code == 200
