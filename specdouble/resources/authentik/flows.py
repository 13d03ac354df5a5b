"""authentik's flow executor, as plain functions over a session's plan and the flows of the
state: each flow's stages, in the order of its bindings (`flow_state.py` reads them).

`GET /api/v3/flows/executor/<slug>/?query=<the page's query>` answers the current stage's
challenge; `POST` answers a challenge. A stage that needs nothing from the browser runs at once
(authenticator validation without devices, user login, user logout, user write). When the flow
is done the answer is a redirect challenge to the `next` of the page's query. Wrong input is
answered with the stage's challenge and `response_errors`, as authentik does, never with a 400.

Stages the executor runs as authentik does: identification (by the stage's `user_fields`),
password, prompt (its fields, required values, the password pair, a password policy's minimum
length), user write (the prompt's data onto the pending user, or a new user as its creation
mode says: `password`, the user's own fields, `attributes.*`), user login, user logout, deny.
Other stages (consent, captcha, authenticator setup, email) pass at once: they need a device,
a mailbox or a third party.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import parse_qs, quote

from specdouble.errors import INVALID_EMAIL
from specdouble.rest.auth import User
from specdouble.rest.validation import FORMAT_CHECKS

IDENTIFICATION = "IdentificationStage"
PASSWORD = "PasswordStage"
PROMPT = "PromptStage"
USER_WRITE = "UserWriteStage"
USER_LOGIN = "UserLoginStage"
USER_LOGOUT = "UserLogoutStage"
DENY = "DenyStage"

COMPONENTS = {
    IDENTIFICATION: "ak-stage-identification",
    PASSWORD: "ak-stage-password",
    PROMPT: "ak-stage-prompt",
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
BLANK = "This field may not be blank."
PASSWORDS_DIFFER = "Passwords don't match."
NOT_APPLICABLE = "Flow does not apply to current user."
NO_PENDING_DATA = "No Pending data."
NO_USER = "No user found and can't create new user."
NOT_UPDATED = "Failed to update user. Please try again later."
FAILED_TO_AUTHENTICATE = "Failed to authenticate."
USERNAME_TAKEN = "Username is already taken."
NOT_A_STRING = "Not a valid string."
FLOW_NOT_FOUND = "No Flow matches the given query."
STATIC_TYPES = frozenset(
    {
        "hidden",
        "static",
        "alert_info",
        "alert_warning",
        "alert_danger",
        "text_read_only",
        "text_area_read_only",
        "separator",
    }
)
"""Prompt types the browser cannot change: they keep their initial value."""
NOT_WRITTEN = frozenset({"groups", "id", "pk", "uuid", "uid", "is_superuser", "component"})
"""What a user write stage never sets on a user (authentik's `disallowed_user_attributes`, and
what its model computes)."""


class UnknownFlow(LookupError):
    """No flow has this slug (any more)."""


@dataclass(frozen=True, slots=True)
class Stage:
    """One bound stage: its model's class name, its record, and for a prompt stage its fields
    (ordered) and validation policies (each with its model's class name as `kind`)."""

    kind: str
    values: Mapping[str, Any] = field(default_factory=dict)
    fields: tuple[Mapping[str, Any], ...] = ()
    policies: tuple[Mapping[str, Any], ...] = ()


UNBOUND = Stage("Unbound")
"""A planned stage no longer bound to its flow: it passes."""


@dataclass(frozen=True, slots=True)
class FlowSpec:
    """A flow as the executor runs it: what its page shows and its stages, in order."""

    slug: str
    title: str
    designation: str
    stages: tuple[Stage, ...]
    layout: str = "stacked"
    authentication: str = "none"
    denied_action: str = "message_continue"
    background: str = DEFAULT_BACKGROUND


class Flows(Protocol):
    """The flows of the state, and the users a flow writes."""

    def flow(self, slug: str) -> FlowSpec | None: ...

    def user(self, username: str) -> Mapping[str, Any] | None:
        """The user's record (what prompts show as initial values)."""
        ...

    def write_user(self, username: str, changes: Mapping[str, Any]) -> str:
        """Apply a user write stage's changes; answers the username afterwards. ValueError:
        the user could not be saved (a username another user has)."""
        ...

    def create_user(self, fields: Mapping[str, Any], changes: Mapping[str, Any]) -> str:
        """Make a user of `fields` (path, type, active, groups) with a user write stage's
        changes; answers its username. ValueError: it could not be saved."""
        ...


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
    renamed: tuple[str, str] | None = None
    """A user's old and new username (a user write changed it): a session of that user
    follows."""


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
        "background": flow.background or DEFAULT_BACKGROUND,
        "background_themed_urls": None,
        "cancel_url": cancel,
        "layout": flow.layout,
    }


def stage_prompt(prompt: Mapping[str, Any], initial: Any) -> dict[str, Any]:
    """A prompt as a challenge shows it (authentik's `StagePromptSerializer`)."""
    return {
        "field_key": str(prompt.get("field_key") or ""),
        "label": prompt.get("label") or "",
        "type": prompt.get("type") or "text",
        "required": bool(prompt.get("required", True)),
        "placeholder": ""
        if prompt.get("placeholder_expression")
        else prompt.get("placeholder") or "",
        "initial_value": "" if initial is None else str(initial),
        "order": prompt.get("order") or 0,
        "sub_text": prompt.get("sub_text") or "",
        "choices": None,
    }


def preview(prompt: Mapping[str, Any]) -> dict[str, Any]:
    """`stages/prompt/prompts/preview/`: the prompt as a flow would ask it (an expression's
    initial value is not run: it shows blank)."""
    initial = "" if prompt.get("initial_value_expression") else prompt.get("initial_value")
    return {"component": COMPONENTS[PROMPT], "fields": [stage_prompt(prompt, initial)]}


def value_at(record: Mapping[str, Any] | None, key: str) -> Any:
    """A prompt's `field_key` read from a user: `attributes.settings.locale` walks into
    `attributes`."""
    value: Any = record or {}
    for part in key.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


class Executor:
    """Runs the state's flows for the users it knows; `avatar` makes a pending user's
    picture."""

    def __init__(
        self, users: Mapping[str, User], avatar: Callable[[str], str], flows: Flows
    ) -> None:
        self.users = users
        self.avatar = avatar
        self.flows = flows

    def knows(self, slug: str) -> bool:
        return self.flows.flow(slug) is not None

    def find_user(
        self, identifier: str, fields: Sequence[str] = ("email", "username")
    ) -> User | None:
        """By username, or by email ignoring case, as the stage's `user_fields` allow."""
        user = self.users.get(identifier) if "username" in fields else None
        if user is None and "email" in fields:
            folded = identifier.casefold()
            user = next(
                (u for u in self.users.values() if u.email and u.email.casefold() == folded),
                None,
            )
        return user if user is not None and user.is_active else None

    # The two requests; `user` is who the session is logged in as.

    def get(
        self, slug: str, query: str, plan: Mapping[str, Any] | None, user: str | None = None
    ) -> Step:
        flow = self._flow(slug)
        current = self._plan(flow, query, plan, user)
        if current is None:
            return self._not_applicable(flow, query)
        return self._run(flow, current)

    def post(
        self,
        slug: str,
        query: str,
        plan: Mapping[str, Any] | None,
        body: Mapping[str, Any],
        user: str | None = None,
    ) -> Step:
        flow = self._flow(slug)
        current = self._plan(flow, query, plan, user)
        if current is None:
            return self._not_applicable(flow, query)
        stages = planned(flow, current)
        if current["stage"] >= len(stages):
            return self._run(flow, current)
        stage = stages[current["stage"]]
        if stage.kind == IDENTIFICATION:
            return self._identify(flow, current, stage, body)
        if stage.kind == PASSWORD:
            return self._password(flow, current, stage, body)
        if stage.kind == PROMPT:
            return self._prompt(flow, current, stage, body)
        return self._run(flow, current)

    # Planning and running.

    def _flow(self, slug: str) -> FlowSpec:
        flow = self.flows.flow(slug)
        if flow is None:
            raise UnknownFlow(slug)
        return flow

    def _plan(
        self, flow: FlowSpec, query: str, plan: Mapping[str, Any] | None, user: str | None
    ) -> dict[str, Any] | None:
        """The session's plan of this flow, or a new one; None where the flow does not apply
        to the caller (its `authentication` requirement)."""
        if plan and plan.get("flow") == flow.slug:
            return dict(plan)
        known = self.users.get(user or "")
        if flow.authentication == "require_authenticated" and user is None:
            return None
        if flow.authentication == "require_unauthenticated" and user is not None:
            return None
        if flow.authentication == "require_superuser" and not (known and known.is_superuser):
            return None
        return {
            "flow": flow.slug,
            "stage": 0,
            "next": page_query(query).get("next"),
            "pending_user": user,
            "failures": 0,
            "prompt_data": {},
            "stages": [_stage_id(stage, n) for n, stage in enumerate(flow.stages)],
        }

    def _not_applicable(self, flow: FlowSpec, query: str) -> Step:
        """authentik's `handle_invalid_flow`: on to a relative `next` where the flow's denied
        action continues, else the access denied stage."""
        next_url = page_query(query).get("next")
        continues = flow.denied_action in ("continue", "message_continue")
        if continues and next_url and not is_absolute(next_url):
            return Step({"to": next_url, "component": REDIRECT}, None)
        if flow.denied_action == "continue":
            return Step({"to": ROOT_REDIRECT, "component": REDIRECT}, None)
        return Step(self._denied(flow, {}, NOT_APPLICABLE), None)

    def _run(self, flow: FlowSpec, plan: dict[str, Any]) -> Step:
        """Run the stages that need nothing from the browser; stop at the first that does."""
        login: str | None = None
        logout = False
        stages = planned(flow, plan)
        while plan["stage"] < len(stages):
            stage = stages[plan["stage"]]
            if stage.kind in COMPONENTS:
                challenge = self._challenge(flow, plan, stage)
                return Step(challenge, plan, login=login, logout=logout)
            if stage.kind == USER_LOGIN:
                user = self.users.get(str(plan.get("pending_user") or ""))
                if user is None or not user.is_active:
                    return Step(self._denied(flow, plan, None), None)  # "No Pending user"
                login = user.username
            elif stage.kind == USER_LOGOUT:
                logout = True
            elif stage.kind == DENY:
                message = str(stage.values.get("deny_message") or "") or None
                return Step(self._denied(flow, plan, message), None)
            elif stage.kind == USER_WRITE:
                failure = self._write(plan, stage)
                if failure is not None:
                    return Step(self._denied(flow, plan, failure or None), None)
            plan["stage"] += 1
        return self._done(flow, plan, login=login, logout=logout)

    def _done(
        self, flow: FlowSpec, plan: Mapping[str, Any], *, login: str | None, logout: bool
    ) -> Step:
        # Logging out flushes the session, and with it the `next` it kept.
        next_url = ROOT_REDIRECT if logout else (plan.get("next") or ROOT_REDIRECT)
        if is_absolute(next_url):
            return Step(self._denied(flow, plan, INVALID_NEXT), None)
        renamed = plan.get("renamed")
        renamed = (str(renamed[0]), str(renamed[1])) if isinstance(renamed, list) else None
        challenge = {"to": next_url, "component": REDIRECT}
        return Step(challenge, None, login=login, logout=logout, renamed=renamed)

    def _challenge(self, flow: FlowSpec, plan: Mapping[str, Any], stage: Stage) -> dict[str, Any]:
        info = flow_info(flow, plan.get("next"))
        if stage.kind == IDENTIFICATION:
            values = stage.values
            return {
                "flow_info": info,
                "component": COMPONENTS[IDENTIFICATION],
                "user_fields": list(values.get("user_fields") or []),
                "pending_user_identifier": None,
                "password_fields": bool(values.get("password_stage")),
                "allow_show_password": False,
                "flow_designation": flow.designation,
                "captcha_stage": None,
                "primary_action": "Log in",
                "sources": [],
                "show_source_labels": bool(values.get("show_source_labels")),
                "enable_remember_me": bool(values.get("enable_remember_me")),
                "passkey_challenge": None,
            }
        if stage.kind == PROMPT:
            return {
                "flow_info": info,
                "component": COMPONENTS[PROMPT],
                "fields": [self._prompt_field(plan, prompt) for prompt in stage.fields],
            }
        pending = str(plan.get("pending_user") or "")
        known = self.users.get(pending)
        return {
            "flow_info": info,
            "component": COMPONENTS[PASSWORD],
            "pending_user": pending,
            "pending_user_avatar": self.avatar(known.name if known and known.name else pending),
            "allow_show_password": bool(stage.values.get("allow_show_password")),
        }

    def _prompt_field(self, plan: Mapping[str, Any], prompt: Mapping[str, Any]) -> dict[str, Any]:
        key = str(prompt.get("field_key") or "")
        given = plan.get("prompt_data") or {}
        if key in given:
            initial: Any = given[key]
        elif prompt.get("initial_value_expression"):
            # The default blueprints' expressions read the pending user's value of the key.
            user = self.flows.user(str(plan.get("pending_user") or ""))
            initial = value_at(user, key) if user is not None else ""
        else:
            initial = prompt.get("initial_value") or ""
        return stage_prompt(prompt, initial)

    def _denied(
        self, flow: FlowSpec, plan: Mapping[str, Any], message: str | None
    ) -> dict[str, Any]:
        pending = str(plan.get("pending_user") or "")
        challenge: dict[str, Any] = {
            "flow_info": flow_info(flow, plan.get("next")),
            "component": ACCESS_DENIED,
            "pending_user": pending,
            "pending_user_avatar": self.avatar(pending),
        }
        if message is not None:
            challenge["error_message"] = message
        return challenge

    def _invalid(
        self, flow: FlowSpec, plan: dict[str, Any], stage: Stage, errors: Mapping[str, str]
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

    def _identify(
        self, flow: FlowSpec, plan: dict[str, Any], stage: Stage, body: Mapping[str, Any]
    ) -> Step:
        identifier = body.get("uid_field")
        if not isinstance(identifier, str) or not identifier:
            return self._invalid(flow, plan, stage, {"non_field_errors": NO_IDENTIFICATION})
        fields = stage.values.get("user_fields") or ("email", "username")
        user = self.find_user(identifier, fields)
        if user is None and stage.values.get("pretend_user_exists") is False:
            return self._invalid(flow, plan, stage, {"non_field_errors": FAILED_TO_AUTHENTICATE})
        if stage.values.get("password_stage"):
            # An identification stage with a password stage checks both at once.
            password = body.get("password")
            if user is None or not isinstance(password, str) or not user.checks_password(password):
                step = self._invalid(
                    flow, plan, stage, {"non_field_errors": FAILED_TO_AUTHENTICATE}
                )
                step.failed = user.username if user else identifier
                return step
        # The default stage pretends that unknown users exist: the password stage refuses them.
        plan["pending_user"] = user.username if user else identifier
        plan["stage"] += 1
        return Step(None, plan, again=True)

    def _password(
        self, flow: FlowSpec, plan: dict[str, Any], stage: Stage, body: Mapping[str, Any]
    ) -> Step:
        password = body.get("password")
        if not isinstance(password, str) or not password:
            return self._invalid(flow, plan, stage, {"password": REQUIRED})
        user = self.users.get(str(plan.get("pending_user") or ""))
        if user is None or not user.checks_password(password):
            who = str(plan.get("pending_user") or "")
            plan["failures"] = int(plan.get("failures") or 0) + 1
            limit = _whole(stage.values.get("failed_attempts_before_cancel"))
            if plan["failures"] >= (limit or FAILED_ATTEMPTS_BEFORE_CANCEL):
                return Step(self._denied(flow, plan, INVALID_PASSWORD), None, failed=who)
            step = self._invalid(flow, plan, stage, {"password": INVALID_PASSWORD})
            step.failed = who
            return step
        plan["stage"] += 1
        return Step(None, plan, again=True)

    def _prompt(
        self, flow: FlowSpec, plan: dict[str, Any], stage: Stage, body: Mapping[str, Any]
    ) -> Step:
        answers: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for prompt in stage.fields:
            key = str(prompt.get("field_key") or "")
            kind = prompt.get("type") or "text"
            initial = self._prompt_field(plan, prompt)["initial_value"]
            if kind in STATIC_TYPES:
                answers[key] = initial
                continue
            # `Prompt.field`: a field with an initial value is not required (DRF takes the
            # default); which kinds may be blank.
            required = bool(prompt.get("required", True)) and not initial
            blank = BLANK_ALLOWED.get(kind, lambda required: False)(bool(prompt.get("required")))
            if key not in body:
                if initial:
                    answers[key] = initial
                elif required:
                    errors[key] = REQUIRED
                continue
            value, problem = _read_prompt(kind, body[key], blank)
            pending = str(plan.get("pending_user") or "")
            if problem is None and kind == "username" and self._taken(value, pending):
                problem = USERNAME_TAKEN
            if problem is not None:
                errors[key] = problem
            else:
                answers[key] = value
        if not errors:
            problem = _prompt_problem(stage, answers)
            if problem is not None:
                errors["non_field_errors"] = problem
        if errors:
            return self._invalid(flow, plan, stage, errors)
        plan["prompt_data"] = {**(plan.get("prompt_data") or {}), **answers}
        plan["stage"] += 1
        return Step(None, plan, again=True)

    def _taken(self, username: str, pending: str) -> bool:
        return username != pending and self.flows.user(username) is not None

    def _write(self, plan: dict[str, Any], stage: Stage) -> str | None:
        """A user write stage (`UserWriteStageView`): the prompt's data onto the pending user,
        or onto a new one where there is none (or the stage always creates) and its
        `user_creation_mode` allows; answers why it failed ("" for no message), or None."""
        data = plan.get("prompt_data")
        if not data:
            return NO_PENDING_DATA
        values = stage.values
        mode = str(values.get("user_creation_mode") or CREATE_WHEN_REQUIRED)
        pending = str(plan.get("pending_user") or "")
        changes = {key: value for key, value in data.items() if key not in NOT_WRITTEN}
        creating = mode == ALWAYS_CREATE or self.flows.user(pending) is None
        if creating and mode == NEVER_CREATE:
            return NO_USER
        username = changes.get("username", "" if creating else pending)
        if not isinstance(username, str) or not username:
            return ""  # authentik refuses to save a user without a username, and says nothing
        try:
            if creating:
                now = self.flows.create_user(new_user_fields(values), changes)
            else:
                now = self.flows.write_user(pending, changes)
        except ValueError:
            return NOT_UPDATED
        if creating:
            plan["pending_user"] = now
        elif now != pending:
            first = plan.get("renamed")
            plan["pending_user"], plan["renamed"] = now, [first[0] if first else pending, now]
        return None


NEVER_CREATE, CREATE_WHEN_REQUIRED, ALWAYS_CREATE = (
    "never_create",
    "create_when_required",
    "always_create",
)
DEFAULT_USER_PATH = "users"
DEFAULT_USER_TYPE = "external"


def new_user_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    """What a user write stage gives the user it makes: its path template (blank: authentik's
    default path), its user type (an internal service account is made a service account), its
    active flag, and its group."""
    kind = str(values.get("user_type") or DEFAULT_USER_TYPE)
    fields: dict[str, Any] = {
        "path": str(values.get("user_path_template") or "") or DEFAULT_USER_PATH,
        "type": "service_account" if kind == "internal_service_account" else kind,
        "is_active": not values.get("create_users_as_inactive"),
    }
    group = values.get("create_users_group")
    if group:
        fields["groups"] = [group]
    return fields


BLANK_ALLOWED: dict[str, Callable[[bool], bool]] = {
    "text": lambda required: not required,
    "text_area": lambda required: not required,
    "email": lambda required: not required,
    "ak-locale": lambda required: True,
}
"""The prompt kinds that may be answered blank (`Prompt.field`'s `allow_blank`)."""
NOT_AN_INTEGER = "A valid integer is required."
NOT_A_BOOLEAN = "Must be a valid boolean."
TRUE_WORDS = frozenset({"true", "on", "1", "yes", "y", "t"})
FALSE_WORDS = frozenset({"false", "off", "0", "no", "n", "f", ""})


def _read_prompt(kind: str, value: Any, blank: bool) -> tuple[Any, str | None]:
    """A prompt's answer as its DRF field reads it: (the value, or the refusal)."""
    if kind == "checkbox":  # BooleanField
        if isinstance(value, bool):
            return value, None
        word = str(value).strip().lower() if isinstance(value, str | int) else None
        if word in TRUE_WORDS or word in FALSE_WORDS:
            return word in TRUE_WORDS, None
        return None, NOT_A_BOOLEAN
    if kind == "number":  # IntegerField
        try:
            number = float(str(value)) if not isinstance(value, bool) else None
        except ValueError:
            number = None
        if number is None or not number.is_integer():
            return None, NOT_AN_INTEGER
        return int(number), None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None, NOT_A_STRING  # CharField
    text = str(value)
    if text == "" and not blank:
        return None, BLANK
    if kind == "email" and text and not FORMAT_CHECKS["email"](text):
        return None, INVALID_EMAIL
    return text, None


def _prompt_problem(stage: Stage, answers: Mapping[str, Any]) -> str | None:
    """The prompt stage's own checks: two password fields agree, and its password policies'
    minimum length (other policies are expressions the mock cannot run)."""
    passwords = [
        answers.get(str(p.get("field_key"))) for p in stage.fields if p.get("type") == "password"
    ]
    if len(passwords) == 2 and passwords[0] != passwords[1]:
        return PASSWORDS_DIFFER
    for policy in stage.policies:
        if policy.get("kind") != "PasswordPolicy":
            continue
        given = answers.get(str(policy.get("password_field") or "password"))
        if isinstance(given, str) and len(given) < _whole(policy.get("length_min")):
            return str(policy.get("error_message") or "")
    return None


def _whole(value: Any) -> int:
    """A stage's or policy's number as an integer (0 where it holds none)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _stage_id(stage: Stage, place: int) -> str:
    return str(stage.values.get("pk", place))


def planned(flow: FlowSpec, plan: Mapping[str, Any]) -> list[Stage]:
    """The stages the plan fixed when it began, as authentik's planner does: a binding added
    or removed meanwhile does not shift a flow in progress (a stage unbound since passes)."""
    ids = plan.get("stages")
    if not isinstance(ids, list):
        return list(flow.stages)
    current = {_stage_id(stage, n): stage for n, stage in enumerate(flow.stages)}
    return [current.get(str(i), UNBOUND) for i in ids]
