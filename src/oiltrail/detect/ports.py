"""A fast nearest-port lookup over a ports table (read by `oiltrail.reference.ports`).

The lookup bins the globe into 0.25° cells; each cell lists the ports within `reach_m` of
any point in it (a CSR array), so a query is one array lookup plus a few haversines, and
open-sea points (most of them) cost one lookup. Cells wrap at ±180° and widen near the poles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from oiltrail.geodesy import EARTH_RADIUS_M, fast_distance_m

CELL_DEG = 0.25
N_LAT = int(180 / CELL_DEG)
N_LON = int(360 / CELL_DEG)
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


def _cells(lat: F64, lon: F64) -> I64:
    i = np.clip(((lat + 90.0) / CELL_DEG).astype(np.int64), 0, N_LAT - 1)
    j = np.clip(((lon + 180.0) / CELL_DEG).astype(np.int64), 0, N_LON - 1)
    out: I64 = i * N_LON + j
    return out


@dataclass(frozen=True)
class PortIndex:
    """Nearest port within `reach_m` of a point; farther ports read as infinitely far."""

    names: tuple[str, ...]
    lat: F64
    lon: F64
    reach_m: float
    starts: I64  # CSR offsets per cell (N_LAT * N_LON + 1)
    members: I64  # port indices

    def nearest(self, lat: F64, lon: F64) -> tuple[F64, I64]:
        """(distance_m, port index) per point; inf and -1 where no port is within reach."""
        n = len(lat)
        best = np.full(n, np.inf)
        which = np.full(n, -1, dtype=np.int64)
        if n == 0 or len(self.members) == 0:
            return best, which
        ok = np.isfinite(lat) & np.isfinite(lon)
        cell = _cells(np.where(ok, lat, 0.0), np.where(ok, lon, 0.0))
        lo, hi = self.starts[cell], self.starts[cell + 1]
        counts = np.where(ok, hi - lo, 0)
        total = int(counts.sum())
        if total == 0:
            return best, which
        point = np.repeat(np.arange(n), counts)
        first = np.cumsum(counts) - counts
        port = self.members[lo[point] + (np.arange(total) - first[point])]
        d = fast_distance_m(lat[point], lon[point], self.lat[port], self.lon[port])
        # Pairs come grouped by point: the smallest distance of each group, and its port.
        has = np.flatnonzero(counts)
        group_min = np.minimum.reduceat(d, first[has])
        hit = d == np.repeat(group_min, counts[has])
        idx = np.flatnonzero(hit)
        pts = point[idx]
        keep = np.ones(len(idx), dtype=bool)
        keep[1:] = pts[1:] != pts[:-1]
        idx = idx[keep]
        close = d[idx] <= self.reach_m
        best[point[idx[close]]] = d[idx[close]]
        which[point[idx[close]]] = port[idx[close]]
        return best, which


def build_port_index(ports: pa.Table, reach_m: float) -> PortIndex:
    """Bin ports into the cells their `reach_m` disc touches (wrapping at ±180°)."""
    lat = np.asarray(ports.column("lat").to_numpy(zero_copy_only=False), dtype=np.float64)
    lon = np.asarray(ports.column("lon").to_numpy(zero_copy_only=False), dtype=np.float64)
    names = tuple(str(v) for v in ports.column("name").to_pylist())
    dlat = math.degrees(reach_m / EARTH_RADIUS_M)
    cell_ids: list[I64] = []
    port_ids: list[I64] = []
    for k in range(len(lat)):
        lat0, lat1 = max(-90.0, lat[k] - dlat), min(90.0, lat[k] + dlat)
        i0 = min(int((lat0 + 90.0) / CELL_DEG), N_LAT - 1)
        i1 = min(int((lat1 + 90.0) / CELL_DEG), N_LAT - 1)
        cos_min = math.cos(math.radians(max(abs(lat0), abs(lat1))))
        span = 360.0 if cos_min < 1e-6 else min(360.0, dlat / cos_min)
        rows = np.arange(i0, i1 + 1)
        if span >= 180.0 or lat1 >= 90.0 or lat0 <= -90.0:
            cols = np.arange(N_LON)
        else:
            j0 = math.floor((lon[k] - span + 180.0) / CELL_DEG)
            j1 = math.floor((lon[k] + span + 180.0) / CELL_DEG)
            cols = np.arange(j0, j1 + 1) % N_LON
        cells = (rows[:, None] * N_LON + cols[None, :]).ravel()
        cell_ids.append(cells.astype(np.int64))
        port_ids.append(np.full(len(cells), k, dtype=np.int64))
    all_cells = np.concatenate(cell_ids) if cell_ids else np.zeros(0, np.int64)
    all_ports = np.concatenate(port_ids) if port_ids else np.zeros(0, np.int64)
    order = np.argsort(all_cells, kind="stable")
    counts = np.bincount(all_cells, minlength=N_LAT * N_LON)
    starts = np.zeros(N_LAT * N_LON + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    return PortIndex(names, lat, lon, float(reach_m), starts, all_ports[order])
