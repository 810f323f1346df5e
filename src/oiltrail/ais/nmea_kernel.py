"""One compiled pass over a block of NMEA lines: line bounds, tag blocks, sentence fields,
checksums and each line's own time.

numpy needed some forty whole-block passes for this (one per byte class and field), which made
splitting the slowest stage of an ingest; a byte loop compiled by numba does it in one pass
and releases the GIL, so it runs beside the decode and insert threads. numba compiles it on
first use and caches the machine code next to this file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np

from oiltrail.startup import hidden

# numba's array functions, loaded with the first kernel (even from numba's cache), import
# scipy.linalg to see whether BLAS is there: none of these kernels does linear algebra.
with hidden("scipy.linalg"):
    import numba.np.arraymath
F = TypeVar("F", bound=Callable[..., Any])
njit = cast(Callable[[F], F], numba.njit(cache=True, nogil=True))

MS_EPOCH_MIN = 100_000_000_000  # a tag-block `c:` above this is in milliseconds
MAX_EPOCH_DIGITS = 13
_NL, _CR, _BSL, _STAR, _COMMA, _COLON = 10, 13, 92, 42, 44, 58


@njit
def _hex(c: int) -> int:
    if 48 <= c <= 57:
        return c - 48
    if 65 <= c <= 70:
        return c - 55
    if 97 <= c <= 102:
        return c - 87
    return -1


@njit
def _xor(words: Any, a: int, b: int) -> int:
    """XOR of the bytes between positions a and b (either order), read as the 8-byte words
    that hold them (`words` is the buffer viewed as uint64, little-endian): the bytes of the
    first and last words outside the range are XORed out again, then the word's 8 bytes are
    folded into one. Byte by byte, the checksums took half of the pass."""
    lo, hi = (a, b) if a <= b else (b, a)
    if hi <= lo:
        return 0
    w0 = lo >> 3
    w1 = (hi - 1) >> 3
    acc = np.uint64(0)
    for j in range(w0, w1 + 1):
        acc ^= words[j]
    head = lo - (w0 << 3)
    if head:
        acc ^= words[w0] & ((np.uint64(1) << np.uint64(8 * head)) - np.uint64(1))
    tail = hi - (w1 << 3)
    if tail < 8:
        acc ^= words[w1] & ~((np.uint64(1) << np.uint64(8 * tail)) - np.uint64(1))
    acc ^= acc >> np.uint64(32)
    acc ^= acc >> np.uint64(16)
    acc ^= acc >> np.uint64(8)
    return int(acc & np.uint64(255))


@njit
def _digit(c: int) -> bool:
    return 48 <= c <= 57


@njit
def _epoch(buf: Any, start: int) -> float:
    """Epoch seconds from the digits at `start`: ten digits as they are, else up to
    MAX_EPOCH_DIGITS digits, milliseconds above MS_EPOCH_MIN; NaN when there is no digit."""
    value = 0
    n = 0
    while n < MAX_EPOCH_DIGITS and _digit(buf[start + n]):
        value = value * 10 + buf[start + n] - 48
        n += 1
    if n == 0:
        return np.nan
    if n == 10 and not _digit(buf[start + 10]):
        return float(value)
    seconds = float(value)
    return seconds / 1000.0 if seconds > MS_EPOCH_MIN else seconds


@njit
def _tag_time(buf: Any, lo: int, hi: int) -> float:
    """The `c:` time of the tag block in [lo, hi): the first `c:` after `\\` or `,`."""
    for p in range(lo, hi):
        if buf[p] == 99 and buf[p + 1] == _COLON and buf[p - 1] in (_COMMA, _BSL):
            return _epoch(buf, p + 2)
    return np.nan


@njit
def _trailer_time(buf: Any, lo: int, hi: int) -> float:
    """NAIS-style trailer after the checksum: the first `,dddddddddd` (ten digits, an optional
    fraction) followed by `,` or the line end; the regex `,(\\d{10})(\\.\\d*)?(,|$)`."""
    for p in range(lo, hi):
        if buf[p] != _COMMA or p + 11 > hi:
            continue
        good = True
        for j in range(1, 11):
            if not _digit(buf[p + j]):
                good = False
                break
        if not good:
            continue
        q = p + 11
        if q < hi and buf[q] == 46:  # a fraction: '.' and digits
            q += 1
            while q < hi and _digit(buf[q]):
                q += 1
        elif q < hi and buf[q] != _COMMA:
            continue
        if q == hi or buf[q] == _COMMA:
            value = 0.0
            for j in range(1, 11):
                value = value * 10 + (buf[p + j] - 48)
            return value
    return np.nan


@njit
def scan(buf: Any, n_raw: int, newlines: Any) -> Any:
    """Fields of every line of buf[:n_raw] (buf is zero-padded past n_raw; `newlines` are the
    positions of its newlines, found by numpy's vectorised compare).

    Returns a (15, lines) int64 matrix (rows: line_start, line_end, ok, tag_start, tag_end,
    tag_ok, sent_start, seq_end, payload_start, payload_end, star, checksum_ok, fragment
    count, fragment number, fill bits; offsets and digits are 0 where not ok) and
    the lines' own times in seconds (tag block `c:`, else NAIS trailer; NaN where none).
    """
    words = buf[: (len(buf) // 8) * 8].view(np.uint64)  # the padding keeps reads inside
    n_lines = len(newlines) + (0 if n_raw == 0 or buf[n_raw - 1] == _NL else 1)
    out = np.zeros((15, n_lines), np.int64)
    ts = np.full(n_lines, np.nan)
    start = 0
    for k in range(n_lines):
        end = newlines[k] if k < len(newlines) else n_raw
        nl = end
        if end > start and buf[end - 1] == _CR:
            end -= 1
        out[0, k] = start
        out[1, k] = end
        # Tag block: a backslash first, closed by the next backslash inside the line.
        tag_start = -1
        tag_end = -1
        tag_ok = True
        if buf[start] == _BSL:
            close = start + 1
            while close < end and buf[close] != _BSL:
                close += 1
            if close < end:
                tag_start, tag_end = start + 1, close
                star_t = close - 3
                if star_t >= 0 and buf[star_t] == _STAR:  # `*hh\`; none is accepted
                    cs = _hex(buf[star_t + 1]) * 16 + _hex(buf[star_t + 2])
                    bad = _hex(buf[star_t + 1]) < 0 or _hex(buf[star_t + 2]) < 0
                    tag_ok = not bad and _xor(words, tag_start, star_t) == cs
                ts[k] = _tag_time(buf, tag_start, tag_end)
        out[3, k] = tag_start
        out[4, k] = tag_end
        out[5, k] = tag_ok
        s = min(tag_end + 1 if tag_start >= 0 else start, n_raw)
        # `!AIVDM,c,n,` (or $/VDO): fixed offsets; then sequence id and channel, 0–1 byte each.
        ok = (
            (buf[s] == 33 or buf[s] == 36)
            and buf[s + 3] == 86
            and buf[s + 4] == 68
            and (buf[s + 5] == 77 or buf[s + 5] == 79)
            and buf[s + 6] == _COMMA
            and buf[s + 8] == _COMMA
            and buf[s + 10] == _COMMA
        )
        seq_end = chan_end = star = 0
        if ok:
            seq_end = s + 11 if buf[s + 11] == _COMMA else s + 12
            chan_end = seq_end + 1 if buf[seq_end + 1] == _COMMA else seq_end + 2
            ok = buf[seq_end] == _COMMA and buf[chan_end] == _COMMA
        if ok:
            star = end - 3
            if not (star > chan_end and buf[max(star, 0)] == _STAR):
                star = chan_end  # the first '*' after the channel (NAIS trailers follow it)
                while star < end and buf[star] != _STAR:
                    star += 1
            ok = (
                buf[star] == _STAR
                and star + 3 <= end
                and buf[max(star - 2, 0)] == _COMMA
                and star - 2 >= chan_end
                and 49 <= buf[s + 7] <= 57
                and 49 <= buf[s + 9] <= 57
                and 48 <= buf[max(star - 1, 0)] <= 53
            )
        if ok:
            out[2, k] = 1
            out[6, k] = s
            out[7, k] = seq_end
            out[8, k] = chan_end + 1
            out[9, k] = star - 2
            out[10, k] = star
            hi, lo = _hex(buf[star + 1]), _hex(buf[star + 2])
            out[11, k] = hi >= 0 and lo >= 0 and _xor(words, s + 1, star) == hi * 16 + lo
            out[12, k] = buf[s + 7] - 48
            out[13, k] = buf[s + 9] - 48
            out[14, k] = buf[star - 1] - 48
            if star + 3 < end and np.isnan(ts[k]):
                ts[k] = _trailer_time(buf, star + 3, end)
        start = nl + 1
    return out, ts
