"""False matches on names that are not listed: Korean near misses, real AIS fleets, random names
(the query sets of benchmarks/bench_screen_precision.py; figures in BENCHMARKS.md)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository: benchmarks/
from benchmarks.bench_screen_precision import (
    korean_near_misses,
    our_matches,
    random_names,
    real_ais_vessels,
)

from oiltrail.graph.fleet import _vessel_queries
from oiltrail.screen.index import ScreenIndex
from oiltrail.screen.match import Query
from oiltrail.store import Store
from oiltrail.store.lists import read_entities


def test_korean_given_name_near_misses(store: Store, index: ScreenIndex) -> None:
    near = korean_near_misses(read_entities(store))
    assert len(near) >= 50
    assert "RI JONG CHOL" not in near  # a listed name is never a near miss
    matched, _ = our_matches(index, [Query(str(i), n, schema="Person") for i, n in enumerate(near)])
    assert matched <= 0.05 * len(near), matched


def test_random_names(index: ScreenIndex) -> None:
    names = random_names(20_000)
    assert len(set(names)) > 15_000 and names == random_names(20_000)  # seeded
    matched, _ = our_matches(index, [Query(str(i), n) for i, n in enumerate(names)])
    assert matched <= 0.005 * len(names), matched


def test_real_ais_vessels_are_not_matched(shared_real: Path, index: ScreenIndex) -> None:
    vessels = [v for _, vs in real_ais_vessels() for v in vs]
    assert len(vessels) > 1000
    queries = [q for v in vessels for q in _vessel_queries(v)]
    _, rows = our_matches(index, queries)
    pairs = zip(queries, rows, strict=True)
    matched = {q.query_id for q, rs in pairs if any(r["match"] for r in rs)}
    assert len(matched) <= 0.005 * len(vessels), sorted(matched)
