"""Every default in one place: one `Settings`, from environment variables and CLI flags."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The built-in document and data ship inside the package, so an installed copy serves them.
BUILTIN = Path(__file__).resolve().parent / "builtin"
DEFAULT_SPEC = BUILTIN / "authentik-event-matcher.yaml"
DEFAULT_FIXTURES = BUILTIN / "fixtures"
DEFAULT_SEED = 42
DEFAULT_COUNT = 150
DEFAULT_PER_RESOURCE = 5
DEFAULT_JOURNAL = 1000
DEFAULT_CONTROL_PREFIX = "/_mock"
MAX_JOURNAL = 100_000
MAX_LATENCY_MS = 60_000
TOKENS_FILE = "tokens.yaml"
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mock-server"
ENV_PREFIX = "MOCK_SERVER_"
MAX_PORT = 65_535
LENIENCIES = ("auto", "real", "document", "contract")
"""`auto`: authentik's documents as loosely as authentik reads them, others as the document
says; `real`: as loosely as the real server, also for other DRF documents; `document` (or its
older name `contract`): the document's strict 400s."""
STRICT = frozenset({"document", "contract"})
"""The leniencies that answer the document's own 400s."""
BOOLEANS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


@dataclass(frozen=True, slots=True)
class Limits:
    """What one request may cost; past each, a clear answer in the document's error shape.

    Each is a `serve --limit NAME=VALUE` (or `MOCK_SERVER_LIMIT_<NAME>`); the defaults follow
    Django's and DRF's where they have one.
    """

    body_bytes: int = 2_621_440
    """A request body (413); Django's DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB."""
    json_depth: int = 64
    """Nesting of arrays and objects in a JSON body (400)."""
    query_parameters: int = 1000
    """Query parameters of one request (400); Django's DATA_UPLOAD_MAX_NUMBER_FIELDS."""
    uri_bytes: int = 16_384
    """The request target: path and query string (414)."""
    header_bytes: int = 65_536
    """All request headers together, names and values (431)."""
    ordering_fields: int = 32
    """Distinct fields in one `ordering` (400); repeats are dropped and cost nothing."""
    search_words: int = 32
    """Distinct words in one `search` (400); repeats are dropped and cost nothing."""
    integer_digits: int = 1000
    """Characters of an integer query value (400); DRF's IntegerField.MAX_STRING_LENGTH."""
    read_timeout: float = 30.0
    """Seconds to wait for the next part of a request body before answering 408."""

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in dataclasses.fields(cls)]

    def with_values(self, assignments: Mapping[str, str], *, source: str) -> Limits:
        """A copy with `name -> value` strings applied; a ValueError names what is wrong."""
        changes: dict[str, Any] = {}
        for name, raw in assignments.items():
            if name not in self.names():
                raise ValueError(
                    f"{source}: unknown limit {name!r} (one of {', '.join(self.names())})"
                )
            kind = type(getattr(self, name))
            try:
                value = kind(raw)
            except ValueError as error:
                raise ValueError(f"{source}: limit {name} must be a number, not {raw!r}") from error
            if value <= 0:
                raise ValueError(f"{source}: limit {name} must be more than 0, not {raw}")
            changes[name] = value
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    spec: Path = DEFAULT_SPEC
    fixtures: Path = DEFAULT_FIXTURES
    """The folder with the collections' JSON (unless data is generated) and, optionally,
    `tokens.yaml` (else the built-in users and tokens)."""
    seed: int | None = None
    """With `seed` or `count`, data is generated in memory instead of read from `fixtures`."""
    count: int | None = None
    per_resource: int = DEFAULT_PER_RESOURCE
    """Objects generated for each resource that has no fixture file (Event Matcher: `count`)."""
    cache: Path | None = DEFAULT_CACHE
    """Where checked documents are kept, so each version is validated once (None: never)."""
    cors_origins: tuple[str, ...] = ("*",)
    log_level: str = "info"
    workers: int = 1
    state: Path | None = None
    """The SQLite file that holds the writes: `serve --state FILE` (kept between starts), or
    a temporary one through which worker processes share them (None: in memory only)."""
    shared: str | None = None
    """A PostgreSQL URL whose database holds the writes, shared by replicas on any machine."""
    direct: bool = True
    """Answer resource operations on the direct path (False: all through Connexion's pipeline,
    to compare; the answers are the same)."""
    limits: Limits = Limits()
    leniency: str = "auto"
    """Query values the document types but authentik reads more loosely (`page_size=abc`,
    `execution_logging=1`, a naive instant): "auto" reads them as authentik 2026.8 does for
    authentik's documents (a UI built against the mock then works against production);
    "document" (or "contract") answers 400, as the document says; "real" is authentik's way
    for any DRF document."""
    control_token: str | None = None
    """A token for the control routes (`/_mock/*`) besides the admin tokens of `tokens.yaml`."""
    control_prefix: str = DEFAULT_CONTROL_PREFIX
    """Where the control routes live; a document with paths under it is refused at start."""
    tokens: Path | None = None
    """A tokens file: only its tokens are valid. Without it, authentik's documents take
    `fixtures/tokens.yaml` and any other document takes any well-formed credential."""
    ui: Path | None = None
    """A built authentik web interface to serve (`/if/admin/`, `/static/dist/`, ...)."""
    reload: bool = False
    """Watch the document and the fixtures, and serve them again when they change."""
    journal: int = DEFAULT_JOURNAL
    """How many requests `GET /_mock/requests` keeps (0: none)."""
    latency: tuple[int, int] | None = None
    """Every answer waits between these many milliseconds (seeded: the same run, the same
    waits)."""

    def check(self) -> None:
        """Refuse values no server can run with, in one line that names the setting."""
        if self.leniency not in LENIENCIES:
            raise ValueError(
                f"--leniency must be one of {', '.join(LENIENCIES)}, not {self.leniency!r}"
            )
        if not 1 <= self.port <= MAX_PORT:
            raise ValueError(f"--port must be between 1 and {MAX_PORT}, not {self.port}")
        if self.workers < 1:
            raise ValueError(f"--workers must be 1 or more, not {self.workers}")
        if self.count is not None and self.count < 0:
            raise ValueError(f"--count must be 0 or more, not {self.count}")
        if self.per_resource < 0:
            raise ValueError(f"--per-resource must be 0 or more, not {self.per_resource}")
        if not self.spec.is_file():
            raise ValueError(f"--spec {self.spec}: no such file")
        if not self.fixtures.is_dir():
            raise ValueError(f"--fixtures {self.fixtures}: no such folder")
        prefix = self.control_prefix
        if not prefix.startswith("/") or not prefix.strip("/") or "//" in prefix or "{" in prefix:
            raise ValueError(f"--control-prefix must be a path such as /_mock, not {prefix!r}")
        if self.reload and self.workers > 1:
            raise ValueError("--reload needs one process (serve without --workers)")
        if not 0 <= self.journal <= MAX_JOURNAL:
            raise ValueError(f"--journal must be between 0 and {MAX_JOURNAL}, not {self.journal}")
        if self.latency is not None:
            low, high = self.latency
            if not 0 <= low <= high <= MAX_LATENCY_MS:
                raise ValueError(
                    f"--latency must be LOW-HIGH milliseconds, 0 <= LOW <= HIGH <= "
                    f"{MAX_LATENCY_MS}, not {low}-{high}"
                )
        if self.tokens is not None and not self.tokens.is_file():
            raise ValueError(f"--tokens {self.tokens}: no such file")
        if self.ui is not None and (problem := ui_problem(self.ui)):
            raise ValueError(f"--ui {self.ui}: {problem}")

    @property
    def tokens_file(self) -> Path:
        """Who may call: `--tokens`, else the fixtures' `tokens.yaml`, else the built-in one."""
        if self.tokens is not None:
            return self.tokens
        given = self.fixtures / TOKENS_FILE
        return given if given.is_file() else DEFAULT_FIXTURES / TOKENS_FILE

    @property
    def lenient(self) -> bool:
        """Whether DRF's documents are read as loosely as their server does; `auto` leaves the
        choice to the profile (authentik's: yes)."""
        return self.leniency == "real"

    @property
    def strict(self) -> bool:
        """The document's own 400s, whatever the profile."""
        return self.leniency in STRICT

    @property
    def control_paths(self) -> str:
        """What every control route's path starts with (`/_mock/`): no path of the document."""
        return self.control_prefix.rstrip("/") + "/"

    @property
    def generates(self) -> bool:
        return self.seed is not None or self.count is not None

    @property
    def id_seed(self) -> int:
        """Seeds the ids of created objects, so replicas given the same writes agree."""
        return DEFAULT_SEED if self.seed is None else self.seed

    def replace(self, **changes: Any) -> Settings:
        """A copy with the changes that are not None (an unset CLI flag changes nothing)."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Each setting from `MOCK_SERVER_<NAME>` (`MOCK_SERVER_PORT`, `..._CORS_ORIGINS`
        comma-separated, `..._DIRECT=0`, `..._LATENCY=50-200`), and each limit from
        `MOCK_SERVER_LIMIT_<NAME>`: one loop over the fields, so a new setting needs no more
        spelling than its field."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, codec in CODECS.items():
            raw = env.get(ENV_PREFIX + name.upper())
            if raw:
                values[name] = codec.read(raw, ENV_PREFIX + name.upper())
        limits = Limits().with_values(
            {
                name: value
                for name in Limits.names()
                if (value := env.get(f"{ENV_PREFIX}LIMIT_{name.upper()}"))
            },
            source=f"{ENV_PREFIX}LIMIT_*",
        )
        if limits != Limits():
            values["limits"] = limits
        return cls().replace(**values)

    def environment(self) -> dict[str, str]:
        """These settings as `MOCK_SERVER_*` variables, for worker processes."""
        shown = {
            ENV_PREFIX + name.upper(): codec.write(value)
            for name, codec in CODECS.items()
            if (value := getattr(self, name)) is not None
        }
        for name in Limits.names():
            shown[f"{ENV_PREFIX}LIMIT_{name.upper()}"] = str(getattr(self.limits, name))
        return shown


UI_ENTRY = "admin/AdminInterface-*.js"
UI_HOWTO = (
    "a built authentik web interface is a folder holding dist/ and authentik/: copy /web out of"
    " authentik's server image, or build web/ from authentik's sources (see the README)"
)


def ui_problem(folder: Path) -> str | None:
    """What is wrong with `folder` as `--ui`, said with what it holds; None if it is a build."""
    if not folder.exists():
        return f"no such folder ({UI_HOWTO})"
    if not folder.is_dir():
        return f"a file, not a folder ({UI_HOWTO})"
    if any(folder.glob(UI_ENTRY)):
        return f"this is the build's dist/ itself: give the folder above it, {folder.parent}"
    held = ", ".join(sorted(p.name + ("/" if p.is_dir() else "") for p in folder.iterdir())[:8])
    if not (folder / "dist").is_dir():
        return f"has no dist/ (it holds {held or 'nothing'}; {UI_HOWTO})"
    if not any((folder / "dist").glob(UI_ENTRY)):
        return f"dist/ has no {UI_ENTRY}: not a built authentik web interface ({UI_HOWTO})"
    return None


def parse_latency(text: str, source: str = "--latency") -> tuple[int, int]:
    """`50-200` (a range of milliseconds) or `100` (always that).

    >>> parse_latency("50-200"), parse_latency("100")
    ((50, 200), (100, 100))
    """
    low, _, high = text.strip().partition("-")
    try:
        values = (int(low), int(high or low))
    except ValueError as error:
        raise ValueError(
            f"{source} must be LOW-HIGH milliseconds (50-200), not {text!r}"
        ) from error
    return values


@dataclass(frozen=True, slots=True)
class Codec:
    """How one setting reads from and writes to an environment variable."""

    read: Callable[[str, str], Any]
    write: Callable[[Any], str] = str


def _integer(raw: str, source: str) -> int:
    try:
        return int(raw)
    except ValueError as error:
        raise ValueError(f"{source} must be an integer, not {raw!r}") from error


def _boolean(raw: str, source: str) -> bool:
    if raw.lower() not in BOOLEANS:
        raise ValueError(f"{source} must be one of {sorted(BOOLEANS)}")
    return BOOLEANS[raw.lower()]


TEXT = Codec(lambda raw, _source: raw)
PATH = Codec(lambda raw, _source: Path(raw))
INTEGER = Codec(_integer)
BOOLEAN = Codec(_boolean, lambda value: "1" if value else "0")
NAMES = Codec(
    lambda raw, _source: tuple(part.strip() for part in raw.split(",") if part.strip()),
    ",".join,
)
LATENCY = Codec(parse_latency, lambda value: "-".join(map(str, value)))
PREFIX = Codec(lambda raw, _source: raw.rstrip("/") or raw)
KINDS: dict[str, Codec] = {
    "str": TEXT,
    "str | None": TEXT,
    "Path": PATH,
    "Path | None": PATH,
    "int": INTEGER,
    "int | None": INTEGER,
    "bool": BOOLEAN,
    "tuple[str, ...]": NAMES,
    "tuple[int, int] | None": LATENCY,
}
NOT_IN_ENVIRONMENT = frozenset({"limits", "cache"})
"""`limits` has a variable per limit; `cache` is where checked documents are kept."""
CODECS: dict[str, Codec] = {
    field.name: PREFIX if field.name == "control_prefix" else KINDS[str(field.type)]
    for field in dataclasses.fields(Settings)
    if field.name not in NOT_IN_ENVIRONMENT
}
"""Each setting's codec, by its declared type: the one place a setting's variable is made."""
