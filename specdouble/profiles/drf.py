"""The profile of a Django REST Framework document: DRF's resources, rules and bodies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from specdouble.profiles.base import Profile
from specdouble.rest import inference
from specdouble.rest.dialect import Dialect


class DrfProfile(Profile):
    """Resources by DRF's operationIds (`<collection>_list`, ...), DRF's messages, `Allow`,
    a 404 for a key that cannot be one, DRF's error bodies."""

    name = "drf"

    def __init__(self, *, lenient: bool = False) -> None:
        super().__init__(Dialect.of(True, lenient=lenient))

    def resources(
        self, document: Mapping[str, Any]
    ) -> tuple[list[inference.Inferred], dict[str, tuple[str, ...]]]:
        return inference.infer(document), {}
