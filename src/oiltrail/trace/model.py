"""Data the tracer works on: draught histories and its parameters (events and ports are the
shared records of oiltrail.records)."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True)
class TraceParams:
    """Windows and thresholds for linking events into delivery chains."""

    # A tanker from the Russian Far East reaches the East China Sea in 3-6 days; allow slack.
    max_voyage_days: float = 20.0
    # A receiver that met a donor reaches Nampo within days (UN PoE S/2019/171 cases: 1-4 days).
    max_delivery_days: float = 10.0
    # AIS draught comes in 0.1 m steps; 0.3 m (three steps) is a real change, not rounding.
    min_draught_change_m: float = 0.3
    # Draught is often updated some hours after an operation ends (bounded by the next
    # port visit, encounter or gap of the same ship).
    draught_settle_h: float = 6.0
    # Look this far back for the draught before an operation.
    draught_lookback_h: float = 72.0
    # A gap ends "near DPRK" within this distance of a DPRK port or coast point (trace/dprk.py):
    # the 12 nm territorial sea plus about 20 nm for a ship that reappears on its way out.
    near_dprk_km: float = 60.0
    # Silence at the end of the data counts as going dark (gap threshold, docs/events.md: 12 h).
    dark_min_h: float = 12.0
    # Which ports load oil and which are DPRK ports is each port's `role` in the ports table
    # detect used (oiltrail.reference.ports), read from the store.
    # A dark rendezvous (docs/events.md) across which one ship's draught fell and the other's
    # rose is a transfer, scored below a seen encounter with the same draughts (1.0) and one
    # with only one side's draught moving (0.7): the two were never seen side by side, only
    # going dark and reappearing near each other (the UN Panel of Experts' "dark STS" pattern).
    score_dark_transfer: float = 0.6
    # A receiver's gap whose feasible ports include a DPRK port is a possible dark port call,
    # scored below a gap ending near DPRK (0.7): it could have gone there, nothing shows it did.
    score_dark_port_call: float = 0.5
    # Chains keep to tankers (docs/chains.md): an encounter or dark rendezvous is a candidate
    # when every vessel in it is of these types (`unknown`: never reported one, as DPRK
    # tankers often do not). Empty: any type.
    ship_types: tuple[str, ...] = ("tanker", "unknown")
    # Link weights of the chain confidence: load, transfer, delivery.
    weight_load: float = 0.3
    weight_transfer: float = 0.4
    weight_delivery: float = 0.3

    @property
    def settle(self) -> timedelta:
        return timedelta(hours=self.draught_settle_h)

    @property
    def lookback(self) -> timedelta:
        return timedelta(hours=self.draught_lookback_h)


@dataclass
class Hull:
    """A vessel's reported dimensions and draught history (static reports, sorted by time)."""

    length_m: float | None = None
    beam_m: float | None = None
    times: list[datetime] = field(default_factory=list)
    draughts_m: list[float] = field(default_factory=list)

    def draught_at(self, t: datetime, lookback: timedelta) -> float | None:
        """The last draught reported at or before `t`, if not older than `lookback`."""
        i = bisect.bisect_right(self.times, t) - 1
        if i < 0 or t - self.times[i] > lookback:
            return None
        return self.draughts_m[i]

    def draught_after(self, t_from: datetime, t_to: datetime) -> float | None:
        """The last draught reported in (t_from, t_to]: the value once the operation settled."""
        i = bisect.bisect_right(self.times, t_to) - 1
        if i < 0 or self.times[i] <= t_from:
            return None
        return self.draughts_m[i]

    def change(
        self, start: datetime, end: datetime, until: datetime, lookback: timedelta
    ) -> tuple[float, float, float] | None:
        """(before, after, after - before) across an operation from `start` to `end`.

        `until` bounds the settle window (the next operation of the same ship).
        """
        before = self.draught_at(start, lookback)
        after = self.draught_after(start, max(until, end))
        if before is None or after is None:
            return None
        return before, after, round(after - before, 2)
