"""The map of ARCHITECTURE.md, held true: each folder of the package is a layer, and a layer
imports only the layers below it; only the HTTP edge talks HTTP; the contract tester knows
nothing of the server."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "specdouble"
HTTP_FRAMEWORKS = ("connexion", "starlette", "uvicorn")
TOP = {"__init__", "__main__", "cli", "settings", "errors"}
"""The modules at the top of the package: the command line, its settings, every message."""
DATA = "builtin"
"""The folder of the built-in document and fixtures: package data, not a layer."""

ORDER = ("document", "state", "data", "rest", "resources", "profiles", "server")
"""The layers, lowest first: each may import those before it, never one after it."""
GENERIC = ("document", "state", "data", "rest")
"""The layers every document uses: none of them knows authentik (only `resources/`,
`profiles/` and the edge classes of `server/` that the authentik profile turns on do)."""
MAY_IMPORT: dict[str, set[str]] = {
    **{layer: {*ORDER[: ORDER.index(layer)], "errors", "settings"} for layer in ORDER},
    "document": {"errors"},
    "state": set(),
    "contract": set(),
    "testing": {"settings"},
    "errors": set(),
    "settings": set(),
    "proxy": {*ORDER, "contract", "errors", "settings"},
    "cli": {*ORDER, "contract", "proxy", "errors", "settings"},
    "__main__": {"cli"},
    "__init__": set(),
}
"""What each layer (a folder, or a top module) may import of the package."""
TALKS_HTTP = {"server", "proxy", "cli"}


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def layer_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else path.stem


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            if node.module == "specdouble":  # from specdouble import errors
                names.update(
                    f"specdouble.{alias.name}"
                    for alias in node.names
                    if (PACKAGE / f"{alias.name}.py").exists() or (PACKAGE / alias.name).is_dir()
                )
    return names


def package_layers(path: Path) -> set[str]:
    """The layers of the package that a module imports."""
    return {
        name.split(".")[1]
        for name in imported_modules(path)
        if name.startswith("specdouble.") and len(name.split(".")) > 1
    }


def test_every_module_lives_in_a_layer() -> None:
    top = {path.stem for path in PACKAGE.glob("*.py")}
    folders = {path.name for path in PACKAGE.iterdir() if path.is_dir() and path.name[0] != "_"}
    assert top == TOP
    assert not list((PACKAGE / DATA).rglob("*.py")), "the built-in data holds no code"
    folders -= {DATA}
    assert folders == set(MAY_IMPORT) - TOP
    for folder in folders:
        assert (PACKAGE / folder / "__init__.py").read_text().startswith('"""'), folder


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_layer_imports_only_the_layers_it_may(path: Path) -> None:
    layer = layer_of(path)
    assert package_layers(path) <= MAY_IMPORT[layer] | {layer}


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_the_edge_imports_an_http_framework(path: Path) -> None:
    if layer_of(path) in TALKS_HTTP:
        return
    imports = imported_modules(path)
    assert not {name for name in imports if name.split(".")[0] in HTTP_FRAMEWORKS}


def test_the_rules_can_fail() -> None:
    """The checks above see imports of every spelling, so a breach cannot slip past them."""
    server = PACKAGE / "server" / "app.py"
    assert "connexion" in {name.split(".")[0] for name in imported_modules(server)}
    assert "errors" in package_layers(PACKAGE / "rest" / "query.py")
    assert not package_layers(server) <= MAY_IMPORT["rest"]


def cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """A cycle of the graph (its nodes in order, the first again at the end), or None."""
    finished: set[str] = set()

    def visit(node: str, trail: list[str]) -> list[str] | None:
        if node in trail:
            return [*trail[trail.index(node) :], node]
        if node in finished:
            return None
        for target in sorted(edges.get(node, ())):
            found = visit(target, [*trail, node])
            if found:
                return found
        finished.add(node)
        return None

    return next((found for node in sorted(edges) if (found := visit(node, []))), None)


def test_no_folder_imports_another_in_a_cycle() -> None:
    """The layers as the code has them: the folder graph of real imports has no cycle."""
    edges: dict[str, set[str]] = {}
    for path in modules():
        layer = layer_of(path)
        edges.setdefault(layer, set()).update(package_layers(path) - {layer})
    assert cycle(edges) is None
    assert cycle({"rest": {"data"}, "data": {"rest"}}) == ["data", "rest", "data"]


@pytest.mark.parametrize("layer", GENERIC)
def test_generic_layers_know_nothing_of_authentik_or_profiles(layer: str) -> None:
    for path in (PACKAGE / layer).rglob("*.py"):
        assert not package_layers(path) & {"resources", "profiles", "server"}, path


def test_tests_mirror_the_package() -> None:
    tests = Path(__file__).resolve().parent
    folders = {path.name for path in PACKAGE.iterdir() if path.is_dir() and path.name[0] != "_"}
    test_folders = {
        path.name
        for path in tests.iterdir()
        if path.is_dir() and any(path.glob("test_*.py")) and path.name[0] != "_"
    }
    assert test_folders <= folders
