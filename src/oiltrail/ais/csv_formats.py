"""MarineCadastre, Danish Maritime Authority and other AIS CSV → canonical rows, in batches.

The file is read in blocks of whole lines (ais.sources.read_blocks: a line longer than any
AIS row is cut), each parsed by pyarrow with every column as text, so each row keeps its own
line number and one damaged line costs one quarantine row: a block whose rows do not match
its lines one to one (a stray `"` joins lines) is parsed again line by line. Bytes that are
not UTF-8 become U+FFFD (counted, never a lost file). Polars casts the text (unparseable
values become nulls, caught below as `unparseable:<column>`); times in every common
spelling (ais.times). A static report is kept where a vessel's static fields change (plus the
first row of each vessel in a batch), not on every row.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from typing import BinaryIO

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv

from oiltrail.ais.csv_columns import REQUIRED, column_map, normalise_header
from oiltrail.ais.decoded import Decoded, Quarantine, split_valid
from oiltrail.ais.schema import STATIC_FIELDS
from oiltrail.ais.sources import read_blocks
from oiltrail.ais.times import parse_time_column

CSV_BLOCK_BYTES = 16 << 20
# Each format's own time spelling, tried alone first (ais.times parses the rest).
TIME_FORMATS = {"marinecadastre": "%Y-%m-%dT%H:%M:%S", "dma": "%d/%m/%Y %H:%M:%S"}
DType = pl.DataType | type[pl.DataType]
# DMA writes navigational status as text (ITU-R M.1371 table 45).
NAV_STATUS_TEXT = {
    "under way using engine": 0, "at anchor": 1, "not under command": 2,
    "restricted maneuverability": 3, "restricted manoeuverability": 3,
    "constrained by her draught": 4, "moored": 5, "aground": 6, "engaged in fishing": 7,
    "under way sailing": 8, "reserved for future amendment [hsc]": 9,
    "reserved for future amendment [wig]": 10, "power-driven vessel towing astern": 11,
    "power-driven vessel pushing ahead or towing alongside": 12, "ais-sart": 14,
    "unknown value": 15,
}  # fmt: skip
# DMA ship type text → the first AIS code of that category (ITU-R M.1371 table 53).
SHIP_TYPE_TEXT = {
    "fishing": 30, "towing": 31, "towing long/wide": 32, "dredging": 33, "diving": 34,
    "military": 35, "sailing": 36, "pleasure": 37, "hsc": 40, "pilot": 50, "sar": 51,
    "tug": 52, "port tender": 53, "anti-pollution": 54, "law enforcement": 55, "medical": 58,
    "passenger": 60, "cargo": 70, "tanker": 80, "other": 90,
}  # fmt: skip
DMA_SKIPPED_MOBILES = ("Base Station", "AtoN")  # not vessels: counted, not stored


def _num(df: pl.DataFrame, col: str | None, dtype: DType) -> pl.Expr:
    if col is None:
        return pl.lit(None, dtype)
    return pl.col(col).str.strip_chars().cast(dtype, strict=False)


def _lookup(col: str | None, table: dict[str, int], dtype: DType) -> pl.Expr:
    """Text enum (case-insensitive) → code; unknown text → null."""
    if col is None:
        return pl.lit(None, dtype)
    value = pl.col(col).str.strip_chars().str.to_lowercase()
    return value.replace_strict(table, default=None, return_dtype=dtype)


def _num_prefixed(col: str | None, prefix: str) -> pl.Expr:
    """A number written with a prefix, as MarineCadastre writes `IMO9627980`."""
    if col is None:
        return pl.lit(None, pl.Int64)
    value = pl.col(col).str.strip_chars().str.strip_prefix(prefix)
    return value.cast(pl.Int64, strict=False)


UINT32_MAX = 2**32 - 1


def _in_range(value: pl.Expr, lo: int, hi: int, otherwise: int | None) -> pl.Expr:
    """`value` as Int64 where it is within [lo, hi]; `otherwise` elsewhere (0 for an MMSI: not
    9 digits, so `invalid_mmsi`; null for an IMO or status: missing). A number past 2^53
    would break the exact conversions after."""
    v = value.cast(pl.Int64, strict=False)
    inside = v.is_between(lo, hi)
    return pl.when(v.is_null()).then(None).when(inside).then(v).otherwise(otherwise)


def _text(col: str | None) -> pl.Expr:
    if col is None:
        return pl.lit(None, pl.Utf8)
    value = pl.col(col).str.strip_chars()
    return pl.when(value.is_in(["", "Unknown", "Undefined"])).then(None).otherwise(value)


def _canonical_frame(df: pl.DataFrame, fmt: str, cols: dict[str, str]) -> pl.DataFrame:
    """The canonical columns of `df` (which has LINE: each row's line in the file)."""
    c = cols.get
    # Codes as numbers (MarineCadastre, NARI) or as DMA's text, in any file.
    nav_code = _in_range(_num(df, c("nav_status"), pl.Float64), 0, 255, None)
    nav = pl.coalesce([nav_code, _lookup(c("nav_status"), NAV_STATUS_TEXT, pl.Int64)])
    ship_code = _num(df, c("ship_type"), pl.Float64)
    ship = pl.coalesce([ship_code, _lookup(c("ship_type"), SHIP_TYPE_TEXT, pl.Float64)])
    ts = parse_time_column(df[cols["ts"]], TIME_FORMATS.get(fmt))
    return df.select(
        mmsi=_in_range(_num(df, c("mmsi"), pl.Int64), 0, UINT32_MAX, 0),
        ts=ts,
        lat=_num(df, c("lat"), pl.Float64),
        lon=_num(df, c("lon"), pl.Float64),
        sog=_num(df, c("sog"), pl.Float64),
        cog=_num(df, c("cog"), pl.Float64),
        heading=_num(df, c("heading"), pl.Float64),
        nav_status=nav,
        imo=_in_range(_num_prefixed(c("imo"), "IMO"), 0, UINT32_MAX, None),
        name=_text(c("name")),
        callsign=_text(c("callsign")),
        ship_type=ship,
        length=_num(df, c("length"), pl.Float64),
        width=_num(df, c("width"), pl.Float64),
        draught=_num(df, c("draught"), pl.Float64),
        destination=_text(c("destination")),
        line=pl.col(LINE),
        row=pl.int_range(0, df.height, dtype=pl.Int64),
    )


def _unparseable(df: pl.DataFrame, canon: pl.DataFrame, cols: dict[str, str]) -> np.ndarray:
    """Reason per row where a required value is present but does not parse ("" otherwise)."""
    reason = np.full(df.height, "", dtype=object)
    for name in reversed(REQUIRED):
        raw = df[cols[name]].str.strip_chars()
        bad = (raw.is_not_null() & (raw != "") & canon[name].is_null()).to_numpy()
        reason[bad] = f"unparseable:{name}"
    return reason


def _static_changes(canon: pl.DataFrame) -> pl.DataFrame:
    """Rows where a vessel's static fields differ from its previous row (or its first row)."""
    has_any = pl.any_horizontal([pl.col(f).is_not_null() for f in STATIC_FIELDS])
    ordered = canon.filter(has_any).sort(["mmsi", "ts"], maintain_order=True)
    changed = pl.col("mmsi") != pl.col("mmsi").shift(1)
    for f in STATIC_FIELDS:
        changed = changed | pl.col(f).ne_missing(pl.col(f).shift(1))
    return ordered.filter(changed.fill_null(True))


LINE = "\x00line"  # the column of each row's line number (no CSV header is spelt so)
Lines = npt.NDArray[np.int64]


class CsvReader:
    """Decode one AIS CSV stream (MarineCadastre, DMA or other) in batches."""

    def __init__(self, name: str, fmt: str, header: list[str], now: int) -> None:
        self.name, self.fmt, self.header, self.now = name, fmt, header, now
        self.replaced_bytes = 0  # bytes that were not UTF-8, read as U+FFFD
        # Unique names (a DMA variant has an unnamed first column); every column read as text.
        self.names = [h or f"_column{i}" for i, h in enumerate(header)]
        self.cols = column_map(fmt, self.names)

    def batches(self, stream: BinaryIO, block_bytes: int = CSV_BLOCK_BYTES) -> Iterator[Decoded]:
        line = 1  # lines before the block
        for n, block in enumerate(read_blocks(stream, block_bytes)):
            data = bytes(block.data)
            if n == 0:  # the header (already read by ais.detect_format)
                cut = data.find(b"\n") + 1
                data, line = (data[cut:], 2) if cut else (b"", 1)
            if not data:
                continue
            data = self._utf8(data)
            count = data.count(b"\n") + (not data.endswith(b"\n"))
            yield self._decode(*self._parse(data, line))
            line += count

    def _utf8(self, data: bytes) -> bytes:
        try:
            data.decode("utf-8")
            return data
        except UnicodeDecodeError:
            text = data.decode("utf-8", "replace")
            self.replaced_bytes += text.count("\ufffd")
            return text.encode("utf-8")

    def _parse(self, data: bytes, first: int) -> tuple[pl.DataFrame, Quarantine, Counter[str]]:
        """The rows of `data` (lines `first`…) with their line numbers; rows with the wrong
        number of fields quarantined, blank lines counted."""
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
        df = pl.from_arrow(table)
        assert isinstance(df, pl.DataFrame)
        df = df.with_columns(pl.Series(LINE, rel + (first - 1), pl.Int64))
        blank = pl.all_horizontal([pl.col(h).str.strip_chars() == "" for h in self.names])
        n_blank = int(df.select(blank.sum()).item() or 0)
        if n_blank:
            skipped["blank_line"] += n_blank
            df = df.filter(~blank)
        return df, q, skipped

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

    def _decode(self, df: pl.DataFrame, q: Quarantine, skipped: Counter[str]) -> Decoded:
        mobile = next((h for h in df.columns if normalise_header(h) == "type of mobile"), None)
        if self.fmt == "dma" and mobile is not None:
            not_vessel = df[mobile].is_in(DMA_SKIPPED_MOBILES)
            for kind, n in df.filter(not_vessel)[mobile].value_counts().iter_rows():
                skipped[f"not_a_vessel:{kind}"] += int(n)
            df = df.filter(~not_vessel)
        cols = self.cols
        canon = _canonical_frame(df, self.fmt, cols)
        reason = _unparseable(df, canon, cols)
        bad = np.flatnonzero(reason != "")

        def raw_of(rows: np.ndarray) -> list[str]:
            """The rows' text as read (only quarantined rows need it: not made for the rest)."""
            all_cols = [pl.col(h).fill_null("") for h in self.names]
            picked = df[pl.Series(np.asarray(rows, np.int64))]
            raw = picked.select(pl.concat_str(all_cols, separator=",").alias("raw"))["raw"]
            return [str(r) for r in raw]

        if len(bad):
            lines = canon["line"].to_numpy()[bad]
            q.extend(lines.tolist(), [str(r) for r in reason[bad]], raw_of(bad))
            canon = canon.filter(pl.Series(reason == ""))
        static = _static_changes(canon)
        pos, st, bad_imo = split_valid(canon.to_arrow(), static.to_arrow(), raw_of, q, self.now)
        replaced, self.replaced_bytes = self.replaced_bytes, 0
        return Decoded(pos, st, q.table(), skipped=skipped, invalid_imo=bad_imo, source=q.file,
                       replaced_bytes=replaced)  # fmt: skip
