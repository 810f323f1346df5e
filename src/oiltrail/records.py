"""Typed records that the stages hand each other and the API serialises.

Frozen dataclasses, one per kind of row a user sees: events, chains and their links, cap rows,
claims and their verdicts, screening hits, dossier rows, ports. Each has `COLUMNS` (the export's
columns, in order) and `as_row()` (a JSON-ready dict of those columns: times ISO 8601 UTC).
Event kinds and verdicts are enums (`EventKind` lives in `oiltrail.kinds`). A leaf module: it
imports nothing of oiltrail but the kind registry, so any layer may use it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar

from oiltrail.kinds import EventKind

__all__ = [
    "CapRow",
    "Chain",
    "ChainLink",
    "Claim",
    "DossierIdentity",
    "Event",
    "EventKind",
    "LinkName",
    "PortRecord",
    "PortRole",
    "ScreeningHit",
    "Verdict",
    "chain_relays",
    "chain_vessels",
    "iso_utc",
    "records_of",
]


class Verdict(StrEnum):
    """What the evidence says of a claim."""

    SUPPORTED = "supported"
    CONTRADICTED = "contradicted"
    NOT_ENOUGH_EVIDENCE = "not enough evidence"


class PortRole(StrEnum):
    """What tracing does with a port (the ports table's `role`)."""

    SOURCE = "source"  # oil is loaded there
    DESTINATION = "destination"  # a DPRK port
    OTHER = "other"


class LinkName(StrEnum):
    LOAD = "load"
    TRANSFER = "transfer"
    DELIVERY = "delivery"


def iso_utc(value: datetime | None) -> str | None:
    """`2026-01-05T00:00:00Z` for a naive-UTC or aware time; None stays None."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="seconds") + "Z"


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, tuple):
        return [_cell(v) for v in value]
    return value


class _Row:
    COLUMNS: ClassVar[tuple[str, ...]]

    def as_row(self) -> dict[str, Any]:
        """The export columns, JSON-ready."""
        return {c: _cell(getattr(self, c)) for c in self.COLUMNS}


@dataclass(frozen=True)
class Event(_Row):
    """A behaviour event (the events table)."""

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "event_id",
        "kind",
        "mmsi",
        "other_mmsi",
        "start",
        "end",
        "lat",
        "lon",
        "port",
        "details",
    )
    event_id: str
    kind: EventKind
    mmsi: int
    other_mmsi: int | None
    start: datetime
    end: datetime
    lat: float | None = None
    lon: float | None = None
    port: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Event:
        """From a store row (`details` JSON text or a mapping)."""
        details = row.get("details") or {}
        if isinstance(details, str):
            loaded = json.loads(details) if details else {}
            details = loaded if isinstance(loaded, dict) else {}
        other = row.get("other_mmsi")
        return cls(
            event_id=str(row["event_id"]),
            kind=EventKind.of(str(row["kind"])),
            mmsi=int(row["mmsi"]),
            other_mmsi=None if other is None else int(other),
            start=row["start"],
            end=row["end"],
            lat=row.get("lat"),
            lon=row.get("lon"),
            port=row.get("port"),
            details=details,
        )


@dataclass(frozen=True)
class ChainLink:
    """One link of a chain: its score in [0, 1], the events behind it and why it was accepted."""

    name: LinkName
    score: float
    event_ids: tuple[str, ...]
    why: str
    at: datetime | None = None
    place: str | None = None


@dataclass(frozen=True)
class Chain(_Row):
    """A delivery chain (`oiltrail trace`)."""

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "chain_id",
        "source_port",
        "load_start",
        "donor_mmsi",
        "encounter_event_id",
        "receiver_mmsi",
        "destination",
        "arrival",
        "barrels_low",
        "barrels_mid",
        "barrels_high",
        "confidence",
        "evidence",
        "relay_mmsi",  # the relay tankers between donor and receiver, in order, `;`-separated
    )
    chain_id: str
    source_port: str | None
    load_start: datetime | None
    donor_mmsi: int | None
    encounter_event_id: str | None
    receiver_mmsi: int | None
    destination: str | None  # a port name or "dark near DPRK"
    arrival: datetime | None
    barrels_low: float | None
    barrels_mid: float | None
    barrels_high: float | None
    confidence: float
    evidence: tuple[str, ...] = ()
    relay_mmsi: tuple[int, ...] = ()
    links: tuple[ChainLink, ...] = field(default=(), compare=False)

    def as_row(self) -> dict[str, Any]:
        row = super().as_row()
        row["evidence"] = ";".join(self.evidence)
        if "relay_mmsi" in row:
            row["relay_mmsi"] = ";".join(str(m) for m in self.relay_mmsi)
        return row


def chain_relays(value: object) -> tuple[int, ...]:
    """The relay tankers of a chain's `relay_mmsi` (the column's "a;b", "" or None, or the
    record's tuple), in order."""
    if isinstance(value, tuple | list):
        return tuple(int(m) for m in value)
    return tuple(int(m) for m in str(value or "").split(";") if m.strip())


def chain_vessels(row: Mapping[str, Any]) -> list[tuple[int, str]]:
    """The vessels of a chain (a `chains` row or `Chain.as_row()`), each once, in chain order,
    with its role or roles: its donor, its relay tankers (`relay_mmsi`) and its receiver
    ("donor", "relay", "receiver", joined by ", "). Every reader of a chain's vessels reads
    them here: screening, alerts, filters, maps and dossiers treat a relay like the others."""
    roles: dict[int, list[str]] = {}
    ships = [(row.get("donor_mmsi"), "donor")]
    ships += [(m, "relay") for m in chain_relays(row.get("relay_mmsi"))]
    ships += [(row.get("receiver_mmsi"), "receiver")]
    for mmsi, role in ships:
        if mmsi is not None and role not in roles.setdefault(int(mmsi), []):
            roles[int(mmsi)].append(role)
    return [(m, ", ".join(r)) for m, r in roles.items()]


@dataclass(frozen=True)
class CapRow(_Row):
    """A year of the cap table (`oiltrail estimate`)."""

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "year",
        "reported_barrels",
        "estimated_barrels_low",
        "estimated_barrels_mid",
        "estimated_barrels_high",
        "cap_barrels",
        "share_of_cap_mid",
        "published_estimate_barrels_low",
        "published_estimate_barrels_high",
        "published_estimate_sources",
    )
    year: int
    reported_barrels: float
    estimated_barrels_low: float
    estimated_barrels_mid: float
    estimated_barrels_high: float
    cap_barrels: float
    share_of_cap_mid: float
    published_estimate_barrels_low: float | None = None
    published_estimate_barrels_high: float | None = None
    published_estimate_sources: str = ""


@dataclass(frozen=True)
class Claim(_Row):
    """A claim found in a text and the verdict of the evidence (`oiltrail check-claims`)."""

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "speaker",
        "quote",
        "subject",
        "assertion",
        "quantity",
        "period",
        "verdict",
        "reasons",
        "relayed_from",
    )
    speaker: str
    quote: str
    subject: str
    assertion: str
    quantity: float | None
    period: str | None
    verdict: Verdict
    reasons: tuple[str, ...]
    relayed_from: str | None = None


@dataclass(frozen=True)
class ScreeningHit(_Row):
    """A list entry matched by a query (`oiltrail screen`)."""

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "query_id",
        "entity_id",
        "name",
        "schema",
        "score",
        "match",
        "lists",
        "reasons",
    )
    query_id: str
    entity_id: str
    name: str
    schema: str
    score: float
    match: bool
    lists: tuple[str, ...]
    reasons: str

    def as_row(self) -> dict[str, Any]:
        return {**super().as_row(), "lists": ";".join(self.lists)}


@dataclass(frozen=True)
class DossierIdentity(_Row):
    """One identity a vessel showed, and when (`oiltrail vessel`)."""

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "mmsi",
        "imo",
        "name",
        "callsign",
        "ship_type",
        "first",
        "last",
        "reports",
    )
    mmsi: int
    imo: int | None
    name: str | None
    callsign: str | None
    ship_type: int | None
    first: datetime
    last: datetime
    reports: int


@dataclass(frozen=True)
class PortRecord(_Row):
    """A row of the ports table a detect run used (kept in the store)."""

    COLUMNS: ClassVar[tuple[str, ...]] = ("name", "country", "lat", "lon", "kind", "source", "role")
    name: str
    country: str
    lat: float
    lon: float
    kind: str
    source: str
    role: PortRole


def records_of(cls: type[Any], rows: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Build records of `cls` from mappings that carry at least its fields."""
    names = [f.name for f in fields(cls)]
    return [cls(**{n: r[n] for n in names if n in r}) for r in rows]
