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


class Seen:
    """The time span a table may already hold: the store's before the file, then each batch's.

    A batch outside the span cannot repeat a stored row, so the anti-join against the table
    (a scan that grows with every batch) is skipped; a time-ordered file never needs it.
    One hull, not a list of spans: a wider span only costs an unneeded anti-join.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, target: str) -> None:
        row = con.execute(f"SELECT min(ts), max(ts) FROM {target}").fetchone()
        self.lo: datetime | None = row[0] if row else None
        self.hi: datetime | None = row[1] if row else None

    def meets(self, lo: datetime, hi: datetime) -> bool:
        return self.lo is not None and self.hi is not None and self.lo <= hi and lo <= self.hi

    def add(self, lo: datetime, hi: datetime) -> None:
        self.lo = lo if self.lo is None else min(self.lo, lo)
        self.hi = hi if self.hi is None else max(self.hi, hi)


def _insert_unique(
    con: duckdb.DuckDBPyConnection,
    table: pa.Table,
    target: str,
    key: tuple[str, ...],
    seen: Seen,
) -> int:
    """Insert rows not already in `target` (nor repeated in `table`); return rows inserted."""
    if table.num_rows == 0:
        return 0
    lo, hi = pc.min(table["ts"]).as_py(), pc.max(table["ts"]).as_py()
    overlap = seen.meets(lo, hi)
    seen.add(lo, hi)
    con.register("_batch", table)
    try:
        distinct = f"SELECT DISTINCT ON ({', '.join(key)}) * FROM _batch"
        if overlap:
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
    con: duckdb.DuckDBPyConnection, d: Decoded, file_hash: str, seen: tuple[Seen, Seen]
) -> tuple[tuple[int, int], int]:
    """Write one decoded batch; return (positions, static reports) added and duplicates dropped."""
    n_pos = _insert_unique(con, d.positions, "positions", POSITION_KEY, seen[0])
    n_st = _insert_unique(con, d.static, "static_reports", STATIC_KEY, seen[1])
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
