"""Quality on real labelled names, side by side with nomenklatura logic-v2 in the same run."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from oiltrail.screen.index import get_index
from oiltrail.screen.match import Query, screen_prepared
from oiltrail.screen.normalize import normalize_name
from oiltrail.screen.score import score_names
from oiltrail.screen.watchlist import ensure_lists
from oiltrail.store import open_store

CURATED_GROUPS = ("nk_checks", "nk_unit_tests")  # the synth_* groups are LLM-generated
DEFAULT_THRESHOLD = 0.7


def _f1(scored: list[tuple[float, bool]], threshold: float) -> float:
    tp = sum(1 for s, m in scored if s >= threshold and m)
    fp = sum(1 for s, m in scored if s >= threshold and not m)
    fn = sum(1 for s, m in scored if s < threshold and m)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _bench_cases(screen_fixtures: Path) -> list[dict[str, str]]:
    path = screen_fixtures / "nomenklatura_name_bench_cases.csv"
    with path.open(encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if r["case_group"] in CURATED_GROUPS]


def _logic_v2_scores(cases: list[dict[str, str]]) -> list[tuple[float, bool]]:
    from followthemoney import model
    from nomenklatura.matching import get_algorithm
    from nomenklatura.matching.types import ScoringConfig

    algorithm = get_algorithm("logic-v2")
    assert algorithm is not None
    config = ScoringConfig.defaults()
    scored = []
    for case in cases:
        # logic-v2 caches analysed names by entity id (module-wide, across calls): an id must
        # say what the entity holds; one id for all scored every pair with the first's names
        a = model.make_entity(case["schema"])
        a.id = f"query:{case['schema']}:{case['name1']}"
        a.add("name", case["name1"])
        b = model.make_entity(case["schema"])
        b.id = f"result:{case['schema']}:{case['name2']}"
        b.add("name", case["name2"])
        scored.append((algorithm.compare(a, b, config).score, case["is_match"] == "true"))
    return scored


def test_f1_beside_logic_v2(screen_fixtures: Path) -> None:
    """Name-bench F1, ours at 0.70 beside logic-v2 scored pair by pair in the same run.

    Measured 2026-12-04: ours 0.842 at 0.70; logic-v2 0.896 at 0.70, 0.901 at its best
    threshold (0.71). logic-v2 leads here: abbreviations (PLA, J.-C. Juncker), number words
    (Brigade Forty-Four), legal forms across languages (SRL / Societatea cu Răspundere
    Limitată), Khmer and Han script. Until 2026-12-04 this test gave every logic-v2 entity
    one id, so logic-v2 (which caches analysed names by entity id) scored all 308 pairs but the
    12 vessel ones with the first pair's names; its "best F1" 0.771 was about that of calling
    every pair a match (0.766)."""
    cases = _bench_cases(screen_fixtures)
    assert len(cases) == 308
    ours = [
        (
            score_names(normalize_name(c["name1"]), normalize_name(c["name2"]))[0],
            c["is_match"] == "true",
        )
        for c in cases
    ]
    theirs = _logic_v2_scores(cases)
    everything = _f1([(1.0, m) for _, m in ours], DEFAULT_THRESHOLD)  # all called matches
    logic_v2_best = max(_f1(theirs, t / 100) for t in range(1, 100))
    logic_v2_default = _f1(theirs, DEFAULT_THRESHOLD)
    our_f1 = _f1(ours, DEFAULT_THRESHOLD)  # ours at its default, not at its best threshold
    print(
        f"F1 oiltrail@0.70 {our_f1:.3f}; logic-v2@0.70 {logic_v2_default:.3f}, "
        f"best {logic_v2_best:.3f}; all called matches {everything:.3f}"
    )
    assert len({round(s, 6) for s, _ in theirs}) > 50  # each pair scored on its own names
    assert logic_v2_default > everything + 0.05
    assert our_f1 >= 0.84


def test_logic_v2_scores_each_pair_on_its_names() -> None:
    pytest.importorskip("nomenklatura")
    pairs = [
        ("Korea Ocean Shipping", "KOREA OCEAN SHIPPING CO LTD", "true"),
        ("Maersk Line", "KOREA OCEAN SHIPPING CO LTD", "false"),
        ("Acme Bakery", "Rosneft Oil Company", "false"),
    ]
    cases = [{"schema": "Company", "name1": a, "name2": b, "is_match": m} for a, b, m in pairs]
    for order in (cases, cases[::-1]):
        scored = _logic_v2_scores(order)
        assert all((s >= DEFAULT_THRESHOLD) == m for s, m in scored), scored


def test_recall_on_yente_un_positives(screen_fixtures: Path) -> None:
    folder = screen_fixtures
    with (folder / "yente_positives_un_treated.csv").open(encoding="utf-8") as fh:
        treated = [r["full_name"] for r in csv.DictReader(fh)]
    with (folder / "yente_positives_un_untreated.csv").open(encoding="utf-8") as fh:
        untreated = [r["full_name"] for r in csv.DictReader(fh)]
    assert len(treated) == len(untreated) == 683
    scores = [
        score_names(normalize_name(a), normalize_name(b))[0]
        for a, b in zip(treated, untreated, strict=True)
    ]
    recall = sum(s >= DEFAULT_THRESHOLD for s in scores) / len(scores)
    assert recall >= 0.99


# Hangul and Han-script forms of persons and vessels on the bundled lists (UN 2026 DPRK
# excerpt, OFAC 2021 excerpt), written as a Korean or Chinese source would write them.
SCRIPT_FORMS = [
    ("윤호진", "YUN HO-JIN"),
    ("尹浩鎭", "YUN HO-JIN"),
    ("리제선", "RI JE-SON"),
    ("황석화", "HWANG SOK-HWA"),
    ("黃錫華", "HWANG SOK-HWA"),
    ("최춘식", "CHOE CHUN-SIK"),
    ("崔春植", "CHOE CHUN-SIK"),
    ("현광일", "HYON KWANG IL"),
    ("玄光日", "HYON KWANG IL"),
    ("김영철", "KIM YONG CHOL"),
    ("金英哲", "KIM YONG CHOL"),
    ("리만건", "RI MAN GON"),
    ("李萬建", "RI MAN GON"),
    ("장성철", "JANG SONG CHOL"),
    ("張成哲", "JANG SONG CHOL"),
    ("박영식", "PAK YONG SIK"),
    ("朴永植", "PAK YONG SIK"),
    ("강문길", "KANG MUN KIL"),
    ("姜文吉", "KANG MUN KIL"),
    ("천마산", "CHON MA SAN"),
    ("天摩山", "CHON MA SAN"),
    ("유정 2호", "YU JONG 2"),
    ("油井2號", "YU JONG 2"),
    ("백마", "PAEK MA"),
    ("白馬", "PAEK MA"),
    ("삼정 2호", "SAM JONG 2"),
    ("남산8호", "NAM SAN 8"),
    ("南山8號", "NAM SAN 8"),
    ("안산 1호", "AN SAN 1"),
    ("安山1號", "AN SAN 1"),
    ("유선", "YU SON"),
    ("油船", "YU SON"),
    ("지성 6호", "JI SONG 6"),
]


@pytest.fixture(scope="module")
def watchlist_index(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    store = open_store(tmp_path_factory.mktemp("wl") / "store.duckdb")
    ensure_lists(store)
    yield get_index(store)
    store.close()


@pytest.mark.parametrize(("script", "listed"), SCRIPT_FORMS)
def test_hangul_and_han_forms_found_at_top_1(watchlist_index, script: str, listed: str) -> None:  # type: ignore[no-untyped-def]
    hits = screen_prepared(watchlist_index, Query("1", script))
    assert hits, f"no hit for {script}"
    assert hits[0]["name"].replace(",", "").upper() == listed.replace(",", "")
    assert hits[0]["match"]
