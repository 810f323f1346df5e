"""Split a block of NMEA lines into sentence fields with numpy, with no per-line Python.

Byte positions of newlines, commas, backslashes and asterisks are found once per block;
each line's fields are then located by binary search (np.searchsorted) into those positions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from oiltrail.ais.sixbit import I64, U8, XorPrefix, hex_pairs

Bool = npt.NDArray[np.bool_]
MS_EPOCH_MIN = 100_000_000_000  # a tag-block `c:` above this is in milliseconds
MAX_EPOCH_DIGITS = 13
PAD = 96  # zero bytes after the block so fixed-offset and payload reads stay inside


@dataclass
class Fields:
    """Field positions of every line of a block (byte offsets into `buf`)."""

    buf: U8
    line_start: I64
    line_end: I64  # without the line end
    ok: Bool  # a well-formed VDM/VDO sentence
    tag_start: I64  # first byte inside the tag block, or -1
    tag_end: I64  # the closing backslash, or -1
    tag_ok: Bool  # no tag block, or one whose `*hh` checksum matches (or that has none)
    sent_start: I64  # '!' or '$'
    seq_end: I64  # comma after the sequence id (the id runs from sent_start + 11)
    payload_start: I64
    payload_end: I64  # the comma before the fill bits
    star: I64
    checksum_ok: Bool

    def digit(self, at: I64) -> I64:
        return self.buf[at].astype(np.int64) - 48

    @property
    def count(self) -> I64:
        return self.digit(self.sent_start + 7)

    @property
    def num(self) -> I64:
        return self.digit(self.sent_start + 9)

    @property
    def fill(self) -> I64:
        return self.digit(self.star - 1)

    def tag_time_s(self) -> npt.NDArray[np.float64]:
        """Tag-block `c:` time in seconds (NaN where absent)."""
        b = self.buf
        if not (self.tag_start >= 0).any():
            return np.full(len(self.tag_start), np.nan)
        colon = np.flatnonzero(b == 58)
        colon = colon[colon >= 2]
        key = colon[(b[colon - 1] == 99) & ((b[colon - 2] == 44) | (b[colon - 2] == 92))] - 1
        return _epoch_in(b, key, self.tag_start, self.tag_end)


def _epoch_in(b: U8, keys: I64, lo: I64, hi: I64) -> npt.NDArray[np.float64]:
    """Parse the digits after the first 2-byte key at position in [lo, hi) of each line."""
    out = np.full(len(lo), np.nan)
    if not len(keys):
        return out
    k = np.searchsorted(keys, lo)
    pos = keys[np.minimum(k, len(keys) - 1)]
    has = (lo >= 0) & (k < len(keys)) & (pos < hi)
    start = pos[has] + 2
    out[has] = _parse_epochs(b, start)
    return out


def _parse_epochs(b: U8, start: I64) -> npt.NDArray[np.float64]:
    """Epoch digits at each start: 10-digit seconds in one matrix step, others digit by digit."""
    window = np.lib.stride_tricks.sliding_window_view(b, 11)[np.minimum(start, len(b) - 11)]
    digits = window.astype(np.int64) - 48
    is_digit = (digits >= 0) & (digits <= 9)
    ten = is_digit[:, :10].all(axis=1) & ~is_digit[:, 10]
    out = np.empty(len(start))
    out[ten] = digits[ten, :10] @ (10 ** np.arange(9, -1, -1, dtype=np.int64))
    rest = np.flatnonzero(~ten)
    if len(rest):
        out[rest] = _parse_digits(b, start[rest])
    return out


def _parse_digits(b: U8, start: I64) -> npt.NDArray[np.float64]:
    """Up to MAX_EPOCH_DIGITS digits at each start (NaN when none); milliseconds → seconds."""
    value = np.zeros(len(start), np.int64)
    going = np.ones(len(start), bool)
    n_digits = np.zeros(len(start), np.int64)
    for j in range(MAX_EPOCH_DIGITS):
        d = b[np.minimum(start + j, len(b) - 1)].astype(np.int64) - 48
        going &= (d >= 0) & (d <= 9)
        if not going.any():
            break
        value = np.where(going, value * 10 + d, value)
        n_digits += going
    seconds = np.where(n_digits > 0, value.astype(np.float64), np.nan)
    return np.where(seconds > MS_EPOCH_MIN, seconds / 1000.0, seconds)


def _next(positions: I64, after: I64) -> tuple[I64, I64]:
    """Index into `positions` and value of the first position ≥ `after` (value huge if none)."""
    k = np.searchsorted(positions, after)
    big = np.iinfo(np.int64).max // 2
    padded = np.append(positions, [big] * 8)
    return k, padded[k]


def _tag_blocks(
    raw: U8, buf: U8, xp: XorPrefix, line_start: I64, line_end: I64
) -> tuple[I64, I64, Bool]:
    """Start, end (closing backslash) and checksum state of each line's tag block."""
    has_tag = buf[line_start] == 92
    if not has_tag.any():
        none = np.full(len(line_start), -1, np.int64)
        return none, none, np.ones(len(line_start), bool)
    slashes = np.flatnonzero(raw == 92).astype(np.int64, copy=False)
    _, close = _next(slashes, line_start + 1)
    has_tag &= close < line_end
    tag_start = np.where(has_tag, line_start + 1, -1)
    tag_end = np.where(has_tag, close, -1)
    # The usual tag block ends `*hh\`; a tag block without a checksum is accepted as is.
    star = np.where(has_tag, close - 3, 0)
    has_cs = has_tag & (buf[star] == 42)
    cs_ok = xp.ranges(np.where(has_cs, tag_start, 0), star) == hex_pairs(buf, star + 1)
    return tag_start, tag_end, ~has_cs | cs_ok


def _field_commas(b: U8, s: I64) -> tuple[I64, I64, Bool]:
    """Commas after the sequence id and the channel (each field 0 or 1 byte long)."""
    seq_end = np.where(b[s + 11] == 44, s + 11, s + 12)
    ok = b[seq_end] == 44
    chan_end = np.where(b[seq_end + 1] == 44, seq_end + 1, seq_end + 2)
    ok &= b[chan_end] == 44
    return seq_end, chan_end, ok


def _stars(raw: U8, b: U8, after: I64, line_end: I64) -> I64:
    """Position of the checksum '*': usually 3 bytes before the line end; else searched."""
    star = line_end - 3
    plain = (b[np.maximum(star, 0)] == 42) & (star > after)
    if plain.all():
        return star
    stars = np.flatnonzero(raw == 42).astype(
        np.int64, copy=False
    )  # NAIS-style trailers follow the checksum
    _, found = _next(stars, after)
    return np.where(plain, star, np.minimum(found, line_end))


def split_block(block: bytes) -> Fields:
    """Locate the fields of every line of `block`."""
    raw = np.frombuffer(block, dtype=np.uint8)
    buf = np.concatenate([raw, np.zeros(PAD, np.uint8)])
    nl = np.flatnonzero(raw == 10)
    line_start = np.concatenate([[0], nl + 1]).astype(np.int64)
    line_end = np.append(nl, len(raw)).astype(np.int64)
    if line_start[-1] == len(raw):  # the block ends with a newline: no last empty line
        line_start, line_end = line_start[:-1], line_end[:-1]
    line_end = line_end - ((line_end > line_start) & (buf[np.maximum(line_end - 1, 0)] == 13))
    xp = XorPrefix(raw)
    tag_start, tag_end, tag_ok = _tag_blocks(raw, buf, xp, line_start, line_end)
    s = np.where(tag_start >= 0, tag_end + 1, line_start)
    s = np.minimum(s, len(raw))
    b = buf
    ok = ((b[s] == 33) | (b[s] == 36)) & (b[s + 3] == 86) & (b[s + 4] == 68)
    ok &= ((b[s + 5] == 77) | (b[s + 5] == 79)) & (b[s + 6] == 44) & (b[s + 8] == 44)
    ok &= b[s + 10] == 44
    s = np.where(ok, s, 0)  # keep later reads inside the buffer
    seq_end, chan_end, commas_ok = _field_commas(b, s)
    ok &= commas_ok
    star = _stars(raw, b, np.where(ok, chan_end, 0), line_end)
    ok &= (b[star] == 42) & (star + 3 <= line_end) & (b[np.maximum(star - 2, 0)] == 44)
    ok &= star - 2 >= chan_end
    for at, lo, hi in ((s + 7, 1, 9), (s + 9, 1, 9), (np.maximum(star - 1, 0), 0, 5)):
        d = b[at].astype(np.int64) - 48
        ok &= (d >= lo) & (d <= hi)
    star = np.where(ok, star, 0)
    s = np.where(ok, s, 0)
    cs = hex_pairs(buf, np.where(ok, star + 1, 0))
    checksum_ok = ok & (xp.ranges(np.where(ok, s + 1, 0), star).astype(np.int64) == cs)
    return Fields(
        buf=buf,
        line_start=line_start,
        line_end=line_end,
        ok=ok,
        tag_start=tag_start,
        tag_end=tag_end,
        tag_ok=tag_ok,
        sent_start=s,
        seq_end=np.where(ok, seq_end, 0),
        payload_start=np.where(ok, chan_end + 1, 0),
        payload_end=np.where(ok, star - 2, 0),
        star=star,
        checksum_ok=checksum_ok,
    )
