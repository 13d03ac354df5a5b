"""The rules of `mock-server validate` and `mock-server diff`, their default severities, and the
settings that change them: a file in the repository (`.mock-server.yaml`, or `--config FILE`)
and `--rule ID=SEVERITY` on the command line, which wins.

```yaml
validate:
  rules:
    auth-errors-documented: off       # error | warning | info | off
    input-errors-documented: error
diff:
  rules:
    enum-value-added: error
```
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from specdouble.document.findings import OFF, SEVERITIES

CONFIG = Path(".mock-server.yaml")
"""The settings file `validate` and `diff` read from the working directory, if there."""

VALIDATE_RULES: dict[str, tuple[str, str]] = {
    "ref-resolves": ("error", "every $ref resolves to a part of the document"),
    "oas-valid": ("error", "the document is valid OpenAPI 3.0/3.1 (openapi-spec-validator)"),
    "info-version": ("error", "info has a title and a version"),
    "operation-id-unique": ("error", "no two operations share an operationId"),
    "security-defined": ("error", "every security requirement names a defined scheme"),
    "errors-documented": ("error", "every operation documents a 4xx or default answer"),
    "auth-errors-documented": ("warning", "a secured operation documents its 401 or 403"),
    "input-errors-documented": ("warning", "an operation with input documents its 400 or 422"),
    "operation-id": ("warning", "every operation has an operationId"),
    "success-example": ("warning", "some success answer has an example"),
    "example-fits-schema": ("warning", "every answer example fits its schema"),
}
"""Rule id -> (default severity, what it asks)."""

DIFF_RULES: dict[str, tuple[str, str]] = {
    rule: (severity, words)
    for rule, severity, words in (
        ("operation-removed", "error", "an operation was removed"),
        ("operation-added", "info", "an operation was added"),
        ("operation-deprecated", "info", "an operation was deprecated"),
        ("parameter-removed", "error", "a query, header or cookie parameter was removed"),
        ("parameter-added", "info", "an optional parameter was added"),
        ("parameter-added-required", "error", "a required parameter was added"),
        ("parameter-made-required", "error", "a parameter was made required"),
        ("parameter-made-optional", "warning", "a parameter was made optional"),
        ("body-made-required", "error", "the request body was made required"),
        ("body-added", "info", "a request body was added"),
        ("media-type-removed", "error", "a media type of a request or an answer was removed"),
        ("success-status-removed", "error", "a success answer was removed"),
        ("status-added", "info", "an answer was documented"),
        ("nullable-added", "", "a value may now be null"),
        ("nullable-removed", "", "a value may no longer be null"),
        ("type-narrowed", "", "a type admits fewer kinds of value"),
        ("type-widened", "", "a type admits more kinds of value"),
        ("type-changed", "error", "a type changed"),
        ("enum-value-removed", "", "an enum lost values"),
        ("enum-value-added", "", "an enum gained values"),
        ("enum-added", "", "a value was limited to an enum"),
        ("limit-narrowed", "", "a length, bound or count limit narrowed"),
        ("limit-widened", "", "a length, bound or count limit widened"),
        ("pattern-changed", "", "a pattern changed"),
        ("property-removed", "error", "a property was removed"),
        ("property-added", "info", "an optional property was added"),
        ("property-added-required", "error", "a required request property was added"),
        ("property-made-required", "error", "a request property was made required"),
        ("property-made-optional", "error", "a response property may now be absent"),
    )
}
"""Rule id -> (severity, what changed); an empty severity: it depends on the side (request or
response) the change is on, as `diff` classifies it."""


class ConfigError(ValueError):
    """The settings cannot be read: a file that is not YAML, an unknown rule or severity."""


@dataclass(frozen=True, slots=True)
class Severities:
    """What each rule's findings count as."""

    known: Mapping[str, tuple[str, str]]
    chosen: Mapping[str, str] = field(default_factory=dict)

    def of(self, rule: str, default: str) -> str:
        """The severity of a finding of `rule` (`off`: not reported)."""
        return self.chosen.get(rule) or self.known.get(rule, (default, ""))[0] or default


def severities(
    command: str,
    known: Mapping[str, tuple[str, str]],
    given: Sequence[str] = (),
    config: Path | None = None,
) -> Severities:
    """The severities `command` (`validate`, `diff`) uses: its rules' defaults, then the
    settings file's, then `--rule ID=SEVERITY`."""
    chosen: dict[str, str] = {}
    path = config if config is not None else CONFIG if CONFIG.is_file() else None
    if path is not None:
        try:
            settings = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as error:
            raise ConfigError(f"{path}: cannot be read: {error}") from error
        section = settings.get(command) if isinstance(settings, Mapping) else None
        rules = section.get("rules") if isinstance(section, Mapping) else None
        for rule, severity in (rules or {}).items():
            chosen[str(rule)] = _checked(known, str(rule), severity, str(path))
    for each in given:
        rule, equals, severity = each.partition("=")
        if not equals:
            raise ConfigError(f"--rule {each!r}: expected ID=SEVERITY")
        chosen[rule.strip()] = _checked(known, rule.strip(), severity.strip(), "--rule")
    return Severities(known, chosen)


def _checked(known: Mapping[str, tuple[str, str]], rule: str, severity: object, where: str) -> str:
    text = "off" if severity is False else str(severity).lower()  # YAML reads `off` as false
    if rule not in known:
        raise ConfigError(f"{where}: unknown rule {rule!r} (known: {', '.join(sorted(known))})")
    if text not in (*SEVERITIES, OFF):
        raise ConfigError(
            f"{where}: {rule}: unknown severity {severity!r} (one of {', '.join(SEVERITIES)}, off)"
        )
    return text
