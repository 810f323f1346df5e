"""Encounters as Global Fishing Watch computes them (pipe-encounters), in three steps:

1. `resample_tracks`: each track on a 10-min grid, interpolated across silences <= 1 h.
2. `adjacent_pairs`: samples of different vessels at the same instant within max distance,
   found through neighbouring cells of a 3-D grid on the unit sphere (never all pairs).
3. `build_encounters`: per vessel pair, runs of consecutive close samples; keep runs of
   >= 2 h with both median speeds < 2 kn, >= 10 km from ports; merge runs < 4 h apart.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa

from oiltrail.detect.params import EncounterParams
from oiltrail.detect.ports import PortIndex
from oiltrail.detect.tracks import Tracks, to_datetime
from oiltrail.geodesy import (
    EARTH_RADIUS_M,
    M_S_TO_KNOTS,
    haversine_m,
    unit_xyz,
    xyz_to_latlon,
)

SAMPLES = pa.schema(
    [
        ("mmsi", pa.uint32()),
        ("tbin", pa.int64()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("speed_knots", pa.float64()),
    ]
)
ADJACENCY = pa.schema(
    [
        ("tbin", pa.int64()),
        ("mmsi_a", pa.uint32()),
        ("mmsi_b", pa.uint32()),
        ("distance_m", pa.float64()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("speed_a", pa.float64()),
        ("speed_b", pa.float64()),
    ]
)
Row = dict[str, Any]


def resample_tracks(t: Tracks, p: EncounterParams) -> pa.Table:
    """Positions on the grid `tbin * resample_min`, linear between bracketing fixes <= 1 h apart."""
    step_us = int(p.resample_min * 60e6)
    n = len(t)
    if n < 2:
        return SAMPLES.empty_table()
    ok = ~t.first & (t.step_s <= p.max_interp_gap_h * 3600)
    ok[0] = False
    lo_bin = -(-t.ts_us[:-1] // step_us)  # first grid instant >= previous fix
    hi_bin = -(-t.ts_us[1:] // step_us)  # grid instants strictly before this fix
    counts = np.zeros(n, dtype=np.int64)
    counts[1:] = np.where(ok[1:], hi_bin - lo_bin, 0)
    # The very last fix of a track lands on the grid too when it sits exactly on an instant.
    total = int(counts.sum())
    step = np.repeat(np.arange(n), counts)
    offs = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    tbin = lo_bin[step - 1] + offs
    t0, t1 = t.ts_us[step - 1], t.ts_us[step]
    f = (tbin * step_us - t0) / np.maximum(t1 - t0, 1)
    lat = t.lat[step - 1] + f * (t.lat[step] - t.lat[step - 1])
    dlon = (t.lon[step] - t.lon[step - 1] + 540.0) % 360.0 - 180.0
    lon = (t.lon[step - 1] + f * dlon + 540.0) % 360.0 - 180.0
    mmsi = t.mmsi[step]
    speed = np.full(total, np.nan)
    if total > 1:
        same = (mmsi[1:] == mmsi[:-1]) & (tbin[1:] == tbin[:-1] + 1)
        d = haversine_m(lat[:-1], lon[:-1], lat[1:], lon[1:])
        v = d / (p.resample_min * 60) * M_S_TO_KNOTS
        speed[1:] = np.where(same, v, np.nan)
        first_of_run = np.isnan(speed[:-1]) & same
        speed[:-1] = np.where(first_of_run, v, speed[:-1])
    return pa.table(
        {"mmsi": mmsi, "tbin": tbin, "lat": lat, "lon": lon, "speed_knots": speed}, schema=SAMPLES
    )


def _cell_keys(
    cx: np.ndarray, cy: np.ndarray, cz: np.ndarray, tb: np.ndarray
) -> tuple[np.ndarray, int, int]:
    kz = int(cz.max()) + 2
    ky = int(cy.max()) + 2
    kx = int(cx.max()) + 2
    key = ((tb * kx + cx) * ky + cy) * kz + cz
    return key, ky, kz


# The cell itself and the 13 neighbours "after" it: each pair of cells is visited once.
CANDIDATE_CHUNK = 2_000_000  # candidate pairs measured at once (bounds working memory)
_HALF = [
    (dx, dy, dz)
    for dx in (-1, 0, 1)
    for dy in (-1, 0, 1)
    for dz in (-1, 0, 1)
    if (dx, dy, dz) >= (0, 0, 0)
]


def _cell_pairs(
    key: np.ndarray, sel: np.ndarray, ky: int, kz: int
) -> tuple[np.ndarray, np.ndarray]:
    """All pairs of samples in the same or neighbouring cells (same instant), each once."""
    order = np.argsort(key, kind="stable")
    srt = sel[order]
    ukey, ustart, ucount = np.unique(key[order], return_index=True, return_counts=True)
    ia_all, ib_all = [], []
    for dx, dy, dz in _HALF:
        delta = (dx * ky + dy) * kz + dz
        v = np.searchsorted(ukey, ukey + delta)  # sorted queries: cache friendly
        v = np.minimum(v, len(ukey) - 1)
        u = np.flatnonzero(ukey[v] == ukey + delta)
        v = v[u]
        na, nb = ucount[u], ucount[v]
        tot_each = na * nb
        total = int(tot_each.sum())
        if total == 0:
            continue
        pair = np.repeat(np.arange(len(u)), tot_each)
        k = np.arange(total) - np.repeat(np.cumsum(tot_each) - tot_each, tot_each)
        i = ustart[u][pair] + k // nb[pair]
        j = ustart[v][pair] + k % nb[pair]
        if delta == 0:
            keep = i < j
            i, j = i[keep], j[keep]
        ia_all.append(srt[i])
        ib_all.append(srt[j])
    if not ia_all:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(ia_all), np.concatenate(ib_all)


def _close_pairs(
    ia: np.ndarray,
    ib: np.ndarray,
    mmsi: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    home: np.ndarray | None,
    p: EncounterParams,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The candidate pairs within `max_distance_m`, sample a the lower MMSI's (ownership
    rule), measured `CANDIDATE_CHUNK` at a time: off a crowded port an hour's candidates ran
    to tens of millions, and the distance's working arrays for all of them to gigabytes."""
    out: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for s in range(0, len(ia), CANDIDATE_CHUNK):
        a, b = ia[s : s + CANDIDATE_CHUNK], ib[s : s + CANDIDATE_CHUNK]
        swap = mmsi[a] > mmsi[b]
        a, b = np.where(swap, b, a), np.where(swap, a, b)
        if home is not None:
            a, b = a[home[a]], b[home[a]]
        d = haversine_m(lat[a], lon[a], lat[b], lon[b])
        close = d <= p.max_distance_m
        out.append((a[close], b[close], d[close]))
    if not out:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    a_all, b_all, d_all = (np.concatenate(c) for c in zip(*out, strict=True))
    return a_all, b_all, d_all


def adjacent_pairs(
    samples: pa.Table, p: EncounterParams, home: np.ndarray | None = None
) -> pa.Table:
    """Pairs (a < b) of samples at the same instant within `max_distance_m`.

    `home` (optional bool per sample): keep a pair only when sample a is at home in this
    partition, so overlapping spatial partitions find each pair once.
    """
    n = samples.num_rows
    if n < 2:
        return ADJACENCY.empty_table()
    mmsi = samples.column("mmsi").to_numpy()
    tbin = samples.column("tbin").to_numpy()
    lat = samples.column("lat").to_numpy()
    lon = samples.column("lon").to_numpy()
    speed = samples.column("speed_knots").to_numpy(zero_copy_only=False)
    cell_m = max(p.max_distance_m, 1.0)
    x, y, z = unit_xyz(lat, lon)
    c = [np.floor(v * EARTH_RADIUS_M / cell_m).astype(np.int64) for v in (x, y, z)]
    c = [v - v.min() + 1 for v in c]
    tb = tbin - tbin.min()
    out: list[pa.Table] = []
    # Chunk by time so the combined key fits in 64 bits and memory stays bounded.
    span = max(1, int((2**62) // ((c[0].max() + 2) * (c[1].max() + 2) * (c[2].max() + 2))))
    for lo in range(0, int(tb.max()) + 1, span):
        sel = np.flatnonzero((tb >= lo) & (tb < lo + span))
        if len(sel) < 2:
            continue
        key, ky, kz = _cell_keys(c[0][sel], c[1][sel], c[2][sel], tb[sel] - lo)
        ia, ib, d = _close_pairs(*_cell_pairs(key, sel, ky, kz), mmsi, lat, lon, home, p)
        if len(ia) == 0:
            continue
        out.append(
            pa.table(
                {
                    "tbin": tbin[ia],
                    "mmsi_a": mmsi[ia],
                    "mmsi_b": mmsi[ib],
                    "distance_m": d,
                    "lat": (lat[ia] + lat[ib]) / 2,
                    "lon": (lon[ia] + ((lon[ib] - lon[ia] + 540.0) % 360.0 - 180.0) / 2 + 540.0)
                    % 360.0
                    - 180.0,
                    "speed_a": speed[ia],
                    "speed_b": speed[ib],
                },
                schema=ADJACENCY,
            )
        )
    return pa.concat_tables(out) if out else ADJACENCY.empty_table()


def _runs(adj: pl.DataFrame) -> pl.DataFrame:
    new = (
        (pl.col("mmsi_a") != pl.col("mmsi_a").shift(1))
        | (pl.col("mmsi_b") != pl.col("mmsi_b").shift(1))
        | (pl.col("tbin") != pl.col("tbin").shift(1) + 1)
    ).fill_null(True)
    return (
        adj.sort(["mmsi_a", "mmsi_b", "tbin"])
        .with_columns(new.cum_sum().alias("run"))
        .group_by("run", maintain_order=True)
        .agg(
            pl.col("mmsi_a").first(),
            pl.col("mmsi_b").first(),
            pl.col("tbin").min().alias("b0"),
            pl.col("tbin").max().alias("b1"),
            pl.col("speed_a").median().alias("median_speed_a"),
            pl.col("speed_b").median().alias("median_speed_b"),
            pl.col("distance_m").median().alias("median_distance_m"),
            pl.col("distance_m").max().alias("max_distance_m"),
            # Mean position through unit vectors: runs across ±180° average near 180°.
            (pl.col("lat").radians().cos() * pl.col("lon").radians().cos()).mean().alias("x"),
            (pl.col("lat").radians().cos() * pl.col("lon").radians().sin()).mean().alias("y"),
            pl.col("lat").radians().sin().mean().alias("z"),
            pl.len().alias("samples"),
        )
        .with_columns(
            pl.arctan2(pl.col("z"), (pl.col("x") ** 2 + pl.col("y") ** 2).sqrt())
            .degrees()
            .alias("lat"),
            pl.arctan2(pl.col("y"), pl.col("x")).degrees().alias("lon"),
        )
    )


def build_encounters(adjacency: pa.Table, p: EncounterParams, ports: PortIndex) -> list[Row]:
    """Encounter rows from adjacency rows of any number of pairs (each pair complete)."""
    if adjacency.num_rows == 0:
        return []
    adj = pl.from_arrow(adjacency)
    assert isinstance(adj, pl.DataFrame)
    runs = _runs(adj)
    bin_h = p.resample_min / 60.0
    runs = runs.with_columns(((pl.col("b1") - pl.col("b0")) * bin_h).alias("duration_h"))
    runs = runs.filter(
        (pl.col("duration_h") >= p.min_duration_h - 1e-9)
        & (pl.col("median_speed_a") < p.max_median_speed_knots)
        & (pl.col("median_speed_b") < p.max_median_speed_knots)
    )
    if runs.height == 0:
        return []
    d_port, which = ports.nearest(runs["lat"].to_numpy(), runs["lon"].to_numpy())
    runs = runs.with_columns(pl.Series("port_distance_m", d_port), pl.Series("port_i", which))
    runs = runs.filter(pl.col("port_distance_m") >= p.min_port_distance_m)
    return _merge(runs, p, ports)


def _merge(runs: pl.DataFrame, p: EncounterParams, ports: PortIndex) -> list[Row]:
    merge_bins = p.merge_gap_h * 60.0 / p.resample_min
    rows: list[Row] = []
    group: list[dict[str, Any]] = []

    def flush() -> None:
        if not group:
            return
        w = np.array([g["samples"] for g in group], dtype=float)
        b0, b1 = group[0]["b0"], group[-1]["b1"]
        dp = group[0]["port_distance_m"]
        xyz = [np.average([g[c] for g in group], weights=w) for c in ("x", "y", "z")]
        lat_a, lon_a = xyz_to_latlon(*(np.array([v]) for v in xyz))
        lat, lon = float(lat_a[0]), float(lon_a[0])
        rows.append(
            {
                "kind": "encounter",
                "mmsi": group[0]["mmsi_a"],
                "other_mmsi": group[0]["mmsi_b"],
                "start": to_datetime(b0 * int(p.resample_min * 60e6)),
                "end": to_datetime(b1 * int(p.resample_min * 60e6)),
                "lat": lat,
                "lon": lon,
                "details": {
                    "duration_h": (b1 - b0) * p.resample_min / 60.0,
                    "close_h": float(sum((g["b1"] - g["b0"]) for g in group)) * p.resample_min / 60,
                    "runs": len(group),
                    "samples": int(w.sum()),
                    "median_distance_m": float(np.median([g["median_distance_m"] for g in group])),
                    "max_distance_m": float(max(g["max_distance_m"] for g in group)),
                    "median_speed_knots": float(np.median([g["median_speed_a"] for g in group])),
                    "other_median_speed_knots": float(
                        np.median([g["median_speed_b"] for g in group])
                    ),
                    "port_distance_m": None if not np.isfinite(dp) else float(dp),
                    "resample_min": p.resample_min,
                },
            }
        )
        group.clear()

    for r in runs.sort(["mmsi_a", "mmsi_b", "b0"]).iter_rows(named=True):
        if group and (
            r["mmsi_a"] != group[-1]["mmsi_a"]
            or r["mmsi_b"] != group[-1]["mmsi_b"]
            or r["b0"] - group[-1]["b1"] >= merge_bins
        ):
            flush()
        group.append(r)
    flush()
    return rows
