"""The control routes stay out of every document's way, and hand a test the credentials the
served document asks for; fault rules name what exists."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path
from typing import Any

import pytest

from specdouble.document import openapi
from specdouble.server.app import create_app
from specdouble.settings import DEFAULT_FIXTURES, Settings

DOCUMENTS = Path(__file__).parent.parent / "documents"
OWNER = {"Authorization": "Bearer ak-mock-admin"}


def client(spec: Path, **settings: Any) -> Any:
    return create_app(Settings(spec=spec, seed=1, **settings)).test_client()


def under_mock(tmp_path: Path) -> Path:
    """tasks-plain.yaml, served under /_mock/api."""
    text = (DOCUMENTS / "tasks-plain.yaml").read_text()
    moved = tmp_path / "moved.yaml"
    moved.write_text(text.replace("servers: [{url: /api}]", "servers: [{url: /_mock/api}]"))
    return moved


def test_a_document_under_the_control_prefix_is_refused_with_the_way_out(tmp_path: Path) -> None:
    with pytest.raises(openapi.SpecError, match=r"lie under the control routes' /_mock/"):
        create_app(Settings(spec=under_mock(tmp_path), seed=1))


def test_the_control_routes_move_and_the_document_keeps_its_paths(tmp_path: Path) -> None:
    with client(under_mock(tmp_path), control_prefix="/_ctl") as moved:
        listed = moved.get("/_mock/api/tasks", headers={"Authorization": "Bearer any"})
        assert listed.status_code == 200 and listed.json()["total"] == 5
        health = moved.get("/_ctl/health").json()
        assert health["api"] == "/_mock/api/" and health["status"] == "ok"
        rule = {"path": "/_mock/api/tasks", "method": "GET", "status": 503}
        assert moved.post("/_ctl/faults", json=rule, headers=OWNER).status_code == 201
        failed = moved.get("/_mock/api/tasks", headers={"Authorization": "Bearer any"})
        assert failed.status_code == 503
        journal = moved.get("/_ctl/requests", headers=OWNER).json()["results"]
        assert [(e["path"], e["status"]) for e in journal] == [
            ("/_mock/api/tasks", 200),
            ("/_mock/api/tasks", 503),
        ]


@pytest.mark.parametrize("prefix", ["_mock", "/", "//x", "/{name}"])
def test_a_control_prefix_that_is_not_a_path_is_refused(prefix: str) -> None:
    with pytest.raises(ValueError, match="--control-prefix must be a path such as /_mock"):
        Settings(control_prefix=prefix).check()


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("notes-basic.yaml", {"headers": {"Authorization": "Basic "}}),
        ("library-3.1.yaml", {"headers": {"X-API-Key": "ak-mock-admin"}}),
        (None, {"headers": {"Authorization": "Bearer ak-mock-admin"}}),
    ],
)
def test_credentials_are_given_as_the_document_asks(document: str | None, expected: Any) -> None:
    spec = DOCUMENTS / document if document else Settings().spec
    with client(spec) as mock:
        given = mock.get("/_mock/credentials", headers=OWNER).json()
        assert mock.get("/_mock/credentials").status_code == 403  # the owner's only
        assert given["token"] == "ak-mock-admin" and given["user"] == "akadmin"
        for name, value in expected["headers"].items():
            assert given["headers"][name].startswith(value)
        if document == "notes-basic.yaml":
            pair = base64.b64decode(given["headers"]["Authorization"].split()[1]).decode()
            assert pair == "akadmin:ak-mock-admin"
            assert mock.get("/api/notes/", headers=given["headers"]).status_code == 200
        unknown = mock.get("/_mock/credentials?user=nobody", headers=OWNER)
        assert unknown.status_code == 400 and "nobody" in unknown.text


def test_a_fault_rule_must_name_an_operation_of_the_document() -> None:
    with client(Settings().spec) as mock:
        wrong = mock.post(
            "/_mock/faults",
            json={"operation_id": "policies_event_matcher_lst", "status": 503, "method": "FETCH"},
            headers=OWNER,
        )
        assert wrong.status_code == 400
        problems = wrong.json()
        assert problems["operation_id"] == [
            "The document has no operation 'policies_event_matcher_lst'. Did you mean"
            " 'policies_event_matcher_list'?"
        ]
        assert problems["method"][0].startswith("One of DELETE, GET")
        assert mock.get("/_mock/faults", headers=OWNER).json() == {"results": []}


def test_fixtures_keyed_by_id_serve_and_need_no_tokens_file(tmp_path: Path) -> None:
    folder = tmp_path / "fixtures"
    folder.mkdir()
    (folder / "tasks.json").write_text(
        '[{"id": 7, "title": "Mine", "status": "todo", "estimate": 3},'
        ' {"id": 9, "title": "Yours", "status": "done", "estimate": null}]'
    )
    settings = Settings(spec=DOCUMENTS / "tasks-plain.yaml", fixtures=folder)
    settings.check()  # no tokens.yaml: the built-in users and tokens
    with create_app(settings).test_client() as mock:
        anyone = {"Authorization": "Bearer anything"}
        assert mock.get("/api/tasks/7", headers=anyone).json()["title"] == "Mine"
        assert mock.get("/api/tasks", headers=anyone).json()["total"] == 2
        assert mock.post("/_mock/reset", headers=OWNER).status_code == 200


def test_fixtures_with_a_repeated_key_say_which_record(tmp_path: Path) -> None:
    from specdouble.data.fixtures import FixtureError

    folder = tmp_path / "fixtures"
    shutil.copytree(DEFAULT_FIXTURES, folder)
    (folder / "tasks.json").write_text('[{"id": 1, "title": "a"}, {"id": 1, "title": "b"}]')
    with pytest.raises(FixtureError, match=r"tasks.json: record 1: another record has id 1"):
        create_app(Settings(spec=DOCUMENTS / "tasks-plain.yaml", fixtures=folder))
    (folder / "tasks.json").write_text('[{"title": "no key"}]')
    with pytest.raises(FixtureError, match=r"record 0: expected an object with a 'id'"):
        create_app(Settings(spec=DOCUMENTS / "tasks-plain.yaml", fixtures=folder))


def test_a_document_of_webhooks_only_starts_and_answers(tmp_path: Path) -> None:
    """OpenAPI 3.1 allows a document of webhooks only: no `paths` is nothing under the prefix."""
    hooks = tmp_path / "hooks.yaml"
    hooks.write_text(
        "openapi: 3.1.0\ninfo: {title: Hooks, version: '1'}\nwebhooks:\n"
        "  ping:\n    post:\n      responses: {'200': {description: ok}}\n"
    )
    with client(hooks) as mock:
        assert mock.get("/_mock/health").json()["status"] == "ok"
