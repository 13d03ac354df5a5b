"""The operations that describe the server and its caller, answered from the state instead of
generated data: who is logged in (`core/users/me/`), the version, the licence, the brand, the
configuration, system information and the workers.

Each answer is a `Respond` (the caller, the item key, the parameters, the body), registered by
operationId, built for one document and store: the version is the document's, the current user
is the record of `core/users/` whose username the caller has.
"""

from __future__ import annotations

import hashlib
import platform
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import orjson

from specdouble.data import images
from specdouble.resources.authentik import events, schedules
from specdouble.rest.actions import Answer, Body, Params, Respond
from specdouble.rest.auth import VIEW, Principal, User
from specdouble.state.store import Record, Store

USERS = "core_users"
GROUPS = "core_groups"
BRANDS = events.BRANDS
FLOWS = "flows_instances"
ROLES = "rbac_roles"
OUTPOSTS = "outposts_instances"
EMBEDDED_OUTPOST = "goauthentik.io/outposts/embedded"

DEFAULT_CONFIG: dict[str, Any] = {
    "error_reporting": {
        "enabled": False,
        "sentry_dsn": "",
        "environment": "customer",
        "send_pii": False,
        "traces_sample_rate": 0.1,
    },
    "capabilities": ["can_save_media", "can_save_reports", "can_impersonate", "is_enterprise"],
    "cache_timeout": 300,
    "cache_timeout_flows": 300,
    "cache_timeout_policies": 300,
}
"""`root/config/` of a default install, error reporting off."""
BRAND_FLAGS = {"flows_continuous_login": False, "flows_refresh_others": False}
LOGO = "/static/dist/assets/icons/icon_left_brand.svg"
FAVICON = "/static/dist/assets/icons/icon.png"
"""The default brand's pictures, which authentik's web build ships."""
FLOW_FIELDS = (
    "flow_authentication",
    "flow_user_switch",
    "flow_invalidation",
    "flow_recovery",
    "flow_unenrollment",
    "flow_user_settings",
    "flow_device_code",
    "flow_lockdown",
    "flow_request",
)


def version_of(document: Mapping[str, Any]) -> str:
    return str((document.get("info") or {}).get("version") or "")


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def uid_of(username: str) -> str:
    """A user's `uid`: authentik hashes the install's id with the username; here, the name."""
    return hashlib.sha256(f"mock-server:{username}".encode()).hexdigest()


class Answers:
    """The answers of one server, over its store and users."""

    def __init__(
        self, document: Mapping[str, Any], store: Store, users: Mapping[str, User]
    ) -> None:
        self.document = document
        self.store = store
        self.users = users
        self.version = version_of(document)

    def table(self) -> dict[str, Respond]:
        """operationId -> its answer."""
        answers: dict[str, Callable[[Principal, Params], Any]] = {
            "core_users_me_retrieve": lambda principal, _q: self.me(principal),
            "admin_version_retrieve": lambda _p, _q: self.version_info(),
            "enterprise_license_summary_retrieve": lambda _p, _q: self.license_summary(),
            "root_config_retrieve": lambda _p, _q: DEFAULT_CONFIG,
            "core_brands_current_retrieve": lambda _p, _q: self.current_brand(),
            "admin_system_retrieve": lambda _p, _q: self.system(),
            "tasks_workers_list": lambda _p, _q: self.workers(),
            "tasks_tasks_status_retrieve": lambda _p, _q: schedules.status(self.tasks()),
            "events_events_volume_list": lambda principal, query: events.volume(
                self.visible_events(principal), query, datetime.now(UTC)
            ),
            "events_events_top_per_user_list": lambda principal, query: events.top_per_user(
                self.visible_events(principal), query
            ),
        }
        return {operation_id: _responding(make) for operation_id, make in answers.items()}

    def tasks(self) -> list[Record]:
        self.store.sync()
        found = self.store.all(schedules.TASKS) if schedules.TASKS in self.store.counts() else []
        return list(found)

    def visible_events(self, principal: Principal) -> list[Record]:
        """The events the caller may see (none without the view permission)."""
        self.store.sync()
        return self.store.all(events.EVENTS) if principal.can(VIEW) else []

    # The caller.

    def user_record(self, username: str) -> Record | None:
        self.store.sync()
        found = self.store.referencing(USERS, "username", username)
        return found[0] if found else None

    def me(self, principal: Principal) -> dict[str, Any]:
        user = self.user_self(principal.user)
        return {"user": user, "users": [user]}

    def user_self(self, username: str) -> dict[str, Any]:
        """`UserSelf` of the user's record (or of the user alone, where the document has no
        users' collection)."""
        identity = self.users.get(username) or User(username=username)
        record = self.user_record(username) or {}
        name = record.get("name", identity.name)
        return {
            "pk": record.get("pk", 0),
            "username": username,
            "name": name,
            "is_active": record.get("is_active", identity.is_active),
            "is_superuser": record.get("is_superuser", identity.is_superuser),
            "is_current": True,
            "groups": self._groups(record, identity),
            "roles": self._roles(record),
            "email": record.get("email", identity.email),
            "avatar": record.get("avatar") or images.avatar(name or username),
            "uid": record.get("uid") or uid_of(username),
            "settings": {},
            "type": record.get("type", "internal"),
            "system_permissions": list(identity.system_permissions),
        }

    def _groups(self, record: Mapping[str, Any], identity: User) -> list[dict[str, str]]:
        shown = []
        for pk in record.get("groups") or ():
            group = self.store.get(GROUPS, str(pk))
            if group is not None:
                shown.append({"name": group.get("name", ""), "pk": str(pk)})
        if not shown:
            for name in identity.groups:
                found = self.store.referencing(GROUPS, "name", name)
                if found:
                    shown.append({"name": name, "pk": str(found[0]["pk"])})
        return shown

    def _roles(self, record: Mapping[str, Any]) -> list[dict[str, str]]:
        shown = []
        for pk in record.get("roles") or ():
            role = self.store.get(ROLES, str(pk))
            if role is not None:
                shown.append({"name": role.get("name", ""), "pk": str(pk)})
        return shown

    # The server.

    def version_info(self) -> dict[str, Any]:
        return {
            "version_current": self.version,
            "version_latest": self.version,
            "version_latest_valid": True,
            "build_hash": "",
            "outdated": False,
            "outpost_outdated": False,
        }

    def license_summary(self) -> dict[str, Any]:
        users = self.store.all(USERS)
        external = sum(1 for user in users if user.get("type") == "external")
        internal = sum(1 for user in users if user.get("type") == "internal")
        return {
            "internal_users": internal,
            "external_users": external,
            "status": "unlicensed",
            "latest_valid": "1970-01-01T00:00:00Z",
            "license_flags": [],
        }

    def default_brand(self) -> Record | None:
        self.store.sync()
        return events.default_brand(self.store)

    def flow_slug(self, pk: Any) -> str | None:
        if pk is None:
            return None
        found = self.store.referencing(FLOWS, "pk", pk)  # flows are keyed by slug
        return found[0].get("slug") if found else None

    def current_brand(self) -> dict[str, Any]:
        brand = self.default_brand() or {}
        shown: dict[str, Any] = {
            "matched_domain": brand.get("domain", "authentik-default"),
            "branding_title": brand.get("branding_title", "authentik"),
            "branding_logo": brand.get("branding_logo", LOGO),
            "branding_logo_themed_urls": None,
            "branding_favicon": brand.get("branding_favicon", FAVICON),
            "branding_favicon_themed_urls": None,
            "branding_custom_css": brand.get("branding_custom_css", ""),
            "branding_map_tiles": brand.get("branding_map_tiles", ""),
            "ui_footer_links": [],
            "ui_theme": "automatic",
        }
        for name in FLOW_FIELDS:
            slug = self.flow_slug(brand.get(name))
            if slug is not None:
                shown[name] = slug
        shown["default_locale"] = ""
        shown["flags"] = dict(BRAND_FLAGS)
        return shown

    def flow(self, slug: str) -> Record | None:
        """The flow with this slug (what a flow page shows: layout, title, background)."""
        self.store.sync()
        found = self.store.referencing(FLOWS, "slug", slug)
        return found[0] if found else None

    def default_flow(self, designation: str) -> str:
        """The slug of the brand's flow for `authentication` or `invalidation`."""
        slug = self.current_brand().get(f"flow_{designation}")
        return slug or f"default-{designation}-flow"

    def system(self) -> dict[str, Any]:
        return {
            "http_headers": {},
            "http_host": "127.0.0.1",
            "http_is_secure": False,
            "runtime": {
                "python_version": sys.version.split()[0],
                "environment": "custom",
                "architecture": platform.machine(),
                "platform": platform.platform(),
                "uname": " ".join(platform.uname()),
                "openssl_version": "OpenSSL 3",
                "openssl_fips_enabled": False,
                "authentik_version": self.version,
            },
            "brand": (self.default_brand() or {}).get("domain", "authentik-default"),
            "server_time": now(),
            "embedded_outpost_disabled": False,
            "embedded_outpost_host": self.embedded_outpost_host(),
            "base_url": "",
        }

    def embedded_outpost_host(self) -> str:
        """The embedded outpost's `authentik_host` (the admin interface sets it)."""
        for outpost in self.store.referencing(OUTPOSTS, "managed", EMBEDDED_OUTPOST):
            config = outpost.get("config")
            if isinstance(config, dict):
                return str(config.get("authentik_host") or "")
        return ""

    def workers(self) -> list[dict[str, Any]]:
        return [{"worker_id": "mock-server", "version": self.version, "version_matching": True}]


def _responding(make: Callable[[Principal, Params], Any]) -> Respond:
    def respond(principal: Principal, _key: str, params: Params, _body: Body) -> Answer:
        return Answer(200, orjson.dumps(make(principal, params)))

    return respond
