"""Vectorised AIS 6-bit payload decoding: armour → 6-bit values → bit fields (numpy, no loops)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

U8 = npt.NDArray[np.uint8]
I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]

# ITU-R M.1371 6-bit ASCII for text fields: value v ↦ this character.
_TEXT_TABLE = np.frombuffer(
    b"@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?", dtype=np.uint8
)
MAX_CHARS = 80  # the most payload characters a field read looks at (type 5: 71)


def string_buffers(arr: pa.Array) -> tuple[U8, I64, I64]:
    """Data bytes, start and end byte offsets of each string of a (large_)string array."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    offset_type = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=offset_type)[arr.offset : arr.offset + len(arr) + 1]
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
    starts = offsets[:-1].astype(np.int64)
    ends = offsets[1:].astype(np.int64)
    if arr.null_count:
        valid = np.asarray(arr.is_valid())
        ends = np.where(valid, ends, starts)
    return data, starts, ends


class XorPrefix:
    """XOR of any byte range of a buffer in O(1) after one pass over 64-bit words."""

    def __init__(self, data: U8) -> None:
        n_words = len(data) // 8 + 1
        padded = np.zeros(n_words * 8, np.uint8)
        padded[: len(data)] = data
        self.words = padded.view(np.uint64)
        self.prefix = np.zeros(n_words + 1, np.uint64)
        np.bitwise_xor.accumulate(self.words, out=self.prefix[1:])

    def _upto(self, x: I64) -> U64:
        i = x // 8
        # Little-endian: the first r bytes of a word are its low 8·r bits.
        mask = (np.uint64(1) << (np.uint64(8) * (x % 8).astype(np.uint64))) - np.uint64(1)
        v = self.prefix[i] ^ (self.words[i] & mask)
        v ^= v >> np.uint64(32)
        v ^= v >> np.uint64(16)
        v ^= v >> np.uint64(8)
        return np.asarray(v & np.uint64(0xFF), np.uint64)

    def ranges(self, starts: I64, ends: I64) -> U8:
        return (self._upto(ends) ^ self._upto(starts)).astype(np.uint8)


def xor_ranges(data: U8, starts: I64, ends: I64) -> U8:
    """XOR of the bytes data[starts[i]:ends[i]] for every i (the NMEA checksum)."""
    return XorPrefix(data).ranges(starts, ends)


_HEX = np.full(256, -1, dtype=np.int64)
_HEX[np.frombuffer(b"0123456789ABCDEF", np.uint8)] = np.arange(16)
_HEX[np.frombuffer(b"abcdef", np.uint8)] = np.arange(10, 16)


def hex_pairs(data: U8, starts: I64) -> I64:
    """Value of the two hex digits at each start (−1 when not hex)."""
    padded = np.concatenate([data, np.zeros(2, np.uint8)]) if len(data) < 2 else data
    hi = _HEX[padded[starts]]
    lo = _HEX[padded[np.minimum(starts + 1, len(padded) - 1)]]
    return np.where((hi < 0) | (lo < 0), -1, hi * 16 + lo)


_VALUE = np.zeros(256, np.uint8)  # armour byte → 6-bit value (invalid bytes → 0)
_BAD = np.ones(256, bool)
for _c in list(range(48, 88)) + list(range(96, 120)):
    _VALUE[_c] = _c - 48 if _c < 88 else _c - 56
    _BAD[_c] = False


class Bits:
    """The first characters of some payloads as a matrix of 6-bit values, for field reads."""

    def __init__(self, chars: U8, n_chars: I64) -> None:
        self.vals = _VALUE[chars]
        bad = _BAD[chars]
        short = np.flatnonzero(n_chars < chars.shape[1])
        if len(short):
            # Bits past a payload's end read as 0 (as pyais pads) and are not armour-checked.
            inside = np.arange(chars.shape[1])[None, :] < n_chars[short][:, None]
            self.vals[short] = np.where(inside, self.vals[short], 0)
            bad[short] &= inside
        self.bad_armour = bad.any(axis=1)

    def __len__(self) -> int:
        return len(self.vals)

    def uint(self, bit_off: int, n_bits: int) -> U64:
        """Unsigned field of n_bits (≤ 36) at bit_off."""
        first = bit_off // 6
        last = (bit_off + n_bits - 1) // 6
        acc = np.zeros(len(self.vals), dtype=np.uint64)
        for j in range(first, last + 1):
            acc = (acc << np.uint64(6)) | self.vals[:, j].astype(np.uint64)
        shift = (last - first + 1) * 6 - (bit_off - first * 6) - n_bits
        return np.asarray((acc >> np.uint64(shift)) & np.uint64((1 << n_bits) - 1), np.uint64)

    def sint(self, bit_off: int, n_bits: int) -> I64:
        """Two's-complement signed field."""
        u = self.uint(bit_off, n_bits).astype(np.int64)
        return np.where(u >= (1 << (n_bits - 1)), u - (1 << n_bits), u)

    def text(self, bit_off: int, n_chars: int) -> pa.Array:
        """6-bit ASCII text of n_chars characters; '@' ends it, trailing spaces removed."""
        chars = np.empty((len(self.vals), n_chars), dtype=np.uint8)
        for i in range(n_chars):
            chars[:, i] = _TEXT_TABLE[self.uint(bit_off + 6 * i, 6)]
        raw = pa.array(chars.view(f"S{n_chars}").ravel(), type=pa.binary())
        text = pc.replace_substring_regex(raw.cast(pa.string()), pattern="@.*$", replacement="")
        text = pc.utf8_rtrim(text, characters=" ")
        return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


class Payloads:
    """Armoured payloads of many messages (byte ranges of one buffer)."""

    def __init__(self, data: U8, starts: I64, ends: I64, fill_bits: I64, padding: int = 0) -> None:
        # Field reads look up to MAX_CHARS past a start: pad once unless the caller did.
        self.data = (
            data if padding >= MAX_CHARS else np.concatenate([data, np.zeros(MAX_CHARS, np.uint8)])
        )
        self.starts = starts
        self.n_chars = ends - starts
        self.n_bits = self.n_chars * 6 - fill_bits

    def __len__(self) -> int:
        return len(self.starts)

    def bits(self, rows: I64 | None, n_chars: int) -> Bits:
        """The first n_chars characters of the payloads at `rows` (all when None)."""
        starts = self.starts if rows is None else self.starts[rows]
        lengths = self.n_chars if rows is None else self.n_chars[rows]
        window = np.lib.stride_tricks.sliding_window_view(self.data, n_chars)
        return Bits(window[starts], lengths)
