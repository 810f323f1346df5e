"""Frozen detector parameters (docs/events.md defaults, after Global Fishing Watch), overrides.

Every default cites its source in research/maritime.md §1. Overrides come from
`--set kind.field=value` and `--config params.toml` (tables named after the kinds).
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any

from oiltrail.errors import UsageError
from oiltrail.kinds import KINDS

KNOTS_PER_M_S = 1.0 / 0.514444  # 1 kn = 1852 m / 3600 s
NM_M = 1852.0


@dataclass(frozen=True)
class EncounterParams:
    # GFW pipe-encounters: 10-min resample, interpolate across silences up to 1 h.
    resample_min: float = 10.0
    max_interp_gap_h: float = 1.0
    # GFW --max_encounter_dist_km 0.5; published events: > 2 h, median speed < 2 kn.
    max_distance_m: float = 500.0
    min_duration_h: float = 2.0
    max_median_speed_knots: float = 2.0
    # GFW merge_pipeline: min_distance_from_port_km = 10; min_hours_between_encounters = 4.
    min_port_distance_m: float = 10_000.0
    merge_gap_h: float = 4.0


@dataclass(frozen=True)
class LoiteringParams:
    # GFW/RFMO transshipment reports: < 2 kn for >= 4 h, >= 20 nm from shore (here: from ports).
    max_speed_knots: float = 2.0
    min_duration_h: float = 4.0
    min_port_distance_m: float = 20 * NM_M
    # A silence shorter than a gap does not end a slow spell (GFW groups slow hour buckets,
    # empty hours are skipped); across a silence >= 30 min the implied speed must be slow too.
    max_silence_h: float = 12.0


@dataclass(frozen=True)
class GapParams:
    # GFW pipe-gaps GapDetector.THRESHOLD = 12 h; Welch et al. 2022 AIS disabling >= 12 h.
    min_duration_h: float = 12.0
    context_h: float = 12.0  # GFW n_hours_before = 12: positions counted before the gap
    # Feasible port calls (docs/events.md): the highest speed reported in the 24 h before the
    # gap, else 14 kn (a laden product tanker's service speed is 12-15 kn); reported speeds
    # above 30 kn are not a tanker's (AIS glitches) and are ignored.
    speed_window_h: float = 24.0
    default_speed_knots: float = 14.0
    max_plausible_speed_knots: float = 30.0
    # A vessel that only drifted (under 2 kn, the loitering speed) reported no sailing speed.
    min_sailing_speed_knots: float = 2.0
    max_other_ports: int = 10  # ports of role `other` listed (DPRK and source ports: all)
    # docs/events.md "Holes in the archive": whole hours with no position from any vessel are a
    # hole in the data (files of different periods, an outage), not vessels going dark, when the
    # gaps of at least 3 vessels run across them (one more than a dark rendezvous's pair), or
    # when they last 240 h or more, however few vessels the store holds (longer than trace's
    # 10-day delivery window: no chain could be read across them).
    data_hole_min_vessels: int = 3
    data_hole_min_h: float = 240.0


@dataclass(frozen=True)
class PortVisitParams:
    # docs/events.md: 5 km radius (GFW anchorages: 3 km entry / 4 km exit); GFW stop end 0.5 kn.
    radius_m: float = 5_000.0
    max_stop_speed_knots: float = 0.5


@dataclass(frozen=True)
class SpoofingParams:
    # docs/events.md; AISdb splits tracks above 50 kn implied speed (research/maritime.md §2, §4).
    max_speed_knots: float = 50.0
    min_jump_m: float = 1_000.0
    shared_distance_m: float = 100_000.0
    shared_window_min: float = 10.0
    # "More than once": a fake fix out and back makes 2 far steps (one teleport, docs/events.md);
    # a second ship on the same MMSI makes 3 or more (A, B, A, B ...).
    shared_min_count: int = 3
    episode_gap_h: float = 1.0  # jumps closer than this in time belong to one episode


@dataclass(frozen=True)
class IdentityParams:
    fields: tuple[str, ...] = ("name", "imo", "callsign")


@dataclass(frozen=True)
class DraughtParams:
    min_change_m: float = 0.5  # docs/events.md
    # Draughts outside (0, 30] m are not real (the deepest laden VLCCs draw about 25 m).
    max_draught_m: float = 30.0


@dataclass(frozen=True)
class RendezvousParams:
    # docs/events.md: gaps overlapping >= 2 h (an STS transfer takes hours: UN PoE S/2019/171
    # cases ran 4-12 h), last or first positions within 40 km (what a tanker covers in about
    # 1.5 h at 14 kn: close enough to meet at sea while both are dark).
    min_overlap_h: float = 2.0
    max_distance_m: float = 40_000.0
    # Welch et al. 2022 (AIS disabling): a gap counts only after >= 14 positions in the 12 h
    # before it (`positions_12_hours_before_sat >= 14`): a ship that seldom reports was out of
    # reach, not dark.
    min_positions_before: int = 14


@dataclass(frozen=True)
class IdentityAnomalyParams:
    # docs/events.md: one IMO on two MMSIs more than 100 km apart within 1 h, at least twice
    # (a ship cannot be two places at once; 100 km in 1 h is 54 kn, beyond any tanker).
    shared_distance_m: float = 100_000.0
    shared_window_h: float = 1.0
    shared_min_count: int = 2


@dataclass(frozen=True)
class AnchorageParams:
    # docs/events.md, learned anchorages: a stationary spell is under 0.5 kn (the port-visit
    # stop speed, GFW) for >= 2 h; spells within 1 km link (GFW's anchorages join S2 cells of
    # about 0.5 km); >= 5 distinct vessels (GFW anchorages: at least 20 vessels over years of
    # data; 5 for days or weeks of data); only within 40 km of a port (farther is the open sea,
    # where STS hotspots must never be learned away). `detect --no-learned-anchorages` sets
    # `enabled` false.
    enabled: bool = True
    max_speed_knots: float = 0.5
    min_spell_h: float = 2.0
    max_silence_h: float = 2.0  # a longer silence ends a spell
    link_distance_m: float = 1_000.0
    min_vessels: int = 5
    max_port_distance_m: float = 40_000.0


@dataclass(frozen=True)
class DetectParams:
    encounter: EncounterParams = field(default_factory=EncounterParams)
    loitering: LoiteringParams = field(default_factory=LoiteringParams)
    gap: GapParams = field(default_factory=GapParams)
    port_visit: PortVisitParams = field(default_factory=PortVisitParams)
    spoofing: SpoofingParams = field(default_factory=SpoofingParams)
    identity_change: IdentityParams = field(default_factory=IdentityParams)
    draught_change: DraughtParams = field(default_factory=DraughtParams)
    dark_rendezvous: RendezvousParams = field(default_factory=RendezvousParams)
    identity_anomaly: IdentityAnomalyParams = field(default_factory=IdentityAnomalyParams)
    # not a kind: the learned anchorages the encounter and loitering rules keep away from
    anchorage: AnchorageParams = field(default_factory=AnchorageParams)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)


# The kinds themselves are registered in oiltrail.kinds; each has its parameters here.
GROUPS: tuple[str, ...] = (*KINDS, "anchorage")  # the parameter tables: each kind, anchorages
if [f.name for f in fields(DetectParams)] != list(GROUPS):  # pragma: no cover - a coding slip
    raise RuntimeError("DetectParams needs one field per kind of oiltrail.kinds, then anchorage")


def parse_day(text: str | date | None, what: str) -> date | None:
    """A day such as `since`/`until` (`what`, the parameter's name) as a date; None stays None;
    anything else -> UsageError."""
    if text is None or isinstance(text, date):
        return text
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"bad {what} {text!r}: expected YYYY-MM-DD", (what,)) from None


def parse_kinds(text: str | None) -> tuple[str, ...]:
    """`encounter,gap` -> ("encounter", "gap"); None -> all kinds; unknown -> UsageError."""
    if text is None or not text.strip():
        return KINDS
    kinds = tuple(dict.fromkeys(k.strip() for k in text.split(",") if k.strip()))
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise UsageError(f"unknown kind {unknown[0]!r}: expected one of {', '.join(KINDS)}")
    return kinds


def _coerce(kind: str, name: str, current: Any, value: Any) -> Any:
    where = f"{kind}.{name}"
    try:
        if isinstance(current, bool):
            if isinstance(value, str):
                return value.strip().lower() in ("1", "true", "yes")
            return bool(value)
        if isinstance(current, int):
            return int(value)
        if isinstance(current, float):
            out = float(value)
            if out != out or out < 0:
                raise ValueError
            return out
        if isinstance(current, tuple):
            items = value.split(",") if isinstance(value, str) else list(value)
            return tuple(str(v).strip() for v in items)
    except (TypeError, ValueError):
        raise UsageError(
            f"bad value {value!r} for {where}: expected a non-negative number"
        ) from None
    return value


def with_override(params: DetectParams, key: str, value: Any) -> DetectParams:
    """Return params with `kind.field` set to `value` (converted to the field's type)."""
    kind, _, name = key.strip().partition(".")
    if kind not in GROUPS:
        raise UsageError(f"unknown parameter {key!r}: kind must be one of {', '.join(GROUPS)}")
    group = getattr(params, kind)
    names = [f.name for f in fields(group)]
    if name not in names:
        raise UsageError(f"unknown parameter {key!r}: {kind} has {', '.join(names)}")
    new_group = replace(group, **{name: _coerce(kind, name, getattr(group, name), value)})
    return replace(params, **{kind: new_group})


def load_params(
    sets: list[str] | None = None, config: Path | None = None, base: DetectParams | None = None
) -> DetectParams:
    """Defaults, then the TOML file's tables, then `--set kind.field=value` items."""
    params = base or DetectParams()
    if config is not None:
        try:
            data = tomllib.loads(Path(config).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UsageError(f"no such parameter file: {config}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise UsageError(f"bad TOML in {config}: {exc}") from None
        for kind, table in data.items():
            if not isinstance(table, dict):
                raise UsageError(f"bad parameter file {config}: [{kind}] must be a table")
            for name, value in table.items():
                params = with_override(params, f"{kind}.{name}", value)
    for item in sets or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"bad set {item!r}: expected kind.field=value", ("set",))
        params = with_override(params, key, value)
    return params
