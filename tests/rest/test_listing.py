"""Lists beyond DRF's: which parameters page, search and sort them, and what a wrapper says."""

from __future__ import annotations

from dataclasses import replace

import pytest

from specdouble import errors
from specdouble.rest import listing
from specdouble.rest.listing import Listing, Window, window


def query(*names: str) -> list[dict[str, str]]:
    return [{"name": name, "in": "query"} for name in names]


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (("limit", "offset"), {"limit": "limit", "offset": "offset"}),
        (("page", "per_page"), {"page": "page", "limit": "per_page"}),
        (("page[number]", "page[size]"), {"page": "page[number]", "limit": "page[size]"}),
        (("pageSize", "pageToken"), {"limit": "pageSize", "cursor": "pageToken"}),
        (("$top", "$skip"), {"limit": "$top", "offset": "$skip"}),
        (("q", "sort", "order"), {"search": "q", "sort": "sort", "direction": "order"}),
    ],
)
def test_the_parameters_are_found_by_their_common_names(
    names: tuple[str, ...], expected: dict[str, str]
) -> None:
    found = listing.listing_for(query(*names), {})
    for role in ("limit", "offset", "page", "cursor", "search", "sort", "direction"):
        assert getattr(found, role) == expected.get(role)


def test_the_default_and_largest_size_come_from_the_schema() -> None:
    found = listing.listing_for(query("limit"), {"limit": {"default": 7, "maximum": 9}})
    assert (found.default_size, found.max_size) == (7, 9)
    assert listing.window(found, {}, 100).size == 7
    assert listing.window(found, {"limit": 50}, 100).size == 9
    assert listing.listing_for([], {}).default_size is None  # no size parameter: every item


def test_a_cursor_is_opaque_and_only_ours_is_read() -> None:
    plan = Listing(limit="limit", cursor="cursor", default_size=2)
    first = listing.window(plan, {}, 5)
    second = listing.window(plan, {"cursor": first.next_cursor}, 5)
    assert (second.start, second.stop) == (2, 4)
    assert listing.window(plan, {"cursor": second.next_cursor}, 5).next_cursor is None
    with pytest.raises(errors.ValidationFailed):
        listing.window(plan, {"cursor": "made-up"}, 5)


def test_sort_terms_read_the_spellings_apis_use() -> None:
    plan = Listing(sort="sort", direction="order")
    fields = ["id", "name", "age"]
    assert listing.sort_terms(plan, {"sort": "-age,name"}, fields) == ["-age", "name"]
    assert listing.sort_terms(plan, {"sort": "age desc"}, fields) == ["-age"]
    assert listing.sort_terms(plan, {"sort": "name", "order": "desc"}, fields) == ["-name"]
    assert listing.sort_terms(plan, {"sort": "secret"}, fields) == []


def test_a_wrapper_says_what_its_field_names_mean() -> None:
    plan = Listing(
        wrapper="results",
        wrapper_properties={
            "results": {"type": "array"},
            "totalCount": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "string"},
            "has_more": {"type": "boolean"},
            "next": {"type": ["string", "null"]},
            "kind": {"type": "string"},
        },
        wrapper_required=frozenset({"kind"}),
        wrapper_constants={"kind": "list"},
    )
    shown = Window(start=4, size=2, count=7)
    assert listing.wrapper_fields(plan, shown) == {
        "totalCount": 7,
        "page": 3,
        "per_page": "2",
        "has_more": True,
        "next": shown.next_cursor,
        "kind": "list",
    }
    last = listing.wrapper_fields(plan, Window(start=6, size=2, count=7))
    assert (last["has_more"], last["next"]) == (False, None)


def test_a_cursor_the_server_never_made() -> None:
    """Refused where the list documents a refusal; else it points past the end."""
    refusing = Listing(cursor="cursor", limit="limit")
    with pytest.raises(errors.ValidationFailed) as refused:
        window(refusing, {"cursor": "not-ours"}, 10)
    assert refused.value.errors == {"cursor": ["Invalid cursor"]}
    silent = replace(refusing, refuses_unknown_cursor=False)
    past = window(silent, {"cursor": "not-ours", "limit": 3}, 10)
    assert (past.start, past.stop, past.next_cursor) == (10, 10, None)
    made = window(silent, {"cursor": window(silent, {"limit": 3}, 10).next_cursor}, 10)
    assert made.start == 3
