"""Repairs of what a document says in a way the server cannot read, made before it is
checked: each is the nearest thing it can read, and each is reported with its JSON pointer,
so a document is served unless it cannot mean anything.

- A `pattern` that Python's engine (the server's) and ECMA-262's (the document's dialect, and
  the validator's) do not both read: Unicode property classes (`\\p{L}`, `\\p{N}`, ...) are
  read as the nearest classes (a letter as a word character inside brackets: they may accept
  a little more), the string's start and end (`\\A`, `\\z`) as `^` and `$`, named groups as
  plain ones, `{1-70}` as `{1,70}`; one where these make no pattern both read (Java's class
  intersection, `[\\p{Print}&&[^|:/]]`) as ECMA-262 without its `u` flag reads it, keeping
  of a property's characters those it holds; a pattern still not read alike is dropped (any
  string passes where it stood).
- A schema keyword of the wrong kind (a `type` that is an object: a property written where
  the keyword belongs) is dropped.
- A path parameter not marked `required` is required (a path cannot lack it); a path key
  without its leading `/` gets one.
- A `default` that its own schema refuses (OpenAI's `"inf"` for an integer, a `null` where
  the schema may not be null, a time its format refuses) is dropped: a server cannot fill in
  a value its schema forbids.
- An operation that documents no answer at all gets a default one.
"""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Iterator
from typing import Any

from specdouble.document import swagger2
from specdouble.document.openapi import HTTP_METHODS, json_pointer, path_shape, resolve

LETTERS = (
    r"A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u1fff"
    r"\u2c00-\ud7ff\uf900-\ufdff\ufe70-\ufefe\uff21-\uff3a\uff41-\uff5a\uff66-\uffdc"
)
DIGITS = r"0-9\u0660-\u0669\u06f0-\u06f9\u0966-\u096f\uff10-\uff19"
SPACES = r" \t\n\x0b\x0c\r\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
"""Unicode's White_Space (what `\\p{Space}` and Java's `\\p{IsWhite_Space}` name); `\\p{Z}`, its
separators only, read as it too: a little more, never less."""
PUNCTUATION = r"!-/:-@\[-`{-~\u00a1-\u00bf\u2010-\u2027\u2030-\u205e\u3000-\u303f"
PROPERTY_CLASSES: dict[str, tuple[str, str]] = {
    # name: (inside brackets, outside them), in ranges both engines read alike
    **dict.fromkeys(
        ("L", "Letter", "L&", "Lu", "Ll", "Lt", "Lm", "Lo", "Alpha", "Alphabetic", "IsAlphabetic"),
        (LETTERS, f"[{LETTERS}]"),
    ),
    **dict.fromkeys(("N", "Nd", "Number", "Digit", "IsDigit"), (DIGITS, f"[{DIGITS}]")),
    **dict.fromkeys(("Z", "Zs", "Separator", "Space", "IsWhite_Space"), (SPACES, f"[{SPACES}]")),
    **dict.fromkeys(
        ("P", "Punct", "Punctuation", "S", "Symbol", "Sm", "Sc", "Sk", "So", "Pd", "Ps", "Pe"),
        (PUNCTUATION, f"[{PUNCTUATION}]"),
    ),
    **dict.fromkeys(("M", "Mn", "Mark"), (r"\u0300-\u036f", r"[\u0300-\u036f]")),
    **dict.fromkeys(("C", "Cc", "Control"), (r"\x00-\x1f\x7f", r"[\x00-\x1f\x7f]")),
    # Java's POSIX classes, which are ASCII's (SageMaker's `\p{ASCII}*`, `[\p{Print}]*`).
    **{
        name: (ascii, f"[{ascii}]")
        for name, ascii in {
            "ASCII": r"\x00-\x7f",
            "Print": r"\x20-\x7e",
            "Graph": r"\x21-\x7e",
            "Alnum": r"A-Za-z0-9",
            "Upper": r"A-Z",
            "Lower": r"a-z",
            "Cntrl": r"\x00-\x1f\x7f",
            "XDigit": r"0-9A-Fa-f",
            "Blank": r" \t",
        }.items()
    },
}
"""Unicode property classes as ranges of the scripts' letters, digits, spaces and marks (a
little more than each, never less), and Java's POSIX classes: neither Python's `re` nor
ECMA-262 without its `u` flag
reads `\\p{L}`."""
ESCAPES = {"A": "^", "z": "$", "Z": "$"}
"""The string's very start and end (Python's, PCRE's, Ruby's), as both engines spell them."""
NAMED_GROUP = re.compile(r"\(\?P?<(?![=!])[A-Za-z_][A-Za-z0-9_]*>")
WRITTEN_SPAN = re.compile(r"\{(\d+)-(\d+)\}")
QUANTIFIER = re.compile(r"\{\d+(,\d*)?\}")
KEYWORD_KINDS: dict[str, type | tuple[type, ...]] = {
    "type": (str, list),
    "enum": list,
    "properties": dict,
    "pattern": str,
    "format": str,
    "minLength": int,
    "maxLength": int,
    "minItems": int,
    "maxItems": int,
    "minProperties": int,
    "maxProperties": int,
    "minimum": (int, float),
    "maximum": (int, float),
    "multipleOf": (int, float),
    "uniqueItems": bool,
}
"""What a schema's keywords hold (`required` is a list in a schema, a flag in a parameter:
left alone); one of another kind (codat's `type: {description, enum}`, a property written
where a keyword belongs, api.video's `pattern: 0`) means nothing, and is dropped."""
KEYWORD_ORDER = {word: number for number, word in enumerate(KEYWORD_KINDS)}
NAME_MAPS = frozenset(
    {
        "properties",
        "patternProperties",
        "definitions",
        "$defs",
        "schemas",
        "parameters",
        "responses",
        "headers",
        "securitySchemes",
        "links",
        "callbacks",
        "paths",
        "content",
        "encoding",
        "variables",
        "mapping",
        "requestBodies",
        "scopes",
        "webhooks",
    }
)
"""Keys whose values map names to objects: a `type` there is a name, not a keyword."""
DATA_KEYS = frozenset({"example", "examples", "default", "enum", "const", "x-examples"})
"""Keys whose values are data, not schemas: never repaired."""
TYPES: dict[str, tuple[type, ...]] = {
    "integer": (int,),
    "number": (int, float),
    "string": (str,),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


TOP_LEVEL = {
    "2": frozenset(
        {
            "swagger",
            "info",
            "host",
            "basePath",
            "schemes",
            "consumes",
            "produces",
            "paths",
            "definitions",
            "parameters",
            "responses",
            "securityDefinitions",
            "security",
            "tags",
            "externalDocs",
        }
    ),
    "3.0": frozenset(
        {"openapi", "info", "servers", "paths", "components", "security", "tags", "externalDocs"}
    ),
    "3.1": frozenset(
        {
            "openapi",
            "info",
            "jsonSchemaDialect",
            "servers",
            "paths",
            "webhooks",
            "components",
            "security",
            "tags",
            "externalDocs",
        }
    ),
}
"""The fields of the document's root object, by dialect; another (not an `x-` extension)
means nothing to a server (a converter's `source: {url}` left in Google's documents)."""


def _dialect(document: dict[str, Any]) -> str | None:
    if swagger2.is_swagger2(document):
        return "2"
    version = str(document.get("openapi", ""))
    return "3.1" if version.startswith("3.1") else "3.0" if version.startswith("3.0") else None


def repair(document: dict[str, Any]) -> list[str]:
    """Repair `document` in place; one line per repair, each naming its JSON pointer."""
    repairs: list[str] = []
    dialect = _dialect(document)
    modern = dialect == "3.1"
    for key in [k for k in document if dialect and k not in TOP_LEVEL[dialect]]:
        if not str(key).startswith("x-"):
            repairs.append(f"{json_pointer([key])}: not a field of the document's root: dropped")
            del document[key]
    paths = document.get("paths")
    if isinstance(paths, dict) and any(not str(key).startswith("/") for key in paths):
        fixed: dict[str, Any] = {}
        for key, item in paths.items():
            if str(key).startswith("x-"):  # the validator's library fails on them
                repairs.append(f"{json_pointer(['paths', key])}: an extension, no path: dropped")
                continue
            spelled = key if str(key).startswith("/") else f"/{key}"
            if spelled != key:
                repairs.append(f"{json_pointer(['paths', key])}: a path starts with /: {spelled!r}")
            fixed.setdefault(spelled, item)
        document["paths"] = fixed
    if modern:
        repairs += _own_dialect(document)
    repairs += _variants_of_their_parent(document)
    repairs += _templated_queries(document)
    repairs += _template_names(document)
    repairs += _same_templates(document.get("paths"))
    roots = [
        *((document.get("components") or {}).get("schemas") or {}).values(),
        *(document.get("definitions") or {}).values(),
    ]
    for path, node in _walk(document, ()):
        if path and path[-1] == "schema" and isinstance(node, dict):
            roots.append(node)
        if isinstance(node.get("schema"), bool) and _holds_a_schema(path, node):
            node["schema"] = {} if node["schema"] else {"not": {}}  # as `_boolean_schemas`
        pattern = node.get("pattern")
        unslashed = _unslashed(pattern) if isinstance(pattern, str) else None
        if unslashed is not None:
            repairs.append(
                f"{json_pointer([*path, 'pattern'])}: {pattern!r} is written as a"
                f" JavaScript literal (`/.../`), which no string matches: read as {unslashed!r}"
            )
            node["pattern"] = pattern = unslashed
        if isinstance(pattern, str) and not portable(pattern):
            read = portable_pattern(pattern)
            where = json_pointer([*path, "pattern"])
            if read is None:
                del node["pattern"]
                repairs.append(
                    f"{where}: {pattern!r} is no regular expression both Python and"
                    " ECMA-262 read: dropped"
                )
            else:
                node["pattern"] = read
                repairs.append(f"{where}: {pattern!r} read as {read!r}")
        schema_node = bool(path) and path[-1] not in NAME_MAPS  # not a map of names
        if schema_node:
            wrong = [
                word
                for word, value in node.items()
                if word in KEYWORD_KINDS and not isinstance(value, KEYWORD_KINDS[word])
            ]
            for word in sorted(wrong, key=KEYWORD_ORDER.__getitem__) if wrong else ():
                repairs.append(
                    f"{json_pointer([*path, word])}: a schema's {word!r} cannot be"
                    f" {type(node[word]).__name__}: dropped"
                )
                del node[word]
        if schema_node and isinstance(node.get("enum"), list):
            repairs += _unique_enum(node, path)
            repairs += _enum_of_its_type(node, path, modern=modern)
        dialect_named = node.get("$schema")
        if schema_node and isinstance(dialect_named, str) and not _known_dialect(dialect_named):
            repairs.append(
                f"{json_pointer([*path, '$schema'])}: {dialect_named!r} is no JSON Schema"
                " dialect the validator knows: read in the document's own"
            )
            del node["$schema"]
        if schema_node and modern and not _boolean_exclusives(node.get("$schema")):
            repairs += _numeric_exclusives(node, path)
        if node.get("in") == "path" and "name" in node and node.get("required") is not True:
            repairs.append(f"{json_pointer([*path, 'required'])}: a path parameter is required")
            node["required"] = True
        if path and path[-1] == "responses" and node == {}:
            repairs.append(f"{json_pointer(path)}: no answer documented: a default one")
            node["default"] = {"description": "Undocumented"}
        if _server_variable(path):
            repairs += _variable_default(node, path)
        elif "default" in node and schema_node:
            problem = _refusal(document, node, node["default"], modern=modern)
            if problem is not None:
                repairs.append(f"{json_pointer([*path, 'default'])}: {problem}: dropped")
                del node["default"]
    _boolean_schemas(roots)
    return repairs


def _server_variable(path: tuple[Any, ...]) -> bool:
    """Whether the object at `path` is a server's variable (`servers/1/variables/env`), the
    document's, a path's or an operation's."""
    return len(path) >= 4 and path[-2] == "variables" and path[-4] == "servers"


def _variable_default(node: dict[str, Any], path: tuple[Any, ...]) -> list[str]:
    """A server variable's `default`, which OpenAPI requires, and one of its `enum` where it
    has one: where it is not (VTEX's `default: "{environment}"` beside two environments), its
    first choice; where it has none, its first choice or the empty text."""
    choices = node.get("enum")
    first = choices[0] if isinstance(choices, list) and choices else None
    if "default" not in node:
        node["default"] = "" if first is None else first
        return [f"{json_pointer([*path, 'default'])}: none given: {node['default']!r}"]
    if first is not None and node["default"] not in choices:
        given, node["default"] = node["default"], first
        return [f"{json_pointer([*path, 'default'])}: {given!r} is none of its enum: {first!r}"]
    return []


def _holds_a_schema(path: tuple[Any, ...], node: dict[str, Any]) -> bool:
    """Whether `node`'s `schema` is a schema object's place: a parameter's, a header's or a
    media type's (not a property named `schema`, nor an extension's)."""
    if "in" in node and "name" in node:
        return True
    return len(path) >= 2 and path[-2] in ("content", "headers")


CHOOSING = ("discriminator", "oneOf", "anyOf")


def _variants_of_their_parent(document: dict[str, Any]) -> list[str]:
    """A variant that includes its parent (`Child: {allOf: [{$ref: Parent}, ...]}`) where the
    parent chooses among its variants (a `discriminator`, a `oneOf` naming the child): the
    parent chooses the child, which holds the parent, which chooses again, and a validator
    recurses without end (Apple's SiriKit invocations). What the child means is its parent's
    own fields: it includes a copy of the parent without the choice."""
    schemas = (document.get("components") or {}).get("schemas")
    if not isinstance(schemas, dict):
        return []
    said: list[str] = []
    prefix = "#/components/schemas/"
    for name, parent in list(schemas.items()):
        if not isinstance(parent, dict) or not any(word in parent for word in CHOOSING):
            continue
        discriminator = parent.get("discriminator")
        mapping = discriminator.get("mapping") if isinstance(discriminator, dict) else None
        if isinstance(mapping, dict) and mapping and set(mapping.values()) == {prefix + name}:
            # Every value names the schema itself (SiriKit's invocations): no choice at all.
            del parent["discriminator"]
            said.append(
                f"{json_pointer(['components', 'schemas', name, 'discriminator'])}: maps every"
                " value to its own schema, which chooses again: dropped"
            )
            continue
        named = list(mapping.values()) if isinstance(mapping, dict) else []
        for word in ("oneOf", "anyOf"):
            named += [b.get("$ref") for b in parent.get(word) or [] if isinstance(b, dict)]
        base = None
        for reference in dict.fromkeys(r for r in named if isinstance(r, str)):
            child = (
                schemas.get(reference.removeprefix(prefix))
                if reference.startswith(prefix)
                else None
            )
            parts = child.get("allOf") if isinstance(child, dict) else None
            for index, part in enumerate(parts if isinstance(parts, list) else []):
                if part != {"$ref": prefix + name}:
                    continue
                if base is None:
                    base = _unique_schema_name(f"{name}Fields", schemas)
                    schemas[base] = {k: v for k, v in parent.items() if k not in CHOOSING}
                parts[index] = {"$ref": prefix + base}
                where = ["components", "schemas", reference.removeprefix(prefix), "allOf", index]
                said.append(
                    f"{json_pointer(where)}: includes {name!r}, which chooses it again: read"
                    f" as {name!r}'s own fields"
                )
    return said


def _unique_schema_name(wanted: str, schemas: dict[str, Any]) -> str:
    name, number = wanted, 2
    while name in schemas:
        name, number = f"{wanted}{number}", number + 1
    return name


OAS31_BASE_DIALECT = "https://spec.openapis.org/oas/3.1/dialect/base"


def _own_dialect(document: dict[str, Any]) -> list[str]:
    """A 3.1 document's `jsonSchemaDialect` other than 3.1's own is dropped, so the validator
    and the server read one dialect: the schemas that name none are read in 3.1's, where
    draft 4's boolean exclusives (the only words whose meaning changed) are rewritten as
    the bounds they mean (`_numeric_exclusives`)."""
    named = document.get("jsonSchemaDialect")
    if named is None or named == OAS31_BASE_DIALECT:
        return []
    del document["jsonSchemaDialect"]
    known = isinstance(named, str) and _known_dialect(named)
    return [
        f"{json_pointer(['jsonSchemaDialect'])}: {named!r}"
        + (
            ": its schemas read in 3.1's own dialect"
            if known
            else " is no JSON Schema dialect the validator knows: its schemas read in 3.1's own"
        )
    ]


def _unique_enum(node: dict[str, Any], path: tuple[Any, ...]) -> list[str]:
    """An enum that names a value twice (OpenFIGI's state codes) means its values once."""
    try:  # no two alike, as a set of (type, value) finds at once (a set joins no others)
        if len({(type(value), value) for value in node["enum"]}) == len(node["enum"]):
            return []
    except TypeError:  # a value no set holds (an object, a list): compared one by one
        pass
    kept: list[Any] = []
    for value in node["enum"]:
        if not any(value == other and type(value) is type(other) for other in kept):
            kept.append(value)
    if len(kept) == len(node["enum"]):
        return []
    twice = len(node["enum"]) - len(kept)
    node["enum"] = kept
    return [f"{json_pointer([*path, 'enum'])}: {twice} value(s) named twice: named once"]


def _enum_of_its_type(node: dict[str, Any], path: tuple[Any, ...], *, modern: bool) -> list[str]:
    """A choice not of the schema's own type (Zoom's `type: string, enum: [Group, 61]`) is
    no value of it: dropped, where others remain (none left: the validator's to judge)."""
    if node.get("type") == "string" and all(type(value) is str for value in node["enum"]):
        return []  # the usual enum, at once (Microsoft Graph's beta document has 19,000)
    fits = [_fits(value, node, modern=modern) for value in node["enum"]]
    if all(fits) or not any(fits):
        return []
    dropped = [value for value, fit in zip(node["enum"], fits, strict=True) if not fit]
    node["enum"] = [value for value, fit in zip(node["enum"], fits, strict=True) if fit]
    return [
        f"{json_pointer([*path, 'enum'])}: {', '.join(map(repr, dropped))} not of its"
        f" schema's type {node.get('type')!r}: dropped"
    ]


def _unslashed(pattern: str) -> str | None:
    """A pattern without the slashes that stand before its start anchor or after its end one
    outside brackets (PeerTube's `/^[a-z0-9._]+$/`, a JavaScript regex literal pasted whole):
    no string has text before its start or after its end, so they are the literal's
    delimiters, not characters. None where there are none.

    >>> _unslashed("/^[a-z0-9._]+$/"), _unslashed(".*/^[0-9]{12}$/.*"), _unslashed("[/^$/]")
    ('^[a-z0-9._]+$', '.*^[0-9]{12}$.*', None)
    """
    if "/^" not in pattern and "$/" not in pattern:
        return None  # no slash beside an anchor: nothing to read apart
    tokens = list(_tokens(pattern))
    kept = [
        token
        for index, (token, in_class) in enumerate(tokens)
        if not (
            token == "/"
            and not in_class
            and (
                (index + 1 < len(tokens) and tokens[index + 1] == ("^", False))
                or (index > 0 and tokens[index - 1] == ("$", False))
            )
        )
    ]
    return "".join(kept) if len(kept) < len(tokens) else None


def _numeric_exclusives(node: dict[str, Any], path: tuple[Any, ...]) -> list[str]:
    """3.0's (draft 4's) `exclusiveMaximum: true` beside `maximum`, in a 3.1 document (whose
    dialect gives the bound itself): the bound it means; a `false` means nothing."""
    said = []
    for word, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        value = node.get(word)
        if not isinstance(value, bool):
            continue
        if value and isinstance(node.get(bound), int | float):
            node[word] = node.pop(bound)
            said.append(f"{json_pointer([*path, word])}: true read as the {bound} it qualifies")
        else:
            del node[word]
            said.append(f"{json_pointer([*path, word])}: {value} is no bound in 3.1: dropped")
    return said


def _boolean_exclusives(uri: Any) -> bool:
    """Whether a schema's own `$schema` is a dialect whose exclusives are booleans (draft 4
    and before)."""
    from jsonschema import validators

    found = _validator_for(uri) if isinstance(uri, str) else None
    return found in (validators.Draft3Validator, validators.Draft4Validator)


def _known_dialect(uri: str) -> bool:
    return _validator_for(uri) is not None


@functools.cache
def _validator_for(uri: str) -> Any:
    """The validator class of the JSON Schema dialect `uri` names (None: none it knows)."""
    from jsonschema import validators

    return validators.validator_for({"$schema": uri}, default=None)


SCHEMA_MAPS = ("properties", "patternProperties", "dependentSchemas", "$defs", "definitions")
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
SCHEMA_ONES = ("items", "not", "contains", "if", "then", "else", "propertyNames")
SCHEMA_WORDS: dict[str, type | None] = {
    **dict.fromkeys(SCHEMA_MAPS, dict),
    **dict.fromkeys(SCHEMA_LISTS, list),
    **dict.fromkeys(SCHEMA_ONES, bool),
    "additionalProperties": object,
}
"""How `_boolean_schemas` reads each word: a map of schemas, a list of them, one schema
(which may be a boolean), or `additionalProperties` (a boolean there is every dialect's)."""


def _boolean_schemas(roots: list[Any]) -> None:
    """3.1's boolean schemas where a schema object is read (`properties: {x: false}`: x may
    not be there; `true`: anything) made the objects that mean the same (`{"not": {}}`,
    `{}`). `additionalProperties: false` is every dialect's and stays as it is."""
    seen: set[int] = set()
    stack = [node for node in roots if isinstance(node, dict)]

    def fixed(value: Any) -> Any:
        if isinstance(value, bool):
            return {} if value else {"not": {}}
        if isinstance(value, dict):
            stack.append(value)
        return value

    while stack:
        schema = stack.pop()
        if id(schema) in seen:
            continue
        seen.add(id(schema))
        # A schema's own words, each asked once (most name none of these): a value is
        # replaced under a word the loop already holds, which changes no dict's size.
        for word, value in schema.items():
            kind = SCHEMA_WORDS.get(word)
            if kind is None:
                continue
            if kind is dict:
                if isinstance(value, dict):
                    for name in list(value):
                        value[name] = fixed(value[name])
            elif kind is list:
                if isinstance(value, list):
                    schema[word] = [fixed(item) for item in value]
            elif kind is bool:
                schema[word] = fixed(value)
            elif isinstance(value, dict):  # additionalProperties: false stays as it is
                stack.append(value)


QUERY_TEMPLATE = re.compile(r"^([^=&{}]+)=\{([^}]+)\}$")


def _templated_queries(document: dict[str, Any]) -> list[str]:
    """A path key whose query part holds a template (Medium's `/search/articles?query={query}`)
    for a parameter its operations declare in the query: that part says nothing the parameter
    does not, and a validator reads the template as a path parameter nobody declares. It is
    left out of the key (kept as a bare name where the key without it is taken). A parameter
    declared in the path but templated there (icons8's) is the query parameter it is sent as."""
    paths = document.get("paths")
    if not isinstance(paths, dict) or not any("?" in str(key) for key in paths):
        return []
    said: list[str] = []
    fixed: dict[str, Any] = {}
    for key, item in paths.items():
        base, question, query = str(key).partition("?")
        if not question or not isinstance(item, dict):
            fixed[key] = item
            continue
        parameters = [
            parameter
            for operation in [item, *(v for v in item.values() if isinstance(v, dict))]
            for parameter in operation.get("parameters") or []
            if isinstance(parameter, dict)
        ]
        declared = {str(p.get("name")) for p in parameters if p.get("in") == "query"}
        in_path = {str(p.get("name")) for p in parameters if p.get("in") == "path"}
        parts = query.split("&")
        dropped = set()
        for number, part in enumerate(parts):
            found = QUERY_TEMPLATE.match(part)
            if not found or found[1] != found[2]:
                continue
            if found[1] in in_path and found[1] not in declared:
                # Declared in the path, templated in the query (icons8's `?term={term}`): the
                # value comes in the query, so it is a query parameter.
                for parameter in parameters:
                    if parameter.get("name") == found[1] and parameter.get("in") == "path":
                        parameter["in"] = "query"
                said.append(
                    f"{json_pointer(['paths', key])}: {found[1]!r} is declared in the path and"
                    " templated in the query: read as a query parameter"
                )
                declared.add(found[1])
            elif found[1] not in declared and found[1] not in in_path:
                # Declared nowhere (icons8's `latest?term={term}`): a query parameter of text.
                for operation in (v for m, v in item.items() if m in HTTP_METHODS):
                    if isinstance(operation, dict):
                        undeclared = {"name": found[1], "in": "query", "schema": {"type": "string"}}
                        operation.setdefault("parameters", []).append(undeclared)
                said.append(
                    f"{json_pointer(['paths', key])}: {found[1]!r} is templated in the query and"
                    " declared nowhere: read as an optional query parameter of text"
                )
                declared.add(found[1])
            if found[1] in declared:
                dropped.add(number)
        kept = [part for number, part in enumerate(parts) if number not in dropped]
        spelled = base + ("?" + "&".join(kept) if kept else "")
        if spelled != key and (spelled in paths or spelled in fixed):  # taken: a bare name
            bare = [part.split("=")[0] if n in dropped else part for n, part in enumerate(parts)]
            spelled = base + "?" + "&".join(bare)
        if spelled != key:
            said.append(
                f"{json_pointer(['paths', key])}: the query's template is its parameter's:"
                f" read as {spelled!r}"
            )
        fixed[spelled] = item
    document["paths"] = fixed
    return said


def _template_names(document: dict[str, Any]) -> list[str]:
    """A path template whose name holds a colon (IdealSpot's `{insight_id:}`): the validator and
    the router read what follows the colon as a format or a converter, so no parameter fills
    the name. It is read as the name before the colon, and a path parameter declared by the
    whole name is renamed to it."""
    paths = document.get("paths")
    if not isinstance(paths, dict) or not any(":" in str(key) for key in paths):
        return []
    said: list[str] = []
    fixed: dict[str, Any] = {}
    for key, item in paths.items():
        declared = _path_parameters(document, item)
        renamed: dict[str, str] = {}
        for name in TEMPLATE.findall(str(key)):
            plain = name.partition(":")[0]
            if (
                ":" in name
                and PLAIN_NAME.fullmatch(plain)
                and (plain not in declared or name not in declared)
            ):
                renamed[name] = plain
        spelled = str(key)
        for name, plain in renamed.items():
            spelled = spelled.replace("{" + name + "}", "{" + plain + "}")
        if spelled == key or spelled in paths or spelled in fixed:
            fixed[key] = item
            continue
        for name, plain in renamed.items():
            for parameter in declared.get(name, []):
                parameter["name"] = plain
        said.append(
            f"{json_pointer(['paths', key])}: a parameter's name holds a colon, read as a"
            f" format: read as {spelled!r}"
        )
        fixed[spelled] = item
    if said:
        document["paths"] = fixed
    return said


TEMPLATE = re.compile(r"\{([^{}]*)\}")
PLAIN_NAME = re.compile(r"[A-Za-z0-9_.\-]+")


def _path_parameters(document: dict[str, Any], item: Any) -> dict[str, list[dict[str, Any]]]:
    """The path parameters a path item and its operations declare, by name."""
    found: dict[str, list[dict[str, Any]]] = {}
    if not isinstance(item, dict):
        return found
    for operation in [item, *(v for v in item.values() if isinstance(v, dict))]:
        for parameter in operation.get("parameters") or []:
            parameter = resolve(document, parameter)
            if isinstance(parameter, dict) and parameter.get("in") == "path":
                found.setdefault(str(parameter.get("name")), []).append(parameter)
    return found


def _same_templates(paths: Any) -> list[str]:
    """Paths that differ only in their parameters' names (`/accounts/{id}` and
    `/accounts/{accountId}`): OpenAPI says they must not exist, as no request tells them
    apart; the first answers for both, said once per pair."""
    if not isinstance(paths, dict):
        return []
    first: dict[str, str] = {}
    said = []
    for key in paths:
        shape = path_shape(str(key))
        if shape in first and shape != key:
            said.append(
                f"{json_pointer(['paths', key])}: the same path as {first[shape]!r}"
                " (only its parameters' names differ): a method both have is answered by the first"
            )
        first.setdefault(shape, str(key))
    return said


def _refusal(
    document: dict[str, Any], schema: dict[str, Any], value: Any, *, modern: bool
) -> str | None:
    """Why a schema refuses its own default (its type, its format, its pattern), or None."""
    if not _fits(value, schema, modern=modern):
        return f"{value!r} is not of its schema's type {schema.get('type')!r}"
    from openapi_schema_validator import (
        OAS30Validator,
        OAS31Validator,
        oas30_format_checker,
        oas31_format_checker,
    )

    kind, checker = (
        (OAS31Validator, oas31_format_checker) if modern else (OAS30Validator, oas30_format_checker)
    )
    own = {k: v for k, v in schema.items() if k not in DATA_KEYS - {"enum", "const"}}
    rooted = {**own, "components": document.get("components") or {}}
    try:
        error = next(iter(kind(rooted, format_checker=checker).iter_errors(value)), None)
    except Exception:  # a schema the validator cannot read: the validator's to report
        return None
    return None if error is None else f"{value!r}: {error.message}"


def _walk(node: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Every object under `node` (data aside) with its path, parents first, in document
    order; an object's children are read after the caller had it (a repair may drop some).
    A loop, not a generator for each level: every object passed up through each of its
    ancestors' generators, and scalars were visited too (a sixth of Microsoft Graph's beta
    document's repair)."""
    stack: list[tuple[tuple[Any, ...], Any]] = [(path, node)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            yield path, node
            children = [
                ((*path, key), value)
                for key, value in node.items()
                if key not in DATA_KEYS and isinstance(value, (dict, list))
            ]
        elif isinstance(node, list):
            children = [
                ((*path, number), item)
                for number, item in enumerate(node)
                if isinstance(item, (dict, list))
            ]
        else:
            continue
        children.reverse()
        stack.extend(children)


def _compiles(pattern: str) -> bool:
    try:
        with warnings.catch_warnings():  # `[a&&b]`: read literally today; no noise at start
            warnings.simplefilter("ignore", FutureWarning)
            re.compile(pattern)
    except (re.error, OverflowError, RecursionError):
        return False
    return True


PYTHON_ONLY = re.compile(r"\\[AzZ]|\(\?P[<=]|\(\?<(?![=!])|\{\d+-\d+\}|\(\?[aiLmsux]+[):]")
"""What one of the two engines reads and the other does not: Python's anchors (`\\A`, `\\Z`)
and named groups (`(?P<name>`), JavaScript's (`(?<name>`), inline flags, and `{1-70}`."""


@functools.cache
def _ecma() -> Any:
    """An ECMA-262 check of a pattern, where the validator has one (jsonschema-rs, which
    openapi-spec-validator uses when it is installed); None without it."""
    try:
        import jsonschema_rs
    except ImportError:
        return None
    return jsonschema_rs.validator_for({"format": "regex"}, validate_formats=True)


def portable(pattern: str) -> bool:
    """Whether both Python's `re` (the server) and ECMA-262 (the document's dialect, and the
    validator's) read `pattern` alike."""
    if not _compiles(pattern) or PYTHON_ONLY.search(pattern):
        return False
    check = _ecma()
    return check is None or bool(check.is_valid(pattern))


def _fits(value: Any, schema: dict[str, Any], *, modern: bool) -> bool:
    """Whether a default is of its schema's type: a null only where the schema may be null
    (`nullable` in 3.0; a type of `null`, or none, in 3.1)."""
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if value is None:
        return schema.get("nullable") is True or "null" in kinds or (modern and kind is None)
    if not all(isinstance(k, str) and k in TYPES for k in kinds):
        return True  # untyped or odd schemas are the validator's to judge
    if isinstance(value, bool) and "boolean" not in kinds:
        return False
    return any(isinstance(value, TYPES[k]) for k in kinds)


PROPERTY_ESCAPE = re.compile(r"\\([pP])\{\^?([A-Za-z_&=]+)\}")
OUTSIDE_TOKENS = (NAMED_GROUP, WRITTEN_SPAN, QUANTIFIER)


def _tokens(pattern: str) -> Iterator[tuple[str, bool]]:
    """A pattern's parts, each with whether it lies inside brackets: an escape (a property
    class `\\p{L}` whole), a bracket (`[` with a `]` or `^]` that opens it, read literally in
    every dialect), and outside brackets a named group's opening, a brace span
    (`{2,3}`, `{1-70}`); otherwise one character.

    >>> list(_tokens(r"[\\d]{1,2}"))
    [('[', True), ('\\\\d', True), (']', False), ('{1,2}', False)]
    """
    in_class = False
    position = 0
    while position < len(pattern):
        char = pattern[position]
        if char == "\\" and position + 1 < len(pattern):
            found = PROPERTY_ESCAPE.match(pattern, position)
            end = found.end() if found else position + 2
            yield pattern[position:end], in_class
            position = end
            continue
        if char == "[" and not in_class:
            in_class = True
            literal = next(
                (lit for lit in ("^]", "]", "^") if pattern.startswith(lit, position + 1)), ""
            )
            yield char + literal, True
            position += 1 + len(literal)
            continue
        if in_class and (posix := POSIX_CLASS.match(pattern, position)):
            yield posix.group(0), True  # `[:alnum:]`, whole
            position = posix.end()
            continue
        if char == "]" and in_class:
            in_class = False
            yield char, False
            position += 1
            continue
        if not in_class:
            found = next((m for t in OUTSIDE_TOKENS if (m := t.match(pattern, position))), None)
            if found is not None:
                yield found.group(0), False
                position = found.end()
                continue
        yield char, in_class
        position += 1


def portable_pattern(pattern: str) -> str | None:
    """`pattern` as both Python's `re` and ECMA-262 read it, or None where no nearest reading
    exists: Unicode property classes as the nearest classes, the string's very start and end
    as `^` and `$`, named groups as plain ones, `{1-70}` as `{1,70}`.

    >>> tag = portable_pattern(r"^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$")
    >>> bool(re.match(tag, "Größe 1:a")), bool(re.match(tag, "a;b"))
    (True, False)
    >>> spaced = portable_pattern(r"^[\\p{L}\\p{Z}]+$")  # White_Space: a tab, a form feed too
    >>> bool(re.match(spaced, "a\\tb\\x0cc d")), bool(re.match(spaced, "a\\x00"))
    (True, False)
    >>> upper_then_no_digits = portable_pattern(r"^\\p{Lu}\\P{N}+$")
    >>> bool(re.match(upper_then_no_digits, "Éclair")), bool(re.match(upper_then_no_digits, "A1"))
    (True, False)
    >>> portable_pattern(r"(?<year>\\d{4})-(?P<month>\\d\\d)")
    '(?:\\\\d{4})-(?:\\\\d\\\\d)'
    >>> portable_pattern(r"[\\P{L}]") is None
    True
    >>> portable_pattern(r"\\A\\d+\\z"), portable_pattern("[a-z]{1-70}")
    ('^\\\\d+$', '[a-z]{1,70}')
    >>> portable_pattern(r"^(\\[[[:alnum:]\\/\\_]+\\])?$")
    '^(\\\\[[a-zA-Z0-9\\\\/\\\\_]+\\\\])?$'
    """
    read: list[str] = []
    for token, in_class in _tokens(pattern):
        property_class = PROPERTY_ESCAPE.fullmatch(token)
        if property_class:
            name = property_class.group(2).split("=")[-1]
            negated = (property_class.group(1) == "P") != token[2:].startswith("{^")
            inside, outside = PROPERTY_CLASSES.get(name.lstrip("^"), (None, None))
            if inside is None or (negated and in_class):
                return _literally(pattern)
            read.append(f"[^{inside}]" if negated else inside if in_class else outside)
        elif token.startswith("\\"):
            read.append(ESCAPES.get(token[1:], token))
        elif in_class and (posix := POSIX_CLASS.fullmatch(token)):
            if posix.group(1) not in POSIX_CLASSES:
                return _literally(pattern)
            read.append(POSIX_CLASSES[posix.group(1)])
        elif in_class:
            read.append(token)
        elif NAMED_GROUP.fullmatch(token):
            read.append("(?:")  # a named group, either engine's spelling: a plain group
        elif spans := WRITTEN_SPAN.fullmatch(token):
            read.append(f"{{{spans.group(1)},{spans.group(2)}}}")
        elif token in "{}":
            read.append("\\" + token)  # a literal brace, which ECMA-262 wants escaped
        else:
            read.append(token)
    result = "".join(read)
    return result if portable(result) else _literally(pattern)


def _literally(pattern: str) -> str | None:
    """A Java class intersection (`[\\p{Print}&&[^|:/]]`), which neither engine reads as
    Java does, as ECMA-262 without its `u` flag reads it (and Schemathesis): a class of its
    characters, `\\p{Print}` being `p{Print}`, a `[` or `&&` itself, then a literal `]`. Of a
    property's characters only those it holds are kept, so that what the mock accepts and
    sends, every reader accepts. None for any other pattern, a negated class (keeping fewer
    characters would accept more), or a property outside brackets or of a name this module
    does not know.

    >>> print(_literally(r"[\\p{Print}&&[^|:/]]+"), _literally(r"[\\P{L}&&[^a]]"))
    [p{Print}\\&\\&\\[^|:/]\\]+ [{}\\&\\&\\[^a]\\]
    >>> _literally(r"[\\p{N}||\\p{P}]+"), _literally(r"[^\\p{Lu}&&[^A]]")  # no `&&`; negated
    (None, None)
    """
    read: list[str] = []
    was_in_class = intersects = False
    for token, in_class in _tokens(pattern):
        opens, closes = in_class and not was_in_class, was_in_class and not in_class
        was_in_class = in_class
        if opens and token.startswith("[^"):
            return None
        property_class = PROPERTY_ESCAPE.fullmatch(token)
        if property_class:
            name = property_class.group(2).split("=")[-1]
            inside = PROPERTY_CLASSES.get(name.lstrip("^"), (None,))[0]
            if not in_class or inside is None:
                return None
            holds = re.compile(f"[{inside}]")
            negated = (property_class.group(1) == "P") != token[2:].startswith("{^")
            read.append("".join(c for c in token[1:] if bool(holds.match(c)) != negated))
        elif (in_class and not opens and token in ("[", "&")) or (token == "]" and not closes):
            intersects = intersects or (token == "&" and read[-1:] == ["\\&"])
            read.append("\\" + token)
        else:
            read.append(token)
    result = "".join(read)
    return result if intersects and portable(result) else None


POSIX_CLASS = re.compile(r"\[:(\w+):\]")
POSIX_CLASSES = {
    "alnum": "a-zA-Z0-9",
    "alpha": "a-zA-Z",
    "digit": "0-9",
    "lower": "a-z",
    "upper": "A-Z",
    "xdigit": "0-9A-Fa-f",
    "word": "A-Za-z0-9_",
    "space": " \\t\\n\\r\\f\\v",
    "blank": " \\t",
    "punct": "!-\\/:-@\\[-`{-~",
    "cntrl": "\\x00-\\x1f\\x7f",
    "print": " -~",
    "graph": "!-~",
}
"""POSIX's bracket classes (`[[:alnum:]_]`, AWS's time zone names), which neither Python nor
ECMA-262 reads, as the ASCII ranges they name."""
ECMA_SPACE = (
    "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
)
ECMA_CLASSES = {
    "d": ("0-9", "[0-9]"),
    "w": ("A-Za-z0-9_", "[A-Za-z0-9_]"),
    "s": (ECMA_SPACE, f"[{ECMA_SPACE}]"),
    "D": (None, "[^0-9]"),
    "W": (None, "[^A-Za-z0-9_]"),
    "S": (r"\S\x1c-\x1f\x85", f"[^{ECMA_SPACE}]"),
}
"""ECMA-262's `\\d`, `\\w` and `\\s` (ASCII digits and word characters, its own white space), as
Python's `re` must spell them: its own mean every script's digits and letters, and count
`\\x1c`-`\\x1f` as space (inside brackets, Python's with what ECMA-262 adds to it, so AWS's
`[\\s\\S]+` takes every string; `None`: Python's, the nearest)."""


NESTED_REPEAT = re.compile(
    r"(?<!\\)\((\?:)?((?:\[\^?\]?(?:\\.|[^\]\\])*\]|\\.|[^()\\|*+?{}\[\]^$]))([*+])\)([*+])(?![?+])"
)
"""A group that repeats one repeated atom, `([\\w.-]*)*`: a classic catastrophic backtrack."""


def defused(pattern: str) -> str:
    """`pattern` with each group that repeats one repeated atom (`([\\w.-]*)*`) read as the
    single repeat it means (`([\\w.-]*)`): the same strings, without the backtracking that
    takes exponential time on a string the pattern refuses (BeezUP's URL pattern held the
    server for minutes on a URL with a query string).

    >>> print(defused(r"^([\\da-z\\.-]+)\\.([a-z\\.]{2,6})([\\/\\w \\.-]*)*\\/?$"))
    ^([\\da-z\\.-]+)\\.([a-z\\.]{2,6})([\\/\\w \\.-]*)\\/?$
    >>> print(defused(r"(?:a+)+b"), defused(r"(a+)*"), defused(r"\\(a*\\)*"))
    (?:a+)b (a*) \\(a*\\)*
    """

    def single(found: re.Match[str]) -> str:
        star = "+" if found[3] == found[4] == "+" else "*"
        return f"({found[1] or ''}{found[2]}{star})"

    return NESTED_REPEAT.sub(single, pattern)


@functools.lru_cache(maxsize=4096)
def ecma_regex(pattern: str) -> re.Pattern[str]:
    """`pattern` compiled to match what ECMA-262 matches (JSON Schema's `pattern`), where the
    two differ in their classes.

    >>> bool(ecma_regex(r"^\\S{3}$").match("a\\x1eb")), bool(re.match(r"^\\S{3}$", "a\\x1eb"))
    (True, False)
    >>> bool(ecma_regex(r"^\\d+$").match("٣")), bool(ecma_regex(r"^[\\s\\S]+$").match("a\\x1c"))
    (False, True)

    A pattern `re` cannot read as written (a Unicode property class, `\\p{L}`) is read as its
    nearest portable reading (`portable_pattern`); one with none matches every string, as a
    validator that cannot read a pattern has nothing to refuse.

    >>> bool(ecma_regex(r"^[\\p{L}]+$").match("Größe")), bool(ecma_regex(r"(?<=a").match("z"))
    (True, True)
    """
    read: list[str] = []
    for token, in_class in _tokens(pattern):
        inside, outside = (
            ECMA_CLASSES.get(token[1:], (None, None)) if token[:1] == "\\" else (None, None)
        )
        read.append((inside if in_class else outside) or token)
    for candidate in ("".join(read), pattern, portable_pattern(pattern) or ""):
        try:
            return re.compile(defused(candidate))
        except re.error:
            continue
    return re.compile("")
