"""Screening hits for the ships of a chain, when lists are loaded."""

from __future__ import annotations

from typing import Any

import duckdb

from oiltrail.errors import OiltrailError
from oiltrail.records import chain_vessels
from oiltrail.store import Store

DPRK_MID = "445"  # ITU maritime identification digits of DPR Korea (as graph.fleet)

# Each flagged ship adds this much to a chain's risk (confidence carries the rest).
RISK_PER_FLAGGED_SHIP = 0.2
RISK_FROM_CONFIDENCE = 0.6

# What a flagged ship is (docs/screening.md). Only LISTED may be called listed or sanctioned:
# a list entry matches it. The others are risk reasons, never a list hit.
LISTED = "listed"  # a list entry matches (IMO, MMSI, or the name by the rules)
POSSIBLE = "possible match"  # a name alike, not a match until settled
DPRK_FLAG = "DPRK-flagged"  # MMSI MID 445, no list hit
OTHER = "flagged"  # a risk with no basis given


def flagged_by_mmsi(store: Store) -> tuple[dict[int, dict[str, Any]], str]:
    """Flagged vessels by MMSI, and a one-line note on what screening could be done."""
    from oiltrail.graph.fleet import flagged_vessels  # late: screening's imports are heavy

    try:
        rows = list(flagged_vessels(store))
    except (OiltrailError, duckdb.Error) as exc:
        detail = getattr(exc, "detail", None) or str(exc).splitlines()[0]
        return {}, f"screening skipped: {detail}"
    out: dict[int, dict[str, Any]] = {}
    for row in rows:
        try:
            mmsi = int(row["mmsi"])
        except (KeyError, TypeError, ValueError):
            continue  # a hit without an MMSI cannot be tied to a track
        best = out.get(mmsi)
        if best is None or float(row.get("score") or 0) > float(best.get("score") or 0):
            out[mmsi] = _hit(row)
    if not rows:
        return out, "no vessel flagged (no list hits, or no list loaded)"
    listed = sum(1 for hit in out.values() if standing(hit) == LISTED)
    return out, (
        f"{len(out)} flagged vessel(s) in the store "
        f"({listed} match a list entry, {len(out) - listed} on risk reasons only)"
    )


def chain_hits(row: dict[str, Any], flagged: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """The flagged ships of a chain (`chain_vessels`: donor, relays, receiver), each hit with
    its `role` in the chain; what each is (listed or a risk reason) is `standing`'s to say."""
    return [{**flagged[m], "role": role} for m, role in chain_vessels(row) if m in flagged]


def standing(hit: dict[str, Any]) -> str:
    """What a flagged ship's hit is: LISTED only when a list entry matches it (its screening
    status is `match`; a hit without one: its first reason says `match:`), else POSSIBLE,
    DPRK_FLAG (MMSI MID 445) or OTHER."""
    status = hit.get("status")
    reasons = str(hit.get("reasons") or "")
    if status is None:
        status = "match" if reasons.startswith("match:") else ""
        status = "possible" if reasons.startswith("possible match:") else status
    if status == "match":
        return LISTED
    if status == "possible":
        return POSSIBLE
    return DPRK_FLAG if dprk_flagged(hit) else OTHER


def dprk_flagged(hit: dict[str, Any]) -> bool:
    """The hit's MMSI has the DPRK MID (445): a risk reason, not a list hit."""
    return str(hit.get("mmsi") or "").zfill(9).startswith(DPRK_MID)


def settle_text(hit: dict[str, Any]) -> str:
    """What would settle a possible match, from its reasons ('' when they do not say)."""
    parts = str(hit.get("reasons") or "").split("; ")
    for i, part in enumerate(parts):
        if part.startswith("would settle it"):
            more = [p for p in parts[i + 1 : i + 2] if p.startswith("the MMSI says")]
            return "; ".join([part, *more])
    return ""


def chain_risk(confidence: float, flagged: list[dict[str, Any]]) -> float:
    """Risk in [0, 1]: the chain's confidence, raised by each flagged ship's own risk."""
    raised = sum(_ship_risk(hit) for hit in flagged)
    risk = RISK_FROM_CONFIDENCE * confidence + RISK_PER_FLAGGED_SHIP * raised
    return round(min(1.0, risk), 2)


def _ship_risk(hit: dict[str, Any]) -> float:
    for key in ("risk", "score"):
        try:
            return min(1.0, max(0.0, float(hit[key])))
        except (KeyError, TypeError, ValueError):
            continue
    return 1.0  # listed, with no score given


def _hit(row: dict[str, Any]) -> dict[str, Any]:
    keep = (
        "mmsi",
        "imo",
        "name",
        "entity_id",
        "score",
        "lists",
        "reasons",
        "risk",
        "path",
        "status",
    )
    return {k: row.get(k) for k in keep if row.get(k) is not None}
