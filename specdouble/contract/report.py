"""Showing a contract run: a summary per operation and check, each failure with what was
expected, what came back and a `curl` to reproduce it, and JUnit XML for CI."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from specdouble.contract.runner import DISABLED_CHECKS, Report


def summary(report: Report) -> str:
    lines = ["", "Summary (cases passed / failed, per operation and check):"]
    for operation in sorted(report.counts):
        lines.append(f"  {operation}")
        for check, outcome in sorted(report.counts[operation].items()):
            failed = outcome.get("failed", 0)
            mark = "FAIL" if failed else "ok"
            lines.append(f"    {mark:4} {check}: {outcome.get('passed', 0)} / {failed}")
    if report.findings:
        lines += ["", f"{len(report.findings)} contract failure(s):"]
        for number, finding in enumerate(report.findings.values(), start=1):
            lines += [
                "",
                f"{number}. {finding.operation}: {finding.check}: {finding.title}",
                *(f"   {line}" for line in finding.message.splitlines()),
                "   Reproduce (TOKEN=<your token>):",
                f"   {finding.curl}",
            ]
    for error in report.errors:
        lines.append(f"error: {error}")
    unjudged = report.unjudged
    if unjudged:
        lines += ["", f"The run proves nothing: {unjudged}."]
    for note in report.notes:
        lines.append(f"note: {note}")
    lines.append("")
    lines.append(f"Not run, as they cannot hold for authentik: {', '.join(DISABLED_CHECKS)}.")
    verdict = "holds" if report.holds else "is broken"
    lines.append(f"The contract {verdict}: {report.cases} cases, seed {report.seed}.")
    return "\n".join(lines)


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
                if (finding.operation, finding.check) == (operation, check):
                    failure = ET.SubElement(case, "failure", message=finding.title)
                    failure.text = f"{finding.message}\n\n{finding.curl}"
    problems = [*report.errors, *([report.unjudged] if report.unjudged else [])]
    if problems:
        suite = ET.SubElement(suites, "testsuite", name="errors", tests="1", failures="1")
        case = ET.SubElement(suite, "testcase", classname="errors", name="run")
        ET.SubElement(case, "error", message="errors during the run").text = "\n".join(problems)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)
