"""The profile of authentik's documents: DRF's, plus what authentik's server does beyond its
resources. The Event Matcher Policy's rules and data, the `all` families, a fresh install's
objects, the answers that describe the server, the lookups, and the browser side."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from specdouble.document.openapi import resolve
from specdouble.profiles.base import Data, Generate
from specdouble.profiles.drf import DrfProfile
from specdouble.resources import CUSTOMISATIONS
from specdouble.resources.authentik import (
    audit,
    crypto,
    defaults,
    families,
    schedules,
    settings,
    signals,
    transactional,
)
from specdouble.resources.authentik.answers import Answers
from specdouble.resources.authentik.computed import with_computed_fields
from specdouble.resources.authentik.facts import ancestors, field_defaults, model_fields
from specdouble.resources.authentik.flow_state import (
    LoginUsers,
    password_answers,
    preview_answers,
)
from specdouble.resources.authentik.lookups import LOOKUPS
from specdouble.resources.authentik.tokens import VIEW_KEY, TokenBook
from specdouble.resources.authentik.tokens import answers as token_answers
from specdouble.resources.authentik.users import paths_answers, superuser_status
from specdouble.resources.authentik.writes import with_fills
from specdouble.resources.event_matcher import rules as event_matcher
from specdouble.resources.event_matcher.data import generate as generate_policies
from specdouble.rest import inference, mirrors, ql
from specdouble.rest.actions import Action, Respond
from specdouble.rest.auth import Token, User
from specdouble.rest.references import SHOWN_SUFFIX, held_key
from specdouble.rest.resource import (
    CALLER,
    Computed,
    FilterPath,
    Record,
    RelatedFilter,
    Resource,
    ResourceSpec,
    ShownAsBase,
)
from specdouble.rest.validation import FREE_OBJECT, can_show
from specdouble.state.store import Store

OWNED_BY = {"Token": "user"}
"""Models whose viewset shows a caller without permissions its own objects
(`TokenViewSet.get_queryset`: `filter(user=request.user)` unless a superuser)."""
LISTED_FOR_ALL = frozenset({"Application"})
"""Models anyone may list (`ApplicationViewSet.list` answers the applications the caller may
open, by policy)."""


def with_model_facts(
    document: Mapping[str, Any], spec: ResourceSpec, *, lenient: bool = False
) -> ResourceSpec:
    """The spec, with what authentik's sources say of its model's fields: what a create that
    leaves a writable field out stores (a default the document states wins), which fields the
    server makes (and how its random strings look), and which must be unique (alone or
    together) with the message a clash gets, and which shown objects show the base model
    of their family (a plain relation to `Provider`).

    A default the object's schema cannot show is left out (a null many-to-many); a blank URL
    or email, which authentik stores and its document's formats refuse, only where the
    server's leniency is asked for (else the strict contract keeps to the formats)."""
    model = field_defaults().get(spec.model, {})
    known = {
        name: value
        for name, value in model.items()
        if name in spec.writable
        and name in spec.properties
        and can_show(document, spec.properties[name], value, blank_formats=lenient)
    }
    promises = model_fields().get(spec.model, {})
    unique = {
        name: message
        for name, message in promises.get("unique", {}).items()
        if name in spec.writable and name != spec.key
    }
    together = tuple(
        tuple(names)
        for names in promises.get("together", [])
        if all(name in spec.writable for name in names)
    )
    made = frozenset(promises.get("made", ())) & set(spec.writable) - set(spec.defaults)
    spec = with_view_lists(document, spec, promises.get("view", {}), promises.get("columns"))
    spec = with_query_fields(document, spec, promises.get("view", {}).get("ql") or [])
    relations = {
        name: model
        for name, model in promises.get("keys", {}).items()
        if name in spec.properties and name != spec.key
    } | {  # the other ends of many-to-many relations (a group's `children`, a role's `groups`)
        related: other
        for other, facts in model_fields().items()
        for to, related in facts.get("mirrors", {}).values()
        if to == spec.model and related in spec.properties and related != spec.key
    }
    paths = {
        name: FilterPath(
            each["field"], each["lookup"], each["to"], each["many"], each.get("held", False)
        )
        for name, each in promises.get("filters", {}).items()
        if "any" not in each
        and (name not in spec.properties or each["many"])
        and (each["field"].split("__")[0] in spec.properties or each.get("held", False))
    }
    return replace(
        spec,
        owner=OWNED_BY.get(spec.model, spec.owner)
        if OWNED_BY.get(spec.model) in spec.properties
        else spec.owner,
        listed_for_all=spec.listed_for_all or spec.model in LISTED_FOR_ALL,
        relations={**relations, **spec.relations},
        filter_paths={**paths, **spec.filter_paths},
        either_filters={
            name: tuple(each["any"])
            for name, each in promises.get("filters", {}).items()
            if "any" in each and all(p.split("__")[0] in spec.properties for p in each["any"])
        },
        related_filters={
            **related_filters(document, spec, promises),
            **spec.related_filters,
        },
        filter_aliases={**primary_alias(spec), **spec.filter_aliases},
        defaults={**known, **spec.defaults},
        checks=spec.checks + tuple(promises.get("checks", ())),
        fixed={
            name: message
            for name, message in promises.get("fixed", {}).items()
            if name in spec.writable
        }
        | dict(spec.fixed),
        written={
            name: value
            for name, value in promises.get("written", {}).items()
            if name in spec.writable
            and (value == CALLER or can_show(document, spec.properties[name], value))
        },
        shown_as_base={
            **{
                name: ShownAsBase(
                    {k: v for k, v in shown.items() if k != "when"}, shown["when"] == "always"
                )
                for name, shown in promises.get("shown_as_base", {}).items()
                if name in spec.fields
            },
            **spec.shown_as_base,
        },
        unique_fields=tuple(dict.fromkeys((*spec.unique_fields, *unique))),
        unique_messages={**unique, **spec.unique_messages},
        unique_together=spec.unique_together + together,
        server_made=spec.server_made | made,
        drawn={
            name: schema
            for name, schema in promises.get("drawn", {}).items()
            if name in spec.properties
        }
        | dict(spec.drawn),
    )


def primary_alias(spec: ResourceSpec) -> dict[str, str]:
    """The model's primary key by its own name (`group_uuid`, `flow_uuid`: a filter, a
    field of a shown object), where the answer calls it `pk`."""
    primary = model_fields().get(spec.model, {}).get("primary")
    if primary is None or primary in spec.properties or "pk" not in spec.properties:
        return {}
    return {primary: "pk"}


KEY_LOOKUPS = ("exact", "iexact")
"""The lookups for which django-filter makes a relation's filter a model choice (`isnull` is a
boolean, `in` a list of raw values)."""

MODEL_CHOICE_FILTERS = {"ModelChoiceFilter": False, "ModelMultipleChoiceFilter": True}
"""django-filter's filters whose values are related objects' keys -> whether they take many."""


def related_filters(
    document: Mapping[str, Any], spec: ResourceSpec, promises: Mapping[str, Any]
) -> dict[str, RelatedFilter]:
    """The list's parameters whose values are keys of related objects, as django-filter makes
    them: declared model choice filters, and every relation the viewset's `filterset_fields`
    names (`signing_key`, `property_mappings__iexact`), its own (a foreign key, many for a
    many-to-many) or one held at the other end (a provider's `application`: the application
    whose one-to-one `provider` names it; many where that field is a plain foreign key); and
    filter methods named after a many-to-many relation held at the other end (a role's
    `users`: the roles a user's `roles` name), which refuse nothing."""
    keys = promises.get("keys", {})
    kinds = promises.get("filter_kinds", {})
    found: dict[str, RelatedFilter] = {}
    for name, each in promises.get("filters", {}).items():
        if "any" in each:
            continue  # a method's lookups (`either_filters`)
        many = MODEL_CHOICE_FILTERS.get(kinds.get(name, ""))
        if many is not None and each["to"] is None and "__" not in each["field"]:
            found[name] = RelatedFilter(keys.get(each["field"]), each["field"], many)
    fields = promises.get("view", {}).get("filterset_fields")
    if fields == "__all__":
        fields = list(keys)
    named: list[tuple[str, str]] = []
    if isinstance(fields, list):
        named = [(name, name) for name in fields]
    elif isinstance(fields, dict):
        named = [
            (name, name if lookup == "exact" else f"{name}__{lookup}")
            for name, lookups in fields.items()
            for lookup in lookups
            if lookup in KEY_LOOKUPS
        ]
    lineage = {spec.model, *ancestors().get(spec.model, ())}
    for name in kinds:
        if name in found or name in promises.get("filters", {}):
            continue
        for model, facts in model_fields().items():
            via = next(
                (
                    f
                    for f, (to, related) in facts.get("mirrors", {}).items()
                    if to in lineage and related == name
                ),
                None,
            )
            if via is not None:  # a method named after the relation (a role's `users`)
                found[name] = RelatedFilter(model, name, False, via, checked=False)
                break
    for field, parameter in named:
        if "__" in field or parameter in found:
            continue
        if field in keys:
            schema = resolve(document, spec.properties.get(field, {}))
            many = schema.get("type") == "array" or field in promises.get("mirrors", {})
            found[parameter] = RelatedFilter(keys[field], field, many)
            continue
        for model, facts in model_fields().items():
            via = next(
                (f for f, to in facts.get("keys", {}).items() if to in lineage),
                None,
            )
            if model.lower() == field and via is not None:
                unique = via in facts.get("unique", {})
                found[parameter] = RelatedFilter(model, field, not unique, via)
                break
    return found


SEARCH_MODIFIERS = "^=@$"
"""DRF's search prefixes (starts with, exact, full text, regex), read here as "contains"."""


def with_view_lists(
    document: Mapping[str, Any],
    spec: ResourceSpec,
    view: Mapping[str, Any],
    columns: Sequence[str] | None = None,
) -> ResourceSpec:
    """The spec, searched and ordered as its viewset declares (`search_fields`, `ordering`,
    `ordering_fields`): a lookup across a relation (`stage__name`) reads the object the
    answer shows (`stage_obj`); what the answer cannot show is left out. A viewset that
    names no `ordering_fields` orders by the serializer's fields that are the model's own
    (`columns`, and its key), as DRF's OrderingFilter does: a field the serializer makes
    (`component`, `meta_model_name`, `assigned_application_slug`) is ignored by that name."""

    def field(name: str) -> str | None:
        head, _, rest = name.lstrip(SEARCH_MODIFIERS).partition("__")
        if head == "pk":
            head = spec.key if spec.key in spec.properties else "pk"
        if not rest:
            return head if head in spec.properties else None
        shown = head + SHOWN_SUFFIX
        return f"{shown}__{rest}" if shown in spec.properties else None

    def orderable(name: str | None) -> bool:
        """A field whose values sort: not an object or a list (a relation, as Django orders
        it by the related key, is left to the spec's own order)."""
        if name is None or "__" in name:
            return False
        return resolve(document, spec.properties[name]).get("type") not in ("object", "array")

    changes: dict[str, Any] = {}
    if isinstance(view.get("search_fields"), list):
        searched = [f for name in view["search_fields"] if (f := field(name))]
        changes["search_fields"] = tuple(dict.fromkeys(searched))
    if isinstance(view.get("ordering"), list):
        terms = []
        for term in view["ordering"]:
            name = field(term.removeprefix("-"))
            if name is not None and orderable(name):
                terms.append(("-" if term.startswith("-") else "") + name)
        if terms:
            changes["default_ordering"] = tuple(terms)
    if isinstance(view.get("ordering_fields"), list):
        allowed = [f for name in view["ordering_fields"] if orderable(f := field(name))]
        changes["ordering_fields"] = tuple(dict.fromkeys(allowed))
    elif columns is not None:
        own = {*columns, "pk", spec.key}
        changes["ordering_fields"] = tuple(f for f in spec.ordering_fields if f in own)
    return replace(spec, **changes) if changes else spec


def with_query_fields(
    document: Mapping[str, Any], spec: ResourceSpec, fields: Sequence[Mapping[str, Any]]
) -> ResourceSpec:
    """The spec, queried in DjangoQL by the fields its viewset's `get_ql_fields` names that
    the answer shows: a choice field offers its schema's enum, a JSON field lists its
    known keys under `<app>.<model>_<name>`, as authentik's autocomplete does."""
    label = audit.model_label(spec.model)
    if not fields or label is None:
        return spec
    prefix = f"{label[0]}.{label[1]}"

    def read(entry: Mapping[str, Any], schema: Any) -> ql.QLField:
        own = resolve(document, schema or {})
        choices = None
        if entry.get("choices"):
            enum = own.get("enum") or next(
                (resolve(document, p).get("enum") for p in own.get("allOf") or []), None
            )
            choices = tuple(str(v) for v in enum or () if v not in (None, ""))
        inner = (own.get("properties") or {}) if isinstance(own, dict) else {}
        return ql.QLField(
            name=entry["name"],
            kind=entry["kind"],
            nullable=bool(entry.get("nullable")),
            choices=choices,
            suggested=bool(entry.get("suggest_options")),
            fixed=tuple(read(f, inner.get(f["name"])) for f in entry.get("fixed", ())),
            relation=f"{prefix}_{entry.get('own_name', entry['name'])}"
            if entry["kind"] == "relation"
            else "",
        )

    primary = model_fields().get(spec.model, {}).get("primary")
    found = tuple(
        read(f, spec.properties[f["name"]])
        if f["name"] in spec.properties
        else replace(read(f, spec.properties[spec.key]), held_as=spec.key)
        for f in fields
        if f["name"] in spec.properties or (f["name"] == primary and spec.key in spec.properties)
    )
    return replace(spec, query_fields=found, query_model=prefix) if found else spec


def _with_through_fields(
    document: Mapping[str, Any], found: list[inference.Inferred]
) -> list[inference.Inferred]:
    """Fields that show objects tied to this one by a model of their own (a stage's
    `flow_set`: the flows whose bindings name it), computed from the state on every read."""
    facts = model_fields()
    relations = {model: each for model, f in facts.items() if (each := f.get("through"))}
    foreign_keys = {model: each for model, f in facts.items() if (each := f.get("keys"))}

    def item_fields(resource: inference.Inferred, name: str) -> tuple[str, ...]:
        items = resolve(
            document, resolve(document, resource.spec.properties[name]).get("items", {})
        )
        return tuple(items.get("properties") or ())

    held = {item.spec.collection: held_key(item.spec) for item in found}
    reads = {item.spec.collection: item.spec.computed for item in found}
    shown = mirrors.through_fields(
        found, relations, foreign_keys, ancestors(), item_fields, held, reads
    )
    made = []
    for item in found:
        each = shown.get(item.spec.collection)
        if each:
            computed = _computed_through(item.spec.computed, held[item.spec.collection], each)
            item = replace(item, spec=replace(item.spec, computed=computed))
        made.append(item)
    return made


def _computed_through(computed: Computed, key: str, fields: Sequence[mirrors.Through]) -> Computed:
    def compute(store: Store, record: Record) -> dict[str, Any]:
        return {
            **computed(store, record),
            **{each.field: each.objects(store, record.get(key)) for each in fields},
        }

    return compute


JSON_DICT_FIELD = "Value must be a dictionary, and not have any duplicate keys."
WORDS = {FREE_OBJECT: JSON_DICT_FIELD}
"""authentik's own words over DRF's: its `ModelSerializer` reads a model's `JSONField` (the
free-form objects of its bodies: `attributes`, `context`, an outpost's `config`) as its
`JSONDictField`."""


class AuthentikProfile(DrfProfile):
    name = "authentik"
    browser = True
    replacing = frozenset({VIEW_KEY})
    data_waits = False  # a fresh install's objects join many collections at the start

    def __init__(self, *, lenient: bool = False) -> None:
        super().__init__(lenient=lenient)
        self.dialect = replace(self.dialect, messages=WORDS)
        self._server: Answers | None = None

    def resources(
        self, document: Mapping[str, Any]
    ) -> tuple[list[inference.Inferred], dict[str, tuple[str, ...]]]:
        found = inference.customise(inference.infer(document), CUSTOMISATIONS)
        found = [
            replace(item, spec=with_model_facts(document, item.spec, lenient=self.dialect.lenient))
            for item in found
        ]
        found = [replace(item, spec=audit.filterable(item.spec)) for item in found]
        relations = {
            model: {field: (other, related) for field, (other, related) in each.items()}
            for model, facts in model_fields().items()
            if (each := facts.get("mirrors"))
        }
        both_ends = mirrors.pairs(found, relations)
        found = [
            replace(item, spec=replace(item.spec, mirrors=both_ends[item.spec.collection]))
            if item.spec.collection in both_ends
            else item
            for item in found
        ]
        found = superuser_status(found)
        found = with_computed_fields(found)
        found = with_fills(found)
        found = _with_through_fields(document, found)  # shows objects with their computed fields
        family = families.find(found)
        unions = {each.collection: each.members for each in family}
        return families.customise(document, found, family), unions

    def generators(self) -> Mapping[str, Generate]:
        return {event_matcher.COLLECTION: generate_policies}

    def start_objects(
        self,
        document: Mapping[str, Any],
        data: Data,
        keys: dict[str, str],
        users: Mapping[str, User],
        models: Mapping[str, ResourceSpec],
    ) -> None:
        defaults.apply(data, keys, users, models)
        families.inherit_rows(document, data, list(models.values()))
        schedules.start_rows(data, models)
        crypto.start_rows(data, models)
        schedules.start_tasks(data, models)
        made = settings.default_settings(document)
        if made is not None:
            data[settings.SETTINGS] = [made]
            keys[settings.SETTINGS] = "pk"

    def server(
        self, document: Mapping[str, Any], store: Store, users: Mapping[str, User]
    ) -> Answers:
        """The answers that describe the server and its caller, made once for its store
        (`answers` and the browser side read the same)."""
        if self._server is None or self._server.store is not store:
            self._server = Answers(document, store, users)
        return self._server

    def answers(
        self,
        document: Mapping[str, Any],
        store: Store,
        users: Mapping[str, User],
        found: Sequence[inference.Inferred],
        unions: Mapping[str, tuple[str, ...]],
    ) -> dict[str, Respond]:
        family = [families.Family(collection, members) for collection, members in unions.items()]
        return {
            **self.server(document, store, users).table(),
            **families.answers(found, family),
            **settings.answers(store),
            **crypto.answers(found, store),
            **token_answers(found, store),
            **password_answers(store, users_collection(found)),
            **preview_answers(),
        }

    def audit(self, resources: list[Resource], actions: dict[str, Action]) -> None:
        signals.followed(resources, actions)  # inside the audit: its events come first
        schedules.followed(resources, actions)
        audit.audited(resources, actions)

    def compose(
        self,
        document: Mapping[str, Any],
        found: Sequence[inference.Inferred],
        resources: list[Resource],
    ) -> dict[str, Respond]:
        return {
            **transactional.answers(
                document, found, resources, lenient=self.dialect.lenient, words=WORDS
            ),
            **paths_answers(resources),
        }

    def credentials(
        self, tokens: Mapping[str, Token], store: Store, found: Sequence[inference.Inferred]
    ) -> Mapping[str, Token]:
        """The tokens of `tokens.yaml`, and the API tokens made through the API."""
        return TokenBook(tokens, store, found)

    def people(
        self, users: Mapping[str, User], store: Store, found: Sequence[inference.Inferred]
    ) -> Mapping[str, User]:
        """The users of `tokens.yaml` as their records are now (a flow or the API may have
        renamed them, changed their email, deactivated them or set their password), and any
        user an administrator gave a password."""
        groups = inference.by_model(found).get("Group")
        return LoginUsers(
            users, store, users_collection(found), groups.collection if groups else None
        )

    def is_identity(self, users: Mapping[str, User]) -> Callable[[Mapping[str, Any]], bool]:
        made = {defaults.object_id("user", name) for name in users}  # as `_users` keys them
        return lambda record: record.get("uuid") in made

    def lookups(self) -> Mapping[str, Any]:
        return LOOKUPS


def users_collection(found: Sequence[inference.Inferred]) -> str | None:
    spec = inference.by_model(found).get("User")
    return spec.collection if spec else None
