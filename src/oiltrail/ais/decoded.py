"""What every reader returns per batch: canonical rows, quarantine rows and counters."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from oiltrail.ais.schema import POSITIONS, QUARANTINE, STATIC
from oiltrail.ais.validate import (
    canonical_positions,
    canonical_static,
    check_positions,
    check_static,
    labels,
)

RawOf = Callable[[npt.NDArray[np.int64]], list[str]]


@dataclass
class Quarantine:
    """Quarantine rows gathered in plain lists (few compared with good rows)."""

    file: str
    lines: list[int] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    raws: list[str] = field(default_factory=list)

    def add(self, line: int, reason: str, raw: str) -> None:
        self.lines.append(line)
        self.reasons.append(reason)
        self.raws.append(raw)

    def extend(self, lines: list[int], reasons: list[str], raws: list[str]) -> None:
        self.lines.extend(lines)
        self.reasons.extend(reasons)
        self.raws.extend(raws)

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
    # Whether two positions may share (mmsi, ts, lat, lon), two static reports (mmsi, ts);
    # None: not checked yet. The decode thread checks, so the thread writing to the store
    # does not have to.
    repeats: bool | None = None
    static_repeats: bool | None = None
    # The `source` of every row, when the reader knows it is one (the file it reads): the
    # writer then skips looking.
    source: str | None = None


def empty_decoded() -> Decoded:
    return Decoded(POSITIONS.empty_table(), STATIC.empty_table(), QUARANTINE.empty_table())


def text_of(raw: bytes) -> str:
    """Raw bytes as text for the quarantine table (undecodable bytes replaced)."""
    return raw.decode("utf-8", "replace").rstrip("\r\n")


def split_valid(
    positions: pa.Table,
    static: pa.Table,
    raw_of: RawOf,
    q: Quarantine,
    now: int,
    quarantined: npt.NDArray[np.int64] | None = None,
) -> tuple[pa.Table, pa.Table, int]:
    """Validate candidate rows (with `line` and `row` columns); bad ones go to `q`, except
    rows in `quarantined` (already there).

    Returns good positions and static rows in the store's types, and the bad-IMO count.
    """
    out: list[pa.Table] = []
    bad_imo = 0
    # A row that is both a position and a static report (CSV rows, type 19) is quarantined once.
    seen = np.zeros(0, np.int64) if quarantined is None else quarantined
    for table, check in ((positions, check_positions), (static, check_static)):
        if table.num_rows == 0:
            out.append(
                POSITIONS.empty_table() if check is check_positions else STATIC.empty_table()
            )
            continue
        codes = check(table, now)
        good = codes == 0
        bad = np.flatnonzero(codes)
        if len(bad):
            rows = np.asarray(table["row"].to_numpy(), np.int64)[bad]
            new = ~np.isin(rows, seen)
            rows, bad_new = rows[new], bad[new]
            seen = np.concatenate([seen, rows])
            lines = np.asarray(table["line"].to_numpy(), np.int64)[bad_new]
            q.extend(lines.tolist(), labels(codes[bad_new]), raw_of(rows))
        kept = table.filter(pa.array(good)) if len(bad) else table
        if check is check_positions:
            out.append(canonical_positions(kept, q.file))
        else:
            st, bad_imo = canonical_static(kept, q.file)
            out.append(st)
    return out[0], out[1], bad_imo
