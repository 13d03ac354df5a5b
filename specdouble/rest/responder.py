"""Answers for operations no resource serves, chosen the way Prism chooses them.

Status: the `Prefer: code=` asked for if documented, else the lowest 2xx, else `default`, else
the first documented. Body: the named `Prefer: example=`, else (unless `Prefer: dynamic=true`)
the document's example, else data generated from the schema: the same every time for an
operation and seed, or fresh per call with `dynamic=true` (still reproducible from the seed).
"""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from specdouble import errors
from specdouble.data.synth import Synth, stable_seed
from specdouble.document.openapi import Operation, resolve, shows_write_only, success_codes
from specdouble.rest.validation import schema_validator

_NONE: Any = object()
"""No usable example."""


def example_fits(document: Mapping[str, Any], schema: Any, example: Any) -> bool:
    """Whether an answer's example is valid for its schema (by JSON Schema, in the document's
    dialect) and shows no `writeOnly` property."""
    try:
        valid = bool(schema_validator(document, schema).is_valid(example))
        return valid and not shows_write_only(document, schema, example)
    except Exception:  # a schema the validator cannot read (a broken $ref): keep the example
        return True


@dataclass(frozen=True, slots=True)
class Prefer:
    """The `Prefer` header's mock directives."""

    code: int | None = None
    example: str | None = None
    dynamic: bool = False
    delay: int | None = None
    """Milliseconds to wait before answering (`server/observe.py` waits)."""


def parse_prefer(header: str | None) -> Prefer:
    """`Prefer: code=404, example=missing, dynamic=true`, leniently.

    >>> parse_prefer("code=404, dynamic=true, delay=250")
    Prefer(code=404, example=None, dynamic=True, delay=250)
    """
    values: dict[str, str] = {}
    for part in (header or "").replace(";", ",").split(","):
        name, _, value = part.strip().partition("=")
        values[name.strip().lower()] = value.strip().strip('"')
    code, delay = values.get("code", ""), values.get("delay", "")
    return Prefer(
        code=int(code) if code.isdigit() else None,
        example=values.get("example") or None,
        dynamic=values.get("dynamic", "").lower() == "true",
        delay=int(delay) if delay.isdigit() else None,
    )


def choose_media_type(content: Mapping[str, Any]) -> str:
    """The documented media type to answer in: JSON where one is, then a wildcard, then the
    first."""
    kinds = [str(kind) for kind in content]
    return next(
        (kind for kind in kinds if "json" in kind.lower()),
        next((kind for kind in kinds if "*" in kind), kinds[0]),
    )


WILDCARD_ANSWERS = {
    "*": "application/json",
    "application": "application/json",
    "text": "text/plain",
    "image": "image/png",
    "audio": "audio/mpeg",
    "video": "video/mp4",
    "font": "font/woff2",
}
"""The concrete type a wildcard (`image/*`) is answered in, by its top-level type."""


def concrete(media_type: str) -> str:
    """A media type a response can carry, within what the document says: a wildcard becomes
    a common type of its kind (`*/*` and `application/*` JSON, `text/*` plain text, `image/*`
    PNG, Jellyfin's `audio/*` MPEG); parameters (`; charset=...`) are kept.

    >>> concrete("*/*"), concrete("text/*"), concrete("image/*"), concrete("application/xml")
    ('application/json', 'text/plain', 'image/png', 'application/xml')
    """
    kind = media_type.split(";", 1)[0].strip().lower()
    if "*" not in kind:
        return media_type
    major = kind.split("/", 1)[0]
    return WILDCARD_ANSWERS.get(major, f"{major}/octet-stream")


def encode(body: Any, media_type: str) -> bytes:
    """The bytes of a body in its media type: JSON for JSON types, text as it is, other values
    of a text or binary type as JSON text (the mock keeps no XML or form encoder)."""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str) and "json" not in media_type.lower():
        return body.encode()
    return json.dumps(body).encode()


def status_number(code: str, asked: int | None = None) -> int:
    """The status a documented response key answers with: its number; for a range (`2XX`)
    the status asked for in it, else its first (200); `default` is a success, 200.

    >>> status_number("201"), status_number("2XX"), status_number("2xx", 204)
    (201, 200, 204)
    """
    if code.isdigit():
        return int(code)
    if code == "default":
        return 200
    first = int(code[0]) * 100
    return asked if asked is not None and asked // 100 * 100 == first else first


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: Any
    media_type: str | None


class Responder:
    def __init__(
        self,
        document: Mapping[str, Any],
        seed: int,
        known: Mapping[str, Callable[[Mapping[str, Any]], Any]] | None = None,
    ) -> None:
        self.document = document
        self.seed = seed
        self._calls = itertools.count()
        self._static: dict[tuple[str, str], Any] = {}
        self._examples: dict[tuple[str, str], Any] = {}
        self._known = {
            operation_id: answer
            for operation_id, make in (known or {}).items()
            if (answer := make(document)) is not None
        }
        """Success answers that the server's own data decides (authentik's lookups)."""

    def answer(self, operation: Operation, prefer: Prefer) -> Answer:
        responses = operation.definition.get("responses", {})
        code = self._status(responses, prefer)
        response = resolve(self.document, responses.get(code, {}))
        status = status_number(code, prefer.code)
        content = response.get("content") or {}
        if not content or status == 204:
            return Answer(status, None, None)
        media_type = choose_media_type(content)
        media = content[media_type] or {}
        return Answer(status, self._body(operation, code, media, prefer), concrete(media_type))

    def _status(self, responses: Mapping[str, Any], prefer: Prefer) -> str:
        codes = [str(code) for code in responses]
        if prefer.code is not None:
            ranged = {code.upper(): code for code in codes if not code.isdigit()}
            asked = str(prefer.code)
            if asked in codes or f"{asked[0]}XX" in ranged:
                return asked if asked in codes else ranged[f"{asked[0]}XX"]
        successes = success_codes(responses)
        if successes:
            return successes[0]
        if "default" in codes:
            return "default"
        final = [code for code in codes if not code.startswith("1")]
        if codes and not final:  # only 101 (a protocol switch): nothing an answer can be
            raise errors.NotImplementedByMock(errors.PROTOCOL_SWITCH)
        return final[0] if final else "200"

    def _fitting_example(self, operation: Operation, code: str, media: Mapping[str, Any]) -> Any:
        """The media type's example (or first of its examples) where it fits the schema; an
        example its own schema refuses is passed over for generated data, as a client would
        fail to read it (`mock-server validate` warns of it)."""
        key = (operation.operation_id, code)
        if key not in self._examples:
            examples = media.get("examples") or {}
            found: Any = _NONE
            if "example" in media:
                found = media["example"]
            elif examples:
                found = resolve(self.document, next(iter(examples.values()))).get("value", _NONE)
            if (
                found is not _NONE
                and "schema" in media
                and not example_fits(self.document, media["schema"], found)
            ):
                found = _NONE
            self._examples[key] = found
        return self._examples[key]

    def _body(
        self, operation: Operation, code: str, media: Mapping[str, Any], prefer: Prefer
    ) -> Any:
        known = self._known.get(operation.operation_id)
        if known is not None and code.startswith("2") and not prefer.example:
            return copy.deepcopy(known)
        examples = media.get("examples") or {}
        if prefer.example and prefer.example in examples:
            return resolve(self.document, examples[prefer.example]).get("value")
        if not prefer.dynamic:
            example = self._fitting_example(operation, code, media)
            if example is not _NONE:
                return copy.deepcopy(example)
        if "schema" not in media:  # a media type named without a schema: an empty object
            return {}
        if prefer.dynamic:
            salt = next(self._calls)
            synth = Synth(self.document, stable_seed(self.seed, operation.operation_id, code, salt))
            return synth.value(media.get("schema", {}))
        key = (operation.operation_id, code)  # names the schema: the document does not change
        if key not in self._static:  # the same every time: made once
            synth = Synth(self.document, stable_seed(self.seed, operation.operation_id, code))
            self._static[key] = synth.value(media.get("schema", {}))
        return copy.deepcopy(self._static[key])
