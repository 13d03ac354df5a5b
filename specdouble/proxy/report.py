"""What `mock-server proxy` saw, for people and CI: a line per problem while it runs; on exit,
JUnit XML (a test case per operation, failing with its violations and differences) and
Markdown (grouped by operation, each problem once, with how often and a request that shows
it)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from specdouble.proxy.conformance import Violation

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


MAX_PROBLEMS = 100
"""Distinct problems kept per operation: a proxy runs for days, its reports stay small."""


class Tally:
    """What the reports need, kept as exchanges pass: exchanges per operation, and each
    distinct problem once per operation with how often it was seen."""

    def __init__(self) -> None:
        self.exchanges: dict[str, int] = {}
        self.problems: dict[str, dict[tuple[str, str], Problem]] = {}
        self.dropped = 0

    def add(self, entry: Entry) -> None:
        self.exchanges[entry.operation] = self.exchanges.get(entry.operation, 0) + 1
        found = [(f"{v.side}: {v.check}", one_line(v.message)) for v in entry.violations]
        found += [("differs from the mock", difference) for difference in entry.differences]
        seen = self.problems.setdefault(entry.operation, {}) if found else {}
        for kind, message in found:
            problem = seen.get((kind, message))
            if problem is not None:
                problem.count += 1
            elif len(seen) < MAX_PROBLEMS:
                seen[(kind, message)] = Problem(kind, message, 1, entry.request)
            else:
                self.dropped += 1

    @property
    def total(self) -> int:
        return sum(self.exchanges.values())


def write_junit(tally: Tally, path: Path) -> None:
    found = tally.problems
    failing = sum(1 for operation in tally.exchanges if found.get(operation))
    suite = ET.Element(
        "testsuite",
        name="mock-server proxy",
        tests=str(len(tally.exchanges)),
        failures=str(failing),
        errors="0",
    )
    for operation in sorted(tally.exchanges):
        case = ET.SubElement(suite, "testcase", classname="mock-server proxy", name=operation)
        listed = list(found.get(operation, {}).values())
        if listed:
            text = "\n".join(
                f"{p.kind}: {p.message} (x{p.count}; e.g. {p.example})" for p in listed
            )
            failure = ET.SubElement(
                case,
                "failure",
                message=f"{len(listed)} problem(s) in {tally.exchanges[operation]} exchange(s)",
            )
            failure.text = text
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)


def write_markdown(tally: Tally, path: Path, target: str) -> None:
    found = tally.problems
    text = [
        f"# mock-server proxy in front of {target}",
        "",
        f"{tally.total} exchange(s) over {len(tally.exchanges)} operation(s);"
        f" {sum(1 for o in tally.exchanges if found.get(o))} with problems.",
    ]
    if tally.dropped:
        text.append(f"{tally.dropped} more problem(s) past {MAX_PROBLEMS} per operation.")
    for operation in sorted(found):
        if not found[operation]:
            continue
        text += ["", f"## {operation}", "", "| problem | seen | e.g. |", "| --- | --- | --- |"]
        for problem in found[operation].values():
            message = problem.message.replace("|", "\\|").replace("\n", " ")
            text.append(f"| {problem.kind}: {message} | {problem.count} | `{problem.example}` |")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
