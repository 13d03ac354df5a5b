"""`serve --reload`: watch the document (and the local files it `$ref`s) and the fixtures; on a
change, build the whole server again beside the running one, carry the state over where it
still fits, and only then answer from the new one. A document that cannot be loaded leaves the
running server as it was; either way one line on stderr says what happened.

What still fits: every collection the new server has too, with the same key, unless its
fixture file changed (then it starts from the new file). Collections the new document no longer
has are dropped, and named. Isolated sessions are carried over the same way.
"""

from __future__ import annotations

import re
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from starlette.types import Receive, Scope, Send

from specdouble.settings import Settings
from specdouble.state.store import Store

POLL_SECONDS = 0.5
LOCAL_REF = re.compile(r"""\$ref["']?\s*:\s*["']?([^"'#\s][^"'#\s]*)""")

Fingerprints = dict[Path, tuple[int, int]]


def watched(settings: Settings) -> list[Path]:
    """The document, the local files it `$ref`s, and every file of the fixtures folder."""
    paths = [settings.spec]
    try:
        text = settings.spec.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    for target in LOCAL_REF.findall(text):
        if "://" not in target:
            paths.append((settings.spec.parent / target).resolve())
    if settings.fixtures.is_dir():
        paths += sorted(p for p in settings.fixtures.iterdir() if p.is_file())
    return paths


def fingerprints(paths: Iterable[Path]) -> Fingerprints:
    seen: Fingerprints = {}
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            seen[path] = (-1, -1)
        else:
            seen[path] = (stat.st_mtime_ns, stat.st_size)
    return seen


def carry(
    old: Store, new: Store, fresh: set[str], gone: frozenset[str] = frozenset()
) -> tuple[list[str], list[str]]:
    """Put `old`'s collections into `new` where they fit (the new store has the collection,
    with the same key, and it is not in `gone`: resources the new document no longer serves);
    (kept, dropped)."""
    before, after = old.export_state(), new.export_state()
    held = new.counts()  # a collection made when first read is in no export before it is
    kept, dropped = [], []
    for name, records in before["collections"].items():
        if name not in held or name in gone or old.key(name) != new.key(name):
            if records:
                dropped.append(name)
            continue
        if name in fresh:
            continue
        after["collections"][name] = records
        kept.append(name)
    after["writes"] = before["writes"]
    new.import_state(after)
    return kept, dropped


class Reloading:
    """The app `serve --reload` runs: the current server, replaced when its files change."""

    def __init__(
        self,
        settings: Settings,
        build: Callable[[Settings], Any],
        *,
        current: Any = None,
        say: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
    ) -> None:
        self.settings = settings
        self.build = build
        self.say = say
        self.current = current if current is not None else build(settings)
        self.seen = fingerprints(watched(settings))
        self._lock = threading.Lock()
        self._stop = threading.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.current(scope, receive, send)

    def start(self) -> None:
        threading.Thread(target=self._watch, name="mock-server-reload", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()

    def _watch(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            self.check()

    def check(self) -> str | None:
        """Reload if a watched file changed since the last look; the line said, if any."""
        with self._lock:
            now = fingerprints(watched(self.settings))
            changed = sorted(
                path for path in set(now) | set(self.seen) if now.get(path) != self.seen.get(path)
            )
            if not changed:
                return None
            self.seen = now
            time.sleep(0.05)  # let an editor finish writing
            line = self._reload(changed)
            self.say(line)
            return line

    def _reload(self, changed: list[Path]) -> str:
        names = ", ".join(path.name for path in changed)
        try:
            new = self.build(self.settings)
        except Exception as error:  # any failure keeps the running server
            first = str(error).splitlines()[0] if str(error) else type(error).__name__
            return (
                f"mock-server: {names} changed, but cannot be served ({first}); "
                "still serving the previous version"
            )
        fixtures = self.settings.fixtures.resolve()
        fresh = {p.stem for p in changed if p.resolve().parent == fixtures and p.suffix == ".json"}
        old_stores, new_stores = self.current.store, new.store
        gone = self.current.resources - new.resources
        kept, dropped = carry(old_stores.shared, new_stores.shared, fresh, gone)
        for name, isolated in old_stores.isolated().items():
            carry(isolated, new_stores.session(name), fresh, gone)
        self.current = new  # requests from now on; those under way finish on the old one
        parts = [
            f"mock-server: reloaded after {names} changed",
            f"kept the state of {len(kept)} collections",
        ]
        if fresh:
            parts.append(f"from the fixtures again: {', '.join(sorted(fresh))}")
        if dropped:
            parts.append(f"dropped (not in the document any more): {', '.join(sorted(dropped))}")
        return "; ".join(parts)
