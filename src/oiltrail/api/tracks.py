"""Tracks for the map, thinned by zoom level (docs/serve.md, "Tracks").

A map never asks for every position: at zoom z one position is kept per vessel, grid cell of
two screen pixels and time bucket (the time a ship at 15 kn takes to cross the cell). For the
wide views (zoom below 8) the thinned positions of the whole store are computed once per store
version and kept in memory as arrays, so that a request only cuts its box and time range out
of them: zoom 5 from one read of the positions, zoom 2 and the coarser levels beyond it from
zoom 5's cells (cells and time buckets nest: a coarser cell is a block of finer ones, so the
coarser level is exactly what reading the positions again would give). Closer views are
thinned from the positions of their box and time range (the time range reads only the row
groups of that time).
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

import numpy as np
import orjson
from numpy.typing import NDArray

from oiltrail.store import Store
from oiltrail.store.reads import latest_names
from oiltrail.store.vessel_reads import store_version, thinned_tracks

TILE_PX = 256
CELL_PX = 2
SHIP_KN = 15.0
LEVELS = (2, 5)  # zooms whose thinned tracks are cached; the first is derived from the last
COARSER = 3  # coarser levels kept below the widest (cell and bucket doubled each time)
DIRECT_ZOOM = 8  # from this zoom on, thinned from the positions of the box
DIRECT_MAX_POSITIONS = 3_000_000  # ... when its time range holds at most this many
MIN_BUCKET_S = 6 * 3600  # at the widest cached level; halves with each zoom level
MAX_POINTS = 150_000  # per answer; over it, the cell and bucket double until it fits

RESPONSES_KEPT = 64  # answers kept per store version (a view asked again is not recomputed)
Arrays = dict[str, NDArray[Any]]  # mmsi, t, lat, lon, n, ci, cj, tb (vessel_reads.thinned_tracks)
Level = tuple[float, int, Arrays]  # cell degrees, bucket seconds, the thinned positions
_cache: dict[tuple[Any, ...], dict[Any, Any]] = {}
_lock = threading.Lock()  # guards _cache (held briefly)
_build = threading.Lock()  # one level build at a time; requests meanwhile wait for it


def _slot(version: tuple[Any, ...]) -> dict[Any, Any]:
    """This store version's cache (an older version's is dropped); call with `_lock` held."""
    if version not in _cache:
        _cache.clear()
        _cache[version] = {}
    return _cache[version]


def cell_for_zoom(zoom: int) -> tuple[float, int]:
    """Grid cell (degrees) and time bucket (seconds) for a web-mercator zoom level: the bucket
    only tells a later return to a cell from the first visit, so it is hours long (a ship
    in port for a week is a handful of points, not one per cell crossing time)."""
    cell = 360.0 / (TILE_PX * 2**zoom) * CELL_PX
    crossing = cell * 60 / SHIP_KN * 3600
    return cell, int(max(crossing, MIN_BUCKET_S / 2 ** max(0, zoom - LEVELS[0]) * 4, 1800))


def coarsen(a: Arrays, cells: int, buckets: int) -> Arrays:
    """The same positions thinned to cells `cells` times and buckets `buckets` times larger:
    per vessel and coarser cell, the first time and the mean position (weighted by how many
    positions each finer cell holds), by vessel and time."""
    keys = (a["mmsi"], a["ci"] // cells, a["cj"] // cells, a["tb"] // buckets)
    if len(a["mmsi"]) == 0:
        return {**a, "ci": keys[1], "cj": keys[2], "tb": keys[3]}
    order = np.lexsort(keys[::-1])
    m, ci, cj, tb = (k[order] for k in keys)
    new = np.r_[True, (m[1:] != m[:-1]) | (ci[1:] != ci[:-1]) | (cj[1:] != cj[:-1])]
    new[1:] |= tb[1:] != tb[:-1]
    starts = np.flatnonzero(new)
    n = a["n"][order]
    total = np.add.reduceat(n, starts)
    out = {
        "mmsi": m[starts],
        "t": np.minimum.reduceat(a["t"][order], starts),
        "lat": np.add.reduceat(a["lat"][order] * n, starts) / total,
        "lon": np.add.reduceat(a["lon"][order] * n, starts) / total,
        "n": total,
        "ci": ci[starts],
        "cj": cj[starts],
        "tb": tb[starts],
    }
    by_time = np.lexsort((out["t"], out["mmsi"]))
    return {k: v[by_time] for k, v in out.items()}


def _levels(store: Store) -> dict[int, Level]:
    """This store version's cached levels: LEVELS, then COARSER levels below the widest."""
    version = store_version(store)

    def kept() -> dict[int, Level] | None:
        with _lock:
            found: dict[int, Level] | None = _slot(version).get("levels")
            return found

    found = kept()
    if found is not None:
        return found
    with _build:
        found = kept()
        if found is not None:
            return found
        finest = LEVELS[-1]
        cell, bucket = cell_for_zoom(finest)
        read = thinned_tracks(store, None, None, None, cell, bucket)
        levels: dict[int, Level] = {finest: (cell, bucket, read)}
        for zoom in sorted(LEVELS[:-1], reverse=True):
            c, b = cell_for_zoom(zoom)
            ratio = round(c / cell)
            if b % bucket or abs(ratio * cell - c) > 1e-9 * c:
                raise AssertionError(f"zoom {zoom}'s cells do not nest in zoom {finest}'s")
            levels[zoom] = (c, b, coarsen(levels[finest][2], ratio, b // bucket))
        widest = LEVELS[0]
        for step in range(1, COARSER + 1):
            c, b, a = levels[widest - step + 1]
            levels[widest - step] = (c * 2, b * 2, coarsen(a, 2, 2))
        with _lock:
            _slot(version)["levels"] = levels
        return levels


def _names(store: Store, mmsis: list[int]) -> dict[int, str]:
    """Latest vessel names: every vessel's, read once per store version (one GROUP BY over the
    static reports: 0.08 s on 30 million positions, where asking for the 2,300 vessels of a
    wide view by a list of parameters took 2 s)."""
    version = store_version(store)
    with _lock:
        known: dict[int, str] | None = _slot(version).get("names")
    if known is None:
        known = latest_names(store)
        with _lock:
            _slot(version)["names"] = known
    return {m: known.get(m, "") for m in mmsis}


def warm(store: Store) -> None:
    """Build this store version's cached levels and names (at start, before the first map
    asks)."""
    _levels(store)
    _names(store, [])


def tracks_json(
    store: Store,
    box: tuple[float, float, float, float] | None,
    start: datetime | None,
    end: datetime | None,
    zoom: int,
    mmsis: list[int],
) -> bytes:
    """The /tracks answer as JSON bytes; the same view asked again (another analyst, a shared
    address, the app reloaded) is answered from memory until the store changes."""
    version = store_version(store)
    key = ("answer", box, start, end, zoom, tuple(mmsis))
    with _lock:
        kept = _slot(version).get(key)
    if kept is not None:
        return kept  # type: ignore[no-any-return]
    body = _tracks_json(store, box, start, end, zoom, mmsis)
    with _lock:
        levels = _slot(version)
        answers = [k for k in levels if isinstance(k, tuple)]
        if len(answers) >= RESPONSES_KEPT:
            levels.pop(answers[0])
        levels[key] = body
    return body


def _view(
    a: Arrays,
    box: tuple[float, float, float, float] | None,
    start: datetime | None,
    end: datetime | None,
    mmsis: list[int],
) -> NDArray[np.bool_]:
    """Which of a level's thinned positions are in the box, the time range and the vessels."""
    keep = np.ones(len(a["mmsi"]), dtype=bool)
    if box is not None:
        lat, lon = a["lat"], a["lon"]
        keep &= (lon >= box[0]) & (lon <= box[2]) & (lat >= box[1]) & (lat <= box[3])
    if start is not None:
        keep &= a["t"] >= int((start - datetime(1970, 1, 1)).total_seconds())
    if end is not None:
        keep &= a["t"] <= int((end - datetime(1970, 1, 1)).total_seconds())
    if mmsis:
        keep &= np.isin(a["mmsi"], np.array(mmsis, dtype=np.int64))
    return keep


def _from_levels(
    levels: dict[int, Level],
    level: int,
    box: tuple[float, float, float, float] | None,
    start: datetime | None,
    end: datetime | None,
    mmsis: list[int],
    widened: bool,
) -> tuple[float, int, bool, Arrays]:
    """The view cut out of a cached level, or out of the first coarser one whose cut holds at
    most MAX_POINTS (then every n-th point of the coarsest)."""
    for lv in sorted((lv for lv in levels if lv <= level), reverse=True):
        cell, bucket, cached = levels[lv]
        keep = _view(cached, box, start, end, mmsis)
        count = int(np.count_nonzero(keep))
        if count <= MAX_POINTS:
            return cell, bucket, widened, {k: v[keep] for k, v in cached.items()}
        widened = True
    step = -(-count // MAX_POINTS)
    return cell, bucket, True, {k: v[keep][::step] for k, v in cached.items()}


def _tracks_json(
    store: Store,
    box: tuple[float, float, float, float] | None,
    start: datetime | None,
    end: datetime | None,
    zoom: int,
    mmsis: list[int],
) -> bytes:
    levels = _levels(store)
    level = max([lv for lv in LEVELS if lv <= zoom] or [LEVELS[0]])
    if zoom >= DIRECT_ZOOM and box is not None:
        # The positions of the time range (what the query reads: positions are stored in
        # the order they arrived, by time for AIS feeds: the box does not narrow the read),
        # counted from the finest cached level: over DIRECT_MAX_POSITIONS, the view is cut
        # from that level instead.
        cached = levels[LEVELS[-1]][2]
        reads = int(cached["n"][_view(cached, None, start, end, mmsis)].sum())
        if reads <= DIRECT_MAX_POSITIONS:
            cell, bucket = cell_for_zoom(zoom)
            a, widened = thinned_tracks(store, box, start, end, cell, bucket, mmsis), False
            while len(a["mmsi"]) > MAX_POINTS:
                a, cell, bucket, widened = coarsen(a, 2, 2), cell * 2, bucket * 2, True
            return _encode(store, zoom, cell, bucket, widened, a)
        return _encode(store, zoom, *_from_levels(levels, level, box, start, end, mmsis, True))
    return _encode(store, zoom, *_from_levels(levels, level, box, start, end, mmsis, False))


def _encode(store: Store, zoom: int, cell: float, bucket: int, widened: bool, a: Arrays) -> bytes:
    m, t = a["mmsi"], a["t"].astype(np.int64)
    starts = np.flatnonzero(np.r_[True, m[1:] != m[:-1]]) if len(m) else np.zeros(0, np.int64)
    ends = np.r_[starts[1:], len(m)] if len(m) else starts
    vessels = [int(v) for v in m[starts]] if len(m) else []
    names = _names(store, vessels)
    flat = np.ascontiguousarray(np.round(np.column_stack([a["lon"], a["lat"]]), 5).ravel())
    tracks = [
        {"mmsi": v, "name": names.get(v, ""), "lonlat": flat[2 * i : 2 * j], "times": t[i:j]}
        for v, i, j in zip(vessels, starts.tolist(), ends.tolist(), strict=True)
    ]
    answer = {
        "zoom": zoom,
        "cell_deg": cell,
        "bucket_s": bucket,
        "points": len(m),
        "thinned": widened,
        "tracks": tracks,
    }
    return orjson.dumps(answer, option=orjson.OPT_SERIALIZE_NUMPY)
