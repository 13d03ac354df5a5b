"""`mock-server proxy` in front of our own mock (as the "real" server) and of deliberately faulty
ones: what it forwards, the violations it finds, the fixtures it records (which the mock then
serves as recorded), the differences it reports, and its reports."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from specdouble.proxy.app import Proxy, ProxyOptions
from specdouble.server.app import create_app
from specdouble.settings import DEFAULT_SPEC, Settings
from tests.conftest import Serving, free_port
from tests.contract.faulty_servers import FaultyServer, missing_field, wrong_count

ADMIN = {"Authorization": "Bearer ak-mock-admin"}
LIST = "/api/v3/policies/event_matcher/"


def origin(server: FaultyServer) -> str:
    return server.url.removesuffix("/api/v3")


@pytest.fixture
def real() -> Iterator[FaultyServer]:
    with FaultyServer(None) as server:
        yield server


def proxied(
    target: str, stream: io.StringIO | None = None, **options: Any
) -> tuple[Proxy, Serving]:
    proxy = Proxy(
        ProxyOptions(target=target, spec=DEFAULT_SPEC, cache=None, **options),
        stream=stream or io.StringIO(),
    )
    return proxy, Serving(proxy)


def journal(url: str) -> list[dict[str, Any]]:
    return httpx.get(f"{url}/_mock/requests").json()["results"]


def test_a_request_is_forwarded_unchanged_and_its_answer_returned_unchanged(real):
    _, serving = proxied(origin(real))
    with serving:
        through = httpx.get(f"{serving.url}{LIST}?page_size=3&ordering=-name", headers=ADMIN)
        direct = httpx.get(f"{origin(real)}{LIST}?page_size=3&ordering=-name", headers=ADMIN)
        entries = journal(serving.url)
    assert through.status_code == direct.status_code == 200
    assert through.content == direct.content
    assert through.headers["content-type"] == direct.headers["content-type"]
    [entry] = entries
    assert entry["operation_id"] == "policies_event_matcher_list"
    assert entry["violations"] == [] and entry["forwarded"] is True
    assert entry["headers"]["authorization"] == "Bearer ***"
    # What the server received: the same request, its credentials and the client's Host.
    received = httpx.get(f"{origin(real)}/_mock/requests", headers=ADMIN).json()["results"]
    assert [(e["method"], e["path"], e["query"]) for e in received][:1] == [
        ("GET", LIST, {"page_size": ["3"], "ordering": ["-name"]})
    ]
    assert received[0]["headers"]["authorization"] == "Bearer ***"
    assert received[0]["headers"]["host"] == f"127.0.0.1:{serving.port}"


def test_the_proxys_journal_refuses_a_filter_it_cannot_read_as_the_mocks_does(real):
    _, serving = proxied(origin(real))
    with serving:
        httpx.get(f"{serving.url}{LIST}?page_size=1", headers=ADMIN)
        unreadable = httpx.get(f"{serving.url}/_mock/requests?since=yesterday")
        unknown = httpx.get(f"{serving.url}/_mock/requests?colour=red")
    assert unreadable.status_code == 400 and "since" in unreadable.json()
    assert unknown.status_code == 400 and "colour" in unknown.json()


def test_a_request_that_breaks_the_document_is_reported_and_still_forwarded(real):
    stream = io.StringIO()
    _, serving = proxied(origin(real), stream)
    with serving:
        answer = httpx.post(
            f"{serving.url}{LIST}", headers=ADMIN, json={"name": "x", "action": "nope"}
        )
        [entry] = journal(serving.url)
    assert answer.status_code == 400  # the server's own refusal
    assert entry["forwarded"] is True
    assert [v["side"] for v in entry["violations"]] == ["request"]
    assert "body.action" in entry["violations"][0]["message"]
    assert "request breaks the document: body.action" in stream.getvalue()


def test_strict_answers_the_documents_refusal_without_forwarding(real):
    _, serving = proxied(origin(real), strict=True)
    with serving:
        bad = httpx.post(f"{serving.url}{LIST}", headers=ADMIN, json={"name": "x", "action": "?"})
        typed = httpx.get(f"{serving.url}{LIST}?page_size=abc", headers=ADMIN)
        nowhere = httpx.get(f"{serving.url}/api/v3/no/such/thing/", headers=ADMIN)
        fine = httpx.get(f"{serving.url}{LIST}?page_size=1", headers=ADMIN)
    assert bad.status_code == 400 and "action" in bad.json()
    assert typed.status_code == 400 and typed.json() == {
        "page_size": ["A valid integer is required."]
    }
    assert nowhere.status_code == 404
    assert fine.status_code == 200
    reached = httpx.get(f"{origin(real)}/_mock/requests", headers=ADMIN).json()["results"]
    assert [(e["method"], e["path"], e["query"]) for e in reached] == [
        ("GET", LIST, {"page_size": ["1"]})
    ]


@pytest.mark.parametrize(
    ("fault", "check", "words"),
    [
        (missing_field, "response_schema_conformance", "component"),
        (wrong_count, "pagination_arithmetic", "Pagination does not add up"),
    ],
)
def test_an_answer_that_breaks_the_document_is_named_by_its_check(fault, check, words):
    with FaultyServer(fault) as server:
        _, serving = proxied(origin(server))
        with serving:
            httpx.get(f"{serving.url}{LIST}?page_size=2", headers=ADMIN)
            [entry] = journal(serving.url)
    found = [v for v in entry["violations"] if v["side"] == "response"]
    assert [v["check"] for v in found] == [check]
    assert words in found[0]["message"]


def test_a_recording_is_served_as_it_was_recorded(real, tmp_path):
    folder = tmp_path / "recorded"
    _, serving = proxied(origin(real), record=folder)
    with serving:
        first = httpx.get(f"{serving.url}{LIST}?page_size=100", headers=ADMIN).json()["results"]
        made = httpx.post(
            f"{serving.url}{LIST}", headers=ADMIN, json={"name": "recorded one", "action": "login"}
        )
        gone = first[0]["pk"]
        assert httpx.delete(f"{serving.url}{LIST}{gone}/", headers=ADMIN).status_code == 204
        kept = first[1]["pk"]
        read = httpx.get(f"{serving.url}{LIST}{kept}/", headers=ADMIN)
    records = json.loads((folder / "policies_event_matcher.json").read_text())
    keys = {record["pk"] for record in records}
    assert made.json()["pk"] in keys and gone not in keys and len(records) == 100
    with create_app(Settings(fixtures=folder)).test_client() as client:
        served = client.get(f"{LIST}{kept}/", headers=ADMIN)
        created = client.get(f"{LIST}{made.json()['pk']}/", headers=ADMIN)
        missing = client.get(f"{LIST}{gone}/", headers=ADMIN)
    assert served.content == read.content
    assert created.json() == made.json()
    assert missing.status_code == 404


def test_recording_again_merges_by_key(real, tmp_path):
    folder = tmp_path / "recorded"
    for page in (1, 2):
        _, serving = proxied(origin(real), record=folder)
        with serving:
            httpx.get(f"{serving.url}{LIST}?page_size=10&page={page}", headers=ADMIN)
    records = json.loads((folder / "policies_event_matcher.json").read_text())
    assert len(records) == len({r["pk"] for r in records}) == 20


def test_compare_reports_where_the_mock_and_the_server_differ(tmp_path):
    folder = tmp_path / "recorded"
    with FaultyServer(missing_field) as server:
        _, serving = proxied(origin(server), record=folder)
        with serving:  # all of it: a mock that holds less answers other counts
            for page in (1, 2):
                httpx.get(f"{serving.url}{LIST}?page_size=100&page={page}", headers=ADMIN)
        stream = io.StringIO()
        _, serving = proxied(
            origin(server), stream, record=folder, compare=True, mock_token="ak-mock-admin"
        )
        with serving:
            httpx.get(f"{serving.url}{LIST}?page_size=5", headers=ADMIN)
            shown = httpx.get(f"{serving.url}{LIST}?page_size=1&ordering=pk", headers=ADMIN)
            kept = shown.json()["results"][0]["pk"]
            httpx.get(f"{serving.url}{LIST}{kept}/", headers=ADMIN)
            made = httpx.post(
                f"{serving.url}{LIST}", headers=ADMIN, json={"name": "both", "action": "login"}
            ).json()
            httpx.get(f"{serving.url}{LIST}{made['pk']}/", headers=ADMIN)
            entries = journal(serving.url)
    listed, _, recorded, created, read = (entry["differences"] for entry in entries)
    # A recording lies over a fresh install (its 5 default policies), which the server here,
    # a mock serving fixture files as given, does not hold.
    assert "pagination.count: the server 150, the mock 155" in listed
    # The faulty server leaves `component` out; the mock shows it.
    component = 'component: only the mock shows it ("ak-policy-event-matcher-form")'
    # Bindings are no list of this document: no recording holds them, so the mock's copy of
    # a bound policy counts none.
    assert set(recorded) <= {component, "bound_to: the server 1, the mock 0"}
    assert component in recorded
    assert created == [component]
    # The read reached the mock's own copy of the object (its key differs from the server's).
    assert read == created
    assert f"the mock differs: {component}" in stream.getvalue()


def test_reports_on_exit_name_each_operation_and_problem(tmp_path):
    with FaultyServer(wrong_count) as server:
        _, serving = proxied(
            origin(server), junit=tmp_path / "proxy.xml", markdown=tmp_path / "proxy.md"
        )
        with serving:
            for size in (2, 2):
                httpx.get(f"{serving.url}{LIST}?page_size={size}", headers=ADMIN)
            httpx.get(f"{serving.url}{LIST}{'0' * 8}-0000-0000-0000-{'0' * 12}/", headers=ADMIN)
    suite = ET.parse(tmp_path / "proxy.xml").getroot()
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert set(cases) == {"policies_event_matcher_list", "policies_event_matcher_retrieve"}
    assert cases["policies_event_matcher_retrieve"].find("failure") is None
    failure = cases["policies_event_matcher_list"].find("failure")
    assert failure is not None and "Pagination does not add up" in (failure.text or "")
    markdown = (tmp_path / "proxy.md").read_text()
    # The same problem twice is one row, seen twice.
    assert "## policies_event_matcher_list" in markdown and "| 2 | `GET " in markdown
    assert "3 exchange(s) over 2 operation(s); 1 with problems." in markdown


def test_an_unreachable_server_is_a_502_that_says_so():
    _, serving = proxied(f"http://127.0.0.1:{free_port()}")
    with serving:
        answer = httpx.get(f"{serving.url}{LIST}", headers=ADMIN)
    assert answer.status_code == 502
    assert "did not answer" in answer.json()["detail"]


def test_secrets_are_never_recorded(tmp_path):
    from specdouble.proxy.recording import Recorder
    from specdouble.rest.inference import infer_plain

    document = {
        "openapi": "3.0.3",
        "info": {"title": "Accounts", "version": "1"},
        "paths": {
            "/accounts": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/Account"},
                                    }
                                }
                            },
                        }
                    }
                },
            },
            "/accounts/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {}}],
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Account"}
                                }
                            },
                        }
                    }
                },
            },
        },
        "components": {
            "schemas": {
                "Account": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "name": {"type": "string"},
                        "pin": {"type": "string", "format": "password"},
                        "client_secret": {"type": "string"},
                    },
                }
            }
        },
    }
    recorder = Recorder(tmp_path, document, infer_plain(document))
    shown = [{"id": 1, "name": "a", "pin": "1234", "client_secret": "s3cr3t"}]
    assert recorder.observe("GET", "/accounts", 200, shown) == {"accounts"}
    recorder.write({"accounts"})
    text = (tmp_path / "accounts.json").read_text()
    assert "1234" not in text and "s3cr3t" not in text
    assert json.loads(text) == [{"id": 1, "name": "a", "pin": "***", "client_secret": "***"}]


def test_differences_name_order_membership_and_values():
    from specdouble.proxy.comparison import differences

    real = {"results": [{"pk": 1, "n": "a"}, {"pk": 2, "n": "b"}, {"pk": 3, "n": "c"}]}
    mock = {"results": [{"pk": 2, "n": "b"}, {"pk": 1, "n": "A"}, {"pk": 4, "n": "d"}]}
    assert differences(200, real, 200, mock) == [
        "results: only the server lists pk 3",
        "results: only the mock lists pk 4",
        "results: the same objects in another order",
        'results[pk=1].n: the server "a", the mock "A"',
    ]
    assert differences(201, {"pk": 1}, 400, {"name": ["x"]}) == [
        "status: the server answered 201, the mock 400"
    ]


def test_the_command_refuses_a_target_that_is_not_a_url(capsys):
    from specdouble.cli import main

    assert main(["proxy", "--target", "localhost:9000"]) == 2
    assert "expected an http(s) URL" in capsys.readouterr().err


def test_the_reports_tally_stays_bounded_however_long_the_proxy_runs():
    from specdouble.proxy import report
    from specdouble.proxy.conformance import Violation

    tally = report.Tally()
    for number in range(report.MAX_PROBLEMS + 50):
        broken = (Violation("response", "check", f"problem {number}"),)
        tally.add(report.Entry("op", f"GET /x?n={number}", 200, broken, ()))
        tally.add(report.Entry("op", "GET /x", 200, (Violation("request", "c", "same"),), ()))
    assert tally.total == 2 * (report.MAX_PROBLEMS + 50)
    assert len(tally.problems["op"]) == report.MAX_PROBLEMS
    assert tally.problems["op"][("request: c", "same")].count == report.MAX_PROBLEMS + 50
    assert tally.dropped == 51
