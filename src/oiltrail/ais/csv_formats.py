"""MarineCadastre, Danish Maritime Authority and other AIS CSV → canonical rows, in batches.

The file is read in blocks of whole lines (ais.sources.read_blocks: a line longer than any
AIS row is cut), each parsed by pyarrow with every column as text, so each row keeps its own
line number and one damaged line costs one quarantine row: a block whose rows do not match
its lines one to one (a stray `"` joins lines) is parsed again line by line. Bytes that are
not UTF-8 become U+FFFD (counted, never a lost file). The text becomes numbers and times in
DuckDB SQL where that gives what polars gives (ais.csv_sql: MarineCadastre's plain numbers
and ISO times), else in polars (ais.csv_polars: DMA's text codes, times in every common
spelling, unparseable values caught as `unparseable:<column>`). A static report is kept
where a vessel's static fields change (plus the first row of each vessel in a batch), not on
every row.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.csv as pacsv

from oiltrail.ais.csv_columns import REQUIRED, column_map, normalise_header
from oiltrail.ais.csv_sql import SQL_FORMATS, SqlRows, plain_bytes, raw_line
from oiltrail.ais.decoded import Decoded, Quarantine, split_valid
from oiltrail.ais.sources import read_blocks

CSV_BLOCK_BYTES = 16 << 20
Lines = npt.NDArray[np.int64]


class CsvReader:
    """Decode one AIS CSV stream (MarineCadastre, DMA or other) in batches."""

    def __init__(self, name: str, fmt: str, header: list[str], now: int) -> None:
        self.name, self.fmt, self.header, self.now = name, fmt, header, now
        self.replaced_bytes = 0  # bytes that were not UTF-8, read as U+FFFD
        # Unique names (a DMA variant has an unnamed first column); every column read as text.
        self.names = [h or f"_column{i}" for i, h in enumerate(header)]
        self.cols = column_map(fmt, self.names)

    def batches(
        self, stream: BinaryIO, block_bytes: int = CSV_BLOCK_BYTES, path: Path | None = None
    ) -> Iterator[Decoded]:
        """The stream's batches, one a block; `path`: the file the stream reads, as it is on
        disk (not compressed), for DuckDB to read beside it (ais.csv_sql)."""
        sql = None
        if path is not None and self.fmt in SQL_FORMATS and self._sql_columns():
            sql = SqlRows(path, self.names, self.cols)
        try:
            line = 1  # lines before the block
            for n, block in enumerate(read_blocks(stream, block_bytes)):
                data = bytes(block.data)
                plain = sql is not None and sql.open and plain_bytes(data, sql.typed)
                if n == 0:  # the header (already read by ais.detect_format)
                    cut = data.find(b"\n") + 1
                    data, line = (data[cut:], 2) if cut else (b"", 1)
                if not data:
                    continue
                replaced = self.replaced_bytes
                data = self._utf8(data)
                plain = plain and self.replaced_bytes == replaced
                count = data.count(b"\n") + (not data.endswith(b"\n"))
                if sql is not None and not plain:
                    sql.close()  # DuckDB's rows no longer match the lines
                got = sql.take(count, line) if sql is not None and sql.open else None
                if sql is not None and got is not None:
                    yield self._decode_sql(sql, data, line, *got)
                else:
                    yield self._decode_polars(*self._parse(data, line))
                line += count
        finally:
            if sql is not None:
                sql.close()

    def _sql_columns(self) -> bool:
        """Whether DuckDB can name this file's columns: each once, the required ones found."""
        return len(set(self.names)) == len(self.names) and all(c in self.cols for c in REQUIRED)

    def _utf8(self, data: bytes) -> bytes:
        try:
            data.decode("utf-8")
            return data
        except UnicodeDecodeError:
            text = data.decode("utf-8", "replace")
            self.replaced_bytes += text.count("\ufffd")
            return text.encode("utf-8")

    def _parse(self, data: bytes, first: int) -> tuple[pa.Table, Lines, Quarantine, Counter[str]]:
        """The rows of `data` (lines `first`…) as text and their line numbers; rows with the
        wrong number of fields quarantined, blank lines among them counted."""
        q, skipped = Quarantine(self.name), Counter[str]()
        bad: list[tuple[int, str]] = []

        def on_invalid(row: pacsv.InvalidRow) -> str:
            bad.append((-1 if row.number is None else row.number, row.text))
            return "skip"

        try:
            table = pacsv.read_csv(
                pa.py_buffer(data),
                read_options=pacsv.ReadOptions(use_threads=False, column_names=self.names),
                parse_options=pacsv.ParseOptions(
                    invalid_row_handler=on_invalid, ignore_empty_lines=False
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types={n: pa.string() for n in self.names}, strings_can_be_null=False
                ),
            )
            count = data.count(b"\n") + (not data.endswith(b"\n"))
            rel = np.setdiff1d(np.arange(1, count + 1), [b for b, _ in bad])
            one_to_one = (
                table.num_rows + len(bad) == count
                and all(b > 0 and "\n" not in t for b, t in bad)
                and len(rel) == table.num_rows
            )
        except pa.ArrowInvalid:
            one_to_one = False
        if not one_to_one:
            table, rel, bad = self._line_by_line(data)
        for number, text in bad:
            if text.strip():
                q.add(first - 1 + number, "unparseable:columns", text)
            else:
                skipped["blank_line"] += 1
        return table, np.asarray(rel + (first - 1), np.int64), q, skipped

    def _line_by_line(self, data: bytes) -> tuple[pa.Table, Lines, list[tuple[int, str]]]:
        """The slow path for a block pyarrow reads otherwise than one row a line."""
        rows: list[list[str]] = []
        rel: list[int] = []
        bad: list[tuple[int, str]] = []
        for i, raw in enumerate(
            data.split(b"\n")[: data.count(b"\n") + (not data.endswith(b"\n"))]
        ):
            text = raw.decode("utf-8", "replace").rstrip("\r")
            try:
                fields = next(csv.reader([text]), [])
            except csv.Error:  # a field beyond the csv module's limit
                fields = []
            if len(fields) == len(self.names):
                rows.append(fields)
                rel.append(i + 1)
            else:
                bad.append((i + 1, text))
        columns = {n: pa.array([r[k] for r in rows], pa.string()) for k, n in enumerate(self.names)}
        return pa.table(columns), np.array(rel, np.int64), bad

    def _decode_sql(
        self, sql: SqlRows, data: bytes, first: int, canon: pa.Table, kept: pa.Array | None
    ) -> Decoded:
        """A plain block (ais.csv_sql.plain_bytes) from DuckDB's rows of it."""
        skipped = Counter[str]()
        if kept is not None:  # blank rows dropped
            skipped["blank_line"] += len(kept) - canon.num_rows
        kept_lines = canon["line"].to_numpy()

        def raw_of(rows: np.ndarray) -> list[str]:
            """The rows' lines as read (a plain block: its fields joined by commas)."""
            text = data.split(b"\n")
            at = kept_lines[np.asarray(rows, np.int64)] - first
            return [raw_line(text[i]) for i in at.tolist()]

        q = Quarantine(self.name)
        static = sql.static_changes(canon)
        pos, st, bad_imo = split_valid(canon, static, raw_of, q, self.now)
        return self._decoded(pos, st, bad_imo, q, skipped)

    def _decode_polars(
        self, table: pa.Table, lines: Lines, q: Quarantine, skipped: Counter[str]
    ) -> Decoded:
        from oiltrail.ais import csv_polars as cp  # only for what the SQL path declines

        df, n_blank = cp.frame(table, lines, self.names)
        if n_blank:
            skipped["blank_line"] += n_blank
        mobile = next((h for h in df.columns if normalise_header(h) == "type of mobile"), None)
        if self.fmt == "dma" and mobile is not None:
            df, not_vessels = cp.not_vessels(df, mobile)
            for kind, n in not_vessels:
                skipped[f"not_a_vessel:{kind}"] += n
        cols = self.cols
        canon = cp.canonical_frame(df, self.fmt, cols)
        reason = cp.unparseable(df, canon, cols)
        bad = np.flatnonzero(reason != "")

        def raw_of(rows: np.ndarray) -> list[str]:
            return cp.raw_rows(df, self.names, rows)

        if len(bad):
            bad_lines = canon["line"].to_numpy()[bad]
            q.extend(bad_lines.tolist(), [str(r) for r in reason[bad]], raw_of(bad))
            canon = cp.keep(canon, reason == "")
        static = cp.static_changes(canon)
        pos, st, bad_imo = split_valid(canon.to_arrow(), static.to_arrow(), raw_of, q, self.now)
        return self._decoded(pos, st, bad_imo, q, skipped)

    def _decoded(
        self, pos: pa.Table, st: pa.Table, bad_imo: int, q: Quarantine, skipped: Counter[str]
    ) -> Decoded:
        replaced, self.replaced_bytes = self.replaced_bytes, 0
        return Decoded(pos, st, q.table(), skipped=skipped, invalid_imo=bad_imo, source=q.file,
                       replaced_bytes=replaced)  # fmt: skip
