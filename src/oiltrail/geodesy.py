"""Great-circle geometry for every stage: one Earth radius, one argument order (lat, lon).

Distances, unit vectors, mean positions and implied speeds; numpy for arrays (detection, the
simulator) and `distance_km` for single points (tracing, the report). A leaf module.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

# Mean Earth radius as Global Fishing Watch uses it (pipe-encounters, compute_adjacency:
# R = 6371 km); the IUGG mean radius (6371.0088 km) differs by 1.4 parts in a million.
EARTH_RADIUS_M = 6_371_000.0
M_S_TO_KNOTS = 3600.0 / 1852.0
KNOT_M_S = 1852.0 / 3600.0

F64 = npt.NDArray[np.float64]


def haversine_m(lat1: F64 | float, lon1: F64 | float, lat2: F64 | float, lon2: F64 | float) -> F64:
    """Great-circle distance in metres (arrays broadcast); right across the antimeridian and at
    the poles."""
    p1 = np.radians(lat1)
    p2 = np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi * 0.5) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb * 0.5) ** 2
    out: F64 = np.asarray(2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))
    return out


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points in km (`haversine_m` for one pair, without
    numpy's per-call cost)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dphi * 0.5) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlmb * 0.5) ** 2
    return 2.0 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a))) / 1000.0


def fast_distance_m(lat1: F64, lon1: F64, lat2: F64, lon2: F64) -> F64:
    """Equirectangular distance (error < 0.1 % under 50 km), exact haversine beyond 50 km."""
    dlon = (lon2 - lon1 + 540.0) % 360.0 - 180.0
    x = np.radians(dlon) * np.cos(np.radians((lat1 + lat2) * 0.5))
    y = np.radians(lat2 - lat1)
    d: F64 = EARTH_RADIUS_M * np.sqrt(x * x + y * y)
    far = ~(d < 50_000.0)
    if far.any():
        d[far] = haversine_m(lat1[far], lon1[far], lat2[far], lon2[far])
    return d


def unit_xyz(lat: F64, lon: F64) -> tuple[F64, F64, F64]:
    """Points on the unit sphere: no seam at ±180° and none at the poles."""
    phi = np.radians(lat)
    lmb = np.radians(lon)
    c = np.cos(phi)
    return c * np.cos(lmb), c * np.sin(lmb), np.sin(phi)


def xyz_to_latlon(x: F64, y: F64, z: F64) -> tuple[F64, F64]:
    r = np.sqrt(x * x + y * y + z * z)
    r = np.where(r == 0, 1.0, r)
    return np.degrees(np.arcsin(np.clip(z / r, -1, 1))), np.degrees(np.arctan2(y, x))


def mean_latlon(lat: F64, lon: F64) -> tuple[float, float]:
    """Mean position via unit vectors (a track across ±180° averages near 180°, not 0°)."""
    if len(lat) == 0:
        return float("nan"), float("nan")
    if float(lon.max()) - float(lon.min()) < 90.0 and float(np.abs(lat).max()) < 80.0:
        return float(lat.mean()), float(lon.mean())
    x, y, z = unit_xyz(lat, lon)
    la, lo = xyz_to_latlon(np.array([x.mean()]), np.array([y.mean()]), np.array([z.mean()]))
    return float(la[0]), float(lo[0])


def step_speed_knots(dist_m: F64, dt_s: F64) -> F64:
    """Implied speed over a step; a zero-time step that moves is infinitely fast."""
    with np.errstate(divide="ignore", invalid="ignore"):
        v = dist_m / dt_s * M_S_TO_KNOTS
    out: F64 = np.where(dt_s > 0, v, np.where(dist_m > 0, np.inf, 0.0))
    return out
