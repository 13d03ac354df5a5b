"""The profile of a plain OpenAPI document, and the hooks every profile has."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from specdouble.rest import inference
from specdouble.rest.actions import Action, Respond
from specdouble.rest.auth import Token, User
from specdouble.rest.dialect import PLAIN, Dialect
from specdouble.rest.resource import Resource, ResourceSpec, operation_names
from specdouble.state.store import Store

Data = dict[str, list[dict[str, Any]]]
Generate = Callable[..., Data]
"""`generate(document, seed=..., count=...)`: a collection's records (and its companions')."""


class BrowserSide(Protocol):
    """What the browser side's edge layers read of the server (`server/sessions.py`,
    `server/ui.py`): its brand, its flows."""

    def current_brand(self) -> dict[str, Any]: ...

    def flow(self, slug: str) -> dict[str, Any] | None: ...

    def default_flow(self, designation: str) -> str: ...


class Profile:
    """A plain OpenAPI document: resources found by DRF's names and by paths and schemas, held
    to its schemas, answered in its own error shapes (or RFC 9457), any credential taken."""

    name = "openapi"
    browser = False
    """authentik's browser side: session cookies, the flow executor, its web interface."""
    replacing: frozenset[str] = frozenset()
    """Operations a resource serves whose answer the profile's table gives instead."""
    data_waits = True
    """Whether a generated collection nothing at the start reads may be made when first read
    (`dataset.waits`); not where `start_objects` reads and writes the start-up data."""

    def __init__(self, dialect: Dialect = PLAIN) -> None:
        self.dialect = dialect

    def resources(
        self, document: Mapping[str, Any]
    ) -> tuple[list[inference.Inferred], dict[str, tuple[str, ...]]]:
        """The document's resources, and its unions (a collection -> its members)."""
        found = inference.infer(document)
        served = {name for item in found for name in operation_names(item.spec)}
        return found + inference.infer_plain(document, taken=served), {}

    def generators(self) -> Mapping[str, Generate]:
        """Collections whose data has a generator of its own (else `data/synth.py`)."""
        return {}

    def start_objects(
        self,
        document: Mapping[str, Any],
        data: Data,
        keys: dict[str, str],
        users: Mapping[str, User],
        models: Mapping[str, ResourceSpec],
    ) -> None:
        """Objects every fresh server of this kind has, put into the start-up data (and the
        keys of any collection it adds) in place; `models`: each model's resource, where the
        mock generated its data."""

    def answers(
        self,
        document: Mapping[str, Any],
        store: Store,
        users: Mapping[str, User],
        found: Sequence[inference.Inferred],
        unions: Mapping[str, tuple[str, ...]],
    ) -> dict[str, Respond]:
        """operationId -> a special answer, for operations no resource serves."""
        return {}

    def server(
        self, document: Mapping[str, Any], store: Store, users: Mapping[str, User]
    ) -> BrowserSide | None:
        """What the browser side reads of the server; None: no browser side."""
        return None

    def audit(self, resources: list[Resource], actions: dict[str, Action]) -> None:
        """Record what the server records of each write (in place; nothing here)."""

    def compose(
        self,
        document: Mapping[str, Any],
        found: Sequence[inference.Inferred],
        resources: list[Resource],
    ) -> dict[str, Respond]:
        """operationId -> the answer of an operation made of several resources' writes."""
        return {}

    def credentials(
        self, tokens: Mapping[str, Token], store: Store, found: Sequence[inference.Inferred]
    ) -> Mapping[str, Token]:
        """The tokens that authenticate, by key: those given (`tokens.yaml`)."""
        return tokens

    def people(
        self, users: Mapping[str, User], store: Store, found: Sequence[inference.Inferred]
    ) -> Mapping[str, User]:
        """Who can log in, by username: those given (`tokens.yaml`)."""
        return users

    def is_identity(self, users: Mapping[str, User]) -> Callable[[Mapping[str, Any]], bool]:
        """Whether a start-up record is one of the users the mock's own tokens need (it
        stands in for a recorded user of the same name): none, unless the profile keeps
        its users as records."""
        return lambda _record: False

    def lookups(self) -> Mapping[str, Any]:
        """Lookup operations the responder answers from the document's enums."""
        return {}
