"""Read what the tracer needs from the store: events, hulls, ports, track ends."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oiltrail.kinds import EventKind
from oiltrail.records import Event, PortRecord, PortRole
from oiltrail.store import Store
from oiltrail.store.events import read_events
from oiltrail.store.reads import hull_reports, positions_at
from oiltrail.store.reference import stored_ports
from oiltrail.trace.model import Hull

TRACE_KINDS = ("port_visit", "encounter", "dark_rendezvous", "gap", "draught_change")
# Plausible hulls: the largest tankers are ~460 m × 70 m; AIS sends 0 or 511+ when unknown.
HULL_LENGTH_M = (10.0, 460.0)
HULL_BEAM_M = (2.0, 70.0)


def load_events(store: Store) -> list[Event]:
    """Events of the kinds a chain is built from, in time order."""
    return [
        Event(
            event_id=str(r["event_id"]),
            kind=EventKind.of(str(r["kind"])),
            mmsi=int(r["mmsi"]),
            other_mmsi=None if r["other_mmsi"] is None else int(r["other_mmsi"]),
            start=r["start"],
            end=r["end"],
            lat=r["lat"],
            lon=r["lon"],
            port=r["port"],
            details=r["details"] if isinstance(r["details"], dict) else {},
        )
        for r in sorted(read_events(store, TRACE_KINDS), key=lambda r: (r["start"], r["event_id"]))
    ]


def load_hulls(store: Store, mmsis: set[int]) -> dict[int, Hull]:
    """Dimensions (median of reports) and draught history of each vessel in `mmsis`."""
    sizes, series = hull_reports(store, mmsis, HULL_LENGTH_M, HULL_BEAM_M)
    hulls = {m: Hull(length_m=length, beam_m=beam) for m, (length, beam) in sizes.items()}
    for mmsi, ts, draught in series:
        hull = hulls.setdefault(mmsi, Hull())
        hull.times.append(ts)
        hull.draughts_m.append(round(draught, 2))
    return hulls


def load_ports(store: Store) -> dict[str, PortRecord]:
    """Ports by name: the table the store's events were detected with (store.reference)."""
    return {
        str(r["name"]): PortRecord(
            name=str(r["name"]),
            country=str(r["country"] or ""),
            lat=float(r["lat"]),
            lon=float(r["lon"]),
            kind=str(r["kind"] or ""),
            source=str(r["source"] or ""),
            role=PortRole(r["role"]),
        )
        for r in stored_ports(store).to_pylist()
    }


def gap_endpoints(
    store: Store, gaps: list[Event]
) -> dict[str, tuple[tuple[float, float] | None, tuple[float, float] | None]]:
    """First and last fix of each gap: from its details, else positions, else its mean position."""
    if not gaps:
        return {}
    found = positions_at(store, {(g.mmsi, t) for g in gaps for t in (g.start, g.end)})
    out = {}
    for g in gaps:
        mean = (g.lat, g.lon) if g.lat is not None and g.lon is not None else None
        first = _point(g.details, "start") or found.get((g.mmsi, g.start), mean)
        last = _point(g.details, "end") or found.get((g.mmsi, g.end), mean)
        out[g.event_id] = (first, last)
    return out


def _point(details: Mapping[str, Any], which: str) -> tuple[float, float] | None:
    """A gap's `start_lat`/`start_lon` (or `end_…`) from its details, when detection gave them."""
    try:
        lat, lon = float(details[f"{which}_lat"]), float(details[f"{which}_lon"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon
