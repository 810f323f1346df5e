"""Dark-activity stories (docs/dark.md), planted after the rest of the fleet: a tanker under a
fraudulent IMO, a "zombie" hull sailing under another ship's IMO far away, and ships anchored
together outside a port's radius (a decoy: an anchorage, never an encounter), and the dark
decoys that must not become a dark rendezvous: two tankers dark at the same time 400+ km apart,
and two tankers dark at the same place a day apart; and a true dark ship-to-ship transfer: two
tankers that go dark together at sea and reappear with their draughts moved opposite ways.

Ground truth comes from the definitions over the emitted rows (simulate/truth_dark.py), so a
story that does not come off (a zombie that happens to sail close) is simply not in the truth.
The stories draw from their own generator: the vessels planned before them are unchanged.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from oiltrail.geodesy import KNOT_M_S, haversine_m
from oiltrail.simulate.fleet import DONOR_MIDS, MID_DPRK, SHIP_TYPE_TANKER, Registry, Vessel
from oiltrail.simulate.geo import offset
from oiltrail.simulate.lanes import RU_OIL_PORTS, WAYPOINTS, route
from oiltrail.simulate.plan import HOUR, begin_towards, berth, call, new_vessel, sail, trade
from oiltrail.simulate.story import Chain, shape_tanker
from oiltrail.simulate.track import path_length_m

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
# A dark STS: open water south-west of Jeju, 70 km off the JJ_S - ECS_N lane's waypoints, 115 km
# from the nearest port and 139+ km from every STS, loitering and dark-decoy spot. The donor comes
# up from the East China Sea, the receiver round Jeju; each is dark 14-20 h, switching off 1-3 km
# from the other and 0-1 h after it, so their silences overlap by 13 h or more (truth needs 2 h).
DARK_STS_SPOT = (32.70, 125.75)
DARK_STS_H = (14.0, 20.0)
DARK_STS_LEGS = (("ECS_C", "ECS_N"), ("JJ_E", "JJ_S"))
# As a whole chain (when the scenario is long enough): the donor loads at a Russian oil port and
# comes round through the Korea Strait; the receiver comes from Nampo and discharges there after.
DARK_STS_PORT, DARK_STS_NO = "Nampo (Chinnampo)", 200
# Vessel roles planted here whose reports are sampled with their own generator (scenario.emit_all)
# so the rows of every vessel planned before them stay the same for a seed.
OWN_RNG_ROLES = ("dark_sts_donor", "dark_sts_receiver")


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
    stories: list[dict[str, Any]],
) -> list[Chain]:
    """Append the dark-activity story vessels to `vessels` (and their decoys to `decoys`; the
    dark STS, planned last, is described in `stories`). Returns the dark STS as a delivery
    chain when it is one."""
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
    chain = _dark_sts(vessels, stories, reg, rng, end_s)
    return [chain] if chain else []


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


def _sts_tanker(
    reg: Registry,
    rng: np.random.Generator,
    vid: int,
    role: str,
    mid: int,
    length: tuple[float, float],
) -> Vessel:
    v = new_vessel(reg, rng, vid, role, feed="nmea", ship_type=SHIP_TYPE_TANKER, mid=mid)
    shape_tanker(v, rng, length)
    return v


def _dark_sts(
    vessels: list[Vessel],
    stories: list[dict[str, Any]],
    reg: Registry,
    rng: np.random.Generator,
    end_s: float,
) -> Chain | None:
    """A laden tanker and a DPRK tanker go dark together off Jeju for 14-20 h; while dark the
    cargo passes (the donor's draught falls, the receiver's rises: the static reports after the
    gap carry it); they reappear 10-20 km apart. When the scenario is long enough it is a whole
    delivery chain (returned): the donor first loads at a Russian oil port, the receiver comes
    from Nampo and goes back there to discharge; otherwise both come off the lanes and trade on.
    Truth comes from the definitions: two true gaps, a dark_rendezvous and a draught_change on
    each side (and the chain row, simulate/truth.py)."""
    donor = _sts_tanker(reg, rng, len(vessels), "dark_sts_donor", int(rng.choice(DONOR_MIDS)),
                        (105, 150))  # fmt: skip
    recv = _sts_tanker(reg, rng, len(vessels) + 1, "dark_sts_receiver", MID_DPRK, (65, 100))
    if abs(recv.speed_kn - donor.speed_kn) < 1.0:
        recv.speed_kn = round(donor.speed_kn + (1.5 if donor.speed_kn < 11.5 else -1.5), 1)
    cargo = float(np.round(rng.uniform(0.55, 0.85) * recv.length_m * recv.beam_m * 0.8 * 2.6, -1))
    ballast, recv_ballast = donor.draught_m, recv.draught_m
    meet = offset(*DARK_STS_SPOT, float(rng.uniform(0, 360)), float(rng.uniform(0, 5000)))
    apart = float(rng.uniform(1000, 3000))
    bearing = float(rng.uniform(0, 360))
    offs = (offset(*meet, bearing, apart / 2), offset(*meet, (bearing + 180) % 360, apart / 2))
    lag = float(rng.uniform(0, 1)) * HOUR
    spans = [float(rng.uniform(*DARK_STS_H)) * HOUR for _ in range(2)]
    source = str(rng.choice(RU_OIL_PORTS))
    b_load = berth(source, rng)
    load_s = float(rng.uniform(16, 30)) * HOUR
    d_pts = [b_load, *route(source, "JJ_S"), offs[0]]
    r_pts = [*route(DARK_STS_PORT, "ECS_N"), offs[1]]
    to_off = path_length_m(d_pts) / (donor.speed_kn * KNOT_M_S)
    back = path_length_m([offs[1], *route("ECS_N", DARK_STS_PORT)]) / (recv.speed_kn * KNOT_M_S)
    latest = end_s - max(spans) - lag - back - 18 * HOUR  # latest switch-off for a whole chain
    whole = 2 * HOUR + load_s + to_off <= latest
    load_phase = -1
    if whole:
        t_load = float(rng.uniform(2 * HOUR, latest - load_s - to_off))
        begin_towards(donor, [*route("SJ_N", source)[:-1], b_load], donor.speed_kn, t_load)
        donor.destination = source
        donor.track.stay(load_s, "port", port=source, label=f"load:{DARK_STS_NO}")
        load_phase = len(donor.track.phases) - 1
        donor.set_draught(t_load + load_s * float(rng.uniform(0.3, 0.7)),
                          ballast + donor.draught_delta_m(cargo))  # fmt: skip
        donor.track.move(d_pts[1:], donor.speed_kn)
        t_off = donor.track.now
    else:
        donor.draughts = [(-1e18, round(ballast + donor.draught_delta_m(cargo), 1))]
        t_off = float(rng.uniform(0.25, 0.55) * end_s)
        begin_towards(donor, [*(WAYPOINTS[n] for n in DARK_STS_LEGS[0]), offs[0]],
                      donor.speed_kn, t_off)  # fmt: skip
    starts = (t_off, t_off + lag)
    if whole:
        recv.track.start(0.0, *berth(DARK_STS_PORT, rng))
        recv.track.stay(max(starts[1] - recv.track.duration_to(r_pts, recv.speed_kn), 600.0),
                        "port", port=DARK_STS_PORT, label=f"port:{DARK_STS_PORT}")  # fmt: skip
        recv.destination = DARK_STS_PORT
        recv.track.move(r_pts, recv.speed_kn)
    else:
        begin_towards(recv, [*(WAYPOINTS[n] for n in DARK_STS_LEGS[1]), offs[1]],
                      recv.speed_kn, starts[1])  # fmt: skip
    t_on = min(a + b for a, b in zip(starts, spans, strict=True))  # the first to reappear
    t_mid = (starts[1] + t_on) / 2
    donor.set_draught(t_mid, ballast)
    recv.set_draught(t_mid, recv_ballast + recv.draught_delta_m(cargo))
    for k, v in enumerate((donor, recv)):
        v.track.move([meet], 4.0, emit=False, label="dark_sts")
        away = offset(*meet, bearing + (0 if k == 0 else 180), float(rng.uniform(5000, 10000)))
        rest = spans[k] - (v.track.duration_to([away], v.speed_kn) + v.track.now - starts[k])
        v.track.stay(max(rest, 0.0), "dark", emit=False, label="dark_sts")
        v.track.move([away], v.speed_kn, emit=False, label="dark_sts")
        vessels.append(v)
    donor.destination = "JJ_S" if whole else DARK_STS_LEGS[0][1]
    trade(donor, rng, end_s)
    stories.append({"kind": "dark_sts", "mmsi": donor.mmsi, "other_mmsi": recv.mmsi,
                    "donor_mmsi": donor.mmsi, "receiver_mmsi": recv.mmsi,
                    "cargo_tonnes": cargo, "switch_off_apart_m": round(apart),
                    "chain": whole, "start_s": starts[0], "end_s": t_on})  # fmt: skip
    if not whole:
        recv.destination = DARK_STS_LEGS[1][1]
        trade(recv, rng, end_s)
        return None
    recv.destination = "ECS_N"
    call(recv, DARK_STS_PORT, 0.0, rng)
    recv.track.phases.pop()
    t0 = recv.track.now
    recv.set_draught(t0 + float(rng.uniform(4, 10)) * HOUR, recv_ballast)
    recv.track.stay(max(end_s - t0 + HOUR, 12 * HOUR), "port", port=DARK_STS_PORT,
                    label=f"port:{DARK_STS_PORT}")  # fmt: skip
    return Chain(DARK_STS_NO, donor, recv, source, load_phase, starts[1], t_mid, "dark_sts",
                 DARK_STS_PORT, cargo, len(recv.track.phases) - 1)  # fmt: skip
