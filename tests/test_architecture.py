"""The layer rule of ARCHITECTURE.md: the domain knows nothing of HTTP frameworks, and the
contract tester knows nothing of the server."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "mock_server"
DOMAIN = [
    "actions.py",
    "augment.py",
    "auth.py",
    "dataset.py",
    "errors.py",
    "fixtures.py",
    "generate.py",
    "inference.py",
    "npm.py",
    "lint.py",
    "params.py",
    "query.py",
    "rendering.py",
    "resource.py",
    "responder.py",
    "settings.py",
    "shared.py",
    "spec.py",
    "store.py",
    "synth.py",
    "validation.py",
    "resources/__init__.py",
    "resources/event_matcher.py",
]
HTTP_FRAMEWORKS = ("connexion", "starlette", "uvicorn")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("module", DOMAIN)
def test_the_domain_imports_no_http_framework(module: str) -> None:
    imports = imported_modules(PACKAGE / module)
    assert not {name for name in imports if name.split(".")[0] in HTTP_FRAMEWORKS}


def test_every_module_is_placed_in_a_layer() -> None:
    edge = {
        "app.py",
        "asgi.py",
        "cli.py",
        "control.py",
        "direct.py",
        "handlers.py",
        "hooks.py",
        "middleware.py",
    }
    other = {"__init__.py", "__main__.py"}
    modules = {str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")}
    contract = {m for m in modules if m.startswith("contract/")}
    assert modules - contract == set(DOMAIN) | edge | other


@pytest.mark.parametrize("path", sorted((PACKAGE / "contract").rglob("*.py")), ids=str)
def test_the_contract_tester_does_not_import_the_server(path: Path) -> None:
    imports = imported_modules(path)
    assert not {
        name for name in imports if name.startswith("mock_server") and "contract" not in name
    }
