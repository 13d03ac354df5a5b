"""Fixtures are data: JSON files under `fixtures/`, one per store collection, read at start.

`fixtures/<collection>.json` holds a JSON list of records. Users may edit these files; loading
checks what the server relies on (a unique `pk` per record) and spells instants canonically.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from specdouble.rest.params import InvalidValue, canonical_instant, parse_instant, parse_uuid

TIMESTAMP_FIELDS = ("created", "last_updated")


class FixtureError(Exception):
    """A fixtures file that cannot be used; the message names the file and the record."""


def load_dataset(directory: Path) -> dict[str, list[dict[str, Any]]]:
    dataset: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(directory.glob("*.json")):
        try:
            records = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise FixtureError(f"{path}: not readable JSON: {error}") from error
        if not isinstance(records, list):
            raise FixtureError(f"{path}: expected a JSON list of records")
        dataset[path.stem] = [_normalise(path, index, r) for index, r in enumerate(records)]
        pks = [record["pk"] for record in dataset[path.stem]]
        if len(set(pks)) != len(pks):
            raise FixtureError(f"{path}: two records share a pk")
    return dataset


def _normalise(path: Path, index: int, record: Any) -> dict[str, Any]:
    where = f"{path}: record {index}"
    if not isinstance(record, dict) or "pk" not in record:
        raise FixtureError(f"{where}: expected an object with a pk")
    normal = dict(record)
    try:
        normal["pk"] = parse_uuid(str(record["pk"]))
        for name in TIMESTAMP_FIELDS:
            if isinstance(record.get(name), str):
                normal[name] = canonical_instant(parse_instant(record[name]))
    except InvalidValue as error:
        raise FixtureError(f"{where}: {error}") from error
    return normal


def dumps(records: Sequence[Mapping[str, Any]]) -> str:
    """The one way fixtures are written, so the same data gives the same bytes."""
    return json.dumps(list(records), indent=2, ensure_ascii=False) + "\n"


def write_dataset(directory: Path, dataset: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, records in dataset.items():
        (directory / f"{name}.json").write_text(dumps(records), encoding="utf-8")
