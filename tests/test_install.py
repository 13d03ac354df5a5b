"""The package as a user installs it: the wheel in a virtualenv of its own, used from a folder
outside the clone. Serving, making fixtures, a contract run with a refused token and the
README's pytest example must work from what the wheel ships, not from the clone's files."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, free_port

DOCUMENTS = ROOT / "tests" / "documents"
STARTUP_SECONDS = 120
pytestmark = pytest.mark.live


@dataclass
class Installed:
    home: Path
    """A folder outside the clone, the working directory of every command."""
    venv: Path

    def environment(self) -> dict[str, str]:
        environment = {
            k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}
        }
        environment["PATH"] = f"{self.venv / 'bin'}{os.pathsep}{environment.get('PATH', '')}"
        return environment

    def run(self, *command: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command,
            cwd=self.home,
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def serve(self, *arguments: str) -> Serving:
        return Serving(self, list(arguments))


class Serving:
    """`mock-server serve` of the installed package on a free port, until the block ends."""

    def __init__(self, installed: Installed, arguments: list[str]) -> None:
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.log = installed.home / f"serve-{self.port}.log"
        command = ["mock-server", "serve", "--port", str(self.port), *arguments]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=installed.home, env=installed.environment(), stdout=log, stderr=log
            )

    def __enter__(self) -> Serving:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"serve exited: {self.log.read_text()}")
            try:
                self.health = httpx.get(f"{self.origin}/_mock/health", timeout=2).json()
                return self
            except httpx.HTTPError:
                time.sleep(0.2)
        self.process.kill()
        raise AssertionError(f"serve did not answer: {self.log.read_text()}")

    def __exit__(self, *_: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)

    def credentials(self) -> dict[str, str]:
        owner = {"Authorization": "Bearer ak-mock-admin"}
        given = httpx.get(f"{self.origin}/_mock/credentials", headers=owner, timeout=10)
        return dict(given.json()["headers"])


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    """The wheel built from the clone, installed without its dependencies into a new
    virtualenv that borrows them from the test environment (a `.pth` line), so the test needs
    no download and proves the package's own files complete."""
    base = tmp_path_factory.mktemp("installed")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(base / "wheel"), "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (base / "wheel").glob("specdouble-*.whl")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = ["install", "-q", "--no-deps", "--no-index", str(wheel)]
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), *install],
        check=True,
        capture_output=True,
    )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(site, "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    home = base / "home"
    home.mkdir()
    for name in ("tasks-plain.yaml", "notes-basic.yaml"):
        shutil.copy(DOCUMENTS / name, home / name)
    yield Installed(home=home, venv=venv)


def test_the_installed_package_is_the_wheels(installed: Installed) -> None:
    shown = installed.run("python", "-c", "import specdouble; print(specdouble.__file__)")
    assert shown.stdout.startswith(str(installed.venv)), shown.stdout + shown.stderr
    usage = installed.run("mock-server", "--help")
    assert "any other OpenAPI document" in " ".join(usage.stdout.split())
    described = installed.run("mock-server", "fixtures", "--help").stdout
    assert "--per-resource" in described and "objects of each other resource" in described


def test_serve_with_the_built_in_document_and_data(installed: Installed) -> None:
    with installed.serve() as server:
        url = f"{server.origin}/api/v3/policies/event_matcher/"
        listed = httpx.get(url, headers={"Authorization": "Bearer ak-mock-admin"}).json()
        assert listed["pagination"]["count"] == 150
        assert server.health["api"] == "/api/v3/"


def test_serve_authentiks_whole_api(installed: Installed) -> None:
    with installed.serve("--authentik") as server:
        me = httpx.get(
            f"{server.origin}/api/v3/core/users/me/",
            headers={"Authorization": "Bearer ak-mock-admin"},
        )
        assert me.status_code == 200 and me.json()["user"]["username"] == "akadmin"


@pytest.mark.parametrize(
    ("document", "path", "count"),
    [("tasks-plain.yaml", "/api/tasks", "total"), ("notes-basic.yaml", "/api/notes/", None)],
)
def test_other_documents_with_fixtures_made_for_them(
    installed: Installed, document: str, path: str, count: str | None
) -> None:
    out = installed.home / f"fixtures-{document}"
    made = installed.run("mock-server", "fixtures", "--spec", document, "--out", str(out))
    assert made.returncode == 0, made.stderr
    assert "takes the built-in users and tokens" in made.stdout
    written = {p.stem: json.loads(p.read_text()) for p in out.glob("*.json")}
    assert written and all(len(records) == 5 for records in written.values())
    with installed.serve("--spec", document, "--fixtures", str(out)) as server:
        answer = httpx.get(f"{server.origin}{path}", headers=server.credentials())
        assert answer.status_code == 200, answer.text
        if count:
            assert answer.json()[count] == 5


def test_contract_with_a_refused_token_fails(installed: Installed) -> None:
    with installed.serve() as server:
        refused = installed.run(
            "mock-server", "contract", "--url", f"{server.origin}/api/v3", "--token", "nope"
        )
    assert refused.returncode == 2
    assert "the server refuses the token given" in refused.stderr


def test_the_readmes_pytest_example_runs_as_written(installed: Installed) -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("**pytest**: installing the package") :]
    (example,) = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)[:1]
    (installed.home / "test_readme_example.py").write_text(example)
    ran = installed.run(
        "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_readme_example.py"
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "2 passed" in ran.stdout
