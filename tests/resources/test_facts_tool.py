"""The facts tool's reading of authentik's default callables: which random strings a model's
field starts as (`tools/authentik_field_defaults.py`, run by hand on authentik's sources)."""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path
from types import ModuleType

TOOL = Path(__file__).resolve().parents[2] / "tools" / "authentik_field_defaults.py"

SOURCE = """
def generate_client_secret() -> str:
    return generate_id(128)

def get_cookie_secret():
    return "".join(secrets.choice(chars) for _ in range(32))
"""


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("authentik_field_defaults", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_default_callable_is_read_as_the_strings_it_makes() -> None:
    tool = _tool()
    functions = {
        node.name: node for node in ast.parse(SOURCE).body if isinstance(node, ast.FunctionDef)
    }
    client_id = tool._drawn("generate_id", functions)
    secret = tool._drawn("generate_client_secret", functions)
    assert client_id is not None and secret is not None
    assert re.fullmatch(client_id["pattern"], "a" * 40) and not re.fullmatch(
        client_id["pattern"], "a" * 39 + "!"
    )
    assert re.fullmatch(secret["pattern"], "Z9" * 64)
    key = tool._drawn("generate_key", functions)
    assert key is not None and re.fullmatch(key["pattern"], "]^-[\\" + "x" * 123)
    assert tool._drawn("get_cookie_secret", functions) is None
