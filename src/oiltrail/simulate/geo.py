"""Spherical geometry for the simulator: bearings, great-circle interpolation, ports (distances:
oiltrail.geodesy)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from oiltrail.geodesy import EARTH_RADIUS_M, F64, haversine_m
from oiltrail.reference.ports import read_ports


def bearing_deg(lat1: F64 | float, lon1: F64 | float, lat2: F64 | float, lon2: F64 | float) -> F64:
    """Initial great-circle bearing in degrees [0, 360)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(np.asarray(lon2) - np.asarray(lon1))
    y = np.sin(dl) * np.cos(p2)
    x = np.cos(p1) * np.sin(p2) - np.sin(p1) * np.cos(p2) * np.cos(dl)
    return np.asarray(np.degrees(np.arctan2(y, x)) % 360.0)


def _unit(lat: F64, lon: F64) -> F64:
    p, la = np.radians(lat), np.radians(lon)
    return np.stack([np.cos(p) * np.cos(la), np.cos(p) * np.sin(la), np.sin(p)], axis=-1)


def slerp(lat1: F64, lon1: F64, lat2: F64, lon2: F64, frac: F64) -> tuple[F64, F64]:
    """Points a fraction `frac` of the way along the great circles from 1 to 2."""
    a, b = _unit(lat1, lon1), _unit(lat2, lon2)
    omega = np.arccos(np.clip(np.sum(a * b, axis=-1), -1.0, 1.0))
    so = np.sin(omega)
    small = so < 1e-12
    safe = np.where(small, 1.0, so)
    wa = np.where(small, 1.0 - frac, np.sin((1.0 - frac) * omega) / safe)
    wb = np.where(small, frac, np.sin(frac * omega) / safe)
    v = a * wa[..., None] + b * wb[..., None]
    lat = np.degrees(np.arctan2(v[..., 2], np.hypot(v[..., 0], v[..., 1])))
    lon = np.degrees(np.arctan2(v[..., 1], v[..., 0]))
    return np.asarray(lat), np.asarray(lon)


def offset(lat: float, lon: float, bearing: float, distance_m: float) -> tuple[float, float]:
    """The point `distance_m` from (lat, lon) on initial bearing `bearing` degrees."""
    d = distance_m / EARTH_RADIUS_M
    p1, l1, th = np.radians(lat), np.radians(lon), np.radians(bearing)
    p2 = np.arcsin(np.sin(p1) * np.cos(d) + np.cos(p1) * np.sin(d) * np.cos(th))
    l2 = l1 + np.arctan2(np.sin(th) * np.sin(d) * np.cos(p1), np.cos(d) - np.sin(p1) * np.sin(p2))
    return float(np.degrees(p2)), float((np.degrees(l2) + 540.0) % 360.0 - 180.0)


@dataclass(frozen=True)
class Ports:
    """The bundled ports table as arrays."""

    name: tuple[str, ...]
    country: tuple[str, ...]
    kind: tuple[str, ...]
    lat: F64
    lon: F64

    def index(self, name: str) -> int:
        return self.name.index(name)

    def min_distance_m(self, lat: F64 | float, lon: F64 | float) -> F64:
        """Distance from each point to its nearest port (chunked, exact)."""
        lat_a, lon_a = np.atleast_1d(np.asarray(lat, float)), np.atleast_1d(np.asarray(lon, float))
        out = np.empty(lat_a.shape[0])
        for i in range(0, lat_a.shape[0], 2048):
            d = haversine_m(
                lat_a[i : i + 2048, None], lon_a[i : i + 2048, None], self.lat[None], self.lon[None]
            )
            out[i : i + 2048] = d.min(axis=1)
        return out


@lru_cache(maxsize=1)
def load_ports() -> Ports:
    """The package's ports table (src/oiltrail/data/ports.csv, read by oiltrail.reference)."""
    t = read_ports()
    return Ports(
        name=tuple(t.column("name").to_pylist()),
        country=tuple(t.column("country").to_pylist()),
        kind=tuple(t.column("kind").to_pylist()),
        lat=t.column("lat").to_numpy(),
        lon=t.column("lon").to_numpy(),
    )
