"""Vectorised AIVDM encoding (ITU-R M.1371 bit layouts) with IEC 61162-450 tag blocks.

Every message of one type becomes a row of a bit matrix, then a fixed-width byte matrix:
no Python loop per message, so a million reports encode in about a second.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

U8 = npt.NDArray[np.uint8]
SIXBIT_TEXT = "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?"


def _bits(values: npt.NDArray[np.int64], width: int) -> U8:
    """Two's-complement bits, most significant first: shape (n, width)."""
    v = np.asarray(values, dtype=np.int64) & ((1 << width) - 1)
    out = np.empty((v.shape[0], width), np.uint8)
    for j in range(width):
        out[:, j] = (v >> (width - 1 - j)) & 1
    return out


def _text_bits(texts: npt.NDArray[np.object_], chars: int) -> U8:
    """6-bit text, upper-cased, padded with '@'."""
    table = np.zeros(256, np.int64)
    for i, c in enumerate(SIXBIT_TEXT):
        table[ord(c)] = i
    raw = np.array(
        [s.upper().encode("ascii", "replace")[:chars].ljust(chars, b"@") for s in texts],
        dtype=f"S{chars}",
    )
    codes = table[raw.view(np.uint8).reshape(-1, chars)]
    return _bits(codes.reshape(-1), 6).reshape(len(texts), chars * 6)


def _armor(bits: U8) -> U8:
    """Bit matrix (n, 6k) -> payload characters (n, k)."""
    n, nb = bits.shape
    b = bits.reshape(n, nb // 6, 6)
    six = (b[..., 0] << 5) | (b[..., 1] << 4) | (b[..., 2] << 3) | (b[..., 3] << 2)
    six |= (b[..., 4] << 1) | b[..., 5]
    return np.where(six < 40, six + 48, six + 56).astype(np.uint8)


def _hex2(x: npt.NDArray[np.int64]) -> U8:
    digits = np.frombuffer(b"0123456789ABCDEF", np.uint8)
    return np.stack([digits[x >> 4], digits[x & 15]], axis=1)


def _ascii(prefix: str, n: int) -> U8:
    return np.tile(np.frombuffer(prefix.encode(), np.uint8), (n, 1))


def _xor(m: U8) -> npt.NDArray[np.int64]:
    return (
        np.bitwise_xor.reduce(m.astype(np.int64), axis=1)
        if m.shape[1]
        else np.zeros(m.shape[0], np.int64)
    )


def sentences(
    ts: npt.NDArray[np.int64],
    payload: U8,
    *,
    total: int,
    part: int,
    seq: U8 | None,
    fill: int,
    channel: U8,
) -> U8:
    """Fixed-width lines `\\s:sim,c:TS*hh\\!AIVDM,total,part,seq,ch,payload,fill*hh\\n`."""
    n = ts.shape[0]
    tdig = ((ts[:, None] // (10 ** np.arange(9, -1, -1))) % 10 + 48).astype(np.uint8)
    tag = np.hstack([_ascii("s:sim,c:", n), tdig])
    body = np.hstack(
        [
            _ascii(f"AIVDM,{total},{part},", n),
            *([] if seq is None else [seq[:, None]]),
            _ascii(",", n),
            channel[:, None],
            _ascii(",", n),
            payload,
            _ascii(f",{fill}", n),
        ]
    )
    return np.hstack(
        [
            _ascii("\\", n),
            tag,
            _ascii("*", n),
            _hex2(_xor(tag)),
            _ascii("\\!", n),
            body,
            _ascii("*", n),
            _hex2(_xor(body)),
            _ascii("\n", n),
        ]
    )


def position_payload(c: dict[str, np.ndarray], class_b: npt.NDArray[np.bool_]) -> U8:
    """Types 1 (class A) and 18 (class B) as 168-bit payloads (28 characters)."""
    out = np.empty((class_b.shape[0], 28), np.uint8)
    for kind in (False, True):
        idx = np.flatnonzero(class_b == kind)
        for i in range(0, idx.size, 131_072):  # chunks keep the bit matrices in cache
            part = idx[i : i + 131_072]
            sub = {k: v[part] for k, v in c.items()}
            out[part] = _armor(_type18_bits(sub) if kind else _type1_bits(sub))
    return out


def _common(c: dict[str, np.ndarray]) -> tuple[np.ndarray, ...]:
    sog = np.round(c["sog"] * 10).astype(np.int64)
    lon = np.round(c["lon"] * 600_000).astype(np.int64)
    lat = np.round(c["lat"] * 600_000).astype(np.int64)
    cog = np.round(c["cog"] * 10).astype(np.int64) % 3600
    return c["mmsi"].astype(np.int64), sog, lon, lat, cog, c["t"].astype(np.int64) % 60


def _type1_bits(c: dict[str, np.ndarray]) -> U8:
    mmsi, sog, lon, lat, cog, sec = _common(c)
    z = np.zeros(mmsi.shape[0], np.int64)
    return np.hstack(
        [
            _bits(z + 1, 6),
            _bits(z, 2),
            _bits(mmsi, 30),
            _bits(c["nav_status"].astype(np.int64), 4),
            _bits(z - 128, 8),
            _bits(sog, 10),
            _bits(z, 1),
            _bits(lon, 28),
            _bits(lat, 27),
            _bits(cog, 12),
            _bits(c["heading"].astype(np.int64), 9),
            _bits(sec, 6),
            _bits(z, 6),
            _bits(z, 19),
        ]
    )


def _type18_bits(c: dict[str, np.ndarray]) -> U8:
    mmsi, sog, lon, lat, cog, sec = _common(c)
    z = np.zeros(mmsi.shape[0], np.int64)
    return np.hstack(
        [
            _bits(z + 18, 6),
            _bits(z, 2),
            _bits(mmsi, 30),
            _bits(z, 8),
            _bits(sog, 10),
            _bits(z, 1),
            _bits(lon, 28),
            _bits(lat, 27),
            _bits(cog, 12),
            _bits(z + 511, 9),
            _bits(sec, 6),
            _bits(z, 2),
            _bits(z + 1, 1),
            _bits(z, 1),
            _bits(z + 1, 1),
            _bits(z + 1, 1),
            _bits(z, 1),
            _bits(z, 1),
            _bits(z, 1),
            _bits(z, 20),
        ]
    )


def _dims(length: np.ndarray, width: np.ndarray) -> tuple[np.ndarray, ...]:
    bow = np.round(np.asarray(length, float) * 0.55).astype(np.int64)
    stern = np.round(np.asarray(length, float)).astype(np.int64) - bow
    port = np.round(np.asarray(width, float) / 2).astype(np.int64)
    star = np.round(np.asarray(width, float)).astype(np.int64) - port
    return np.clip(bow, 0, 511), np.clip(stern, 0, 511), np.clip(port, 0, 63), np.clip(star, 0, 63)


def type5_payload(c: dict[str, np.ndarray], t_month_day_h_m: tuple[np.ndarray, ...]) -> U8:
    """Type 5 static and voyage data: 424 bits + 2 fill = 71 characters."""
    n = c["mmsi"].shape[0]
    z = np.zeros(n, np.int64)
    bow, stern, port, star = _dims(c["length"], c["width"])
    month, day, hour, minute = t_month_day_h_m
    bits = np.hstack(
        [
            _bits(z + 5, 6),
            _bits(z, 2),
            _bits(c["mmsi"].astype(np.int64), 30),
            _bits(z, 2),
            _bits(c["imo"].astype(np.int64), 30),
            _text_bits(c["callsign"], 7),
            _text_bits(c["name"], 20),
            _bits(c["ship_type"].astype(np.int64), 8),
            _bits(bow, 9),
            _bits(stern, 9),
            _bits(port, 6),
            _bits(star, 6),
            _bits(z + 1, 4),
            _bits(month, 4),
            _bits(day, 5),
            _bits(hour, 5),
            _bits(minute, 6),
            _bits(np.round(c["draught"] * 10).astype(np.int64), 8),
            _text_bits(c["destination"], 20),
            _bits(z, 1),
            _bits(z, 1),
            _bits(z, 2),
        ]
    )
    return _armor(bits)


def type24_payloads(c: dict[str, np.ndarray]) -> tuple[U8, U8]:
    """Type 24 part A (name) and part B (type, call sign, dimensions): 168 bits each."""
    n = c["mmsi"].shape[0]
    z = np.zeros(n, np.int64)
    mmsi = c["mmsi"].astype(np.int64)
    bow, stern, port, star = _dims(c["length"], c["width"])
    a = np.hstack(
        [
            _bits(z + 24, 6),
            _bits(z, 2),
            _bits(mmsi, 30),
            _bits(z, 2),
            _text_bits(c["name"], 20),
            _bits(z, 8),
        ]
    )
    b = np.hstack(
        [
            _bits(z + 24, 6),
            _bits(z, 2),
            _bits(mmsi, 30),
            _bits(z + 1, 2),
            _bits(c["ship_type"].astype(np.int64), 8),
            _bits(z, 42),
            _text_bits(c["callsign"], 7),
            _bits(bow, 9),
            _bits(stern, 9),
            _bits(port, 6),
            _bits(star, 6),
            _bits(z, 6),
        ]
    )
    return _armor(a), _armor(b)
