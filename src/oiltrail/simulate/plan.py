"""Plan helpers and background traffic: port calls on sea lanes, with the decoy quirks."""

from __future__ import annotations

import numpy as np

from oiltrail.geodesy import KNOT_M_S, haversine_m
from oiltrail.simulate.fleet import (
    BACKGROUND_MIDS,
    SHIP_TYPE_CARGO,
    SHIP_TYPE_FISHING,
    SHIP_TYPE_PLEASURE,
    SHIP_TYPE_TANKER,
    Registry,
    Vessel,
)
from oiltrail.simulate.geo import load_ports, offset, slerp
from oiltrail.simulate.lanes import GATES, TRADE_PORTS, WAYPOINTS, route
from oiltrail.simulate.track import Reporting, path_length_m

HOUR = 3600.0
SEA_NODES = tuple(k for k in WAYPOINTS if not k.startswith("SPOT_"))


def berth(port: str, rng: np.random.Generator) -> tuple[float, float]:
    """A berth 300-1500 m from the port's reference point (well inside the 5 km radius)."""
    ports = load_ports()
    i = ports.index(port)
    return offset(
        float(ports.lat[i]), float(ports.lon[i]), rng.uniform(0, 360), rng.uniform(300, 1500)
    )


def new_vessel(
    reg: Registry,
    rng: np.random.Generator,
    vid: int,
    role: str,
    *,
    feed: str,
    cls: str = "A",
    ship_type: int | None = None,
    mid: int | None = None,
    name: str | None = None,
    imo: int | None = None,
) -> Vessel:
    """A vessel with a plausible hull for its type and a reporting rate for its class."""
    if ship_type is None:
        ship_type = (
            int(rng.choice([SHIP_TYPE_CARGO, SHIP_TYPE_TANKER]))
            if cls == "A"
            else int(rng.choice([SHIP_TYPE_FISHING, SHIP_TYPE_PLEASURE]))
        )
    if cls == "A":
        length = float(np.round(rng.uniform(70, 190)))
        beam = float(np.round(length / rng.uniform(6.0, 7.5)))
        draught = float(np.round(rng.uniform(0.045, 0.065) * length, 1))
        moving_s = float(rng.uniform(20, 180))
    else:
        length = float(np.round(rng.uniform(12, 40)))
        beam = float(np.round(length / rng.uniform(3.5, 5.0)))
        draught = 0.0
        moving_s = float(rng.uniform(30, 180))
    if feed == "csv":
        moving_s = max(moving_s, 60.0)  # MarineCadastre thins to one report a minute
    mmsi = reg.mmsi(mid if mid is not None else int(rng.choice(BACKGROUND_MIDS)))
    return Vessel(
        vid=vid,
        mmsi=mmsi,
        imo=(reg.imo() if imo is None else imo) if cls == "A" else 0,
        name=name or reg.name(),
        callsign=reg.callsign(),
        ship_type=ship_type,
        length_m=length,
        beam_m=beam,
        cls=cls,
        feed=feed,
        role=role,
        draught_m=draught,
        speed_kn=float(np.round(rng.uniform(8.5, 14.5), 1)),
        reporting=Reporting(moving_s=moving_s, slow_s=180.0),
        waterplane_coeff=float(np.clip(rng.normal(0.8, 0.03), 0.72, 0.88)),
    )


def sail(
    v: Vessel,
    dest: str,
    *,
    speed_kn: float | None = None,
    emit: bool = True,
    end_at: tuple[float, float] | None = None,
) -> None:
    """Sail from the vessel's current place to `dest` (a port's gate or a waypoint)."""
    pts = route(v.destination or dest, dest)
    if v.destination and v.destination not in GATES:
        pts = pts[1:]
    if end_at is not None:
        pts = [*pts, end_at]
    v.track.move(pts, speed_kn or v.speed_kn, emit=emit)
    v.destination = dest


def call(
    v: Vessel,
    port: str,
    stay_s: float,
    rng: np.random.Generator,
    at: tuple[float, float] | None = None,
) -> tuple[float, float]:
    """Sail to `port`, berth, and stay `stay_s`; returns the berth."""
    b = at or berth(port, rng)
    sail(v, port, end_at=b)
    v.track.stay(stay_s, "port", port=port, label=f"port:{port}")
    return b


def begin_towards(
    v: Vessel, pts: list[tuple[float, float]], speed_kn: float, arrive_s: float
) -> None:
    """Start the track on `pts` so that the vessel reaches the last point at `arrive_s`."""
    total = path_length_m(pts)
    need = speed_kn * KNOT_M_S * arrive_s
    if need >= total:
        v.track.start(arrive_s - total / (speed_kn * KNOT_M_S), *pts[0])
        v.track.move(pts[1:], speed_kn)
        return
    skip = total - need
    lat = np.array([p[0] for p in pts])
    lon = np.array([p[1] for p in pts])
    legs = haversine_m(lat[:-1], lon[:-1], lat[1:], lon[1:])
    cum = np.concatenate([[0.0], np.cumsum(legs)])
    k = int(np.searchsorted(cum, skip, side="right") - 1)
    f = (skip - cum[k]) / max(float(legs[k]), 1.0)
    la, lo = slerp(
        lat[k : k + 1], lon[k : k + 1], lat[k + 1 : k + 2], lon[k + 1 : k + 2], np.array([f])
    )
    v.track.start(0.0, float(la[0]), float(lo[0]))
    v.track.move(pts[k + 1 :], speed_kn)


def trade(
    v: Vessel,
    rng: np.random.Generator,
    until_s: float,
    quirk: str = "",
    decoys: list[dict[str, object]] | None = None,
) -> None:
    """Port-to-port voyages until `until_s`; a quirk adds one decoy on the second leg."""
    legs = 0
    while v.track.now < until_s:
        options = [p for p in TRADE_PORTS if p != v.destination]
        port = str(rng.choice(options))
        if quirk and legs == 1:
            _quirky_leg(v, port, quirk, rng, decoys)
        b = berth(port, rng)
        sail(v, port, end_at=b)
        v.track.stay(rng.uniform(6, 30) * HOUR, "port", port=port, label=f"port:{port}")
        legs += 1


def _quirky_leg(
    v: Vessel,
    port: str,
    quirk: str,
    rng: np.random.Generator,
    decoys: list[dict[str, object]] | None,
) -> None:
    """Sail to a mid waypoint, then add a decoy: a short slow spell or a short silence."""
    pts = route(v.destination, port)
    mids = [p for p in pts if p in WAYPOINTS.values()]
    if not mids:
        return
    mid_node = next(k for k, p in WAYPOINTS.items() if p == mids[len(mids) // 2])
    sail(v, mid_node)
    t0 = v.track.now
    if quirk == "slow":
        v.track.stay(
            rng.uniform(1.0, 1.5) * HOUR,
            "drift",
            drift_kn=float(rng.uniform(0.3, 1.0)),
            drift_deg=float(rng.uniform(0, 360)),
            label="decoy:slow",
        )
    else:
        # AIS off for 4-10 h, under the 12 h gap threshold
        v.track.stay(rng.uniform(4, 10) * HOUR, "dark", emit=False, label="decoy:silence")
    if decoys is not None:
        decoys.append(
            {"kind": f"short_{quirk}", "mmsi": v.mmsi, "start_s": t0, "end_s": v.track.now}
        )


def start_background(v: Vessel, rng: np.random.Generator) -> None:
    """Begin at a berth (mid-call) or at sea heading for a port."""
    if rng.random() < 0.5:
        port = str(rng.choice(TRADE_PORTS))
        v.track.start(0.0, *berth(port, rng))
        v.track.stay(rng.uniform(1, 24) * HOUR, "port", port=port, label=f"port:{port}")
        v.destination = port
    else:
        node = str(rng.choice(SEA_NODES))
        v.track.start(0.0, *WAYPOINTS[node])
        v.destination = node
