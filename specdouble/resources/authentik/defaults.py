"""The objects a fresh authentik install has, put into the start-up data: the users of
`tokens.yaml` (first, with the smallest pks), the default groups, brand, flows and their
stages, as authentik's default blueprints create them.

Each default object starts from a generated record of its collection (so every field the
document asks for has a valid value) and then takes the values the blueprints give. Only the
collections the document has are touched; ids come from the names, so they are the same in
every run.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, MutableMapping
from typing import Any

from specdouble.data import images
from specdouble.data.synth import APPLICATION_NAMES
from specdouble.document.augment import unique_name
from specdouble.resources.authentik import blueprints, events
from specdouble.resources.authentik.answers import (
    BRANDS,
    EMBEDDED_OUTPOST,
    FAVICON,
    FLOWS,
    GROUPS,
    LOGO,
    OUTPOSTS,
    USERS,
    uid_of,
)
from specdouble.resources.authentik.flows import DEFAULT_BACKGROUND
from specdouble.rest.auth import User
from specdouble.rest.resource import ResourceSpec

Data = MutableMapping[str, list[dict[str, Any]]]
NAMESPACE = uuid.UUID("6ba7b812-9dad-11d1-80b4-00c04fd430c8")
JOINED = "2026-01-05T09:00:00.000000Z"

EVENTS = "events_events"
EVENT_APPS = {
    "model_created": "authentik.events.middleware",
    "model_updated": "authentik.events.middleware",
    "model_deleted": "authentik.events.middleware",
    "system_task_exception": "authentik.tasks.middleware",
    "configuration_error": "authentik.events.utils",
    "update_available": "authentik.admin.tasks",
}
"""The module that records each kind of event (the rest come from `authentik.events.signals`)."""

ADMINS, READ_ONLY = "authentik Admins", "authentik Read-only"
DEFAULT_GROUPS = {ADMINS: True, READ_ONLY: False}
"""Group name -> `is_superuser`."""


def object_id(*names: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(names)))


def _template(data: Data, collection: str) -> dict[str, Any]:
    records = data.get(collection) or [{}]
    return dict(records[0])


def apply(
    data: Data,
    keys: Mapping[str, str],
    users: Mapping[str, User],
    models: Mapping[str, ResourceSpec],
) -> None:
    """Put authentik's defaults into `data`, in place (`models`: each model's resource)."""
    collections = {model: spec.collection for model, spec in models.items()}
    _made_by_administrators(data, collections)
    if GROUPS in data:
        _groups(data, keys)
    if USERS in data:
        _users(data, users)
    _one_provider_each(data, collections)
    _tokens(data.get(collections.get("Token", "")) or [], data.get(USERS) or [])
    blueprints.apply(data, keys, models)
    if FLOWS in data:
        _flow_stages(data, collections)
    if BRANDS in data:
        _brand(data, keys)
    if OUTPOSTS in data:
        _embedded_outpost(data)
    if EVENTS in data:
        _events(data)
    blueprints.strip_marks(data)


def _made_by_administrators(data: Data, collections: Mapping[str, str]) -> None:
    """The generated objects are what an install's administrators made: none is managed by
    authentik (`ManagedModel.managed`: only blueprints and authentik itself set it), no group
    but the default admins' makes its members superusers, and an application launches at its
    own host."""
    for collection in sorted(set(collections.values())):
        for record in data.get(collection) or ():
            if "managed" in record:
                record["managed"] = None
    for record in data.get(GROUPS) or ():
        record["is_superuser"] = False
    for record in data.get(collections.get("Application", ""), ()):
        if record.get("meta_launch_url") and record.get("slug"):
            record["meta_launch_url"] = f"https://{record['slug']}.example.com/"


def _one_provider_each(data: Data, collections: Mapping[str, str]) -> None:
    """An application has a provider of its own (`Application.provider` is one-to-one), named
    after it as the application wizard names it; the providers no application uses are named
    after applications the install does not have; backchannels are left out."""
    applications = data.get(collections.get("Application", ""))
    if not applications:
        return
    # `Application.provider` is a key of the family (`providers/all/`).
    providers = {
        record.get("pk"): record for record in data.get(collections.get("Provider", ""), ())
    }
    taken: set[Any] = set()
    later = []
    for app in applications:
        if app.get("provider") in providers and app.get("provider") not in taken:
            taken.add(app.get("provider"))
        else:
            later.append(app)
    free = [pk for pk in sorted(providers, key=str) if pk not in taken]
    for app in later:  # a provider another application has: a free one, or none
        app["provider"] = free.pop(0) if free else None
        taken.add(app["provider"])
    names: set[str] = set()
    for app in applications:
        if "backchannel_providers" in app:
            app["backchannel_providers"], app["backchannel_providers_obj"] = [], []
        provider = providers.get(app.get("provider"))
        if provider is None:
            app["provider_obj"] = None
            continue
        provider["name"] = unique_name(f"Provider for {app.get('name')}", names, " ")
        if isinstance(app.get("provider_obj"), dict):
            app["provider_obj"] = {**app["provider_obj"], "name": provider["name"]}
    named = {str(app.get("name")) for app in applications}
    others = [n for n in APPLICATION_NAMES if n not in named] or ["Legacy app"]
    for number, pk in enumerate(pk for pk in sorted(providers, key=str) if pk not in taken):
        base = f"{others[number % len(others)]} provider"
        providers[pk]["name"] = unique_name(base, names, " ")


TOKEN_USES = (
    ("CI pipeline", "ci"),
    ("Terraform", "terraform"),
    ("Monitoring", "monitoring"),
    ("Backup job", "backup"),
    ("Command line", "cli"),
    ("Directory sync", "sync"),
)
"""What people make API tokens for: a description and a word for the identifier."""


def _tokens(tokens: list[dict[str, Any]], users: list[dict[str, Any]]) -> None:
    """A token's identifier and description say whose it is and what for, as people name
    them (`ci-akadmin`, "CI pipeline token of akadmin")."""
    taken: set[str] = set()
    usernames = {user.get("pk"): user.get("username") for user in users}
    for number, token in enumerate(tokens):
        description, word = TOKEN_USES[number % len(TOKEN_USES)]
        owner = usernames.get(token.get("user")) or "service"
        slug = re.sub(r"[^-a-zA-Z0-9_]+", "-", owner)  # a slug: `nichole.lee` -> `nichole-lee`
        token["identifier"] = unique_name(f"{word}-{slug}", taken, "-")
        token["description"] = f"{description} token of {owner}"


def _groups(data: Data, keys: Mapping[str, str]) -> None:
    key = keys.get(GROUPS, "pk")
    made = []
    for number, (name, superuser) in enumerate(DEFAULT_GROUPS.items(), start=1):
        record = _template(data, GROUPS)
        record.update(
            {
                key: object_id("group", name),
                "num_pk": number,
                "name": name,
                "is_superuser": superuser,
                "parents": [],
                "parents_obj": [],
                "children": [],
                "children_obj": [],
                "users": [],
                "users_obj": [],
                "roles": [],
                "roles_obj": [],
                "inherited_roles_obj": [],
                "attributes": {},
            }
        )
        made.append(record)
    generated = data[GROUPS]
    for offset, record in enumerate(generated, start=len(made) + 1):
        if "num_pk" in record:
            record["num_pk"] = offset
    data[GROUPS] = made + generated


def _users(data: Data, users: Mapping[str, User]) -> None:
    groups = {g.get("name"): g for g in data.get(GROUPS, [])}
    made = []
    for number, user in enumerate(users.values(), start=1):
        record = _template(data, USERS)
        member_of = [groups[name] for name in user.groups if name in groups]
        record.update(
            {
                "pk": number,
                "username": user.username,
                "name": user.name or user.username,
                "is_active": user.is_active,
                "last_login": None,
                "date_joined": JOINED,
                "is_superuser": user.is_superuser,
                "groups": [g["pk"] for g in member_of],
                "groups_obj": [
                    {
                        "pk": g["pk"],
                        "num_pk": g.get("num_pk", 0),
                        "name": g["name"],
                        "is_superuser": g.get("is_superuser", False),
                        "attributes": {},
                    }
                    for g in member_of
                ],
                "roles": [],
                "roles_obj": [],
                "email": user.email,
                "avatar": images.avatar(user.name or user.username),
                "attributes": {},
                "uid": uid_of(user.username),
                "path": "users",
                "type": "internal",
                "uuid": object_id("user", user.username),
                "password_change_date": JOINED,
                "last_updated": JOINED,
            }
        )
        made.append(record)
        for group in member_of:
            group.setdefault("users", []).append(number)
    taken = {user.username for user in users.values()}
    generated = [r for r in data[USERS] if r.get("username") not in taken]
    for number, record in enumerate(generated, start=len(made) + 1):
        # Most people of an install are active internal users; some come from outside.
        record["pk"] = number
        record["type"] = "external" if number % 5 == 0 else "internal"
        record["is_active"] = number % 7 != 0
    data[USERS] = made + generated


def _flow_stages(data: Data, collections: Mapping[str, str]) -> None:
    """What a flow's `stages` and a stage's `flow_set` read: the flows' bindings."""
    bindings = data.get(collections.get("FlowStageBinding", ""), [])
    flows = {f.get("pk"): f for f in data[FLOWS]}
    stages = {
        r.get("pk"): r
        for collection in set(collections.values())
        if collection.startswith("stages_")
        for r in data.get(collection, [])
        if "flow_set" in r
    }
    made_flows = {pk for pk, f in flows.items() if f.get("_blueprint")}
    for pk in made_flows:  # what the flow computes, as a stage's `flow_set` keeps it
        flow = flows[pk]
        flow["background_url"] = flow.get("background") or DEFAULT_BACKGROUND
        flow["export_url"] = f"/api/v3/flows/instances/{flow.get('slug')}/export/"
    for binding in sorted(bindings, key=lambda b: b.get("order", 0)):
        flow, stage = flows.get(binding.get("target")), stages.get(binding.get("stage"))
        if flow is None or stage is None or flow.get("pk") not in made_flows:
            continue
        flow.setdefault("stages", []).append(stage["pk"])
        if stage.get("_blueprint"):
            stage["flow_set"] = [*(stage.get("flow_set") or []), _flow_set(flow)]


FLOW_SET_FIELDS = (
    "pk",
    "policybindingmodel_ptr_id",
    "name",
    "slug",
    "title",
    "designation",
    "background_url",
    "policy_engine_mode",
    "compatibility_mode",
    "export_url",
    "layout",
    "denied_action",
)


def _flow_set(flow: Mapping[str, Any]) -> dict[str, Any]:
    """A flow as a stage's `flow_set` shows it (authentik's `FlowSetSerializer`)."""
    return {name: flow[name] for name in FLOW_SET_FIELDS if name in flow}


def _brand(data: Data, keys: Mapping[str, str]) -> None:
    record = _template(data, BRANDS)
    flows = {f.get("slug"): f.get("pk") for f in data.get(FLOWS, [])}
    record.update(
        {
            keys.get(BRANDS, "brand_uuid"): object_id("brand", "authentik-default"),
            "domain": "authentik-default",
            "default": True,
            "branding_title": "authentik",
            "branding_logo": LOGO,
            "branding_favicon": FAVICON,
            "branding_custom_css": "",
            "branding_default_flow_background": DEFAULT_BACKGROUND,
            "branding_map_tiles": "",
            "flow_authentication": flows.get("default-authentication-flow"),
            "flow_invalidation": flows.get("default-invalidation-flow"),
            "flow_user_settings": flows.get("default-user-settings-flow"),
            "flow_user_switch": None,
            "flow_recovery": None,
            "flow_unenrollment": None,
            "flow_device_code": None,
            "flow_lockdown": None,
            "flow_request": None,
            "default_application": None,
            "web_certificate": None,
            "client_certificates": [],
            "attributes": {},
        }
    )
    data[BRANDS] = [record]


def _embedded_outpost(data: Data) -> None:
    """authentik's embedded outpost, as a fresh install has it (no host configured yet: the
    admin interface sets `authentik_host` to its own origin on its first visit)."""
    record = _template(data, OUTPOSTS)
    pk = object_id("outpost", "embedded")
    record.update(
        {
            "pk": pk,
            "name": "authentik Embedded Outpost",
            "type": "proxy",
            "providers": [],
            "providers_obj": [],
            "service_connection": None,
            "service_connection_obj": None,
            "refresh_interval_s": 300,
            "token_identifier": f"ak-outpost-{pk}-api",
            "config": {
                "log_level": "info",
                "authentik_host": "",
                "authentik_host_browser": "",
                "authentik_host_insecure": False,
                "refresh_interval": "minutes=5",
                "object_naming_template": "ak-outpost-%(name)s",
            },
            "managed": EMBEDDED_OUTPOST,
        }
    )
    data[OUTPOSTS] = [record, *(r for r in data[OUTPOSTS] if r.get("managed") != EMBEDDED_OUTPOST)]


def _events(data: Data) -> None:
    """Events are about the users that exist, recorded by the module that records them."""
    users = data.get(USERS) or []
    brand = (data.get(BRANDS) or [{}])[0]
    for record in data[EVENTS]:
        action = str(record.get("action", ""))
        record["app"] = EVENT_APPS.get(action, "authentik.events.signals")
        if users:
            digest = int(uuid.UUID(str(record.get("pk", NAMESPACE))).hex[:8], 16)
            user = users[digest % len(users)]
            record["user"] = {
                "pk": user.get("pk"),
                "email": user.get("email", ""),
                "username": user.get("username", ""),
            }
        if brand:
            record["brand"] = events.brand_reference(brand)
