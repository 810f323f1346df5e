"""A demo-like store built in code for the report tests and the README screenshot: two
delivery chains (Vostochny → East Sea → Chongjin; Nakhodka → Yellow Sea → dark near DPRK)
among background traffic, with the events, static reports, chains and manifest rows they imply,
plus stand-ins for the cap table, flagged vessels and claims in the contract's shapes."""

from __future__ import annotations

import hashlib
import json
import math
import random
import types
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from oiltrail.ais.schema import POSITIONS, STATIC
from oiltrail.reference.ports import BUNDLED_ORIGIN, read_ports
from oiltrail.store import Store, open_store
from oiltrail.store.chains import CHAIN_COLUMNS, replace_chains
from oiltrail.store.reference import save_ports
from oiltrail.store.writes import insert_canonical

START = datetime(2026, 1, 5)
STEP = timedelta(minutes=20)
VOSTOCHNY = (133.083, 42.75)
NAKHODKA = (132.883, 42.8)
CHONGJIN = (129.817, 41.767)
NAMPO = (125.4, 38.717)

BACKGROUND_ROUTES = [
    [(129.1, 35.05), (128.0, 34.2), (125.0, 32.8), (122.6, 31.0)],
    [(120.6, 35.9), (123.0, 36.5), (125.6, 33.8), (127.3, 33.6), (128.5, 34.3), (129.1, 35.05)],
    [(131.9, 43.0), (132.3, 42.0), (131.0, 38.0), (129.8, 35.5), (129.1, 35.05)],
    [
        (121.7, 38.85),
        (122.6, 38.3),
        (123.3, 37.5),
        (124.0, 35.0),
        (125.8, 32.8),
        (127.3, 33.4),
        (128.5, 34.2),
    ],
    [(139.0, 38.0), (135.0, 38.5), (131.5, 37.5), (129.4, 35.3)],
    [(126.2, 37.3), (125.3, 36.8), (125.0, 34.5), (125.8, 32.8), (127.3, 33.4), (128.0, 34.0)],
]


def event_id(kind: str, mmsi: int, other: int | None, start: datetime) -> str:
    key = f"{kind}|{mmsi}|{other or ''}|{start.strftime('%Y-%m-%dT%H:%M:%SZ')}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    dx = (b[0] - a[0]) * 111.32 * math.cos(math.radians((a[1] + b[1]) / 2))
    return math.hypot(dx, (b[1] - a[1]) * 110.57)


class Voyage:
    """Positions of one vessel: sail between points at a speed, or drift for some hours."""

    def __init__(self, mmsi: int, at: tuple[float, float], t: datetime, rng: random.Random):
        self.mmsi, self.at, self.t, self.rng = mmsi, at, t, rng
        self.rows: list[tuple[Any, ...]] = []

    def emit(self, sog: float) -> None:
        lon = self.at[0] + self.rng.gauss(0, 0.002)
        lat = self.at[1] + self.rng.gauss(0, 0.002)
        self.rows.append((self.mmsi, self.t, lat, lon, sog, 0.0, None, 0, "fixture"))

    def sail(self, to: tuple[float, float], knots: float = 11.0) -> Voyage:
        steps = max(1, int(km(self.at, to) / (knots * 1.852 * STEP.total_seconds() / 3600)))
        a = self.at
        for i in range(1, steps + 1):
            self.at = (a[0] + (to[0] - a[0]) * i / steps, a[1] + (to[1] - a[1]) * i / steps)
            self.t += STEP
            self.emit(knots)
        return self

    def stay(self, hours: float, sog: float = 0.2) -> Voyage:
        for _ in range(int(hours * 3)):
            self.t += STEP
            self.emit(sog)
        return self

    def dark(self, hours: float) -> Voyage:
        self.t += timedelta(hours=hours)
        return self


def _ev(
    kind: str,
    mmsi: int,
    other: int | None,
    s: datetime,
    e: datetime,
    pos: tuple[float, float],
    port: str | None = None,
    **details: Any,
) -> tuple[Any, ...]:
    a, b = (min(mmsi, other), max(mmsi, other)) if other else (mmsi, None)
    return (
        event_id(kind, a, b, s),
        kind,
        a,
        b,
        s,
        e,
        pos[1],
        pos[0],
        port,
        json.dumps(details),
        "fixture-run",
    )


def scenario(rng: random.Random) -> tuple[list[Any], list[Any], list[Any], list[Any]]:
    """Positions, static reports, events and chains of two delivery chains and background."""
    pos: list[Any] = []
    static: list[Any] = []
    events: list[Any] = []
    t0 = START
    # Chain 1: Vostochny → encounter in the East Sea → Chongjin.
    enc1 = (131.6, 40.2)
    donor = Voyage(273000001, VOSTOCHNY, t0, rng).stay(20)
    load_end = donor.t
    donor.sail(enc1)
    enc1_start = donor.t
    donor.stay(7, 0.4)
    enc1_end = donor.t
    donor.sail(VOSTOCHNY).stay(10)
    recv = Voyage(445000002, CHONGJIN, t0, rng).stay(6).sail(enc1, 9)
    recv.stay(max(0.0, (enc1_start - recv.t).total_seconds() / 3600 + 7), 0.3)
    recv.sail(CHONGJIN, 9)
    arr1 = recv.t
    recv.stay(16)
    # Chain 2: Nakhodka → through the Korea Strait → encounter in the Yellow Sea → dark.
    enc2 = (124.0, 35.2)
    d2 = Voyage(352000003, NAKHODKA, t0 + timedelta(days=2), rng).stay(18)
    load2_end = d2.t
    for p in [(131.5, 39.0), (129.9, 35.6), (128.9, 34.4), (126.0, 33.0), enc2]:
        d2.sail(p)
    enc2_start = d2.t
    d2.stay(5, 0.5)
    enc2_end = d2.t
    d2.sail((126.0, 33.0)).sail((128.9, 34.4))
    r2 = Voyage(445000004, NAMPO, t0 + timedelta(days=3), rng).stay(10)
    for p in [(124.6, 38.4), (124.3, 37.0), enc2]:
        r2.sail(p, 8)
    r2.stay(max(0.0, (enc2_start - r2.t).total_seconds() / 3600 + 5), 0.3)
    r2.sail((124.4, 36.8), 8)
    gap_start, gap_pos = r2.t, r2.at
    r2.dark(30)
    r2.at = (124.9, 38.5)
    gap_end = r2.t
    r2.emit(6.0)
    r2.sail(NAMPO, 6).stay(12)
    for v in (donor, recv, d2, r2):
        pos.extend(v.rows)
    for i, route in enumerate(BACKGROUND_ROUTES * 3):
        v = Voyage(440100000 + i, route[0], t0 + timedelta(hours=rng.uniform(0, 72)), rng)
        for p in route[1:] + route[::-1][1:]:
            v.sail(p, rng.uniform(10, 14))
        pos.extend(v.rows)
        static.append(
            (
                v.mmsi,
                t0,
                9100000 + i,
                f"BACKGROUND {i + 1}",
                f"BG{i}",
                70,
                180.0,
                30.0,
                9.0,
                "BUSAN",
                "fixture",
            )
        )
    tankers = [
        (273000001, 9312345, "SEA PIONEER", 6.1, 10.6),
        (445000002, 8604917, "CHON MA SAN", 4.2, 8.4),
        (352000003, 9038345, "NEW REGENT", 5.8, 10.1),
        (445000004, 8691702, "YU JONG 2", 4.0, 7.9),
    ]
    for mmsi, imo, name, light, laden in tankers:
        static.append((mmsi, t0, imo, name, "X" + str(mmsi)[-4:], 80, 110.0, 18.0, light, "", "f"))
        static.append(
            (mmsi, t0 + timedelta(days=4), imo, name, "X", 80, 110.0, 18.0, laden, "", "f")
        )
    events += [
        _ev("port_visit", 273000001, None, t0, load_end, VOSTOCHNY, "Vostochny (Vostochnyy)"),
        _ev("draught_change", 273000001, None, load_end, load_end, VOSTOCHNY, delta_m=4.5),
        _ev("encounter", 273000001, 445000002, enc1_start, enc1_end, enc1, distance_m=180),
        _ev("loitering", 445000002, None, enc1_start, enc1_end, enc1),
        _ev("draught_change", 445000002, None, enc1_end, enc1_end, enc1, delta_m=4.2),
        _ev(
            "port_visit",
            445000002,
            None,
            arr1,
            arr1 + timedelta(hours=16),
            CHONGJIN,
            "Chongjin (Ch'ongjin)",
        ),
        _ev("port_visit", 352000003, None, d2.rows[0][1], load2_end, NAKHODKA, "Nakhodka"),
        _ev("draught_change", 352000003, None, load2_end, load2_end, NAKHODKA, delta_m=4.3),
        _ev("encounter", 352000003, 445000004, enc2_start, enc2_end, enc2, distance_m=240),
        _ev(
            "gap",
            445000004,
            None,
            gap_start,
            gap_end,
            ((gap_pos[0] + 124.9) / 2, (gap_pos[1] + 38.5) / 2),
            duration_h=30,
        ),
        _ev(
            "identity_change",
            445000004,
            None,
            gap_end,
            gap_end,
            (124.9, 38.5),
            old_name="YU JONG",
            new_name="YU JONG 2",
        ),
        _ev(
            "spoofing",
            440100003,
            None,
            t0 + timedelta(days=6),
            t0 + timedelta(days=6, hours=1),
            (127.0, 36.2),
            subtype="teleport",
            implied_speed_knots=310,
        ),
    ]
    cols = CHAIN_COLUMNS
    chains = [
        dict(
            zip(
                cols,
                (
                    "C-0001",
                    "Vostochny (Vostochnyy)",
                    t0,
                    273000001,
                    events[2][0],
                    445000002,
                    "Chongjin (Ch'ongjin)",
                    arr1,
                    66000.0,
                    78000.0,
                    91000.0,
                    0.86,
                    ";".join(events[i][0] for i in (0, 1, 2, 4, 5)),
                    "",  # relay_mmsi: a direct chain
                ),
                strict=True,
            ),
            details={
                "links": {
                    "load": {"score": 1.0, "why": "draught +4.5 m at Vostochny"},
                    "transfer": {"score": 1.0, "why": "donor −4.4 m, receiver +4.2 m"},
                    "delivery": {"score": 1.0, "why": "port visit at Chongjin"},
                }
            },
        ),
        dict(
            zip(
                cols,
                (
                    "C-0002",
                    "Nakhodka",
                    d2.rows[0][1],
                    352000003,
                    events[8][0],
                    445000004,
                    "dark near DPRK",
                    gap_end,
                    58000.0,
                    71000.0,
                    85000.0,
                    0.62,
                    ";".join(events[i][0] for i in (6, 7, 8, 9)),
                    "",  # relay_mmsi: a direct chain
                ),
                strict=True,
            ),
            details={
                "links": {
                    "load": {"score": 1.0, "why": "draught +4.3 m at Nakhodka"},
                    "transfer": None,
                    "delivery": {"score": 0.5, "why": "gap"},
                }
            },
        ),
    ]
    return pos, static, events, chains


def build_store(path: Path, simulated: bool = True, seed: int = 7) -> Store:
    store = open_store(path)
    pos, static, events, chains = scenario(random.Random(seed))
    con = store.con
    # Row-by-row executemany is slow in DuckDB: positions go in as one Arrow table.
    cols = ["mmsi", "ts", "lat", "lon", "sog", "cog", "heading", "nav_status", "source"]
    table = pa.Table.from_pylist([dict(zip(cols, r, strict=True)) for r in pos], schema=POSITIONS)
    insert_canonical(con, "positions", table)
    insert_canonical(
        con,
        "static_reports",
        pa.Table.from_pylist(
            [dict(zip(STATIC.names, r, strict=True)) for r in static], schema=STATIC
        ),
    )
    con.executemany("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?)", events)
    save_ports(store, read_ports(), BUNDLED_ORIGIN)  # as detect leaves them
    replace_chains(store, chains)  # the trace stage's own writer: the table as trace leaves it
    for name in ("ais.nmea", "ais_marinecadastre.csv"):
        digest = hashlib.sha256(name.encode()).hexdigest()
        con.execute(
            "INSERT INTO manifest VALUES (?,?,?,?,?,?,?,?,?)",
            [
                digest,
                f"demo-out/{name}",
                name.split(".")[-1],
                START,
                len(pos) // 2,
                8,
                3,
                0,
                simulated,
            ],
        )
    return store


CAP_ROWS = [
    {
        "year": y,
        "reported_barrels": r,
        "estimated_barrels_low": lo,
        "estimated_barrels_mid": m,
        "estimated_barrels_high": hi,
        "cap_barrels": 500000,
        "share_of_cap_mid": m / 500000,
    }
    for y, r, lo, m, hi in [
        (2024, 10217.0, 610000.0, 820000.0, 1050000.0),
        (2025, 7500.0, 380000.0, 470000.0, 590000.0),
        (2026, None, 124000.0, 149000.0, 176000.0),
    ]
]
FLAGGED = [
    {
        "mmsi": 445000004,
        "imo": 8691702,
        "name": "YU JONG 2",
        "entity_id": "un-yujong2",
        "score": 1.0,
        "lists": ["UN 1718", "OFAC SDN"],
        "reasons": "IMO 8691702 exact",
        "risk": "high",
        "path": [
            {"name": "YU JONG 2", "schema": "Vessel"},
            {
                "name": "Korea Kumbyol Trading Co",
                "schema": "Company",
                "relation": "owner",
                "lists": "UN 1718",
            },
        ],
    },
    {
        "mmsi": 273000001,
        "imo": 9312345,
        "name": "SEA PIONEER",
        "entity_id": "x-seapioneer",
        "score": 0.82,
        "lists": ["US advisory"],
        "reasons": "name SEA PIONEER ≈ SEA PIONEER (0.82)",
        "risk": "medium",
        "path": "SEA PIONEER → Pioneer Shipping Pte Ltd (manager)",
    },
]
CLAIMS = {
    "claims": [
        {
            "speaker": "Foreign ministry spokesperson",
            "quote": "Deliveries were negligible.",
            "subject": "refined petroleum to DPRK",
            "assertion": "negligible",
            "quantity": None,
            "period": "2025",
            "verdict": "contradicted",
            "reasons": ["estimated 470,000 bbl in 2025 (94% of the cap)"],
        },
        {
            "speaker": "Supplier filing",
            "quote": "7,500 barrels were delivered in 2025",
            "subject": "refined petroleum",
            "assertion": "7,500 bbl",
            "quantity": 7500.0,
            "period": "2025",
            "verdict": "supported",
            "reasons": ["matches the reported table"],
        },
    ],
    "entities": [{"name": "YU JONG 2", "type": "vessel", "screening": "UN 1718 (score 1.00)"}],
}


def fake_module(name: str, **funcs: Any) -> types.ModuleType:
    mod = types.ModuleType(name)
    for k, f in funcs.items():
        setattr(mod, k, f)
    return mod
