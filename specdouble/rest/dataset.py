"""The data a server starts with: fixture files where they exist, seeded generation for the
rest, and references between resources pointing at objects that exist."""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

from specdouble.data import fixtures, images
from specdouble.data.synth import PERSON_OWNER, Synth, stable_seed, string_fits
from specdouble.document.augment import unique_name
from specdouble.document.openapi import (
    VALUE_CONSTRAINTS,
    forbidden,
    is_nullable,
    left_for,
    object_shape,
    resolve,
)
from specdouble.rest import mirrors
from specdouble.rest.inference import Inferred
from specdouble.rest.references import SHOWN_SUFFIX, Referents, held_key, key_kind
from specdouble.rest.resource import ResourceSpec
from specdouble.rest.validation import as_path_value, schema_validator
from specdouble.state.store import Later

Data = dict[str, list[dict[str, Any]]]
TIMESTAMPS = ("created", "last_updated")
NULL_REFERENCE_SHARE = 0.2
SLUG_PATTERNS = (None, "^[-a-zA-Z0-9_]+$")
"""Patterns a slug made from a name always matches."""


def build(
    document: Mapping[str, Any],
    resources: Sequence[Inferred],
    *,
    fixtures_dir: Path | None,
    seed: int,
    count: int,
    per_resource: int,
    unions: Mapping[str, Sequence[str]] = MappingProxyType({}),
    generators: Mapping[str, Callable[..., Data]] | None = None,
    waiting: Collection[str] = (),
) -> Data:
    """Fixture files first (when a folder is given), then generate what they leave out: with
    the collection's own generator where the profile has one (`count` records), else from its
    schema (`per_resource`); the collections named in `waiting` (`waits`) are left out, for
    `later`.

    A union (a family of resources, `/policies/all/`) holds its members' records, whose
    integer keys are made distinct across the union, before references are linked (a union
    that is its own member, a table with subtables, shares its keys with a wider union)."""
    keys = {r.spec.collection: r.spec.key for r in resources}
    given = fixtures.load_dataset(fixtures_dir, keys) if fixtures_dir else {}
    data: Data = {
        name: rows for name, rows in given.items() if serves(name, keys, unions, generators)
    }
    generated: set[str] = set()
    for resource in resources:
        name = resource.spec.collection
        if name in data or name in waiting:
            continue
        generate = (generators or {}).get(name)
        if generate is not None:
            data.update(generate(document, seed=seed, count=count))
        else:
            data[name] = records(document, resource, seed=seed, count=per_resource)
            generated.add(name)
    for union, members in unions.items():
        if union in members:
            continue  # a table with subtables holds its own records; the store adds theirs
        _distinct_integer_keys(data, [m for m in members if m in generated], keys)
        data[union] = [record for member in members for record in data.get(member, [])]
        generated.discard(union)
    generated_resources = [r for r in resources if r.spec.collection in generated]
    referents = Referents(document, resources)
    link(document, data, generated_resources, referents, seed=seed)
    embed(document, data, generated_resources, referents, seed=seed)
    return data


def tied(document: Mapping[str, Any], resources: Sequence[Inferred]) -> frozenset[str]:
    """The collections a reference or a shown object ties to another (`link` and `embed` read
    both ends at the start): a function of the document and its resources alone, kept with
    its reading (Microsoft Graph's beta document: 0.07 s of each start)."""
    referents = Referents(document, resources)
    return frozenset(
        name
        for owner, _field, target in (
            *_links(document, resources, referents),
            *_embeds(document, resources, referents),
        )
        for name in (owner.spec.collection, target.spec.collection)
    )


def waits(
    document: Mapping[str, Any],
    resources: Sequence[Inferred],
    *,
    unions: Mapping[str, Sequence[str]],
    generators: Mapping[str, Callable[..., Data]] | None,
    given: Collection[str],
    tied_already: Collection[str] | None = None,
) -> set[str]:
    """The collections whose generated records the start itself never reads, so they may be
    made when first asked for (`later`): no fixture file or profile generator gives them, no
    union holds them, and no reference, shown object or mirrored relation ties them to another
    collection (`tied`, or `tied_already` where it was read before; `align_mirrors` reads both
    ends at the start). What they hold is what `build` would have made."""
    bound = set(tied(document, resources) if tied_already is None else tied_already)
    for resource in resources:
        for mirror in resource.spec.mirrors:
            bound.update((resource.spec.collection, mirror.other))
    for union, members in unions.items():
        bound.update((union, *members))
    return {
        resource.spec.collection
        for resource in resources
        if resource.spec.collection not in bound
        and resource.spec.collection not in given
        and resource.spec.collection not in (generators or {})
    }


def later(
    document: Mapping[str, Any],
    resources: Sequence[Inferred],
    waiting: Collection[str],
    *,
    seed: int,
    count: int,
) -> dict[str, Later]:
    """The `waiting` collections, each made when first read, as `build` would make it."""
    return {
        resource.spec.collection: Later(
            record_count(document, resource, count),
            functools.partial(records, document, resource, seed=seed, count=count),
        )
        for resource in resources
        if resource.spec.collection in waiting
    }


def serves(
    name: str,
    keys: Mapping[str, str],
    unions: Mapping[str, Sequence[str]],
    generators: Mapping[str, Callable[..., Data]] | None,
) -> bool:
    """Whether a fixture file's collection is one the document serves: a resource's, a
    union's, or any where a profile generates collections of its own (authentik's bindings);
    not the built-in Event Matcher fixtures under another document."""
    return name in keys or name in unions or bool(generators)


def align_mirrors(data: Data, resources: Sequence[Inferred]) -> None:
    """Both ends of every relation alike in the start-up data (`mirrors.align`), with what
    the changed ends show (`users_obj`) made again."""
    keys = {r.spec.collection: r.spec.key for r in resources}
    each = {r.spec.collection: r.spec.mirrors for r in resources if r.spec.mirrors}
    by_collection = {r.spec.collection: r for r in resources}
    for collection, field in sorted(mirrors.align(data, keys, each)):
        owner = by_collection[collection]
        shown = f"{field}{SHOWN_SUFFIX}"
        mirror = next(m for m in owner.spec.mirrors if m.field == field)
        if shown in owner.spec.properties:
            _show_references(
                data[collection],
                field,
                shown,
                data.get(mirror.other, []),
                keys.get(mirror.other, "pk"),
            )


def _distinct_integer_keys(data: Data, members: Sequence[str], keys: Mapping[str, str]) -> None:
    """Number the generated members of a union one after the other (they share one table)."""
    number = 0
    for member in members:
        key = keys.get(member, "pk")
        for record in data.get(member, []):
            if isinstance(record.get(key), int) and not isinstance(record.get(key), bool):
                number += 1
                record[key] = number


def records(
    document: Mapping[str, Any], resource: Inferred, *, seed: int, count: int
) -> list[dict[str, Any]]:
    """`count` objects of a resource, valid for its schema, with unique keys."""
    spec = resource.spec
    synth = Synth(document, stable_seed(seed, spec.collection))
    schema = {"type": "object", "properties": dict(spec.properties)}
    made: list[dict[str, Any]] = []
    keys: set[Any] = set()
    slugs: set[str] = set()
    handles: set[str] = set()
    names: set[str] = set()
    person = PERSON_OWNER.search(spec.model or "") is not None
    # What each record takes, read once: the fields a record may hold (`not: {}`: never),
    # and the schema a key is drawn from where a record's own came out null (never null).
    present = [n for n in spec.fields if not forbidden(document, spec.properties.get(n, {}))]
    key_schema, path_schema, reachable = _key_schemas(document, spec)
    count = _fewer(spec, key_schema, count)
    kinds = key_schema.get("type")
    typed = any(
        kind in ("string", "integer", "number")
        for kind in (kinds if isinstance(kinds, list) else [kinds])
    )
    for number in range(1, count + 1):
        with synth.one_value():  # the record, and each field it lacks, are one value
            record = synth.value(schema, owner=spec.model)
            if spec.exclusive:  # one of the `oneOf`'s sets of names, never another whole
                chosen = synth.random.randrange(len(spec.exclusive))
                left = left_for(spec.exclusive, chosen, spec.shown_required or frozenset())
                for name in left:
                    record.pop(name, None)
            else:
                left = set()
            for name in present:
                if name in left:
                    continue
                record.setdefault(
                    name, synth.value(spec.properties.get(name, {}), name=name, owner=spec.model)
                )
        record.update(spec.constants)  # a type's `component`, `verbose_name`, ...
        _distinct_name(synth, record, spec, names)
        agree(record, spec.properties, slugs)
        if person:
            be_one_person(document, record, spec.properties, handles)
        if spec.key_source == "integer" or spec.key_fallback == "integer":
            record[spec.key] = str(number) if key_schema.get("type") == "string" else number
        elif not typed and not isinstance(record.get(spec.key), str | int | float):
            record[spec.key] = synth.value({"type": "string", "format": "uuid"})  # untyped
        elif (
            not isinstance(record.get(spec.key), str | int | float)  # null
            or record[spec.key] in keys  # an example's key that is taken
            or (  # one the item path refuses (`^[a-z]{2}_[A-Z]{2}$`): no read could reach it
                reachable is not None
                and not reachable.is_valid(as_path_value(path_schema, record[spec.key]))
            )
        ):
            record[spec.key] = _fresh_key(synth, key_schema, keys, number)
        keys.add(record.get(spec.key))
        for name in TIMESTAMPS:
            record.setdefault(name, synth.value({"type": "string", "format": "date-time"}))
        made.append(record)
    return made


def record_count(document: Mapping[str, Any], resource: Inferred, count: int) -> int:
    """How many objects `records` makes: `count`, or fewer where the key has few possible
    values (HubSpot's function `functionType`, an enum of four): never one it does not
    allow."""
    return _fewer(resource.spec, _key_schemas(document, resource.spec)[0], count)


def _fewer(spec: ResourceSpec, key_schema: Mapping[str, Any], count: int) -> int:
    if "enum" in key_schema and spec.key_source not in ("integer", "uuid"):
        choices = [value for value in key_schema.get("enum") or [] if value is not None]
        return min(count, len(set(map(str, choices))))
    return count


def _key_schemas(
    document: Mapping[str, Any], spec: ResourceSpec
) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """The schema a key is drawn from (with the item path's constraints, where it names the
    object too), the item path's schema, and its validator (None: no item path)."""
    key_schema = resolve(document, spec.properties.get(spec.key) or {})
    path_schema = resolve(document, spec.key_path_schema or {})
    reachable = schema_validator(document, path_schema) if path_schema else None
    if reachable is not None:
        key_schema = {**key_schema, **_constraints(path_schema)}
    return key_schema, path_schema, reachable


MAX_KEY_DRAWS = 16


def _constraints(schema: Mapping[str, Any]) -> dict[str, Any]:
    """What a string or number must be, of a path parameter's schema."""
    return {name: schema[name] for name in VALUE_CONSTRAINTS if name in schema}


MAX_NAME_DRAWS = 8


def _distinct_name(
    synth: Synth, record: dict[str, Any], spec: ResourceSpec, names: set[str]
) -> None:
    """A name another object of the collection has is drawn again a few times: two
    applications called GitLab read as one shown twice."""
    name = record.get("name")
    if not isinstance(name, str) or "name" not in spec.properties:
        return
    for _ in range(MAX_NAME_DRAWS):
        if name not in names:
            break
        drawn = synth.value(spec.properties["name"], name="name", owner=spec.model)
        name = drawn if isinstance(drawn, str) else name
    record["name"] = name
    names.add(name)


def _fresh_key(synth: Synth, schema: Mapping[str, Any], keys: set[Any], number: int) -> Any:
    """A key of the key's schema that no other object has (drawn without examples); else the
    taken one numbered, as a last resort."""
    resolved = resolve(synth.document, schema)
    plain = {k: v for k, v in resolved.items() if k not in ("example", "examples", "nullable")}
    for _ in range(MAX_KEY_DRAWS):
        drawn = synth.value(plain)
        if drawn not in keys and drawn is not None:
            return drawn
    return f"{synth.value(plain)}-{number}"


def agree(record: dict[str, Any], properties: Mapping[str, Any], slugs: set[str]) -> None:
    """Make an object's fields agree with its name, as a real server's would: its avatar shows
    its name's initials, its icon its first letter, its slug is its name's (unique)."""
    name = record.get("name") or record.get("username")
    if not isinstance(name, str) or not name:
        return
    if isinstance(record.get("avatar"), str):
        record["avatar"] = images.avatar(name)
    for field in ("meta_icon", "meta_icon_url", "icon", "icon_url"):
        if field in properties and (field in record or isinstance(record.get(field), str)):
            record[field] = images.icon(name)
    for field, value in record.items():
        if field.endswith("_themed_urls") and isinstance(value, dict):
            record[field] = {theme: images.icon(name) for theme in value}
    slug_schema = properties.get("slug") or {}
    if isinstance(record.get("slug"), str) and slug_schema.get("pattern") in SLUG_PATTERNS:
        record["slug"] = unique_name(slugify(name), slugs, "-")


PERSON_PARTS = {
    "username": "{handle}",
    "user_name": "{handle}",
    "login": "{handle}",
    "email": "{handle}@example.com",
    "first_name": "{first}",
    "given_name": "{first}",
    "last_name": "{last}",
    "family_name": "{last}",
}
"""A person's fields that follow from their name."""


def be_one_person(
    document: Mapping[str, Any],
    record: dict[str, Any],
    properties: Mapping[str, Any],
    handles: set[str],
) -> None:
    """Make a person's username, email and name parts their name's (`Ada Lovelace`:
    `ada.lovelace`, `ada.lovelace@example.com`), each where its schema allows it; handles are
    unique among `handles`.

    >>> record = {"name": "Dr. Ada Lovelace MD", "username": "xkcd", "email": "x@y.org"}
    >>> be_one_person({}, record, {"username": {}, "email": {"format": "email"}}, set())
    >>> record["username"], record["email"]
    ('ada.lovelace', 'ada.lovelace@example.com')
    """
    name = record.get("name")
    if not isinstance(name, str):
        return
    # Faker's titles and suffixes ("Dr.", "MD", "Jr.") are not part of a handle.
    words = [
        w
        for w in re.findall(r"[A-Za-z][A-Za-z'-]*\.?", name)
        if not w.endswith(".") and not w.isupper()
    ]
    if len(words) < 2 or not any(isinstance(record.get(f), str) for f in PERSON_PARTS):
        return
    first, last = words[0], words[-1]
    base = re.sub(r"[^a-z0-9.]", "", f"{first}.{last}".lower())
    handle = unique_name(base, handles, "")
    for field, template in PERSON_PARTS.items():
        if not isinstance(record.get(field), str):
            continue
        value = template.format(handle=handle, first=first, last=last)
        schema = resolve(document, properties.get(field) or {})
        if string_fits(value, schema) and schema.get("format") in (None, "email"):
            record[field] = value


def slugify(name: str) -> str:
    """A name as a slug.

    >>> slugify("Outline Wiki (staging)")
    'outline-wiki-staging'
    """
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "item"


def link(
    document: Mapping[str, Any],
    data: Data,
    owners: Sequence[Inferred],
    referents: Referents,
    *,
    seed: int,
) -> None:
    """Point every reference field of the generated objects at an object that exists, and
    make what they show (`provider_obj`) of it; the resource a field means is `Referents`'s
    choice, as for writes. Only UUID and integer keys are linked (a string may be anything)."""
    rng = random.Random(stable_seed(seed, "references"))
    for owner, field, target in _links(document, owners, referents):
        if target.spec.collection in data:
            _link_field(document, data, owner, field, target, rng)


Tie = tuple[Inferred, str, Inferred]
"""An owner's field that names or shows an object of the target."""


def _links(
    document: Mapping[str, Any], owners: Sequence[Inferred], referents: Referents
) -> Iterator[Tie]:
    """The reference fields `link` points at existing objects (UUID and integer keys), by
    owner's collection."""
    for owner in sorted(owners, key=lambda r: r.spec.collection):
        for field in owner.spec.properties:
            if field == owner.spec.key or field == "pk":
                continue
            if key_kind(document, owner.spec.properties[field]) not in ("uuid", "integer"):
                continue
            target = referents.meant(owner.spec.properties, field, owner.spec.relations)
            if target is not None:
                yield owner, field, target


def _link_field(
    document: Mapping[str, Any],
    data: Data,
    owner: Inferred,
    field: str,
    target: Inferred,
    rng: random.Random,
) -> None:
    schema = owner.spec.properties[field]
    is_array = schema.get("type") == "array"
    key = held_key(target.spec)
    pks = [record.get(key) for record in data[target.spec.collection]]
    pks = [pk for pk in pks if pk is not None]
    if not pks:
        return
    nullable = bool(schema.get("nullable"))
    for record in data[owner.spec.collection]:
        if is_array:
            record[field] = rng.sample(pks, k=min(len(pks), rng.randint(0, 2)))
        elif nullable and rng.random() < NULL_REFERENCE_SHARE:
            record[field] = None
        else:
            record[field] = rng.choice(pks)
    shown = f"{field}{SHOWN_SUFFIX}"
    if shown in owner.spec.properties:
        if not is_array and not is_nullable(document, owner.spec.properties[shown], surely=True):
            # The object must be shown, so the reference cannot be null.
            for record in data[owner.spec.collection]:
                if record.get(field) is None:
                    record[field] = rng.choice(pks)
        _show_references(
            data[owner.spec.collection], field, shown, data[target.spec.collection], key
        )


def embed(
    document: Mapping[str, Any],
    data: Data,
    owners: Sequence[Inferred],
    referents: Referents,
    *,
    seed: int,
) -> None:
    """An object shown inside another on its own (an invitation's `created_by`, a stage's
    `flow_set`; not a `*_obj` beside its reference, which `link` makes) is one of the objects
    its resource has, as the interface links it to that object's page: made from an existing
    record, the generated values kept only for fields the record lacks."""
    rng = random.Random(stable_seed(seed, "embedded"))
    for owner, field, target in _embeds(document, owners, referents):
        if not data.get(target.spec.collection):
            continue
        choices = data[target.spec.collection]
        resolved = resolve(document, owner.spec.properties[field])
        item = resolved.get("items") if resolved.get("type") == "array" else resolved
        fits = _fits_each(document, object_shape(document, item or {})[0])
        for record in data[owner.spec.collection]:
            value = record.get(field)
            if isinstance(value, list):
                record[field] = [_like(one, rng.choice(choices), fits) for one in value]
            elif isinstance(value, dict):
                record[field] = _like(value, rng.choice(choices), fits)


def _embeds(
    document: Mapping[str, Any], owners: Sequence[Inferred], referents: Referents
) -> Iterator[Tie]:
    """The fields whose objects `embed` makes of another resource's, by owner's collection
    (not a `*_obj` beside its reference, which `link` shows)."""
    for owner in sorted(owners, key=lambda r: r.spec.collection):
        properties = owner.spec.properties
        for field, schema in properties.items():
            if field.removesuffix(SHOWN_SUFFIX) in properties and field.endswith(SHOWN_SUFFIX):
                continue
            target = referents.shown(schema)
            if target is not None and target is not owner:
                yield owner, field, target


def _fits_each(
    document: Mapping[str, Any], properties: Mapping[str, Any]
) -> Callable[[str, Any], bool]:
    """Whether a value fits the schema of the named property of the shown object."""

    def fits(name: str, value: Any) -> bool:
        schema = properties.get(name)
        return schema is None or bool(schema_validator(document, schema).is_valid(value))

    return fits


def _like(
    generated: Mapping[str, Any],
    target: Mapping[str, Any],
    fits: Callable[[str, Any], bool] = lambda _name, _value: True,
) -> dict[str, Any]:
    """`target`'s values in the shape of the generated object, each where the shown object's
    schema takes it (the target's own schema may say otherwise: GitHub's `team.parent`)."""
    if not isinstance(generated, Mapping):
        return dict(target)
    return {
        name: target[name] if name in target and fits(name, target[name]) else value
        for name, value in generated.items()
    }


def _show_references(
    records: Sequence[dict[str, Any]],
    field: str,
    shown: str,
    targets: Sequence[Mapping[str, Any]],
    key: str,
) -> None:
    """`provider_obj` shows the provider `provider` names (`groups_obj` the groups of `groups`):
    the target's values, in the shape the generated objects have."""
    example = next(
        (
            item
            for record in records
            for item in (
                record.get(shown) if isinstance(record.get(shown), list) else [record.get(shown)]
            )
            if isinstance(item, dict)
        ),
        None,
    )
    if example is None:
        return
    by_key = {str(t.get(key)): t for t in targets}

    def project(key: Any) -> dict[str, Any] | None:
        target = by_key.get(str(key))
        if target is None:
            return None
        return {name: target.get(name, value) for name, value in example.items()}

    for record in records:
        value = record.get(field)
        if isinstance(value, list):
            record[shown] = [p for p in map(project, value) if p is not None]
        elif value is None:
            if record.get(shown) is not None:
                record[shown] = None
        else:
            record[shown] = project(value)
