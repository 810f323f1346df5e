"""Per-vessel detectors (docs/events.md): port visits, loitering, gaps, spoofing.

Each takes one partition's `Tracks` (any number of whole vessels) and frozen parameters,
and returns event rows (dicts for `ids.make_events`). Arrays, not Python loops, do the
per-position work; loops run only over the (few) events found.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import pyarrow as pa

from oiltrail.detect.feasible import PortSet, feasible_ports, gap_speed
from oiltrail.detect.params import GapParams, LoiteringParams, PortVisitParams, SpoofingParams
from oiltrail.detect.ports import PortIndex
from oiltrail.detect.tracks import (
    EPOCH,
    I64,
    US_PER_H,
    B,
    Tracks,
    carried_at,
    run_bounds,
    to_datetime,
)
from oiltrail.geodesy import haversine_m, mean_latlon

Row = dict[str, Any]


def _hours(t: Tracks, a: int, b: int) -> float:
    return float(t.ts_us[b] - t.ts_us[a]) / US_PER_H


def _row(
    kind: str, t: Tracks, a: int, b: int, seg: slice, details: dict[str, Any], **extra: Any
) -> Row:
    """An event of one vessel from position a to b, placed at the mean of positions `seg`."""
    lat, lon = mean_latlon(t.lat[seg], t.lon[seg])
    return {
        "kind": kind, "mmsi": int(t.mmsi[a]), "start": to_datetime(t.ts_us[a]),
        "end": to_datetime(t.ts_us[b]), "lat": lat, "lon": lon, **extra, "details": details,
    }  # fmt: skip


def _same_vessel_link(t: Tracks) -> B:
    return ~t.first


# A port visit stored by an earlier run and still open at a vessel's cut-off, carried into
# this run instead of reading its positions again (engines/local.py `_cutoffs`).
VISIT_CARRY = pa.schema(
    [
        ("mmsi", pa.int64()),
        ("start", pa.timestamp("us")),
        ("end", pa.timestamp("us")),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("port", pa.string()),
        ("positions", pa.int64()),
        ("slow_positions", pa.int64()),
        ("port_distance_m", pa.float64()),
        ("min_port_distance_m", pa.float64()),
        ("min_speed_knots", pa.float64()),
    ]
)


def _visit_details(
    t: Tracks, start_us: int, e: int, n: int, n_slow: int, port_m: float, min_m: float,
    min_speed: float, p: PortVisitParams,
) -> dict[str, Any]:  # fmt: skip
    return {
        "duration_h": float(t.ts_us[e] - start_us) / US_PER_H,
        "positions": n,
        "slow_positions": n_slow,
        "port_distance_m": port_m,
        "min_port_distance_m": min_m,
        "min_speed_knots": min_speed,
        "radius_m": p.radius_m,
    }


def detect_port_visits(
    t: Tracks,
    speed_knots: np.ndarray,
    ports: PortIndex,
    p: PortVisitParams,
    carry: pa.Table | None = None,
) -> tuple[list[Row], B]:
    """Visits: runs of positions inside some port's radius with one position under the stop
    speed. Returns the rows and a mask of positions inside a visit (for the gap detector).

    `carry` (VISIT_CARRY): visits stored by an earlier run whose last position these tracks
    hold; the run through that position continues the stored visit: the row returned is the
    whole visit (the stored one's counts and minima with those of the positions after it,
    its mean position weighted by positions), or none when nothing follows it."""
    dist, port = ports.nearest(t.lat, t.lon)
    inside = dist <= p.radius_m
    in_visit = np.zeros(len(t), dtype=bool)
    rows: list[Row] = []
    starts, ends = run_bounds(inside, _same_vessel_link(t))
    if len(starts) == 0:
        return rows, in_visit
    slow = inside & (speed_knots < p.max_stop_speed_knots)
    slow_count = np.add.reduceat(slow.astype(np.int64), starts)
    c_at = _carried(t, carry)
    carried = np.maximum.reduceat(c_at, starts) if len(c_at) else np.full(len(starts), -1)
    for s, e, n_slow, c in zip(
        starts.tolist(), ends.tolist(), slow_count.tolist(), carried.tolist(), strict=True
    ):
        if c >= 0 and carry is not None:
            in_visit[s : e + 1] = True
            j = s + int(np.flatnonzero(c_at[s : e + 1] == c)[0])
            if e > j:
                rows.append(_continued_visit(t, speed_knots, dist, carry.slice(c, 1), j, e, p))
            continue
        if n_slow == 0:
            continue
        in_visit[s : e + 1] = True
        seg = slice(s, e + 1)
        k = s + int(np.argmax(slow[seg]))  # the port where the vessel first stopped
        details = _visit_details(
            t, int(t.ts_us[s]), e, e - s + 1, int(n_slow), float(dist[k]),
            float(np.min(dist[seg])), float(np.nanmin(speed_knots[seg])), p,
        )  # fmt: skip
        rows.append(_row("port_visit", t, s, e, seg, details, port=ports.names[int(port[k])]))
    return rows, in_visit


def _carried(t: Tracks, carry: pa.Table | None) -> I64:
    if carry is None or carry.num_rows == 0:
        return np.zeros(0, dtype=np.int64)
    end = carry.column("end").cast(pa.timestamp("us")).cast(pa.int64()).to_numpy()
    return carried_at(t.mmsi, t.ts_us, carry.column("mmsi").to_numpy(), end)


def _continued_visit(
    t: Tracks, speed: np.ndarray, dist: np.ndarray, old: pa.Table, j: int, e: int,
    p: PortVisitParams,
) -> Row:  # fmt: skip
    """The stored visit `old` (one VISIT_CARRY row, last position j) through position e.
    Exact but for the mean position, which is the positions' mean up to float rounding
    (the stored mean times its positions, plus the new positions' sum)."""
    o = {k: v[0] for k, v in old.to_pydict().items()}
    old_min_speed = np.nan if o["min_speed_knots"] is None else float(o["min_speed_knots"])
    new = slice(j + 1, e + 1)
    slow = (dist[new] <= p.radius_m) & (speed[new] < p.max_stop_speed_knots)
    n = int(o["positions"]) + (e - j)
    lat = (o["lat"] * o["positions"] + float(np.sum(t.lat[new]))) / n
    lon = (o["lon"] * o["positions"] + float(np.sum(t.lon[new]))) / n
    start_us = int((o["start"] - EPOCH) / timedelta(microseconds=1))
    details = _visit_details(
        t, start_us, e, n, int(o["slow_positions"]) + int(slow.sum()), o["port_distance_m"],
        min(o["min_port_distance_m"], float(np.min(dist[new]))),
        float(np.nanmin(np.append(speed[new], old_min_speed))), p,
    )  # fmt: skip
    return {
        "kind": "port_visit", "mmsi": int(t.mmsi[j]), "start": o["start"],
        "end": to_datetime(t.ts_us[e]), "lat": lat, "lon": lon, "port": o["port"],
        "details": details,
    }  # fmt: skip


def detect_loitering(
    t: Tracks, speed_knots: np.ndarray, ports: PortIndex, p: LoiteringParams
) -> list[Row]:
    """Runs of slow positions at least `min_port_distance_m` from every port lasting long enough."""
    slow = speed_knots < p.max_speed_knots
    far = np.zeros(len(t), dtype=bool)
    idx = np.flatnonzero(slow)
    if len(idx):
        d, _ = ports.nearest(t.lat[idx], t.lon[idx])
        far[idx] = d >= p.min_port_distance_m
    ok = slow & far
    implied = t.step_knots
    link = (
        ~t.first
        & (t.step_s <= p.max_silence_h * 3600)
        & ((t.step_s < 1800) | (implied < p.max_speed_knots))
    )
    starts, ends = run_bounds(ok, link)
    long = (t.ts_us[ends] - t.ts_us[starts]) >= p.min_duration_h * US_PER_H
    rows: list[Row] = []
    for s, e in zip(starts[long].tolist(), ends[long].tolist(), strict=True):
        seg = slice(s, e + 1)
        details: dict[str, Any] = {
            "duration_h": _hours(t, s, e),
            "positions": e - s + 1,
            "median_speed_knots": float(np.nanmedian(speed_knots[seg])),
            "max_speed_knots": float(np.nanmax(speed_knots[seg])),
            "distance_travelled_m": float(np.nansum(t.step_m[s + 1 : e + 1])),
        }
        row = _row("loitering", t, s, e, seg, details)
        d_port, _ = ports.nearest(np.array([row["lat"]]), np.array([row["lon"]]))
        details["port_distance_m"] = None if not np.isfinite(d_port[0]) else float(d_port[0])
        details["min_port_distance_m"] = p.min_port_distance_m
        rows.append(row)
    return rows


def detect_gaps(t: Tracks, in_visit: B, p: GapParams, ports: PortSet | None = None) -> list[Row]:
    """Silences of at least `min_duration_h` between two positions, neither inside a port visit;
    with `ports`, each gap's details name the ports it could have called at (detect/feasible)."""
    long = ~t.first & (t.step_s >= p.min_duration_h * 3600)
    idx = np.flatnonzero(long)
    rows: list[Row] = []
    if len(idx) == 0:
        return rows
    track_start = np.maximum.accumulate(np.where(t.first, np.arange(len(t)), 0))
    for i in idx.tolist():
        if in_visit[i] or in_visit[i - 1]:
            continue
        a, b = i - 1, i
        t0 = int(track_start[a])
        since = t.ts_us[a] - int(p.context_h * US_PER_H)
        before = a - (t0 + int(np.searchsorted(t.ts_us[t0 : a + 1], since))) + 1
        details = {
            "duration_h": _hours(t, a, b),
            "distance_m": float(t.step_m[b]),
            "implied_speed_knots": float(t.step_m[b] / t.step_s[b] * 3600 / 1852),
            "start_lat": float(t.lat[a]),
            "start_lon": float(t.lon[a]),
            "end_lat": float(t.lat[b]),
            "end_lon": float(t.lon[b]),
            "positions_before": before,
            "context_h": p.context_h,
        }
        if ports is not None:
            speed, origin = gap_speed(t, a, t0, p)
            details.update(feasible_ports(t, a, b, speed, origin, ports, p))
        rows.append(_row("gap", t, a, b, slice(a, b + 1), details))
    return rows


def _episodes(t: Tracks, jump_idx: I64, gap_h: float) -> list[tuple[int, int]]:
    """Group jump steps (indices of the later position) of one vessel close in time."""
    out: list[tuple[int, int]] = []
    for i in jump_idx.tolist():
        if out:
            s, e = out[-1]
            same = t.mmsi[i] == t.mmsi[e]
            if same and (t.ts_us[i - 1] - t.ts_us[e]) <= gap_h * US_PER_H:
                out[-1] = (s, i)
                continue
        out.append((i, i))
    return out


def detect_spoofing(t: Tracks, p: SpoofingParams) -> list[Row]:
    """Impossible jumps, grouped into episodes; an episode with repeated far-apart sightings
    within minutes is a shared MMSI, otherwise a teleport."""
    speed = t.step_knots
    jump = ~t.first & (speed > p.max_speed_knots) & (t.step_m > p.min_jump_m)
    far_quick = jump & (t.step_m > p.shared_distance_m) & (t.step_s <= p.shared_window_min * 60)
    rows: list[Row] = []
    for s, e in _episodes(t, np.flatnonzero(jump), p.episode_gap_h):
        a = s - 1
        seg = slice(a, e + 1)
        n_far = int(far_quick[s : e + 1].sum())
        subtype = "shared_mmsi" if n_far >= p.shared_min_count else "teleport"
        jumps = jump[s : e + 1]
        details = {
            "subtype": subtype,
            "jumps": int(jumps.sum()),
            "far_sightings": n_far,
            "max_implied_speed_knots": float(np.max(speed[s : e + 1][jumps])),
            "max_jump_m": float(np.max(t.step_m[s : e + 1][jumps])),
            "positions": e - a + 1,
            "duration_h": _hours(t, a, e),
        }
        rows.append(_row("spoofing", t, a, e, seg, details))
    return rows


__all__ = [
    "detect_gaps",
    "detect_loitering",
    "detect_port_visits",
    "detect_spoofing",
    "haversine_m",
]
