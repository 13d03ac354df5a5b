"""The whole-API differential: the same objects and the same seeded requests, over every kind of
resource authentik's interface uses, sent to two servers; every difference shown.

    # compare the mock (serve --authentik) with a real authentik
    .venv/bin/python -m tests.differential.whole_api compare \\
        --a http://127.0.0.1:8000/api/v3 --a-token ak-mock-admin \\
        --b "$REAL_AK_URL/api/v3" --b-token "$REAL_AK_TOKEN" [--seed N]

    # record a real server's answers (tests/server/test_real_whole_api.py replays them)
    .venv/bin/python -m tests.differential.whole_api record \\
        --url "$REAL_AK_URL/api/v3" --token "$REAL_AK_TOKEN"

Each run makes its own objects through the API (users, groups, roles, flows, stages, bindings,
policies, providers, applications, tokens, brands, property mappings, certificates), named with
a prefix of the seed's, so two servers holding other data still compare: a list is compared on
the run's own objects (their order, their fields, how many), the rest of its page is set aside.
Cases are read from the document: every filter a list operation names (with a value one of the
run's objects holds and a value nobody holds), orderings by fields of the object and by none,
search, pages, retrieves, unique clashes, invalid bodies, PATCH/PUT/DELETE, and a user without
permissions. Keys differ between servers: a request names objects by symbol (`@users:alice`),
and answers are read back into symbols, with times and secrets set aside.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

HERE = Path(__file__).resolve().parent
RECORDED = HERE / "whole_api.json"
DEFAULT_SEED = 2026
NOBODY = "nobody"

# What a server makes up on its own: compared as present, not by value.
VOLATILE = frozenset(
    {
        "uid",
        "key",
        "client_id",
        "client_secret",
        "certificate_data",
        "key_data",
        "fingerprint_sha1",
        "fingerprint_sha256",
        "cert_expiry",
        "cert_subject",
        "private_key_available",
        "avatar",
        "verbose_name_plural",
        "num_pk",
    }
)
# Integer keys are counted per table, so the same number names a user and a provider: what an
# integer names is read from the field that holds it.
INTEGER_SPACES = {"users": "users", "oauth2": "providers", "proxy": "providers"}
FIELD_SPACES = {
    "user": "users",
    "users": "users",
    "members": "users",
    "created_by": "users",
    "user_obj": "users",
    "users_obj": "users",
    "provider": "providers",
    "providers": "providers",
    "provider_obj": "providers",
    "backchannel_providers": "providers",
    "backchannel_providers_obj": "providers",
    "providers_obj": "providers",
}
LOOKUPS = frozenset({"iexact", "icontains", "startswith", "isnull", "gt", "lt", "in"})
"""Django's lookups that compare a field's own value (others span a relation: `user__username`)."""
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
"""A key inside a longer string (a download URL), read back as the symbol it names."""
INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")
REFERENCE = re.compile(r"@([a-z_0-9]+:[a-zA-Z0-9~.-]+)")
# Names of the run's objects start with MARK, which each server sees as a prefix of its own, so
# runs never clash with what an earlier run left behind.
MARK = "w~-"


@dataclass(frozen=True)
class Resource:
    """A collection, the field its detail path names an object by, the field that names an
    object for people, and the objects a run makes in it (references as `@kind:name`)."""

    kind: str
    collection: str
    key: str
    name: str
    seeds: tuple[dict[str, Any], ...]
    create: str | None = None

    def symbol(self, body: Mapping[str, Any]) -> str:
        return f"{self.kind}:{body[self.name]}"


def resources() -> tuple[Resource, ...]:
    """The run's objects, in the order they are made (what they reference comes first)."""
    return (
        Resource(
            "groups",
            "/core/groups/",
            "pk",
            "name",
            (
                {"name": "eng", "attributes": {"dept": "eng"}},
                {"name": "ops", "is_superuser": True},
                {"name": "eng-leads", "parents": ["@groups:eng"]},
            ),
        ),
        Resource("roles", "/rbac/roles/", "pk", "name", ({"name": "auditors"}, {"name": "ops"})),
        Resource(
            "users",
            "/core/users/",
            "pk",
            "username",
            (
                {
                    "username": "alice",
                    "name": "Alice Smith",
                    "email": "alice@example.com",
                    "path": "users/eng",
                    "groups": ["@groups:eng"],
                    "roles": ["@roles:auditors"],
                    "attributes": {"dept": "eng"},
                },
                {"username": "bob", "name": "Bob Jones", "groups": ["@groups:ops"]},
                {"username": "carol", "name": "Carol White", "is_active": False, "path": "ext"},
                {"username": NOBODY, "name": "No Body"},
            ),
        ),
        Resource(
            "flows",
            "/flows/instances/",
            "slug",
            "slug",
            (
                {
                    "slug": "login",
                    "name": "Login",
                    "title": "Welcome",
                    "designation": "authentication",
                },
                {
                    "slug": "signup",
                    "name": "Sign up",
                    "title": "Join",
                    "designation": "enrollment",
                    "denied_action": "continue",
                },
                {"slug": "bye", "name": "Bye", "title": "Bye", "designation": "invalidation"},
            ),
        ),
        Resource(
            "dummy",
            "/stages/dummy/",
            "pk",
            "name",
            ({"name": "dummy-a"}, {"name": "dummy-b", "throw_error": True}),
        ),
        Resource(
            "identification",
            "/stages/identification/",
            "pk",
            "name",
            (
                {"name": "ident", "user_fields": ["username", "email"]},
                {"name": "ident-2", "user_fields": ["email"], "show_matched_user": False},
            ),
        ),
        Resource(
            "bindings",
            "/flows/bindings/",
            "pk",
            "order",
            (
                {"target": "@flows:login", "stage": "@identification:ident", "order": 10},
                {"target": "@flows:login", "stage": "@dummy:dummy-a", "order": 20},
            ),
        ),
        Resource(
            "expression",
            "/policies/expression/",
            "pk",
            "name",
            (
                {"name": "always", "expression": "return True"},
                {"name": "never", "expression": "return False", "execution_logging": True},
            ),
        ),
        Resource(
            "event_matcher",
            "/policies/event_matcher/",
            "pk",
            "name",
            (
                {"name": "logins", "action": "login"},
                {"name": "core-changes", "app": "authentik.core", "action": "model_updated"},
            ),
        ),
        Resource(
            "oauth2",
            "/providers/oauth2/",
            "pk",
            "name",
            (
                {
                    "name": "grafana-oidc",
                    "authorization_flow": "@flows:login",
                    "invalidation_flow": "@flows:bye",
                    "client_type": "confidential",
                    "redirect_uris": [
                        {"matching_mode": "strict", "url": "https://grafana.example.com/login"}
                    ],
                },
                {
                    "name": "cli-oidc",
                    "authorization_flow": "@flows:login",
                    "invalidation_flow": "@flows:bye",
                    "client_type": "public",
                    "redirect_uris": [{"matching_mode": "regex", "url": "http://localhost:.*"}],
                },
            ),
        ),
        Resource(
            "proxy",
            "/providers/proxy/",
            "pk",
            "name",
            (
                {
                    "name": "wiki-proxy",
                    "authorization_flow": "@flows:login",
                    "invalidation_flow": "@flows:bye",
                    "external_host": "https://wiki.example.com",
                    "internal_host": "http://wiki:8080",
                    "mode": "proxy",
                },
            ),
        ),
        Resource(
            "applications",
            "/core/applications/",
            "slug",
            "slug",
            (
                {"name": "Grafana", "slug": "grafana", "provider": "@oauth2:grafana-oidc"},
                {"name": "Wiki", "slug": "wiki", "meta_publisher": "Wiki Inc."},
                {"name": "Docs", "slug": "docs", "group": "internal"},
            ),
        ),
        Resource(
            "tokens",
            "/core/tokens/",
            "identifier",
            "identifier",
            (
                {"identifier": "ci", "intent": "api", "user": "@users:alice"},
                {"identifier": "nobody-api", "intent": "api", "user": f"@users:{NOBODY}"},
                {"identifier": "deploy", "intent": "app_password", "user": "@users:bob"},
            ),
        ),
        Resource(
            "brands",
            "/core/brands/",
            "brand_uuid",
            "domain",
            ({"domain": "one.example.com", "branding_title": "One"}, {"domain": "two.example.com"}),
        ),
        Resource(
            "scope",
            "/propertymappings/provider/scope/",
            "pk",
            "name",
            ({"name": "email-scope", "scope_name": "email", "expression": "return {}"},),
        ),
        Resource(
            "certificates",
            "/crypto/certificatekeypairs/",
            "pk",
            "common_name",
            ({"common_name": "signing", "validity_days": 30},),
            create="/crypto/certificatekeypairs/generate/",
        ),
        Resource(
            "outposts",
            "/outposts/instances/",
            "pk",
            "name",
            (
                {
                    "name": "wiki-outpost",
                    "type": "proxy",
                    "providers": ["@proxy:wiki-proxy"],
                    "config": {"authentik_host": "https://ak.example.com"},
                },
                {
                    "name": "slow-outpost",
                    "type": "proxy",
                    "providers": ["@proxy:wiki-proxy"],
                    "config": {"refresh_interval": "hours=1;minutes=30"},
                },
            ),
        ),
        Resource(
            "events",
            "/events/events/",
            "pk",
            "app",
            (
                {"action": "custom_", "app": MARK + "deploy-bot", "context": {"env": "prod"}},
                {"action": "custom_", "app": MARK + "backup-job", "context": {"ok": True}},
            ),
        ),
    )


def named(body: Mapping[str, Any]) -> dict[str, Any]:
    """A seed body with MARK on the fields that name it and in its references."""
    out: dict[str, Any] = {}
    for name, value in body.items():
        if name in ("name", "username", "slug", "identifier", "domain", "common_name"):
            out[name] = MARK + value
        elif isinstance(value, str) and value.startswith("@"):
            out[name] = value.replace(":", ":" + MARK, 1)
        elif isinstance(value, list):
            out[name] = [
                v.replace(":", ":" + MARK, 1) if str(v).startswith("@") else v for v in value
            ]
        else:
            out[name] = value
    return out


# The cases.


@dataclass(frozen=True)
class Case:
    """One request; strings may hold `@kind:name` symbols, read per server."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...] = ()
    body: Any = None
    credentials: str = "admin"
    paged: bool = False

    @property
    def id(self) -> str:
        query = "&".join(f"{k}={v}" for k, v in self.query)
        body = "" if self.body is None else " " + json.dumps(self.body, sort_keys=True)
        who = "" if self.credentials == "admin" else f" [{self.credentials}]"
        return f"{self.method} {self.path}{'?' + query if query else ''}{body}{who}"

    def as_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "query": [list(pair) for pair in self.query],
            "body": self.body,
            "credentials": self.credentials,
            "paged": self.paged,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Case:
        return cls(
            data["method"],
            data["path"],
            tuple((k, v) for k, v in data["query"]),
            data["body"],
            data["credentials"],
            data["paged"],
        )


@dataclass
class Plan:
    seed: int
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)  # symbol -> body sent

    def name_of(self, symbol: str) -> Any:
        """What people call the object a symbol names (the field its resource names it by)."""
        kind = symbol.split(":", 1)[0]
        resource = next(r for r in resources() if r.kind == kind)
        return self.objects[symbol][resource.name]


def plan(seed: int) -> Plan:
    made = Plan(seed)
    for resource in resources():
        for body in resource.seeds:
            made.objects[resource.symbol(named(body))] = named(body)
    return made


def load_document(path: Path) -> dict[str, Any]:
    return yaml.load(path.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _parameters(document: Mapping[str, Any], operation: Mapping[str, Any]) -> list[dict]:
    found = []
    for parameter in operation.get("parameters", []):
        if "$ref" in parameter:
            parameter = document["components"]["parameters"][parameter["$ref"].split("/")[-1]]
        if parameter.get("in") == "query":
            found.append(parameter)
    return found


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def filter_values(
    parameter: Mapping[str, Any], bodies: Sequence[Mapping[str, Any]], made: Plan
) -> list[str]:
    """Values to filter by: what the run's objects hold for the field the filter names (through
    `_by_name`/`_by_pk`/`__lookup`), else what the schema admits, and a value nobody holds."""
    name = parameter["name"]
    schema = parameter.get("schema", {})
    items = schema.get("items", {}) if schema.get("type") == "array" else schema
    base = name.split("__")[0]
    values: list[str] = []
    relation, _, by = base.partition("_by_")
    across = (
        name.split("__")[1] if name.count("__") and name.split("__")[1] not in LOOKUPS else None
    )
    for body in bodies:
        if base in body and not isinstance(body[base], dict):
            held = body[base]
            held = held[0] if isinstance(held, list) and held else held
            if across and isinstance(held, str) and held.startswith("@"):
                held = made.objects.get(held[1:], {}).get(across, [])
            if held != []:
                values.append(_query_value(held))
        elif by and relation in body and body[relation]:
            target = body[relation][0]
            values.append(target if by == "pk" else str(made.name_of(target[1:])))
        elif name == "attributes" and body.get("attributes"):
            values.append(json.dumps(body["attributes"]))
    if not values:
        if "enum" in items:
            values.append(str(items["enum"][0]))
        elif items.get("type") == "boolean":
            values.append("true")
        elif items.get("format") == "uuid" and bodies:
            values.append(f"@{next(iter(made.objects))}")
        elif items.get("type") in ("integer", "number"):
            values.append("1")
        elif items.get("format") == "date-time":
            values.append("2020-01-01T00:00:00Z")
        else:
            values.append(MARK.rstrip("-"))
    nobody = {
        "boolean": "maybe",
        "integer": "zz",
        "number": "zz",
    }.get(items.get("type", ""), "zz")
    if items.get("format") in ("uuid", "date-time"):
        nobody = "zz"
    unique = list(dict.fromkeys(values))
    return [*unique[:2], nobody]


def _scalar_fields(document: Mapping[str, Any], operation: Mapping[str, Any]) -> list[str]:
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    page = document["components"]["schemas"][schema["$ref"].split("/")[-1]]
    item = page["properties"]["results"]["items"]["$ref"].split("/")[-1]
    properties = document["components"]["schemas"][item].get("properties", {})
    return [
        name
        for name, prop in properties.items()
        if prop.get("type") in ("string", "integer", "boolean", "number") or "$ref" in prop
    ]


def cases(document: Mapping[str, Any], seed: int) -> list[Case]:
    """Every case of a run: reads first (each resource's lists, filters, orderings, searches,
    pages, retrieves, permissions), then writes (clashes, invalid bodies, PATCH, PUT, DELETE)."""
    made = plan(seed)
    chosen = random.Random(seed)
    reads: list[Case] = []
    writes: list[Case] = []
    for resource in resources():
        operation = document["paths"][resource.collection]["get"]
        mine = [
            body for symbol, body in made.objects.items() if symbol.startswith(resource.kind + ":")
        ]
        symbols = [resource.symbol(body) for body in mine]
        collection = resource.collection
        reads.append(Case("GET", collection))
        words = MARK  # the run's own prefix: its objects, whatever else a server holds
        for page in ("1", "2", "99"):
            reads.append(
                Case(
                    "GET",
                    collection,
                    (("search", words), ("page_size", "2"), ("page", page)),
                    paged=True,
                )
            )
        for parameter in _parameters(document, operation):
            name = parameter["name"]
            if name in ("ordering", "page", "page_size", "search"):
                continue
            for value in filter_values(parameter, mine, made):
                reads.append(Case("GET", collection, ((name, value),)))
        fields = _scalar_fields(document, operation)
        for name in [*chosen.sample(fields, min(4, len(fields))), "no_such_field"]:
            direction = chosen.choice(("", "-"))
            reads.append(Case("GET", collection, (("ordering", direction + name),)))
        texts = [
            str(v)
            for body in mine
            for v in body.values()
            if isinstance(v, str) and not v.startswith("@")
        ]
        for text in chosen.sample(texts, min(3, len(texts))):
            word = chosen.choice(text.removeprefix(MARK).split())[:6]
            reads.append(Case("GET", collection, (("search", word),)))
        # A draw of its own, so that the other cases stay those recorded before queries were.
        for query in _queries(mine, random.Random(f"{seed}:{resource.kind}:query")):
            reads.append(Case("GET", collection, (("search", query),)))
        for symbol in symbols:
            reads.append(Case("GET", f"{collection}@{symbol}/"))
        missing = {"pk": "00000000-0000-4000-8000-000000000000"}.get(resource.key, "no-such-object")
        if resource.kind == "users":
            missing = "999999"
        reads.append(Case("GET", f"{collection}{missing}/"))
        reads.append(Case("GET", collection, credentials=NOBODY))
        reads.append(Case("GET", f"{collection}@{symbols[0]}/", credentials=NOBODY))
        # Writes.
        create = resource.create or collection
        writes.append(Case("POST", create, body=mine[0]))
        writes.append(Case("POST", create, body={}))
        writes.append(
            Case(
                "POST",
                create,
                body={key: [] if not isinstance(v, list) else "x" for key, v in mine[-1].items()},
            )
        )
        if resource.create is None:
            last = symbols[-1]
            writes.append(Case("PATCH", f"{collection}@{symbols[0]}/", body={}))
            renamed = _renamed(resource, mine[-1])
            writes.append(Case("PATCH", f"{collection}@{last}/", body=renamed))
            writes.append(Case("GET", f"{collection}@{last}/"))
            writes.append(Case("PUT", f"{collection}@{last}/", body=mine[-1]))
            writes.append(Case("GET", collection, (("search", words),)))
        if resource.kind not in ("users", "tokens", "flows", "groups"):
            writes.append(Case("DELETE", f"{collection}@{symbols[-1]}/"))
            writes.append(Case("GET", f"{collection}@{symbols[-1]}/"))
            writes.append(Case("DELETE", f"{collection}@{symbols[-1]}/"))
    return reads + writes


def _renamed(resource: Resource, body: Mapping[str, Any]) -> dict[str, Any]:
    """A PATCH that changes what is not the object's key."""
    for name in ("title", "name", "branding_title", "meta_publisher", "description", "expression"):
        if name in body and name != resource.key and name != resource.name:
            return {name: f"{body[name]} (edited)" if name != "expression" else "return 1 == 1"}
    return {"order": 30} if resource.kind == "bindings" else {"attributes": {"edited": True}}


# Talking to a server.


MAX_PAGES = 50
"""How many pages a list is read to (a server's other data can put the run's objects late)."""


class Server:
    """One server as a run sees it: its keys for the run's symbols, and the tokens to use."""

    def __init__(self, base: str, token: str, prefix: str) -> None:
        self.base = base.rstrip("/")
        self.prefix = prefix
        self.tokens = {"admin": token}
        self.keys: dict[str, Any] = {}  # symbol -> pk, in references
        self.paths: dict[str, Any] = {}  # symbol -> the key a detail path names it by
        self.symbols: dict[Any, str] = {}  # a string key -> symbol
        self.integers: dict[str, dict[int, str]] = {}  # space -> integer pk -> symbol
        self.http = httpx.Client(timeout=60)

    def resolve(self, value: Any, keys: Mapping[str, Any] | None = None) -> Any:
        """`@kind:name` symbols replaced by this server's pks (alone: the pk itself)."""
        keys = self.keys if keys is None else keys
        if isinstance(value, str):
            whole = REFERENCE.fullmatch(value)
            if whole:
                return keys.get(whole.group(1), value)
            value = REFERENCE.sub(lambda m: str(keys.get(m.group(1), m.group(0))), value)
            return value.replace(MARK, self.prefix)
        if isinstance(value, list):
            return [self.resolve(item, keys) for item in value]
        if isinstance(value, dict):
            return {k: self.resolve(v, keys) for k, v in value.items()}
        return value

    def request(self, case: Case) -> httpx.Response:
        token = self.tokens.get(case.credentials)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        url = self.base + self.resolve(case.path, self.paths)
        params = [(k, str(self.resolve(v))) for k, v in case.query]
        response = self.send(
            case.method,
            url,
            params=params,
            headers=headers,
            json=self.resolve(case.body) if case.body is not None else None,
        )
        if case.method != "GET" or case.paged or response.status_code != 200:
            return response
        return self._every_page(response, url, params, headers)

    def _every_page(
        self, first: httpx.Response, url: str, params: list[tuple[str, str]], headers: Any
    ) -> httpx.Response:
        """A list's answer with the results of all its pages: the run's objects are compared
        wherever the server's other objects put them (a server holding more data pages them
        later), in the order the whole list has."""
        body = first.json()
        if not isinstance(body, dict) or "pagination" not in body:
            return first
        results = list(body.get("results") or [])
        page = body["pagination"].get("next")
        for _ in range(MAX_PAGES):
            if not page:
                break
            more = self.send("GET", url, params=[*params, ("page", str(page))], headers=headers)
            if more.status_code != 200:
                break
            results += more.json().get("results") or []
            page = more.json()["pagination"].get("next")
        return httpx.Response(200, json={**body, "results": results})

    def send(self, method: str, url: str, **options: Any) -> httpx.Response:
        """One request, sent again once where the connection broke before an answer (a real
        server's worker restarting between requests)."""
        try:
            return self.http.request(method, url, **options)
        except (httpx.ReadError, httpx.RemoteProtocolError, httpx.ConnectError):
            time.sleep(3)
            return self.http.request(method, url, **options)

    def learn(self, symbol: str, body: Mapping[str, Any], resource: Resource) -> None:
        if resource.key not in body or ("pk" not in body and resource.key != "brand_uuid"):
            raise ValueError(f"{symbol}: no key in {str(body)[:300]}")
        self.keys[symbol] = body["pk"] if "pk" in body else body[resource.key]
        self.paths[symbol] = body[resource.key] if resource.key in body else body["pk"]
        for name in body:
            if name in ("pk", resource.key) or name.endswith(("uuid", "_ptr_id")):
                if isinstance(body[name], int):
                    space = INTEGER_SPACES[resource.kind]
                    self.integers.setdefault(space, {})[body[name]] = symbol
                else:
                    self.symbols[str(body[name])] = symbol


def seed(server: Server, made: Plan) -> list[str]:
    """The run's objects made on one server; what could not be made, said."""
    problems = []
    for resource in resources():
        for body in resource.seeds:
            sent = named(body)
            symbol = resource.symbol(sent)
            response = server.send(
                "POST",
                server.base + (resource.create or resource.collection),
                json=server.resolve(sent),
                headers={"Authorization": f"Bearer {server.tokens['admin']}"},
            )
            if response.status_code not in (200, 201):
                problems.append(f"{symbol}: {response.status_code} {response.text[:300]}")
                continue
            server.learn(symbol, response.json(), resource)
    key = server.http.get(
        f"{server.base}/core/tokens/{server.prefix}nobody-api/view_key/",
        headers={"Authorization": f"Bearer {server.tokens['admin']}"},
    )
    if key.status_code == 200:
        server.tokens[NOBODY] = key.json()["key"]
    else:
        problems.append(f"the key of {NOBODY}'s token: {key.status_code} {key.text[:200]}")
    return problems


def normalise(server: Server, made: Plan, case: Case, response: httpx.Response) -> dict[str, Any]:
    """An answer read back into symbols: keys of the run's objects, times and secrets set
    aside; a list holds the run's own objects only."""
    media = response.headers.get("content-type", "").split(";")[0].strip()
    answer: dict[str, Any] = {"status": response.status_code, "media_type": media}
    if media != "application/json" or not response.content:
        return answer
    body = response.json()
    _learn_new(server, made, body)
    kind = next(
        r.kind for r in resources() if case.path.startswith(r.collection) or r.create == case.path
    )
    body = _symbolic(server, body, "", INTEGER_SPACES.get(kind, ""))
    if isinstance(body, dict) and isinstance(body.get("results"), list) and "pagination" in body:
        own = [item for item in body["results"] if _is_own(item)]
        if case.paged:
            body = {"pagination": body["pagination"], "results": own}
        else:
            body = {"results": own}
    answer["body"] = body
    return answer


def _queries(mine: list[dict[str, Any]], chosen: random.Random) -> list[str]:
    """DjangoQL searches over the run's objects' text fields (a list that takes queries
    answers them; any other searches the words): one exact, one by prefix and inequality, one
    by containing or a JSON field's key, and one a query of no field's type (a number for
    text), which falls back to words."""
    fields = sorted(
        {
            name
            for body in mine
            for name, value in body.items()
            if isinstance(value, str) and value.startswith(MARK)
        }
    )
    if not fields:
        return []
    name = chosen.choice(fields)
    values = [str(body[name]) for body in mine if isinstance(body.get(name), str)]
    value = chosen.choice(values).replace('"', '\\"')
    word = chosen.choice(value.removeprefix(MARK).split() or [value])[:4]
    queries = [
        f'{name} = "{value}"',
        f'{name} startswith "{MARK}" and {name} != "{value}"',
        f'({name} ~ "{word}" or {name} endswith "zz") and not_a_field = "x"',
        f"{name} = 5",
    ]
    held = [
        (key, inner)
        for body in mine
        for key, inner in (body.get("attributes") or {}).items()
        if isinstance(inner, str)
    ]
    if held:
        key, inner = chosen.choice(held)
        queries[2] = f'attributes.{key} = "{inner}" or {name} ~ "{word}"'
    return queries


def _is_own(item: Any) -> bool:
    return isinstance(item, dict) and any(
        isinstance(value, str) and value.startswith("@")
        for name, value in item.items()
        if name in ("pk", "slug", "identifier") or name.endswith("uuid")
    )


def _learn_new(server: Server, made: Plan, body: Any) -> None:
    """Objects a write made (a clash that was not refused, say) get symbols too."""
    if isinstance(body, list):
        for item in body:
            _learn_new(server, made, item)
    elif isinstance(body, dict):
        key = body.get("pk")
        if isinstance(key, str) and key not in server.symbols:
            for name in ("username", "slug", "identifier", "name", "domain"):
                value = body.get(name)
                if isinstance(value, str) and value.startswith(server.prefix):
                    server.symbols[str(key)] = f"new:{value.replace(server.prefix, MARK)}"
                    break
        for value in body.values():
            _learn_new(server, made, value)


def _symbol_of(server: Server, key: str) -> str:
    return "@" + server.symbols[key] if key in server.symbols else key


def _symbolic(server: Server, body: Any, parent: str, space: str) -> Any:
    """A body with the run's keys as symbols; `space` says what an integer `pk` here counts."""
    if isinstance(body, list):
        return [_symbolic(server, item, parent, space) for item in body]
    if isinstance(body, dict):
        space = FIELD_SPACES.get(parent, space)
        return {k: _symbolic(server, v, k, space) for k, v in body.items()}
    if parent in VOLATILE and body not in (None, "", []):
        return "<made up>"
    if isinstance(body, str):
        if body in server.symbols:
            return "@" + server.symbols[body]
        if INSTANT.match(body):
            return "<time>"
        body = UUID.sub(lambda m: _symbol_of(server, m.group(0)), body)
        return body.replace(server.prefix, MARK)
    if isinstance(body, int) and not isinstance(body, bool):
        space = FIELD_SPACES.get(parent, space if parent == "pk" else "")
        if body in server.integers.get(space, {}):
            return "@" + server.integers[space][body]
    return body


def run(
    base: str, token: str, document: Mapping[str, Any], seed_: int
) -> tuple[list[dict], list[str]]:
    made = plan(seed_)
    server = Server(base, token, f"w{seed_}{random.SystemRandom().randrange(16**6):06x}-")
    problems = seed(server, made)
    answers = [
        normalise(server, made, case, server.request(case)) for case in cases(document, seed_)
    ]
    return answers, problems


def document_fields(document: Mapping[str, Any]) -> frozenset[str]:
    """Every property name the document's schemas have."""
    return frozenset(
        name
        for schema in document.get("components", {}).get("schemas", {}).values()
        for name in (schema.get("properties") or {})
    )


def comparable(expected: Any, got: Any, known: frozenset[str]) -> tuple[Any, Any]:
    """The two bodies on what the document and the real server share: a field the document
    does not name is the real server's own (a release candidate's newer field), and one the
    document names that the real answer lacks is the published document's (set aside)."""
    if isinstance(expected, dict) and isinstance(got, dict):
        mine = {k: v for k, v in expected.items() if k in known or k in got}
        theirs = {k: v for k, v in got.items() if k in mine or k not in known}
        pairs = {k: comparable(mine[k], theirs[k], known) for k in mine if k in theirs}
        return (
            {k: pairs[k][0] if k in pairs else v for k, v in mine.items()},
            {k: pairs[k][1] if k in pairs else v for k, v in theirs.items()},
        )
    if isinstance(expected, list) and isinstance(got, list) and len(expected) == len(got):
        pairs = [comparable(a, b, known) for a, b in zip(expected, got, strict=True)]
        return [a for a, _ in pairs], [b for _, b in pairs]
    return expected, got


def differences(
    expected: Mapping[str, Any], got: Mapping[str, Any], known: frozenset[str] = frozenset()
) -> list[str]:
    found = []
    if expected["status"] != got["status"]:
        found.append(f"status {expected['status']} != {got['status']}")
    if expected.get("media_type") == "application/json":
        mine, theirs = expected.get("body"), got.get("body")
        if known and 200 <= expected["status"] < 300:
            mine, theirs = comparable(mine, theirs, known)
        if mine != theirs:
            found.append(_body_difference(mine, theirs))
    return found


def _body_difference(expected: Any, got: Any, where: str = "") -> str:
    if isinstance(expected, dict) and isinstance(got, dict):
        for key in sorted(set(expected) | set(got)):
            if expected.get(key, "<absent>") != got.get(key, "<absent>"):
                return _body_difference(
                    expected.get(key, "<absent>"), got.get(key, "<absent>"), f"{where}.{key}"
                )
    if isinstance(expected, list) and isinstance(got, list) and len(expected) == len(got):
        for index, (a, b) in enumerate(zip(expected, got, strict=True)):
            if a != b:
                return _body_difference(a, b, f"{where}[{index}]")
    if isinstance(expected, list) and isinstance(got, list):
        keys = (_item_keys(expected), _item_keys(got))
        if None not in keys and keys[0] != keys[1]:  # other objects, or in another order
            return f"{where or 'body'} (keys): {_short(keys[0])} != {_short(keys[1])}"
    return f"{where or 'body'}: {_short(expected)} != {_short(got)}"


def _item_keys(items: list[Any]) -> list[Any] | None:
    """The keys of a list of objects (None where some item has none)."""
    keys = [item.get("pk") if isinstance(item, dict) else None for item in items]
    return None if None in keys else keys


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 240 else text[:240] + "..."


AGREED = HERE / "whole_api_agreed.txt"
"""The recorded cases the mock agreed with when it was last measured, one a line (its place in
the record and its id; a request may come twice, before and after a write): the suite
holds the mock to them (a change may add agreement, never take it away)."""


def load_recorded(path: Path = RECORDED) -> tuple[int, list[Case], list[dict[str, Any]]]:
    recorded = json.loads(path.read_text())
    planned = [Case.from_json(entry["case"]) for entry in recorded["cases"]]
    return recorded["seed"], planned, [entry["answer"] for entry in recorded["cases"]]


def replay(
    base: str, token: str, document: Mapping[str, Any], path: Path = RECORDED
) -> tuple[list[tuple[Case, list[str]]], list[str]]:
    """A server's answers to the recorded cases, each with how it differs from the record."""
    seed_, planned, expected = load_recorded(path)
    answers, problems = run(base, token, document, seed_)
    known = document_fields(document)
    return [
        (case, differences(want, got, known))
        for case, want, got in zip(planned, expected, answers, strict=True)
    ], problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="whole_api", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--document", type=Path, help="authentik's schema.yml (default: the npm package's)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    compare = commands.add_parser("compare", help="send the cases to two servers, show differences")
    compare.add_argument("--a", required=True, help="base URL of the first server (…/api/v3)")
    compare.add_argument("--a-token", required=True)
    compare.add_argument("--b", required=True, help="base URL of the server to agree with")
    compare.add_argument("--b-token", required=True)
    compare.add_argument("--seed", type=int, default=DEFAULT_SEED)
    record = commands.add_parser("record", help="record a server's answers as test data")
    record.add_argument("--url", required=True)
    record.add_argument("--token", required=True)
    record.add_argument("--seed", type=int, default=DEFAULT_SEED)
    record.add_argument("--server", default="authentik 2026.8.0-rc1", help="what answered")
    record.add_argument("--out", type=Path, default=RECORDED)
    again = commands.add_parser("replay", help="a server's answers against the recorded ones")
    again.add_argument("--url", required=True)
    again.add_argument("--token", required=True)
    again.add_argument(
        "--write-agreed", action="store_true", help=f"write the agreeing cases to {AGREED.name}"
    )
    arguments = parser.parse_args(argv)
    if arguments.document is None:
        from tests import authentik_package

        authentik_package.install()
        arguments.document = authentik_package.SCHEMA
    document = load_document(arguments.document)
    if arguments.command == "replay":
        compared, problems = replay(arguments.url, arguments.token, document)
        for problem in problems:
            print(f"could not make {problem}")
        for case, found in compared:
            if found:
                print(f"{case.id}\n    " + "\n    ".join(found))
        agreed = [f"{n:04d} {case.id}" for n, (case, found) in enumerate(compared) if not found]
        print(f"{len(agreed)} of {len(compared)} agree with the recorded answers")
        if arguments.write_agreed:
            AGREED.write_text("".join(f"{line}\n" for line in agreed))
        return 0 if len(agreed) == len(compared) else 1
    planned = cases(document, arguments.seed)
    if arguments.command == "record":
        answers, problems = run(arguments.url, arguments.token, document, arguments.seed)
        if problems:
            print("could not make:\n  " + "\n  ".join(problems))
            return 1
        lines = ",\n".join(
            json.dumps({"case": case.as_json(), "answer": answer}, ensure_ascii=False)
            for case, answer in zip(planned, answers, strict=True)
        )
        head = json.dumps({"seed": arguments.seed, "server": arguments.server})[:-1]
        arguments.out.write_text(f'{head}, "cases": [\n{lines}\n]}}\n')
        print(f"recorded {len(planned)} answers of {arguments.url} in {arguments.out}")
        return 0
    first, problems_a = run(arguments.a, arguments.a_token, document, arguments.seed)
    second, problems_b = run(arguments.b, arguments.b_token, document, arguments.seed)
    for who, problems in (("a", problems_a), ("b", problems_b)):
        for problem in problems:
            print(f"{who} could not make {problem}")
    differing = 0
    for case, a, b in zip(planned, first, second, strict=True):
        found = differences(b, a, document_fields(document))
        if found:
            differing += 1
            print(f"{case.id}\n    " + "\n    ".join(found))
    print(f"{len(planned) - differing} of {len(planned)} agree; {differing} differ")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
