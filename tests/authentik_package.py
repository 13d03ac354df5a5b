"""The npm package `@goauthentik/api`, fetched from the registry at a pinned version and
cached: it holds the TypeScript client and authentik's whole published document."""

from __future__ import annotations

from pathlib import Path

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
