"""One relation seen from both of its ends: a user's `groups` are the groups whose `users` name
the user, a group's `children` the groups whose `parents` name it (a many-to-many field and its
`related_name`, in Django's words). What a write puts on one end shows on the other, and the
start-up data holds both ends alike."""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from specdouble.rest.query import sort_key

if TYPE_CHECKING:  # the resource layer holds mirrors in its specs: no import back at run time
    from specdouble.rest.inference import Inferred
    from specdouble.rest.references import References
    from specdouble.state.store import Store

Data = MutableMapping[str, list[dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class Mirror:
    """`field` of this resource's objects is `other_field` of the objects of `other`."""

    field: str
    other: str
    other_field: str


def pairs(
    resources: Sequence[Inferred], relations: Mapping[str, Mapping[str, tuple[str, str]]]
) -> dict[str, tuple[Mirror, ...]]:
    """Each collection's mirrors, from `relations` (a model -> its many-to-many field -> the
    model it relates to and the relation's name there), where the document has both ends as
    lists on resources of those models."""
    by_model: dict[str, list[Inferred]] = {}
    for resource in resources:
        by_model.setdefault(resource.spec.model, []).append(resource)
    found: dict[str, list[Mirror]] = {}
    for resource in resources:
        for field, (model, related) in relations.get(resource.spec.model, {}).items():
            for other in by_model.get(model, []):
                if _is_list(resource, field) and _is_list(other, related):
                    mirror = Mirror(field, other.spec.collection, related)
                    back = Mirror(related, resource.spec.collection, field)
                    found.setdefault(resource.spec.collection, []).append(mirror)
                    found.setdefault(other.spec.collection, []).append(back)
    return {collection: tuple(dict.fromkeys(each)) for collection, each in found.items()}


def _is_list(resource: Inferred, field: str) -> bool:
    return resource.spec.properties.get(field, {}).get("type") == "array"


def follow(
    store: Store,
    references: References | None,
    key: Any,
    mirrors: Sequence[Mirror],
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> None:
    """After a write (`before` -> `after`; None where the object did not or no longer
    exists), the other ends: an object added to `field` names this one in `other_field`, an
    object taken out no longer does, with what they show of it made again."""
    for mirror in mirrors:
        old = {str(v) for v in (before or {}).get(mirror.field) or []}
        new = {str(v) for v in (after or {}).get(mirror.field) or []}
        for target in sorted(old ^ new):
            record = store.get(mirror.other, target)
            if record is None:
                continue
            held = [v for v in record.get(mirror.other_field) or [] if str(v) != str(key)]
            if target in new:
                held.append(key)
            changed = {**record, mirror.other_field: held}
            shown = references.showing(mirror.other, mirror.other_field) if references else None
            if references is not None and shown is not None:
                changed[shown] = references.shown(store, mirror.other, shown, held)
            store.put(mirror.other, changed)


def align(
    data: Data,
    keys: Mapping[str, str],
    mirrors: Mapping[str, Sequence[Mirror]],
) -> set[tuple[str, str]]:
    """Start-up data with both ends of every relation alike (an object named at either end is
    named at both); returns the (collection, field) pairs that changed."""
    changed: set[tuple[str, str]] = set()
    for collection, each in sorted(mirrors.items()):
        key = keys.get(collection, "pk")
        for mirror in each:
            others = {
                str(r.get(keys.get(mirror.other, "pk"))): r for r in data.get(mirror.other, [])
            }
            for record in data.get(collection, []):
                for target in record.get(mirror.field) or []:
                    other = others.get(str(target))
                    if other is None:
                        continue
                    held = other.get(mirror.other_field)
                    held = held if isinstance(held, list) else []
                    if str(record.get(key)) not in {str(v) for v in held}:
                        other[mirror.other_field] = [*held, record.get(key)]
                        changed.add((mirror.other, mirror.other_field))
    return changed


@dataclass(frozen=True, slots=True)
class Through:
    """A field showing the objects of `shown` that objects of `links` tie to this one:
    `flow_set` of a stage, the flows whose bindings (`links`, by `to_here` and `to_shown`)
    name the stage. Django's reverse of a many-to-many field kept in a model of its own."""

    field: str
    links: str
    to_here: str
    to_shown: str
    shown: str
    held: str
    """The field of `shown`'s objects that `to_shown` holds (its pk, where the key is a slug)."""
    fields: tuple[str, ...]
    computed: Callable[[Store, Mapping[str, Any]], dict[str, Any]] | None = None
    """What `shown`'s objects compute on a read (a flow's `background_url`)."""
    keys_only: bool = False
    """Shown as the keys the links hold (a flow's `stages`), not as objects."""
    order: tuple[str, ...] = ()
    """The links' fields that order them (a binding's `order`)."""

    def objects(self, store: Store, key: Any) -> list[Any]:
        links = sorted(  # in the links' own order (a flow's bindings by `order`)
            store.referencing(self.links, self.to_here, key),
            key=lambda link: tuple(sort_key(link.get(name)) for name in self.order),
        )
        if self.keys_only:
            return list(dict.fromkeys(link.get(self.to_shown) for link in links))
        found: list[dict[str, Any]] = []
        seen: set[str] = set()
        for link in links:
            value = link.get(self.to_shown)
            for record in store.referencing(self.shown, self.held, value)[:1]:
                if str(value) not in seen:
                    seen.add(str(value))
                    if self.computed is not None:
                        record = {**record, **self.computed(store, record)}
                    found.append({name: record.get(name) for name in self.fields} or dict(record))
        return found


def through_fields(
    resources: Sequence[Inferred],
    relations: Mapping[str, Mapping[str, tuple[str, str, str]]],
    foreign_keys: Mapping[str, Mapping[str, str]],
    ancestors: Mapping[str, Sequence[str]],
    item_fields: Callable[[Inferred, str], tuple[str, ...]],
    held_keys: Mapping[str, str],
    computed: Mapping[str, Callable[[Store, Mapping[str, Any]], dict[str, Any]]] | None = None,
) -> dict[str, tuple[Through, ...]]:
    """Each collection's fields shown through a model of their own (`relations`: a model ->
    its many-to-many field -> the model it relates to, the model that holds the relation, the
    name at the other end), where the document serves that model and shows the field."""
    by_model: dict[str, list[Inferred]] = {}
    for resource in resources:
        by_model.setdefault(resource.spec.model, []).append(resource)
    found: dict[str, list[Through]] = {}
    for model, each in relations.items():
        for field, (target, links_model, reverse) in each.items():
            keys = foreign_keys.get(links_model, {})
            to_shown = next((k for k, m in keys.items() if m == model), None)
            to_here = next((k for k, m in keys.items() if m == target), None)
            links = by_model.get(links_model, [])
            shown = by_model.get(model, [])
            if not (links and shown and to_shown and to_here):
                continue
            for resource in by_model.get(model, []):  # the forward end: a flow's `stages`
                if resource.spec.properties.get(field, {}).get("type") == "array":
                    found.setdefault(resource.spec.collection, []).append(
                        Through(
                            field,
                            links[0].spec.collection,
                            to_shown,
                            to_here,
                            "",
                            "",
                            (),
                            keys_only=True,
                            order=_ascending(links[0].spec.default_ordering),
                        )
                    )
            for resource in resources:
                spec = resource.spec
                kin = spec.model == target or target in ancestors.get(spec.model, ())
                if kin and spec.properties.get(reverse, {}).get("type") == "array":
                    found.setdefault(spec.collection, []).append(
                        Through(
                            reverse,
                            links[0].spec.collection,
                            to_here,
                            to_shown,
                            shown[0].spec.collection,
                            held_keys.get(shown[0].spec.collection, "pk"),
                            item_fields(resource, reverse),
                            (computed or {}).get(shown[0].spec.collection),
                            order=_ascending(links[0].spec.default_ordering),
                        )
                    )
    return {collection: tuple(each) for collection, each in found.items()}


def _ascending(terms: Sequence[str]) -> tuple[str, ...]:
    return tuple(term for term in terms if not term.startswith("-"))
