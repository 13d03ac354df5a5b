"""Showing a contract run: a summary per operation and check, then the findings grouped by
operation, each with its cause, the smallest request that fails, what the server answered and
a `curl` to reproduce it; JUnit XML and Markdown for CI."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from specdouble.contract.runner import DISABLED_CHECKS, Finding, Report


def summary(report: Report) -> str:
    lines = ["", "Summary (cases passed / failed, per operation and check):"]
    for operation in sorted(report.counts):
        lines.append(f"  {operation}")
        for check, outcome in sorted(report.counts[operation].items()):
            failed = outcome.get("failed", 0)
            mark = "FAIL" if failed else "ok"
            lines.append(f"    {mark:4} {check}: {outcome.get('passed', 0)} / {failed}")
    lines += findings_text(report)
    for error in report.errors:
        lines.append(f"error: {error}")
    unjudged = report.unjudged
    if unjudged:
        lines += ["", f"The run proves nothing: {unjudged}."]
    for note in report.notes:
        lines.append(f"note: {note}")
    for left in report.left:
        lines.append(f"left on the server: {left}")
    lines.append("")
    lines.append(f"Not run, as they cannot hold for authentik: {', '.join(DISABLED_CHECKS)}.")
    verdict = "holds" if report.holds else "is broken"
    lines.append(f"The contract {verdict}: {report.cases} cases, seed {report.seed}.")
    return "\n".join(lines)


def by_operation(report: Report) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = {}
    for finding in report.findings.values():
        grouped.setdefault(finding.operation, []).append(finding)
    return grouped


def _named(finding: Finding) -> str:
    also = "; ".join(f"{check}: {title}" for check, title in finding.also)
    return f"{finding.title} ({finding.check}{'; also ' + also if also else ''})"


def _message(finding: Finding) -> list[str]:
    """The check's words, but for the status it repeats where the answer is shown."""
    lines = finding.message.splitlines()
    if finding.received:
        lines = [line for line in lines if not line.startswith("Received: ")]
    return lines


def findings_text(report: Report) -> list[str]:
    if not report.findings:
        return []
    grouped = by_operation(report)
    lines = ["", f"{len(report.findings)} contract failure(s), in {len(grouped)} operation(s):"]
    number = 0
    for operation in sorted(grouped):
        lines += ["", operation]
        for finding in grouped[operation]:
            number += 1
            lines.append(f"  {number}. {_named(finding)}")
            lines += [f"     Cause: {cause}" for cause in finding.causes]
            if finding.request:
                lines.append(f"     Sent:     {finding.request}")
            if finding.received:
                first, _, body = finding.received.partition("\n")
                lines.append(f"     Received: {first}")
                lines += [f"               {line}" for line in body.splitlines()[:8]]
            lines += [f"     {line}" for line in _message(finding)]
            lines += ["     Reproduce (TOKEN=<your token>):", f"     {finding.curl}"]
            if finding.shrunk:
                lines.append(f"     ({finding.shrunk})")
    return lines


def write_markdown(report: Report, path: Path) -> None:
    """The run for a person or a pull request: the verdict, the findings by operation with
    cause, request, answer and curl, then the table of checks."""
    verdict = "holds" if report.holds else "is broken"
    lines = [f"# The contract {verdict}", "", f"{report.cases} cases, seed {report.seed}.", ""]
    grouped = by_operation(report)
    if grouped:
        lines += ["## Findings", ""]
    for operation in sorted(grouped):
        lines += [f"### `{operation}`", ""]
        for finding in grouped[operation]:
            lines += [f"**{_named(finding)}**", ""]
            lines += [f"- Cause: {cause}" for cause in finding.causes]
            if finding.request:
                lines.append(f"- Sent: `{finding.request}`")
            if finding.received:
                lines += [
                    "- Received:",
                    "",
                    "  ```",
                    *(f"  {line}" for line in finding.received.splitlines()),
                    "  ```",
                ]
            lines += ["", "```sh", finding.curl, "```", ""]
    problems = [*report.errors, *([report.unjudged] if report.unjudged else [])]
    if problems:
        lines += ["## Errors", "", *(f"- {problem}" for problem in problems), ""]
    if report.notes or report.left:
        lines += ["## Notes", "", *(f"- {note}" for note in report.notes)]
        lines += [f"- left on the server: {left}" for left in report.left]
        lines.append("")
    lines += [
        "## Checks",
        "",
        "| operation | check | passed | failed |",
        "| --- | --- | --- | --- |",
    ]
    for operation in sorted(report.counts):
        for check, outcome in sorted(report.counts[operation].items()):
            lines.append(
                f"| `{operation}` | {check} | {outcome.get('passed', 0)} |"
                f" {outcome.get('failed', 0)} |"
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_junit(report: Report, path: Path) -> None:
    """One test suite per operation, one test case per check."""
    suites = ET.Element("testsuites", name="mock-server contract")
    for operation in sorted(report.counts):
        checks = report.counts[operation]
        failures = [c for c, outcome in checks.items() if outcome.get("failed")]
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=operation,
            tests=str(len(checks)),
            failures=str(len(failures)),
        )
        for check in sorted(checks):
            case = ET.SubElement(suite, "testcase", classname=operation, name=check)
            for finding in report.findings.values():
                named = {finding.check, *(name for name, _title in finding.also)}
                if finding.operation == operation and check in named:
                    failure = ET.SubElement(case, "failure", message=finding.title)
                    failure.text = "\n".join(
                        [
                            *finding.causes,
                            f"Sent: {finding.request}",
                            f"Received: {finding.received}",
                            finding.message,
                            "",
                            finding.curl,
                        ]
                    )
    problems = [*report.errors, *([report.unjudged] if report.unjudged else [])]
    if problems:
        suite = ET.SubElement(suites, "testsuite", name="errors", tests="1", failures="1")
        case = ET.SubElement(suite, "testcase", classname="errors", name="run")
        ET.SubElement(case, "error", message="errors during the run").text = "\n".join(problems)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)
