"""What every reader returns per batch: canonical rows, quarantine rows and counters."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from oiltrail.ais.schema import POSITIONS, QUARANTINE, STATIC
from oiltrail.ais.sources import LINE_CUT_MARK
from oiltrail.ais.validate import I64, PositionColumns, canonical_static, check_static, labels

RawOf = Callable[[I64], list[str]]
# The quarantine keeps a bounded prefix of a bad row (a whole AIS line is far shorter).
QUARANTINE_RAW_CHARS = 2048
TOO_LONG = "unparseable:too_long"  # a line cut by ais.sources.read_blocks
_CUT_TEXT = LINE_CUT_MARK.decode()


def bounded(raw: str) -> str:
    """`raw`, or its first QUARANTINE_RAW_CHARS characters and an ellipsis."""
    return raw if len(raw) <= QUARANTINE_RAW_CHARS else raw[:QUARANTINE_RAW_CHARS] + "…"


@dataclass
class Quarantine:
    """Quarantine rows gathered in plain lists (few compared with good rows)."""

    file: str
    lines: list[int] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    raws: list[str] = field(default_factory=list)

    def add(self, line: int, reason: str, raw: str) -> None:
        self.lines.append(line)
        self.reasons.append(TOO_LONG if _CUT_TEXT in raw else reason)
        self.raws.append(bounded(raw))

    def extend(self, lines: list[int], reasons: list[str], raws: list[str]) -> None:
        self.lines.extend(lines)
        self.reasons.extend(
            TOO_LONG if _CUT_TEXT in r else w for w, r in zip(reasons, raws, strict=True)
        )
        self.raws.extend(bounded(r) for r in raws)

    def table(self) -> pa.Table:
        n = len(self.lines)
        return pa.table(
            {
                "file": pa.array([self.file] * n, pa.string()),
                "line": pa.array(self.lines, pa.int64()),
                "reason": pa.array(self.reasons, pa.string()),
                "raw": pa.array(self.raws, pa.string()),
            },
            schema=QUARANTINE,
        )


@dataclass
class Decoded:
    """One batch of a file, ready for the store."""

    positions: pa.Table
    static: pa.Table
    quarantine: pa.Table
    skipped: Counter[str] = field(default_factory=Counter)
    invalid_imo: int = 0
    simulated: bool = False
    # Whether two positions may share (mmsi, ts, lat, lon), two static reports their whole
    # row (store.writes.maybe_repeats); None: not checked yet. The decode thread checks, so
    # the thread writing to the store does not have to.
    repeats: bool | None = None
    static_repeats: bool | None = None
    # The `source` of every row, when the reader knows it is one (the file it reads): the
    # writer then skips looking.
    source: str | None = None
    replaced_bytes: int = 0  # bytes that were not UTF-8, read as U+FFFD (the row is kept)


def empty_decoded() -> Decoded:
    return Decoded(POSITIONS.empty_table(), STATIC.empty_table(), QUARANTINE.empty_table())


def text_of(raw: bytes) -> str:
    """Raw bytes as text for the quarantine table (undecodable bytes replaced)."""
    return raw.decode("utf-8", "replace").rstrip("\r\n")


def split_valid(
    positions: pa.Table, static: pa.Table, raw_of: RawOf, q: Quarantine, now: int
) -> tuple[pa.Table, pa.Table, int]:
    """Validate candidate rows (with `line` and `row` columns); bad ones go to `q`.

    Returns good positions and static rows in the store's types, and the bad-IMO count.
    """
    pos, quarantined = POSITIONS.empty_table(), np.zeros(0, np.int64)
    if positions.num_rows:
        rows, lines = (np.asarray(positions[c].to_numpy(), np.int64) for c in ("row", "line"))
        cols = PositionColumns.of(positions)
        pos, quarantined = valid_positions(cols, rows, lines, raw_of, q, now)
    st, bad_imo = valid_static(static, raw_of, q, now, quarantined)
    return pos, st, bad_imo


def valid_positions(
    cols: PositionColumns, rows: I64, lines: I64, raw_of: RawOf, q: Quarantine, now: int
) -> tuple[pa.Table, I64]:
    """Good positions in the store's types; bad ones go to `q` (`rows`: each one's index for
    `raw_of`, `lines`: its line). Returns them and the rows quarantined."""
    codes = cols.codes(now)
    bad = np.flatnonzero(codes)
    if len(bad):
        q.extend(lines[bad].tolist(), labels(codes[bad]), raw_of(rows[bad]))
        cols = cols.take(np.flatnonzero(codes == 0))
    return cols.table(q.file), rows[bad]


def valid_static(
    static: pa.Table, raw_of: RawOf, q: Quarantine, now: int, quarantined: I64
) -> tuple[pa.Table, int]:
    """Good static rows (with `line` and `row` columns) in the store's types, and the bad-IMO
    count; bad ones go to `q`, except rows in `quarantined` (already there as positions: a
    row can be both, as CSV rows and type 19 are)."""
    if static.num_rows == 0:
        return STATIC.empty_table(), 0
    codes = check_static(static, now)
    bad = np.flatnonzero(codes)
    if len(bad):
        rows = np.asarray(static["row"].to_numpy(), np.int64)[bad]
        new = ~np.isin(rows, quarantined)
        lines = np.asarray(static["line"].to_numpy(), np.int64)[bad[new]]
        q.extend(lines.tolist(), labels(codes[bad[new]]), raw_of(rows[new]))
        static = static.filter(pa.array(codes == 0))
    return canonical_static(static, q.file)
