"""`mock-server diff`: changes between two documents, classified by whom they break."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from specdouble.cli import main
from specdouble.document import diff

OLD: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/policies/": {
            "get": {
                "operationId": "policies_list",
                "parameters": [
                    {"name": "action", "in": "query", "schema": {"$ref": "#/components/schemas/A"}},
                    {"name": "search", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "results": {
                                            "type": "array",
                                            "items": {"$ref": "#/components/schemas/Policy"},
                                        }
                                    },
                                }
                            }
                        },
                    }
                },
            },
            "post": {
                "operationId": "policies_create",
                "requestBody": {
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Request"}}
                    }
                },
                "responses": {"201": {"description": "made"}},
            },
        },
        "/legacy/{id}/": {"get": {"responses": {"200": {"description": "ok"}}}},
    },
    "components": {
        "schemas": {
            "A": {"type": "string", "enum": ["login", "logout", "model_created"]},
            "Policy": {
                "type": "object",
                "required": ["pk", "name", "action"],
                "properties": {
                    "pk": {"type": "string"},
                    "name": {"type": "string"},
                    "action": {"$ref": "#/components/schemas/A"},
                    "bound_to": {"type": "integer"},
                },
            },
            "Request": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string", "maxLength": 255},
                    "action": {"$ref": "#/components/schemas/A"},
                    "timeout": {"type": "integer"},
                },
            },
        }
    },
}


def changed() -> dict[str, Any]:
    new = copy.deepcopy(OLD)
    schemas = new["components"]["schemas"]
    schemas["A"]["enum"] = ["login", "logout", "user_offboarded"]  # one gone, one new
    policy = schemas["Policy"]["properties"]
    del policy["bound_to"]  # a response field removed
    policy["action"] = {"oneOf": [{"$ref": "#/components/schemas/A"}, {"enum": [None]}]}
    schemas["Request"]["required"] = ["name", "action"]
    schemas["Request"]["properties"]["name"]["maxLength"] = 100
    new["paths"]["/policies/"]["get"]["parameters"][1]["required"] = True
    del new["paths"]["/legacy/{id}/"]
    new["paths"]["/policies/{pk}/"] = {"get": {"responses": {"200": {"description": "ok"}}}}
    return new


def by_rule(found: list[diff.Change]) -> dict[tuple[str, str], set[str]]:
    grouped: dict[tuple[str, str], set[str]] = {}
    for change in found:
        grouped.setdefault((change.operation, change.rule), set()).add(change.severity)
    return grouped


def test_each_change_is_classified_by_whom_it_breaks() -> None:
    found = by_rule(diff.changes(OLD, changed()))
    listed, created = "GET /policies/", "POST /policies/"
    assert found[("GET /legacy/{}/", "operation-removed")] == {"error"}
    assert found[("GET /policies/{}/", "operation-added")] == {"info"}
    assert found[(listed, "parameter-made-required")] == {"error"}
    # An enum value removed breaks the clients that send it, and the servers that answer it;
    # one added breaks the servers that must accept it, and the clients that must read it.
    assert found[(listed, "enum-value-removed")] == {"error", "warning"}  # filter, answer
    assert found[(listed, "enum-value-added")] >= {"warning", "error"}  # filter, answer
    assert found[(listed, "property-removed")] == {"error"}  # `bound_to` read by clients
    assert found[(listed, "nullable-added")] == {"error"}  # `action` may now be null
    assert found[(created, "property-made-required")] == {"error"}
    assert found[(created, "limit-narrowed")] == {"error"}  # maxLength 255 -> 100
    assert (created, "operation-removed") not in found


def test_nothing_changed_nothing_found() -> None:
    assert diff.changes(OLD, copy.deepcopy(OLD)) == []


def test_a_journal_keeps_what_a_frontend_used() -> None:
    journal = [
        {
            "method": "GET",
            "path": "/api/v3/policies/",
            "query": {"action": ["login"]},
            "answer": {"results": [{"pk": "1", "name": "n", "action": "login"}]},
        },
        {"method": "POST", "path": "/policies/", "body": {"name": "x"}},
    ]
    document = {**OLD, "servers": [{"url": "http://localhost/api/v3"}]}
    usage = diff.used(journal, document)
    assert usage.operations == {"GET /policies/", "POST /policies/"}
    kept = by_rule(diff.touching(diff.changes(document, changed()), usage))
    assert ("GET /legacy/{}/", "operation-removed") not in kept  # never called
    assert ("GET /policies/", "enum-value-removed") in kept  # the filter it sent
    assert ("GET /policies/", "nullable-added") in kept  # `action`, which it read
    assert ("GET /policies/", "property-removed") not in kept  # `bound_to`: never read
    assert ("GET /policies/", "parameter-made-required") in kept  # `search`: it sends none
    assert ("POST /policies/", "property-made-required") in kept
    assert ("POST /policies/", "limit-narrowed") in kept  # `name`, which it sent


def write(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def test_the_command_line_formats_and_exit_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    old, new = write(tmp_path / "old.yaml", OLD), write(tmp_path / "new.yaml", changed())
    assert main(["diff", str(old), str(old)]) == 0
    assert capsys.readouterr().out.strip().endswith("0 compatible.")
    assert main(["diff", str(old), str(new)]) == 1
    out = capsys.readouterr().out.splitlines()
    removed = next(line for line in out if "[operation-removed]" in line)
    assert removed.startswith(f"error: {old}:") and "breaks clients: GET /legacy/{}/" in removed
    assert out[-1] == "9 change(s) that break clients, 3 that break servers, 1 compatible."
    # The line of a change is where its schema is written (the component a $ref names).
    limit = next(line for line in out if "[limit-narrowed]" in line)
    assert "#/components/schemas/Request/properties/name" in limit
    line = int(limit.split(":")[2])
    written = new.read_text().splitlines()
    assert written[line - 1].strip() == "name:" and "maxLength: 100" in written[line + 1]
    journal = tmp_path / "journal.json"
    journal.write_text(json.dumps({"requests": [{"method": "GET", "path": "/legacy/1/"}]}))
    assert main(["diff", "--journal", str(journal), str(old), str(new)]) == 1
    assert "touch what the journal used" in capsys.readouterr().out
    # Severities are the rules'; a rule turned off, or a laxer --fail-on, passes the run.
    arguments = ["diff", "--format", "github", "--rule", "operation-removed=warning"]
    assert main([*arguments, "--journal", str(journal), str(old), str(new)]) == 0
    assert capsys.readouterr().out.startswith("::warning file=")
    sarif = tmp_path / "diff.sarif"
    main(["diff", "--format", "sarif", "--output", str(sarif), str(old), str(new)])
    results = json.loads(sarif.read_text())["runs"][0]["results"]
    assert {r["level"] for r in results} == {"error", "warning", "note"}


def test_authentiks_two_versions(capsys: pytest.CaptureFixture) -> None:
    """authentik's published documents at two versions (from npm, cached): the Event Matcher
    criteria became nullable, a model left an enum, its list gained a filter."""
    old, new = "npm:@goauthentik/api@2025.8.6", "npm:@goauthentik/api@2026.8.3"
    assert main(["diff", "--format", "json", old, new]) == 1
    found = json.loads(capsys.readouterr().out)
    matcher = [f for f in found if "/policies/event_matcher/" in f["message"]]
    rules = {(f["rule"], f["severity"]) for f in matcher}
    assert ("enum-value-removed", "error") in rules  # a model a client could send, gone
    assert ("parameter-added", "info") in rules  # the `query` filter
    assert ("enum-value-added", "error") in rules  # an answer may hold a new action
    assert all(f["line"] for f in matcher)


def _tree(leaf: str) -> dict[str, Any]:
    """A document whose answer is a tree (two recursive branches) and whose item path names
    its parameter at the path, the operation adding one of its own."""
    node = {
        "type": "object",
        "properties": {
            "left": {"$ref": "#/components/schemas/Node"},
            "right": {"$ref": "#/components/schemas/Node"},
            "leaf": {"type": leaf},
        },
    }
    answer = {"application/json": {"schema": {"$ref": "#/components/schemas/Node"}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/nodes/{id}": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "get": {
                    "parameters": [{"name": "depth", "in": "query", "schema": {"type": "integer"}}],
                    "responses": {"200": {"description": "ok", "content": answer}},
                },
            }
        },
        "components": {"schemas": {"Node": node}},
    }


def test_a_recursive_schema_is_compared_once_and_parameters_are_pointed_at_where_written():
    old, new = _tree("string"), _tree("integer")
    new["paths"]["/nodes/{id}"]["get"]["parameters"][0]["required"] = True
    new["paths"]["/nodes/{id}"]["parameters"][0]["schema"] = {"type": "integer"}
    found = {(c.rule, c.pointer) for c in diff.changes(old, new)}
    assert found == {
        ("type-changed", "#/components/schemas/Node/properties/leaf"),
        ("parameter-made-required", "#/paths/~1nodes~1{id}/get/parameters/0/required"),
        ("type-changed", "#/paths/~1nodes~1{id}/parameters/0/schema"),
    }
