"""Where a delivery chain went: source port → encounter → destination, with leg distances."""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from typing import Any

from oiltrail.geodesy import distance_km

Row = dict[str, Any]


@dataclass(frozen=True)
class Waypoint:
    label: str
    lon: float
    lat: float


def evidence_ids(value: Any) -> list[str]:
    """Event ids from a chain's `evidence`, whether a list, JSON text or a separated string."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v]
    text = str(value).strip()
    if text.startswith("["):
        try:
            return [str(v) for v in json.loads(text) if v]
        except ValueError:
            pass
    return [t for t in re.split(r"[\s,;|\[\]\"']+", text) if t]


def find_port(name: Any, ports: list[Row]) -> Row | None:
    """A port by its name as written in the chain; the bundled table has variants in brackets."""
    if not name:
        return None
    want = str(name).strip().lower()
    for p in ports:
        if str(p.get("name", "")).lower() == want:
            return p
    for p in ports:
        pname = str(p.get("name", "")).lower()
        variants = [v.strip() for v in re.split(r"[()/]", pname) if v.strip()]
        # Equal to one of the bracketed variants only: a looser match could put a chain at
        # the wrong port, which is worse than leaving the place out.
        if want in variants:
            return p
    return None


def _located(ev: Row | None) -> bool:
    return ev is not None and isinstance(ev.get("lat"), float) and isinstance(ev.get("lon"), float)


def waypoints(chain: Row, events: dict[str, Row], ports: list[Row]) -> list[Waypoint]:
    """The chain's places in order; a place with no known position is left out."""
    evidence = [events[i] for i in evidence_ids(chain.get("evidence")) if i in events]
    out: list[Waypoint] = []
    src = chain.get("source_port")
    visit = next(
        (e for e in evidence if e.get("kind") == "port_visit" and e.get("port") == src), None
    )
    port = find_port(src, ports)
    if visit is not None and _located(visit):
        out.append(Waypoint(f"loaded at {src}", visit["lon"], visit["lat"]))
    elif port is not None:
        out.append(Waypoint(f"loaded at {src}", port["lon"], port["lat"]))
    enc = events.get(str(chain.get("encounter_event_id") or ""))
    if enc is not None and _located(enc):
        out.append(Waypoint("ship-to-ship encounter", enc["lon"], enc["lat"]))
    dest = chain.get("destination")
    dport = find_port(dest, ports)
    receiver = chain.get("receiver_mmsi")
    if dport is not None:
        out.append(Waypoint(f"arrived at {dport['name']}", dport["lon"], dport["lat"]))
    else:
        gap = next(
            (
                e
                for e in evidence
                if e.get("kind") == "gap" and e.get("mmsi") == receiver and _located(e)
            ),
            None,
        )
        if gap is not None:
            out.append(Waypoint(f"went dark ({dest})", gap["lon"], gap["lat"]))
    return out


def legs_km(points: list[Waypoint]) -> list[float]:
    return [distance_km(a.lat, a.lon, b.lat, b.lon) for a, b in itertools.pairwise(points)]
