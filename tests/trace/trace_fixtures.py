"""Hand-built events, static reports and positions written into a real DuckDB store."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from oiltrail.reference.ports import read_ports
from oiltrail.store import Store
from oiltrail.store.reference import ports_origin, save_ports

T0 = datetime(2026, 1, 5)
VOSTOCHNY = ("Vostochny (Vostochnyy)", 42.75, 133.083333)
NAMPO = ("Nampo (Chinnampo)", 38.716667, 125.4)
SEA = (31.5, 124.5)  # East China Sea, far from ports


def h(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def event_id(kind: str, mmsi: int, other: int | None, start: datetime) -> str:
    key = f"{kind}|{mmsi}|{'' if other is None else other}|{start.isoformat()}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def add_event(
    store: Store,
    kind: str,
    mmsi: int,
    start: datetime,
    end: datetime,
    *,
    other: int | None = None,
    lat: float | None = None,
    lon: float | None = None,
    port: str | None = None,
    details: dict[str, Any] | None = None,
) -> str:
    if other is not None:
        mmsi, other = min(mmsi, other), max(mmsi, other)
    if ports_origin(store) is None:  # as detect does: the events come with their ports
        save_ports(store, read_ports(), "bundled ports.csv")
    eid = event_id(kind, mmsi, other, start)
    store.con.execute(
        "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'test')",
        [eid, kind, mmsi, other, start, end, lat, lon, port, json.dumps(details or {})],
    )
    return eid


def add_static(
    store: Store, mmsi: int, at: datetime, draught_m: float, length_m: float, beam_m: float
) -> None:
    store.con.execute(
        "INSERT INTO static_reports VALUES (?, ?, NULL, 'T', NULL, 80, ?, ?, ?, NULL, NULL, NULL)",
        [mmsi, at, length_m, beam_m, draught_m],
    )


def add_position(store: Store, mmsi: int, at: datetime, lat: float, lon: float) -> None:
    store.con.execute(
        "INSERT INTO positions VALUES (?, ?, ?, ?, 0.5, 0, NULL, 0, NULL)",
        [mmsi, at, lat, lon],
    )


def port_visit(store: Store, mmsi: int, port: tuple[str, float, float], a: float, b: float) -> str:
    return add_event(store, "port_visit", mmsi, h(a), h(b), lat=port[1], lon=port[2], port=port[0])


def draughts(
    store: Store, mmsi: int, hull: tuple[float, float], series: list[tuple[float, float]]
) -> None:
    for hours, draught in series:
        add_static(store, mmsi, h(hours), draught, hull[0], hull[1])


def full_chain(store: Store, donor: int, receiver: int, shift_h: float = 0.0) -> dict[str, str]:
    """Vostochny load (+3.0 m) → STS at sea (donor −2.9 m, receiver +4.8 m) → Nampo."""
    s = shift_h
    ids = {"load": port_visit(store, donor, VOSTOCHNY, s + 0, s + 12)}
    draughts(store, donor, (100, 16), [(s - 5, 4.0), (s + 10, 7.0), (s + 100, 7.0), (s + 125, 4.1)])
    draughts(
        store, receiver, (80, 12), [(s + 90, 3.0), (s + 119, 3.0), (s + 124, 7.8), (s + 160, 7.8)]
    )
    ids["encounter"] = add_event(
        store, "encounter", donor, h(s + 120), h(s + 126), other=receiver, lat=SEA[0], lon=SEA[1]
    )
    ids["arrival"] = port_visit(store, receiver, NAMPO, s + 170, s + 190)
    for m, t in ((donor, s - 5), (donor, s + 200), (receiver, s + 90), (receiver, s + 200)):
        add_position(store, m, h(t), SEA[0], SEA[1])
    return ids
