"""What `validate` and `diff` found, each with its rule, severity, file, JSON pointer and
line, and the formats CI systems read: text, JSON, JUnit XML, SARIF 2.1.0 (code scanning) and
GitHub Actions annotations (a pull request's line-level comments)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

SEVERITIES = ("error", "warning", "info")
"""From the most to the least severe; `off` turns a rule off."""
OFF = "off"
FORMATS = ("text", "json", "junit", "sarif", "github")
SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note"}
GITHUB_COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: str
    message: str
    file: str
    pointer: str
    line: int | None = None


def at_least(severity: str, threshold: str) -> bool:
    """Whether `severity` is as severe as `threshold` or more."""
    return SEVERITIES.index(severity) <= SEVERITIES.index(threshold)


def render(
    findings: Sequence[Finding],
    form: str,
    tool: str,
    rules: Mapping[str, str],
    checked: Sequence[str] = (),
) -> str:
    """`findings` in `form`; `rules`: each rule's description (SARIF's driver lists them);
    `checked`: every file looked at (JUnit shows the clean ones as passed)."""
    if form == "json":
        return json.dumps([asdict(finding) for finding in findings], indent=2)
    if form == "github":
        return "\n".join(_annotation(finding) for finding in findings)
    if form == "sarif":
        return json.dumps(_sarif(findings, tool, rules), indent=2)
    if form == "junit":
        return _junit(findings, tool, checked)
    return "\n".join(_line(finding) for finding in findings)


def _where(finding: Finding) -> str:
    return f"{finding.file}:{finding.line}" if finding.line else finding.file


def _line(finding: Finding) -> str:
    return (
        f"{finding.severity}: {_where(finding)}: {finding.pointer}: {finding.message}"
        f" [{finding.rule}]"
    )


def _escape(text: str, *, property_: bool = False) -> str:
    """GitHub's workflow-command escaping (properties also escape `:` and `,`)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def _annotation(finding: Finding) -> str:
    properties = [f"file={_escape(finding.file, property_=True)}"]
    if finding.line:
        properties.append(f"line={finding.line}")
    properties.append(f"title={_escape(finding.rule, property_=True)}")
    message = _escape(f"{finding.pointer}: {finding.message}")
    return f"::{GITHUB_COMMANDS[finding.severity]} {','.join(properties)}::{message}"


def _sarif(findings: Sequence[Finding], tool: str, rules: Mapping[str, str]) -> dict:
    used = sorted({finding.rule for finding in findings} | set(rules))
    results = []
    for finding in findings:
        location: dict = {"artifactLocation": {"uri": finding.file}}
        if finding.line:
            location["region"] = {"startLine": finding.line}
        results.append(
            {
                "ruleId": finding.rule,
                "level": SARIF_LEVELS[finding.severity],
                "message": {"text": f"{finding.pointer}: {finding.message}"},
                "locations": [{"physicalLocation": location}],
                "properties": {"jsonPointer": finding.pointer},
            }
        )
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": tool,
                        "informationUri": "https://github.com/",
                        "rules": [
                            {"id": rule, "shortDescription": {"text": rules.get(rule, rule)}}
                            for rule in used
                        ],
                    }
                },
                "results": results,
            }
        ],
    }


def _junit(findings: Sequence[Finding], tool: str, checked: Sequence[str]) -> str:
    """A test suite per file, a test case per finding (failed when an error or a warning);
    a file without findings is one passing case."""
    suites = ET.Element("testsuites", name=tool)
    files = list(dict.fromkeys([*checked, *(finding.file for finding in findings)]))
    for name in files:
        own = [finding for finding in findings if finding.file == name]
        failing = [f for f in own if f.severity != "info"]
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=name,
            tests=str(max(1, len(own))),
            failures=str(len(failing)),
        )
        if not own:
            ET.SubElement(suite, "testcase", classname=name, name="no findings")
        for finding in own:
            case = ET.SubElement(
                suite, "testcase", classname=name, name=f"{finding.rule} {finding.pointer}"
            )
            if finding.severity != "info":
                failure = ET.SubElement(
                    case, "failure", message=finding.message, type=finding.severity
                )
                failure.text = _line(finding)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True)
