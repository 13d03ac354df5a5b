"""Read the default of every model field from authentik's sources, into the facts the mock
ships (`specdouble/resources/authentik/field_defaults.json`): model class name -> field -> the
value a new object starts with where a create leaves the field out.

    python3.13 tools/authentik_field_defaults.py ../shared/reference/authentik-src

(authentik 2026.8 is written for Python 3.13 and later: run it with the newest Python at hand;
files whose syntax that Python cannot read are named and left out.)

Only defaults that are values are kept: literals, `dict`/`list` (an empty object or list) and
members of a `TextChoices`/`IntegerChoices` class; a callable (`uuid4`, `generate_id`) is the
server making a value, which the mock draws. Fields a model inherits from its bases in
authentik's sources are included; those of Django's own bases are listed in `DJANGO_BASES`.
This is a maintainer's tool: the product and its tests read only the JSON it writes.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path
from typing import Any

FACTS = Path(__file__).resolve().parent.parent / "specdouble" / "resources" / "authentik"
OUT = FACTS / "field_defaults.json"
ANCESTORS = FACTS / "ancestors.json"
"""Each class with a form (`types.json`) -> the classes it inherits from, nearest first: what
a family's `types/` lists (every subclass of its model, as authentik's `all_subclasses`)."""
DJANGO_BASES: dict[str, dict[str, Any]] = {
    # django.contrib.auth.models.AbstractUser and PermissionsMixin
    "AbstractUser": {
        "is_active": True,
        "is_staff": False,
        "is_superuser": False,
        "email": "",
        "first_name": "",
        "last_name": "",
    },
}
NOTHING = object()


def _choices(tree: ast.Module) -> dict[str, dict[str, Any]]:
    """`Choices class -> member -> value` of one module."""
    found: dict[str, dict[str, Any]] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        bases = {ast.unparse(base) for base in node.bases}
        if not any("Choices" in base for base in bases):
            continue
        members: dict[str, Any] = {}
        for item in node.body:
            if isinstance(item, ast.Assign) and len(item.targets) == 1:
                target = item.targets[0]
                value = item.value.elts[0] if isinstance(item.value, ast.Tuple) else item.value
                if isinstance(target, ast.Name) and isinstance(value, ast.Constant):
                    members[target.id] = value.value
        found[node.name] = members
    return found


def _constants(tree: ast.Module) -> dict[str, Any]:
    """Module-level `NAME = literal` of one module (`DEFAULT_TOKEN_LENGTH = 60`)."""
    found: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id.isupper():
                try:
                    found[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    continue
    return found


def _default(
    expression: ast.expr, choices: dict[str, dict[str, Any]], constants: dict[str, Any]
) -> Any:
    if isinstance(expression, ast.Constant):
        return expression.value
    if isinstance(expression, ast.Name) and expression.id in constants:
        return constants[expression.id]
    if isinstance(expression, ast.Name) and expression.id in ("dict", "list"):
        return {} if expression.id == "dict" else []
    if isinstance(expression, ast.Attribute) and isinstance(expression.value, ast.Name):
        return choices.get(expression.value.id, {}).get(expression.attr, NOTHING)
    if isinstance(expression, ast.UnaryOp) and isinstance(expression.operand, ast.Constant):
        return -expression.operand.value if isinstance(expression.op, ast.USub) else NOTHING
    return NOTHING


def _models(
    tree: ast.Module, choices: dict[str, dict[str, Any]], constants: dict[str, Any]
) -> dict[str, Any]:
    """`class -> (its bases, field -> default)` of one module."""
    found: dict[str, Any] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        fields: dict[str, Any] = {}
        for item in node.body:
            if not (isinstance(item, ast.Assign) and len(item.targets) == 1):
                continue
            target, call = item.targets[0], item.value
            if not (isinstance(target, ast.Name) and isinstance(call, ast.Call)):
                continue
            if "Field" not in ast.unparse(call.func) and "ForeignKey" not in ast.unparse(call.func):
                continue
            for keyword in call.keywords:
                if keyword.arg == "default":
                    value = _default(keyword.value, choices, constants)
                    if value is not NOTHING:
                        fields[target.id] = value
        bases = [ast.unparse(base).rsplit(".", 1)[-1] for base in node.bases]
        found[node.name] = (bases, fields)
    return found


def _flags(tree: ast.Module) -> dict[str, Any]:
    """`class X(Flag[bool], key="k"): default = V` of one module: key -> V."""
    found: dict[str, Any] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        if not any(ast.unparse(base).startswith("Flag[") for base in node.bases):
            continue
        key = next((k.value for k in node.keywords if k.arg == "key"), None)
        for item in node.body:
            if (
                isinstance(key, ast.Constant)
                and isinstance(item, ast.Assign)
                and [ast.unparse(t) for t in item.targets] == ["default"]
                and isinstance(item.value, ast.Constant)
            ):
                found[key.value] = item.value.value
    return found


def _serializer_defaults(
    tree: ast.Module, choices: dict[str, dict[str, Any]], constants: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """`model -> field -> value` a serializer's `validate` fills in where a create leaves the
    field out (`attrs.setdefault("intent", TokenIntents.INTENT_API)`): what the API stores,
    over the model's own default. Values that are not constants (the request's user) are
    left to the mock's own rules."""
    found: dict[str, dict[str, Any]] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        meta = next(
            (i for i in node.body if isinstance(i, ast.ClassDef) and i.name == "Meta"), None
        )
        model = next(
            (
                ast.unparse(item.value).rsplit(".", 1)[-1]
                for item in (meta.body if meta else [])
                if isinstance(item, ast.Assign)
                and [ast.unparse(t) for t in item.targets] == ["model"]
            ),
            None,
        )
        if model is None:
            continue
        for call in ast.walk(node):
            if (
                isinstance(call, ast.Call)
                and ast.unparse(call.func) == "attrs.setdefault"
                and len(call.args) == 2
                and isinstance(call.args[0], ast.Constant)
            ):
                value = _default(call.args[1], choices, constants)
                if value is not NOTHING:
                    found.setdefault(model, {})[call.args[0].value] = value
    return found


def read(source: Path) -> tuple[dict[str, dict[str, Any]], dict[str, list[str]]]:
    trees = []
    for path in sorted(source.rglob("*.py")):
        try:
            trees.append(ast.parse(path.read_text(encoding="utf-8")))
        except SyntaxError as error:  # syntax newer than this Python: said, and left out
            print(f"skipped {path}: {error.msg} (line {error.lineno})", file=sys.stderr)
    choices: dict[str, dict[str, Any]] = {}
    constants: dict[str, Any] = {}
    for tree in trees:
        choices.update(_choices(tree))
        for name, value in _constants(tree).items():
            constants.setdefault(name, value)
    classes: dict[str, Any] = {}
    for tree in trees:
        for name, entry in _models(tree, choices, constants).items():
            classes.setdefault(name, entry)

    def fields_of(name: str, seen: frozenset[str] = frozenset()) -> dict[str, Any]:
        if name in DJANGO_BASES:
            return dict(DJANGO_BASES[name])
        if name not in classes or name in seen:
            return {}
        bases, own = classes[name]
        merged: dict[str, Any] = {}
        for base in reversed(bases):
            merged.update(fields_of(base, seen | {name}))
        return {**merged, **own}

    facts = {name: fields for name in sorted(classes) if (fields := fields_of(name))}
    # A tenant's `flags` start as each flag's own default (`tenants/flags.py`).
    flags = {key: value for tree in trees for key, value in _flags(tree).items()}
    if "Tenant" in facts and flags:
        facts["Tenant"]["flags"] = dict(sorted(flags.items()))
    for tree in trees:
        for model, values in _serializer_defaults(tree, choices, constants).items():
            facts.setdefault(model, {}).update(values)

    def ancestors_of(name: str, seen: frozenset[str] = frozenset()) -> list[str]:
        found: list[str] = []
        for base in classes.get(name, ((), {}))[0]:
            if base in classes and base not in seen and base not in found:
                found += [base, *ancestors_of(base, seen | {name})]
        return list(dict.fromkeys(found))

    typed = json.loads((FACTS / "types.json").read_text(encoding="utf-8"))
    ancestors = {name: ancestors_of(name) for name in sorted(typed) if name in classes}
    return facts, ancestors


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.splitlines()[3].strip(), file=sys.stderr)
        return 2
    facts, ancestors = read(Path(argv[0]) / "authentik")
    OUT.write_text(json.dumps(facts, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    ANCESTORS.write_text(json.dumps(ancestors, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUT}: {len(facts)} classes; {ANCESTORS}: {len(ancestors)} classes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
