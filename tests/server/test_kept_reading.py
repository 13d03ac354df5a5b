"""A document's reading (prepared, its resources found) is kept once it passed its check: a
second start of the same file reads it back, warns as the first did, and serves the same."""

from __future__ import annotations

import json
import logging
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from specdouble.data import kept
from specdouble.document import augment, openapi
from specdouble.rest import dataset, inference
from specdouble.server import app, connexion_hooks
from specdouble.server.app import READINGS, create_app
from specdouble.settings import Settings

DOCUMENTS = Path(__file__).parent.parent / "documents"
PET = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
}
DOCUMENT = {
    "openapi": "3.0.3",
    "info": {"title": "Pets", "version": "1"},
    "security": [{"nowhere": []}],  # a scheme never defined: warned, and open
    "paths": {
        "/pets": {
            "get": {
                "operationId": "listPets",
                "parameters": [
                    {
                        "name": "limit",
                        "in": "query",
                        "schema": {"type": "integer", "default": "inf"},  # repaired
                    }
                ],
                "responses": {
                    "200": {
                        "description": "pets",
                        "content": {
                            "application/json": {"schema": {"type": "array", "items": PET}}
                        },
                    }
                },
            },
            "post": {
                "operationId": "createPet",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": PET}},
                },
                "responses": {
                    "201": {
                        "description": "made",
                        "content": {"application/json": {"schema": PET}},
                    }
                },
            },
        },
        "/pets/{id}": {
            "get": {
                "operationId": "getPet",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {
                    "200": {
                        "description": "a pet",
                        "content": {"application/json": {"schema": PET}},
                    },
                    "404": {"description": "none"},
                },
            }
        },
    },
}


def _served(settings: Settings) -> list[Any]:
    """What a client meets: the list, a create, and reading the created pet back."""
    with create_app(settings).test_client() as client:
        listed = client.get("/pets")
        made = client.post("/pets", json={"id": 4242, "name": "Rex"})
        back = client.get("/pets/4242")
        return [listed.status_code, listed.json(), made.status_code, back.json()]


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    caplog.clear()
    return lines


def test_a_second_start_reads_its_reading_back_and_serves_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    spec = tmp_path / "pets.json"
    spec.write_text(json.dumps(DOCUMENT))
    settings = Settings(spec=spec, seed=3, cache=tmp_path / "cache")
    caplog.set_level(logging.WARNING, logger="specdouble")
    first = _served(settings)
    warned = _warnings(caplog)
    assert any("default: 'inf'" in line for line in warned)
    assert any("'nowhere' is used but never defined" in line for line in warned)
    assert len(list((tmp_path / "cache" / READINGS).glob("*.pickle"))) == 1

    def never(*_: Any, **__: Any) -> Any:
        raise AssertionError("a kept reading is neither parsed, inferred nor made ready again")

    with monkeypatch.context() as patched:
        for module, name in [
            (openapi, "load_checking"),
            (inference, "infer"),
            (inference, "infer_plain"),
            (augment, "order_paths"),
            (augment, "type_parameters"),
            (dataset, "tied"),
        ]:
            patched.setattr(module, name, never)
        again = _served(settings)
    assert again == first
    assert first[1] and first[2:] == [201, {"id": 4242, "name": "Rex"}]
    assert _warnings(caplog) == warned  # the same warnings, in the same order

    # Another leniency reads the document anew, and keeps a second reading.
    assert _served(settings.replace(leniency="document")) == first
    assert len(list((tmp_path / "cache" / READINGS).glob("*.pickle"))) == 2


def test_a_damaged_reading_is_read_anew(tmp_path: Path) -> None:
    spec = tmp_path / "pets.json"
    spec.write_text(json.dumps(DOCUMENT))
    settings = Settings(spec=spec, seed=3, cache=tmp_path / "cache")
    first = _served(settings)
    (entry,) = (tmp_path / "cache" / READINGS).glob("*.pickle")
    entry.write_bytes(b"\x80\x05not a pickle")
    assert _served(settings) == first
    assert entry.read_bytes().startswith(b"\x80")  # kept again, whole
    assert len(entry.read_bytes()) > 100


def test_a_document_over_several_files_or_without_a_cache_is_not_even_packed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its other files can change under the same first file's bytes (`bundle.py`): it is
    read anew each time, and its reading is never packed to be thrown away."""

    def never(value: Any) -> bytes:
        raise AssertionError("packed, though it can never be kept")

    monkeypatch.setattr(kept, "packed_object", never)
    cache = tmp_path / "cache"
    for _ in range(2):
        create_app(Settings(spec=DOCUMENTS / "split" / "openapi.yaml", cache=cache))
    spec = tmp_path / "pets.json"
    spec.write_text(json.dumps(DOCUMENT))
    create_app(Settings(spec=spec, cache=None))
    assert not list(tmp_path.rglob("*.pickle"))


def test_a_reading_others_may_write_is_not_read(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A pickle runs what it names: one in a folder another user may write (a shared CI
    cache) is not read back, and said so."""
    spec = tmp_path / "pets.json"
    spec.write_text(json.dumps(DOCUMENT))
    settings = Settings(spec=spec, seed=3, cache=tmp_path / "cache")
    first = _served(settings)
    folder = tmp_path / "cache" / READINGS
    (entry,) = folder.glob("*.pickle")
    assert entry.stat().st_mode & 0o777 == 0o600 and folder.stat().st_mode & 0o777 == 0o700
    folder.chmod(0o777)
    read: list[int] = []
    really = inference.infer_plain

    def counted(*args: Any, **kwargs: Any) -> Any:
        read.append(1)
        return really(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(inference, "infer_plain", counted)
        assert _served(settings) == first
    assert read == [1]  # read anew
    assert any("others may write it" in r.getMessage() for r in caplog.records)


ASIDE = """
import json, sys
from pathlib import Path
from specdouble.data import kept
from specdouble.document import openapi
from specdouble.server.app import create_app
from specdouble.settings import Settings

openapi.ASIDE_BYTES = 0  # checked in a forked process, however small
try:
    create_app(Settings(spec=Path(sys.argv[1]), cache=Path(sys.argv[2])))
    said = None
except openapi.SpecError as error:
    said = str(error)
print(json.dumps({"said": said}))
"""


@pytest.mark.parametrize("valid", [True, False])
def test_a_reading_is_kept_only_once_its_check_passed(tmp_path: Path, valid: bool) -> None:
    """Checked in a forked process while the server is built on it: the reading, made before
    the verdict, is kept only after it, and only for a document that passed."""
    document = json.loads(json.dumps(DOCUMENT))
    if not valid:  # two operations of one id
        document["paths"]["/pets/{id}"]["get"]["operationId"] = "listPets"
    spec = tmp_path / "pets.json"
    spec.write_text(json.dumps(document))
    cache = tmp_path / "cache"
    completed = subprocess.run(
        [sys.executable, "-c", ASIDE, str(spec), str(cache)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    said = json.loads(completed.stdout.splitlines()[-1])["said"]
    kept = list((cache / READINGS).glob("*.pickle"))
    if valid:
        assert said is None and len(kept) == 1
    else:
        assert "is not unique" in said and kept == []


def test_the_reading_is_what_a_fresh_start_reads(tmp_path: Path) -> None:
    """The kept reading equals the one made without a cache: the same document, resources and
    unions (authentik's families among them)."""
    settings = Settings(cache=tmp_path / "cache")  # the built-in document
    made, _ = app.reading(settings)
    assert len(list((tmp_path / "cache" / READINGS).glob("*.pickle"))) == 1

    def never(*_: Any, **__: Any) -> Any:
        raise AssertionError("read back, not inferred")

    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(inference, "infer", never)
        again, _ = app.reading(settings)
    fresh, _ = app.reading(settings.replace(cache=None))
    assert again is not made
    assert again == made == fresh


def test_a_reading_whose_entry_cannot_be_written_is_kept_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reading is kept once its document passed, perhaps before the check's entry is
    written; where the entry never is (a value JSON cannot hold), each start reads the
    document anew, and the reading kept is not written again."""
    spec = tmp_path / "pets.json"
    spec.write_text(json.dumps(DOCUMENT))
    settings = Settings(spec=spec, cache=tmp_path / "cache")
    written = openapi.write_atomically

    def refused(path: Path, data: bytes) -> None:
        if path.suffix == ".json":
            raise OSError("no entry")
        written(path, data)

    monkeypatch.setattr(openapi, "write_atomically", refused)
    app.reading(settings)
    (kept_reading,) = (tmp_path / "cache" / READINGS).glob("*.pickle")
    first = kept_reading.stat().st_mtime_ns
    assert not list((tmp_path / "cache").glob("*.json"))
    monkeypatch.setattr(kept, "keep_object", lambda *_: pytest.fail("written again"))
    app.reading(settings)
    assert kept_reading.stat().st_mtime_ns == first


def test_the_kept_data_is_named_by_the_reading_it_was_made_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Start-up data kept for a document is found again by its reading's name in the cache
    (the file's bytes and the leniency), not by writing the document out, and the reading's
    finding that its keys are strings is not made again; another file's bytes, or another
    leniency, make and keep data of their own."""
    from specdouble.rest import dataset

    spec = tmp_path / "pets.json"
    spec.write_text(json.dumps(DOCUMENT))
    settings = Settings(spec=spec, seed=3, cache=tmp_path / "cache")
    data = tmp_path / "cache" / kept.FOLDER
    first = _served(settings)
    assert len(list(data.glob("*.marshal"))) == 1

    def never(*_: Any, **__: Any) -> Any:
        raise AssertionError("kept data is not made again")

    with monkeypatch.context() as patched:
        patched.setattr(dataset, "build", never)
        patched.setattr(app, "orjson", None)  # the document is not written out to name it,
        patched.setattr(connexion_hooks, "only_string_keys", never)  # nor looked over again
        assert _served(settings) == first
    assert _served(settings.replace(leniency="document")) == first
    assert len(list(data.glob("*.marshal"))) == 2
    spec.write_text(json.dumps({**DOCUMENT, "info": {"title": "Other", "version": "1"}}))
    _served(settings)
    assert len(list(data.glob("*.marshal"))) == 3


def test_a_yaml_documents_integer_keys_are_read_as_strings_cold_and_warm(tmp_path: Path) -> None:
    """YAML reads `200:` as an integer; the document is read with it a string, its reading
    says every key is one, and a kept reading serves as the first start did. A number past
    64 bits (orjson writes none) reads as a key that may not be one: Connexion's own walk."""
    import yaml

    document = json.loads(json.dumps(DOCUMENT))
    for item in document["paths"].values():
        for operation in item.values():
            operation["responses"] = {
                int(code) if code.isdigit() else code: answer
                for code, answer in operation["responses"].items()
            }
    spec = tmp_path / "pets.yaml"
    spec.write_text(yaml.safe_dump(document))
    assert 200 in yaml.safe_load(spec.read_text())["paths"]["/pets"]["get"]["responses"]
    settings = Settings(spec=spec, seed=3, cache=tmp_path / "cache")
    first = _served(settings)
    assert first[0] == 200 and first[2:] == [201, {"id": 4242, "name": "Rex"}]
    (entry,) = (tmp_path / "cache" / READINGS).glob("*.pickle")
    assert _served(settings) == first
    reading = pickle.loads(entry.read_bytes())
    assert reading.string_keyed is True
    assert "200" in reading.document["paths"]["/pets"]["get"]["responses"]
    assert not connexion_hooks.only_string_keys({"example": 2**70})
    assert not connexion_hooks.only_string_keys({200: {}})
