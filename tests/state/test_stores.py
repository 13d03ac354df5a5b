"""Isolated sessions: each name its own state, made from the dataset; snapshots."""

from __future__ import annotations

import pytest

from specdouble.state.store import Store
from specdouble.state.stores import SessionRefused, Stores

DATA = {"things": [{"pk": "a", "name": "A"}]}


def stores(limit: int = 64) -> Stores:
    return Stores(Store(DATA, seed=1), lambda: Store(DATA, seed=1), limit=limit)


def test_each_session_writes_to_its_own_state() -> None:
    kept = stores()
    with kept.using("one"):
        kept.insert("things", {"pk": "b", "name": "B"})
        assert sorted(r["pk"] for r in kept.all("things")) == ["a", "b"]
    with kept.using("two"):
        assert [r["pk"] for r in kept.all("things")] == ["a"]
        kept.reset()
    assert [r["pk"] for r in kept.all("things")] == ["a"]  # the shared state
    with kept.using("one"):
        assert kept.get("things", "b") is not None  # a reset of "two" left "one" alone
    assert kept.names() == {"one": {"things": 2}, "two": {"things": 1}}


def test_the_same_writes_make_the_same_ids_in_every_session() -> None:
    kept = stores()
    made = []
    for name in ("one", "two"):
        with kept.using(name), kept.writing():
            made.append(kept.new_id("things"))
    assert made[0] == made[1]


def test_generations_differ_between_states_so_caches_do_not_mix() -> None:
    kept = stores()
    shared = kept.generation
    with kept.using("one"):
        assert kept.generation != shared


def test_snapshots_save_and_restore_a_session() -> None:
    kept = stores()
    with kept.using("one"):
        kept.insert("things", {"pk": "b", "name": "B"})
    kept.save("one", "before")
    with kept.using("one"):
        kept.delete("things", "a")
        assert [r["pk"] for r in kept.all("things")] == ["b"]
    assert kept.restore("one", "before") and kept.snapshots("one") == ["before"]
    with kept.using("one"):
        assert sorted(r["pk"] for r in kept.all("things")) == ["a", "b"]
        kept.delete("things", "b")
    assert kept.restore("one", "before")  # a snapshot can be restored again
    with kept.using("one"):
        assert sorted(r["pk"] for r in kept.all("things")) == ["a", "b"]
    assert not kept.restore("one", "missing")


@pytest.mark.parametrize("name", ["", "a b", "x" * 65, "../etc"])
def test_bad_names_are_refused(name: str) -> None:
    with pytest.raises(SessionRefused):
        stores().session(name)


def test_sessions_are_bounded_and_can_be_dropped() -> None:
    kept = stores(limit=2)
    kept.session("one")
    kept.session("two")
    with pytest.raises(SessionRefused, match="At most 2 isolated sessions"):
        kept.session("three")
    assert kept.drop("one") and not kept.drop("one")
    kept.session("three")
