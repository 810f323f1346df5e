"""The oil story and the other planted behaviours: STS chains, loitering, dark Nampo visits,
identity changes, and the decoys that must not become events."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from oiltrail.geodesy import haversine_m
from oiltrail.record import BARRELS_PER_TONNE_DIESEL
from oiltrail.simulate.fleet import (
    DONOR_MIDS,
    DONOR_TANKERS,
    DPRK_TANKERS,
    MID_DPRK,
    REFLAGGED_TANKER,
    RENAMED_TANKERS,
    SHIP_TYPE_TANKER,
    Registry,
    Vessel,
)
from oiltrail.simulate.geo import offset
from oiltrail.simulate.lanes import (
    DPRK_REAPPEAR,
    LOITER_SPOTS,
    RU_OIL_PORTS,
    STS_SPOTS,
    TRADE_PORTS,
    WAYPOINTS,
    route,
)
from oiltrail.simulate.plan import HOUR, begin_towards, berth, call, new_vessel, sail, trade
from oiltrail.simulate.track import Reporting, path_length_m

BARRELS_PER_TONNE = BARRELS_PER_TONNE_DIESEL  # the estimator's factor (its home: oiltrail.record)
SEAWATER_T_M3 = 1.025


@dataclass
class Chain:
    """One planned delivery: load, STS transfer, DPRK port or dark."""

    no: int
    donor: Vessel
    receiver: Vessel
    source_port: str
    load_phase: int
    sts_start_s: float
    sts_end_s: float
    variant: str  # nampo | dark_nampo | dark
    dprk_port: str
    cargo_tonnes: float
    dest_phase: int = -1  # receiver's DPRK port stay (nampo variants)
    dark_s: tuple[float, float] = (0.0, 0.0)


@dataclass
class Reservations:
    """Slow activities at sea must not overlap in place and time (no accidental encounters)."""

    items: list[tuple[float, float, float, float]] = field(default_factory=list)

    def free(self, p: tuple[float, float], t0: float, t1: float) -> bool:
        for lat, lon, a, b in self.items:
            if t0 < b + 6 * HOUR and a < t1 + 6 * HOUR and haversine_m(lat, lon, *p) < 20_000:
                return False
        return True

    def add(self, p: tuple[float, float], t0: float, t1: float) -> None:
        self.items.append((p[0], p[1], t0, t1))


def shape_tanker(v: Vessel, rng: np.random.Generator, length: tuple[float, float]) -> None:
    """A tanker's hull, laden draught and service speed, drawn for a length range (every
    story's tankers: one set of proportions)."""
    v.length_m = float(np.round(rng.uniform(*length)))
    v.beam_m = float(np.round(v.length_m / rng.uniform(6.0, 7.0)))
    v.draught_m = float(np.round(0.035 * v.length_m + rng.uniform(0, 0.5), 1))
    v.draughts = [(-1e18, v.draught_m)]
    v.speed_kn = float(np.round(rng.uniform(10.5, 13.0), 1))


def _tanker(
    reg: Registry,
    rng: np.random.Generator,
    vid: int,
    role: str,
    mid: int,
    ident: tuple[str, int, str],
    length: tuple[float, float],
) -> Vessel:
    v = new_vessel(
        reg,
        rng,
        vid,
        role,
        feed="nmea",
        ship_type=SHIP_TYPE_TANKER,
        mid=mid,
        name=ident[0],
        imo=ident[1],
    )
    shape_tanker(v, rng, length)
    v.reporting = Reporting(moving_s=float(rng.uniform(20, 120)))
    return v


def _sts_duration_h(rng: np.random.Generator) -> float:
    # keep clear of the 4 h loitering threshold so truth never sits on a boundary
    return float(rng.uniform(2.5, 3.4) if rng.random() < 0.3 else rng.uniform(4.6, 8.0))


def build_chain(
    no: int,
    vid: int,
    reg: Registry,
    rng: np.random.Generator,
    end_s: float,
    res: Reservations,
    variant: str,
) -> Chain | None:
    """Plan one chain; None when it cannot fit in the scenario."""
    spot = str(rng.choice(STS_SPOTS))
    east = spot.startswith("SPOT_SJ")
    dprk_port = "Wonsan" if east else "Nampo (Chinnampo)"
    source = str(rng.choice(RU_OIL_PORTS))
    donor = _tanker(
        reg, rng, vid, "donor", int(rng.choice(DONOR_MIDS)), DONOR_TANKERS[no], (105, 150)
    )
    recv = _tanker(reg, rng, vid + 1, "receiver", MID_DPRK, DPRK_TANKERS[no], (65, 100))
    cargo = float(np.round(rng.uniform(0.55, 0.85) * recv.length_m * recv.beam_m * 0.8 * 2.6, -1))
    if abs(recv.speed_kn - donor.speed_kn) < 1.0:
        # ships leaving an STS at one speed on one lane would sail in formation for hours
        recv.speed_kn = round(donor.speed_kn + (1.5 if donor.speed_kn < 11.5 else -1.5), 1)
    load_h, wait_h, sts_h = rng.uniform(16, 30), rng.uniform(0.6, 2.5), _sts_duration_h(rng)
    after_h = float(rng.uniform(0.7, 1.5))  # the receiver lingers after the donor leaves
    if 3.6 < wait_h + sts_h + after_h < 4.4:
        wait_h += 1.0
    drift_kn, drift_deg = float(rng.uniform(0.3, 0.8)), float(rng.uniform(0, 360))
    spot_pt = offset(*WAYPOINTS[spot], float(rng.uniform(0, 360)), float(rng.uniform(0, 12_000)))
    meet_r = offset(*spot_pt, drift_deg, drift_kn * 1852 * wait_h)
    meet_d = offset(*meet_r, (drift_deg + 90) % 360, float(rng.uniform(100, 250)))
    b_load = berth(source, rng)
    d_pts = [b_load, *route(source, spot)[:-1], spot_pt, meet_d]
    tr_d = path_length_m(d_pts) / (donor.speed_kn * 1852) * HOUR
    r_pts = [*route(dprk_port, spot)[:-1], spot_pt]
    tr_r = path_length_m(r_pts) / (recv.speed_kn * 1852) * HOUR
    t_min = max(2 * HOUR + load_h * HOUR + tr_d, tr_r + (wait_h + 4) * HOUR)
    t_max = end_s - sts_h * HOUR - tr_r - 60 * HOUR
    for _ in range(6):
        if t_min > t_max:
            return None
        t_meet = float(rng.uniform(t_min, t_max))
        if res.free(spot_pt, t_meet - wait_h * HOUR, t_meet + sts_h * HOUR):
            break
    else:
        return None
    res.add(spot_pt, t_meet - wait_h * HOUR, t_meet + sts_h * HOUR)
    # donor: arrive at the oil port, load, sail to the meeting point
    t_load = t_meet - tr_d - load_h * HOUR
    begin_towards(donor, [*route("SJ_N", source)[:-1], b_load], donor.speed_kn, t_load)
    donor.destination = source
    donor.track.stay(load_h * HOUR, "port", port=source, label=f"load:{no}")
    load_phase = len(donor.track.phases) - 1
    donor_ballast = donor.draught_m
    donor.set_draught(
        t_load + load_h * HOUR * rng.uniform(0.3, 0.7), donor_ballast + donor.draught_delta_m(cargo)
    )
    donor.track.move(d_pts[1:], donor.speed_kn)
    t_meet = donor.track.now
    # receiver: wait at the spot from t_meet - wait
    recv.track.start(0.0, *berth(dprk_port, rng))
    recv.track.stay(
        max(t_meet - wait_h * HOUR - recv.track.duration_to(r_pts, recv.speed_kn), 600.0),
        "port",
        port=dprk_port,
        label=f"port:{dprk_port}",
    )
    recv.destination = dprk_port
    recv.track.move(r_pts, recv.speed_kn)
    recv.track.stay(
        t_meet - recv.track.now, "drift", drift_kn=drift_kn, drift_deg=drift_deg, label=f"wait:{no}"
    )
    # the transfer: both drift together, 100-250 m apart
    sts_s = sts_h * HOUR
    for v in (donor, recv):
        v.track.stay(sts_s, "drift", drift_kn=drift_kn, drift_deg=drift_deg, label=f"sts:{no}")
        v.destination = spot
    t_end = t_meet + sts_s
    donor.set_draught(t_end + 60.0, donor_ballast)
    recv_ballast = recv.draught_m
    recv.set_draught(t_end + 60.0, recv_ballast + recv.draught_delta_m(cargo))
    recv.track.stay(
        after_h * HOUR, "drift", drift_kn=drift_kn, drift_deg=drift_deg, label=f"after:{no}"
    )
    chain = Chain(no, donor, recv, source, load_phase, t_meet, t_end, variant, dprk_port, cargo)
    # donor goes back to trade; receiver delivers
    trade(donor, rng, end_s)
    _deliver(chain, rng, end_s, "east" if east else "west", recv_ballast)
    return chain


def _deliver(c: Chain, rng: np.random.Generator, end_s: float, side: str, ballast: float) -> None:
    r = c.receiver
    reappear = offset(*DPRK_REAPPEAR[side], float(rng.uniform(0, 360)), float(rng.uniform(0, 8000)))
    if c.variant == "nampo":
        call(r, c.dprk_port, 0.0, rng)
        r.track.phases.pop()
        _discharge_stay(c, rng, end_s, ballast)
        return
    r.track.move([offset(*r.track.here, float(rng.uniform(0, 360)), 15_000)], r.speed_kn)
    dark0 = r.track.now
    if c.variant == "dark_nampo":
        r.track.move([reappear], r.speed_kn, emit=False)
    else:
        r.track.move(
            [*route(_node(side), c.dprk_port)[1:], berth(c.dprk_port, rng)], r.speed_kn, emit=False
        )
        stay = rng.uniform(8, 16) * HOUR
        r.set_draught(r.track.now + stay / 2, ballast)
        r.track.stay(stay, "port", port=c.dprk_port, emit=False, label=f"darkport:{c.no}")
        r.track.move([*route(c.dprk_port, _node(side))[:-1], reappear], r.speed_kn, emit=False)
    short = rng.uniform(13, 20) * HOUR - (r.track.now - dark0)
    if short > 0:
        r.track.stay(short, "dark", emit=False, label=f"dark:{c.no}")
    c.dark_s = (dark0, r.track.now)
    r.destination = _node(side)
    if c.variant == "dark_nampo":
        call(r, c.dprk_port, 0.0, rng)
        r.track.phases.pop()
        _discharge_stay(c, rng, end_s, ballast)
    else:
        sail(r, "YS_C" if side == "west" else "SJ_C")
        trade(r, rng, end_s)


def _node(side: str) -> str:
    return "KB" if side == "west" else "DE"


def _discharge_stay(c: Chain, rng: np.random.Generator, end_s: float, ballast: float) -> None:
    r = c.receiver
    t0 = r.track.now
    stay = max(end_s - t0 + HOUR, 12 * HOUR)
    r.set_draught(t0 + rng.uniform(4, 10) * HOUR, ballast)
    r.track.stay(stay, "port", port=c.dprk_port, label=f"port:{c.dprk_port}")
    c.dest_phase = len(r.track.phases) - 1


def build_loiterer(
    vid: int,
    reg: Registry,
    rng: np.random.Generator,
    end_s: float,
    res: Reservations,
    ident: tuple[str, int, str] | None,
    feed: str,
) -> Vessel | None:
    """A vessel that drifts under 2 kn for 4.5-10 h far offshore, then trades on."""
    if ident is not None:
        v = _tanker(reg, rng, vid, "loiterer", MID_DPRK, ident, (60, 100))
        v.feed = feed
    else:
        v = new_vessel(reg, rng, vid, "loiterer", feed=feed)
    port = str(rng.choice(TRADE_PORTS))
    v.track.start(0.0, *berth(port, rng))
    v.destination = port
    spot = str(rng.choice(LOITER_SPOTS))
    pt = offset(*WAYPOINTS[spot], float(rng.uniform(0, 360)), float(rng.uniform(0, 10_000)))
    pts = [*route(port, spot)[:-1], pt]
    travel = v.track.duration_to(pts, v.speed_kn)
    dur = rng.uniform(4.5, 10) * HOUR
    latest = end_s - dur - 12 * HOUR - travel
    if latest < HOUR:
        return None
    for _ in range(6):
        dep = float(rng.uniform(HOUR, latest))
        if res.free(pt, dep + travel, dep + travel + dur):
            break
    else:
        return None
    res.add(pt, dep + travel, dep + travel + dur)
    v.track.stay(dep, "port", port=port, label=f"port:{port}")
    v.track.move(pts, v.speed_kn)
    v.track.stay(
        dur,
        "drift",
        drift_kn=float(rng.uniform(0.2, 1.2)),
        drift_deg=float(rng.uniform(0, 360)),
        label="loiter",
    )
    v.destination = spot
    trade(v, rng, end_s)
    return v


def build_dark_visitor(
    vid: int, reg: Registry, rng: np.random.Generator, end_s: float, ident: tuple[str, int, str]
) -> Vessel:
    """A DPRK tanker that goes dark in the Yellow Sea and reappears off Nampo, then calls there."""
    v = _tanker(reg, rng, vid, "dark_visitor", MID_DPRK, ident, (60, 100))
    start = str(rng.choice(["YS_S", "ECS_N", "YS_C"]))
    v.track.start(float(rng.uniform(0, max(end_s * 0.4, HOUR))), *WAYPOINTS[start])
    v.destination = start
    sail(v, "YS_N")
    reappear = offset(
        *DPRK_REAPPEAR["west"], float(rng.uniform(0, 360)), float(rng.uniform(0, 8000))
    )
    dark0 = v.track.now
    v.track.move([reappear], v.speed_kn, emit=False)
    v.track.stay(
        rng.uniform(13, 26) * HOUR - (v.track.now - dark0), "dark", emit=False, label="dark"
    )
    v.destination = "KB"
    call(v, "Nampo (Chinnampo)", max(end_s - v.track.now, 6 * HOUR) + HOUR, rng)
    return v


def build_renamed(
    vid: int, reg: Registry, rng: np.random.Generator, end_s: float, k: int
) -> Vessel:
    """A DPRK tanker whose type 5 name changes to its known alias mid-scenario (same MMSI)."""
    name, imo, aka = RENAMED_TANKERS[k]
    v = _tanker(reg, rng, vid, "renamed", MID_DPRK, (name, imo, aka), (60, 100))
    port = str(rng.choice(["Dalian", "Yantai", "Qingdao Gang"]))
    v.track.start(0.0, *berth(port, rng))
    v.track.stay(rng.uniform(2, 12) * HOUR, "port", port=port, label=f"port:{port}")
    v.destination = port
    trade(v, rng, end_s)
    t = float(rng.uniform(0.3, 0.7) * end_s)
    v.identities.append((t, v.mmsi, aka, v.callsign, imo))
    return v


def build_reflagged(vid: int, reg: Registry, rng: np.random.Generator, end_s: float) -> Vessel:
    """A DPRK tanker that switches to a new MMSI (same IMO) during a port call at Nampo."""
    name, imo, _ = REFLAGGED_TANKER
    v = _tanker(reg, rng, vid, "reflagged", MID_DPRK, (name, imo, ""), (60, 100))
    v.track.start(0.0, *WAYPOINTS["YS_C"])
    v.destination = "YS_C"
    stay = rng.uniform(20, 40) * HOUR
    call(v, "Nampo (Chinnampo)", stay, rng)
    t_switch = v.track.now - stay / 2
    v.identities.append((t_switch, reg.mmsi(MID_DPRK), name, v.callsign, imo))
    trade(v, rng, end_s)
    return v
