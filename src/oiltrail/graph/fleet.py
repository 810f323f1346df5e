"""Fleet screening and risk: every vessel seen in the AIS store (static reports) against the
lists, with the ownership paths that make it risky (in graph/, which reads screen/, so that
screen/ never imports graph/ back)."""

from __future__ import annotations

from typing import Any

import numpy as np

from oiltrail.errors import UsageError
from oiltrail.graph.build import Graph, get_graph
from oiltrail.graph.risk import vessel_risk
from oiltrail.screen.evidence import ship_type_category
from oiltrail.screen.index import ScreenIndex, get_index
from oiltrail.screen.match import Query, check_imo, screen_many_decided
from oiltrail.screen.watchlist import ensure_lists
from oiltrail.store import Store
from oiltrail.store.reads import identities

VESSEL_COLUMNS = ("mmsi", "imo", "name", "entity_id", "score", "lists", "reasons", "risk", "path")
DPRK_MID = "445"  # ITU maritime identification digits of DPR Korea
DPRK_MID_RISK = 0.5  # a DPRK-flagged MMSI is a lead, not a list hit
CHUNK_VESSELS = 256  # vessels screened together (each has one query per name × IMO)


def fleet_identities(store: Store) -> list[dict[str, Any]]:
    """One row per MMSI: its latest name and IMO, and every other name and IMO it used."""
    return identities(store)


def _valid_imo(imo: int | None) -> str:
    if not imo:
        return ""
    try:
        return check_imo(f"{imo:07d}")
    except UsageError:  # an AIS IMO field with a bad check digit is not evidence
        return ""


def _vessel_queries(vessel: dict[str, Any]) -> list[Query]:
    """One query per (name, IMO) the vessel used, all with its MMSI."""
    mmsi = f"{vessel['mmsi']:09d}"
    imos = [_valid_imo(i) for i in vessel.get("imos") or [vessel.get("imo")]] or [""]
    kind = ship_type_category(vessel.get("ship_type"))
    return [
        Query(mmsi, name or "", imo, mmsi, "Vessel", ship_type=kind)
        for name in vessel.get("names") or [vessel.get("name", "")]
        for imo in imos
    ]


_STATUS_RANK = {"match": 2, "possible": 1}


def _best_hit(hits: list[list[dict[str, Any]]]) -> dict[str, Any] | None:
    """The best hit: a match before a possible match, then the best score; the first one on
    a tie. Hits ruled out (status no) are not kept."""
    best: dict[str, Any] | None = None
    for rows in hits:
        for hit in rows:
            rank = (_STATUS_RANK.get(hit["status"], 0), hit["score"])
            if rank[0] and (best is None or rank > (_STATUS_RANK[best["status"]], best["score"])):
                best = hit
    return best


def screen_vessel(
    store: Store,
    vessel: dict[str, Any],
    threshold: float = 0.7,
    index: ScreenIndex | None = None,
    graph: Graph | None = None,
) -> dict[str, Any]:
    """Best list hit over all the vessel's names and IMO numbers, with its risk and path."""
    index = index if index is not None else get_index(store)
    hits = screen_many_decided(index, _vessel_queries(vessel), 1, threshold, threshold)
    return _vessel_row(store, vessel, _best_hit(hits), graph)


def _vessel_row(
    store: Store, vessel: dict[str, Any], best: dict[str, Any] | None, graph: Graph | None
) -> dict[str, Any]:
    mmsi = f"{vessel['mmsi']:09d}"
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
        "status": "",  # match | possible | "" (not a column)
    }
    if best is not None:
        row.update(
            entity_id=best["entity_id"],
            score=best["score"],
            lists=best["lists"],
            reasons=best["reasons"],
            status=best["status"],
        )
    if best is not None and best["match"]:  # a possible match carries no risk until settled
        risk, path = vessel_risk(store, best["entity_id"], best["score"], graph)
        row.update(risk=risk, path=path)
    if mmsi.startswith(DPRK_MID):
        note = "MMSI MID 445: DPRK flag"
        row["reasons"] = f"{row['reasons']}; {note}" if row["reasons"] else note
        row["risk"] = max(row["risk"], DPRK_MID_RISK)
    return row


def screen_fleet(store: Store, threshold: float = 0.7) -> list[dict[str, Any]]:
    """Every AIS vessel with its best list hit (empty when none), riskiest first.

    Vessels go in chunks: all names and IMO numbers of a chunk are scored in one kernel call."""
    ensure_lists(store)
    index, graph = get_index(store), get_graph(store)
    rows = []
    vessels = fleet_identities(store)
    for start in range(0, len(vessels), CHUNK_VESSELS):
        chunk = vessels[start : start + CHUNK_VESSELS]
        queries = [_vessel_queries(v) for v in chunk]
        hits = screen_many_decided(
            index, [q for qs in queries for q in qs], 1, threshold, threshold
        )
        ends = np.cumsum([len(qs) for qs in queries]).tolist()
        for vessel, qs, end in zip(chunk, queries, ends, strict=True):
            best = _best_hit(hits[end - len(qs) : end])
            rows.append(_vessel_row(store, vessel, best, graph))
    rows.sort(key=lambda r: (-r["risk"], -r["score"], r["mmsi"]))
    return rows


def flagged_vessels(store: Store, threshold: float = 0.7) -> list[dict[str, Any]]:
    """AIS vessels that match a list entry (docs/screening.md: the evidence that makes a
    match), or with a DPRK (MID 445) MMSI.

    Returns:
        Dicts with `mmsi, imo, name, entity_id, score, lists, reasons, risk, path`.
    """
    return [r for r in screen_fleet(store, threshold) if r["risk"] > 0]


def review_vessels(store: Store, threshold: float = 0.7) -> list[dict[str, Any]]:
    """AIS vessels with a possible match only: a name alike but not enough alone; each
    row's reasons say what would settle it (an IMO number, an MMSI, the flag)."""
    rows = [r for r in screen_fleet(store, threshold) if r["status"] == "possible"]
    return sorted(rows, key=lambda r: (-r["score"], r["mmsi"]))
