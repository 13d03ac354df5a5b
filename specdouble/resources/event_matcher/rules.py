"""Event Matcher Policies: what authentik adds to a plain model viewset.

Constants of the policy kind, `bound_to` counted from the policy bindings, `used_by` listing
those bindings, and delete cascading to them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from specdouble.rest.resource import ResourceSpec
from specdouble.state.store import Record, Store

COLLECTION = "policies_event_matcher"
BINDINGS = "policies_bindings"
"""Policy bindings, shaped as authentik's `PolicyBinding` (`policy` is a policy's pk) plus
`name`, the description `used_by` shows."""

CRITERIA = ("action", "client_ip", "app", "model", "query")
# authentik's serializer has an "At least one criteria must be set." rule, but it compares
# each criterion with "", which every field refuses before the rule runs: it never fires, and
# a policy whose criteria are all null is created (measured on a real 2026.8 server).

MODEL_FIELDS = ("pk", "name", "execution_logging", *CRITERIA)


def bound_to(store: Store, record: Record) -> dict[str, Any]:
    return {"bound_to": len(store.referencing(BINDINGS, "policy", record["pk"]))}


def used_by(store: Store, record: Record) -> list[dict[str, Any]]:
    bindings = sorted(store.referencing(BINDINGS, "policy", record["pk"]), key=_binding_order)
    return [
        {
            "app": "authentik_policies",
            "model_name": "policybinding",
            "pk": binding["pk"],
            "name": binding.get("name") or _describe(binding, record),
            "action": "cascade",
        }
        for binding in bindings
    ]


def _describe(binding: Mapping[str, Any], policy: Mapping[str, Any]) -> str:
    """A binding made through the API has no stored description: say what authentik says."""
    target, order = binding.get("target"), binding.get("order", 0)
    return f"Binding from {target} #{order} to Policy {policy['name']}"


def _binding_order(binding: Mapping[str, Any]) -> tuple[int, str]:
    return (binding.get("order", 0), binding["pk"])


def delete_bindings(store: Store, record: Record) -> None:
    store.delete_where(BINDINGS, "policy", record["pk"])


def customise(spec: ResourceSpec) -> ResourceSpec:
    """The Event Matcher Policy on top of what the document says of it."""
    return replace(
        spec,
        model="EventMatcherPolicy",
        verbose_name="policy",
        search_fields=("name",),
        ordering_fields=MODEL_FIELDS,
        default_ordering=("name",),
        unique_fields=("name",),
        defaults={"execution_logging": False},
        generated=(),
        constants={
            "component": "ak-policy-event-matcher-form",
            "verbose_name": "Event Matcher Policy",
            "verbose_name_plural": "Event Matcher Policies",
            "meta_model_name": "authentik_policies_event_matcher.eventmatcherpolicy",
        },
        computed=bound_to,
        used_by=used_by,
        cascade=delete_bindings,
    )
