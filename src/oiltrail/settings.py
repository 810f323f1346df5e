"""One settings object, read once from OILTRAIL_* environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Defaults a user may override with OILTRAIL_DB, OILTRAIL_WORKERS, …"""

    model_config = SettingsConfigDict(env_prefix="OILTRAIL_")

    db: Path = Path("oiltrail.duckdb")
    workers: int = 2  # the reference machine has 2 cores
    batch_rows: int = 1_000_000  # rows per streamed ingest batch; bounds ingest memory


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
