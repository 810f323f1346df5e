"""The rows of the analysis commands: GET /events (more routes join as they land)."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Query, Response

from oiltrail.api.deps import read_store
from oiltrail.api.models import EventOut, Page
from oiltrail.api.params import MAX_LIMIT, BadParameter, parse_bbox, parse_range
from oiltrail.store import Store

router = APIRouter(tags=["records"])
StoreDep = Annotated[Store, Depends(read_store)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
BBoxQ = Annotated[str | None, Query(max_length=200, description="min_lon,min_lat,max_lon,max_lat")]
TimeQ = Annotated[str | None, Query(max_length=40, description="ISO 8601, UTC")]


@router.get("/events", response_model=Page[EventOut])
def events(
    store: StoreDep,
    kind: Annotated[str | None, Query(max_length=300, description="kinds, comma-separated")] = None,
    mmsi: Annotated[int | None, Query(ge=0, le=999_999_999)] = None,
    start: TimeQ = None,
    end: TimeQ = None,
    bbox: BBoxQ = None,
    limit: Limit = 500,
    offset: Offset = 0,
    details: Annotated[bool, Query(description="false: each row's details left empty")] = True,
) -> Response:
    """Events overlapping [start, end], in the box, of these kinds, of this vessel (either
    party): the columns of `oiltrail events`, by start (`details=false`, as the map asks:
    the details left empty)."""
    from oiltrail.kinds import KINDS
    from oiltrail.store.vessel_reads import events_matching

    kinds = [k.strip() for k in kind.split(",") if k.strip()] if kind else []
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        raise BadParameter(f"unknown kind {bad[0][:40]!r}: expected one of {', '.join(KINDS)}")
    first, last = parse_range(start, end)
    box = parse_bbox(bbox)
    total, items = events_matching(
        store,
        kinds=kinds,
        mmsi=mmsi,
        box=None if box is None else (box.min_lon, box.min_lat, box.max_lon, box.max_lat),
        start=first,
        end=last,
        limit=limit,
        offset=offset,
        details=details,
    )
    # The rows are built JSON-ready by events_matching in the model's shape; encoded here
    # directly (as /tracks is), not validated again field by field (a third of the route's
    # time with 500 rows).
    page = {"total": total, "limit": limit, "offset": offset, "items": items}
    return Response(orjson.dumps(page), media_type="application/json")
