"""The rows of the analysis commands: GET /chains (and one chain with its evidence),
GET /estimate, GET /anchorages, GET /routes (docs/serve.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from oiltrail.api.deps import read_store
from oiltrail.api.models import CapOut, ChainDetail, ChainOut, Page
from oiltrail.api.params import MAX_LIMIT, BadParameter, parse_bbox, parse_range
from oiltrail.errors import NotFoundError
from oiltrail.records import chain_vessels, iso_utc
from oiltrail.store import Store

router = APIRouter(tags=["analysis"])
StoreDep = Annotated[Store, Depends(read_store)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
TimeQ = Annotated[str | None, Query(max_length=40, description="ISO 8601, UTC")]


def _chain_row(c: dict[str, Any]) -> dict[str, Any]:
    from oiltrail.store.chains import CHAIN_COLUMNS

    row = {k: c.get(k) for k in CHAIN_COLUMNS}
    row["load_start"], row["arrival"] = iso_utc(row["load_start"]), iso_utc(row["arrival"])
    return row


def _stored_chains(store: Store) -> list[dict[str, Any]]:
    from oiltrail.store.chains import read_chains

    return read_chains(store) or []  # never traced: no chains yet


@router.get("/chains", response_model=Page[ChainOut])
def chains(
    store: StoreDep,
    mmsi: Annotated[int | None, Query(ge=0, le=999_999_999)] = None,
    start: TimeQ = None,
    end: TimeQ = None,
    bbox: Annotated[str | None, Query(max_length=200, description="of the transfer")] = None,
    limit: Limit = 500,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Stored delivery chains (`oiltrail trace` columns), filtered by a vessel (donor, relay
    or receiver), the time they span and the box their transfer is in."""
    s, e = parse_range(start, end)
    box = parse_bbox(bbox)
    rows = []
    for c in _stored_chains(store):
        first = c.get("load_start") or c.get("arrival")
        last = c.get("arrival") or c.get("load_start")
        if mmsi is not None and mmsi not in (m for m, _ in chain_vessels(c)):
            continue
        if s is not None and isinstance(last, datetime) and last < s:
            continue
        if e is not None and isinstance(first, datetime) and first > e:
            continue
        if box is not None:
            pos = (c.get("details") or {}).get("encounter_position")
            if not pos or not (
                box.min_lat <= pos[0] <= box.max_lat and box.min_lon <= pos[1] <= box.max_lon
            ):
                continue
        rows.append(_chain_row(c))
    return {"total": len(rows), "limit": limit, "offset": offset, "items": rows[offset:][:limit]}


@router.get("/chains/{chain_id}", response_model=ChainDetail)
def chain(store: StoreDep, chain_id: Annotated[str, Path(max_length=64)]) -> dict[str, Any]:
    """One chain, the events it rests on, and the route its vessels sailed (lon, lat)."""
    from oiltrail.report.collect import chain_route
    from oiltrail.store.vessel_reads import events_by_id

    found = [c for c in _stored_chains(store) if c["chain_id"] == chain_id]
    if not found:
        raise NotFoundError(f"no chain {chain_id[:64]!r}")
    c = found[0]
    ids = [i for i in str(c.get("evidence") or "").split(";") if i]
    events = events_by_id(store, ids)
    route = chain_route(store, c, {str(e["event_id"]): e for e in events})
    return {
        "chain": _chain_row(c),
        "details": c.get("details") or {},
        "events": events,
        "route": [list(p) for p in route],
    }


@router.get("/estimate", response_model=CapOut)
def estimate(store: StoreDep) -> dict[str, Any]:
    """The cap table of `oiltrail estimate` (docs/chains.md) with its notes."""
    from oiltrail.estimate.cap import cap_detail

    detail = cap_detail(store)
    return {
        "rows": [_plain(r) for r in detail["rows"]],
        "notes": list(detail["notes"]),
        "cap": _plain(detail["cap"]),
        "simulated": bool(detail["simulated"]),
    }


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {k: iso_utc(v) if isinstance(v, datetime) else v for k, v in row.items()}


@router.get("/anchorages", response_model=Page[dict[str, Any]])
def anchorages(
    store: StoreDep,
    bbox: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = 500,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Learned anchorages, when the store has them (else an empty list), in the box."""
    from oiltrail.store.vessel_reads import anchorages as read

    box = parse_bbox(bbox)
    rows = [
        a
        for a in read(store)
        if box is None
        or (
            isinstance(a.get("lat"), int | float)
            and isinstance(a.get("lon"), int | float)
            and box.min_lat <= a["lat"] <= box.max_lat
            and box.min_lon <= a["lon"] <= box.max_lon
        )
    ]
    return {"total": len(rows), "limit": limit, "offset": offset, "items": rows[offset:][:limit]}


@router.get("/routes", response_model=Page[dict[str, Any]])
def routes(
    store: StoreDep,
    year: Annotated[list[int] | None, Query(max_length=50)] = None,
    cut: Annotated[list[str] | None, Query(max_length=10)] = None,
    limit: Limit = 500,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Supply routes into North Korea per year (`oiltrail routes`), the store's chains beside."""
    from oiltrail.estimate.routes import routes_table
    from oiltrail.record import bundled_record

    for y in year or []:
        if not 1990 <= y <= 2100:
            raise BadParameter(f"year {y} is outside 1990..2100")
    rows = routes_table(
        bundled_record(),
        years=year,
        cut=cut,
        chains=_stored_chains(store),
        simulated=store.simulated,
    )
    return {"total": len(rows), "limit": limit, "offset": offset, "items": rows[offset:][:limit]}
