"""Write `specdouble/resources/authentik/blueprints.json` from authentik's default blueprints.

    python tools/authentik_blueprints.py <authentik source tree>

A fresh authentik install applies the blueprints of `blueprints/default/` and
`blueprints/system/`: its flows, their stages and bindings, prompts, policies, property
mappings. The file keeps each entry's model, blueprint id, identifiers and attributes, so the
mock makes the same objects (`resources/authentik/blueprints.py`). Blueprint tags become data:
`!KeyOf id` -> `{"$key": id}` (the object that entry made), `!Find [model, [field, value]]` ->
`{"$find": [model, field, value]}`; an attribute any other tag computes (`!Context`,
`!Format`, ...) is left out, and so is an entry whose identifiers need one. Entries of
blueprints that are not instantiated, or that remove objects (`state: absent`), are skipped.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

OUT = Path(__file__).resolve().parents[1] / "specdouble/resources/authentik/blueprints.json"
FOLDERS = ("system", "default")
"""authentik applies the system blueprints (mappings) before the defaults that use them."""
SKIPPED_MODELS = {"authentik_blueprints.metaapplyblueprint"}


class _Computed:
    """A value a blueprint tag computes at apply time, which a file cannot hold."""

    def __init__(self, tag: str) -> None:
        self.tag = tag


class _Loader(yaml.SafeLoader):
    pass


def _tagged(loader: _Loader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if suffix == "KeyOf":
        return {"$key": value}
    if suffix == "Find" and isinstance(value, list) and len(value) == 2:
        model, (field, wanted) = value[0], value[1]
        if not any(isinstance(v, _Computed) for v in (model, field, wanted)):
            return {"$find": [model, field, wanted]}
    return _Computed(suffix)


_Loader.add_multi_constructor("!", _tagged)


def _plain(value: Any) -> Any:
    """The value without what tags compute; `_Computed` where it cannot be kept."""
    if isinstance(value, dict):
        kept = {key: _plain(item) for key, item in value.items()}
        if any(isinstance(item, _Computed) for item in kept.values()):
            return _Computed("nested")
        return kept
    if isinstance(value, list):
        items = [_plain(item) for item in value]
        return _Computed("nested") if any(isinstance(i, _Computed) for i in items) else items
    return value


def _entries(path: Path) -> list[dict[str, Any]]:
    blueprint = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    labels = (blueprint.get("metadata") or {}).get("labels") or {}
    if str(labels.get("blueprints.goauthentik.io/instantiate", "true")).lower() == "false":
        return []
    made = []
    for entry in blueprint.get("entries") or []:
        model = entry.get("model")
        if model in SKIPPED_MODELS or entry.get("state", "present") == "absent":
            continue
        if entry.get("conditions"):
            continue  # applied only where the install has no such object: the mock's own
        identifiers = _plain(entry.get("identifiers") or {})
        if isinstance(identifiers, _Computed):
            continue
        attrs = {
            name: value
            for name, value in ((k, _plain(v)) for k, v in (entry.get("attrs") or {}).items())
            if not isinstance(value, _Computed)
        }
        made.append(
            {
                "blueprint": f"{path.parent.name}/{path.name}",
                "model": model,
                "id": entry.get("id"),
                "identifiers": identifiers,
                "attrs": attrs,
            }
        )
    return made


def read(blueprints: Path) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for folder in FOLDERS:
        for path in sorted((blueprints / folder).glob("*.yaml")):
            entries += _entries(path)
    return entries


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    entries = read(Path(argv[0]) / "blueprints")
    OUT.write_text(json.dumps(entries, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(entries)} entries -> {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
