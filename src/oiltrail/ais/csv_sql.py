"""An AIS CSV file's rows → canonical rows by DuckDB's own CSV reader, where that is exact.

The reader (ais.csv_formats) still reads the file in blocks; DuckDB reads the same file beside
it, one query for the whole file, and gives each block its rows. Polars' conversions of
pyarrow's text (ais.csv_polars) are the reference: a block takes DuckDB's rows only where
they are what polars would give, and otherwise goes to polars.

- One row a line: DuckDB is used while every block so far is plain (ais.csv_sql.plain_bytes:
  no `"`, no empty line, no lone CR, no byte that was not UTF-8, no line cut); a line with
  the wrong number of fields is an error in DuckDB. After a block that is not plain, or an
  error, the rest of the file goes to polars (DuckDB's rows would no longer match the lines).
- Values, measured on random spellings: DuckDB's numbers also read `1_000` and `+-1` (a block
  holding `_` or `+-` is not plain); a space other than ` ` (which polars strips and DuckDB's
  trim does not) makes a block not plain. Integers (MMSI, IMO) are read as text and cast
  only when spelt `[+-]digits`, as polars' Int64 reads them. Times: DuckDB's strptime with
  the format's own spelling reads a subset of what polars reads. A value DuckDB cannot read
  is an error (polars may read it as text, or quarantine it as `unparseable`); a row that
  needs polars otherwise (an MMSI or IMO spelt otherwise, a NaN static field) sends its block
  to polars.
A file read this way does not import polars (0.1 s of a CSV ingest's start-up), and DuckDB's
typed CSV reader is about a fifth of the CPU time of pyarrow's parse and polars' casts.
"""

from __future__ import annotations

import functools
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from oiltrail.ais.schema import STATIC_FIELDS
from oiltrail.ais.sources import LINE_CUT_MARK

# The formats read here: times ISO 8601 with `T` (what MarineCadastre writes, and what the
# general time parser reads the same way); DMA's text codes go to polars.
SQL_FORMATS = ("marinecadastre", "csv")
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"
UINT32_MAX = 2**32 - 1
# Bytes whose presence makes a block not plain (see the module's docstring).
NOT_PLAIN = (b"\t", b"\x0b", b"\x0c", b"\x00", b"\n\n", LINE_CUT_MARK)
MAX_LOOKS = 1000  # occurrences of `_` or `+-` looked at in a block; more: not plain
UNICODE_SPACES = (b"\xc2\x85", b"\xc2\xa0", b"\xe1\x9a\x80", b"\xe2\x80", b"\xe2\x81\x9f",
                  b"\xe3\x80\x80")  # fmt: skip
FLOATS = ("lat", "lon", "sog", "cog", "heading", "nav_status", "ship_type", "length", "width",
          "draught")  # fmt: skip
TEXTS = ("name", "callsign", "destination")
INTEGER = "[+-]?[0-9]{1,18}"  # polars' Int64 cast reads this (stripped), and no more
FETCH_ROWS = 1 << 16


def plain_bytes(data: bytes, typed: frozenset[int]) -> bool:
    """Whether a block's bytes (its header line included) leave DuckDB one row a line, each
    value read as polars reads it (the values are checked one by one after); `typed`: the
    fields DuckDB reads as numbers or times. The cheap scans first (each is one pass over
    the block)."""
    if not data.isascii() and any(s in data for s in UNICODE_SPACES):
        return False
    if data.startswith((b"\n", b"\r\n")) or any(b in data for b in NOT_PLAIN):
        return False
    if b"\r" in data and (b"\n\r\n" in data or data.count(b"\r") != data.count(b"\r\n")):
        return False  # a lone CR, or an empty line ended by CR LF
    if b"_" in data and _in_fields(data, b"_", typed):  # DuckDB reads `1_000` as 1000
        return False
    if b"+" in data and _in_fields(data, b"+-", typed):  # and `+-1` as -1
        return False
    return _quotes_empty_fields(data)


def _quotes_empty_fields(data: bytes) -> bool:
    """Whether every `"` is of an empty quoted field after a comma (`,"",` as the simulator
    and some exports write an empty text): the one quoting both readers read alike."""
    quotes = data.count(b'"')
    if not quotes:
        return True
    pairs = data.count(b',"",')  # `,"","",` counts one: then not plain
    if 2 * pairs != quotes:  # some at a line's end
        pairs += data.count(b',""\n') + data.count(b',""\r\n') + data.endswith(b',""')
    return 2 * pairs == quotes


def _in_fields(data: bytes, needle: bytes, fields: frozenset[int]) -> bool:
    """Whether `needle` is in one of the `fields` (0-based) of a line of `data` (no quoted
    commas: only empty quoted fields)."""
    at = data.find(needle)
    for _ in range(MAX_LOOKS):
        if at < 0:
            return False
        start = data.rfind(b"\n", 0, at) + 1
        if data.count(b",", start, at) in fields:
            return True
        at = data.find(needle, at + 1)
    return at >= 0


def raw_line(line: bytes) -> str:
    """A plain line's fields joined by commas, as pyarrow reads them (empty quoted fields
    empty)."""
    return line.removesuffix(b"\r").replace(b',""', b",").decode("utf-8")


def _in_range(v: str, hi: int, otherwise: str) -> str:
    return (
        f"CASE WHEN {v} IS NULL THEN NULL WHEN {v} BETWEEN 0 AND {hi} THEN {v} ELSE {otherwise} END"
    )


def column_types(names: list[str], cols: dict[str, str]) -> dict[str, str]:
    """DuckDB's type for each field (`c0`, `c1`…): numbers and the time typed, others text."""
    types = {f"c{i}": "VARCHAR" for i in range(len(names))}
    for name in FLOATS:
        if name in cols:
            types[f"c{names.index(cols[name])}"] = "DOUBLE"
    types[f"c{names.index(cols['ts'])}"] = "TIMESTAMP"
    return types


def canonical_sql(path: Path, names: list[str], cols: dict[str, str]) -> str:
    """One query for the file at `path`: canonical columns, `blank` and `declined` per row.

    Each value is computed once, in an inner SELECT, and tested in the outer one (DuckDB
    evaluated a CASE's repeated expression each time)."""
    col = {c: f"c{names.index(h)}" for c, h in cols.items()}
    types = column_types(names, cols)
    inner = [*col.values()]
    declined: list[str] = []

    def integer(name: str, prefix: str = "") -> str:
        """An integer spelt `[+-]digits` (after `prefix`, once): others decline."""
        c = col.get(name)
        if c is None:
            return "NULL::BIGINT"
        spelling = f" *({prefix})?{INTEGER} *" if prefix else f" *{INTEGER} *"
        declined.append(f"({c} <> '' AND NOT regexp_full_match({c}, '{spelling}'))")
        text = f"replace({c}, '{prefix}', '')" if prefix else c  # the spelling has it once
        inner.append(f"TRY_CAST({text} AS BIGINT) AS _{name}")
        return f"_{name}"

    def text(name: str) -> str:
        c = col.get(name)
        if c is None:
            return "NULL::VARCHAR"
        inner.append(f"trim({c}) AS _{name}")
        return f"CASE WHEN _{name} IN ('', 'Unknown', 'Undefined') THEN NULL ELSE _{name} END"

    def value(name: str) -> str:
        return col.get(name, "NULL::DOUBLE")

    nav = "NULL::BIGINT"
    if "nav_status" in col:
        inner.append(f"TRY_CAST(trunc({col['nav_status']}) AS BIGINT) AS _nav_status")
        nav = "_nav_status"
    out = {
        "mmsi": _in_range(integer("mmsi"), UINT32_MAX, "0"),
        "ts": col["ts"],
        **{n: value(n) for n in ("lat", "lon", "sog", "cog", "heading")},
        "nav_status": _in_range(nav, 255, "NULL"),
        "imo": _in_range(integer("imo", "IMO"), UINT32_MAX, "NULL"),
        "name": text("name"),
        "callsign": text("callsign"),
        **{n: value(n) for n in ("ship_type", "length", "width", "draught")},
        "destination": text("destination"),
    }
    # NaN in a static field: polars' and DuckDB's comparisons of NaN are not checked alike.
    declined += [
        f"isnan({col[n]})" for n in ("ship_type", "length", "width", "draught") if n in col
    ]
    # Blank: every field empty or spaces (a typed field is then NULL); checked in full only
    # where the first field is such.
    empty = [f"trim({c}) = ''" if t == "VARCHAR" else f"{c} IS NULL" for c, t in types.items()]
    inner.append(f"CASE WHEN {empty[0]} THEN {' AND '.join(empty)} ELSE false END AS blank")
    inner.append(f"coalesce({' OR '.join(declined) or 'false'}, false) AS declined")
    select = ", ".join(f"{e} AS {n}" for n, e in out.items())
    columns = ", ".join(f"'{c}': '{t}'" for c, t in types.items())
    varchar = ", ".join(f"'{c}'" for c, t in types.items() if t == "VARCHAR")
    source = (
        f"read_csv('{str(path).replace(chr(39), chr(39) * 2)}', skip = 1, header = false, "
        f"auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
        f"columns = {{{columns}}}, timestampformat = '{TIME_FORMAT}', "
        f"force_not_null = [{varchar}])"
    )
    return (
        f"SELECT {select}, blank, declined FROM (SELECT {', '.join(dict.fromkeys(inner))} "
        f"FROM {source})"
    )


class SqlRows:
    """DuckDB's canonical rows of one CSV file (ais.csv_sql), taken block by block."""

    def __init__(self, path: Path, names: list[str], cols: dict[str, str]) -> None:
        self.con = duckdb.connect()
        self.con.execute("SET threads = 1")  # the decode thread's core: 2 read no faster
        self._reader: pa.RecordBatchReader | None = None
        self._sql = canonical_sql(path, names, cols)
        types = column_types(names, cols)
        self.typed = frozenset(i for i, t in enumerate(types.values()) if t != "VARCHAR")
        self._held: list[pa.RecordBatch] = []
        self._held_rows = 0

    @property
    def open(self) -> bool:
        return self.con is not None

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None  # type: ignore[assignment]

    def take(self, count: int, first_line: int) -> tuple[pa.Table, pa.Array | None] | None:
        """The next `count` rows (lines `first_line`…) as canonical columns with `line` and
        `row`, blank rows dropped (with the mask of rows kept, else None); None where polars
        is needed. An error (DuckDB's or not enough rows) closes this: the rest of the file
        goes to polars."""
        try:
            rows = self._next(count)
        except duckdb.Error:
            rows = None
        if rows is None:
            self.close()
            return None
        lines = np.arange(first_line, first_line + count, dtype=np.int64)
        rows = rows.append_column("line", pa.array(lines))
        if count and pc.any(rows["declined"]).as_py():
            return None
        kept = None
        if count and pc.any(rows["blank"]).as_py():
            kept = pc.invert(rows["blank"].combine_chunks())
            rows = rows.filter(kept)
        rows = rows.drop_columns(["blank", "declined"])
        row = pa.array(np.arange(rows.num_rows, dtype=np.int64))
        return rows.append_column("row", row), kept

    def _next(self, count: int) -> pa.Table | None:
        if self._reader is None:
            self._reader = self.con.execute(self._sql).to_arrow_reader(FETCH_ROWS)
        while self._held_rows < count:
            try:
                batch = self._reader.read_next_batch()
            except StopIteration:
                return None
            self._held.append(batch)
            self._held_rows += batch.num_rows
        table = pa.Table.from_batches(self._held, self._reader.schema)
        self._held = table.slice(count).to_batches()
        self._held_rows -= count
        return table.slice(0, count)

    @staticmethod
    def static_changes(canon: pa.Table) -> pa.Table:
        """Rows where a vessel's static fields differ from its previous row (or its first row),
        in (mmsi, ts) order, nulls first: ais.csv_polars.static_changes in Arrow."""
        has_any = functools.reduce(pc.or_, [pc.is_valid(canon[f]) for f in STATIC_FIELDS])
        rows = canon.filter(has_any)
        keys = [(k, "ascending", "at_start") for k in ("mmsi", "ts", "row")]
        rows = rows.take(pc.sort_indices(rows, sort_keys=keys))
        n = rows.num_rows
        if n < 2:
            return rows
        changed = np.zeros(n, dtype=bool)
        changed[0] = True
        for f in ("mmsi", *STATIC_FIELDS):
            col = rows[f].combine_chunks()
            now, before = col.slice(1), col.slice(0, n - 1)
            differ = pc.not_equal(now, before)  # null where either is null
            if f == "mmsi":  # polars: a null MMSI on either side keeps the row
                differ = pc.fill_null(differ, True)
            else:  # a missing value differs from a present one (polars' ne_missing)
                differ = pc.fill_null(differ, pc.xor(pc.is_valid(now), pc.is_valid(before)))
            changed[1:] |= differ.to_numpy(zero_copy_only=False)
        return rows.filter(pa.array(changed))
