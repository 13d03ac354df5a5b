"""Finding the REST resources a Django REST Framework document describes.

A collection path `/x/` whose `<prefix>_list` answers authentik's paginated envelope, paired
with the item path `/x/{lookup}/` of `<prefix>_retrieve` (and update, patch, delete, used_by),
becomes one `ResourceSpec`. What the document does not say (search and ordering fields) is
guessed from the object schema, unless our `x-` extensions on the list parameters say it.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any, ParamSpec, TypeVar

from specdouble.data.synth import Synth, string_fits
from specdouble.document.openapi import (
    VALUE_CONSTRAINTS,
    Operation,
    admitted_kinds,
    body_fields_schema,
    both_hold,
    combined_scalar,
    common_kinds,
    exclusive_requirements,
    forbidden,
    is_nullable,
    json_body_schema,
    marked,
    operations,
    resolve,
    success_response,
)
from specdouble.document.openapi import (
    object_shape as shape_of_object,
)
from specdouble.rest.listing import listing_for, listing_meaning
from specdouble.rest.resource import NO_FILTER, ResourceSpec

LIST_SUFFIX = "_list"
SEARCH_GUESSES = ("name", "username", "slug", "title", "email", "identifier", "description")
ORDERING_GUESSES = ("name", "username", "slug", "title", "identifier", "pk")
SCALAR_TYPES = {"string", "integer", "number", "boolean"}


@dataclass(frozen=True, slots=True)
class Inferred:
    """A resource as found in the document: its spec, paths and reference fields."""

    spec: ResourceSpec
    collection_path: str
    item_path: str | None
    lookup: str | None
    noun: str
    """What other objects call it in a field name: `policy`, `user`, `flow`."""
    key_type: str
    """The type of its `pk` (`uuid`, `integer`, `string`), for matching references."""


def _schema_name(node: Any) -> str | None:
    reference = node.get("$ref") if isinstance(node, Mapping) else None
    return reference.rsplit("/", 1)[-1] if isinstance(reference, str) else None


MODEL_VARIANTS = (("Partial", ""), ("", "Set"))
"""How DRF documents name the serializers that show a model inside another (`PartialUser`,
`FlowSet`): a prefix and a suffix around the model's own name."""


def shown_model(schema: Any) -> str | None:
    """The model an object property shows (`created_by: allOf [$ref PartialUser]` shows a
    `User`; an array, each of its items): its schema's name less DRF's variant affixes."""
    node = schema if isinstance(schema, Mapping) else {}
    if node.get("type") == "array":
        node = node.get("items") or {}
    parts = node.get("allOf") or []
    if len(parts) == 1 and isinstance(parts[0], Mapping):
        node = parts[0]
    name = _schema_name(node)
    if name is None:
        return None
    for prefix, suffix in MODEL_VARIANTS:
        if prefix and name.startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix) :]
        if suffix and name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _page_item_schema(document: Mapping[str, Any], operation: Operation) -> Any | None:
    """For a list operation answering `{pagination, results: [item]}`, the item schema."""
    response = resolve(document, operation.definition.get("responses", {}).get("200", {}))
    for media_type, content in (response.get("content") or {}).items():
        if "json" not in media_type:
            continue
        schema = resolve(document, content.get("schema", {}))
        properties = schema.get("properties", {})
        if "pagination" in properties and "results" in properties:
            return resolve(document, properties["results"]).get("items")
    return None


def _kind(schema: Mapping[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind == "string" and schema.get("format") == "uuid":
        return "uuid"
    return str(kind or ("object" if "properties" in schema else "any"))


def _shape(document: Mapping[str, Any], schema: Any, depth: int = 0) -> str:
    """The JSON type a schema stands for, looking through `allOf`/`oneOf`/`anyOf`."""
    schema = resolve(document, schema)
    if not isinstance(schema, Mapping) or depth > 5:
        return "any"
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind:
        return str(kind)
    for keyword in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(keyword, []):
            found = _shape(document, part, depth + 1)
            if found != "any" and resolve(document, part).get("enum") != [None]:
                return found
    if "properties" in schema:
        return "object"
    return "string" if "enum" in schema else "any"


def singular(word: str) -> str:
    """`policies` -> `policy`, `users` -> `user`, `aliases` -> `alias`."""
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "ases", "xes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


_SHAPES: ContextVar[dict[int, tuple[Any, tuple[dict[str, Any], set[str]]]] | None] = ContextVar(
    "_SHAPES", default=None
)
"""The object shapes worked out while resources are found (`_shapes_kept`), by schema."""
P = ParamSpec("P")
R = TypeVar("R")


def _shapes_kept(finding: Callable[P, R]) -> Callable[P, R]:
    """While resources are found, each schema's object shape is worked out once: the same
    schemas are asked about for every path that names them (Microsoft Graph: 17,000 times)."""

    @functools.wraps(finding)
    def kept(*args: P.args, **kwargs: P.kwargs) -> R:
        if _SHAPES.get() is not None:
            return finding(*args, **kwargs)
        token = _SHAPES.set({})
        try:
            return finding(*args, **kwargs)
        finally:
            _SHAPES.reset(token)

    return kept


def object_shape(document: Mapping[str, Any], schema: Any) -> tuple[dict[str, Any], set[str]]:
    """`openapi.object_shape`, kept while resources are found (a copy each time: callers may
    change what they are given)."""
    kept = _SHAPES.get()
    if kept is None:
        return shape_of_object(document, schema)
    # The schema is held beside its shape, so that its id names no other object meanwhile.
    held = kept.get(id(schema))
    if held is None or held[0] is not schema:
        held = kept[id(schema)] = (schema, shape_of_object(document, schema))
    properties, required = held[1]
    return dict(properties), set(required)


def _noun(collection_path: str) -> str:
    parts = [p for p in collection_path.strip("/").split("/") if p]
    last = parts[-1] if parts else ""
    if last in {"all", "instances"} and len(parts) > 1:
        last = parts[-2]
    return singular(last.replace("-", "_"))


def _words(model: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", " ", model).lower()


@_shapes_kept
def infer(document: Mapping[str, Any]) -> list[Inferred]:
    by_id = {operation.operation_id: operation for operation in operations(document)}
    found = []
    for operation_id, operation in by_id.items():
        if operation.method != "get" or not operation_id.endswith(LIST_SUFFIX):
            continue
        item_schema = _page_item_schema(document, operation)
        if item_schema is None:
            continue
        found.append(
            _resource(document, by_id, operation_id[: -len(LIST_SUFFIX)], operation, item_schema)
        )
    return found


def _resource(
    document: Mapping[str, Any],
    by_id: Mapping[str, Operation],
    prefix: str,
    listing: Operation,
    item_schema: Any,
) -> Inferred:
    model = _schema_name(item_schema) or prefix
    obj = resolve(document, item_schema)
    properties: dict[str, Any] = dict(obj.get("properties", {}))
    resolved = {name: resolve(document, schema) for name, schema in properties.items()}
    retrieve = by_id.get(f"{prefix}_retrieve")
    lookup = (
        next((p["name"] for p in retrieve.parameters if p["in"] == "path"), None)
        if (retrieve)
        else None
    )
    key = lookup if lookup in properties else "pk" if "pk" in properties else (lookup or "pk")
    create = by_id.get(f"{prefix}_create")
    request_schema = (body_fields_schema(document, create) or {}) if create else {}
    request_properties, _ = object_shape(document, request_schema)
    writable = [
        name
        for name, schema in request_properties.items()
        if not marked(document, schema, "readOnly")
    ]
    key_kind = _kind(resolved.get(key, {}))
    key_source = "body" if key in writable else "integer" if key_kind == "integer" else "uuid"
    parameters = {p["name"]: p for p in listing.parameters if p["in"] == "query"}
    scalar = [n for n, s in resolved.items() if _kind(s) in SCALAR_TYPES | {"uuid"}]
    search = (
        parameters.get("search", {}).get("x-search-fields")
        or [n for n in SEARCH_GUESSES if n in scalar and _kind(resolved[n]) == "string"][:2]
    )
    ordering = parameters.get("ordering", {})
    ordering_fields = ordering.get("x-ordering-fields") or scalar
    default_ordering = ordering.get("x-default-ordering") or [
        next((n for n in ORDERING_GUESSES if n in scalar), key)
    ]
    aliases = {
        name: parameter.get("x-filter-field", key)
        for name, parameter in parameters.items()
        if name == lookup or "x-filter-field" in parameter
    }
    defaults = {
        name: resolve(document, schema)["default"]
        for name, schema in request_properties.items()
        if "default" in resolve(document, schema)
    }
    nullable = {name for name, schema in resolved.items() if is_nullable(document, schema)}
    included = {
        name: (f"include_{name.removesuffix('_obj')}", bool(default))
        for name in nullable
        if name.endswith("_obj")
        and (include := parameters.get(f"include_{name.removesuffix('_obj')}")) is not None
        and isinstance(
            default := resolve(document, include.get("schema", {})).get("default", False), bool
        )
    }
    generated = [name for name in resolved if name not in writable and name != key]
    reshaped = {
        name
        for name in writable
        if name in resolved
        and _shape(document, request_properties[name]) != _shape(document, resolved[name])
    }
    spec = ResourceSpec(
        collection=prefix,
        model=model,
        verbose_name=_words(model),
        fields=tuple(properties),
        writable=tuple(writable),
        key=key,
        key_source=key_source,
        properties=properties,
        generated=tuple(generated),
        reshaped=frozenset(reshaped),
        nullable=frozenset(nullable),
        included=included,
        filterable=frozenset(properties) | {"created", "last_updated"},
        filter_aliases=aliases,
        search_fields=tuple(search),
        ordering_fields=tuple(ordering_fields),
        default_ordering=tuple(default_ordering),
        unique_fields=(key,) if key_source == "body" else (),
        defaults=defaults,
    )
    spec = replace(spec, response_schemas=_other_answers(document, by_id, prefix, model))
    item_path = None
    if retrieve is not None:
        item_path = retrieve.path
    return Inferred(
        spec=spec,
        collection_path=listing.path,
        item_path=item_path,
        lookup=lookup,
        noun=_noun(listing.path),
        key_type=_kind(resolved.get("pk", resolved.get(key, {}))),
    )


ANSWERING_ACTIONS = ("create", "retrieve", "update", "partial_update")


def _other_answers(
    document: Mapping[str, Any], by_id: Mapping[str, Operation], prefix: str, model: str
) -> dict[str, Any]:
    """The actions that answer with another schema than the listed object (`AgentCreated`)."""
    other: dict[str, Any] = {}
    for action in ANSWERING_ACTIONS:
        operation = by_id.get(f"{prefix}_{action}")
        if operation is None:
            continue
        success = success_response(document, operation.definition)
        content = (success[1] if success else {}).get("content") or {}
        media = next((m for t, m in content.items() if "json" in t), None)
        schema = (media or {}).get("schema")
        if media is None or schema is None or _schema_name(schema) != model:
            other[action] = schema
    return other


def customise(found: Iterable[Inferred], customisations: Mapping[str, Any]) -> list[Inferred]:
    """Apply each resource's named customisation (a function of its inferred spec)."""
    result = []
    for item in found:
        change = customisations.get(item.spec.collection)
        result.append(replace(item, spec=change(item.spec)) if change else item)
    return result


# Resources of documents that do not follow DRF's naming: found from paths and schemas.
KEY_GUESSES = ("id", "uuid", "key", "slug", "name", "code")
WRAPPER_GUESSES = ("items", "data", "results", "records", "entries", "values", "content", "list")


def _success_schema(document: Mapping[str, Any], operation: Operation | None) -> Any | None:
    """The JSON schema of an operation's success answer (its lowest 2xx), resolved."""
    if operation is None:
        return None
    success = success_response(document, operation.definition)
    if success is None:
        return None
    content = success[1].get("content") or {}
    media = next((m for kind, m in content.items() if "json" in kind.lower()), None)
    schema = (media or {}).get("schema")
    return None if schema is None else schema


def _collection_items(
    document: Mapping[str, Any], listing: Operation
) -> tuple[Any, str | None, Mapping[str, Any]] | None:
    """(item schema, wrapper property or None, wrapper schema) of a list answer: an array, or
    an object with one array property of objects (`{items: [...], total}`)."""
    schema = _success_schema(document, listing)
    if schema is None:
        return None
    resolved = resolve(document, schema)
    if _shape(document, resolved) == "array":
        items = resolved.get("items")
        return (items, None, {}) if items is not None else None
    properties, _ = object_shape(document, resolved)
    arrays = [
        name
        for name, part in properties.items()
        if _shape(document, part) == "array"
        and _shape(document, resolve(document, part).get("items") or {}) == "object"
    ]
    if not arrays:
        return None
    name = next(
        (n for n in WRAPPER_GUESSES if n in arrays), arrays[0] if len(arrays) == 1 else None
    )
    if name is None:
        return None
    return resolve(document, properties[name]).get("items"), name, resolved


def _same_schema(document: Mapping[str, Any], first: Any, second: Any) -> bool:
    """Whether two schemas describe the same object: the same named schema, or the same
    property names."""
    if first is None or second is None:
        return False
    if "array" in (_shape(document, first), _shape(document, second)):
        return False  # a list of them is not one of them (VTEX's complements by type)
    if _schema_name(first) and _schema_name(first) == _schema_name(second):
        return True
    return set(object_shape(document, first)[0]) == set(object_shape(document, second)[0]) != set()


def _variants(document: Mapping[str, Any], schema: Any) -> list[Any]:
    """The branches of an answer that is one of several objects (Stripe's customer read is
    `anyOf: [customer, deleted_customer]`): any of them may be the object itself."""
    resolved = resolve(document, schema) if schema is not None else {}
    if not isinstance(resolved, Mapping) or "properties" in resolved:
        return []
    return list(resolved.get("anyOf") or resolved.get("oneOf") or [])


def _same_as_any(document: Mapping[str, Any], schema: Any, shapes: Sequence[Any]) -> bool:
    return any(_same_schema(document, schema, shape) for shape in shapes)


ENVELOPES = ("data", "result", "item", "resource", "record", "entity", "payload")
"""The names under which an answer or a body holds the one object it is about."""


def envelope_slot(
    document: Mapping[str, Any], schema: Any, names: Iterable[str] = ENVELOPES
) -> str | None:
    """The property of an envelope that holds the object itself (Asana's `{data: {...}}`,
    Superset's `{id, result: {...}}`): its one object-valued property, of one of `names`,
    beside at most two plain values. None for anything else."""
    if schema is None or _shape(document, schema) != "object":
        return None
    properties, _ = object_shape(document, schema)
    shapes = {name: _shape(document, part) for name, part in properties.items()}
    inside = [name for name, shape in shapes.items() if shape in ("object", "array")]
    if len(inside) != 1 or inside[0] not in names or shapes[inside[0]] != "object":
        return None
    return inside[0] if len(properties) <= 3 else None


def _inside(document: Mapping[str, Any], schema: Any, slot: str | None) -> Any:
    """The object an envelope holds at `slot`, or `schema` itself where it is no such one."""
    if slot is None or schema is None or envelope_slot(document, schema, (slot,)) != slot:
        return schema
    return object_shape(document, schema)[0][slot]


def _named_for(path: str) -> tuple[str, ...]:
    """What an envelope of this path's object may name its slot besides `ENVELOPES`: the
    path's key parameter and its collection's noun (AWS's `/projects/{project}` answers
    `{project: {...}}`; Slack's `users.info` answers `{ok, user: {...}}`).

    A plural of `-es` may drop its `s` (`caches`) or its `es` (`launches`): both are names
    it may give, as a slot is read only where the answers hold one.

    >>> _named_for("/projects/{project}/batches"), _named_for("/users")
    (('batche', 'batch'), ('user',))
    """
    segments = [segment for segment in path.strip("/").split("/") if segment]
    names = []
    if segments and segments[-1].startswith("{") and segments[-1].endswith("}"):
        names.append(segments.pop()[1:-1])
    if segments and "{" not in segments[-1]:
        noun = singular(segments[-1])
        names.append(noun)
        if segments[-1].endswith("es") and noun == segments[-1][:-1]:
            names.append(segments[-1][:-2])
    return tuple(names)


def _enveloped(
    document: Mapping[str, Any], create: Operation | None, retrieve: Operation | None
) -> str | None:
    """The slot where the item's answers hold the object (`result`, `data`, or a name the
    path gives it: AWS's `{project: {...}}`), where the create's answer and the retrieve's
    are envelopes of one slot and the create's body sends the object's own fields, bare
    (Superset, AWS) or in an envelope of the same slot (Asana)."""
    if create is None:
        return None
    answers = [_success_schema(document, op) for op in (create, retrieve) if op is not None]
    names = {*ENVELOPES, *(n for op in (create, retrieve) if op for n in _named_for(op.path))}
    slots = {envelope_slot(document, answer, names) for answer in answers}
    if len(slots) != 1 or None in slots:
        return None
    slot = next(iter(slots))
    body = _inside(document, body_fields_schema(document, create), slot)
    made, _ = object_shape(document, _inside(document, answers[0], slot))
    return slot if _fields_of(document, body, made) else None


REFUSALS = frozenset({"400", "422", "4XX", "DEFAULT"})
"""Answers in which an operation can refuse what it was sent."""
CONSTRAINTS = VALUE_CONSTRAINTS


def _stricter(document: Mapping[str, Any], one: Any, other: Any) -> bool:
    """Whether schema `one` says more of the same kind of value than `other` (GitHub lists
    gists with `created_at` as a date-time, and shows one with a plain string).

    >>> _stricter({}, {"type": "string", "format": "date-time"}, {"type": "string"})
    True
    """
    one, other = resolve(document, one), resolve(document, other)
    if not isinstance(one, Mapping) or not isinstance(other, Mapping):
        return False
    if one.get("type") != other.get("type"):
        return False
    return sum(word in one for word in CONSTRAINTS) > sum(word in other for word in CONSTRAINTS)


def _for_both(document: Mapping[str, Any], listed: Any, full: Any, *, apart: bool = False) -> Any:
    """The schema a field is made for where a list and the item show it: the stricter of
    the two; where they admit different kinds of value (GitHub's gist `user`: an object in
    the list, a string in full) and both admit null, null, the one value both can show;
    `apart`: the list shows a value inside it as another kind (`_shown_otherwise_within`),
    so that no object is both, and the item's holds.

    >>> _for_both({}, {"type": "object", "nullable": True}, {"type": "string", "nullable": True})
    {'nullable': True, 'enum': [None]}
    >>> team, simple = {"type": "object", "required": ["parent"]}, {"type": "object"}
    >>> made = _for_both({}, {"type": "array", "items": team}, {"type": "array", "items": simple})
    >>> made["items"] == {"allOf": [team, simple]}
    True
    >>> _for_both({}, {"type": "array"}, {"type": "array", "nullable": True, "deprecated": True})
    {'type': 'array', 'deprecated': True}
    """
    if _stricter(document, listed, full):
        return listed
    one, other = resolve(document, listed), resolve(document, full)
    if isinstance(one, Mapping) and isinstance(other, Mapping):
        null_listed, null_full = is_nullable(document, one), is_nullable(document, other)
        # Objects both hold (GitHub's team); where the list shows a value inside as another
        # kind (`apart`), none: the object holds the item's, the list shows its own.
        made = None if apart else both_hold(document, listed, full)
        if made is not None:
            return {**made, "nullable": True} if null_listed and null_full else made
        kinds = (_kind(one), _kind(other))
        differ = "any" not in kinds and kinds[0] != kinds[1] and {"uuid", "string"} != set(kinds)
        if differ and null_listed and null_full:
            return {"nullable": True, "enum": [None]}  # null, and nothing else
        if null_full and not null_listed:
            # Null in full, never in the list (GitHub's gist `history`): never null.
            never_null = {k: v for k, v in other.items() if k != "nullable"}
            if isinstance(other.get("type"), list):
                never_null["type"] = [k for k in other["type"] if k != "null"]
            return never_null
    return full


def _shown_otherwise_within(
    document: Mapping[str, Any],
    listed: Any,
    full: Any,
    depth: int = 0,
    compared: dict[tuple[int, int], bool] | None = None,
) -> bool:
    """Whether a list's summary shows a field, or a value inside it, as another kind of value
    than the object holds (`_kinds_apart`, at any depth): GoDaddy's order summary shows
    `pricing.total` as text, the order as a number, so that no pricing is both. Each pair
    of schemas is compared once (`compared`): a document's schemas name one another many
    times over.

    >>> text, number = {"type": "string"}, {"type": "integer"}
    >>> summary = {"type": "object", "properties": {"total": text}}
    >>> full = {"type": "object", "properties": {"total": number, "tax": number}}
    >>> _shown_otherwise_within({}, summary, full), _shown_otherwise_within({}, summary, summary)
    (True, False)
    >>> listed, held = {"type": "array", "items": summary}, {"type": "array", "items": full}
    >>> _shown_otherwise_within({}, listed, held)
    True
    """
    one, other = resolve(document, listed), resolve(document, full)
    compared = {} if compared is None else compared
    pair = (id(one), id(other))
    if one is other or depth > 8 or pair in compared:
        return compared.get(pair, False)
    compared[pair] = False  # while it is compared: a schema inside itself adds nothing
    found = _kinds_apart(document, one, other)
    kinds = (_shape(document, one), _shape(document, other))
    if not found and kinds == ("object", "object"):
        mine, theirs = object_shape(document, one)[0], object_shape(document, other)[0]
        found = any(
            _shown_otherwise_within(document, mine[name], theirs[name], depth + 1, compared)
            for name in mine.keys() & theirs.keys()
        )
    elif not found and kinds == ("array", "array"):
        assert isinstance(one, Mapping) and isinstance(other, Mapping)
        items = (one.get("items") or {}, other.get("items") or {})
        found = _shown_otherwise_within(document, *items, depth + 1, compared)
    compared[pair] = found
    return found


def _kinds_apart(document: Mapping[str, Any], one: Any, other: Any) -> bool:
    """Whether two schemas admit no value of one kind (`admitted_kinds`), null aside where
    one refuses it: Zoom's site `site_code`, text in the list and a number in full, so that
    a list leaves it out where its summary may.

    >>> label = {"type": "object"}
    >>> _kinds_apart({}, label, {"oneOf": [{"type": "string"}, label]})
    False
    >>> _kinds_apart({}, {"type": "string"}, {"type": "integer"})
    True
    """
    mine, theirs = admitted_kinds(document, one), admitted_kinds(document, other)
    if not mine or not theirs or common_kinds(mine, theirs):
        return False
    return not (is_nullable(document, one) and is_nullable(document, other))


def _extends(document: Mapping[str, Any], summary: Any, full: Any) -> bool:
    """Whether `full` describes the object `summary` shows part of: all its properties and
    more."""
    shown, whole = set(object_shape(document, summary)[0]), set(object_shape(document, full)[0])
    return bool(shown) and shown < whole


def _fields_of(document: Mapping[str, Any], body: Any, properties: Mapping[str, Any]) -> bool:
    """Whether a request body is an object of (some of) the resource's fields."""
    if body is None or _shape(document, body) not in ("object", "any"):
        return False
    given, _ = object_shape(document, body)
    # A field no value holds (a closed `allOf` part forbids it) is no field the item shows.
    given = {name: schema for name, schema in given.items() if not forbidden(document, schema)}
    return bool(given) and set(given) <= set(properties)


def _key_field(parameter: str, properties: Mapping[str, Any], noun: str) -> str | None:
    """The field an item path's parameter names: `petId` -> `id`, `{isbn}` -> `isbn`."""
    if parameter in properties:
        return parameter
    plain = re.sub(r"[^a-z0-9]", "", parameter.lower())
    by_plain = {re.sub(r"[^a-z0-9]", "", name.lower()): name for name in properties}
    if plain in by_plain:
        return by_plain[plain]
    for suffix in ("id", "uuid", "key", "slug", "name", "code"):
        if plain.endswith(suffix) and suffix in properties:
            return suffix
    stripped = plain.removeprefix(re.sub(r"[^a-z0-9]", "", noun.lower()))
    if stripped in by_plain:
        return by_plain[stripped]
    return None


@_shapes_kept
def infer_plain(document: Mapping[str, Any], taken: Iterable[str] = ()) -> list[Inferred]:
    """The REST resources of a document named in any way: a collection path whose GET answers
    a list of objects (bare or wrapped) and that has a create (POST) or an item path, and its
    item path `<collection>/{key}`, whose operations read, replace, update or delete one object
    of the same schema. The key is the object's field that the path parameter names."""
    by_path: dict[str, dict[str, Operation]] = {}
    for operation in operations(document):
        by_path.setdefault(operation.path, {})[operation.method] = operation
    used = set(taken)
    found: list[Inferred] = []
    item_paths = _item_paths(by_path)
    for path, methods in by_path.items():
        listing = methods.get("get")
        if listing is None or listing.operation_id in used or path.rstrip("/").endswith("}"):
            continue
        shape = _collection_items(document, listing)
        if shape is None:
            continue
        item_schema = shape[0]
        item_path = item_paths.get(path.rstrip("/"))
        item_methods = by_path.get(item_path, {}) if item_path else {}
        create = methods.get("post")
        retrieve = item_methods.get("get")
        slot = _enveloped(document, create, retrieve)  # answers that wrap the object

        def answer_of(operation: Operation | None, slot: str | None = slot) -> Any:
            return _inside(document, _success_schema(document, operation), slot)

        # The list may show a summary of the object its item path and create answer in full
        # (`Item` in the list, `FullItem` = `Item` and more from `GET /items/{id}`).
        full = item_schema
        for answer in (answer_of(retrieve), answer_of(create)):
            if answer is not None and _extends(document, full, answer):
                full = answer

        shapes = (item_schema, full)
        if (
            create is not None
            and not _same_as_any(
                document, _inside(document, json_body_schema(document, create), slot), shapes
            )
            and not _same_as_any(document, answer_of(create), shapes)
        ):
            create = None
        if retrieve is not None and not _same_as_any(document, answer_of(retrieve), shapes):
            retrieve = None
        if create is None and retrieve is None:
            continue
        made = _plain_resource(
            document,
            path,
            listing,
            create,
            item_path,
            item_methods,
            (full, *shape[1:]),
            item_schema,
            envelope=slot,
        )
        if made is not None:
            found.append(made)
            used |= set(made.spec.operations)
    found.extend(_unlisted(document, by_path, item_paths, used))
    return found


def _item_paths(by_path: Mapping[str, Any]) -> dict[str, str]:
    """Each collection path's item path, `<collection>/{key}` (the first in the document's
    order), by the collection path without its last slash; made once (Microsoft Graph has
    5,000 paths to match against each other).

    >>> _item_paths({"/a/": {}, "/a/{id}/": {}, "/a/{id}/b": {}, "/a/{x}": {}, "/c/x{y}": {}})
    {'/a': '/a/{id}/'}
    """
    found: dict[str, str] = {}
    for other in by_path:
        base, _, last = other.rstrip("/").rpartition("/")
        if last.startswith("{") and last.endswith("}") and "{" not in last[1:-1]:
            found.setdefault(base, other)
    return found


def _unlisted(
    document: Mapping[str, Any],
    by_path: Mapping[str, Mapping[str, Operation]],
    item_paths: Mapping[str, str],
    used: set[str],
) -> list[Inferred]:
    """Resources a document never lists whole: a create (`POST /pet`) and an item path
    (`GET /pet/{petId}`) of one object, found again by finders under the collection path
    (`GET /pet/findByStatus?status=sold`, answering an array of it), each a filtered list."""
    found: list[Inferred] = []
    for path, methods in by_path.items():
        create = methods.get("post")
        if create is None or create.operation_id in used or path.rstrip("/").endswith("}"):
            continue
        item_path = item_paths.get(path.rstrip("/"))
        item_methods = by_path.get(item_path, {}) if item_path else {}
        retrieve = item_methods.get("get")
        if retrieve is None or retrieve.operation_id in used:
            continue
        slot = _enveloped(document, create, retrieve)
        item_schema = _inside(document, _success_schema(document, retrieve), slot)
        if item_schema is None or _shape(document, item_schema) != "object":
            continue
        body = _inside(document, json_body_schema(document, create), slot)
        if (
            not _same_as_any(document, body, (item_schema,))
            and not _same_as_any(
                document, _inside(document, _success_schema(document, create), slot), (item_schema,)
            )
            # an envelope's create sends the object's own fields (Superset's annotation)
            and not (slot and _fields_of(document, body, object_shape(document, item_schema)[0]))
        ):
            continue
        base = path.rstrip("/") + "/"
        finders = [
            operation
            for other, others in by_path.items()
            if other.startswith(base) and "{" not in other[len(base) :]
            for operation in [others.get("get")]
            if operation is not None
            and operation.operation_id not in used
            and (shape := _collection_items(document, operation)) is not None
            and shape[1] is None
            and _same_schema(document, shape[0], item_schema)
        ]
        made = _plain_resource(
            document,
            path,
            finders[0] if finders else None,
            create,
            item_path,
            item_methods,
            (item_schema, None, {}),
            item_schema,
            finders=finders[1:],
            envelope=slot,
        )
        if made is not None:
            found.append(made)
            used |= set(made.spec.operations)
    return found


COMPOSED_OR_VALUED = frozenset(
    {"enum", "const", "format", "pattern", "allOf", "anyOf", "oneOf", "not", "$ref"}
)


def _held_by_filters(
    schemas: Mapping[str, Any], resolved: Mapping[str, Any], filterable: Iterable[str]
) -> dict[str, dict[str, Any]]:
    """The schemas of the fields (made by the server) a list filters by an enum their own
    schema does not state (GitHub's issues: `state` is any string, `?state=` one of `open`,
    `closed`, `all`): each holds one of the filter's values (`all` selects every object, it
    is no state) and, new, the filter's default (what the list shows unasked: a new issue is
    `open`), so that the filter finds what the mock holds."""
    held: dict[str, dict[str, Any]] = {}
    for name in filterable:
        given, own = schemas.get(name) or {}, resolved.get(name)
        values = given.get("enum") if isinstance(given, Mapping) else None
        if not isinstance(values, list) or not isinstance(own, Mapping):
            continue
        # A plain string only: no values of its own, no parts that say otherwise.
        if own.get("type") != "string" or COMPOSED_OR_VALUED & own.keys():
            continue
        kept = [
            v
            for v in values
            if isinstance(v, str) and v.lower() not in NO_FILTER and string_fits(v, own)
        ]
        if kept:
            held[name] = {**own, "enum": kept}
            if given.get("default") in kept and "default" not in own:
                held[name]["default"] = given["default"]
    return held


def _plain_resource(
    document: Mapping[str, Any],
    path: str,
    listing: Operation | None,
    create: Operation | None,
    item_path: str | None,
    item_methods: Mapping[str, Operation],
    shape: tuple[Any, str | None, Mapping[str, Any]],
    summary: Any = None,
    finders: Sequence[Operation] = (),
    envelope: str | None = None,
) -> Inferred | None:
    """One resource of a plain document; `listing` (None: it is never listed whole) and each
    of `finders` answer a list of its objects, filtered by their query parameters;
    `envelope`: the slot where its item answers (and bodies sent so) hold the object."""
    item_schema, wrapper, wrapper_schema = shape
    properties, _ = object_shape(document, item_schema)
    # A property its schema forbids (`not: {}`, 3.1's `false`) is never held nor shown.
    properties = {n: s for n, s in properties.items() if not forbidden(document, s)}
    summary_properties, summary_required = object_shape(document, summary)
    listed = (
        tuple(
            name
            for name, schema in summary_properties.items()
            # a field the list may never show
            if not forbidden(document, schema)
            and not marked(document, schema, "writeOnly")
            and (
                name in summary_required
                or name not in properties
                or not _kinds_apart(document, schema, properties[name])
            )
        )
        if summary is not item_schema
        else None  # the list shows each object whole
    )
    if not properties:
        return None
    shown: Mapping[str, Any] = summary_properties if listed is not None else {}
    # What the summary shows as another kind than the object holds, the list shows in its own.
    otherwise = {
        name: shown[name]
        for name in listed or ()
        if name in properties and _shown_otherwise_within(document, shown[name], properties[name])
    }
    if listed:  # a field both show is made for the stricter of its two schemas
        properties = {
            name: _for_both(document, shown[name], schema, apart=name in otherwise)
            if name in shown
            else schema
            for name, schema in properties.items()
        }
    resolved = {name: resolve(document, schema) for name, schema in properties.items()}
    # A `writeOnly` field is never shown in full; the list leaves out what its summary marks.
    write_only = {
        name for name, schema in properties.items() if marked(document, schema, "writeOnly")
    }
    noun = _noun(path)
    lookup = None
    if item_path is not None:
        lookup = re.findall(r"{([^}]+)}", item_path)[-1]
    key = _key_field(lookup, properties, noun) if lookup else None
    key = key or next((name for name in KEY_GUESSES if name in properties), None)
    if key is None:
        return None
    request_schema = (
        (_inside(document, body_fields_schema(document, create), envelope) or {}) if create else {}
    )
    request_properties, _ = object_shape(document, request_schema)
    aliases = _aliases(document, request_properties, properties)
    writable = [
        aliases.get(name, name)
        for name, schema in (request_properties or properties).items()
        if not marked(document, schema, "readOnly") and aliases.get(name, name) in properties
    ]
    # A key's schema with its `allOf` parts as one (AWS's `allOf: [{$ref: Pattern}, {xml}]`).
    key_schema = combined_scalar(document, resolved[key]) or resolved[key]
    key_kind = _kind(key_schema)
    if key_kind in ("object", "array") or _shape(document, key_schema) in ("object", "array"):
        # An object or a list names no object in a path (AWS's `GetLaunchResponse` holds the
        # launch as `launch: allOf: [Launch]`, which the path's `{launch}` names).
        return None
    constrained = any(k in key_schema for k in ("pattern", "enum", "maxLength", "minLength"))
    path_schema = _path_parameter_schema(document, item_methods, lookup)
    # A text key the item path reads as a number (GitLab's hook `id`) is a number's digits.
    numbered = _kind(resolve(document, path_schema or {})) in ("integer", "number")
    fallback = (
        "integer"
        if key_kind in ("integer", "number") or (numbered and not constrained)
        else ""
        if constrained
        else "uuid"
    )
    key_source = "body" if key in writable else fallback or "made"
    lists = [operation for operation in (listing, *finders) if operation is not None]
    named = listing or create or next(iter(item_methods.values()), None)
    collection = unique_collection(path, named.operation_id if named else "items")
    operations_by_id = {operation.operation_id: "list" for operation in lists}
    if create is not None:
        operations_by_id[create.operation_id] = "create"
    for method, action in (
        ("get", "retrieve"),
        ("put", "update"),
        ("patch", "partial_update"),
        ("delete", "destroy"),
    ):
        operation = item_methods.get(method)
        if operation is None:
            continue
        if method == "get":
            answer = _inside(document, _success_schema(document, operation), envelope)
            fits = any(
                _same_schema(document, shown, item_schema)
                or (summary is not None and _same_schema(document, shown, summary))
                for shown in (answer, *_variants(document, answer))
            )
        elif method in ("put", "patch"):  # a body of the object's fields (not a JSON Patch)
            body = _inside(document, body_fields_schema(document, operation), envelope)
            fits = _fields_of(document, body, properties)
        else:
            fits = True
        if fits:
            operations_by_id[operation.operation_id] = action
    parameters = list(
        {p["name"]: p for op in lists for p in op.parameters if p.get("in") == "query"}.values()
    )
    schemas = {p["name"]: resolve(document, p.get("schema") or {}) for p in parameters}
    plan = listing_for(parameters, schemas)
    documented = {
        str(code).upper() for op in lists for code in op.definition.get("responses") or {}
    }
    plan = replace(plan, refuses_unknown_cursor=bool(documented & REFUSALS))
    wrapper_properties, wrapper_required = object_shape(document, wrapper_schema)
    wrapper_properties = {n: resolve(document, s) for n, s in wrapper_properties.items()}
    constants = {
        name: Synth(document, 0).value(schema)
        for name, schema in wrapper_properties.items()
        if name in wrapper_required and name != wrapper and not listing_meaning(name)
    }
    plan = replace(
        plan,
        wrapper=wrapper,
        wrapper_properties=wrapper_properties,
        wrapper_required=frozenset(wrapper_required),
        wrapper_constants=constants,
    )
    filterable = {
        p["name"] for p in parameters if p["name"] in properties and p["name"] not in plan.control
    }
    # Only what no create sets: a write keeps to the object's schema (`Resource._showable`),
    # and a value the document lets a client write is no refusal's.
    made_only = [name for name in filterable if name not in writable]
    for name, held in _held_by_filters(schemas, resolved, made_only).items():
        properties[name] = resolved[name] = held
    scalar = [n for n, s in resolved.items() if _kind(s) in SCALAR_TYPES | {"uuid"}]
    search = [n for n in scalar if _kind(resolved[n]) == "string"][:4] if plan.search else []
    model = _schema_name(item_schema) or noun.title()
    model = model[:1].upper() + model[1:]  # as a class is named: "No Book matches ..."
    spec = ResourceSpec(
        collection=collection,
        model=model,
        verbose_name=_words(model),
        # A `writeOnly` field (a password) is taken, kept and never shown.
        fields=tuple(name for name in properties if name not in write_only),
        writable=tuple(writable),
        key=key,
        key_source=key_source,
        key_fallback=fallback if key_source == "body" else "",
        upserts=key_source == "body" and create is not None and says_upsert(create.definition),
        properties=properties,
        generated=tuple(name for name in properties if name not in writable and name != key),
        # Null only where every schema that shows the field allows it (GitHub's gists: a
        # null `forks` in full, a list in the summary).
        nullable=frozenset(
            n
            for n, s in resolved.items()
            if is_nullable(document, s) and (n not in shown or is_nullable(document, shown[n]))
        ),
        filterable=frozenset(filterable),
        search_fields=tuple(search),
        ordering_fields=tuple(scalar),
        default_ordering=(key,),
        unique_fields=(key,) if key_source == "body" else (),
        defaults={n: s["default"] for n, s in resolved.items() if "default" in s},
        # What the item or the list's summary requires (GitHub's base-gist: `public`).
        shown_required=frozenset(object_shape(document, item_schema)[1])
        | (frozenset(summary_required) & set(listed or ())),
        exclusive=tuple(exclusive_requirements(document, item_schema)),
        operations=operations_by_id,
        listing=plan,
        listed_fields=listed,
        listed_schemas={name: shown[name] for name in listed or () if name in properties},
        listed_otherwise=otherwise,
        key_path_schema=path_schema,
        envelope=envelope,
        aliases=aliases,
        response_schemas=_plain_answers(
            document,
            operations_by_id,
            item_schema,
            {op.operation_id: op for op in (listing, create, *item_methods.values()) if op},
        ),
    )
    return Inferred(
        spec=spec,
        collection_path=path,
        item_path=item_path,
        lookup=lookup,
        noun=noun,
        key_type=key_kind,
    )


UPSERT = re.compile(r"upsert|\b(create|add|insert)s? or (update|replace)s?\b", re.IGNORECASE)
"""How a create says that it replaces the object its key names, where there is one."""


def says_upsert(definition: Mapping[str, Any]) -> bool:
    """Whether an operation says it creates or replaces (Stream's `POST /push_providers`,
    "Upsert a push provider"; "Create or update a webhook"), by its id, summary or first
    line.

    >>> says_upsert({"operationId": "UpsertPushProvider"}), says_upsert({"summary": "Create"})
    (True, False)
    """
    description = str(definition.get("description") or "").split("\n", 1)[0]
    words = (definition.get("operationId"), definition.get("summary"), description)
    return any(isinstance(text, str) and UPSERT.search(text) for text in words)


def _aliases(
    document: Mapping[str, Any], sent: Mapping[str, Any], properties: Mapping[str, Any]
) -> dict[str, str]:
    """A create's field the object has under another case only (AWS's `readinessCheckName`
    and `ReadinessCheckName`), of the same kind of value: the object's name for it."""
    folded: dict[str, list[str]] = {}
    for name in properties:
        folded.setdefault(name.casefold(), []).append(name)
    sent_folded = Counter(name.casefold() for name in sent)
    aliases = {}
    for name, schema in sent.items():
        same = folded.get(name.casefold(), [])
        if name in properties or len(same) != 1 or sent_folded[name.casefold()] > 1:
            continue  # an exact name, or two that fold alike (`checkName`, `checkname`)
        if _alike(document, schema, properties[same[0]]):
            aliases[name] = same[0]
    return aliases


def _alike(document: Mapping[str, Any], one: Any, other: Any, depth: int = 0) -> bool:
    """Whether a value of one schema is of the other's kind, with the same field names all
    the way down (AWS's `corsConfiguration` and `CorsConfiguration` both hold `AllowOrigins`)."""
    kind = _shape(document, one)
    if kind != _shape(document, other):
        return False
    if depth > MAX_ALIKE_DEPTH:
        return True
    if kind == "object":
        fields, others = object_shape(document, one)[0], object_shape(document, other)[0]
        return fields.keys() == others.keys() and all(
            _alike(document, fields[name], others[name], depth + 1) for name in fields
        )
    if kind == "array":
        items = resolve(document, one).get("items") or {}
        return _alike(document, items, resolve(document, other).get("items") or {}, depth + 1)
    # Choices the object has not (`on` sent, `ON` shown) can never be held.
    held = combined_scalar(document, other) or resolve(document, other)
    given = combined_scalar(document, one) or resolve(document, one)
    if isinstance(held, Mapping) and isinstance(held.get("enum"), list):
        choices = given.get("enum") if isinstance(given, Mapping) else None
        return isinstance(choices, list) and all(choice in held["enum"] for choice in choices)
    return True


MAX_ALIKE_DEPTH = 4


def _path_parameter_schema(
    document: Mapping[str, Any], item_methods: Mapping[str, Operation], name: str | None
) -> Mapping[str, Any] | None:
    """The schema the item path gives its key's parameter (where it constrains it)."""
    for operation in item_methods.values():
        for parameter in operation.parameters:
            if parameter.get("in") == "path" and parameter.get("name") == name:
                schema = resolve(document, parameter.get("schema") or {})
                constrains = any(k in schema for k in ("pattern", "enum", "format", "maxLength"))
                numbered = _kind(schema) in ("integer", "number")
                return schema if constrains or numbered else None
    return None


def _plain_answers(
    document: Mapping[str, Any],
    operations_by_id: Mapping[str, str],
    item_schema: Any,
    by_id: Mapping[str, Operation],
) -> dict[str, Any]:
    """The actions whose answer is not the object: another schema, or no body."""
    other: dict[str, Any] = {}
    for operation_id, action in operations_by_id.items():
        if action == "list":
            continue
        responses = by_id[operation_id].definition.get("responses") or {}
        if action != "destroy" and not any(str(code).startswith("2") for code in responses):
            continue  # no success documented at all (Petstore's create): the object, as made
        schema = _success_schema(document, by_id[operation_id])
        if action == "destroy" and schema is None:
            other[action] = None  # no body
        elif not _same_schema(document, schema, item_schema):
            # A PATCH answers through the resource's update, under its name.
            other.setdefault("update" if action == "partial_update" else action, schema)
    return other


def unique_collection(path: str, operation_id: str) -> str:
    """A store collection name for a collection path: its literal segments (`/v1/pets` ->
    `v1_pets`)."""
    words = [w for w in re.findall(r"[A-Za-z0-9]+", re.sub(r"{[^}]*}", "", path))]
    return "_".join(words) or operation_id


def by_model(found: Iterable[Inferred]) -> dict[str, ResourceSpec]:
    """Each model's resource, the one at the shortest collection path where several serve it
    (`core/applications/`, not `core/applications/requestable/`)."""
    chosen: dict[str, ResourceSpec] = {}
    for resource in sorted(found, key=lambda r: len(r.collection_path)):
        chosen.setdefault(resource.spec.model, resource.spec)
    return chosen
