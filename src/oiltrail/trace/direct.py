"""Direct voyages: a tanker loads at a source port and itself reaches DPRK, with no STS.

This is the pattern of 2024 (Open Source Centre: 43 DPRK tanker voyages loading at Vostochny).
The "transfer" link is then the tanker's own discharge at the DPRK port (draught falling there).
"""

from __future__ import annotations

from typing import Any

from oiltrail.estimate.volume import estimate_cargo
from oiltrail.trace.links import Context, Link, find_delivery, load_link
from oiltrail.trace.rows import make_row

# Scores of the discharge link: draught seen falling at the DPRK port, or not reported.
DISCHARGE_SEEN = 1.0
DISCHARGE_UNSEEN = 0.5


def direct_chains(ctx: Context) -> list[dict[str, Any]]:
    """One chain per source-port visit with a draught rise followed by the same ship's DPRK
    arrival, when the ship met no other ship in between (that is an STS chain)."""
    rows = []
    for visit in ctx.events:
        if visit.kind != "port_visit" or not ctx.is_source(visit.port):
            continue
        load = load_link(ctx, visit.mmsi, visit, visit.end)
        if load.score < 1.0:
            continue  # no draught rise: nothing says it loaded
        delivery = find_delivery(ctx, visit.mmsi, visit.end)
        if delivery is None or delivery.at is None:
            continue
        met = [e for e in ctx.of(visit.mmsi, "encounter") if visit.end <= e.start <= delivery.at]
        if met:
            continue
        discharge = _discharge(ctx, visit.mmsi, delivery)
        hull = ctx.hulls.get(visit.mmsi)
        volume = None
        if hull is not None and hull.length_m and hull.beam_m:
            basis = f"{visit.mmsi} loaded {load.data['delta_m']:+.1f} m at {visit.port}"
            volume = estimate_cargo(hull.length_m, hull.beam_m, load.data["delta_m"], basis)
        rows.append(
            make_row(
                ctx,
                key=f"direct|{visit.event_id}",
                donor=visit.mmsi,
                receiver=visit.mmsi,
                links={"load": load, "transfer": discharge, "delivery": delivery},
                volume=volume,
                encounter=None,
            )
        )
    return rows


def _discharge(ctx: Context, mmsi: int, delivery: Link) -> Link:
    """The ship's own draught at the DPRK port visit: falling there is the discharge."""
    visit = next((e for e in ctx.of(mmsi, "port_visit") if e.event_id in delivery.event_ids), None)
    if visit is None:
        return Link("transfer", DISCHARGE_UNSEEN, [], "direct voyage, no STS; went dark")
    change = ctx.draught_change(mmsi, visit.start, visit.end)
    ids = ctx.draught_events(mmsi, visit.start, visit.end)
    if change is not None and change[2] <= -ctx.params.min_draught_change_m:
        why = f"direct voyage, no STS; draught fell {change[0]} → {change[1]} m at {visit.port}"
        return Link("transfer", DISCHARGE_SEEN, ids, why, data={"delta_m": change[2]})
    return Link("transfer", DISCHARGE_UNSEEN, ids, "direct voyage, no STS; no discharge reported")
