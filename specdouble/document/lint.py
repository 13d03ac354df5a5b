"""What a CI wants to know of a document before it trusts it for mocking or contract tests.

`problems()` lists every problem found in one run, each with its rule (`rules.VALIDATE_RULES`)
and the JSON pointer of where it is: unresolvable `$ref`s, OpenAPI schema violations
(openapi-spec-validator, run on the rest of the document where a `$ref` leads nowhere), an
`info` without its version, duplicate operationIds, undefined security schemes, operations
that do not document their error answers; `weaknesses()` what makes a valid document weak for
mocking. `findings()` judges them by the severities set for each rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from specdouble.document.findings import OFF, Finding
from specdouble.document.lines import Lines
from specdouble.document.openapi import (
    HTTP_METHODS,
    SpecError,
    json_pointer,
    quicken_validator,
    resolve,
    shows_write_only,
    waived,
)
from specdouble.document.rules import Severities

MAX_SCHEMA_PROBLEMS = 20


@dataclass(frozen=True, slots=True)
class Problem:
    where: str
    """A JSON pointer into the document."""
    message: str
    rule: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def problems(document: Mapping[str, Any]) -> list[Problem]:
    """Every problem of the document, all in one run."""
    dangling = list(unresolved_refs(document))
    found = dangling + list(missing_info(document))
    checked = _without(document, {p.where for p in dangling}) if dangling else document
    found += [p for p in schema_problems(checked) if not _said_elsewhere(p)]
    found += duplicate_operation_ids(document)
    found += undefined_security_schemes(document)
    found += undocumented_errors(document)
    return found


def findings(
    document: Mapping[str, Any], file: str, severities: Severities, lines: Lines | None = None
) -> list[Finding]:
    """The problems and weaknesses of one document as findings, each at its severity (those
    turned off left out) and line."""
    found = []
    for problem in [*problems(document), *weaknesses(document)]:
        severity = severities.of(problem.rule, "error")
        if severity == OFF:
            continue
        line = lines.line(problem.where) if lines is not None else None
        found.append(Finding(problem.rule, severity, problem.message, file, problem.where, line))
    return found


def missing_info(document: Mapping[str, Any]) -> Iterator[Problem]:
    """An `info` without its title or version (which `serve` cannot do without)."""
    info = document.get("info")
    if not isinstance(info, Mapping):
        yield Problem("#/info", "there is no info (title and version)", "info-version")
        return
    for name in ("title", "version"):
        if not isinstance(info.get(name), str) or not info.get(name):
            yield Problem(f"#/info/{name}", f"info has no {name}", "info-version")


SAID_ELSEWHERE = re.compile(
    r"""['"](title|version|info)['"] is a required property|Operation ID .* is not unique"""
)
"""The validator's words for what a rule of ours says with its own pointer (said once)."""


def _said_elsewhere(problem: Problem) -> bool:
    return bool(SAID_ELSEWHERE.search(problem.message))


def _without(document: Mapping[str, Any], pointers: set[str]) -> Mapping[str, Any]:
    """The document with the `$ref`s at `pointers` (ones that lead nowhere) made empty
    schemas, so the rest of it can be validated in the same run."""

    def walk(node: Any, path: tuple[Any, ...]) -> Any:
        if isinstance(node, Mapping):
            if json_pointer(path) in pointers:
                return {}
            return {key: walk(value, (*path, key)) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(value, (*path, index)) for index, value in enumerate(node)]
        return node

    return walk(document, ())


def unresolved_refs(document: Mapping[str, Any]) -> Iterator[Problem]:
    def walk(node: Any, path: tuple[Any, ...]) -> Iterator[Problem]:
        if isinstance(node, Mapping):
            reference = node.get("$ref")
            if isinstance(reference, str):
                if not reference.startswith("#/"):
                    yield Problem(
                        json_pointer(path),
                        f"external $ref {reference} is not supported",
                        "ref-resolves",
                    )
                else:
                    try:
                        resolve(document, {"$ref": reference})
                    except (SpecError, KeyError, TypeError, IndexError):
                        yield Problem(
                            json_pointer(path),
                            f"$ref {reference} resolves to nothing",
                            "ref-resolves",
                        )
            for key, value in node.items():
                yield from walk(value, (*path, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from walk(value, (*path, index))

    yield from walk(document, ())


def schema_problems(document: Mapping[str, Any]) -> list[Problem]:
    version = str(document.get("openapi", ""))
    validator_class = (
        OpenAPIV31SpecValidator if version.startswith("3.1") else OpenAPIV30SpecValidator
    )
    quicken_validator()  # the same validator as `openapi.check`, as fast
    found = []
    try:
        for error in validator_class(dict(document)).iter_errors():
            if waived(error):  # allowed, and served
                continue
            reason = error.message.strip().splitlines()[0]
            found.append(Problem(json_pointer(error.absolute_path), reason, "oas-valid"))
            if len(found) >= MAX_SCHEMA_PROBLEMS:
                break
    except Exception as error:
        found.append(
            Problem("#/", f"cannot be validated: {str(error).splitlines()[0]}", "oas-valid")
        )
    return found


def _operations(document: Mapping[str, Any]) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    for path, item in (document.get("paths") or {}).items():
        for method in HTTP_METHODS:
            if isinstance(item, Mapping) and isinstance(item.get(method), Mapping):
                yield path, method, item[method]


def undefined_security_schemes(document: Mapping[str, Any]) -> Iterator[Problem]:
    """Security requirements that name a scheme the document never defines."""
    defined = set((document.get("components") or {}).get("securitySchemes") or {})
    defined |= set(document.get("securityDefinitions") or {})
    places = [(("security",), document.get("security"))]
    places += [
        (("paths", path, method, "security"), operation.get("security"))
        for path, method, operation in _operations(document)
    ]
    for where, requirements in places:
        for index, requirement in enumerate(requirements if isinstance(requirements, list) else []):
            for name in requirement if isinstance(requirement, Mapping) else ():
                if name not in defined:
                    yield Problem(
                        json_pointer([*where, index, name]),
                        f"security scheme {name!r} is not defined (the mock serves it as open)",
                        "security-defined",
                    )


def duplicate_operation_ids(document: Mapping[str, Any]) -> Iterator[Problem]:
    first: dict[str, str] = {}
    for path, method, operation in _operations(document):
        operation_id = operation.get("operationId")
        if operation_id is None:
            continue
        where = json_pointer(("paths", path, method, "operationId"))
        if operation_id in first:
            yield Problem(
                where,
                f"operationId {operation_id!r} is also used at {first[operation_id]}",
                "operation-id-unique",
            )
        else:
            first[operation_id] = where


def undocumented_errors(document: Mapping[str, Any]) -> Iterator[Problem]:
    """Every operation documents a client error; a secured one its 401 or 403; one that takes
    parameters or a body its 400 (or 422)."""
    global_security = document.get("security") or []
    for path, method, operation in _operations(document):
        responses = {str(code) for code in (operation.get("responses") or {})}
        where = json_pointer(("paths", path, method, "responses"))
        if "default" in responses:
            continue
        if not any(code.startswith("4") for code in responses):
            yield Problem(
                where, "documents no error answer (no 4xx and no default)", "errors-documented"
            )
            continue
        security = operation.get("security", global_security)
        if any(requirement for requirement in security) and not responses & {"401", "403", "4XX"}:
            yield Problem(
                where, "is secured but documents neither 401 nor 403", "auth-errors-documented"
            )
        item = (document.get("paths") or {}).get(path, {})
        takes_input = operation.get("parameters") or item.get("parameters")
        takes_input = takes_input or operation.get("requestBody")
        if takes_input and not responses & {"400", "422", "4XX"}:
            yield Problem(
                where, "takes input but documents neither 400 nor 422", "input-errors-documented"
            )


def weaknesses(document: Mapping[str, Any]) -> list[Problem]:
    """What makes a valid document weak for mocking, one warning each (not failures):
    operations without an `operationId` (the mock names them from method and path), and no
    example in any success answer (every answer the mock does not keep is made up)."""
    operations = list(_operations(document))
    unnamed = sum(1 for _, _, operation in operations if "operationId" not in operation)
    found: list[Problem] = []
    if unnamed:
        found.append(
            Problem(
                "#/paths",
                f"{unnamed} of {len(operations)} operations have no operationId "
                "(served under names made of their method and path)",
                "operation-id",
            )
        )
    if operations and not any(_has_example(operation) for _, _, operation in operations):
        found.append(
            Problem(
                "#/paths",
                "no success answer has an example (the mock makes its data up)",
                "success-example",
            )
        )
    found += list(invalid_examples(document))[:MAX_SCHEMA_PROBLEMS]
    return found


def invalid_examples(document: Mapping[str, Any]) -> Iterator[Problem]:
    """Answer examples that their own schema refuses (the mock answers generated data
    instead, as a client generated from the schema could not read them)."""
    from openapi_schema_validator import OAS30Validator, OAS31Validator

    kind = OAS31Validator if str(document.get("openapi", "")).startswith("3.1") else OAS30Validator
    components = document.get("components") or {}
    for path, method, operation in _operations(document):
        for code, answer in (operation.get("responses") or {}).items():
            answer = resolve(document, answer) if isinstance(answer, Mapping) else {}
            for media_type, media in (answer.get("content") or {}).items():
                if not isinstance(media, Mapping) or "schema" not in media:
                    continue
                named = dict((media.get("examples") or {}).items())
                if "example" in media:
                    named[""] = {"value": media["example"]}
                for name, example in named.items():
                    example = resolve(document, example) if isinstance(example, Mapping) else {}
                    if "value" not in example:
                        continue
                    schema = {**resolve(document, media["schema"]), "components": components}
                    try:
                        error = next(iter(kind(schema).iter_errors(example["value"])), None)
                    except Exception:  # a schema the validator cannot read: nothing to say
                        continue
                    if error is None and shows_write_only(document, schema, example["value"]):
                        error = _Refusal("it shows a writeOnly property")
                    if error is not None:
                        where = ["paths", path, method, "responses", str(code), "content"]
                        where += [media_type, *(["examples", name] if name else ["example"])]
                        yield Problem(
                            json_pointer(where),
                            f"the example does not fit its schema ({error.message[:120]}): "
                            "the mock answers generated data instead",
                            "example-fits-schema",
                        )


def _has_example(operation: Mapping[str, Any]) -> bool:
    for code, answer in (operation.get("responses") or {}).items():
        if not str(code).startswith("2") or not isinstance(answer, Mapping):
            continue
        for media in (answer.get("content") or {}).values():
            if not isinstance(media, Mapping):
                continue
            schema = media.get("schema")
            if "example" in media or "examples" in media:
                return True
            if isinstance(schema, Mapping) and "example" in schema:
                return True
    return False


@dataclass(frozen=True, slots=True)
class _Refusal:
    message: str
