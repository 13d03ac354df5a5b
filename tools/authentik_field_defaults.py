"""Read the default of every model field from authentik's sources, into the facts the mock
ships (`specdouble/resources/authentik/field_defaults.json`): model class name -> field -> the
value a new object starts with where a create leaves the field out.

    python3.13 tools/authentik_field_defaults.py ../shared/reference/authentik-src [MIGRATIONS]

(MIGRATIONS: a tree of the same version with its migrations, `$REAL_AK_HOME/src` of
`../shared/real-authentik`, for `installed`: what a new install's rows hold.)

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
import re
import string
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

FACTS = Path(__file__).resolve().parent.parent / "specdouble" / "resources" / "authentik"
OUT = FACTS / "field_defaults.json"
ANCESTORS = FACTS / "ancestors.json"
FIELDS = FACTS / "model_fields.json"
SCHEDULES = FACTS / "schedules.json"
"""Each model class -> what its fields promise beyond a default: `unique` (field -> DRF's
message when a write clashes), `together` (fields that make a unique set), `made` (fields a
callable fills in: the server makes the value), `mirrors` (a many-to-many field -> the model
it relates to and the name the relation has there: `User.groups` is `Group.users`), `through`
(a many-to-many field kept in a model of its own -> the model it relates to, that model, and
the relation's name at the other end: `Flow.stages` is `Stage.flow_set`, by `FlowStageBinding`)
`keys` (a foreign key or many-to-many field -> the model it names), `columns` (every field
the model has, its bases' too: what DRF's OrderingFilter orders by where a view names no
`ordering_fields`), `fixed` (a field a serializer's `validate_<field>` keeps from changing once
set -> its message), and `view`: what its
viewset declares of lists
(`search_fields`, `ordering`, `ordering_fields`, `filterset_fields`), and `filters`: its
FilterSet's declared filters (a parameter -> the field path, lookup and related field it
filters by), and `filter_kinds`: each declared filter's django-filter class."""
BLANK_FIELDS = ("CharField", "TextField", "EmailField", "URLField", "SlugField")
"""Django starts these at "" where they have no default and are not nullable."""
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
DJANGO_COLUMNS: dict[str, tuple[str, ...]] = {
    # django.contrib.auth.models.AbstractUser, AbstractBaseUser and PermissionsMixin
    "AbstractUser": (
        "password",
        "last_login",
        "is_superuser",
        "groups",
        "user_permissions",
        "username",
        "first_name",
        "last_name",
        "email",
        "is_staff",
        "is_active",
        "date_joined",
    ),
}
"""The fields of Django's own bases, which authentik's sources do not hold."""
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


GENERATORS = {
    "generate_id": (string.ascii_letters + string.digits, 40),
    "generate_key": (string.ascii_letters + string.digits + string.punctuation, 128),
}
"""authentik's random strings (`lib/generators.py`): their characters and default length."""


def _drawn(
    function: str, functions: dict[str, ast.FunctionDef], length: int | None = None, depth: int = 0
) -> dict[str, Any] | None:
    """The schema of the strings a default callable makes, where it is one of authentik's
    generators or returns one's call with a literal length (`generate_client_secret`:
    `return generate_id(128)`); else None."""
    if function in GENERATORS:
        characters, default = GENERATORS[function]
        size = default if length is None else length
        allowed = "".join(re.escape(c) if c in "\\]^-[" else c for c in characters)
        return {"type": "string", "pattern": f"^[{allowed}]{{{size}}}$"}
    node = functions.get(function)
    if node is None or depth > 3:
        return None
    returned = [each.value for each in ast.walk(node) if isinstance(each, ast.Return)]
    if len(returned) != 1 or not isinstance(returned[0], ast.Call):
        return None
    call = returned[0]
    called = ast.unparse(call.func).rsplit(".", 1)[-1]
    sizes = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, int)]
    if call.args and not sizes:
        return None
    return _drawn(called, functions, sizes[0] if sizes else None, depth + 1)


def _text(expression: ast.expr | None) -> str | None:
    """A string literal, also inside `_("...")`."""
    if isinstance(expression, ast.Call) and expression.args:
        expression = expression.args[0]
    if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
        return expression.value
    return None


def _meta_text(node: ast.ClassDef, name: str) -> str | None:
    """A string a class's `Meta` sets (`verbose_name`), or None."""
    for item in node.body:
        if isinstance(item, ast.ClassDef) and item.name == "Meta":
            for entry in item.body:
                if (
                    isinstance(entry, ast.Assign)
                    and [ast.unparse(t) for t in entry.targets] == [name]
                    and (text := _text(entry.value)) is not None
                ):
                    return text
    return None


def _verbose_name(node: ast.ClassDef) -> str:
    """A model's `Meta.verbose_name`, else Django's own (`PropertyMapping` -> "property
    mapping")."""
    named = _meta_text(node, "verbose_name")
    if named is not None:
        return named
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", node.name).lower().strip()


def _together(node: ast.ClassDef) -> list[list[str]]:
    for item in node.body:
        if isinstance(item, ast.ClassDef) and item.name == "Meta":
            for entry in item.body:
                if isinstance(entry, ast.Assign) and [ast.unparse(t) for t in entry.targets] == [
                    "unique_together"
                ]:
                    try:
                        value = ast.literal_eval(entry.value)
                    except ValueError:
                        return []
                    sets = [value] if value and isinstance(value[0], str) else value
                    return [list(fields) for fields in sets]
    return []


def _calls(node: ast.ClassDef) -> list[tuple[ast.Name, ast.Call]]:
    """A class's `name = Something(...)` members: model fields, filters; a member wrapped in
    a decorator's call (`extend_schema_field(...)(NumberFilter(...))`) is the call inside."""
    found = []
    for item in node.body:
        if not (
            isinstance(item, ast.Assign)
            and len(item.targets) == 1
            and isinstance(item.targets[0], ast.Name)
            and isinstance(item.value, ast.Call)
        ):
            continue
        call = item.value
        if isinstance(call.func, ast.Call) and len(call.args) == 1:
            inner = call.args[0]
            call = inner if isinstance(inner, ast.Call) else call
        found.append((item.targets[0], call))
    return found


def _models(
    tree: ast.Module, choices: dict[str, dict[str, Any]], constants: dict[str, Any]
) -> dict[str, Any]:
    """`class -> (its bases, field -> default, field -> promises)` of one module."""
    found: dict[str, Any] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        fields: dict[str, Any] = {}
        promises: dict[str, Any] = {
            "unique": {},
            "made": [],
            "made_by": {},
            "together": _together(node),
            "mirrors": {},
            "through": {},
            "keys": {},
            "columns": [],
            "subclassing": [],
            "named_back": {},  # a foreign key's `related_name` -> the model it names
        }
        model_name = _verbose_name(node)
        for target, call in _calls(node):
            kind = ast.unparse(call.func).rsplit(".", 1)[-1]
            if "Field" not in kind and "ForeignKey" not in kind:
                continue
            if not kind.startswith(("Generic", "Reverse")):
                promises["columns"].append(target.id)
            keywords = {k.arg: k.value for k in call.keywords}
            if "default" in keywords:
                value = _default(keywords["default"], choices, constants)
                if value is not NOTHING:
                    fields[target.id] = value
                elif isinstance(keywords["default"], (ast.Name, ast.Attribute)):
                    promises["made"].append(target.id)
                    made_by = ast.unparse(keywords["default"]).rsplit(".", 1)[-1]
                    promises["made_by"][target.id] = made_by
            elif (
                kind in BLANK_FIELDS
                and ast.unparse(call.func).startswith("models.")  # Django's, not DRF's
                and ast.unparse(keywords.get("null", ast.Constant(False))) != "True"
            ):
                fields[target.id] = ""
            related = _text(keywords.get("related_name"))
            target_model = (
                (_text(call.args[0]) or ast.unparse(call.args[0])).rsplit(".", 1)[-1]
                if call.args
                else ""
            )
            through = _text(keywords.get("through"))
            if kind == "ManyToManyField" and through and target_model:
                reverse = related or f"{node.name.lower()}_set"
                promises["through"][target.id] = [target_model, through, reverse]
            if kind == "ManyToManyField" and related and target_model:
                promises["mirrors"][target.id] = [target_model, related]
            relation = ("ForeignKey", "InheritanceForeignKey", "OneToOneField", "ManyToManyField")
            if kind in relation and target_model:
                promises["keys"][target.id] = target_model
            if kind == "InheritanceForeignKey":
                promises["subclassing"].append(target.id)
            if kind in ("ForeignKey", "InheritanceForeignKey") and related and target_model:
                promises["named_back"][related] = target_model
            primary = keywords.get("primary_key")
            if isinstance(primary, ast.Constant) and primary.value is True:
                promises["primary"] = target.id
            unique = keywords.get("unique")
            one_to_one = kind == "OneToOneField" and not {"primary_key", "parent_link"} & set(
                keywords
            )
            if one_to_one or (
                isinstance(unique, ast.Constant)
                and unique.value is True
                and "primary_key" not in keywords
            ):
                label = _text(keywords.get("verbose_name")) or (
                    _text(call.args[0]) if call.args and kind not in relation else None
                )
                label = label or target.id.replace("_", " ")
                promises["unique"][target.id] = f"{model_name} with this {label} already exists."
        if any(isinstance(i, ast.FunctionDef) and i.name == "__str__" for i in node.body):
            promises["text"] = _as_text(node)  # None: its own, unreadable; never a base's
        bases = [ast.unparse(base).rsplit(".", 1)[-1] for base in node.bases]
        found[node.name] = (bases, fields, promises)
    return found


def _declared_unique(tree: ast.Module) -> dict[str, list[str]]:
    """`model -> fields` a serializer holds to a `UniqueValidator` of its own (declared, or in
    `Meta.extra_kwargs`): DRF's own message, "This field must be unique."."""
    found: dict[str, list[str]] = {}
    for node, model in _serializers(tree):
        for item in node.body:
            if isinstance(item, ast.Assign) and len(item.targets) == 1:
                target = item.targets[0]
                if (
                    isinstance(target, ast.Name)
                    and isinstance(item.value, ast.Call)
                    and "UniqueValidator(" in ast.unparse(item.value)
                ):
                    found.setdefault(model, []).append(target.id)
        for item in ast.walk(node):
            if isinstance(item, ast.Dict):
                for key, value in zip(item.keys, item.values, strict=True):
                    if (
                        isinstance(key, ast.Constant)
                        and isinstance(value, ast.Dict)
                        and "UniqueValidator(" in ast.unparse(value)
                    ):
                        found.setdefault(model, []).append(key.value)
    return found


def _serializers(tree: ast.Module) -> list[tuple[ast.ClassDef, str]]:
    """The module's serializers of a model, with the model's class name."""
    return [
        (node, model)
        for node in tree.body
        if isinstance(node, ast.ClassDef) and (model := _serializer_model(node)) is not None
    ]


def _serializer_model(node: ast.ClassDef) -> str | None:
    meta = next((i for i in node.body if isinstance(i, ast.ClassDef) and i.name == "Meta"), None)
    return next(
        (
            ast.unparse(item.value).rsplit(".", 1)[-1]
            for item in (meta.body if meta else [])
            if isinstance(item, ast.Assign) and [ast.unparse(t) for t in item.targets] == ["model"]
        ),
        None,
    )


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


CALLER = "<caller>"
"""What `attrs.setdefault("user", request.user)` gives: the user making the request."""


def _serializer_defaults(
    tree: ast.Module, choices: dict[str, dict[str, Any]], constants: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """`model -> field -> value` a serializer's `validate` fills in where a write leaves the
    field out (`attrs.setdefault("intent", TokenIntents.INTENT_API)`): a constant, or
    `CALLER` for the request's user. DRF hands `validate` only the fields sent, so it does so
    on every write, a partial update too; a create stores it over the model's own default."""
    found: dict[str, dict[str, Any]] = {}
    for node, model in _serializers(tree):
        for call in ast.walk(node):
            if (
                isinstance(call, ast.Call)
                and ast.unparse(call.func) == "attrs.setdefault"
                and len(call.args) == 2
                and isinstance(call.args[0], ast.Constant)
            ):
                given = ast.unparse(call.args[1])
                value = (
                    CALLER
                    if given in {"request.user", "self.context['request'].user"}
                    else _default(call.args[1], choices, constants)
                )
                if value is not NOTHING:
                    found.setdefault(model, {})[call.args[0].value] = value
    return found


COMPARISONS = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "==",
    ast.IsNot: "!=",
}


class Unreadable(Exception):
    """A `validate` written in more than the words `_checks` reads."""


def _serializer_checks(
    tree: ast.Module, choices: dict[str, dict[str, Any]], constants: dict[str, Any]
) -> dict[str, list[dict[str, Any]]]:
    """`model -> checks` of a serializer's `validate(self, attrs)` written as conditions on
    the fields sent and refusals (`if len(attrs.get("user_fields", [])) < 1 and ...: raise
    ValidationError(...)`), each `{"when": expression, "error": {field: [message]}}` in the
    JSON expressions `specdouble.rest.checks` evaluates. A `validate` that does anything else
    (reads the instance, the database, the request) is code, and left out whole."""
    found: dict[str, list[dict[str, Any]]] = {}
    for node, model in _serializers(tree):
        for method in node.body:
            if not (
                isinstance(method, ast.FunctionDef)
                and method.name == "validate"
                and [a.arg for a in method.args.args] == ["self", "attrs"]
            ):
                continue
            try:
                checks = _checks_of(method, choices, constants)
            except Unreadable:
                continue
            if checks:
                found.setdefault(model, []).extend(checks)
    return found


EMPTIED = re.compile(r"^len\(\w+\.\w+\) == 0$")
"""A guard on a field being empty (`len(instance.password) == 0`): true when the object is made,
and not after the save it guards has filled the field."""


def _saved_again(tree: ast.Module) -> dict[str, dict[str, int]]:
    """`model -> write -> n`: how many more times a serializer's `create` or `update` saves the
    object after DRF's own save (`instance.set_oauth_defaults(); instance.save()`), directly or
    through a helper of its own (`self._ensure_password_not_empty(instance)`). What runs only
    for blueprints is left out, a save guarded by a field being empty counts on create only,
    and one under any other condition is not counted."""
    found: dict[str, dict[str, int]] = {}
    for node, model in _serializers(tree):
        methods = {f.name: f for f in node.body if isinstance(f, ast.FunctionDef)}
        for write in ("create", "update"):
            method = methods.get(write)
            count = _saves(method.body, methods, write, 1) if method else 0
            if count:
                kept = found.setdefault(model, {})
                kept[write] = max(kept.get(write, 0), count)
    return found


def _saves(
    statements: list[ast.stmt], methods: dict[str, ast.FunctionDef], write: str, depth: int
) -> int:
    count = 0
    for statement in statements:
        if isinstance(statement, ast.If):
            test = ast.unparse(statement.test)
            if "blueprint" not in test and EMPTIED.match(test) and write == "create":
                count += _saves(statement.body, methods, write, depth)
            continue
        if not isinstance(statement, ast.Expr) or not isinstance(statement.value, ast.Call):
            continue
        called = ast.unparse(statement.value.func)
        if called.endswith(".save") and not called.startswith("super()"):
            count += 1
        elif called.startswith("self.") and depth and called[5:] in methods:
            count += _saves(methods[called[5:]].body, methods, write, depth - 1)
    return count


def _fixed_fields(tree: ast.Module) -> dict[str, dict[str, str]]:
    """`model -> field -> message` of a serializer's `validate_<field>` that refuses changing
    a value the object already holds, written as `if self.instance and
    self.instance.<field>_id: if <value>.pk != self.instance.<field>_id: raise
    ValidationError("...")` (a token's `User cannot be changed`), the `_id` and `.pk` being
    optional. Any other `validate_<field>` is code, left out."""
    found: dict[str, dict[str, str]] = {}
    for node, model in _serializers(tree):
        for method in node.body:
            if not (
                isinstance(method, ast.FunctionDef)
                and method.name.startswith("validate_")
                and len(method.args.args) == 2
            ):
                continue
            field, value = method.name.removeprefix("validate_"), method.args.args[1].arg
            body = [
                s
                for s in method.body
                if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
            ]
            message = _fixed_message(body, field, value)
            if message is not None:
                found.setdefault(model, {})[field] = message
    return found


def _fixed_message(body: list[ast.stmt], field: str, value: str) -> str | None:
    """The message of `_fixed_fields`' one shape, or None."""
    if len(body) != 2 or not isinstance(body[1], ast.Return):
        return None
    if ast.unparse(body[1].value or ast.Constant(None)) != value:
        return None
    held = {f"self.instance.{field}", f"self.instance.{field}_id"}
    outer = body[0]
    if not (
        isinstance(outer, ast.If)
        and not outer.orelse
        and ast.unparse(outer.test) in {f"self.instance and {h}" for h in held}
        and len(outer.body) == 1
        and isinstance(inner := outer.body[0], ast.If)
        and not inner.orelse
        and len(inner.body) == 1
        and isinstance(refusal := inner.body[0], ast.Raise)
    ):
        return None
    sent = {value, f"{value}.pk"}
    if ast.unparse(inner.test) not in {f"{v} != {h}" for v in sent for h in held}:
        return None
    call = refusal.exc
    if not (
        isinstance(call, ast.Call)
        and ast.unparse(call.func).endswith("ValidationError")
        and len(call.args) == 1
        and isinstance(call.args[0], ast.Constant)
        and isinstance(call.args[0].value, str)
    ):
        return None
    return call.args[0].value


def _checks_of(
    method: ast.FunctionDef, choices: dict[str, dict[str, Any]], constants: dict[str, Any]
) -> list[dict[str, Any]]:
    bound: dict[str, Any] = {}
    checks: list[dict[str, Any]] = []
    for statement in method.body:
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue  # the docstring
        if isinstance(statement, ast.Return):
            break
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
        ):
            bound[statement.targets[0].id] = _expression(statement.value, bound, choices, constants)
            continue
        if (
            isinstance(statement, ast.If)
            and not statement.orelse
            and len(statement.body) == 1
            and isinstance(statement.body[0], ast.Raise)
        ):
            when = _expression(statement.test, bound, choices, constants)
            checks.append({"when": when, "error": _refusal(statement.body[0])})
            continue
        raise Unreadable
    return checks


def _refusal(statement: ast.Raise) -> dict[str, list[str]]:
    call = statement.exc
    if not (
        isinstance(call, ast.Call)
        and ast.unparse(call.func).rsplit(".", 1)[-1] == "ValidationError"
        and len(call.args) == 1
    ):
        raise Unreadable
    given = call.args[0]
    if isinstance(given, ast.Dict):
        error = {}
        for key, value in zip(given.keys, given.values, strict=True):
            message = _text(value)
            if not isinstance(key, ast.Constant) or message is None:
                raise Unreadable
            error[str(key.value)] = [message]
        return error
    message = _text(given)
    if message is None:
        raise Unreadable
    return {"non_field_errors": [message]}


def _expression(
    node: ast.expr,
    bound: dict[str, Any],
    choices: dict[str, dict[str, Any]],
    constants: dict[str, Any],
) -> Any:
    def read(each: ast.expr) -> Any:
        return _expression(each, bound, choices, constants)

    if isinstance(node, ast.Name) and node.id in bound:
        return bound[node.id]
    if isinstance(node, ast.Call) and ast.unparse(node.func) == "attrs.get" and node.args:
        if not isinstance(node.args[0], ast.Constant) or len(node.args) > 2:
            raise Unreadable
        default = read(node.args[1]) if len(node.args) == 2 else {"const": None}
        return {"get": node.args[0].value, "default": default}
    if isinstance(node, ast.Call) and ast.unparse(node.func) == "len" and len(node.args) == 1:
        return {"len": read(node.args[0])}
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in COMPARISONS:
        if (
            isinstance(node.ops[0], ast.In | ast.NotIn)
            and ast.unparse(node.comparators[0]) == "attrs"
            and isinstance(node.left, ast.Constant)
        ):
            sent = {"sent": node.left.value}
            return sent if isinstance(node.ops[0], ast.In) else {"not": sent}
        operator = COMPARISONS[type(node.ops[0])]
        return {"compare": [operator, read(node.left), read(node.comparators[0])]}
    if isinstance(node, ast.BoolOp):
        return {"and" if isinstance(node.op, ast.And) else "or": [read(v) for v in node.values]}
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return {"not": read(node.operand)}
    if isinstance(node, ast.List | ast.Tuple) and not node.elts:
        return {"const": []}
    value = _default(node, choices, constants)
    if value is NOTHING or (isinstance(value, dict) and value):
        raise Unreadable
    return {"const": value}


FilterSets = dict[str, tuple[list[str], str | None, dict[str, Any], dict[str, str]]]


FilterSets = dict[str, tuple[list[str], str | None, dict[str, Any], dict[str, str]]]


def _filtersets(tree: ast.Module) -> FilterSets:
    """`FilterSet class -> (its bases, its model, parameter -> what it filters, parameter ->
    its filter class)` of one module's django-filter FilterSets. What a filter filters: the
    field path (`groups__name`), the lookup, the field of the related object a value names
    (`to_field_name`), and whether a list of values is taken; filters that run a method of
    their own are left out (what they do is code). The filter class is kept for every
    declared filter, methods' too: the form field that reads (and words the refusal of) a
    value."""
    found: FilterSets = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        bases = [ast.unparse(base).rsplit(".", 1)[-1] for base in node.bases]
        if not any("FilterSet" in base for base in bases):
            continue
        filters: dict[str, Any] = {}
        kinds: dict[str, str] = {}
        for target, call in _calls(node):
            kind = ast.unparse(call.func).rsplit(".", 1)[-1]
            keywords = {k.arg: k.value for k in call.keywords}
            field = _text(keywords.get("field_name"))
            if kind.endswith("Filter"):
                kinds[target.id] = kind
            either = _any_of(node, _text(keywords.get("method"))) if "method" in keywords else None
            if either and kind.endswith("Filter"):
                filters[target.id] = {"any": either, "many": False}
                continue
            if "method" in keywords or not kind.endswith("Filter") or field is None:
                continue
            filters[target.id] = {
                "field": field,
                "lookup": _text(keywords.get("lookup_expr")) or "exact",
                "to": _text(keywords.get("to_field_name")),
                "many": "Multiple" in kind,
                "held": kind.startswith("AllValues"),
            }
        found[node.name] = (bases, _serializer_model(node), filters, kinds)
    return found


def _any_of(node: ast.ClassDef, name: str | None) -> list[str] | None:
    """The lookups a FilterSet's filter method keeps any of, where it is written as one
    `return queryset.filter(Q(a=value) | Q(b=value) ...)` (the events' `username`:
    `["user__username", "context__username"]`); None for any other method (what it does is
    code)."""
    method = next(
        (item for item in node.body if isinstance(item, ast.FunctionDef) and item.name == name),
        None,
    )
    if method is None or len(method.body) != 1 or not isinstance(method.body[0], ast.Return):
        return None
    call = method.body[0].value
    if not (
        isinstance(call, ast.Call)
        and ast.unparse(call.func) == "queryset.filter"
        and len(call.args) == 1
        and not call.keywords
    ):
        return None
    lookups: list[str] = []

    def gather(expression: ast.expr) -> bool:
        if isinstance(expression, ast.BinOp) and isinstance(expression.op, ast.BitOr):
            return gather(expression.left) and gather(expression.right)
        if (
            isinstance(expression, ast.Call)
            and ast.unparse(expression.func) == "Q"
            and not expression.args
            and len(expression.keywords) == 1
            and ast.unparse(expression.keywords[0].value) == "value"
        ):
            lookups.append(str(expression.keywords[0].arg))
            return True
        return False

    return lookups if gather(call.args[0]) and len(lookups) > 1 else None


def _declared_filters(
    filtersets: FilterSets,
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, str]]]:
    """`model -> parameter -> what it filters` and `model -> parameter -> filter class`, each
    FilterSet with the filters its bases declare (a scope mapping's `managed`, declared by
    `PropertyMappingFilterSet`)."""

    def declared(name: str, seen: frozenset[str]) -> tuple[dict[str, Any], dict[str, str]]:
        if name not in filtersets or name in seen:
            return {}, {}
        bases, _model, filters, kinds = filtersets[name]
        merged: dict[str, Any] = {}
        classes: dict[str, str] = {}
        for base in reversed(bases):
            more, more_kinds = declared(base, seen | {name})
            merged.update(more)
            classes.update(more_kinds)
        return {**merged, **filters}, {**classes, **kinds}

    found: dict[str, dict[str, Any]] = {}
    kinds: dict[str, dict[str, str]] = {}
    for name, (_bases, model, _filters, _kinds) in filtersets.items():
        if model is None:
            continue
        filters, classes = declared(name, frozenset())
        if filters:
            found.setdefault(model, {}).update(filters)
        if classes:
            kinds.setdefault(model, {}).update(classes)
    return found, kinds


VIEW_LISTS = ("search_fields", "ordering", "ordering_fields", "filterset_fields")


def _views(tree: ast.Module) -> dict[str, dict[str, Any]]:
    """`model -> its viewset's lists` (`search_fields`, `ordering`, `ordering_fields`,
    `filterset_fields`) of one module; the model is the one its `queryset` names."""
    found: dict[str, dict[str, Any]] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        values: dict[str, Any] = {}
        model = None
        for item in node.body:
            if isinstance(item, ast.FunctionDef) and item.name == "get_ql_fields":
                listed = next(
                    (n.value for n in ast.walk(item) if isinstance(n, ast.Return) and n.value),
                    None,
                )
                if isinstance(listed, ast.List):
                    values["ql"] = [f for e in listed.elts if (f := _ql_field(e)) is not None]
                continue
            if not (isinstance(item, ast.Assign) and len(item.targets) == 1):
                continue
            name = ast.unparse(item.targets[0])
            if name == "queryset":
                first = next((n for n in ast.walk(item.value) if isinstance(n, ast.Name)), None)
                model = first.id if first is not None else None
            elif name in VIEW_LISTS:
                try:
                    values[name] = ast.literal_eval(item.value)
                except ValueError:
                    continue
        if model and values and model not in found:
            found[model] = values
    return found


QL_KINDS = {
    "StrField": "str",
    "ChoiceSearchField": "str",
    "BoolField": "bool",
    "IntField": "int",
    "FloatField": "float",
    "DateField": "date",
    "DateTimeField": "datetime",
    "QLDateTimeFIeld": "datetime",  # authentik's own spelling
    "JSONSearchField": "relation",
}


def _ql_field(call: ast.expr, key: str | None = None) -> dict[str, Any] | None:
    """One field of a viewset's `get_ql_fields` (DjangoQL): its name, type, whether it may be
    null, offers its choices or the values it holds, and the keys a JSON field is known to
    hold (`fixed_structure`); None for a kind this reading does not know."""
    if not isinstance(call, ast.Call):
        return None
    kind = QL_KINDS.get(ast.unparse(call.func).rsplit(".", 1)[-1])
    if kind is None:
        return None
    given = [a.value for a in call.args if isinstance(a, ast.Constant)]
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    name = keywords.get("name")
    own = name.value if isinstance(name, ast.Constant) else given[0] if given else None
    entry: dict[str, Any] = {"name": key or own, "kind": kind}
    if own and key and own != key:
        entry["own_name"] = own
    for flag in ("nullable", "suggest_options"):
        value = keywords.get(flag)
        if isinstance(value, ast.Constant) and value.value:
            entry[flag] = True
    if ast.unparse(call.func).endswith("ChoiceSearchField"):
        entry["choices"] = True
    structure = keywords.get("fixed_structure")
    if isinstance(structure, ast.Call):
        entry["fixed"] = [
            f for k in structure.keywords if k.arg and (f := _ql_field(k.value, k.arg)) is not None
        ]
    return entry if entry["name"] else None


UNPARENTHESIZED_EXCEPT = re.compile(
    r"^(\s*except\s+)([\w.]+(?:\s*,\s*[\w.]+)+)(\s*(?:as\s+\w+\s*)?:)", re.M
)


def _older_syntax(text: str) -> str:
    """Python 3.14's `except A, B:` (PEP 758) as the tuple older Pythons read, so a module
    written for 3.14 is read rather than left out.

    >>> _older_syntax("try:\\n    x()\\nexcept TypeError, ValueError:\\n    pass").split("\\n")[2]
    'except (TypeError, ValueError):'
    """
    return UNPARENTHESIZED_EXCEPT.sub(r"\1(\2)\3", text)


def _template(expression: ast.expr) -> str | None:
    """A string made of the object's fields as a template: `f"Brand {self.domain}"` is
    "Brand {domain}", `str(self.name)` and `self.username` are "{name}", "{username}"; None
    for anything else (a call, a slice, an expression)."""
    if isinstance(expression, ast.Call) and ast.unparse(expression.func) == "str":
        if len(expression.args) == 1 and not expression.keywords:
            return _template(expression.args[0])
        return None
    if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
        return expression.value.replace("{", "{{").replace("}", "}}")
    if isinstance(expression, ast.Attribute) and ast.unparse(expression.value) == "self":
        return "{" + expression.attr + "}"
    if isinstance(expression, ast.JoinedStr):
        parts = []
        for value in expression.values:
            if isinstance(value, ast.FormattedValue):
                if value.conversion != -1 or value.format_spec is not None:
                    return None
                inner = _template(value.value)
                if inner is None or not inner.startswith("{"):
                    return None
                parts.append(inner)
            else:
                made = _template(value)
                if made is None:
                    return None
                parts.append(made)
        return "".join(parts)
    return None


def _as_text(node: ast.ClassDef) -> dict[str, Any] | None:
    """What a model's `__str__` makes, as templates over its fields, where it is written as
    authentik writes most: early `if self.<flag>: return "..."` cases, then a text built of
    parts, some added only `if self.<flag>` (a token: its identifier, and its expiry where it
    expires): `{"cases": [[flag, template]], "parts": [[flag or null, template]]}`; None where
    it is written otherwise."""
    method = next(
        (i for i in node.body if isinstance(i, ast.FunctionDef) and i.name == "__str__"), None
    )
    if method is None:
        return None
    cases: list[list[Any]] = []
    parts: list[list[Any]] = []
    held: str | None = None  # the local name a text is built in
    for statement in method.body:
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue  # a docstring
        if (
            isinstance(statement, ast.If)
            and not statement.orelse
            and len(statement.body) == 1
            and isinstance(statement.test, ast.Attribute)
            and ast.unparse(statement.test.value) == "self"
        ):
            flag, inner = statement.test.attr, statement.body[0]
            if isinstance(inner, ast.Return) and inner.value is not None and not parts:
                text = _template(inner.value)
                if text is None:
                    return None
                cases.append([flag, text])
                continue
            if (
                isinstance(inner, ast.AugAssign)
                and isinstance(inner.op, ast.Add)
                and ast.unparse(inner.target) == held
                and (text := _template(inner.value)) is not None
            ):
                parts.append([flag, text])
                continue
            return None
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and held is None
            and (text := _template(statement.value)) is not None
        ):
            held = statement.targets[0].id
            parts.append([None, text])
            continue
        if isinstance(statement, ast.Return) and statement.value is not None:
            if held is not None and ast.unparse(statement.value) == held:
                return {"cases": cases, "parts": parts}
            text = _template(statement.value)
            if text is None or parts:
                return None
            return {"cases": cases, "parts": [[None, text]]}
        return None
    return None


def _app_label(path: Path) -> str | None:
    """The label of the Django app a module belongs to: its nearest `apps.py`'s `label`."""
    for folder in path.parents:
        apps = folder / "apps.py"
        if apps.is_file():
            found = re.search(r'^\s+label = "([^"]+)"', apps.read_text(encoding="utf-8"), re.M)
            if found:
                return found.group(1)
    return None


def _blank_for_base(serializer: ast.ClassDef, base: str) -> bool:
    """Whether a serializer's `get_component` answers "" for an object of the base model
    itself (`if obj.__class__ == Provider: return ""`)."""
    for item in serializer.body:
        if isinstance(item, ast.FunctionDef) and item.name == "get_component":
            return any(
                isinstance(node, ast.Compare)
                and ast.unparse(node.left).endswith("__class__")
                and [ast.unparse(c) for c in node.comparators] == [base]
                for node in ast.walk(item)
            )
    return False


def _shown_as_base(
    modules: list[tuple[Path, ast.Module]],
    classes: dict[str, Any],
    promises_of: Any,
) -> dict[str, dict[str, dict[str, Any]]]:
    """`owner model -> shown field -> what it shows of its objects`, for a nested serializer
    over a relation to the base model of a family (`Outpost.providers_obj`, by
    `ProviderSerializer(source="providers")`): a plain relation yields the base model's row,
    not its subclass, so the object shows the base's `component` ("") and names ("when":
    "always"); an `InheritanceForeignKey` yields the subclass when read, and the base only
    in the answer to a write that set it (DRF's related field looks the base up: "when":
    "written")."""
    serializers: dict[str, tuple[ast.ClassDef, str] | None] = {}
    for _path, tree in modules:
        for node, model in _serializers(tree):
            known = serializers.get(node.name, (node, model))
            serializers[node.name] = (node, model) if known and known[1] == model else None
    where: dict[str, tuple[Path, ast.ClassDef]] = {}  # a model's module and class
    for path, tree in modules:
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and node.name in classes:
                where.setdefault(node.name, (path, node))
    parents = {base for bases, _own, _promises in classes.values() for base in bases}
    named_back: dict[str, dict[str, str]] = {}  # model -> its reverse relations -> their model
    for name, (_bases, _own, own_promises) in classes.items():
        for related, model in own_promises["named_back"].items():
            named_back.setdefault(model, {})[related] = name
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for entry in serializers.values():
        if entry is None:
            continue
        node, owner = entry
        promises = promises_of(owner)
        for target, call in _calls(node):
            nested = serializers.get(ast.unparse(call.func).rsplit(".", 1)[-1])
            if nested is None:
                continue
            nested_node, base = nested
            keywords = {k.arg: k.value for k in call.keywords}
            source = _text(keywords.get("source")) or target.id
            label = _app_label(where[base][0]) if base in where else None
            related = promises["keys"].get(source) or named_back.get(owner, {}).get(source)
            if (
                related != base
                or base not in parents
                or label is None
                or not _blank_for_base(nested_node, base)
            ):
                continue
            base_node = where[base][1]
            verbose = _verbose_name(base_node)
            plural = _meta_text(base_node, "verbose_name_plural") or f"{verbose}s"
            found.setdefault(owner, {})[target.id] = {
                "component": "",
                "verbose_name": verbose,
                "verbose_name_plural": plural,
                "meta_model_name": f"{label}.{base.lower()}",
                "when": "written" if source in promises["subclassing"] else "always",
            }
    return found


def read(
    source: Path,
) -> tuple[dict[str, dict[str, Any]], dict[str, list[str]], dict[str, dict[str, Any]]]:
    trees = []
    modules: list[tuple[Path, ast.Module]] = []
    # Models' modules first: a class name a model shares with a view (`RedirectStage` is also
    # a stage view in `flows/stage.py`) means the model.
    for path in sorted(source.rglob("*.py"), key=lambda p: (p.name != "models.py", p)):
        try:
            trees.append(ast.parse(_older_syntax(path.read_text(encoding="utf-8"))))
            modules.append((path, trees[-1]))
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
        bases, own, _promises = classes[name]
        merged: dict[str, Any] = {}
        for base in reversed(bases):
            merged.update(fields_of(base, seen | {name}))
        return {**merged, **own}

    def promises_of(name: str, seen: frozenset[str] = frozenset()) -> dict[str, Any]:
        nothing: dict[str, Any] = {
            "unique": {},
            "made": [],
            "made_by": {},
            "together": [],
            "mirrors": {},
            "through": {},
            "keys": {},
            "columns": list(DJANGO_COLUMNS.get(name, ())),
            "subclassing": [],
        }
        if name not in classes or name in seen:
            return nothing
        bases, _own, promises = classes[name]
        merged = nothing
        for base in reversed(bases):
            inherited = promises_of(base, seen | {name})
            for part in ("unique", "mirrors", "through", "keys", "made_by"):
                merged[part].update(inherited[part])
            for part in ("made", "columns", "subclassing"):
                merged[part] += inherited[part]
            if "primary" in inherited:  # a child without a key of its own has its parent's
                merged["primary"] = inherited["primary"]
        for part in ("unique", "mirrors", "through", "keys", "made_by"):
            merged[part].update(promises[part])
        if "primary" in promises:
            merged["primary"] = promises["primary"]
        merged["made"] = sorted(set(merged["made"] + promises["made"]))
        merged["columns"] = sorted(set(merged["columns"] + promises["columns"]))
        merged["subclassing"] = sorted(set(merged["subclassing"] + promises["subclassing"]))
        merged["together"] = promises["together"]  # Meta is not inherited by a concrete model
        text = (
            promises["text"]
            if "text" in promises
            else next(
                (t for base in bases if (t := promises_of(base, seen | {name}).get("text"))),
                None,
            )
        )
        if text is not None:
            merged["text"] = text
        return merged

    facts = {name: fields for name in sorted(classes) if (fields := fields_of(name))}
    declared: dict[str, list[str]] = {}
    for tree in trees:
        for model, names in _declared_unique(tree).items():
            declared.setdefault(model, []).extend(names)
    functions = {
        node.name: node for tree in trees for node in tree.body if isinstance(node, ast.FunctionDef)
    }
    promised: dict[str, dict[str, Any]] = {}
    for name in sorted(classes):
        promises = promises_of(name)
        made_by = promises.pop("made_by")
        promises.pop("subclassing")
        promises["drawn"] = {
            field: drawn
            for field, function in sorted(made_by.items())
            if (drawn := _drawn(function, functions)) is not None
        }
        for field_name in declared.get(name, []):
            promises["unique"][field_name] = "This field must be unique."
        kept = {key: value for key, value in promises.items() if value}
        if kept:
            promised[name] = kept
    # A tenant's `flags` start as each flag's own default (`tenants/flags.py`).
    flags = {key: value for tree in trees for key, value in _flags(tree).items()}
    if "Tenant" in facts and flags:
        facts["Tenant"]["flags"] = dict(sorted(flags.items()))
    for tree in trees:
        for model, checks in _serializer_checks(tree, choices, constants).items():
            promised.setdefault(model, {}).setdefault("checks", []).extend(checks)
    for tree in trees:
        for model, saves in _saved_again(tree).items():
            promised.setdefault(model, {}).setdefault("saved_again", {}).update(saves)
    for tree in trees:
        for model, fixed in _fixed_fields(tree).items():
            promised.setdefault(model, {}).setdefault("fixed", {}).update(fixed)
    for tree in trees:
        for model, values in _serializer_defaults(tree, choices, constants).items():
            promised.setdefault(model, {}).setdefault("written", {}).update(values)
            facts.setdefault(model, {}).update(
                {name: value for name, value in values.items() if value != CALLER}
            )

    def ancestors_of(name: str, seen: frozenset[str] = frozenset()) -> list[str]:
        found: list[str] = []
        for base in classes.get(name, ((), {}))[0]:
            if base in classes and base not in seen and base not in found:
                found += [base, *ancestors_of(base, seen | {name})]
        return list(dict.fromkeys(found))

    typed = json.loads((FACTS / "types.json").read_text(encoding="utf-8"))
    ancestors = {name: ancestors_of(name) for name in sorted(typed) if name in classes}
    views: dict[str, dict[str, Any]] = {}
    for tree in trees:
        for model, values in _views(tree).items():
            views.setdefault(model, values)
    for model, values in views.items():
        promised.setdefault(model, {})["view"] = values
    filtersets: FilterSets = {}
    for tree in trees:
        filtersets.update(_filtersets(tree))
    declared_filters, kinds = _declared_filters(filtersets)
    for model, filters in declared_filters.items():
        promised.setdefault(model, {}).setdefault("filters", {}).update(filters)
    for model, each in kinds.items():
        promised.setdefault(model, {}).setdefault("filter_kinds", {}).update(each)
    for model, shown in _shown_as_base(modules, classes, promises_of).items():
        promised.setdefault(model, {})["shown_as_base"] = shown
    # A model's subclasses are listed by their own viewsets; those without one (none here)
    # would inherit nothing: a view is not a model's.
    return facts, ancestors, promised


def _setting(node: ast.expr) -> Any:
    """A migration's value: a literal, or `CONFIG.get*("key", literal)`'s literal (what an
    install without that setting gets). `Unreadable` for anything else."""
    if isinstance(node, ast.Call) and ast.unparse(node.func).startswith("CONFIG.get"):
        given = node.args[1:] or [k.value for k in node.keywords if k.arg == "default"]
        if len(given) != 1:
            raise Unreadable
        node = given[0]
    try:
        return ast.literal_eval(node)
    except ValueError:
        raise Unreadable from None


def installed_rows(migrations: Path) -> dict[str, dict[str, Any]]:
    """`model -> field -> value` of the rows an app's migrations make at install (the default
    tenant: `Tenant.objects.create(...)` in a `RunPython`), with the defaults of the fields
    later migrations add (`AddField(default=CONFIG.get("default_token_duration",
    "minutes=30"))`): what a new install holds, where it differs from the model's default
    today (`days=1`)."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(migrations.glob("*/migrations/0*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            name = ast.unparse(call.func)
            keywords = {k.arg: k.value for k in call.keywords if k.arg}
            if name.endswith(".create") and ".objects" in name:
                model = name.split(".objects")[0].split(".")[0]
                row: dict[str, Any] = {}
                for field, value in keywords.items():
                    try:
                        row[str(field)] = _setting(value)
                    except Unreadable:
                        continue
                found[model] = row
            elif name == "migrations.AddField":
                model = _text(keywords.get("model_name")) or ""
                owner = next((m for m in found if m.lower() == model), None)
                field = keywords.get("field")
                default = (
                    next((k.value for k in field.keywords if k.arg == "default"), None)
                    if isinstance(field, ast.Call)
                    else None
                )
                if owner is None or default is None:
                    continue
                try:
                    found[owner][str(_text(keywords.get("name")))] = _setting(default)
                except Unreadable:
                    continue
    return found


GLOBAL_SPECS = ("global_schedule_specs", "tenant_schedule_specs")
"""An app's schedules (`AppConfig`): one install is one tenant, so both hold."""
RANDOM_NUMBER = "{{below {below}}}"
"""Where a crontab takes `fqdn_rand(task, stop)`: a number below `stop` (60: a minute) drawn
per install and task."""


def schedules(source: Path) -> dict[str, Any]:
    """authentik's schedules, as its worker keeps them: every actor (`@actor(description=...)`
    -> its description, by `module.function`), each app's own schedules (`ScheduleSpec(actor,
    crontab, paused)` of its `global_schedule_specs` / `tenant_schedule_specs`), and those each
    scheduled model keeps per object (`schedule_specs`: the actor, the field its `uid` is,
    the crontab with `{below N}` where authentik draws a number below N). A spec in other
    words than these is left out."""
    config = yaml.safe_load((source / "lib" / "default.yml").read_text(encoding="utf-8")) or {}
    actors: dict[str, str] = {}
    by_function: dict[str, str] = {}
    parsed: list[tuple[str, ast.Module]] = []
    for path in sorted(source.rglob("*.py")):
        try:
            tree = ast.parse(_older_syntax(path.read_text(encoding="utf-8")))
        except SyntaxError:
            continue
        module = ".".join(path.relative_to(source.parent).with_suffix("").parts)
        parsed.append((module, tree))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef):
                continue
            for decorator in node.decorator_list:
                if isinstance(decorator, ast.Call) and ast.unparse(decorator.func) == "actor":
                    given = {k.arg: k.value for k in decorator.keywords}
                    text = given.get("description")
                    if isinstance(text, ast.Call) and text.args:
                        text = text.args[0]
                    name = f"{module}.{node.name}"
                    actors[name] = text.value if isinstance(text, ast.Constant) else ""
                    by_function.setdefault(node.name, name)
    own: list[dict[str, Any]] = []
    models: dict[str, list[dict[str, Any]]] = {}
    for _module, tree in parsed:
        for node in tree.body:
            if not isinstance(node, ast.ClassDef):
                continue
            for item in node.body:
                if not isinstance(item, ast.FunctionDef):
                    continue
                specs = [
                    spec
                    for call in ast.walk(item)
                    if isinstance(call, ast.Call)
                    and ast.unparse(call.func) == "ScheduleSpec"
                    and (spec := _schedule_spec(call, by_function, config)) is not None
                ]
                if item.name in GLOBAL_SPECS:
                    own.extend(specs)
                elif item.name == "schedule_specs" and specs:
                    models[node.name] = specs
    return {
        "label": _app_label(source / "tasks" / "schedules" / "models.py"),
        "actors": dict(sorted(actors.items())),
        "own": sorted(own, key=lambda s: s["actor"]),
        "models": dict(sorted(models.items())),
    }


def _schedule_spec(
    call: ast.Call, by_function: dict[str, str], config: Mapping[str, Any]
) -> dict[str, Any] | None:
    given = {k.arg: k.value for k in call.keywords if k.arg}
    actor = given.get("actor")
    name = by_function.get(ast.unparse(actor)) if actor is not None else None
    crontab = given.get("crontab")
    if name is None or crontab is None:
        return None
    if isinstance(crontab, ast.Constant) and isinstance(crontab.value, str):
        text = crontab.value
    elif isinstance(crontab, ast.JoinedStr):
        parts = []
        for value in crontab.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            elif (
                isinstance(value, ast.FormattedValue)
                and isinstance(value.value, ast.Call)
                and ast.unparse(value.value.func) == "fqdn_rand"
            ):
                drawn = value.value
                stop = drawn.args[1] if len(drawn.args) > 1 else None
                stop = next((k.value for k in drawn.keywords if k.arg == "stop"), stop)
                below = stop.value if isinstance(stop, ast.Constant) else 60
                parts.append(RANDOM_NUMBER.format(below=below))
            else:
                return None
        text = "".join(parts)
    else:
        return None
    spec: dict[str, Any] = {"actor": name, "crontab": text}
    sent = given.get("send_on_save")
    if isinstance(sent, ast.Constant) and sent.value:
        spec["send_on_save"] = True
    uid = given.get("uid")
    if uid is not None:
        field = ast.unparse(uid)
        if not field.startswith("self."):
            return None
        spec["uid"] = field.removeprefix("self.")
    paused = given.get("paused")
    if paused is not None:
        value = _configured(paused, config)
        if value is NOTHING:
            return None
        spec["paused"] = bool(value)
    return spec


def _configured(node: ast.expr, config: Mapping[str, Any]) -> Any:
    """A constant, or `[not] CONFIG.get_bool("a.b")` as a new install's configuration
    (`lib/default.yml`) answers it; NOTHING for anything else."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        inner = _configured(node.operand, config)
        return NOTHING if inner is NOTHING else not inner
    if (
        isinstance(node, ast.Call)
        and ast.unparse(node.func) == "CONFIG.get_bool"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ):
        value: Any = config
        for step in str(node.args[0].value).split("."):
            value = value.get(step, NOTHING) if isinstance(value, Mapping) else NOTHING
        return bool(value) if value is not NOTHING else NOTHING
    return NOTHING


def main(argv: list[str]) -> int:
    if len(argv) not in (1, 2):
        print(__doc__.splitlines()[3].strip(), file=sys.stderr)
        return 2
    facts, ancestors, promised = read(Path(argv[0]) / "authentik")
    if len(argv) == 2:  # a tree with authentik's migrations (the real server's sources)
        for model, row in installed_rows(Path(argv[1]) / "authentik").items():
            differs = {k: v for k, v in row.items() if facts.get(model, {}).get(k, v) != v}
            if differs:
                promised.setdefault(model, {})["installed"] = differs
    OUT.write_text(json.dumps(facts, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    FIELDS.write_text(json.dumps(promised, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    ANCESTORS.write_text(json.dumps(ancestors, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    SCHEDULES.write_text(
        json.dumps(schedules(Path(argv[0]) / "authentik"), indent=1) + "\n", encoding="utf-8"
    )
    print(f"wrote {OUT}: {len(facts)} classes; {ANCESTORS}: {len(ancestors)} classes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
