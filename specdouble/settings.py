"""Every default in one place: one `Settings`, from environment variables and CLI flags."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
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
LENIENCIES = ("contract", "real")
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
    leniency: str = "contract"
    """Query values the document types but authentik reads more loosely (`page_size=abc`,
    `execution_logging=1`, a naive instant): "contract" answers 400, as the document says;
    "real" answers as authentik 2026.8 does."""
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
        return self.leniency == "real"

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
        """Read `MOCK_SERVER_HOST`, `_PORT`, `_SPEC`, `_FIXTURES`, `_SEED`, `_COUNT`,
        `_PER_RESOURCE`, `_CORS_ORIGINS` (comma-separated), `_LOG_LEVEL`, `_WORKERS`, `_STATE`,
        `_SHARED`,
        `_DIRECT` (`0` or `false` turns the direct path off), `_CONTROL_TOKEN`, `_CONTROL_PREFIX`,
        `_LENIENCY`,
        `_UI`, `_TOKENS`, `_JOURNAL`, `_LATENCY`, `_RELOAD` and `_LIMIT_<NAME>` for each of
        `Limits`."""
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env.get(ENV_PREFIX + name)
            return value if value else None

        def integer(name: str) -> int | None:
            value = get(name)
            if value is None:
                return None
            try:
                return int(value)
            except ValueError as error:
                raise ValueError(f"{ENV_PREFIX}{name} must be an integer, not {value!r}") from error

        def boolean(name: str) -> bool | None:
            value = get(name)
            if value is None:
                return None
            if value.lower() not in BOOLEANS:
                raise ValueError(f"{ENV_PREFIX}{name} must be one of {sorted(BOOLEANS)}")
            return BOOLEANS[value.lower()]

        origins = get("CORS_ORIGINS")
        limits = Limits().with_values(
            {
                name: value
                for name in Limits.names()
                if (value := get(f"LIMIT_{name.upper()}")) is not None
            },
            source=f"{ENV_PREFIX}LIMIT_*",
        )
        return cls().replace(
            host=get("HOST"),
            port=integer("PORT"),
            spec=Path(v) if (v := get("SPEC")) else None,
            fixtures=Path(v) if (v := get("FIXTURES")) else None,
            seed=integer("SEED"),
            count=integer("COUNT"),
            per_resource=integer("PER_RESOURCE"),
            cors_origins=tuple(o.strip() for o in origins.split(",") if o.strip())
            if origins
            else None,
            log_level=get("LOG_LEVEL"),
            workers=integer("WORKERS"),
            state=Path(v) if (v := get("STATE")) else None,
            shared=get("SHARED") or None,
            direct=boolean("DIRECT"),
            limits=limits if limits != Limits() else None,
            control_token=get("CONTROL_TOKEN"),
            control_prefix=v.rstrip("/") or v if (v := get("CONTROL_PREFIX")) else None,
            leniency=get("LENIENCY"),
            ui=Path(v) if (v := get("UI")) else None,
            tokens=Path(v) if (v := get("TOKENS")) else None,
            journal=integer("JOURNAL"),
            reload=boolean("RELOAD"),
            latency=parse_latency(v, f"{ENV_PREFIX}LATENCY") if (v := get("LATENCY")) else None,
        )

    def environment(self) -> dict[str, str]:
        """These settings as `MOCK_SERVER_*` variables, for worker processes."""
        values = {
            "HOST": self.host,
            "PORT": self.port,
            "SPEC": self.spec,
            "FIXTURES": self.fixtures,
            "SEED": self.seed,
            "COUNT": self.count,
            "PER_RESOURCE": self.per_resource,
            "CORS_ORIGINS": ",".join(self.cors_origins),
            "LOG_LEVEL": self.log_level,
            "WORKERS": self.workers,
            "STATE": self.state,
            "SHARED": self.shared,
            "DIRECT": "1" if self.direct else "0",
            "CONTROL_TOKEN": self.control_token,
            "CONTROL_PREFIX": self.control_prefix,
            "LENIENCY": self.leniency,
            "UI": self.ui,
            "TOKENS": self.tokens,
            "JOURNAL": self.journal,
            "RELOAD": "1" if self.reload else "0",
            "LATENCY": "-".join(map(str, self.latency)) if self.latency else None,
            **{f"LIMIT_{name.upper()}": getattr(self.limits, name) for name in Limits.names()},
        }
        return {ENV_PREFIX + k: str(v) for k, v in values.items() if v is not None}


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
