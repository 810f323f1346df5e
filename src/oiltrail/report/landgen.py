"""Regenerate the report's offline coastlines from a 1 km land mask: `land_east_asia.json`
(detailed, the region the DPRK trade crosses) and `land_world.json` (coarse, the whole world,
for data elsewhere: real AIS samples come from Europe, the US, anywhere).

Run once by a developer, never at report time (it needs the `global-land-mask` package):
`uv run --with global-land-mask python -m oiltrail.report.landgen`. The mask is the NOAA
GLOBE 30-arc-second elevation grid's land cells (public domain), as packaged by
global-land-mask (MIT, github.com/toddkarin/global-land-mask).
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Region:
    """One coastline file: its box and how finely it is drawn."""

    bbox_deg: tuple[float, float, float, float]  # west, south, east, north
    step_cells: int  # the mask's 1/120 deg cells taken every n-th
    simplify_deg: float  # Douglas-Peucker tolerance
    min_area_deg2: float  # smaller islands dropped
    out: Path


HERE = Path(__file__).parent
REGIONS = (
    # East Asia from Singapore's oil terminals to the Russian Far East ports (De-Kastri 51.5 N):
    # 1/30 deg cells (about 3.7 km), simplified at about 2 km, islets under about 40 km2 dropped.
    Region((100.0, 0.0, 150.0, 56.0), 4, 0.02, 0.004, HERE / "land_east_asia.json"),
    # The whole world for data elsewhere: 1/5 deg cells, simplified at about 15 km, islands
    # under about 1.5 deg2 dropped (about 100 KB).
    Region((-180.0, -85.0, 180.0, 85.0), 24, 0.15, 1.5, HERE / "land_world.json"),
)


def _mask_grid(region: Region) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    globe: Any = importlib.import_module("global_land_mask.globe")
    west, south, east, north = region.bbox_deg
    step = region.step_cells
    lat_idx = np.where((globe._lat >= south) & (globe._lat <= north))[0][::step]
    lon_idx = np.where((globe._lon >= west) & (globe._lon <= east))[0][::step]
    # The package's mask is True over the ocean (its is_land() negates it).
    grid = np.logical_not(globe._mask[np.ix_(lat_idx, lon_idx)]).astype(float)
    # A sea border closes every contour, so each ring is a closed land outline.
    grid = np.pad(grid, 1, constant_values=0.0)
    # The border cells sit one step outside the box: zero-width border cells would let a
    # contour run along the edge and join separate land masses into one ring around the sea.
    return _padded(globe._lon[lon_idx]), _padded(globe._lat[lat_idx]), grid


def _padded(axis: np.ndarray) -> np.ndarray:
    step = axis[1] - axis[0]
    return np.concatenate([[axis[0] - step], axis, [axis[-1] + step]])


def _ring_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return float(abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))) / 2)


def build_rings(region: Region) -> list[list[list[float]]]:
    """Closed land rings (lon, lat) in the region, simplified and rounded."""
    contourpy: Any = importlib.import_module("contourpy")
    shapely: Any = importlib.import_module("shapely")
    lons, lats, grid = _mask_grid(region)
    lines = contourpy.contour_generator(lons, lats, grid).lines(0.5)
    rings: list[list[list[float]]] = []
    for line in lines:
        if len(line) < 4 or _ring_area(line) < region.min_area_deg2:
            continue
        simple = shapely.simplify(shapely.LinearRing(line), region.simplify_deg)
        coords = np.round(np.asarray(simple.coords), 3)
        if len(coords) >= 4:
            rings.append(coords.tolist())
    return rings


def main() -> None:
    for region in REGIONS:
        rings = build_rings(region)
        cell = f"1/{120 // region.step_cells}"
        doc = {
            "source": "NOAA GLOBE 30-arc-second land mask (public domain) via the "
            f"global-land-mask package 1.0.0 (MIT); contoured at {cell} deg, "
            f"simplified at {region.simplify_deg:g} deg",
            "bbox": list(region.bbox_deg),
            "rings": rings,
        }
        region.out.write_text(json.dumps(doc, separators=(",", ":")))
        print(f"wrote {region.out}: {len(rings)} rings, {sum(len(r) for r in rings)} points")


if __name__ == "__main__":
    main()
