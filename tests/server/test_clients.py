"""authentik's official clients, Python and TypeScript, against the live mock.

Both reject what does not fit the published contract (unknown enum values, missing required
fields, wrong types), so a clean run here is what a frontend will meet.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import authentik_client as ak
import pytest

from tests import authentik_package
from tests.conftest import LiveServer


@pytest.mark.live
def test_the_python_client(live_server: LiveServer) -> None:
    live_server.reset()
    config = ak.Configuration(host=live_server.url, access_token="ak-mock-admin")
    with ak.ApiClient(config) as api_client:
        api = ak.PoliciesApi(api_client)
        page = api.policies_event_matcher_list(page_size=200, ordering="-name")
        assert (page.pagination.count, len(page.results)) == (150, 100)  # 100 at most a page
        assert [p.name for p in page.results] == sorted(
            (p.name for p in page.results), reverse=True
        )
        filtered = api.policies_event_matcher_list(action=ak.EventActions.LOGIN_FAILED)
        assert filtered.results and {p.action for p in filtered.results} == {
            ak.EventActions.LOGIN_FAILED
        }
        bound = next(p for p in page.results if p.bound_to)
        assert len(api.policies_event_matcher_used_by_list(str(bound.pk))) == bound.bound_to

        created = api.policies_event_matcher_create(
            ak.EventMatcherPolicyRequest(
                name="From the Python client", action=ak.EventActions.LOGIN
            )
        )
        pk = str(created.pk)
        assert api.policies_event_matcher_retrieve(pk) == created
        updated = api.policies_event_matcher_update(
            pk,
            ak.EventMatcherPolicyRequest(
                name="Renamed by Python", app=ak.AppEnum.AUTHENTIK_DOT_CORE
            ),
        )
        assert (updated.name, updated.action, updated.app) == (
            "Renamed by Python",
            ak.EventActions.LOGIN,
            ak.AppEnum.AUTHENTIK_DOT_CORE,
        )
        patched = api.policies_event_matcher_partial_update(
            pk, ak.PatchedEventMatcherPolicyRequest(execution_logging=True)
        )
        assert patched.execution_logging is True
        assert api.policies_event_matcher_used_by_list(pk) == []
        api.policies_event_matcher_destroy(pk)
        with pytest.raises(ak.exceptions.NotFoundException):
            api.policies_event_matcher_retrieve(pk)
        with pytest.raises(ak.exceptions.ForbiddenException):
            ak.PoliciesApi(
                ak.ApiClient(
                    ak.Configuration(host=live_server.url, access_token="ak-mock-readonly")
                )
            ).policies_event_matcher_create(
                ak.EventMatcherPolicyRequest(name="Not allowed", action=ak.EventActions.LOGIN)
            )


TS_SCRIPT = Path(__file__).parent / "clients" / "typescript_client.cjs"


@pytest.mark.live
def test_the_typescript_client(live_server: LiveServer) -> None:
    if shutil.which("node") is None:
        pytest.skip("Node.js is needed for the TypeScript client")
    live_server.reset()
    modules = authentik_package.install()
    completed = subprocess.run(
        ["node", str(TS_SCRIPT), live_server.url],
        env={**os.environ, "NODE_PATH": str(modules)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert result["count"] == len(result["searched"]) > 0
    assert all("alert" in name.lower() for name in result["searched"])
    assert result["boundTo"] == result["boundUsedBy"] > 0
    assert result["created"] == "From the TS client" and result["retrievedSame"]
    assert result["updated"] == ["Renamed by TS", "login", "authentik_core.user", "2001:db8::1"]
    assert (result["patched"], result["usedBy"], result["goneStatus"]) == (True, 0, 404)
