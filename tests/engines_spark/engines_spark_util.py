"""Small Parquet fixtures for the Spark engine tests (built in code)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from oiltrail.ais.schema import POSITIONS, STATIC

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


T0 = datetime(2026, 1, 5)
A, B, C, D, E, F, G = (441_000_001 + i for i in range(7))


def _track(
    mmsi: int,
    start_h: float,
    end_h: float,
    lat0: float,
    lon0: float,
    dlat_h: float,
    dlon_h: float,
    sog: float,
    step_min: float = 2.0,
) -> list[dict[str, object]]:
    rows = []
    n = int((end_h - start_h) * 60 / step_min) + 1
    for k in range(n):
        h = start_h + k * step_min / 60
        rows.append(
            {
                "mmsi": mmsi,
                "ts": T0 + timedelta(hours=h),
                "lat": lat0 + dlat_h * (h - start_h),
                "lon": lon0 + dlon_h * (h - start_h),
                "sog": sog,
                "cog": 0.0,
                "heading": 0,
                "nav_status": 0,
                "source": "edges",
            }
        )
    return rows


def edge_scenario() -> tuple[pa.Table, pa.Table]:
    """Positions and static reports built to sit on the Spark engine's partition edges.

    - A and B drift 220 m apart either side of lat 30.0 (a 10-degree cell edge) from
      21:00 on day 1 to 02:00 on day 2: an encounter (and two loiterings) across both the
      cell edge and the day boundary.
    - C and D drift either side of lon 130.0 (another cell edge) for 3 h on day 2.
    - E steams at 10 kn, falls silent for 14 h across midnight (a gap), and makes one
      fake fix 300 km away (a teleport).
    - F passes A fast (a decoy); G changes name and draught in its static reports.
    """
    drift = 0.25 / 60  # about 0.25 kn northwards, in degrees of latitude per hour
    rows = (
        _track(A, 21, 26, 29.999, 125.0, drift, 0.0, 0.3)
        + _track(B, 21, 26, 30.001, 125.0, drift, 0.0, 0.3)
        + _track(C, 30, 33, 37.5, 129.9988, 0.0, 0.0, 0.2)
        + _track(D, 30, 33, 37.5, 130.0012, 0.0, 0.0, 0.2)
        + _track(E, 6, 16, 33.0, 126.0, 10 / 60, 0.0, 10.0, step_min=3)
        + _track(E, 30, 36, 33.0 + 10 / 60 * 24, 126.0, 10 / 60, 0.0, 10.0, step_min=3)
        + _track(F, 22, 23, 29.9, 125.0, 12 / 60, 0.0, 12.0, step_min=1)
    )
    rows.append(
        {
            **rows[-1],
            "mmsi": E,
            "ts": T0 + timedelta(hours=10, minutes=1),
            "lat": 36.0,
            "lon": 127.5,
        }
    )
    positions = pa.Table.from_pylist(rows).cast(POSITIONS)
    static_rows = [
        {
            "mmsi": G,
            "ts": T0 + timedelta(hours=h),
            "imo": 9_000_001,
            "name": name,
            "callsign": "G1",
            "ship_type": 80,
            "length": 100.0,
            "width": 18.0,
            "draught": dr,
            "destination": "X",
            "source": "edges",
        }
        for h, name, dr in ((1, "OLD NAME", 5.0), (30, "OLD NAME", 7.5), (40, "NEW NAME", 7.5))
    ]
    static = pa.Table.from_pylist(static_rows).cast(STATIC)
    return positions, static


H = 445_000_077  # goes dark with E, near it: a dark rendezvous; reports a fraudulent IMO


def dark_scenario() -> tuple[pa.Table, pa.Table]:
    """The edge scenario plus H: dark from 16 h to 30 h like E, 11 km from E's last and first
    fixes, its draught rising 4.0 -> 7.0 m across, under an IMO whose check digit fails."""
    positions, static = edge_scenario()
    h_rows = _track(H, 12, 16, 33.0 + 10 / 6 + 0.1, 126.0, 0.0, 0.0, 5.0, step_min=3)
    h_rows += _track(H, 30, 34, 37.1, 126.0, 0.0, 0.0, 5.0, step_min=3)
    extra = [
        {"mmsi": H, "ts": T0 + timedelta(hours=h), "imo": 9_074_728, "name": "H",
         "callsign": "H1", "ship_type": 80, "length": 90.0, "width": 15.0, "draught": dr,
         "destination": "X", "source": "edges"}
        for h, dr in ((12, 4.0), (31, 7.0))
    ]  # fmt: skip
    return (
        pa.concat_tables([positions, pa.Table.from_pylist(h_rows).cast(POSITIONS)]),
        pa.concat_tables([static, pa.Table.from_pylist(extra).cast(STATIC)]),
    )


K = 445_000_088  # silent at the same hours as E and H, far from both


def hole_scenario() -> tuple[pa.Table, pa.Table]:
    """The dark scenario plus K, silent from 16 h to 30 h like E and H but 1,000 km away:
    the hours 17-20 hold no position from any vessel and three vessels' gaps run across
    them, so the store marks those gaps as spanning a hole in the archive."""
    positions, static = dark_scenario()
    k_rows = _track(K, 10, 16, 40.0, 140.0, 0.0, 0.0, 5.0, step_min=3)
    k_rows += _track(K, 30, 34, 40.0, 140.0, 0.0, 0.0, 5.0, step_min=3)
    return pa.concat_tables([positions, pa.Table.from_pylist(k_rows).cast(POSITIONS)]), static
