"""Fixture files as data: what a recording writes beside them, and how it lies over what a
server starts with."""

from __future__ import annotations

from specdouble.data import fixtures


def test_a_recording_lies_over_what_a_server_starts_with():
    recorded = [
        {"pk": "r1", "slug": "default-flow", "title": "recorded"},
        {"pk": "r2", "slug": "x"},
    ]
    started = [
        {
            "pk": "s1",
            "slug": "default-flow",
            "title": "install's",
        },  # the same object: recorded wins
        {"pk": "s2", "slug": "other-flow"},  # not recorded: joins
        {"pk": "r2", "slug": "y"},  # the same key: recorded wins
    ]
    laid = fixtures.lay_over(recorded, started, "pk", ("slug",))
    assert laid == [*recorded, {"pk": "s2", "slug": "other-flow"}]


def test_an_identity_the_mock_needs_stands_in_for_the_recorded_one():
    recorded = [{"pk": 7, "username": "akadmin", "uuid": "real"}, {"pk": 8, "username": "bo"}]
    started = [{"pk": 1, "username": "akadmin", "uuid": "mock"}]
    laid = fixtures.lay_over(
        recorded, started, "pk", ("username",), keep=lambda r: r.get("uuid") == "mock"
    )
    assert laid == [{"pk": 8, "username": "bo"}, {"pk": 1, "username": "akadmin", "uuid": "mock"}]


def test_a_recordings_manifest_names_its_collections_and_is_no_collection(tmp_path):
    (tmp_path / "things.json").write_text('[{"pk": 1}]')
    fixtures.write_recording(tmp_path, "http://127.0.0.1:9000", ["things", "things"])
    assert fixtures.recorded_collections(tmp_path) == {"things"}
    assert set(fixtures.load_dataset(tmp_path)) == {"things"}
    assert fixtures.recorded_collections(tmp_path / "elsewhere") == set()
