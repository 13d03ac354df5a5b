"""What `mock-server proxy` saw, for people and CI: a line per problem while it runs; on exit,
JUnit XML (a test case per operation, failing with its violations and differences) and
Markdown (grouped by operation, each problem once, with how often and a request that shows
it)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from specdouble.proxy.conformance import Violation

BODY_BYTES = 4096
LINE_CHARS = 400


@dataclass(frozen=True, slots=True)
class Entry:
    operation: str
    request: str
    status: int
    violations: tuple[Violation, ...]
    differences: tuple[str, ...]
    forwarded: bool = True


def lines(entry: Entry) -> list[str]:
    """The live lines of one exchange: one per problem (none for a clean one)."""
    refused = "" if entry.forwarded else " (refused, not forwarded)"
    head = f"{entry.request} -> {entry.status}{refused}"
    shown = [
        f"{head}: {v.side} breaks the document: {one_line(v.message)} [{v.check}]"
        for v in entry.violations
    ]
    shown += [f"{head}: the mock differs: {difference}" for difference in entry.differences]
    return shown


def one_line(message: str) -> str:
    """A check's message, which may span lines (a schema, a value), on one line."""
    text = " ".join(message.split())
    return text if len(text) <= LINE_CHARS else text[: LINE_CHARS - 1] + "…"


@dataclass(slots=True)
class Problem:
    kind: str
    message: str
    count: int
    example: str


def problems(entries: Iterable[Entry]) -> dict[str, list[Problem]]:
    """Each distinct problem once per operation, with how often it was seen."""
    grouped: dict[str, dict[tuple[str, str], Problem]] = {}
    for entry in entries:
        seen = grouped.setdefault(entry.operation, {})
        found = [(f"{v.side}: {v.check}", v.message) for v in entry.violations]
        found += [("differs from the mock", difference) for difference in entry.differences]
        for kind, message in found:
            problem = seen.get((kind, message))
            if problem is None:
                seen[(kind, message)] = Problem(kind, message, 1, entry.request)
            else:
                problem.count += 1
    return {operation: list(found.values()) for operation, found in grouped.items()}


def write_junit(entries: Sequence[Entry], path: Path) -> None:
    by_operation: dict[str, int] = {}
    for entry in entries:
        by_operation[entry.operation] = by_operation.get(entry.operation, 0) + 1
    found = problems(entries)
    failing = sum(1 for operation in by_operation if found.get(operation))
    suite = ET.Element(
        "testsuite",
        name="mock-server proxy",
        tests=str(len(by_operation)),
        failures=str(failing),
        errors="0",
    )
    for operation in sorted(by_operation):
        case = ET.SubElement(suite, "testcase", classname="mock-server proxy", name=operation)
        listed = found.get(operation)
        if listed:
            text = "\n".join(
                f"{p.kind}: {p.message} (x{p.count}; e.g. {p.example})" for p in listed
            )
            failure = ET.SubElement(
                case,
                "failure",
                message=f"{len(listed)} problem(s) in {by_operation[operation]} exchange(s)",
            )
            failure.text = text
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)


def write_markdown(entries: Sequence[Entry], path: Path, target: str) -> None:
    found = problems(entries)
    operations = {entry.operation for entry in entries}
    text = [
        f"# mock-server proxy in front of {target}",
        "",
        f"{len(entries)} exchange(s) over {len(operations)} operation(s);"
        f" {sum(1 for o in operations if found.get(o))} with problems.",
    ]
    for operation in sorted(found):
        if not found[operation]:
            continue
        text += ["", f"## {operation}", "", "| problem | seen | e.g. |", "| --- | --- | --- |"]
        for problem in found[operation]:
            message = problem.message.replace("|", "\\|").replace("\n", " ")
            text.append(f"| {problem.kind}: {message} | {problem.count} | `{problem.example}` |")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
