"""Detection's tables: run records (provenance), per-day input fingerprints, event I/O.

The `events` table itself is core (store/catalog.py); this module adds `detect_runs` and
`detect_days` and the reads and writes detection and export need.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from oiltrail.ais.schema import EVENT_COLUMNS, EVENTS
from oiltrail.errors import UsageError
from oiltrail.kinds import KINDS
from oiltrail.render import emit
from oiltrail.shiptypes import category_sql
from oiltrail.store import killpoints
from oiltrail.store.catalog import Store

DETECT_DDL: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS detect_runs (
        run_id VARCHAR PRIMARY KEY, started_at TIMESTAMP, finished_at TIMESTAMP,
        params VARCHAR, kinds VARCHAR, ports_hash VARCHAR, ports_source VARCHAR,
        inputs VARCHAR, window_start TIMESTAMP, since DATE, until DATE, full_run BOOLEAN,
        positions_read BIGINT, events_written BIGINT, simulated BOOLEAN)""",
    # Fingerprint (row count and hash sum) of each UTC day's positions at the last detect run:
    # a day whose fingerprint changed is reprocessed, with the context its events need.
    """CREATE TABLE IF NOT EXISTS detect_days (day DATE PRIMARY KEY, fingerprint VARCHAR)""",
)
EXPORT_FORMATS = ("csv", "json", "parquet", "table")


def ensure_detect_tables(store: Store) -> None:
    store.ensure(DETECT_DDL)


def current_fingerprints(store: Store) -> dict[date, str]:
    rows = store.con.execute(
        """SELECT CAST(ts AS DATE) AS d, count(*) || ':' || sum(hash(mmsi, ts, lat, lon, sog))
           FROM positions GROUP BY d"""
    ).fetchall()
    return {r[0]: str(r[1]) for r in rows}


def stored_fingerprints(store: Store) -> dict[date, str]:
    rows = store.con.execute("SELECT day, fingerprint FROM detect_days").fetchall()
    return {r[0]: str(r[1]) for r in rows}


def save_fingerprints(store: Store, prints: dict[date, str]) -> None:
    store.con.execute("DELETE FROM detect_days")
    if prints:
        store.con.executemany(
            "INSERT INTO detect_days VALUES (?, ?)", [[d, fp] for d, fp in sorted(prints.items())]
        )
    killpoints.reached("detect")


def insert_events(store: Store, events: pa.Table, run_id: str) -> int:
    """Insert (or replace, same id) events; returns how many rows were written."""
    killpoints.reached("detect")  # each call a progress point, with events or without
    if events.num_rows == 0:
        return 0
    tbl = events.append_column("run_id", pa.array([run_id] * events.num_rows, pa.string()))
    store.con.register("_new_events", tbl)
    try:
        store.con.execute(
            """INSERT OR REPLACE INTO events
               SELECT event_id, kind, mmsi, other_mmsi, start, "end", lat, lon, port, details,
                      run_id FROM _new_events"""
        )
    finally:
        store.con.unregister("_new_events")
    return int(events.num_rows)


def annotate_ship_types(store: Store) -> None:
    """Write into every event's details the ship type of each vessel involved
    (`ship_types`: {mmsi: category}, `unknown` when it never reported one; docs/events.md)."""
    store.con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _ship_types AS
            SELECT mmsi, {category_sql("code")} AS t FROM (
              SELECT mmsi, arg_max(ship_type, ts) AS code FROM static_reports
              WHERE ship_type IS NOT NULL AND ship_type > 0 GROUP BY mmsi)"""
    )
    one = "coalesce((SELECT t FROM _ship_types s WHERE s.mmsi = events.{}), 'unknown')"
    types = (
        f"CASE WHEN other_mmsi IS NULL THEN json_object(mmsi::VARCHAR, {one.format('mmsi')}) "
        f"ELSE json_object(mmsi::VARCHAR, {one.format('mmsi')}, other_mmsi::VARCHAR, "
        f"{one.format('other_mmsi')}) END"
    )
    store.con.execute(
        f"""UPDATE events SET details = json_merge_patch(
                coalesce(details, '{{}}'), json_object('ship_types', {types}))::VARCHAR"""
    )
    store.con.execute("DROP TABLE IF EXISTS _ship_types")


def record_run(store: Store, row: dict[str, Any]) -> None:
    cols = [
        "run_id",
        "started_at",
        "finished_at",
        "params",
        "kinds",
        "ports_hash",
        "ports_source",
        "inputs",
        "window_start",
        "since",
        "until",
        "full_run",
        "positions_read",
        "events_written",
        "simulated",
    ]
    store.con.execute(
        f"INSERT OR REPLACE INTO detect_runs ({', '.join(cols)}) VALUES "
        f"({', '.join('?' for _ in cols)})",
        [row.get(c) for c in cols],
    )
    killpoints.reached("detect")


def input_hashes(store: Store) -> list[str]:
    return [
        str(r[0])
        for r in store.con.execute("SELECT file_hash FROM manifest ORDER BY file_hash").fetchall()
    ]


def read_events(
    store: Store,
    kinds: str | Sequence[str] | None = None,
    ship_types: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Stored events as dicts in the export columns (details parsed), ordered by start; `kinds`
    one kind or several (None: all); `ship_types` keeps the events in which at least one vessel
    is of one of these types (None: all)."""
    wanted = [kinds] if isinstance(kinds, str) else list(kinds or [])
    bad = [k for k in wanted if k not in KINDS]
    if bad:
        raise UsageError(f"unknown kind {bad[0]!r}: expected one of {', '.join(KINDS)}")
    where = f"WHERE kind IN ({', '.join('?' * len(wanted))})" if wanted else ""
    cur = store.con.execute(
        f"""SELECT event_id, kind, mmsi, other_mmsi, start, "end", lat, lon, port, details
            FROM events {where} ORDER BY start, kind, mmsi, event_id""",
        wanted,
    )
    out = []
    for r in cur.fetchall():
        row = dict(zip(EVENT_COLUMNS, r, strict=True))
        row["details"] = json.loads(row["details"]) if row["details"] else {}
        if ship_types is not None and not _of_types(row["details"], ship_types):
            continue
        out.append(row)
    return out


def _of_types(details: dict[str, Any], wanted: Sequence[str]) -> bool:
    types = details.get("ship_types")
    values = list(types.values()) if isinstance(types, dict) else []
    return any(v in wanted for v in values or ["unknown"])


def export_events(
    store: Store,
    fmt: str = "csv",
    out: Path | None = None,
    kinds: str | Sequence[str] | None = None,
    ship_types: Sequence[str] | None = None,
) -> int:
    """Write events with exactly the export columns; returns the row count."""
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"unknown format {fmt!r}: expected one of {', '.join(EXPORT_FORMATS)}")
    rows = read_events(store, kinds, ship_types)
    if fmt == "parquet":
        if out is None:
            raise UsageError("format parquet needs an output file", ("format",))
        pq.write_table(events_to_arrow(rows), out)
        return len(rows)
    emit(rows, EVENT_COLUMNS, fmt, out, title="events")
    return len(rows)


def events_to_arrow(rows: Sequence[dict[str, Any]]) -> pa.Table:
    """docs/events.md columns; times as UTC timestamps, details as JSON text."""
    ts = pa.timestamp("us", tz="UTC")
    data: dict[str, list[Any]] = {c: [r.get(c) for r in rows] for c in EVENT_COLUMNS}
    data["details"] = [json.dumps(d, sort_keys=True) for d in data["details"]]
    schema = pa.schema([f.with_type(ts) if f.name in ("start", "end") else f for f in EVENTS])
    for c in ("start", "end"):
        data[c] = [None if v is None else _utc(v) for v in data[c]]
    return pa.table(data, schema=schema)


def _utc(v: datetime) -> datetime:
    from datetime import UTC

    return v.replace(tzinfo=UTC)


def kind_counts(store: Store, run_id: str | None = None) -> dict[str, int]:
    """Events per kind in the store, or only those one run wrote."""
    where, args = ("WHERE run_id = ?", [run_id]) if run_id is not None else ("", [])
    found = store.con.execute(
        f"SELECT kind, count(*) FROM events {where} GROUP BY kind ORDER BY kind", args
    ).fetchall()
    return {str(k): int(v) for k, v in found}
