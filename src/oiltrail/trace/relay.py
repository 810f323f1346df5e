"""Relay chains (docs/chains.md): oil passed on more than once, donor -> relay -> ... -> receiver.

A chain whose donor never loaded at a source port, but received at sea from another tanker
shortly before, continues that chain: the two (or more) transfers join into one relay chain,
each transfer with its own evidence, `relay_mmsi` the tankers in between, in order.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from oiltrail.trace.model import TraceParams
from oiltrail.trace.rows import chain_id

MAX_RELAYS = 4  # a longer run of hand-overs is not a pattern the public record shows


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _meeting(row: dict[str, Any]) -> tuple[datetime, datetime] | None:
    d = row["details"]
    if "encounter_start" not in d:
        return None
    return _t(d["encounter_start"]), _t(d["encounter_end"])


def _feeder(
    row: dict[str, Any], rows: list[dict[str, Any]], used: set[str], p: TraceParams
) -> dict[str, Any] | None:
    """The latest chain delivering to this chain's donor, its transfer ended before this one's."""
    here = _meeting(row)
    if here is None:
        return None
    best: dict[str, Any] | None = None
    for other in rows:
        there = _meeting(other)
        if (
            there is None
            or other is row
            or other["chain_id"] in used
            or other["receiver_mmsi"] != row["donor_mmsi"]
            or other["donor_mmsi"] == row["receiver_mmsi"]
            or not there[1] <= here[0] <= there[1] + timedelta(days=p.max_voyage_days)
        ):
            continue
        if best is None or there[1] > _meeting(best)[1]:  # type: ignore[index]
            best = other
    return best


def relay_chains(rows: list[dict[str, Any]], p: TraceParams) -> list[dict[str, Any]]:
    """Join chains into relay chains where a chain's donor had itself received at sea; the
    joined chains are replaced by the relay chain."""
    used: set[str] = set()
    out: list[dict[str, Any]] = []
    for row in sorted(rows, key=lambda r: r["details"].get("start") or "", reverse=True):
        if row["chain_id"] in used or row["details"]["links"].get("load") is not None:
            continue
        path = [row]
        while len(path) <= MAX_RELAYS and path[0]["details"]["links"].get("load") is None:
            feeder = _feeder(path[0], rows, used | {r["chain_id"] for r in path}, p)
            if feeder is None:
                break
            path.insert(0, feeder)
        if len(path) < 2:
            continue
        used.update(r["chain_id"] for r in path)
        out.append(_joined(path, p))
    kept = [r for r in rows if r["chain_id"] not in used]
    return sorted([*kept, *out], key=lambda r: (r["details"]["start"], r["chain_id"]))


def _joined(path: list[dict[str, Any]], p: TraceParams) -> dict[str, Any]:
    """One relay chain from chains in transfer order (first donor to last receiver)."""
    head, last = path[0], path[-1]
    load = head["details"]["links"].get("load")
    delivery = last["details"]["links"].get("delivery")
    transfers = [r["details"]["links"]["transfer"] for r in path]
    transfer_score = min(t["score"] for t in transfers if t) if all(transfers) else 0.0
    confidence = (
        p.weight_load * (load["score"] if load else 0.0)
        + p.weight_transfer * transfer_score
        + p.weight_delivery * (delivery["score"] if delivery else 0.0)
    )
    evidence: list[str] = []
    for r in path:
        for e in r["evidence"].split(";") if r["evidence"] else []:
            if e not in evidence:
                evidence.append(e)
    relays = [r["receiver_mmsi"] for r in path[:-1]]
    details = {
        **last["details"],
        "kind": "relay",
        "start": head["details"]["start"],
        "links": {"load": load, "transfers": transfers, "delivery": delivery},
        "missing": [k for k, v in (("load", load), ("delivery", delivery)) if v is None],
        "relays": relays,
        "chains_joined": [r["chain_id"] for r in path],
    }
    return {
        **last,
        "chain_id": chain_id("relay|" + "|".join(str(r["encounter_event_id"]) for r in path)),
        "source_port": head["source_port"],
        "load_start": head["load_start"],
        "donor_mmsi": head["donor_mmsi"],
        "confidence": round(confidence, 2),
        "evidence": ";".join(evidence),
        "relay_mmsi": ";".join(str(m) for m in relays),
        "details": details,
    }
