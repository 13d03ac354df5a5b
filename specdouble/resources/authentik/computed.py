"""Fields authentik computes from the state on every read, as its models' properties and its
serializers' methods do, instead of storing them:

- a flow's `background_url`: its background, else the default picture (`Flow.background_url`);
- an application's `launch_url`: its own `meta_launch_url`, else its provider's (a proxy's
  external host, an OAuth2 provider's first redirect URI without its path)
  (`Application.get_launch_url`, `Provider.launch_url`);
- a provider's `assigned_application_*` and `assigned_backchannel_application_*`: the
  application that uses it (`Provider.application`, `backchannel_application`);
- a certificate-key pair's download URLs (`CertificateKeyPairSerializer`), a flow's
  `export_url` (`FlowSerializer`);
- a group's `inherited_roles_obj`, where asked: the roles of its ancestors that are not its
  own (`Group.all_roles`, `GroupSerializer.get_inherited_roles_obj`);
- an outpost's `token_identifier` and `refresh_interval_s` (from its config's
  `refresh_interval`), and a provider's `outpost_set`: the outposts that serve it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import urlparse, urlunparse

from specdouble.resources.authentik.flows import DEFAULT_BACKGROUND
from specdouble.resources.authentik.writes import timedelta_from_string
from specdouble.rest import inference
from specdouble.rest.inference import Inferred
from specdouble.rest.resource import Computed, Record, ResourceSpec
from specdouble.state.store import Store

Compute = Callable[[Store, Record], dict[str, Any]]


def with_computed_fields(found: Sequence[Inferred]) -> list[Inferred]:
    """The resources, each showing what authentik computes of its objects."""
    by_model = inference.by_model(found)
    applications = by_model.get("Application")
    providers = by_model.get("Provider")
    roles = by_model.get("Role")
    outposts = by_model.get("Outpost")
    made = []
    for item in found:
        spec = item.spec
        extra: list[Compute] = []
        if "background_url" in spec.fields and "background" in spec.properties:
            extra.append(_background_url)
        if spec.model == "Application" and "launch_url" in spec.fields and providers:
            extra.append(_launch_url(providers.collection))
        assigned = {f for f in spec.fields if f.startswith("assigned_") and "application" in f}
        if assigned and applications:
            extra.append(_assigned(applications.collection, spec.key, frozenset(assigned)))
        if "certificate_download_url" in spec.fields:
            extra.append(_downloads)
        if spec.model == "Flow" and "export_url" in spec.fields:
            extra.append(_export_url)
        hierarchy = {"parents", "roles"} <= set(spec.properties)
        if "inherited_roles_obj" in spec.fields and hierarchy and roles is not None:
            extra.append(_inherited_roles(spec.collection, spec.key, roles))
        if spec.model == "Outpost" and {"token_identifier", "refresh_interval_s"} <= set(
            spec.fields
        ):
            extra.append(_outpost(spec.key))
        if "outpost_set" in spec.fields and outposts is not None:
            extra.append(_outpost_set(outposts.collection, spec.key))
        if extra:
            spec = replace(spec, computed=_joined(spec.computed, extra))
            item = replace(item, spec=spec)
        made.append(item)
    return made


def _joined(computed: Computed, extra: Sequence[Compute]) -> Computed:
    def compute(store: Store, record: Record) -> dict[str, Any]:
        values = computed(store, record)
        for each in extra:
            values.update(each(store, record))
        return values

    return compute


def _background_url(_store: Store, record: Record) -> dict[str, Any]:
    return {"background_url": record.get("background") or DEFAULT_BACKGROUND}


def _launch_url(providers: str) -> Compute:
    def compute(store: Store, record: Record) -> dict[str, Any]:
        if record.get("meta_launch_url"):
            return {"launch_url": record["meta_launch_url"]}
        provider = None
        if record.get("provider") is not None:
            found = store.referencing(providers, "pk", record["provider"])
            provider = found[0] if found else None
        return {"launch_url": provider_launch_url(provider) if provider else None}

    return compute


def provider_launch_url(provider: Mapping[str, Any]) -> str | None:
    """A proxy's external host; an OAuth2 provider's first redirect URI without its path."""
    if provider.get("external_host"):
        return str(provider["external_host"])
    redirects = provider.get("redirect_uris")
    if isinstance(redirects, list) and redirects and isinstance(redirects[0], Mapping):
        try:
            return urlunparse(urlparse(str(redirects[0].get("url", "")))._replace(path=""))
        except ValueError:
            return None
    return None


def _assigned(applications: str, key: str, shown: frozenset[str]) -> Compute:
    """The application a provider serves and the one it is a backchannel of, each by slug and
    name, where the provider's answer shows them (a SCIM provider shows only the second)."""

    def compute(store: Store, record: Record) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for field, prefix in (("provider", ""), ("backchannel_providers", "backchannel_")):
            using = store.referencing(applications, field, record.get(key))
            if not using and field == "backchannel_providers":  # a list: its reverse map
                by_provider = store.view(
                    applications, "by backchannel provider", _backchannels(store, applications)
                )
                using = by_provider.get(str(record.get(key)), [])
            app = using[0] if using else {}
            values[f"assigned_{prefix}application_slug"] = app.get("slug")
            values[f"assigned_{prefix}application_name"] = app.get("name")
        return {name: value for name, value in values.items() if name in shown}

    return compute


def _backchannels(store: Store, applications: str) -> Callable[[], dict[str, list[Record]]]:
    def build() -> dict[str, list[Record]]:
        found: dict[str, list[Record]] = {}
        for app in store.all(applications):
            for provider in app.get("backchannel_providers") or []:
                found.setdefault(str(provider), []).append(app)
        return found

    return build


def _downloads(_store: Store, record: Record) -> dict[str, Any]:
    base = f"/api/v3/crypto/certificatekeypairs/{record.get('pk')}"
    return {
        "certificate_download_url": f"{base}/view_certificate/?download",
        "private_key_download_url": f"{base}/view_private_key/?download"
        if record.get("private_key_available")
        else None,
    }


def _export_url(_store: Store, record: Record) -> dict[str, Any]:
    return {"export_url": f"/api/v3/flows/instances/{record.get('slug')}/export/"}


OUTPOST_REFRESH = "minutes=5"
"""`OutpostConfig.refresh_interval`'s default."""


def _outpost(key: str) -> Compute:
    """An outpost's API token's identifier (`Outpost.token_identifier`) and how often it
    refreshes, in seconds, from its config (`OutpostSerializer.get_refresh_interval_s`)."""

    def compute(_store: Store, record: Record) -> dict[str, Any]:
        config = record.get("config")
        refresh = config.get("refresh_interval") if isinstance(config, Mapping) else None
        try:
            seconds = timedelta_from_string(str(refresh or OUTPOST_REFRESH)).total_seconds()
        except (OverflowError, ValueError):
            seconds = timedelta_from_string(OUTPOST_REFRESH).total_seconds()
        return {
            "token_identifier": f"ak-outpost-{record.get(key)}-api",
            "refresh_interval_s": int(seconds),
        }

    return compute


def _outpost_set(outposts: str, key: str) -> Compute:
    """The outposts that serve a provider, each as `Outpost.__str__` writes it."""

    def compute(store: Store, record: Record) -> dict[str, Any]:
        mine = str(record.get(key))
        serving = (
            outpost
            for outpost in store.all(outposts)
            if mine in {str(each) for each in outpost.get("providers") or ()}
        )
        return {"outpost_set": [f"Outpost {outpost.get('name')}" for outpost in serving]}

    return compute


def _inherited_roles(groups: str, key: str, roles: ResourceSpec) -> Compute:
    """The roles of a group's ancestors (its parents', theirs, ...) that it has not itself,
    each as its own list shows it (pk and name)."""
    fields = tuple(roles.fields)

    def compute(store: Store, record: Record) -> dict[str, Any]:
        seen, waiting, held = {str(record.get(key))}, list(record.get("parents") or []), []
        while waiting:
            parent = waiting.pop(0)
            if str(parent) in seen:
                continue
            seen.add(str(parent))
            for ancestor in store.referencing(groups, key, parent)[:1]:
                held += ancestor.get("roles") or []
                waiting += ancestor.get("parents") or []
        own = {str(role) for role in record.get("roles") or []}
        inherited = [
            found
            for role in dict.fromkeys(str(role) for role in held if str(role) not in own)
            for found in store.referencing(roles.collection, roles.key, role)[:1]
        ]
        return {
            "inherited_roles_obj": [{name: role.get(name) for name in fields} for role in inherited]
        }

    return compute
