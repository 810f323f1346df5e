"""Fleet screening: every vessel seen in the AIS store (static reports) against the lists."""

from __future__ import annotations

from typing import Any

from oiltrail.graph.build import Graph, get_graph
from oiltrail.graph.risk import vessel_risk
from oiltrail.screen.index import ScreenIndex, get_index
from oiltrail.screen.match import Query, check_imo, screen_prepared
from oiltrail.screen.watchlist import ensure_lists
from oiltrail.store import Store

VESSEL_COLUMNS = ("mmsi", "imo", "name", "entity_id", "score", "lists", "reasons", "risk", "path")
DPRK_MID = "445"  # ITU maritime identification digits of DPR Korea
DPRK_MID_RISK = 0.5  # a DPRK-flagged MMSI is a lead, not a list hit


def fleet_identities(store: Store) -> list[dict[str, Any]]:
    """One row per MMSI: its latest name and IMO, and every other name and IMO it used."""
    rows = store.con.execute(
        """SELECT mmsi,
                  arg_max(name, ts) FILTER (WHERE name IS NOT NULL AND name <> ''),
                  arg_max(imo, ts) FILTER (WHERE imo IS NOT NULL AND imo > 0),
                  list(DISTINCT name) FILTER (WHERE name IS NOT NULL AND name <> ''),
                  list(DISTINCT imo) FILTER (WHERE imo IS NOT NULL AND imo > 0)
           FROM static_reports GROUP BY mmsi ORDER BY mmsi"""
    ).fetchall()
    return [
        {
            "mmsi": int(r[0]),
            "name": r[1] or "",
            "imo": int(r[2]) if r[2] else None,
            "names": sorted(r[3] or []),
            "imos": sorted(r[4] or []),
        }
        for r in rows
    ]


def _valid_imo(imo: int | None) -> str:
    if not imo:
        return ""
    try:
        return check_imo(f"{imo:07d}")
    except Exception:  # an AIS IMO field with a bad check digit is not evidence
        return ""


def screen_vessel(
    store: Store,
    vessel: dict[str, Any],
    threshold: float = 0.7,
    index: ScreenIndex | None = None,
    graph: Graph | None = None,
) -> dict[str, Any]:
    """Best list hit over all the vessel's names and IMO numbers, with its risk and path."""
    index = index if index is not None else get_index(store)
    mmsi = f"{vessel['mmsi']:09d}"
    best: dict[str, Any] | None = None
    imos = [_valid_imo(i) for i in vessel.get("imos") or [vessel.get("imo")]] or [""]
    for name in vessel.get("names") or [vessel.get("name", "")]:
        for imo in imos:
            query = Query(mmsi, name or "", imo, mmsi, "Vessel")
            for hit in screen_prepared(index, query, 1, threshold, threshold):
                if best is None or hit["score"] > best["score"]:
                    best = hit
    row: dict[str, Any] = {
        "mmsi": vessel["mmsi"],
        "imo": vessel.get("imo"),
        "name": vessel.get("name", ""),
        "entity_id": "",
        "score": 0.0,
        "lists": "",
        "reasons": "",
        "risk": 0.0,
        "path": "",
    }
    if best is not None:
        risk, path = vessel_risk(store, best["entity_id"], best["score"], graph)
        row.update(
            entity_id=best["entity_id"],
            score=best["score"],
            lists=best["lists"],
            reasons=best["reasons"],
            risk=risk,
            path=path,
        )
    if mmsi.startswith(DPRK_MID):
        note = "MMSI MID 445: DPRK flag"
        row["reasons"] = f"{row['reasons']}; {note}" if row["reasons"] else note
        row["risk"] = max(row["risk"], DPRK_MID_RISK)
    return row


def screen_fleet(store: Store, threshold: float = 0.7) -> list[dict[str, Any]]:
    """Every AIS vessel with its best list hit (empty when none), riskiest first."""
    ensure_lists(store)
    index, graph = get_index(store), get_graph(store)
    rows = [screen_vessel(store, v, threshold, index, graph) for v in fleet_identities(store)]
    rows.sort(key=lambda r: (-r["risk"], -r["score"], r["mmsi"]))
    return rows


def flagged_vessels(store: Store, threshold: float = 0.7) -> list[dict[str, Any]]:
    """AIS vessels with a list hit at or above `threshold`, or a DPRK (MID 445) MMSI.

    Returns:
        Dicts with `mmsi, imo, name, entity_id, score, lists, reasons, risk, path`.
    """
    return [r for r in screen_fleet(store, threshold) if r["risk"] > 0]
