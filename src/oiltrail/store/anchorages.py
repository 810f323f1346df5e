"""Learned anchorages in the store (docs/events.md): the table, its evidence, and the
stationary spells they are learned from (one query over the positions)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from oiltrail.render import emit
from oiltrail.store.catalog import Store
from oiltrail.store.reads import has_table

ANCHORAGES_DDL: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS anchorages (
        anchorage_id VARCHAR PRIMARY KEY, name VARCHAR, lat DOUBLE, lon DOUBLE,
        radius_m DOUBLE, vessels BIGINT, spells BIGINT, hours DOUBLE, port VARCHAR,
        port_distance_km DOUBLE, first TIMESTAMP, last TIMESTAMP, evidence VARCHAR,
        run_id VARCHAR)""",
    # the places of the spells that make each anchorage's area (plus the link distance)
    """CREATE TABLE IF NOT EXISTS anchorage_spells (
        anchorage_id VARCHAR NOT NULL, lat DOUBLE NOT NULL, lon DOUBLE NOT NULL)""",
)
ANCHORAGE_COLUMNS = (
    "anchorage_id", "name", "lat", "lon", "radius_m", "vessels", "spells", "hours", "port",
    "port_distance_km", "first", "last",
)  # fmt: skip


SPELL_CHUNK_ROWS = 4_000_000  # positions read at a time (whole vessels): bounds the memory


def positions_for_spells(store: Store) -> Iterator[pa.Table]:
    """Every position (mmsi, ts, lat, lon, sog) sorted as detect sorts them, a group of whole
    vessels at a time (at most about SPELL_CHUNK_ROWS rows each), for the stationary spells."""
    row = store.con.execute("SELECT count(*) FROM positions").fetchone()
    n = max(1, -(-(int(row[0]) if row else 0) // SPELL_CHUNK_ROWS))
    for part in range(n):
        yield store.con.execute(
            "SELECT mmsi, ts, lat, lon, sog FROM positions WHERE mmsi % ? = ? "
            "ORDER BY mmsi, ts, lat, lon, sog",
            [n, part],
        ).to_arrow_table()


def save_anchorages(store: Store, rows: list[dict[str, Any]], area: pa.Table, run_id: str) -> None:
    """Replace the stored anchorages (inside the caller's transaction)."""
    store.ensure(ANCHORAGES_DDL)
    store.con.execute("DELETE FROM anchorages")
    store.con.execute("DELETE FROM anchorage_spells")
    for r in rows:
        evidence = {"mmsis": r["mmsis"], "nearest_spell_port_km": r["nearest_spell_port_km"],
                    "suppressed_events": r.get("suppressed_events", {})}  # fmt: skip
        store.con.execute(
            "INSERT INTO anchorages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [*(r[c] for c in ANCHORAGE_COLUMNS), json.dumps(evidence, sort_keys=True), run_id],
        )
    if area.num_rows:
        _area = area
        store.con.execute("INSERT INTO anchorage_spells SELECT anchorage_id, lat, lon FROM _area")


def read_anchorages(store: Store) -> list[dict[str, Any]]:
    """Stored anchorages in the export columns plus `evidence` (parsed), by id."""
    if not has_table(store, "anchorages"):
        return []
    cur = store.con.execute(
        f"SELECT {', '.join(ANCHORAGE_COLUMNS)}, evidence FROM anchorages ORDER BY anchorage_id"
    )
    out = []
    for r in cur.fetchall():
        row = dict(zip((*ANCHORAGE_COLUMNS, "evidence"), r, strict=True))
        row["evidence"] = json.loads(row["evidence"] or "{}")
        out.append(row)
    return out


def anchorage_area(store: Store) -> pa.Table:
    """The stored spell places of every anchorage (anchorage_id, lat, lon)."""
    has = store.con.execute(
        "SELECT 1 FROM duckdb_tables() WHERE table_name = 'anchorage_spells'"
    ).fetchone()
    if not has:
        return pa.table(
            {"anchorage_id": pa.array([], pa.string()), "lat": pa.array([], pa.float64()),
             "lon": pa.array([], pa.float64())}
        )  # fmt: skip
    return store.con.execute("SELECT anchorage_id, lat, lon FROM anchorage_spells").to_arrow_table()


def export_anchorages(store: Store, fmt: str = "table", out: Path | None = None) -> int:
    """`oiltrail anchorages`: the learned anchorages, one row each; returns the row count."""
    rows = read_anchorages(store)
    emit(rows, ANCHORAGE_COLUMNS, fmt, out, title="learned anchorages")
    return len(rows)
