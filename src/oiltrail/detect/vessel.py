"""Per-vessel detectors (docs/events.md): port visits, loitering, gaps, spoofing.

Each takes one partition's `Tracks` (any number of whole vessels) and frozen parameters,
and returns event rows (dicts for `ids.make_events`). Arrays, not Python loops, do the
per-position work; loops run only over the (few) events found.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from oiltrail.detect.feasible import PortSet, feasible_ports, gap_speed
from oiltrail.detect.params import GapParams, LoiteringParams, PortVisitParams, SpoofingParams
from oiltrail.detect.ports import PortIndex
from oiltrail.detect.tracks import I64, US_PER_H, B, Tracks, run_bounds, to_datetime
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


def detect_port_visits(
    t: Tracks, speed_knots: np.ndarray, ports: PortIndex, p: PortVisitParams
) -> tuple[list[Row], B]:
    """Visits: runs of positions inside some port's radius with one position under the stop
    speed. Returns the rows and a mask of positions inside a visit (for the gap detector)."""
    dist, port = ports.nearest(t.lat, t.lon)
    inside = dist <= p.radius_m
    in_visit = np.zeros(len(t), dtype=bool)
    rows: list[Row] = []
    starts, ends = run_bounds(inside, _same_vessel_link(t))
    if len(starts) == 0:
        return rows, in_visit
    slow = inside & (speed_knots < p.max_stop_speed_knots)
    slow_count = np.add.reduceat(slow.astype(np.int64), starts)
    for s, e, n_slow in zip(starts.tolist(), ends.tolist(), slow_count.tolist(), strict=True):
        if n_slow == 0:
            continue
        in_visit[s : e + 1] = True
        seg = slice(s, e + 1)
        k = s + int(np.argmax(slow[seg]))  # the port where the vessel first stopped
        details = {
            "duration_h": _hours(t, s, e),
            "positions": e - s + 1,
            "slow_positions": int(n_slow),
            "port_distance_m": float(dist[k]),
            "min_port_distance_m": float(np.min(dist[seg])),
            "min_speed_knots": float(np.nanmin(speed_knots[seg])),
            "radius_m": p.radius_m,
        }
        rows.append(_row("port_visit", t, s, e, seg, details, port=ports.names[int(port[k])]))
    return rows, in_visit


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
