"""The npm package `@goauthentik/api`, fetched from the registry at a pinned version and
cached: it holds the TypeScript client and authentik's whole published document."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from tests import npm
from tests.conftest import ROOT

PACKAGE = "@goauthentik/api@2026.8.3"
CACHE = ROOT / ".cache" / "npm-goauthentik-api-2026.8.3"
SCHEMA = CACHE / "node_modules" / "@goauthentik" / "api" / "schema.yml"


def install() -> Path:
    """The package's `node_modules`; the test is skipped where npm is missing."""
    try:
        return npm.install(PACKAGE, CACHE)
    except npm.NpmUnavailable as missing:
        pytest.skip(str(missing))


DOES_NOT_EXIST = re.compile(r'^Invalid pk ".*" - object does not exist\.$')


def with_existing_references(
    refused: Mapping[str, Any], body: dict[str, Any], existing: Mapping[str, Any] | None
) -> dict[str, Any]:
    """A generated body whose references named no object (DRF's 400, `refused`), pointed at
    what an existing object of the same collection references, or at nothing."""
    assert all(
        isinstance(messages, list) and all(DOES_NOT_EXIST.match(str(m)) for m in messages)
        for messages in refused.values()
    ), refused
    mended = dict(body)
    for name in refused:
        if existing and existing.get(name) is not None:
            mended[name] = existing[name]
        elif isinstance(mended[name], list):
            mended[name] = []
        else:
            del mended[name]
    return mended
