"""One settings object, read once from OILTRAIL_* environment variables.

A plain dataclass: every command reads it, so it must cost nothing to import (a settings
library took 80 ms of each command's start). A value that is not a number ends the command
with one line naming the variable (UsageError), never a traceback.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

PREFIX = "OILTRAIL_"


@dataclass
class Settings:
    """Defaults a user may override with OILTRAIL_DB, OILTRAIL_WORKERS, …"""

    db: Path = Path("oiltrail.duckdb")
    workers: int = 2  # the reference machine has 2 cores
    batch_rows: int = 1_000_000  # rows per streamed ingest batch; bounds ingest memory
    # detect reads the store a vessel bucket at a time (docs/performance.md): at most this
    # many positions in memory at once; 0 reads them all in one go.
    detect_partition_rows: int = 4_000_000
    # DuckDB's own memory limit while detect runs (it spills to disk beyond it).
    detect_duckdb_memory_mb: int = 1024

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ) if env is None else env
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(PREFIX + f.name.upper())
            if raw is None or raw == "":
                continue
            values[f.name] = Path(raw) if f.name == "db" else _integer(f.name, raw)
        return cls(**values)  # type: ignore[arg-type]


_AT_LEAST = {"workers": 1, "batch_rows": 1}  # the others may be 0


def _integer(name: str, raw: str) -> int:
    least = _AT_LEAST.get(name, 0)
    try:
        value = int(raw.strip().replace("_", ""))
    except ValueError:
        value = least - 1
    if value < least:
        from oiltrail.errors import UsageError

        raise UsageError(f"{PREFIX}{name.upper()}={raw!r}: give a whole number, {least} or more")
    return value


def default_db() -> Path:
    """OILTRAIL_DB or the default store, without reading (or checking) the other settings."""
    return Path(os.environ.get(PREFIX + "DB") or Settings.db)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
