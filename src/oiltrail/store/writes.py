"""Ingest writes: positions and static reports minus exact duplicates, quarantine, manifest."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from oiltrail.ais.decoded import Decoded

if TYPE_CHECKING:
    from oiltrail.store.ingest import FileReport

POSITION_KEY = ("mmsi", "ts", "lat", "lon")  # SPEC: an exact duplicate has the same four
STATIC_KEY = (
    "mmsi",
    "ts",
    "imo",
    "name",
    "callsign",
    "ship_type",
    "length",
    "width",
    "draught",
    "destination",
)


def _insert_unique(
    con: duckdb.DuckDBPyConnection, table: pa.Table, target: str, key: tuple[str, ...]
) -> int:
    """Insert rows not already in `target` (nor repeated in `table`); return rows inserted."""
    if table.num_rows == 0:
        return 0
    lo, hi = pc.min(table["ts"]).as_py(), pc.max(table["ts"]).as_py()
    con.register("_batch", table)
    try:
        distinct = f"SELECT DISTINCT ON ({', '.join(key)}) * FROM _batch"
        overlap = con.execute(
            f"SELECT count(*) FROM {target} WHERE ts BETWEEN ? AND ?", [lo, hi]
        ).fetchone()
        if overlap and overlap[0]:
            match = " AND ".join(f"t.{k} IS NOT DISTINCT FROM b.{k}" for k in key)
            sql = (
                f"INSERT INTO {target} SELECT b.* FROM ({distinct}) b WHERE NOT EXISTS "
                f"(SELECT 1 FROM {target} t WHERE t.ts BETWEEN ? AND ? AND {match})"
            )
            row = con.execute(sql, [lo, hi]).fetchone()
        else:
            row = con.execute(f"INSERT INTO {target} {distinct}").fetchone()
    finally:
        con.unregister("_batch")
    return int(row[0]) if row else 0


def insert_batch(
    con: duckdb.DuckDBPyConnection, d: Decoded, file_hash: str
) -> tuple[tuple[int, int], int]:
    """Write one decoded batch; return (positions, static reports) added and duplicates dropped."""
    n_pos = _insert_unique(con, d.positions, "positions", POSITION_KEY)
    n_st = _insert_unique(con, d.static, "static_reports", STATIC_KEY)
    dups = d.positions.num_rows - n_pos + d.static.num_rows - n_st
    if d.quarantine.num_rows:
        q = d.quarantine.append_column(
            "file_hash", pa.repeat(pa.scalar(file_hash), d.quarantine.num_rows)
        )
        con.register("_quarantine", q)
        try:
            con.execute(
                "INSERT INTO quarantine SELECT file, line, reason, raw, file_hash FROM _quarantine"
            )
        finally:
            con.unregister("_quarantine")
    return (n_pos, n_st), dups


def manifest_row(con: duckdb.DuckDBPyConnection, rep: FileReport) -> None:
    con.execute(
        "INSERT INTO manifest VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            rep.file_hash, rep.path, rep.format, datetime.now(UTC).replace(tzinfo=None),
            rep.positions, rep.static_reports, sum(rep.quarantined.values()), rep.duplicates,
            rep.simulated,
        ],
    )  # fmt: skip
