"""The pytest plugin, used by a test file of its own (through `pytester`)."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

USING_THE_PLUGIN = """
import json
import urllib.request

API = "/policies/event_matcher/"


def post(mock, body, headers):
    request = urllib.request.Request(
        mock.url + API, data=json.dumps(body).encode(), method="POST",
        headers={**headers, "Content-Type": "application/json"},
    )
    return urllib.request.urlopen(request)


def count(mock, headers=None):
    given = headers or {"Authorization": f"Bearer {mock.token('auditor')}"}
    request = urllib.request.Request(mock.url + API, headers=given)
    return json.load(urllib.request.urlopen(request))["pagination"]["count"]


def test_a_create_is_in_the_journal(authentik_mock):
    admin = {"Authorization": f"Bearer {authentik_mock.token()}"}
    post(authentik_mock, {"name": "From the plugin", "action": "login"}, admin)
    (made,) = authentik_mock.requests("policies_event_matcher_create")
    assert made["status"] == 201 and made["body"]["name"] == "From the plugin"
    assert count(authentik_mock) == 151


def test_a_tests_own_session_sees_only_its_writes(authentik_mock):
    post(authentik_mock, {"name": "Mine", "action": "login"}, authentik_mock.headers())
    assert count(authentik_mock, authentik_mock.headers()) == 151
    assert count(authentik_mock) == 150
    (made,) = authentik_mock.requests(
        "policies_event_matcher_create", session=authentik_mock.session
    )
    assert made["body"]["name"] == "Mine"


def test_each_test_starts_from_the_fixtures(authentik_mock):
    assert authentik_mock.requests() == []
    assert count(authentik_mock) == 150


def test_a_fault_is_met(authentik_mock):
    authentik_mock.fault(operation_id="policies_event_matcher_list", status=503, count=1)
    try:
        count(authentik_mock)
    except urllib.error.HTTPError as error:
        assert error.code == 503
    else:
        raise AssertionError("no fault")
    assert count(authentik_mock) == 150
"""


@pytest.mark.live
def test_the_plugin_gives_each_test_a_fresh_mock(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_with_the_mock=USING_THE_PLUGIN)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


@pytest.mark.live
def test_a_mock_that_cannot_start_says_why(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_broken="def test_it(authentik_mock):\n    pass\n")
    result = pytester.runpytest_subprocess("--mock-spec", "/nonexistent.yaml")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*mock-server exited before it answered*", "*--spec /nonexistent.yaml: no such file*"]
    )
