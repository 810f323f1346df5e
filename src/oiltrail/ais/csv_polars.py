"""An AIS CSV block's text columns → canonical rows in polars: every spelling this reader
knows (DMA's text codes, times in any common spelling, ais.times), and each unparseable
required value found. Imported only for a block the SQL path (ais.csv_sql) declines.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pyarrow as pa

from oiltrail.ais.csv_columns import REQUIRED
from oiltrail.ais.schema import STATIC_FIELDS
from oiltrail.ais.times import parse_time_column

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
UINT32_MAX = 2**32 - 1
LINE = "\x00line"  # the column of each row's line number (no CSV header is spelt so)


def _num(col: str | None, dtype: DType) -> pl.Expr:
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


def canonical_frame(df: pl.DataFrame, fmt: str, cols: dict[str, str]) -> pl.DataFrame:
    """The canonical columns of `df` (which has LINE: each row's line in the file)."""
    c = cols.get
    # Codes as numbers (MarineCadastre, NARI) or as DMA's text, in any file.
    nav_code = _in_range(_num(c("nav_status"), pl.Float64), 0, 255, None)
    nav = pl.coalesce([nav_code, _lookup(c("nav_status"), NAV_STATUS_TEXT, pl.Int64)])
    ship_code = _num(c("ship_type"), pl.Float64)
    ship = pl.coalesce([ship_code, _lookup(c("ship_type"), SHIP_TYPE_TEXT, pl.Float64)])
    ts = parse_time_column(df[cols["ts"]], TIME_FORMATS.get(fmt))
    return df.select(
        mmsi=_in_range(_num(c("mmsi"), pl.Int64), 0, UINT32_MAX, 0),
        ts=ts,
        lat=_num(c("lat"), pl.Float64),
        lon=_num(c("lon"), pl.Float64),
        sog=_num(c("sog"), pl.Float64),
        cog=_num(c("cog"), pl.Float64),
        heading=_num(c("heading"), pl.Float64),
        nav_status=nav,
        imo=_in_range(_num_prefixed(c("imo"), "IMO"), 0, UINT32_MAX, None),
        name=_text(c("name")),
        callsign=_text(c("callsign")),
        ship_type=ship,
        length=_num(c("length"), pl.Float64),
        width=_num(c("width"), pl.Float64),
        draught=_num(c("draught"), pl.Float64),
        destination=_text(c("destination")),
        line=pl.col(LINE),
        row=pl.int_range(0, df.height, dtype=pl.Int64),
    )


def unparseable(df: pl.DataFrame, canon: pl.DataFrame, cols: dict[str, str]) -> np.ndarray:
    """Reason per row where a required value is present but does not parse ("" otherwise)."""
    reason = np.full(df.height, "", dtype=object)
    for name in reversed(REQUIRED):
        raw = df[cols[name]].str.strip_chars()
        bad = (raw.is_not_null() & (raw != "") & canon[name].is_null()).to_numpy()
        reason[bad] = f"unparseable:{name}"
    return reason


def static_changes(canon: pl.DataFrame) -> pl.DataFrame:
    """Rows where a vessel's static fields differ from its previous row (or its first row)."""
    has_any = pl.any_horizontal([pl.col(f).is_not_null() for f in STATIC_FIELDS])
    ordered = canon.filter(has_any).sort(["mmsi", "ts"], maintain_order=True)
    changed = pl.col("mmsi") != pl.col("mmsi").shift(1)
    for f in STATIC_FIELDS:
        changed = changed | pl.col(f).ne_missing(pl.col(f).shift(1))
    return ordered.filter(changed.fill_null(True))


def frame(table: pa.Table, lines: np.ndarray, names: list[str]) -> tuple[pl.DataFrame, int]:
    """A block's text columns with LINE, blank rows dropped, and how many there were."""
    df = pl.from_arrow(table)
    assert isinstance(df, pl.DataFrame)
    df = df.with_columns(pl.Series(LINE, lines, pl.Int64))
    blank = pl.all_horizontal([pl.col(h).str.strip_chars() == "" for h in names])
    n_blank = int(df.select(blank.sum()).item() or 0)
    if n_blank:
        df = df.filter(~blank)
    return df, n_blank


def not_vessels(df: pl.DataFrame, mobile: str) -> tuple[pl.DataFrame, list[tuple[str, int]]]:
    """DMA's rows of base stations and aids to navigation dropped, and counted by kind."""
    not_vessel = df[mobile].is_in(DMA_SKIPPED_MOBILES)
    counts = [(str(k), int(n)) for k, n in df.filter(not_vessel)[mobile].value_counts().iter_rows()]
    return df.filter(~not_vessel), counts


def raw_rows(df: pl.DataFrame, names: list[str], rows: np.ndarray) -> list[str]:
    """The rows' text as read (only quarantined rows need it: not made for the rest)."""
    all_cols = [pl.col(h).fill_null("") for h in names]
    picked = df[pl.Series(np.asarray(rows, np.int64))]
    raw = picked.select(pl.concat_str(all_cols, separator=",").alias("raw"))["raw"]
    return [str(r) for r in raw]


def keep(df: pl.DataFrame, rows: np.ndarray) -> pl.DataFrame:
    """The rows of `df` where the mask `rows` is true."""
    return df.filter(pl.Series(rows))
