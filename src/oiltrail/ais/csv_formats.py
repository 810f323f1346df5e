"""MarineCadastre and Danish Maritime Authority CSV → canonical rows, streamed in batches.

pyarrow's streaming CSV reader yields string batches; polars casts them (unparseable values
become nulls, caught below as `unparseable:<column>`). A static report is kept where a vessel's
static fields change (plus the first row of each vessel in a batch), not on every row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import BinaryIO

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv

from oiltrail.ais.decoded import Decoded, Quarantine, split_valid
from oiltrail.ais.schema import POSITIONS, STATIC, STATIC_FIELDS

CSV_BLOCK_BYTES = 16 << 20

# Canonical column ← source column, per format.
MARINECADASTRE = {
    "mmsi": "MMSI", "ts": "BaseDateTime", "lat": "LAT", "lon": "LON", "sog": "SOG",
    "cog": "COG", "heading": "Heading", "nav_status": "Status", "name": "VesselName",
    "imo": "IMO", "callsign": "CallSign", "ship_type": "VesselType", "length": "Length",
    "width": "Width", "draught": "Draft",
}  # fmt: skip
DMA = {
    "ts": "# Timestamp", "mmsi": "MMSI", "lat": "Latitude", "lon": "Longitude",
    "nav_status": "Navigational status", "sog": "SOG", "cog": "COG", "heading": "Heading",
    "imo": "IMO", "callsign": "Callsign", "name": "Name", "ship_type": "Ship type",
    "width": "Width", "length": "Length", "draught": "Draught", "destination": "Destination",
}  # fmt: skip
TIME_FORMATS = {"marinecadastre": "%Y-%m-%dT%H:%M:%S", "dma": "%d/%m/%Y %H:%M:%S"}
DType = pl.DataType | type[pl.DataType]
REQUIRED = ("mmsi", "ts", "lat", "lon")
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


def normalise_header(name: str) -> str:
    return name.strip().strip('"').lstrip("\ufeff").strip().lower()


def column_map(fmt: str, header: list[str]) -> dict[str, str]:
    """Canonical name → the file's own spelling of that column (case-insensitive)."""
    wanted = MARINECADASTRE if fmt == "marinecadastre" else DMA
    by_norm = {normalise_header(h): h for h in header}
    out = {}
    for canon, col in wanted.items():
        norm = col.lower()
        if norm == "# timestamp" and norm not in by_norm:
            norm = "timestamp"
        if norm in by_norm:
            out[canon] = by_norm[norm]
    return out


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


def _text(col: str | None) -> pl.Expr:
    if col is None:
        return pl.lit(None, pl.Utf8)
    value = pl.col(col).str.strip_chars()
    return pl.when(value.is_in(["", "Unknown", "Undefined"])).then(None).otherwise(value)


def _canonical_frame(
    df: pl.DataFrame, fmt: str, cols: dict[str, str], first_line: int
) -> pl.DataFrame:
    c = cols.get
    if fmt == "dma":
        nav = _lookup(c("nav_status"), NAV_STATUS_TEXT, pl.Int64)
        ship = _lookup(c("ship_type"), SHIP_TYPE_TEXT, pl.Float64)
        imo = _num(df, c("imo"), pl.Int64)
    else:
        nav = _num(df, c("nav_status"), pl.Float64).cast(pl.Int64, strict=False)
        ship = _num(df, c("ship_type"), pl.Float64)
        imo = _num_prefixed(c("imo"), "IMO")
    ts = (
        pl.col(cols["ts"])
        .str.strip_chars()
        .str.to_datetime(TIME_FORMATS[fmt], strict=False, time_unit="us")
    )
    return df.select(
        mmsi=_num(df, c("mmsi"), pl.Int64),
        ts=ts,
        lat=_num(df, c("lat"), pl.Float64),
        lon=_num(df, c("lon"), pl.Float64),
        sog=_num(df, c("sog"), pl.Float64),
        cog=_num(df, c("cog"), pl.Float64),
        heading=_num(df, c("heading"), pl.Float64),
        nav_status=nav,
        imo=imo,
        name=_text(c("name")),
        callsign=_text(c("callsign")),
        ship_type=ship,
        length=_num(df, c("length"), pl.Float64),
        width=_num(df, c("width"), pl.Float64),
        draught=_num(df, c("draught"), pl.Float64),
        destination=_text(c("destination")),
        line=pl.int_range(first_line, first_line + df.height, dtype=pl.Int64),
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


class CsvReader:
    """Decode one MarineCadastre or DMA CSV stream in batches."""

    def __init__(self, name: str, fmt: str, header: list[str], now: int) -> None:
        self.name, self.fmt, self.header, self.now = name, fmt, header, now
        self.bad_rows: list[tuple[int, str]] = []

    def _on_invalid(self, row: pacsv.InvalidRow) -> str:
        self.bad_rows.append((-1 if row.number is None else row.number, row.text))
        return "skip"

    def batches(self, stream: BinaryIO, block_bytes: int = CSV_BLOCK_BYTES) -> Iterator[Decoded]:
        # Unique names (a DMA variant has an unnamed first column); every column read as text.
        names = [h or f"_column{i}" for i, h in enumerate(self.header)]
        reader = pacsv.open_csv(
            stream,
            read_options=pacsv.ReadOptions(
                block_size=block_bytes, column_names=names, skip_rows=1, encoding="utf8"
            ),
            parse_options=pacsv.ParseOptions(invalid_row_handler=self._on_invalid),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, strings_can_be_null=False
            ),
        )
        cols = column_map(self.fmt, names)
        next_line = 2  # line 1 is the header
        for batch in reader:
            df = pl.from_arrow(pa.Table.from_batches([batch]))
            yield self._decode(df, cols, next_line)  # type: ignore[arg-type]
            next_line += batch.num_rows
        if self.bad_rows:
            q = Quarantine(self.name)
            for number, text in self.bad_rows:
                q.add(number, "unparseable:columns", text)
            self.bad_rows = []
            yield Decoded(POSITIONS.empty_table(), STATIC.empty_table(), q.table())

    def _decode(self, df: pl.DataFrame, cols: dict[str, str], first_line: int) -> Decoded:
        skipped: Counter[str] = Counter()
        mobile = next((h for h in df.columns if normalise_header(h) == "type of mobile"), None)
        if self.fmt == "dma" and mobile is not None:
            not_vessel = df[mobile].is_in(DMA_SKIPPED_MOBILES)
            for kind, n in df.filter(not_vessel)[mobile].value_counts().iter_rows():
                skipped[f"not_a_vessel:{kind}"] += int(n)
            df = df.filter(~not_vessel)
        canon = _canonical_frame(df, self.fmt, cols, first_line)
        q = Quarantine(self.name)
        reason = _unparseable(df, canon, cols)
        bad = np.flatnonzero(reason != "")
        all_cols = [pl.col(h).fill_null("") for h in df.columns]
        raw_text = df.select(pl.concat_str(all_cols, separator=",").alias("raw"))["raw"]

        def raw_of(rows: np.ndarray) -> list[str]:
            return [str(raw_text[int(r)]) for r in rows]

        if len(bad):
            lines = canon["line"].to_numpy()[bad]
            q.extend(lines.tolist(), [str(r) for r in reason[bad]], raw_of(bad))
            canon = canon.filter(pl.Series(reason == ""))
        static = _static_changes(canon)
        pos, st, bad_imo = split_valid(canon.to_arrow(), static.to_arrow(), raw_of, q, self.now)
        return Decoded(pos, st, q.table(), skipped=skipped, invalid_imo=bad_imo, source=q.file)
