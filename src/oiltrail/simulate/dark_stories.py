"""Dark-activity stories (docs/dark.md), planted after the rest of the fleet: a tanker under a
fraudulent IMO, a "zombie" hull sailing under another ship's IMO far away, and ships anchored
together outside a port's radius (a decoy: an anchorage, never an encounter), and the dark
decoys that must not become a dark rendezvous: two tankers dark at the same time 400+ km apart,
and two tankers dark at the same place a day apart.

Ground truth comes from the definitions over the emitted rows (simulate/truth_dark.py), so a
story that does not come off (a zombie that happens to sail close) is simply not in the truth.
The stories draw from their own generator: the vessels planned before them are unchanged.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from oiltrail.geodesy import haversine_m
from oiltrail.simulate.fleet import MID_DPRK, SHIP_TYPE_TANKER, Registry, Vessel
from oiltrail.simulate.geo import offset
from oiltrail.simulate.lanes import WAYPOINTS
from oiltrail.simulate.plan import HOUR, begin_towards, berth, new_vessel, sail, trade

# Yellow Sea and East China Sea ports for the fraudulent-IMO tanker; the zombie keeps to the
# Sea of Japan side, hundreds of km from where the ship whose IMO it borrows trades.
WEST_PORTS = ("Dalian", "Yantai", "Qingdao Gang", "Shanghai")
EAST_PORTS = ("Hamada Ko", "Maizuru Ko")
# Ships waiting at anchor together 25 km off Pusan: outside every port's radius and more than
# 10 km from every port, so without learned anchorages each close pair is an "encounter".
ANCHORAGE_SPOT = (34.90, 129.15)
ANCHORED_SHIPS = 6
# Dark decoys. Far apart: one tanker goes dark in the Yellow Sea at YS_C, another at the same
# time off the Korea Strait at SK_1 (about 420 km away); each reappears further on its lane.
DARK_APART = (("YS_S", "YS_C", "YS_N"), ("KS_W", "SK_1", "JJ_E"))
# Same place, a day apart: two tankers switch off at SJ_W (open water in the Sea of Japan, far
# from the STS and loitering spots), the second 24-30 h after the first.
DARK_SAME_PLACE = (("SJ_S", "SJ_W", "SJ_C"), ("SJ_C", "SJ_W", "SJ_S"))
DARK_H = (13.0, 18.0)  # each decoy's silence: over the 12 h gap threshold


def bad_check_digit(imo: int) -> int:
    """The same IMO number with its last digit wrong (a fraudulent IMO, as the UN Panel found)."""
    return imo - imo % 10 + (imo % 10 + 3) % 10


def _shuttle(v: Vessel, ports: tuple[str, ...], rng: np.random.Generator, end_s: float) -> None:
    """Port to port among `ports` until the end of the scenario."""
    while v.track.now < end_s:
        port = str(rng.choice([p for p in ports if p != v.destination]))
        sail(v, port, end_at=berth(port, rng))
        v.track.stay(rng.uniform(6, 20) * HOUR, "port", port=port, label=f"port:{port}")


def plant_dark_stories(
    vessels: list[Vessel],
    decoys: list[dict[str, Any]],
    reg: Registry,
    seed: int,
    end_s: float,
) -> None:
    """Append the dark-activity story vessels to `vessels` (and their decoys to `decoys`)."""
    rng = np.random.default_rng([seed, 15])
    # a DPRK tanker reporting an IMO whose check digit fails
    fake = new_vessel(reg, rng, len(vessels), "fraudulent_imo", feed="nmea",
                      ship_type=SHIP_TYPE_TANKER, mid=MID_DPRK)  # fmt: skip
    fake.imo = bad_check_digit(reg.imo())
    fake.identities = [(-1e18, fake.mmsi, fake.name, fake.callsign, fake.imo)]
    port = str(rng.choice(WEST_PORTS))
    fake.track.start(0.0, *berth(port, rng))
    fake.track.stay(rng.uniform(2, 8) * HOUR, "port", port=port, label=f"port:{port}")
    fake.destination = port
    _shuttle(fake, WEST_PORTS, rng, end_s)
    vessels.append(fake)
    # a zombie: a second hull under the IMO of a tanker trading in the west, all the time
    victims = [v for v in vessels if v.role == "background" and v.imo and v.cls == "A"]
    if victims:
        victim = victims[0]
        zombie = new_vessel(reg, rng, len(vessels), "zombie_imo", feed="nmea",
                            ship_type=SHIP_TYPE_TANKER, imo=victim.imo)  # fmt: skip
        port = EAST_PORTS[0]
        zombie.track.start(0.0, *berth(port, rng))
        zombie.track.stay(rng.uniform(2, 8) * HOUR, "port", port=port, label=f"port:{port}")
        zombie.destination = port
        _shuttle(zombie, EAST_PORTS, rng, end_s)
        vessels.append(zombie)
    _anchored_together(vessels, decoys, reg, rng, end_s)
    _dark_decoys(vessels, decoys, reg, rng, end_s)


def _anchored_together(
    vessels: list[Vessel],
    decoys: list[dict[str, Any]],
    reg: Registry,
    rng: np.random.Generator,
    end_s: float,
) -> None:
    """Six ships at anchor 300-450 m apart off Pusan, their waits overlapping for hours."""
    t0 = float(rng.uniform(0.15, 0.35) * end_s)
    mmsis = []
    for k in range(ANCHORED_SHIPS):
        v = new_vessel(reg, rng, len(vessels), "anchored", feed="nmea", cls="A")
        spot = offset(*ANCHORAGE_SPOT, 20.0, k * float(rng.uniform(300, 450)))
        v.speed_kn = max(v.speed_kn, 9.0)
        begin_towards(v, [WAYPOINTS["KS_W"], spot], v.speed_kn, t0 + k * 0.5 * HOUR)
        v.track.stay(rng.uniform(10, 14) * HOUR, "port", label="anchor")
        v.destination = "KS_W"
        trade(v, rng, end_s)
        vessels.append(v)
        mmsis.append(v.mmsi)
    decoys.append({"kind": "anchored_together", "mmsis": mmsis, "near_port": "Pusan",
                   "start_s": t0})  # fmt: skip


def _dark_spell(
    v: Vessel, legs: tuple[str, str, str], t_off: float, rng: np.random.Generator, end_s: float
) -> float:
    """Sail `legs[0]` -> `legs[1]`, arriving at `t_off`; dark from there to `legs[2]` and on
    for 13-18 h in all; then trade. Returns when the vessel reappears."""
    begin_towards(v, [WAYPOINTS[legs[0]], WAYPOINTS[legs[1]]], v.speed_kn, t_off)
    v.track.move([WAYPOINTS[legs[2]]], v.speed_kn, emit=False)
    rest = rng.uniform(*DARK_H) * HOUR - (v.track.now - t_off)
    if rest > 0:
        v.track.stay(rest, "dark", emit=False, label="decoy:dark")
    back = v.track.now
    v.destination = legs[2]
    trade(v, rng, end_s)
    return back


def _dark_decoys(
    vessels: list[Vessel],
    decoys: list[dict[str, Any]],
    reg: Registry,
    rng: np.random.Generator,
    end_s: float,
) -> None:
    """Two tankers dark at once far apart, and two dark at one place a day apart."""
    t0 = float(rng.uniform(0.2, 0.5) * end_s)
    pair, ends = [], []
    for k, legs in enumerate(DARK_APART):
        v = new_vessel(reg, rng, len(vessels), "dark_apart", feed="nmea",
                       ship_type=SHIP_TYPE_TANKER)  # fmt: skip
        v.speed_kn = max(v.speed_kn, 10.0)
        ends.append(_dark_spell(v, legs, t0 + k * float(rng.uniform(0, 0.5)) * HOUR, rng, end_s))
        vessels.append(v)
        pair.append(v.mmsi)
    apart = haversine_m(*WAYPOINTS[DARK_APART[0][1]], *WAYPOINTS[DARK_APART[1][1]])
    decoys.append({"kind": "dark_far_apart", "mmsi": pair[0], "other_mmsi": pair[1],
                   "distance_km": round(float(apart) / 1000), "start_s": t0,
                   "end_s": min(ends)})  # fmt: skip
    t1 = float(rng.uniform(0.15, 0.45) * end_s)
    pair = []
    for k, legs in enumerate(DARK_SAME_PLACE):
        v = new_vessel(reg, rng, len(vessels), "dark_same_place", feed="nmea",
                       ship_type=SHIP_TYPE_TANKER)  # fmt: skip
        v.speed_kn = max(v.speed_kn, 10.0)
        _dark_spell(v, legs, t1 + k * float(rng.uniform(24, 30)) * HOUR, rng, end_s)
        vessels.append(v)
        pair.append(v.mmsi)
    decoys.append({"kind": "dark_same_place_a_day_apart", "mmsi": pair[0],
                   "other_mmsi": pair[1], "place": DARK_SAME_PLACE[0][1],
                   "start_s": t1})  # fmt: skip
