"""Screening hits for the ships of a chain, when lists are loaded."""

from __future__ import annotations

from typing import Any

import duckdb

from oiltrail.errors import OiltrailError
from oiltrail.store import Store

# Each flagged ship adds this much to a chain's risk (confidence carries the rest).
RISK_PER_FLAGGED_SHIP = 0.2
RISK_FROM_CONFIDENCE = 0.6


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
    return out, f"{len(out)} flagged vessel(s) in the store"


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
    keep = ("mmsi", "imo", "name", "entity_id", "score", "lists", "reasons", "risk", "path")
    return {k: row.get(k) for k in keep if row.get(k) is not None}
