"""The flows the executor runs, read from the state on every request: a flow by its slug, its
stages in the order of its bindings (`FlowStageBinding.order`), a prompt stage's fields and
validation policies; and the user a user write stage changes, with the `model_updated` event
authentik records for it. An administrator's edits through the API (a stage bound, a prompt
added) change what the executor runs next.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import orjson

from specdouble.data.values import canonical_instant
from specdouble.errors import ApiError
from specdouble.resources.authentik import audit, defaults, events
from specdouble.resources.authentik.flows import DEFAULT_BACKGROUND, FlowSpec, Stage, preview
from specdouble.resources.authentik.users import is_superuser
from specdouble.rest.actions import Answer, Body, Params, Respond
from specdouble.rest.auth import ALL_PERMISSIONS, CHANGE, Principal, User
from specdouble.state.store import Store

FLOW, BINDING, PROMPT, USER = "Flow", "FlowStageBinding", "Prompt", "User"
PASSWORD = "_password"
"""Where a user's record keeps a password a flow set (no schema field: never shown)."""


def _now() -> str:
    return canonical_instant(datetime.now(UTC))


class LoginUsers(Mapping[str, User]):
    """Who can log in: the users of `tokens.yaml` (their passwords and permissions) as their
    records in `collection` are now (username, name, email, active, a password a flow set).
    A user whose record is gone keeps its `tokens.yaml` self. A `tokens.yaml` name still finds
    its user after a rename (a session that logged in under it stays logged in)."""

    def __init__(
        self,
        given: Mapping[str, User],
        store: Store,
        collection: str | None,
        groups: str | None = None,
    ) -> None:
        self.given = given
        self.store = store
        self.collection = collection
        self.groups = groups
        self.every_system_permission = tuple(
            dict.fromkeys(p for user in given.values() for p in user.system_permissions)
        )

    def _current(self) -> tuple[dict[str, User], dict[str, str]]:
        """The users by current name, and each `tokens.yaml` name's current one; rebuilt only
        when the users' collection changes."""
        if self.collection is None:
            return dict(self.given), {}
        self.store.sync()
        return self.store.view(self.collection, "login users", self._build)

    def _build(self) -> tuple[dict[str, User], dict[str, str]]:
        assert self.collection is not None
        current: dict[str, User] = {}
        renamed: dict[str, str] = {}
        for user in self.given.values():
            uuid = defaults.object_id("user", user.username)
            found = self.store.referencing(self.collection, "uuid", uuid)
            record = found[0] if found else None
            if record is not None:
                password = record.get(PASSWORD, user.password)
                user = dataclasses.replace(
                    user,
                    username=str(record.get("username") or user.username),
                    name=str(record.get("name") or ""),
                    email=str(record.get("email") or ""),
                    is_active=bool(record.get("is_active", user.is_active)),
                    password=password if isinstance(password, str) else user.password,
                )
            renamed[uuid] = user.username
            current.setdefault(user.username, user)
        given = {defaults.object_id("user", name) for name in self.given}
        for record in self.store.all(self.collection):
            # A user an administrator gave a password (`set_password`, a flow) logs in too,
            # with what a superuser may do or nothing (authentik's permissions per user are
            # not kept).
            password = record.get(PASSWORD)
            if not isinstance(password, str) or record.get("uuid") in given:
                continue
            superuser = self.groups is not None and is_superuser(self.store, self.groups, record)
            made = User(
                username=str(record.get("username") or ""),
                name=str(record.get("name") or ""),
                email=str(record.get("email") or ""),
                password=password,
                is_superuser=superuser,
                is_active=bool(record.get("is_active", True)),
                permissions=ALL_PERMISSIONS if superuser else frozenset(),
                system_permissions=self.every_system_permission if superuser else (),
            )
            current.setdefault(made.username, made)
        by_given = {
            name: renamed[defaults.object_id("user", name)]
            for name in self.given
            if renamed.get(defaults.object_id("user", name)) not in (None, name)
        }
        return current, by_given

    def __getitem__(self, username: str) -> User:
        current, by_given = self._current()
        if username in current:
            return current[username]
        return current[by_given[username]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._current()[0])

    def __len__(self) -> int:
        return len(self._current()[0])


MakeRecord = Callable[[Mapping[str, Any]], dict[str, Any]]
"""A create through a resource: the record it made of a body (the model's defaults filled)."""


class StoredFlows:
    """`flows.Flows` over a store; `collections`: each model class's collection; `make_user`:
    the users resource's create (a user a flow makes is made as the API makes one)."""

    def __init__(
        self, store: Store, collections: Mapping[str, str], make_user: MakeRecord | None = None
    ) -> None:
        self.store = store
        self.collections = collections
        self.make_user = make_user
        # Each kind's own collection, not the family's (`stages/all/` lists every kind).
        self.stages = {m: c for m, c in collections.items() if m.endswith("Stage") and m != "Stage"}
        self.policies = {
            m: c for m, c in collections.items() if m.endswith("Policy") and m != "Policy"
        }

    def _one(self, model: str, field: str, value: Any) -> dict[str, Any] | None:
        collection = self.collections.get(model)
        if collection is None:
            return None
        found = self.store.referencing(collection, field, value)
        return found[0] if found else None

    def _typed(self, kinds: Mapping[str, str], pk: Any) -> tuple[str, dict[str, Any]] | None:
        for kind, collection in kinds.items():
            record = self.store.get(collection, str(pk))
            if record is not None:
                return kind, record
        return None

    def flow(self, slug: str) -> FlowSpec | None:
        self.store.sync()
        record = self._one(FLOW, "slug", slug)
        if record is None:
            return None
        bindings = self.store.referencing(
            self.collections.get(BINDING, ""), "target", record.get("pk")
        )
        stages = []
        for binding in sorted(bindings, key=lambda b: _number(b.get("order"))):
            found = self._typed(self.stages, binding.get("stage"))
            if found is not None:
                stages.append(self._stage(*found))
        return FlowSpec(
            slug=slug,
            title=str(record.get("title") or ""),
            designation=str(record.get("designation") or ""),
            stages=tuple(stages),
            layout=str(record.get("layout") or "stacked"),
            authentication=str(record.get("authentication") or "none"),
            denied_action=str(record.get("denied_action") or "message_continue"),
            background=str(record.get("background") or "") or DEFAULT_BACKGROUND,
        )

    def _stage(self, kind: str, record: Mapping[str, Any]) -> Stage:
        prompts = self.collections.get(PROMPT)
        fields = []
        for pk in record.get("fields") or () if prompts else ():
            prompt = self.store.get(prompts, str(pk)) if prompts else None
            if prompt is not None:
                fields.append(prompt)
        policies = []
        for pk in record.get("validation_policies") or ():
            found = self._typed(self.policies, pk)
            if found is not None:
                policies.append({**found[1], "kind": found[0]})
        fields.sort(key=lambda prompt: _number(prompt.get("order")))
        return Stage(kind, record, tuple(fields), tuple(policies))

    def user(self, username: str) -> dict[str, Any] | None:
        self.store.sync()
        return self._one(USER, "username", username)

    def write_user(self, username: str, changes: Mapping[str, Any]) -> str:
        collection = self.collections[USER]
        with self.store.writing():
            record = self.user(username)
            if record is None:
                return username
            updated = _changed(record, changes)
            self._check_free(updated, record)
            self.store.put(collection, updated)
            self._event("model_updated", updated)
        return str(updated.get("username") or username)

    def create_user(self, fields: Mapping[str, Any], changes: Mapping[str, Any]) -> str:
        if self.make_user is None:
            raise ValueError("the document has no users to make")
        with self.store.writing():
            self._check_free(changes, None)
            body = {**fields, "username": changes.get("username"), "name": ""}
            body.update({k: v for k, v in changes.items() if k in ("name", "email")})
            try:
                made = self.make_user(body)
            except ApiError as refused:  # a group that is gone: authentik's IntegrityError
                raise ValueError(str(refused)) from refused
            updated = _changed(made, changes)
            self.store.put(self.collections[USER], updated)
            self._event("model_created", updated)
        return str(updated.get("username") or "")

    def _check_free(self, changed: Mapping[str, Any], record: Mapping[str, Any] | None) -> None:
        """authentik's IntegrityError: a username another user has."""
        name = changed.get("username")
        if record is not None and name == record.get("username"):
            return
        if any(
            other is not record
            for other in self.store.referencing(self.collections[USER], "username", name)
        ):
            raise ValueError(f"username {name!r} is taken")

    def _event(self, action: str, user: Mapping[str, Any]) -> None:
        label = audit.model_label(USER)
        if label is None:
            return
        name = user.get("username")
        model = {"app": label[0], "model_name": label[1], "pk": user.get("pk"), "name": name}
        events.record(
            self.store,
            action,
            str(name or ""),
            client_ip=None,
            context={"model": model},
            app=events.MIDDLEWARE,
        )


def _changed(record: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """The user `record` with a user write stage's changes (`UserWriteStageView.update_user`):
    the password kept aside, `attributes` merged, `attributes.a.b` set, the user's own fields
    replaced, anything else discarded."""
    updated = dict(record)
    attributes = dict(updated.get("attributes") or {})
    for key, value in changes.items():
        if key == "password":
            updated[PASSWORD] = str(value)
            updated["password_change_date"] = _now()
        elif key == "attributes" and isinstance(value, Mapping):
            attributes.update(value)
        elif key.startswith(("attributes.", "attributes_")):
            _set_path(
                attributes, key.replace("attributes_", "attributes.", 1).split(".")[1:], value
            )
        elif key in record:
            updated[key] = value
    updated["attributes"] = attributes
    updated["last_updated"] = _now()
    return updated


def _number(value: Any) -> float:
    """An `order` as a number (a fixture may hold anything there)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _set_path(target: dict[str, Any], path: list[str], value: Any) -> None:
    for part in path[:-1]:
        inner = target.get(part)
        target[part] = dict(inner) if isinstance(inner, Mapping) else {}
        target = target[part]
    if path:
        target[path[-1]] = value


SET_PASSWORD = "core_users_set_password_create"
PREVIEW = "stages_prompt_prompts_preview_create"


def preview_answers() -> dict[str, Respond]:
    """The prompt form's preview card: the prompt sent, as a flow's prompt stage asks it."""

    def respond(_principal: Principal, _key: str, _params: Params, body: Body) -> Answer:
        sent = body if isinstance(body, Mapping) else {}
        return Answer(200, orjson.dumps(preview(sent)))

    return {PREVIEW: respond}


def password_answers(store: Store, users: str | None) -> dict[str, Respond]:
    """`core/users/<pk>/set_password/`: the password the user then logs in with (kept in the
    state, never shown), as authentik's `UserViewSet.set_password`."""
    if users is None:
        return {}

    def set_password(principal: Principal, key: str, _params: Params, body: Body) -> Answer:
        if not principal.can(CHANGE):
            detail = {"detail": "You do not have permission to perform this action."}
            return Answer(403, orjson.dumps(detail))
        password = body.get("password") if isinstance(body, Mapping) else None
        if not isinstance(password, str) or not password:
            return Answer(400, orjson.dumps({"password": ["This field is required."]}))
        with store.writing():
            record = store.get(users, key)
            if record is None:
                return Answer(404, orjson.dumps({"detail": "No User matches the given query."}))
            store.put(users, {**record, PASSWORD: password, "password_change_date": _now()})
        return Answer(204, None)

    return {SET_PASSWORD: set_password}
