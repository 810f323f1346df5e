"""POST /claims/check: an article's text in, the verdicts of `oiltrail check-claims` out."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends

from oiltrail.api.deps import read_store
from oiltrail.api.models import ClaimsRequest, ClaimsResult
from oiltrail.api.params import BadParameter
from oiltrail.store import Store

router = APIRouter(tags=["claims"])
StoreDep = Annotated[Store, Depends(read_store)]


@router.post("/claims/check", response_model=ClaimsResult)
def check(store: StoreDep, body: ClaimsRequest) -> dict[str, Any]:
    """Find supply claims in the text and judge each against the public record
    (docs/claims.md); the store's own findings are listed apart from the verdicts."""
    from oiltrail.claims.check import check_claims_noted
    from oiltrail.claims.judge import MINIMAL_THRESHOLD_BARRELS

    published = None
    if body.date:
        try:
            published = date.fromisoformat(body.date)
        except ValueError:
            raise BadParameter(f"date {body.date!r} is not YYYY-MM-DD") from None
    threshold = (
        MINIMAL_THRESHOLD_BARRELS if body.threshold_barrels is None else body.threshold_barrels
    )
    result, notes = check_claims_noted(
        body.text, store, published=published, threshold_barrels=threshold
    )
    return {**result, "notes": notes}
