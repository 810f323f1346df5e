"""Cargo from hull and draught: the formula, its bounds, combining two hulls."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oiltrail.estimate.volume import (
    BARRELS_PER_TONNE,
    WATERPLANE,
    combine,
    constants,
    estimate_cargo,
)


def test_mid_is_the_stated_formula() -> None:
    e = estimate_cargo(100.0, 16.0, 2.0)
    assert e.tonnes_mid == pytest.approx(100 * 16 * 0.82 * 2.0 * 1.025)
    assert e.barrels_mid == pytest.approx(e.tonnes_mid * 7.46)


def test_sign_of_the_change_does_not_matter() -> None:
    assert estimate_cargo(80, 12, -3.0) == estimate_cargo(80, 12, 3.0)


@given(
    length=st.floats(30, 300),
    beam=st.floats(5, 50),
    delta=st.floats(0.3, 10),
    cw=st.floats(WATERPLANE.low, WATERPLANE.high),
    rho=st.floats(1.020, 1.028),
    rounding=st.floats(-0.1, 0.1),
)
def test_true_cargo_inside_range_when_terms_inside_their_bounds(
    length: float, beam: float, delta: float, cw: float, rho: float, rounding: float
) -> None:
    true_t = length * beam * cw * delta * rho
    reported_delta = max(delta + rounding, 0.0)
    e = estimate_cargo(length, beam, reported_delta)
    assert e.tonnes_low <= true_t * (1 + 1e-9)
    assert e.tonnes_high >= true_t * (1 - 1e-9)
    assert e.barrels_low <= e.barrels_mid <= e.barrels_high


def test_zero_change_gives_zero_low() -> None:
    e = estimate_cargo(100, 16, 0.05)
    assert e.tonnes_low == 0.0
    assert e.tonnes_high > 0


def test_combine_overlapping_takes_the_overlap_and_weighted_mid() -> None:
    a = estimate_cargo(100, 16, 3.0, "donor")
    b = estimate_cargo(80, 12, 6.0, "receiver")
    c = combine([a, b])
    assert c is not None
    # the receiver's larger draught change is read more precisely: its mid weighs more
    assert abs(c.barrels_mid - b.barrels_mid) < abs(c.barrels_mid - a.barrels_mid)
    assert min(a.barrels_mid, b.barrels_mid) < c.barrels_mid < max(a.barrels_mid, b.barrels_mid)
    assert c.barrels_low == max(a.barrels_low, b.barrels_low)
    assert c.barrels_high == min(a.barrels_high, b.barrels_high)
    assert c.basis == "donor + receiver"


def test_combine_disjoint_takes_the_union() -> None:
    a = estimate_cargo(100, 16, 1.0)
    b = estimate_cargo(100, 16, 6.0)
    c = combine([a, b])
    assert c is not None
    assert c.barrels_low == a.barrels_low and c.barrels_high == b.barrels_high


def test_combine_nothing_is_none() -> None:
    assert combine([]) is None


def test_every_constant_has_a_source() -> None:
    rows = constants()
    assert {r["name"] for r in rows} >= {
        "waterplane_coefficient",
        "seawater_density",
        "barrels_per_tonne",
    }
    assert all(r["source"] and r["low"] <= r["mid"] <= r["high"] for r in rows)
    assert BARRELS_PER_TONNE.mid == 7.46  # BP gas/diesel factor
