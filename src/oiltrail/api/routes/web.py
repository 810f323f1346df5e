"""The web app's static files (no data, so no token: the page asks for it) and the land outline
the map draws the coast from (the report's land mask, as GeoJSON)."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

from fastapi import APIRouter, Response
from fastapi.responses import FileResponse

router = APIRouter(include_in_schema=False)
WEB = Path(str(resources.files("oiltrail") / "web"))
REPORT = Path(str(resources.files("oiltrail") / "report"))
# The world at 0.15°, then East Asia in more detail over it (the same land masks as the report).
LAND_FILES = ("land_world.json", "land_east_asia.json")


@router.get("/")
def index() -> FileResponse:
    return FileResponse(WEB / "index.html", headers={"Cache-Control": "no-cache"})


@router.get("/favicon.ico")
def favicon() -> Response:
    return Response(status_code=204)


@lru_cache(maxsize=1)
def land_geojson() -> bytes:
    """Each ring of the land masks as a polygon (rings are outer boundaries: no holes)."""
    lands = [json.loads((REPORT / f).read_text(encoding="utf-8")) for f in LAND_FILES]
    rings = [r if r[0] == r[-1] else [*r, r[0]] for x in lands for r in x["rings"] if len(r) >= 3]
    features = [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [r]}}
        for r in rings
    ]
    sources = "; ".join(str(x["source"]) for x in lands)
    collection = {"type": "FeatureCollection", "source": sources, "features": features}
    return json.dumps(collection, separators=(",", ":")).encode()


@router.get("/app/land.geojson")
def land() -> Response:
    return Response(land_geojson(), media_type="application/geo+json")
