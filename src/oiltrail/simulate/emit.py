"""Turn planned tracks into emitted AIS rows: positions per MMSI and static reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from oiltrail.simulate.fleet import Vessel
from oiltrail.simulate.track import Samples, sample

STATIC_EVERY_S = 1800.0  # type 5 about every 30 min (ITU-R M.1371: 6 min; receivers miss most)


@dataclass
class Rows:
    """Column arrays of one kind of row (all the same length)."""

    cols: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(next(iter(self.cols.values()))) if self.cols else 0

    @staticmethod
    def concat(parts: list[Rows]) -> Rows:
        parts = [p for p in parts if len(p)]
        if not parts:
            return Rows({})
        return Rows({k: np.concatenate([p.cols[k] for p in parts]) for k in parts[0].cols})

    def take(self, idx: np.ndarray) -> Rows:
        return Rows({k: v[idx] for k, v in self.cols.items()})


def _timeline(points: Sequence[tuple[float, object]], t: np.ndarray) -> np.ndarray:
    starts = np.array([p[0] for p in points])
    return np.searchsorted(starts, t, side="right") - 1


def position_rows(v: Vessel, s: Samples) -> Rows:
    ident = _timeline([(i[0], i) for i in v.identities], s.t)
    mmsi = np.array([i[1] for i in v.identities], dtype=np.uint32)[ident]
    kinds = np.array([p.kind for p in v.track.phases])
    nav = (
        np.where(kinds[s.phase] == "port", 5, 0).astype(np.uint8)
        if s.t.size
        else np.empty(0, np.uint8)
    )
    heading = np.where(np.asarray(v.cls) == "A", np.round(s.cog) % 360, 511).astype(np.uint16)
    n = s.t.size
    return Rows(
        {
            "mmsi": mmsi,
            "t": s.t.astype(np.int64),
            "lat": s.lat,
            "lon": s.lon,
            "sog": s.sog,
            "cog": s.cog,
            "heading": heading * np.ones(n, np.uint16),
            "nav_status": nav,
            "vid": np.full(n, v.vid, np.int32),
            "phase": s.phase.astype(np.int32),
            "fake": np.zeros(n, bool),
        }
    )


def static_rows(v: Vessel, pos: Rows, rng: np.random.Generator) -> Rows:
    """Static reports at the first position of each ~30 min bucket (per MMSI)."""
    t = pos.cols["t"]
    if t.size == 0:
        return Rows({})
    bucket = np.floor((t + rng.uniform(0, STATIC_EVERY_S)) / STATIC_EVERY_S)
    mm = pos.cols["mmsi"]
    first = np.concatenate([[True], (np.diff(bucket) != 0) | (np.diff(mm.astype(np.int64)) != 0)])
    ts = t[first]
    ident = _timeline([(i[0], i) for i in v.identities], ts)
    dr = _timeline(v.draughts, ts)
    n = ts.size
    return Rows(
        {
            "mmsi": np.array([i[1] for i in v.identities], dtype=np.uint32)[ident],
            "t": ts,
            "imo": np.array([i[4] for i in v.identities], dtype=np.uint32)[ident],
            "name": np.array([i[2] for i in v.identities], dtype=object)[ident],
            "callsign": np.array([i[3] for i in v.identities], dtype=object)[ident],
            "ship_type": np.full(n, v.ship_type, np.uint8),
            "length": np.full(n, v.length_m),
            "width": np.full(n, v.beam_m),
            "draught": np.array([d[1] for d in v.draughts])[dr],
            "destination": np.full(n, "", dtype=object),
            "vid": np.full(n, v.vid, np.int32),
        }
    )


def emit_vessel(v: Vessel, rng: np.random.Generator, end_s: float) -> tuple[Rows, Rows]:
    s = sample(v.track, v.reporting, rng, end_s)
    pos = position_rows(v, s)
    return pos, static_rows(v, pos, rng)
