"""Accuracy on simulated scenarios: chains and volumes against the simulator's truth (3 seeds).

simulate → ingest → detect → trace, then oiltrail.trace.evaluate.score_chains against
truth_chains.csv. Skips until the simulator, ingest and detection modules are present.
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

import pytest

from oiltrail.store import open_store
from oiltrail.trace.chains import trace_chains
from oiltrail.trace.evaluate import ChainScore, read_truth, score_chains

SEEDS = (1, 2, 3)
DAYS, VESSELS = 14, 30


def _run(folder: Path, seed: int) -> tuple[ChainScore, list[dict[str, Any]]]:
    simulate = _upstream("oiltrail.simulate", "simulate")
    ingest_paths = _upstream("oiltrail.store.ingest", "ingest_paths")
    detect = _upstream("oiltrail.engines.local", "detect")
    out = folder / f"seed{seed}"
    simulate(out, seed=seed, days=DAYS, vessels=VESSELS)
    files = [p for p in (out / "ais.nmea", out / "ais_marinecadastre.csv") if p.exists()]
    with open_store(folder / f"seed{seed}.duckdb") as store:
        ingest_paths(store, files, progress=False)
        detect(store)
        found = trace_chains(store)
    truth, encounters = read_truth(out)
    return score_chains(found, truth, encounters), found


def _upstream(module: str, name: str) -> Any:
    """Another area's function, or skip while it is not written yet."""
    found = getattr(pytest.importorskip(module), name, None)
    if found is None:
        pytest.skip(f"{module}.{name} is not there yet")
    return found


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> list[ChainScore]:
    folder = tmp_path_factory.mktemp("seeds")
    return [_run(folder, seed)[0] for seed in SEEDS]


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
def test_volume_error_and_range(scores: list[ChainScore]) -> None:
    errors = [e for s in scores for e in s.errors]
    inside = [i for s in scores for i in s.inside]
    assert errors and inside
    assert statistics.median(errors) <= 0.20
    assert sum(inside) / len(inside) >= 0.80
