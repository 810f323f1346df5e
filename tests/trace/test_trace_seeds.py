"""Accuracy on simulated scenarios: chains and volumes against the simulator's truth (3 seeds).

simulate (Parquet fast path, canonical schema: draughts in 0.1 m and hulls in 1 m as in AIS)
→ store → detect → trace, then oiltrail.trace.evaluate.score_chains against truth_chains.csv.
Skips while the simulator or detection is absent.
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from oiltrail.estimate.cap import cap_table
from oiltrail.store import open_store
from oiltrail.store.writes import insert_canonical
from oiltrail.trace.chains import trace_chains
from oiltrail.trace.evaluate import ChainScore, read_truth, score_chains

SEEDS = (1, 2, 3)
DAYS, VESSELS = 14, 30


def _run(folder: Path, seed: int) -> tuple[ChainScore, Path, float]:
    simulate = _upstream("oiltrail.simulate", "simulate")
    detect = _upstream("oiltrail.engines.local", "detect")
    out = folder / f"seed{seed}"
    simulate(out, seed=seed, days=DAYS, vessels=VESSELS, formats=("parquet",))
    with open_store(folder / f"seed{seed}.duckdb") as store:
        for table, name in (("positions", "positions"), ("static_reports", "static")):
            insert_canonical(store.con, table, pq.read_table(out / f"{name}.parquet"))
        detect(store)
        found = trace_chains(store)
    truth, encounters = read_truth(out)
    true_barrels = sum(float(t["cargo_barrels"]) for t in truth)
    return score_chains(found, truth, encounters), folder / f"seed{seed}.duckdb", true_barrels


def _upstream(module: str, name: str) -> Any:
    """Another area's function, or skip while it is not written yet."""
    found = getattr(pytest.importorskip(module), name, None)
    if found is None:
        pytest.skip(f"{module}.{name} is not there yet")
    return found


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[ChainScore, Path, float]]:
    folder = tmp_path_factory.mktemp("seeds")
    return [_run(folder, seed) for seed in SEEDS]


@pytest.fixture(scope="module")
def scores(runs: list[tuple[ChainScore, Path, float]]) -> list[ChainScore]:
    return [r[0] for r in runs]


@pytest.mark.slow
def test_every_seed_has_true_chains(scores: list[ChainScore]) -> None:
    assert all(s.truth >= 1 for s in scores)


@pytest.mark.slow
def test_chain_recall_and_precision(scores: list[ChainScore]) -> None:
    truth = sum(s.truth for s in scores)
    found = sum(s.found for s in scores)
    matched = sum(s.matched for s in scores)
    detail = [(s.missed, s.extra) for s in scores]
    assert matched / truth >= 0.9, detail
    assert matched / found >= 0.9, detail


@pytest.mark.slow
def test_relay_chains_found_with_their_donor_relays_and_receiver(
    runs: list[tuple[ChainScore, Path, float]],
) -> None:
    """Each seed plants one relay chain (simulate/relay_story.py); a match needs the donor,
    every relay in order and the receiver right (trace.evaluate)."""
    cases = right = 0
    for score, db, _ in runs:
        truth, _ = read_truth(db.with_suffix(""))
        relayed = {t["chain_id"] for t in truth if t["relay_mmsi"]}
        cases += len(relayed)
        right += len(relayed & {true_id for true_id, _ in score.pairs})
    assert cases >= len(SEEDS)
    assert right / cases >= 0.9, (right, cases)


@pytest.mark.slow
def test_volume_error_and_range(scores: list[ChainScore]) -> None:
    errors = [e for s in scores for e in s.errors]
    inside = [i for s in scores for i in s.inside]
    assert errors and inside
    assert statistics.median(errors) <= 0.20
    assert sum(inside) / len(inside) >= 0.80


@pytest.mark.slow
def test_cap_table_sums_the_simulated_year(runs: list[tuple[ChainScore, Path, float]]) -> None:
    for _, db, true_barrels in runs:
        with open_store(db) as store:
            rows = cap_table(store)
        year = next(r for r in rows if r["year"] == 2026)
        assert year["reported_barrels"] == 0
        assert abs(year["estimated_barrels_mid"] / true_barrels - 1) <= 0.2
        assert year["estimated_barrels_low"] <= true_barrels <= year["estimated_barrels_high"]
