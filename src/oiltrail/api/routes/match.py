"""POST /match/{dataset}: OpenSanctions yente's matching API (request and response shapes)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from oiltrail.api.deps import read_store
from oiltrail.api.models import MatchRequest, MatchResponse
from oiltrail.store import Store

router = APIRouter(tags=["match"])
StoreDep = Annotated[Store, Depends(read_store)]


@router.post("/match/{dataset}", response_model=MatchResponse, response_model_by_alias=True)
def match(
    store: StoreDep,
    body: MatchRequest,
    dataset: Annotated[str, Path(max_length=100, description="default or a loaded list")],
    limit: Annotated[int, Query(ge=1, le=500)] = 5,
    threshold: Annotated[float, Query(ge=0, le=1)] = 0.7,
    cutoff: Annotated[float, Query(ge=0, le=1)] = 0.5,
    algorithm: Annotated[str, Query(max_length=60)] = "best",
    include_dataset: Annotated[list[str] | None, Query(max_length=50)] = None,
    exclude_dataset: Annotated[list[str] | None, Query(max_length=50)] = None,
    exclude_entity_ids: Annotated[list[str] | None, Query(max_length=500)] = None,
) -> dict[str, Any]:
    """Match FollowTheMoney examples against the loaded lists, as yente does. `algorithm` is
    accepted for compatibility: oiltrail's screening scores every query (docs/screening.md)."""
    from oiltrail.screen.yente import match_examples

    examples = {
        key: {"id": ex.id, "schema": ex.schema_, "properties": ex.properties}
        for key, ex in body.queries.items()
    }
    target = include_dataset[0] if include_dataset and dataset == "default" else dataset
    return match_examples(
        store,
        target,
        examples,
        limit=limit,
        threshold=threshold,
        cutoff=cutoff,
        exclude_ids=exclude_entity_ids or (),
        exclude_datasets=exclude_dataset or (),
    )
