"""Values as the store keeps them: instants in one spelling, UUIDs in canonical form, and the
parsers that read them from strings (query values, fixture files), refusing with DRF's words.

A leaf module: fixtures, generated data and query parsing all read values the same way.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from specdouble import errors

# RFC 3339 `date-time`, the format JSON Schema means (an offset or `Z` is required).
_DATE_TIME = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})$",
)


class InvalidValue(ValueError):
    """A single value that does not parse. The message is DRF's (what its clients see); the
    `code` and `values` let a dialect of other words say the same (`rest/dialect.py`)."""

    def __init__(self, message: str, code: str | None = None, **values: Any) -> None:
        super().__init__(message)
        self.code = code
        self.values = values


def canonical_instant(moment: datetime) -> str:
    """The one spelling of an instant that the store keeps, so equal instants compare equal.

    >>> canonical_instant(datetime.fromisoformat("2025-01-02T03:04:05+02:00"))
    '2025-01-02T01:04:05.000000Z'
    """
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def fitted_instant(text: str, max_length: int | None, min_length: int = 0) -> str:
    """An instant in as many characters as a schema allows: microseconds (27 characters),
    milliseconds (24), seconds (20), another number of a second's digits (22-26), its
    offset written out (`+00:00`: 25, 27-32), or its date (10), the first that fits; each
    an RFC 3339 `date-time` but the date (Unicourt's `issuedDate` takes exactly 25).

    >>> fitted_instant("2026-01-06T11:48:05.123456Z", 24, 24)
    '2026-01-06T11:48:05.123Z'
    >>> fitted_instant("2026-01-06T11:48:05.123456Z", 22)
    '2026-01-06T11:48:05Z'
    >>> fitted_instant("2026-01-06T11:48:05.123456Z", 25, 25)
    '2026-01-06T11:48:05.1234Z'
    """
    whole, _, fraction = text.rstrip("Z").partition(".")
    fraction = f"{fraction:0<6}"
    digits = [f"{whole}.{fraction[:count]}Z" for count in (1, 2, 4, 5)]
    offsets = [f"{whole}+00:00", *(f"{whole}.{fraction[:n]}+00:00" for n in range(1, 7))]
    forms = (text, f"{whole}.{fraction[:3]}Z", f"{whole}Z", *digits, *offsets, text[:10])
    high = max_length if max_length is not None else len(text)
    return next((form for form in forms if min_length <= len(form) <= high), text)


def parse_instant(raw: str) -> datetime:
    if not _DATE_TIME.match(raw):
        raise InvalidValue(errors.INVALID_DATETIME, "invalid_datetime", value=raw)
    text = raw.replace("z", "Z").replace("t", "T")
    try:
        return datetime.fromisoformat(text)
    except ValueError as error:
        raise InvalidValue(errors.INVALID_DATETIME, "invalid_datetime", value=raw) from error


def parse_uuid(raw: str) -> str:
    """A UUID in the hyphenated form JSON Schema's `uuid` format means, in canonical lower case."""
    if len(raw) != 36 or any(raw[i] != "-" for i in (8, 13, 18, 23)):
        raise InvalidValue(errors.INVALID_UUID, "invalid_uuid", value=raw)
    try:
        return str(uuid.UUID(raw))
    except ValueError as error:
        raise InvalidValue(errors.INVALID_UUID, "invalid_uuid", value=raw) from error


def parse_any_uuid(raw: str) -> str:
    """Any spelling of a UUID that Python's `uuid.UUID` reads (no dashes, braces, `urn:uuid:`),
    as django-filter's UUIDField accepts it.

    >>> parse_any_uuid("{19D45DEB11394A12B4C1C3EA3D9C4E64}")
    '19d45deb-1139-4a12-b4c1-c3ea3d9c4e64'
    """
    try:
        return str(uuid.UUID(raw.strip()))
    except ValueError as error:
        raise InvalidValue(errors.INVALID_UUID, "invalid_uuid", value=raw) from error


def parse_any_instant(raw: str) -> datetime:
    """An instant as Django's DateTimeField reads it: ISO 8601 with `T` or a space, with or
    without an offset (none: UTC, authentik's time zone), or a date (its midnight).

    >>> canonical_instant(parse_any_instant("2026-06-10"))
    '2026-06-10T00:00:00.000000Z'
    """
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError as error:
        raise InvalidValue(errors.INVALID_DATETIME, "invalid_datetime", value=raw) from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


_ABSOLUTE_URI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]*$")
_TIME = re.compile(
    r"^([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([zZ]|[+-]([01]\d|2[0-3]):[0-5]\d)?$"
)
_HOSTNAME = re.compile(
    r"^(?=.{1,253}\.?$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$"
)
_DURATION = re.compile(
    r"^P(?:(?:\d+D|\d+M(?:\d+D)?|\d+Y(?:\d+M(?:\d+D)?)?)(?:T(?:\d+H(?:\d+M(?:\d+S)?)?"
    r"|\d+M(?:\d+S)?|\d+S))?|T(?:\d+H(?:\d+M(?:\d+S)?)?|\d+M(?:\d+S)?|\d+S)|\d+W)$"
)
"""RFC 3339's duration (its appendix A): whole numbers only, each unit after the larger."""
STANDARD_FORMATS: dict[str, Callable[[Any], bool]] = {
    "duration": lambda value: not isinstance(value, str) or bool(_DURATION.match(value)),
    "uri": lambda value: not isinstance(value, str) or bool(_ABSOLUTE_URI.match(value)),
    "hostname": lambda value: not isinstance(value, str) or bool(_HOSTNAME.match(value)),
    "time": lambda value: not isinstance(value, str) or bool(_TIME.match(value)),
}
"""Formats as JSON Schema defines them, where the checker has none (an absolute URI, RFC 3986:
a scheme, a colon, no spaces; a host name, RFC 1123; a duration, RFC 3339) or refuses what
the standard means (a time of day with its offset, RFC 3339's full-time; one without is
taken too)."""
