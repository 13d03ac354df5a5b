"""The store: reset, reproducible ids, and the reference index."""

from __future__ import annotations

from pathlib import Path

import pytest

from specdouble.state import write_log
from specdouble.state.store import MEMBER, KeyInUse, Later, Store
from specdouble.state.write_log import WriteLog

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


def created_ids(store: Store, count: int) -> list[str]:
    """The keys of `count` new things, each created in its own write."""
    made = []
    for _ in range(count):
        with store.writing():
            made.append(store.insert("things", {"pk": store.new_id("things"), "name": "x"})["pk"])
    return made


def test_ids_are_reproducible_from_the_seed_and_restart_on_reset() -> None:
    first, second = Store(DATASET, seed=7), Store(DATASET, seed=7)
    ids = created_ids(first, 3)
    assert ids == created_ids(second, 3)
    assert len(set(ids)) == 3
    assert created_ids(Store(DATASET, seed=8), 1) != ids[:1]
    first.reset()
    assert created_ids(first, 1) == ids[:1]


def test_a_new_id_is_never_a_key_in_use() -> None:
    """Fixture keys that happen to be the very ids the seed would make next are skipped."""
    upcoming = created_ids(Store(DATASET, seed=7), 3)
    taken = {"things": [{"pk": key, "name": "fixture"} for key in upcoming[:2]]}
    store = Store(taken, seed=7)
    made = created_ids(store, 3)
    assert not set(made) & set(upcoming[:2])
    assert len(store.all("things")) == 5
    assert {r["name"] for r in store.all("things") if r["pk"] in upcoming[:2]} == {"fixture"}


def test_an_insert_on_a_key_in_use_is_refused() -> None:
    store = Store(DATASET)
    with pytest.raises(KeyInUse):
        store.insert("things", {"pk": "a", "name": "Intruder"})
    assert store.get("things", "a") == {"pk": "a", "name": "A"}


def test_a_hundred_thousand_creates_keep_every_record() -> None:
    store = Store(DATASET, seed=42)
    made = created_ids(store, 100_000)
    assert len(set(made)) == 100_000
    assert len(store.all("things")) == 100_002
    assert store.get("things", "a") == {"pk": "a", "name": "A"}


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
        made = {"pk": first.new_id("things"), "name": "New"}
        first.put("things", made)
    second.sync()
    assert second.get("things", made["pk"]) == made
    with second.writing():
        second.delete("things", "a")
        made_there = second.new_id("things")
    first.sync()
    assert first.get("things", "a") is None
    first.reset()
    second.sync()
    assert second.get("things", "a") == {"pk": "a", "name": "A"}
    assert second.get("things", made["pk"]) is None
    with second.writing():
        assert second.new_id("things") == made["pk"]  # the same position after a reset: the same id
    assert made_there != made["pk"]


def test_a_reset_empties_the_write_log(tmp_path: Path) -> None:
    log_file = tmp_path / "writes.sqlite3"
    WriteLog.create(log_file)
    store = Store(DATASET, log=WriteLog(log_file))
    created_ids(store, 50)
    assert WriteLog(log_file).size() == 50
    store.reset()
    assert WriteLog(log_file).size() == 1  # the reset itself, for workers that did not see it


def test_a_new_worker_starts_from_the_latest_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past `SNAPSHOT_AFTER` entries the writer folds the log into a snapshot: the log stays
    small, and a store that starts later (a replacement worker) holds the same state."""
    monkeypatch.setattr(write_log, "SNAPSHOT_AFTER", 100)
    log_file = tmp_path / "writes.sqlite3"
    WriteLog.create(log_file)
    writer = Store(DATASET, seed=5, log=WriteLog(log_file))
    made = created_ids(writer, 1000)
    with writer.writing():
        writer.delete("things", "a")  # a fixture
        writer.delete("things", made[0])
        writer.put("things", {"pk": made[1], "name": "renamed"})
    log = WriteLog(log_file)
    # Snapshots at 100, 200, 400 and 800 entries (each waits for as many as it held).
    assert (log.latest_snapshot(), log.size()) == (800, 203)
    late = Store(DATASET, seed=5, log=WriteLog(log_file))
    late.sync()
    assert sorted(map(str, late.all("things")), key=str) == sorted(
        map(str, writer.all("things")), key=str
    )
    assert late.get("things", "a") is None and late.get("things", made[0]) is None
    assert late.get("things", made[1]) == {"pk": made[1], "name": "renamed"}
    assert late.position() == writer.position()  # hence the same next id


def test_a_union_follows_its_members_and_shares_their_integer_keys() -> None:
    store = Store(
        {"oauth": [{"pk": 1, "name": "a"}], "saml": [{"pk": 2, "name": "b"}], "all": []},
        unions={"all": ("oauth", "saml")},
    )
    assert sorted(r["pk"] for r in store.all("all")) == [1, 2]
    assert store.next_integer("oauth") == 3
    store.insert("saml", {"pk": 3, "name": "c"})
    assert store.get("all", "3")["name"] == "c"
    assert [r["name"] for r in store.referencing("all", "name", "c")] == ["c"]
    store.delete("all", "1")
    assert store.get("oauth", "1") is None and store.get("all", "1") is None
    store.reset()
    assert sorted(r["pk"] for r in store.all("all")) == [1, 2]


def test_a_union_that_is_its_own_member_is_a_table_with_subtables() -> None:
    """Django's multi-table inheritance: a proxy provider is an OAuth2 provider too."""
    store = Store(
        {
            "oauth": [{"pk": 1, "name": "a"}],
            "proxy": [{"pk": 2, "name": "b", "host": "h"}],
            "saml": [{"pk": 3, "name": "c"}],
            "all": [],
        },
        unions={"all": ("oauth", "proxy", "saml"), "oauth": ("oauth", "proxy")},
    )
    assert sorted(r["pk"] for r in store.all("oauth")) == [1, 2]
    assert sorted(r["pk"] for r in store.all("all")) == [1, 2, 3]  # each once
    assert store.get("all", "2")[MEMBER] == "proxy"
    assert store.next_integer("oauth") == store.next_integer("proxy") - 1 == 4
    store.insert("oauth", {"pk": 6, "name": "own"})
    assert store.get("all", "6")[MEMBER] == "oauth" and store.get("proxy", "6") is None
    store.put("oauth", {**store.get("oauth", "2"), "name": "renamed"})  # through the parent
    assert store.get("proxy", "2") == {"pk": 2, "name": "renamed", "host": "h"}
    assert store.get("all", "2")["name"] == "renamed"
    store.delete("oauth", "2")
    assert store.get("proxy", "2") is None and store.get("all", "2") is None
    store.delete("oauth", "1")
    assert store.get("oauth", "1") is None and store.get("all", "1") is None
    kept = store.export_state()
    store.reset()
    assert sorted(r["pk"] for r in store.all("oauth")) == [1, 2]
    store.import_state(kept)
    assert sorted(r["pk"] for r in store.all("oauth")) == [6]
    assert sorted(r["pk"] for r in store.all("all")) == [3, 6]


def test_a_store_holds_its_own_copies_of_any_record() -> None:
    """Records of plain data are copied quickly, others (a date) the slow way: either way the
    store's records share nothing with the data it was built from."""
    from datetime import date

    nested = {
        "things": [{"pk": "a", "tags": ["x"], "meta": {"n": 1}}, {"pk": "b", "on": date.today()}]
    }
    store = Store(nested)
    store.get("things", "a")["tags"].append("y")
    store.get("things", "a")["meta"]["n"] = 2
    assert nested["things"][0] == {"pk": "a", "tags": ["x"], "meta": {"n": 1}}
    assert store.get("things", "b")["on"] == nested["things"][1]["on"]
    store.reset()
    assert store.get("things", "a") == {"pk": "a", "tags": ["x"], "meta": {"n": 1}}


class Counted:
    """A collection's records made by a function that counts its calls."""

    def __init__(self, records: list[dict[str, str]]) -> None:
        self.records, self.calls = records, 0

    def __call__(self) -> list[dict[str, str]]:
        self.calls += 1
        return [dict(record) for record in self.records]


def test_a_later_collection_is_made_on_first_use_and_counted_before() -> None:
    """A collection the dataset makes when first read (`Later`): counted without being made,
    made once for every store built from the dataset, and like any other collection after."""
    make = Counted([{"pk": "x", "name": "X"}, {"pk": "y", "name": "Y"}])
    dataset = {**DATASET, "later": Later(2, make)}
    store, other = Store(dataset, seed=1), Store(dataset, seed=1)
    assert store.counts() == {"things": 2, "links": 2, "later": 2}
    assert store.size("later") == 2
    assert make.calls == 0
    assert store.get("later", "x") == {"pk": "x", "name": "X"}
    assert make.calls == 1
    store.get("later", "x")["name"] = "changed in this store"
    assert other.get("later", "x") == {"pk": "x", "name": "X"}  # its own copy
    assert make.calls == 1


@pytest.mark.parametrize("first", ["put", "insert", "delete", "new_id", "columns", "referencing"])
def test_a_write_or_read_of_a_later_collection_keeps_its_records(first: str) -> None:
    """Whatever touches a `Later` collection first, it holds its records and the change."""
    dataset = {"later": Later(2, Counted([{"pk": "x", "n": "1"}, {"pk": "y", "n": "2"}]))}
    store = Store(dataset, seed=1)
    if first == "put":
        store.put("later", {"pk": "z", "n": "3"})
        assert sorted(r["pk"] for r in store.all("later")) == ["x", "y", "z"]
    elif first == "insert":
        with pytest.raises(KeyInUse):
            store.insert("later", {"pk": "x", "n": "again"})
        assert store.counts() == {"later": 2}
    elif first == "delete":
        assert store.delete("later", "x") == {"pk": "x", "n": "1"}
        assert [r["pk"] for r in store.all("later")] == ["y"]
    elif first == "new_id":
        assert store.new_id("later") not in ("x", "y")
        assert store.size("later") == 2
    elif first == "columns":
        assert store.columns("later").live == 2
    else:
        assert store.referencing("later", "n", "2") == [{"pk": "y", "n": "2"}]
    store.reset()
    assert [r["pk"] for r in store.all("later")] == ["x", "y"]


def test_a_later_collection_follows_the_write_log(tmp_path: Path) -> None:
    """A worker that never read the collection applies another's writes to it, and a snapshot
    restores it as it was."""
    log_file = tmp_path / "writes.sqlite3"
    WriteLog.create(log_file)

    def dataset() -> dict[str, Later]:
        return {"later": Later(1, Counted([{"pk": "x", "n": "1"}]))}

    first = Store(dataset(), seed=2, log=WriteLog(log_file))
    second = Store(dataset(), seed=2, log=WriteLog(log_file))
    with first.writing():
        first.put("later", {"pk": "z", "n": "2"})
    second.sync()
    assert sorted(r["pk"] for r in second.all("later")) == ["x", "z"]
    single = Store(dataset(), seed=2)
    state = single.export_state()
    single.delete("later", "x")
    single.import_state(state)
    assert [r["pk"] for r in single.all("later")] == ["x"]
