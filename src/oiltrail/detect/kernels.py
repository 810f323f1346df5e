"""The kernel seam: pure functions over one partition's Arrow tables, the same for every engine.

Partitioning contract (what an engine must hand each call):
- `run_vessel_kernels`: every position of each vessel in the partition over the time span
  processed (partition by `vessel_bucket(mmsi, n)`), plus all static reports (identity
  changes link MMSIs through IMO numbers, so static kinds need the whole static table).
- `resample_partition`: same vessel partitions; returns 10-min samples.
- `run_cell_kernel`: samples of one space-time cell. Pairs only form between samples of the
  same instant, so a partition by `sample_day` needs no overlap; a spatial split by
  `cell_partitions` adds the neighbours within the encounter distance of a block edge and
  keeps a pair only in the block that owns its first sample (lower MMSI): found once.
- `run_pair_kernel`: all adjacency rows of each vessel pair (partition by pair).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from oiltrail.ais.schema import EVENTS
from oiltrail.detect import encounters, static, vessel
from oiltrail.detect.feasible import PortSet, port_set
from oiltrail.detect.ids import make_events
from oiltrail.detect.params import DetectParams
from oiltrail.detect.ports import PortIndex, build_port_index
from oiltrail.detect.tracks import position_speed_knots, prepare_tracks
from oiltrail.geodesy import EARTH_RADIUS_M

STEP_US_PER_DAY = 86_400_000_000


@dataclass(frozen=True)
class PortLookup:
    """Port indices sized for each use: short reach for every position, long for candidates."""

    visit: PortIndex
    far: PortIndex
    feasible: PortSet  # every port with its role, for the gaps' feasible port calls


_LOOKUPS: dict[tuple[int, float, float, float, float, int, int], PortLookup] = {}


def port_lookup(ports: pa.Table, params: DetectParams) -> PortLookup:
    """Build (once per process and ports table) the indices the kernels need."""
    lat = ports.column("lat").to_numpy(zero_copy_only=False)
    reach_far = max(params.loitering.min_port_distance_m, params.encounter.min_port_distance_m)
    key = (
        ports.num_rows,
        float(np.nansum(lat)),
        float(np.nansum(ports.column("lon").to_numpy(zero_copy_only=False))),
        params.port_visit.radius_m,
        reach_far,
        # the names too: a user's table with the bundled coordinates under other names must
        # not reuse the bundled index (its visits would carry the bundled names); and the roles
        hash(tuple(ports.column("name").to_pylist())),
        hash(tuple(ports.column("role").to_pylist())) if "role" in ports.column_names else 0,
    )
    if key not in _LOOKUPS:
        _LOOKUPS.clear()
        _LOOKUPS[key] = PortLookup(
            build_port_index(ports, params.port_visit.radius_m),
            build_port_index(ports, reach_far),
            port_set(ports),
        )
    return _LOOKUPS[key]


def run_vessel_kernels(
    positions: pa.Table,
    static_reports: pa.Table | None,
    ports: pa.Table | PortLookup,
    params: DetectParams,
    kinds: Sequence[str],
    carry: pa.Table | None = None,
) -> pa.Table:
    """Events of the per-vessel and static kinds in `kinds` for one vessel partition;
    `carry`: stored port visits these positions continue (vessel.detect_port_visits)."""
    lookup = ports if isinstance(ports, PortLookup) else port_lookup(ports, params)
    rows: list[dict[str, object]] = []
    want = set(kinds)
    if want & {"port_visit", "loitering", "gap", "spoofing"} and positions.num_rows:
        t = prepare_tracks(positions)
        speed = position_speed_knots(t)
        visits, in_visit = vessel.detect_port_visits(
            t, speed, lookup.visit, params.port_visit, carry
        )
        if "port_visit" in want:
            rows.extend(visits)
        if "loitering" in want:
            rows.extend(vessel.detect_loitering(t, speed, lookup.far, params.loitering))
        if "gap" in want:
            rows.extend(vessel.detect_gaps(t, in_visit, params.gap, lookup.feasible))
        if "spoofing" in want:
            rows.extend(vessel.detect_spoofing(t, params.spoofing))
    if static_reports is not None and static_reports.num_rows:
        if "identity_change" in want:
            rows.extend(static.detect_identity_changes(static_reports, params.identity_change))
        if "draught_change" in want:
            rows.extend(static.detect_draught_changes(static_reports, params.draught_change))
    return make_events(rows)


def resample_partition(positions: pa.Table, params: DetectParams) -> pa.Table:
    """10-min samples (mmsi, tbin, lat, lon, speed_knots) of one vessel partition."""
    return encounters.resample_tracks(prepare_tracks(positions), params.encounter)


def run_cell_kernel(
    samples_in_cell: pa.Table, params: DetectParams, home: np.ndarray | None = None
) -> pa.Table:
    """Adjacency rows (same instant, within max distance) of one space-time cell."""
    return encounters.adjacent_pairs(samples_in_cell, params.encounter, home)


def run_pair_kernel(
    adjacency: pa.Table, ports: pa.Table | PortLookup, params: DetectParams
) -> pa.Table:
    """Encounter events from the complete adjacency rows of some vessel pairs."""
    lookup = ports if isinstance(ports, PortLookup) else port_lookup(ports, params)
    rows = encounters.build_encounters(adjacency, params.encounter, lookup.far)
    return make_events(rows) if rows else EVENTS.empty_table()


# --- partitioning helpers -------------------------------------------------------------------


def vessel_bucket(mmsi: np.ndarray, n: int) -> np.ndarray:
    """Stable partition number of each MMSI (0..n-1)."""
    return (np.asarray(mmsi, dtype=np.uint64) * np.uint64(2654435761) % np.uint64(2**32)) % n


def sample_day(samples: pa.Table, params: DetectParams) -> np.ndarray:
    """UTC day number of each sample (the time part of a space-time cell)."""
    bin_us = int(params.encounter.resample_min * 60e6)
    out: np.ndarray = samples.column("tbin").to_numpy() * bin_us // STEP_US_PER_DAY
    return out


def cell_partitions(
    samples: pa.Table, params: DetectParams, block_deg: float = 10.0
) -> Iterator[tuple[tuple[int, int, int], pa.Table, np.ndarray]]:
    """Split samples into (day, lat block, lon block) cells with neighbour overlap.

    Yields (cell, samples, home mask): a sample lies at home in exactly one cell and is
    copied into the neighbouring cells whose edge is within the encounter distance.
    """
    if samples.num_rows == 0:
        return
    lat = samples.column("lat").to_numpy()
    lon = samples.column("lon").to_numpy()
    day = sample_day(samples, params)
    margin_deg = np.degrees(params.encounter.max_distance_m / EARTH_RADIUS_M) * 1.01
    nb_lon = int(np.ceil(360 / block_deg))
    bi = np.floor((np.clip(lat, -90, 89.999999) + 90) / block_deg).astype(np.int64)
    bj = np.floor((np.clip(lon, -180, 179.999999) + 180) / block_deg).astype(np.int64)
    coslat = np.maximum(np.cos(np.radians(np.minimum(np.abs(lat) + margin_deg, 90))), 1e-9)
    mlon = np.minimum(margin_deg / coslat, 180.0)
    rel_lat = (lat + 90) - bi * block_deg
    rel_lon = (lon + 180) - bj * block_deg
    near_s, near_n = rel_lat < margin_deg, rel_lat > block_deg - margin_deg
    # Longitude blocks narrow towards the poles: a sample may need blocks beyond the next.
    reach = int(min(nb_lon // 2, np.ceil(float(mlon.max()) / block_deg)))
    idx_l, di_l, bj_l, home_l = [], [], [], []
    for di, mi in ((-1, near_s), (0, np.ones_like(near_s)), (1, near_n)):
        for dj in range(-reach, reach + 1):
            if nb_lon % 2 == 0 and dj == -reach and reach == nb_lon // 2 and reach > 0:
                continue  # +reach and -reach are the same block all the way round
            if dj > 0:
                mj = (dj - 1) * block_deg + (block_deg - rel_lon) < mlon
            elif dj < 0:
                mj = (-dj - 1) * block_deg + rel_lon < mlon
            else:
                mj = np.ones_like(near_s)
            sel = np.flatnonzero(mi & mj)
            idx_l.append(sel)
            di_l.append(np.full(len(sel), di))
            bj_l.append((bj[sel] + dj) % nb_lon)
            home_l.append(np.full(len(sel), di == 0 and dj == 0))
    idx = np.concatenate(idx_l)
    cell_i = bi[idx] + np.concatenate(di_l)
    cell_j = np.concatenate(bj_l)
    home_all = np.concatenate(home_l)
    nb_lat = int(np.ceil(180 / block_deg)) + 2
    key = (day[idx] * nb_lat + (cell_i + 1)) * nb_lon + cell_j
    order = np.argsort(key, kind="stable")
    key, idx, home_all = key[order], idx[order], home_all[order]
    cuts = np.flatnonzero(np.diff(key)) + 1
    ordered = samples.take(pa.array(idx))  # one gather; each cell is then a zero-copy slice
    for a, b in zip(
        np.concatenate([[0], cuts]).tolist(),
        np.concatenate([cuts, [len(key)]]).tolist(),
        strict=True,
    ):
        k = int(key[a])
        cell = (k // (nb_lat * nb_lon), (k // nb_lon) % nb_lat - 1, k % nb_lon)
        home = home_all[a:b]
        yield cell, ordered.slice(a, b - a), home
