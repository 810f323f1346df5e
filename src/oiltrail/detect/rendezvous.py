"""Dark rendezvous (docs/events.md): two vessels go dark at once, near each other.

Each has a `gap` after reporting steadily (`min_positions_before` in the 12 h before it, Welch
et al. 2022's test for a transponder switched off rather than out of reach); the two gaps
overlap by at least `min_overlap_h`, and the two vessels' last
positions before their gaps lie within `max_distance_m` of each other, or their first
positions after them do (subtype `both_ends` when both hold, else `one_end`).

The search never compares all pairs of gaps: every gap end is put in a cube of the 3-D grid
(edge `max_distance_m`, on the unit sphere: no seam at the antimeridian or the poles) for each
UTC day its gap spans, and only gaps meeting in the same or a neighbouring cube on the same day
are compared. A pure function over one table of gaps (the caller reads them from the store).

Only the part of the overlap outside the archive's holes counts towards `min_overlap_h`: two
vessels "silent" across hours with no data from any vessel (files of different periods, a
receiver outage) show a hole in the archive, not two ships gone dark (`data_holes`).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from oiltrail.detect.ids import iso
from oiltrail.detect.params import RendezvousParams
from oiltrail.detect.tracks import US_PER_H, to_datetime
from oiltrail.geodesy import EARTH_RADIUS_M, haversine_m, mean_latlon, unit_xyz

Row = dict[str, Any]
US_PER_DAY = 24 * US_PER_H
# What the caller hands in: one row per gap event, with the draught reported before and after.
GAPS = pa.schema(
    [
        ("event_id", pa.string()),
        ("mmsi", pa.int64()),
        ("start", pa.timestamp("us")),
        ("end", pa.timestamp("us")),
        ("start_lat", pa.float64()),
        ("start_lon", pa.float64()),
        ("end_lat", pa.float64()),
        ("end_lon", pa.float64()),
        ("positions_before", pa.int64()),  # the gap's own count over `gap.context_h`
        ("draught_before_m", pa.float64()),
        ("draught_after_m", pa.float64()),
    ]
)
_OFFSETS = np.array([(i, j, k) for i in (-1, 0, 1) for j in (-1, 0, 1) for k in (-1, 0, 1)])


def _cells(lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], edge_m: float) -> np.ndarray:
    x, y, z = unit_xyz(lat, lon)
    scale = EARTH_RADIUS_M / edge_m  # a chord shorter than the edge spans at most one cube
    return np.floor(np.stack([x, y, z], axis=1) * scale).astype(np.int64)


def _candidates(gaps: pl.DataFrame, end: str, p: RendezvousParams) -> pl.DataFrame:
    """(i, j) row pairs, i < j, whose `end` points share a day and a neighbouring cube."""
    lat = gaps.get_column(f"{end}_lat").to_numpy()
    lon = gaps.get_column(f"{end}_lon").to_numpy()
    cell = _cells(lat, lon, p.max_distance_m)
    d0 = gaps.get_column("s_us").to_numpy() // US_PER_DAY
    d1 = gaps.get_column("e_us").to_numpy() // US_PER_DAY
    n_days = (d1 - d0 + 1).astype(np.int64)
    row = np.repeat(np.arange(len(gaps)), n_days)
    day = np.repeat(d0, n_days) + (
        np.arange(n_days.sum()) - np.repeat(np.cumsum(n_days) - n_days, n_days)
    )
    c = cell[row] - cell.min(axis=0) + 1  # from 1: a neighbour's coordinate stays >= 0
    day = day - d0.min()
    base = int(c.max()) + 2
    # (day, cube) packed into one int64 where it fits: a neighbouring cube's key is the key
    # plus a constant, and one integer column joins several times faster than four
    packed = base**3 * (int(day.max()) + 1) < 2**62
    if packed:
        key = ((day * base + c[:, 0]) * base + c[:, 1]) * base + c[:, 2]
        home = pl.DataFrame({"i": row, "key": key})
    else:  # tiny cubes over a long record
        home = pl.DataFrame({"i": row, "day": day, "cx": c[:, 0], "cy": c[:, 1], "cz": c[:, 2]})
    on = ["key"] if packed else ["day", "cx", "cy", "cz"]
    parts = []
    for dx, dy, dz in _OFFSETS.tolist():
        if packed:
            moved = home.select(
                pl.col("i").alias("j"), pl.col("key") + ((dx * base + dy) * base + dz)
            )
        else:
            moved = home.select(
                pl.col("i").alias("j"), "day",
                (pl.col("cx") + dx).alias("cx"), (pl.col("cy") + dy).alias("cy"),
                (pl.col("cz") + dz).alias("cz"),
            )  # fmt: skip
        hit = home.join(moved, on=on).filter(pl.col("i") < pl.col("j"))
        parts.append(hit.select("i", "j"))
    return pl.concat(parts).unique()


Holes = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]  # sorted, disjoint [start, end) µs


def in_holes_us(
    start_us: npt.NDArray[np.int64], end_us: npt.NDArray[np.int64], holes: Holes | None
) -> npt.NDArray[np.int64]:
    """Microseconds of each [start, end) that fall inside the holes."""
    s, e = np.asarray(start_us, np.int64), np.asarray(end_us, np.int64)
    if holes is None or len(holes[0]) == 0:
        return np.zeros(len(s), dtype=np.int64)
    h0, h1 = holes
    before = np.concatenate([[0], np.cumsum(h1 - h0)])

    def upto(t: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:  # hole time before t
        k = np.searchsorted(h0, t, "right")  # holes starting at or before t
        last = np.maximum(k - 1, 0)
        part = np.where(k > 0, np.minimum(t, h1[last]) - h0[last], 0)
        return np.asarray(before[last] + np.maximum(part, 0))

    return np.where(e > s, upto(e) - upto(s), 0).astype(np.int64)


def detect_dark_rendezvous(
    gaps: pa.Table, p: RendezvousParams, holes: Holes | None = None
) -> list[Row]:
    """Dark rendezvous events from the gaps of all vessels (`GAPS` columns); `holes`: the
    store's holes in the archive (`data_holes`), which do not count as overlap."""
    if gaps.num_rows < 2:
        return []
    df = pl.from_arrow(gaps.select(GAPS.names))
    assert isinstance(df, pl.DataFrame)
    df = df.filter(
        pl.all_horizontal(
            pl.col(c).is_finite() for c in ("start_lat", "start_lon", "end_lat", "end_lon")
        )
        & (pl.col("positions_before").fill_null(0) >= p.min_positions_before)
        & pl.col("start").is_not_null()
        & pl.col("end").is_not_null()
        & (pl.col("end") > pl.col("start"))
    ).sort(["mmsi", "start", "event_id"])
    df = df.with_columns(
        pl.col("start").cast(pl.Int64).alias("s_us"), pl.col("end").cast(pl.Int64).alias("e_us")
    )
    if df.height < 2:
        return []
    pairs = pl.concat([_candidates(df, "start", p), _candidates(df, "end", p)]).unique()
    if pairs.is_empty():
        return []
    i = pairs.get_column("i").to_numpy()
    j = pairs.get_column("j").to_numpy()
    col = {c: df.get_column(c).to_numpy() for c in df.columns if c != "event_id"}
    ids = df.get_column("event_id").to_list()
    overlap_us = np.minimum(col["e_us"][i], col["e_us"][j]) - np.maximum(
        col["s_us"][i], col["s_us"][j]
    )
    s_pair = np.maximum(col["s_us"][i], col["s_us"][j])
    e_pair = s_pair + np.maximum(overlap_us, 0)
    covered = (e_pair - s_pair) - in_holes_us(s_pair, e_pair, holes)
    d_off = haversine_m(
        col["start_lat"][i], col["start_lon"][i], col["start_lat"][j], col["start_lon"][j]
    )
    d_on = haversine_m(col["end_lat"][i], col["end_lon"][i], col["end_lat"][j], col["end_lon"][j])
    off_ok, on_ok = d_off <= p.max_distance_m, d_on <= p.max_distance_m
    keep = (
        (col["mmsi"][i] != col["mmsi"][j])
        & (covered >= p.min_overlap_h * US_PER_H)
        & (off_ok | on_ok)
    )
    k = np.flatnonzero(keep)
    swap = col["mmsi"][i[k]] > col["mmsi"][j[k]]  # a: the lower MMSI
    kept = {
        "a": np.where(swap, j[k], i[k]), "b": np.where(swap, i[k], j[k]),
        "off_ok": off_ok[k], "on_ok": on_ok[k], "overlap_us": overlap_us[k],
        "covered_us": covered[k], "d_off": d_off[k], "d_on": d_on[k],
    }  # fmt: skip
    with _gc_paused():
        return _rows(col, ids, kept, p)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while many acyclic rows are built: its passes
    scan every live object, so they cost more the more rows exist (a fifth of the time at
    180,000 rendezvous, growing faster than the rows)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _rows(
    col: dict[str, np.ndarray], ids: list[Any], kept: dict[str, np.ndarray], p: RendezvousParams
) -> list[Row]:
    """One event row per kept pair of gaps (a, b)."""
    a_k, b_k, off_ok, on_ok = kept["a"], kept["b"], kept["off_ok"], kept["on_ok"]
    times = ([to_datetime(int(us)) for us in col["s_us"]],
             [to_datetime(int(us)) for us in col["e_us"]])  # fmt: skip
    # one gap is often in several pairs: each side is built once
    sides = {r: _side(col, ids, times, r) for r in np.unique(np.concatenate([a_k, b_k])).tolist()}
    lat_k, lon_k = _meeting_places(col, a_k, b_k, off_ok, on_ok)
    rows: list[Row] = []
    for n in range(len(a_k)):
        a, b = int(a_k[n]), int(b_k[n])
        rows.append(
            {
                "kind": "dark_rendezvous",
                "mmsi": int(col["mmsi"][a]),
                "other_mmsi": int(col["mmsi"][b]),
                "start": max(times[0][a], times[0][b]),
                "end": min(times[1][a], times[1][b]),
                "lat": float(lat_k[n]),
                "lon": float(lon_k[n]),
                "details": {
                    "subtype": "both_ends" if off_ok[n] and on_ok[n] else "one_end",
                    "overlap_h": float(kept["overlap_us"][n]) / US_PER_H,
                    "covered_overlap_h": float(kept["covered_us"][n]) / US_PER_H,
                    "off_distance_km": float(kept["d_off"][n]) / 1000,
                    "on_distance_km": float(kept["d_on"][n]) / 1000,
                    "max_distance_km": p.max_distance_m / 1000,
                    "vessels": [sides[a], sides[b]],
                },
            }
        )
    return rows


def _meeting_places(
    col: dict[str, np.ndarray],
    a: npt.NDArray[np.int64],
    b: npt.NDArray[np.int64],
    off_ok: npt.NDArray[np.bool_],
    on_ok: npt.NDArray[np.bool_],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Each pair's place: the mean of the two vessels' off positions, on positions, or both
    (whichever were within reach), as `mean_latlon` gives it, for every pair at once."""
    ends = [(off_ok, "start_lat", "start_lon"), (on_ok, "end_lat", "end_lon")]
    lat = np.zeros(len(a))
    lon = np.zeros(len(a))
    hi, lo_min, lo_max = np.zeros(len(a)), np.full(len(a), np.inf), np.full(len(a), -np.inf)
    for ok, la, lo in ends:  # summed in mean_latlon's order: off a, off b, on a, on b
        for r in (a, b):
            lat = np.where(ok, lat + col[la][r], lat)
            lon = np.where(ok, lon + col[lo][r], lon)
            hi = np.where(ok, np.maximum(hi, np.abs(col[la][r])), hi)
            lo_min = np.where(ok, np.minimum(lo_min, col[lo][r]), lo_min)
            lo_max = np.where(ok, np.maximum(lo_max, col[lo][r]), lo_max)
    count = 2.0 * (off_ok.astype(np.float64) + on_ok.astype(np.float64))
    lat, lon = lat / count, lon / count
    for n in np.flatnonzero((lo_max - lo_min >= 90.0) | (hi >= 80.0)).tolist():
        pts = [(col[la][r[n]], col[lo][r[n]]) for ok, la, lo in ends if ok[n] for r in (a, b)]
        lat[n], lon[n] = mean_latlon(np.array([q[0] for q in pts]), np.array([q[1] for q in pts]))
    return lat, lon


def _side(
    col: dict[str, np.ndarray],
    ids: list[Any],
    times: tuple[list[datetime], list[datetime]],
    r: int,
) -> dict[str, Any]:
    """One vessel's gap: when and where it went dark and reappeared, and its draughts."""
    return {
        "mmsi": int(col["mmsi"][r]),
        "gap_event_id": ids[r],
        "off": {"ts": iso(times[0][r]),
                "lat": float(col["start_lat"][r]), "lon": float(col["start_lon"][r])},
        "on": {"ts": iso(times[1][r]),
               "lat": float(col["end_lat"][r]), "lon": float(col["end_lon"][r])},
        "draught_before_m": _num(col["draught_before_m"][r]),
        "draught_after_m": _num(col["draught_after_m"][r]),
    }  # fmt: skip


def _num(v: Any) -> float | None:
    return None if v is None or not np.isfinite(v) else float(v)
