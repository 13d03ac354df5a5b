"""authentik's polymorphic families: `/policies/all/` lists every policy of every type, and the
same for stages, sources, providers, property mappings, service connections, ...

A family is found in the document: a resource at `/<prefix>/all/` whose members are the
resources under `/<prefix>/` whose objects have every field of the family's object. Its
collection is a union of theirs in the store (a member's record is listed, found and deleted
through the family). Each member shows its type's constants (`component`, `verbose_name`,
`verbose_name_plural`, `meta_model_name`): authentik's own (`facts.known_types()`) where the
type is known, made from the schema's name otherwise. `<family>_types_list` answers the member
types, as authentik's `types` action does.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from specdouble.data.synth import NO_VALUE, Synth, empty_value, stable_seed
from specdouble.resources.authentik.facts import ancestors, known_types
from specdouble.resources.event_matcher import rules as policy_rules
from specdouble.rest.actions import Answer, Body, Params, Respond
from specdouble.rest.auth import Principal
from specdouble.rest.inference import Inferred
from specdouble.rest.resource import Fill, ResourceSpec
from specdouble.state.store import MEMBER, Record, Store

CONSTANTS = ("component", "verbose_name", "verbose_name_plural", "meta_model_name")
POLICIES = "policies_all"
ALL_SEGMENT = "all"


@dataclass(frozen=True, slots=True)
class Family:
    collection: str
    members: tuple[str, ...]


def _words(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)


WORDS = ("Provider", "Stage", "Policy", "Source", "Mapping", "Connection")
"""What the base models of authentik's families are called, to tell them from mixins."""


def type_facts(spec: ResourceSpec) -> dict[str, Any]:
    """The constants of a member type, and what `types` says of it."""
    known = known_types().get(spec.model)
    if known is not None:
        return known
    words = _words(spec.model)
    return {
        "component": "ak-" + re.sub(r"[\s_]+", "-", words.lower()) + "-form",
        "verbose_name": words,
        "verbose_name_plural": words[:-1] + "ies" if words.endswith("y") else words + "s",
        "meta_model_name": f"authentik_{spec.collection}.{spec.model.lower()}",
        "description": words,
        "enterprise": False,
    }


def find(found: Sequence[Inferred]) -> list[Family]:
    """The families of the document's resources: a list at `/<prefix>/all/` of the resources
    under `/<prefix>/`, or a list nothing is created through whose model the others' models
    inherit from (`/endpoints/connectors/` of the agent, Fleet and Chrome connectors, as
    authentik's base `Connector` lists its subclasses)."""
    above = ancestors()
    pairs = subtables([item.spec for item in found])
    families = []
    for family in found:
        parts = family.collection_path.strip("/").split("/")
        fields = set(family.spec.properties)

        def fits(item: Inferred, family: Inferred = family, fields: set[str] = fields) -> bool:
            return (
                item is not family
                and fields <= set(item.spec.properties)
                and item.spec.key == family.spec.key
            )

        if len(parts) >= 2 and parts[-1] == ALL_SEGMENT:
            prefix = "/" + "/".join(parts[:-1]) + "/"
            chosen = [
                item
                for item in found
                if item.collection_path.startswith(prefix)
                and f"/{ALL_SEGMENT}/" not in item.collection_path[len(prefix) - 1 :]
            ]
        elif family.spec.model and not family.spec.writable:  # nothing is written through it
            chosen = [item for item in found if family.spec.model in above.get(item.spec.model, ())]
        elif family.spec.model:  # a table with subtables: a union that is its own member
            below = [name for name, parent in pairs if parent == family.spec.collection]
            if below:
                families.append(Family(family.spec.collection, (family.spec.collection, *below)))
            continue
        else:
            continue
        members = tuple(sorted(item.spec.collection for item in chosen if fits(item)))
        if members:
            families.append(Family(family.spec.collection, members))
    return families


def subtables(specs: Sequence[ResourceSpec]) -> list[tuple[str, str]]:
    """(child, parent) collections of models in Django's multi-table inheritance: a written
    resource whose model is the parent of another's (authentik's `ProxyProvider` is an
    `OAuth2Provider`, so `/providers/oauth2/` lists proxy providers too)."""
    above = ancestors()
    written = {spec.model: spec for spec in specs if spec.model and spec.writable}
    pairs = []
    for spec in specs:
        nearest = (written[m] for m in above.get(spec.model, ()) if m in written)
        parent = next(nearest, None)
        if parent is not None and parent.key == spec.key:
            pairs.append((spec.collection, parent.collection))
    return sorted(pairs)


def customise(
    document: Mapping[str, Any], found: Sequence[Inferred], families: Sequence[Family]
) -> list[Inferred]:
    """Members show their type's constants (policies also count and list their bindings);
    families show each record as its member does, and delete through it. A table with
    subtables shows every record as its own, and its subtables' records hold its fields."""
    tables = {f.collection for f in families if f.collection in f.members}
    member_of = {m: f for f in families if f.collection not in tables for m in f.members}
    changed: dict[str, ResourceSpec] = {}
    specs = {item.spec.collection: item.spec for item in found}
    for child, parent in subtables(list(specs.values())):
        if parent in tables:
            spec = specs[child]
            changed[child] = specs[child] = replace(
                spec, fills=(*spec.fills, inherits(document, specs[parent], spec))
            )
    for item in found:
        spec = specs[item.spec.collection]
        family = member_of.get(spec.collection)
        if family is None:
            continue
        facts = type_facts(spec)
        constants = {name: facts[name] for name in CONSTANTS if name in spec.properties}
        spec = replace(spec, constants={**constants, **spec.constants})
        if family.collection == POLICIES and spec.collection != policy_rules.COLLECTION:
            spec = replace(
                spec,
                computed=policy_rules.bound_to,
                used_by=policy_rules.used_by,
                cascade=policy_rules.delete_bindings,
            )
        changed[spec.collection] = spec
    for family in families:
        if family.collection in tables:
            continue
        members = {name: changed[name] for name in family.members if name in changed}
        spec = next(i.spec for i in found if i.spec.collection == family.collection)
        changed[family.collection] = _family_spec(spec, members)
    return [
        replace(item, spec=changed[item.spec.collection])
        if item.spec.collection in changed
        else item
        for item in found
    ]


def inherits(document: Mapping[str, Any], parent: ResourceSpec, child: ResourceSpec) -> Fill:
    """A child table's record holds its parent's fields too, as Django saves the parent's row
    with it: those the child's serializer leaves out start as the parent's create would
    leave them (a proxy provider is a confidential OAuth2 client that puts claims in its ID
    token)."""

    def fill(_store: Store, record: Record, _now: str) -> None:
        _inherit(document, parent, child, record)

    return fill


def inherit_rows(
    document: Mapping[str, Any], data: Mapping[str, list[Record]], specs: Sequence[ResourceSpec]
) -> None:
    """The start-up records of each child table, given their parent's fields (`inherits`)."""
    by_collection = {spec.collection: spec for spec in specs}
    for child, parent in subtables(specs):
        for record in data.get(child, ()):
            _inherit(document, by_collection[parent], by_collection[child], record)


def _inherit(
    document: Mapping[str, Any], parent: ResourceSpec, child: ResourceSpec, record: Record
) -> None:
    """The parent's default, else null where it may be, else the empty value its schema
    admits; what the model makes (a client secret) or a field that admits no empty value is
    drawn from its schema, seeded by the object's key so that every run makes the same."""
    synth: Synth | None = None
    for name in (*parent.writable, *parent.generated):
        if name in record or name in child.properties or name not in parent.properties:
            continue
        if name in parent.defaults:
            record[name] = copy.deepcopy(parent.defaults[name])
        elif name in parent.nullable:
            record[name] = None
        elif name not in parent.server_made and (
            (empty := empty_value(document, parent.properties[name])) is not NO_VALUE
        ):
            record[name] = empty
        else:  # one generator a record, made only where a value must be drawn
            synth = synth or Synth(document, stable_seed(parent.collection, record.get(child.key)))
            record[name] = synth.value(parent.properties[name], name=name)


def _family_spec(spec: ResourceSpec, members: Mapping[str, ResourceSpec]) -> ResourceSpec:
    def computed(store: Store, record: Record) -> dict[str, Any]:
        member = members.get(record.get(MEMBER, ""))
        if member is None:
            return {}
        return {**member.constants, **member.computed(store, record)}

    def used_by(store: Store, record: Record) -> list[dict[str, Any]]:
        member = members.get(record.get(MEMBER, ""))
        return member.used_by(store, record) if member else []

    def cascade(store: Store, record: Record) -> None:
        member = members.get(record.get(MEMBER, ""))
        if member is not None:
            member.cascade(store, record)

    return replace(
        spec,
        computed=computed,
        used_by=used_by,
        cascade=cascade,
        verbose_name=_words(spec.model).lower(),
    )


def types(members: Sequence[ResourceSpec], model: str = "") -> list[dict[str, Any]]:
    """`<family>/types/`: each type of the family by name, as authentik lists every subclass
    of the family's model that has a form: its members, and the types the document serves no
    resource for (a SCIM or RAC provider, a SAML provider from metadata)."""
    facts = {spec.model: type_facts(spec) for spec in members}
    base = family_base(model, [spec.model for spec in members])
    if base is not None:
        known = known_types()
        for name, above in ancestors().items():
            if base in above and name in known:
                facts.setdefault(name, known[name])
    listed = [
        {
            "name": fact["verbose_name"],
            "description": fact.get("description", ""),
            "component": fact["component"],
            "model_name": fact["meta_model_name"].rpartition(".")[2],
            "requires_enterprise": bool(fact.get("enterprise")),
            "deprecated": False,
        }
        for fact in facts.values()
    ]
    return sorted(listed, key=lambda entry: entry["name"])


def family_base(model: str, members: Sequence[str]) -> str | None:
    """The model class a family's members share: the family's own model where authentik's
    sources have it (`Provider`), else their nearest common ancestor with a form of its own
    kind (`OutpostServiceConnection`); None where the members are not known classes."""
    above = ancestors()
    lines = [above[name] for name in members if name in above]
    if not lines:
        return None
    if any(model in line for line in lines):
        return model
    shared = [name for name in lines[0] if all(name in line for line in lines)]
    return next((name for name in shared if name.endswith(tuple(WORDS))), None)


def answers(found: Sequence[Inferred], families: Sequence[Family]) -> dict[str, Respond]:
    """operationId -> answer, for each family's `types` operation."""
    specs = {item.spec.collection: item.spec for item in found}
    table: dict[str, Respond] = {}
    for family in families:
        model = specs[family.collection].model if family.collection in specs else ""
        members = [specs[m] for m in family.members if m in specs]
        body = json.dumps(types(members, model)).encode()

        def respond(
            _p: Principal, _k: str, _params: Params, _b: Body, body: bytes = body
        ) -> Answer:
            return Answer(200, body)

        table[f"{family.collection}_types_list"] = respond
    return table
