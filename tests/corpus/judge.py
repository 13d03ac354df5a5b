"""The corpus judge: serve each real-world document with `mock-server serve`, fuzz it with
Schemathesis for a few seconds under the four conformance checks, and explain every failure.

A failure is *explained* when a correct server could not have avoided it:
- `no credential`: a 401 or 403 to a request that carried no credential the operation accepts
  (the judge sends one for every scheme Schemathesis can fill; a key in an unnamed place it
  cannot);
- `invalid, no error documented`: a 400 or 422 to data that violates the schema, on an operation
  that documents no answer for an invalid request (no 400, 422, 4XX or default), or a 415 to a
  body in a media type the operation does not take, where it documents no 415;
- `unknown key`: a 404 on an item path (one with a path parameter) whose operation documents no
  404, for a key the generator made up; or a 404 or 405 for an empty path parameter (the URL
  then names another path, or none);
- `key taken`: a create or replace refused because another object has the key it gives, on an
  operation that documents no such refusal (the alternative is to overwrite that object);
- `the document contradicts itself`, where the judge can show it: a write refused because it
  gives a field a value the object it answers with may not hold (the write schema allows it,
  the read schema forbids it), or an answer under a discriminator without a mapping whose
  variants allow none of their own schema names in it (no answer can satisfy both), or a list
  that a query emptied where the document says it holds at least one item, content for a
  204 (HTTP allows none), or an answer whose documented content types are none (`xml`), or
  operations of one method and URL that nothing in a request tells
  apart (Box's `#folders` and `#web_links`, VTEX's `/accounts/{accountId}` beside
  `/accounts/{creditAccountId}`), or a schema no value fits (`type: object` with a string
  `enum`);
- `no success documented`: a 2xx from an operation that documents no success at all (the old
  Petstore's create answers only "405 Invalid input"): a server that does what it is asked
  cannot answer otherwise;
- `a documented server error`: a 5xx an operation documents, and no success (ReadMe's
  `/status/500`);
- `protocol switch`: a 501 from an operation whose only answer is 101 (it upgrades the
  connection to another protocol, which no HTTP mock speaks);
- `target too long`: a 414 to a request whose path and query are longer than the server's
  stated limit (`--limit uri_bytes`, 16 KiB), HTTP's own answer, which no document lists.
Anything else (every other 5xx among them) is unexplained, and the corpus fails.

`python -m tests.corpus.judge [NAME ...]` judges the listed documents (`make corpus-list`);
`--draw N` judges documents nobody here picked (`make corpus`): N drawn anew from APIs.guru's
directory with a seed it prints (`--draw-seed` replays a draw), and every example document of
the other package, the listed ones left out; `--popular` the documents people mock most. Each
run ends with the table, the share served cleanly and every failure by its class.
`tests/test_corpus.py` runs the listed sample.
"""

from __future__ import annotations

import argparse
import base64
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import jsonschema
import schemathesis
import yaml
from openapi_schema_validator import OAS30Validator, OAS31Validator
from schemathesis.config import SchemathesisConfig
from schemathesis.core import NotSet
from schemathesis.core.jsonschema import DRAFT4_SUPPLEMENTAL_FORMATS, STANDARD_FORMATS
from schemathesis.engine import Status, events, from_schema
from schemathesis.generation.modes import GenerationMode

from specdouble.contract.runner import SESSION_HEADER
from specdouble.document import lenient, openapi, registry
from specdouble.rest.validation import schema_validator
from specdouble.server.connexion_hooks import IGNORED_HEADERS
from specdouble.settings import DEFAULT_CACHE, Limits
from specdouble.testing.pytest_plugin import MockServer, end, free_port
from tests import prism

PRISM_START_SECONDS = 60

LIST = Path(__file__).with_name("documents.yaml")
FORMATS = jsonschema.FormatChecker()
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)
MAX_EXAMPLES = 5
MAX_SECONDS = 40
SEED = 7
CREDENTIAL = "corpus-judge-credential"
NO_CREDENTIAL = "no credential"
INVALID = "invalid, no error documented"
UNKNOWN_KEY = "unknown key"
KEY_TAKEN = "key taken"
OTHER_OPERATION = "names another operation"
CONTRADICTION = "the document contradicts itself"
PROTOCOL_SWITCH = "protocol switch"
TOO_LONG = "target too long"
NO_SUCCESS = "no success documented"
DOCUMENTED_FAILURE = "a documented server error"
FUZZER_LIMITS = {
    "Serialization not possible",
    "Invalid OpenAPI Links Definition",
    "Failed Health Check",  # Hypothesis could not generate data: before any request
}
"""What Schemathesis reports where it cannot build a request itself (a media type it has no
serializer for, links the document gets wrong): those go unfuzzed, which says nothing of the
server."""
FUZZER_CANNOT_READ = re.compile(
    r"Malformed media type|Path parameter .* is not defined|unsupported regular expression"
    r"|Invalid `pattern` definition|some header examples are invalid"
    r"|Unsupported type: 'Binary'"
)
"""What Schemathesis says of a document part it cannot read to build a request from (a media
type `codecs=opus`, Medium's `?query={query}` in a path key, which the mock reads as the
query parameter it is, header examples no HTTP header can carry, a query parameter of
`format: binary` whose value it makes as bytes its own validator cannot read): the operation
goes unfuzzed."""


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    spec: str
    sample: bool


@dataclass(slots=True)
class Verdict:
    entry: Entry
    version: str = ""
    operations: int = 0
    cases: int = 0
    seconds: float = 0.0
    explained: Counter[str] = field(default_factory=Counter)
    unexplained: list[str] = field(default_factory=list)
    refused: str = ""
    server_errors: list[str] = field(default_factory=list)
    unfuzzed: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    """Each unexplained failure's request (as curl) and the start of its answer."""

    @property
    def clean(self) -> bool:
        return not self.unexplained and not self.refused


def entries(section: str = "documents") -> list[Entry]:
    """The listed documents (`popular`: those people mock most)."""
    listed = yaml.safe_load(LIST.read_text())
    packages = listed["packages"]
    return [
        Entry(
            name=f"{item['package']}/{item['path']}",
            spec=f"{packages[item['package']]}/{item['path']}",
            sample=bool(item.get("sample")),
        )
        for item in listed[section]
    ]


DOCUMENT_FILE = re.compile(r"\.(json|ya?ml)$")


def draw(count: int, seed: int, cache: Path = DEFAULT_CACHE) -> list[Entry]:
    """`count` documents of the directory, drawn with `seed`, and every example document (one
    of each JSON and YAML twin), none of them listed: documents nobody here tuned to."""
    packages = yaml.safe_load(LIST.read_text())["packages"]
    listed = {entry.spec for entry in entries()} | {entry.spec for entry in entries("popular")}
    directory = packages["directory"]
    pool = [
        f"{directory}/{name}"
        for name in registry.files(directory, cache)
        if name.endswith(".json") and f"{directory}/{name}" not in listed
    ]
    drawn = random.Random(seed).sample(pool, min(count, len(pool)))
    examples = packages["examples"]
    documents = [n for n in registry.files(examples, cache) if re.match(r"\d\.\d/", n)]

    def twin(name: str) -> str:  # `3.0/json/x.json` and `3.0/yaml/x.yaml` are one document
        return re.sub(r"/(json|yaml)/", "/", DOCUMENT_FILE.sub("", name))

    taken = {twin(spec.removeprefix(f"{examples}/")) for spec in listed}
    taken |= {twin(name) for name in documents if "/yaml/" in name} - {
        twin(name) for name in documents if "/json/" in name
    }  # a YAML document with no JSON twin is drawn as YAML
    chosen = [
        name
        for name in documents
        if DOCUMENT_FILE.search(name)
        and twin(name) not in {twin(spec.removeprefix(f"{examples}/")) for spec in listed}
        and ("/json/" in name or twin(name) in taken)
    ]
    directory_entries = [
        Entry(f"directory/{spec.removeprefix(directory + '/')}", spec, sample=False)
        for spec in drawn
    ]
    example_entries = [Entry(f"examples/{name}", f"{examples}/{name}", False) for name in chosen]
    return directory_entries + example_entries


FAILURE_CLASSES = (
    ("refused at start", re.compile(r"^refused: ")),
    ("run stopped", re.compile(r"the run stopped")),
    ("5xx", re.compile(r": not_a_server_error: |: 5\d\d: ")),
    ("undocumented status", re.compile(r": status_code_conformance: ")),
    ("content type", re.compile(r": content_type_conformance: ")),
    ("answer breaks its schema", re.compile(r": response_schema_conformance: ")),
)


def failure_class(line: str) -> str:
    """The class of one unexplained failure line (`refused: ...` for a refused document)."""
    return next((name for name, pattern in FAILURE_CLASSES if pattern.search(line)), "other")


def classes(verdicts: list[Verdict]) -> str:
    """Each class of failure: how many documents it fails, and an example of each."""
    documents: dict[str, set[str]] = {}
    examples: dict[str, str] = {}
    for verdict in verdicts:
        lines = [f"refused: {verdict.refused}"] if verdict.refused else verdict.unexplained
        for line in lines:
            kind = failure_class(line)
            documents.setdefault(kind, set()).add(verdict.entry.name)
            examples.setdefault(kind, f"{verdict.entry.name}: {line}"[:160])
    rows = ["| failure | documents | e.g. |", "| --- | ---: | --- |"]
    for kind, names in sorted(documents.items(), key=lambda item: -len(item[1])):
        rows.append(f"| {kind} | {len(names)} | {examples[kind].replace('|', '/')} |")
    return "\n".join(rows) if documents else "No failures."


def obtain(entry: Entry, cache: Path = DEFAULT_CACHE) -> Path:
    return registry.fetch(entry.spec, cache)


def credentials(document: dict[str, Any]) -> dict[str, dict[str, str]]:
    """A made-up credential for each scheme, as `[auth.openapi]` takes them."""
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    schemes = schemes or document.get("securityDefinitions") or {}
    given: dict[str, dict[str, str]] = {}
    for name, scheme in schemes.items():
        kind = str(scheme.get("type", "")).lower()
        if kind == "apikey":
            given[name] = {"api_key": CREDENTIAL}
        elif kind in {"http", "basic"} and str(scheme.get("scheme", "basic")).lower() == "basic":
            given[name] = {"username": "judge", "password": CREDENTIAL}
        elif kind in {"http", "oauth2", "openidconnect"}:
            given[name] = {"bearer": CREDENTIAL}
    return given


def base_path(document: dict[str, Any]) -> str:
    if "swagger" in document:
        return str(document.get("basePath") or "").rstrip("/")
    return openapi.base_path(document)


def _config(
    url: str, document: dict[str, Any], seconds: int, seed: int = SEED
) -> SchemathesisConfig:
    data: dict[str, Any] = {
        "base-url": url,
        "seed": seed,
        "max-time": seconds,
        "generation": {"max-examples": MAX_EXAMPLES},
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
    }
    given = credentials(document)
    if given:
        data["auth"] = {"openapi": given}
    return SchemathesisConfig.from_dict(data)


def _documented(operation: Any) -> set[str]:
    return {str(status).upper() for status in (operation.definition.raw.get("responses") or {})}


def _carried_credential(case: Any, request: Any, document: dict[str, Any]) -> bool:
    """Whether the request as sent held a well-formed credential in every place that one of
    the operation's security requirements names."""
    raw = case.operation.definition.raw
    requirements = raw.get("security", document.get("security"))
    if not requirements:
        return True
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    schemes = schemes or document.get("securityDefinitions") or {}
    headers = {key.lower(): values[-1] for key, values in request.headers.items() if values}
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(request.uri).query))
    cookies = dict(
        part.strip().split("=", 1) for part in headers.get("cookie", "").split(";") if "=" in part
    )
    for requirement in requirements:
        if all(_holds(schemes.get(name) or {}, headers, query, cookies) for name in requirement):
            return True
    return False


def _holds(
    scheme: dict[str, Any], headers: dict[str, str], query: dict[str, str], cookies: dict[str, str]
) -> bool:
    kind = str(scheme.get("type", "")).lower()
    if kind == "apikey":
        name = str(scheme.get("name", ""))
        where = scheme.get("in")
        value = (
            headers.get(name.lower())
            if where == "header"
            else query.get(name)
            if where == "query"
            else cookies.get(name)
        )
        return bool(value and value.strip())
    word, _, credential = headers.get("authorization", "").strip().partition(" ")
    basic = kind == "basic" or str(scheme.get("scheme", "")).lower() == "basic"
    if basic:
        try:
            decoded = base64.b64decode(credential.strip(), validate=True).decode()
        except ValueError:
            return False
        return word.lower() == "basic" and ":" in decoded
    return word.lower() == "bearer" and bool(credential.strip())


def _violates(case: Any, document: dict[str, Any], request: Any = None) -> bool:
    """Whether a path, query or header value sent breaks its parameter's schema (a stateful
    step can carry a value another operation answered into one whose schema it does not fit),
    or a required one is missing; or a JSON body breaks its schema (Seldon's own examples:
    `binData: ""` where its pattern asks for one character or more)."""
    if _json_body_fits(case, document) is False:
        return True
    headers = {str(k).lower(): v for k, v in (case.headers or {}).items()}
    sent = {"path": case.path_parameters or {}, "query": case.query or {}, "header": headers}
    shared = (document.get("paths", {}).get(case.operation.path) or {}).get("parameters") or []
    for parameter in [*shared, *(case.operation.definition.raw.get("parameters") or [])]:
        parameter = openapi.resolve(document, parameter)
        where, name = parameter.get("in"), parameter.get("name")
        if where == "header":
            name = str(name).lower()
            if name in IGNORED_HEADERS:
                continue  # OpenAPI ignores these as parameters
        value = sent.get(where, {}).get(name)
        if parameter.get("required") and where == "query" and request is not None:
            on_the_wire = urllib.parse.parse_qs(
                urllib.parse.urlsplit(request.uri).query, keep_blank_values=True
            )
            if name not in on_the_wire:
                return True  # a required parameter left out (Schemathesis cannot send all)
        if value in (None, [], {}) and parameter.get("required") and where in sent:
            return True
        if value is None or "schema" not in parameter:
            continue
        checker = schema_validator(document, parameter["schema"])
        if not checker.is_valid(value) and not checker.is_valid(_number(value)):
            return True
    return False


def _number(value: Any) -> Any:
    try:
        return int(value) if str(value).lstrip("-").isdigit() else float(value)
    except (TypeError, ValueError):
        return value


def explain(
    case: Any,
    request: Any,
    response: Any,
    check: str,
    document: dict[str, Any],
    message: str = "",
) -> str | None:
    """The rule that explains a failure, or None."""
    status = response.status_code
    documented = _documented(case.operation)
    if status == 501 and _switches_protocol(case):
        return PROTOCOL_SWITCH  # no final answer the document allows: "not implemented"
    if status == 414 and _target_bytes(request) > Limits().uri_bytes:
        return TOO_LONG  # HTTP's own answer past a server's stated limit (`--limit uri_bytes`)
    if check == "not_a_server_error":
        # An operation that documents this 5xx and no success (ReadMe's `/status/500`) is
        # answered as documented; any other 5xx is the mock's.
        succeeds = any(code[:1] in ("2", "D") for code in documented)
        return DOCUMENTED_FAILURE if str(status) in documented and not succeeds else None
    if status in (401, 403) and not _carried_credential(case, request, document):
        return NO_CREDENTIAL
    invalid_answers = {"400", "422", "4XX", "DEFAULT"}
    negative = case.meta is not None and case.meta.generation.mode == GenerationMode.NEGATIVE
    if (
        status in (400, 422)
        and (negative or _violates(case, document, request))
        and not documented & invalid_answers
    ):
        return INVALID
    if (
        status == 415
        and not documented & {"415", "4XX", "DEFAULT"}
        and _foreign_media(case, request)
    ):
        return INVALID  # a body in a media type the operation does not take
    if status == 404 and "{" in case.operation.path and "404" not in documented:
        return UNKNOWN_KEY
    if 400 <= status < 500 and (_breaks_qualifier(case) or _collapsed(case, request)):
        return OTHER_OPERATION
    if status < 500 and "" in (case.path_parameters or {}).values():
        # An empty path parameter (a link followed to an empty value): the URL then names
        # another path, or none, so no server can route it to this operation.
        if status in (404, 405):
            return UNKNOWN_KEY
        if _another_paths_url(case, request, document):
            return OTHER_OPERATION  # Microcks' `/tests/service//count`, sent merged
    # Any write that gives an object a key another object has (a PATCH renaming it too).
    taking = case.method.upper() in ("POST", "PUT", "PATCH")
    if status in (400, 409, 422) and taking and _taken(response):
        return KEY_TAKEN
    writes = case.method.upper() in ("POST", "PUT", "PATCH")
    if status in (400, 422) and writes and _unshowable(case, document):
        return CONTRADICTION
    if status == 400 and _control_header(case):
        return CONTRADICTION  # Brex: a fuzzed X-Mock-Session names no session the mock can make
    if status == 400 and _unsendable_header(case):
        return CONTRADICTION  # Azure Data Lake's `Transfer-Encoding: chunked`, a name of spaces
    if status in (400, 422) and _form_of_no_object(case, document):
        return CONTRADICTION  # Billbee's urlencoded array: a form is names and values
    if status == 501 and _switches_protocol(case):
        return PROTOCOL_SWITCH
    if 200 <= status < 300 and not any(code[:1] in ("2", "D") for code in documented):
        return NO_SUCCESS
    if status == 204 and check != "status_code_conformance" and _content_for_204(case, document):
        return CONTRADICTION  # HTTP: a 204 has no content; the document gives it some
    if check != "not_a_server_error" and _indistinct(case, document):
        return CONTRADICTION
    if _about_the_media_type(check, message) and _no_media_type(case, document, status):
        return CONTRADICTION  # VTEX's `xml`, `Promotion`; OSF's `data`: no answer's type is one
    if check == "response_schema_conformance" and (
        _contradictory_discriminator(case, document)
        or _twin_branches(case, document, status)
        or _endless(document, _answer_schema(case, document, status))
        or (TOO_FEW.search(message) is not None and _filtered_to_nothing(case, response))
        or _no_value_fits(document, message, _answer_schema(case, document, status))
        or _shows_what_its_parts_describe(
            document, _answer_schema(case, document, status), response
        )
        or _branches_fail_on_unmatchable(document, _answer_schema(case, document, status), response)
    ):
        return CONTRADICTION
    return None


def _branches_fail_on_unmatchable(document: dict[str, Any], schema: Any, response: Any) -> bool:
    """Whether the answer fails a branch of its schema's `oneOf` / `anyOf` only where that
    branch asks a pattern no string matches (PeerTube's `User` holds names of
    `/^[a-z0-9._]+$/`, a JavaScript regex literal pasted whole), and no branch passes: the
    check names the composition, not the pattern, and no answer of that branch could pass."""
    resolved = openapi.resolve(document, schema) if isinstance(schema, dict) else None
    branches = (resolved.get("oneOf") or resolved.get("anyOf")) if resolved else None
    if not isinstance(branches, list) or not branches:
        return False
    try:
        value = response.json()
    except ValueError:
        return False
    components = document.get("components")
    failures = [
        list(jsonschema.Draft4Validator({**branch, "components": components}).iter_errors(value))
        for branch in branches
        if isinstance(branch, dict)
    ]
    return all(failures) and any(
        all(
            error.validator == "pattern"
            and lenient._unslashed(str(error.validator_value)) is not None
            for error in errors
        )
        for errors in failures
    )


WORDS = {"description", "example", "examples", "title", "summary", "xml", "default", "deprecated"}
"""Annotations: they say things of a value and constrain none."""


CHECKED_FORMATS = STANDARD_FORMATS | set(DRAFT4_SUPPLEMENTAL_FORMATS)
"""The formats Schemathesis' answer checks assert; any other (`byte`) constrains nothing there."""


def _plain(document: dict[str, Any], node: Any, depth: int = 0) -> Any:
    """A schema as Schemathesis' checks read it: its references followed, its words
    (descriptions, examples) and the formats they do not assert left out."""
    node = openapi.resolve(document, node)
    if depth > 12:
        return None
    if isinstance(node, dict):
        return {
            k: _plain(document, v, depth + 1)
            for k, v in node.items()
            if k not in WORDS and not (k == "format" and v not in CHECKED_FORMATS)
        }
    if isinstance(node, list):
        return [_plain(document, item, depth + 1) for item in node]
    return node


def _answer_schema(case: Any, document: dict[str, Any], status: int) -> Any:
    responses = case.operation.definition.raw.get("responses") or {}
    answer = openapi.resolve(document, responses.get(str(status)) or responses.get("default") or {})
    media = next(iter((answer.get("content") or {}).values()), {}) or {}
    return media.get("schema") or {}


SCHEMA_AT = re.compile(r"Schema at (/\S+):")
JSON_KINDS = {"object", "array", "string", "number", "integer", "boolean", "null"}


def _no_value_fits(document: dict[str, Any], message: str, answer: Any = None) -> bool:
    """Whether the schema the check names (`Schema at /components/...`) admits no value: its
    types and those of its `allOf` parts have nothing in common (Lyft's `ride_profile`:
    `type: object` with `allOf` a string enum), or it is a `oneOf` of branches that differ
    only in words (ReadMe's `oneOf: [StatusWrapper, StatusWrapper]`), or its pattern has text
    before its start or after its end (PeerTube's `/^[a-z0-9._]+$/`). A pointer into no part
    of the document (`/items/properties/Side`) is read in the `answer` schema it was checked
    against, itself followed where it is a reference."""
    found = SCHEMA_AT.search(message)
    pointer = found[1] if found is not None else ""
    inline = not pointer.startswith(("/components/", "/paths/", "/definitions/"))
    try:
        if not pointer:  # the answer's own schema (`Schema:`)
            node = openapi.resolve(document, answer) if isinstance(answer, dict) else None
        elif inline and isinstance(answer, dict):
            # The answer's schema itself, where the check names a pointer into it (PeerTube's
            # `OAuthClient` by reference: `/properties/client_id`).
            own = openapi.resolve(document, answer)
            node = openapi.resolve({**document, **own}, {"$ref": "#" + pointer})
        else:
            node = openapi.resolve(document, {"$ref": "#" + pointer})
    except openapi.SpecError:
        return False
    if not isinstance(node, dict):
        return False
    if pointer.endswith("/additionalProperties") and _closed_by_a_part(document, pointer):
        return True
    if _requires_what_it_forbids(document, node) or _requires_what_it_forbids(document, answer):
        return True  # the part the check names, or the answer's schema as a whole
    pattern = node.get("pattern") if isinstance(node, dict) else None
    # A JavaScript regex literal pasted whole (`/^[a-z]+$/`): no string matches it.
    unmatchable = isinstance(pattern, str) and lenient._unslashed(pattern) is not None
    only_text = _kinds(document, node) == {"string"}  # null, where it may be, fits
    unmatchable = unmatchable or (only_text and _pattern_outgrows(node))
    return _kinds(document, node) == set() or _twins(document, node) or unmatchable


def _pattern_outgrows(schema: dict[str, Any]) -> bool:
    """Whether the shortest text a string's `pattern` finds is longer than its `maxLength`
    allows (AWS App Runner's `ServiceId`: a UUID's 36 characters in at most 32).

    >>> _pattern_outgrows({"pattern": "[0-9a-f]{8}-[0-9a-f]{4}", "maxLength": 12})
    True
    >>> _pattern_outgrows({"pattern": "^[a-z]+$", "maxLength": 12})
    False
    """
    import re._parser as parser  # the shortest match's length, as `re` reads the pattern

    pattern, longest = schema.get("pattern"), schema.get("maxLength")
    if not isinstance(pattern, str) or not isinstance(longest, int):
        return False
    try:
        least, _most = parser.parse(pattern).getwidth()
    except (re.error, RecursionError, OverflowError):
        return False
    return least > longest


UNFILLABLE = re.compile(r"Cannot generate test data for (\w+) parameter '([^']+)'")
UNFILLABLE_BODY = re.compile(r"Cannot generate test data for request body \(([^)]+)\)")


def _unfillable(document: dict[str, Any], label: str, said: str) -> bool:
    """Whether the parameter Schemathesis could not fill admits no value at all (VisageCloud's
    `purposes`: `type: array` with a string `enum`): no request to its operation is valid,
    so none is fuzzed, which says nothing of the server."""
    found = UNFILLABLE.search(said)
    method, _, path = label.partition(" ")
    item = (document.get("paths") or {}).get(path) or {}
    operation = item.get(method.lower()) if isinstance(item, dict) else None
    body = UNFILLABLE_BODY.search(said)
    if body is not None and isinstance(operation, dict):
        content = openapi.resolve(document, operation.get("requestBody") or {}).get("content")
        media = (content or {}).get(body[1]) or {}
        return "schema" in media and (
            _required_refused_by_a_part(document, media["schema"])
            or _requires_what_nothing_fits(document, media["schema"])
            or _requires_what_it_forbids(document, media["schema"], request=True)
        )
    if found is None or not isinstance(operation, dict):
        return False
    for parameter in [*(item.get("parameters") or []), *(operation.get("parameters") or [])]:
        parameter = openapi.resolve(document, parameter)
        if (parameter.get("in"), parameter.get("name")) == (found[1], found[2]):
            return "schema" in parameter and _kinds(document, parameter["schema"]) == set()
    return False


def _requires_what_it_forbids(
    document: dict[str, Any], schema: Any, *, request: bool = False
) -> bool:
    """Whether an object schema requires a name it does not describe and lets no other name
    through (e-conomic's `Employee` requires `canApprove`, with `additionalProperties:
    false` and no such property), itself or in every branch of its `anyOf` (Jira's
    `JqlQueryClause`); or requires, itself or through an `allOf` part, a name one of its
    `allOf` conjuncts closes itself to (Shipengine's `link` requires `href`, which only
    `optional_link` describes, beside its own `additionalProperties: false`: each conjunct
    is held to its own words, so no object is both); or, in an answer, requires a
    `writeOnly` property, which OpenAPI requires of requests only and a checker reads as
    forbidden (Jira's field configurations, whose list shows `FieldConfigurationDetails` of
    two writeOnly fields)."""
    schema = openapi.resolve(document, schema)
    if isinstance(schema, dict) and schema.get("type") == "array" and "items" in schema:
        return _requires_what_it_forbids(document, schema["items"])  # a list of what exists
    if not isinstance(schema, dict):
        return False
    properties = schema.get("properties") or {}
    required = set(schema.get("required") or ())
    if not request and any(
        openapi.marked(document, properties[name], "writeOnly")
        for name in required & set(properties)
    ):
        return True
    try:
        conjuncts = _conjuncts(document, schema)
    except openapi.SpecError:
        return False
    # `required` and `additionalProperties` hold of objects only: an object, never null.
    objects_only = any(c.get("type") == "object" for c in conjuncts) and not any(
        c.get("nullable") is True or c.get("x-nullable") is True or isinstance(c.get("type"), list)
        for c in conjuncts
    )
    every_required = set().union(*(set(c.get("required") or ()) for c in conjuncts))
    for conjunct in conjuncts:
        closed = conjunct.get("additionalProperties") is False
        open_to = set(conjunct.get("properties") or ())
        unlisted = every_required - open_to
        if objects_only and closed and not conjunct.get("patternProperties") and unlisted:
            return True
    if schema.get("additionalProperties") is not False or schema.get("patternProperties"):
        return False

    def undeclared(part: Any) -> bool:
        part = openapi.resolve(document, part)
        return isinstance(part, dict) and bool(set(part.get("required") or ()) - set(properties))

    branches = schema.get("anyOf") or schema.get("oneOf") or []
    return bool(branches) and all(undeclared(b) for b in branches)


def _conjuncts(document: dict[str, Any], schema: dict[str, Any]) -> list[dict[str, Any]]:
    """A schema and its `allOf` parts, theirs too (followed once each): all of which a
    value must satisfy."""
    found: list[dict[str, Any]] = []
    waiting: list[Any] = [schema]
    while waiting:
        part = openapi.resolve(document, waiting.pop())
        if isinstance(part, dict) and all(part is not seen for seen in found):
            found.append(part)
            waiting.extend(part.get("allOf") or [])
    return found


def _closed_by_a_part(document: dict[str, Any], pointer: str) -> bool:
    """Whether the schema whose `additionalProperties` the pointer names is an `allOf` part of
    a schema whose other parts declare properties it does not (GraphRBAC's `DirectoryObject`
    takes only objects beside its own fields, and `Application` includes it and adds
    booleans): JSON Schema holds each part to its own words, so those values fit no answer."""
    owner = pointer.removesuffix("/additionalProperties")
    try:
        part = openapi.resolve(document, {"$ref": "#" + owner})
    except openapi.SpecError:
        return False
    own = set((part.get("properties") or {}) if isinstance(part, dict) else ())
    for schema in ((document.get("components") or {}).get("schemas") or {}).values():
        parts = schema.get("allOf") if isinstance(schema, dict) else None
        if not isinstance(parts, list) or {"$ref": "#" + owner} not in parts:
            continue
        declared = set(schema.get("properties") or {})
        for other in parts:
            resolved = openapi.resolve(document, other)
            declared |= (
                set(resolved.get("properties") or {}) if isinstance(resolved, dict) else set()
            )
        if declared - own:
            return True
    return False


def _closed_to_its_parts(document: dict[str, Any], schema: Any) -> frozenset[str]:
    """The fields an object schema's `allOf` parts describe, where it describes none of its
    own and lets none through (`additionalProperties: false`; Shipengine's answers:
    `get_account_settings_images_response_body` is only that around
    `account_settings_images`): JSON Schema holds it to its own words, so only `{}` fits,
    and an answer of the object the parts describe cannot. Empty for any other schema."""
    schema = openapi.resolve(document, schema)
    if not isinstance(schema, dict) or schema.get("additionalProperties") is not False:
        return frozenset()
    if schema.get("properties") or schema.get("patternProperties"):
        return frozenset()
    try:
        parts = _conjuncts(document, schema)[1:]
    except openapi.SpecError:
        return frozenset()
    return frozenset().union(*(part.get("properties") or () for part in parts))


def _shows_what_its_parts_describe(document: dict[str, Any], answer: Any, response: Any) -> bool:
    """Whether the answer's schema is closed to its parts (`_closed_to_its_parts`) and the
    answer an object of fields they describe, none other: what the document means, which
    its own words refuse (a field nobody describes stays the server's doing)."""
    described = _closed_to_its_parts(document, answer)
    if not described:
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and bool(body) and set(body) <= described


def _requires_what_nothing_fits(document: dict[str, Any], schema: Any) -> bool:
    """Whether the body requires a field no value fits (dracoon's `grantTypes`: `type: array`
    with an enum of strings; Shipengine's `shipments`: at least one item, each an object
    that requires what it forbids)."""
    properties, required = openapi.object_shape(document, openapi.resolve(document, schema))
    return any(
        name in properties and _admits_nothing(document, properties[name]) for name in required
    )


def _admits_nothing(document: dict[str, Any], schema: Any, depth: int = 0) -> bool:
    """Whether no value fits a request's field: no type is common to its parts, an object
    requires what it forbids, or a list of at least one item admits no item."""
    if depth > 8:
        return False
    if _kinds(document, schema) == set():
        return True
    resolved = openapi.resolve(document, schema)
    if not isinstance(resolved, dict):
        return False
    if resolved.get("type") == "array":
        items, least = resolved.get("items"), resolved.get("minItems") or 0
        return isinstance(least, int) and least >= 1 and _admits_nothing(document, items, depth + 1)
    return _requires_what_it_forbids(document, resolved, request=True)  # objects only


def _required_refused_by_a_part(document: dict[str, Any], schema: Any) -> bool:
    """Whether an `allOf` part's `additionalProperties` refuses the kind of a field the whole
    requires and another part declares (GraphRBAC's `UserCreateParameters`: `UserBase` takes
    only objects beside its own fields, and the create requires `accountEnabled`, a boolean)."""
    schema = openapi.resolve(document, schema)
    parts = [openapi.resolve(document, part) for part in schema.get("allOf") or []]
    _properties, required = openapi.object_shape(document, schema)
    for part in parts:
        extra = part.get("additionalProperties") if isinstance(part, dict) else None
        kind = openapi.resolve(document, extra).get("type") if isinstance(extra, dict) else None
        if not isinstance(kind, str):
            continue
        own = set(part.get("properties") or {})
        # What the whole and the other parts declare, before this part's extra holds of it.
        declaring = [schema, *(other for other in parts if other is not part)]
        for name in required - own:
            for where in declaring:
                written = (where.get("properties") or {}).get(name)
                declared = openapi.resolve(document, written or {}).get("type")
                if isinstance(declared, str) and declared != kind:
                    return True
    return False


def _kinds(document: dict[str, Any], schema: Any, depth: int = 0) -> set[str]:
    """The JSON types a schema admits, its `allOf` parts' included."""
    schema = openapi.resolve(document, schema)
    if not isinstance(schema, dict) or depth > 8:
        return set(JSON_KINDS)
    declared = schema.get("type")
    if isinstance(declared, str):
        kinds = {declared} | ({"integer"} if declared == "number" else set())
    elif isinstance(declared, list):
        kinds = {str(k) for k in declared}
    else:
        kinds = set(JSON_KINDS)
    if schema.get("nullable") is True:
        kinds.add("null")
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        # Only the listed values fit: `type: object` with a string enum admits none.
        listed = {_kind_of(value) for value in schema["enum"]}
        kinds &= listed | ({"number"} if "integer" in listed else set())
    for part in schema.get("allOf") or []:
        kinds &= _kinds(document, part, depth + 1)
    return kinds


def _kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    kinds = {float: "number", str: "string", list: "array", dict: "object"}
    return kinds.get(type(value), "string")


def _endless(document: dict[str, Any], schema: Any, seen: frozenset[str] = frozenset()) -> bool:
    """Whether a schema requires itself (`TreeNode.parent`, required and not nullable): no
    finite value fits it, so no answer can."""
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        if schema["$ref"] in seen:
            return True
        return _endless(document, openapi.resolve(document, schema), seen | {schema["$ref"]})
    if not isinstance(schema, dict) or schema.get("nullable") or schema.get("type") == "null":
        return False
    if any(_endless(document, part, seen) for part in schema.get("allOf") or []):
        return True
    if schema.get("type") == "array" and (schema.get("minItems") or 0) > 0:
        return _endless(document, schema.get("items"), seen)
    properties = schema.get("properties") or {}
    required = [properties[name] for name in schema.get("required") or [] if name in properties]
    return any(_endless(document, child, seen) for child in required)


def _twin_branches(case: Any, document: dict[str, Any], status: int) -> bool:
    """Whether the answer's schema for this status is a `oneOf` of branches that differ only in
    words: every value valid for one is valid for the other, so none is valid for exactly one."""
    return _twins(document, _answer_schema(case, document, status))


def _twins(document: dict[str, Any], schema: Any) -> bool:
    """Whether a schema is a `oneOf` two of whose branches differ only in words, or only in
    optional properties one names and the other lets through (IX-API's allow and deny rules,
    told apart by their discriminator alone): a value without those is valid for both."""
    schema = openapi.resolve(document, schema)
    if not isinstance(schema, dict):
        return False
    raw = schema.get("oneOf") or []
    if len(raw) > 1 and all(_only_empty(document, b) for b in raw):
        return True  # every branch admits `{}` alone: it is valid for all of them
    branches = [_plain(document, b) for b in raw]
    shapes = [_open_shape(document, b) for b in raw]
    return any(
        branches[i] == branches[j] or (shapes[i] is not None and shapes[i] == shapes[j])
        for i in range(len(branches))
        for j in range(i)
    )


def _only_empty(document: dict[str, Any], branch: Any) -> bool:
    """Whether an object schema admits the empty object alone: closed to every name
    (`additionalProperties: false`, no properties of its own, none by pattern) and requiring
    none, its `allOf` parts included (Shipengine's carrier settings: `additionalProperties:
    false` around an `allOf` of the carrier's fields, which JSON Schema holds to the
    wrapper's own words)."""
    try:
        resolved = openapi.resolve(document, branch)
        conjuncts = _conjuncts(document, resolved) if isinstance(resolved, dict) else []
    except openapi.SpecError:
        return False
    if not conjuncts or resolved.get("type") != "object" or resolved.get("nullable") is True:
        return False
    closed = any(
        c.get("additionalProperties") is False
        and not c.get("properties")
        and not c.get("patternProperties")
        for c in conjuncts
    )
    if not closed:
        return False
    components = document.get("components")
    try:  # `{}` itself valid for it (no `minProperties`, no `not: {}`, ...)
        return jsonschema.Draft4Validator({**resolved, "components": components}).is_valid({})
    except Exception:  # a schema the validator cannot read says nothing
        return False


def _open_shape(document: dict[str, Any], branch: Any) -> Any:
    """An object branch as what every value of it must hold: its required names and their
    schemas (words left out), where it lets other properties through; else None."""
    resolved = openapi.resolve(document, branch)
    parts = [openapi.resolve(document, p) for p in resolved.get("allOf") or []] + [resolved]
    if any(p.get("additionalProperties") is False for p in parts if isinstance(p, dict)):
        return None
    properties, required = openapi.object_shape(document, branch)
    if not required:
        return None
    return sorted((name, repr(_plain(document, properties.get(name)))) for name in required)


def _target_bytes(request: Any) -> int:
    """The request target's length in bytes: its path and query, as sent."""
    parts = urllib.parse.urlsplit(str(getattr(request, "uri", "") or ""))
    return len(parts.path.encode()) + (len(parts.query.encode()) + 1 if parts.query else 0)


def _about_the_media_type(check: str, message: str) -> bool:
    """Whether a failure is of the answer's media type: its check, or an answer Schemathesis
    could not read for the type it carries (VTEX's `Promotion`)."""
    return check == "content_type_conformance" or (
        check == "response_schema_conformance" and "Malformed media type" in message
    )


def _no_media_type(case: Any, document: dict[str, Any], status: int) -> bool:
    """Whether every content key the operation documents for this status is no media type
    (`type/subtype`)."""
    responses = case.operation.definition.raw.get("responses") or {}
    answer = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX") or {}
    content = openapi.resolve(document, answer).get("content") or {}
    return bool(content) and all("/" not in str(kind) for kind in content)


def _success_schema(case: Any, document: dict[str, Any]) -> dict[str, Any]:
    responses = case.operation.definition.raw.get("responses") or {}
    codes = sorted(str(code) for code in responses if str(code).startswith("2"))
    answer = openapi.resolve(document, responses[codes[0]]) if codes else {}
    media = next(iter((answer.get("content") or {}).values()), {}) or {}
    return openapi.resolve(document, media.get("schema") or {})


def _fields(document: dict[str, Any], schema: Any) -> dict[str, Any]:
    return openapi.object_shape(document, schema)[0]


def _breaks_qualifier(case: Any) -> bool:
    """Whether the request leaves out or changes a value that qualifies its path
    (`/webhdfs/v1/{path}#op=OPEN` sent with `op=AAA`; a qualifier may name a query parameter
    or a header, AWS's `X-Amz-Target`): it then names another operation of that path, or
    none, so no server can answer it as this one."""
    query = {str(k): str(v) for k, v in (case.query or {}).items()}
    headers = {str(k).lower(): str(v) for k, v in (getattr(case, "headers", None) or {}).items()}
    for name, value in openapi.qualifier_wants(str(case.operation.path)):
        sent = query.get(name, headers.get(name.lower()))
        if value is not None and sent != value:
            return True
    return False


def _another_paths_url(case: Any, request: Any, document: dict[str, Any]) -> bool:
    """Whether the URL sent is another path's of the document with the case's method, and
    not the operation's own (Microcks' `/tests/service/{serviceId}/count` with an empty
    `serviceId`, sent as `/tests/service/count`: `/tests/service/{serviceId}`'s list)."""
    sent = urllib.parse.urlsplit(str(getattr(request, "uri", "") or "")).path
    paths = document.get("paths") or {}
    table = openapi.PathTable(base_path(document), {key: key for key in paths}, str, empty=False)
    method = str(case.method).lower()
    keys = [key for key in table.matching(sent) if method in (paths.get(key) or {})]
    return bool(keys) and case.operation.path not in keys


def _collapsed(case: Any, request: Any) -> bool:
    """Whether the operation's path holds an empty segment (TomTom's `/map/{v}/wms//` beside
    `/map/{v}/wms/`) that the fuzzer's client merged away: the URL sent names the other path."""
    sent = urllib.parse.urlsplit(str(getattr(request, "uri", "") or "")).path
    return "//" in str(case.operation.path) and "//" not in sent


FRAMING = frozenset({"transfer-encoding", "content-length"})
"""Headers that say how the message is framed (RFC 9112): HTTP's, not the application's."""


def _control_header(case: Any) -> bool:
    """Whether the request carries the mock's own session header (`X-Mock-Session`): its
    value is the mock's control input, refused in the mock's words where it names no session,
    and no part of the document's API."""
    return any(str(name).lower() == SESSION_HEADER.lower() for name in (case.headers or {}))


TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
"""An HTTP field name (RFC 9110's `token`)."""


def _unsendable_header(case: Any) -> bool:
    """Whether the document made the fuzzer send a header HTTP cannot carry as a parameter:
    a framing header (a `Transfer-Encoding: chunked` beside a body that is not in chunks), or
    a name that is no field name (dynamicdocs' API key header `ADVICEment API Key`, with
    spaces). Either is no HTTP message, which the server's parser refuses before any
    operation is known."""
    names = [str(name) for name in (case.headers or {})]
    return any(name.lower() in FRAMING or not TOKEN.match(name) for name in names)


def _header_no_message_carries(document: dict[str, Any], label: str) -> bool:
    """Whether the operation declares a header parameter whose name no HTTP field name can
    be (Notion's `name: ""`): Schemathesis refuses to build its requests at all."""
    method, _, path = label.partition(" ")
    item = (document.get("paths") or {}).get(path) or {}
    operation = item.get(method.lower()) if isinstance(item, dict) else None
    if not isinstance(operation, dict):
        return False
    declared = [*(item.get("parameters") or []), *(operation.get("parameters") or [])]
    return any(
        isinstance(p := openapi.resolve(document, each), dict)
        and p.get("in") == "header"
        and not TOKEN.match(str(p.get("name", "")))
        for each in declared
    )


FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _form_of_no_object(case: Any, document: dict[str, Any]) -> bool:
    """Whether the request is a form whose documented schema is no object (Billbee's
    urlencoded `type: array`) or holds a list of objects (envoice's `Items`), or whose case
    holds an object in a field: a form is names and their values, which no list or scalar is,
    so what a form stands for there is the fuzzer's guess and the server's alike."""
    media = str(getattr(case, "media_type", "") or "").split(";")[0].strip().lower()
    if media not in FORMS:
        return False
    # An object the fuzzer put in a field (Twilio's untyped `Data`) goes out as its own names,
    # the field's name lost, and a null or an empty list goes out as nothing: what was sent
    # is not the case it drew.
    sent = case.body if isinstance(case.body, dict) else {}
    if any(_unsendable_in_form(value) for value in sent.values()):
        return True
    body = openapi.resolve(document, case.operation.definition.raw.get("requestBody") or {})
    content = (body.get("content") or {}) if isinstance(body, dict) else {}
    schema = openapi.resolve(document, (content.get(media) or {}).get("schema") or {})
    kind = schema.get("type") if isinstance(schema, dict) else None
    if isinstance(kind, str) and kind != "object":
        return True
    # A list of objects has no form spelling either (envoice's `Items`: the fuzzer sent
    # each object's names as the list's values).
    properties = (schema.get("properties") or {}) if isinstance(schema, dict) else {}
    for each in properties.values():
        field = openapi.resolve(document, each)
        items = openapi.resolve(document, field.get("items") or {}) if field else {}
        if field.get("type") == "array" and openapi.is_object_schema(items):
            return True
    return False


def _unsendable_in_form(value: Any) -> bool:
    return (
        value is None
        or isinstance(value, dict)
        or (isinstance(value, list) and (not value or any(isinstance(i, dict) for i in value)))
    )


def _unshowable(case: Any, document: dict[str, Any]) -> bool:
    """Whether the write gives a field a value the object it answers with may not hold (the
    object in the answer's envelope, ReadMe's `{data: {...}}`): the document takes on write
    what it forbids on read, and the refusal keeps the read promise."""
    body = case.body if isinstance(case.body, dict) else {}
    shown = _fields(document, _success_schema(case, document))
    if body and not set(body) & set(shown):  # an envelope (`{data: {...}}`): the object in it
        inside = [_fields(document, part) for part in shown.values()]
        holding = [fields for fields in inside if set(body) & set(fields)]
        shown = holding[0] if len(holding) == 1 else shown
    for name, value in body.items():
        if name in shown:
            schema = {
                **openapi.resolve(document, shown[name]),
                "components": document.get("components"),
            }
            if not jsonschema.Draft4Validator(schema, format_checker=FORMATS).is_valid(value):
                return True
    return False


TOO_FEW = re.compile(r"\[\] (has less than|is too short|should be non-empty)")
"""How a validator says that an empty list breaks its `minItems`."""


def _filtered_to_nothing(case: Any, response: Any) -> bool:
    """Whether the answer is a list emptied by the query (a filter no object matches, an
    offset past the end) where the document says a list holds at least one item."""
    if not case.query:
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    lists = (
        [body] if isinstance(body, list) else list(body.values()) if isinstance(body, dict) else []
    )
    return any(value == [] for value in lists)


def _indistinct(case: Any, document: dict[str, Any]) -> bool:
    """Whether the document has other operations of this method and URL that nothing in a
    bodiless request tells apart (Box's `GET /shared_items#folders` and `#web_links`: a bare
    word after `#` names no parameter), or on a template that differs only in its
    parameters' names (VTEX's `PUT /accounts/{accountId}` and `/accounts/{creditAccountId}`,
    which OpenAPI says must not exist), so a server answers one of them for all."""
    key = str(case.operation.path)
    method = case.method.lower()
    shape = openapi.path_shape(key)
    if any(  # OpenAPI: templates that differ only in their parameters' names MUST NOT exist
        other != key and openapi.path_shape(other) == shape and method in (item or {})
        for other, item in (document.get("paths") or {}).items()
    ):
        return True
    base, hashed, word = key.partition("#")
    if not hashed or "=" in word or _fits_own_body(case, document):
        return False  # named values, or a body (which tells them apart) to go by
    return any(
        other != key
        and method in (item or {})
        and (other.partition("#")[0] == base or ("#" not in other and _same_place(other, base)))
        for other, item in (document.get("paths") or {}).items()
    )


def _same_place(template: str, path: str) -> bool:
    """Whether a plain path key's template takes a literal key's path (Box's
    `/metadata_templates/{scope}/{template_key}/schema` takes
    `/metadata_templates/enterprise/securityClassification-6VMVochwUWo/schema`)."""
    pattern = "".join(
        "[^/]+" if openapi.TEMPLATE_PARAMETER.fullmatch(part) else re.escape(part)
        for part in re.split(r"(\{[^}]*\})", template)
    )
    return re.fullmatch(pattern, path) is not None


def _fits_own_body(case: Any, document: dict[str, Any]) -> bool:
    """Whether the request sends a body its operation's JSON schema admits: what tells apart
    operations of one method and URL that name no values (Box's `schema#add`, `#update`,
    `#delete`). A body none of them admits (the fuzzer's invalid one) tells nothing apart."""
    return bool(_json_body_fits(case, document))


def _json_body_fits(case: Any, document: dict[str, Any]) -> bool | None:
    """Whether the JSON body sent fits its operation's JSON schema, read by
    openapi-schema-validator in the document's version (`nullable` in 3.0; not the mock's
    reading); None where no JSON body or schema is there."""
    body = openapi.resolve(document, case.operation.definition.raw.get("requestBody") or {})
    content = (body.get("content") or {}) if isinstance(body, dict) else {}
    schema = next((c.get("schema") for kind, c in content.items() if "json" in kind), None)
    if not isinstance(schema, dict) or case.body is None or isinstance(case.body, NotSet):
        return None
    schema = {**openapi.resolve(document, schema), "components": document.get("components")}
    modern = str(document.get("openapi", "")).startswith("3.1")
    validator = OAS31Validator if modern else OAS30Validator
    try:
        return validator(schema, format_checker=FORMATS).is_valid(case.body)
    except Exception:  # a schema it cannot read (a `\p{L}` pattern, a lost reference)
        return None


def _foreign_media(case: Any, request: Any) -> bool:
    """Whether the request's Content-Type is none the operation's body is documented in."""
    body = case.operation.definition.raw.get("requestBody") or {}
    taken = {str(kind).split(";")[0].strip().lower() for kind in (body.get("content") or {})}
    sent = next((v[-1] for k, v in request.headers.items() if k.lower() == "content-type"), "")
    kind = str(sent).split(";")[0].strip().lower()
    return bool(taken) and kind not in taken and "*/*" not in taken


def _content_for_204(case: Any, document: dict[str, Any]) -> bool:
    """Whether the operation documents content for its 204, which HTTP forbids (RFC 9110
    15.3.5): no answer can carry both the status and the documented body."""
    answer = (case.operation.definition.raw.get("responses") or {}).get("204") or {}
    answer = openapi.resolve(document, answer) if isinstance(answer, dict) else {}
    return bool(answer.get("content")) if isinstance(answer, dict) else False


def _switches_protocol(case: Any) -> bool:
    """Whether the operation's only answers besides errors are informational (1xx: 101
    upgrades the connection to another protocol, which no HTTP mock speaks; the others are
    never a final answer)."""
    codes = {str(code) for code in case.operation.definition.raw.get("responses") or {}}
    informational = any(code.startswith("1") for code in codes)
    return informational and not any(code[:1] in ("2", "3") for code in codes)


def _contradictory_discriminator(case: Any, document: dict[str, Any]) -> bool:
    """Whether the answer's schema has a discriminator without a mapping (so its values must
    be the variants' schema names) over variants whose property allows none of those names:
    no answer can satisfy both."""

    def walk(node: Any, depth: int) -> bool:
        node = openapi.resolve(document, node)
        if not isinstance(node, dict) or depth > 12:
            return False
        found = node.get("discriminator")
        if isinstance(found, dict) and not found.get("mapping"):
            prop = found.get("propertyName")
            for variant in [*(node.get("oneOf") or []), *(node.get("anyOf") or [])]:
                name = str(variant.get("$ref", "")).rsplit("/", 1)[-1]
                allowed = _fields(document, variant).get(prop) or {}
                enum = openapi.resolve(document, allowed).get("enum")
                if name and enum and name not in enum:
                    return True
        children = [*node.get("allOf", []), *node.get("oneOf", []), *node.get("anyOf", [])]
        children += list((node.get("properties") or {}).values())
        children += [node["items"]] if isinstance(node.get("items"), dict) else []
        return any(walk(child, depth + 1) for child in children)

    return walk(_success_schema(case, document), 0)


def _taken(response: Any) -> bool:
    """Whether the answer refuses the write because another object has its key."""
    return b"already exists" in (response.content or b"")[:2000]


class PrismServer:
    """Prism (`@stoplight/prism-cli` from npm, pinned) mocking one document, judged the same
    way as ours for the README's side-by-side. Prism serves the document's paths at the root
    of its origin, whatever the document's server URL says."""

    def __init__(self, path: Path, output: IO[bytes]) -> None:
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            prism.command(path, self.port),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + PRISM_START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("Prism exited before it answered")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Prism did not answer within {PRISM_START_SECONDS} s")

    def stop(self) -> None:
        end(self.process)


def judge(
    entry: Entry, seconds: int = MAX_SECONDS, seed: int = SEED, server: str = "mock"
) -> Verdict:
    verdict = Verdict(entry)
    started = time.monotonic()
    try:
        path = obtain(entry)
        document = openapi.load(path)
    except (OSError, openapi.SpecError) as error:
        verdict.refused = f"cannot be had: {error}"
        return verdict
    verdict.version = str(document.get("openapi") or document.get("swagger") or "?")
    with tempfile.TemporaryFile() as log:
        _fuzz(verdict, path, document, seconds, log, seed, server)
        log.seek(0)
        output = log.read().decode(errors="replace")
    if verdict.refused:
        verdict.refused = (output.strip().splitlines() or [verdict.refused])[-1]
    verdict.server_errors = _tracebacks(output)
    verdict.seconds = time.monotonic() - started
    return verdict


def _fuzz(
    verdict: Verdict,
    path: Path,
    document: dict[str, Any],
    seconds: int,
    log: IO[bytes],
    seed: int = SEED,
    which: str = "mock",
) -> None:
    server: MockServer | PrismServer
    try:
        if which == "prism":
            server = PrismServer(path, log)
        else:
            server = MockServer(str(path), None, ["--journal", "0"], output=log)
    except RuntimeError as error:
        verdict.refused = str(error).strip().splitlines()[-1]
        return
    try:
        url = server.origin + (base_path(document) if which == "mock" else "")
        schema = schemathesis.openapi.from_path(path, config=_config(url, document, seconds, seed))
        verdict.operations = sum(1 for _ in schema.get_all_operations())
        for event in from_schema(schema).execute():
            if isinstance(event, events.ScenarioFinished):
                _record(verdict, event.recorder, document)
            elif isinstance(event, events.NonFatalError):
                said = f"{event.info.title} {event.info.message}"
                if (
                    event.info.title in FUZZER_LIMITS
                    or FUZZER_CANNOT_READ.search(said)
                    or _unfillable(document, event.label, said)
                    or _header_no_message_carries(document, event.label)
                ):
                    verdict.unfuzzed.append(f"{event.label}: {event.info.title}")
                else:
                    said = (event.info.message or "").strip().splitlines()[:1]
                    line = f"{event.label}: {event.info.title}"
                    verdict.unexplained.append(f"{line}: {said[0][:200]}" if said else line)
            elif isinstance(event, events.FatalError):
                verdict.unexplained.append(f"the run stopped: {event.exception}")
    finally:
        server.stop()


def _tracebacks(output: str) -> list[str]:
    """The last line of each distinct traceback the server logged (what a 5xx hid)."""
    found: list[str] = []
    lines = output.splitlines()
    for number, line in enumerate(lines):
        if line.startswith("Traceback"):
            end = next(
                (i for i in range(number + 1, len(lines)) if not lines[i].startswith(" ")),
                len(lines) - 1,
            )
            if lines[end] not in found:
                found.append(lines[end])
    return found


def _record(verdict: Verdict, recorder: Any, document: dict[str, Any]) -> None:
    verdict.cases += len(recorder.cases)
    for case_id, nodes in recorder.checks.items():
        node = recorder.cases.get(case_id)
        interaction = recorder.interactions.get(case_id)
        if node is None or interaction is None or interaction.response is None:
            continue
        case, status = node.value, interaction.response.status_code
        for check in nodes:
            if check.status != Status.FAILURE or check.failure_info is None:
                continue
            failure = check.failure_info.failure
            rule = explain(
                case,
                interaction.request,
                interaction.response,
                check.name,
                document,
                failure.message or "",
            )
            if rule:
                verdict.explained[rule] += 1
            else:
                title = check.failure_info.failure.title
                line = f"{case.operation.label}: {check.name}: {status}: {title}"
                if line not in verdict.unexplained:
                    verdict.unexplained.append(line)
                    answer = interaction.response.content[:300].decode(errors="replace")
                    message = check.failure_info.failure.message.strip()[:600]
                    verdict.details.append(
                        f"{line}\n  {message}\n  {check.failure_info.code_sample}\n  -> {answer}"
                    )


def table(verdicts: list[Verdict]) -> str:
    lines = [
        "| document | version | operations | unfuzzed | cases | explained | unexplained | s |",
        "| --- | --- | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    for verdict in verdicts:
        explained = ", ".join(f"{rule}: {n}" for rule, n in sorted(verdict.explained.items()))
        unexplained = verdict.refused or str(len(verdict.unexplained))
        lines.append(
            f"| {verdict.entry.name} | {verdict.version} | {verdict.operations} | "
            f"{len(verdict.unfuzzed)} | {verdict.cases} | {explained or '-'} | {unexplained} | "
            f"{verdict.seconds:.0f} |"
        )
    clean = sum(verdict.clean for verdict in verdicts)
    share = f" ({100 * clean / len(verdicts):.0f}%)" if verdicts else ""
    lines.append(
        f"\n{clean} of {len(verdicts)} documents{share} served with no unexplained failure."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="only documents whose name contains one of these")
    parser.add_argument("--seconds", type=int, default=MAX_SECONDS)
    parser.add_argument(
        "--seed",
        type=int,
        default=SEED,
        help=f"Schemathesis' seed (default {SEED}): a new one"
        " draws other cases, to judge on cases nobody tuned to",
    )
    parser.add_argument("--sample", action="store_true", help="only the sample of `make test`")
    parser.add_argument("--popular", action="store_true", help="the documents people mock most")
    parser.add_argument(
        "--draw", type=int, metavar="N", help="N documents nobody listed, and every example"
    )
    parser.add_argument("--draw-seed", type=int, help="the draw to replay (default: a new one)")
    parser.add_argument("--details", action="store_true", help="each failure's request, answer")
    parser.add_argument(
        "--server",
        choices=("mock", "prism"),
        default="mock",
        help="whom to judge: mock-server (default) or Prism from npm, side by side",
    )
    arguments = parser.parse_args(argv)
    if arguments.draw is not None:
        seed = arguments.draw_seed
        seed = random.SystemRandom().randrange(1, 2**31) if seed is None else seed
        print(f"Drawing with --draw-seed {seed}", file=sys.stderr, flush=True)
        pool = draw(arguments.draw, seed)
    else:
        pool = entries("popular" if arguments.popular else "documents")
    chosen = [
        entry
        for entry in pool
        if (not arguments.names or any(name in entry.name for name in arguments.names))
        and (entry.sample or not arguments.sample)
    ]
    verdicts = []
    for entry in chosen:
        try:
            verdict = judge(entry, arguments.seconds, arguments.seed, arguments.server)
        except Exception as error:  # the judge's own fault: said, and the run goes on
            verdict = Verdict(entry, refused=f"the judge failed: {error!r}"[:300])
        verdicts.append(verdict)
        mark = "ok" if verdict.clean else "FAIL"
        print(f"{mark:4} {entry.name} ({verdict.seconds:.0f} s)", file=sys.stderr, flush=True)
        for line in ([verdict.refused] if verdict.refused else verdict.unexplained)[:8]:
            print(f"     {line}", file=sys.stderr, flush=True)
        for detail in verdict.details if arguments.details else ():
            print(f"     {detail}", file=sys.stderr, flush=True)
        for line in verdict.server_errors[:4]:
            print(f"     server: {line}", file=sys.stderr, flush=True)
    print(table(verdicts))
    print()
    print(classes(verdicts))
    if arguments.draw is not None:
        print(f"\nReplay this draw with --draw {arguments.draw} --draw-seed {seed}.")
    return 0 if all(verdict.clean for verdict in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
