"""Web-Mercator projection onto an SVG box, great-circle distances and the bundled coastline."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

DEFAULT_EXTENT_DEG = (119.0, 33.0, 134.0, 44.0)  # the Korean peninsula and its seas
MIN_SPAN_DEG = 4.0  # never zoom closer than this: a coastline needs context
MAX_LAT_DEG = 85.0  # Mercator is unbounded at the poles


def mercator_y(lat_deg: float) -> float:
    lat = math.radians(max(-MAX_LAT_DEG, min(MAX_LAT_DEG, lat_deg)))
    return math.log(math.tan(math.pi / 4 + lat / 2))


def inverse_mercator_y(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


@dataclass(frozen=True)
class Projection:
    """Maps (lon, lat) in degrees to SVG pixels inside `width_px` × `height_px`."""

    west: float
    south: float
    east: float
    north: float
    width_px: float
    height_px: float

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        x = (lon - self.west) / (self.east - self.west) * self.width_px
        top, bottom = mercator_y(self.north), mercator_y(self.south)
        y = (top - mercator_y(lat)) / (top - bottom) * self.height_px
        return round(x, 1), round(y, 1)

    def contains(self, lon: float, lat: float) -> bool:
        return self.west <= lon <= self.east and self.south <= lat <= self.north


def fit_extent(
    points: Iterable[tuple[float, float]], width_px: float, height_px: float, pad: float = 0.12
) -> Projection:
    """The smallest box around `points` (lon, lat), padded, with the SVG's aspect ratio."""
    pts = [(lon, lat) for lon, lat in points if -180 <= lon <= 180 and -85 <= lat <= 85]
    if pts:
        west, east = min(p[0] for p in pts), max(p[0] for p in pts)
        south, north = min(p[1] for p in pts), max(p[1] for p in pts)
    else:
        west, south, east, north = DEFAULT_EXTENT_DEG
    cx = (west + east) / 2
    span_x = max(east - west, MIN_SPAN_DEG) * (1 + 2 * pad)
    top, bottom = mercator_y(north), mercator_y(south)
    cy = (top + bottom) / 2
    span_y = max(top - bottom, math.radians(MIN_SPAN_DEG)) * (1 + 2 * pad)
    # Mercator y is in radians of longitude, so both spans compare in the same unit.
    aspect = width_px / height_px
    if math.radians(span_x) / span_y < aspect:
        span_x = math.degrees(span_y * aspect)
    else:
        span_y = math.radians(span_x) / aspect
    # Data all over the world: at most the whole world, never beyond it.
    span_x = min(span_x, 360.0)
    cx = min(max(cx, -180 + span_x / 2), 180 - span_x / 2)
    limit = mercator_y(MAX_LAT_DEG)
    span_y = min(span_y, 2 * limit)
    cy = min(max(cy, -limit + span_y / 2), limit - span_y / 2)
    return Projection(
        west=cx - span_x / 2,
        south=inverse_mercator_y(cy - span_y / 2),
        east=cx + span_x / 2,
        north=inverse_mercator_y(cy + span_y / 2),
        width_px=width_px,
        height_px=height_px,
    )


LAND_FILES = ("land_east_asia.json", "land_world.json")  # detailed region first, then world


@lru_cache(maxsize=2)
def land(
    name: str = LAND_FILES[0],
) -> tuple[str, tuple[float, ...], list[list[tuple[float, float]]]]:
    """A bundled coastline: its source line, box (west, south, east, north) and closed land
    rings (lon, lat). Made by `oiltrail.report.landgen`."""
    text = resources.files("oiltrail.report").joinpath(name).read_text()
    doc = json.loads(text)
    rings = [[(float(x), float(y)) for x, y in ring] for ring in doc["rings"]]
    return str(doc["source"]), tuple(float(v) for v in doc["bbox"]), rings


def land_for(proj: Projection) -> tuple[str, list[list[tuple[float, float]]]]:
    """The most detailed coastline whose box holds the whole map (the world's otherwise)."""
    for name in LAND_FILES:
        source, (west, south, east, north), rings = land(name)
        if west <= proj.west and proj.east <= east and south <= proj.south and proj.north <= north:
            return source, rings
    source, _, rings = land(LAND_FILES[-1])
    return source, rings


def land_path(proj: Projection) -> str:
    """One SVG path of every land ring that reaches into the map (even-odd fill keeps lakes)."""
    parts: list[str] = []
    for ring in land_for(proj)[1]:
        xs = [p[0] for p in ring]
        ys = [p[1] for p in ring]
        if max(xs) < proj.west or min(xs) > proj.east or max(ys) < proj.south:
            continue
        if min(ys) > proj.north:
            continue
        pts = [proj.xy(lon, lat) for lon, lat in ring]
        parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in pts) + "Z")
    return "".join(parts)
