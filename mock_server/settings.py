"""Every default in one place: one `Settings`, from environment variables and CLI flags."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = PROJECT_ROOT / "openapi" / "authentik-event-matcher.yaml"
DEFAULT_FIXTURES = PROJECT_ROOT / "fixtures"
DEFAULT_SEED = 42
DEFAULT_COUNT = 150
DEFAULT_PER_RESOURCE = 5
TOKENS_FILE = "tokens.yaml"
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mock-server"
ENV_PREFIX = "MOCK_SERVER_"
BOOLEANS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    spec: Path = DEFAULT_SPEC
    fixtures: Path = DEFAULT_FIXTURES
    """The folder with `tokens.yaml` and, unless data is generated, the collections' JSON."""
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
    """The SQLite file through which worker processes share writes (None: one process)."""
    direct: bool = True
    """Answer resource operations on the direct path (False: all through Connexion's pipeline,
    to compare; the answers are the same)."""

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
        `_PER_RESOURCE`, `_CORS_ORIGINS` (comma-separated), `_LOG_LEVEL`, `_WORKERS`, `_STATE`
        and `_DIRECT` (`0` or `false` turns the direct path off)."""
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
            direct=boolean("DIRECT"),
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
            "DIRECT": "1" if self.direct else "0",
        }
        return {ENV_PREFIX + k: str(v) for k, v in values.items() if v is not None}
