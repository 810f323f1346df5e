"""Validation (docs/inputs.md): one reason code per bad row (ais.schema.QUARANTINE_REASONS).

Choices where the spec is silent:
- MMSI: 9 digits and a ship-station MID, 201000000 ≤ MMSI < 776000000 (AISdb's vessel range);
  SART/aircraft/AtoN/coast-station numbers are `invalid_mmsi` here.
- Not-available values (sog 102.3, cog 360, heading 511) become NULL, as do invalid cog/heading
  (> 360); only coordinates, speed and time quarantine a position (lat 91/lon 181 = no position).
- IMO with a bad check digit (rigour.ids.IMO): the static row is kept with the IMO as reported
  and counted (the store flags it); a value that is not 7 digits is nulled.
- Times: after now + FUTURE_TOLERANCE is `future_time`; before AIS_EPOCH is `out_of_range:ts`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from oiltrail.ais.schema import POSITIONS, STATIC, TS

MMSI_MIN = 201_000_000  # first ship-station MID (201 Albania); AISdb uses the same range
MMSI_MAX = 775_999_999  # last ship-station MID 775 (Venezuela)
SOG_MAX_KNOTS = 102.3  # 10-bit field / 10; 102.3 itself means "not available"
FUTURE_TOLERANCE = timedelta(minutes=5)  # receiver clocks drift a little
AIS_EPOCH = datetime(1990, 1, 1)  # no AIS before this; earlier times are clock errors

# A bad row's reason as a small number (0: good), LABELS[code] its text. Numbers, not strings:
# object arrays of "" compared row by row were a tenth of the decode time.
Codes = npt.NDArray[np.uint8]
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
Bool = npt.NDArray[np.bool_]
Num = npt.NDArray[Any]  # float64 (NaN where unknown) or an integer type
LABELS = (
    "", "invalid_mmsi", "out_of_range:ts", "future_time", "no_time",
    "out_of_range:sog", "out_of_range:lon", "out_of_range:lat",
)  # fmt: skip
_CODE = {label: np.uint8(i) for i, label in enumerate(LABELS)}
_LABELS = np.array(LABELS, dtype=object)


def labels(codes: Codes) -> list[str]:
    """The reason texts of `codes`."""
    return list(_LABELS[codes].tolist())


def now_us() -> int:
    """Current UTC time in microseconds since the epoch (naive UTC, as stored)."""
    return int(datetime.now(UTC).timestamp() * 1_000_000)


def _f64(col: pa.ChunkedArray | pa.Array) -> npt.NDArray[np.float64]:
    arr = pc.cast(col, pa.float64())
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=np.float64)


def _ts_us(col: pa.ChunkedArray | pa.Array) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    arr = pc.cast(col, pa.timestamp("us"))
    missing = np.asarray(pc.is_null(arr).to_numpy(zero_copy_only=False), dtype=bool)
    values = pc.fill_null(pc.cast(arr, pa.int64()), 0)
    return np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.int64), missing


def _common(mmsi: Num, ts: I64, missing: Bool, now: int) -> Codes:
    """Reasons shared by positions and static rows: MMSI, then time (a later one wins)."""
    code = np.zeros(len(mmsi), np.uint8)
    code[~((mmsi >= MMSI_MIN) & (mmsi <= MMSI_MAX))] = _CODE["invalid_mmsi"]  # NaN: invalid
    too_old = ts < int((AIS_EPOCH - datetime(1970, 1, 1)).total_seconds() * 1_000_000)
    code[~missing & too_old] = _CODE["out_of_range:ts"]
    future = ts > now + int(FUTURE_TOLERANCE.total_seconds() * 1_000_000)
    code[~missing & future] = _CODE["future_time"]
    code[missing] = _CODE["no_time"]
    return code


@dataclass(frozen=True)
class PositionColumns:
    """Position rows as numpy columns: `ts` in µs (`ts_missing` where unknown), `sog`, `cog`,
    `heading` and `nav_status` NaN (or out of their range) where not available."""

    mmsi: Num
    ts: I64
    ts_missing: Bool
    lat: F64
    lon: F64
    sog: F64
    cog: F64
    heading: Num
    nav_status: Num

    @classmethod
    def of(cls, table: pa.Table) -> PositionColumns:
        ts, missing = _ts_us(table["ts"])
        return cls(
            _f64(table["mmsi"]), ts, missing, _f64(table["lat"]), _f64(table["lon"]),
            _f64(table["sog"]), _f64(table["cog"]), _f64(table["heading"]),
            _f64(table["nav_status"]),
        )  # fmt: skip

    def take(self, rows: I64) -> PositionColumns:
        return PositionColumns(*(getattr(self, f.name)[rows] for f in fields(self)))

    def codes(self, now: int) -> Codes:
        """One reason code per row (0 when the row is good; LABELS gives the text)."""
        code = _common(self.mmsi, self.ts, self.ts_missing, now)
        ok = code == 0
        lat, lon, sog = self.lat, self.lon, self.sog
        bad_sog = ~np.isnan(sog) & ((sog < 0) | (sog > SOG_MAX_KNOTS))
        code[ok & bad_sog] = _CODE["out_of_range:sog"]
        code[ok & ~((lon >= -180) & (lon <= 180))] = _CODE["out_of_range:lon"]
        code[ok & ~((lat >= -90) & (lat <= 90))] = _CODE["out_of_range:lat"]
        return code

    def table(self, source: str) -> pa.Table:
        """Good rows in the store's column types; not-available values become NULL."""
        sog, cog, heading, nav = self.sog, self.cog, self.heading, self.nav_status
        with np.errstate(invalid="ignore"):  # NaN → integer: masked anyway
            cols = {
                "mmsi": pa.array(self.mmsi.astype(np.uint32)),
                "ts": pa.array(self.ts, TS),
                "lat": pa.array(self.lat, pa.float64()),
                "lon": pa.array(self.lon, pa.float64()),
                "sog": pa.array(sog.astype(np.float32), mask=~(sog < SOG_MAX_KNOTS)),
                "cog": pa.array(cog.astype(np.float32), mask=~((cog >= 0) & (cog < 360))),
                "heading": pa.array(
                    heading.astype(np.uint16), mask=~((heading >= 0) & (heading < 360))
                ),
                "nav_status": pa.array(nav.astype(np.uint8), mask=~((nav >= 0) & (nav <= 15))),
                "source": pa.repeat(pa.scalar(source, pa.string()), len(self.mmsi)),
            }
        return pa.table(cols, schema=POSITIONS)


def check_static(table: pa.Table, now: int) -> Codes:
    return _common(_f64(table["mmsi"]), *_ts_us(table["ts"]), now)


def _null_where(arr: pa.Array, mask: npt.NDArray[np.bool_]) -> pa.Array:
    return pc.if_else(pa.array(mask), pa.scalar(None, arr.type), arr)


def valid_imo(imo: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.bool_], int]:
    """Mask of IMO numbers passing the ship check digit, and how many non-zero failed.

    The ship scheme only (rigour's `IMO.is_valid_vessel`: digits 1-6 weighted 7..2, the sum's
    last digit is digit 7); rigour's `is_valid` also admits company IMO numbers (another
    checksum), which no ship's AIS report should carry. Computed here in numpy, not through
    rigour, whose import is 0.05 s of every ingest; a test checks the two agree, and the
    store's SQL flag (store.writes.INVALID_IMO_SQL)."""
    ok = seven_digits(imo)
    total = np.zeros(len(imo), dtype=np.int64)
    for weight in range(7, 1, -1):  # digit 1 (millions) weighs 7, ..., digit 6 (tens) 2
        total += (imo // 10 ** (weight - 1) % 10) * weight
    ok &= total % 10 == imo % 10
    return ok, int(((imo > 0) & ~ok).sum())


def seven_digits(imo: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """Mask of values that are IMO-shaped (7 digits); anything else is no IMO at all."""
    return (imo >= 1_000_000) & (imo <= 9_999_999)


def canonical_static(table: pa.Table, source: str) -> tuple[pa.Table, int]:
    """Good static rows in store types, and how many carry an IMO whose check digit fails.

    Such an IMO is kept as reported (the store flags it, `static_reports.invalid_imo`): a
    fraudulent IMO is evidence (docs/events.md, identity_anomaly). Only a value that is not a
    7-digit number is treated as missing."""
    imo = np.nan_to_num(_f64(table["imo"])).astype(np.int64)
    imo_ok, bad_imo = valid_imo(imo)
    imo_ok = seven_digits(imo)
    ship_type = _f64(table["ship_type"])
    n = table.num_rows
    floats = {}
    for name in ("length", "width", "draught"):
        v = _f64(table[name])
        floats[name] = pa.array(v.astype(np.float32), mask=np.isnan(v) | (v <= 0))
    cols = {
        "mmsi": pc.cast(table["mmsi"], pa.uint32()),
        "ts": pc.cast(table["ts"], pa.timestamp("us")),
        "imo": pa.array(imo.astype(np.uint32), mask=~imo_ok),
        "name": pc.cast(table["name"], pa.string()),
        "callsign": pc.cast(table["callsign"], pa.string()),
        "ship_type": pa.array(
            np.nan_to_num(ship_type).astype(np.uint8),
            mask=np.isnan(ship_type) | (ship_type <= 0) | (ship_type > 255),
        ),
        **floats,
        "destination": pc.cast(table["destination"], pa.string()),
        "source": pa.repeat(pa.scalar(source, pa.string()), n),
    }
    return pa.table(cols, schema=STATIC), bad_imo


__all__ = [
    "_null_where",
    "canonical_static",
    "check_static",
    "labels",
    "now_us",
]
