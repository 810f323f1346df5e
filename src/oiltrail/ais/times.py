"""Times as AIS CSV files write them, every common spelling → UTC microseconds.

Accepted, per value (a file may mix them): ISO 8601 with `T` or a space, with or without
fractional seconds, seconds or a zone (`Z`, `UTC`, `+02:00`, `+0200`: converted to UTC);
`dd/mm/yyyy HH:MM[:SS]` (DMA's day-first order; a month-first US date reads as a day-first one
where the day is at most 12, so such a file should say ISO); `yyyymmdd_HHMMSS` (Spire);
Unix epoch seconds (9 to 10 digits, optional fraction) or milliseconds (13 digits).
A value that matches none is null, and the reader quarantines its row as `unparseable:ts`.
"""

from __future__ import annotations

import polars as pl

# Tried in this order on the value without its zone; `%.f` also matches no fraction at all.
TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S%.f",
    "%d/%m/%Y %H:%M",
    "%Y/%m/%d %H:%M:%S%.f",
    "%Y%m%d_%H%M%S",
)
_ZONE = r"\s*(Z|UTC|[+-]\d{2}:?\d{2})$"
_ISO_T = r"^(\d{4}-\d{2}-\d{2})T"
_EPOCH_S = r"^\d{9,10}(\.\d+)?$"
_EPOCH_MS = r"^\d{13}$"


def parse_times(text: pl.Expr) -> pl.Expr:
    """UTC datetimes (µs, naive) of the text column `text`; null where no spelling fits."""
    value = text.str.strip_chars()
    zone = value.str.extract(_ZONE, 1)
    body = value.str.replace(_ZONE, "").str.replace(_ISO_T, "${1} ")
    sign = pl.when(zone.str.starts_with("-")).then(-1).otherwise(1)
    digits = zone.str.replace_all(r"[^0-9]", "")
    hours = digits.str.slice(0, 2).cast(pl.Int64, strict=False)
    minutes = digits.str.slice(2, 2).cast(pl.Int64, strict=False)
    four = digits.str.len_chars() == 4
    offset_min = pl.when(four).then(sign * (hours * 60 + minutes)).otherwise(0)
    local = pl.coalesce(
        [body.str.to_datetime(f, strict=False, time_unit="us") for f in TIME_FORMATS]
    )
    local = local - pl.duration(minutes=offset_min)
    epoch_s = pl.when(body.str.contains(_EPOCH_S)).then(body.cast(pl.Float64, strict=False))
    epoch_ms = pl.when(body.str.contains(_EPOCH_MS)).then(body.cast(pl.Float64, strict=False))
    epoch_us = pl.coalesce([epoch_s * 1_000_000, epoch_ms * 1_000])
    from_epoch = epoch_us.round(0).cast(pl.Int64, strict=False).cast(pl.Datetime("us"))
    return pl.coalesce([local, from_epoch])


def parse_time_column(column: pl.Series, fast_format: str | None = None) -> pl.Series:
    """`column` (text) as UTC datetimes: the format's own spelling first, the general parser
    only when some value does not fit it (a MarineCadastre file pays for one parse)."""
    text = column.str.strip_chars()
    if fast_format is not None:
        fast = text.str.to_datetime(fast_format, strict=False, time_unit="us")
        if fast.null_count() == (text.is_null() | (text == "")).sum():
            return fast
    return pl.DataFrame({"t": text}).select(parse_times(pl.col("t"))).to_series()
