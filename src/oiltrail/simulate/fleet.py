"""Vessels of a scenario: identities (real designated tankers for the oil story), hulls, feeds."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from oiltrail.simulate.track import Reporting, Track

# Real designated or advisory-listed tankers, copied from
# shared/data/real/dprk_designated_vessels.csv
# (UN 1718 designations, OFAC SDN, US advisory annex of 2019-03-21; public designation data).
# (name, IMO, former/aka name from that file or "")
DPRK_TANKERS: tuple[tuple[str, int, str], ...] = (
    ("CHON MA SAN", 8660313, ""),
    ("YU JONG 2", 8604917, ""),
    ("SAM JONG 2", 7408873, ""),
    ("PAEK MA", 9066978, ""),
    ("AN SAN 1", 7303803, ""),
    ("NAM SAN 8", 8122347, ""),
    ("SAM JONG 1", 8405311, ""),
    ("CHONG RIM 3", 8665131, ""),
    ("KUM UN SAN", 8720436, ""),
    ("MA DU SAN", 8021579, ""),
    ("MU BONG 1", 8610461, ""),
    ("JI SONG 6", 8898740, ""),
    ("KANG DONG", 8977900, ""),
)
# Foreign-flagged tankers designated for STS transfers to DPRK tankers (same file; flag Panama).
DONOR_TANKERS: tuple[tuple[str, int, str], ...] = (
    ("NEW REGENT", 8312497, ""),
    ("SHANG YUAN BAO", 8126070, ""),
    ("BILLIONS NO. 18", 9191773, ""),
    ("JW JEWEL", 9402964, ""),
    ("NYMEX STAR", 9078191, ""),
    ("KOTI", 0, ""),  # the file gives no IMO for KOTI
)
# Renamed tankers: the aka names come from the same file (US advisory annex).
RENAMED_TANKERS: tuple[tuple[str, int, str], ...] = (
    ("YU SON", 8691702, "Y CHUN"),
    ("KUM UN SAN 3", 8705539, "PU RYONG"),
)
# A tanker that reappears under a new MMSI with the same IMO (aka CHONG RIM 2 in the file).
REFLAGGED_TANKER = ("SAEBYOL", 8916293, "CHONG RIM 2")

MID_DPRK = 445  # ITU MID of DPR Korea (mobiml ais_mid_whitelist.csv)
BACKGROUND_MIDS = (412, 413, 414, 440, 441, 431, 432, 273, 351, 352, 353, 370, 371, 477, 636, 538)
DONOR_MIDS = (351, 352, 353, 354, 355, 356, 357, 370, 371, 372, 373)  # Panama

_NAME_A = (
    "HAI",
    "DONG",
    "XIN",
    "HUA",
    "PAN",
    "OCEAN",
    "PACIFIC",
    "SEA",
    "HANJIN",
    "SAKURA",
    "ORIENT",
    "GOLDEN",
    "GRAND",
    "EASTERN",
    "NORTHERN",
    "JIN",
    "MING",
    "SHUN",
    "DAE",
    "SUNRISE",
)
_NAME_B = (
    "STAR",
    "GLORY",
    "PIONEER",
    "HARMONY",
    "VENTURE",
    "SPIRIT",
    "PEARL",
    "FORTUNE",
    "WIND",
    "TRADER",
    "EXPRESS",
    "ACE",
    "PRIDE",
    "CROWN",
    "LEADER",
    "HOPE",
    "SUN",
    "WAY",
)

SHIP_TYPE_TANKER = 80
SHIP_TYPE_CARGO = 70
SHIP_TYPE_FISHING = 30
SHIP_TYPE_PLEASURE = 37


@dataclass
class Vessel:
    """One physical ship: hull, identity timeline, draught timeline, planned track."""

    vid: int
    mmsi: int
    imo: int
    name: str
    callsign: str
    ship_type: int
    length_m: float
    beam_m: float
    cls: str  # "A" or "B"
    feed: str  # "nmea" or "csv"
    role: str
    draught_m: float
    speed_kn: float
    reporting: Reporting
    waterplane_coeff: float = 0.8
    track: Track = field(default_factory=Track)
    # (from_s, mmsi, name, callsign, imo): identity changes over time
    identities: list[tuple[float, int, str, str, int]] = field(default_factory=list)
    # (from_s, draught_m)
    draughts: list[tuple[float, float]] = field(default_factory=list)
    destination: str = ""

    def __post_init__(self) -> None:
        if not self.identities:
            self.identities = [(-1e18, self.mmsi, self.name, self.callsign, self.imo)]
        if not self.draughts:
            self.draughts = [(-1e18, round(self.draught_m, 1))]

    def set_draught(self, t: float, draught_m: float) -> None:
        self.draughts.append((t, round(draught_m, 1)))

    def current_draught(self) -> float:
        return self.draughts[-1][1]

    def draught_delta_m(self, cargo_tonnes: float) -> float:
        """Draught change for a cargo: tonnes / (L x B x Cw x 1.025 t/m3 seawater)."""
        return cargo_tonnes / (self.length_m * self.beam_m * self.waterplane_coeff * 1.025)


def imo_with_check(first6: int) -> int:
    """A 7-digit IMO number with a valid check digit (weights 7..2, IMO Res. A.1078(28))."""
    digits = [int(c) for c in f"{first6:06d}"]
    check = sum(d * w for d, w in zip(digits, range(7, 1, -1), strict=True)) % 10
    return first6 * 10 + check


class Registry:
    """Hands out unique MMSIs, IMOs, names and call signs."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.mmsis: set[int] = set()
        self.imos: set[int] = set()
        self.names: set[str] = set()

    def mmsi(self, mid: int) -> int:
        while True:
            m = mid * 1_000_000 + int(self.rng.integers(100_000, 999_999))
            if m not in self.mmsis:
                self.mmsis.add(m)
                return m

    def imo(self) -> int:
        while True:
            i = imo_with_check(int(self.rng.integers(900_000, 980_000)))
            if i not in self.imos:
                self.imos.add(i)
                return i

    def name(self) -> str:
        while True:
            number = int(self.rng.integers(1, 99))
            n = f"{self.rng.choice(_NAME_A)} {self.rng.choice(_NAME_B)} {number}"
            if n not in self.names:
                self.names.add(n)
                return n

    def callsign(self, prefix: str = "") -> str:
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        body = "".join(self.rng.choice(list(letters), 5 - len(prefix)))
        return (prefix + body)[:7]
