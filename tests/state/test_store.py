"""The store: reset, reproducible ids, and the reference index."""

from __future__ import annotations

from pathlib import Path

from mock_server.state.store import Store
from mock_server.state.write_log import WriteLog

DATASET = {
    "things": [{"pk": "a", "name": "A"}, {"pk": "b", "name": "B"}],
    "links": [{"pk": "l1", "thing": "a"}, {"pk": "l2", "thing": "a"}],
}


def test_writes_are_forgotten_on_reset() -> None:
    store = Store(DATASET)
    store.put("things", {"pk": "c", "name": "C"})
    store.get("things", "a")["name"] = "changed"
    store.delete("things", "b")
    store.reset()
    assert store.all("things") == [{"pk": "a", "name": "A"}, {"pk": "b", "name": "B"}]
    assert DATASET["things"][0]["name"] == "A"


def test_ids_are_reproducible_from_the_seed_and_restart_on_reset() -> None:
    first, second = Store(DATASET, seed=7), Store(DATASET, seed=7)
    ids = [first.new_id() for _ in range(3)]
    assert ids == [second.new_id() for _ in range(3)]
    assert len(set(ids)) == 3
    assert Store(DATASET, seed=8).new_id() != ids[0]
    first.reset()
    assert first.new_id() == ids[0]


def test_references_follow_writes() -> None:
    store = Store(DATASET)
    assert [link["pk"] for link in store.referencing("links", "thing", "a")] == ["l1", "l2"]
    assert store.delete_where("links", "thing", "a") == 2
    assert store.referencing("links", "thing", "a") == []
    store.put("links", {"pk": "l3", "thing": "b"})
    assert [link["pk"] for link in store.referencing("links", "thing", "b")] == ["l3"]


def test_views_are_rebuilt_after_a_write_and_only_then() -> None:
    store = Store(DATASET)
    builds: list[int] = []

    def build() -> int:
        builds.append(1)
        return len(store.all("things"))

    assert store.view("things", "count", build) == 2
    assert store.view("things", "count", build) == 2
    assert len(builds) == 1
    store.put("links", {"pk": "l9", "thing": "b"})  # another collection: still valid
    assert store.view("things", "count", build) == 2 and len(builds) == 1
    store.put("things", {"pk": "c", "name": "C"})
    assert store.view("things", "count", build) == 3 and len(builds) == 2


def test_stores_sharing_a_write_log_see_each_others_writes(tmp_path: Path) -> None:
    log_file = tmp_path / "writes.sqlite3"
    WriteLog.create(log_file)
    first = Store(DATASET, seed=3, log=WriteLog(log_file))
    second = Store(DATASET, seed=3, log=WriteLog(log_file))
    with first.writing():
        made = {"pk": first.new_id(), "name": "New"}
        first.put("things", made)
    second.sync()
    assert second.get("things", made["pk"]) == made
    with second.writing():
        second.delete("things", "a")
        made_there = second.new_id()
    first.sync()
    assert first.get("things", "a") is None
    first.reset()
    second.sync()
    assert second.get("things", "a") == {"pk": "a", "name": "A"}
    assert second.get("things", made["pk"]) is None
    with second.writing():
        assert second.new_id() == made["pk"]  # the same position after a reset: the same id
    assert made_there != made["pk"]
