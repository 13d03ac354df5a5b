"""What a list's query parameters mean, read from authentik's filtersets and models: related
objects, shown objects asked for, the primary key by its own name."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from specdouble.profiles.authentik import primary_alias, related_filters
from specdouble.resources.authentik.facts import model_fields
from specdouble.rest.resource import RelatedFilter, ResourceSpec, unasked

DOCUMENT: dict[str, Any] = {}


def spec(model: str, **properties: Any) -> ResourceSpec:
    return ResourceSpec(
        collection=model.lower(),
        model=model,
        verbose_name=model.lower(),
        fields=tuple(properties),
        writable=tuple(properties),
        properties=properties,
    )


def test_filterset_fields_relations_their_own_and_held_at_the_other_end() -> None:
    provider = spec(
        "OAuth2Provider",
        name={"type": "string"},
        signing_key={"type": "string", "format": "uuid"},
        property_mappings={"type": "array", "items": {"type": "string", "format": "uuid"}},
    )
    found = related_filters(DOCUMENT, provider, model_fields()["OAuth2Provider"])
    assert found["signing_key"] == RelatedFilter("CertificateKeyPair", "signing_key", False)
    assert found["property_mappings"] == RelatedFilter("PropertyMapping", "property_mappings", True)
    # The application's one-to-one `provider` names the provider: one application each.
    assert found["application"] == RelatedFilter("Application", "application", False, "provider")
    assert "name" not in found and "client_type" not in found


def test_only_lookups_that_take_keys_are_model_choices() -> None:
    proxy = spec("ProxyProvider", property_mappings={"type": "array"})
    found = related_filters(DOCUMENT, proxy, model_fields()["ProxyProvider"])
    assert found["property_mappings__iexact"].field == "property_mappings"
    assert "application__isnull" not in found  # a boolean, not a key
    assert "certificate__name__iexact" not in found  # a lookup across the relation


def test_declared_model_choice_filters_take_one_or_many() -> None:
    user = spec("User", username={"type": "string"}, groups={"type": "array"})
    found = related_filters(DOCUMENT, user, model_fields()["User"])
    assert found["groups_by_pk"] == RelatedFilter("Group", "groups", True)
    assert "groups_by_name" not in found  # by a field of the group: a path, not a key
    assert "is_superuser" not in found


def test_a_shown_object_is_in_the_answer_when_asked_as_authentik_reads_the_parameter() -> None:
    group = replace(
        spec("Group", name={"type": "string"}),
        included={
            "children_obj": ("include_children", False),
            "users_obj": ("include_users", True),
        },
    )
    assert unasked(group, {}) == {"children_obj"}
    assert unasked(group, {"include_children": True}) == frozenset()
    assert unasked(group, {"include_children": "TRUE", "include_users": False}) == {"users_obj"}
    # authentik asks `str(value).lower() == "true"`: anything else leaves it out.
    assert unasked(group, {"include_users": "maybe"}) == {"children_obj", "users_obj"}


def test_the_primary_key_by_its_model_name_is_the_pk() -> None:
    group = spec("Group", pk={"type": "string"}, name={"type": "string"})
    assert primary_alias(group) == {"group_uuid": "pk"}
    assert primary_alias(spec("Flow", pk={"type": "string"})) == {"flow_uuid": "pk"}
    # An inherited model without a key of its own has its parent's (an application's).
    assert primary_alias(spec("Application", pk={"type": "string"})) == {"pbm_uuid": "pk"}
    assert primary_alias(spec("Group", name={"type": "string"})) == {}  # no `pk` shown


def test_a_filterset_has_the_filters_its_bases_declare() -> None:
    declared = model_fields()["ScopeMapping"]["filters"]  # ScopeMappingFilter(PropertyMapping...)
    assert declared["managed"]["held"] is True
