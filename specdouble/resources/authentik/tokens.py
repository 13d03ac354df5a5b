"""authentik's API tokens as credentials. A token made through the API (`core/tokens/`) has a
key of its own, which `view_key` shows; an API token (`intent: api`) that has not expired
authenticates as its user, with what its user may do: everything for a superuser, nothing
else for anyone else (authentik's model permissions, which the mock does not keep per user).
The keys come from the token's identity, so they are the same in every run and replica."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

import orjson

from specdouble.resources.authentik import audit, defaults, events
from specdouble.resources.authentik.users import is_superuser
from specdouble.rest import inference
from specdouble.rest.actions import Answer, Body, Params, Respond
from specdouble.rest.auth import ALL_PERMISSIONS, VIEW, Principal, Token
from specdouble.rest.inference import Inferred
from specdouble.state.store import Record, Store

VIEW_KEY = "core_tokens_view_key_retrieve"
TOKEN, USER, GROUP = "Token", "User", "Group"
API = "api"
VIEWS_MODULE = "authentik.core.api.tokens"
"""The app an event names where a view records it: the view's module (`Event.new`)."""


def key_of(record: Mapping[str, Any]) -> str:
    """A token's key: 60 characters, as authentik's `default_token_key` makes them."""
    return hashlib.sha256(f"authentik-token/{record.get('pk')}".encode()).hexdigest()[:60]


class TokenBook(Mapping[str, Token]):
    """The tokens of `tokens.yaml`, then those the state holds, by key."""

    def __init__(
        self, static: Mapping[str, Token], store: Store, found: Sequence[Inferred]
    ) -> None:
        self.static = static
        self.store = store
        by_model = inference.by_model(found)
        self.tokens = by_model.get(TOKEN)
        self.users = by_model.get(USER)
        self.groups = by_model.get(GROUP)
        self.backed = {key for key, token in static.items() if self._record_of(token)}
        """The `tokens.yaml` tokens whose user the state holds at the start (where fixtures
        give the users, it may hold none of them)."""

    def __getitem__(self, key: str) -> Token:
        if key in self.static:
            return self._as_now(self.static[key])
        if self.tokens is None or self.users is None:
            raise KeyError(key)
        collection = self.tokens.collection
        self.store.sync()  # a token made or revoked through another worker
        keys = self.store.view(collection, "token keys", self._keys)
        record = keys.get(key)
        if record is None or record.get("intent") != API:
            raise KeyError(key)
        owners = self.store.referencing(self.users.collection, "pk", record.get("user"))
        if not owners or not owners[0].get("is_active", True):
            raise KeyError(key)
        owner = owners[0]
        superuser = self.groups is not None and is_superuser(
            self.store, self.groups.collection, owner
        )
        expires = record.get("expires") if record.get("expiring", True) else None
        return Token(
            key=key,
            user=str(owner.get("username")),
            description=str(record.get("description") or ""),
            permissions=ALL_PERMISSIONS if superuser else frozenset(),
            expires=datetime.fromisoformat(expires.replace("Z", "+00:00")) if expires else None,
        )

    def _as_now(self, token: Token) -> Token:
        """A `tokens.yaml` token names its user as the user's record does now: an API write
        or a flow may have renamed it, and a token belongs to a user, not to a name. Deleting
        the user deletes its tokens (authentik's foreign key cascades): the key is refused
        until the state is reset (or the session that deleted it ends)."""
        if self.users is None:
            return token
        self.store.sync()
        record = self._record_of(token)
        if record is None and token.key in self.backed:
            raise KeyError(token.key)
        name = record.get("username") if record else None
        return replace(token, user=str(name)) if name and name != token.user else token

    def _record_of(self, token: Token) -> Record | None:
        if self.users is None:
            return None
        uuid = defaults.object_id("user", token.user)
        found = self.store.referencing(self.users.collection, "uuid", uuid)
        return found[0] if found else None

    def _keys(self) -> dict[str, Record]:
        assert self.tokens is not None
        return {key_of(record): record for record in self.store.all(self.tokens.collection)}

    def __iter__(self) -> Iterator[str]:
        return iter(self.static)

    def __len__(self) -> int:
        return len(self.static)


def answers(found: Sequence[Inferred], store: Store) -> dict[str, Respond]:
    """`view_key`: the key of a token the caller may see."""
    tokens = next((r.spec for r in found if r.spec.model == TOKEN), None)
    if tokens is None:
        return {}
    collection = tokens.collection

    users = next((r.spec for r in found if r.spec.model == USER), None)

    def owned_by(principal: Principal, record: Mapping[str, Any]) -> bool:
        if users is None:
            return False
        owner = store.referencing(users.collection, "pk", record.get("user"))
        return bool(owner) and owner[0].get("username") == principal.user

    def view_key(principal: Principal, key: str, _params: Params, _body: Body) -> Answer:
        """As authentik: the caller's own tokens, or any for one who may view tokens."""
        store.sync()
        record = store.get(collection, key)
        if record is not None and not (principal.can(VIEW) or owned_by(principal, record)):
            record = None
        if record is None:
            detail = {"detail": f"No {TOKEN} matches the given query."}
            return Answer(404, orjson.dumps(detail))
        label = audit.model_label(TOKEN)
        if label is not None:  # authentik logs every view of a secret
            secret = audit.model_dict(label, TOKEN, record, record.get("pk"))
            events.record(
                store,
                "secret_view",
                principal.user,
                client_ip=None,
                context={"secret": secret},
                app=VIEWS_MODULE,
            )
        return Answer(200, orjson.dumps({"key": key_of(record)}))

    return {VIEW_KEY: view_key}
