"""Columnar NMEA 0183 reader: `!AIVDM`/`!AIVDO` with tag blocks, Gatehouse `$PGHP`, NAIS trailers.

Fields, checksums and times are found in one compiled pass (ais.nmea_kernel); payloads
are decoded column-wise (ais.sixbit, ais.messages). Only lines that are not AIS sentences and
the rare multi-sentence groups that are not two consecutive lines are handled one by one.
Time of a sentence, first found wins: tag block `c:` → NAIS trailer (the first 10-digit field
after the checksum) → the `$PGHP` line just before it → with `--base-time`, the time of the last
line before it that has one (receiver order), or `--base-time` itself before the first such
line → quarantine `no_time`.
A file is marked simulated when any tag block names the source `s:sim` (oiltrail simulate).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from oiltrail.ais.decoded import (
    Decoded,
    Quarantine,
    RawOf,
    empty_decoded,
    text_of,
    valid_positions,
    valid_static,
)  # fmt: skip
from oiltrail.ais.messages import decode_messages
from oiltrail.ais.multipart import FRAGMENT_WINDOW_S, Assembled, Assembler, Fragment
from oiltrail.ais.nmea_split import Fields, split_block
from oiltrail.ais.schema import TS
from oiltrail.ais.sixbit import I64, Payloads
from oiltrail.ais.sources import Block
from oiltrail.ais.validate import PositionColumns

F64 = npt.NDArray[np.float64]
LineText = Callable[[int], bytes]  # line index in the block → its bytes
_SIM = re.compile(rb"[\\,]s:sim[,*\\]")
_SIM_NAME = re.compile(rb"s:sim")
_AIS_PREFIX = re.compile(rb"^(\\[^\\]*\\)?[!$][A-Z]{2}VD[MO],")
_CHECKSUM = re.compile(rb"\*[0-9A-Fa-f]{2}")
_GROUP = re.compile(rb"(?:^|,)g:(\d+)-(\d+)-(\d+)")


def _pghp_time(line: bytes) -> float:
    """UTC seconds of a Gatehouse `$PGHP,1,yyyy,mm,dd,hh,mm,ss,ms,…` line (NaN if malformed)."""
    parts = line.split(b"*")[0].split(b",")
    try:
        y, mo, d, h, mi, s, ms = (int(p) for p in parts[2:9])
        if min(y, mo, d, h, mi, s, ms) < 0:  # "-5" parses as an int, not as a date field
            return float("nan")
        ts = np.datetime64(f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}", "ms")
        return float(ts.astype(np.int64)) / 1000.0 + ms / 1000.0
    except ValueError:
        return float("nan")


def _ts_us(ts_s: F64) -> tuple[I64, npt.NDArray[np.bool_]]:
    """Seconds (NaN where unknown) as whole microseconds (0 there), and where unknown."""
    missing = np.isnan(ts_s)
    return np.round(np.where(missing, 0.0, ts_s) * 1_000_000).astype(np.int64), missing


def _concat_ranges(buf: np.ndarray, starts: I64, ends: I64) -> tuple[np.ndarray, I64]:
    """Bytes of the ranges one after another, and the end offset of each range."""
    lengths = ends - starts
    out_ends = np.cumsum(lengths)
    out_starts = out_ends - lengths
    pos = np.repeat(starts - out_starts, lengths) + np.arange(
        int(out_ends[-1]) if len(out_ends) else 0
    )
    return buf[pos], out_ends


@dataclass(frozen=True)
class Split:
    """The stateless part of decoding a block: its fields and each line's own time."""

    block: bytes | Block
    fields: Fields
    own_ts_s: F64
    simulated: bool  # a tag block names the source `s:sim`


def split(block: bytes | Block) -> Split:
    """Split `block` with no reader state, so another thread may do it ahead of `batch_split`."""
    f = split_block(block)
    data = block.data if isinstance(block, Block) else block
    return Split(block, f, f.own_ts_s, _names_sim(data))


def _names_sim(data: bytes | memoryview) -> bool:
    """A tag block names the source `s:sim`. The literal is found first: a search for the
    whole pattern took 6 ms a megabyte on a file without it."""
    for hit in _SIM_NAME.finditer(data):
        if hit.start() and _SIM.match(data, hit.start() - 1):
            return True
    return False


# A position (type 1) and a static report (type 24 part A): between them every kernel runs.
_WARM_LINES = (
    b"!AIVDM,1,1,,A,15M67FC000G?ufbE`FepT@3n00Sa,0*5F\n"
    b"!AIVDO,1,1,,A,H6`Ha@AL58n1E000000000000000,0*79\n"
)
_WARM_BASE_S = 1_700_000_000.0


def compile_kernels() -> int:
    """Compile the split and decode kernels into numba's cache (or load them from it); `make
    setup` runs this so that the first ingest does not. Returns the rows decoded (2)."""
    reader = NmeaReader("warm-up", _WARM_BASE_S, int(_WARM_BASE_S * 2e6))
    d = reader.batch(_WARM_LINES)
    return int(d.positions.num_rows + d.static.num_rows)


class NmeaReader:
    """Decode NMEA batches of one file; keeps multipart and `$PGHP` state between batches."""

    def __init__(self, name: str, base_time_s: float | None, now: int) -> None:
        self.name = name
        self.base_time_s = np.nan if base_time_s is None else base_time_s
        self.now = now
        self.lines_seen = 0
        self.assembler = Assembler()
        self.pghp_carry = np.nan  # a `$PGHP` time at the end of the last batch, still unused
        self.last_time_s = self.base_time_s  # the last line's own time (receiver order)

    def batch(self, block: bytes | Block) -> Decoded:
        return self.batch_split(split(block))

    def batch_split(self, s: Split) -> Decoded:
        """`batch` of a block already split (`split` is pure: any thread may run it)."""
        f = s.fields
        first_line = self.lines_seen + 1
        self.lines_seen += len(f.line_start)
        q = Quarantine(self.name)
        skipped: Counter[str] = Counter()

        def raw(i: int) -> bytes:
            return bytes(f.buf[f.line_start[i] : f.line_end[i]])

        pghp = self._other_lines(np.flatnonzero(~f.ok), raw, first_line, q, skipped)
        good = f.ok & f.checksum_ok & f.tag_ok
        for i in np.flatnonzero(f.ok & ~good):
            q.add(first_line + int(i), "bad_checksum", text_of(raw(int(i))))
        ts_s = self._times(f, s.own_ts_s.copy(), pghp)
        count, num = f.count, f.num
        single = good & (count == 1)
        pair1, pair2 = _consecutive_pairs(f, good, count, num)
        # The assembler's time window holds for consecutive halves too (same rows in any blocks).
        t1, t2 = ts_s[pair1], ts_s[pair2]
        apart = ~np.isnan(t1) & ~np.isnan(t2) & (np.abs(t2 - t1) > FRAGMENT_WINDOW_S)
        pair1, pair2 = pair1[~apart], pair2[~apart]
        multi = good & (count > 1)
        multi[pair1] = False
        multi[pair2] = False
        parts = [
            self._decode_lines(f, np.flatnonzero(single), ts_s, first_line, raw, q),
            self._decode_pairs(f, pair1, pair2, ts_s, first_line, raw, q),
            self._decode_assembled(
                self.assembler.feed(self._fragments(f, np.flatnonzero(multi), ts_s, first_line)), q
            ),
        ]
        return _merge(parts, q, skipped, s.simulated)

    def finish(self) -> Decoded:
        q = Quarantine(self.name)
        return _merge([self._decode_assembled(self.assembler.finish(), q)], q, Counter(), False)

    # --- steps ----------------------------------------------------------------------------

    def _other_lines(
        self, rows: I64, raw: LineText, first_line: int, q: Quarantine, skipped: Counter[str]
    ) -> list[tuple[int, float]]:
        """Classify lines that are not whole AIS sentences; return `$PGHP` (index, time)."""
        pghp: list[tuple[int, float]] = []
        for i in rows.tolist():
            text = raw(i)
            line = text.strip()
            if not line or line.startswith(b"#"):
                skipped["blank_or_comment"] += 1
            elif line.startswith(b"$PGHP"):
                when = _pghp_time(line)
                if np.isnan(when):  # no time to give the next sentence: say so
                    q.add(first_line + i, "unparseable:pghp", text_of(text))
                else:
                    pghp.append((i, when))
            elif _AIS_PREFIX.match(line):
                sentence = line.rsplit(b"\\", 1)[-1]  # after any tag block
                reason = "unparseable" if _CHECKSUM.search(sentence) else "truncated"
                q.add(first_line + i, reason, text_of(text))
            elif line[:1] in (b"$", b"!") and b"*" in line:
                skipped["other_sentence"] += 1
            else:
                q.add(first_line + i, "unparseable", text_of(text))
        return pghp

    def _times(self, f: Fields, ts: F64, pghp: list[tuple[int, float]]) -> F64:
        """Each line's time: its own (`ts`, changed in place), else `$PGHP`, else base time."""
        idx = np.flatnonzero(f.ok)
        pghp_idx = np.array([-1] + [p[0] for p in pghp], dtype=np.int64)
        pghp_ts = np.array([self.pghp_carry] + [p[1] for p in pghp], dtype=np.float64)
        if len(pghp_idx) > 1 or not np.isnan(self.pghp_carry):
            j = np.searchsorted(pghp_idx, idx) - 1
            prev_sentence = np.concatenate([[-2], idx[:-1]])
            # A `$PGHP` applies to the next sentence only (no sentence between them).
            fresh = (j >= 0) & (pghp_idx[np.maximum(j, 0)] > prev_sentence)
            gh = np.where(fresh, pghp_ts[np.maximum(j, 0)], np.nan)
            ts[idx] = np.where(np.isnan(ts[idx]), gh, ts[idx])
        last_sentence = int(idx[-1]) if len(idx) else -1
        if pghp and pghp[-1][0] > last_sentence:
            self.pghp_carry = pghp[-1][1]
        elif len(idx):
            self.pghp_carry = np.nan
        return self._receiver_order(ts)

    def _receiver_order(self, ts: F64) -> F64:
        """With --base-time, a line with no time takes the time of the last line before it
        that has one (the order received), and --base-time before the first; without it the
        line stays untimed (quarantined `no_time`)."""
        if np.isnan(self.base_time_s) or not len(ts):
            return ts
        known = ~np.isnan(ts)
        last = np.maximum.accumulate(np.where(known, np.arange(len(ts)), -1))
        filled = np.where(last >= 0, ts[np.maximum(last, 0)], self.last_time_s)
        if known.any():
            self.last_time_s = float(ts[np.flatnonzero(known)[-1]])
        return filled

    def _decode_lines(
        self, f: Fields, rows: I64, ts_s: F64, first_line: int, raw: LineText, q: Quarantine
    ) -> Decoded:
        p = Payloads.of(f.buf, f.payload_start[rows], f.payload_end[rows], f.fill[rows])

        def raw_of(r: I64) -> list[str]:
            return [text_of(raw(int(rows[k]))) for k in r]

        return _decode(p, ts_s[rows], rows + first_line, raw_of, q, self.now)

    def _decode_pairs(
        self, f: Fields, r1: I64, r2: I64, ts_s: F64, first_line: int, raw: LineText, q: Quarantine
    ) -> Decoded:
        """Two-sentence messages whose halves are on consecutive lines (the usual type 5)."""
        if not len(r1):
            return empty_decoded()
        starts = np.empty(2 * len(r1), np.int64)
        ends = np.empty(2 * len(r1), np.int64)
        starts[0::2], starts[1::2] = f.payload_start[r1], f.payload_start[r2]
        ends[0::2], ends[1::2] = f.payload_end[r1], f.payload_end[r2]
        data, out_ends = _concat_ranges(f.buf, starts, ends)
        msg_ends = out_ends[1::2]
        msg_starts = np.concatenate([[0], msg_ends[:-1]])
        p = Payloads.of(data, msg_starts, msg_ends, f.fill[r2])
        ts = np.where(np.isnan(ts_s[r1]), ts_s[r2], ts_s[r1])

        def raw_of(r: I64) -> list[str]:
            return [text_of(raw(int(r1[k])) + b"\n" + raw(int(r2[k]))) for k in r]

        return _decode(p, ts, r1 + first_line, raw_of, q, self.now)

    def _fragments(self, f: Fields, rows: I64, ts_s: F64, first_line: int) -> list[Fragment]:
        frags = []
        count, num, fill = f.count[rows], f.num[rows], f.fill[rows]
        for k, i in enumerate(rows.tolist()):
            b = f.buf
            seq = bytes(b[f.sent_start[i] + 11 : f.seq_end[i]])
            chan = bytes(b[f.seq_end[i] + 1 : f.payload_start[i] - 1])
            tag = bytes(b[f.tag_start[i] : f.tag_end[i]]) if f.tag_start[i] >= 0 else b""
            group = _GROUP.search(tag)
            key_id = b"g" + group.group(3) if group else b"s" + seq
            frags.append(
                Fragment(
                    line=first_line + i,
                    count=int(count[k]),
                    num=int(num[k]),
                    key=(key_id, int(count[k]), b"" if group else chan),
                    payload=bytes(b[f.payload_start[i] : f.payload_end[i]]),
                    fill=int(fill[k]),
                    ts_s=float(ts_s[i]),
                    raw=bytes(b[f.line_start[i] : f.line_end[i]]),
                )
            )
        return frags

    def _decode_assembled(self, asm: Assembled, q: Quarantine) -> Decoded:
        for frag in asm.orphans:
            q.add(frag.line, "missing_fragment", text_of(frag.raw))
        if not asm.payloads:
            return empty_decoded()
        lengths = np.array([len(p) for p in asm.payloads], dtype=np.int64)
        ends = np.cumsum(lengths)
        data = np.frombuffer(b"".join(asm.payloads), dtype=np.uint8)
        raws = asm.raws

        def raw_of(rows: I64) -> list[str]:
            return [text_of(raws[r]) for r in rows]

        p = Payloads.of(data, ends - lengths, ends, np.array(asm.fills, dtype=np.int64))
        ts = np.array(asm.ts_s, dtype=np.float64)
        return _decode(p, ts, np.array(asm.lines, dtype=np.int64), raw_of, q, self.now)


def _consecutive_pairs(
    f: Fields, good: npt.NDArray[np.bool_], count: I64, num: I64
) -> tuple[I64, I64]:
    """Lines i, i+1 holding parts 1 and 2 of a 2-part message with the same sequence id."""
    first = np.flatnonzero(good[:-1] & good[1:] & (count[:-1] == 2) & (count[1:] == 2))
    first = first[(num[first] == 1) & (num[first + 1] == 2)]
    b, s = f.buf, f.sent_start
    same = b[s[first] + 11] == b[s[first + 1] + 11]  # sequence id byte (or both ',')
    chan1 = b[f.payload_start[first] - 2]
    chan2 = b[f.payload_start[first + 1] - 2]
    same &= chan1 == chan2
    first = first[same]
    return first, first + 1


def _decode(p: Payloads, ts_s: F64, lines: I64, raw_of: RawOf, q: Quarantine, now: int) -> Decoded:
    """Decode payloads, attach time and line, validate; bad rows go to `q`."""
    if len(p) == 0:
        return empty_decoded()
    dm = decode_messages(p)
    raw = raw_of
    if len(dm.problem_rows):
        q.extend(lines[dm.problem_rows].tolist(), dm.problem_reasons, raw(dm.problem_rows))
    # Positions straight from the kernel's columns to the store's types (most of the rows).
    d = dm.positions
    cols = PositionColumns(d.mmsi, *_ts_us(ts_s[d.rows]), d.lat, d.lon, d.sog, d.cog,
                           d.heading, d.nav_status)  # fmt: skip
    positions, quarantined = valid_positions(cols, d.rows, lines[d.rows], raw, q, now)
    st = dm.static
    if st.num_rows:
        rows = np.asarray(st["row"].to_numpy(), np.int64)
        us, missing = _ts_us(ts_s[rows])
        st = st.append_column("ts", pa.array(us, type=TS, mask=missing))
        st = st.append_column("line", pa.array(lines[rows]))
    static, bad_imo = valid_static(st, raw, q, now, quarantined)
    out = empty_decoded()
    out.positions, out.static, out.invalid_imo, out.skipped = positions, static, bad_imo, dm.skipped
    return out


def _merge(parts: list[Decoded], q: Quarantine, skipped: Counter[str], sim: bool) -> Decoded:
    return Decoded(
        positions=pa.concat_tables([d.positions for d in parts]),
        static=pa.concat_tables([d.static for d in parts]),
        quarantine=q.table(),
        skipped=skipped + sum((d.skipped for d in parts), Counter()),
        invalid_imo=sum(d.invalid_imo for d in parts),
        simulated=sim,
        source=q.file,
    )
