"""Decoys: behaviour that looks like an event but is not one (never in the truth)."""

from __future__ import annotations

from typing import Any

import numpy as np

from oiltrail.simulate.fleet import Registry, Vessel
from oiltrail.simulate.geo import load_ports, offset
from oiltrail.simulate.lanes import WAYPOINTS
from oiltrail.simulate.plan import HOUR, begin_towards, berth, new_vessel, trade


def plant_decoys(
    vessels: list[Vessel],
    decoys: list[dict[str, Any]],
    reg: Registry,
    rng: np.random.Generator,
    end_s: float,
) -> None:
    """Fast close pass, ships moored side by side, and ships passing a port offshore."""
    # two ships pass 150-300 m apart at speed, head-on, at YS_C
    t_x = float(rng.uniform(0.3, 0.6) * end_s)
    x = WAYPOINTS["YS_C"]
    pair = []
    for a, b, side in (("YS_S", "YS_N", 0.0), ("YS_N", "YS_S", float(rng.uniform(150, 300)))):
        v = new_vessel(reg, rng, len(vessels), "decoy_pass", feed="nmea", cls="A")
        v.speed_kn = max(v.speed_kn, 10.0)
        p = offset(*x, 90.0, side)
        begin_towards(v, [WAYPOINTS[a], p], v.speed_kn, t_x)
        v.track.move([WAYPOINTS[b]], v.speed_kn)
        v.destination = b
        trade(v, rng, end_s)
        vessels.append(v)
        pair.append(v.mmsi)
    decoys.append(
        {"kind": "fast_close_pass", "mmsi": pair[0], "other_mmsi": pair[1], "start_s": t_x}
    )
    # two ships moored side by side in port
    port = "Pusan"
    b0 = berth(port, rng)
    pair = []
    for k in range(2):
        v = new_vessel(
            reg, rng, len(vessels), "decoy_moored", feed="nmea" if k == 0 else "csv", cls="A"
        )
        v.track.start(0.0, *(b0 if k == 0 else offset(*b0, 45.0, 40.0)))
        v.track.stay(rng.uniform(10, 30) * HOUR, "port", port=port, label=f"port:{port}")
        v.destination = port
        trade(v, rng, end_s)
        vessels.append(v)
        pair.append(v.mmsi)
    decoys.append(
        {"kind": "moored_side_by_side", "mmsi": pair[0], "other_mmsi": pair[1], "port": port}
    )
    # ships passing Pusan at speed, 3 km (inside the radius, never slow) and 7 km off
    ports = load_ports()
    i = ports.index(port)
    for dist in (3000.0, 7000.0):
        v = new_vessel(reg, rng, len(vessels), "decoy_offshore", feed="nmea", cls="A")
        v.speed_kn = max(v.speed_kn, 10.0)
        p = offset(float(ports.lat[i]), float(ports.lon[i]), 150.0, dist)
        t_p = float(rng.uniform(0.2, 0.8) * end_s)
        begin_towards(v, [WAYPOINTS["KS_W"], p], v.speed_kn, t_p)
        v.track.move([WAYPOINTS["KS_N"]], v.speed_kn)
        v.destination = "KS_N"
        trade(v, rng, end_s)
        vessels.append(v)
        decoys.append(
            {
                "kind": "passing_port_offshore",
                "mmsi": v.mmsi,
                "port": port,
                "distance_m": dist,
                "start_s": t_p,
            }
        )
