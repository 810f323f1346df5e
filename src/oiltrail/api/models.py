"""Response models of the API: the typed records' columns (oiltrail.records), as pydantic."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

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
    relay_mmsi: str = ""  # the relay tankers, in order, `;`-separated (empty: a direct chain)

    @field_validator("relay_mmsi", mode="before")
    @classmethod
    def _no_relay(cls, value: Any) -> Any:
        return value or ""  # a store traced before relay chains keeps the column empty (NULL)


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


# --- POST /match/{dataset}: the request and response shapes of OpenSanctions yente -------------


class EntityExample(BaseModel):
    """A FollowTheMoney-style example to match (yente's EntityExample)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    id: str | None = Field(None, max_length=200)
    schema_: str = Field(alias="schema", max_length=60, examples=["Vessel"])
    properties: dict[str, str | list[str]] = Field(
        ..., examples=[{"name": ["PAEK MA"], "imoNumber": ["9066978"]}]
    )


class MatchRequest(BaseModel):
    """yente's EntityMatchQuery: `queries` by key (at most 100); `weights` and `config` are
    accepted for compatibility and do not change oiltrail's scoring."""

    model_config = ConfigDict(extra="forbid")
    weights: dict[str, float] = Field(default_factory=dict)
    config: dict[str, str | int | float | bool] = Field(default_factory=dict)
    queries: dict[str, EntityExample]


class FeatureResultOut(BaseModel):
    score: float
    detail: str | None = None
    query: str | None = None
    candidate: str | None = None


class TotalSpec(BaseModel):
    value: int
    relation: str = "eq"


class ScoredEntity(BaseModel):
    """yente's ScoredEntityResponse."""

    model_config = ConfigDict(populate_by_name=True)
    id: str
    caption: str
    schema_: str = Field(alias="schema")
    properties: dict[str, list[Any]]
    datasets: list[str]
    referents: list[str]
    target: bool
    first_seen: str | None
    last_seen: str | None
    last_change: str | None
    score: float
    features: dict[str, float]
    explanations: dict[str, FeatureResultOut]
    match: bool
    token: str | None = None


class ExampleOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    id: str | None
    schema_: str = Field(alias="schema")
    properties: dict[str, list[str]]


class EntityMatches(BaseModel):
    status: int = 200
    results: list[ScoredEntity]
    total: TotalSpec
    query: ExampleOut


class FeatureDoc(BaseModel):
    description: str | None
    coefficient: float
    url: str


class MatchResponse(BaseModel):
    """yente's EntityMatchResponse."""

    responses: dict[str, EntityMatches]
    matcher: dict[str, FeatureDoc]
    limit: int


# --- POST /claims/check ------------------------------------------------------------------------


class ClaimsRequest(BaseModel):
    """An article's text (plain, Markdown or HTML) and, optionally, its date."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(..., min_length=1, max_length=2_000_000)
    date: str | None = Field(None, max_length=10, examples=["2024-03-01"])
    threshold_barrels: float | None = Field(None, ge=0, lt=1e12)


class ClaimsResult(BaseModel):
    """The result of `oiltrail check-claims` (docs/claims.md), with the notes it prints."""

    claims: list[dict[str, Any]]
    entities: list[dict[str, Any]]
    notes: list[str]


class CapOut(BaseModel):
    """`oiltrail estimate`: the cap table's rows (docs/chains.md) and what they rest on."""

    rows: list[dict[str, Any]]
    notes: list[str]
    cap: dict[str, Any]
    simulated: bool


class ChainDetail(BaseModel):
    """One chain with its evidence: the chain row, its details, the events it rests on and
    the positions of its legs (lat, lon)."""

    chain: ChainOut
    details: dict[str, Any]
    events: list[EventOut]
    route: list[list[float]]


# --- the map, the watchlist, alerts ------------------------------------------------------------


class TrackOut(BaseModel):
    mmsi: int
    name: str
    lonlat: list[float] = Field(description="lon, lat, lon, lat, … in time order (flat)")
    times: list[int] = Field(description="epoch seconds, one per coordinate")


class TracksOut(BaseModel):
    """Positions thinned to one per vessel, grid cell and time bucket for the zoom level."""

    zoom: int
    cell_deg: float
    bucket_s: int
    points: int
    thinned: bool = Field(description="True when the cell was widened to stay under the cap")
    tracks: list[TrackOut]


class StatusOut(BaseModel):
    """`oiltrail status`: counts and the time span of the store."""

    positions: int
    vessels: int
    static_reports: int
    quarantined: dict[str, int]
    first: str | None
    last: str | None
    files: int
    simulated: bool


class Watchlist(BaseModel):
    """Vessels (MMSIs) and list entities (ids) an analyst watches."""

    model_config = ConfigDict(extra="forbid")
    vessels: list[int] = Field(default_factory=list, max_length=1000)
    entities: list[str] = Field(default_factory=list, max_length=1000)


class AlertOut(BaseModel):
    kind: str = Field(description="event | chain | screening")
    added: str | None = Field(description="when the store gained it")
    mmsi: int | None
    what: str
    ref: str = Field(description="event_id, chain_id or entity_id")


class AlertsOut(BaseModel):
    since: str
    total: int
    items: list[AlertOut]
