"""Tracks for the map, thinned by zoom level (docs/serve.md, "Tracks").

A map never asks for every position: at zoom z one position is kept per vessel, grid cell of
two screen pixels and time bucket (the time a ship at 15 kn takes to cross the cell). For the
wide views (zoom below 9) the thinned positions of the whole store are computed once per store
version at three levels and kept in memory as arrays, so that a request only cuts its box and
time range out of them; closer views (small boxes) are thinned from the positions directly.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray

from oiltrail.store import Store
from oiltrail.store.reads import latest_names
from oiltrail.store.vessel_reads import store_version, thinned_tracks

TILE_PX = 256
CELL_PX = 2
SHIP_KN = 15.0
LEVELS = (2, 5, 8)  # zooms whose thinned tracks are cached
DIRECT_ZOOM = 9  # from this zoom on, thinned from the positions of the box
MIN_BUCKET_S = 6 * 3600  # at the widest cached level; halves with each zoom level
MAX_POINTS = 150_000  # per answer; over it, the cell doubles until it fits

RESPONSES_KEPT = 64  # answers kept per store version (a view asked again is not recomputed)
Arrays = tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]
_cache: dict[tuple[Any, ...], dict[Any, Any]] = {}
_lock = threading.Lock()


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


def _arrays(rows: list[tuple[int, int, float, float]]) -> Arrays:
    if not rows:
        z = np.zeros(0, np.int64)
        return z, z, np.zeros(0), np.zeros(0)
    m, t, lat, lon = zip(*rows, strict=True)
    return np.array(m), np.array(t), np.array(lat), np.array(lon)


def _level(store: Store, level: int) -> Arrays:
    key = store_version(store)
    with _lock:  # one build per store version; requests meanwhile wait for it
        levels = _slot(key)
        if level not in levels:
            cell, bucket = cell_for_zoom(level)
            levels[level] = _arrays(thinned_tracks(store, None, None, None, cell, bucket))
        found: Arrays = levels[level]
        return found


def _names(store: Store, mmsis: list[int]) -> dict[int, str]:
    """Latest vessel names, kept per store version."""
    version = store_version(store)
    with _lock:
        known: dict[int, str] = _slot(version).setdefault("names", {})
        missing = [m for m in mmsis if m not in known]
    if missing:
        found = latest_names(store, missing)
        with _lock:
            known.update({m: found.get(m, "") for m in missing})
    return {m: known.get(m, "") for m in mmsis}


def warm(gate: Any) -> None:
    """Build the cached levels before the first map asks (run in a thread at start)."""
    try:
        with gate.read() as store:
            for level in LEVELS:
                _level(store, level)
    except Exception:  # a busy or empty store: the first request builds them instead
        return


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


def _tracks_json(
    store: Store,
    box: tuple[float, float, float, float] | None,
    start: datetime | None,
    end: datetime | None,
    zoom: int,
    mmsis: list[int],
) -> bytes:
    widened = False
    if zoom >= DIRECT_ZOOM and box is not None:
        cell, bucket = cell_for_zoom(zoom)
        while True:
            m, t, lat, lon = _arrays(thinned_tracks(store, box, start, end, cell, bucket, mmsis))
            if len(m) <= MAX_POINTS:
                break
            cell, bucket, widened = cell * 2, bucket * 2, True
    else:
        level = max([lv for lv in LEVELS if lv <= zoom] or [LEVELS[0]])
        cell, bucket = cell_for_zoom(level)
        m, t, lat, lon = _level(store, level)
        keep = np.ones(len(m), dtype=bool)
        if box is not None:
            keep &= (lon >= box[0]) & (lon <= box[2]) & (lat >= box[1]) & (lat <= box[3])
        if start is not None:
            keep &= t >= int((start - datetime(1970, 1, 1)).total_seconds())
        if end is not None:
            keep &= t <= int((end - datetime(1970, 1, 1)).total_seconds())
        if mmsis:
            keep &= np.isin(m, np.array(mmsis, dtype=np.int64))
        m, t, lat, lon = m[keep], t[keep], lat[keep], lon[keep]
        while len(m) > MAX_POINTS:  # keep every other point until it fits
            m, t, lat, lon = m[::2], t[::2], lat[::2], lon[::2]
            widened = True
    return _encode(store, zoom, cell, bucket, widened, m, t, lat, lon)


def _encode(
    store: Store,
    zoom: int,
    cell: float,
    bucket: int,
    widened: bool,
    m: NDArray[np.int64],
    t: NDArray[np.int64],
    lat: NDArray[np.float64],
    lon: NDArray[np.float64],
) -> bytes:
    starts = np.flatnonzero(np.r_[True, m[1:] != m[:-1]]) if len(m) else np.zeros(0, np.int64)
    ends = np.r_[starts[1:], len(m)] if len(m) else starts
    vessels = [int(v) for v in m[starts]] if len(m) else []
    names = _names(store, vessels)
    flat = np.round(np.column_stack([lon, lat]), 5).ravel()  # lon, lat, lon, lat, …
    times = t.tolist()
    tracks = [
        {
            "mmsi": v,
            "name": names.get(v, ""),
            "lonlat": flat[2 * a : 2 * b].tolist(),
            "times": times[a:b],
        }
        for v, a, b in zip(vessels, starts.tolist(), ends.tolist(), strict=True)
    ]
    answer = {
        "zoom": zoom,
        "cell_deg": cell,
        "bucket_s": bucket,
        "points": len(m),
        "thinned": widened,
        "tracks": tracks,
    }
    return json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode()
