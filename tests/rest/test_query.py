"""Filtering, search, ordering and pagination as plain functions, case by case."""

from __future__ import annotations

from typing import Any

import pytest

from specdouble import errors
from specdouble.rest import query
from specdouble.rest.query import filter_by, order, ordering_fields, paginate, search

RECORDS: list[dict[str, Any]] = [
    {"pk": "1", "name": "alert on logins", "action": "login", "execution_logging": True},
    {"pk": "2", "name": "Alert on Logouts", "action": "logout", "execution_logging": False},
    {"pk": "3", "name": "audit", "action": None, "execution_logging": True},
    {"pk": "4", "name": "Zeta, failed logins", "action": "login", "execution_logging": False},
]


def pks(records: list[Any]) -> list[str]:
    return [record["pk"] for record in records]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["1", "2", "3", "4"]),
        ({"action": "login"}, ["1", "4"]),
        ({"action": "login", "execution_logging": False}, ["4"]),
        ({"name": "audit"}, ["3"]),
        ({"name": "Audit"}, []),
        ({"action": "login", "name": "audit"}, []),
    ],
)
def test_filters_combine_with_and(filters: dict[str, Any], expected: list[str]) -> None:
    assert pks(filter_by(RECORDS, filters)) == expected


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        (None, ["1", "2", "3", "4"]),
        ("", ["1", "2", "3", "4"]),
        ("ALERT", ["1", "2"]),
        ("alert logins", ["1"]),
        ("alert,logouts", ["2"]),
        ("  ,, ", ["1", "2", "3", "4"]),
        ('"alert on"', ["1", "2"]),  # a quoted phrase is one term
        ('"on logins" alert', ["1"]),
        ("'on Logouts'", ["2"]),
        ("nothing", []),
    ],
)
def test_search_needs_every_word_in_the_name(term: str | None, expected: list[str]) -> None:
    assert pks(search(RECORDS, term, ["name"])) == expected


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("logout", ["2"]),  # in the name of 2, in the action of 2
        ("alert login", ["1"]),  # one word in the name, the other in the action too
        ("zeta login", ["4"]),
        ("ginslog", []),  # "...logins" + "login": never across two fields
        ("ginsl", []),
    ],
)
def test_search_over_several_fields(term: str, expected: list[str]) -> None:
    assert pks(search(RECORDS, term, ["name", "action"])) == expected


ALLOWED = ["pk", "name", "action", "execution_logging"]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        (None, ["2", "4", "1", "3"]),  # default: name, by code point (upper case first)
        ("name", ["2", "4", "1", "3"]),
        ("-name", ["3", "1", "4", "2"]),
        ("nope", ["2", "4", "1", "3"]),  # unknown fields are dropped, the default applies
        ("--name", ["2", "4", "1", "3"]),
        ("action", ["3", "1", "4", "2"]),  # nulls first ascending; ties by pk
        ("-action", ["2", "1", "4", "3"]),  # nulls last descending
        ("-execution_logging,name", ["1", "3", "2", "4"]),
        ("execution_logging, -pk", ["4", "2", "3", "1"]),
        ("nope,-action", ["2", "1", "4", "3"]),
    ],
)
def test_ordering(ordering: str | None, expected: list[str]) -> None:
    terms = ordering_fields(ordering, ALLOWED)
    assert pks(order(RECORDS, terms, default=["name"])) == expected


@pytest.mark.parametrize(
    ("count", "page", "size", "envelope", "shown"),
    [
        (0, None, None, (0, 0, 0, 1, 1, 0, 0), 0),
        (5, None, None, (0, 0, 5, 1, 1, 1, 5), 5),
        (5, 1, 2, (2, 0, 5, 1, 3, 1, 2), 2),
        (5, 2, 2, (3, 1, 5, 2, 3, 3, 4), 2),
        (5, 3, 2, (0, 2, 5, 3, 3, 5, 5), 1),
        (4, 2, 2, (0, 1, 4, 2, 2, 3, 4), 2),
        (5, 1, 0, (0, 0, 5, 1, 1, 1, 5), 5),  # a size below 1 falls back to the default
        (5, 1, -7, (0, 0, 5, 1, 1, 1, 5), 5),
        (250, 3, None, (0, 2, 250, 3, 3, 201, 250), 50),
    ],
)
def test_pagination_arithmetic(
    count: int, page: int | None, size: int | None, envelope: tuple[int, ...], shown: int
) -> None:
    result = paginate(list(range(count)), page, size, default_size=100)
    keys = ("next", "previous", "count", "current", "total_pages", "start_index", "end_index")
    assert result.envelope() == dict(zip(keys, envelope, strict=True))
    assert len(result.results) == shown


@pytest.mark.parametrize(("count", "page"), [(5, 0), (5, -1), (5, 4), (0, 2)])
def test_pages_outside_the_range_are_invalid(count: int, page: int) -> None:
    with pytest.raises(errors.NotFound) as failure:
        paginate(list(range(count)), page, 2, default_size=100)
    assert failure.value.body() == {"detail": "Invalid page."}


def test_repeated_ordering_terms_and_search_words_are_dropped() -> None:
    assert query.ordering_fields(
        ",".join(["-name", "action", "name"] * 5000), ["name", "action"]
    ) == [
        "-name",
        "action",
    ]
    assert query.distinct_search(" ".join(["alert", "LOGIN", "Alert"] * 5000), limit=2) == (
        "alert",
        "LOGIN",
    )


def test_distinct_terms_past_the_limit_are_a_400() -> None:
    with pytest.raises(errors.ValidationFailed) as ordering:
        query.ordering_fields("a,b,c", ["a"], limit=2)
    assert ordering.value.errors == {
        "ordering": ["Ensure there are no more than 2 ordering fields."]
    }
    with pytest.raises(errors.ValidationFailed) as search:
        query.distinct_search("a b c", limit=2)
    assert search.value.errors == {"search": ["Ensure there are no more than 2 search words."]}


def test_case_folds_as_postgresql_does() -> None:
    """PostgreSQL's UPPER maps each character to one: `ß` does not find `ss`."""
    records = [{"pk": "1", "name": "Strasse"}, {"pk": "2", "name": "Straße"}]
    assert pks(search(records, "ß", ["name"])) == ["2"]
    assert pks(search(records, "SS", ["name"])) == ["1"]
    assert pks(search(records, "straße", ["name"])) == ["2"]


def test_search_terms_split_as_drf_does() -> None:
    assert query.search_terms('"Audit smsdevice" log,in ,x,') == [
        "Audit smsdevice",
        "log",
        "in",
        "x",
    ]
    assert query.search_terms(r'"say \"hi\""') == ['say "hi"']


def test_filters_that_each_name_the_objects_they_keep_narrow_each_other() -> None:
    """Two filters that keep objects by key (an either-filter, a related filter, a query)
    keep what both keep, whichever comes first."""
    from specdouble.rest.resource import _only

    filters: dict[str, object] = {}
    _only(filters, "pk__in", ["a", "b", "c"])
    _only(filters, "pk__in", ["c", "b", "z"])
    assert filters == {"pk__in": ["b", "c"]}
    _only(filters, "pk__in", [])
    assert filters == {"pk__in": []}
