"""Compiled 6-bit payload decoding (ITU-R M.1371-5): message type, problems and fields.

Each payload is read once, bit fields straight from its armoured characters; numba compiles
the loops (cached next to this file) and releases the GIL. Bits past a payload's end read
as 0, as pyais pads; only the characters a message's fields need are armour-checked.
Bit layouts and reason precedence are documented in ais.messages, which calls these.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from oiltrail.ais.nmea_kernel import njit
from oiltrail.ais.sixbit import BAD_PAYLOAD, EMPTY, OK, TRUNCATED, UNKNOWN_24_PART, UNKNOWN_TYPE

# Position kinds 1–3 (Class A 1–3, Class B 18/19, long range 27); static kinds 4–7
# (type 5, type 19, type 24 part A, part B). A type 19 is both a position and a static report.
KIND_A, KIND_B, KIND_L, KIND_5, KIND_19, KIND_24A, KIND_24B = range(1, 8)
HEAD_CHARS = 7  # type, repeat, MMSI and the type-24 part number
# Characters each kind's fields use (armour-checked), and bits below which it is truncated.
_CHARS = np.array([0, 23, 23, 16, 71, 51, 27, 28], np.int64)
_MIN_BITS = np.zeros(64, np.int64)
for _t, _n in {1: 137, 2: 137, 3: 137, 18: 133, 19: 301, 27: 94, 5: 302}.items():
    _MIN_BITS[_t] = _n
_MIN_BITS_24 = np.array([160, 162], np.int64)

_VALUE = np.zeros(256, np.int64)  # armour byte → 6-bit value (invalid bytes → 0)
_BAD = np.ones(256, np.bool_)
for _c in list(range(48, 88)) + list(range(96, 120)):
    _VALUE[_c] = _c - 48 if _c < 88 else _c - 56
    _BAD[_c] = False
# 6-bit ASCII of text fields: value v ↦ this byte.
_TEXT = np.frombuffer(
    b"@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?", dtype=np.uint8
).astype(np.int64)


@njit
def _uint(data: Any, start: int, n_chars: int, bit_off: int, n_bits: int) -> int:
    first = bit_off // 6
    last = (bit_off + n_bits - 1) // 6
    acc = 0
    for j in range(first, last + 1):
        acc = (acc << 6) | (_VALUE[data[start + j]] if j < n_chars else 0)
    shift = (last - first + 1) * 6 - (bit_off - first * 6) - n_bits
    return (acc >> shift) & ((1 << n_bits) - 1)


@njit
def _bad_armour(data: Any, start: int, n_chars: int, chars: int) -> bool:
    for j in range(min(chars, n_chars)):  # noqa: SIM110 (numba: a plain loop)
        if _BAD[data[start + j]]:
            return True
    return False


@njit
def classify(data: Any, starts: Any, n_chars: Any, fill: Any) -> Any:
    """Per payload: message type, reason code, position kind and static kind (0 = none)."""
    n = len(starts)
    msg_type = np.zeros(n, np.int64)
    reason = np.zeros(n, np.int64)
    pos_kind = np.zeros(n, np.int64)
    st_kind = np.zeros(n, np.int64)
    for i in range(n):
        s, nc = starts[i], n_chars[i]
        t = _uint(data, s, nc, 0, 6)
        part = _uint(data, s, nc, 38, 2)
        msg_type[i] = t
        need = _MIN_BITS[t] if t != 24 else (_MIN_BITS_24[part] if part <= 1 else 0)
        r = OK
        if t == 0 or t > 27:
            r = UNKNOWN_TYPE
        if t == 24 and part > 1:
            r = UNKNOWN_24_PART
        if nc * 6 - fill[i] < need:
            r = TRUNCATED
        if _bad_armour(data, s, nc, HEAD_CHARS):
            r = BAD_PAYLOAD
        if nc == 0:
            r = EMPTY
        if r == OK:
            k = KIND_A if t <= 3 else KIND_B if t in (18, 19) else KIND_L if t == 27 else 0
            if k:
                if _bad_armour(data, s, nc, _CHARS[k]):
                    r = BAD_PAYLOAD
                else:
                    pos_kind[i] = k
        if r == OK:
            k = 0
            if t == 5:
                k = KIND_5
            elif t == 19:
                k = KIND_19
            elif t == 24:
                k = KIND_24A if part == 0 else KIND_24B
            if k:
                if _bad_armour(data, s, nc, _CHARS[k]):
                    r = BAD_PAYLOAD
                else:
                    st_kind[i] = k
        reason[i] = r
    return msg_type, reason, pos_kind, st_kind


@njit
def _chars(data: Any, s: int, nc: int, first: int) -> int:
    """Ten armoured characters from `first` as one 60-bit integer (0 past the payload end)."""
    acc = 0
    for j in range(first, first + 10):
        acc = (acc << 6) | (_VALUE[data[s + j]] if j < nc else 0)
    return acc


@njit
def _field(w0: int, w1: int, w2: int, off: int, n: int) -> int:
    """Bits [off, off + n) of the 180 bits w0 w1 w2 hold (n ≤ 60: at most two of them)."""
    k = off // 60
    r = off - 60 * k
    wa = w0 if k == 0 else (w1 if k == 1 else w2)
    if r + n <= 60:
        return (wa >> (60 - r - n)) & ((1 << n) - 1)
    wb = w1 if k == 0 else w2
    hi_bits = 60 - r
    lo_bits = n - hi_bits
    return ((wa & ((1 << hi_bits) - 1)) << lo_bits) | (wb >> (60 - lo_bits))


@njit
def _sfield(w0: int, w1: int, w2: int, off: int, n: int) -> int:
    u = _field(w0, w1, w2, off, n)
    return u - (1 << n) if u >= (1 << (n - 1)) else u


@njit
def positions(data: Any, starts: Any, n_chars: Any, rows: Any, kinds: Any) -> Any:
    """mmsi, lat, lon, sog, cog (NaN = not available), heading, nav_status (−1 = none).

    A report's first 30 characters are read once into three 60-bit integers and the fields
    cut from those: field by field from the characters took twice as long."""
    n = len(rows)
    mmsi = np.zeros(n, np.int64)
    lat, lon, sog, cog = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
    heading = np.full(n, -1, np.int64)
    nav = np.full(n, -1, np.int64)
    for i in range(n):
        s, nc = starts[rows[i]], n_chars[rows[i]]
        w0, w1 = _chars(data, s, nc, 0), _chars(data, s, nc, 10)
        mmsi[i] = _field(w0, w1, 0, 8, 30)
        if kinds[i] == KIND_L:  # type 27: its fields end at bit 94
            lon[i] = _sfield(w0, w1, 0, 44, 18) / 600.0
            lat[i] = _sfield(w0, w1, 0, 62, 17) / 600.0
            v = _field(w0, w1, 0, 79, 6)
            sog[i] = np.nan if v == 63 else float(v)
            v = _field(w0, w1, 0, 85, 9)
            cog[i] = np.nan if v >= 360 else float(v)
            nav[i] = _field(w0, w1, 0, 40, 4)
            continue
        w2 = _chars(data, s, nc, 20)
        base = 0 if kinds[i] == KIND_A else -4  # Class B fields sit 4 bits earlier
        v = _field(w0, w1, w2, 50 + base, 10)
        sog[i] = np.nan if v == 1023 else v / 10.0
        v = _field(w0, w1, w2, 116 + base, 12)
        cog[i] = np.nan if v >= 3600 else v / 10.0
        v = _field(w0, w1, w2, 128 + base, 9)
        heading[i] = -1 if v >= 360 else v
        if kinds[i] == KIND_A:
            nav[i] = _field(w0, w1, w2, 38, 4)
        lat[i] = _sfield(w0, w1, w2, 89 + base, 27) / 600_000.0
        lon[i] = _sfield(w0, w1, w2, 61 + base, 28) / 600_000.0
    return mmsi, lat, lon, sog, cog, heading, nav


@njit
def _text(data: Any, s: int, nc: int, bit_off: int, width: int, out: Any, at: int) -> int:
    """Write a text field at out[at:]: up to the first '@', trailing spaces removed."""
    end = at
    for c in range(width):
        ch = _TEXT[_uint(data, s, nc, bit_off + 6 * c, 6)]
        if ch == 64:  # '@' ends the text
            break
        out[at + c] = ch
        if ch != 32:
            end = at + c + 1
    return end


@njit
def _dims(data: Any, s: int, nc: int, off: int) -> tuple[float, float]:
    length = _uint(data, s, nc, off, 9) + _uint(data, s, nc, off + 9, 9)
    width = _uint(data, s, nc, off + 18, 6) + _uint(data, s, nc, off + 24, 6)
    return (np.nan if length == 0 else float(length)), (np.nan if width == 0 else float(width))


@njit
def statics(data: Any, starts: Any, n_chars: Any, rows: Any, kinds: Any) -> Any:
    """Numeric columns (mmsi, imo, ship_type; length, width, draught) and three text columns
    (callsign, name, destination) as (bytes, offsets); absent fields are 0 / −1 / NaN / ''."""
    n = len(rows)
    ints = np.zeros((3, n), np.int64)
    floats = np.full((3, n), np.nan)
    texts = np.zeros((3, n * 20), np.uint8)
    offsets = np.zeros((3, n + 1), np.int32)
    for i in range(n):
        s, nc, k = starts[rows[i]], n_chars[rows[i]], kinds[i]
        ints[0, i] = _uint(data, s, nc, 8, 30)
        ints[2, i] = -1
        # (bit offset, characters) of callsign, name, destination; -1: absent in this kind
        call, name, dest = (-1, -1, -1)
        if k == KIND_5:
            ints[1, i] = _uint(data, s, nc, 40, 30)
            ints[2, i] = _uint(data, s, nc, 232, 8)
            floats[0, i], floats[1, i] = _dims(data, s, nc, 240)
            draught = _uint(data, s, nc, 294, 8) / 10.0
            floats[2, i] = np.nan if draught == 0 else draught
            call, name, dest = 70, 112, 302
        elif k == KIND_19:
            ints[2, i] = _uint(data, s, nc, 263, 8)
            floats[0, i], floats[1, i] = _dims(data, s, nc, 271)
            name = 143
        elif k == KIND_24A:
            name = 40
        else:
            ints[2, i] = _uint(data, s, nc, 40, 8)
            floats[0, i], floats[1, i] = _dims(data, s, nc, 132)
            call = 90
        for f, (off, width) in enumerate(((call, 7), (name, 20), (dest, 20))):
            at = offsets[f, i]
            end = at if off < 0 else _text(data, s, nc, off, width, texts[f], at)
            offsets[f, i + 1] = end
    return ints, floats, texts, offsets
