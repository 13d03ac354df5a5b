"""Lists answered from the store's columns give what `query.py`'s functions give: the same
records in the same order, for any filters, search and ordering, after any writes."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from specdouble.rest import indexed, query
from specdouble.state.store import Store

FIELDS = ("name", "action", "size", "flag", "pk")
SEARCHED = ("name", "action")
LETTERS = "abAßİ x"
"""Few letters, so words are found; `ß` and `İ` change length when upper-cased."""

names = st.text(LETTERS, max_size=8)
records = st.fixed_dictionaries(
    {
        "name": st.one_of(st.none(), names),
        "action": st.one_of(st.none(), st.sampled_from(["login", "logout", "model_created"])),
        "size": st.one_of(st.none(), st.integers(-3, 3)),
        "flag": st.booleans(),
    }
)
writes = st.lists(
    st.tuples(st.sampled_from(["insert", "update", "delete"]), st.integers(0, 40), records),
    max_size=25,
)
filters = st.dictionaries(
    st.sampled_from(
        ["action", "flag", "size", "name", "size__gt", "name__icontains", "action__isnull"]
    ),
    st.one_of(st.sampled_from(["login", "logout", "a", "A"]), st.integers(-2, 2), st.booleans()),
    max_size=2,
)
searches = st.lists(st.text(LETTERS, min_size=1, max_size=5).filter(str.strip), max_size=2)
terms = st.lists(st.sampled_from([*FIELDS, *(f"-{f}" for f in FIELDS)]), max_size=3)


def store_of(rows: list[dict[str, Any]]) -> Store:
    return Store({"things": [{**row, "pk": f"k{i:02}"} for i, row in enumerate(rows)]})


def expected(store: Store, where: dict[str, Any], words: list[str], by: list[str]) -> list[str]:
    found = query.search(query.filter_by(store.all("things"), where), words, SEARCHED)
    return [r["pk"] for r in query.order(found, by, default=by, tiebreaker="pk")]


def write(store: Store, operations: list[tuple[str, int, dict[str, Any]]]) -> None:
    for operation, number, row in operations:
        key = f"k{number:02}"
        if operation == "delete":
            store.delete("things", key)
        elif operation == "insert" and store.get("things", key) is None:
            store.insert("things", {**row, "pk": key})
        elif operation == "update" and store.get("things", key) is not None:
            store.put("things", {**store.get("things", key), **row, "pk": key})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(records, max_size=30), writes, filters, searches, terms, st.data())
def test_columns_answer_as_the_functions_do(
    rows: list[dict[str, Any]],
    operations: list[tuple[str, int, dict[str, Any]]],
    where: dict[str, Any],
    words: list[str],
    by: list[str],
    data: st.DataObject,
) -> None:
    store = store_of(rows)
    columns = store.columns("things")  # built before the writes, so it follows them
    indexed.warm(columns, FIELDS, SEARCHED)
    write(store, operations)
    found = indexed.matching(store.columns("things"), where, words, SEARCHED, by, "pk")
    assert found is not None
    want = expected(store, where, words, by)
    assert len(found) == len(want)
    start = data.draw(st.integers(0, len(want) + 1))
    stop = data.draw(st.integers(start, len(want) + 2))
    assert [r["pk"] for r in found[start:stop]] == want[start:stop]  # a page first
    assert [r["pk"] for r in found] == want


def test_a_deep_ordering_that_does_not_pack_into_one_integer_still_sorts_right() -> None:
    # Four fields of some 30,000 values, none of them all distinct, then the pk: 78 bits.
    moduli = {"a": 30_011, "b": 30_013, "c": 30_029, "d": 30_047}
    rows = [
        {"name": f"n{i % 3}", **{field: (i * 7) % m for field, m in moduli.items()}}
        for i in range(40_000)
    ]
    store = Store({"things": [{**row, "pk": f"{i:05}"} for i, row in enumerate(rows)]})
    by = ["name", "-a", "b", "-c", "d"]
    columns = store.columns("things")
    widths = [columns.column(f, query.sort_key).width for f in ["name", *moduli, "pk"]]
    assert sum(widths) > 63
    found = indexed.matching(columns, {}, [], ("name",), by, "pk")
    assert found is not None
    want = query.order(store.all("things"), by, default=by, tiebreaker="pk")
    assert found[:50] == want[:50]
    assert found[39_990:] == want[39_990:]


def test_values_that_do_not_compare_leave_the_answer_to_the_functions() -> None:
    store = Store({"things": [{"pk": "1", "size": 1}, {"pk": "2", "size": "big"}]})
    assert indexed.matching(store.columns("things"), {}, [], (), ["size"], "pk") is None
    store.put("things", {"pk": "2", "size": 2})  # comparable again: the columns answer
    found = indexed.matching(store.columns("things"), {}, [], (), ["-size"], "pk")
    assert found is not None
    assert [r["pk"] for r in found] == ["2", "1"]


def test_a_reset_builds_the_columns_anew_and_keeps_them_in_use() -> None:
    store = store_of([{"name": "alpha", "action": "login"}, {"name": "beta", "action": None}])
    indexed.warm(store.columns("things"), FIELDS, SEARCHED)
    store.insert("things", {"pk": "new", "name": "alphabet", "action": "login"})
    store.reset()
    # Kept, not asked again: a text asked for now with another function is the one built.
    store.columns("things").text(("search", SEARCHED), lambda record: "")
    found = indexed.matching(store.columns("things"), {}, ["alph"], SEARCHED, ["name"], "pk")
    assert found is not None
    assert [r["pk"] for r in found] == ["k00"]


def test_a_write_is_followed_not_rebuilt_and_the_next_search_finds_it() -> None:
    store = store_of([{"name": f"policy {i}", "action": None} for i in range(3000)])
    columns = store.columns("things")
    indexed.warm(columns, FIELDS, SEARCHED)
    text = columns.text(("search", SEARCHED), lambda record: "")
    store.insert("things", {"pk": "new", "name": "Quokka alert", "action": "login"})
    store.put("things", {**store.get("things", "k00"), "name": "quokkas"})
    assert store.columns("things") is columns
    assert columns.text(("search", SEARCHED), lambda record: "") is text
    found = indexed.matching(columns, {}, ["quokk"], SEARCHED, ["-name"], "pk")
    assert found is not None
    assert [r["pk"] for r in found] == ["k00", "new"]


def test_columns_worn_by_deletes_are_built_anew_with_the_same_fields() -> None:
    store = store_of([{"name": f"policy {i}", "action": "login"} for i in range(3000)])
    columns = store.columns("things")
    indexed.warm(columns, FIELDS, SEARCHED)
    for i in range(2000):
        store.delete("things", f"k{i:02}")
    fresh = store.columns("things")
    assert fresh is not columns  # 2,000 deleted slots outnumber the 1,000 live ones
    assert fresh.used == 1000
    # Kept, not asked again: a text asked for now with another function is the one built.
    fresh.text(("search", SEARCHED), lambda record: "")
    found = indexed.matching(fresh, {"action": "login"}, ["icy 29"], SEARCHED, ["-name"], "pk")
    assert found is not None
    assert [r["name"] for r in found] == [f"policy 2{n}" for n in range(999, 899, -1)]
