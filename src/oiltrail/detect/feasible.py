"""Gap feasibility (docs/events.md): the ports a vessel could have called at while it was dark.

For a gap from A (time t_a) to B (time t_b) and a speed v, a port P is feasible when sailing
A -> P -> B at v fits in the gap. The vessel could have been at P from t_a + |AP|/v to
t_b - |PB|/v; the slack is the gap's length minus the two legs. Distances are great-circle
distances, shorter than any sea route, so the list is generous: a port left out could not
have been reached; a port listed might not have been (a screen, not proof).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from oiltrail.detect.ids import iso
from oiltrail.detect.params import GapParams
from oiltrail.detect.tracks import US_PER_H, Tracks, to_datetime
from oiltrail.geodesy import haversine_m

F64 = npt.NDArray[np.float64]
NM_M = 1852.0
# Ports listed first: DPRK ports (role destination), then where oil is loaded (source).
ROLE_ORDER = {"destination": 0, "source": 1, "other": 2}


@dataclass(frozen=True)
class PortSet:
    """The ports table as arrays, with each port's role (reference.ports)."""

    names: tuple[str, ...]
    lat: F64
    lon: F64
    roles: tuple[str, ...]
    rank: npt.NDArray[np.int64]  # ROLE_ORDER of each port

    @property
    def dprk(self) -> npt.NDArray[np.bool_]:
        out: npt.NDArray[np.bool_] = self.rank == 0
        return out


def port_set(ports: pa.Table) -> PortSet:
    roles = (
        tuple(str(r or "other") for r in ports.column("role").to_pylist())
        if "role" in ports.column_names
        else ("other",) * ports.num_rows
    )
    return PortSet(
        tuple(str(v) for v in ports.column("name").to_pylist()),
        np.asarray(ports.column("lat").to_numpy(zero_copy_only=False), dtype=np.float64),
        np.asarray(ports.column("lon").to_numpy(zero_copy_only=False), dtype=np.float64),
        roles,
        np.array([ROLE_ORDER.get(r, 2) for r in roles], dtype=np.int64),
    )


def gap_speed(t: Tracks, a: int, t0: int, p: GapParams) -> tuple[float, str]:
    """The highest plausible speed vessel reported in the window before position `a` (its
    track starts at `t0`), or the default; and where the figure came from."""
    since = t.ts_us[a] - int(p.speed_window_h * US_PER_H)
    lo = t0 + int(np.searchsorted(t.ts_us[t0 : a + 1], since))
    sog = t.sog[lo : a + 1]
    ok = sog[np.isfinite(sog) & (sog <= p.max_plausible_speed_knots)]
    top = float(ok.max()) if len(ok) else 0.0
    if top >= p.min_sailing_speed_knots:
        return top, f"highest speed reported in the {p.speed_window_h:g} h before"
    return (
        p.default_speed_knots,
        f"default {p.default_speed_knots:g} kn (no sailing speed reported)",
    )


def feasible_ports(
    t: Tracks, a: int, b: int, speed_knots: float, origin: str, ports: PortSet, p: GapParams
) -> dict[str, Any]:
    """The details a gap from position a to b gains: feasible ports, speed and its origin."""
    hours = float(t.ts_us[b] - t.ts_us[a]) / US_PER_H
    out: dict[str, Any] = {"speed_knots": speed_knots, "speed_origin": origin}
    if len(ports.names) == 0:
        return {**out, "feasible_ports": [], "feasible_port_count": 0}
    d_in = haversine_m(t.lat[a], t.lon[a], ports.lat, ports.lon)
    d_out = haversine_m(ports.lat, ports.lon, t.lat[b], t.lon[b])
    h_in = d_in / NM_M / speed_knots
    h_out = d_out / NM_M / speed_knots
    slack = hours - h_in - h_out
    ok = np.flatnonzero(np.isfinite(slack) & (slack >= 0))
    order = ok[np.lexsort((-slack[ok], ports.rank[ok]))]  # by role, then most slack first
    listed = [int(i) for i in order if ports.rank[i] < 2]
    listed += [int(i) for i in order if ports.rank[i] == 2][: p.max_other_ports]
    t_a = int(t.ts_us[a])
    rows = [
        {
            "port": ports.names[i],
            "role": ports.roles[i],
            "window_start": iso(to_datetime(t_a + int(h_in[i] * US_PER_H))),
            "window_end": iso(to_datetime(int(t.ts_us[b]) - int(h_out[i] * US_PER_H))),
            "slack_h": float(slack[i]),
            "distance_in_km": float(d_in[i]) / 1000,
            "distance_out_km": float(d_out[i]) / 1000,
        }
        for i in listed
    ]
    out.update(feasible_ports=rows, feasible_port_count=len(ok))
    dprk = np.flatnonzero(ports.dprk)
    if len(dprk):
        near = np.minimum(d_in[dprk], d_out[dprk])
        k = int(np.argmin(near))
        out["min_dprk_distance_km"] = float(near[k]) / 1000
        out["nearest_dprk_port"] = ports.names[int(dprk[k])]
    return out
