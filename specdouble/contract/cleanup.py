"""What a contract run made on the server, and deleting it afterwards.

Fuzzing creates objects: a run against a shared server must not leave them behind (a user
whose name holds control characters can break a real server's user list for everyone). Each
answer that created something (a 201, or a 200 to a POST on a collection) is matched to the
document's delete operation for it, the item path under the collection (`/users/{id}/`), or
under the collection an action belongs to (`/certificatekeypairs/generate/` makes a
certificate of `/certificatekeypairs/{kp_uuid}/`), and its key read from the answer (the path
parameter's own name, else `pk`, `id`, `uuid`, `slug`). After the run, they are deleted
newest first; what cannot be deleted is said.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

KEY_FIELDS = ("pk", "id", "uuid", "slug", "name")
"""Where an answer holds the key of what it made, after the path parameter's own name."""
TIMEOUT = 30.0
PARAMETER = re.compile(r"^\{([^}]+)\}$")


@dataclass(frozen=True, slots=True)
class Made:
    """An object a request made, and where to delete it."""

    made_by: str
    """`POST /policies/event_matcher/`: the operation that made it."""
    path: str
    """Its item path, relative to the base URL."""


@dataclass(frozen=True, slots=True)
class Deletable:
    """A collection whose objects the document deletes: its item path's key parameter."""

    item: str
    """The item path template (`/users/{id}/`)."""
    parameter: str


def deletable(document: Mapping[str, Any]) -> dict[str, Deletable]:
    """Collection path template -> how its objects are deleted, from the document's DELETE
    operations on `<collection>{key}` paths."""
    found: dict[str, Deletable] = {}
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, Mapping) or not isinstance(item.get("delete"), Mapping):
            continue
        parts = path.rstrip("/").split("/")
        match = PARAMETER.match(parts[-1]) if parts else None
        if match is None:
            continue
        collection = "/".join(parts[:-1]) + "/"
        found.setdefault(collection, Deletable(path, match.group(1)))
    return found


def made(
    deletions: Mapping[str, Deletable],
    template: str,
    concrete: str,
    method: str,
    status: int,
    body: bytes,
) -> Made | None:
    """What one answer made (None: nothing it can say, or nothing the document deletes)."""
    if method.upper() not in ("POST", "PUT") or status not in (200, 201):
        return None
    if method.upper() == "PUT" and status != 201:
        return None  # a PUT that answers 200 changed an object that was there
    try:
        answer = json.loads(body or b"null")
    except ValueError:
        return None
    if not isinstance(answer, Mapping):
        return None
    template, concrete = _collection(template), _collection(concrete)
    for depth in range(2):  # the collection itself, then the one an action of it belongs to
        deletion = deletions.get(template)
        if deletion is not None and (status == 201 or depth == 0):
            key = _key(answer, deletion.parameter)
            if key is None:
                return None
            tail = deletion.item[len(template) :].replace(f"{{{deletion.parameter}}}", str(key))
            return Made(f"{method.upper()} {template}", concrete + tail.lstrip("/"))
        template, concrete = _parent(template), _parent(concrete)
        if not template:
            return None
    return None


def _collection(path: str) -> str:
    return path if path.endswith("/") else path + "/"


def _parent(path: str) -> str:
    parts = path.rstrip("/").split("/")
    return "/".join(parts[:-1]) + "/" if len(parts) > 1 else ""


def _key(answer: Mapping[str, Any], parameter: str) -> Any:
    for name in (parameter, *KEY_FIELDS):
        value = answer.get(name)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
            return value
    return None


def delete(
    objects: Sequence[Made], base_url: str, headers: Mapping[str, str]
) -> tuple[int, list[str]]:
    """Delete what the run made, newest first: how many are gone, and a line for each that
    could not be deleted (a 404 is gone already: the run deleted it itself)."""
    gone, left = 0, []
    seen: set[str] = set()
    with httpx.Client(timeout=TIMEOUT, headers=dict(headers)) as client:
        for each in reversed(objects):
            if each.path in seen:
                continue
            seen.add(each.path)
            url = base_url.rstrip("/") + each.path
            try:
                answer = client.delete(url)
            except httpx.HTTPError as error:
                left.append(f"DELETE {each.path} (made by {each.made_by}): {error}")
                continue
            if answer.status_code < 300 or answer.status_code == 404:
                gone += 1
            else:
                text = answer.text[:200].strip()
                left.append(
                    f"DELETE {each.path} (made by {each.made_by}): {answer.status_code} {text}"
                )
    return gone, left
