"""A vessel's dossier (`oiltrail vessel`, `GET /vessels/{mmsi}`; docs/serve.md): identities over
time, its track's extent, events, list hits with reasons, ownership paths, chains, public links.

Reads only: every query is parameterised, and a read-only store is enough (its lists must be
loaded; the bundled watchlist is loaded into a writable one).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from oiltrail.ais.schema import EVENT_COLUMNS
from oiltrail.errors import NotFoundError, UsageError
from oiltrail.graph.build import get_graph
from oiltrail.graph.fleet import _best_hit, _vessel_queries, _vessel_row
from oiltrail.graph.query import graph_paths
from oiltrail.records import DossierIdentity, iso_utc
from oiltrail.screen.index import get_index
from oiltrail.screen.match import SCREEN_COLUMNS, screen_many_decided
from oiltrail.screen.watchlist import ensure_lists
from oiltrail.store import Store
from oiltrail.store.chains import CHAIN_COLUMNS, read_chains

DOSSIER_SECTIONS = ("identities", "track", "events", "screening", "paths", "chains", "links")
SEARCH_COLUMNS = ("mmsi", "imo", "name", "names", "imos", "first", "last")
_MMSI = re.compile(r"^\s*(\d{9})\s*$")
_IMO = re.compile(r"^\s*(?:IMO[\s:#-]*)?(\d{7})\s*$", re.IGNORECASE)
MAX_QUERY_CHARS = 200


def _like(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, its own % and _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_vessels(
    store: Store, q: str = "", limit: int = 50, offset: int = 0
) -> tuple[int, list[dict[str, Any]]]:
    """Vessels whose MMSI, IMO or any name (any case) contains `q` (all when empty): the total
    and one page of rows (`SEARCH_COLUMNS`), by MMSI."""
    q = q.strip()
    if len(q) > MAX_QUERY_CHARS:
        raise UsageError(f"query is {len(q)} characters: at most {MAX_QUERY_CHARS}")
    where, params = "", []
    if q:
        where = """WHERE CAST(mmsi AS VARCHAR) LIKE ? ESCAPE '\\'
                      OR CAST(imo AS VARCHAR) LIKE ? ESCAPE '\\'
                      OR name ILIKE ? ESCAPE '\\'"""
        pattern = _like(q.upper().removeprefix("IMO").strip() if _IMO.match(q) else q)
        params = [pattern, pattern, pattern]
    base = f"""SELECT mmsi,
                   arg_max(name, ts) FILTER (WHERE name IS NOT NULL AND name <> '') AS name,
                   arg_max(imo, ts) FILTER (WHERE imo IS NOT NULL AND imo > 0) AS imo,
                   list(DISTINCT name) FILTER (WHERE name IS NOT NULL AND name <> '') AS names,
                   list(DISTINCT imo) FILTER (WHERE imo IS NOT NULL AND imo > 0) AS imos,
                   min(ts) AS first, max(ts) AS last
            FROM static_reports WHERE mmsi IN (SELECT mmsi FROM static_reports {where})
            GROUP BY mmsi"""
    total_row = store.con.execute(f"SELECT count(*) FROM ({base})", params).fetchone()
    total = int(total_row[0]) if total_row else 0
    cur = store.con.execute(f"{base} ORDER BY mmsi LIMIT ? OFFSET ?", [*params, limit, offset])
    rows = [
        {
            "mmsi": int(r[0]),
            "imo": int(r[2]) if r[2] else None,
            "name": r[1] or "",
            "names": sorted(r[3] or []),
            "imos": sorted(int(i) for i in r[4] or []),
            "first": iso_utc(r[5]),
            "last": iso_utc(r[6]),
        }
        for r in cur.fetchall()
    ]
    return total, rows


def resolve_vessel(store: Store, text: str) -> int:
    """The MMSI that `text` (an MMSI, IMO1234567 or 7 digits, or a name) names in the store.

    A name or IMO several vessels used is refused with their MMSIs (give one of them)."""
    if m := _MMSI.match(text):
        mmsi = int(m.group(1))
        seen = store.con.execute(
            "SELECT 1 FROM static_reports WHERE mmsi = ? UNION ALL "
            "SELECT 1 FROM positions WHERE mmsi = ? LIMIT 1",
            [mmsi, mmsi],
        ).fetchone()
        if seen is None:
            raise NotFoundError(f"MMSI {mmsi} is not in the store")
        return mmsi
    params: list[Any]
    if m := _IMO.match(text):
        sql, params, what = "imo = ?", [int(m.group(1))], f"IMO {m.group(1)}"
    else:
        if not text.strip() or len(text) > MAX_QUERY_CHARS:
            raise UsageError("give an MMSI (9 digits), an IMO number (IMO1234567) or a name")
        sql, params, what = "upper(name) = upper(?)", [text.strip()], f"name {text.strip()!r}"
    found = [
        int(r[0])
        for r in store.con.execute(
            f"SELECT DISTINCT mmsi FROM static_reports WHERE {sql} ORDER BY mmsi", params
        ).fetchall()
    ]
    if not found:
        raise NotFoundError(f"no vessel with {what} in the store (search: `oiltrail vessels`)")
    if len(found) > 1:
        listed = ", ".join(str(m) for m in found[:10])
        raise UsageError(f"{what} was used by {len(found)} vessels (MMSI {listed}): give one MMSI")
    return found[0]


def identities(store: Store, mmsi: int) -> list[dict[str, Any]]:
    """Each identity (IMO, name, call sign, ship type) the vessel broadcast, first seen first."""
    cur = store.con.execute(
        """SELECT mmsi, imo, name, callsign, ship_type, min(ts), max(ts), count(*)
           FROM static_reports WHERE mmsi = ?
           GROUP BY mmsi, imo, name, callsign, ship_type ORDER BY min(ts), name""",
        [mmsi],
    )
    return [
        DossierIdentity(
            mmsi=int(r[0]),
            imo=int(r[1]) if r[1] else None,
            name=r[2],
            callsign=r[3],
            ship_type=None if r[4] is None else int(r[4]),
            first=r[5],
            last=r[6],
            reports=int(r[7]),
        ).as_row()
        for r in cur.fetchall()
    ]


def track_extent(store: Store, mmsi: int) -> dict[str, Any]:
    row = store.con.execute(
        """SELECT count(*), min(ts), max(ts), min(lat), max(lat), min(lon), max(lon)
           FROM positions WHERE mmsi = ?""",
        [mmsi],
    ).fetchone()
    assert row is not None
    return {
        "positions": int(row[0]),
        "first": iso_utc(row[1]),
        "last": iso_utc(row[2]),
        "bbox": None if not row[0] else [row[5], row[3], row[6], row[4]],
    }


def vessel_events(store: Store, mmsi: int) -> list[dict[str, Any]]:
    """Events of the vessel, as one of its parties or the other, by start."""
    cur = store.con.execute(
        f"""SELECT {", ".join(f'"{c}"' for c in EVENT_COLUMNS)} FROM events
            WHERE mmsi = ? OR other_mmsi = ? ORDER BY start, kind, event_id""",
        [mmsi, mmsi],
    )
    return [event_row(r) for r in cur.fetchall()]


def event_row(record: Sequence[Any]) -> dict[str, Any]:
    """A stored event row (the export columns' order) JSON-ready: ISO times, details parsed."""
    row = dict(zip(EVENT_COLUMNS, record, strict=True))
    row["start"], row["end"] = iso_utc(row["start"]), iso_utc(row["end"])
    row["details"] = json.loads(row["details"]) if row["details"] else {}
    return row


def vessel_chains(store: Store, mmsi: int) -> list[dict[str, Any]]:
    """Stored chains the vessel is a donor, receiver or relay of (`trace` writes them)."""
    out = []
    for c in read_chains(store) or []:
        relays = str(c.get("details", {}).get("relay_mmsi", "") or "")
        if mmsi in (c["donor_mmsi"], c["receiver_mmsi"]) or str(mmsi) in relays.split(";"):
            row = {k: c[k] for k in CHAIN_COLUMNS}
            row["load_start"], row["arrival"] = iso_utc(row["load_start"]), iso_utc(row["arrival"])
            out.append(row)
    return out


def screening(
    store: Store, mmsi: int, threshold: float = 0.7
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The vessel's list hits over every name and IMO it used (best per entity, best first),
    and the fleet row of its best hit (risk, path)."""
    rows = store.con.execute(
        """SELECT list(DISTINCT name) FILTER (WHERE name IS NOT NULL AND name <> ''),
                  list(DISTINCT imo) FILTER (WHERE imo IS NOT NULL AND imo > 0),
                  arg_max(name, ts) FILTER (WHERE name IS NOT NULL AND name <> ''),
                  arg_max(imo, ts) FILTER (WHERE imo IS NOT NULL AND imo > 0)
           FROM static_reports WHERE mmsi = ?""",
        [mmsi],
    ).fetchone()
    assert rows is not None
    vessel = {
        "mmsi": mmsi,
        "names": sorted(rows[0] or []),
        "imos": sorted(rows[1] or []),
        "name": rows[2] or "",
        "imo": int(rows[3]) if rows[3] else None,
    }
    index = get_index(store)
    hits = screen_many_decided(index, _vessel_queries(vessel), 5, 0.5, threshold)
    best: dict[str, dict[str, Any]] = {}
    for query_hits in hits:
        for h in ({c: d[c] for c in SCREEN_COLUMNS} for d in query_hits):
            if h["entity_id"] not in best or best[h["entity_id"]]["score"] < h["score"]:
                best[h["entity_id"]] = h
    ranked = sorted(best.values(), key=lambda h: (-h["score"], h["entity_id"]))
    fleet_row = _vessel_row(store, vessel, _best_hit(hits), get_graph(store))
    return fleet_row, ranked


def dossier(store: Store, text: str) -> dict[str, Any]:
    """The dossier of the vessel `text` names (see `resolve_vessel`)."""
    from oiltrail.network import links_for
    from oiltrail.record import bundled_record

    ensure_lists(store)
    mmsi = resolve_vessel(store, text)
    ids = identities(store, mmsi)
    fleet_row, hits = screening(store, mmsi)
    paths: list[dict[str, Any]] = []
    if fleet_row["entity_id"] and fleet_row["status"] == "match":  # not a possible match
        paths = graph_paths(store, fleet_row["entity_id"])
    record = bundled_record()
    names = sorted({str(i["name"]) for i in ids if i["name"]})
    links: list[dict[str, Any]] = []
    for name in names:
        links += [x for x in links_for(record, name) if x not in links]
    return {
        "mmsi": mmsi,
        "name": fleet_row["name"],
        "imo": fleet_row["imo"],
        "risk": fleet_row["risk"],
        "risk_path": fleet_row["path"],
        "risk_reasons": fleet_row["reasons"],
        "simulated": store.simulated,
        "identities": ids,
        "track": track_extent(store, mmsi),
        "events": vessel_events(store, mmsi),
        "screening": hits,
        "paths": paths,
        "chains": vessel_chains(store, mmsi),
        "links": links,
    }


def print_dossier(found: dict[str, Any]) -> None:
    """The dossier as tables, section by section (`oiltrail vessel`)."""
    from oiltrail.render import console, emit

    head = f"{found['name'] or '(no name)'} — MMSI {found['mmsi']}"
    if found["imo"]:
        head += f", IMO {found['imo']}"
    console.print(head, highlight=False, markup=False)
    console.print(
        f"risk {found['risk']:.2f}: {found['risk_path'] or found['risk_reasons'] or 'no list hit'}",
        highlight=False,
        markup=False,
    )
    if found["simulated"]:
        console.print("[bold red]SIMULATED DATA[/bold red]: not real ships")
    track = found["track"]
    console.print(
        f"track: {track['positions']} positions, {track['first']} .. {track['last']}",
        highlight=False,
    )
    emit(found["identities"], DossierIdentity.COLUMNS, "table", title="identities")
    events = [{**e, "details": ""} for e in found["events"]]
    emit(events, [c for c in EVENT_COLUMNS if c != "details"], "table", title="events")
    hit_cols = ("entity_id", "name", "schema", "score", "match", "lists", "reasons")
    emit(found["screening"], hit_cols, "table", title="list hits")
    if found["paths"]:
        emit(
            found["paths"],
            ("hops", "sanctioned", "lists", "risk", "path"),
            "table",
            title="ownership paths",
        )
    if found["chains"]:
        cols = (
            "chain_id",
            "source_port",
            "load_start",
            "donor_mmsi",
            "receiver_mmsi",
            "destination",
            "arrival",
            "barrels_mid",
            "confidence",
        )
        emit(found["chains"], cols, "table", title="chains")
    for link in found["links"]:
        console.print(
            f"link: {link.get('stage')}: {link.get('from')} -> {link.get('to')} "
            f"({link.get('role')}) — {link.get('source')}",
            highlight=False,
            markup=False,
        )
