"""The profile of authentik's documents: DRF's, plus what authentik's server does beyond its
resources. The Event Matcher Policy's rules and data, the `all` families, a fresh install's
objects, the answers that describe the server, the lookups, and the browser side."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from specdouble.profiles.base import Data, Generate
from specdouble.profiles.drf import DrfProfile
from specdouble.resources import CUSTOMISATIONS
from specdouble.resources.authentik import audit, defaults, families, settings
from specdouble.resources.authentik.answers import Answers
from specdouble.resources.authentik.facts import field_defaults
from specdouble.resources.authentik.lookups import LOOKUPS
from specdouble.resources.event_matcher import rules as event_matcher
from specdouble.resources.event_matcher.data import generate as generate_policies
from specdouble.rest import inference
from specdouble.rest.actions import Action, Respond
from specdouble.rest.auth import User
from specdouble.rest.resource import Resource, ResourceSpec
from specdouble.rest.validation import can_show
from specdouble.state.store import Store


def with_model_defaults(document: Mapping[str, Any], spec: ResourceSpec) -> ResourceSpec:
    """The spec, with what its model's fields start as (authentik's sources) for the writable
    fields a create may leave out, where the object's schema can show it (a blank URL or a
    null many-to-many it cannot); a default the document states wins."""
    model = field_defaults().get(spec.model, {})
    known = {
        name: value
        for name, value in model.items()
        if name in spec.writable
        and name in spec.properties
        and can_show(document, spec.properties[name], value)
    }
    return replace(spec, defaults={**known, **spec.defaults}) if known else spec


class AuthentikProfile(DrfProfile):
    name = "authentik"
    browser = True

    def __init__(self, *, lenient: bool = False) -> None:
        super().__init__(lenient=lenient)
        self._server: Answers | None = None

    def resources(
        self, document: Mapping[str, Any]
    ) -> tuple[list[inference.Inferred], dict[str, tuple[str, ...]]]:
        found = inference.customise(inference.infer(document), CUSTOMISATIONS)
        found = [replace(item, spec=with_model_defaults(document, item.spec)) for item in found]
        found = [replace(item, spec=audit.filterable(item.spec)) for item in found]
        family = families.find(found)
        unions = {each.collection: each.members for each in family}
        return families.customise(found, family), unions

    def generators(self) -> Mapping[str, Generate]:
        return {event_matcher.COLLECTION: generate_policies}

    def start_objects(
        self,
        document: Mapping[str, Any],
        data: Data,
        keys: dict[str, str],
        users: Mapping[str, User],
    ) -> None:
        defaults.apply(data, keys, users)
        made = settings.default_settings(document)
        if made is not None:
            data[settings.SETTINGS] = [made]
            keys[settings.SETTINGS] = "pk"

    def server(
        self, document: Mapping[str, Any], store: Store, users: Mapping[str, User]
    ) -> Answers:
        """The answers that describe the server and its caller, made once for its store
        (`answers` and the browser side read the same)."""
        if self._server is None or self._server.store is not store:
            self._server = Answers(document, store, users)
        return self._server

    def answers(
        self,
        document: Mapping[str, Any],
        store: Store,
        users: Mapping[str, User],
        found: Sequence[inference.Inferred],
        unions: Mapping[str, tuple[str, ...]],
    ) -> dict[str, Respond]:
        family = [families.Family(collection, members) for collection, members in unions.items()]
        return {
            **self.server(document, store, users).table(),
            **families.answers(found, family),
            **settings.answers(store),
        }

    def audit(self, resources: list[Resource], actions: dict[str, Action]) -> None:
        audit.audited(resources, actions)

    def lookups(self) -> Mapping[str, Any]:
        return LOOKUPS
