"""The AIS messages oiltrail reads (ITU-R M.1371-5), decoded column-wise into Arrow tables.

Positions: types 1–3 (Class A), 18 and 19 (Class B), 27 (long range). Static: 5, 19, 24.
Type 24 parts A (name) and B (callsign, type, size) become separate static rows whose other
fields are NULL; other valid types (4, 8, 21, …) are counted as skipped, not quarantined.
A payload's problem, the last that applies: unknown type, unknown type-24 part, fewer bits
than its fields need (`truncated`), bad armour in its first characters, empty payload; then
bad armour in the characters its fields use. The bit loops are in ais.payload_kernel.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from oiltrail.ais import compiled as k
from oiltrail.ais.sixbit import I64, OK, REASONS, Payloads

F64 = npt.NDArray[np.float64]

POSITION_TYPES = (1, 2, 3, 18, 19, 27)
STATIC_TYPES = (5, 19, 24)
_REASONS = np.array(REASONS, dtype=object)


@dataclass(frozen=True)
class Positions:
    """Decoded position reports: `rows` (payload indexes) and their fields as numpy columns
    (NaN, or −1 for heading and nav_status, where not available)."""

    rows: I64
    mmsi: I64
    lat: F64
    lon: F64
    sog: F64
    cog: F64
    heading: I64
    nav_status: I64


@dataclass
class DecodedMessages:
    """Positions, static reports (with `row`, the payload index) and per-row problems."""

    positions: Positions
    static: pa.Table
    problem_rows: I64
    problem_reasons: list[str]
    skipped: Counter[str] = field(default_factory=Counter)


def _rows_by_kind(kind: I64) -> tuple[I64, I64]:
    """Rows of each kind, kinds in order, rows in order within a kind."""
    rows = np.flatnonzero(kind)
    rows = rows[np.argsort(kind[rows], kind="stable")]
    return rows, kind[rows]


def _positions(p: Payloads, kind: I64) -> Positions:
    rows, kinds = _rows_by_kind(kind)
    return Positions(rows, *k.positions(p.data, p.starts, p.n_chars, rows, kinds))


def _strings(data: np.ndarray, offsets: np.ndarray) -> pa.Array:
    """Arrow strings from bytes and offsets; empty strings are null."""
    valid = np.diff(offsets) > 0
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.Array.from_buffers(
        pa.string(), len(valid), [bitmap, pa.py_buffer(offsets), pa.py_buffer(data)]
    )


def _static(p: Payloads, kind: I64) -> pa.Table:
    rows, kinds = _rows_by_kind(kind)
    ints, floats, texts, offsets = k.statics(p.data, p.starts, p.n_chars, rows, kinds)
    call, name, dest = (_strings(texts[f], offsets[f]) for f in range(3))
    return pa.table(
        {"row": rows, "mmsi": ints[0], "imo": ints[1], "callsign": call, "name": name,
         "ship_type": ints[2], "length": floats[0], "width": floats[1], "draught": floats[2],
         "destination": dest}
    )  # fmt: skip


def decode_messages(p: Payloads) -> DecodedMessages:
    """Decode every payload; rows of unused types are counted, bad rows get a reason."""
    msg_type, reason, pos_kind, st_kind = k.classify(p.data, p.starts, p.n_chars, p.fill)
    bad_rows = np.flatnonzero(reason)
    skipped: Counter[str] = Counter()
    other = msg_type[(reason == OK) & ~np.isin(msg_type, POSITION_TYPES + STATIC_TYPES)]
    for t, cnt in zip(*np.unique(other, return_counts=True), strict=True):
        skipped[f"message_type_{int(t)}"] += int(cnt)
    return DecodedMessages(
        positions=_positions(p, pos_kind),
        static=_static(p, st_kind),
        problem_rows=bad_rows,
        problem_reasons=_REASONS[reason[bad_rows]].tolist(),
        skipped=skipped,
    )
