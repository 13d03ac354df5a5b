"""Fixtures are data: JSON files under `fixtures/`, one per store collection, read at start.

`fixtures/<collection>.json` holds a JSON list of records. Users may edit these files; loading
checks what the server relies on (a unique key per record: the field the document's item paths
name, `pk` for DRF's, `id` or another for others) and spells UUIDs and instants canonically.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from specdouble.data.values import InvalidValue, canonical_instant, parse_instant, parse_uuid

TIMESTAMP_FIELDS = ("created", "last_updated")
DEFAULT_KEY = "pk"


class FixtureError(Exception):
    """A fixtures file that cannot be used; the message names the file and the record."""


def load_dataset(
    directory: Path, keys: Mapping[str, str] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Every `<collection>.json` of `directory`; each record keyed by its collection's key
    (`keys`, else `pk`)."""
    dataset: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(directory.glob("*.json")):
        try:
            records = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise FixtureError(f"{path}: not readable JSON: {error}") from error
        if not isinstance(records, list):
            raise FixtureError(f"{path}: expected a JSON list of records")
        key = (keys or {}).get(path.stem, DEFAULT_KEY)
        loaded = [_normalise(path, index, r, key) for index, r in enumerate(records)]
        seen: set[str] = set()
        for index, record in enumerate(loaded):
            value = json.dumps(record[key], sort_keys=True)
            if value in seen:
                raise FixtureError(f"{path}: record {index}: another record has {key} {value}")
            seen.add(value)
        dataset[path.stem] = loaded
    return dataset


def _normalise(path: Path, index: int, record: Any, key: str) -> dict[str, Any]:
    where = f"{path}: record {index}"
    if not isinstance(record, dict) or record.get(key) is None:
        raise FixtureError(f"{where}: expected an object with a {key!r} (its key)")
    normal = dict(record)
    value = record[key]
    if isinstance(value, str) and _looks_like_uuid(value):
        normal[key] = parse_uuid(value)
    try:
        for name in TIMESTAMP_FIELDS:
            if isinstance(record.get(name), str):
                normal[name] = canonical_instant(parse_instant(record[name]))
    except InvalidValue as error:
        raise FixtureError(f"{where}: {error}") from error
    return normal


def _looks_like_uuid(value: str) -> bool:
    try:
        parse_uuid(value)
    except InvalidValue:
        return False
    return True


def dumps(records: Sequence[Mapping[str, Any]]) -> str:
    """The one way fixtures are written, so the same data gives the same bytes."""
    return json.dumps(list(records), indent=2, ensure_ascii=False) + "\n"


def write_dataset(directory: Path, dataset: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, records in dataset.items():
        (directory / f"{name}.json").write_text(dumps(records), encoding="utf-8")
