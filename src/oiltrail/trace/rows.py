"""One chain as a row: docs/exports.md columns plus details saying why each link was accepted."""

from __future__ import annotations

import hashlib
from typing import Any

from oiltrail.estimate.volume import VolumeEstimate
from oiltrail.records import Event
from oiltrail.trace.links import Context, Link


def chain_id(key: str) -> str:
    """Stable id: first 16 hex of sha256, like event ids, so a re-run gives the same ids.

    `key` is the encounter's event id, or `direct|<load visit id>` for a direct voyage.
    """
    return hashlib.sha256(f"chain|{key}".encode()).hexdigest()[:16]


def make_row(
    ctx: Context,
    *,
    key: str,
    donor: int,
    receiver: int,
    links: dict[str, Link | None],
    volume: VolumeEstimate | None,
    encounter: Event | None,
) -> dict[str, Any]:
    """The chain row; confidence is the weighted sum of the link scores (TraceParams weights)."""
    p = ctx.params
    weights = {"load": p.weight_load, "transfer": p.weight_transfer, "delivery": p.weight_delivery}
    confidence = 0.0
    for name, weight in weights.items():
        link = links.get(name)
        confidence += weight * (link.score if link is not None else 0.0)
    evidence: list[str] = []
    for found in links.values():
        for event_id in found.event_ids if found else []:
            if event_id not in evidence:
                evidence.append(event_id)
    load, delivery = links.get("load"), links.get("delivery")
    first = encounter.start if encounter else (load.at if load else None)
    details: dict[str, Any] = {
        "kind": ("dark_sts" if encounter.kind == "dark_rendezvous" else "sts")
        if encounter
        else "direct",
        "start": first.isoformat() if first else "",
        "links": {k: (v.as_dict() if v else None) for k, v in links.items()},
        "missing": [k for k, v in links.items() if v is None],
        "volume": volume.as_dict() if volume else {"basis": no_volume_reason(ctx, donor, receiver)},
    }
    if encounter is not None:
        details["encounter_start"] = encounter.start.isoformat()
        details["encounter_end"] = encounter.end.isoformat()
        details["encounter_position"] = [encounter.lat, encounter.lon]
    return {
        "chain_id": chain_id(key),
        "source_port": load.place if load else None,
        "load_start": load.at if load else None,
        "donor_mmsi": donor,
        "encounter_event_id": encounter.event_id if encounter else None,
        "receiver_mmsi": receiver,
        "destination": delivery.place if delivery else None,
        "arrival": delivery.at if delivery else None,
        "barrels_low": round(volume.barrels_low) if volume else None,
        "barrels_mid": round(volume.barrels_mid) if volume else None,
        "barrels_high": round(volume.barrels_high) if volume else None,
        "confidence": round(confidence, 2),
        "evidence": ";".join(evidence),
        "relay_mmsi": "",
        "details": details,
    }


def no_volume_reason(ctx: Context, donor: int, receiver: int) -> str:
    for mmsi in (receiver, donor):
        hull = ctx.hulls.get(mmsi)
        if hull is None or not hull.length_m or not hull.beam_m:
            return f"no volume: no hull dimensions (AIS type 5) for {mmsi}"
    return "no volume: no draught change reported on either ship"
