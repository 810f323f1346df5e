"""Read what the tracer needs from the store: events, hulls, ports, track ends."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from oiltrail.kinds import EventKind
from oiltrail.records import Event, PortRecord, PortRole
from oiltrail.store import Store
from oiltrail.store.reference import stored_ports
from oiltrail.trace.model import Hull

TRACE_KINDS = ("port_visit", "encounter", "dark_rendezvous", "gap", "draught_change")
# Plausible hulls: the largest tankers are ~460 m × 70 m; AIS sends 0 or 511+ when unknown.
HULL_LENGTH_M = (10.0, 460.0)
HULL_BEAM_M = (2.0, 70.0)


def load_events(store: Store) -> list[Event]:
    """Events of the kinds a chain is built from, in time order."""
    rows = store.con.execute(
        'SELECT event_id, kind, mmsi, other_mmsi, start, "end", lat, lon, port, details '
        f"FROM events WHERE kind IN ({', '.join('?' * len(TRACE_KINDS))}) "
        "ORDER BY start, event_id",
        list(TRACE_KINDS),
    ).fetchall()
    return [
        Event(
            event_id=str(r[0]),
            kind=EventKind.of(str(r[1])),
            mmsi=int(r[2]),
            other_mmsi=None if r[3] is None else int(r[3]),
            start=r[4],
            end=r[5],
            lat=r[6],
            lon=r[7],
            port=r[8],
            details=_json_object(r[9]),
        )
        for r in rows
    ]


def load_hulls(store: Store, mmsis: set[int]) -> dict[int, Hull]:
    """Dimensions (median of reports) and draught history of each vessel in `mmsis`."""
    if not mmsis:
        return {}
    store.con.execute("CREATE OR REPLACE TEMP TABLE _trace_mmsi (mmsi UINTEGER)")
    store.con.executemany("INSERT INTO _trace_mmsi VALUES (?)", [[m] for m in sorted(mmsis)])
    dims = store.con.execute(
        "SELECT s.mmsi, median(s.length) FILTER (WHERE s.length BETWEEN ? AND ?), "
        "median(s.width) FILTER (WHERE s.width BETWEEN ? AND ?) FROM static_reports s "
        "JOIN _trace_mmsi USING (mmsi) GROUP BY s.mmsi",
        [*HULL_LENGTH_M, *HULL_BEAM_M],
    ).fetchall()
    hulls = {int(m): Hull(length_m=_num(length), beam_m=_num(width)) for m, length, width in dims}
    series = store.con.execute(
        "SELECT s.mmsi, s.ts, s.draught FROM static_reports s JOIN _trace_mmsi USING (mmsi) "
        "WHERE s.draught > 0 AND s.draught < 30 ORDER BY s.mmsi, s.ts, s.draught"
    ).fetchall()
    for mmsi, ts, draught in series:
        hull = hulls.setdefault(int(mmsi), Hull())
        hull.times.append(ts)
        hull.draughts_m.append(round(float(draught), 2))
    store.con.execute("DROP TABLE IF EXISTS _trace_mmsi")
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
    store.con.execute("CREATE OR REPLACE TEMP TABLE _trace_fix (mmsi UINTEGER, ts TIMESTAMP)")
    fixes = {(g.mmsi, t) for g in gaps for t in (g.start, g.end)}
    store.con.executemany("INSERT INTO _trace_fix VALUES (?, ?)", [list(f) for f in fixes])
    rows = store.con.execute(
        "SELECT p.mmsi, p.ts, any_value(p.lat), any_value(p.lon) FROM positions p "
        "JOIN _trace_fix f ON p.mmsi = f.mmsi AND p.ts = f.ts GROUP BY p.mmsi, p.ts"
    ).fetchall()
    store.con.execute("DROP TABLE IF EXISTS _trace_fix")
    found = {(int(m), ts): (float(lat), float(lon)) for m, ts, lat, lon in rows}
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


def track_ends(store: Store, mmsis: set[int]) -> dict[int, tuple[datetime, float, float]]:
    """Last fix (time, lat, lon) of each vessel in `mmsis`."""
    if not mmsis:
        return {}
    marks = ", ".join("?" * len(mmsis))
    rows = store.con.execute(
        f"SELECT mmsi, max(ts), arg_max(lat, ts), arg_max(lon, ts) FROM positions "
        f"WHERE mmsi IN ({marks}) GROUP BY mmsi",
        sorted(mmsis),
    ).fetchall()
    return {int(m): (ts, float(lat), float(lon)) for m, ts, lat, lon in rows}


def data_end(store: Store) -> datetime | None:
    row = store.con.execute("SELECT max(ts) FROM positions").fetchone()
    return None if row is None else row[0]


def _json_object(text: Any) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _num(value: Any) -> float | None:
    return None if value is None else float(value)
