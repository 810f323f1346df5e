"""Regenerate `land_east_asia.json`, the report's offline coastline, from a 1 km land mask.

Run once by a developer, never at report time (it needs the `global-land-mask` package):
`uv run --with global-land-mask python -m oiltrail.report.landgen`. The mask is the NOAA
GLOBE 30-arc-second elevation grid's land cells (public domain), as packaged by
global-land-mask (MIT, github.com/toddkarin/global-land-mask).
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import numpy as np

# East Asia from Singapore's oil terminals to the Russian Far East ports (De-Kastri 51.5 N).
BBOX_DEG = (100.0, 0.0, 150.0, 56.0)  # west, south, east, north: Singapore to Sakhalin
STEP_CELLS = 4  # 1/120 deg cells taken every 4th: 1/30 deg (about 3.7 km) is plenty for a map
SIMPLIFY_DEG = 0.02  # Douglas-Peucker tolerance, about 2 km
MIN_AREA_DEG2 = 0.004  # drop islets smaller than about 40 km2
OUT = Path(__file__).with_name("land_east_asia.json")


def _mask_grid() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    globe: Any = importlib.import_module("global_land_mask.globe")
    west, south, east, north = BBOX_DEG
    lat_idx = np.where((globe._lat >= south) & (globe._lat <= north))[0][::STEP_CELLS]
    lon_idx = np.where((globe._lon >= west) & (globe._lon <= east))[0][::STEP_CELLS]
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


def build_rings() -> list[list[list[float]]]:
    """Closed land rings (lon, lat) in the report region, simplified and rounded."""
    contourpy: Any = importlib.import_module("contourpy")
    shapely: Any = importlib.import_module("shapely")
    lons, lats, grid = _mask_grid()
    lines = contourpy.contour_generator(lons, lats, grid).lines(0.5)
    rings: list[list[list[float]]] = []
    for line in lines:
        if len(line) < 4 or _ring_area(line) < MIN_AREA_DEG2:
            continue
        simple = shapely.simplify(shapely.LinearRing(line), SIMPLIFY_DEG)
        coords = np.round(np.asarray(simple.coords), 3)
        if len(coords) >= 4:
            rings.append(coords.tolist())
    return rings


def main() -> None:
    rings = build_rings()
    doc = {
        "source": "NOAA GLOBE 30-arc-second land mask (public domain) via the global-land-mask "
        "package 1.0.0 (MIT); contoured at 1/30 deg, simplified at 0.02 deg",
        "bbox": list(BBOX_DEG),
        "rings": rings,
    }
    OUT.write_text(json.dumps(doc, separators=(",", ":")))
    print(f"wrote {OUT}: {len(rings)} rings, {sum(len(r) for r in rings)} points")


if __name__ == "__main__":
    main()
