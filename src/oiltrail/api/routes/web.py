"""The web app's static files (no data, so no token: the page asks for it) and the land outline
the map draws the coast from (the report's land mask, as GeoJSON).

The files are read once and answered from memory in one piece, with an ETag the browser
revalidates (a file streamed in chunks, each read in a worker thread, took a few hundred
milliseconds on a busy machine for MapLibre's megabyte: the first load waits for it)."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

from fastapi import APIRouter, Request, Response
from starlette.exceptions import HTTPException

router = APIRouter(include_in_schema=False)
WEB = Path(str(resources.files("oiltrail") / "web"))
REPORT = Path(str(resources.files("oiltrail") / "report"))
# The world at 0.15°, then East Asia in more detail over it (the same land masks as the report).
LAND_FILES = ("land_world.json", "land_east_asia.json")


MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".geojson": "application/geo+json",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
}


@lru_cache(maxsize=1)
def app_files() -> dict[str, tuple[bytes, str, str]]:
    """Every file of the web app by its path under /app/: its bytes, media type and ETag. Only
    these paths are answered (nothing outside the app's folder can be named)."""
    out = {}
    for path in sorted(WEB.rglob("*")):
        if not path.is_file() or path.suffix not in MEDIA_TYPES or "__pycache__" in path.parts:
            continue
        body = path.read_bytes()
        etag = f'"{hashlib.sha256(body).hexdigest()[:20]}"'
        out[path.relative_to(WEB).as_posix()] = (body, MEDIA_TYPES[path.suffix], etag)
    return out


def _answer(request: Request, found: tuple[bytes, str, str] | None) -> Response:
    if found is None:
        raise HTTPException(404, "no such file of the web app")
    body, media_type, etag = found
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    if request.method == "HEAD":
        headers["Content-Length"] = str(len(body))
        return Response(media_type=media_type, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


@router.api_route("/", methods=["GET", "HEAD"])
async def index(request: Request) -> Response:
    return _answer(request, app_files().get("index.html"))


@router.get("/favicon.ico")
def favicon() -> Response:
    return Response(status_code=204)


@lru_cache(maxsize=1)
def land_geojson() -> tuple[bytes, str, str]:
    """Each ring of the land masks as a polygon (rings are outer boundaries: no holes)."""
    lands = [json.loads((REPORT / f).read_text(encoding="utf-8")) for f in LAND_FILES]
    rings = [r if r[0] == r[-1] else [*r, r[0]] for x in lands for r in x["rings"] if len(r) >= 3]
    features = [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [r]}}
        for r in rings
    ]
    sources = "; ".join(str(x["source"]) for x in lands)
    collection = {"type": "FeatureCollection", "source": sources, "features": features}
    body = json.dumps(collection, separators=(",", ":")).encode()
    return body, "application/geo+json", f'"{hashlib.sha256(body).hexdigest()[:20]}"'


@router.api_route("/app/land.geojson", methods=["GET", "HEAD"])
async def land(request: Request) -> Response:
    return _answer(request, land_geojson())


@router.api_route("/app/{name:path}", methods=["GET", "HEAD"])
async def app_file(request: Request, name: str) -> Response:
    """A file of the web app (JavaScript, CSS, MapLibre), from memory."""
    return _answer(request, app_files().get(name))
