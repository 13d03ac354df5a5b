"""Generated start-up data, kept on disk so that a second start of the same document skips
generating it (GitHub's 845 operations: about two seconds of a start).

Data is a function of its inputs: the document's bytes, the fixture files, the seed and
counts, and the code that generates it. An entry is named by the SHA-256 of all of them (the
code by the bytes of this package's files, Python's and Faker's versions), so a changed input never
reads an old entry; an entry that cannot be read is made again. The same inputs give the same
data with or without the cache, in every replica.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import marshal
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
        write_atomically(path, marshal.dumps(data))
        _forget_oldest(path.parent)
    except (OSError, ValueError) as error:  # a read-only cache, a value marshal cannot hold
        logger.debug("generated data not kept: %s", error)
    return data


def _forget_oldest(folder: Path) -> None:
    entries = sorted(folder.glob("*.marshal"), key=lambda entry: entry.stat().st_mtime)
    for entry in entries[:-MAX_ENTRIES]:
        entry.unlink(missing_ok=True)
