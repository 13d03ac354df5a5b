"""Where a JSON pointer is in a document's text: its line, for reports a person or a CI system
opens at the place (a pull request's annotation)."""

from __future__ import annotations

from pathlib import Path

import yaml

from specdouble.document.openapi import YAML_LOADER, pointer_parts


class Lines:
    """The lines of one document file's nodes, read when first asked for (YAML or JSON,
    which YAML reads), with the same (C) loader that reads documents."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._root: yaml.Node | bool | None = False  # False: not read yet

    @property
    def root(self) -> yaml.Node | None:
        if self._root is False:
            try:
                text = self.path.read_text(encoding="utf-8")
                self._root = yaml.compose(text, Loader=YAML_LOADER)
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                self._root = None
        return self._root  # type: ignore[return-value]

    def line(self, pointer: str) -> int | None:
        """The 1-based line of the node at `pointer` (`#/paths/~1pets/get`), or of the
        nearest node above it that exists (a missing key is reported where it belongs)."""
        node = self.root
        if node is None:
            return None
        line = node.start_mark.line + 1
        for part in pointer_parts(pointer):
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
