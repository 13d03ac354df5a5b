"""The profile of authentik's documents: DRF's, plus what authentik's server does beyond its
resources. The Event Matcher Policy's rules and data, the `all` families, a fresh install's
objects, the answers that describe the server, the lookups, and the browser side."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from specdouble.profiles.base import Data, Generate
from specdouble.profiles.drf import DrfProfile
from specdouble.resources import CUSTOMISATIONS
from specdouble.resources.authentik import defaults, families
from specdouble.resources.authentik.answers import Answers
from specdouble.resources.authentik.lookups import LOOKUPS
from specdouble.resources.event_matcher import rules as event_matcher
from specdouble.resources.event_matcher.data import generate as generate_policies
from specdouble.rest import inference
from specdouble.rest.actions import Respond
from specdouble.rest.auth import User
from specdouble.state.store import Store


class AuthentikProfile(DrfProfile):
    name = "authentik"
    browser = True

    def resources(
        self, document: Mapping[str, Any]
    ) -> tuple[list[inference.Inferred], dict[str, tuple[str, ...]]]:
        found = inference.customise(inference.infer(document), CUSTOMISATIONS)
        family = families.find(found)
        unions = {each.collection: each.members for each in family}
        return families.customise(found, family), unions

    def generators(self) -> Mapping[str, Generate]:
        return {event_matcher.COLLECTION: generate_policies}

    def start_objects(self, data: Data, keys: Mapping[str, str], users: Mapping[str, User]) -> None:
        defaults.apply(data, keys, users)

    def server(
        self, document: Mapping[str, Any], store: Store, users: Mapping[str, User]
    ) -> Answers:
        """The answers that describe the server and its caller (also read by the browser side)."""
        return Answers(document, store, users)

    def answers(
        self,
        document: Mapping[str, Any],
        store: Store,
        users: Mapping[str, User],
        found: Sequence[inference.Inferred],
        unions: Mapping[str, tuple[str, ...]],
    ) -> dict[str, Respond]:
        family = [families.Family(collection, members) for collection, members in unions.items()]
        return {**self.server(document, store, users).table(), **families.answers(found, family)}

    def lookups(self) -> Mapping[str, Any]:
        return LOOKUPS
