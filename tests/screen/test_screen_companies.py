"""Company names: ours must tell them apart (pair scores and screening decisions against the
bundled lists), and the logic-v2 peer harness of the benchmarks must score each pair on its
own names (nomenklatura caches analysed names by entity id: one id for every query once
scored all of them with the first query's names, 0.951 for 'Maersk Line')."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository: benchmarks/
from benchmarks.bench_screen import logic_v2_jobs
from benchmarks.bench_screen_precision import logic_v2_matches

from oiltrail.screen.index import ScreenIndex
from oiltrail.screen.match import Query, screen_many_decided
from oiltrail.screen.normalize import normalize_name
from oiltrail.screen.score import score_names
from oiltrail.store import Store
from oiltrail.store.lists import read_entities

THRESHOLD = 0.7
LISTED = "KOREA OCEAN SHIPPING AGENCY"  # OFAC SDN 2021, on the bundled lists


def _score(a: str, b: str) -> float:
    return score_names(normalize_name(a), normalize_name(b))[0]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Korea Ocean Shipping", "KOREA OCEAN SHIPPING CO LTD"),  # legal form dropped
        ("Korea Ocean Shiping", "KOREA OCEAN SHIPPING CO LTD"),  # and a letter missing
        ("Ocean Maritime Management Co., Ltd.", "OCEAN MARITIME MANAGEMENT COMPANY LIMITED"),
        ("Korea Ryonbong General Corp", "KOREA RYONBONG GENERAL CORPORATION"),
        ("korea ocean shipping agency", LISTED),
    ],
)
def test_company_variants_score_above_threshold(a: str, b: str) -> None:
    assert _score(a, b) >= 0.9


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Maersk Line", "KOREA OCEAN SHIPPING CO LTD"),  # nothing shared
        ("Acme Bakery", "Rosneft Oil Company"),
        ("Ocean Petroleum Trading LLC", "KOREA OCEAN SHIPPING CO LTD"),  # one word shared
        ("Korea Telecom", LISTED),  # one word shared
        ("Pacific Ocean Shipping Co", LISTED),  # two words shared, the distinctive one not
        ("Korea Shipping Corporation", LISTED),
    ],
)
def test_other_companies_score_below_threshold(a: str, b: str) -> None:
    assert _score(a, b) < THRESHOLD


def test_company_screening_decisions(index: ScreenIndex) -> None:
    names = [
        "Korea Ocean Shipping Agency",
        "KOREA OCEAN SHIPPING AGENCY CO LTD",
        "Ocean Maritime Management Co., Ltd.",
        "Korea Ocean Shipping",  # part of the listed name: a lead, not a match
        "Maersk Line",
        "Korea Telecom",
        "Pacific Ocean Shipping Co",
        "Ocean Petroleum Trading LLC",
    ]
    queries = [Query(str(i), n, schema="Company") for i, n in enumerate(names)]
    rows = dict(zip(names, screen_many_decided(index, queries), strict=True))
    for name in names[:3]:
        assert rows[name][0]["status"] == "match", (name, rows[name][:1])
    assert rows["Korea Ocean Shipping Agency"][0]["name"] == LISTED
    top = rows["Korea Ocean Shipping"][0]
    assert (top["name"], top["status"]) == (LISTED, "possible")
    for name in names[3:]:
        assert not any(r["match"] for r in rows[name]), (name, rows[name])


def _listed_name_row(index: ScreenIndex, name: str) -> int:
    return next(i for i, n in enumerate(index.names) if n.original == name)


@pytest.mark.parametrize("first", ["Korea Ocean Shipping Agency", "Maersk Line"])
def test_logic_v2_jobs_score_each_pair_on_its_names(index: ScreenIndex, first: str) -> None:
    pytest.importorskip("nomenklatura")
    from nomenklatura.matching import get_algorithm
    from nomenklatura.matching.types import ScoringConfig

    algorithm = get_algorithm("logic-v2")
    assert algorithm is not None
    config = ScoringConfig.defaults()
    row = _listed_name_row(index, LISTED)
    names = [first, *(n for n in ("Korea Ocean Shipping Agency", "Maersk Line") if n != first)]
    names.append("Ocean Petroleum Trading LLC")
    jobs = logic_v2_jobs(index, [(n, [row], "") for n in names], f"test-{first}")
    scores = {
        n: algorithm.compare(q, r, config).score for n, (q, r) in zip(names, jobs, strict=True)
    }
    assert scores["Korea Ocean Shipping Agency"] >= THRESHOLD, scores
    assert scores["Maersk Line"] < THRESHOLD, scores
    assert scores["Ocean Petroleum Trading LLC"] < THRESHOLD, scores


@pytest.mark.parametrize("listed_first", [True, False])
def test_logic_v2_matches_counts_each_query(
    store: Store, index: ScreenIndex, listed_first: bool
) -> None:
    pytest.importorskip("nomenklatura")
    # the agency is among the blocked candidates of both others: their names must be read
    names = [
        "Korea Ocean Shipping Agency",
        "Pacific Ocean Shipping Co",
        "Black Sea Shipping Agency",
    ]
    if not listed_first:
        names.reverse()
    queries = [Query(str(i), n, schema="Company") for i, n in enumerate(names)]
    seen: list[str] = []
    assert logic_v2_matches(index, read_entities(store), queries, seen) == 1
    assert seen == ["Korea Ocean Shipping Agency"]
