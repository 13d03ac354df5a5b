"""Prism 5 (`@stoplight/prism-cli` from npm, pinned, installed once into the repository's
cache): what the benchmark and the corpus judge compare the mock with."""

from __future__ import annotations

from pathlib import Path

from tests import npm

PACKAGE = "@stoplight/prism-cli@5"
CACHE = Path(__file__).resolve().parent.parent / ".cache" / "npm-prism-cli-5"


def command(spec: Path, port: int) -> list[str]:
    """`prism mock` serving `spec` on 127.0.0.1:`port` (npm installs it the first time)."""
    binary = npm.install(PACKAGE, CACHE) / ".bin" / "prism"
    return [str(binary), "mock", "-h", "127.0.0.1", "-p", str(port), str(spec)]
