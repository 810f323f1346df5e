"""`oiltrail graph ENTITY_OR_VESSEL`: resolve what the user named, then walk to sanctions."""

from __future__ import annotations

import re
from typing import Any

from rigour.ids import IMO

from oiltrail.errors import NotFoundError
from oiltrail.graph.build import get_graph
from oiltrail.graph.risk import HOP_DECAY, describe, paths_to_sanctioned
from oiltrail.screen.index import get_index
from oiltrail.screen.match import Query, parse_query, screen_prepared, validate_query
from oiltrail.screen.watchlist import ensure_lists
from oiltrail.store import Store
from oiltrail.store.reads import latest_identity

GRAPH_COLUMNS = ("start", "start_id", "match_score", "hops", "sanctioned", "lists", "risk", "path")
_MMSI_RE = re.compile(r"^\d{9}$")


def _ais_vessel(store: Store, mmsi: str) -> dict[str, Any] | None:
    seen = latest_identity(store, int(mmsi))
    if seen is None:
        return None
    name, imo = seen
    return {"name": name, "imo": f"{imo:07d}" if imo else ""}


def resolve_start(store: Store, text: str, threshold: float = 0.7) -> list[tuple[str, float]]:
    """List entity ids the user means, each with the confidence it is that entity."""
    graph = get_graph(store)
    if text in graph.nodes:
        return [(text, 1.0)]
    query = parse_query(text)
    if _MMSI_RE.match(text.strip()):
        seen = _ais_vessel(store, text.strip())
        if seen is not None:
            imo = seen["imo"] if seen["imo"] and IMO.is_valid(seen["imo"]) else ""
            query = Query("1", seen["name"], imo, text.strip(), "Vessel")
    query = validate_query(query)
    hits = screen_prepared(get_index(store), query, 5, threshold, threshold)
    return [(h["entity_id"], float(h["score"])) for h in hits]


def graph_paths(store: Store, text: str, threshold: float = 0.7) -> list[dict[str, Any]]:
    """Paths from the entity or vessel named by `text` to sanctioned parties, nearest first.

    Args:
        store: the open store (the bundled watchlist is loaded when it has no list).
        text: an entity id, a name, `IMO1234567`, or an MMSI (looked up in the AIS store).
        threshold: the screening score needed to take a name for a listed entity.
    """
    ensure_lists(store)
    graph = get_graph(store)
    starts = resolve_start(store, text, threshold)
    if not starts:
        raise NotFoundError(f"nothing on the lists matches {text!r} (score ≥ {threshold})")
    rows: list[dict[str, Any]] = []
    for entity_id, score in starts:
        for path in paths_to_sanctioned(graph, entity_id):
            target = graph.nodes[path.target]
            rows.append(
                {
                    "start": graph.nodes[entity_id].caption,
                    "start_id": entity_id,
                    "match_score": round(score, 3),
                    "hops": path.hops,
                    "sanctioned": target.caption,
                    "lists": "; ".join(target.datasets),
                    "risk": round(score * HOP_DECAY**path.hops, 3),
                    "path": describe(graph, path),
                }
            )
    rows.sort(key=lambda r: (-r["risk"], r["hops"], r["sanctioned"]))
    return rows
