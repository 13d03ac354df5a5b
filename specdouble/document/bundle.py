"""Documents split over several local files, made one: every `$ref` to another file
(`schemas/pet.yaml`, `common.json#/components/schemas/Error`) is brought into the document.

A reference to a named component of another file (`#/components/<section>/<name>`, or 2.0's
`#/definitions/<name>`) becomes that component of the document, under its own name (made unique
where the name is taken); a schema (a whole file `book.yaml`, say) becomes a schema component
named after it (`book`); anything else (a path item, a response) is put in place. References
inside a file brought in are read against that file. Only local files are read: a URL is
refused.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

COMPONENT = re.compile(r"^/(?:components/(?P<section>[^/]+)|definitions)/(?P<name>[^/]+)$")
MAX_DEPTH = 64


class BundleError(ValueError):
    """A reference that cannot be brought in; the message says which and why."""


def has_external_refs(node: Any) -> bool:
    if isinstance(node, dict):
        reference = node.get("$ref")
        if isinstance(reference, str) and not reference.startswith("#"):
            return True
        return any(has_external_refs(value) for value in node.values())
    if isinstance(node, list):
        return any(has_external_refs(item) for item in node)
    return False


def bundle(document: dict[str, Any], source: Path, load: Callable[[Path], Any]) -> dict[str, Any]:
    """`document` (read from `source`) with every reference to another file brought in;
    `load` reads a file (YAML or JSON)."""
    files: dict[Path, Any] = {source.resolve(): document}
    hoisted: dict[tuple[Path, str], str] = {}
    components = document.setdefault("components" if "openapi" in document else "definitions", {})

    def read(path: Path) -> Any:
        path = path.resolve()
        if path not in files:
            if not path.is_file():
                raise BundleError(f"{source}: $ref to {path}: no such file")
            files[path] = load(path)
        return files[path]

    def target(path: Path, pointer: str) -> Any:
        node = read(path)
        for part in [p for p in pointer.split("/") if p]:
            part = part.replace("~1", "/").replace("~0", "~")
            try:
                node = node[int(part)] if isinstance(node, list) else node[part]
            except (KeyError, IndexError, ValueError, TypeError) as error:
                raise BundleError(f"{source}: $ref {path.name}#{pointer} leads nowhere") from error
        return node

    def shelf_of(section: str) -> dict[str, Any]:
        return components.setdefault(section, {}) if "openapi" in document else components

    def local_ref(section: str, name: str) -> str:
        if "openapi" in document:
            return f"#/components/{section}/{name}"
        return f"#/definitions/{name}"

    def bring(path: Path, pointer: str, stack: tuple[tuple[Path, str], ...]) -> Any:
        key = (path.resolve(), pointer)
        if key in hoisted:
            return {"$ref": hoisted[key]}
        named = COMPONENT.match(pointer)
        found = target(path, pointer)
        if named is None and not _is_schema(found) and key not in stack and len(stack) < MAX_DEPTH:
            return walk(copy.deepcopy(found), path, (*stack, key))
        # A named component, or a node that refers back to itself: a component of ours.
        section = (named["section"] if named else None) or "schemas"
        name = named["name"] if named else (pointer.rsplit("/", 1)[-1] or path.stem)
        shelf = shelf_of(section)
        name = _unique(re.sub(r"[^A-Za-z0-9._-]", "_", name), set(shelf))
        hoisted[key] = local_ref(section, name)
        shelf[name] = {}  # taken before its own references are followed
        shelf[name] = walk(copy.deepcopy(target(path, pointer)), path, (*stack, key))
        return {"$ref": hoisted[key]}

    def walk(node: Any, here: Path, stack: tuple[tuple[Path, str], ...]) -> Any:
        if isinstance(node, list):
            return [walk(item, here, stack) for item in node]
        if not isinstance(node, dict):
            return node
        reference = node.get("$ref")
        if isinstance(reference, str):
            file_part, _, pointer = reference.partition("#")
            if re.match(r"^[a-z][a-z0-9+.-]*://", file_part, re.I):
                raise BundleError(f"{source}: $ref {reference}: only local files are read")
            if file_part:
                return bring(here.parent / file_part, pointer, stack)
            if here.resolve() != source.resolve():  # `#/...` inside another file: that file's
                return bring(here, pointer, stack)
        return {key: walk(value, here, stack) for key, value in node.items()}

    def own(section: str, name: str, entry: Any) -> Any:
        """A component that is itself a reference to another file takes that file's content
        under its own name."""
        reference = entry.get("$ref") if isinstance(entry, dict) else None
        if isinstance(reference, str) and not reference.startswith("#") and "://" not in reference:
            file_part, _, pointer = reference.partition("#")
            path = (source.parent / file_part).resolve()
            return walk(copy.deepcopy(target(path, pointer)), path, ((path, pointer),))
        return walk(entry, source, ())

    for section, entries in list(components.items()):  # components named here keep names
        for name, entry in entries.items() if isinstance(entries, dict) else ():
            reference = entry.get("$ref") if isinstance(entry, dict) else None
            if (
                isinstance(reference, str)
                and not reference.startswith("#")
                and "openapi" in document
            ):
                file_part, _, pointer = reference.partition("#")
                hoisted[((source.parent / file_part).resolve(), pointer)] = local_ref(section, name)
    for key in list(document):
        if key != ("components" if "openapi" in document else "definitions"):
            document[key] = walk(document[key], source, ())
    for section, entries in list(components.items()):
        if isinstance(entries, dict) and "openapi" in document:
            for name in list(entries):
                entries[name] = own(section, name, entries[name])
        elif "openapi" not in document:
            components[section] = walk(entries, source, ())
    return document


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{name}_{number}"
    return candidate


SCHEMA_WORDS = {"type", "properties", "allOf", "oneOf", "anyOf", "enum", "items", "$ref"}
NOT_SCHEMA_WORDS = {"get", "put", "post", "delete", "patch", "responses", "content", "in"}


def _is_schema(node: Any) -> bool:
    """Whether a node brought in reads as a schema (then it becomes a named component)."""
    return (
        isinstance(node, dict)
        and bool(set(node) & SCHEMA_WORDS)
        and not (set(node) & NOT_SCHEMA_WORDS)
    )
