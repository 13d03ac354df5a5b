"""A REST resource as Django REST Framework serves it: list, create, retrieve, update, patch,
delete and used_by over one collection of the store.

Everything a particular resource adds (its constants, computed fields, cross-field rules and
relations) comes in through its `ResourceSpec`; the machinery here is the same for all.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from specdouble import errors
from specdouble.data import images
from specdouble.data.synth import NO_VALUE, Synth, empty_value, stable_seed, with_defaults
from specdouble.data.values import canonical_instant, fitted_instant
from specdouble.document.openapi import (
    copied,
    holds_write_only,
    object_shape,
    resolve,
    without_write_only,
)
from specdouble.rest import checks, indexed, ql, query
from specdouble.rest.auth import ANONYMOUS, VIEW, Principal
from specdouble.rest.checks import Check
from specdouble.rest.listing import Listing, Window, sort_terms, window
from specdouble.rest.mirrors import Mirror, follow
from specdouble.rest.params import UNREADABLE
from specdouble.rest.validation import as_path_value, schema_validator
from specdouble.settings import Limits
from specdouble.state.store import KeyInUse, Record, Store

if TYPE_CHECKING:
    from specdouble.rest.references import References

SHOWN_SUFFIX = "_obj"
MAX_KEY_DRAWS = 64
"""Draws of a made key before its shape is taken as exhausted (a 409)."""
"""What a field showing the objects a reference names is called (`provider_obj`)."""
CALLER = "<caller>"
"""In `ResourceSpec.written`: the user making the request (`attrs.setdefault("user",
request.user)`)."""
# Query parameters with a meaning of their own; every other declared one is an exact filter.
PAGE, PAGE_SIZE, SEARCH, ORDERING = "page", "page_size", "search", "ordering"
CONTROL_PARAMETERS = frozenset({PAGE, PAGE_SIZE, SEARCH, ORDERING})

Rule = Callable[[Mapping[str, Any]], None]
Fill = Callable[[Store, dict[str, Any], str], None]
"""What a serializer sets on a write beyond what was sent (`store`, the record, the instant)."""
Computed = Callable[[Store, Record], dict[str, Any]]
Relation = Callable[[Store, Record], list[dict[str, Any]]]
Cascade = Callable[[Store, Record], None]


def _no_relations(_store: Store, _record: Record) -> list[dict[str, Any]]:
    return []


def _no_cascade(_store: Store, _record: Record) -> None:
    return None


def _nothing_computed(_store: Store, _record: Record) -> dict[str, Any]:
    return {}


@dataclass(frozen=True, slots=True)
class FilterPath:
    """A query parameter that filters by a path (django-filter's `field_name`): a field of
    the object, or across a relation (`groups__name`) through the objects it shows, with a
    lookup; `to` names the related objects' field a value is (their key where None), and a
    `many` filter keeps the objects related to any of the values."""

    field: str
    lookup: str = "exact"
    to: str | None = None
    many: bool = False
    held: bool = False
    """Only values some object holds are choices (django-filter's `AllValuesFilter`)."""


@dataclass(frozen=True, slots=True)
class RelatedFilter:
    """A query parameter whose values are keys of related objects (django-filter's
    `ModelChoiceFilter`, or `ModelMultipleChoiceFilter` where `many`): each names an object of
    `model` that exists, else the filter refuses it. `field` is this object's field holding
    the relation; where the relation is held at the other end (a provider's `application`),
    `via` is the related objects' field naming this one."""

    model: str | None
    """None: the model this object's `field` references."""
    field: str
    many: bool = False
    via: str | None = None
    checked: bool = True
    """Whether a value must name an object that exists (a model choice); else one that names
    none filters everything out (a filter method of its own)."""


@dataclass(frozen=True, slots=True)
class ShownAsBase:
    """How a shown object shows a relation's row where the relation yields the base model of
    a family rather than the object's own type (Django's plain relation to a multi-table
    base: an outpost's `providers_obj` are `Provider` rows)."""

    constants: Mapping[str, Any]
    """The base's `component` (""), `verbose_name`, ... in place of the object's type's."""
    on_read: bool = True
    """Whether every answer shows the base; else only the answer to a write that set the
    reference (a relation that selects the subclass when read, written from a base lookup)."""


NO_FILTER = frozenset({"all", "any", "both", "every", "everything", "*"})
"""Values of a filter's enum that select every object rather than a value one holds."""


@dataclass(frozen=True, slots=True)
class ResourceSpec:
    """What makes one resource itself; the defaults describe a plain DRF model viewset."""

    collection: str
    """The store collection, also the fixtures file name and the operationId prefix."""
    model: str
    """The model class name, as in "No EventMatcherPolicy matches the given query."."""
    verbose_name: str
    """The lower-case model name, as Django's `verbose_name`."""
    fields: tuple[str, ...]
    """The fields the response shows, in order (constants and computed ones included)."""
    writable: tuple[str, ...]
    """The fields a request may set."""
    key: str = "pk"
    key_source: str = "uuid"
    """Where a create's key comes from: `uuid`, `integer` (the next), `body`, or `made` (drawn
    from the key's schema, where neither a UUID nor a number fits it)."""
    """How a new object gets its key: "uuid", "integer" (the next number) or "body"."""
    properties: Mapping[str, Any] = field(default_factory=dict)
    """The object schema's properties, for values the server makes itself."""
    generated: tuple[str, ...] = ()
    """Read-only fields the server fills on create (not the key, constants or computed)."""
    nullable: frozenset[str] = frozenset()
    reshaped: frozenset[str] = frozenset()
    """Writable fields that the object shows in another shape (written as an id, shown as an
    object): their shown value is made by the server."""
    filterable: frozenset[str] = frozenset()
    """Fields a query parameter may filter; other parameters are accepted and ignored."""
    filter_aliases: Mapping[str, str] = field(default_factory=dict)
    """Query parameter names that filter a differently named field (`policy_uuid` -> `pk`)."""
    search_fields: tuple[str, ...] = ("name",)
    ordering_fields: tuple[str, ...] = ()
    default_ordering: tuple[str, ...] = ("name",)
    unique_fields: tuple[str, ...] = ()
    unique_messages: Mapping[str, str] = field(default_factory=dict)
    """A unique field -> what a clash answers, where it is not "<Model> with this <field>
    already exists." (a serializer's own validator: "This field must be unique.")."""
    unique_together: tuple[tuple[str, ...], ...] = ()
    """Fields whose values together name at most one object (DRF's UniqueTogetherValidator)."""
    filter_paths: Mapping[str, FilterPath] = field(default_factory=dict)
    fixed: Mapping[str, str] = field(default_factory=dict)
    """Fields an update may not change once they hold a value -> the refusal's message (a
    token's `validate_user`: "User cannot be changed")."""
    either_filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """A query parameter that keeps the objects any of its lookups match (authentik's events
    by `username`: `Q(user__username=value) | Q(context__username=value)`)."""
    """Parameters that filter by a path of their own (`groups_by_name`), from a profile's
    facts."""
    related_filters: Mapping[str, RelatedFilter] = field(default_factory=dict)
    """Parameters that name related objects by their keys, from a profile's facts."""
    included: Mapping[str, tuple[str, bool]] = field(default_factory=dict)
    """Shown objects an answer holds only when asked: shown field -> the query parameter that
    asks (`children_obj` -> `include_children`) and whether an answer holds it unasked; null
    otherwise."""
    query_fields: tuple[ql.QLField, ...] = ()
    """The fields `?search=` may query in DjangoQL (authentik's `get_ql_fields`); none: a
    search is plain words."""
    query_model: str = ""
    """The model a query's autocomplete names (`authentik_core.user`)."""
    owner: str = ""
    """A field naming the user an object belongs to: a caller who may not view the model
    sees its own objects (authentik's tokens), and no 403."""
    listed_for_all: bool = False
    """Anyone may list the objects (authentik's applications, listed by access)."""
    relations: Mapping[str, str] = field(default_factory=dict)
    """A reference field -> the model it names, where the document cannot say (a binding's
    `target` is a flow): read from a profile's facts."""
    mirrors: tuple[Mirror, ...] = ()
    """Fields that are one relation with a field of another resource (`groups` of a user is
    `users` of a group): a write here shows there."""
    server_made: frozenset[str] = frozenset()
    """Writable fields the server fills in where a create leaves them out (a model default
    that is a function: a client id, a key): drawn, never blank."""
    drawn: Mapping[str, Any] = field(default_factory=dict)
    """The schemas the server's own values of some fields are drawn from, where the server
    says more than the document (authentik's client ids: 40 letters and digits)."""
    defaults: Mapping[str, Any] = field(default_factory=dict)
    written: Mapping[str, Any] = field(default_factory=dict)
    """Fields every write sets where it leaves them out, an update too (a DRF serializer's
    `validate` sees only the fields sent: authentik's token `attrs.setdefault("intent", "api")`
    rewrites a PATCH): a value, or `CALLER` for the calling user."""
    checks: tuple[Check, ...] = ()
    """A serializer's `validate` as conditions on the fields a write sends (`rest.checks`)."""
    constants: Mapping[str, Any] = field(default_factory=dict)
    shown_required: frozenset[str] | None = None
    """A plain document's object: the names its schema requires. A writable field a create
    leaves out, with no default, is then null where it may be, else left out of the object,
    unless it must be shown (a write never invents data: InfluxDB's DBRP given an `org` and
    an invented `orgID` matched both of its `oneOf` branches). None: every field is shown,
    as DRF's serializers show them."""
    exclusive: tuple[frozenset[str], ...] = ()
    """Sets of names the object's `oneOf` asks for, one of them whole and no other
    (`openapi.exclusive_requirements`): what its generated objects hold."""
    shown_as_base: Mapping[str, ShownAsBase] = field(default_factory=dict)
    """Shown fields whose objects show their family's base model (`ShownAsBase`)."""
    computed: Computed = _nothing_computed
    rules: tuple[Rule, ...] = ()
    """Cross-field rules, run on the whole resulting object once every field is valid."""
    fills: tuple[Fill, ...] = ()
    """What the server sets on every create and update, from the object and the state (an
    API token's expiry, a proxy's redirect URIs), before the rules run."""
    used_by: Relation = _no_relations
    cascade: Cascade = _no_cascade

    default_page_size: int = 20
    """authentik's tenant setting `pagination_default_page_size`."""
    max_page_size: int = 100
    """authentik's `pagination_max_page_size`: a larger `page_size` gets this many."""
    response_schemas: Mapping[str, Any] = field(default_factory=dict)
    """Actions that answer with another schema than the object (None: with no body)."""
    listed_fields: tuple[str, ...] | None = None
    """The fields a list shows of each object, where it shows a summary (None: all of them;
    none where the summary may show none, Jira's of `writeOnly` fields alone)."""
    listed_schemas: Mapping[str, Any] = field(default_factory=dict)
    """The summary's schema of each field it shows: a value must be showable in both, but
    those of `listed_otherwise`."""
    upserts: bool = False
    """Its create says it creates or replaces (`inference.says_upsert`): a create whose body
    names an object that exists replaces it, as an update of every field sent."""
    listed_otherwise: Mapping[str, Any] = field(default_factory=dict)
    """The summary's schema of each field it shows as another kind of value than the object
    holds, itself or inside it (GoDaddy's order `pricing.total`: text in the list, a number
    in full): the list shows the held value in that kind (`Synth.shown_as`)."""
    envelope: str | None = None
    """Where the item's answers hold the object (Superset's `{id, result}`, Asana's `{data}`),
    and a body sent in such an envelope too; None: answers are the object."""
    aliases: Mapping[str, str] = field(default_factory=dict)
    """A body's field the object names otherwise only in case (AWS's create sends
    `readinessCheckName`, the object shows `ReadinessCheckName`) -> the object's name."""
    key_path_schema: Mapping[str, Any] | None = None
    """The item path's parameter schema: a key it refuses names an object no read can reach."""
    operations: Mapping[str, str] = field(default_factory=dict)
    """operationId -> the action that serves it; empty: DRF's names (`<collection>_list`)."""
    listing: Listing | None = None
    """How a list is paged and answered where it is not DRF's way (page, page_size, and
    authentik's envelope)."""
    key_fallback: str = ""
    """For a key from the body that a create leaves out: "integer" (the next number), "uuid",
    or "" (drawn from its schema, as any field the server fills)."""

    @property
    def model_label(self) -> str:
        """The model name that starts uniqueness messages: "Policy with this name ..."."""
        return errors.capfirst(self.verbose_name)


def _as_base(shown: Any, base: ShownAsBase) -> Any:
    """Shown objects (one, a list, or None) as rows of their family's base model."""
    if isinstance(shown, list):
        return [_as_base(each, base) for each in shown]
    if not isinstance(shown, dict):
        return shown
    return {name: base.constants.get(name, value) for name, value in shown.items()}


class Resource:
    """The operations of one resource over a store, for one caller at a time."""

    def __init__(
        self,
        spec: ResourceSpec,
        store: Store,
        synth: Synth | None = None,
        *,
        limits: Limits = Limits(),  # noqa: B008 (frozen)
    ) -> None:
        self.spec = spec
        self.store = store
        self.synth = synth
        self.limits = limits
        self.references: References | None = None
        """What the objects' `*_obj` fields show (set once every resource exists)."""
        self._seed_position: int | None = None
        self._lists_synth: Synth | None = None
        """Draws what a list shows that the object does not hold (`shown_in_list`)."""

    def shown_in_list(self, record: Mapping[str, Any], name: str, value: Any) -> Any:
        """A field the list's summary shows as another kind of value than the object holds
        (`ResourceSpec.listed_otherwise`), as the summary shows it: the same for the same
        object in every list."""
        if self.synth is None:
            return value
        if self._lists_synth is None:
            self._lists_synth = Synth(self._document, stable_seed(self.synth.seed, "listed"))
        schema = self.spec.listed_otherwise[name]
        key = str(record.get(self.spec.key))
        return self._lists_synth.shown_as(
            schema, value, self.spec.collection, key, name, valid=self._admits
        )

    def _admits(self, schema: Any, value: Any) -> bool:
        """Whether the document's `schema` admits `value`, in the document's dialect."""
        try:
            return bool(schema_validator(self._document, schema).is_valid(value))
        except Exception:  # a schema its dialect cannot read: known to admit nothing
            return False

    def warm(self) -> None:
        """A large collection's columns built now, not by the first list that needs them."""
        spec = self.spec
        if self.store.size(spec.collection) >= indexed.WARM_FROM:
            fields = dict.fromkeys(
                [*spec.ordering_fields, *(t.removeprefix("-") for t in spec.default_ordering)]
            )
            indexed.warm(
                self.store.columns(spec.collection), [*fields, spec.key], spec.search_fields
            )

    # Reading.

    def list(self, principal: Principal, params: Mapping[str, Any]) -> dict[str, Any]:
        page = self.page(principal, params)
        return {
            "pagination": page.envelope(),
            "results": [self.present(record) for record in page.results],
            "autocomplete": self.autocomplete(),
        }

    def autocomplete(self) -> dict[str, Any]:
        """What the list tells a query box of its fields (`{}` where a search is words)."""
        spec = self.spec
        if not spec.query_fields:
            return {}
        described = ql.Autocomplete(spec.query_model, spec.query_fields)
        return self.store.view(
            spec.collection,
            ("autocomplete",),
            lambda: described.answer(self.store.all(spec.collection)),
        )

    def _queried(self, asked: Any) -> list[Any] | None:
        """The keys of the objects a DjangoQL search matches; None where the search is no
        query of the list's fields (then it is searched as words, as authentik falls back)."""
        spec = self.spec
        if not spec.query_fields or not isinstance(asked, str) or not asked.strip():
            return None
        try:
            matches = ql.compile_query(asked, spec.query_fields)
        except ValueError:  # QLError, and whatever else a search no query reads raises
            return None

        def matching() -> list[Any]:
            records = self.store.all(spec.collection)
            return sorted((r[spec.key] for r in records if matches(r)), key=str)

        return self.store.view(spec.collection, ("query", asked), matching)

    def page(self, principal: Principal, params: Mapping[str, Any]) -> query.Page:
        """The page `list` answers, its results still records (`present` shows each)."""
        self.store.sync()
        page, size = params.get(PAGE), params.get(PAGE_SIZE)
        if page is UNREADABLE:  # `--leniency real`: Django's paginator refuses it
            raise errors.NotFound(errors.INVALID_PAGE)
        if not (principal.can(VIEW) or self.spec.listed_for_all or self.spec.owner):
            raise errors.PermissionDenied()  # DRF checks permissions before any filter
        self._check_relation_filters(params)
        records = self._visible(principal, self._matching(params))
        return query.paginate(
            records,
            page,
            None if size is UNREADABLE else size,
            default_size=self.spec.default_page_size,
            max_size=self.spec.max_page_size,
        )

    def _related_keys(self, path: FilterPath, value: Any) -> list[Any] | None:
        """The keys of the related objects a `to` filter names (`groups_by_name` -> the groups'
        pks), read from their collection now; None where the path is not such a relation."""
        head = path.field.split("__")[0]
        target = (
            self.references.fields.get((self.spec.collection, head)) if self.references else None
        )
        if target is None or path.to is None or path.field != f"{head}__{path.to}":
            return None
        values = value if isinstance(value, list) else [value]
        return [
            record.get(target.by)
            for each in values
            for record in self.store.referencing(target.collection, path.to, each)
        ]

    def _path(self, name: str) -> str | None:
        """The condition a declared filter path makes (`groups_obj__name__overlaps`)."""
        path = self.spec.filter_paths.get(name)
        if path is None:
            return None
        head, _, rest = path.field.partition("__")
        field = head if not rest else self._across(path.field)
        if field is None or (not rest and head not in self.spec.properties):
            return None
        return f"{field}__{'overlaps' if path.many else path.lookup}"

    def _across(self, name: str) -> str | None:
        """A filter across a relation (`user__username`), as the field of the object the
        answer shows (`user_obj__username`); None where it shows none."""
        head, _, rest = name.partition("__")
        shown = head + SHOWN_SUFFIX
        if rest and "__" not in rest and shown in self.spec.properties:
            return f"{shown}__{rest}"
        return None

    def _joined(self, name: str, lookup: str, value: Any) -> tuple[str, list[str]] | None:
        """A filter across a relation the answer holds only as keys
        (`authorization_flow__slug__iexact`): the objects whose reference names an object
        that passes, as Django joins the related table. None where the field names no other
        resource's objects."""
        head, _, rest = name.partition("__")
        if not rest or self.references is None or head not in self.spec.properties:
            return None
        target = self.references.fields.get((self.spec.collection, head))
        if target is None:
            return None
        field_name = self.references.aliases.get(target.collection, {}).get(rest, rest)
        condition = field_name if lookup == "exact" else f"{field_name}__{lookup}"

        def passing() -> list[str]:
            found = query.filter_by(self.store.all(target.collection), {condition: value})
            return sorted({str(record[target.by]) for record in found if target.by in record})

        # Remembered until the related collection changes, as a list's own views are.
        keys = self.store.view(target.collection, ("joined", condition, _hashable(value)), passing)
        return f"{head}__{'overlaps' if self._is_list_field(head) else 'in'}", keys

    def _either(self, lookups: tuple[str, ...], value: Any) -> list[Any]:
        """The keys of the objects any of `lookups` matches for `value`, remembered until the
        collection changes."""

        def matching() -> list[Any]:
            records = self.store.all(self.spec.collection)
            return sorted(
                {
                    record[self.spec.key]
                    for lookup in lookups
                    for record in query.filter_by(records, {lookup: value})
                },
                key=str,
            )

        return self.store.view(
            self.spec.collection, ("either", lookups, _hashable(value)), matching
        )

    def _is_json_field(self, name: str) -> bool:
        """A free-form object (`attributes`): filtered by the keys and values a JSON object
        asks for, as authentik's `filter_attributes`."""
        if not self._document:  # a resource made without its document (unit tests)
            return False
        schema = resolve(self._document, self.spec.properties.get(name, {}))
        return schema.get("type") == "object" and not schema.get("properties")

    def _check_relation_filters(self, params: Mapping[str, Any]) -> None:
        """A filter by a relation names an object that exists, or it is django-filter's 400
        (`ModelChoiceFilter`): nothing is listed for an object that is not there."""
        references, collection = self.references, self.spec.collection
        if references is None:
            return
        failures: dict[str, list[str]] = {}
        for name, value in params.items():
            related = references.filters.get((collection, name))
            if related is None or value is None or value is UNREADABLE or value == "":
                continue
            target, how = related
            if not how.checked:
                continue
            for each in value if isinstance(value, list) else [value]:
                if target.find(self.store, each) is None:
                    failures[name] = [
                        errors.INVALID_CHOICE_OF_MANY.format(value=each)
                        if how.many
                        else errors.INVALID_CHOICE
                    ]
                    break
        for name, value in params.items():
            target = references.fields.get((collection, name))
            if (
                target is None
                or value is None
                or value is UNREADABLE
                or value == ""
                or (collection, name) in references.filters
            ):
                continue
            missing = [
                v
                for v in (value if isinstance(value, list) else [value])
                if target.find(self.store, v) is None
            ]
            if missing:
                many = resolve(self._document, self.spec.properties.get(name, {}))
                failures[name] = [
                    errors.INVALID_CHOICE_OF_MANY.format(value=missing[0])
                    if many.get("type") == "array"  # ModelMultipleChoiceFilter's words
                    else errors.INVALID_CHOICE
                ]
        for name, value in params.items():
            path = self.spec.filter_paths.get(name)
            if path is None or not path.held or value in (None, "", UNREADABLE):
                continue
            held = {str(record.get(path.field)) for record in self.store.all(collection)}
            unheld = [
                v for v in (value if isinstance(value, list) else [value]) if str(v) not in held
            ]
            if unheld:
                failures[name] = [errors.INVALID_CHOICE_OF_MANY.format(value=unheld[0])]
        for name, value in params.items():
            path = self.spec.filter_paths.get(name)
            target = (
                references.fields.get((collection, path.field.split("__")[0])) if path else None
            )
            if path is None or target is None or not path.many or value in (None, "", UNREADABLE):
                continue
            for each in value if isinstance(value, list) else [value]:
                known = (
                    self.store.referencing(target.collection, path.to, each)
                    if path.to
                    else [target.find(self.store, each)]
                )
                if not [k for k in known if k is not None]:
                    failures[name] = [errors.INVALID_CHOICE_OF_MANY.format(value=each)]
                    break
        if failures:
            raise errors.ValidationFailed(failures)

    def _visible(self, principal: Principal, records: Sequence[Record]) -> Sequence[Record]:
        """What a DRF list shows its caller: everything to one who may view the model; to
        anyone else, its own objects where they have an owner (a user's tokens), all where
        anyone may list them, else DRF's 403."""
        spec = self.spec
        if principal.can(VIEW) or spec.listed_for_all:
            return records
        if spec.owner:
            mine = self._caller_key(principal)
            return [r for r in records if mine is not None and str(r.get(spec.owner)) == mine]
        raise errors.PermissionDenied()

    def _caller_key(self, principal: Principal) -> str | None:
        if self.references is None:
            return None
        held = self.references.caller(self.store, principal.user)
        return None if held is None else str(held)

    def listed(
        self, principal: Principal, params: Mapping[str, Any]
    ) -> tuple[list[Record], Window]:
        """A list that is not DRF's (`spec.listing`): the records one answer shows, and where
        they lie among all that match."""
        assert self.spec.listing is not None
        self.store.sync()
        records = self._matching(params) if principal.can(VIEW) else []
        shown = window(self.spec.listing, params, len(records))
        return list(records[shown.start : shown.stop]), shown

    def matching(self, principal: Principal, params: Mapping[str, Any]) -> Sequence[Record]:
        """Every record the list shows for `params` (filtered, searched, ordered), unpaged;
        403 for a caller who may not list them."""
        self.store.sync()
        if not principal.can(VIEW):
            raise errors.PermissionDenied()
        return self._matching(params)

    def _matching(self, params: Mapping[str, Any]) -> Sequence[Record]:
        """Filtered, searched and ordered records: the same answer as applying `query`'s
        functions to every record, found faster. A repeated query is answered from a view
        cached until the collection changes."""
        spec, store, listing = self.spec, self.store, self.spec.listing
        control = listing.control if listing else CONTROL_PARAMETERS
        filters: dict[str, Any] = {}
        for name, value in params.items():
            if value is UNREADABLE:
                continue  # django-filter's BooleanWidget: a value it cannot read filters nothing
            either = spec.either_filters.get(name)
            if name not in control and either is not None and value not in (None, ""):
                _only(filters, f"{spec.key}__in", self._either(either, value))
                continue
            related = spec.related_filters.get(name)
            if name not in control and related is not None:
                condition = self._related_condition(name, related, value)
                if condition is not None and condition[0] == f"{spec.key}__in":
                    _only(filters, condition[0], condition[1])
                    continue
                if condition is not None:
                    filters[condition[0]] = condition[1]
                    continue
            field_name, lookup = query.split_lookup(name)
            field_name = spec.filter_aliases.get(field_name, field_name)
            many = spec.filter_paths.get(name)
            if name not in control and many is not None and many.many:
                keyed = self._related_keys(many, value)
                if keyed is not None:  # the objects' keys, from the related objects as now
                    filters[f"{many.field.split('__')[0]}__overlaps"] = keyed
                    continue
                condition = self._path(name)
                if condition is not None:
                    filters[condition] = value  # a MultipleChoiceFilter's OR
                    continue
            if name not in control and field_name in spec.filterable:
                if lookup == "exact" and self._selects_every(field_name, value):
                    continue  # `?state=all`
                if lookup == "exact" and self._is_json_field(field_name) and listing is None:
                    filters[f"{field_name}__contains"] = _json_filter(value)
                    continue
                if lookup == "exact" and listing is not None and isinstance(value, list):
                    # `?status=sold&status=pending`: any of them; for a list field (`tags`),
                    # any of its items, an object item by its name or key.
                    many = self._is_list_field(field_name)
                    filters[f"{field_name}__{'overlaps' if many else 'in'}"] = value
                    continue
                filters[field_name if lookup == "exact" else f"{field_name}__{lookup}"] = value
            elif name not in control and (spanned := self._across(field_name)) is not None:
                filters[spanned if lookup == "exact" else f"{spanned}__{lookup}"] = value
            elif name not in control and (path := self._path(name)) is not None:
                filters[path] = value
            elif name not in control and (joined := self._joined(field_name, lookup, value)):
                filters[joined[0]] = joined[1]
        if listing is None:
            terms = query.ordering_fields(
                params.get(ORDERING), spec.ordering_fields, limit=self.limits.ordering_fields
            )
            asked = params.get(SEARCH)
            queried = self._queried(asked)
            if queried is not None:  # a DjangoQL query, not words
                _only(filters, f"{spec.key}__in", queried)
                asked = None
        else:
            terms = sort_terms(listing, params, spec.ordering_fields)
            terms = terms[: self.limits.ordering_fields]
            asked = params.get(listing.search) if listing.search else None
            asked = None if asked is None else str(asked)
        terms = terms or list(spec.default_ordering)
        search = query.distinct_search(asked, limit=self.limits.search_words)
        signature = (
            tuple(sorted((k, _hashable(v)) for k, v in filters.items())),
            search,
            tuple(terms),
        )
        return store.view(
            spec.collection,
            ("matching", signature),
            lambda: self._find(filters, search, terms),
        )

    def _related_condition(
        self, name: str, related: RelatedFilter, value: Any
    ) -> tuple[str, Any] | None:
        """The condition a related-object filter makes: this object's field holds one of the
        keys, or, where the other end holds the relation, this object's key is one they
        name. None where the mock cannot tell (a relation the answer does not show)."""
        found = (
            self.references.filters.get((self.spec.collection, name)) if self.references else None
        )
        if found is None or value in (None, "", UNREADABLE):
            return None
        target, _ = found
        values = value if isinstance(value, list) else [value]
        if related.via is not None:
            named = [target.find(self.store, each) for each in values]
            keys = [str(record.get(related.via)) for record in named if record is not None]
            return f"{self.spec.key}__in", keys
        if related.field not in self.spec.properties:
            return None
        many = self._is_list_field(related.field)
        return f"{related.field}__{'overlaps' if many else 'in'}", [str(v) for v in values]

    def _is_list_field(self, name: str) -> bool:
        schema = resolve(self._document, self.spec.properties.get(name) or {})
        return schema.get("type") == "array"

    def _find(
        self, filters: dict[str, Any], search: tuple[str, ...], terms: list[str]
    ) -> Sequence[Record]:
        """From the store's columns (`rest/indexed.py`); where a field's values do not compare,
        `query.py`'s functions over every record, which say what a list means."""
        spec, store = self.spec, self.store
        spans = any("__" in query.split_lookup(name)[0] for name in filters)
        found = (
            None
            if spans
            else indexed.matching(
                store.columns(spec.collection), filters, search, spec.search_fields, terms, spec.key
            )
        )
        if found is not None:
            return found
        records = query.filter_by(store.all(spec.collection), filters)
        records = query.search(records, search, spec.search_fields)
        return query.order(records, terms, default=terms, tiebreaker=spec.key)

    def used_by(self, principal: Principal, pk: str) -> list[dict[str, Any]]:
        return self.spec.used_by(self.store, self.get(principal, pk))

    # Writing: `body` has passed field validation against the operation's schema.

    def create(self, body: Mapping[str, Any], principal: Principal | None = None) -> dict[str, Any]:
        with self.store.writing():
            self._reseed()
            spec = self.spec
            named = body.get(spec.key) if spec.upserts else None
            if named is not None and self.store.get(spec.collection, str(named)) is not None:
                self._update(principal or ANONYMOUS, str(named), body)
                replaced = self.store.get(spec.collection, str(named))
                return self.answer("create", replaced, written=frozenset(body))
            return self._create(body, principal)

    def update(self, principal: Principal, pk: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """PUT and PATCH alike: the given fields change, the others keep their values (DRF)."""
        with self.store.writing():
            self._reseed()
            return self._update(principal, pk, body)

    def destroy(self, principal: Principal, pk: str) -> None:
        with self.store.writing():
            record = self.get(principal, pk)
            self.spec.cascade(self.store, record)
            many = self.references is not None and self.spec.listing is None
            pointing = self.references.pointing_at(self.store, record) if many else []
            self.store.delete(self.spec.collection, pk)
            self._follow(record, None)
            if self.references is not None and pointing:
                self.references.forget(self.store, pointing)

    def _reseed(self) -> None:
        """Values the server makes depend on the seed and the write's position only, so every
        worker of a multi-process server makes the same ones. The generator is reseeded when
        it is next drawn from (most writes draw nothing, and reseeding costs)."""
        self._seed_position = self.store.position()

    def _draw(self, schema: Any, name: str = "") -> Any:
        """A value for `schema` from the generator, reseeded first if a write asked for it."""
        if self.synth is None:
            return None
        if self._seed_position is not None:
            self.synth.reseed(self._seed_position)
            self._seed_position = None
        return self.synth.value(schema, name=name)

    def _create(
        self, body: Mapping[str, Any], principal: Principal | None = None
    ) -> dict[str, Any]:
        spec = self.spec
        missing = self._missing_references(body)
        now = _now()
        record: Record = {}
        references = self.references
        owned = references.owned.get(spec.collection, frozenset()) if references else frozenset()
        caller = principal.user if principal else None
        for name in spec.writable:
            if name in body:
                record[name] = body[name]
            elif name in spec.defaults:
                record[name] = spec.defaults[name]
            elif name == spec.key and spec.key_fallback:
                record[name] = None
            elif name in spec.server_made:
                record[name] = self._make(name)
            elif name in owned and references is not None:
                record[name] = references.caller(self.store, caller)
            elif not self._left_absent(name):
                record[name] = self._left_out(name)
        for name in spec.reshaped & record.keys():
            record[name] = self._make(name)
        for name in sorted(owned & set(spec.generated)):  # before what shows them
            if references is not None:
                record[name] = references.caller(self.store, caller)
        for name in spec.generated:
            if name not in owned:
                record[name] = self._server_made(name, record, now)
        source = spec.key_source
        if source == "body" and spec.key_fallback and record.get(spec.key) is None:
            source = spec.key_fallback  # the body left out a key it may give
        if source == "uuid":
            record[spec.key] = self.store.new_id(spec.collection)
        elif source == "integer":
            number = self.store.next_integer(spec.collection)
            record[spec.key] = str(number) if self._key_is_text else number
        elif source == "made":
            record[spec.key] = self._new_key()
        record["created"] = self._stamp("created", now)
        record["last_updated"] = self._stamp("last_updated", now)
        for fill in spec.fills:
            fill(self.store, record, now)
        self._fill_nested_defaults(record)
        self._check(record, failures=missing)
        self._validate(body)
        try:
            self.store.insert(spec.collection, record)
        except KeyInUse as taken:
            if spec.listing is not None:  # not DRF's: a conflict, never an overwrite
                message = errors.UNIQUE_TEMPLATE.format(
                    model=errors.capfirst(spec.verbose_name), field=spec.key
                )
                raise errors.Conflict(message) from taken
            raise errors.ValidationFailed(
                {
                    spec.key: [
                        errors.UNIQUE_TEMPLATE.format(
                            model=errors.capfirst(spec.verbose_name), field=spec.key
                        )
                    ]
                }
            ) from taken
        self._follow(None, record)
        return self.answer("create", record, written=frozenset(body))

    def _update(self, principal: Principal, pk: str, body: Mapping[str, Any]) -> dict[str, Any]:
        current = self.get(principal, pk)
        missing = self._missing_references(body)
        for name, message in self.spec.fixed.items():  # a field validator, beside the others
            held = current.get(name)
            changed = name in body and held not in (None, "") and str(body[name]) != str(held)
            if changed and name not in missing:  # a key naming nothing fails before
                missing[name] = [message]
        record = dict(current)
        record.update({name: body[name] for name in self.spec.writable if name in body})
        written = self._written(body, principal)
        record.update(written)
        for name in self.spec.reshaped & body.keys():
            record[name] = self._make(name)
        for name in self.spec.generated:
            shows = self.references.shows(self.spec.collection, name) if self.references else None
            if shows in body or shows in written:  # what a changed reference shows, as now
                record[name] = self._server_made(name, record, record.get("created"))
        now = _now()
        record["last_updated"] = self._stamp("last_updated", now)
        for fill in self.spec.fills:
            fill(self.store, record, now)
        self._fill_nested_defaults(record)
        changed = frozenset(body) & set(self.spec.writable)
        self._check(record, original_key=pk, changed=changed, failures=missing)
        self._validate(body)
        if str(record[self.spec.key]) != pk:  # a writable key (a slug) was changed
            self.store.delete(self.spec.collection, pk)
        self.store.put(self.spec.collection, record)
        self._follow(current, record)
        return self.answer("update", record, written=frozenset(body))

    def _validate(self, body: Mapping[str, Any]) -> None:
        """The serializer's own `validate`, after its fields' (uniqueness among them), over
        the writable fields sent."""
        if self.spec.checks:
            sent = {name: body[name] for name in self.spec.writable if name in body}
            refused = checks.refusal(self.spec.checks, sent)
            if refused is not None:
                raise errors.ValidationFailed(refused)

    def _written(self, body: Mapping[str, Any], principal: Principal) -> dict[str, Any]:
        """What an update sets beyond the fields sent (`ResourceSpec.written`)."""
        found: dict[str, Any] = {}
        for name, value in self.spec.written.items():
            if name in body or name not in self.spec.writable:
                continue
            if value == CALLER:
                if self.references is None:
                    continue
                value = self.references.caller(self.store, principal.user)
            found[name] = value
        return found

    def _follow(self, before: Record | None, after: Record | None) -> None:
        """The other ends of the relations this write changed."""
        if self.spec.mirrors:
            key = (after or before or {}).get(self.spec.key)
            follow(self.store, self.references, key, self.spec.mirrors, before, after)

    def _fill_nested_defaults(self, record: Record) -> None:
        """Objects and lists written take the defaults their schema states (a redirect URI's
        `redirect_uri_type`), as DRF's nested serializers fill them, and the required
        read-only fields the server makes (drawn from their schemas)."""
        if not self._document:
            return
        for name, value in record.items():
            if isinstance(value, (dict, list)) and value and name in self.spec.properties:
                record[name] = with_defaults(
                    self._document, self.spec.properties[name], value, made=self._draw
                )

    def _missing_references(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """A DRF write's related keys that name no object, with DRF's related fields' words;
        refused beside the write's other field errors (`_check`). What the object then
        shows of them is always what exists."""
        if self.references is None or self.spec.listing is not None:
            return {}
        return dict(self.references.missing(self.store, self.spec.collection, body))

    def _stamp(self, name: str, now: str) -> Any:
        """When a write happened, as the object's own field of that name holds it: an instant,
        Unix seconds where the document types it a number (`created: {type: integer}`), the
        day where it is a `date` (NetBox's); where the field is something else altogether
        (a pattern, a choice), a value drawn from its schema."""
        schema = self.spec.properties.get(name)
        shape = resolve(self._document, schema) if schema is not None else {}
        if shape.get("type") in ("integer", "number"):
            stamp: Any = int(datetime.fromisoformat(now.replace("Z", "+00:00")).timestamp())
        elif shape.get("format") == "date":
            stamp = now[:10]
        else:
            stamp = fitted_instant(now, shape.get("maxLength"), shape.get("minLength", 0))
        if schema is None or schema_validator(self._document, schema).is_valid(stamp):
            return stamp
        return self._make(name)

    @functools.cached_property
    def _key_is_text(self) -> bool:
        """Whether the object shows its key as text, though numbers make it (as digits)."""
        schema = resolve(self._document, self.spec.properties.get(self.spec.key) or {})
        return schema.get("type") == "string"

    def _new_key(self) -> Any:
        """A key the server makes in the shape its schema gives (`[A-Z0-9]{32}`), unused."""
        for _ in range(MAX_KEY_DRAWS):
            key = self._make(self.spec.key)
            if self.store.get(self.spec.collection, str(key)) is None:
                return key
        raise errors.Conflict(errors.NO_FREE_KEY)

    def _make(self, name: str) -> Any:
        """A value drawn from a field's schema: only where nothing truer can be said."""
        return self._draw(self.spec.drawn.get(name) or self.spec.properties.get(name, {}), name)

    def _left_absent(self, name: str) -> bool:
        """Whether a field a create leaves out stays out (`ResourceSpec.shown_required`)."""
        spec = self.spec
        required = spec.shown_required
        return (
            required is not None
            and name not in required
            and name not in spec.nullable  # null says "none" without inventing any
            and name != spec.key  # the server makes a key the client does not give
            and name in spec.properties
        )

    def _left_out(self, name: str) -> Any:
        """What a create stores for a writable field the client left out (and which has no
        default): null where the field allows it, else the empty value its schema admits
        (false, [], {}, "", 0, its first choice), as a model's field starts. A write never
        invents data: only a field that admits none of these is drawn from its schema."""
        if name in self.spec.nullable or name not in self.spec.properties:
            return None
        empty = empty_value(self._document, self.spec.properties[name])
        return self._make(name) if empty is NO_VALUE else empty

    def _selects_every(self, field_name: str, value: Any) -> bool:
        """Whether a filter's value is a word for every object (`all`) where the field holds
        a few values of which it is none (GitHub's issue `state`: `open` or `closed`)."""
        if not isinstance(value, str) or value.lower() not in NO_FILTER:
            return False
        held = resolve(self._document, self.spec.properties.get(field_name, {})).get("enum")
        return isinstance(held, list) and value not in held

    def _server_made(self, name: str, record: Record, now: Any) -> Any:
        """A read-only field of a new object, as the server makes it: the objects its
        references name (`groups_obj`), null for what has not happened yet (`last_login`),
        the instant of the write, false, []; else (identifiers, pictures) drawn from its
        schema."""
        references = self.references
        shows = references.shows(self.spec.collection, name) if references else None
        if shows is not None and name in self._unasked:
            return None
        if references is not None and shows is not None:
            shown = references.shown(self.store, self.spec.collection, name, record.get(shows))
            if shown is None and name not in self.spec.nullable:
                # The document contradicts itself (a nullable reference shown as an object
                # that cannot be null): the answer keeps to the schema.
                return self._make(name)
            return shown
        schema = resolve(self._document, self.spec.properties.get(name, {}))
        if "default" in schema and schema["default"] in (schema.get("enum") or ()):
            return copied(schema["default"])  # the one of its values a new object holds
        if name in self.spec.nullable:  # as authentik shows `children_obj` it was not asked for
            return None
        if schema.get("type") in ("boolean", "array"):
            empty = empty_value(self._document, schema)
            if empty is not NO_VALUE:
                return empty
        if schema.get("format") == "date-time" and now is not None:
            return fitted_instant(now, schema.get("maxLength"), schema.get("minLength", 0))
        if schema.get("type") == "integer" and COUNT.search(name):
            return 0  # a new object has counted nothing yet (`cache_count`)
        label = next((record[f] for f in LABEL_FIELDS if isinstance(record.get(f), str)), None)
        if AVATAR.search(name) and schema.get("type") == "string" and label:
            return images.avatar(label)  # the object's own initials
        return self._make(name)

    @property
    def _document(self) -> Mapping[str, Any]:
        return self.synth.document if self.synth is not None else {}

    # Shared steps.

    def present(
        self,
        record: Record,
        *,
        nested: bool = False,
        unasked: frozenset[str] | None = None,
        written: frozenset[str] = frozenset(),
    ) -> dict[str, Any]:
        """The record as the API shows it: its fields in order, constants and computed ones,
        and the objects its references name as they are now (`provider_obj` shows what the
        provider computes today); `unasked`: the shown objects the request did not ask for
        (null; by default, those an answer holds only when asked). Shown inside another
        object (`nested`), its own shown objects are those kept with it, so two objects that
        show each other end; `written`: the fields the write being answered sent."""
        spec = self.spec
        unasked = self._unasked if unasked is None else unasked
        computed = spec.computed(self.store, record)
        if not nested:  # what the request did not ask for is null, though computed
            now = self._shown_now(record, unasked, written)
            computed = {**now, **computed, **dict.fromkeys(unasked)}
        shown: dict[str, Any] = {}
        absent = spec.shown_required is not None  # a plain object shows what it holds
        for name in spec.fields:
            if name in spec.constants:
                shown[name] = spec.constants[name]
            elif name in computed:
                shown[name] = computed[name]
            elif name in record or name in spec.defaults or not absent:
                shown[name] = record.get(name, spec.defaults.get(name))
        for name in self._hiding:  # what the object holds that no answer may show
            if name in shown:
                shown[name] = without_write_only(self._document, spec.properties[name], shown[name])
        return shown

    @functools.cached_property
    def _hiding(self) -> tuple[str, ...]:
        """The shown fields of plain resources that hold `writeOnly` properties inside."""
        if self.spec.listing is None:
            return ()
        document = self._document
        return tuple(
            name
            for name in self.spec.fields
            if name in self.spec.properties
            and holds_write_only(document, self.spec.properties[name])
        )

    @functools.cached_property
    def _unasked(self) -> frozenset[str]:
        return unasked(self.spec, {})

    def _shown_now(
        self, record: Record, unasked: frozenset[str], written: frozenset[str] = frozenset()
    ) -> dict[str, Any]:
        references, collection = self.references, self.spec.collection
        if references is None:
            return {}
        made: dict[str, Any] = dict.fromkeys(unasked)
        for name in self.spec.fields:
            field = references.shows(collection, name)
            if field is None or field not in record or name in unasked:
                continue
            now = references.shown(self.store, collection, name, record.get(field))
            base = self.spec.shown_as_base.get(name)
            if base is not None and (base.on_read or field in written):
                now = _as_base(now, base)
            if now is not None or name in self.spec.nullable:
                made[name] = now
        return made

    def answer(self, action: str, record: Record, written: frozenset[str] = frozenset()) -> Any:
        """The object as `action` answers it: shown, or reshaped to the action's own schema
        (fields it shares with the object, and made-up values for the rest); `written`: the
        fields the write being answered sent."""
        shown = self.present(record, written=written)
        if action not in self.spec.response_schemas:
            return shown
        schema = self.spec.response_schemas[action]
        if self.synth is None:
            return None
        if schema is None:  # documented without a schema: an empty object
            return {}
        slot = self.spec.envelope
        if slot is None:
            return self._reshaped(schema, shown)
        outer, _ = object_shape(self._document, schema)
        if slot not in outer:
            return self._reshaped(schema, shown)
        # An envelope (`{id, result: {...}}`): the object in its slot, its key beside it.
        made = self._draw(schema)
        if not isinstance(made, dict):
            return made
        inner, _ = object_shape(self._document, outer[slot])
        whole = set(inner) == set(self.spec.fields)
        made[slot] = shown if whole else self._reshaped(outer[slot], shown, held_only=True)
        for name in (self.spec.key, "id"):  # the object's own value of that name, else its key
            value = shown.get(name, shown.get(self.spec.key))
            if name in outer and name != slot and value is not None:
                value = _as_kind(self._document, outer[name], value)
                if schema_validator(self._document, outer[name]).is_valid(value):
                    made[name] = value
                break
        return made

    def _reshaped(self, schema: Any, shown: Mapping[str, Any], *, held_only: bool = False) -> Any:
        """The object as an answer of another schema shows it: the fields the two share, and
        made-up values for the rest (`held_only`: only those the schema requires, where the
        answer is the object itself, in an envelope)."""
        made = self._draw(schema)
        if not isinstance(made, dict):
            return made
        properties, required = object_shape(self._document, schema)

        def fits(name: str, value: Any) -> bool:
            # Google's operation `status` (PENDING, DONE) is not its backup run's (DELETED).
            there = properties.get(name)
            return there is None or schema_validator(self._document, there).is_valid(value)

        if self.spec.listing is None or held_only:  # held_only: null too
            made.update({n: v for n, v in shown.items() if n in made and fits(n, v)})
        else:
            _carry(made, shown, self.spec.key, fits)
        if held_only:
            for name in [n for n in made if n not in shown and n not in required]:
                del made[name]
        for name in [n for n, v in shown.items() if v is None and n in made]:
            if not fits(name, None) and name not in required:
                del made[name]  # holds nothing the answer can show: left out, not made up
        return made

    def _spell_as_shown(self, record: Mapping[str, Any]) -> None:
        """A number or boolean written where the object shows text (GitLab's hook takes
        `push_events` as a boolean, a form sends it as `true`, and the hook shows a string) is
        kept as its JSON spelling, where that is what the object may show."""
        assert isinstance(record, dict)
        document = self._document
        for name in self.spec.writable:
            value = record.get(name)
            schema = self.spec.properties.get(name)
            if not isinstance(value, bool | int | float) or schema is None:
                continue
            if resolve(document, schema).get("type") != "string":
                continue
            spelled = json.dumps(value)
            validator = schema_validator(document, schema)
            if not validator.is_valid(value) and validator.is_valid(spelled):
                record[name] = spelled

    def _showable(self, record: Mapping[str, Any]) -> None:
        """A write the object's own schema could not show is refused: some documents take on
        write what they forbid on read (a name without the pattern its object gives it)."""
        failures: dict[str, list[str]] = {}
        document = self.synth.document if self.synth is not None else {}
        for name in self.spec.writable:
            # A null the client sent where the object cannot hold one (OpenAI's fine-tune
            # `model`) is refused too; a key the server is yet to make is not checked.
            if name not in record or (record[name] is None and name == self.spec.key):
                continue
            full, listed = self.spec.properties.get(name), self.spec.listed_schemas.get(name)
            shown = [(full, False)]
            if listed is not full and name not in self.spec.listed_otherwise:
                shown.append((listed, False))
            if name == self.spec.key:
                # A key its item path refuses names an object no read can reach.
                shown.append((self.spec.key_path_schema, True))
            for schema, in_path in shown:
                if schema is None:
                    continue
                value = as_path_value(schema, record[name]) if in_path else record[name]
                seen = "as the item path names it" if in_path else "as the object shows it"
                for error in schema_validator(document, schema).iter_errors(value):
                    message = f"{error.message} ({seen})"
                    if message not in failures.get(name, []):
                        failures.setdefault(name, []).append(message)
        if failures:
            raise errors.ValidationFailed(failures)

    def get(self, principal: Principal, pk: str) -> Record:
        """The record a retrieve shows (through `answer`); 404 where the caller cannot see it."""
        self.store.sync()
        spec = self.spec
        if not principal.can(VIEW) and spec.listing is None and not spec.owner:
            raise errors.PermissionDenied()  # DRF checks the model permission first
        record = self.store.get(spec.collection, pk)
        if record is not None and not principal.can(VIEW):
            mine = self._caller_key(principal) if spec.owner else None
            record = record if mine is not None and str(record.get(spec.owner)) == mine else None
        if record is None:
            raise errors.NotFound(errors.NOT_FOUND_TEMPLATE.format(model=spec.model))
        return record

    def _check(
        self,
        record: Mapping[str, Any],
        original_key: str | None = None,
        changed: frozenset[str] | None = None,
        failures: Mapping[str, Any] | None = None,
    ) -> None:
        """Uniqueness against every other object, then the resource's cross-field rules. An
        update checks only what it changes (`changed`), as DRF validates only the fields a
        request gives and a unique set only when one of its values is given. `failures`:
        the write's other field errors, said together with these (DRF runs every field)."""
        spec = self.spec
        if spec.listing is not None and self.synth is not None:
            self._spell_as_shown(record)
            self._showable(record)
        failures = dict(failures or {})
        for name in spec.unique_fields:
            if record.get(name) is None:  # as in SQL, no two nulls are the same
                continue
            if changed is not None and name not in changed and name != spec.key:
                continue
            same = self.store.referencing(spec.collection, name, record.get(name))
            if any(str(other[spec.key]) != original_key for other in same):
                message = spec.unique_messages.get(name) or errors.UNIQUE_TEMPLATE.format(
                    model=errors.capfirst(spec.verbose_name), field=name
                )
                if spec.listing is not None:
                    raise errors.Conflict(message)
                failures[name] = [message]
        if failures:
            raise errors.ValidationFailed(failures)
        for names in spec.unique_together:
            values = [record.get(name) for name in names]
            if None in values or (changed is not None and not changed & set(names)):
                continue
            same = self.store.referencing(spec.collection, names[0], values[0])
            if any(
                str(other[spec.key]) != original_key
                and all(other.get(n) == v for n, v in zip(names, values, strict=True))
                for other in same
            ):
                message = errors.UNIQUE_TOGETHER_TEMPLATE.format(fields=", ".join(names))
                raise errors.ValidationFailed({"non_field_errors": [message]})
        for rule in spec.rules:
            rule(record)


def _as_kind(document: Mapping[str, Any], schema: Any, value: Any) -> Any:
    """A key as a field of another kind shows it: a number's digits as text, or digits as the
    number (Superset's envelope `id` is a number on create and text on read)."""
    kind = resolve(document, schema).get("type") if isinstance(schema, Mapping) else None
    if kind == "string" and isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if kind in ("integer", "number") and isinstance(value, str) and value.isdigit():
        return int(value)
    return value


def _carry(
    made: dict[str, Any],
    shown: Mapping[str, Any],
    key: str,
    fits: Callable[[str, Any], bool],
    depth: int = 0,
) -> None:
    """Into an answer of another schema (`{status, data: {id}}`), the object's values for the
    fields it names, where they are of the kind made there and its schema takes them (an
    answer's `status` is not the object's), and the object's key wherever a nested object
    holds one."""
    for name, value in made.items():
        if (
            name in shown
            and type(shown[name]) is type(value)
            and (depth or fits(name, shown[name]))
        ):
            made[name] = shown[name]
        elif isinstance(value, dict) and depth < 3 and key in shown:
            _carry(value, {key: shown[key]}, key, fits, depth + 1)


def _hashable(value: Any) -> Any:
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return tuple(value) if isinstance(value, list) else value


LABEL_FIELDS = ("name", "username", "title")
"""Where an object's own name is, for the pictures the server makes of it."""
COUNT = re.compile(r"(^|_)count$")
AVATAR = re.compile(r"(^|_)avatar($|_)")


def _json_filter(value: Any) -> dict[str, Any]:
    """A JSON object given as a query value, or authentik's 400 for one it cannot read."""
    try:
        parsed = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise errors.BareValidationFailed([JSON_FILTER_UNREADABLE])
    return parsed


JSON_FILTER_UNREADABLE = "filter: failed to parse JSON"


def _now() -> str:
    return canonical_instant(datetime.now(UTC))


def unasked(spec: ResourceSpec, params: Mapping[str, Any]) -> frozenset[str]:
    """The shown objects a request's answer holds as null: those it did not ask for. A
    parameter asks only when it reads `true` (authentik: `str(value).lower() == "true"`, so
    `maybe` does not ask); without it, the answer holds what it holds unasked."""
    return frozenset(
        name
        for name, (parameter, shown) in spec.included.items()
        if not (
            shown
            if parameter not in params
            else params[parameter] is True or str(params[parameter]).lower() == "true"
        )
    )


def operation_names(spec: ResourceSpec) -> dict[str, str]:
    """operationId -> the resource method that serves it: as inferred, else by DRF's naming
    convention."""
    if spec.operations:
        return dict(spec.operations)
    prefix = spec.collection
    return {
        f"{prefix}_list": "list",
        f"{prefix}_create": "create",
        f"{prefix}_retrieve": "retrieve",
        f"{prefix}_update": "update",
        f"{prefix}_partial_update": "partial_update",
        f"{prefix}_destroy": "destroy",
        f"{prefix}_used_by_list": "used_by",
    }


def _only(filters: dict[str, Any], name: str, keys: list[Any]) -> None:
    """Keep only `keys` under `name`, and only those an earlier filter of the same name kept
    (two either-filters, or one and a query, each narrow the list)."""
    kept = filters.get(name)
    allowed = set(keys)
    filters[name] = keys if kept is None else [k for k in kept if k in allowed]
