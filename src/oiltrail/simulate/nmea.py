"""Vectorised AIVDM encoding (ITU-R M.1371 bit layouts) with IEC 61162-450 tag blocks.

Fields are packed straight into 6-bit character columns and lines are fixed-width byte
matrices: no Python loop per message, so a million reports encode in about a second.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

U8 = npt.NDArray[np.uint8]
SIXBIT_TEXT = "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?"


Field = tuple["npt.NDArray[np.int64] | int", int]  # (values or a constant, width in bits)


def _pack(fields: list[Field], n: int) -> U8:
    """Fields (MSB first, two's complement) -> armored payload characters, shape (n, chars).

    Works one 6-bit character column at a time, so the cost is a few vector operations per
    character rather than one per bit.
    """
    total = sum(w for _, w in fields)
    cols: list[npt.NDArray[np.int64]] = [np.zeros(n, np.int64) for _ in range(-(-total // 6))]
    pos = 0
    for values, width in fields:
        end = pos + width
        if isinstance(values, int) and values == 0:
            pos = end
            continue
        v = np.asarray(values, dtype=np.int64) & ((1 << width) - 1)
        for j in range(pos // 6, (end - 1) // 6 + 1):
            a, b = max(pos, 6 * j), min(end, 6 * j + 6)
            cols[j] |= ((v >> (end - b)) & ((1 << (b - a)) - 1)) << (6 * j + 6 - b)
        pos = end
    six = np.stack(cols, axis=1)
    return np.where(six < 40, six + 48, six + 56).astype(np.uint8)


def _text(texts: npt.NDArray[np.object_], chars: int) -> list[Field]:
    """6-bit text fields, upper-cased, padded with '@'."""
    table = np.zeros(256, np.int64)
    for i, c in enumerate(SIXBIT_TEXT):
        table[ord(c)] = i
    raw = np.array(
        [s.upper().encode("ascii", "replace")[:chars].ljust(chars, b"@") for s in texts],
        dtype=f"S{chars}",
    )
    codes = table[raw.view(np.uint8).reshape(-1, chars)]
    return [(codes[:, k], 6) for k in range(chars)]


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
        for i in range(0, idx.size, 262_144):  # chunks keep the columns in cache
            part = idx[i : i + 262_144]
            sub = {k: v[part] for k, v in c.items()}
            fields = _type18_fields(sub) if kind else _type1_fields(sub)
            out[part] = _pack(fields, part.size)
    return out


def _common(c: dict[str, np.ndarray]) -> tuple[npt.NDArray[np.int64], ...]:
    sog = np.round(c["sog"] * 10).astype(np.int64)
    lon = np.round(c["lon"] * 600_000).astype(np.int64)
    lat = np.round(c["lat"] * 600_000).astype(np.int64)
    cog = np.round(c["cog"] * 10).astype(np.int64) % 3600
    return c["mmsi"].astype(np.int64), sog, lon, lat, cog, c["t"].astype(np.int64) % 60


def _type1_fields(c: dict[str, np.ndarray]) -> list[Field]:
    mmsi, sog, lon, lat, cog, sec = _common(c)
    return [
        (1, 6),
        (0, 2),
        (mmsi, 30),
        (c["nav_status"].astype(np.int64), 4),
        (-128, 8),
        (sog, 10),
        (0, 1),
        (lon, 28),
        (lat, 27),
        (cog, 12),
        (c["heading"].astype(np.int64), 9),
        (sec, 6),
        (0, 6),
        (0, 19),
    ]


def _type18_fields(c: dict[str, np.ndarray]) -> list[Field]:
    mmsi, sog, lon, lat, cog, sec = _common(c)
    return [
        (18, 6),
        (0, 2),
        (mmsi, 30),
        (0, 8),
        (sog, 10),
        (0, 1),
        (lon, 28),
        (lat, 27),
        (cog, 12),
        (511, 9),
        (sec, 6),
        (0, 2),
        (1, 1),
        (0, 1),
        (1, 1),
        (1, 1),
        (0, 1),
        (0, 1),
        (0, 1),
        (0, 20),
    ]


def _dims(length: np.ndarray, width: np.ndarray) -> tuple[npt.NDArray[np.int64], ...]:
    bow = np.round(np.asarray(length, float) * 0.55).astype(np.int64)
    stern = np.round(np.asarray(length, float)).astype(np.int64) - bow
    port = np.round(np.asarray(width, float) / 2).astype(np.int64)
    star = np.round(np.asarray(width, float)).astype(np.int64) - port
    return np.clip(bow, 0, 511), np.clip(stern, 0, 511), np.clip(port, 0, 63), np.clip(star, 0, 63)


def type5_payload(c: dict[str, np.ndarray], eta: tuple[np.ndarray, ...]) -> U8:
    """Type 5 static and voyage data: 424 bits + 2 fill = 71 characters."""
    n = c["mmsi"].shape[0]
    bow, stern, port, star = _dims(c["length"], c["width"])
    month, day, hour, minute = (np.asarray(x, np.int64) for x in eta)
    fields: list[Field] = [
        (5, 6),
        (0, 2),
        (c["mmsi"].astype(np.int64), 30),
        (0, 2),
        (c["imo"].astype(np.int64), 30),
        *_text(c["callsign"], 7),
        *_text(c["name"], 20),
        (c["ship_type"].astype(np.int64), 8),
        (bow, 9),
        (stern, 9),
        (port, 6),
        (star, 6),
        (1, 4),
        (month, 4),
        (day, 5),
        (hour, 5),
        (minute, 6),
        (np.round(c["draught"] * 10).astype(np.int64), 8),
        *_text(c["destination"], 20),
        (0, 1),
        (0, 1),
        (0, 2),
    ]
    return _pack(fields, n)


def type24_payloads(c: dict[str, np.ndarray]) -> tuple[U8, U8]:
    """Type 24 part A (name) and part B (type, call sign, dimensions): 168 bits each."""
    n = c["mmsi"].shape[0]
    mmsi = c["mmsi"].astype(np.int64)
    bow, stern, port, star = _dims(c["length"], c["width"])
    a: list[Field] = [(24, 6), (0, 2), (mmsi, 30), (0, 2), *_text(c["name"], 20), (0, 8)]
    b: list[Field] = [
        (24, 6),
        (0, 2),
        (mmsi, 30),
        (1, 2),
        (c["ship_type"].astype(np.int64), 8),
        (0, 42),
        *_text(c["callsign"], 7),
        (bow, 9),
        (stern, 9),
        (port, 6),
        (star, 6),
        (0, 6),
    ]
    return _pack(a, n), _pack(b, n)
