"""Fixtures are data: JSON files under `fixtures/`, one per store collection, read at start.

`fixtures/<collection>.json` holds a JSON list of records. Users may edit these files; loading
checks what the server relies on (a unique key per record: the field the document's item paths
name, `pk` for DRF's, `id` or another for others) and spells UUIDs and instants canonically.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
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
        if path.name == RECORDING:
            continue
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


RECORDING = "recording.json"
"""Written by `mock-server proxy --record` beside the collections it recorded: which they are."""


def recorded_collections(directory: Path) -> set[str]:
    """The collections a recording holds (none: the folder is no recording)."""
    try:
        manifest = json.loads((directory / RECORDING).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    names = manifest.get("collections") if isinstance(manifest, dict) else None
    return {str(name) for name in names} if isinstance(names, list) else set()


def write_recording(directory: Path, target: str, collections: Sequence[str]) -> None:
    manifest = {"recorded_from": target, "collections": sorted(set(collections))}
    text = json.dumps(manifest, indent=2) + "\n"
    (directory / RECORDING).write_text(text, encoding="utf-8")


def lay_over(
    recorded: Sequence[Mapping[str, Any]],
    started: Sequence[Mapping[str, Any]],
    key: str,
    unique: Sequence[str],
    keep: Callable[[Mapping[str, Any]], bool] = lambda _record: False,
) -> list[dict[str, Any]]:
    """A recorded collection over the objects a server starts with: a server that was
    recorded holds its own objects and a fresh install's too, but the recording saw only some.
    The recorded objects stay as recorded; a start-up object joins unless it is one of them
    (the same key, or the same value of a unique field), and one that `keep` names (an
    identity the mock's own tokens need) stands in for the recorded one it clashes with."""
    kept_started = [dict(r) for r in started if keep(r)]

    def clashes(one: Mapping[str, Any], other: Mapping[str, Any]) -> bool:
        if one.get(key) is not None and one.get(key) == other.get(key):
            return True
        return any(one.get(f) is not None and one.get(f) == other.get(f) for f in unique)

    laid = [dict(r) for r in recorded if not any(clashes(r, s) for s in kept_started)]
    laid += kept_started
    for record in started:
        if not keep(record) and not any(clashes(record, r) for r in laid):
            laid.append(dict(record))
    return laid
