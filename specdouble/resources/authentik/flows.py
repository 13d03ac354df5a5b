"""authentik's flow executor for its default flows, as plain functions over a session's plan.

`GET /api/v3/flows/executor/<slug>/?query=<the page's query>` answers the current stage's
challenge; `POST` answers a challenge. A stage that needs nothing from the browser runs at once
(authenticator validation without devices, user login, user logout). When the flow is done the
answer is a redirect challenge to the `next` of the page's query. Wrong input is answered with
the stage's challenge and `response_errors`, as authentik does, never with a 400.

The stages and texts are those of authentik's default blueprints (`default-authentication-flow`:
identification by username or email, password, authenticator validation, user login;
`default-invalidation-flow`: user logout).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote

from specdouble.rest.auth import User

IDENTIFICATION = "identification"
PASSWORD = "password"
AUTHENTICATOR_VALIDATE = "authenticator_validate"
USER_LOGIN = "user_login"
USER_LOGOUT = "user_logout"

COMPONENTS = {
    IDENTIFICATION: "ak-stage-identification",
    PASSWORD: "ak-stage-password",
}
REDIRECT = "xak-flow-redirect"
ACCESS_DENIED = "ak-stage-access-denied"
DEFAULT_BACKGROUND = "/static/dist/assets/images/flow_background.jpg"
ROOT_REDIRECT = "/"
CANCEL_PATH = "/flows/-/cancel/"
FAILED_ATTEMPTS_BEFORE_CANCEL = 5

NO_IDENTIFICATION = "No identification data provided."
INVALID_PASSWORD = "Invalid password"
INVALID_NEXT = "Invalid next URL"
REQUIRED = "This field is required."
FLOW_NOT_FOUND = "No Flow matches the given query."


@dataclass(frozen=True, slots=True)
class FlowSpec:
    """One of authentik's default flows: what its record shows and the stages it runs."""

    slug: str
    name: str
    title: str
    designation: str
    stages: tuple[str, ...]
    layout: str = "stacked"
    authentication: str = "none"


DEFAULT_FLOWS: tuple[FlowSpec, ...] = (
    FlowSpec(
        "default-authentication-flow",
        "Welcome to authentik!",
        "Welcome to authentik!",
        "authentication",
        (IDENTIFICATION, PASSWORD, AUTHENTICATOR_VALIDATE, USER_LOGIN),
    ),
    FlowSpec(
        "default-invalidation-flow",
        "Logout",
        "Default Invalidation Flow",
        "invalidation",
        (USER_LOGOUT,),
    ),
    FlowSpec(
        "default-provider-invalidation-flow",
        "Logged out of application",
        "You've logged out of %(app)s.",
        "invalidation",
        (),
    ),
    FlowSpec(
        "default-user-settings-flow",
        "User settings",
        "Update your info",
        "stage_configuration",
        (),
        authentication="require_authenticated",
    ),
    FlowSpec(
        "default-password-change",
        "Change Password",
        "Change password",
        "stage_configuration",
        (),
        authentication="require_authenticated",
    ),
)
FLOWS_BY_SLUG = {flow.slug: flow for flow in DEFAULT_FLOWS}


@dataclass(slots=True)
class Step:
    """What one executor request did: the challenge to answer with, or a redirect to the
    executor itself (after a stage passed), and what becomes of the session."""

    challenge: dict[str, Any] | None
    plan: dict[str, Any] | None
    """The session's plan afterwards (None: no flow in progress)."""
    login: str | None = None
    """A user to log the session in as."""
    logout: bool = False
    again: bool = False
    """The stage passed: answer 302 to the executor's own URL, as authentik does."""
    failed: str | None = None
    """Who failed to log in (a wrong password), for the event log."""


def page_query(query: str) -> dict[str, str]:
    """The page's query string (the executor's `query` parameter), one value a name."""
    return {name: values[0] for name, values in parse_qs(query, keep_blank_values=True).items()}


def is_absolute(url: str) -> bool:
    """Whether a `next` leaves this server (authentik refuses those)."""
    return "://" in url or url.startswith("//")


def flow_info(flow: FlowSpec, next_url: str | None) -> dict[str, Any]:
    cancel = CANCEL_PATH + (f"?next={quote(next_url, safe='')}" if next_url else "")
    return {
        "title": flow.title,
        "background": DEFAULT_BACKGROUND,
        "background_themed_urls": None,
        "cancel_url": cancel,
        "layout": flow.layout,
    }


class Executor:
    """Runs the default flows for the users it knows; `avatar` makes a pending user's picture."""

    def __init__(
        self,
        users: Mapping[str, User],
        avatar: Callable[[str], str],
        flows: Mapping[str, FlowSpec] = FLOWS_BY_SLUG,
    ) -> None:
        self.users = users
        self.avatar = avatar
        self.flows = flows

    def knows(self, slug: str) -> bool:
        return slug in self.flows

    def find_user(self, identifier: str) -> User | None:
        """By username, or by email ignoring case (the default stage's `user_fields`)."""
        user = self.users.get(identifier)
        if user is None:
            folded = identifier.casefold()
            user = next(
                (u for u in self.users.values() if u.email and u.email.casefold() == folded),
                None,
            )
        return user if user is not None and user.is_active else None

    # The two requests.

    def get(self, slug: str, query: str, plan: Mapping[str, Any] | None) -> Step:
        return self._run(self._plan(slug, query, plan))

    def post(
        self,
        slug: str,
        query: str,
        plan: Mapping[str, Any] | None,
        body: Mapping[str, Any],
    ) -> Step:
        current = self._plan(slug, query, plan)
        flow = self.flows[slug]
        if current["stage"] >= len(flow.stages):
            return self._run(current)
        stage = flow.stages[current["stage"]]
        if stage == IDENTIFICATION:
            return self._identify(flow, current, body)
        if stage == PASSWORD:
            return self._password(flow, current, body)
        return self._run(current)

    # Planning and running.

    def _plan(self, slug: str, query: str, plan: Mapping[str, Any] | None) -> dict[str, Any]:
        if plan and plan.get("flow") == slug:
            return dict(plan)
        return {
            "flow": slug,
            "stage": 0,
            "next": page_query(query).get("next"),
            "pending_user": None,
            "failures": 0,
        }

    def _run(self, plan: dict[str, Any]) -> Step:
        """Run the stages that need nothing from the browser; stop at the first that does."""
        flow = self.flows[plan["flow"]]
        login: str | None = None
        logout = False
        while plan["stage"] < len(flow.stages):
            stage = flow.stages[plan["stage"]]
            if stage in COMPONENTS:
                step = Step(self._challenge(flow, plan, stage), plan, login=login, logout=logout)
                return step
            if stage == USER_LOGIN:
                login = plan.get("pending_user")
            elif stage == USER_LOGOUT:
                logout = True
            plan["stage"] += 1
        return self._done(flow, plan, login=login, logout=logout)

    def _done(
        self, flow: FlowSpec, plan: Mapping[str, Any], *, login: str | None, logout: bool
    ) -> Step:
        # Logging out flushes the session, and with it the `next` it kept.
        next_url = ROOT_REDIRECT if logout else (plan.get("next") or ROOT_REDIRECT)
        if is_absolute(next_url):
            return Step(self._denied(flow, plan, INVALID_NEXT), None)
        return Step({"to": next_url, "component": REDIRECT}, None, login=login, logout=logout)

    def _challenge(self, flow: FlowSpec, plan: Mapping[str, Any], stage: str) -> dict[str, Any]:
        info = flow_info(flow, plan.get("next"))
        if stage == IDENTIFICATION:
            return {
                "flow_info": info,
                "component": COMPONENTS[IDENTIFICATION],
                "user_fields": ["email", "username"],
                "pending_user_identifier": None,
                "password_fields": False,
                "allow_show_password": False,
                "flow_designation": flow.designation,
                "captcha_stage": None,
                "primary_action": "Log in",
                "sources": [],
                "show_source_labels": False,
                "enable_remember_me": False,
                "passkey_challenge": None,
            }
        pending = str(plan.get("pending_user") or "")
        known = self.users.get(pending)
        return {
            "flow_info": info,
            "component": COMPONENTS[PASSWORD],
            "pending_user": pending,
            "pending_user_avatar": self.avatar(known.name if known and known.name else pending),
            "allow_show_password": False,
        }

    def _denied(self, flow: FlowSpec, plan: Mapping[str, Any], message: str) -> dict[str, Any]:
        pending = str(plan.get("pending_user") or "")
        return {
            "flow_info": flow_info(flow, plan.get("next")),
            "component": ACCESS_DENIED,
            "pending_user": pending,
            "pending_user_avatar": self.avatar(pending),
            "error_message": message,
        }

    def _invalid(
        self, flow: FlowSpec, plan: dict[str, Any], stage: str, errors: Mapping[str, str]
    ) -> Step:
        challenge = self._challenge(flow, plan, stage)
        shown = {name: [{"string": message, "code": "invalid"}] for name, message in errors.items()}
        # authentik puts `response_errors` right after `component`.
        ordered: dict[str, Any] = {}
        for key, value in challenge.items():
            ordered[key] = value
            if key == "component":
                ordered["response_errors"] = shown
        return Step(ordered, plan)

    # The stages that read an answer.

    def _identify(self, flow: FlowSpec, plan: dict[str, Any], body: Mapping[str, Any]) -> Step:
        identifier = body.get("uid_field")
        if not isinstance(identifier, str) or not identifier:
            return self._invalid(
                flow, plan, IDENTIFICATION, {"non_field_errors": NO_IDENTIFICATION}
            )
        user = self.find_user(identifier)
        # The default stage pretends that unknown users exist: the password stage refuses them.
        plan["pending_user"] = user.username if user else identifier
        plan["stage"] += 1
        return Step(None, plan, again=True)

    def _password(self, flow: FlowSpec, plan: dict[str, Any], body: Mapping[str, Any]) -> Step:
        password = body.get("password")
        if not isinstance(password, str) or not password:
            return self._invalid(flow, plan, PASSWORD, {"password": REQUIRED})
        user = self.users.get(str(plan.get("pending_user") or ""))
        if user is None or not user.checks_password(password):
            who = str(plan.get("pending_user") or "")
            plan["failures"] = int(plan.get("failures") or 0) + 1
            if plan["failures"] >= FAILED_ATTEMPTS_BEFORE_CANCEL:
                return Step(self._denied(flow, plan, INVALID_PASSWORD), None, failed=who)
            step = self._invalid(flow, plan, PASSWORD, {"password": INVALID_PASSWORD})
            step.failed = who
            return step
        plan["stage"] += 1
        return Step(None, plan, again=True)
