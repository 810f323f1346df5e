# ruff: noqa: E501  (Markdown table rows are kept one to a line)
"""Dark activity (docs/dark.md): the dark-rendezvous search as the input grows, beside an
all-pairs comparison (the peer: what the search replaces), and anchorage learning throughput.

Rendezvous: gaps as a dark-heavy fleet gives them, one gap per 200 positions (1M positions ->
5,000 gaps), clustered around six hotspots of the Yellow and East China Seas over 60 days, so
that many gaps are candidates for each other. Anchorages: positions of ships that wait at anchor
near ports and sail between them, in a real DuckDB store; learning = the stationary-spell query
plus the grouping. Medians of 3 runs; bounded to a few minutes.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta

import numpy as np
import pyarrow as pa

from oiltrail.detect.anchorages import learn_anchorages, stationary_spells
from oiltrail.detect.params import AnchorageParams, RendezvousParams
from oiltrail.detect.rendezvous import GAPS, detect_dark_rendezvous
from oiltrail.geodesy import haversine_m
from oiltrail.reference.ports import read_ports

T0 = datetime(2026, 1, 5)
HOTSPOTS = (
    (35.0, 123.7),
    (36.6, 123.6),
    (32.2, 124.4),
    (31.0, 123.5),
    (38.3, 124.2),
    (34.2, 124.3),
)
POSITIONS_PER_GAP = 200
REPEATS = 3


def _gaps(n: int, seed: int = 0) -> pa.Table:
    """n gaps; the days they span grow with n (5,000 gaps per 60 days), as more positions
    mean a longer record, so the density of gaps in space and time stays the same."""
    rng = np.random.default_rng(seed)
    days = 60 * n / 5_000
    spot = rng.integers(0, len(HOTSPOTS), n)
    lat = np.array([HOTSPOTS[s][0] for s in spot]) + rng.normal(0, 0.6, n)
    lon = np.array([HOTSPOTS[s][1] for s in spot]) + rng.normal(0, 0.6, n)
    start = rng.uniform(0, days * 24, n)
    length = rng.uniform(12, 48, n)
    return pa.table(
        {
            "event_id": [f"g{k}" for k in range(n)],
            "mmsi": rng.integers(412_000_000, 412_000_000 + max(2, n // 3), n),  # 3 gaps a ship
            "start": [T0 + timedelta(hours=float(h)) for h in start],
            "end": [T0 + timedelta(hours=float(h)) for h in start + length],
            "start_lat": lat,
            "start_lon": lon,
            "end_lat": lat + rng.normal(0, 0.2, n),
            "end_lon": lon + rng.normal(0, 0.2, n),
            # reports in the 12 h before: a few below `min_positions_before` (no rendezvous)
            "positions_before": rng.integers(0, 80, n),
            "draught_before_m": rng.uniform(3, 9, n),
            "draught_after_m": rng.uniform(3, 9, n),
        },
        schema=GAPS,
    )


def _all_pairs(gaps: pa.Table, p: RendezvousParams) -> int:
    """The peer: every pair of gaps compared (numpy, in row blocks to bound memory)."""
    m = gaps.column("mmsi").to_numpy()
    s = gaps.column("start").cast(pa.int64()).to_numpy()
    e = gaps.column("end").cast(pa.int64()).to_numpy()
    la0, lo0 = gaps.column("start_lat").to_numpy(), gaps.column("start_lon").to_numpy()
    la1, lo1 = gaps.column("end_lat").to_numpy(), gaps.column("end_lon").to_numpy()
    steady = gaps.column("positions_before").to_numpy() >= p.min_positions_before
    found, block = 0, 500
    for a in range(0, len(m), block):
        i = np.arange(a, min(a + block, len(m)))[:, None]
        j = np.arange(len(m))[None, :]
        upper = j > i
        overlap = np.minimum(e[i], e[j]) - np.maximum(s[i], s[j]) >= p.min_overlap_h * 3.6e9
        near = (haversine_m(la0[i], lo0[i], la0[j], lo0[j]) <= p.max_distance_m) | (
            haversine_m(la1[i], lo1[i], la1[j], lo1[j]) <= p.max_distance_m
        )
        both = steady[i] & steady[j]
        found += int((upper & overlap & near & both & (m[i] != m[j])).sum())
    return found


def _median(fn: Callable[[], object], repeats: int = REPEATS) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def _rendezvous(quick: bool) -> str:
    p = RendezvousParams()
    sizes = (250_000, 1_000_000, 4_000_000) if quick else (1_000_000, 4_000_000, 16_000_000)
    lines = [
        "| positions | gaps | dark rendezvous | oiltrail s | growth per 4× | all pairs s | all pairs / oiltrail |",
        "|---|---|---|---|---|---|---|",
    ]  # fmt: skip
    previous = None
    for k, n_pos in enumerate(sizes):
        gaps = _gaps(n_pos // POSITIONS_PER_GAP)
        secs, rows = _median(lambda g=gaps: detect_dark_rendezvous(g, p))
        assert isinstance(rows, list)
        growth = "" if previous is None else f"{secs / previous:.2f}×"
        previous = secs
        if k < 2:  # all pairs grows with the square: only the two smaller sizes
            peer, count = _median(lambda g=gaps: _all_pairs(g, p), repeats=1 if k else REPEATS)
            assert count == len(rows), (count, len(rows))  # the same pairs, every one
            versus = f"{peer:.2f} | {peer / secs:.1f}×"
        else:
            versus = "— | —"
        lines.append(
            f"| {n_pos:,} | {gaps.num_rows:,} | {len(rows):,} | {secs:.2f} | {growth or '—'} | {versus} |"
        )
    return "\n".join(lines)


def _anchored_positions(n: int, seed: int = 1) -> pa.Table:
    """Ships that wait at anchor 10-30 km off the bundled ports' first 40 Asian ports (sog
    0-0.4 kn, a fix every 3 min) and move between waits (sog 8-14 kn)."""
    rng = np.random.default_rng(seed)
    ports = read_ports().to_pylist()
    near = [r for r in ports if 30 < r["lat"] < 45 and 118 < r["lon"] < 135][:40]
    # each port's waiting area: 15 km south of it, ships within 600 m of its centre
    per_ship = 4_000
    ships = max(1, n // per_ship)
    cols: dict[str, list[np.ndarray]] = {"mmsi": [], "ts": [], "lat": [], "lon": [], "sog": []}
    for s in range(ships):
        port = near[s % len(near)]
        lat0 = port["lat"] - 0.135 + rng.uniform(-0.004, 0.004)
        lon0 = port["lon"] + rng.uniform(-0.004, 0.004)
        t = np.arange(per_ship) * 180.0
        moving = (t // (12 * 3600)) % 2 == 1
        lat = lat0 + np.where(moving, np.cumsum(np.where(moving, 1e-4, 0.0)), 0.0)
        cols["mmsi"].append(np.full(per_ship, 413_000_000 + s, np.uint32))
        cols["ts"].append(np.datetime64(T0) + (t * 1e6).astype("timedelta64[us]"))
        cols["lat"].append(lat + rng.normal(0, 2e-4, per_ship))
        cols["lon"].append(np.full(per_ship, lon0) + rng.normal(0, 2e-4, per_ship))
        cols["sog"].append(
            np.where(moving, rng.uniform(8, 14, per_ship), rng.uniform(0, 0.4, per_ship)).astype(
                np.float32
            )
        )
    return pa.table({k: np.concatenate(v) for k, v in cols.items()})


def _anchorages(quick: bool) -> str:
    """Anchorage learning as `detect` runs it: the stationary-spell kernel over the (mmsi, ts)
    sorted positions detect already holds for its other kinds (engines/local.py, one core:
    numpy), then the grouping of the stored spells into anchorages."""
    p = AnchorageParams()
    ports = read_ports()
    lines = [
        "| positions | spells | anchorages | spells s | grouping s | total s | positions/s per core |",
        "|---|---|---|---|---|---|---|",
    ]  # fmt: skip
    for n in (1_000_000, 4_000_000) if quick else (1_000_000, 4_000_000, 16_000_000):
        table = _anchored_positions(n)
        secs_spells, spells = _median(lambda t=table: stationary_spells(t, p))
        assert isinstance(spells, pa.Table)
        secs_group, got = _median(lambda s=spells: learn_anchorages(s, ports, p))
        rows, _ = got  # type: ignore[misc]
        total = secs_spells + secs_group
        lines.append(
            f"| {table.num_rows:,} | {spells.num_rows:,} | {len(rows):,} | {secs_spells:.3f} | {secs_group:.3f} | {total:.3f} | {table.num_rows / total:,.0f} |"
        )
    return "\n".join(lines)


def run(quick: bool = False) -> str:
    return (
        "## Dark activity (`benchmarks/bench_dark.py`)\n\n"
        "Dark-rendezvous search (`detect/rendezvous.py`: gap ends in a 40 km grid per UTC day)"
        " against comparing every pair of gaps (the peer, numpy, blocked); both find the same "
        "pairs (checked). Gaps: one per 200 positions, around six Yellow and East China Sea "
        "hotspots, 60 days per 5,000 gaps (a longer record, the same density). Medians of 3 runs (the all-pairs peer at 4M: one run).\n\n"
        + _rendezvous(quick)
        + "\n\nAnchorage learning as `detect` runs it (the stationary-spell kernel over the sorted "
        "positions detect already holds, one core, then the single-linkage grouping of the spells), "
        "ships waiting off 40 ports and sailing between waits; medians of 3 runs.\n\n"
        + _anchorages(quick)
        + "\n\nCommand: `uv run python -m benchmarks.run dark` (part of `make bench`).\n"
    )


if __name__ == "__main__":
    print(run())
