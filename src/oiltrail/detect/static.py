"""Detectors over static reports (docs/events.md): identity changes and draught changes.

A change is counted between a vessel's consecutive *known* values: empty names, IMO 0 or
failing its check digit, and impossible draughts (outside (0, max_draught_m]) are skipped,
never read as a change.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa

from oiltrail.ais.validate import valid_imo
from oiltrail.detect.params import DraughtParams, IdentityParams

Row = dict[str, Any]
_TEXT = ("name", "callsign")


def _frame(static: pa.Table) -> pl.DataFrame:
    cols = ["mmsi", "ts", "imo", "name", "callsign", "draught"]
    df = pl.from_arrow(static.select([c for c in cols if c in static.column_names]))
    assert isinstance(df, pl.DataFrame)
    for c in cols:
        if c not in df.columns:
            df = df.with_columns(pl.lit(None).alias(c))
    exprs = [
        pl.col(c)
        .cast(pl.Utf8)
        .str.replace_all(r"@+$", "")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
        .str.to_uppercase()
        .replace("", None)
        .alias(c)
        for c in _TEXT
    ]
    imo = pl.col("imo").cast(pl.Int64, strict=False)
    # An IMO failing its check digit is an identity anomaly (detect/identity.py), not a value
    # to compare: it is skipped here like a missing one.
    shaped = df.get_column("imo").cast(pl.Int64, strict=False).drop_nulls().unique().to_numpy()
    ok, _ = valid_imo(shaped.astype(np.int64))
    good = pl.Series(shaped[ok], dtype=pl.Int64)
    exprs.append(pl.when(imo.is_in(good.implode())).then(imo).alias("imo"))
    df = df.with_columns(
        pl.col("mmsi").cast(pl.Int64), pl.col("ts").cast(pl.Datetime("us")), *exprs
    )
    return df.filter(pl.col("mmsi").is_not_null() & pl.col("ts").is_not_null()).sort(
        ["mmsi", "ts"], maintain_order=True
    )


def detect_identity_changes(static: pa.Table, p: IdentityParams) -> list[Row]:
    """Same MMSI with a new name/IMO/callsign (one event per report), or same IMO, new MMSI."""
    if static.num_rows == 0:
        return []
    df = _frame(static)
    fields = [f for f in p.fields if f in ("name", "imo", "callsign")]
    prev = [pl.col(f).forward_fill().shift(1).over("mmsi").alias(f"prev_{f}") for f in fields]
    df = df.with_columns(prev)
    changed = [
        (
            pl.col(f).is_not_null()
            & pl.col(f"prev_{f}").is_not_null()
            & (pl.col(f) != pl.col(f"prev_{f}"))
        ).alias(f"chg_{f}")
        for f in fields
    ]
    df = df.with_columns(changed)
    rows: list[Row] = []
    if fields:
        hits = df.filter(pl.any_horizontal([pl.col(f"chg_{f}") for f in fields]))
        for r in hits.iter_rows(named=True):
            changes = {
                f: {"before": r[f"prev_{f}"], "after": r[f]} for f in fields if r[f"chg_{f}"]
            }
            rows.append(
                {
                    "kind": "identity_change",
                    "mmsi": r["mmsi"],
                    "start": r["ts"],
                    "end": r["ts"],
                    "details": {"change": "same_mmsi", "fields": sorted(changes), **changes},
                }
            )
    if "imo" in fields:
        rows.extend(_imo_moves(df))
    return rows


def _imo_moves(df: pl.DataFrame) -> list[Row]:
    """The first report of an IMO under each MMSI after its first MMSI, when the MMSI before
    had stopped using it (a handover; two MMSIs using it at once is an identity anomaly)."""
    firsts = (
        df.filter(pl.col("imo").is_not_null())
        .group_by(["imo", "mmsi"])
        .agg(pl.col("ts").min(), pl.col("ts").max().alias("last"))
        .sort(["imo", "ts", "mmsi"])
        .with_columns(
            pl.col("mmsi").shift(1).over("imo").alias("prev_mmsi"),
            pl.col("last").shift(1).over("imo").alias("prev_last"),
        )
        .filter(pl.col("prev_mmsi").is_not_null() & (pl.col("prev_last") <= pl.col("ts")))
    )
    return [
        {
            "kind": "identity_change",
            "mmsi": r["mmsi"],
            "start": r["ts"],
            "end": r["ts"],
            "details": {
                "change": "same_imo",
                "fields": ["mmsi"],
                "imo": r["imo"],
                "mmsi": {"before": r["prev_mmsi"], "after": r["mmsi"]},
            },
        }
        for r in firsts.iter_rows(named=True)
    ]


def detect_draught_changes(static: pa.Table, p: DraughtParams) -> list[Row]:
    """Consecutive plausible draughts of one vessel differing by at least `min_change_m`."""
    if static.num_rows == 0:
        return []
    df = _frame(static)
    d = pl.col("draught").cast(pl.Float64)
    df = df.filter(d.is_not_null() & d.is_finite() & (d > 0) & (d <= p.max_draught_m))
    df = df.with_columns(
        d.round(2).alias("after"),
        d.round(2).shift(1).over("mmsi").alias("before"),
        pl.col("ts").shift(1).over("mmsi").alias("previous_ts"),
    ).with_columns((pl.col("after") - pl.col("before")).round(2).alias("delta_m"))
    hits = df.filter(pl.col("delta_m").abs() >= p.min_change_m - 1e-6)
    return [
        {
            "kind": "draught_change",
            "mmsi": r["mmsi"],
            "start": r["ts"],
            "end": r["ts"],
            "details": {
                "draught_before_m": r["before"],
                "draught_after_m": r["after"],
                "delta_m": r["delta_m"],
                "direction": "loaded" if r["delta_m"] > 0 else "discharged",
                "previous_report": r["previous_ts"].strftime("%Y-%m-%dT%H:%M:%SZ"),
                "hours_since_previous_report": (r["ts"] - r["previous_ts"]).total_seconds() / 3600,
            },
        }
        for r in hits.iter_rows(named=True)
    ]
