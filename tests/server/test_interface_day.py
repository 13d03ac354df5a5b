"""A day's work in authentik's own web interface, in a real browser, against the mock: create,
edit and delete through the forms of ten resources (two of them through wizards), save the user
settings page, and check what a person sees afterwards (the row in the list, the changed name,
the empty search).

authentik's built interface is not on a package registry, so this runs where one is given:
`make test-ui UI=<folder of a built authentik web, with dist/>` (it installs Playwright from
PyPI and uses the system's Chromium, `CHROMIUM` or `chromium` on PATH). Without `AUTHENTIK_WEB`
every test here is skipped, with the reason.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from tests import authentik_package
from tests.conftest import LiveServer

WEB = os.environ.get("AUTHENTIK_WEB", "")
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or ""
playwright = pytest.importorskip("playwright.sync_api", reason="make test-ui installs Playwright")
pytestmark = [
    pytest.mark.skipif(not WEB, reason="AUTHENTIK_WEB (a built authentik web) is not set"),
    pytest.mark.skipif(not CHROMIUM, reason="no Chromium: set CHROMIUM or install chromium"),
]
Page = Any  # playwright.sync_api.Page
STAMP = "uiday"


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    authentik_package.install()
    live = LiveServer("--spec", str(authentik_package.SCHEMA), "--ui", str(Path(WEB)))
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(server: LiveServer, browser: Any) -> Iterator[Page]:
    """A logged-in admin's tab on a freshly reset mock; no error toast may appear."""
    server.reset()
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.base = server.origin
    log_in(tab, "akadmin", "ak-mock-admin")
    try:
        yield tab
    finally:
        context.close()


def log_in(page: Page, username: str, password: str, next_url: str = "/if/admin/") -> None:
    page.goto(f"{page.base}/if/flow/default-authentication-flow/?next={next_url}")
    page.locator('input[name="uidField"]').fill(username)
    page.locator('button[type="submit"]').first.click()
    page.locator('input[name="password"]').fill(password)
    page.locator('button[type="submit"]').first.click()
    page.wait_for_url(lambda url: urlparse(url).path == next_url, timeout=30_000)


# What a person does: open a list, use its form, look at the list again.


def open_list(page: Page, route: str) -> None:
    page.goto(f"{page.base}/if/admin/#{route}")
    search_box(page).wait_for(timeout=20_000)


def search_box(page: Page) -> Any:
    """The list's search field (a query-language editor: a textarea)."""
    return page.locator("ak-table-search [name='search'] textarea, ak-table-search input").first


def input_of(page: Page, name: str) -> Any:
    return page.locator(f"ak-form-element-horizontal[name='{name}']:visible input").first


def fill(page: Page, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if callable(value):
            value(page)
        else:
            input_of(page, name).fill(str(value))


def submit(page: Page, methods: str, path: re.Pattern[str], label: str | None = None) -> Any:
    """Click the dialog's submit button (or the button named `label`); the API's answer."""
    name = re.compile(f"^{re.escape(label)}" if label else r"^(Create|Save|Update)")
    button = page.get_by_role("button", name=name).last
    with page.expect_response(
        lambda r: r.request.method in methods.split() and path.search(r.url) is not None,
        timeout=20_000,
    ) as answer:
        button.click()
    return answer.value


def search(page: Page, words: str) -> list[str]:
    """The list's rows after searching, as text (empty: the list shows no objects)."""
    box = search_box(page)
    box.fill(words)
    box.press("Enter")
    page.wait_for_timeout(600)
    rows = page.locator("table tbody tr:visible")
    page.wait_for_function("() => !document.body.innerText.includes('Loading')", timeout=15_000)
    return [text for text in rows.all_inner_texts() if words.lower() in text.lower()]


def edit_row(page: Page, words: str) -> None:
    row = page.locator("table tbody tr:visible").filter(has_text=words).first
    row.locator("button[aria-label^='Edit'], button:has(i.fa-edit)").first.click()


def delete_row(page: Page, words: str, path: re.Pattern[str]) -> None:
    row = page.locator("table tbody tr:visible").filter(has_text=words).first
    row.locator("td.pf-c-table__check input[type='checkbox']").first.check()
    page.locator("ak-forms-delete-bulk button[slot='trigger']:visible").first.click()
    confirm = page.locator("ak-forms-delete-bulk ak-spinner-button.pf-m-danger").first
    with page.expect_response(
        lambda r: r.request.method == "DELETE" and path.search(r.url) is not None,
        timeout=20_000,
    ) as answer:
        confirm.click()
    assert answer.value.status == 204, answer.value.text()


@dataclass(frozen=True)
class Resource:
    """One resource's list page and how its forms are filled."""

    route: str
    new: str
    api: str
    create: dict[str, Any]
    renamed: dict[str, Any]
    shown: str
    """What the list shows of the object, to search it by (its name, identifier, domain)."""
    renamed_shown: str
    steps: tuple[Callable[[Page], None], ...] = ()
    """Wizard pages before the form (choosing a type, pressing Next)."""
    finish: str | None = None
    """The wizard's last button (None: the dialog's own submit button)."""
    deletes: str | None = None
    """Where the list deletes (a family's `all/`), if not `api`."""


def choose(kind: str, wizard: str) -> Callable[[Page], None]:
    def step(page: Page) -> None:
        page.locator(f"{wizard} input[type='radio'][aria-label='{kind}']").first.check(force=True)
        page.locator(f"{wizard} [data-test-id='wizard-navigation-next']").first.click()

    return step


def pick_select(name: str, option: str) -> Callable[[Page], None]:
    def step(page: Page) -> None:
        page.locator(
            f"ak-form-element-horizontal[name='{name}']:visible select"
        ).first.select_option(option)

    return step


def pick_search(name: str) -> Callable[[Page], None]:
    """The first choice a search-select offers."""

    def step(page: Page) -> None:
        input_of(page, name).click()
        page.locator("ak-list-select button[value]:visible").first.click()

    return step


RESOURCES = [
    Resource(
        "/identity/groups",
        "New Group",
        "/core/groups/",
        {"name": f"{STAMP} group"},
        {"name": f"{STAMP} group 2"},
        f"{STAMP} group",
        f"{STAMP} group 2",
    ),
    Resource(
        "/identity/roles",
        "New Role",
        "/rbac/roles/",
        {"name": f"{STAMP} role"},
        {"name": f"{STAMP} role 2"},
        f"{STAMP} role",
        f"{STAMP} role 2",
    ),
    Resource(
        "/core/brands",
        "New Brand",
        "/core/brands/",
        {"domain": f"{STAMP}.example.com"},
        {"domain": f"{STAMP}2.example.com"},
        f"{STAMP}.example.com",
        f"{STAMP}2.example.com",
    ),
    Resource(
        "/flow/flows",
        "New Flow",
        "/flows/instances/",
        {
            "name": f"{STAMP} flow",
            "title": "A day's flow",
            "slug": f"{STAMP}-flow",
            "designation": pick_select("designation", "authentication"),
        },
        {"name": f"{STAMP} flow 2"},
        f"{STAMP}-flow",
        f"{STAMP} flow 2",
    ),
    Resource(
        "/flow/stages/prompts",
        "New Prompt",
        "/stages/prompt/prompts/",
        {"name": f"{STAMP}-prompt", "fieldKey": "nickname", "label": "Nickname", "order": 5},
        {"name": f"{STAMP}-prompt-2"},
        f"{STAMP}-prompt",
        f"{STAMP}-prompt-2",
    ),
    Resource(
        "/core/tokens",
        "New Token",
        "/core/tokens/",
        {"identifier": f"{STAMP}-token", "user": pick_search("user")},
        {"description": "rotated"},
        f"{STAMP}-token",
        f"{STAMP}-token",
    ),
    Resource(
        "/identity/users",
        "New User",
        "/core/users/",
        {"username": f"{STAMP}-user", "name": "Uma Day", "path": "users"},
        {"name": "Uma Day-Night"},
        f"{STAMP}-user",
        "Uma Day-Night",
        steps=(choose("Internal User", "ak-user-wizard"),),
        finish="Create",
    ),
    Resource(
        "/flow/stages",
        "New Stage",
        "/stages/dummy/",
        {"name": f"{STAMP}-stage"},
        {"name": f"{STAMP}-stage-2"},
        f"{STAMP}-stage",
        f"{STAMP}-stage-2",
        steps=(choose("Dummy Stage", "ak-stage-wizard"),),
        finish="Create",
        deletes="/stages/all/",
    ),
    Resource(
        "/policy/policies",
        "New Policy",
        "/policies/dummy/",
        {"name": f"{STAMP}-policy"},
        {"name": f"{STAMP}-policy-2"},
        f"{STAMP}-policy",
        f"{STAMP}-policy-2",
        steps=(choose("Dummy Policy", "ak-policy-wizard"),),
        finish="Create",
        deletes="/policies/all/",
    ),
]


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.route.rsplit("/", 1)[-1])
def test_create_edit_and_delete_through_the_forms(page: Page, resource: Resource) -> None:
    api = re.compile(re.escape("/api/v3" + resource.api))
    open_list(page, resource.route)
    page.get_by_role("button", name=resource.new).first.click()
    for step in resource.steps:
        step(page)
    fill(page, resource.create)
    made = submit(page, "POST", re.compile(api.pattern + "$"), resource.finish)
    assert made.status == 201, made.text()
    page.reload()
    open_list(page, resource.route)
    assert search(page, resource.shown), f"{resource.shown} is not listed after its create"

    edit_row(page, resource.shown)
    fill(page, resource.renamed)
    changed = submit(page, "PUT PATCH", api)
    assert changed.status == 200, changed.text()
    sent = changed.request.post_data_json
    assert all(sent[_snake(k)] == v for k, v in resource.renamed.items()), sent
    page.reload()
    open_list(page, resource.route)
    assert search(page, resource.renamed_shown), f"{resource.renamed_shown} is not listed"

    delete_row(
        page, resource.renamed_shown, re.compile("/api/v3" + (resource.deletes or resource.api))
    )
    page.reload()
    open_list(page, resource.route)
    assert search(page, resource.renamed_shown) == []


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def test_the_user_settings_page_saves_the_users_details(page: Page) -> None:
    page.goto(f"{page.base}/if/user/#/settings")
    name = page.locator("ak-user-stage-prompt input[name='name']").first
    name.wait_for(timeout=20_000)
    assert name.input_value() == "authentik Default Admin"
    name.fill("Ada Admin")
    with page.expect_response(
        lambda r: (
            r.request.method == "POST" and "/flows/executor/default-user-settings-flow/" in r.url
        ),
        timeout=20_000,
    ) as answer:
        page.locator("ak-user-stage-prompt button[type='submit']").first.click()
    assert answer.value.status in (200, 302)
    page.wait_for_timeout(1500)
    page.reload()
    again = page.locator("ak-user-stage-prompt input[name='name']").first
    again.wait_for(timeout=20_000)
    assert again.input_value() == "Ada Admin"
    shown = page.evaluate(
        "async () => (await (await fetch('/api/v3/core/users/me/')).json()).user.name"
    )
    assert shown == "Ada Admin"


def test_the_application_wizard_makes_an_application_with_its_provider(page: Page) -> None:
    open_list(page, "/core/applications")
    page.get_by_role("button", name="New Application").first.click()
    fill(page, {"name": f"{STAMP} app", "slug": f"{STAMP}-app"})
    page.get_by_role("button", name=re.compile("^Next")).last.click()
    # The wizard's choice, not the list behind it (whose rows may show a Proxy Provider).
    wizard = page.locator("ak-application-wizard-provider-choice-step")
    wizard.get_by_text("Proxy Provider", exact=True).first.click()
    page.get_by_role("button", name=re.compile("^Next")).last.click()
    input_of(page, "authorizationFlow").click()
    options = page.locator("ak-list-select button[value]:visible")
    options.filter(has_text="implicit-consent").first.click()
    fill(page, {"externalHost": "https://app.example.com", "internalHost": "http://app:8080"})
    page.get_by_role("button", name=re.compile("^Next")).last.click()  # bindings: none
    page.get_by_role("button", name=re.compile("^Next")).last.click()  # review
    saved = submit(page, "PUT", re.compile("/api/v3/core/transactional/applications/$"), "Create")
    assert saved.status == 200 and saved.json() == {"applied": True, "logs": []}, saved.text()
    page.get_by_text("Your application has been saved").wait_for(timeout=10_000)
    page.reload()
    open_list(page, "/core/applications")
    assert search(page, f"{STAMP} app")
    app = page.evaluate(
        "async () => (await (await fetch('/api/v3/core/applications/uiday-app/')).json())"
    )
    assert app["launch_url"] == "https://app.example.com"
    assert app["provider_obj"]["name"] == f"Provider for {STAMP} app"
    assert app["provider_obj"]["assigned_application_slug"] == f"{STAMP}-app"
    # The application's own form edits it; the list deletes it.
    api = re.compile("/api/v3/core/applications/")
    edit_row(page, f"{STAMP} app")
    fill(page, {"name": f"{STAMP} app 2"})
    assert submit(page, "PUT PATCH", api).status == 200
    page.reload()
    open_list(page, "/core/applications")
    assert search(page, f"{STAMP} app 2")
    delete_row(page, f"{STAMP} app 2", api)
    page.reload()
    open_list(page, "/core/applications")
    assert search(page, f"{STAMP} app 2") == []


def rows(page: Page) -> list[str]:
    """The list's rows as text, once it has loaded (empty: it shows no objects)."""
    page.wait_for_timeout(600)
    page.wait_for_function("() => !document.body.innerText.includes('Loading')", timeout=15_000)
    shown = page.locator("table tbody tr:visible").all_inner_texts()
    return [text for text in shown if "No objects found" not in text and text.strip()]


@pytest.mark.parametrize(
    ("route", "query", "found", "refused"),
    [
        (
            "/identity/users",
            'username = "akadmin"',
            "akadmin",
            'username = "akadmin" and is_active = False',
        ),
        (
            "/events/log",
            'action = "login" and user.username = "akadmin"',
            "Login",
            'action = "login" and user.username = "nobody"',
        ),
    ],
    ids=["users", "events"],
)
def test_the_query_box_finds_what_a_query_names(
    page: Page, route: str, query: str, found: str, refused: str
) -> None:
    """The query box of the users and the event log sends DjangoQL; the list shows what the
    query names (the page's own login is in the event log), and nothing for a query that
    names nothing."""
    open_list(page, route)
    shown = ask(page, query)
    assert shown and all(found in text for text in shown), shown
    assert ask(page, refused) == []


def ask(page: Page, query: str) -> list[str]:
    """Type a query into the list's box and send it; the rows its answer shows."""
    box = search_box(page)
    box.fill(query)
    page.keyboard.press("Escape")  # the editor's suggestions closed: Enter sends the query
    with page.expect_response(
        lambda r: (
            r.request.method == "GET" and parse_qs(urlparse(r.url).query).get("search") == [query]
        ),
        timeout=20_000,
    ):
        box.press("Enter")
    return rows(page)
