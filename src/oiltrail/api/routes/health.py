"""GET /healthz: the one route that needs no token."""

from __future__ import annotations

from fastapi import APIRouter

from oiltrail.api.models import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    from oiltrail import __version__

    return Health(version=__version__)
