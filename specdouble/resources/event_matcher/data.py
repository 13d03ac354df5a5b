"""Realistic Event Matcher Policies and their bindings, from a seed.

Each build has its own seeded `Faker` (never the global one) and writes in a stable order, so
the same seed, count and document give byte-identical fixtures. Enum values come from the
OpenAPI document, so the data always fits the contract that is served.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from faker import Faker

from specdouble.data.values import canonical_instant
from specdouble.resources.event_matcher.rules import BINDINGS, COLLECTION

EPOCH = datetime(2026, 11, 1, tzinfo=UTC)
"""Generated timestamps lie before this fixed instant, never before "now": reproducible."""
HISTORY = timedelta(days=730)

ACTION_PHRASES = {
    "login": "logins",
    "login_failed": "failed logins",
    "logout": "logouts",
    "user_write": "user changes",
    "user_offboarded": "offboarded users",
    "suspicious_request": "suspicious requests",
    "password_set": "password changes",
    "secret_view": "secret views",
    "secret_rotate": "secret rotations",
    "invitation_used": "used invitations",
    "authorize_application": "application authorizations",
    "source_linked": "linked sources",
    "impersonation_started": "impersonation",
    "impersonation_ended": "ended impersonations",
    "flow_execution": "flow executions",
    "policy_execution": "policy executions",
    "policy_exception": "policy exceptions",
    "property_mapping_exception": "property mapping errors",
    "system_task_execution": "system tasks",
    "system_task_exception": "failed system tasks",
    "system_exception": "system exceptions",
    "configuration_error": "configuration errors",
    "configuration_warning": "configuration warnings",
    "model_created": "created objects",
    "model_updated": "updated objects",
    "model_deleted": "deleted objects",
    "email_sent": "sent emails",
    "update_available": "available updates",
    "export_ready": "finished exports",
    "review_initiated": "started access reviews",
    "review_overdue": "overdue access reviews",
    "review_attested": "attested access reviews",
    "review_completed": "completed access reviews",
    "access_request_created": "access requests",
    "access_request_approved": "approved access requests",
    "access_request_denied": "denied access requests",
    "access_request_revoked": "revoked access",
    "custom_": "custom events",
}
VERBS = ("Alert on", "Notify on", "Audit", "Track", "Watch", "Log", "Flag", "Escalate", "Report")
TEAMS = ("SecOps", "IT", "Helpdesk", "Compliance", "Platform", "IAM", "SOC", "DevOps")
BINDING_TARGETS = ("Application", "Flow", "Group", "User", "Notification Rule")
FLOW_SLUGS = (
    "default-authentication-flow",
    "default-invalidation-flow",
    "default-source-enrollment",
    "default-password-change",
    "default-recovery-flow",
    "default-provider-authorization-implicit-consent",
)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The enum values of the document, and which models belong to which app."""

    actions: Sequence[str]
    apps: Sequence[str]
    models: Sequence[str]

    def app_label(self, app: str) -> str:
        """`authentik.enterprise.providers.scim` and `authentik.providers.scim` share a label."""
        return app.replace("authentik.enterprise.", "authentik.").replace(".", "_")

    def app_of(self, model: str) -> str | None:
        label = model.split(".", 1)[0]
        owners = [app for app in self.apps if self.app_label(app) == label]
        return min(owners, key=lambda app: ("enterprise" in app, app)) if owners else None


def vocabulary(document: Mapping[str, Any]) -> Vocabulary:
    schemas = document["components"]["schemas"]
    return Vocabulary(
        actions=list(schemas["EventActions"]["enum"]),
        apps=list(schemas["AppEnum"]["enum"]),
        models=list(schemas["ModelEnum"]["enum"]),
    )


def generate(document: Mapping[str, Any], *, seed: int, count: int) -> dict[str, list[Any]]:
    """`count` policies and their bindings; the same arguments give the same data."""
    from faker import Faker  # here: a start-up from kept data never generates

    fake = Faker(["en_US"])
    fake.seed_instance(seed)
    words = vocabulary(document)
    policies: list[dict[str, Any]] = []
    bindings: list[dict[str, Any]] = []
    names: set[str] = set()
    for _ in range(count):
        policy = _policy(fake, words, names)
        policies.append(policy)
        for order in range(fake.random_element((0, 0, 0, 0, 1, 1, 2, 3))):
            bindings.append(_binding(fake, policy, order))
    policies.sort(key=lambda p: p["name"])
    return {COLLECTION: policies, BINDINGS: bindings}


def _uuid(fake: Faker) -> str:
    return str(uuid.UUID(int=fake.random.getrandbits(128), version=4))


def _policy(fake: Faker, words: Vocabulary, taken: set[str]) -> dict[str, Any]:
    action = fake.random_element(words.actions) if fake.boolean(70) else None
    model = app = None
    if fake.boolean(35):
        model = fake.random_element(words.models)
        app = words.app_of(model) if fake.boolean(60) else None
    elif fake.boolean(25):
        app = fake.random_element(words.apps)
    client_ip = None
    if fake.boolean(25):
        client_ip = fake.ipv4_public() if fake.boolean(75) else fake.ipv6()
    query = None
    if fake.boolean(15):
        query = _event_query(fake)
    if not any((action, model, app, client_ip, query)):
        action = fake.random_element(words.actions)
    created = EPOCH - timedelta(seconds=fake.random_int(3600, int(HISTORY.total_seconds())))
    updated = created + timedelta(
        seconds=fake.random_int(0, int((EPOCH - created).total_seconds()))
    )
    return {
        "pk": _uuid(fake),
        "name": _name(fake, taken, action=action, model=model, app=app, client_ip=client_ip),
        "execution_logging": fake.boolean(30),
        "action": action,
        "client_ip": client_ip,
        "app": app,
        "model": model,
        "query": query,
        "created": canonical_instant(created),
        "last_updated": canonical_instant(updated),
    }


def _name(
    fake: Faker,
    taken: set[str],
    *,
    action: str | None,
    model: str | None,
    app: str | None,
    client_ip: str | None,
) -> str:
    if action:
        subject = ACTION_PHRASES.get(action, action.replace("_", " "))
    elif model:
        subject = f"{model.split('.')[-1]} changes"
    elif app:
        subject = f"{app.split('.')[-1].replace('_', ' ')} events"
    else:
        subject = "matching events"
    if model and action:
        subject = f"{subject} of {model.split('.')[-1]}"
    qualifier = ""
    if client_ip:
        qualifier = f" from {fake.city()} office"
    elif fake.boolean(40):
        qualifier = f" ({fake.random_element(TEAMS)})"
    name = f"{fake.random_element(VERBS)} {subject}{qualifier}"
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name} #{number}", number + 1
    taken.add(candidate)
    return candidate


def _event_query(fake: Faker) -> str:
    return fake.random_element(
        (
            f'user.username = "{fake.user_name()}"',
            f'client_ip = "{fake.ipv4_public()}" and action = "login_failed"',
            f'context.geo.country != "{fake.country_code()}"',
            f'brand.domain = "{fake.domain_name()}"',
            f'app = "authentik.core" and context.model.name ~ "{fake.word()}"',
        )
    )


def _binding(fake: Faker, policy: Mapping[str, Any], order: int) -> dict[str, Any]:
    """A policy binding with the fields of authentik's `PolicyBinding`, plus `name`: the
    binding's description, which `used_by` shows."""
    kind = fake.random_element(BINDING_TARGETS)
    if kind == "Application":
        target = fake.random_element(("Grafana", "GitLab", "Nextcloud", "Jira", "Vault"))
        target = f"{target} ({fake.company()})"
    elif kind == "Flow":
        target = fake.random_element(FLOW_SLUGS)
    elif kind == "Group":
        target = fake.random_element(("authentik Admins", "Contractors", "Engineering", "Finance"))
    elif kind == "User":
        target = fake.user_name()
    else:
        target = f"Notify {fake.random_element(TEAMS)}"
    return {
        "pk": _uuid(fake),
        "policy": policy["pk"],
        "group": None,
        "user": None,
        "policy_obj": None,
        "group_obj": None,
        "user_obj": None,
        "target": _uuid(fake),
        "negate": fake.boolean(10),
        "enabled": fake.boolean(90),
        "order": order,
        "timeout": 30,
        "failure_result": False,
        "expires": None,
        "expiring": False,
        "name": f"Binding from {kind} {target} #{order} to Policy {policy['name']}",
    }
