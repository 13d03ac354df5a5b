"""Request bodies: check a JSON value against its schema and answer as Django REST Framework does.

The result is the cleaned object (strings trimmed, as DRF's `CharField` does) or a
`ValidationFailed` whose messages are DRF's, keyed by field. Rules that span several fields
(`anyOf` across properties, uniqueness, "at least one criteria") belong to the resource, which
runs them only once every field is valid, as DRF runs `validate()` after the fields.
"""

from __future__ import annotations

import functools
import ipaddress
import math
import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from specdouble import errors
from specdouble.data.values import STANDARD_FORMATS, InvalidValue, parse_instant, parse_uuid
from specdouble.document.augment import RELATED_KEY
from specdouble.document.lenient import ecma_regex
from specdouble.document.openapi import (
    Schema,
    discriminator_mapping,
    is_nullable,
    marked,
    object_shape,
    resolve,
)
from specdouble.rest.dialect import Dialect

NO_WORDS: Mapping[str, str] = {}
FREE_OBJECT = "free_object"
"""The code of a free-form object's refusal of what is no object (DRF's `DictField` words)."""
_JSON_TYPE_NAMES = {
    dict: "dict",
    list: "list",
    str: "str",
    int: "int",
    float: "float",
    bool: "bool",
    type(None): "NoneType",
}


def type_name(value: Any) -> str:
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


class FieldInvalid(ValueError):
    """One value's failure: a list of messages, or for objects and lists the nested errors."""

    def __init__(self, detail: Any) -> None:
        super().__init__(detail)
        self.detail = detail


def validate_body(
    document: Mapping[str, Any],
    schema: Schema,
    body: Any,
    *,
    lenient: bool = False,
    words: Mapping[str, str] = NO_WORDS,
) -> dict[str, Any]:
    """Validate a request body that must be an object; return it cleaned.

    >>> validate_body({}, {"properties": {"name": {"type": "string"}}}, {"name": " a "})
    {'name': 'a'}
    """
    if body is None:
        raise errors.ValidationFailed.single(errors.NON_FIELD_ERRORS, errors.NO_DATA)
    if not isinstance(body, dict):
        message = errors.INVALID_BODY_TEMPLATE.format(type=type_name(body))
        raise errors.ValidationFailed.single(errors.NON_FIELD_ERRORS, message)
    try:
        return _clean_object(document, schema, body, lenient, words)
    except FieldInvalid as failure:
        raise errors.ValidationFailed(failure.detail) from failure


def _clean_object(
    document: Mapping[str, Any],
    schema: Schema,
    value: dict[str, Any],
    lenient: bool = False,
    words: Mapping[str, str] = NO_WORDS,
) -> Any:
    """The declared properties, each cleaned; undeclared and read-only ones are dropped (DRF),
    unless the schema declares none (a free-form object, kept whole)."""
    properties, required = object_shape(document, schema)
    if not properties:
        return value
    cleaned: dict[str, Any] = {}
    failures: dict[str, Any] = {}
    for name, written in properties.items():
        if marked(document, written, "readOnly"):  # beside a `$ref` too
            continue
        field_schema = resolve(document, written)
        if name not in value:
            if name in required:
                failures[name] = [errors.REQUIRED]
            continue
        try:
            cleaned[name] = clean_value(document, field_schema, value[name], lenient, words)
        except FieldInvalid as failure:
            failures[name] = failure.detail
    if failures:
        raise FieldInvalid(failures)
    return cleaned


def _fail(message: str) -> FieldInvalid:
    return FieldInvalid([message])


def clean_value(
    document: Mapping[str, Any],
    schema: Schema,
    value: Any,
    lenient: bool = False,
    words: Mapping[str, str] = NO_WORDS,
) -> Any:
    """Check one value against its schema; return it cleaned or raise with the field's errors.
    `lenient`: first read it as DRF's fields do (`drf_reading`); `words`: the server's own
    messages by code, over DRF's (`Dialect.messages`)."""
    schema = resolve(document, schema)
    if lenient:
        value = drf_reading(document, schema, value)
    if value is None:
        if is_nullable(document, schema):
            return None
        raise _fail(errors.NULL)
    related = schema.get(RELATED_KEY)
    if related is not None:
        refused = _related_refusal(str(related), value)
        if refused is not None:
            raise _fail(refused)
        if related == "uuid" and isinstance(value, int):
            return value  # a UUID's integer form: found, or "object does not exist", later
    branches = [resolve(document, b) for b in schema.get("oneOf", []) + schema.get("anyOf", [])]
    branches = [b for b in branches if b.get("enum") != [None]]
    if branches:
        chosen = _discriminated(document, schema, value)
        if chosen is not None:
            return clean_value(document, chosen, value, lenient, words)
        first_failure: FieldInvalid | None = None
        best: tuple[int, Any] | None = None
        for branch in branches:
            try:
                cleaned = clean_value(document, branch, value, lenient, words)
            except FieldInvalid as failure:
                first_failure = first_failure or failure
                continue
            # The branch that keeps most of what was sent: the first that merely validates
            # may be one that drops the rest as undeclared (a proxy read as an LDAP provider).
            kept = len(cleaned) if isinstance(cleaned, dict) else 0
            if best is None or kept > best[0]:
                best = (kept, cleaned)
            if not isinstance(cleaned, dict) or kept == len(value):
                break
        if best is not None:
            return best[1]
        assert first_failure is not None
        raise first_failure
    for part in schema.get("allOf", []):
        value = clean_value(document, part, value, lenient, words)
    if "enum" in schema:
        if value not in schema["enum"] or isinstance(value, bool) != any(
            isinstance(option, bool) for option in schema["enum"]
        ):
            shown = value if isinstance(value, str) else str(value)  # DRF prints Python's str()
            raise _fail(errors.INVALID_CHOICE_TEMPLATE.format(value=shown))
        return value
    kind = schema.get("type")
    if isinstance(kind, list):  # OpenAPI 3.1
        kind = next((k for k in kind if k != "null"), None)
    if kind == "string":
        return _clean_string(schema, value, blank_formats=lenient)
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _fail(errors.NOT_A_BOOLEAN)
        return value
    if kind in {"integer", "number"}:
        return _clean_number(schema, value, integer=kind == "integer")
    if kind == "array":
        return _clean_list(document, schema, value, lenient, words)
    if kind == "object" or "properties" in schema:
        if not isinstance(value, dict):
            if object_shape(document, schema)[0]:  # a nested serializer's own failure
                message = errors.INVALID_BODY_TEMPLATE.format(type=type_name(value))
                raise FieldInvalid({errors.NON_FIELD_ERRORS: [message]})
            # A free-form object: DRF's `DictField`, or the field the server uses instead
            default = errors.NOT_A_DICT_TEMPLATE.format(type=type_name(value))
            raise _fail(words.get(FREE_OBJECT, default))
        return _clean_object(document, schema, value, lenient, words)
    return value


def _related_refusal(kind: str, value: Any) -> str | None:
    """What DRF's `PrimaryKeyRelatedField` answers for a value that is not a key's string:
    a boolean is the wrong type; for a UUID key, anything the model's `UUIDField` cannot
    read is worded by it (`“[]” is not a valid UUID.`), while a whole number is a UUID's
    integer form; for an integer key, a list or an object is the wrong type."""
    if isinstance(value, bool):  # DRF names Python's type: `type(data).__name__`
        return errors.INCORRECT_PK_TYPE_TEMPLATE.format(type=type(value).__name__)
    if isinstance(value, str):
        return None
    if kind == "uuid":
        if isinstance(value, int) and 0 <= value < 1 << 128:
            return None
        return errors.RELATED_REFUSALS["related_uuid"].format(
            value=str(value)
        )  # Python's text of it
    if isinstance(value, list | dict):
        return errors.INCORRECT_PK_TYPE_TEMPLATE.format(type=type(value).__name__)
    return None


def _discriminated(document: Mapping[str, Any], schema: Schema, value: Any) -> Schema | None:
    """The branch a `discriminator` names for this value, where it names one."""
    discriminator = schema.get("discriminator") or {}
    name = discriminator.get("propertyName")
    if not name or not isinstance(value, dict) or not isinstance(value.get(name), str):
        return None
    target = discriminator_mapping(schema).get(value[name])
    return resolve(document, {"$ref": target}) if target else None


def _clean_list(
    document: Mapping[str, Any],
    schema: Schema,
    value: Any,
    lenient: bool = False,
    words: Mapping[str, str] = NO_WORDS,
) -> list[Any]:
    # A list of objects is a nested serializer's (`many=True`, DRF's ListSerializer), whose
    # own failures are its `non_field_errors`; a list of values is a ListField's, said flat.
    items = resolve(document, schema.get("items") or {})
    nested = items.get("type") == "object" or "properties" in items

    def fail(message: str) -> FieldInvalid:
        return FieldInvalid({errors.NON_FIELD_ERRORS: [message]}) if nested else _fail(message)

    if not isinstance(value, list):
        raise fail(errors.NOT_A_LIST_TEMPLATE.format(type=type_name(value)))
    if len(value) < schema.get("minItems", 0):
        raise fail(errors.MIN_ITEMS_TEMPLATE.format(limit=schema["minItems"]))
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        raise fail(errors.MAX_ITEMS_TEMPLATE.format(limit=schema["maxItems"]))
    cleaned, failures, failed = [], [], False
    for item in value:
        try:
            cleaned.append(clean_value(document, schema.get("items", {}), item, lenient, words))
            failures.append({})
        except FieldInvalid as failure:
            failures.append(failure.detail)
            failed = True
    if failed:
        raise FieldInvalid(failures)
    return cleaned


TRUE_VALUES = frozenset({"t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE"}) | {
    "on",
    "On",
    "ON",
    "1",
}
FALSE_VALUES = frozenset({"f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE"}) | {
    "off",
    "Off",
    "OFF",
    "0",
}
"""DRF's `BooleanField.TRUE_VALUES` and `FALSE_VALUES` (strings; 1 and 0 too)."""
INT64 = (-(2**63), 2**63 - 1)
INT64_CHARACTERS = 20
"""A sign and the 19 digits of the largest 64-bit integer: longer strings are not parsed."""
_DRF_INTEGER = re.compile(r"^\s*[-+]?[0-9]+(\.0*)?\s*$")


def drf_reading(document: Mapping[str, Any], schema: Schema, value: Any) -> Any:
    """A JSON value as DRF's `to_internal_value` reads it before checking it, where the
    document types it strictly: an integer or a related key sent as a string (`"1"`, as the
    interface's search-selects send ids), a boolean as `"true"`/`"on"`/`1`, a number as a
    string, a string as a number, and `""` for an optional relation (null).

    >>> drf_reading({}, {"type": "integer"}, "12"), drf_reading({}, {"type": "boolean"}, "on")
    (12, True)
    >>> drf_reading({}, {"type": "string", "format": "uuid", "nullable": True}, "") is None
    True
    """
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    relation = kind == "integer" or schema.get("format") == "uuid"
    if value == "" and relation and is_nullable(document, schema):
        return None  # DRF's related fields read "" as no object
    if isinstance(value, bool) or value is None or "enum" in schema:
        return value
    if kind == "integer" and isinstance(value, str) and _DRF_INTEGER.match(value):
        digits = value.strip().split(".")[0]
        # Past a 64-bit integer the value could be neither stored nor shown: left as a string,
        # it is refused by the field's check, as a database column would refuse it.
        number = int(digits) if len(digits) <= INT64_CHARACTERS else None
        return number if number is not None and INT64[0] <= number <= INT64[1] else value
    if kind == "number" and isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
        return number if math.isfinite(number) else value
    if kind == "boolean" and isinstance(value, str | int | float):
        if value in TRUE_VALUES or value == 1:
            return True
        if value in FALSE_VALUES or value == 0:
            return False
    if kind == "string" and isinstance(value, int | float) and not schema.get("format"):
        return str(value)
    return value


def _clean_string(schema: Schema, value: Any, *, blank_formats: bool = False) -> str:
    """`blank_formats`: a blank answer to a field that may be blank (no `minLength`: DRF's
    `allow_blank`, which drf-spectacular writes as `minLength: 1` when false) is not checked
    against its format, as DRF does not (a blank `meta_launch_url`)."""
    # What is no string is refused in the field's own `invalid` words: a UUID's, a date's;
    # a slug's, a URL's or an email's where the field is DRF's `SlugField`, `URLField` or
    # `EmailField`, which a model's field of that kind becomes, always with a length. Without
    # one, the field is a text field checked by a validator (authentik's `TextField`s under
    # Django's `validate_slug` or a URL validator): "Not a valid string.", and the
    # validator's own words for a string that does not fit.
    typed = "maxLength" in schema
    slug = (
        (errors.INVALID_SLUG if typed else errors.INVALID_SLUG_TEXT)
        if schema.get("pattern") == errors.SLUG_PATTERN
        else None
    )
    if not isinstance(value, str):
        kind = schema.get("format", "")
        own = FORMAT_MESSAGES.get(kind) if typed or kind not in TEXT_FORMATS else None
        raise _fail(own or (slug if typed else None) or errors.NOT_A_STRING)
    trimmed = value.strip()
    if not trimmed and schema.get("minLength", 0) >= 1:
        raise _fail(errors.BLANK)
    if not trimmed and blank_formats:
        return trimmed
    if "\x00" in trimmed:
        raise _fail(errors.NULL_CHARACTERS)
    if "maxLength" in schema and len(trimmed) > schema["maxLength"]:
        raise _fail(errors.MAX_LENGTH_TEMPLATE.format(limit=schema["maxLength"]))
    if schema.get("minLength", 0) > 1 and len(trimmed) < schema["minLength"]:
        raise _fail(errors.MIN_LENGTH_TEMPLATE.format(limit=schema["minLength"]))
    if "pattern" in schema and not re.search(schema["pattern"], trimmed):
        raise _fail(slug or errors.PATTERN_MISMATCH)
    check_format = FORMAT_CHECKS.get(schema.get("format", ""))
    if check_format is not None and not check_format(trimmed):
        raise _fail(FORMAT_MESSAGES[schema["format"]])
    return trimmed


def _parses(parse: Callable[[str], Any]) -> Callable[[str], bool]:
    def check(value: str) -> bool:
        try:
            parse(value)
        except (InvalidValue, ValueError):
            return False
        return True

    return check


_EMAIL = re.compile(r"^[^@\s]+@([^@\s]+\.[^@\s]+|localhost|\[[^@\s\]]+\])$")
"""Django's `EmailValidator`: a dotted domain, `localhost` (its allow-list) or an address
literal (`root@localhost` is authentik's default admin)."""
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^\s/?#]+[^\s]*$")
FORMAT_CHECKS: dict[str, Callable[[str], bool]] = {
    "uuid": _parses(parse_uuid),
    "date-time": _parses(parse_instant),
    "date": _parses(date.fromisoformat),
    "email": lambda value: bool(_EMAIL.match(value)),
    "uri": lambda value: bool(_URL.match(value)),
    "ipv4": _parses(ipaddress.IPv4Address),
    "ipv6": _parses(ipaddress.IPv6Address),
}
"""The formats DRF's fields check; others (`byte`, `password`, ...) are plain strings."""
TEXT_FORMATS = frozenset({"email", "uri"})
"""Formats of text a plain `CharField` may hold under a validator (the others are fields of
their own kind: `UUIDField`, `DateTimeField`, `IPAddressField`)."""
FORMAT_MESSAGES = {
    "uuid": errors.INVALID_BODY_UUID,
    "date-time": errors.INVALID_BODY_DATETIME,
    "date": errors.INVALID_BODY_DATE,
    "email": errors.INVALID_EMAIL,
    "uri": errors.INVALID_URL,
    "ipv4": errors.INVALID_IPV4,
    "ipv6": errors.INVALID_IP,
}


def _clean_number(schema: Schema, value: Any, *, integer: bool) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(errors.NOT_AN_INTEGER if integer else errors.NOT_A_NUMBER)
    if integer and isinstance(value, float) and not value.is_integer():
        raise _fail(errors.NOT_AN_INTEGER)
    if "minimum" in schema and value < schema["minimum"]:
        raise _fail(errors.MIN_VALUE_TEMPLATE.format(limit=schema["minimum"]))
    if "maximum" in schema and value > schema["maximum"]:
        raise _fail(errors.MAX_VALUE_TEMPLATE.format(limit=schema["maximum"]))
    return int(value) if integer else value


def validate_request_body(
    document: Mapping[str, Any],
    schema: Schema,
    body: Any,
    *,
    sent: bool = True,
    dialect: Dialect,
    required: bool = False,
) -> Any:
    """A request body as the document's server would check it: DRF's way for DRF documents
    (`validate_body`), else by JSON Schema alone (any JSON value the schema allows, no
    cleaning), with every failure keyed by where it is; a body not `sent` is then fine
    unless it is `required`."""
    if dialect.drf:
        return validate_body(
            document, schema, body, lenient=dialect.lenient, words=dialect.messages
        )
    if not sent:
        if required:
            message = dialect.message("no_body", errors.NO_DATA)
            raise errors.ValidationFailed.single(dialect.body_key, message)
        return {}
    body = _integral(body)
    failures: dict[str, list[str]] = {}
    try:
        found = list(schema_validator(document, schema).iter_errors(body))
    except (TypeError, ValueError, KeyError, RecursionError) as crash:
        # The validator's own keywords can fail on what no schema allows (a discriminator's
        # value that is a list): the body fits no branch.
        raise errors.ValidationFailed.single(BODY, f"{UNREADABLE_BODY} ({crash})") from crash
    for error in found:
        parts = [str(part) for part in error.absolute_path]
        missing = re.match(r"^'(.*)' is a required property$", error.message)
        if error.validator == "required" and missing:
            # Where the schema defines it, or a part of its `allOf` does.
            shown = object_shape(document, error.schema)[0].get(missing[1]) or {}
            if marked(document, shown, "readOnly"):
                continue  # the server sets it: `required` holds for answers only
            parts.append(missing[1])
        said = failures.setdefault(".".join(parts) or BODY, [])
        if error.message not in said:  # two `allOf` parts refuse alike: said once
            said.append(error.message)
    if failures:
        raise errors.ValidationFailed(failures)
    return written(document, schema, body)


def written(document: Mapping[str, Any], schema: Schema, value: Any, depth: int = 0) -> Any:
    """What of a valid body a server writes: the properties the schema names that a client
    may set, at every depth. What the schema does not name is let through by it, not written
    (a PATCH of a label cannot set the token's scopes); a `readOnly` one is the server's own
    (Azure's `properties.freeTrialRemainingTime`: sent `""`, it is not a duration to keep).

    >>> item = {"type": "object", "properties": {"id": {"type": "string", "readOnly": True},
    ...         "tags": {"type": "array", "items": {"type": "string"}}}}
    >>> written({}, {"type": "array", "items": item}, [{"id": "x", "tags": ["a"], "y": 1}])
    [{'tags': ['a']}]
    """
    if depth > MAX_WRITTEN_DEPTH:
        return value
    schema = resolve(document, schema)
    if not isinstance(schema, Mapping):
        return value
    if isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        return [written(document, schema["items"], item, depth + 1) for item in value]
    if not isinstance(value, dict):
        return value
    declared, _ = object_shape(document, schema)
    if not declared:
        return value
    return {
        name: written(document, declared[name], item, depth + 1)
        for name, item in value.items()
        if name in declared and not marked(document, declared[name], "readOnly")
    }


MAX_WRITTEN_DEPTH = 16


BODY = "body"
"""Where a failure of the whole body is reported (for documents that are not DRF's)."""
UNREADABLE_BODY = "The body fits none of its schema's branches"
_VALIDATORS: dict[int, tuple[Schema, Any]] = {}


def as_path_value(schema: Mapping[str, Any], value: Any) -> Any:
    """A value as a path parameter of `schema` reads it: text, unless the parameter is typed
    otherwise (a key 5 is `"5"` to a string parameter, 5 to an integer one).

    >>> as_path_value({"type": "string", "pattern": "^[0-9]+$"}, 5), as_path_value({}, 5)
    ('5', '5')
    >>> as_path_value({"type": "integer"}, 5), as_path_value({"type": "integer"}, "5")
    (5, 5)
    """
    kind = schema.get("type")
    if kind in (None, "string"):
        return str(value)
    if kind in ("integer", "number") and isinstance(value, str):  # a key held as its digits
        try:
            return int(value)
        except ValueError:
            return value
    return value


def schema_validator(document: Mapping[str, Any], schema: Schema) -> Any:
    """A JSON Schema validator for one schema of the document (OpenAPI 3.0's dialect or 3.1's),
    made once; `$ref`s resolve within the document."""
    kept = _VALIDATORS.get(id(schema))
    if kept is not None and kept[0] is schema:
        return kept[1]
    from openapi_schema_validator import (
        OAS30Validator,
        OAS31Validator,
        oas30_format_checker,
        oas31_format_checker,
    )

    modern = str(document.get("openapi", "")).startswith("3.1")
    kind, checker = (
        (OAS31Validator, oas31_format_checker) if modern else (OAS30Validator, oas30_format_checker)
    )
    rooted = {**schema, "components": document.get("components") or {}}
    if "$defs" in document:
        rooted.setdefault("$defs", document["$defs"])
    validator = _integral_floats(kind)(rooted, format_checker=_refusing(checker))
    if len(_VALIDATORS) > 4096:
        _VALIDATORS.clear()
    _VALIDATORS[id(schema)] = (schema, validator)
    return validator


@functools.cache
def _refusing(checker: Any) -> Any:
    """The format checker, where a check that raises on what it was given (the `byte`
    check's `UnicodeEncodeError` on a non-ASCII string) refuses the value instead."""
    from jsonschema import FormatChecker

    made = FormatChecker(formats=())
    made.checkers = {
        name: (check, (*_tuple(raises), ValueError, TypeError))
        for name, (check, raises) in checker.checkers.items()
    }
    for name, check in STANDARD_FORMATS.items():
        made.checkers[name] = (check, (ValueError, TypeError))
    return made


def _tuple(raises: Any) -> tuple[type[Exception], ...]:
    return raises if isinstance(raises, tuple) else (raises,)


@functools.cache
def _integral_floats(kind: Any) -> Any:
    """The validator class, where `1.0` and `3e30` are integers, as JSON has no other kind of
    number than a decimal one (Python's parser reads them as floats)."""
    from jsonschema import validators
    from jsonschema.exceptions import ValidationError

    def integer(checker: Any, value: Any) -> bool:
        if isinstance(value, bool):
            return False
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())

    def pattern(validator: Any, wanted: Any, instance: Any, _schema: Any) -> Any:
        # JSON Schema's patterns are ECMA-262's: `\\d`, `\\w`, `\\s` as it means them.
        readable = isinstance(instance, str) and isinstance(wanted, str)
        if readable and not ecma_regex(wanted).search(instance):
            yield ValidationError(f"{instance!r} does not match {wanted!r}")

    typed = kind.VALIDATORS["type"]

    def nullable_type(validator: Any, types: Any, instance: Any, schema: Any) -> Any:
        # `nullable: true` in a 3.1 document (ReadMe's): no keyword of 3.1, but what its
        # author meant, and what clients and Schemathesis send; 3.0's validator reads it so.
        if instance is None and schema.get("nullable") is True:
            return
        yield from typed(validator, types, instance, schema)

    def nullable_composition(keyword: str) -> Any:
        combined = kind.VALIDATORS[keyword]

        def check(validator: Any, parts: Any, instance: Any, schema: Any) -> Any:
            # `nullable: true` beside `oneOf`/`anyOf`/`allOf` and no `type` (NSwag's and
            # drf-spectacular's way to say "this object, or null"): 3.0.3 reads `nullable`
            # only beside a type, but null is what the author meant and what clients send.
            if instance is None and schema.get("nullable") is True and "type" not in schema:
                return
            yield from combined(validator, parts, instance, schema)

        return check

    compositions = {k: nullable_composition(k) for k in ("oneOf", "anyOf", "allOf")}
    return validators.extend(
        kind,
        validators={"pattern": pattern, "type": nullable_type, **compositions},
        type_checker=kind.TYPE_CHECKER.redefine("integer", integer),
    )


def _integral(value: Any) -> Any:
    """A body with its integral floats (`3.0`, `-3.5e30`) as integers: JSON has one kind of
    number, an integer field may arrive so, and it is then kept, and shown, as an integer."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _integral(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_integral(item) for item in value]
    return value


def can_show(
    document: Mapping[str, Any], schema: Schema, value: Any, *, blank_formats: bool = False
) -> bool:
    """Whether an answer may hold `value` where `schema` is: valid for it, and not a blank
    string where it names a format (a blank URL or email, which a DRF server may store and its
    document forbid; Schemathesis refuses it) unless `blank_formats` (a real server's way)."""
    if value == "" and "format" in resolve(document, schema):
        if not blank_formats:
            return False
        schema = {k: v for k, v in resolve(document, schema).items() if k != "format"}
    return bool(schema_validator(document, schema).is_valid(value))
