"""Volumes from delivery counts: deliveries × hull cargo capacity × laden fraction.

DPRK tankers rarely update their draught in AIS, so the UN Panel of Experts and the 2019 US
advisory estimate volumes the other way: count the deliveries (a DPRK tanker's port call or
dark port call after a transfer or a loading), take each hull's cargo capacity and multiply by
a laden fraction. The scenarios are 60 %, 90 % and 100 % laden. Every figure carries its
method and assumptions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from oiltrail.record import PublicRecord, PublishedEstimate

LADEN_SCENARIOS: tuple[float, ...] = (0.6, 0.9, 1.0)
# The mean cargo per delivery implied by the 2019 US advisory's own figures: 3,780,000 bbl
# "if fully laden" over 263 deliveries in 2018 (reported_deliveries.csv line 40), about
# 14,373 bbl, i.e. about 1,930 t of diesel at 7.46 bbl/t. Used when a hull's own capacity is
# not known; a count of deliveries by known hulls should pass their capacities instead.
ADVISORY_BARRELS = 3_780_000
ADVISORY_DELIVERIES = 263
MEAN_DELIVERY_CAPACITY_BARRELS = ADVISORY_BARRELS / ADVISORY_DELIVERIES
CAPACITY_SOURCE = (
    "mean cargo per delivery implied by the 2019 US advisory (3,780,000 bbl / 263 deliveries "
    "in 2018, fully laden; oiltrail/data/reported_deliveries.csv line 40)"
)


@dataclass(frozen=True)
class DeliveryEstimate:
    deliveries: int
    capacity_barrels: float  # total over the deliveries, fully laden
    scenarios: dict[float, float]  # laden fraction -> barrels
    method: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "deliveries": self.deliveries,
            "capacity_barrels": round(self.capacity_barrels),
            **{f"barrels_{round(f * 100)}pct_laden": round(v) for f, v in self.scenarios.items()},
            "method": self.method,
        }


def delivery_volume(
    deliveries: int | Sequence[float],
    capacity_barrels: float | None = None,
    laden: Sequence[float] = LADEN_SCENARIOS,
) -> DeliveryEstimate:
    """Barrels per laden scenario for a count of deliveries (or each delivery's hull capacity).

    Args:
        deliveries: how many deliveries, or one cargo capacity in barrels per delivery.
        capacity_barrels: one hull's capacity for every delivery of a plain count (default:
            `MEAN_DELIVERY_CAPACITY_BARRELS`, stated in the method).
        laden: the laden fractions (0 < f <= 1).
    """
    if any(not 0 < f <= 1 for f in laden):
        raise ValueError(f"laden fractions must be in (0, 1]: {list(laden)}")
    if isinstance(deliveries, int):
        if deliveries < 0:
            raise ValueError(f"a count of deliveries cannot be negative: {deliveries}")
        per = MEAN_DELIVERY_CAPACITY_BARRELS if capacity_barrels is None else capacity_barrels
        count, total = deliveries, deliveries * per
        basis = f"{deliveries} deliveries × {per:,.0f} bbl per hull" + (
            f" ({CAPACITY_SOURCE})" if capacity_barrels is None else ""
        )
    else:
        caps = [float(c) for c in deliveries]
        if any(c < 0 for c in caps):
            raise ValueError("a hull capacity cannot be negative")
        count, total = len(caps), sum(caps)
        basis = f"{count} deliveries, each at its own hull's capacity ({total:,.0f} bbl in all)"
    scenarios = {f: total * f for f in laden}
    pct = ", ".join(f"{round(f * 100)} %" for f in laden)
    return DeliveryEstimate(count, total, scenarios, f"{basis} × laden fraction ({pct})")


def published_counts(record: PublicRecord) -> list[dict[str, Any]]:
    """Each published estimate that gives a delivery count, re-estimated by this method."""
    out = []
    for e in record.estimates:
        if e.deliveries:
            out.append(_beside(e))
    return out


def _beside(e: PublishedEstimate) -> dict[str, Any]:
    est = delivery_volume(e.deliveries or 0)
    return {
        "by": e.by,
        "period": e.period,
        "published": e.amount(),
        "source": str(e.cite),
        **est.as_dict(),
    }
