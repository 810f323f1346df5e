"""Read queries of the dossier and the HTTP API (docs/serve.md): vessel search, identities,
events by filter, track extents and thinned tracks, list entities' properties, anchorages.

Every value from a request is a bound parameter; column and table names are this module's own.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from oiltrail.ais.schema import EVENT_COLUMNS
from oiltrail.records import DossierIdentity, iso_utc
from oiltrail.store.catalog import Store
from oiltrail.store.reads import has_table

SEARCH_COLUMNS = ("mmsi", "imo", "name", "names", "imos", "first", "last")
_EVENT_SELECT = ", ".join(f'"{c}"' for c in EVENT_COLUMNS)


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, its own % _ and \\ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_vessels(
    store: Store, pattern: str | None, limit: int, offset: int
) -> tuple[int, list[dict[str, Any]]]:
    """Vessels whose MMSI, IMO or a name matches the LIKE `pattern` (all when None)."""
    where, params = "", []
    if pattern is not None:
        where = """WHERE CAST(mmsi AS VARCHAR) LIKE ? ESCAPE '\\'
                      OR CAST(imo AS VARCHAR) LIKE ? ESCAPE '\\'
                      OR name ILIKE ? ESCAPE '\\'"""
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
    return (int(total_row[0]) if total_row else 0), rows


def mmsi_seen(store: Store, mmsi: int) -> bool:
    seen = store.con.execute(
        "SELECT 1 FROM static_reports WHERE mmsi = ? UNION ALL "
        "SELECT 1 FROM positions WHERE mmsi = ? LIMIT 1",
        [mmsi, mmsi],
    ).fetchone()
    return seen is not None


def mmsis_with(store: Store, imo: int | None = None, name: str | None = None) -> list[int]:
    """MMSIs whose static reports carry this IMO number, or this name (any case)."""
    params: list[Any]
    if imo is not None:
        sql, params = "imo = ?", [imo]
    else:
        sql, params = "upper(name) = upper(?)", [name or ""]
    cur = store.con.execute(
        f"SELECT DISTINCT mmsi FROM static_reports WHERE {sql} ORDER BY mmsi", params
    )
    return [int(r[0]) for r in cur.fetchall()]


def vessel_identities(store: Store, mmsi: int) -> list[dict[str, Any]]:
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


def vessel_names_imos(store: Store, mmsi: int) -> dict[str, Any]:
    """The vessel's names and IMO numbers, and its latest of each (for screening)."""
    row = store.con.execute(
        """SELECT list(DISTINCT name) FILTER (WHERE name IS NOT NULL AND name <> ''),
                  list(DISTINCT imo) FILTER (WHERE imo IS NOT NULL AND imo > 0),
                  arg_max(name, ts) FILTER (WHERE name IS NOT NULL AND name <> ''),
                  arg_max(imo, ts) FILTER (WHERE imo IS NOT NULL AND imo > 0)
           FROM static_reports WHERE mmsi = ?""",
        [mmsi],
    ).fetchone()
    assert row is not None
    return {
        "mmsi": mmsi,
        "names": sorted(row[0] or []),
        "imos": sorted(row[1] or []),
        "name": row[2] or "",
        "imo": int(row[3]) if row[3] else None,
    }


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


def event_row(record: Sequence[Any]) -> dict[str, Any]:
    """A stored event row (the export columns' order) JSON-ready: ISO times, details parsed."""
    row = dict(zip(EVENT_COLUMNS, record, strict=True))
    row["start"], row["end"] = iso_utc(row["start"]), iso_utc(row["end"])
    row["details"] = json.loads(row["details"]) if row["details"] else {}
    return row


def events_where(
    store: Store, where: Sequence[str], params: Sequence[Any], limit: int, offset: int
) -> tuple[int, list[dict[str, Any]]]:
    """Events matching the AND of `where` fragments (this package's, with ? for `params`)."""
    sql_where = f"WHERE {' AND '.join(where)}" if where else ""
    total = store.con.execute(f"SELECT count(*) FROM events {sql_where}", list(params)).fetchone()
    cur = store.con.execute(
        f"SELECT {_EVENT_SELECT} FROM events {sql_where} ORDER BY start, kind, mmsi, event_id "
        "LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return (int(total[0]) if total else 0), [event_row(r) for r in cur.fetchall()]


def events_by_id(store: Store, ids: Sequence[str]) -> list[dict[str, Any]]:
    if not ids:
        return []
    cur = store.con.execute(
        f"SELECT {_EVENT_SELECT} FROM events WHERE event_id IN ({', '.join('?' * len(ids))}) "
        "ORDER BY start",
        list(ids),
    )
    return [event_row(r) for r in cur.fetchall()]


def entity_data(store: Store, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The FollowTheMoney dicts of these list entities, by id."""
    if not ids:
        return {}
    cur = store.con.execute(
        f"SELECT id, data FROM list_entities WHERE id IN ({', '.join('?' * len(ids))})",
        list(ids),
    )
    return {str(r[0]): json.loads(r[1]) for r in cur.fetchall()}


def anchorages(store: Store) -> list[dict[str, Any]]:
    """Learned anchorages, when the store has them (an empty list when it does not)."""
    if not has_table(store, "anchorages"):
        return []
    cur = store.con.execute("SELECT * FROM anchorages")
    cols = [d[0] for d in cur.description or []]
    return [
        {c: iso_utc(v) if isinstance(v, datetime) else v for c, v in zip(cols, r, strict=True)}
        for r in cur.fetchall()
    ]


def store_version(store: Store) -> tuple[Any, ...]:
    """A key that changes when positions, events or chains change (for the server's caches)."""
    row = store.con.execute(
        """SELECT (SELECT count(*) FROM manifest), (SELECT max(ingested_at) FROM manifest),
                  (SELECT count(*) FROM events), (SELECT max(value) FROM meta)"""
    ).fetchone()
    return (str(store.path), *(row or ()))
