"""The differential harness: the same seeded requests to two servers, every difference shown.

    # compare the mock with a real authentik, both holding the 150 fixture policies, no bindings
    .venv/bin/python -m tests.differential.harness compare \\
        --a http://127.0.0.1:9000/api/v3 --a-token ak-mock-admin \\
        --b "$REAL_AK_URL/api/v3" --b-token "$REAL_AK_TOKEN"

    # record a real server's answers as test data (tests/server/test_real_answers.py replays them)
    .venv/bin/python -m tests.differential.harness record \\
        --url "$REAL_AK_URL/api/v3" --token "$REAL_AK_TOKEN" --out tests/differential/recorded.json

A case is a request (method, path, query, credentials, body) and tags: `lenient` where the real
server reads a typed value more loosely than the document allows (the mock agrees only with
`--leniency real`), `crash` where the real server fails (the mock answers what the contract
says). Writes clean up after themselves, so both servers hold the same data throughout; the pk
of an object created by a case is replaced by `<created>` before answers are compared.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import sys
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
RECORDED = HERE / "recorded.json"
POLICIES = (
    HERE.parent.parent / "specdouble" / "builtin" / "fixtures" / "policies_event_matcher.json"
)
DEFAULT_SEED = 2026
LIST = "/policies/event_matcher/"
CREATED = "<created>"
FIELDS = ("pk", "name", "execution_logging", "action", "client_ip", "app", "model", "query")
CRITERIA = ("action", "client_ip", "app", "model", "query")
CREDENTIALS = ("token", "none", "basic", "token-scheme", "bearer-empty", "bearer-wrong")
UNKNOWN_TO_RC1 = frozenset(
    {
        "access_request_approved",
        "access_request_created",
        "access_request_denied",
        "access_request_revoked",
        "user_offboarded",
        "authentik.enterprise.agents",
        "authentik.enterprise.requests",
        "authentik_agents.agent",
        "authentik_core.actor",
        "authentik_core.objectattribute",
        "authentik_lifecycle.useroffboarding",
        "authentik_providers_oauth2.oauth2dynamicclientregistration",
        "authentik_requests.grantrequest",
        "authentik_requests.requestrule",
        "authentik_requests.requestrulebinding",
        "authentik_requests.requestrulechildbinding",
    }
)
"""Enum values of 2026.8.3 (the mock's document) that the recorded 2026.8.0-rc1 does not know
yet: cases never send them, so the record shows behaviour, not the version gap."""


@dataclass
class Case:
    method: str
    path: str
    query: list[tuple[str, str]] = field(default_factory=list)
    credentials: str = "token"
    body: str | None = None
    content_type: str | None = "application/json"
    tags: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "query": [list(pair) for pair in self.query],
            "credentials": self.credentials,
            "body": self.body,
            "content_type": self.content_type,
            "tags": self.tags,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Case:
        return cls(
            method=data["method"],
            path=data["path"],
            query=[(name, value) for name, value in data["query"]],
            credentials=data["credentials"],
            body=data["body"],
            content_type=data["content_type"],
            tags=list(data["tags"]),
        )


# The seeded cases.


def cases(
    seed: int = DEFAULT_SEED, policies: Sequence[Mapping[str, Any]] | None = None
) -> list[Case]:
    """At least 400 requests over paging, filters, search, ordering, reads, auth and writes."""
    chosen = random.Random(seed)
    data = list(policies if policies is not None else json.loads(POLICIES.read_text()))
    made: list[Case] = []
    for maker in (paging, filters, searches, orderings, combinations, reads, auth, writes):
        made.extend(maker(chosen, data))
    return made


def _sample(chosen: random.Random, values: Sequence[Any], k: int) -> list[Any]:
    return [chosen.choice(values) for _ in range(k)]


def paging(chosen: random.Random, data: list[Mapping[str, Any]]) -> Iterator[Case]:
    sizes = ["1", "5", "20", "50", "99", "100", "101", "1000", "0", "-1", "abc", "2.0", ""]
    lenient_sizes = {"abc", "2.0", ""}
    pages = ["1", "2", "3", "8", "0", "-1", "abc", "1.5", "100000000000000000000", ""]
    lenient_pages = {"abc", "1.5", ""}
    yield Case("GET", LIST)
    for size in sizes:
        yield Case("GET", LIST, [("page_size", size)], tags=["lenient"] * (size in lenient_sizes))
    for page in pages:
        yield Case("GET", LIST, [("page", page)], tags=["lenient"] * (page in lenient_pages))
    for _ in range(30):
        size, page = chosen.choice(sizes[:8]), chosen.choice(pages[:4])
        yield Case("GET", LIST, [("page_size", size), ("page", page)])


def _instant_spellings(stored: str) -> list[tuple[str, bool]]:
    """(spelling of a stored `...Z` instant, whether only a lenient reading accepts it)."""
    moment = stored.removesuffix("Z").split(".")[0]
    date = moment.split("T")[0]
    return [
        (stored, False),
        (moment + "Z", False),
        (moment + "+00:00", False),
        (moment.replace("T", " ") + "Z", False),
        (moment, True),
        (moment.replace("T", " "), True),
        (date, True),
        ("yesterday", False),
        ("", True),
    ]


def filters(chosen: random.Random, data: list[Mapping[str, Any]]) -> Iterator[Case]:
    for _ in range(6):
        policy = chosen.choice(data)
        yield Case("GET", LIST, [("name", policy["name"])])
        yield Case("GET", LIST, [("name", policy["name"].lower())])
    for name in CRITERIA:
        values = sorted({str(p[name]) for p in data if p.get(name)} - UNKNOWN_TO_RC1)
        for value in _sample(chosen, values, 4) if values else []:
            yield Case("GET", LIST, [(name, value), ("page_size", "100")])
    yield Case("GET", LIST, [("action", "nope")])
    yield Case("GET", LIST, [("app", "authentik.nope")])
    for value, lenient in [
        ("true", False),
        ("false", False),
        ("1", True),
        ("0", True),
        ("True", True),
        ("maybe", True),
        ("", True),
    ]:
        yield Case("GET", LIST, [("execution_logging", value)], tags=["lenient"] * lenient)
    policy = chosen.choice(data)
    pk = policy["pk"]
    for value, lenient in [
        (pk, False),
        (pk.upper(), False),
        (pk.replace("-", ""), True),
        ("{" + pk + "}", True),
        ("urn:uuid:" + pk, True),
        ("", True),
        ("abc", False),
        (str(uuid.UUID(int=7)), False),
    ]:
        yield Case("GET", LIST, [("policy_uuid", value)], tags=["lenient"] * lenient)
    for name in ("created", "last_updated"):
        stored = str(chosen.choice(data)[name])
        for value, lenient in _instant_spellings(stored):
            yield Case("GET", LIST, [(name, value)], tags=["lenient"] * lenient)
    yield Case("GET", LIST, [("name", "a\x00b")])
    yield Case("GET", LIST, [("unknown_filter", "x")])


def _words(data: list[Mapping[str, Any]]) -> list[str]:
    return sorted({word for p in data for word in str(p["name"]).split()})


def searches(chosen: random.Random, data: list[Mapping[str, Any]]) -> Iterator[Case]:
    words = _words(data)
    for _ in range(15):
        word = chosen.choice(words)
        yield Case("GET", LIST, [("search", chosen.choice([word, word.upper(), word.lower()]))])
    for _ in range(10):
        first, second = chosen.choice(words), chosen.choice(words)
        yield Case(
            "GET", LIST, [("search", chosen.choice([f"{first} {second}", f"{first},{second}"]))]
        )
    for _ in range(8):
        parts = str(chosen.choice(data)["name"]).split()
        start = chosen.randrange(max(1, len(parts) - 1))
        phrase = " ".join(parts[start : start + 2])
        yield Case("GET", LIST, [("search", f'"{phrase}"')])
        yield Case("GET", LIST, [("search", f'"{phrase[::-1]}"')])
    for term in ["ß", "ss", "Straße", "a\x00b", "", "  ", ",", "é", '"unclosed', "it's", "%", "_"]:
        yield Case("GET", LIST, [("search", term)])


def orderings(chosen: random.Random, data: list[Mapping[str, Any]]) -> Iterator[Case]:
    # Ties are ordered by name, which is unique: PostgreSQL leaves the order of ties to the
    # table's physical order, which no client may rely on (the mock breaks them by pk).
    for name in FIELDS:
        for sign in ("", "-"):
            ordering = sign + name + ("" if name == "name" else ",name")
            yield Case("GET", LIST, [("ordering", ordering), ("page_size", "100")])
    for _ in range(30):
        terms = [
            chosen.choice(["", "-"]) + chosen.choice(FIELDS) for _ in range(chosen.randint(2, 3))
        ]
        if chosen.random() < 0.2:
            terms.insert(chosen.randrange(len(terms)), "nope")
        terms.append("name")
        query = [("ordering", ",".join(terms)), ("page_size", chosen.choice(["20", "50", "100"]))]
        yield Case("GET", LIST, [*query, ("page", chosen.choice(["1", "2"]))])
    for value in ["nope", "", "-", "--name", " name", "name,", "pk,pk"]:
        yield Case("GET", LIST, [("ordering", value)])


def combinations(chosen: random.Random, data: list[Mapping[str, Any]]) -> Iterator[Case]:
    words = _words(data)
    for _ in range(50):
        query: list[tuple[str, str]] = []
        policy = chosen.choice(data)
        for name in chosen.sample(
            ["action", "app", "model", "execution_logging"], chosen.randint(0, 2)
        ):
            value = policy.get(name)
            if value in UNKNOWN_TO_RC1:
                continue
            query.append(
                (name, str(value).lower() if isinstance(value, bool) else str(value or ""))
            )
        if chosen.random() < 0.7:
            query.append(("search", chosen.choice(words)))
        if chosen.random() < 0.7:
            sign = chosen.choice(["", "-"])
            query.append(("ordering", f"{sign}{chosen.choice(FIELDS)},name"))
        query.append(("page_size", chosen.choice(["5", "10", "20"])))
        query.append(("page", chosen.choice(["1", "1", "2"])))
        # An empty choice filters nothing on the real server; the document's enum refuses it.
        lenient = any(name == "action" and value == "" for name, value in query)
        yield Case("GET", LIST, query, tags=["lenient"] * lenient)


def reads(chosen: random.Random, data: list[Mapping[str, Any]]) -> Iterator[Case]:
    for _ in range(10):
        pk = chosen.choice(data)["pk"]
        yield Case("GET", f"{LIST}{pk}/")
        yield Case("GET", f"{LIST}{pk}/used_by/")
    pk = chosen.choice(data)["pk"]
    yield Case("GET", f"{LIST}{pk.upper()}/")
    yield Case("GET", f"{LIST}{pk}")
    yield Case("GET", LIST.rstrip("/"))
    for missing in (str(uuid.UUID(int=chosen.getrandbits(128), version=4)), "not-a-uuid", "1"):
        yield Case("GET", f"{LIST}{missing}/")
        yield Case("GET", f"{LIST}{missing}/used_by/")


def auth(chosen: random.Random, data: list[Mapping[str, Any]]) -> Iterator[Case]:
    pk = chosen.choice(data)["pk"]
    targets = [
        ("GET", LIST, None),
        ("GET", f"{LIST}{pk}/", None),
        ("GET", f"{LIST}{pk}/used_by/", None),
        ("POST", LIST, json.dumps({"name": "Refused", "action": "login"})),
        ("PATCH", f"{LIST}{pk}/", json.dumps({"name": "Refused"})),
        ("PUT", f"{LIST}{pk}/", json.dumps({"name": "Refused", "action": "login"})),
        ("DELETE", f"{LIST}{pk}/", None),
    ]
    for method, path, body in targets:
        for credentials in CREDENTIALS[1:]:
            yield Case(method, path, credentials=credentials, body=body)


def writes(chosen: random.Random, data: list[Mapping[str, Any]]) -> Iterator[Case]:
    apps = sorted({str(p["app"]) for p in data if p.get("app")} - UNKNOWN_TO_RC1)
    for number in range(12):
        body: dict[str, Any] = {"name": f"Differential {number}", "action": "login"}
        if number % 3 == 1:
            body["app"] = chosen.choice(apps)
        if number % 3 == 2:
            body.update(execution_logging=True, client_ip="10.0.0.1")
        yield Case("POST", LIST, body=json.dumps(body))
        yield Case("GET", f"{LIST}{CREATED}/")
        # Every criterion is sent: a PATCH that leaves one out crashes the real server.
        criteria = {name: body.get(name) for name in CRITERIA}
        renamed = {"name": f"Renamed {number}", **criteria}
        yield Case("PATCH", f"{LIST}{CREATED}/", body=json.dumps(renamed))
        yield Case("GET", LIST, [("search", f"Renamed {number}")])
        yield Case("DELETE", f"{LIST}{CREATED}/")
        yield Case("GET", f"{LIST}{CREATED}/")
    everything_null = {"name": "Matches all", **dict.fromkeys(CRITERIA)}
    yield Case("POST", LIST, body=json.dumps(everything_null))
    yield Case("DELETE", f"{LIST}{CREATED}/")
    # A criterion key left out crashes the real server (405, empty body); the mock creates.
    yield Case("POST", LIST, body=json.dumps({"name": "No criteria"}), tags=["crash"])
    yield Case("DELETE", f"{LIST}{CREATED}/", tags=["crash"])  # what the mock created
    taken = chosen.choice(data)["name"]
    for body_text in [
        json.dumps({"name": taken, "action": "login"}),
        json.dumps({"name": f"  {taken}  ", "action": "login"}),
        json.dumps({"name": "", "action": "login"}),
        json.dumps({"name": "   ", "action": "login"}),
        json.dumps({"action": "login", **dict.fromkeys(CRITERIA[1:])}),
        json.dumps(
            {
                "name": "Bad app",
                "action": "login",
                "app": "authentik.nope",
                "client_ip": None,
                "model": None,
                "query": None,
            }
        ),
        json.dumps(
            {
                "name": "Bad action",
                "action": "nope",
                "client_ip": None,
                "app": None,
                "model": None,
                "query": None,
            }
        ),
        json.dumps({"name": "Bad flag", "execution_logging": "maybe", **dict.fromkeys(CRITERIA)}),
        "{not json",
        "[1,]",
        "NaN",
        "[]",
        '"a string"',
    ]:
        yield Case("POST", LIST, body=body_text)
    policy = chosen.choice(data)
    url = f"{LIST}{policy['pk']}/"
    criteria = {name: policy.get(name) for name in CRITERIA}
    yield Case("PATCH", url, body=json.dumps({"name": "Temporarily renamed", **criteria}))
    yield Case("GET", url)
    yield Case("PATCH", url, body=json.dumps({"name": policy["name"], **criteria}))
    yield Case("PUT", url, body=json.dumps({"name": policy["name"], **criteria}))
    other = chosen.choice(data)["name"]
    yield Case("PATCH", url, body=json.dumps({"name": other, **criteria}))
    yield Case("PATCH", url, body=json.dumps({**criteria, "action": "nope"}))
    # The same name again, criteria left out: the real server crashes; the mock changes nothing.
    yield Case("PATCH", url, body=json.dumps({"name": policy["name"]}), tags=["crash"])
    missing = str(uuid.UUID(int=chosen.getrandbits(128), version=4))
    for method in ("PATCH", "PUT", "DELETE"):
        body_text = json.dumps({"name": "x", "action": "login"}) if method != "DELETE" else None
        yield Case(method, f"{LIST}{missing}/", body=body_text)


# Sending, and what is compared.


def headers_for(case: Case, token: str) -> dict[str, str]:
    headers: dict[str, str] = {}
    if case.body is not None and case.content_type:
        headers["Content-Type"] = case.content_type
    header = {
        "token": f"Bearer {token}",
        "none": None,
        "basic": "Basic " + base64.b64encode(f"akadmin:{token}".encode()).decode(),
        "token-scheme": f"Token {token}",
        "bearer-empty": "Bearer",
        "bearer-wrong": "Bearer not-a-token",
    }[case.credentials]
    if header is not None:
        headers["Authorization"] = header
    return headers


def send(
    http: httpx.Client, base: str, token: str, case: Case, created: str | None
) -> dict[str, Any]:
    """One case's answer: status, media type, and the body (JSON where it is JSON)."""
    path = case.path.replace(CREATED, created or "00000000-0000-4000-8000-000000000000")
    response = http.request(
        case.method,
        base + path,
        params=case.query,
        headers=headers_for(case, token),
        content=case.body.encode() if case.body is not None else None,
    )
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    body: Any = None
    if media_type == "application/json" and response.content:
        body = response.json()
    answer = {"status": response.status_code, "media_type": media_type, "body": body}
    if "allow" in response.headers:
        answer["allow"] = response.headers["allow"]
    return answer


def run(base: str, token: str, planned: Sequence[Case]) -> list[dict[str, Any]]:
    """The answers of a server to every case, created pks replaced by `<created>`."""
    answers = []
    created: str | None = None
    with httpx.Client(timeout=30) as http:
        for case in planned:
            answer = send(http, base.rstrip("/"), token, case, created)
            if case.method == "POST" and answer["status"] == 201:
                created = answer["body"]["pk"]
            answers.append(normalise(answer, created))
    return answers


def normalise(answer: dict[str, Any], created: str | None) -> dict[str, Any]:
    if created is None or answer["body"] is None:
        return answer
    text = json.dumps(answer["body"]).replace(created, CREATED)
    return {**answer, "body": json.loads(text)}


def differences(expected: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """What differs: the status and `Allow` always; the media type and body where the expected
    answer is JSON (Django's own HTML pages are compared by status alone)."""
    found = []
    if expected["status"] != got["status"]:
        found.append(f"status {expected['status']} != {got['status']}")
    if "allow" in expected and expected["allow"] != got.get("allow"):
        found.append(f"Allow {expected['allow']!r} != {got.get('allow')!r}")
    if expected["media_type"] == "application/json":
        if expected["media_type"] != got["media_type"]:
            found.append(f"media type {expected['media_type']} != {got['media_type']}")
        elif expected["body"] != got["body"]:
            found.append(f"body {_short(expected['body'])} != {_short(got['body'])}")
    return found


def _short(body: Any) -> str:
    text = json.dumps(body)
    return text if len(text) <= 300 else text[:300] + "..."


def describe(case: Case) -> str:
    query = "&".join(f"{name}={value!r}" for name, value in case.query)
    return f"{case.method} {case.path}{'?' + query if query else ''} [{case.credentials}]" + (
        f" body={case.body!r}" if case.body is not None else ""
    )


# The command line.


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="harness", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    compare = commands.add_parser("compare", help="send the cases to two servers, show differences")
    compare.add_argument("--a", required=True, help="base URL of the first server (…/api/v3)")
    compare.add_argument("--a-token", required=True)
    compare.add_argument("--b", required=True, help="base URL of the second server")
    compare.add_argument("--b-token", required=True)
    compare.add_argument("--seed", type=int, default=DEFAULT_SEED)
    record = commands.add_parser("record", help="record a server's answers as test data")
    record.add_argument("--url", required=True)
    record.add_argument("--token", required=True)
    record.add_argument("--seed", type=int, default=DEFAULT_SEED)
    record.add_argument("--server", default="authentik 2026.8.0-rc1", help="what answered")
    record.add_argument("--out", type=Path, default=RECORDED)
    arguments = parser.parse_args(argv)
    planned = cases(arguments.seed)
    if arguments.command == "record":
        answers = run(arguments.url, arguments.token, planned)
        recorded = {
            "seed": arguments.seed,
            "server": arguments.server,
            "cases": [
                {**case.as_json(), "answer": a} for case, a in zip(planned, answers, strict=True)
            ],
        }
        # One case a line: a re-recording shows as a readable diff.
        lines = ",\n".join(json.dumps(case, ensure_ascii=False) for case in recorded["cases"])
        head = json.dumps({"seed": recorded["seed"], "server": recorded["server"]})[:-1]
        arguments.out.write_text(f'{head}, "cases": [\n{lines}\n]}}\n')
        print(f"recorded {len(planned)} answers of {arguments.url} in {arguments.out}")
        return 0
    first = run(arguments.a, arguments.a_token, planned)
    second = run(arguments.b, arguments.b_token, planned)
    differing = 0
    for case, a, b in zip(planned, first, second, strict=True):
        found = differences(b, a)
        if found:
            differing += 1
            tags = f" ({', '.join(case.tags)})" if case.tags else ""
            print(f"{describe(case)}{tags}\n    " + "\n    ".join(found))
    print(f"{len(planned) - differing} of {len(planned)} agree; {differing} differ")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
