"""The three links of a delivery chain, each found from events and saying why it was accepted.

load: a port visit at a `source` port with a draught rise; transfer: an encounter (or a dark
rendezvous) where one ship's draught falls and the other's rises; delivery: a DPRK port visit, a
gap (or the end of the track) in or near DPRK waters, or a gap long enough for a DPRK port call.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from oiltrail.geodesy import distance_km
from oiltrail.records import Event, PortRecord, PortRole
from oiltrail.trace.dprk import DPRK_COAST_POINTS
from oiltrail.trace.model import Hull, TraceParams

Point = tuple[float, float]


@dataclass
class Link:
    """One accepted link: its score in [0, 1], the event ids behind it and the reason."""

    name: str
    score: float
    event_ids: list[str]
    why: str
    at: datetime | None = None
    place: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"score": self.score, "events": self.event_ids, "why": self.why, **self.data}


@dataclass
class Context:
    """Everything a link search reads, indexed by vessel."""

    events: list[Event]
    hulls: dict[int, Hull]
    ports: dict[str, PortRecord]
    params: TraceParams
    gap_ends: dict[str, tuple[Point | None, Point | None]] = field(default_factory=dict)
    track_ends: dict[int, tuple[datetime, float, float]] = field(default_factory=dict)
    data_end: datetime | None = None
    by_vessel: dict[tuple[int, str], list[Event]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        index: dict[tuple[int, str], list[Event]] = defaultdict(list)
        for e in self.events:
            index[(e.mmsi, e.kind)].append(e)
            if e.other_mmsi is not None and e.kind in ("encounter", "dark_rendezvous"):
                index[(e.other_mmsi, e.kind)].append(e)
        self.by_vessel = dict(index)

    def of(self, mmsi: int, kind: str) -> list[Event]:
        return self.by_vessel.get((mmsi, kind), [])

    def is_dprk(self, name: str | None) -> bool:
        port = self.ports.get(name or "")
        return port is not None and port.role is PortRole.DESTINATION

    def is_source(self, name: str | None) -> bool:
        """A port where oil is loaded (its role in the ports table)."""
        port = self.ports.get(name or "")
        return port is not None and port.role is PortRole.SOURCE

    def port_kind(self, name: str | None) -> str | None:
        port = self.ports.get(name or "")
        return None if port is None else port.kind

    def near_dprk(self, point: Point | None) -> tuple[str, float] | None:
        """(nearest DPRK port or coast point, km) when `point` is within `near_dprk_km` of it."""
        if point is None:
            return None
        marks = [(p.name, p.lat, p.lon) for p in self.ports.values() if self.is_dprk(p.name)]
        best: tuple[str, float] | None = None
        for name, lat, lon in [*marks, *DPRK_COAST_POINTS]:
            d = distance_km(point[0], point[1], lat, lon)
            if best is None or d < best[1]:
                best = (name, d)
        if best is None or best[1] > self.params.near_dprk_km:
            return None
        return best[0], round(best[1], 1)

    def next_operation(self, mmsi: int, after: datetime) -> datetime | None:
        """Start of the vessel's next port visit, encounter or gap after `after`."""
        starts = [
            e.start
            for kind in ("port_visit", "encounter", "gap")
            for e in self.of(mmsi, kind)
            if e.start > after
        ]
        return min(starts, default=None)

    def draught_change(
        self, mmsi: int, start: datetime, end: datetime
    ) -> tuple[float, float, float] | None:
        """(before, after, delta) of the vessel's draught across an operation."""
        hull = self.hulls.get(mmsi)
        if hull is None:
            return None
        until = end + self.params.settle
        nxt = self.next_operation(mmsi, end)
        if nxt is not None:
            until = min(until, nxt)
        return hull.change(start, end, until, self.params.lookback)

    def draught_events(self, mmsi: int, start: datetime, end: datetime) -> list[str]:
        """Ids of draught_change events of the vessel during an operation or while it settled."""
        lo = start - timedelta(hours=1)
        hi = end + self.params.settle
        return [e.event_id for e in self.of(mmsi, "draught_change") if lo <= e.start <= hi]


def find_load(ctx: Context, donor: int, before: datetime) -> Link | None:
    """The donor's last visit to a source port before `before`, within the voyage window."""
    p = ctx.params
    visits = [
        e
        for e in ctx.of(donor, "port_visit")
        if ctx.is_source(e.port)
        and e.end <= before
        and before - e.end <= timedelta(days=p.max_voyage_days)
    ]
    if not visits:
        return None
    return load_link(ctx, donor, max(visits, key=lambda e: e.end), before)


def load_link(ctx: Context, donor: int, visit: Event, before: datetime) -> Link:
    """The load link of a source-port visit: scored by the draught rise, with the voyage's gaps."""
    p = ctx.params
    change = ctx.draught_change(donor, visit.start, visit.end)
    ids = [visit.event_id, *ctx.draught_events(donor, visit.start, visit.end)]
    gaps = [g for g in ctx.of(donor, "gap") if visit.end <= g.start and g.end <= before]
    ids += [g.event_id for g in gaps]
    voyage = f"; voyage {(before - visit.end).total_seconds() / 3600:.0f} h with {len(gaps)} gap(s)"
    data: dict[str, Any] = {"port": visit.port, "port_kind": ctx.port_kind(visit.port)}
    if change is None:
        score, why = 0.6, f"visit to {visit.port} ({data['port_kind']}); no draught reported"
    elif change[2] >= p.min_draught_change_m:
        score, why = 1.0, f"visit to {visit.port}; draught rose {change[0]} → {change[1]} m"
    else:
        score, why = (
            0.3,
            f"visit to {visit.port}; draught did not rise ({change[0]} → {change[1]} m)",
        )
    if change is not None:
        data.update(draught_before_m=change[0], draught_after_m=change[1], delta_m=change[2])
    if before == visit.end:
        voyage = ""
    return Link("load", score, ids, why + voyage, at=visit.start, place=visit.port, data=data)


def find_delivery(ctx: Context, receiver: int, after: datetime) -> Link | None:
    """The receiver's first DPRK port visit after `after`, else a gap or track end near DPRK."""
    p = ctx.params
    window = timedelta(days=p.max_delivery_days)
    visits = [
        e
        for e in ctx.of(receiver, "port_visit")
        if ctx.is_dprk(e.port) and after <= e.start <= after + window
    ]
    gaps = [
        g
        for g in ctx.of(receiver, "gap")
        if after - timedelta(hours=1) <= g.start <= after + window
        and not g.details.get("data_hole")  # the archive was silent, not the ship
    ]
    if visits:
        visit = min(visits, key=lambda e: e.start)
        dark = [g for g in gaps if g.end <= visit.start]
        why = f"visit to {visit.port} (DPRK port)"
        if dark:
            why += f" after going dark {len(dark)} time(s)"
        ids = [visit.event_id, *(g.event_id for g in dark)]
        return Link("delivery", 1.0, ids, why, at=visit.start, place=visit.port)
    for find in (_dark_gap, _dark_port_call):
        for gap in sorted(gaps, key=lambda g: g.start):
            link = find(ctx, gap)
            if link is not None:
                return link
    return _dark_track_end(ctx, receiver, after)


def _dark_port_call(ctx: Context, gap: Event) -> Link | None:
    """A gap during which the receiver could have called at a DPRK port (its feasible ports,
    docs/events.md), the port's role read from the ports the store holds."""
    calls = gap.details.get("feasible_ports")
    if not isinstance(calls, list):
        return None
    for call in calls:
        if not isinstance(call, dict) or not ctx.is_dprk(call.get("port")):
            continue
        hours = (gap.end - gap.start).total_seconds() / 3600
        port = str(call["port"])
        why = (
            f"possible dark port call at {port}: dark {hours:.0f} h, "
            f"{float(call.get('slack_h', 0)):.1f} h to spare at "
            f"{gap.details.get('speed_knots')} kn ({gap.details.get('speed_origin')})"
        )
        data = {
            "port": port,
            "window_start": call.get("window_start"),
            "window_end": call.get("window_end"),
            "slack_h": call.get("slack_h"),
            "gap_h": round(hours, 1),
        }
        return Link(
            "delivery",
            ctx.params.score_dark_port_call,
            [gap.event_id],
            why,
            at=gap.start,
            place="dark near DPRK",
            data=data,
        )
    return None


def _dark_gap(ctx: Context, gap: Event) -> Link | None:
    first, last = ctx.gap_ends.get(gap.event_id, (None, None))
    hours = (gap.end - gap.start).total_seconds() / 3600
    for point, at, where in ((last, gap.end, "reappeared"), (first, gap.start, "went dark")):
        near = ctx.near_dprk(point)
        if near is not None:
            why = f"dark {hours:.0f} h; {where} {near[1]} km from {near[0]} (DPRK)"
            data = {"near_port": near[0], "distance_km": near[1], "gap_h": round(hours, 1)}
            return Link(
                "delivery", 0.7, [gap.event_id], why, at=at, place="dark near DPRK", data=data
            )
    return None


def _dark_track_end(ctx: Context, receiver: int, after: datetime) -> Link | None:
    end = ctx.track_ends.get(receiver)
    if end is None or ctx.data_end is None or end[0] < after:
        return None
    silent_h = (ctx.data_end - end[0]).total_seconds() / 3600
    if silent_h < ctx.params.dark_min_h or end[0] - after > timedelta(
        days=ctx.params.max_delivery_days
    ):
        return None
    near = ctx.near_dprk((end[1], end[2]))
    if near is None:
        return None
    why = f"track ends {near[1]} km from {near[0]} (DPRK), silent {silent_h:.0f} h to data end"
    data = {"near_port": near[0], "distance_km": near[1], "silent_h": round(silent_h, 1)}
    return Link("delivery", 0.5, [], why, at=end[0], place="dark near DPRK", data=data)
