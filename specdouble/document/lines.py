"""Where a JSON pointer is in a document's text: its line, for reports a person or a CI system
opens at the place (a pull request's annotation)."""

from __future__ import annotations

from pathlib import Path

import yaml


class Lines:
    """The lines of one document file's nodes, read once (YAML or JSON, which YAML reads)."""

    def __init__(self, path: Path) -> None:
        try:
            self.root: yaml.Node | None = yaml.compose(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            self.root = None

    def line(self, pointer: str) -> int | None:
        """The 1-based line of the node at `pointer` (`#/paths/~1pets/get`), or of the
        nearest node above it that exists (a missing key is reported where it belongs)."""
        node = self.root
        if node is None:
            return None
        line = node.start_mark.line + 1
        for part in _parts(pointer):
            if isinstance(node, yaml.MappingNode):
                found = next(
                    (
                        (key, value)
                        for key, value in node.value
                        if isinstance(key, yaml.ScalarNode) and key.value == part
                    ),
                    None,
                )
                if found is None:
                    return line
                key, node = found
                line = key.start_mark.line + 1
            elif isinstance(node, yaml.SequenceNode) and part.isdigit():
                index = int(part)
                if index >= len(node.value):
                    return line
                node = node.value[index]
                line = node.start_mark.line + 1
            else:
                return line
        return line


def _parts(pointer: str) -> list[str]:
    text = pointer.removeprefix("#").removeprefix("/")
    if not text:
        return []
    return [part.replace("~1", "/").replace("~0", "~") for part in text.split("/")]
