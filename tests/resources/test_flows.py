"""authentik's default flows, run by the executor as plain functions."""

from __future__ import annotations

from typing import Any

import pytest

from specdouble.resources.authentik.flows import Executor, Step
from specdouble.rest.auth import User

LOGIN = "default-authentication-flow"
LOGOUT = "default-invalidation-flow"
QUERY = "next=%2Fif%2Fadmin%2F"
USERS = {
    "akadmin": User("akadmin", "authentik Default Admin", "root@localhost", "secret"),
    "gone": User("gone", "Gone", "gone@example.com", "secret", is_active=False),
}


@pytest.fixture
def executor() -> Executor:
    return Executor(USERS, avatar=lambda name: f"avatar:{name}")


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
