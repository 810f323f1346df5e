"""Read queries of the dossier and the HTTP API (docs/serve.md): vessel search, identities,
events by filter, track extents and thinned tracks, list entities' properties, anchorages.

Every value from a request is a bound parameter; column and table names are this module's own.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import orjson

from oiltrail.ais.schema import EVENT_COLUMNS
from oiltrail.records import DossierIdentity, iso_utc
from oiltrail.store.catalog import Store
from oiltrail.store.reads import has_table

if TYPE_CHECKING:
    from numpy.typing import NDArray

SEARCH_COLUMNS = ("mmsi", "imo", "name", "names", "imos", "first", "last")
_EVENT_SELECT = ", ".join(f'"{c}"' for c in EVENT_COLUMNS)
_EVENT_SELECT_BARE = ", ".join("NULL" if c == "details" else f'"{c}"' for c in EVENT_COLUMNS)


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, its own % _ and \\ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_vessels(
    store: Store,
    pattern: str | None,
    limit: int,
    offset: int,
    box: tuple[float, float, float, float] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> tuple[int, list[dict[str, Any]]]:
    """Vessels whose MMSI, IMO or a name matches the LIKE `pattern` (all when None) and,
    when a box or time range is given, with a position in it."""
    where, params = "", []
    if pattern is not None:
        where = """WHERE (CAST(mmsi AS VARCHAR) LIKE ? ESCAPE '\\'
                      OR CAST(imo AS VARCHAR) LIKE ? ESCAPE '\\'
                      OR name ILIKE ? ESCAPE '\\')"""
        params = [pattern, pattern, pattern]
    seen, seen_params = _positions_where(box, start, end)
    if seen:
        where += (" AND " if where else "WHERE ") + (
            f"mmsi IN (SELECT DISTINCT mmsi FROM positions WHERE {seen})"
        )
        params += seen_params
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


def _positions_where(
    box: tuple[float, float, float, float] | None, start: datetime | None, end: datetime | None
) -> tuple[str, list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if box is not None:
        where.append("lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?")
        params += [box[0], box[2], box[1], box[3]]
    if start is not None:
        where.append("ts >= ?")
        params.append(start)
    if end is not None:
        where.append("ts <= ?")
        params.append(end)
    return " AND ".join(where), params


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
    row["details"] = _details(row["details"]) if row["details"] else {}
    return row


def _details(text: str) -> Any:
    """A stored details JSON parsed: by orjson (a third of the time of a 500-event page), or
    by the standard library when it holds what orjson refuses (NaN, written by json.dumps)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def events_matching(
    store: Store,
    *,
    kinds: Sequence[str] = (),
    mmsi: int | None = None,
    box: tuple[float, float, float, float] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = 500,
    offset: int = 0,
    details: bool = True,
) -> tuple[int, list[dict[str, Any]]]:
    """Events of these kinds, of this vessel (either party), in the box (min_lon, min_lat,
    max_lon, max_lat) and overlapping [start, end], by start: (how many match, one page).
    Without `details` each row's details are left empty (a map needs only where and when)."""
    where: list[str] = []
    params: list[Any] = []
    if start is not None:
        where.append('"end" >= ?')
        params.append(start)
    if end is not None:
        where.append("start <= ?")
        params.append(end)
    if kinds:
        where.append(f"kind IN ({', '.join('?' * len(kinds))})")
        params += list(kinds)
    if mmsi is not None:
        where.append("(mmsi = ? OR other_mmsi = ?)")
        params += [mmsi, mmsi]
    if box is not None:
        where.append("lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?")
        params += [box[0], box[2], box[1], box[3]]
    sql_where = f"WHERE {' AND '.join(where)}" if where else ""
    total = store.con.execute(f"SELECT count(*) FROM events {sql_where}", list(params)).fetchone()
    cur = store.con.execute(
        f"SELECT {_EVENT_SELECT if details else _EVENT_SELECT_BARE} FROM events {sql_where} "
        "ORDER BY start, kind, mmsi, event_id "
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
    """Learned anchorages in the columns of `oiltrail anchorages` plus their evidence (an empty
    list when the store has none)."""
    from oiltrail.store.anchorages import read_anchorages

    return [
        {c: iso_utc(v) if isinstance(v, datetime) else v for c, v in r.items()}
        for r in read_anchorages(store)
    ]


def store_version(store: Store) -> tuple[Any, ...]:
    """A key that changes when positions, events or chains change (for the server's caches)."""
    row = store.con.execute(
        """SELECT (SELECT count(*) FROM manifest), (SELECT max(ingested_at) FROM manifest),
                  (SELECT count(*) FROM events), (SELECT max(value) FROM meta)"""
    ).fetchone()
    return (str(store.path), *(row or ()))


def thinned_tracks(
    store: Store,
    box: tuple[float, float, float, float] | None,
    start: datetime | None,
    end: datetime | None,
    cell_deg: float,
    bucket_s: int,
    mmsis: Sequence[int] = (),
) -> dict[str, NDArray[Any]]:
    """Positions in the box and time range thinned to one per vessel, grid cell (`cell_deg`)
    and time bucket (`bucket_s`), by vessel and time, as arrays: `mmsi`, `t` (the cell's first
    epoch second), `lat` and `lon` (the mean of its positions), `n` (how many), and the cell's
    integer indices `ci` (latitude), `cj` (longitude), `tb` (time bucket), from which coarser
    levels are derived without reading the positions again.

    A hash aggregate, not a sort of every position: the cost grows with the positions in view
    (a time range reads only the row groups of that time) and the answer with what the map can
    draw."""
    import numpy as np

    clause, params = _positions_where(box, start, end)
    where = [clause] if clause else []
    if mmsis:
        where.append(f"mmsi IN ({', '.join('?' * len(mmsis))})")
        params += list(mmsis)
    sql_where = f"WHERE {' AND '.join(where)}" if where else ""
    cur = store.con.execute(
        f"""SELECT mmsi, min(epoch(ts))::BIGINT AS t, avg(lat) AS lat, avg(lon) AS lon,
                   count(*)::BIGINT AS n, ci, cj, tb
            FROM (SELECT mmsi, ts, lat, lon, floor(lat / ?)::BIGINT AS ci,
                         floor(lon / ?)::BIGINT AS cj, floor(epoch(ts) / ?)::BIGINT AS tb
                  FROM positions {sql_where})
            GROUP BY mmsi, ci, cj, tb
            ORDER BY mmsi, t""",
        [cell_deg, cell_deg, bucket_s, *params],
    )
    return {k: np.asarray(v) for k, v in cur.fetchnumpy().items()}


def events_of_vessels(store: Store, mmsis: Sequence[int]) -> list[dict[str, Any]]:
    """Every event of these vessels (either party), by start, each with `written`: the finish
    time of the detect run that last wrote it (None when the store keeps no runs)."""
    if not mmsis:
        return []
    marks = ", ".join("?" * len(mmsis))
    cols = ", ".join(f'e."{c}"' for c in EVENT_COLUMNS)
    if has_table(store, "detect_runs"):
        sql = f"""SELECT {cols}, r.finished_at FROM events e LEFT JOIN detect_runs r USING (run_id)
                  WHERE e.mmsi IN ({marks}) OR e.other_mmsi IN ({marks}) ORDER BY e.start"""
    else:
        sql = f"""SELECT {cols}, NULL FROM events e
                  WHERE e.mmsi IN ({marks}) OR e.other_mmsi IN ({marks}) ORDER BY e.start"""
    out = []
    for r in store.con.execute(sql, [*mmsis, *mmsis]).fetchall():
        row = event_row(r[:-1])
        row["written"] = r[-1]
        out.append(row)
    return out


def mmsis_of_entities(store: Store, entity_ids: Sequence[str]) -> dict[int, str]:
    """AIS vessels whose IMO number or MMSI is that of one of these list entities."""
    found: dict[int, str] = {}
    for eid, data in entity_data(store, entity_ids).items():
        props = data.get("properties", {})
        imos = [
            int(str(v).removeprefix("IMO"))
            for v in props.get("imoNumber", [])
            if str(v).removeprefix("IMO").isdigit()
        ]
        mmsis = [int(v) for v in props.get("mmsi", []) if str(v).isdigit()]
        if imos:
            for m in mmsis_with_imos(store, imos):
                found.setdefault(m, eid)
        for m in mmsis:
            found.setdefault(m, eid)
    return found


def mmsis_with_imos(store: Store, imos: Sequence[int]) -> list[int]:
    cur = store.con.execute(
        f"SELECT DISTINCT mmsi FROM static_reports WHERE imo IN ({', '.join('?' * len(imos))})",
        list(imos),
    )
    return [int(r[0]) for r in cur.fetchall()]


def lists_loaded_since(store: Store, since: datetime, ids: Sequence[str]) -> list[dict[str, Any]]:
    """Which of these list entities were loaded (or reloaded) after `since`."""
    if not ids:
        return []
    cur = store.con.execute(
        f"""SELECT id, caption, datasets, loaded_at FROM list_entities
            WHERE loaded_at > ? AND id IN ({", ".join("?" * len(ids))})""",
        [since, *ids],
    )
    return [
        {"entity_id": r[0], "caption": r[1], "datasets": json.loads(r[2]), "added": iso_utc(r[3])}
        for r in cur.fetchall()
    ]
