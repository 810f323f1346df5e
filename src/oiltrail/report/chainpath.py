"""Where a delivery chain went: source port → encounter → destination, with leg distances."""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from oiltrail.geodesy import distance_km
from oiltrail.records import chain_vessels

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


TRANSFER_KINDS = ("encounter", "dark_rendezvous")


def _time(value: Any) -> datetime | None:
    """An event's or chain's time, a datetime or ISO text (`Z` or an offset: naive UTC)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)
        except ValueError:
            return None
    return None


def transfers(chain: Row, events: dict[str, Row]) -> list[tuple[int, int, Row | None]]:
    """Each ship-to-ship transfer of the chain in order, from one of its vessels to the next
    (`chain_vessels`: donor, relay tankers, receiver): (giver, taker, the transfer event,
    None when the chain's events do not hold it). The last is `encounter_event_id`; a relay's
    is the encounter or dark rendezvous of the two ships among the chain's evidence."""
    ships = [m for m, _ in chain_vessels(chain)]
    if len(ships) < 2:
        return []
    evidence = [events[i] for i in evidence_ids(chain.get("evidence")) if i in events]
    last = events.get(str(chain.get("encounter_event_id") or ""))
    out: list[tuple[int, int, Row | None]] = []
    after: datetime | None = None
    for i, (giver, taker) in enumerate(itertools.pairwise(ships)):
        found: Row | None = last if i == len(ships) - 2 else None
        if found is None:
            pair = {giver, taker}
            candidates = sorted(
                (
                    e
                    for e in evidence
                    if e.get("kind") in TRANSFER_KINDS
                    and {e.get("mmsi"), e.get("other_mmsi")} == pair
                    and (after is None or (_time(e.get("start")) or after) >= after)
                ),
                key=lambda e: str(e.get("start")),
            )
            found = candidates[0] if candidates else None
        if found is not None:
            after = _time(found.get("end")) or after
        out.append((giver, taker, found))
    return out


def legs(chain: Row, events: dict[str, Row]) -> list[tuple[int, datetime, datetime | None]]:
    """What each vessel of the chain sailed with the cargo, in order, as (mmsi, from, until):
    the donor from loading to its transfer, each relay tanker from the transfer it received
    to the one it gave, the receiver from its transfer to the arrival (None: not known). A
    leg whose ends are not known is left out."""
    steps = transfers(chain, events)
    out: list[tuple[int, datetime, datetime | None]] = []
    since = _time(chain.get("load_start"))
    for giver, _, event in steps:
        until = _time(event.get("start")) if event is not None else None
        if since is not None and until is not None:
            out.append((giver, since, until))
        since = _time(event.get("end")) if event is not None else None
    if steps and since is not None:
        out.append((steps[-1][1], since, _time(chain.get("arrival"))))
    return out


def waypoints(chain: Row, events: dict[str, Row], ports: list[Row]) -> list[Waypoint]:
    """The chain's places in order (loading, each transfer, the delivery); a place with no
    known position is left out."""
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
    steps = transfers(chain, events)
    if not steps:  # a chain with one ship (a direct voyage): its transfer event, if any
        enc = events.get(str(chain.get("encounter_event_id") or ""))
        steps = [(0, 0, enc)]
    roles = dict(chain_vessels(chain))
    for giver, taker, event in steps:
        if event is not None and _located(event):
            label = "ship-to-ship encounter"
            if len(steps) > 1:
                label += f" ({roles.get(giver, '')} {giver} to {roles.get(taker, '')} {taker})"
            out.append(Waypoint(label, event["lon"], event["lat"]))
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
