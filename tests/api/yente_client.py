"""A minimal client for OpenSanctions yente's matching API, written to yente's documented
shapes (its OpenAPI models EntityMatchQuery, EntityMatchResponse, EntityMatches,
ScoredEntityResponse; https://www.opensanctions.org/docs/api/matching/): what a compliance
tool that calls yente does. It knows nothing of oiltrail."""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import BaseModel, Field


class FeatureResult(BaseModel):
    score: float
    detail: str | None = None
    query: str | None = None
    candidate: str | None = None


class ScoredEntityResponse(BaseModel):
    id: str
    caption: str
    schema_: str = Field(alias="schema")
    properties: dict[str, list[Any]]
    datasets: list[str] = []
    referents: list[str] = []
    target: bool = False
    first_seen: str | None = None
    last_seen: str | None = None
    last_change: str | None = None
    score: float
    features: dict[str, float] = {}
    explanations: dict[str, FeatureResult] = {}
    match: bool


class TotalSpec(BaseModel):
    value: int
    relation: str


class EntityExample(BaseModel):
    id: str | None = None
    schema_: str = Field(alias="schema")
    properties: dict[str, str | list[str]]


class EntityMatches(BaseModel):
    status: int
    results: list[ScoredEntityResponse]
    total: TotalSpec
    query: EntityExample


class FeatureDoc(BaseModel):
    description: str | None
    coefficient: float
    url: str


class EntityMatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    matcher: dict[str, FeatureDoc]
    limit: int


class YenteClient:
    def __init__(self, url: str, api_key: str) -> None:
        self.http = httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {api_key}"}, timeout=60
        )

    def match(
        self, queries: dict[str, dict[str, Any]], dataset: str = "default", **params: Any
    ) -> EntityMatchResponse:
        r = self.http.post(f"/match/{dataset}", json={"queries": queries}, params=params)
        r.raise_for_status()
        return EntityMatchResponse.model_validate(r.json())

    def close(self) -> None:
        self.http.close()
