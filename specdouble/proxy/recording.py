"""What a real server answered, kept as the mock's own fixture files: one JSON list per
collection (`data/fixtures.py`'s format), each record under its key, secrets masked, so that
`serve --fixtures DIR` serves the recorded data, statefully.

A list read or an item read keeps the objects it shows (a newer answer replaces an object
whole); a create or an update keeps what it answered; a delete drops the object. Recording
into a folder that holds files already merges with them, by key."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from specdouble.data import fixtures
from specdouble.document import openapi
from specdouble.document.files import write_atomically
from specdouble.rest.inference import Inferred

MASK = "***"
SECRET_NAME = re.compile(
    r"(^|_)(password|passwd|secret|private_key|api_key|apikey|access_token|refresh_token"
    r"|key_data|client_secret|credentials?)($|_)",
    re.IGNORECASE,
)
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})


class Collection:
    """One resource's recorded records, by key, in the order they were first seen."""

    def __init__(self, resource: Inferred, document: Mapping[str, Any]) -> None:
        self.name = resource.spec.collection
        self.key = resource.spec.key
        self.secrets = secret_fields(document, resource.spec.properties)
        self.records: dict[str, dict[str, Any]] = {}

    def keep(self, record: Mapping[str, Any]) -> bool:
        if self.key not in record or record[self.key] is None:
            return False
        kept = {
            name: MASK if name in self.secrets and isinstance(value, str) and value else value
            for name, value in record.items()
        }
        identity = _identity(record[self.key])
        if self.records.get(identity) == kept:
            return False
        self.records[identity] = kept
        return True

    def drop(self, key: str) -> bool:
        for identity in (_identity(key), _identity(_number(key))):
            if identity in self.records:
                del self.records[identity]
                return True
        return False


class Recorder:
    """Records a document's resources into `directory`."""

    def __init__(
        self,
        directory: Path,
        document: Mapping[str, Any],
        resources: Sequence[Inferred],
        unions: Iterable[str] = (),
        target: str = "",
    ) -> None:
        self.directory = directory
        self.target = target
        skipped = set(unions)
        kept = [r for r in resources if r.spec.collection not in skipped]
        self.collections = {r.spec.collection: Collection(r, document) for r in kept}
        self.paths: list[tuple[re.Pattern[str], Collection, bool]] = []
        for resource in kept:
            collection = self.collections[resource.spec.collection]
            self.paths.append((_pattern(resource.collection_path), collection, False))
            if resource.item_path:
                self.paths.append((_pattern(resource.item_path), collection, True))
        # Literal paths first, as a router matches them (`/users/me/` before `/users/{id}/`).
        self.paths.sort(key=lambda entry: entry[0].pattern.count("[^/]+"))
        self._load()

    def _load(self) -> None:
        for collection in self.collections.values():
            path = self.directory / f"{collection.name}.json"
            if not path.is_file():
                continue
            try:
                records = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise fixtures.FixtureError(f"{path}: not readable JSON: {error}") from error
            for record in records if isinstance(records, list) else []:
                if isinstance(record, dict):
                    collection.keep(record)

    def observe(self, method: str, relative_path: str, status: int, body: Any) -> set[str]:
        """Keep what one answer shows; the names of the collections that changed."""
        found = self._where(relative_path)
        if found is None or status >= 300:
            return set()
        collection, item_key = found
        changed = False
        method = method.upper()
        if method == "DELETE" and item_key is not None:
            changed = collection.drop(item_key)
        elif method == "GET" or method in WRITE_METHODS:
            for record in shown_records(body, collection.key):
                changed = collection.keep(record) or changed
        return {collection.name} if changed else set()

    def _where(self, relative_path: str) -> tuple[Collection, str | None] | None:
        for pattern, collection, is_item in self.paths:
            matched = pattern.match(relative_path)
            if matched:
                return collection, (matched.group(matched.lastindex or 0) if is_item else None)
        return None

    def write(self, names: Iterable[str]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        recorded = {name for name, c in self.collections.items() if c.records}
        fixtures.write_recording(self.directory, self.target, sorted(recorded))
        for name in sorted(set(names)):
            records = list(self.collections[name].records.values())
            write_atomically(self.directory / f"{name}.json", fixtures.dumps(records).encode())

    def counts(self) -> dict[str, int]:
        return {name: len(c.records) for name, c in self.collections.items() if c.records}


def shown_records(body: Any, key: str) -> list[dict[str, Any]]:
    """The objects an answer shows: an object with its key; the items of a bare list, of
    DRF's `results`, or of an envelope's array (`{"data": [...]}`); an envelope's object."""
    if isinstance(body, dict) and key in body:
        return [body]
    if isinstance(body, list):
        return [item for item in body if isinstance(item, dict) and key in item]
    if isinstance(body, dict):
        for value in body.values():
            if isinstance(value, list) and any(isinstance(i, dict) and key in i for i in value):
                return [item for item in value if isinstance(item, dict) and key in item]
            if isinstance(value, dict) and key in value:
                return [value]
    return []


def secret_fields(document: Mapping[str, Any], properties: Mapping[str, Any]) -> frozenset[str]:
    """The fields whose values a recording never keeps: named as secrets, `writeOnly`, or of
    `format: password`."""
    secret = set()
    for name, schema in properties.items():
        resolved = openapi.resolve(document, schema) if isinstance(schema, Mapping) else {}
        if (
            SECRET_NAME.search(name)
            or openapi.marked(document, schema, "writeOnly")
            or resolved.get("format") == "password"
        ):
            secret.add(name)
    return frozenset(secret)


def _pattern(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "([^/]+)", re.escape(template)) + "$")


def _identity(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _number(text: str) -> Any:
    return int(text) if text.isdigit() else text
