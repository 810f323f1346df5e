"""A vessel's planned track (knots in time and phases) and its sampling into AIS reports."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from oiltrail.geodesy import F64, KNOT_M_S, haversine_m
from oiltrail.simulate.geo import bearing_deg, offset, slerp

# phase kinds: transit (moving, reporting), port (stopped at a berth), drift (slow at sea),
# dark (moving or not, AIS off)
MOVING_KINDS = ("transit",)
SLOW_KINDS = ("port", "drift")


@dataclass
class Phase:
    """One stretch of a plan: times in seconds since the scenario start."""

    t0: float
    t1: float
    kind: str
    speed_kn: float
    port: str | None = None
    label: str = ""
    emit: bool = True


@dataclass
class Track:
    """Knots (time, lat, lon) joined by great circles, and the phases over them."""

    t: list[float] = field(default_factory=list)
    lat: list[float] = field(default_factory=list)
    lon: list[float] = field(default_factory=list)
    phases: list[Phase] = field(default_factory=list)

    @property
    def now(self) -> float:
        return self.t[-1]

    @property
    def here(self) -> tuple[float, float]:
        return self.lat[-1], self.lon[-1]

    def start(self, t: float, lat: float, lon: float) -> Track:
        self.t, self.lat, self.lon = [t], [lat], [lon]
        return self

    def _knot(self, t: float, p: tuple[float, float]) -> None:
        self.t.append(t)
        self.lat.append(p[0])
        self.lon.append(p[1])

    def move(
        self,
        points: list[tuple[float, float]],
        speed_kn: float,
        *,
        emit: bool = True,
        label: str = "",
    ) -> Track:
        """Sail through `points` at `speed_kn`."""
        t0 = self.now
        for p in points:
            d = float(haversine_m(*self.here, *p))
            if d < 1.0:
                continue
            self._knot(self.now + d / (speed_kn * KNOT_M_S), p)
        if self.now > t0:
            kind = "transit" if emit else "dark"
            self.phases.append(Phase(t0, self.now, kind, speed_kn, label=label, emit=emit))
        return self

    def stay(
        self,
        duration_s: float,
        kind: str,
        *,
        drift_kn: float = 0.0,
        drift_deg: float = 0.0,
        port: str | None = None,
        label: str = "",
        emit: bool = True,
    ) -> Track:
        """Stay (berthed, or drifting at `drift_kn`) for `duration_s`."""
        t0 = self.now
        p = offset(*self.here, drift_deg, drift_kn * KNOT_M_S * duration_s)
        self._knot(t0 + duration_s, p)
        self.phases.append(
            Phase(t0, self.now, kind if emit else "dark", drift_kn, port, label, emit)
        )
        return self

    def duration_to(self, points: list[tuple[float, float]], speed_kn: float) -> float:
        """Seconds to sail through `points` from here at `speed_kn`."""
        lat = np.array([self.here[0]] + [p[0] for p in points])
        lon = np.array([self.here[1]] + [p[1] for p in points])
        return float(haversine_m(lat[:-1], lon[:-1], lat[1:], lon[1:]).sum()) / (
            speed_kn * KNOT_M_S
        )

    def position_at(self, t: float) -> tuple[float, float]:
        la, lo = interpolate(self, np.array([t]))
        return float(la[0]), float(lo[0])


def path_length_m(points: list[tuple[float, float]]) -> float:
    lat = np.array([p[0] for p in points])
    lon = np.array([p[1] for p in points])
    return float(haversine_m(lat[:-1], lon[:-1], lat[1:], lon[1:]).sum())


def interpolate(track: Track, times: F64) -> tuple[F64, F64]:
    """Positions on the plan at `times` (seconds)."""
    kt = np.asarray(track.t)
    klat, klon = np.asarray(track.lat), np.asarray(track.lon)
    i = np.clip(np.searchsorted(kt, times, side="right") - 1, 0, len(kt) - 2)
    span = kt[i + 1] - kt[i]
    frac = np.clip((times - kt[i]) / np.where(span > 0, span, 1.0), 0.0, 1.0)
    return slerp(klat[i], klon[i], klat[i + 1], klon[i + 1], frac)


def segment_bearing(track: Track, times: F64) -> F64:
    kt = np.asarray(track.t)
    klat, klon = np.asarray(track.lat), np.asarray(track.lon)
    i = np.clip(np.searchsorted(kt, times, side="right") - 1, 0, len(kt) - 2)
    return bearing_deg(klat[i], klon[i], klat[i + 1], klon[i + 1])


@dataclass(frozen=True)
class Reporting:
    """How often a vessel reports: seconds between reports when moving and when slow."""

    moving_s: float
    slow_s: float = 180.0
    jitter: float = 0.3


def report_times(phase: Phase, rep: Reporting, rng: np.random.Generator) -> F64:
    """Report times inside [t0, t1) of a phase (none when dark)."""
    if not phase.emit or phase.t1 <= phase.t0:
        return np.empty(0)
    base = rep.moving_s if phase.kind in MOVING_KINDS else rep.slow_s
    n = int((phase.t1 - phase.t0) / (base * (1 - rep.jitter))) + 2
    steps = base * rng.uniform(1 - rep.jitter, 1 + rep.jitter, n)
    steps = np.clip(steps, 10.0, 180.0)
    t = phase.t0 + rng.uniform(0, steps[0]) + np.concatenate([[0.0], np.cumsum(steps[1:])])
    out: F64 = np.floor(t[t < phase.t1])
    return out


@dataclass
class Samples:
    """Reports of one physical vessel: times (s), positions, speed, course, phase index."""

    t: F64
    lat: F64
    lon: F64
    sog: F64
    cog: F64
    phase: np.ndarray


def sample(track: Track, rep: Reporting, rng: np.random.Generator, end_s: float) -> Samples:
    """Sample a plan into reports with realistic noise (sharp phase boundaries kept)."""
    ts, sog, idx = [], [], []
    for k, ph in enumerate(track.phases):
        if ph.t0 >= end_s:
            break
        t = report_times(ph, rep, rng)
        t = t[t < end_s]
        if ph.kind == "transit":
            s = np.clip(
                ph.speed_kn + rng.normal(0, 0.25, t.size), ph.speed_kn - 0.8, ph.speed_kn + 0.8
            )
        elif ph.kind == "drift":
            s = np.clip(ph.speed_kn + rng.normal(0, 0.1, t.size), 0.1, 1.5)
        else:
            s = rng.choice([0.0, 0.0, 0.1, 0.2], t.size)
        ts.append(t)
        sog.append(np.round(s, 1))
        idx.append(np.full(t.size, k, dtype=np.int32))
    t_all = np.concatenate(ts) if ts else np.empty(0)
    # drop exact duplicate seconds at phase joins
    keep = np.concatenate([[True], np.diff(t_all) > 0]) if t_all.size else np.empty(0, bool)
    t_all = t_all[keep]
    lat, lon = interpolate(track, t_all)
    noise_m = 2.0  # GNSS noise kept small so implied speeds stay near reported ones
    lat = lat + rng.normal(0, noise_m / 111_195.0, t_all.size)
    lon = lon + rng.normal(0, noise_m / 111_195.0, t_all.size) / np.cos(np.radians(lat))
    sog_all = np.concatenate(sog)[keep] if sog else np.empty(0)
    phase = np.concatenate(idx)[keep] if idx else np.empty(0, np.int32)
    cog = segment_bearing(track, t_all) + rng.normal(0, 1.0, t_all.size)
    slow = sog_all < 0.5
    cog = np.where(slow, rng.uniform(0, 360, t_all.size), cog)
    return Samples(t_all, lat, lon, sog_all, np.round(cog % 360.0, 1), phase)
