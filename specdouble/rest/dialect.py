"""How the document's server speaks HTTP: the one object the generic layers ask instead of
testing for Django REST Framework themselves.

A `Dialect` is decided once per document (`profiles.detect`): plain OpenAPI, whose server is
held to its schemas and answers in its own error shapes (or RFC 9457), or DRF, whose server
adds DRF's rules (its messages, a 404 for a key that cannot be one, `Allow` on every answer,
NUL refused in filters, `page`/`page_size`/`search`/`ordering`) and whose errors are DRF's
bodies. authentik speaks DRF.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from specdouble import errors

PLAIN_MESSAGES: Mapping[str, str] = {
    "required": "'{name}' is a required parameter",
    "invalid_choice": "'{value}' is not one of {choices}",
    "not_a_boolean": "'{value}' is not a boolean (true or false)",
    "not_an_integer": "'{value}' is not an integer",
    "not_a_number": "'{value}' is not a number",
    "too_large": "'{value}' has more than {limit} digits",
    "invalid_uuid": "'{value}' is not a 'uuid'",
    "invalid_datetime": "'{value}' is not a 'date-time'",
    "null_characters": "'{value}' holds a NUL character",
    "pattern": "'{value}' does not match '{pattern}'",
    "max_length": "'{value}' is longer than {limit} characters",
    "min_value": "{value} is less than the minimum of {limit}",
    "max_value": "{value} is greater than the maximum of {limit}",
    "invalid_json": "'{value}' is not valid JSON",
    "no_body": "A request body is required",
}
"""Messages of documents that are not DRF's, worded as JSON Schema validators word theirs
(the same as their bodies' messages); keyed by the codes of `params.InvalidValue`."""


@dataclass(frozen=True, slots=True)
class Dialect:
    drf: bool
    """DRF's rules and bodies (see the module's docstring); False: the document's own."""
    lenient: bool = False
    """Read query values as loosely as the real server does (`serve --leniency real`); only
    DRF's servers have a known leniency."""
    messages: Mapping[str, str] = field(default_factory=dict)
    """Message templates by code, over DRF's (`errors`); empty for DRF."""

    @classmethod
    def of(cls, drf: bool, *, lenient: bool = False) -> Dialect:
        if drf:
            return cls(drf=True, lenient=lenient)
        return cls(drf=False, messages=PLAIN_MESSAGES)

    @property
    def unknown_key_is_404(self) -> bool:
        """A path key that cannot be one matches no object (DRF's `get_object`)."""
        return self.drf

    @property
    def problem_details(self) -> bool:
        """Errors the document does not shape are RFC 9457 problem details."""
        return not self.drf

    @property
    def exact_json(self) -> bool:
        """Numbers in bodies kept as written (DRF's parser reads Python floats)."""
        return not self.drf

    @property
    def allow_header(self) -> bool:
        """Every answer names the methods of its path (DRF's `Allow`)."""
        return self.drf

    @property
    def body_key(self) -> str:
        """Where a failure of the whole body is reported."""
        return errors.NON_FIELD_ERRORS if self.drf else "body"

    def message(self, code: str | None, drf_message: str, **values: Any) -> str:
        """The message for `code` in this dialect; DRF's wording where it has none."""
        template = self.messages.get(code or "")
        return template.format(**values) if template else drf_message


DRF = Dialect.of(True)
PLAIN = Dialect.of(False)
