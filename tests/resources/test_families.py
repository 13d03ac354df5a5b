"""Polymorphic families (`/policies/all/`), found in a document and served from a union."""

from __future__ import annotations

from typing import Any

from specdouble.resources import CUSTOMISATIONS
from specdouble.resources.authentik import families
from specdouble.rest import inference
from specdouble.rest.auth import ALL_PERMISSIONS, Principal
from specdouble.rest.resource import Resource
from specdouble.state.store import MEMBER, Store

ADMIN = Principal("akadmin", ALL_PERMISSIONS)
POLICY = ("name", "component", "verbose_name", "verbose_name_plural", "meta_model_name", "bound_to")


def schema(*fields: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    properties = {name: {"type": "string", "readOnly": name != "name"} for name in fields}
    properties["pk"] = {"type": "string", "format": "uuid", "readOnly": True}
    return {"type": "object", "properties": {**properties, **(extra or {})}}


def collection(prefix: str, path: str, item: str, writable: bool) -> dict[str, Any]:
    page = {
        "type": "object",
        "properties": {
            "pagination": {"type": "object"},
            "results": {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}},
        },
    }
    ok = {"200": {"content": {"application/json": {"schema": page}}}}
    one = {
        "200": {
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{item}"}}}
        }
    }
    key = [{"in": "path", "name": "policy_uuid", "required": True, "schema": {"type": "string"}}]
    paths = {
        path: {"get": {"operationId": f"{prefix}_list", "responses": ok}},
        path + "{policy_uuid}/": {
            "get": {"operationId": f"{prefix}_retrieve", "parameters": key, "responses": one},
            "delete": {
                "operationId": f"{prefix}_destroy",
                "parameters": key,
                "responses": {"204": {}},
            },
        },
    }
    if writable:
        body = {
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{item}"}}}
        }
        paths[path]["post"] = {
            "operationId": f"{prefix}_create",
            "requestBody": body,
            "responses": one,
        }
    return paths


DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "families", "version": "1"},
    "paths": {
        **collection("policies_all", "/policies/all/", "Policy", False),
        **collection(
            "policies_event_matcher", "/policies/event_matcher/", "EventMatcherPolicy", True
        ),
        **collection("policies_expression", "/policies/expression/", "ExpressionPolicy", True),
        **collection("policies_gadget", "/policies/gadget/", "GadgetPolicy", True),
        **collection("policies_bindings", "/policies/bindings/", "PolicyBinding", True),
    },
    "components": {
        "schemas": {
            "Policy": schema(*POLICY),
            "EventMatcherPolicy": schema(*POLICY, "action"),
            "ExpressionPolicy": schema(*POLICY, "expression"),
            "GadgetPolicy": schema(*POLICY),
            "PolicyBinding": schema("name", "policy", "order"),
        }
    },
}


def found() -> tuple[list[inference.Inferred], list[families.Family]]:
    inferred = inference.customise(inference.infer(DOCUMENT), CUSTOMISATIONS)
    family = families.find(inferred)
    return families.customise(DOCUMENT, inferred, family), family


def test_a_family_is_every_resource_beside_it_with_all_its_fields() -> None:
    _, family = found()
    assert family == [
        families.Family(
            "policies_all",
            ("policies_event_matcher", "policies_expression", "policies_gadget"),
        )
    ]


def test_members_show_authentiks_constants_or_ones_made_from_their_name() -> None:
    inferred, _ = found()
    specs = {item.spec.collection: item.spec for item in inferred}
    assert specs["policies_event_matcher"].constants == {
        "component": "ak-policy-event-matcher-form",
        "verbose_name": "Event Matcher Policy",
        "verbose_name_plural": "Event Matcher Policies",
        "meta_model_name": "authentik_policies_event_matcher.eventmatcherpolicy",
    }
    assert specs["policies_gadget"].constants == {
        "component": "ak-gadget-policy-form",
        "verbose_name": "Gadget Policy",
        "verbose_name_plural": "Gadget Policies",
        "meta_model_name": "authentik_policies_gadget.gadgetpolicy",
    }


def test_types_lists_each_member_type_by_name() -> None:
    inferred, family = found()
    specs = [i.spec for i in inferred if i.spec.collection in family[0].members]
    listed = {t["name"]: t for t in families.types(specs, "Policy")}
    # Its members, and every other subclass of authentik's Policy with a form, as authentik's
    # `all_subclasses` lists them, though the document serves no resource for them.
    assert {"Event Matcher Policy", "Expression Policy", "Gadget Policy"} <= set(listed)
    assert {"Dummy Policy", "Reputation Policy", "GeoIP Policy"} <= set(listed)
    assert list(listed) == sorted(listed)
    matcher = listed["Event Matcher Policy"]
    assert matcher["component"] == "ak-policy-event-matcher-form"
    assert matcher["model_name"] == "eventmatcherpolicy"
    assert matcher["description"] == "Passes when Event matches selected criteria."
    assert matcher["requires_enterprise"] is False


def test_a_familys_base_is_its_model_or_the_members_nearest_shared_one() -> None:
    assert families.family_base("Provider", ["SCIMProvider", "LDAPProvider"]) == "Provider"
    assert (
        families.family_base("ServiceConnection", ["DockerServiceConnection"])
        == "OutpostServiceConnection"
    )
    assert families.family_base("Gadget", ["NoSuchModel"]) is None


def test_the_family_lists_finds_and_deletes_its_members_records() -> None:
    inferred, family = found()
    specs = {item.spec.collection: item.spec for item in inferred}
    data = {
        "policies_event_matcher": [{"pk": "e1", "name": "Alert on logins", "action": "login"}],
        "policies_expression": [{"pk": "x1", "name": "Only admins", "expression": "return True"}],
        "policies_gadget": [],
        "policies_bindings": [{"pk": "b1", "name": "b", "policy": "x1", "order": 0}],
    }
    store = Store(data, unions={f.collection: f.members for f in family})
    every = Resource(specs["policies_all"], store)
    listed = every.list(ADMIN, {})["results"]
    assert [(p["name"], p["verbose_name"], p["bound_to"]) for p in listed] == [
        ("Alert on logins", "Event Matcher Policy", 0),
        ("Only admins", "Expression Policy", 1),
    ]
    assert "action" not in listed[0]
    assert every.used_by(ADMIN, "x1")[0]["pk"] == "b1"
    typed = Resource(specs["policies_expression"], store)
    typed.update(ADMIN, "x1", {"name": "Only staff"})
    assert store.get("policies_all", "x1")["name"] == "Only staff"
    assert store.get("policies_all", "x1")[MEMBER] == "policies_expression"
    every.destroy(ADMIN, "x1")
    assert store.get("policies_expression", "x1") is None
    assert store.all("policies_bindings") == []  # the cascade of the member's type
    assert [p["pk"] for p in every.list(ADMIN, {})["results"]] == ["e1"]
    store.reset()
    assert len(every.list(ADMIN, {})["results"]) == 2


def test_a_list_of_a_base_model_is_the_family_of_its_subclasses() -> None:
    """authentik's `/endpoints/connectors/` has no `/all/` in its path, but nothing is written
    through it and its model `Connector` is the base of the agent and Fleet connectors: it
    lists them, each with its type's constants (the interface picks its page by them)."""
    connector = ("name", "component", "verbose_name", "verbose_name_plural", "meta_model_name")
    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "connectors", "version": "1"},
        "paths": {
            **collection("endpoints_connectors", "/endpoints/connectors/", "Connector", False),
            **collection(
                "endpoints_agents_connectors",
                "/endpoints/agents/connectors/",
                "AgentConnector",
                True,
            ),
            **collection(
                "endpoints_fleet_connectors", "/endpoints/fleet/connectors/", "FleetConnector", True
            ),
        },
        "components": {
            "schemas": {
                "Connector": schema(*connector),
                "AgentConnector": schema(*connector, "snapshot_expiry"),
                "FleetConnector": schema(*connector, "url"),
            }
        },
    }
    inferred = inference.customise(inference.infer(document), CUSTOMISATIONS)
    family = families.find(inferred)
    assert family == [
        families.Family(
            "endpoints_connectors", ("endpoints_agents_connectors", "endpoints_fleet_connectors")
        )
    ]
    specs = {
        item.spec.collection: item.spec for item in families.customise(document, inferred, family)
    }
    assert specs["endpoints_agents_connectors"].constants["component"] == (
        "ak-endpoints-connector-agent-form"
    )
