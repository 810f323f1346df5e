"""GET /tracks (thinned by zoom level: the map asks for what it can draw), GET /status."""

from __future__ import annotations

import threading
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from oiltrail.api.deps import read_store
from oiltrail.api.models import StatusOut, TracksOut
from oiltrail.api.params import parse_bbox, parse_range
from oiltrail.store import Store

router = APIRouter(tags=["map"])
StoreDep = Annotated[Store, Depends(read_store)]
MAX_MMSIS = 200
_STATUS: dict[tuple[Any, ...], dict[str, Any]] = {}  # the latest store version's counts
_LOCK = threading.Lock()


@router.get("/tracks", response_model=TracksOut)
def tracks(
    store: StoreDep,
    bbox: Annotated[str | None, Query(max_length=200)] = None,
    start: Annotated[str | None, Query(max_length=40)] = None,
    end: Annotated[str | None, Query(max_length=40)] = None,
    zoom: Annotated[int, Query(ge=0, le=22)] = 4,
    mmsi: Annotated[list[int] | None, Query(max_length=MAX_MMSIS)] = None,
) -> Response:
    """Tracks in the box and time range, thinned to what the zoom level can show:
    `[lon, lat]` coordinates and epoch-second times per vessel (docs/serve.md, "Tracks")."""
    from oiltrail.api.tracks import tracks_json

    box = parse_bbox(bbox)
    s, e = parse_range(start, end)
    corners = None if box is None else (box.min_lon, box.min_lat, box.max_lon, box.max_lat)
    body = tracks_json(store, corners, s, e, zoom, list(mmsi or []))
    return Response(body, media_type="application/json")


@router.get("/status", response_model=StatusOut)
def status(store: StoreDep) -> dict[str, Any]:
    """The store's counts and time span (`oiltrail status`), counted once per store version."""
    return status_of(store)


def status_of(store: Store) -> dict[str, Any]:
    """`oiltrail status` of this store version (counted at the first ask, or at start)."""
    from oiltrail.store.status import store_status
    from oiltrail.store.vessel_reads import store_version

    version = store_version(store)
    with _LOCK:
        found = _STATUS.get(version)
    if found is None:
        found = store_status(store)
        with _LOCK:
            _STATUS.clear()
            _STATUS[version] = found
    return found
