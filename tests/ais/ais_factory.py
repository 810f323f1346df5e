"""Build NMEA test input with pyais's encoder (the peer), so the reader is checked against it."""

from __future__ import annotations

import random
from functools import reduce

from pyais.encode import encode_dict

BASE_S = 1_767_571_200  # 2026-01-05T00:00:00Z, the scenario default start


def checksum(text: str) -> str:
    return f"{reduce(lambda a, c: a ^ ord(c), text, 0):02X}"


def sentence(
    payload: str,
    fill: int,
    count: int = 1,
    num: int = 1,
    seq: str = "",
    chan: str = "A",
    talker: str = "AIVDM",
) -> str:
    body = f"{talker},{count},{num},{seq},{chan},{payload},{fill}"
    return f"!{body}*{checksum(body)}"


def tag(line: str, c: int | None = None, s: str | None = "sim", g: str | None = None) -> str:
    parts = [
        p
        for p in (f"g:{g}" if g else "", f"s:{s}" if s else "", f"c:{c}" if c is not None else "")
        if p
    ]
    block = ",".join(parts)
    return f"\\{block}*{checksum(block)}\\{line}"


def encode(msg: dict[str, object], seq: int = 0) -> list[str]:
    """Sentences (without tag blocks) for one message, re-wrapped as !AIVDM."""
    out = []
    for s in encode_dict(msg, talker_id="AI", radio_channel="A", seq_id=seq):
        f = s.split("*")[0].split(",")
        out.append(sentence(f[5], int(f[6]), int(f[1]), int(f[2]), f[3], f[4]))
    return out


def position(
    mmsi: int, lat: float, lon: float, sog: float = 10.0, cog: float = 90.0, msg_type: int = 1
) -> dict[str, object]:
    return {
        "type": msg_type,
        "mmsi": mmsi,
        "lat": lat,
        "lon": lon,
        "speed": sog,
        "course": cog,
        "heading": int(cog),
        "status": 0,
    }


def static5(mmsi: int, imo: int, name: str, draught: float = 6.0) -> dict[str, object]:
    return {
        "type": 5,
        "mmsi": mmsi,
        "imo": imo,
        "shipname": name,
        "callsign": "HMAB",
        "ship_type": 80,
        "to_bow": 80,
        "to_stern": 20,
        "to_port": 8,
        "to_starboard": 8,
        "draught": draught,
        "destination": "NAMPO",
    }


def fleet_lines(
    n_positions: int, vessels: int = 200, seed: int = 1, static_every: int = 50
) -> list[str]:
    """Tag-blocked NMEA like the simulator's: positions (types 1 and 18) and type-5 reports.

    A pool of encoded payloads is reused with distinct times, so big files build fast.
    """
    rng = random.Random(seed)
    mmsis = [rng.randrange(201_000_000, 775_999_999) for _ in range(vessels)]
    pool = []
    for _ in range(min(n_positions, 4000)):
        mmsi = rng.choice(mmsis)
        msg = position(
            mmsi,
            rng.uniform(30, 45),
            rng.uniform(120, 140),
            rng.uniform(0, 20),
            rng.uniform(0, 359),
            rng.choice((1, 1, 1, 18)),
        )
        pool.append(encode(msg)[0])
    statics = [
        encode(static5(m, 9074729, f"SHIP {i}", 5.0 + i % 7), seq=i % 10)
        for i, m in enumerate(mmsis)
    ]
    lines = []
    for i in range(n_positions):
        c = BASE_S + i
        lines.append(tag(pool[i % len(pool)], c=c))
        if static_every and i % static_every == 0:
            lines.extend(tag(s, c=c) for s in statics[(i // static_every) % vessels])
    return lines
