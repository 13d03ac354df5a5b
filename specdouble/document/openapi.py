"""Reading an OpenAPI document: loading it, checking it, and looking things up in it."""

from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
import json
import logging
import marshal
import os
import re
import signal
import sys
import threading
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import orjson
import yaml

from specdouble.document import bundle, swagger2
from specdouble.document.files import write_atomically

Schema = Mapping[str, Any]
try:  # LibYAML's parser, where PyYAML was built with it, is about ten times faster
    YAML_LOADER: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    YAML_LOADER = yaml.SafeLoader
READ_AS_VALUES = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("int", "float", "bool", "null", "timestamp")
)


class DocumentLoader(YAML_LOADER):  # type: ignore[misc,valid-type]
    """YAML as an OpenAPI document means it: every key a string, as written. A plain YAML
    reader makes `200:` a number and `on:` a boolean, which JSON Schema validators and
    routers cannot take (a response keyed `200` ended the start in a traceback)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)  # merge keys (`<<`) first: their keys are keys too
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag in READ_AS_VALUES:
                key: Any = key_node.value  # the text written; the node (an alias's too) unchanged
            else:
                key = self.construct_object(key_node, deep=deep)
                try:
                    hash(key)
                except TypeError as error:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        "found unhashable key",
                        key_node.start_mark,
                    ) from error
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


MAX_REPORTED_REPAIRS = 20
"""Repairs reported one by one at start; past that, how many more."""
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


CACHE_FORMAT = b"9\n"
"""Changes when what the cache keeps for a file changes (2: Swagger 2.0 kept converted)."""


@functools.cache
def _cache_format() -> bytes:
    """What the cache keeps is made by this layer's modules (this one, lenient, swagger2,
    bundle, ...): a change to any of them, or to the Python reading them, is a new entry."""
    digest = hashlib.sha256(CACHE_FORMAT + sys.version.encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.digest()


class SpecError(Exception):
    """The document cannot be read or is not valid OpenAPI; the message says where and why."""


def load(path: Path) -> dict[str, Any]:
    """Read a YAML or JSON document."""
    return parse(read(path), source=path)


def read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise SpecError(f"{path}: cannot read: {error.strerror}") from error


DIGITS_AS_ZERO = bytes(0x30 if 0x30 <= byte <= 0x39 else 0x20 for byte in range(256))
LONG_NUMBER = b"0" * 19
"""Digits enough for a number past 64 bits, which orjson would read as a float (looked for
in the text with every digit a `0`: a regular expression took half a second of 47 MB)."""


def loads_json(raw: bytes) -> Any:
    """`json.loads`, through orjson (a quarter faster: 0.3 s of Microsoft Graph's beta
    document, 47 MB) wherever it reads the same: not where a number may pass 64 bits, nor text only
    `json` reads (`NaN`, a byte-order mark, UTF-16), which orjson refuses.

    >>> loads_json(b'{"a": [1, 2.5, "x"]}'), loads_json(b'[123456789012345678901]')
    ({'a': [1, 2.5, 'x']}, [123456789012345678901])
    >>> loads_json(b'[NaN]')
    [nan]
    """
    if LONG_NUMBER not in raw.translate(DIGITS_AS_ZERO):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass  # read by json, which reads more or says where it is wrong
    return json.loads(raw)


def parse(raw: bytes, *, source: Path) -> dict[str, Any]:
    try:
        if source.suffix == ".json":
            document = loads_json(raw)
        else:
            document = yaml.load(raw, Loader=DocumentLoader)
    except json.JSONDecodeError as error:
        raise SpecError(f"{source}: not JSON: {error}") from error
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "cannot parse"
        raise SpecError(f"{source}: not YAML: {problem}{where}") from error
    if not isinstance(document, dict):
        raise SpecError(f"{source}: the document is not a mapping")
    return document


def check(document: Mapping[str, Any], *, source: str) -> None:
    """Raise `SpecError` naming the JSON path of the first problem, if the document is invalid."""
    # Imported here: it takes a third of a second, and a cached document never needs it.
    from jsonschema_path import SchemaPath
    from openapi_spec_validator.settings import OpenAPISpecValidatorSettings
    from openapi_spec_validator.shortcuts import get_validator_cls
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

    quicken_validator()
    if "openapi" not in document and "swagger" not in document:
        raise SpecError(
            f"{source}: not an OpenAPI document (it has no 'openapi' or 'swagger' field)"
        )
    try:
        # As the library's `validate`, but past what it refuses and OpenAPI allows.
        plain = dict(document)
        limit = OpenAPISpecValidatorSettings().resolved_cache_maxsize
        validator = get_validator_cls(plain)(
            SchemaPath.from_dict(plain, resolved_cache_maxsize=limit)
        )
        for error in validator.iter_errors():
            if not waived(error):
                raise error
    except OpenAPIValidationError as error:
        reason = error.message.strip().splitlines()[0]
        raise SpecError(f"{source}: {json_pointer(error.absolute_path)}: {reason}") from error
    except Exception as error:  # the validator raises plain errors for unresolvable refs
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise SpecError(f"{source}: {reason}") from error


def waived(error: Exception) -> bool:
    """Whether openapi-spec-validator refuses what OpenAPI and JSON Schema allow: "Required
    list has not defined properties" (Shipengine: `required` may name a property that only
    the schema's `oneOf` defines, or none, which is then any value the schema lets through)."""
    from openapi_spec_validator.validation.exceptions import ExtraParametersError

    return isinstance(error, ExtraParametersError)


class _Visited(list):  # type: ignore[type-arg]
    """A list whose membership test is a set's (a list's where it holds what no set can)."""

    def __init__(self) -> None:
        super().__init__()
        self._ids: set[Any] = set()
        self._unhashable = False

    def append(self, value: Any) -> None:
        try:
            self._ids.add(value)
        except TypeError:
            self._unhashable = True
        super().append(value)

    def __contains__(self, value: object) -> bool:
        if self._unhashable:
            return super().__contains__(value)
        try:
            return value in self._ids
        except TypeError:
            return super().__contains__(value)


def quicken_validator() -> None:
    """openapi-spec-validator, made to reach the same verdicts sooner on large documents."""
    remember_visits_by_set()
    meta_check_in_rust_first()
    step_into_plain_containers_at_once()
    resolve_paths_from_their_parent()
    check_shared_nodes_once()


SHARED_NODE_VALIDATORS = ("ParameterValidator", "ResponseValidator")
"""The validators of openapi-spec-validator whose verdict on a node is the node's alone (not
its place's): each of their subclasses is read on its own."""


def check_shared_nodes_once() -> None:
    """A parameter or an answer that many operations name by reference (Microsoft Graph's
    `$top` or its error answer, thousands of times) is walked by openapi-spec-validator at
    each place, to the same verdict: its checks read only the node (its schema, its content,
    its default), and schemas it visited it skips already. A node that passed is not walked
    again; one that did not is, wherever met (so the first refusal is the library's own)."""
    from openapi_spec_validator.validation import keywords

    for name in dir(keywords):
        validator = getattr(keywords, name)
        if not (
            isinstance(validator, type)
            and issubclass(validator, keywords.KeywordValidator)
            and any(name.endswith(shared) for shared in SHARED_NODE_VALIDATORS)
            and "__call__" in vars(validator)
            and not getattr(validator.__call__, "_once", False)
        ):
            continue
        validator._each_time = validator.__call__  # type: ignore[attr-defined]
        validator.__call__ = _once(validator.__call__)  # type: ignore[method-assign,operator]


def _once(check: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
    @functools.wraps(check)
    def once(self: Any, *arguments: Any) -> Iterator[Any]:
        node = arguments[-1]  # the parameter, or the answer (after its status code)
        try:
            contents = node.accessor[node.parts]
        except Exception:  # a node it cannot read: the library's to say why
            contents = None
        # By check: a subclass's adds to its parent's (Swagger 2's parameter default).
        passed: dict[int, Any] = self.__dict__.setdefault("_passed", {}).setdefault(check, {})
        if contents is not None and id(contents) in passed:
            return
        refused = False
        for error in check(self, *arguments):
            refused = True
            yield error
        if contents is not None and not refused:
            passed[id(contents)] = contents  # kept: its id is not given to another node

    once._once = True  # type: ignore[attr-defined]
    return once


def meta_check_in_rust_first() -> None:
    """openapi-spec-validator checks each schema of a 3.0 document against JSON Schema's
    draft 4 meta-schema with Python's jsonschema (half of its time on GitHub's document; the
    whole document it checks with jsonschema-rs by default). Where it would use jsonschema-rs,
    the same meta-schema's structure is checked with it first, and the one format the
    meta-schema names (`pattern`: a regular expression) with the validator's own format
    checker; a schema either refuses, or that Rust might read otherwise than Python (a
    cycle, very deep nesting, enum numbers past 2**53), meets the original check, which
    says why in its own words."""
    from openapi_spec_validator.validation import keywords

    validator = keywords.OpenAPIV30SchemaValidator
    if getattr(validator, "_meta_check_in_rust_first", False):
        return
    original = validator._get_schema_checker

    def checker(self: Any, schema: Any, schema_value: Any) -> Callable[[Any], None]:
        exact = original(self, schema, schema_value)
        quick = _draft4_quick_check()
        if quick is None:
            return exact
        structure, conforms = quick

        def check(value: Any) -> None:
            try:
                valid = bool(structure.is_valid(value))
            except (ValueError, TypeError, OverflowError):  # a value Rust cannot take
                valid = False
            if not valid or not _plainly_formatted(value, conforms):
                exact(value)

        return check

    validator._get_schema_checker = checker  # type: ignore[method-assign]
    validator._exact_schema_checker = original  # type: ignore[attr-defined]
    validator._meta_check_in_rust_first = True  # type: ignore[attr-defined]


@functools.cache
def _draft4_quick_check() -> tuple[Any, Callable[[Any, str], bool]] | None:
    """jsonschema-rs's validator of the meta-schema 3.0 schemas are checked against (formats
    aside) and the format checker the original check uses; None where openapi-spec-validator
    is set to use Python's jsonschema only, or jsonschema-rs is missing."""
    try:
        import jsonschema_rs
        from openapi_schema_validator import OAS30Validator
        from openapi_spec_validator.schemas.backend import get_schema_validator_backend
    except ImportError:
        return None
    if get_schema_validator_backend() == "jsonschema":
        return None
    structure = jsonschema_rs.validator_for(OAS30Validator.META_SCHEMA, validate_formats=False)
    return structure, OAS30Validator.FORMAT_CHECKER.conforms


DRAFT4_SCHEMA_WORDS = ("not", "items", "additionalItems", "additionalProperties")
DRAFT4_SCHEMA_MAPS = ("properties", "patternProperties", "definitions", "dependencies")
DRAFT4_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "items")
QUICK_CHECK_DEPTH = 32
"""Subschemas nested deeper than this go to the original check (Python's recursion limit
ends it somewhere past 100, where Rust's does not)."""
EXACT_FLOATS = 2**53


def _plainly_formatted(schema: Any, conforms: Callable[[Any, str], bool]) -> bool:
    """Whether a schema's every `pattern`, where draft 4's meta-schema reads one (the schema
    and its subschemas, as its keywords name them), is a regular expression to `conforms`,
    and nothing in it may be read otherwise by the two validators: a schema that holds
    itself, subschemas nested past `QUICK_CHECK_DEPTH`, or an `enum` number past 2**53 (an
    integer and a float Python finds equal, Rust may not)."""
    heights: dict[int, int] = {}

    def height(node: Any, ancestors: frozenset[int]) -> int | None:
        if not isinstance(node, dict):
            return 0
        if id(node) in ancestors or len(ancestors) > QUICK_CHECK_DEPTH:
            return None
        if id(node) in heights:  # met before, elsewhere: as deep from here?
            known = heights[id(node)]
            return known if len(ancestors) + known <= QUICK_CHECK_DEPTH else None
        pattern = node.get("pattern")
        if isinstance(pattern, str) and not conforms(pattern, "regex"):
            return None
        if "enum" in node and _inexact_numbers(node["enum"]):
            return None
        parts = [node[word] for word in DRAFT4_SCHEMA_WORDS if word in node]
        for word in DRAFT4_SCHEMA_MAPS:
            if isinstance(node.get(word), dict):
                parts.extend(node[word].values())
        for word in DRAFT4_SCHEMA_LISTS:
            if isinstance(node.get(word), list):
                parts.extend(node[word])
        inner = ancestors | {id(node)}
        tallest = 0
        for part in parts:
            found = height(part, inner)
            if found is None:
                return None
            tallest = max(tallest, found)
        heights[id(node)] = tallest + 1
        return tallest + 1

    found = height(schema, frozenset())
    return found is not None


def _inexact_numbers(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return not -EXACT_FLOATS < value < EXACT_FLOATS
    if isinstance(value, dict):
        return any(_inexact_numbers(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_inexact_numbers(item) for item in value)
    return False


def remember_visits_by_set() -> None:
    """openapi-spec-validator 0.9 keeps the schemas it visited and meta-checked, and the
    operation ids it met, in lists, so each visit scans them: validation grows with the
    square of a document's schemas (9 of the 13 s GitHub's document took). The same lists,
    asked through a set."""
    from openapi_spec_validator.validation import keywords

    validator = keywords.SchemaValidator
    if getattr(validator, "_visits_by_set", False):
        return
    original = validator.__init__

    def init(self: Any, registry: Any) -> None:
        original(self, registry)
        if isinstance(self.visited_schema_ids, list):
            self.visited_schema_ids = _Visited()
        if isinstance(self.meta_checked_schema_ids, list):
            self.meta_checked_schema_ids = _Visited()

    validator.__init__ = init  # type: ignore[method-assign]
    validator._visits_by_set = True  # type: ignore[attr-defined]
    # Each operation's id is looked for among all before it, in a list too (2 s of Microsoft
    # Graph's 11,422 operations).
    operations = keywords.OperationValidator
    original_operations = operations.__init__

    def init_operations(self: Any, registry: Any) -> None:
        original_operations(self, registry)
        if isinstance(self.operation_ids_registry, list):
            self.operation_ids_registry = _Visited()

    operations.__init__ = init_operations  # type: ignore[method-assign]
    operations._list_init = original_operations  # type: ignore[attr-defined]


def step_into_plain_containers_at_once() -> None:
    """pathable, which walks the document for openapi-spec-validator, asks at each step
    whether the node is `Subscriptable`, a runtime-checked Protocol (microseconds a question
    in Python 3.11: about 4 s of Microsoft Graph's check). A dict or a list is: stepped into
    at once, with the same errors; any other node is asked as before."""
    from pathable.accessors import SubscriptableAccessor

    if getattr(SubscriptableAccessor, "_plain_at_once", False):
        return
    original = SubscriptableAccessor._get_subnode.__func__  # type: ignore[attr-defined]

    def step(cls: Any, node: Any, part: Any) -> Any:
        if type(node) is dict or type(node) is list:
            try:
                return node[part]
            except (KeyError, IndexError, TypeError) as error:
                raise KeyError(part) from error
        return original(cls, node, part)

    SubscriptableAccessor._get_subnode = classmethod(step)  # type: ignore[method-assign,assignment]
    SubscriptableAccessor._plain_at_once = True  # type: ignore[attr-defined]
    SubscriptableAccessor._asking_step = classmethod(original)  # type: ignore[attr-defined]


def resolve_paths_from_their_parent() -> None:
    """jsonschema-path resolves each node the validator reads by its path from the root,
    starting at the longest prefix it has resolved; but it keeps a path it was asked for in
    a cache of 128, not among the prefixes, so a node's children walked again from further
    up (a million lookups for Microsoft Graph, a seventh of its check). A path is kept
    among the prefixes too, and a path whose parent is kept takes the one step the library
    would take from it; any other path (the first, one whose resources have grown since)
    goes the library's way, and is kept."""
    from jsonschema_path.accessors import SchemaAccessor
    from jsonschema_path.caches import PrefixResolvedCache
    from jsonschema_path.nodes import SchemaNode
    from jsonschema_path.resolvers import CachedPathResolver

    if getattr(SchemaAccessor, "_from_parent", False):
        return
    if not (
        hasattr(PrefixResolvedCache(), "_cache")
        and hasattr(CachedPathResolver, "_sync_registry")
        and hasattr(SchemaNode, "_resolve_node")
    ):
        return  # another jsonschema-path than the one read here: left as it is
    original = SchemaAccessor.get_resolved

    def get_resolved(self: Any, parts: Sequence[Any]) -> Any:
        paths = self._path_resolver
        kept = paths.prefix_cache._cache
        registry = paths.resolver._registry
        key = tuple(parts)
        found = kept.get(key)
        if found is not None and found.resolver._registry is registry:
            return found
        parent = kept.get(key[:-1]) if key else None
        if parent is not None and parent.resolver._registry is registry:
            found = SchemaNode._resolve_node(
                SchemaNode._get_subnode(parent.contents, key[-1]), parent.resolver
            )
            paths._sync_registry(found.resolver._registry)  # as the library's `resolve` does
        else:
            found = original(self, parts)
        kept[key] = found
        return found

    SchemaAccessor.get_resolved = get_resolved  # type: ignore[method-assign]
    SchemaAccessor._from_parent = True  # type: ignore[attr-defined]
    SchemaAccessor._from_the_root = original  # type: ignore[attr-defined]


def json_pointer(parts: Iterable[Any]) -> str:
    """Where in the document, as a JSON pointer.

    >>> json_pointer(["paths", "/x/", "get"])
    '#/paths/~1x~1/get'
    """
    escaped = (str(part).replace("~", "~0").replace("/", "~1") for part in parts)
    return "#/" + "/".join(escaped)


def load_checked(path: Path, *, cache: Path | None = None) -> dict[str, Any]:
    """Load and check a document; with a cache folder, each version is checked only once.

    The cache holds the parsed document as JSON under the SHA-256 of the file's bytes, so an
    edited file is parsed and checked again, and a known one loads in milliseconds. A document
    whose `$ref`s lead to other files is bundled into one (`bundle.py`) and not cached.
    """
    document, _ = load_checking(path, cache=cache, aside=False)
    return document


def load_checking(
    path: Path, *, cache: Path | None = None, aside: bool = True, raw: bytes | None = None
) -> tuple[dict[str, Any], Verdict]:
    """`load_checked`, where a large document's check (seconds: Microsoft Graph's takes 5)
    may go on in a second process while the caller builds on the document; the caller waits
    for the verdict (`Verdict.wait`, which raises a refusal's `SpecError`) before it serves,
    and before it reports an error of its own. The other process writes the cache entry,
    of the document as the check saw it; the repairs are reported once it passed. `raw`:
    the file's bytes, where the caller read them already."""
    raw = read(path) if raw is None else raw
    cached = cache_entry(raw, cache)
    if cached is not None and cached.is_file():
        try:
            document = loads_json(cached.read_bytes())
        except ValueError:
            pass  # a damaged cache entry: parse again
        else:
            repairs = document.pop(REPAIRS, [])
            report_repairs(path, repairs)
            return document, Verdict(repairs=repairs, entry=cached)
    document, split, repairs = _repaired(raw, path)
    entry = None if split else cached

    def settle(checked: dict[str, Any]) -> dict[str, Any]:
        check(checked, source=str(path))
        return swagger2.convert(checked) if swagger2.is_swagger2(checked) else checked

    def keep(converted: dict[str, Any]) -> None:
        if entry is not None:
            # No cache (a read-only home, values JSON cannot hold): still served.
            with contextlib.suppress(OSError, TypeError, ValueError):
                write_atomically(entry, json.dumps({**converted, REPAIRS: repairs}).encode())

    if not (aside and len(raw) >= ASIDE_BYTES and _may_fork()):
        document = settle(document)
        keep(document)
        report_repairs(path, repairs)
        return document, Verdict(repairs=repairs, entry=entry)
    # Checked again, where the other process ends without a verdict, as read anew: by then
    # this one has built on its document.
    verdict = Verdict.aside(
        lambda: settle(document),
        then=keep,
        redo=lambda: check(_repaired(raw, path)[0], source=str(path)),
        passed=lambda: report_repairs(path, repairs),
        repairs=repairs,
        entry=entry,
    )
    if swagger2.is_swagger2(document):
        with verdict.awaited_on_error():  # a converter's error on an invalid one: its refusal
            document = swagger2.convert(document)
    return document, verdict


def cache_entry(raw: bytes, cache: Path | None) -> Path | None:
    """Where the cache keeps a document of these bytes once it passed its check (it may not
    be there yet; None: no cache)."""
    if cache is None:
        return None
    digest = hashlib.sha256(_cache_format())
    digest.update(raw)  # not joined first: a copy of Microsoft Graph's 47 MB took 0.03 s
    return cache / f"{digest.hexdigest()}.json"


def _repaired(raw: bytes, path: Path) -> tuple[dict[str, Any], bool, list[str]]:
    """The document parsed, made one where its references lead to other files, and
    repaired: (it, whether it was over several files, the repairs)."""
    from specdouble.document import lenient  # it reads JSON pointers from this module

    document = parse(raw, source=path)
    split = bundle.has_external_refs(document)
    if split:  # over several files: made one first (and not cached: the others can change)
        try:
            document = bundle.bundle(document, path, load)
        except bundle.BundleError as error:
            raise SpecError(str(error)) from error
    return document, split, lenient.repair(document)


ASIDE_BYTES = 1 << 20
"""A document this large (GitHub's is 5.7 MB) is checked in a second process: its check takes
seconds, a smaller one's less than the process would cost."""


def _may_fork() -> bool:
    """Whether this process can be forked safely: it can fork, and runs no other thread (a
    lock another thread holds would stay held in the child)."""
    return hasattr(os, "fork") and threading.active_count() == 1


class Verdict:
    """A document's check: passed already, or under way in a forked process (`aside`)."""

    PASSED = b"passed"

    def __init__(
        self,
        pid: int | None = None,
        pipe: int | None = None,
        redo: Callable[[], None] | None = None,
        passed: Callable[[], None] | None = None,
        repairs: Sequence[str] = (),
        entry: Path | None = None,
    ) -> None:
        self._pid, self._pipe, self._redo = pid, pipe, redo
        self._passed: list[Callable[[], None]] = [passed] if passed else []
        self._abandoned = False
        self.repairs = tuple(repairs)
        """The repairs made to the document (`lenient`), reported once it passed."""
        self.entry = entry
        """The cache entry of the bytes that were read, once the document passed (None: not
        kept: no cache, or a document over several files); it may still be missing where
        the entry could not be written."""

    @classmethod
    def aside(
        cls,
        settle: Callable[[], Any],
        *,
        then: Callable[[Any], None] = lambda _settled: None,
        redo: Callable[[], None],
        passed: Callable[[], None],
        repairs: Sequence[str] = (),
        entry: Path | None = None,
    ) -> Verdict:
        """`settle` run in a forked copy of this process, which says whether it passed, and
        then, where it did, runs `then` on what `settle` gave (writes the cache entry: the
        server need not wait for that, a second of Microsoft Graph's beta document); `redo`
        where the copy ends without saying, `passed` once it passed."""
        reading, writing = os.pipe()
        pid = os.fork()
        if pid == 0:  # the copy: it answers through the pipe, and ends without cleaning up
            said, settled = cls.PASSED, None
            try:
                os.close(reading)
                try:
                    settled = settle()
                except SpecError as error:
                    said = str(error).encode()
                with os.fdopen(writing, "wb") as pipe:
                    pipe.write(said)
                if said == cls.PASSED:
                    then(settled)
            finally:
                os._exit(0)
        os.close(writing)
        return cls(pid, reading, redo, passed, repairs, entry)

    def wait(self) -> None:
        """Return once the document passed; raise its `SpecError` where it did not."""
        if self._pid is None or self._pipe is None:
            return
        pid, pipe, self._pid, self._pipe = self._pid, self._pipe, None, None
        try:
            with os.fdopen(pipe, "rb") as reader:
                said = reader.read()
        except BaseException:
            os.kill(pid, signal.SIGKILL)  # interrupted: the copy's verdict is not wanted
            os.waitpid(pid, 0)
            raise
        _reap(pid)  # it may still be writing the cache entry
        if not said and self._redo is not None:  # the copy ended without a verdict (killed)
            self._redo()
        elif said != self.PASSED:
            raise SpecError(said.decode(errors="replace"))
        for passed in self._passed:
            passed()

    def once_passed(self, then: Callable[[], None]) -> None:
        """`then()` once the document passed: now if it has, else when `wait` learns it."""
        if self._pid is not None:
            self._passed.append(then)
        elif not self._abandoned:
            then()

    def abandon(self) -> None:
        """The check stopped, its verdict no longer wanted (the start is interrupted)."""
        if self._pid is not None and self._pipe is not None:
            os.kill(self._pid, signal.SIGKILL)
            os.close(self._pipe)
            os.waitpid(self._pid, 0)
            self._pid = self._pipe = None
            self._passed = []
            self._abandoned = True

    @contextlib.contextmanager
    def awaited_on_error(self) -> Iterator[None]:
        """An error in the block waits for the verdict first: a refused document's reason
        comes before any error its refusal explains. An interruption (Ctrl-C) does not
        wait."""
        try:
            yield
        except Exception:
            self.wait()
            raise
        except BaseException:
            self.abandon()
            raise


def _reap(pid: int) -> None:
    """The forked check's exit collected: now where it ended, else once it ends (a thread
    waits for it), so that no finished process is left behind."""
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG) == (0, 0):
            threading.Thread(target=_collect, args=(pid,), daemon=True).start()


def _collect(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


REPAIRS = "x-mock-server-repairs"
"""Where a cached document keeps the repairs made to it (reported again at each start)."""


def report_repairs(path: Path, repairs: Sequence[str]) -> None:
    log = logging.getLogger("specdouble")
    for line in repairs[:MAX_REPORTED_REPAIRS]:
        log.warning("%s: %s", path, line)
    if len(repairs) > MAX_REPORTED_REPAIRS:
        log.warning("%s: %d more repairs like these", path, len(repairs) - MAX_REPORTED_REPAIRS)


def copied(value: Any) -> Any:
    """An exact deep copy of a document's data, through marshal (several times faster than
    `copy.deepcopy`; integers past 64 bits, infinities and tuples kept as they are), else
    `copy.deepcopy` (a YAML date).

    >>> source = {"big": [2**70], "n": {"x": float("inf")}, "t": (1, 2)}
    >>> made = copied(source); made == source and made["n"] is not source["n"]
    True
    """
    try:
        return marshal.loads(marshal.dumps(value))
    except ValueError:
        return copy.deepcopy(value)


def resolve(document: Mapping[str, Any], node: Any) -> Any:
    """Follow a local `$ref` (repeatedly) to the node it names.

    >>> resolve({"a": {"b": 1}}, {"$ref": "#/a"})
    {'b': 1}
    >>> resolve({"p": [{"name": "q"}]}, {"$ref": "#/p/0"})  # into a list (DigitalOcean's)
    {'name': 'q'}
    """
    if type(node) is dict and "$ref" not in node:  # the common case, without ABC checks
        return node
    seen: set[str] = set()
    while (type(node) is dict or isinstance(node, Mapping)) and "$ref" in node:
        reference = node["$ref"]
        if reference in seen or not isinstance(reference, str) or not reference.startswith("#/"):
            raise SpecError(f"cannot resolve {reference}")
        seen.add(reference)
        node = document
        for part in pointer_parts(reference):
            try:
                node = node[int(part)] if isinstance(node, list) else node[part]
            except (KeyError, IndexError, TypeError, ValueError) as error:
                raise SpecError(f"cannot resolve {reference}: no {part!r} there") from error
    return node


@functools.lru_cache(maxsize=4096)
def pointer_parts(reference: str) -> tuple[str, ...]:
    """The keys a local JSON pointer (`#/a/b~1c`) walks through; a URI fragment's
    percent-encoding is undone first (RFC 6901, section 6).

    >>> pointer_parts("#/paths/~1ships~1%7Bid%7D/get")
    ('paths', '/ships/{id}', 'get')
    """
    text = urllib.parse.unquote(reference.removeprefix("#").removeprefix("/"))
    if not text:
        return ()
    parts = text.split("/")
    return tuple(part.replace("~1", "/").replace("~0", "~") for part in parts)


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of the document, with its path-level parameters merged in."""

    operation_id: str
    method: str
    path: str
    definition: Mapping[str, Any]
    parameters: tuple[Mapping[str, Any], ...]


def operations(document: Mapping[str, Any]) -> Iterator[Operation]:
    for path, method, definition in definitions(document):
        yield _operation(document, path, method, definition)


def definitions(document: Mapping[str, Any]) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """Every operation's path, method and definition as written, in the document's order."""
    for path, item in document.get("paths", {}).items():
        for method in HTTP_METHODS:
            definition = item.get(method)
            if definition is not None:
                yield path, method, definition


def operation_id_of(path: str, method: str, definition: Mapping[str, Any]) -> str:
    """An operation's operationId, or its method and path where it has none."""
    return definition.get("operationId", f"{method} {path}")


def _operation(
    document: Mapping[str, Any], path: str, method: str, definition: Mapping[str, Any]
) -> Operation:
    """An operation, with its path's parameters merged into its own (its own win)."""
    item = document["paths"][path]
    shared = [resolve(document, parameter) for parameter in item.get("parameters", [])]
    own = [resolve(document, parameter) for parameter in definition.get("parameters", [])]
    overridden = {(p["name"], p["in"]) for p in own}
    merged = [p for p in shared if (p["name"], p["in"]) not in overridden] + own
    return Operation(
        operation_id=operation_id_of(path, method, definition),
        method=method,
        path=path,
        definition=definition,
        parameters=tuple(merged),
    )


class OperationTable(Mapping[str, Operation]):
    """The document's operations by operationId (the last, where two share one), in its
    order, each made when first asked for: making one resolves its parameters, and making
    all of Microsoft Graph's beta 22,000 took a tenth of each start, where a run meets a few.
    Read once the document is as it is served (its paths and parameters no longer change)."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self._document = document
        self._places = {
            operation_id_of(path, method, definition): (path, method)
            for path, method, definition in definitions(document)
        }
        self._made: dict[tuple[str, str], Operation] = {}

    def __getitem__(self, operation_id: str) -> Operation:
        return self.at(*self._places[operation_id])

    def __contains__(self, operation_id: object) -> bool:
        return operation_id in self._places

    def __iter__(self) -> Iterator[str]:
        return iter(self._places)

    def __len__(self) -> int:
        return len(self._places)

    def definition(self, operation_id: str) -> Mapping[str, Any]:
        """An operation's definition as written, without making the operation."""
        path, method = self._places[operation_id]
        return self._document["paths"][path][method]

    def at(self, path: str, method: str) -> Operation:
        """The operation at `method path` (KeyError: none there)."""
        made = self._made.get((path, method))
        if made is None:
            definition = self._document["paths"][path][method]
            made = self._made[(path, method)] = _operation(self._document, path, method, definition)
        return made

    def definitions(self) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
        """`definitions` of the table's document: none made."""
        return definitions(self._document)


def enum_values(document: Mapping[str, Any], schema_name: str) -> list[Any]:
    """The values of a named enum schema, in document order."""
    return list(document["components"]["schemas"][schema_name]["enum"])


def json_body_schema(document: Mapping[str, Any], operation: Operation) -> Schema | None:
    body = resolve(document, operation.definition.get("requestBody"))
    if not body:
        return None
    for media_type, content in body.get("content", {}).items():
        if "json" in media_type:
            return content.get("schema")
    return None


FORM_TYPES = (swagger2.FORM, swagger2.MULTIPART)


def body_fields_schema(document: Mapping[str, Any], operation: Operation) -> Schema | None:
    """The schema of the fields a write sends: its JSON body's, else its form's (Stripe and
    every Swagger 2 `formData` operation write with forms)."""
    found = json_body_schema(document, operation)
    if found is not None:
        return found
    body = resolve(document, operation.definition.get("requestBody"))
    content = (body or {}).get("content", {})
    return next((content[kind].get("schema") for kind in FORM_TYPES if kind in content), None)


def base_path(document: Mapping[str, Any]) -> str:
    """The path of the first server URL (`/api/v3`), or "" where there is none (or none a
    path can be: brainbi's server URL is `,`).

    >>> base_path({"servers": [{"url": ","}]}), base_path({"servers": [{"url": "v1"}]})
    ('', '/v1')
    >>> base_path({"servers": [{"url": "https://h/{b}", "variables": {"b": {"default": "/v2"}}}]})
    '/v2'
    """
    servers = document.get("servers") or [{}]
    first = servers[0] if isinstance(servers[0], Mapping) else {}
    url = str(first.get("url", ""))
    for name, variable in (first.get("variables") or {}).items():
        url = url.replace("{" + name + "}", str(variable.get("default", "")))
    # `https://host/{basePath}` with a basePath of `/api/v1` (Red Hat's): one slash between.
    path = re.sub(r"/{2,}", "/", urllib.parse.urlsplit(url).path).rstrip("/")
    if path and not path.startswith("/"):  # a relative URL: relative to the host's root
        path = "/" + path
    return path if re.fullmatch(r"(/[A-Za-z0-9._~!$&'()*+;=:@%-]+)*", path) else ""


def discriminator_mapping(schema: Mapping[str, Any]) -> dict[str, str]:
    """What each value of a schema's discriminator names: its `mapping`, else, as OpenAPI
    reads a discriminator without one, each `oneOf`/`anyOf` branch given by reference under
    the name of the schema it refers to.

    >>> discriminator_mapping({"discriminator": {"propertyName": "type"},
    ...     "anyOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}]})
    {'Cat': '#/components/schemas/Cat', 'Dog': '#/components/schemas/Dog'}
    """
    discriminator = schema.get("discriminator")
    if not isinstance(discriminator, Mapping) or not isinstance(
        discriminator.get("propertyName"), str
    ):
        return {}
    mapping = discriminator.get("mapping")
    if isinstance(mapping, Mapping) and mapping:  # a target may be a schema's bare name
        return {
            str(key): target if "/" in target else f"#/components/schemas/{target}"
            for key, target in mapping.items()
            if isinstance(target, str)
        }
    branches = [*(schema.get("oneOf") or ()), *(schema.get("anyOf") or ())]
    references = [b.get("$ref") for b in branches if isinstance(b, Mapping)]
    if not references or not all(
        isinstance(r, str) and r.startswith("#/components/schemas/") for r in references
    ):
        return {}
    return {
        reference.rsplit("/", 1)[1].replace("~1", "/").replace("~0", "~"): reference
        for reference in references
    }


def method_table(document: Mapping[str, Any]) -> PathTable[tuple[str, ...]]:
    """For each path of the document, its allowed methods, matched against full URL paths.

    GET implies HEAD, as every HTTP server answers HEAD where it answers GET.
    """

    def methods(item: Mapping[str, Any]) -> tuple[str, ...]:
        found = [m.upper() for m in HTTP_METHODS if m in item]
        if "GET" in found and "HEAD" not in found:
            found.append("HEAD")
        return tuple(found)

    return PathTable(base_path(document), document.get("paths", {}), methods, empty=False)


Valued = TypeVar("Valued")


class PathTable(Generic[Valued]):
    """A document's paths, each with a value read from its path item, matched against full
    URL paths (`PathPattern`) in the document's order. Only the paths a URL path's first
    segment can match are tried (those whose first segment is that text, or has a
    parameter), and a group's patterns and values are made when a URL path first asks:
    every request looks its operation up, and Microsoft Graph's 7,400 paths were all tried
    for each, and all made at each start."""

    def __init__(
        self,
        prefix: str,
        paths: Mapping[str, Any],
        value: Callable[[Any], Valued],
        *,
        empty: bool,
    ) -> None:
        self._prefix, self._paths, self._value, self._empty = prefix, paths, value, empty
        self._groups, self._wild = by_first_segment(list(paths), list(paths))
        self._made: dict[str | None, list[tuple[PathPattern, Valued]]] = {}

    def matching(self, url_path: str) -> Iterator[Valued]:
        """The values of the paths `url_path` is, in the document's order."""
        if not url_path.startswith(self._prefix):
            return
        rest = url_path[len(self._prefix) :]
        first = rest.split("/", 2)[1] if rest.startswith("/") else None
        key = first if first in self._groups else None
        made = self._made.get(key)
        if made is None:
            paths = self._wild if key is None else self._groups[key]
            made = [
                (PathPattern(self._prefix, path, self._empty), self._value(self._paths[path]))
                for path in paths
            ]
            self._made[key] = made
        for pattern, value in made:
            if pattern.match(url_path):
                yield value


def first_literal(path: str) -> str | None:
    """A path's (or route template's) first segment where it is plain text (None: it has a
    parameter, or the path does not begin with `/`: such a path is tried for any other)."""
    if not path.startswith("/"):
        return None
    first = path.split("/", 2)[1]
    return None if PATH_PARAMETER.search(first) else first


Grouped = TypeVar("Grouped")


def by_first_segment(
    items: Sequence[Grouped], paths: Sequence[str]
) -> tuple[dict[str, list[Grouped]], list[Grouped]]:
    """`items` (of these paths) grouped by the text of their paths' first segment, each
    group in their order, with those whose first segment is a parameter in every group; and
    those alone, for a URL path whose first segment no group names. Only a group's items can
    match a URL path that begins with its text (the routers and path tables read them so)."""
    firsts = [first_literal(path) for path in paths]
    groups: dict[str, list[Grouped]] = {first: [] for first in firsts if first is not None}
    wild: list[Grouped] = []
    for item, first in zip(items, firsts, strict=True):
        for group in groups.values() if first is None else (groups[first],):
            group.append(item)
        if first is None:
            wild.append(item)
    return groups, wild


PATH_PARAMETER = re.compile(r"\{[^}]+\}")
PARAMETER_ONLY, LITERAL, MIXED = 0, 1, 2


class PathPattern:
    """The full URL paths of one of a document's paths, matched segment by segment: a
    parameter takes any one segment, other text is compared as it is, and only a segment that
    mixes both (`{name}.json`) is a regular expression. A table of Microsoft Graph's 7,400 paths
    compiled as expressions took seconds, at start or at the first 404.

    >>> [PathPattern("/v1", "/f/{id}.{ext}", False).match(p) for p in ("/v1/f/a.b", "/v1/f/.b")]
    [True, False]
    >>> [PathPattern("", "/u/{id}", empty).match("/u/") for empty in (False, True)]
    [False, True]
    """

    __slots__ = ("empty", "parts", "prefix")

    def __init__(self, prefix: str, path: str, empty: bool) -> None:
        self.prefix = prefix
        self.empty = empty
        """A parameter may be an empty segment (`/users/` names `/users/{id}`)."""
        self.parts: tuple[tuple[int, Any], ...] = tuple(
            _path_part(part, empty) for part in path.split("/")
        )

    def match(self, url_path: str) -> bool:
        if not url_path.startswith(self.prefix):
            return False
        given = url_path[len(self.prefix) :].split("/")
        if len(given) != len(self.parts):
            return False
        for (kind, wanted), segment in zip(self.parts, given, strict=True):
            if kind == LITERAL:
                if segment != wanted:
                    return False
            elif kind == PARAMETER_ONLY:
                if not segment and not self.empty:
                    return False
            elif wanted.fullmatch(segment) is None:
                return False
        return True


@functools.lru_cache(maxsize=8192)
def _path_part(part: str, empty: bool) -> tuple[int, Any]:
    """A path segment's kind and what matches it (kept: a document's paths repeat their
    segments, and three tables read every path)."""
    if PATH_PARAMETER.fullmatch(part):
        return PARAMETER_ONLY, None
    if PATH_PARAMETER.search(part) is None:
        return LITERAL, part
    segment = "[^/]*" if empty else "[^/]+"
    return MIXED, re.compile(re.sub(r"\\\{[^}]+\\\}", lambda _: segment, re.escape(part)))


QUALIFIER = re.compile(r"[?#]")
TEMPLATE_PARAMETER = re.compile(r"\{[^}]*\}")


def path_shape(path: str) -> str:
    """A path key with its parameters unnamed: `/a/{id}` and `/a/{pk}` are one place, which
    OpenAPI says two keys must not be.

    >>> path_shape("/accounts/{accountId}/bots/{botId}")
    '/accounts/{}/bots/{}'
    """
    return TEMPLATE_PARAMETER.sub("{}", path)


@dataclass(frozen=True, slots=True)
class QualifiedPath:
    """A path key with a query or fragment (`/tags#operation=tag-resource`, `/?Action=List`):
    the URL path is the part before it; the rest names parameter values that pick it."""

    key: str
    base: re.Pattern[str]
    suffix: str
    """The key's query or fragment, as written (`#operation=tag-resource`)."""
    methods: frozenset[str]
    wants: tuple[tuple[str, str | None], ...]
    """Each parameter it names, with its value (None: only present)."""
    declared: bool = False
    """Whether what it names are parameters its operations declare (AWS's `X-Amz-Target`
    header): a request without them is missing a parameter, not one told apart by its body."""


def qualifier_wants(key: str) -> tuple[tuple[str, str | None], ...]:
    """What a path key's query or fragment names: each parameter with its value (None: only
    present); nothing for a plain key.

    >>> qualifier_wants("/webhdfs/v1/{path}#op=OPEN&read")
    (('op', 'OPEN'), ('read', None))
    """
    split = QUALIFIER.search(key, 1)
    if split is None:
        return ()
    return tuple(
        (name, value if sep else None)
        for part in QUALIFIER.split(key[split.end() :])
        for chunk in part.split("&")
        if chunk
        for name, sep, value in [urllib.parse.unquote(chunk).partition("=")]
    )


def qualified_paths(document: Mapping[str, Any]) -> list[QualifiedPath]:
    """The document's path keys that hold a query or a fragment, in the document's order.

    >>> found = qualified_paths({"paths": {"/#X-Amz-Target=Svc.List": {"post": {}}}})
    >>> found[0].base.pattern, found[0].wants
    ('^/$', (('X-Amz-Target', 'Svc.List'),))
    """
    prefix = re.escape(base_path(document))
    found = []
    for key, item in (document.get("paths") or {}).items():
        split = QUALIFIER.search(key, 1)
        if split is None or not isinstance(item, Mapping):
            continue
        base = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(key[: split.start()]))
        wants = qualifier_wants(key)
        methods = frozenset(m.upper() for m in HTTP_METHODS if m in item)
        pattern = re.compile(f"^{prefix}{base}$")
        names = {
            str(resolve(document, parameter).get("name", "")).lower()
            for operation in [item, *(item.get(m) for m in HTTP_METHODS)]
            if isinstance(operation, Mapping)
            for parameter in operation.get("parameters") or []
            if isinstance(parameter, Mapping)
        }
        declared = bool(wants) and all(name.lower() in names for name, _ in wants)
        found.append(QualifiedPath(key, pattern, key[split.start() :], methods, wants, declared))
    return found


def choose_qualified(
    paths: list[QualifiedPath],
    method: str,
    url_path: str,
    given: Callable[[str], str | None],
    exact: Callable[[str, str], bool],
) -> QualifiedPath | None:
    """The qualified path a request means: of those whose URL path and method it has, the
    one whose named values it sends (a query parameter or header, `given`), the most of them
    first; else, where no plain path has the method (`exact`), the first."""
    candidates = [q for q in paths if method in q.methods and q.base.match(url_path)]
    if not candidates:
        return None
    fitting = [
        q
        for q in candidates
        if all(given(name) is not None and value in (None, given(name)) for name, value in q.wants)
    ]
    if fitting:
        return max(fitting, key=lambda q: len(q.wants))
    return None if exact(method, url_path) else candidates[0]


def unnamed_choices(
    paths: list[QualifiedPath], method: str, url_path: str, given: Callable[[str], str | None]
) -> list[QualifiedPath]:
    """The qualified paths a request may mean where it sends none of the values they name
    (Box's `schema#add` and `schema#update`, told apart only by their bodies; or its
    `schema#classifications` beside the plain `schema`, meant where the body fits it)."""
    candidates = [
        q for q in paths if method in q.methods and q.base.match(url_path) and not q.declared
    ]
    named = any(all(given(name) is not None for name, _ in q.wants) for q in candidates)
    return [] if named else candidates


def operation_finder(
    document: Mapping[str, Any], *, empty_segments: bool = False
) -> Callable[[str, str], str | None]:
    """`(method, URL path) -> operationId` (None where no operation is there), in the
    document's path order; HEAD is GET's where the path has no HEAD of its own. With
    `empty_segments`, a path parameter may be empty (`/users/` names `/users/{id}`): which
    operation a request that no route takes was meant for, to answer in its terms."""

    def ids(item: Any) -> dict[str, str]:
        return {
            m.upper(): op["operationId"]
            for m, op in item.items()
            if m in HTTP_METHODS and isinstance(op, Mapping) and "operationId" in op
        }

    table = PathTable(base_path(document), document.get("paths", {}), ids, empty=empty_segments)

    def find(method: str, url_path: str) -> str | None:
        wanted = method.upper()
        for found in table.matching(url_path):  # as a router: the first path with the method
            operation = found.get(wanted) or (found.get("GET") if wanted == "HEAD" else None)
            if operation is not None:
                return operation
        return None

    return find


def allowed_methods(table: PathTable[tuple[str, ...]], url_path: str) -> tuple[str, ...]:
    """The methods of the first path `url_path` is (none: no path of the document)."""
    return next(table.matching(url_path), ())


VALUE_CONSTRAINTS = (
    "format",
    "pattern",
    "enum",
    "const",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
)
"""What narrows a scalar value beyond its type."""


def is_object_schema(schema: Any) -> bool:
    """Whether a (resolved) schema describes an object: `type: object`, or properties and no
    type."""
    return isinstance(schema, Mapping) and (
        schema.get("type") == "object"
        or ("type" not in schema and isinstance(schema.get("properties"), Mapping))
    )


def both_hold(document: Mapping[str, Any], one: Any, other: Any) -> dict[str, Any] | None:
    """One schema for a value two descriptions of it must both hold of, where they describe
    objects (NPR's base `attributes: {type: object}` and a part's `$ref`; GitHub's team as a
    list and as the item show it): their `allOf`; arrays of objects hold items of both. None
    for anything else (the caller picks between them). `nullable` is not carried: whether
    null is allowed is the caller's to say.

    >>> both_hold({}, {"type": "object"}, {"properties": {"a": {}}})
    {'allOf': [{'type': 'object'}, {'properties': {'a': {}}}]}
    >>> both_hold({}, {"type": "array", "items": {"type": "object"}},
    ...           {"type": "array", "items": {"type": "object", "required": ["a"]}})["items"]
    {'allOf': [{'type': 'object'}, {'type': 'object', 'required': ['a']}]}
    >>> both_hold({}, {"type": "string"}, {"type": "string", "format": "date"}) is None
    True
    >>> label = {"type": "object"}
    >>> both_hold({}, label, {"oneOf": [{"type": "string"}, label]})["allOf"][0] == label
    True
    """
    first, second = resolve(document, one), resolve(document, other)
    if _describes_object(document, first) and _describes_object(document, second):
        return {"allOf": [one, other]}
    if not (isinstance(first, Mapping) and isinstance(second, Mapping)):
        return None
    if _object_or_branch(document, first, second) or _object_or_branch(document, second, first):
        return {"allOf": [one, other]}  # GitHub Enterprise's issue label: a name or a label
    if first.get("type") == second.get("type") == "array":
        items = both_hold(document, first.get("items") or {}, second.get("items") or {})
        if items is not None:
            made = {k: v for k, v in {**first, **second}.items() if k != "nullable"}
            return {**made, "items": items}
    return None


def _describes_object(document: Mapping[str, Any], schema: Any, depth: int = 0) -> bool:
    """Whether a (resolved) schema describes an object, itself or as an `allOf` of parts one
    of which does (BeezUP's `orderLinks`: `allOf: [orderHeaderLinks, {properties: ...}]`).

    >>> _describes_object({}, {"allOf": [{"type": "object"}, {"required": ["a"]}]})
    True
    """
    if is_object_schema(schema):
        return True
    parts = schema.get("allOf") if isinstance(schema, Mapping) else None
    return (
        isinstance(parts, list)
        and "type" not in schema
        and depth < 8
        and any(_describes_object(document, resolve(document, p), depth + 1) for p in parts)
    )


def _object_or_branch(document: Mapping[str, Any], plain: Any, branched: Any) -> bool:
    """An object, and one of several kinds of which one is an object: both hold an object."""
    branches = branched.get("oneOf") or branched.get("anyOf") or []
    return is_object_schema(plain) and any(
        is_object_schema(resolve(document, branch)) for branch in branches
    )


ANNOTATIONS = frozenset(
    {"description", "title", "example", "examples", "deprecated", "externalDocs", "xml"}
)
"""Keywords that describe a value and constrain nothing of it."""
NARROWING_WORDS = (*VALUE_CONSTRAINTS, "minItems", "maxItems", "required", "properties", "items")
"""What narrows a value's schema: of two descriptions, the one that says more of them wins."""
COMPOSITIONS = ("allOf", "oneOf", "anyOf", "not", "discriminator")


TIGHTER = {
    **dict.fromkeys(("minimum", "minLength", "minItems", "minProperties"), max),
    **dict.fromkeys(("maximum", "maxLength", "maxItems", "maxProperties"), min),
}
"""Of two bounds a value must keep, the one that keeps it: the greater least, the smaller most."""


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _constrains(schema: Any) -> bool:
    return not isinstance(schema, Mapping) or any(
        word not in ANNOTATIONS and not word.startswith("x-") for word in schema
    )


def refined(document: Mapping[str, Any], known: Any, other: Any, depth: int = 0) -> Any:
    """One schema for what two `allOf` parts say of one property, which a value must hold of
    both: the one that constrains where the other only describes (rev.ai's job repeats
    `delete_after_seconds: {description}` beside its typed options); objects, and arrays of
    objects, both (`both_hold`); scalars the keywords of both, the later's where they differ (a
    part refines its base), null only where both allow it; composed schemas the one that
    says more.

    >>> refined({}, {"description": "d"}, {"type": "integer", "minimum": 0})
    {'type': 'integer', 'minimum': 0}
    >>> refined({}, {"type": "string", "nullable": True, "maxLength": 9}, {"format": "date"})
    {'type': 'string', 'nullable': True, 'maxLength': 9, 'format': 'date'}
    >>> refined({}, {"type": "string", "nullable": True}, {"type": "string", "format": "date"})
    {'type': 'string', 'format': 'date'}
    >>> refined({}, {"type": "string", "enum": ["success", "error"], "maxLength": 9},
    ...         {"type": "string", "enum": ["success", "already_confirmed"], "maxLength": 12})
    {'type': 'string', 'enum': ['success'], 'maxLength': 9}
    >>> refined({}, {"enum": ["system"]}, {"type": "string", "enum": ["custom"]})
    {'not': {}}
    >>> refined({}, {"type": "integer"}, {"type": "string", "description": "iso 8601"})
    {'not': {}}
    >>> refined({}, {"not": {}, "readOnly": True}, {"type": "string", "maxLength": 3})
    {'not': {}, 'readOnly': True}
    >>> refined({}, {"type": "integer"}, {"type": ["number", "null"]})["type"]
    ['integer']
    """
    first, second = (resolve(document, node) for node in (known, other))
    if forbidden(document, first) or forbidden(document, second):
        return _no_value(document, known, other)  # nothing refines what admits nothing
    if not _constrains(second):
        return known
    if not _constrains(first):
        return other
    made = both_hold(document, known, other)
    if made is not None:
        return made
    if not (isinstance(first, Mapping) and isinstance(second, Mapping)):
        return other
    if first.get("type") == second.get("type") == "array" and depth < 4:
        items = refined(document, first.get("items") or {}, second.get("items") or {}, depth + 1)
        return {**first, **second, "items": items}
    if any(word in node for node in (first, second) for word in COMPOSITIONS):
        said = [sum(word in node for word in NARROWING_WORDS) for node in (first, second)]
        return known if said[0] > said[1] else other
    merged = {**first, **second}
    # What a value must hold of both: the choices both name, the tighter of two bounds.
    if isinstance(first.get("enum"), list) and isinstance(second.get("enum"), list):
        both = [value for value in second["enum"] if value in first["enum"]]
        if not both:
            return _no_value(document, known, other)  # no choice both name: none holds of both
        merged["enum"] = both
    kinds = [_kinds(node) for node in (first, second)]
    common = common_kinds(*kinds) if kinds[0] and kinds[1] else None
    if common is not None and not common:
        # No type both allow (SendGrid's `last_event_time`: an integer, and a string): null
        # where both take it, else no value holds of both.
        nullable = all(is_nullable(document, node) for node in (first, second))
        if nullable:
            return {"enum": [None], "nullable": True, **_marks(document, known, other)}
        return _no_value(document, known, other)
    if common and kinds[0] != kinds[1]:  # the types both allow, as one
        both = sorted(common)
        listed = merged.get("type")
        if isinstance(listed, list):
            merged["type"] = both + (["null"] if "null" in listed else [])
        else:
            merged["type"] = both[0] if len(both) == 1 else both
    for word, tighter in TIGHTER.items():
        bounds = [node[word] for node in (first, second) if _is_number(node.get(word))]
        if len(bounds) == 2:
            merged[word] = tighter(bounds)
    if not all("type" not in node or is_nullable(document, node) for node in (first, second)):
        merged.pop("nullable", None)
        if isinstance(merged.get("type"), list):
            merged["type"] = [kind for kind in merged["type"] if kind != "null"]
    return merged


READ_WRITE_MARKS = ("readOnly", "writeOnly")


def _marks(document: Mapping[str, Any], *schemas: Any) -> dict[str, bool]:
    """The `readOnly`/`writeOnly` marks any of `schemas` carries: a field no value holds is
    still one a request leaves out (DRF's validation skips a read-only one)."""
    return {
        word: True for word in READ_WRITE_MARKS if any(marked(document, s, word) for s in schemas)
    }


def _no_value(document: Mapping[str, Any], *schemas: Any) -> dict[str, Any]:
    """A schema no value is valid for, with the marks of the schemas it stands for."""
    return {"not": {}, **_marks(document, *schemas)}


def _kinds(schema: Mapping[str, Any]) -> set[str]:
    """The non-null types a schema names (none: any)."""
    kind = schema.get("type")
    kinds = set(kind) if isinstance(kind, list) else {kind} if isinstance(kind, str) else set()
    return kinds - {"null"}


def common_kinds(one: set[str], other: set[str]) -> set[str]:
    """The types a value of both can have (an integer is a number too; none: no value)."""
    widened = [kinds | {"integer"} if "number" in kinds else kinds for kinds in (one, other)]
    common = widened[0] & widened[1]
    return common - {"integer"} if "number" in common else common


def admitted_kinds(document: Mapping[str, Any], schema: Any, depth: int = 0) -> set[str]:
    """The non-null JSON types a schema admits (none: any): those its `type` names, an
    object's where it names properties, its `enum` values' kinds, the kinds its `allOf`
    parts have in common, and any of its `oneOf`/`anyOf` branches' (GitHub Enterprise's
    issue label, a name or a label, admits text and objects).

    >>> sorted(admitted_kinds({}, {"type": ["integer", "string", "null"]}))
    ['integer', 'string']
    >>> sorted(admitted_kinds({}, {"enum": [1, "a", None]}))
    ['integer', 'string']
    >>> sorted(admitted_kinds({}, {"allOf": [{"oneOf": [{"type": "string"}, {"properties": {}}]}]}))
    ['object', 'string']
    """
    resolved = resolve(document, schema)
    if not isinstance(resolved, Mapping) or depth > 5:
        return set()
    if resolved.get("type") is not None:
        return _kinds(resolved)
    if isinstance(resolved.get("properties"), Mapping):
        return {"object"}
    if isinstance(resolved.get("enum"), list):
        return {_JSON_KINDS[type(v)] for v in resolved["enum"] if type(v) in _JSON_KINDS}
    common: set[str] = set()
    for part in resolved.get("allOf") or []:
        found = admitted_kinds(document, part, depth + 1)
        common = (common & found if common else found) if found else common
    branches = [
        admitted_kinds(document, part, depth + 1)
        for word in ("oneOf", "anyOf")
        for part in resolved.get(word) or []
    ]
    if branches and all(branches):
        either = set().union(*branches)
        return common & either if common else either
    return common


_JSON_KINDS = {bool: "boolean", int: "integer", float: "number", str: "string"}
_JSON_KINDS.update({list: "array", dict: "object"})
"""The JSON type of a value, by its Python type."""


REQUIRED_ONLY = frozenset({"required", "description", "title"})


def combined_scalar(document: Mapping[str, Any], schema: Any) -> dict[str, Any] | None:
    """An `allOf` of scalar schemas as one schema (`refined`): AWS's key `allOf: [{$ref:
    Pattern}, {description}]` is a string of that pattern. None where a part is an object or
    an array, or composes others, or where the schema has no `allOf`.

    >>> combined_scalar({}, {"allOf": [{"type": "string", "pattern": "^a"}, {"maxLength": 4}]})
    {'type': 'string', 'pattern': '^a', 'maxLength': 4}
    """
    schema = resolve(document, schema)
    if not isinstance(schema, Mapping) or not isinstance(schema.get("allOf"), list):
        return None
    parts = [resolve(document, part) for part in schema["allOf"]]
    rest = {k: v for k, v in schema.items() if k != "allOf"}
    for part in [*parts, rest]:
        if not isinstance(part, Mapping) or part.get("type") in ("object", "array"):
            return None
        if any(word in part for word in (*COMPOSITIONS, "properties", "items")):
            return None
    made: Any = rest
    for part in parts:
        made = refined(document, made, part)
    return dict(made) if isinstance(made, Mapping) and made.get("type") else None


def exclusive_requirements(document: Mapping[str, Any], schema: Schema) -> list[frozenset[str]]:
    """The sets of names an object's `oneOf` asks for where its branches only require names
    (InfluxDB's DBRP: an organisation by `orgID`, or by `org`): a valid object holds all of
    one set and not all of any other. Empty where the `oneOf` says more than that.

    >>> by = {"oneOf": [{"required": ["a", "b"]}, {"required": ["c"]}]}
    >>> [sorted(names) for names in exclusive_requirements({}, by)]
    [['a', 'b'], ['c']]
    >>> exclusive_requirements({}, {"oneOf": [{"required": ["a"]}, {"type": "string"}]})
    []
    """
    schema = resolve(document, schema)
    branches = [resolve(document, b) for b in schema.get("oneOf") or []]
    if len(branches) < 2 or not all(
        isinstance(b, Mapping) and b.get("required") and set(b) <= REQUIRED_ONLY for b in branches
    ):
        return []
    return [frozenset(b["required"]) for b in branches]


def left_for(
    sets: Sequence[frozenset[str]], chosen: int, required: set[str] | frozenset[str]
) -> set[str]:
    """The names an object that holds set `chosen` of `exclusive_requirements` leaves out, so
    that no other set is held whole: of each other set, a name neither the chosen set nor
    the object's own requirements ask for."""
    keep = sets[chosen] | set(required)
    left: set[str] = set()
    for number, other in enumerate(sets):
        if number == chosen or other & left:  # not held whole already
            continue
        free = sorted(other - keep)
        if free:
            left.add(free[0])
    return left


def object_shape(document: Mapping[str, Any], schema: Schema) -> tuple[dict[str, Any], set[str]]:
    """The properties and required names of an object schema, with `allOf` parts merged
    (where two parts describe one property, `refined`). A required name no part describes
    is a property all the same (Xero's `required: [name]` beside a property `Name`): of
    the schema `additionalProperties` gives, else of any value; where no other property
    may exist, none can be made and it is left out."""
    properties, required = _object_shape(document, schema)
    extra = resolve(document, schema).get("additionalProperties")
    if extra is not False:
        loose = extra if isinstance(extra, Mapping) else {}
        for name in sorted(required - set(properties)):
            properties[name] = loose
    return properties, required


def _object_shape(document: Mapping[str, Any], schema: Schema) -> tuple[dict[str, Any], set[str]]:
    schema = resolve(document, schema)
    properties: dict[str, Any] = dict(schema.get("properties", {}))
    required: set[str] = set(schema.get("required", []))
    shapes = [_object_shape(document, part) for part in schema.get("allOf", [])]
    for part_properties, part_required in shapes:
        for name, part_schema in part_properties.items():
            known = properties.get(name)
            properties[name] = (
                part_schema if known is None else refined(document, known, part_schema)
            )
        required |= part_required
    for part, (part_properties, _required) in zip(schema.get("allOf", []), shapes, strict=True):
        held_by_extra(document, properties, part, part_properties.keys())
    return properties, required


def held_by_extra(
    document: Mapping[str, Any], properties: dict[str, Any], part: Any, declared: Any
) -> None:
    """An `allOf` part's `additionalProperties` holds of every property it does not declare
    itself, those the other parts declare too (Zuora's system fields, which its custom
    fields' shape must also fit): each such property's schema refined by it (in place). A
    part closed to others (`false`) lets none of them be present: no value holds of both
    (BBC's `reference`, closed attributes beside `href_deprecated`).

    >>> properties = {"href": {"type": "string"}, "href_deprecated": {"type": "boolean"}}
    >>> closed = {"additionalProperties": False, "properties": {"href": {}}}
    >>> held_by_extra({}, properties, closed, ["href"])
    >>> properties["href_deprecated"]
    {'not': {}}
    """
    part = resolve(document, part)
    extra = part.get("additionalProperties") if isinstance(part, Mapping) else None
    if part is None or not isinstance(part, Mapping) or part.get("patternProperties"):
        return
    if extra is False:  # only its own `properties` escape it, whatever its own parts say
        for name in properties.keys() - set(part.get("properties") or ()):
            properties[name] = _no_value(document, properties[name])
        return
    if not isinstance(extra, Mapping):
        return
    for name in properties.keys() - set(declared):
        properties[name] = refined(document, properties[name], extra)


def is_nullable(document: Mapping[str, Any], schema: Schema, *, surely: bool = False) -> bool:
    """Whether null is allowed: `nullable`, a 3.1 `null` type, or a `null` enum branch.

    `surely`: whether null is valid under every reading, as a generator must know before it
    writes one. OpenAPI 3.0 counts `nullable` only beside a `type` (not beside `allOf`, as some
    generators write it), and a branch or enum may be read otherwise.

    >>> is_nullable({}, {"allOf": [{"type": "string"}], "nullable": True}, surely=True)
    False
    >>> is_nullable({}, {"type": "string", "nullable": True, "enum": ["GET", "POST"]})
    False
    """
    schema = resolve(document, schema)
    kind = schema.get("type")
    listed = schema.get("enum")
    if isinstance(listed, list) and None not in listed:
        return False  # Twilio's `nullable: true` beside an enum: the enum says what is valid
    if surely:
        return "null" in kind if isinstance(kind, list) else bool(schema.get("nullable") and kind)
    if schema.get("nullable") or (isinstance(kind, list) and "null" in kind):
        return True
    if None in schema.get("enum", []):
        return True
    branches = schema.get("oneOf", []) + schema.get("anyOf", [])
    return any(is_nullable(document, branch) for branch in branches)


def success_codes(responses: Mapping[Any, Any]) -> list[str]:
    """The success answers of `responses` (an operation's), in the order a server picks them:
    exact 2xx statuses lowest first, then the `2XX` range.

    >>> success_codes({404: {}, "201": {}, 200: {}, "2XX": {}, "default": {}})
    ['200', '201', '2XX']
    """
    codes = [str(code) for code in responses]
    exact = sorted(code for code in codes if len(code) == 3 and code.isdigit() and code[0] == "2")
    return exact + [code for code in codes if code.upper() == "2XX"]


def success_response(
    document: Mapping[str, Any], definition: Mapping[str, Any]
) -> tuple[str, Schema] | None:
    """An operation's success answer (its first `success_codes`), resolved, with its code."""
    by_code = {str(code): answer for code, answer in (definition.get("responses") or {}).items()}
    codes = success_codes(by_code)
    return (codes[0], resolve(document, by_code[codes[0]] or {})) if codes else None


def marked(document: Mapping[str, Any], schema: Any, word: str) -> bool:
    """Whether a schema is `readOnly` or `writeOnly` (`word`), itself or through an `allOf`
    part (Jira's `position: {allOf: [{$ref: Position}]}` where `Position` is write-only).

    >>> marked({"P": {"writeOnly": True}}, {"allOf": [{"$ref": "#/P"}]}, "writeOnly")
    True

    A word beside a `$ref` counts too (bunq's `{$ref: Pointer, writeOnly: true}`), as
    validators read it and as 3.1 means it.
    >>> marked({"P": {}}, {"$ref": "#/P", "writeOnly": True}, "writeOnly")
    True
    """
    if isinstance(schema, Mapping) and schema.get(word) is True:
        return True
    resolved = resolve(document, schema) if isinstance(schema, Mapping) else None
    if not isinstance(resolved, Mapping):
        return False
    if resolved.get(word) is True:
        return True
    return any(marked(document, part, word) for part in resolved.get("allOf") or ())


def forbidden(document: Mapping[str, Any], schema: Any) -> bool:
    """Whether a schema admits no value at all (`not: {}`, or `false` in 3.1): a property of
    it may never be present.

    >>> forbidden({}, {"not": {}}), forbidden({}, False), forbidden({}, {"not": {"type": "string"}})
    (True, True, False)
    """
    if schema is False:
        return True
    resolved = resolve(document, schema) if isinstance(schema, Mapping) else None
    if not isinstance(resolved, Mapping) or "not" not in resolved:
        return False
    negated = resolve(document, resolved["not"])
    words = {"description", "title"}
    return negated is True or (isinstance(negated, Mapping) and not set(negated) - words)


def speaks_drf(document: Mapping[str, Any]) -> bool:
    """Whether the document defines authentik's (DRF's) error bodies, and so is answered as
    Django REST Framework answers: a `ValidationError` of `non_field_errors`, or a
    `GenericError` of `detail` (FastAPI's `ValidationError` of `loc` and `msg` is not one).

    >>> fastapi = {"properties": {"loc": {}, "msg": {}, "type": {}}}
    >>> speaks_drf({"components": {"schemas": {"ValidationError": fastapi}}})
    False
    """
    schemas = (document.get("components") or {}).get("schemas", {})

    def has(name: str, field: str) -> bool:
        schema = schemas.get(name)
        if not isinstance(schema, Mapping):
            return False
        return field in object_shape(document, schema)[0]

    return has("ValidationError", "non_field_errors") or has("GenericError", "detail")


def shows_write_only(
    document: Mapping[str, Any], schema: Schema, value: Any, depth: int = 0
) -> bool:
    """Whether an answer holds a `writeOnly` property (a password, a card's cvc), which an
    answer may not show whatever its schema's types allow."""
    schema = resolve(document, schema)
    if depth > 16 or not isinstance(schema, Mapping):
        return False
    if isinstance(value, list):
        items = schema.get("items") or {}
        return any(shows_write_only(document, items, item, depth + 1) for item in value)
    if not isinstance(value, dict):
        return False
    properties, _ = object_shape(document, schema)
    for name, item in value.items():
        part = properties.get(name) or {}
        if marked(document, part, "writeOnly") or shows_write_only(document, part, item, depth + 1):
            return True
    branches = [*schema.get("oneOf", []), *schema.get("anyOf", [])]
    return any(shows_write_only(document, b, value, depth + 1) for b in branches)


def without_write_only(
    document: Mapping[str, Any], schema: Schema, value: Any, depth: int = 0
) -> Any:
    """`value` as an answer may show it: its `writeOnly` properties (a signer's `password`
    inside a sign request) left out, at any depth.

    >>> signer = {"properties": {"email": {}, "password": {"writeOnly": True}}}
    >>> schema = {"properties": {"signers": {"items": signer}}}
    >>> without_write_only({}, schema, {"signers": [{"email": "a@b.c", "password": "x"}]})
    {'signers': [{'email': 'a@b.c'}]}
    """
    schema = resolve(document, schema)
    if depth > 16 or not isinstance(schema, Mapping):
        return value
    if isinstance(value, list):
        items = schema.get("items") or {}
        return [without_write_only(document, items, item, depth + 1) for item in value]
    if not isinstance(value, dict):
        return value
    properties, _ = object_shape(document, schema)
    shown = {}
    for name, item in value.items():
        part = properties.get(name)
        if part is not None and marked(document, part, "writeOnly"):
            continue
        shown[name] = without_write_only(document, part, item, depth + 1) if part else item
    return shown


def holds_write_only(document: Mapping[str, Any], schema: Schema, depth: int = 0) -> bool:
    """Whether a schema has a `writeOnly` property anywhere inside it."""
    schema = resolve(document, schema)
    if depth > 12 or not isinstance(schema, Mapping):
        return False
    if "items" in schema:
        return holds_write_only(document, schema["items"], depth + 1)
    return any(
        marked(document, part, "writeOnly") or holds_write_only(document, part, depth + 1)
        for part in object_shape(document, schema)[0].values()
    )


SWAGGER_UI_PATHS = ("/ui", "/swagger-ui", "/_swagger-ui")
"""Where Swagger UI is served, under the document's base path: the first its paths leave free
(EVE Online's document has its own `/ui/autopilot/waypoint/`)."""


def swagger_ui_path(document: Mapping[str, Any]) -> str:
    """The first of `SWAGGER_UI_PATHS` that no path of the document lies under.

    >>> swagger_ui_path({"paths": {"/ui/autopilot/waypoint/": {}}})
    '/swagger-ui'
    """
    paths = list(document.get("paths") or {})
    return next(
        (
            candidate
            for candidate in SWAGGER_UI_PATHS
            if not any(path == candidate or path.startswith(candidate + "/") for path in paths)
        ),
        SWAGGER_UI_PATHS[-1],
    )
