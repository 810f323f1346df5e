"""Small Parquet fixtures for the Spark engine tests (built in code)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from oiltrail.ais.schema import POSITIONS

DAYS = [date(2026, 1, 5) + timedelta(n) for n in range(4)]


def positions_table(day: date, n: int = 3) -> pa.Table:
    start = datetime(day.year, day.month, day.day, 1)
    return pa.table(
        {
            "mmsi": [123456789] * n,
            "ts": [start + timedelta(minutes=10 * i) for i in range(n)],
            "lat": [38.0] * n,
            "lon": [124.0] * n,
            "sog": [0.5] * n,
            "cog": [90.0] * n,
            "heading": [90] * n,
            "nav_status": [0] * n,
            "source": ["t"] * n,
        }
    ).cast(POSITIONS)


def write_days(root: Path, days: list[date]) -> Path:
    for day in days:
        folder = root / f"day={day.isoformat()}"
        folder.mkdir(parents=True)
        pq.write_table(positions_table(day), folder / "part-0.parquet")
    return root
