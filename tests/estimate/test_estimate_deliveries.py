"""Volumes from delivery counts reproduce the published orders of magnitude."""

from __future__ import annotations

import math

import pytest

from oiltrail.estimate.deliveries import (
    MEAN_DELIVERY_CAPACITY_BARRELS,
    delivery_volume,
    published_counts,
)
from oiltrail.record import bundled_record


def test_263_deliveries_in_2018_fully_laden_give_the_advisorys_3_78_million() -> None:
    est = delivery_volume(263)
    assert round(est.scenarios[1.0]) == 3_780_000
    assert round(est.scenarios[0.9]) == 3_402_000
    assert round(est.scenarios[0.6]) == 2_268_000
    assert "263 deliveries" in est.method and "line 40" in est.method


def test_45_deliveries_to_nampo_in_2022_give_about_800_000_bbl_in_order_of_magnitude() -> None:
    # The 2022 figure is independent of the hull capacity (taken from the 2018 advisory):
    # 45 deliveries at 14,373 bbl give 646,768 bbl fully laden, the published "about 800,000"
    # within a factor of 1.25, the same order of magnitude.
    est = delivery_volume(45)
    full = est.scenarios[1.0]
    assert round(full) == 646_768
    assert math.floor(math.log10(full)) == math.floor(math.log10(800_000))
    assert 0.8 <= full / 800_000 <= 1.25


def test_known_hulls_use_their_own_capacities() -> None:
    est = delivery_volume([10_000, 20_000, 15_000], laden=(0.5, 1.0))
    assert est.deliveries == 3
    assert est.scenarios == {0.5: 22_500, 1.0: 45_000}
    assert "own hull's capacity" in est.method


@pytest.mark.parametrize(
    "bad", [dict(deliveries=-1), dict(deliveries=3, laden=(0.0,)), dict(deliveries=[-5.0])]
)
def test_bad_inputs_are_value_errors(bad: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValueError):
        delivery_volume(**bad)


def test_published_counts_are_set_beside_their_estimates() -> None:
    rows = {
        r["source"].split(" line ")[1].split(";")[0]: r for r in published_counts(bundled_record())
    }
    us = rows["40"]
    assert us["deliveries"] == 263 and us["barrels_100pct_laden"] == 3_780_000
    states = rows["41"]  # 43 states, Jan-May 2020: more than 1.6 M bbl from 56 deliveries
    assert states["deliveries"] == 56
    assert states["barrels_100pct_laden"] == round(56 * MEAN_DELIVERY_CAPACITY_BARRELS)
