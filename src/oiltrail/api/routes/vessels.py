"""GET /vessels?q= (search) and GET /vessels/{mmsi} (the dossier of `oiltrail vessel`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from oiltrail.api.deps import read_store
from oiltrail.api.models import Dossier, Page, VesselOut
from oiltrail.api.params import MAX_LIMIT
from oiltrail.store import Store

router = APIRouter(tags=["vessels"])
StoreDep = Annotated[Store, Depends(read_store)]


@router.get("/vessels", response_model=Page[VesselOut])
def vessels(
    store: StoreDep,
    q: Annotated[str, Query(max_length=200, description="MMSI, IMO or name, any part")] = "",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict[str, Any]:
    from oiltrail.graph.dossier import search_vessels

    total, rows = search_vessels(store, q, limit, offset)
    return {"total": total, "limit": limit, "offset": offset, "items": rows}


@router.get("/vessels/{mmsi}", response_model=Dossier)
def vessel(
    store: StoreDep,
    mmsi: Annotated[int, Path(ge=0, le=999_999_999, description="Nine-digit MMSI")],
) -> dict[str, Any]:
    from oiltrail.graph.dossier import dossier

    return dossier(store, f"{mmsi:09d}")
