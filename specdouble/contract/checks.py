"""Schemathesis checks for what JSON Schema cannot say about authentik's API.

Each check is a plain function `(ctx, response, case)` registered with `@schemathesis.check`;
each raises one `ContractViolation` whose message reads "Received: ... / Expected: ...". They
read what they need from the OpenAPI document (standard `default`s and our `x-` extensions on
the list parameters), so they hold for any server of the document: our mock or a real authentik.

Load them with `hooks = "specdouble.contract.checks"` in `schemathesis.toml` (done at the
repository root), `SCHEMATHESIS_HOOKS=specdouble.contract.checks`, or `mock-server contract`.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any

import schemathesis
from schemathesis.core.failures import Failure
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import positive_data_acceptance

PAGE, PAGE_SIZE, SEARCH, ORDERING = "page", "page_size", "search", "ordering"
LIST_CONTROLS = frozenset({PAGE, PAGE_SIZE, SEARCH, ORDERING})
AUTHENTIK_PAGE_SIZE = 20
"""authentik's page size where the document gives no `default` for `page_size`."""
AUTHENTIK_MAX_PAGE_SIZE = 100
"""authentik's `pagination_max_page_size`: a larger `page_size` gets this many."""
FOLLOW_UP_TIMEOUT = 10.0
RESULTS_CHECKED_FOR_USED_BY = 5

# Rejections that depend on the server's state, not on the request alone, so no schema can
# rule them out: a name another policy already has. authentik answers it with 400 and this
# message.
STATE_DEPENDENT_REJECTIONS: tuple[dict[str, list[str]], ...] = (
    {"name": ["Policy with this name already exists."]},
)


class ContractViolation(Failure):
    """A domain rule of the API that a response breaks."""

    kind_title = "Contract violation"

    def __init__(self, case: Any, title: str, *, received: Any, expected: Any) -> None:
        super().__init__(
            operation=case.operation.label,
            title=title,
            message=f"Received: {_show(received)}\nExpected: {_show(expected)}",
        )

    @property
    def _unique_key(self) -> str:
        return f"{self.operation}|{self.title}"


def _show(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


# Reading the document and the exchange.


def _resolve(document: Mapping[str, Any], node: Any) -> Any:
    while isinstance(node, Mapping) and "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _document(case: Any) -> Mapping[str, Any]:
    return case.operation.schema.raw_schema


def _parameters(case: Any) -> dict[str, Mapping[str, Any]]:
    """The operation's query parameters by name, resolved."""
    document = _document(case)
    path_item = document.get("paths", {}).get(case.operation.path, {})
    raw = [*path_item.get("parameters", []), *case.operation.definition.raw.get("parameters", [])]
    resolved = [_resolve(document, parameter) for parameter in raw]
    return {p["name"]: p for p in resolved if p.get("in") == "query"}


def _json(response: Any) -> Any:
    try:
        return json.loads(response.content or b"null")
    except ValueError:
        return None


def _page_of(response: Any) -> tuple[dict[str, Any], list[Any]] | None:
    """The pagination envelope and results of a 200 list answer, else None."""
    if response.status_code != 200:
        return None
    body = _json(response)
    if not isinstance(body, dict):
        return None
    pagination, results = body.get("pagination"), body.get("results")
    if not isinstance(pagination, dict) or not isinstance(results, list):
        return None
    return pagination, results


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        return int(value)
    return None


BODY_HEADERS = frozenset({"content-type", "content-length", "transfer-encoding", "host"})


def _auth_headers(response: Any) -> dict[str, str]:
    """The original request's headers for a follow-up read: its credentials, the run's
    `X-Mock-Session` and `--header`s, less those that describe its body."""
    return {
        name: value
        for name, value in response.request.headers.items()
        if name.lower() not in BODY_HEADERS
    }


# Checks.


@schemathesis.check
def positive_data_acceptance_stateful(ctx: Any, response: Any, case: Any) -> bool | None:
    """Schemathesis' `positive_data_acceptance`, but a schema-valid request may still meet a
    documented state-dependent rejection (see `STATE_DEPENDENT_REJECTIONS`)."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        if response.status_code == 400 and _json(response) in STATE_DEPENDENT_REJECTIONS:
            return None
        raise


@schemathesis.check
def pagination_arithmetic(ctx: Any, response: Any, case: Any) -> bool | None:
    """The envelope agrees with `count`, the page asked for and the page size (Django's rules)."""
    page = _page_of(response)
    if page is None:
        return None
    pagination, results = page
    query = case.query or {}
    default_size = _parameters(case).get(PAGE_SIZE, {}).get("schema", {}).get("default")
    size = _integer(query.get(PAGE_SIZE))
    if size is None or size < 1:
        size = default_size if isinstance(default_size, int) else AUTHENTIK_PAGE_SIZE
    size = min(size, AUTHENTIK_MAX_PAGE_SIZE)
    current = _integer(query.get(PAGE)) or 1
    count = pagination.get("count")
    if not isinstance(count, int | float) or count < 0:
        raise ContractViolation(
            case,
            "Pagination count is not a count",
            received=count,
            expected="a number of 0 or more",
        )
    count = int(count)
    total_pages = max(1, math.ceil(count / size))
    start = (current - 1) * size + 1 if count else 0
    end = min(current * size, count)
    expected = {
        "next": current + 1 if current < total_pages else 0,
        "previous": current - 1 if current > 1 else 0,
        "count": count,
        "current": current,
        "total_pages": total_pages,
        "start_index": start,
        "end_index": end,
    }
    received = {key: pagination.get(key) for key in expected}
    if received != expected:
        raise ContractViolation(
            case, "Pagination does not add up", received=received, expected=expected
        )
    shown = end - start + 1 if count else 0
    if len(results) != shown:
        raise ContractViolation(
            case,
            "Page holds the wrong number of results",
            received=f"{len(results)} results",
            expected=f"{shown} (items {start} to {end} of {count})",
        )
    return None


def _matches(value: Any, wanted: Any, schema: Mapping[str, Any]) -> bool:
    if schema.get("format") == "uuid":
        try:
            return uuid.UUID(str(value)) == uuid.UUID(str(wanted))
        except ValueError:
            return False
    if schema.get("type") == "boolean":
        wanted = {"true": True, "false": False}.get(str(wanted).lower(), wanted)
    return value == wanted


@schemathesis.check
def results_match_filters(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every result carries the exact value of every filter that was sent (AND)."""
    page = _page_of(response)
    if page is None:
        return None
    _, results = page
    parameters = _parameters(case)
    for name, wanted in (case.query or {}).items():
        if name in LIST_CONTROLS or name not in parameters or wanted in ("", None):
            continue
        definition = parameters[name]
        field = definition.get("x-filter-field", name)
        schema = _resolve(_document(case), definition.get("schema", {}))
        for result in results:
            if not isinstance(result, dict) or field not in result:
                continue
            if not _matches(result[field], wanted, schema):
                raise ContractViolation(
                    case,
                    f"A result does not match the filter `{name}`",
                    received={field: result[field], "pk": result.get("pk")},
                    expected={field: wanted},
                )
    return None


def _ordering_terms(case: Any) -> list[str]:
    parameter = _parameters(case).get(ORDERING, {})
    allowed = parameter.get("x-ordering-fields")
    if not allowed:
        return []
    raw = (case.query or {}).get(ORDERING)
    terms = [t.strip() for t in str(raw).split(",")] if isinstance(raw, str) else []
    terms = [t for t in terms if t and t.removeprefix("-") in allowed]
    return terms or list(parameter.get("x-default-ordering", []))


def _sort_key(value: Any, descending: bool) -> tuple[int, Any]:
    # PostgreSQL: nulls after every value ascending, before every value descending.
    if value is None:
        return (0 if descending else 1, 0)
    return (1 if descending else 0, value)


def _in_order(first: Mapping[str, Any], second: Mapping[str, Any], terms: Sequence[str]) -> bool:
    for term in terms:
        descending = term.startswith("-")
        field = term.removeprefix("-")
        a, b = _sort_key(first.get(field), descending), _sort_key(second.get(field), descending)
        if a == b:
            continue
        try:
            return (a > b) if descending else (a < b)
        except TypeError:
            return True
    return True


@schemathesis.check
def results_follow_ordering(ctx: Any, response: Any, case: Any) -> bool | None:
    """Results come in the requested order (unknown fields dropped), else the default order;
    the fields that may be ordered by are the document's `x-ordering-fields`."""
    page = _page_of(response)
    if page is None:
        return None
    _, results = page
    terms = _ordering_terms(case)
    if not terms:
        return None
    for first, second in pairwise(results):
        if not _in_order(first, second, terms):
            fields = [term.removeprefix("-") for term in terms]
            raise ContractViolation(
                case,
                "Results are out of order",
                received=[{f: item.get(f) for f in fields} for item in (first, second)],
                expected=f"ordered by {','.join(terms)} (nulls last ascending)",
            )
    return None


@schemathesis.check
def results_match_search(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every result contains every word of `search` in one of the document's `x-search-fields`."""
    page = _page_of(response)
    if page is None:
        return None
    _, results = page
    fields = _parameters(case).get(SEARCH, {}).get("x-search-fields")
    term = (case.query or {}).get(SEARCH)
    if not fields or not isinstance(term, str):
        return None
    words = [w.upper() for w in term.replace("\x00", "").replace(",", " ").split()]
    for result in results:
        haystacks = [str(result.get(field) or "").upper() for field in fields]
        missing = [w for w in words if not any(w in haystack for haystack in haystacks)]
        if missing:
            raise ContractViolation(
                case,
                "A result does not match the search",
                received={field: result.get(field) for field in fields},
                expected=f"every word of {term!r} in {', '.join(fields)}",
            )
    return None


def _follow_up(case: Any, response: Any, method: str, path: str, path_parameters: dict) -> Any:
    operation = case.operation.schema.find_operation_by_path(method, path)
    if operation is None:
        return None
    follow = operation.Case(path_parameters=path_parameters)
    return follow.call(headers=_auth_headers(response), timeout=FOLLOW_UP_TIMEOUT)


def _item_path(case: Any) -> tuple[str, str] | None:
    """For a collection operation, the item path below it and its path parameter name."""
    prefix = case.operation.path
    for path in _document(case).get("paths", {}):
        rest = path.removeprefix(prefix)
        below = path != prefix and path.startswith(prefix) and rest.count("/") == 1
        if below and rest.startswith("{") and rest.endswith("}/"):
            return path, rest[1:-2]
    return None


@schemathesis.check
def written_objects_read_back(ctx: Any, response: Any, case: Any) -> bool | None:
    """What a create or an update answers is what a read of the object then shows; a deleted
    object is gone (404) for the next read."""
    method = case.method.upper()
    if (method, response.status_code) == ("POST", 201):
        item = _item_path(case)
        body = _json(response)
        if item is None or not isinstance(body, dict) or "pk" not in body:
            return None
        path, parameter = item
        read = _follow_up(case, response, "GET", path, {parameter: body["pk"]})
        if read is not None and (read.status_code != 200 or read.json() != body):
            raise ContractViolation(
                case,
                "A created object does not read back",
                received=f"GET {path}: {read.status_code} {read.text[:300]}",
                expected=f"200 {_show(body)[:300]}",
            )
    elif method in {"PUT", "PATCH"} and response.status_code == 200:
        body = _json(response)
        read = _follow_up(case, response, "GET", case.operation.path, dict(case.path_parameters))
        if read is not None and read.status_code == 200 and read.json() != body:
            raise ContractViolation(
                case, "An update does not read back", received=read.json(), expected=body
            )
    elif (method, response.status_code) == ("DELETE", 204):
        read = _follow_up(case, response, "GET", case.operation.path, dict(case.path_parameters))
        if read is not None and read.status_code != 404:
            raise ContractViolation(
                case,
                "A deleted object can still be read",
                received=f"GET after DELETE: {read.status_code}",
                expected="404",
            )
    return None


@schemathesis.check
def bound_to_matches_used_by(ctx: Any, response: Any, case: Any) -> bool | None:
    """A policy's `bound_to` is the length of its `used_by` list."""
    if case.method.upper() != "GET" or response.status_code != 200:
        return None
    body = _json(response)
    objects = body.get("results") if isinstance(body, dict) and "results" in body else [body]
    if not isinstance(objects, list):
        return None
    item = _item_path(case) or (case.operation.path, next(iter(case.path_parameters or {}), ""))
    path, parameter = item
    used_by_path = f"{path}used_by/"
    if not parameter or used_by_path not in _document(case).get("paths", {}):
        return None
    checked = [o for o in objects if isinstance(o, dict) and "bound_to" in o and "pk" in o]
    for obj in checked[:RESULTS_CHECKED_FOR_USED_BY]:
        used = _follow_up(case, response, "GET", used_by_path, {parameter: obj["pk"]})
        if used is None or used.status_code != 200:
            continue
        entries = used.json()
        if isinstance(entries, list) and len(entries) != obj["bound_to"]:
            raise ContractViolation(
                case,
                "bound_to disagrees with used_by",
                received=f"bound_to {obj['bound_to']}, used_by {len(entries)}",
                expected="the same number",
            )
    return None
