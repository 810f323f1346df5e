"""Ingest writes: positions and static reports minus exact duplicates, quarantine, manifest."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from oiltrail.ais.compiled import has_repeat
from oiltrail.ais.decoded import Decoded
from oiltrail.ais.schema import STATIC_FIELDS

if TYPE_CHECKING:
    from oiltrail.store.ingest import FileReport

POSITION_KEY = ("mmsi", "ts", "lat", "lon")  # docs/inputs.md: an exact duplicate has the same four
STATIC_KEY = ("mmsi", "ts", *STATIC_FIELDS)  # a repeated static report changes nothing


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


def maybe_repeats(table: pa.Table, key: tuple[str, ...]) -> bool:
    """False when no two rows share the key: a hash of it, in a hash set, is far cheaper than
    DuckDB's DISTINCT ON (equal hashes → True, and SQL decides).

    Text columns count by whether they are null only, and nulls equal zeros: a coarser key,
    so rows that differ there may still be called repeats, but rows that repeat always are.
    It tells apart the two parts of a type 24 report, which share vessel and time.
    """
    h = np.zeros(table.num_rows, np.uint64)
    with np.errstate(over="ignore"):
        for i, name in enumerate(key):
            mix = np.uint64((0x9E3779B97F4A7C15 * (2 * i + 1)) % 2**64)
            h ^= (_key_bits(table[name]) + mix) * mix
    return has_repeat(h)


def _key_bits(col: pa.ChunkedArray | pa.Array) -> npt.NDArray[np.uint64]:
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        col = pc.is_valid(col)
    elif pa.types.is_timestamp(col.type):
        col = col.cast(pa.int64())
    if col.null_count:
        col = pc.fill_null(
            col, pa.scalar(0, col.type) if not pa.types.is_boolean(col.type) else False
        )
    v = np.asarray(col.to_numpy(zero_copy_only=False))
    return v.astype(np.float64).view(np.uint64) if v.dtype.kind == "f" else v.astype(np.uint64)


class SourceIds:
    """The numbers of source file names in `sources`, new names added (within the caller's
    transaction: a rolled-back file takes its new names with it)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self._ids: dict[str, int] = {}

    def number(self, name: str) -> int:
        if name not in self._ids:
            sql = "SELECT source_id FROM sources WHERE name = ?"
            row = self.con.execute(sql, [name]).fetchone()
            if row is None:
                sql = "INSERT INTO sources (name) VALUES (?) RETURNING source_id"
                row = self.con.execute(sql, [name]).fetchone()
            assert row is not None
            self._ids[name] = int(row[0])
        return self._ids[name]


class FileWrites:
    """What the writes of one file (one transaction) keep between its batches: the time span
    each table may already hold, and the numbers of the source names met."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.seen = {t: Seen(con, t) for t in ("positions", "static_reports")}
        self.sources = SourceIds(con)


def _insert_unique(
    w: FileWrites,
    table: pa.Table,
    target: str,
    key: tuple[str, ...],
    repeats: bool = True,
    source: str | None = None,
) -> int:
    """Insert rows not already in `target` (nor repeated in `table`, unless `repeats` is
    False: no two rows of it share the key); return rows inserted. `source`: the source of
    every row, when known."""
    if table.num_rows == 0:
        return 0
    span = pc.min_max(table["ts"])
    lo, hi = span["min"].as_py(), span["max"].as_py()
    seen = w.seen[target]
    if seen.meets(lo, hi):
        table = _without_stored(w.con, table, target, key, seen)
    seen.add(lo, hi)
    # DuckDB finds `_batch` by name in this frame (a replacement scan). Not `con.register`: the
    # view it creates, even unregistered, keeps the Arrow table alive until the transaction
    # ends, so a file's every batch stayed in memory until its commit (DuckDB 1.5).
    _batch = table
    rows, params = _with_source_ids(w.sources, table, source)
    distinct = f"SELECT DISTINCT ON ({', '.join(key)}) * FROM {rows}"
    if not repeats:
        distinct = f"SELECT * FROM {rows}"
    row = w.con.execute(f"INSERT INTO {target} {distinct}", params).fetchone()
    return int(row[0]) if row else 0


def _without_stored(
    con: duckdb.DuckDBPyConnection, table: pa.Table, target: str, key: tuple[str, ...], seen: Seen
) -> pa.Table:
    """`table` without the rows whose key `target` holds already. Only rows inside the span
    `seen` can be there, and in a file read in order those are a few at a batch's start: they
    alone are looked up, and the batch is inserted as it is when none is there. (An anti-join
    of the whole batch against the table, for the one to three rows of 7 of the 16 batches
    of the simulator's 14-day NMEA file, took 9% of the writing thread's CPU time.)"""
    ts = table["ts"]
    inside = pc.and_(
        pc.greater_equal(ts, pa.scalar(seen.lo, ts.type)),
        pc.less_equal(ts, pa.scalar(seen.hi, ts.type)),
    )
    at = np.flatnonzero(np.asarray(inside.to_numpy(zero_copy_only=False), dtype=bool))
    if not len(at):
        return table
    _late = table.take(at).append_column("_at", pa.array(at))
    span = pc.min_max(_late["ts"])
    match = " AND ".join(f"t.{k} IS NOT DISTINCT FROM b.{k}" for k in key)
    sql = (
        f"SELECT b._at FROM _late b WHERE EXISTS "
        f"(SELECT 1 FROM {target} t WHERE t.ts BETWEEN ? AND ? AND {match})"
    )
    stored = con.execute(sql, [span["min"].as_py(), span["max"].as_py()]).fetchall()
    if not stored:
        return table
    keep = np.ones(table.num_rows, dtype=bool)
    keep[[r[0] for r in stored]] = False
    return table.filter(pa.array(keep))


def insert_canonical(con: duckdb.DuckDBPyConnection, target: str, table: pa.Table) -> int:
    """Insert rows in the canonical columns (ais.schema: `source` names last) as they are,
    into `positions` or `static_reports`; return rows inserted."""
    _batch = table
    rows, params = _with_source_ids(SourceIds(con), table)
    row = con.execute(f"INSERT INTO {target} SELECT * FROM {rows}", params).fetchone()
    return int(row[0]) if row else 0


# A static report's IMO whose check digit fails (docs/inputs.md: kept as reported, flagged).
# The check: digits 1-6 weighted 7..2, the sum's last digit is digit 7 (ais.validate.valid_imo
# applies the same rule through rigour; a test keeps the two in step).
INVALID_IMO_SQL = (
    "(imo IS NOT NULL AND ((imo // 1000000) * 7 + (imo // 100000 % 10) * 6"
    " + (imo // 10000 % 10) * 5 + (imo // 1000 % 10) * 4 + (imo // 100 % 10) * 3"
    " + (imo // 10 % 10) * 2) % 10 <> imo % 10)"
)


def _with_source_ids(
    sources: SourceIds, table: pa.Table, source: str | None = None
) -> tuple[str, list[object]]:
    """The batch `_batch` (its last column `source`) with a `source_id` instead, as a
    subquery and its parameters. A batch usually has one source (`source`, or found so):
    then its number goes in as a parameter. Otherwise new names are added to `sources` and
    the rows join it by name."""
    _batch = table
    if source is None:
        src = table["source"]
        if src.null_count == 0:
            bounds = pc.min_max(src)
            if bounds["min"] == bounds["max"]:
                source = bounds["min"].as_py()
    flag = f", {INVALID_IMO_SQL} AS invalid_imo" if "imo" in table.column_names else ""
    if source is not None:
        rows = f"(SELECT * EXCLUDE (source), ?::UINTEGER AS source_id{flag} FROM _batch)"
        return rows, [sources.number(source)]
    sources.con.execute(
        "INSERT INTO sources (name) SELECT DISTINCT source FROM _batch "
        "WHERE source IS NOT NULL AND source NOT IN (SELECT name FROM sources)"
    )
    rows = (
        f"(SELECT b.* EXCLUDE (source), s.source_id{flag} FROM _batch b "
        "LEFT JOIN sources s ON s.name = b.source)"
    )
    return rows, []


def insert_batch(w: FileWrites, d: Decoded, file_hash: str | None) -> tuple[tuple[int, int], int]:
    """Write one decoded batch; return (positions, static reports) added and duplicates dropped.

    Quarantine rows get `file_hash`; None (not known yet) leaves it for the caller to set."""
    repeats = maybe_repeats(d.positions, POSITION_KEY) if d.repeats is None else d.repeats
    n_pos = _insert_unique(w, d.positions, "positions", POSITION_KEY, repeats, d.source)
    st_repeats = (
        maybe_repeats(d.static, STATIC_KEY) if d.static_repeats is None else d.static_repeats
    )
    n_st = _insert_unique(w, d.static, "static_reports", STATIC_KEY, st_repeats, d.source)
    dups = d.positions.num_rows - n_pos + d.static.num_rows - n_st
    if d.quarantine.num_rows:
        _quarantine = d.quarantine.append_column(  # read by name, as `_batch` above
            "file_hash", pa.repeat(pa.scalar(file_hash, pa.string()), d.quarantine.num_rows)
        )
        # A bad row another file already put there (the same file as .gz, or with one more
        # line) is not counted twice: rows of this file have its hash or none yet.
        w.con.execute(
            "INSERT INTO quarantine SELECT q.file, q.line, q.reason, q.raw, q.file_hash "
            "FROM _quarantine q WHERE NOT EXISTS (SELECT 1 FROM quarantine s "
            "WHERE s.reason = q.reason AND s.raw = q.raw AND s.file_hash IS NOT NULL "
            "AND s.file_hash IS DISTINCT FROM q.file_hash)"
        )
    return (n_pos, n_st), dups


# DuckDB settings while a file is ingested, restored afterwards.
INGEST_SETTINGS = {
    # One DuckDB thread: the decode thread has the other core. Measured on 780k simulated
    # positions: one thread inserts with half the CPU time of two.
    "threads": "1",
    # Compress and write each full row group as it fills (DuckDB's default buffers five and
    # writes them together): the work is spread over the inserts, where it overlaps decoding,
    # instead of stalling one insert and the commit; and fewer row groups wait in memory.
    "write_buffer_row_group_count": "1",
    # The commit writes the file's rows into the database file at once (a checkpoint) instead
    # of into the write-ahead log, to be copied again at the next checkpoint: on 780k simulated
    # positions and 43k static reports, commit and close took 44 ms instead of 55 ms.
    "checkpoint_threshold": "0B",
}


@contextmanager
def ingest_settings(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """`INGEST_SETTINGS` for the duration of the block."""
    previous = {}
    for name, value in INGEST_SETTINGS.items():
        row = con.execute("SELECT current_setting(?)", [name]).fetchone()
        previous[name] = str(row[0]) if row else value
        con.execute(f"SET {name} = '{value}'")
    try:
        yield
    finally:
        for name, value in previous.items():
            con.execute(f"SET {name} = '{value}'")


def manifest_row(con: duckdb.DuckDBPyConnection, rep: FileReport) -> None:
    con.execute(
        "INSERT INTO manifest VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            rep.file_hash, rep.path, rep.format, datetime.now(UTC).replace(tzinfo=None),
            rep.positions, rep.static_reports, sum(rep.quarantined.values()), rep.duplicates,
            rep.simulated,
        ],
    )  # fmt: skip
