"""Bit layouts of the AIS messages oiltrail reads (ITU-R M.1371-5), decoded column-wise.

Positions: types 1–3 (Class A), 18 and 19 (Class B), 27 (long range). Static: 5, 19, 24.
Type 24 parts A (name) and B (callsign, type, size) become separate static rows whose other
fields are NULL; other valid types (4, 8, 21, …) are counted as skipped, not quarantined.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from oiltrail.ais.sixbit import I64, Bits, Payloads

POSITION_TYPES = (1, 2, 3, 18, 19, 27)
STATIC_TYPES = (5, 19, 24)
# Bits needed up to the last field we read; fewer bits means the message was cut short.
MIN_BITS = {1: 137, 2: 137, 3: 137, 18: 133, 19: 301, 27: 94, 5: 302}
MIN_BITS_24 = {0: 160, 1: 162}


@dataclass
class DecodedMessages:
    """Positions and static reports (each with `row`, the payload index) and per-row problems."""

    positions: pa.Table
    static: pa.Table
    problem_rows: I64
    problem_reasons: list[str]
    skipped: Counter[str] = field(default_factory=Counter)


def _nan_where(values: np.ndarray, missing: np.ndarray) -> np.ndarray:
    return np.where(missing, np.nan, values)


CHARS_NEEDED = {"A": 23, "B": 23, "L": 16, "5": 71, "19": 51, "24A": 27, "24B": 28}


def _positions_of(p: Bits, kind: str) -> dict[str, np.ndarray]:
    """Columns of one position family: 'A' (1–3), 'B' (18, 19) or 'L' (27)."""
    n = len(p)
    if kind == "L":
        lon = p.sint(44, 18) / 600.0
        lat = p.sint(62, 17) / 600.0
        sog_raw = p.uint(79, 6).astype(np.float64)
        cog_raw = p.uint(85, 9).astype(np.float64)
        return {
            "mmsi": p.uint(8, 30).astype(np.int64),
            "lat": lat,
            "lon": lon,
            "sog": _nan_where(sog_raw, sog_raw == 63),
            "cog": _nan_where(cog_raw, cog_raw >= 360),
            "heading": np.full(n, -1, np.int64),
            "nav_status": p.uint(40, 4).astype(np.int64),
        }
    base = 0 if kind == "A" else -4  # Class B fields sit 4 bits earlier than Class A
    sog_raw = p.uint(50 + base, 10).astype(np.float64)
    cog_raw = p.uint(116 + base, 12).astype(np.float64)
    heading = p.uint(128 + base, 9).astype(np.int64)
    nav = p.uint(38, 4).astype(np.int64) if kind == "A" else np.full(n, -1)
    return {
        "mmsi": p.uint(8, 30).astype(np.int64),
        "lat": p.sint(89 + base, 27) / 600_000.0,
        "lon": p.sint(61 + base, 28) / 600_000.0,
        "sog": _nan_where(sog_raw / 10.0, sog_raw == 1023),
        "cog": _nan_where(cog_raw / 10.0, cog_raw >= 3600),
        "heading": np.where(heading >= 360, -1, heading),
        "nav_status": nav,
    }


def _dims(p: Bits, off: int) -> tuple[np.ndarray, np.ndarray]:
    bow, stern = p.uint(off, 9), p.uint(off + 9, 9)
    port, starboard = p.uint(off + 18, 6), p.uint(off + 24, 6)
    length = (bow + stern).astype(np.float64)
    width = (port + starboard).astype(np.float64)
    return _nan_where(length, length == 0), _nan_where(width, width == 0)


def _static_of(p: Bits, kind: str) -> dict[str, object]:
    """Columns of static reports: '5', '19', '24A' or '24B'; absent fields are null."""
    n = len(p)
    none_text = pa.nulls(n, pa.string())
    nan = np.full(n, np.nan)
    cols: dict[str, object] = {"mmsi": p.uint(8, 30).astype(np.int64)}
    if kind == "5":
        length, width = _dims(p, 240)
        draught = p.uint(294, 8).astype(np.float64) / 10.0
        cols |= {
            "imo": p.uint(40, 30).astype(np.int64),
            "callsign": p.text(70, 7),
            "name": p.text(112, 20),
            "ship_type": p.uint(232, 8).astype(np.int64),
            "length": length,
            "width": width,
            "draught": _nan_where(draught, draught == 0),
            "destination": p.text(302, 20),
        }
    elif kind == "19":
        length, width = _dims(p, 271)
        cols |= {"name": p.text(143, 20), "ship_type": p.uint(263, 8).astype(np.int64)}
        cols |= {"callsign": none_text, "length": length, "width": width}
    elif kind == "24A":
        cols |= {"name": p.text(40, 20), "callsign": none_text}
        cols |= {"ship_type": np.full(n, -1), "length": nan, "width": nan}
    else:
        length, width = _dims(p, 132)
        cols |= {"name": none_text, "callsign": p.text(90, 7)}
        cols |= {"ship_type": p.uint(40, 8).astype(np.int64), "length": length}
        cols |= {"width": width}
    cols.setdefault("imo", np.zeros(n, np.int64))
    cols.setdefault("draught", nan)
    cols.setdefault("destination", none_text)
    return cols


def _concat(parts: list[dict[str, object]], rows: list[I64]) -> pa.Table:
    if not parts:
        return pa.table({"row": pa.array([], pa.int64())})
    tables = [
        pa.table({"row": r, **{k: v for k, v in c.items()}})
        for c, r in zip(parts, rows, strict=True)
    ]
    return pa.concat_tables(tables, promote_options="permissive")


def decode_messages(p: Payloads) -> DecodedMessages:
    """Decode every payload; rows of unused types are counted, bad rows get a reason."""
    head = p.bits(None, 7)  # type, repeat, MMSI and the type-24 part number
    msg_type = head.uint(0, 6).astype(np.int64)
    part = head.uint(38, 2).astype(np.int64)
    need = np.zeros(len(p), np.int64)
    for t, n_bits in MIN_BITS.items():
        need[msg_type == t] = n_bits
    for prt, n_bits in MIN_BITS_24.items():
        need[(msg_type == 24) & (part == prt)] = n_bits
    reason = np.full(len(p), "", dtype=object)
    reason[(msg_type == 0) | (msg_type > 27)] = "unknown_type"
    reason[(msg_type == 24) & (part > 1)] = "unknown_type:24_part"
    reason[p.n_bits < need] = "truncated"
    reason[head.bad_armour] = "unparseable:payload"
    reason[p.n_chars == 0] = "truncated:empty_payload"
    selections = (
        ("A", np.isin(msg_type, (1, 2, 3))),
        ("B", np.isin(msg_type, (18, 19))),
        ("L", msg_type == 27),
        ("5", msg_type == 5),
        ("19", msg_type == 19),
        ("24A", (msg_type == 24) & (part == 0)),
        ("24B", (msg_type == 24) & (part == 1)),
    )
    parts: dict[str, tuple[Bits, I64]] = {}
    ok = reason == ""  # kept in step with `reason` (comparing an object array is slow)
    for kind, sel in selections:
        rows = np.flatnonzero(ok & sel)
        if len(rows):
            b = p.bits(rows, CHARS_NEEDED[kind])
            bad = b.bad_armour
            reason[rows[bad]] = "unparseable:payload"
            ok[rows[bad]] = False
            parts[kind] = (b, rows)
    skipped: Counter[str] = Counter()
    used = np.isin(msg_type, POSITION_TYPES + STATIC_TYPES)
    for t, cnt in zip(*np.unique(msg_type[ok & ~used], return_counts=True), strict=True):
        skipped[f"message_type_{int(t)}"] += int(cnt)
    pos_parts, pos_rows, st_parts, st_rows = [], [], [], []
    for kind, (b, rows) in parts.items():
        keep = ~b.bad_armour
        if not keep.all():
            b, rows = p.bits(rows[keep], CHARS_NEEDED[kind]), rows[keep]
        if kind in ("A", "B", "L"):
            pos_parts.append(_positions_of(b, kind))
            pos_rows.append(rows)
        else:
            st_parts.append(_static_of(b, kind))
            st_rows.append(rows)
    bad_rows = np.flatnonzero(~ok)
    return DecodedMessages(
        positions=_concat(pos_parts, pos_rows),  # type: ignore[arg-type]
        static=_concat(st_parts, st_rows),
        problem_rows=bad_rows,
        problem_reasons=[str(r) for r in reason[bad_rows]],
        skipped=skipped,
    )
