"""Files written whole or not at all: a reader (another worker, a second start) never sees one
half written."""

from __future__ import annotations

import os
from pathlib import Path


def write_atomically(target: Path, content: bytes) -> None:
    """`content` into `target` through a file of this process's own beside it, then renamed:
    processes writing the same target at once each leave it whole."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    partial.write_bytes(content)
    partial.replace(target)
