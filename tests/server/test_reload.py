"""`serve --reload`: a changed document or fixtures file is served again, the state carried over
where it fits; a broken document leaves the running server as it was."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from specdouble.settings import DEFAULT_FIXTURES, DEFAULT_SPEC
from tests.conftest import ADMIN, API, LiveServer

WAIT_SECONDS = 20
BOUND = "2b429596-812f-4a38-96f6-1c09059c1ba0"
"""A fixture policy with bindings."""


def title(server: LiveServer) -> str:
    return httpx.get(f"{server.url}/openapi.json", timeout=10).json()["info"]["title"]


def eventually(check: Any) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError("the server did not reload in time")


@pytest.mark.live
def test_a_changed_document_and_fixtures_are_served_again(tmp_path: Path) -> None:
    spec, fixtures = tmp_path / "spec.yaml", tmp_path / "fixtures"
    shutil.copy(DEFAULT_SPEC, spec)
    shutil.copytree(DEFAULT_FIXTURES, fixtures)
    document = yaml.safe_load(spec.read_text())
    server = LiveServer("--reload", "--spec", str(spec), "--fixtures", str(fixtures))
    try:
        made = httpx.post(
            f"{server.origin}{API}",
            json={"name": "Kept over reloads", "action": "login"},
            headers=ADMIN,
        ).json()
        item = f"{server.origin}{API}{made['pk']}/"
        assert httpx.get(f"{server.origin}{API}{BOUND}/", headers=ADMIN).json()["bound_to"] > 0

        document["info"]["title"] = "Reloaded"
        spec.write_text(yaml.safe_dump(document))
        eventually(lambda: title(server) == "Reloaded")
        assert httpx.get(item, headers=ADMIN).json()["name"] == "Kept over reloads"

        spec.write_text("openapi: [this is not\n")
        time.sleep(2)
        assert title(server) == "Reloaded"  # still the last good document
        assert httpx.get(item, headers=ADMIN).status_code == 200

        (fixtures / "policies_bindings.json").write_text("[]\n")
        document["info"]["title"] = "Fixtures too"
        spec.write_text(yaml.safe_dump(document))
        eventually(lambda: title(server) == "Fixtures too")
        bound = httpx.get(f"{server.origin}{API}{BOUND}/", headers=ADMIN).json()["bound_to"]
        assert bound == 0  # its bindings came from the fixture file, which now has none
        assert httpx.get(item, headers=ADMIN).status_code == 200

        for path in [p for p in document["paths"] if p.startswith("/policies/event_matcher/")]:
            del document["paths"][path]
        document["info"]["title"] = "No policies"
        spec.write_text(yaml.safe_dump(document))
        eventually(lambda: title(server) == "No policies")
        assert httpx.get(item, headers=ADMIN).status_code == 404
    finally:
        server.stop()
    said = server.process.stdout.read().decode() if server.process.stdout else ""
    lines = [line for line in said.splitlines() if "changed" in line]
    assert any("but cannot be served" in line for line in lines), said
    assert any("from the fixtures again: policies_bindings" in line for line in lines), said
    dropped = "dropped (not in the document any more): policies_event_matcher"
    assert any(dropped in line for line in lines), said
    assert json.loads((fixtures / "policies_bindings.json").read_text()) == []


def test_reload_needs_one_process() -> None:
    from specdouble.settings import Settings

    with pytest.raises(ValueError, match="--reload needs one process"):
        Settings(reload=True, workers=2).check()


def test_writes_to_a_collection_made_when_first_read_are_carried() -> None:
    """The new server has not made its `Later` collections yet: they fit all the same."""
    from specdouble.server.reload import carry
    from specdouble.state.store import Later, Store

    def dataset() -> dict[str, Later]:
        return {"tags": Later(2, lambda: [{"pk": "a"}, {"pk": "b"}])}

    old, new = Store(dataset()), Store(dataset())
    old.put("tags", {"pk": "c"})
    assert carry(old, new, set()) == (["tags"], [])
    assert [record["pk"] for record in new.all("tags")] == ["a", "b", "c"]
