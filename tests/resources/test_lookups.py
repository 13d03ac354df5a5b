"""authentik's lookups (apps, models, event actions) from a document's enums."""

from __future__ import annotations

from specdouble.resources.authentik import lookups

DOCUMENT = {
    "components": {
        "schemas": {
            "AppEnum": {
                "type": "string",
                "enum": ["authentik.policies.event_matcher", "authentik.api"],
            },
            "ModelEnum": {"type": "string", "enum": ["authentik_core.user"]},
            "EventActions": {"type": "string", "enum": ["login_failed", "model_created"]},
        }
    }
}


def test_names_are_the_enum_values_and_labels_read_as_authentiks() -> None:
    assert lookups.apps(DOCUMENT) == [
        {"name": "authentik.api", "label": "authentik API"},
        {"name": "authentik.policies.event_matcher", "label": "authentik Policies.Event Matcher"},
    ]
    assert lookups.models(DOCUMENT) == [{"name": "authentik_core.user", "label": "User"}]
    assert [a["name"] for a in lookups.actions(DOCUMENT)] == ["Login Failed", "Model Created"]
    assert [a["component"] for a in lookups.actions(DOCUMENT)] == ["login_failed", "model_created"]


def test_a_document_without_the_enums_gets_no_lookup() -> None:
    assert lookups.apps({}) is None and lookups.actions({"components": {"schemas": {}}}) is None
