"""A relay chain (docs/chains.md): oil passed on twice at sea before it reaches a DPRK tanker.

A Panama-flagged tanker loads at a Russian oil port and meets a relay tanker (flagged elsewhere,
never at an oil port) at SPOT_SJ1 in a seen ship-to-ship transfer; the relay sails on to
SPOT_SJ2 and passes the whole cargo to a DPRK tanker waiting there, which discharges at Wonsan.
Each transfer is planned as story.build_chain plans one (wait, drift alongside 100-250 m apart,
draughts moved after, the receiver lingering), and both spots are reserved against the other
slow activities at sea. Planted after every other story, from its own generator, so the vessels
planned before it keep their draws; its truth row names the relay in `relay_mmsi`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from oiltrail.geodesy import KNOT_M_S
from oiltrail.simulate.fleet import (
    BACKGROUND_MIDS,
    DONOR_MIDS,
    MID_DPRK,
    SHIP_TYPE_TANKER,
    Registry,
    Vessel,
)
from oiltrail.simulate.geo import offset
from oiltrail.simulate.lanes import RU_OIL_PORTS, WAYPOINTS, route
from oiltrail.simulate.plan import HOUR, begin_towards, berth, call, new_vessel, trade
from oiltrail.simulate.story import Reservations, shape_tanker
from oiltrail.simulate.track import Reporting, path_length_m

FIRST_SPOT, SECOND_SPOT, DPRK_PORT = "SPOT_SJ1", "SPOT_SJ2", "Wonsan"
ROLES = ("relay_donor", "relay", "relay_receiver")  # sampled with their own generator
RELAY_NO = 100  # phase labels sts:100 (donor -> relay) and sts:100.1 (relay -> receiver)


@dataclass
class RelayChain:
    """One planned relay chain: who passed the oil to whom, where and when."""

    no: int
    donor: Vessel
    relay: Vessel
    receiver: Vessel
    source_port: str
    load_phase: int
    dest_phase: int
    dprk_port: str
    cargo_tonnes: float
    labels: tuple[str, str]  # the two transfers' phase labels


def _tanker(
    reg: Registry, rng: np.random.Generator, vid: int, role: str, mid: int, length: tuple[int, int]
) -> Vessel:
    v = new_vessel(reg, rng, vid, role, feed="nmea", ship_type=SHIP_TYPE_TANKER, mid=mid)
    shape_tanker(v, rng, length)
    v.reporting = Reporting(moving_s=float(rng.uniform(20, 120)))
    return v


@dataclass
class _Meeting:
    """Where and how one transfer happens (as story.build_chain: the taker waits drifting)."""

    spot: tuple[float, float]
    wait_h: float
    sts_h: float
    after_h: float
    drift_kn: float
    drift_deg: float

    @property
    def taker_at(self) -> tuple[float, float]:
        return offset(*self.spot, self.drift_deg, self.drift_kn * KNOT_M_S * self.wait_h * HOUR)

    def giver_at(self, side_m: float) -> tuple[float, float]:
        return offset(*self.taker_at, (self.drift_deg + 90) % 360, side_m)

    def after(self) -> tuple[float, float]:
        """Where the taker is when it leaves (it drifted on through the transfer and after)."""
        drift_s = (self.sts_h + self.after_h) * HOUR
        return offset(*self.taker_at, self.drift_deg, self.drift_kn * KNOT_M_S * drift_s)


def _meeting(rng: np.random.Generator, spot: str) -> _Meeting:
    sts_h = float(rng.uniform(4.6, 8.0))  # clear of the 4 h loitering threshold
    return _Meeting(
        spot=offset(*WAYPOINTS[spot], float(rng.uniform(0, 360)), float(rng.uniform(0, 12_000))),
        wait_h=float(rng.uniform(0.6, 2.5)),
        sts_h=sts_h,
        after_h=float(rng.uniform(0.7, 1.5)),
        drift_kn=float(rng.uniform(0.3, 0.8)),
        drift_deg=float(rng.uniform(0, 360)),
    )


def _alongside(giver: Vessel, taker: Vessel, m: _Meeting, label: str) -> float:
    """Both drift together for the transfer; the taker lingers after. Returns the end."""
    for v in (giver, taker):
        v.track.stay(m.sts_h * HOUR, "drift", drift_kn=m.drift_kn, drift_deg=m.drift_deg,
                     label=label)  # fmt: skip
    t_end = giver.track.now
    taker.track.stay(m.after_h * HOUR, "drift", drift_kn=m.drift_kn, drift_deg=m.drift_deg,
                     label=f"after:{label}")  # fmt: skip
    return t_end


def _wait(taker: Vessel, m: _Meeting, t_meet: float, label: str) -> None:
    taker.track.stay(t_meet - taker.track.now, "drift", drift_kn=m.drift_kn,
                     drift_deg=m.drift_deg, label=f"wait:{label}")  # fmt: skip


def plant_relay_chain(
    vessels: list[Vessel],
    reg: Registry,
    seed: int,
    end_s: float,
    res: Reservations,
    stories: list[dict[str, Any]],
) -> RelayChain | None:
    """Plan the relay chain and append its three tankers; None when it does not fit."""
    rng = np.random.default_rng([seed, 17])
    source = str(rng.choice(RU_OIL_PORTS))
    vid = len(vessels)
    donor = _tanker(reg, rng, vid, "relay_donor", int(rng.choice(DONOR_MIDS)), (105, 150))
    relay = _tanker(reg, rng, vid + 1, "relay", int(rng.choice(BACKGROUND_MIDS)), (90, 120))
    recv = _tanker(reg, rng, vid + 2, "relay_receiver", MID_DPRK, (65, 90))
    # ships leaving a transfer at one speed on one lane would sail in formation for hours
    relay.speed_kn = round(donor.speed_kn + (1.5 if donor.speed_kn < 11.5 else -1.5), 1)
    recv.speed_kn = round(relay.speed_kn + (1.5 if relay.speed_kn < 11.5 else -1.5), 1)
    cargo = float(np.round(rng.uniform(0.55, 0.85) * recv.length_m * recv.beam_m * 0.8 * 2.6, -1))
    first, second = _meeting(rng, FIRST_SPOT), _meeting(rng, SECOND_SPOT)
    sides = float(rng.uniform(100, 250)), float(rng.uniform(100, 250))
    load_h = float(rng.uniform(16, 30))
    b_load = berth(source, rng)
    d_pts = [b_load, *route(source, FIRST_SPOT)[:-1], first.spot, first.giver_at(sides[0])]
    r_pts = [first.after(), *route(FIRST_SPOT, SECOND_SPOT)[1:-1], second.spot,
             second.giver_at(sides[1])]  # fmt: skip
    to_first = path_length_m(d_pts) / (donor.speed_kn * KNOT_M_S)
    to_second = path_length_m(r_pts) / (relay.speed_kn * KNOT_M_S)
    home = [*route(DPRK_PORT, SECOND_SPOT)[:-1], second.spot]
    to_port = path_length_m(home[::-1]) / (recv.speed_kn * KNOT_M_S)
    span = load_h * HOUR + to_first + (first.sts_h + first.after_h) * HOUR + to_second
    latest = end_s - span - (second.sts_h + second.after_h) * HOUR - to_port - 24 * HOUR
    for _ in range(6):
        if latest < 2 * HOUR:
            return None
        t_load = float(rng.uniform(2 * HOUR, latest))
        t1 = t_load + load_h * HOUR + to_first
        t2 = t_load + span
        w1 = (first.spot, t1 - first.wait_h * HOUR, t1 + first.sts_h * HOUR)
        w2 = (second.spot, t2 - second.wait_h * HOUR, t2 + second.sts_h * HOUR)
        if res.free(*w1) and res.free(*w2):
            break
    else:
        return None
    res.add(*w1)
    res.add(*w2)
    labels = (f"sts:{RELAY_NO}", f"sts:{RELAY_NO}.1")
    # the donor: to the oil port, load, sail to the first meeting
    begin_towards(donor, [*route("SJ_N", source)[:-1], b_load], donor.speed_kn, t_load)
    donor.destination = source
    donor.track.stay(load_h * HOUR, "port", port=source, label=f"load:{RELAY_NO}")
    load_phase = len(donor.track.phases) - 1
    ballast = donor.draught_m
    donor.set_draught(t_load + load_h * HOUR * float(rng.uniform(0.3, 0.7)),
                      ballast + donor.draught_delta_m(cargo))  # fmt: skip
    donor.track.move(d_pts[1:], donor.speed_kn)
    t_meet1 = donor.track.now
    # the relay: from the Sea of Japan lane to the first spot, waiting there
    begin_towards(relay, [WAYPOINTS["SJ_C"], first.spot], relay.speed_kn,
                  t_meet1 - first.wait_h * HOUR)  # fmt: skip
    _wait(relay, first, t_meet1, labels[0])
    t_end1 = _alongside(donor, relay, first, labels[0])
    donor.set_draught(t_end1 + 60.0, ballast)
    relay_ballast = relay.draught_m
    relay.set_draught(t_end1 + 60.0, relay_ballast + relay.draught_delta_m(cargo))
    donor.destination = FIRST_SPOT
    trade(donor, rng, end_s)
    # the relay sails on to the second spot, where the DPRK tanker waits
    relay.track.move(r_pts[1:], relay.speed_kn)
    t_meet2 = relay.track.now
    recv.track.start(0.0, *berth(DPRK_PORT, rng))
    recv.track.stay(
        max(t_meet2 - second.wait_h * HOUR - recv.track.duration_to(home, recv.speed_kn), 600.0),
        "port",
        port=DPRK_PORT,
        label=f"port:{DPRK_PORT}",
    )
    recv.destination = DPRK_PORT
    recv.track.move(home, recv.speed_kn)
    _wait(recv, second, t_meet2, labels[1])
    t_end2 = _alongside(relay, recv, second, labels[1])
    relay.set_draught(t_end2 + 60.0, relay_ballast)
    recv_ballast = recv.draught_m
    recv.set_draught(t_end2 + 60.0, recv_ballast + recv.draught_delta_m(cargo))
    relay.destination = SECOND_SPOT
    trade(relay, rng, end_s)
    # the DPRK tanker discharges at Wonsan until the end of the scenario
    recv.destination = SECOND_SPOT
    call(recv, DPRK_PORT, 0.0, rng)
    recv.track.phases.pop()
    t0 = recv.track.now
    recv.set_draught(t0 + float(rng.uniform(4, 10)) * HOUR, recv_ballast)
    recv.track.stay(max(end_s - t0 + HOUR, 12 * HOUR), "port", port=DPRK_PORT,
                    label=f"port:{DPRK_PORT}")  # fmt: skip
    vessels += [donor, relay, recv]
    stories.append({"kind": "relay_chain", "donor_mmsi": donor.mmsi, "relay_mmsi": relay.mmsi,
                    "receiver_mmsi": recv.mmsi, "source_port": source, "dprk_port": DPRK_PORT,
                    "cargo_tonnes": cargo, "start_s": t_load, "end_s": t_end2})  # fmt: skip
    return RelayChain(RELAY_NO, donor, relay, recv, source, load_phase,
                      len(recv.track.phases) - 1, DPRK_PORT, cargo, labels)  # fmt: skip
