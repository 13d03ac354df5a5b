"""authentik's default flows, run by the executor as plain functions."""

from __future__ import annotations

from typing import Any

import pytest

from specdouble.resources.authentik.flows import Executor, FlowSpec, Stage, Step
from specdouble.rest.auth import User

LOGIN = "default-authentication-flow"
LOGOUT = "default-invalidation-flow"
SETTINGS = "default-user-settings-flow"
PASSWORD_CHANGE = "default-password-change"
ENROLLMENT = "enrollment"
RECOVERY = "recovery"
QUERY = "next=%2Fif%2Fadmin%2F"


def prompt(key: str, kind: str, order: int, *, expression: bool = False) -> dict[str, Any]:
    return {
        "field_key": key,
        "label": key.title(),
        "type": kind,
        "required": True,
        "placeholder": key.title(),
        "placeholder_expression": False,
        "initial_value": f"return user.{key}" if expression else "",
        "initial_value_expression": expression,
        "order": order,
        "sub_text": "",
    }


# The default blueprints' flows, as `flow_state.StoredFlows` reads them from the state.
FLOWS = {
    LOGIN: FlowSpec(
        LOGIN,
        "Welcome to authentik!",
        "authentication",
        (
            Stage("IdentificationStage", {"pk": "s-id", "user_fields": ["email", "username"]}),
            Stage("PasswordStage", {"pk": "s-pw", "failed_attempts_before_cancel": 5}),
            Stage("AuthenticatorValidateStage", {"pk": "s-mfa"}),
            Stage("UserLoginStage", {"pk": "s-login"}),
        ),
    ),
    LOGOUT: FlowSpec(
        LOGOUT, "Default Invalidation Flow", "invalidation", (Stage("UserLogoutStage"),)
    ),
    SETTINGS: FlowSpec(
        SETTINGS,
        "Update your info",
        "stage_configuration",
        (
            Stage(
                "PromptStage",
                fields=(
                    prompt("username", "username", 200, expression=True),
                    prompt("name", "text", 201, expression=True),
                    prompt("email", "email", 202, expression=True),
                    prompt("attributes.settings.locale", "ak-locale", 203, expression=True),
                ),
            ),
            Stage("UserWriteStage", {"user_creation_mode": "never_create"}),
        ),
        authentication="require_authenticated",
    ),
    PASSWORD_CHANGE: FlowSpec(
        PASSWORD_CHANGE,
        "Change password",
        "stage_configuration",
        (
            Stage(
                "PromptStage",
                fields=(
                    prompt("password", "password", 300),
                    prompt("password_repeat", "password", 301),
                ),
                policies=(
                    {
                        "kind": "PasswordPolicy",
                        "password_field": "password",
                        "length_min": 8,
                        "error_message": "Password needs to be 8 characters or longer.",
                    },
                ),
            ),
            Stage("UserWriteStage"),
        ),
        authentication="require_authenticated",
    ),
    # What an administrator configures (authentik's example blueprints).
    ENROLLMENT: FlowSpec(
        ENROLLMENT,
        "Welcome to authentik! Please enter your user details.",
        "enrollment",
        (
            Stage(
                "PromptStage",
                fields=(
                    prompt("username", "username", 0),
                    prompt("name", "text", 1),
                    prompt("email", "email", 2),
                    prompt("password", "password", 3),
                    prompt("password_repeat", "password", 4),
                ),
            ),
            Stage(
                "UserWriteStage",
                {
                    "user_creation_mode": "always_create",
                    "user_type": "internal",
                    "user_path_template": "users/enrolled",
                    "create_users_group": "g-staff",
                },
            ),
            Stage("UserLoginStage"),
        ),
        authentication="require_unauthenticated",
    ),
    RECOVERY: FlowSpec(
        RECOVERY,
        "Reset your password",
        "recovery",
        (
            Stage("IdentificationStage", {"user_fields": ["email", "username"]}),
            Stage("EmailStage", {"use_global_settings": True}),
            Stage(
                "PromptStage",
                fields=(
                    prompt("password", "password", 0),
                    prompt("password_repeat", "password", 1),
                ),
            ),
            Stage("UserWriteStage", {"user_creation_mode": "never_create"}),
            Stage("UserLoginStage"),
        ),
        authentication="require_unauthenticated",
    ),
}


class Book:
    """Flows and user records as data; user writes recorded."""

    def __init__(self, users: dict[str, User]) -> None:
        self.users = users
        self.records = {
            name: {"username": name, "name": u.name, "email": u.email, "attributes": {}}
            for name, u in users.items()
        }
        self.writes: list[tuple[str, dict[str, Any]]] = []
        self.made: list[tuple[dict[str, Any], dict[str, Any]]] = []

    def flow(self, slug: str) -> FlowSpec | None:
        return FLOWS.get(slug)

    def user(self, username: str) -> dict[str, Any] | None:
        return self.records.get(username)

    def write_user(self, username: str, changes: Any) -> str:
        self.writes.append((username, dict(changes)))
        record = self.records.pop(username)
        record.update({k: v for k, v in changes.items() if k in record})
        self.records[record["username"]] = record
        return record["username"]

    def create_user(self, fields: Any, changes: Any) -> str:
        name = changes["username"]
        if name in self.records:
            raise ValueError(name)
        self.made.append((dict(fields), dict(changes)))
        self.records[name] = {"username": name, "attributes": {}, **fields}
        self.users[name] = User(name, changes.get("name", ""), "", changes.get("password", ""))
        return name


@pytest.fixture
def users() -> dict[str, User]:
    return {
        "akadmin": User("akadmin", "authentik Default Admin", "root@localhost", "secret"),
        "gone": User("gone", "Gone", "gone@example.com", "secret", is_active=False),
    }


@pytest.fixture
def book(users: dict[str, User]) -> Book:
    return Book(users)


@pytest.fixture
def executor(users: dict[str, User], book: Book) -> Executor:
    return Executor(users, avatar=lambda name: f"avatar:{name}", flows=book)


def post(executor: Executor, plan: Any, body: dict[str, Any], slug: str = LOGIN) -> Step:
    return executor.post(slug, QUERY, plan, body)


def test_the_login_flow_starts_with_identification(executor: Executor) -> None:
    step = executor.get(LOGIN, QUERY, None)
    challenge = step.challenge or {}
    assert challenge["component"] == "ak-stage-identification"
    assert challenge["user_fields"] == ["email", "username"]
    assert challenge["password_fields"] is False
    assert challenge["primary_action"] == "Log in"
    assert challenge["flow_designation"] == "authentication"
    assert challenge["flow_info"]["title"] == "Welcome to authentik!"
    assert challenge["flow_info"]["cancel_url"] == "/flows/-/cancel/?next=%2Fif%2Fadmin%2F"
    assert step.plan == {
        "flow": LOGIN,
        "stage": 0,
        "next": "/if/admin/",
        "pending_user": None,
        "failures": 0,
        "prompt_data": {},
        "stages": ["s-id", "s-pw", "s-mfa", "s-login"],  # fixed when the plan begins
    }


def test_a_full_login_by_email_ends_in_a_redirect_to_next(executor: Executor) -> None:
    plan = executor.get(LOGIN, QUERY, None).plan
    identified = post(executor, plan, {"uid_field": "ROOT@localhost"})
    assert identified.again and identified.challenge is None
    asked = executor.get(LOGIN, QUERY, identified.plan)
    assert asked.challenge is not None
    assert asked.challenge["component"] == "ak-stage-password"
    assert asked.challenge["pending_user"] == "akadmin"
    assert asked.challenge["pending_user_avatar"] == "avatar:authentik Default Admin"
    passed = post(executor, asked.plan, {"component": "ak-stage-password", "password": "secret"})
    assert passed.again
    done = executor.get(LOGIN, QUERY, passed.plan)
    assert done.challenge == {"to": "/if/admin/", "component": "xak-flow-redirect"}
    assert done.login == "akadmin" and done.plan is None


def test_wrong_answers_get_the_stage_again_with_its_errors(executor: Executor) -> None:
    plan = executor.get(LOGIN, QUERY, None).plan
    empty = post(executor, plan, {"uid_field": ""})
    assert empty.challenge is not None
    assert empty.challenge["component"] == "ak-stage-identification"
    assert empty.challenge["response_errors"] == {
        "non_field_errors": [{"string": "No identification data provided.", "code": "invalid"}]
    }
    assert list(empty.challenge)[:3] == ["flow_info", "component", "response_errors"]
    # An unknown or inactive user is not told apart from a wrong password.
    for who in ("nobody", "gone"):
        step = post(executor, plan, {"uid_field": who})
        wrong = post(executor, step.plan, {"password": "secret"})
        assert wrong.challenge is not None
        assert wrong.challenge["pending_user"] == who
        assert wrong.challenge["response_errors"] == {
            "password": [{"string": "Invalid password", "code": "invalid"}]
        }
        assert wrong.login is None


def test_five_wrong_passwords_deny_access(executor: Executor) -> None:
    plan = post(executor, None, {"uid_field": "akadmin"}).plan
    for _ in range(4):
        step = post(executor, plan, {"password": "nope"})
        plan = step.plan
        assert step.challenge is not None and "response_errors" in step.challenge
    denied = post(executor, plan, {"password": "nope"})
    assert denied.challenge is not None
    assert denied.challenge["component"] == "ak-stage-access-denied"
    assert denied.challenge["error_message"] == "Invalid password"
    assert denied.plan is None


def test_a_next_that_leaves_the_server_is_refused(executor: Executor) -> None:
    query = "next=https%3A%2F%2Fevil.example%2F"
    plan = executor.post(LOGIN, query, None, {"uid_field": "akadmin"}).plan
    plan = executor.post(LOGIN, query, plan, {"password": "secret"}).plan
    done = executor.get(LOGIN, query, plan)
    assert done.challenge is not None
    assert done.challenge["component"] == "ak-stage-access-denied"
    assert done.challenge["error_message"] == "Invalid next URL"
    assert done.login is None


def test_the_invalidation_flow_logs_out_and_goes_home(executor: Executor) -> None:
    step = executor.get(LOGOUT, "", None)
    assert step.logout
    assert step.challenge == {"to": "/", "component": "xak-flow-redirect"}


def test_another_flow_in_the_session_starts_over(executor: Executor) -> None:
    plan = post(executor, None, {"uid_field": "akadmin"}).plan
    step = executor.get(LOGOUT, "", plan)
    assert step.logout
    assert executor.knows(LOGIN) and not executor.knows("no-such-flow")


def test_user_settings_need_a_logged_in_user(executor: Executor) -> None:
    denied = executor.get(SETTINGS, "", None)
    assert denied.challenge is not None
    assert denied.challenge["component"] == "ak-stage-access-denied"
    assert denied.challenge["error_message"] == "Flow does not apply to current user."
    # With a relative `next`, the default denied action continues there instead.
    onward = executor.get(SETTINGS, "next=%2Fif%2Fuser%2F", None)
    assert onward.challenge == {"to": "/if/user/", "component": "xak-flow-redirect"}


def test_user_settings_show_the_users_values_and_write_what_was_sent(
    executor: Executor, book: Book
) -> None:
    asked = executor.get(SETTINGS, "", None, user="akadmin")
    challenge = asked.challenge or {}
    assert challenge["component"] == "ak-stage-prompt"
    shown = {f["field_key"]: f["initial_value"] for f in challenge["fields"]}
    assert shown == {
        "username": "akadmin",
        "name": "authentik Default Admin",
        "email": "root@localhost",
        "attributes.settings.locale": "",
    }
    blank = executor.post(SETTINGS, "", asked.plan, {"username": "akadmin", "name": ""}, "akadmin")
    assert (blank.challenge or {})["response_errors"] == {
        "name": [{"string": "This field may not be blank.", "code": "invalid"}],
        # A field with an initial value is not required (email: the user's); the locale has none.
        "attributes.settings.locale": [{"string": "This field is required.", "code": "invalid"}],
    }
    assert book.writes == []
    body = {
        "component": "ak-stage-prompt",
        "username": "admin",
        "name": "Ada Admin",
        "email": "ada@example.com",
        "attributes.settings.locale": "de",
    }
    passed = executor.post(SETTINGS, "", blank.plan, body, "akadmin")
    assert passed.again
    done = executor.get(SETTINGS, "", passed.plan, "akadmin")
    assert done.challenge == {"to": "/", "component": "xak-flow-redirect"}
    assert done.renamed == ("akadmin", "admin") and done.login is None
    assert book.writes == [
        (
            "akadmin",
            {
                "username": "admin",
                "name": "Ada Admin",
                "email": "ada@example.com",
                "attributes.settings.locale": "de",
            },
        )
    ]


def test_a_password_change_checks_the_pair_and_the_policy(executor: Executor, book: Book) -> None:
    plan = executor.get(PASSWORD_CHANGE, "", None, "akadmin").plan
    differ = executor.post(
        PASSWORD_CHANGE,
        "",
        plan,
        {"password": "long enough", "password_repeat": "other"},
        "akadmin",
    )
    assert (differ.challenge or {})["response_errors"] == {
        "non_field_errors": [{"string": "Passwords don't match.", "code": "invalid"}]
    }
    short = executor.post(
        PASSWORD_CHANGE, "", plan, {"password": "short", "password_repeat": "short"}, "akadmin"
    )
    assert (short.challenge or {})["response_errors"] == {
        "non_field_errors": [
            {"string": "Password needs to be 8 characters or longer.", "code": "invalid"}
        ]
    }
    body = {"password": "a new secret", "password_repeat": "a new secret"}
    passed = executor.post(PASSWORD_CHANGE, "", plan, body, "akadmin")
    executor.get(PASSWORD_CHANGE, "", passed.plan, "akadmin")
    # The writer discards what a user does not have (`password_repeat`), as authentik does.
    assert book.writes == [("akadmin", body)]


def test_a_username_another_user_has_is_refused(executor: Executor, book: Book) -> None:
    book.records["other"] = {"username": "other", "name": "", "email": "", "attributes": {}}
    plan = executor.get(SETTINGS, "", None, "akadmin").plan
    body = {
        "username": "other",
        "name": ["not", "text"],
        "email": "root@localhost",
        "attributes.settings.locale": "en",
    }
    step = executor.post(SETTINGS, "", plan, body, "akadmin")
    assert (step.challenge or {})["response_errors"] == {
        "username": [{"string": "Username is already taken.", "code": "invalid"}],
        "name": [{"string": "Not a valid string.", "code": "invalid"}],
    }
    assert book.writes == []


def test_an_identification_stage_with_a_password_stage_checks_both(
    users: dict[str, User], book: Book
) -> None:
    combined = FlowSpec(
        "combined",
        "Log in",
        "authentication",
        (
            Stage("IdentificationStage", {"user_fields": ["username"], "password_stage": "p1"}),
            Stage("UserLoginStage"),
        ),
    )
    FLOWS["combined"] = combined
    try:
        executor = Executor(users, avatar=str, flows=book)
        asked = executor.get("combined", "", None).challenge or {}
        assert asked["password_fields"] is True
        wrong = executor.post("combined", "", None, {"uid_field": "akadmin", "password": "no"})
        assert (wrong.challenge or {})["response_errors"] == {
            "non_field_errors": [{"string": "Failed to authenticate.", "code": "invalid"}]
        }
        assert wrong.failed == "akadmin"
        right = executor.post("combined", "", None, {"uid_field": "akadmin", "password": "secret"})
        assert executor.get("combined", "", right.plan).login == "akadmin"
    finally:
        del FLOWS["combined"]


def test_a_login_stage_without_a_real_user_denies(users: dict[str, User], book: Book) -> None:
    FLOWS["bare"] = FlowSpec(
        "bare", "t", "authentication", (Stage("IdentificationStage"), Stage("UserLoginStage"))
    )
    try:
        executor = Executor(users, avatar=str, flows=book)
        plan = executor.post("bare", "", None, {"uid_field": "nobody"}).plan
        denied = executor.get("bare", "", plan)
        assert (denied.challenge or {})["component"] == "ak-stage-access-denied"
        assert denied.login is None
    finally:
        del FLOWS["bare"]


def test_a_flow_in_progress_keeps_the_stages_it_was_planned_with(executor: Executor) -> None:
    plan = executor.post(LOGIN, QUERY, None, {"uid_field": "akadmin"}).plan
    original = FLOWS[LOGIN]
    # An administrator unbinds the identification stage while the password stage waits.
    FLOWS[LOGIN] = FlowSpec(LOGIN, original.title, original.designation, original.stages[1:])
    try:
        asked = executor.get(LOGIN, QUERY, plan).challenge or {}
        assert asked["component"] == "ak-stage-password"
    finally:
        FLOWS[LOGIN] = original


ENROLLING = {
    "username": "newcomer",
    "name": "Nia Newcomer",
    "email": "nia@example.com",
    "password": "a long secret",
    "password_repeat": "a long secret",
}


def test_an_enrollment_flow_makes_the_user_and_logs_it_in(executor: Executor, book: Book) -> None:
    asked = executor.get(ENROLLMENT, QUERY, None)
    assert [f["field_key"] for f in (asked.challenge or {})["fields"]] == list(ENROLLING)
    passed = executor.post(ENROLLMENT, QUERY, asked.plan, ENROLLING)
    assert passed.again
    done = executor.get(ENROLLMENT, QUERY, passed.plan)
    assert done.challenge == {"to": "/if/admin/", "component": "xak-flow-redirect"}
    assert done.login == "newcomer"
    # The stage's creation settings, and the prompt's data (the writer keeps what a user has).
    fields = {
        "path": "users/enrolled",
        "type": "internal",
        "is_active": True,
        "groups": ["g-staff"],
    }
    assert book.made == [(fields, ENROLLING)]
    assert book.writes == []


def test_an_enrollment_with_a_taken_username_is_refused_by_its_prompt(
    executor: Executor, book: Book
) -> None:
    plan = executor.get(ENROLLMENT, QUERY, None).plan
    step = executor.post(ENROLLMENT, QUERY, plan, {**ENROLLING, "username": "akadmin"})
    assert (step.challenge or {})["response_errors"] == {
        "username": [{"string": "Username is already taken.", "code": "invalid"}]
    }
    assert book.made == []


def test_a_logged_in_user_cannot_enroll(executor: Executor) -> None:
    step = executor.get(ENROLLMENT, QUERY, None, user="akadmin")
    # The flow's denied action (message and continue) goes on to a relative `next`.
    assert step.challenge == {"to": "/if/admin/", "component": "xak-flow-redirect"}


def test_a_recovery_flow_sets_the_password_of_the_user_it_identified(
    executor: Executor, book: Book
) -> None:
    plan = executor.get(RECOVERY, QUERY, None).plan
    identified = executor.post(RECOVERY, QUERY, plan, {"uid_field": "root@localhost"})
    # The email stage passes (no mailbox): the new password is asked next.
    asked = executor.get(RECOVERY, QUERY, identified.plan)
    assert (asked.challenge or {})["component"] == "ak-stage-prompt"
    body = {"password": "brand new one", "password_repeat": "brand new one"}
    passed = executor.post(RECOVERY, QUERY, asked.plan, body)
    done = executor.get(RECOVERY, QUERY, passed.plan)
    assert book.writes == [("akadmin", body)] and book.made == []
    assert done.login == "akadmin"


def test_a_recovery_for_someone_unknown_makes_nobody(executor: Executor, book: Book) -> None:
    plan = executor.get(RECOVERY, QUERY, None).plan
    identified = executor.post(RECOVERY, QUERY, plan, {"uid_field": "nobody@example.com"})
    asked = executor.get(RECOVERY, QUERY, identified.plan)
    body = {"password": "brand new one", "password_repeat": "brand new one"}
    passed = executor.post(RECOVERY, QUERY, asked.plan, body)
    done = executor.get(RECOVERY, QUERY, passed.plan)
    assert (done.challenge or {})["component"] == "ak-stage-access-denied"
    assert (done.challenge or {})["error_message"] == "No user found and can't create new user."
    assert book.writes == [] and book.made == []
