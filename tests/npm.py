"""Packages from the npm registry, installed once into a cache folder.

authentik publishes its whole API document inside `@goauthentik/api`; tests and the benchmark
obtain it (and Prism) the way a user would, at a pinned version.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

INSTALL_TIMEOUT = 300


class NpmUnavailable(RuntimeError):
    """npm is not on this machine."""


def install(package: str, folder: Path) -> Path:
    """`npm install package` into `folder` unless it is there already; its `node_modules`."""
    modules = folder / "node_modules"
    name = package.rsplit("@", 1)[0] if package.count("@") > (package[0] == "@") else package
    if (modules / name / "package.json").exists():
        return modules
    if shutil.which("npm") is None:
        raise NpmUnavailable(f"npm is needed to fetch {package}")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "package.json").write_text('{"private": true}\n')
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--silent", package],
        cwd=folder,
        check=True,
        capture_output=True,
        timeout=INSTALL_TIMEOUT,
    )
    return modules
