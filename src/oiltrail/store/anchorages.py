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
    # every vessel's stationary spells, kept by detect's pass over the tracks so that it
    # learns the anchorages without reading the positions again (replaced per vessel from
    # its cut-off, like the events)
    """CREATE TABLE IF NOT EXISTS stationary_spells (
        mmsi BIGINT NOT NULL, start TIMESTAMP NOT NULL, "end" TIMESTAMP NOT NULL,
        lat DOUBLE NOT NULL, lon DOUBLE NOT NULL)""",
    # how many positions each spell has (a spell open at a cut-off is continued from it, not
    # read again); NULL in a store from before it: such a spell is read again
    "ALTER TABLE stationary_spells ADD COLUMN IF NOT EXISTS positions BIGINT",
    # the encounters and loitering events an anchorage suppressed, whole (the events columns
    # and the anchorage's id): each run learns the anchorages again and puts back those no
    # longer near one, so the events are what a run over the whole store would leave
    """CREATE TABLE IF NOT EXISTS suppressed_events (
        event_id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, mmsi UINTEGER NOT NULL,
        other_mmsi UINTEGER, start TIMESTAMP NOT NULL, "end" TIMESTAMP NOT NULL,
        lat DOUBLE, lon DOUBLE, port VARCHAR, details VARCHAR, run_id VARCHAR,
        anchorage_id VARCHAR)""",
)
SPELLS_KEY = "detect.spells"  # meta: the spell rules the stored spells were made with
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


def replace_spells(store: Store, spells: pa.Table, from_cut: bool, key: str) -> None:
    """Store `spells` (detect/anchorages.SPELLS) in place of the stored spells that start at
    or after each vessel's cut-off (temp table `_cut`) and of those they continue (the same
    vessel and start), or of all of them; `key` names the spell rules they follow (read
    back by `spells_key`)."""
    store.ensure(ANCHORAGES_DDL)
    _spells = spells
    if from_cut:
        store.con.execute(
            """DELETE FROM stationary_spells WHERE EXISTS (SELECT 1 FROM _cut c
               WHERE c.mmsi = stationary_spells.mmsi AND stationary_spells.start >= c.t)
               OR EXISTS (SELECT 1 FROM _spells n WHERE n.mmsi = stationary_spells.mmsi
                          AND n.start = stationary_spells.start)"""
        )
    else:
        store.con.execute("DELETE FROM stationary_spells")
    if spells.num_rows:
        store.con.execute(
            'INSERT INTO stationary_spells (mmsi, start, "end", lat, lon, positions) '
            'SELECT mmsi, start, "end", lat, lon, positions FROM _spells'
        )
    store.set_meta(SPELLS_KEY, key)


def restore_suppressed(store: Store) -> None:
    """Put every suppressed event back into the events (the caller then suppresses again
    those near an anchorage learned now)."""
    store.ensure(ANCHORAGES_DDL)
    store.con.execute(
        """INSERT OR REPLACE INTO events SELECT event_id, kind, mmsi, other_mmsi, start,
           "end", lat, lon, port, details, run_id FROM suppressed_events"""
    )
    store.con.execute("DELETE FROM suppressed_events")


def suppress(store: Store, event_ids: list[str], anchorage_ids: list[str]) -> None:
    """Move these events out of the events table, into `suppressed_events`."""
    _drop = pa.table({"event_id": event_ids, "anchorage_id": anchorage_ids})
    store.con.execute(
        """INSERT OR REPLACE INTO suppressed_events SELECT e.*, d.anchorage_id
           FROM events e JOIN _drop d USING (event_id)"""
    )
    store.con.execute("DELETE FROM events WHERE event_id IN (SELECT event_id FROM _drop)")


def spells_key(store: Store) -> str | None:
    """The spell rules the stored spells follow (None: none stored, or not kept up)."""
    if not has_table(store, "stationary_spells"):
        return None
    return store.get_meta(SPELLS_KEY)


def read_spells(store: Store) -> pa.Table:
    """Every stored stationary spell (mmsi, start, end, lat, lon, positions)."""
    return store.con.execute(
        'SELECT mmsi, start, "end", lat, lon, positions FROM stationary_spells'
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
