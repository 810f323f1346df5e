"""Hand-built tracks for detector tests: legs of (hours, knots, heading) from a start fix."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import pyarrow as pa

T0 = datetime(2026, 1, 5)
Fix = tuple[int, datetime, float, float, float | None]


def legs(
    mmsi: int,
    t0: datetime,
    lat: float,
    lon: float,
    plan: list[tuple[float, float, float]],
    every_s: float = 300.0,
) -> list[Fix]:
    """Fixes every `every_s` seconds sailing `plan` = [(hours, knots, heading_deg), ...]."""
    out: list[Fix] = []
    t = t0
    for hours, knots, heading in plan:
        for _ in range(round(hours * 3600 / every_s)):
            out.append((mmsi, t, lat, lon, knots))
            d_m = knots * 1852 * every_s / 3600
            lat += d_m * math.cos(math.radians(heading)) / 111_195
            lon += d_m * math.sin(math.radians(heading)) / (111_195 * math.cos(math.radians(lat)))
            lon = (lon + 540) % 360 - 180
            t += timedelta(seconds=every_s)
    out.append((mmsi, t, lat, lon, plan[-1][1] if plan else 0.0))
    return out


def table(*tracks: list[Fix]) -> pa.Table:
    rows = [f for tr in tracks for f in tr]
    return pa.table(
        {
            "mmsi": pa.array([r[0] for r in rows], pa.uint32()),
            "ts": pa.array([r[1] for r in rows], pa.timestamp("us")),
            "lat": pa.array([r[2] for r in rows], pa.float64()),
            "lon": pa.array([r[3] for r in rows], pa.float64()),
            "sog": pa.array([r[4] for r in rows], pa.float32()),
        }
    )


def static(
    rows: list[tuple[int, datetime, int | None, str | None, str | None, float | None]],
) -> pa.Table:
    return pa.table(
        {
            "mmsi": pa.array([r[0] for r in rows], pa.uint32()),
            "ts": pa.array([r[1] for r in rows], pa.timestamp("us")),
            "imo": pa.array([r[2] for r in rows], pa.uint32()),
            "name": pa.array([r[3] for r in rows], pa.string()),
            "callsign": pa.array([r[4] for r in rows], pa.string()),
            "draught": pa.array([r[5] for r in rows], pa.float32()),
        }
    )


def h(hours: float) -> timedelta:
    return timedelta(hours=hours)


# Open sea in the Yellow Sea / East China Sea, far (> 60 km) from every bundled port.
SEA = (33.0, 124.5)
NAMPO = (38.716667, 125.4)
