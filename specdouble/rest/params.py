"""Query and path parameters: from the strings on the wire to typed values, or to DRF messages.

Spec first: where the document types a value (uuid, date-time, boolean, integer, number, enum)
and the string does not parse, the parameter fails with the real server's message, also when it
is empty. Empty free-text values mean "no filter", as django-filter treats them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from specdouble import errors
from specdouble.data.values import (
    InvalidValue,
    canonical_instant,
    parse_any_instant,
    parse_any_uuid,
    parse_instant,
    parse_uuid,
)
from specdouble.document.augment import REFUSAL
from specdouble.document.lenient import ecma_regex
from specdouble.document.openapi import Schema, object_shape, resolve
from specdouble.rest.dialect import Dialect
from specdouble.settings import Limits

_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_BOOLEANS = {"true": True, "false": False}
_LENIENT_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}
"""django-filter's BooleanWidget; anything else filters nothing."""
MAX_INTEGER_DIGITS = Limits().integer_digits


Wire = str | list[str] | dict[str, str]
"""A parameter as sent: one string, several (an array), or named strings (an object)."""
DELIMITERS = {"form": ",", "simple": ",", "spaceDelimited": " ", "pipeDelimited": "|"}


PAGINATION = frozenset({"page", "page_size"})
LENIENT_EMPTY = frozenset({"uuid", "date-time"})
NUL_TOLERANT = frozenset({"ordering"})
"""DRF's OrderingFilter drops a field it does not know, NUL or not; django-filter's fields and
the SearchFilter refuse a NUL (`Null characters are not allowed.`)."""
BARE_LIST_PARAMETERS = frozenset({"search"})
"""DRF's SearchFilter checks its term with a bare CharField, outside any serializer: its 400
body is a bare list of messages (`["Null characters are not allowed."]`)."""


class _Unreadable:
    def __repr__(self) -> str:
        return "UNREADABLE"

    def __bool__(self) -> bool:
        return False  # a flag read from it is off (`str(value).lower() == "true"`)


UNREADABLE: Any = _Unreadable()
"""A value the lenient reading cannot read, kept so that what reads it decides: a `page` or
`page_size` that is not an integer (with `--leniency real`), a boolean that is not one
(`include_users=maybe`: a filter filters nothing by it, a view reads it as false)."""


def parse_value(
    document: Mapping[str, Any],
    schema: Schema,
    raw: Wire,
    *,
    max_digits: int = MAX_INTEGER_DIGITS,
    lenient: bool = False,
    prohibit_nul: bool = True,
) -> Any:
    """Parse one wire string by its schema; `None` means "not given" (an empty free-text value).

    `lenient` reads as authentik's django-filter forms do where they accept more than the
    document types (`serve --leniency real`): booleans `1`/`0` and any case, other booleans
    and empty values filter nothing, any uuid spelling Python reads, naive instants and dates.

    >>> parse_value({}, {"type": "integer"}, "12")
    12
    >>> parse_value({}, {"type": "string"}, "") is None
    True
    """
    schema = resolve(document, schema)
    if isinstance(raw, dict):  # an object's named strings, each parsed by its property
        properties = schema.get("properties") or {}
        return {
            key: parse_value(
                document,
                properties.get(key, {}),
                value,
                max_digits=max_digits,
                prohibit_nul=prohibit_nul,
            )
            for key, value in raw.items()
        }
    if schema.get("type") == "array":
        items = schema.get("items", {})
        values = raw if isinstance(raw, list) else [raw]
        parsed = [
            parse_value(
                document,
                items,
                value,
                max_digits=max_digits,
                lenient=lenient,
                prohibit_nul=prohibit_nul,
            )
            for value in values
            if value != ""
        ]
        return [value for value in parsed if value is not None] or None
    if isinstance(raw, list):
        raw = raw[-1] if raw else ""
    if schema.get("allOf"):
        parsed: Any = raw
        for part in schema["allOf"]:
            parsed = parse_value(
                document,
                part,
                raw,
                max_digits=max_digits,
                lenient=lenient,
                prohibit_nul=prohibit_nul,
            )
        return parsed
    if lenient and raw == "" and ("enum" in schema or schema.get("format") in LENIENT_EMPTY):
        return None  # django-filter: an empty value filters nothing
    if "enum" in schema:
        if raw not in [str(value) for value in schema["enum"] if value is not None]:
            choices = [value for value in schema["enum"] if value is not None]
            raise InvalidValue(
                errors.INVALID_QUERY_CHOICE_TEMPLATE.format(value=raw),
                "invalid_choice",
                value=raw,
                choices=choices,
            )
        return raw
    kind = schema.get("type")
    if kind == "boolean":
        if lenient:
            return _LENIENT_BOOLEANS.get(raw.lower(), UNREADABLE if raw else None)
        if raw not in _BOOLEANS:
            raise InvalidValue(errors.NOT_A_BOOLEAN, "not_a_boolean", value=raw)
        return _BOOLEANS[raw]
    if kind == "integer":
        if len(raw) > max_digits:
            raise InvalidValue(
                errors.STRING_TOO_LARGE, "too_large", value=raw[:20] + "...", limit=max_digits
            )
        if not _INTEGER.match(raw):
            raise InvalidValue(errors.NOT_AN_INTEGER, "not_an_integer", value=raw)
        return _within(schema, int(raw))
    if kind == "number":
        if len(raw) > max_digits:
            raise InvalidValue(
                errors.STRING_TOO_LARGE, "too_large", value=raw[:20] + "...", limit=max_digits
            )
        try:
            return _within(schema, float(raw))
        except ValueError as error:
            raise InvalidValue(errors.NOT_A_NUMBER, "not_a_number", value=raw) from error
    fmt = schema.get("format")
    if fmt == "uuid":
        return parse_any_uuid(raw) if lenient else parse_uuid(raw)
    if fmt == "date-time":
        return canonical_instant(parse_any_instant(raw) if lenient else parse_instant(raw))
    if "\x00" in raw and prohibit_nul:
        raise InvalidValue(errors.NULL_CHARACTERS, "null_characters", value=raw)
    # JSON Schema's patterns are ECMA-262's (its `\s` is no NEL, `\x85`), as a body's are.
    if (
        raw
        and isinstance(schema.get("pattern"), str)
        and not ecma_regex(schema["pattern"]).search(raw)
    ):
        raise InvalidValue(errors.PATTERN_MISMATCH, "pattern", value=raw, pattern=schema["pattern"])
    if raw and len(raw) > schema.get("maxLength", len(raw)):
        raise InvalidValue(
            errors.MAX_LENGTH_TEMPLATE.format(limit=schema["maxLength"]),
            "max_length",
            value=raw,
            limit=schema["maxLength"],
        )
    return raw or None


def _too_large(raw: str, limit: int) -> InvalidValue:
    return InvalidValue(errors.STRING_TOO_LARGE, "too_large", value=raw[:20] + "...", limit=limit)


def _within(schema: Schema, number: float) -> Any:
    if "minimum" in schema and number < schema["minimum"]:
        raise InvalidValue(
            errors.MIN_VALUE_TEMPLATE.format(limit=schema["minimum"]),
            "min_value",
            value=number,
            limit=schema["minimum"],
        )
    if "maximum" in schema and number > schema["maximum"]:
        raise InvalidValue(
            errors.MAX_VALUE_TEMPLATE.format(limit=schema["maximum"]),
            "max_value",
            value=number,
            limit=schema["maximum"],
        )
    return number


def parameter_schema(document: Mapping[str, Any], parameter: Mapping[str, Any]) -> Schema:
    """A parameter's schema: its own, or that of its one `content` media type."""
    if "schema" in parameter:
        return resolve(document, parameter["schema"])
    content = parameter.get("content") or {}
    media = next(iter(content.values()), None) or {}
    return resolve(document, media.get("schema") or {})


def _shape(document: Mapping[str, Any], parameter: Mapping[str, Any]) -> str:
    kind = parameter_schema(document, parameter).get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    return str(kind or "")


def _pairs(text: str, delimiter: str = ",") -> dict[str, str]:
    """`k,v,k,v` (or `k=v,k=v`) as named strings."""
    parts = text.split(delimiter) if text else []
    if parts and all("=" in part for part in parts):
        return dict(part.split("=", 1) for part in parts)
    return dict(zip(parts[::2], parts[1::2], strict=False))


def read_query(
    document: Mapping[str, Any],
    parameters: Sequence[Mapping[str, Any]],
    pairs: Sequence[tuple[str, str]],
) -> dict[str, Wire]:
    """Each declared query parameter as its `style` and `explode` put it on the wire: `form`
    (repeated names, or one comma-separated value), `spaceDelimited`, `pipeDelimited` and
    `deepObject` (`name[key]=value`); a parameter with `content` is one string (its JSON).
    Names are taken as they are, whatever characters they hold.

    >>> read_query({}, [{"name": "ids", "in": "query", "style": "pipeDelimited",
    ...   "schema": {"type": "array"}}], [("ids", "1|2")])
    {'ids': ['1', '2']}
    """
    found: dict[str, Wire] = {}
    sent: dict[str, list[str]] = {}
    for name, value in pairs:
        sent.setdefault(name, []).append(value)
    for parameter in parameters:
        if parameter.get("in") != "query":
            continue
        name = parameter["name"]
        style = parameter.get("style", "form")
        explode = parameter.get("explode", style == "form")
        shape = "" if "content" in parameter else _shape(document, parameter)
        if shape == "object" and style == "deepObject":
            prefix = f"{name}["
            named = {
                key[len(prefix) : -1]: values[-1]
                for key, values in sent.items()
                if key.startswith(prefix) and key.endswith("]")
            }
            if named:
                found[name] = named
        elif shape == "object" and explode:
            properties = parameter_schema(document, parameter).get("properties") or {}
            named = {key: sent[key][-1] for key in properties if key in sent}
            if named:
                found[name] = named
        elif name not in sent:
            continue
        elif shape == "array" and style == "form" and explode:
            found[name] = sent[name]
        elif shape == "array":
            text = sent[name][-1]
            found[name] = text.split(DELIMITERS.get(style, ",")) if text else []
        elif shape == "object":
            found[name] = _pairs(sent[name][-1], DELIMITERS.get(style, ","))
        else:
            found[name] = sent[name][-1]
    return found


def read_path(document: Mapping[str, Any], parameter: Mapping[str, Any], text: str) -> Wire:
    """A path parameter's segment as its style puts it: `simple` (`1,2`), `label` (`.1.2` or
    `.1,2`) or `matrix` (`;id=1,2` or `;id=1;id=2`).

    >>> matrix = {"name": "id", "style": "matrix", "explode": True, "schema": {"type": "array"}}
    >>> read_path({}, matrix, ";id=1;id=2")
    ['1', '2']
    """
    style = parameter.get("style", "simple")
    explode = bool(parameter.get("explode", False))
    name = parameter["name"]
    shape = _shape(document, parameter)
    if style == "label":
        text = text[1:] if text.startswith(".") else text
        delimiter = "." if explode else ","
    elif style == "matrix":
        delimiter = ","
        if explode and shape == "array":
            return [part.split("=", 1)[-1] for part in text.split(";") if part]
        if explode and shape == "object":
            return dict(part.split("=", 1) for part in text.split(";") if "=" in part)
        prefix = f";{name}="
        text = text[len(prefix) :] if text.startswith(prefix) else text.lstrip(";")
    else:
        delimiter = ","
    if shape == "array":
        return text.split(delimiter) if text else []
    if shape == "object":
        return _pairs(text, delimiter)
    return text


def parse_parameters(
    document: Mapping[str, Any],
    parameters: Sequence[Mapping[str, Any]],
    location: str,
    values: Mapping[str, Wire],
    *,
    dialect: Dialect,
    max_digits: int = MAX_INTEGER_DIGITS,
) -> dict[str, Any]:
    """Parse every declared parameter of one location; collect all failures into one 400,
    in the dialect's words.

    Parameters that were not sent, or are empty free text, are left out of the result. DRF's
    dialect adds what DRF and django-filter refuse beyond the schema (a NUL character, a
    bare-list search failure) and, when lenient, reads `page` and `page_size` as DRF's
    paginator does; other documents' servers are held to their schemas only.
    """
    drf, lenient = dialect.drf, dialect.lenient
    parsed: dict[str, Any] = {}
    failures: dict[str, list[str]] = {}
    for parameter in parameters:
        if parameter["in"] != location:
            continue
        name = parameter["name"]
        if name not in values:
            if parameter.get("required"):
                failures[name] = [dialect.message("required", errors.REQUIRED, name=name)]
            continue
        if lenient and name in PAGINATION and values[name] in ("", []):
            continue  # DRF: an empty page is page 1, an empty page_size the default
        try:
            if "content" in parameter and "schema" not in parameter:
                parsed[name] = _json_parameter(values[name])
                continue
            value = parse_value(
                document,
                parameter.get("schema", {}),
                values[name],
                max_digits=max_digits,
                lenient=lenient and name not in PAGINATION,
                prohibit_nul=drf and name not in NUL_TOLERANT,
            )
        except InvalidValue as error:
            if drf and name in BARE_LIST_PARAMETERS:
                raise errors.BareValidationFailed([str(error)]) from error
            if lenient and name in PAGINATION:
                value = UNREADABLE  # DRF's paginator decides: the default size, or a 404
            else:
                failures[name] = [_refusal(parameter, error, dialect)]
                continue
        if value is not None:
            parsed[name] = value
    if failures:
        raise errors.ValidationFailed(failures)
    return parsed


def _refusal(parameter: Mapping[str, Any], error: InvalidValue, dialect: Dialect) -> str:
    """The words of a refused value: its dialect's, or, in DRF's, those of the form field
    that reads the parameter where the document marks one (`augment.mark_refusals`)."""
    marked = parameter.get(REFUSAL) if dialect.drf else None
    if marked == "number" and error.code in ("not_an_integer", "not_a_number"):
        return errors.NOT_A_FILTER_NUMBER
    if marked in errors.RELATED_REFUSALS and "value" in error.values:
        return errors.RELATED_REFUSALS[marked].format(value=error.values["value"])
    return dialect.message(error.code, str(error), **error.values)


def _json_parameter(raw: Wire) -> Any:
    """A parameter whose `content` is JSON: the value it spells."""
    text = raw[-1] if isinstance(raw, list) else raw
    if isinstance(text, dict):
        return text
    try:
        return json.loads(text)
    except ValueError as error:
        raise InvalidValue(errors.INVALID_JSON_VALUE, "invalid_json", value=text) from error


FORM_INTEGER = re.compile(r"^[-+]?[0-9]+$")
FORM_PATH = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])+)$")
"""`metadata[order_id]`, `items[0][price]`, `expand[]`: a form field's place in the body
(`deepObject`, as Stripe writes its forms)."""
MAX_FORM_INDEX = 1000
"""The largest list position a form field may name (`items[1000]`): beyond it, the name is
kept whole, never a list a thousand items long."""


def form_values(
    document: Mapping[str, Any], schema: Schema, fields: Mapping[str, Sequence[str]]
) -> dict[str, Any]:
    """A form's fields (each name's values, in order) as the JSON body they stand for: a
    name with brackets is a place inside an object or list (`metadata[order_id]=6735`,
    `expand[0]=sources`); each value is typed as its schema says (`5` an integer, `true` a
    boolean, `{...}` an object where a field is one), a list from every value of its name,
    anything else from the last; a name the schema holds as it is (formapi's
    `template[name]`) is that property. What does not read as its type is kept as text, for
    validation to refuse in the document's words. A form can say "a list of no items" or
    "an object of no fields" only by leaving the name out: a required one left out is [] or
    {}.

    >>> shape = {"properties": {"n": {"type": "integer"}, "tags": {"type": "array"}}}
    >>> form_values({}, shape, {"n": ["5"], "tags": ["a", "b"], "note": ["hi"]})
    {'n': 5, 'tags': ['a', 'b'], 'note': 'hi'}
    >>> form_values({}, {**shape, "required": ["tags"]}, {"n": ["5"]})
    {'tags': [], 'n': 5}
    >>> form_values({}, shape, {"meta[a]": ["1"], "items[0][n]": ["2"], "items[1][n]": ["3"]})
    {'meta': {'a': '1'}, 'items': [{'n': '2'}, {'n': '3'}]}
    >>> form_values({}, {"properties": {"t[name]": {"type": "string"}}}, {"t[name]": ["x"]})
    {'t[name]': 'x'}
    >>> links = {"allOf": [{"type": "object", "properties": {"self": {"type": "string"}}}]}
    >>> form_values({}, {"properties": {"links": links}}, {"links": ['{"self": "/a"}']})
    {'links': {'self': '/a'}}
    >>> form_values({}, {"properties": {"channel": {"allOf": [{"type": "integer"}]}}},
    ...             {"channel": ["42"]})
    {'channel': 42}
    """
    properties, required = object_shape(document, schema)
    raw: dict[str, Any] = {}
    for name, values in fields.items():
        if not values:
            continue
        placed = None if name in properties else FORM_PATH.match(name)
        steps = re.findall(r"\[([^\[\]]*)\]", placed.group(2)) if placed else []
        if placed is None or any(step.isdigit() and int(step) > MAX_FORM_INDEX for step in steps):
            raw[name] = list(values)
        else:
            _place(raw, [placed.group(1), *steps], list(values))
    empty = {"array": list, "object": dict}
    body: dict[str, Any] = {
        name: empty[kind]()
        for name in sorted(required - set(raw))
        if (kind := resolve(document, properties.get(name) or {}).get("type")) in empty
    }
    for name, value in raw.items():
        body[name] = _typed(document, properties.get(name) or {}, value)
    return body


def _place(into: dict[str, Any], steps: list[str], values: list[str]) -> None:
    """Put a field's values at its place: nested objects by name, list positions by number
    (`[]` appends)."""
    node: Any = into
    for step, following in zip(steps, [*steps[1:], None], strict=True):
        last = following is None
        if isinstance(node, dict):
            if last:
                node[step] = values if step not in node else node[step] + values
                return
            node = node.setdefault(step, [] if following == "" or following.isdigit() else {})
        elif isinstance(node, list):
            position = len(node) if step == "" else int(step) if step.isdigit() else None
            if position is None:
                return  # a name inside a list: no place a body could have
            while len(node) <= position:
                node.append(None)
            if last:
                node[position] = values
                return
            if node[position] is None:
                node[position] = [] if following == "" or following.isdigit() else {}
            node = node[position]
        else:
            return


def _typed(document: Mapping[str, Any], schema: Schema, raw: Any) -> Any:
    """A placed form value (texts at the leaves) typed by its schema."""
    schema = resolve(document, schema)
    branches = schema.get("anyOf") or schema.get("oneOf") or []
    if branches and not schema.get("type"):
        shape = "object" if isinstance(raw, dict) else "array" if _listed(raw) else None
        fitting = [b for b in branches if _form_kind(document, b) == shape]
        scalar = [b for b in branches if _form_kind(document, b) not in ("object", "array")]
        chosen = (fitting or scalar or branches)[0]
        return _typed(document, chosen, raw)
    if isinstance(raw, dict):
        properties, _ = object_shape(document, schema)
        extra = schema.get("additionalProperties")
        loose = extra if isinstance(extra, Mapping) else {}
        return {
            name: _typed(document, properties.get(name, loose), value)
            for name, value in raw.items()
        }
    untyped = not schema.get("type") and isinstance(raw, list) and len(raw) > 1
    if schema.get("type") == "array" or untyped:  # a name given several times, undescribed
        items = schema.get("items") or {}
        values = raw if isinstance(raw, list) else [raw]
        return [_typed(document, items, value) for value in values if value is not None]
    text = raw[-1] if isinstance(raw, list) else raw
    kind = _form_kind(document, schema)
    if isinstance(text, str) and kind in ("object", "array"):
        # A part of an object or a list is its JSON (OpenAPI's default for multipart).
        try:
            return json.loads(text)
        except ValueError:
            return text
    if kind is not None and not schema.get("type"):  # typed by its `allOf` parts (PeerTube)
        schema = {**schema, "type": kind}
    return _form_value(schema, text) if isinstance(text, str) else text


def _listed(raw: Any) -> bool:
    return isinstance(raw, list) and (len(raw) > 1 or not isinstance(raw[0] if raw else "", str))


def _form_kind(document: Mapping[str, Any], schema: Schema, depth: int = 0) -> str | None:
    """The JSON type a schema's values have: its `type`, else what its keywords or its
    `allOf` parts say (MotaWord's links: an `allOf` of objects is an object)."""
    resolved = resolve(document, schema)
    if not isinstance(resolved, Mapping) or depth > 8:
        return None
    kind = resolved.get("type")
    if isinstance(kind, str):
        return kind
    if "properties" in resolved or "additionalProperties" in resolved:
        return "object"
    if "items" in resolved:
        return "array"
    parts = (_form_kind(document, part, depth + 1) for part in resolved.get("allOf") or [])
    return next((part for part in parts if part is not None), None)


def _form_value(schema: Mapping[str, Any], text: str) -> Any:
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    nullable = schema.get("nullable") is True or "null" in kinds
    if text == "null" and nullable and "string" not in kinds:
        return None  # a form cannot say null but so: Twilio's `CallScore=null`
    if "integer" in kinds and FORM_INTEGER.match(text):
        return int(text)
    if "number" in kinds:
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() and FORM_INTEGER.match(text) else number
    if "boolean" in kinds and text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text
