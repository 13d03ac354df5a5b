"""Generated start-up data, kept on disk so that a second start of the same document skips
generating it (GitHub's 845 operations: about two seconds of a start).

Data is a function of its inputs: the document's bytes, the fixture files, the seed and
counts, and the code that generates it. An entry is named by the SHA-256 of all of them (the
code by the bytes of this package's files, Python's and Faker's versions), so a changed input never
reads an old entry; an entry that cannot be read is made again. The same inputs give the same
data with or without the cache, in every replica.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import logging
import marshal
import os
import pickle
import sys
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

from specdouble.document.files import write_atomically

PACKAGE = Path(__file__).resolve().parent.parent
CODE_SUFFIXES = (".py", ".json", ".yaml")
FOLDER = "data"
MAX_ENTRIES = 64
"""Entries kept at most; the least recently made go first (a corpus run makes hundreds)."""

logger = logging.getLogger("specdouble")

Data = dict[str, list[dict[str, Any]]]


@cache
def code_fingerprint() -> bytes:
    """What the generating code is: every file of the package that can change what it makes."""
    digest = hashlib.sha256(f"{sys.version} {importlib.metadata.version('faker')}".encode())
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in CODE_SUFFIXES and path.is_file():
            digest.update(str(path.relative_to(PACKAGE)).encode())
            digest.update(path.read_bytes())
    return digest.digest()


def entry_name(inputs: Iterable[bytes]) -> str:
    digest = hashlib.sha256(code_fingerprint())
    for part in inputs:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def kept(
    cache_folder: Path | None,
    inputs: Callable[[], Iterable[bytes] | None],
    make: Callable[[], Data],
) -> Data:
    """`make()`, or what it made last time for the same `inputs()` (asked only where there is
    a cache folder; None: never kept)."""
    given = inputs() if cache_folder is not None else None
    if cache_folder is None or given is None:
        return make()
    path = cache_folder / FOLDER / f"{entry_name(given)}.marshal"
    try:
        return dict(marshal.loads(path.read_bytes()))
    except (OSError, EOFError, ValueError, TypeError):
        pass  # not kept yet, or damaged: made again
    data = make()
    try:
        packed = marshal.dumps(data)
    except ValueError as error:  # a value marshal cannot hold
        logger.debug("generated data not kept: %s", error)
    else:
        _write(path, packed, MAX_ENTRIES)
    return data


def kept_object(cache_folder: Path, folder: str, inputs: Iterable[bytes]) -> Any | None:
    """What `keep_object` kept in `folder` for the same inputs (and code), or None.

    Entries are pickles, which run what they name: one is read only where this user alone
    could have written it (`_written_alone`), as a cache folder shared with others (a CI
    cache, a container's volume) may not be."""
    path = _object_path(cache_folder, folder, inputs)
    try:
        if not _written_alone(path):
            logger.warning("%s: not read: others may write it or its folder", path)
            return None
        raw = path.read_bytes()
    except OSError:
        return None
    try:
        return pickle.loads(raw)
    except Exception as error:  # damaged, or naming what is no longer there: made again
        logger.debug("%s not read: %r", path, error)
        return None


def object_kept(cache_folder: Path, folder: str, inputs: Iterable[bytes]) -> bool:
    """Whether `keep_object` kept something in `folder` for the same inputs (and code)."""
    return _object_path(cache_folder, folder, inputs).is_file()


def _object_path(cache_folder: Path, folder: str, inputs: Iterable[bytes]) -> Path:
    return cache_folder / folder / f"{entry_name(inputs)}.pickle"


def packed_object(value: Any) -> bytes | None:
    """`value` as `keep_object` keeps it, or None where pickle cannot hold it (a function
    made at run time, a structure nested past the recursion limit)."""
    try:
        return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as error:  # whatever an object's pickling raises: only not kept
        logger.debug("not kept: %r", error)
        return None


def keep_object(
    cache_folder: Path, folder: str, inputs: Iterable[bytes], packed: bytes, most: int
) -> None:
    """Keep `packed` (`packed_object`) in `folder` for `inputs`, with at most `most`
    entries there, in a folder and file only this user may write."""
    path = _object_path(cache_folder, folder, inputs)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.parent.chmod(0o700)
    except OSError as error:
        logger.debug("%s not kept: %s", path, error)
        return
    _write(path, packed, most)
    with contextlib.suppress(OSError):
        path.chmod(0o600)


def _written_alone(path: Path) -> bool:
    """Whether `path` and its folder are this user's and nobody else may write them."""
    if not hasattr(os, "getuid"):  # no owners to compare (Windows): the user's profile
        return True
    for each in (path, path.parent):
        status = each.stat()
        if status.st_uid != os.getuid() or status.st_mode & 0o022:
            return False
    return True


def _write(path: Path, packed: bytes, most: int) -> None:
    try:
        write_atomically(path, packed)
        _forget_oldest(path.parent, path.suffix, most)
    except OSError as error:  # a read-only cache: made again next time
        logger.debug("%s not kept: %s", path, error)


def _forget_oldest(folder: Path, suffix: str, most: int) -> None:
    entries = sorted(folder.glob(f"*{suffix}"), key=lambda entry: entry.stat().st_mtime)
    for entry in entries[:-most]:
        entry.unlink(missing_ok=True)
