"""Response models of the API: the typed records' columns (oiltrail.records), as pydantic."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list: `total` rows match, `items` are rows offset..offset+limit."""

    total: int
    limit: int
    offset: int
    items: list[T]


class ErrorOut(BaseModel):
    detail: str


class Health(BaseModel):
    status: str = "ok"
    version: str


class EventOut(BaseModel):
    """A behaviour event: the columns of `oiltrail events` (docs/events.md)."""

    event_id: str
    kind: str
    mmsi: int
    other_mmsi: int | None
    start: str
    end: str
    lat: float | None
    lon: float | None
    port: str | None
    details: dict[str, Any]


class VesselOut(BaseModel):
    """A vessel found by `GET /vessels?q=`."""

    mmsi: int
    imo: int | None
    name: str
    names: list[str]
    imos: list[int]
    first: str | None
    last: str | None


class IdentityOut(BaseModel):
    """An identity the vessel broadcast (oiltrail.records.DossierIdentity)."""

    mmsi: int
    imo: int | None
    name: str | None
    callsign: str | None
    ship_type: int | None
    first: str
    last: str
    reports: int


class TrackExtent(BaseModel):
    positions: int
    first: str | None
    last: str | None
    bbox: list[float] | None = Field(description="min_lon, min_lat, max_lon, max_lat")


class HitOut(BaseModel):
    """A list entry matched by the vessel (the columns of `oiltrail screen`)."""

    query_id: str
    entity_id: str
    name: str
    schema_: str = Field(alias="schema")
    score: float
    match: bool
    lists: str
    reasons: str
    model_config = ConfigDict(populate_by_name=True)


class ChainOut(BaseModel):
    """A delivery chain: the columns of `oiltrail trace` (docs/chains.md)."""

    chain_id: str
    source_port: str | None
    load_start: str | None
    donor_mmsi: int | None
    encounter_event_id: str | None
    receiver_mmsi: int | None
    destination: str | None
    arrival: str | None
    barrels_low: float | None
    barrels_mid: float | None
    barrels_high: float | None
    confidence: float
    evidence: str


class Dossier(BaseModel):
    """Everything oiltrail knows of one vessel (`oiltrail vessel`)."""

    mmsi: int
    name: str
    imo: int | None
    risk: float
    risk_path: str
    risk_reasons: str
    simulated: bool
    identities: list[IdentityOut]
    track: TrackExtent
    events: list[EventOut]
    screening: list[HitOut]
    paths: list[dict[str, Any]]
    chains: list[ChainOut]
    links: list[dict[str, Any]]
