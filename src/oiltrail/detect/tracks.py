"""One partition's positions as sorted per-vessel tracks (numpy arrays), cleaned of bad rows.

Rows with non-finite or out-of-range coordinates are dropped (counted in `dropped`); rows
repeating a vessel's timestamp keep the first. Input order does not matter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from oiltrail.geodesy import fast_distance_m, step_speed_knots

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
US_PER_H = 3_600_000_000
EPOCH = datetime(1970, 1, 1)
SOG_VALID_BELOW = 102.2  # knots; AIS sends 102.3 for "not available"


def to_datetime(us: int | np.integer) -> datetime:
    return EPOCH + timedelta(microseconds=int(us))


def _num(table: pa.Table, name: str) -> F64:
    if name not in table.column_names:
        return np.full(table.num_rows, np.nan)
    col = table.column(name).cast(pa.float64())
    return np.asarray(col.fill_null(np.nan).to_numpy(), dtype=np.float64)


@dataclass(frozen=True)
class Tracks:
    """Positions sorted by (mmsi, ts); `first[i]` is True where a new vessel's track begins."""

    mmsi: npt.NDArray[np.uint32]
    ts_us: I64
    lat: F64
    lon: F64
    sog: F64  # NaN where not reported
    first: B
    step_m: F64  # distance from the previous position of the same vessel (NaN at track start)
    step_s: F64
    dropped: int

    def __len__(self) -> int:
        return len(self.mmsi)

    @property
    def step_knots(self) -> F64:
        return np.where(self.first, np.nan, step_speed_knots(self.step_m, self.step_s))


def prepare_tracks(positions: pa.Table) -> Tracks:
    """Sort, drop impossible rows and duplicate timestamps, and compute steps."""
    n0 = positions.num_rows
    mmsi = np.asarray(positions.column("mmsi").cast(pa.uint32()).fill_null(0).to_numpy())
    ts = positions.column("ts").cast(pa.timestamp("us")).cast(pa.int64())
    ts_us = np.asarray(ts.fill_null(np.iinfo(np.int64).min).to_numpy(), dtype=np.int64)
    lat, lon, sog = _num(positions, "lat"), _num(positions, "lon"), _num(positions, "sog")
    ok = (
        np.isfinite(lat)
        & np.isfinite(lon)
        & (np.abs(lat) <= 90)
        & (np.abs(lon) <= 180)
        & (ts_us != np.iinfo(np.int64).min)
        & (mmsi > 0)
    )
    if not ok.all():
        mmsi, ts_us, lat, lon, sog = mmsi[ok], ts_us[ok], lat[ok], lon[ok], sog[ok]
    n = len(mmsi)
    if n > 1:
        sorted_already = bool(
            np.all((mmsi[1:] > mmsi[:-1]) | ((mmsi[1:] == mmsi[:-1]) & (ts_us[1:] >= ts_us[:-1])))
        )
        if not sorted_already:
            order = np.lexsort((ts_us, mmsi))
            mmsi, ts_us, lat, lon, sog = (
                mmsi[order],
                ts_us[order],
                lat[order],
                lon[order],
                sog[order],
            )
        dup = np.zeros(n, dtype=bool)
        dup[1:] = (mmsi[1:] == mmsi[:-1]) & (ts_us[1:] == ts_us[:-1])
        if dup.any():
            keep = ~dup
            mmsi, ts_us, lat, lon, sog = mmsi[keep], ts_us[keep], lat[keep], lon[keep], sog[keep]
    sog = np.where((sog >= 0) & (sog < SOG_VALID_BELOW), sog, np.nan)
    first = np.ones(len(mmsi), dtype=bool)
    first[1:] = mmsi[1:] != mmsi[:-1]
    step_m = np.full(len(mmsi), np.nan)
    step_s = np.full(len(mmsi), np.nan)
    if len(mmsi) > 1:
        step_m[1:] = fast_distance_m(lat[:-1], lon[:-1], lat[1:], lon[1:])
        step_s[1:] = (ts_us[1:] - ts_us[:-1]) / 1e6
        step_m[first] = np.nan
        step_s[first] = np.nan
    return Tracks(mmsi, ts_us, lat, lon, sog, first, step_m, step_s, n0 - len(mmsi))


def position_speed_knots(t: Tracks) -> F64:
    """Reported speed, or where missing the implied speed from the neighbouring positions."""
    implied = t.step_knots  # from previous
    nxt = np.full(len(t), np.nan)
    if len(t) > 1:
        nxt[:-1] = implied[1:]
    both = np.where(np.isnan(implied), nxt, np.where(np.isnan(nxt), implied, (implied + nxt) / 2))
    return np.where(np.isnan(t.sog), both, t.sog)


def carried_at(mmsi: np.ndarray, ts_us: I64, c_mmsi: I64, c_end_us: I64) -> I64:
    """For each of the (mmsi, ts)-sorted positions, the index of the carried run (`c_mmsi`,
    `c_end_us`: a stored event's or spell's vessel and last position) that ends there, else
    -1 (engines/local.py); of several positions at that time, the last."""
    out = np.full(len(mmsi), -1, dtype=np.int64)
    if len(c_mmsi) == 0 or len(mmsi) == 0:
        return out
    vessel = mmsi.astype(np.int64)
    lo = np.searchsorted(vessel, c_mmsi, side="left")
    hi = np.searchsorted(vessel, c_mmsi, side="right")
    for k, (a, b) in enumerate(zip(lo.tolist(), hi.tolist(), strict=True)):
        j = a + int(np.searchsorted(ts_us[a:b], c_end_us[k], side="right")) - 1
        if j >= a and ts_us[j] == c_end_us[k]:
            out[j] = k
    return out


def run_bounds(member: B, link: B) -> tuple[I64, I64]:
    """Start and end (inclusive) indices of maximal runs of members joined by `link[i]`
    (position i joins the run of i-1)."""
    n = len(member)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    joined = np.zeros(n, dtype=bool)
    joined[1:] = member[1:] & member[:-1] & link[1:]
    starts = member & ~joined
    s = np.flatnonzero(starts)
    nxt_joined = np.zeros(n, dtype=bool)
    nxt_joined[:-1] = joined[1:]
    e = np.flatnonzero(member & ~nxt_joined)
    return s.astype(np.int64), e.astype(np.int64)
