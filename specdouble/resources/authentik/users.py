"""What authentik computes of users rather than stores: a user is a superuser where one of
its groups has superuser status, directly or through the group's ancestors (`User.is_superuser`
is `all_groups().filter(is_superuser=True).exists()`); the paths the users lie under
(`core/users/paths/`, the user list's folder tree)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import orjson

from specdouble.rest.actions import Answer, Body, Params, Respond
from specdouble.rest.auth import Principal
from specdouble.rest.inference import Inferred
from specdouble.rest.resource import Computed, Record, Resource
from specdouble.state.store import Store

PATHS = "core_users_paths_retrieve"

USER, GROUP = "User", "Group"


def superuser_status(found: Sequence[Inferred]) -> list[Inferred]:
    """The resources, the user's showing its superuser status as its groups give it."""
    groups = next((r.spec for r in found if r.spec.model == GROUP), None)
    if groups is None:
        return list(found)
    made = []
    for item in found:
        spec = item.spec
        if spec.model == USER and "is_superuser" in spec.fields and "groups" in spec.properties:
            spec = replace(spec, computed=_with_status(spec.computed, groups.collection))
        made.append(replace(item, spec=spec) if spec is not item.spec else item)
    return made


def _with_status(computed: Computed, groups: str) -> Computed:
    def compute(store: Store, record: Record) -> dict[str, Any]:
        return {**computed(store, record), "is_superuser": is_superuser(store, groups, record)}

    return compute


def is_superuser(store: Store, groups: str, user: Record) -> bool:
    seen: set[str] = set()
    waiting = [str(pk) for pk in user.get("groups") or []]
    while waiting:
        pk = waiting.pop()
        if pk in seen:
            continue
        seen.add(pk)
        group = store.get(groups, pk)
        if group is None:
            continue
        if group.get("is_superuser"):
            return True
        waiting += [str(parent) for parent in group.get("parents") or []]
    return False


def paths_answers(resources: Sequence[Resource]) -> dict[str, Respond]:
    """`core/users/paths/`: the distinct paths of the users the list would show for the same
    search, in order (authentik's `UserViewSet.paths`), so the folder tree is the users'."""
    users = next((r for r in resources if r.spec.model == USER and "path" in r.spec.fields), None)
    if users is None:
        return {}

    def paths(principal: Principal, _key: str, params: Params, _body: Body) -> Answer:
        found = {str(user.get("path") or "") for user in users.matching(principal, params)}
        return Answer(200, orjson.dumps({"paths": sorted(found)}))

    return {PATHS: paths}
