"""The npm package `@goauthentik/api`, fetched from the registry at a pinned version and
cached: it holds the TypeScript client and authentik's whole published document."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = "@goauthentik/api@2026.8.3"
CACHE = ROOT / ".cache" / "npm-goauthentik-api-2026.8.3"
MODULES = CACHE / "node_modules"
SCHEMA = MODULES / "@goauthentik" / "api" / "schema.yml"


def install() -> Path:
    """`npm install` the pinned package once; skip the test where npm is missing."""
    if (MODULES / "@goauthentik" / "api" / "package.json").exists():
        return MODULES
    if shutil.which("npm") is None:
        pytest.skip("npm is needed to fetch @goauthentik/api")
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / "package.json").write_text('{"private": true}\n')
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--silent", PACKAGE],
        cwd=CACHE,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return MODULES
