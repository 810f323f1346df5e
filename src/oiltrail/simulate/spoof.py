"""Spoofing planted after sampling: teleports (fake far fixes) and two ships on one MMSI."""

from __future__ import annotations

import numpy as np

from oiltrail.geodesy import haversine_m
from oiltrail.simulate.emit import Rows, position_rows
from oiltrail.simulate.fleet import Vessel
from oiltrail.simulate.geo import offset
from oiltrail.simulate.lanes import WAYPOINTS, route
from oiltrail.simulate.plan import HOUR, SEA_NODES
from oiltrail.simulate.track import Reporting, Track, interpolate, sample


def _long_transits(v: Vessel, end_s: float, min_s: float) -> list[int]:
    return [
        k
        for k, p in enumerate(v.track.phases)
        if p.kind == "transit" and p.t1 - p.t0 > min_s and p.t1 < end_s and p.t0 > HOUR
    ]


def plant_teleport(
    v: Vessel, pos: Rows, rng: np.random.Generator, end_s: float
) -> dict[str, object] | None:
    """Replace 1-3 consecutive fixes of a transit with a fix 250-450 km away."""
    cand = _long_transits(v, end_s, 4 * HOUR)
    if not cand:
        return None
    k = int(rng.choice(cand))
    idx = np.flatnonzero(pos.cols["phase"] == k)
    if idx.size < 40:
        return None
    i = int(idx[idx.size // 2])
    n = int(rng.integers(1, 4))
    lat, lon = float(pos.cols["lat"][i]), float(pos.cols["lon"][i])
    # the fake fix lands on open water (a lane waypoint, jittered) 250-450 km away
    far = [p for p in WAYPOINTS.values() if 250_000 < haversine_m(lat, lon, *p) < 450_000]
    if not far:
        return None
    fake = offset(
        *far[int(rng.integers(len(far)))], float(rng.uniform(0, 360)), float(rng.uniform(0, 5000))
    )
    sl = slice(i, i + n)
    pos.cols["lat"][sl] = fake[0] + rng.normal(0, 1e-4, n)
    pos.cols["lon"][sl] = fake[1] + rng.normal(0, 1e-4, n)
    pos.cols["fake"][sl] = True
    t = pos.cols["t"]
    return {
        "subtype": "teleport",
        "mmsi": int(pos.cols["mmsi"][i]),
        "start_s": float(t[i - 1]),
        "end_s": float(t[i + n]),
        "fake_fixes": n,
        "vid": v.vid,
    }


def plant_shared(
    victim: Vessel, rng: np.random.Generator, end_s: float, ghost_vid: int
) -> tuple[Rows, dict[str, object]] | None:
    """A second ship reports on the victim's MMSI for 3-6 h, > 150 km away all along."""
    cand = _long_transits(victim, end_s, 9 * HOUR)
    if not cand:
        return None
    ph = victim.track.phases[int(rng.choice(cand))]
    w0 = float(ph.t0 + rng.uniform(HOUR, ph.t1 - ph.t0 - 7 * HOUR))
    w1 = w0 + float(rng.uniform(3, 6)) * HOUR
    grid = np.arange(w0, w1 + 600, 600.0)
    vlat, vlon = interpolate(victim.track, grid)
    for _ in range(30):
        a, b = (str(x) for x in rng.choice(SEA_NODES, 2, replace=False))
        tr = Track().start(w0, *WAYPOINTS[a])
        tr.move(route(a, b)[1:], 11.0)
        if tr.now < w1:
            continue
        glat, glon = interpolate(tr, grid)
        if float(haversine_m(vlat, vlon, glat, glon).min()) > 150_000:
            break
    else:
        return None
    ghost = Vessel(
        vid=ghost_vid,
        mmsi=victim.mmsi,
        imo=0,
        name="",
        callsign="",
        ship_type=0,
        length_m=0,
        beam_m=0,
        cls="A",
        feed=victim.feed,
        role="impostor",
        draught_m=0,
        speed_kn=11.0,
        reporting=Reporting(moving_s=360.0),
        track=tr,
    )
    s = sample(tr, ghost.reporting, rng, w1)
    rows = position_rows(ghost, s)
    rows.cols["fake"][:] = True
    t = rows.cols["t"]
    return rows, {
        "subtype": "shared_mmsi",
        "mmsi": victim.mmsi,
        "start_s": float(t[0]),
        "end_s": float(t[-1]),
        "impostor_fixes": int(t.size),
        "vid": victim.vid,
    }
