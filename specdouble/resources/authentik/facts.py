"""Facts about authentik's models and apps, read from its sources once and shipped as data:

- `types.json`: each model with a form in the interface, by class name (the document's schema
  name): `component`, `verbose_name`, `verbose_name_plural`, `meta_model_name`, its docstring
  (`description`) and whether it is an enterprise model;
- `models.json`: `app_label.model_name` -> the model's `verbose_name`;
- `apps.json`: an app's module name -> its `verbose_name`;
- `ancestors.json`: each class with a form -> the classes it inherits from, nearest first;
- `field_defaults.json`: each model class -> the value each field starts with where a create
  leaves it out (its model field's `default`, or Django's "" for a text field without one),
  written by `tools/authentik_field_defaults.py`, as is
- `model_fields.json`: each model class -> its `unique` fields (with the message a clash
  answers), the fields it holds unique `together`, and the fields the server `made` (a
  default that is a function);
- `schedules.json`: the worker's actors and their descriptions, each app's schedules, and
  those each scheduled model keeps per object.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


def _load(name: str) -> dict[str, Any]:
    return json.loads((HERE / name).read_text(encoding="utf-8"))


@functools.cache
def known_types() -> dict[str, dict[str, Any]]:
    return _load("types.json")


@functools.cache
def model_names() -> dict[str, str]:
    return _load("models.json")


@functools.cache
def app_names() -> dict[str, str]:
    return _load("apps.json")


@functools.cache
def field_defaults() -> dict[str, dict[str, Any]]:
    return _load("field_defaults.json")


@functools.cache
def ancestors() -> dict[str, list[str]]:
    return _load("ancestors.json")


@functools.cache
def model_fields() -> dict[str, dict[str, Any]]:
    return _load("model_fields.json")


@functools.cache
def schedule_facts() -> dict[str, Any]:
    return _load("schedules.json")
