"""Where a mock's answer and a real server's answer to the same request disagree: status,
fields, values, which objects a list holds and in what order. Plain functions over data.

Keys the two servers made for the same create differ by nature: `Keys` maps the real key to
the mock's, so later requests reach the mock's object and its answers read as the real one's."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

MAX_DIFFERENCES = 20
SHOWN_CHARS = 120


class Keys:
    """The real server's keys and the mock's for the objects both created."""

    def __init__(self) -> None:
        self.to_mock: dict[str, Any] = {}
        self.to_real: dict[str, Any] = {}

    def learn(self, key: str, real: Any, mock: Any) -> None:
        if not isinstance(real, dict) or not isinstance(mock, dict):
            return
        if real.get(key) is None or mock.get(key) is None or real[key] == mock[key]:
            return
        self.to_mock[str(real[key])] = mock[key]
        self.to_real[str(mock[key])] = real[key]

    def path_for_mock(self, path: str) -> str:
        if not self.to_mock:
            return path
        return "/".join(str(self.to_mock.get(part, part)) for part in path.split("/"))

    def body_for_mock(self, body: Any) -> Any:
        return _swap(body, self.to_mock)

    def as_real(self, body: Any) -> Any:
        return _swap(body, self.to_real)


def _swap(value: Any, table: Mapping[str, Any]) -> Any:
    if not table:
        return value
    if isinstance(value, dict):
        return {name: _swap(inner, table) for name, inner in value.items()}
    if isinstance(value, list):
        return [_swap(inner, table) for inner in value]
    if isinstance(value, str | int) and not isinstance(value, bool) and str(value) in table:
        return table[str(value)]
    return value


def differences(
    real_status: int,
    real_body: Any,
    mock_status: int,
    mock_body: Any,
    *,
    key: str = "pk",
    ignored: frozenset[str] = frozenset(),
) -> list[str]:
    """What differs, each as one line; at most `MAX_DIFFERENCES`."""
    found: list[str] = []
    if real_status != mock_status:
        found.append(f"status: the server answered {real_status}, the mock {mock_status}")
    if real_status == mock_status or (real_status >= 400 and mock_status >= 400):
        _compare("", real_body, mock_body, key, ignored, found)
    return found[:MAX_DIFFERENCES]


def _compare(
    where: str, real: Any, mock: Any, key: str, ignored: frozenset[str], found: list[str]
) -> None:
    if len(found) >= MAX_DIFFERENCES or real == mock:
        return
    if isinstance(real, dict) and isinstance(mock, dict):
        for name in real:
            if name in ignored:
                continue
            inner = f"{where}.{name}" if where else name
            if name not in mock:
                found.append(f"{inner}: only the server shows it ({_shown(real[name])})")
            else:
                _compare(inner, real[name], mock[name], key, ignored, found)
        for name in mock:
            if name not in real and name not in ignored:
                inner = f"{where}.{name}" if where else name
                found.append(f"{inner}: only the mock shows it ({_shown(mock[name])})")
        return
    if (
        isinstance(real, list)
        and isinstance(mock, list)
        and _keyed(real, key)
        and _keyed(mock, key)
    ):
        _compare_objects(where, real, mock, key, ignored, found)
        return
    found.append(f"{where or 'body'}: the server {_shown(real)}, the mock {_shown(mock)}")


def _keyed(items: list[Any], key: str) -> bool:
    return bool(items) and all(isinstance(item, dict) and key in item for item in items)


def _compare_objects(
    where: str,
    real: list[dict[str, Any]],
    mock: list[dict[str, Any]],
    key: str,
    ignored: frozenset[str],
    found: list[str],
) -> None:
    real_keys = [json.dumps(item[key]) for item in real]
    mock_keys = [json.dumps(item[key]) for item in mock]
    label = where or "list"
    only_real = [k for k in real_keys if k not in set(mock_keys)]
    only_mock = [k for k in mock_keys if k not in set(real_keys)]
    if only_real:
        found.append(f"{label}: only the server lists {key} {', '.join(only_real[:5])}")
    if only_mock:
        found.append(f"{label}: only the mock lists {key} {', '.join(only_mock[:5])}")
    both = set(real_keys) & set(mock_keys)
    if [k for k in real_keys if k in both] != [k for k in mock_keys if k in both]:
        found.append(f"{label}: the same objects in another order")
    by_key = dict(zip(mock_keys, mock, strict=True))
    for item_key, item in zip(real_keys, real, strict=True):
        if item_key in by_key:
            _compare(f"{label}[{key}={item_key}]", item, by_key[item_key], key, ignored, found)


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"
