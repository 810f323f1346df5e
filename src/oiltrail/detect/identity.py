"""Identity anomalies (docs/events.md): IMO numbers no honest ship would show.

- `invalid_imo`: a static report's IMO fails its check digit (one event per vessel and IMO,
  from its first to its last report);
- `shared_imo`: two MMSIs report the same valid IMO while both transmit positions far apart
  within a short time of each other, more than once. A clean handover (one MMSI stops using
  the IMO before the other starts) has no overlap in time, so it is never an anomaly.

Pure functions over Arrow tables: the static reports, and the positions of the few MMSIs
that `shared_imo_spans` names (the caller fetches them).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa

from oiltrail.ais.validate import valid_imo
from oiltrail.detect.ids import iso
from oiltrail.detect.params import IdentityAnomalyParams
from oiltrail.detect.tracks import US_PER_H, to_datetime
from oiltrail.geodesy import haversine_m, mean_latlon

Row = dict[str, Any]
SPANS = pa.schema([("mmsi", pa.uint32()), ("t0", pa.timestamp("us")), ("t1", pa.timestamp("us"))])


def _imo_frame(static: pa.Table) -> pl.DataFrame:
    """(mmsi, ts, imo, name, valid) of the reports carrying a 7-digit IMO."""
    cols = [c for c in ("mmsi", "ts", "imo", "name") if c in static.column_names]
    df = pl.from_arrow(static.select(cols))
    assert isinstance(df, pl.DataFrame)
    if "name" not in df.columns:
        df = df.with_columns(pl.lit(None, pl.Utf8).alias("name"))
    imo = pl.col("imo").cast(pl.Int64, strict=False)
    df = df.with_columns(
        pl.col("mmsi").cast(pl.Int64), pl.col("ts").cast(pl.Datetime("us")), imo.alias("imo")
    ).filter(
        pl.col("mmsi").is_not_null()
        & pl.col("ts").is_not_null()
        & (pl.col("imo") >= 1_000_000)
        & (pl.col("imo") <= 9_999_999)
    )
    values = df.get_column("imo").unique().to_numpy().astype(np.int64)
    ok, _ = valid_imo(values)
    good = pl.DataFrame({"imo": values, "valid": ok})
    return df.join(good, on="imo", how="left").sort(["mmsi", "ts", "imo"])


def detect_invalid_imos(static: pa.Table) -> list[Row]:
    """One `invalid_imo` anomaly per vessel and reported IMO whose check digit fails."""
    if static.num_rows == 0:
        return []
    df = _imo_frame(static).filter(~pl.col("valid"))
    groups = (
        df.group_by(["mmsi", "imo"])
        .agg(
            pl.col("ts").min().alias("start"),
            pl.col("ts").max().alias("end"),
            pl.len().alias("reports"),
            pl.col("name").drop_nulls().str.strip_chars().unique().sort().alias("names"),
        )
        .sort(["mmsi", "start", "imo"])
    )
    return [
        {
            "kind": "identity_anomaly",
            "mmsi": r["mmsi"],
            "start": r["start"],
            "end": r["end"],
            "details": {
                "subtype": "invalid_imo",
                "imo": r["imo"],
                "check_digit_reported": r["imo"] % 10,
                "check_digit_expected": check_digit(r["imo"]),
                "reports": r["reports"],
                "names": [n for n in r["names"] if n],
            },
        }
        for r in groups.iter_rows(named=True)
    ]


def check_digit(imo: int) -> int:
    """The check digit a 7-digit IMO number should end with (digits 1-6 weighted 7..2)."""
    digits = [int(c) for c in f"{imo:07d}"[:6]]
    return sum(d * w for d, w in zip(digits, range(7, 1, -1), strict=True)) % 10


def shared_imo_pairs(static: pa.Table) -> pl.DataFrame:
    """(imo, a, b, t0, t1): two MMSIs (a < b) whose spans of using one valid IMO overlap."""
    empty = pl.DataFrame(
        schema={"imo": pl.Int64, "a": pl.Int64, "b": pl.Int64,
                "t0": pl.Datetime("us"), "t1": pl.Datetime("us")}
    )  # fmt: skip
    if static.num_rows == 0:
        return empty
    spans = (
        _imo_frame(static)
        .filter(pl.col("valid"))
        .group_by(["imo", "mmsi"])
        .agg(pl.col("ts").min().alias("t0"), pl.col("ts").max().alias("t1"))
    )
    multi = spans.filter(pl.len().over("imo") > 1)
    if multi.is_empty():
        return empty
    pairs = multi.join(multi, on="imo", suffix="_b").filter(pl.col("mmsi") < pl.col("mmsi_b"))
    pairs = pairs.select(
        "imo",
        pl.col("mmsi").alias("a"),
        pl.col("mmsi_b").alias("b"),
        pl.max_horizontal("t0", "t0_b").alias("t0"),
        pl.min_horizontal("t1", "t1_b").alias("t1"),
    ).filter(pl.col("t0") <= pl.col("t1"))
    return pairs.sort(["imo", "a", "b"]) if not pairs.is_empty() else empty


def shared_imo_spans(pairs: pl.DataFrame, p: IdentityAnomalyParams) -> pa.Table:
    """The positions the shared-IMO test needs: per MMSI, from t0 - window to t1 + window."""
    if pairs.is_empty():
        return SPANS.empty_table()
    pad = pl.duration(microseconds=int(p.shared_window_h * US_PER_H))
    both = pl.concat(
        [pairs.select(pl.col(c).alias("mmsi"), "t0", "t1") for c in ("a", "b")]
    ).with_columns((pl.col("t0") - pad).alias("t0"), (pl.col("t1") + pad).alias("t1"))
    out = both.sort(["mmsi", "t0"]).to_arrow()
    return out.cast(SPANS)


def _track(positions: pl.DataFrame, mmsi: int, t0: int, t1: int) -> tuple[np.ndarray, ...]:
    sel = positions.filter(
        (pl.col("mmsi") == mmsi) & (pl.col("ts_us") >= t0) & (pl.col("ts_us") <= t1)
    )
    return tuple(sel.get_column(c).to_numpy() for c in ("ts_us", "lat", "lon"))


def detect_shared_imos(
    pairs: pl.DataFrame, positions: pa.Table, p: IdentityAnomalyParams
) -> list[Row]:
    """`shared_imo` anomalies: over each pair's overlap, positions of the lower MMSI whose
    nearest-in-time position of the other (within the window) is farther than the distance."""
    if pairs.is_empty() or positions.num_rows == 0:
        return []
    pos = pl.from_arrow(positions.select(["mmsi", "ts", "lat", "lon"]))
    assert isinstance(pos, pl.DataFrame)
    pos = pos.with_columns(
        pl.col("mmsi").cast(pl.Int64),
        pl.col("ts").cast(pl.Datetime("us")).cast(pl.Int64).alias("ts_us"),
    ).filter(pl.col("lat").is_finite() & pl.col("lon").is_finite())
    pos = pos.sort(["mmsi", "ts_us", "lat", "lon"])
    win = int(p.shared_window_h * US_PER_H)
    rows: list[Row] = []
    for r in pairs.iter_rows(named=True):
        t0 = int((r["t0"] - to_datetime(0)).total_seconds() * 1e6) - win
        t1 = int((r["t1"] - to_datetime(0)).total_seconds() * 1e6) + win
        ta, lata, lona = _track(pos, r["a"], t0, t1)
        tb, latb, lonb = _track(pos, r["b"], t0, t1)
        if len(ta) == 0 or len(tb) == 0:
            continue
        j = np.clip(np.searchsorted(tb, ta), 1, len(tb)) - 1
        k = np.minimum(j + 1, len(tb) - 1)
        near = np.where(np.abs(tb[k] - ta) < np.abs(tb[j] - ta), k, j)
        dt = np.abs(tb[near] - ta)
        dist = haversine_m(lata, lona, latb[near], lonb[near])
        hit = (dt <= win) & (dist > p.shared_distance_m)
        # "At least twice" on both sides: one stray fix of the other MMSI, matched against
        # many of this one, is a single sighting.
        n = min(int(hit.sum()), len(np.unique(near[hit])))
        if n < p.shared_min_count:
            continue
        idx = np.flatnonzero(hit)
        lat, lon = mean_latlon(lata[idx], lona[idx])
        first = int(idx[0])
        starts = np.minimum(ta[idx], tb[near[idx]])
        ends = np.maximum(ta[idx], tb[near[idx]])
        rows.append(
            {
                "kind": "identity_anomaly",
                "mmsi": r["a"],
                "other_mmsi": r["b"],
                "start": to_datetime(int(starts.min())),
                "end": to_datetime(int(ends.max())),
                "lat": lat,
                "lon": lon,
                "details": {
                    "subtype": "shared_imo",
                    "imo": r["imo"],
                    "far_pairs": n,
                    "max_distance_km": float(dist[idx].max()) / 1000,
                    "min_distance_km": float(dist[idx].min()) / 1000,
                    "first_pair": {
                        "mmsi_ts": iso(to_datetime(int(ta[first]))),
                        "mmsi_lat": float(lata[first]),
                        "mmsi_lon": float(lona[first]),
                        "other_ts": iso(to_datetime(int(tb[near[first]]))),
                        "other_lat": float(latb[near[first]]),
                        "other_lon": float(lonb[near[first]]),
                    },
                    "overlap_start": iso(r["t0"]),
                    "overlap_end": iso(r["t1"]),
                },
            }
        )
    return rows
