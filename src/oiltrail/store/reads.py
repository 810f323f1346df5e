"""Read-only queries on positions, static reports and bookkeeping tables.

Every stage that reads the store outside detection (trace, estimate, report, claims, the
ownership graph, the demo) asks through these functions, so the SQL and the table layout live
in `store/` alone (docs/store.md). None of them writes anything a user can see: the temporary
tables of `positions_at` and `_hull_rows` are per connection and dropped before returning.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from oiltrail.store.catalog import Store

Row = dict[str, Any]


def rows(store: Store, sql: str, params: Sequence[Any] = ()) -> list[Row]:
    """A query's rows as dicts keyed by column name (this module's queries only)."""
    cur = store.con.execute(sql, list(params))
    cols = [d[0] for d in cur.description or []]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def has_table(store: Store, name: str, column: str | None = None) -> bool:
    """Whether the store has table `name` (and its `column`): older layouts lack newer ones."""
    if column is None:
        sql, args = "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    else:
        sql = "SELECT count(*) FROM information_schema.columns WHERE table_name = ? AND "
        sql, args = sql + "column_name = ?", [name, column]
    found = store.con.execute(sql, args).fetchone()
    return bool(found and found[0])


def count(store: Store, table: str) -> int:
    """Rows in one of the store's own tables (0 when the table is absent)."""
    if table not in ("positions", "static_reports", "events", "quarantine", "manifest"):
        raise ValueError(f"not a counted table: {table}")
    if not has_table(store, table):
        return 0
    found = store.con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(found[0]) if found else 0


def data_end(store: Store) -> datetime | None:
    """Time of the store's last position."""
    row = store.con.execute("SELECT max(ts) FROM positions").fetchone()
    return None if row is None else row[0]


def latest_names(store: Store, mmsis: Sequence[int] | None = None) -> dict[int, str]:
    """Each vessel's latest non-empty reported name (of the `mmsis` given, else of all)."""
    if mmsis is not None and not mmsis:
        return {}
    only = f"AND mmsi IN ({', '.join('?' * len(mmsis))})" if mmsis else ""
    found = store.con.execute(
        f"""SELECT mmsi, arg_max(name, ts) FROM static_reports
           WHERE name IS NOT NULL AND trim(name) <> '' {only} GROUP BY mmsi""",
        list(mmsis or []),
    ).fetchall()
    return {int(m): str(n).strip() for m, n in found}


def mmsis_by_name(store: Store) -> dict[str, tuple[int, ...]]:
    """Every name a vessel reported (upper case, trimmed) and the MMSIs that reported it."""
    names: dict[str, list[int]] = {}
    for mmsi, name in store.con.execute(
        "SELECT DISTINCT mmsi, upper(trim(name)) FROM static_reports WHERE name IS NOT NULL "
        "ORDER BY 2, 1"
    ).fetchall():
        names.setdefault(str(name), []).append(int(mmsi))
    return {k: tuple(v) for k, v in names.items()}


def latest_identity(store: Store, mmsi: int) -> tuple[str, int | None] | None:
    """A vessel's latest reported name and IMO (None when it never reported a name)."""
    row = store.con.execute(
        """SELECT arg_max(name, ts), arg_max(imo, ts) FROM static_reports
           WHERE mmsi = ? AND name IS NOT NULL""",
        [int(mmsi)],
    ).fetchone()
    if row is None or row[0] is None:
        return None
    return str(row[0]), int(row[1]) if row[1] else None


def identities(store: Store) -> list[Row]:
    """One row per MMSI: its latest name and IMO, and every name and IMO it reported."""
    found = store.con.execute(
        """SELECT mmsi,
                  arg_max(name, ts) FILTER (WHERE name IS NOT NULL AND name <> ''),
                  arg_max(imo, ts) FILTER (WHERE imo IS NOT NULL AND imo > 0),
                  list(DISTINCT name) FILTER (WHERE name IS NOT NULL AND name <> ''),
                  list(DISTINCT imo) FILTER (WHERE imo IS NOT NULL AND imo > 0),
                  arg_max(ship_type, ts) FILTER (WHERE ship_type IS NOT NULL AND ship_type > 0)
           FROM static_reports GROUP BY mmsi ORDER BY mmsi"""
    ).fetchall()
    return [
        {
            "mmsi": int(r[0]),
            "name": r[1] or "",
            "imo": int(r[2]) if r[2] else None,
            "names": sorted(r[3] or []),
            "imos": sorted(r[4] or []),
            "ship_type": int(r[5]) if r[5] else None,  # the latest AIS ship type code
        }
        for r in found
    ]


def hull_reports(
    store: Store,
    mmsis: Iterable[int],
    length_m: tuple[float, float],
    beam_m: tuple[float, float],
) -> tuple[dict[int, tuple[float | None, float | None]], list[tuple[int, datetime, float]]]:
    """Median length and beam (within the plausible ranges) of each vessel, and its draught
    reports (0 < draught < 30 m) in time order."""
    wanted = sorted(set(mmsis))
    if not wanted:
        return {}, []
    con = store.con
    con.execute("CREATE OR REPLACE TEMP TABLE _hull_mmsi (mmsi UINTEGER)")
    try:
        con.execute("INSERT INTO _hull_mmsi SELECT unnest(?::UINTEGER[])", [wanted])
        dims = con.execute(
            "SELECT s.mmsi, median(s.length) FILTER (WHERE s.length BETWEEN ? AND ?), "
            "median(s.width) FILTER (WHERE s.width BETWEEN ? AND ?) FROM static_reports s "
            "JOIN _hull_mmsi USING (mmsi) GROUP BY s.mmsi",
            [*length_m, *beam_m],
        ).fetchall()
        series = con.execute(
            "SELECT s.mmsi, s.ts, s.draught FROM static_reports s JOIN _hull_mmsi USING (mmsi) "
            "WHERE s.draught > 0 AND s.draught < 30 ORDER BY s.mmsi, s.ts, s.draught"
        ).fetchall()
    finally:
        con.execute("DROP TABLE IF EXISTS _hull_mmsi")
    sizes = {int(m): (_num(length), _num(width)) for m, length, width in dims}
    return sizes, [(int(m), ts, float(d)) for m, ts, d in series]


def positions_at(
    store: Store, fixes: Iterable[tuple[int, datetime]]
) -> dict[tuple[int, datetime], tuple[float, float]]:
    """The (lat, lon) each vessel reported at each exact time asked for."""
    wanted = sorted(set(fixes))
    if not wanted:
        return {}
    con = store.con
    con.execute("CREATE OR REPLACE TEMP TABLE _fix_at (mmsi UINTEGER, ts TIMESTAMP)")
    try:
        con.execute(
            "INSERT INTO _fix_at SELECT unnest(?::UINTEGER[]), unnest(?::TIMESTAMP[])",
            [[m for m, _ in wanted], [t for _, t in wanted]],
        )
        found = con.execute(
            "SELECT p.mmsi, p.ts, any_value(p.lat), any_value(p.lon) FROM positions p "
            "JOIN _fix_at f ON p.mmsi = f.mmsi AND p.ts = f.ts GROUP BY p.mmsi, p.ts"
        ).fetchall()
    finally:
        con.execute("DROP TABLE IF EXISTS _fix_at")
    return {(int(m), ts): (float(lat), float(lon)) for m, ts, lat, lon in found}


def track_ends(store: Store, mmsis: Iterable[int]) -> dict[int, tuple[datetime, float, float]]:
    """Last fix (time, lat, lon) of each vessel asked for."""
    wanted = sorted(set(mmsis))
    if not wanted:
        return {}
    # A join, not `mmsi IN (?, ?, ...)`: DuckDB filtered 30M positions by 2,000 listed values
    # in 124 s, and joins them in 3 s.
    found = store.con.execute(
        "SELECT p.mmsi, max(p.ts), arg_max(p.lat, p.ts), arg_max(p.lon, p.ts) FROM positions p "
        "JOIN (SELECT unnest(?::UINTEGER[]) AS mmsi) w USING (mmsi) GROUP BY p.mmsi",
        [wanted],
    ).fetchall()
    return {int(m): (ts, float(lat), float(lon)) for m, ts, lat, lon in found}


def vessel_positions(
    store: Store, mmsi: int, since: datetime, until: datetime
) -> list[tuple[float, float]]:
    """One vessel's positions between two times, in time order, as (lon, lat)."""
    found = store.con.execute(
        "SELECT lon, lat FROM positions WHERE mmsi = ? AND ts BETWEEN ? AND ? ORDER BY ts",
        [int(mmsi), since, until],
    ).fetchall()
    return [(float(lon), float(lat)) for lon, lat in found]


def thinned_positions(store: Store, step: int) -> list[tuple[int, datetime, float, float, int]]:
    """Every `step`-th position of each vessel plus its last, as (mmsi, ts, lat, lon, n) with
    n the vessel's full count, ordered by vessel and time."""
    found = store.con.execute(
        """SELECT mmsi, ts, lat, lon, n FROM (
             SELECT mmsi, ts, lat, lon,
                    row_number() OVER (PARTITION BY mmsi ORDER BY ts) - 1 AS i,
                    count(*) OVER (PARTITION BY mmsi) AS n
             FROM positions)
           WHERE i % ? = 0 OR i = n - 1 ORDER BY mmsi, ts""",
        [max(1, int(step))],
    ).fetchall()
    return [(int(m), ts, float(lat), float(lon), int(n)) for m, ts, lat, lon, n in found]


def days_per_year(store: Store) -> list[tuple[int, int, datetime, datetime]]:
    """Per year: the UTC days with positions, and the first and last position's time."""
    found = store.con.execute(
        """SELECT year(ts) AS y, count(DISTINCT CAST(ts AS DATE)), min(ts), max(ts)
           FROM positions GROUP BY y ORDER BY y"""
    ).fetchall()
    return [(int(y), int(d), first, last) for y, d, first, last in found]


def recent_events(store: Store, limit: int) -> list[Row]:
    """Up to `limit` events, port visits (the most numerous, least telling) dropped first."""
    return rows(
        store,
        """SELECT event_id, kind, mmsi, other_mmsi, start, "end", lat, lon, port, details
           FROM events ORDER BY kind = 'port_visit', start LIMIT ?""",
        [int(limit)],
    )


def pair_events(store: Store) -> list[tuple[str, str, int, int | None, datetime]]:
    """Events between two vessels as (event_id, kind, mmsi, other_mmsi, start), by start."""
    found = store.con.execute(
        "SELECT event_id, kind, mmsi, other_mmsi, start FROM events "
        "WHERE other_mmsi IS NOT NULL ORDER BY start, event_id"
    ).fetchall()
    return [(str(e), str(k), int(m), None if o is None else int(o), s) for e, k, m, o, s in found]


def manifest(store: Store) -> list[Row]:
    """The ingested files, oldest first."""
    return rows(
        store,
        """SELECT path, format, file_hash, ingested_at, positions, static_reports,
                  quarantined, simulated FROM manifest ORDER BY ingested_at, path""",
    )


def meta(store: Store) -> list[Row]:
    """The store's settings (key, value)."""
    return rows(store, "SELECT key, value FROM meta ORDER BY key")


def list_files(store: Store) -> list[Row]:
    """The sanctions-list files loaded, oldest first (none before `lists load`)."""
    if not has_table(store, "list_files"):
        return []
    return rows(
        store,
        """SELECT list_name, path, format, file_hash, entities, skipped, loaded_at
           FROM list_files ORDER BY loaded_at, path""",
    )


def detect_runs(store: Store) -> list[Row]:
    """Each detect run with its parameters; on older stores, what the events' run ids say."""
    if has_table(store, "detect_runs"):
        return rows(
            store,
            """SELECT run_id, started_at, kinds, params, ports_source, ports_hash,
                      positions_read, events_written FROM detect_runs ORDER BY started_at""",
        )
    return rows(
        store,
        """SELECT run_id, count(*) AS events, min(start) AS first, max("end") AS last
           FROM events WHERE run_id IS NOT NULL GROUP BY run_id ORDER BY first""",
    )


def _num(value: Any) -> float | None:
    return None if value is None else float(value)
