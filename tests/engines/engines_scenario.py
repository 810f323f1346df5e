"""A 14-day hand-built scenario whose events straddle the day-7/day-8 boundary."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

import numpy as np
import pyarrow as pa
from detect_synth import NAMPO, SEA, T0, h, legs, table

from oiltrail.store.catalog import Store

BOUNDARY = T0 + h(7 * 24)


@lru_cache(maxsize=2)
def scenario(seed: int = 0) -> pa.Table:
    rng = np.random.default_rng(seed)
    lat, lon = SEA
    tracks = [
        # loitering across the boundary
        legs(412000001, BOUNDARY - h(30), lat, lon, [(26, 9, 0), (8, 0.5, 90), (20, 9, 180)]),
        # an encounter across the boundary
        legs(
            412000002, BOUNDARY - h(8), lat - 0.5, lon + 1, [(3, 10, 0), (6, 0.3, 90), (4, 10, 0)]
        ),
        legs(
            412000003,
            BOUNDARY - h(8),
            lat + 0.5,
            lon + 1.002,
            [(3, 10, 180), (6, 0.3, 90), (4, 10, 180)],
        ),
        # a 2-day gap across the boundary
        legs(412000004, BOUNDARY - h(30), lat - 1, lon, [(20, 10, 90)])
        + legs(412000004, BOUNDARY + h(38), lat - 1, lon + 3, [(20, 10, 90)]),
        # a port visit across the boundary
        legs(
            445000001,
            BOUNDARY - h(20),
            NAMPO[0] - 0.3,
            NAMPO[1],
            [(2.2, 8, 0), (30, 0.1, 0), (4, 8, 180)],
        ),
    ]
    for k in range(30):  # background traffic over all 14 days
        tracks.append(
            legs(
                413000000 + k,
                T0 + h(float(rng.uniform(0, 12))),
                float(rng.uniform(30, 36)),
                float(rng.uniform(122, 127)),
                [
                    (
                        float(rng.uniform(20, 60)),
                        float(rng.uniform(8, 14)),
                        float(rng.uniform(0, 360)),
                    )
                    for _ in range(8)
                ],
                every_s=600,
            )
        )
    tbl = table(*tracks)
    return tbl.filter(
        pa.compute.less(tbl.column("ts"), pa.scalar(T0 + h(14 * 24), pa.timestamp("us")))
    )


def insert(
    store: Store, tbl: pa.Table, lo: datetime | None = None, hi: datetime | None = None
) -> None:
    store.con.register("_t", tbl)
    store.con.execute(
        "INSERT INTO positions (mmsi, ts, lat, lon, sog) SELECT mmsi, ts, lat, lon, sog FROM _t "
        "WHERE ts >= ? AND ts < ?",
        [lo or datetime(1900, 1, 1), hi or datetime(2100, 1, 1)],
    )
    store.con.unregister("_t")
