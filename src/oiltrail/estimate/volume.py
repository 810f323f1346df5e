"""Cargo from hull size and draught change, with a low-high range from each term's bound.

cargo_t = length_m × beam_m × Cw × Δdraught_m × ρ_seawater; barrels = cargo_t × bbl/t
(docs/chains.md).
Each term carries a stated (mid, low, high) and its source; the range multiplies the lows and
the highs (worst-case bounds, not a standard deviation), so it is wide on purpose.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from oiltrail.record import BARRELS_PER_TONNE_DIESEL


@dataclass(frozen=True)
class Term:
    """One factor of the estimate: a mid value, its bounds and where they come from."""

    name: str
    mid: float
    low: float
    high: float
    unit: str
    source: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# Waterplane area coefficient of small product tankers. Schneekluth & Bertram, "Ship Design for
# Efficiency and Economy" (1998): C_WP ≈ (1 + 2·C_B)/3; coastal tankers have C_B ≈ 0.62-0.85,
# giving C_WP ≈ 0.75-0.90. Mid 0.82.
WATERPLANE = Term(
    "waterplane_coefficient",
    0.82,
    0.74,
    0.90,
    "1",
    "Schneekluth & Bertram 1998: C_WP≈(1+2·C_B)/3, C_B 0.62-0.85",
)
# Seawater density: 1.025 t/m³ is the standard value (ITTC 7.5-02-01-03); cold or brackish
# water in the Yellow Sea and Sea of Japan spans about 1.020-1.028.
SEAWATER = Term(
    "seawater_density",
    1.025,
    1.020,
    1.028,
    "t/m3",
    "ITTC 7.5-02-01-03 standard 1.025; regional 1.020-1.028",
)
# AIS reports length overall and beam to 1 m (type 5 dimensions A+B, C+D); the waterline is
# a few per cent shorter than the hull overall, so the low bound allows 5 % less.
LENGTH_REL = Term(
    "length_factor",
    1.0,
    0.95,
    1.01,
    "× AIS length",
    "AIS type 5 A+B to 1 m; waterline ≈ 0.95-1.0 × LOA",
)
BEAM_REL = Term("beam_factor", 1.0, 0.98, 1.02, "× AIS beam", "AIS type 5 C+D to 1 m")
# AIS draught is reported in 0.1 m steps (type 5 field in decimetres), so a difference of two
# reports is uncertain by ±0.1 m (±0.05 m rounding at each end).
DRAUGHT_RESOLUTION_M = 0.1
# BP Statistical Review approximate conversion factors: gas/diesel oil 7.46 bbl/t
# (shared/data/real/README.md); diesel density 0.82-0.86 t/m³ gives 7.31-7.67 bbl/t.
BARRELS_PER_TONNE = Term(
    "barrels_per_tonne",
    BARRELS_PER_TONNE_DIESEL,  # the factor's home: oiltrail.record
    7.31,
    7.67,
    "bbl/t",
    "BP approximate conversion factors, gas/diesel 7.46; density 0.82-0.86",
)

TERMS: tuple[Term, ...] = (WATERPLANE, SEAWATER, LENGTH_REL, BEAM_REL, BARRELS_PER_TONNE)


@dataclass(frozen=True)
class VolumeEstimate:
    """Cargo and barrels (low, mid, high) from one hull's draught change."""

    tonnes_low: float
    tonnes_mid: float
    tonnes_high: float
    barrels_low: float
    barrels_mid: float
    barrels_high: float
    basis: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "tonnes_low": round(self.tonnes_low, 1),
            "tonnes_mid": round(self.tonnes_mid, 1),
            "tonnes_high": round(self.tonnes_high, 1),
            "barrels_low": round(self.barrels_low),
            "barrels_mid": round(self.barrels_mid),
            "barrels_high": round(self.barrels_high),
            "basis": self.basis,
        }


def estimate_cargo(
    length_m: float, beam_m: float, delta_draught_m: float, basis: str = ""
) -> VolumeEstimate:
    """Cargo moved by a draught change of `delta_draught_m` (sign ignored) on a hull.

    Args:
        length_m: AIS length overall (A + B).
        beam_m: AIS beam (C + D).
        delta_draught_m: draught after minus before, as reported (0.1 m steps).
        basis: a short note saying which ship and which link the change comes from.
    """
    delta = abs(delta_draught_m)
    d_low = max(delta - DRAUGHT_RESOLUTION_M, 0.0)
    d_high = delta + DRAUGHT_RESOLUTION_M
    area_m2 = length_m * beam_m
    mid = area_m2 * WATERPLANE.mid * SEAWATER.mid * delta
    low = area_m2 * LENGTH_REL.low * BEAM_REL.low * WATERPLANE.low * SEAWATER.low * d_low
    high = area_m2 * LENGTH_REL.high * BEAM_REL.high * WATERPLANE.high * SEAWATER.high * d_high
    return VolumeEstimate(
        tonnes_low=low,
        tonnes_mid=mid,
        tonnes_high=high,
        barrels_low=low * BARRELS_PER_TONNE.low,
        barrels_mid=mid * BARRELS_PER_TONNE.mid,
        barrels_high=high * BARRELS_PER_TONNE.high,
        basis=basis,
    )


def combine(estimates: list[VolumeEstimate]) -> VolumeEstimate | None:
    """One figure from several hulls' views of the same cargo.

    The mid is the inverse-variance weighted mean of the mids (a hull whose draught moved more
    is read more precisely against the 0.1 m steps); the range is the overlap of the ranges when
    they overlap (each is a worst-case bound, so the cargo lies in both), else their union.
    """
    if not estimates:
        return None
    if len(estimates) == 1:
        return estimates[0]
    weights = [_weight(e) for e in estimates]
    total = sum(weights)
    mid_t = sum(w * e.tonnes_mid for w, e in zip(weights, estimates, strict=True)) / total
    mid_b = sum(w * e.barrels_mid for w, e in zip(weights, estimates, strict=True)) / total
    low_t = max(e.tonnes_low for e in estimates)
    high_t = min(e.tonnes_high for e in estimates)
    low_b = max(e.barrels_low for e in estimates)
    high_b = min(e.barrels_high for e in estimates)
    if low_b > high_b or low_t > high_t:
        low_t, high_t = min(e.tonnes_low for e in estimates), max(e.tonnes_high for e in estimates)
        low_b, high_b = (
            min(e.barrels_low for e in estimates),
            max(e.barrels_high for e in estimates),
        )
    return VolumeEstimate(
        tonnes_low=min(low_t, mid_t),
        tonnes_mid=mid_t,
        tonnes_high=max(high_t, mid_t),
        barrels_low=min(low_b, mid_b),
        barrels_mid=mid_b,
        barrels_high=max(high_b, mid_b),
        basis=" + ".join(e.basis for e in estimates),
    )


def _weight(e: VolumeEstimate) -> float:
    """1 / (relative width)², the width standing in for the estimate's spread."""
    if e.barrels_mid <= 0:
        return 1e-9
    rel = (e.barrels_high - e.barrels_low) / e.barrels_mid
    return 1.0 / max(rel, 1e-6) ** 2


def constants() -> list[dict[str, Any]]:
    """Every constant of the estimate with its bounds and source (for output and the report)."""
    rows = [t.as_dict() for t in TERMS]
    rows.append(
        {
            "name": "draught_resolution",
            "mid": 0.0,
            "low": -DRAUGHT_RESOLUTION_M,
            "high": DRAUGHT_RESOLUTION_M,
            "unit": "m",
            "source": "AIS type 5 draught in 0.1 m steps: ±0.1 m on a difference",
        }
    )
    return rows
