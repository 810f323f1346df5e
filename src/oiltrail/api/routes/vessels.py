"""GET /vessels?q= (search) and GET /vessels/{mmsi} (the dossier of `oiltrail vessel`)."""

from __future__ import annotations

import threading
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from oiltrail.api.deps import read_store
from oiltrail.api.models import Dossier, Page, VesselOut
from oiltrail.api.params import MAX_LIMIT, parse_bbox, parse_range
from oiltrail.store import Store

router = APIRouter(tags=["vessels"])
MAX_CACHED = 512  # dossiers kept, keyed by the store's and lists' versions: new data, new key
_DOSSIERS: dict[tuple[Any, ...], dict[str, Any]] = {}
_LOCK = threading.Lock()
StoreDep = Annotated[Store, Depends(read_store)]


@router.get("/vessels", response_model=Page[VesselOut])
def vessels(
    store: StoreDep,
    q: Annotated[str, Query(max_length=200, description="MMSI, IMO or name, any part")] = "",
    bbox: Annotated[str | None, Query(max_length=200, description="seen in this box")] = None,
    start: Annotated[str | None, Query(max_length=40, description="seen from, ISO 8601")] = None,
    end: Annotated[str | None, Query(max_length=40, description="seen until, ISO 8601")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict[str, Any]:
    """Vessels by MMSI, IMO or name; with a box or time range, those with a position in it."""
    from oiltrail.graph.dossier import search_vessels

    box = parse_bbox(bbox)
    corners = None if box is None else (box.min_lon, box.min_lat, box.max_lon, box.max_lat)
    s, e = parse_range(start, end)
    total, rows = search_vessels(store, q, limit, offset, corners, s, e)
    return {"total": total, "limit": limit, "offset": offset, "items": rows}


@router.get("/vessels/{mmsi}", response_model=Dossier)
def vessel(
    store: StoreDep,
    mmsi: Annotated[int, Path(ge=0, le=999_999_999, description="Nine-digit MMSI")],
) -> dict[str, Any]:
    from oiltrail.graph.dossier import dossier
    from oiltrail.store.lists import lists_version
    from oiltrail.store.vessel_reads import store_version

    key = (store_version(store), lists_version(store), mmsi)
    with _LOCK:
        found = _DOSSIERS.get(key)
    if found is None:
        found = dossier(store, f"{mmsi:09d}")
        with _LOCK:
            if len(_DOSSIERS) >= MAX_CACHED:
                _DOSSIERS.pop(next(iter(_DOSSIERS)))
            _DOSSIERS[key] = found
    return found
