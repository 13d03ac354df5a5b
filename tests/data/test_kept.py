"""Generated start-up data kept on disk: made once per set of inputs, the same either way."""

from __future__ import annotations

from pathlib import Path

import pytest

from specdouble.data import kept


def test_data_is_made_once_per_inputs_and_again_for_others(tmp_path: Path) -> None:
    made: list[int] = []

    def make() -> kept.Data:
        made.append(1)
        return {"pets": [{"pk": 1, "tags": ["a"]}], "owners": []}

    first = kept.kept(tmp_path, lambda: [b"document", b"seed 1"], make)
    again = kept.kept(tmp_path, lambda: [b"document", b"seed 1"], make)
    assert len(made) == 1  # the second start made nothing
    assert first == again == {"pets": [{"pk": 1, "tags": ["a"]}], "owners": []}
    kept.kept(tmp_path, lambda: [b"document", b"seed 2"], make)
    kept.kept(tmp_path, lambda: [b"documen", b"tseed 1"], make)  # the same bytes, split otherwise
    assert len(made) == 3


def test_a_damaged_entry_is_made_again_and_no_cache_means_no_keeping(tmp_path: Path) -> None:
    def make() -> kept.Data:
        return {"pets": [{"pk": 2}]}

    kept.kept(tmp_path, lambda: [b"x"], make)
    (entry,) = (tmp_path / kept.FOLDER).iterdir()
    entry.write_bytes(b"\x00not marshal")
    assert kept.kept(tmp_path, lambda: [b"x"], make) == {"pets": [{"pk": 2}]}
    assert kept.kept(None, lambda: [b"x"], make) == {"pets": [{"pk": 2}]}
    assert kept.kept(tmp_path / "other", lambda: None, make) == {"pets": [{"pk": 2}]}
    assert not (tmp_path / "other").exists()


def test_other_code_makes_the_data_again_and_no_cache_asks_no_inputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[int] = []

    def make() -> kept.Data:
        made.append(1)
        return {"pets": []}

    kept.kept(tmp_path, lambda: [b"document"], make)
    monkeypatch.setattr(kept, "code_fingerprint", lambda: b"another version of the code")
    kept.kept(tmp_path, lambda: [b"document"], make)
    assert len(made) == 2  # an entry made by other code is never read

    def never() -> list[bytes]:
        raise AssertionError("the inputs are read only to name a kept entry")

    kept.kept(None, never, make)
    assert len(made) == 3


def test_only_the_newest_entries_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kept, "MAX_ENTRIES", 3)
    for number in range(5):
        kept.kept(tmp_path, lambda number=number: [str(number).encode()], dict)
    assert len(list((tmp_path / kept.FOLDER).glob("*.marshal"))) == 3
