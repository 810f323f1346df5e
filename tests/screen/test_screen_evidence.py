"""What makes a hit a match: identifiers, distinctive names, Korean given names, numbers."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from oiltrail.graph.fleet import flagged_vessels, review_vessels, screen_fleet
from oiltrail.screen.evidence import (
    _count_rows,
    commonness,
    flag_of_mmsi,
    korean_key,
    korean_name_differs,
    name_count,
)
from oiltrail.screen.index import get_index
from oiltrail.screen.match import Query, screen_many_decided, screen_query
from oiltrail.screen.normalize import normalize_name
from oiltrail.store import Store, open_store


def _top(store: Store, **query: str) -> dict[str, object]:
    hits = screen_many_decided(get_index(store), [Query("1", **query)], 5, 0.5, 0.7)[0]
    assert hits, query
    return hits[0]


@pytest.mark.parametrize("name", ["PATRIOT", "FREEDOM", "GLORY", "VALOR"])
def test_a_common_one_word_name_alone_is_only_possible(store: Store, name: str) -> None:
    top = _top(store, name=name, schema="Vessel")
    assert top["score"] == 1.0 and not top["match"] and top["status"] == "possible"
    assert f"'{name}' is one common word" in str(top["reasons"])
    assert "would settle it: an IMO number or MMSI" in str(top["reasons"])


def test_a_former_name_says_whose(store: Store) -> None:
    top = screen_query(store, name="FREEDOM", schema="Vessel", limit=5)
    amber = next(h for h in top if h["name"] == "AMBER")
    assert "'FREEDOM' is a former name of AMBER" in amber["reasons"] and not amber["match"]


def test_the_listed_imo_makes_a_common_name_a_match(store: Store) -> None:
    top = _top(store, name="PATRIOT", imo="9003550", schema="Vessel")
    assert top["match"] and str(top["reasons"]).startswith("match: IMO number matches")


def test_another_valid_imo_rules_the_listed_vessel_out(store: Store) -> None:
    top = screen_query(store, name="PATRIOT", imo="8332473", schema="Vessel", cutoff=0.3)[0]
    assert top["name"] == "PATRIOT" and not top["match"]
    assert "not a match: IMO numbers differ (8332473 vs 9003550): another ship" in top["reasons"]
    assert top["score"] < 0.7


def test_the_flag_from_the_mmsi_settles_a_common_name(store: Store) -> None:
    assert flag_of_mmsi("273000000") == "ru" and flag_of_mmsi("366907630") == "us"
    russian = _top(store, name="PATRIOT", mmsi="273000000", schema="Vessel")
    assert russian["match"] and "match: name and flag RU" in str(russian["reasons"])
    american = _top(store, name="PATRIOT", mmsi="366907630", schema="Vessel")
    assert not american["match"] and "the MMSI says flag US" in str(american["reasons"])


def test_a_distinctive_name_alone_is_a_match(store: Store) -> None:
    top = _top(store, name="CHONMASAN", schema="Vessel")
    assert top["match"] and str(top["reasons"]).startswith("match: the same distinctive name")


def test_a_spelling_that_differs_is_only_possible(store: Store) -> None:
    top = _top(store, name="CARLA", schema="Vessel")
    assert top["name"] == "CARLOTA C" and top["status"] == "possible"


def test_vessel_numbers_must_agree(store: Store) -> None:
    top = screen_query(store, name="RUNG RA 3", schema="Vessel")
    assert not any(h["match"] for h in top)
    assert top[0]["name"] == "RUNG RA DO" and "vessel numbers differ" in top[0]["reasons"]


def test_a_bad_imo_is_ignored_with_a_reason(store: Store) -> None:
    top = screen_query(store, name="CHON MA SAN", imo="IMO8660314")[0]
    assert top["match"] and "check digit" in top["reasons"] and "ignored" in top["reasons"]


def test_counts_table_is_shipped_and_says_why() -> None:
    patriot = name_count("patriot")
    assert patriot is not None and patriot.ais_vessels >= 2 and patriot.word
    assert name_count("no such vessel qxz") is None
    # read by splitting on commas: the table must hold no quoted field
    assert all(len(row.split(",")) == 3 for row in _count_rows().values())
    assert commonness(normalize_name("FREEDOM")[0]).endswith("is one common word")
    assert commonness(normalize_name("CHON MA SAN")[0]) == ""


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Ri Jong Ho", "RI, Jong Won"),
        ("Ri Jong Ho", "RI, Chong Chol"),
        ("Kim Jong Un", "KIM, Yo Jong"),
        ("Kim Jong Un", "KIM, Jong Man"),
        ("김정은", "KIM, Jong Sik"),
        ("Kim Jongun", "KIM, Jong Sik"),
        ("Kim Yo-jong", "KIM, Jong Un"),
        ("Kim Chong Il", "KIM, Jong Un"),
    ],
)
def test_korean_given_names_differ(query: str, listed: str) -> None:
    assert korean_name_differs(normalize_name(query)[0], normalize_name(listed)[0])


@pytest.mark.parametrize(
    "query",
    [
        "Kim Jong Un",
        "KIM Jong-un",
        "Kim Chong-un",
        "Kim Jong Eun",
        "김정은",
        "金正恩",
        "Jong Un Kim",
    ],
)
def test_korean_romanisations_agree(store: Store, query: str) -> None:
    assert not korean_name_differs(normalize_name(query)[0], normalize_name("KIM, Jong Un")[0])
    top = screen_query(store, name=query, schema="Person")[0]
    assert top["name"] == "KIM, Jong Un" and top["match"]


def test_korean_near_misses_do_not_match(store: Store) -> None:
    for query in ("Ri Jong Ho", "Kim Jong Un"):
        hits = screen_query(store, name=query, schema="Person")
        matched = [h["name"] for h in hits if h["match"]]
        assert matched in ([], ["KIM, Jong Un"]), matched
        assert any("not a match: the given name differs" in h["reasons"] for h in hits)


def test_korean_key_folds_romanisations() -> None:
    assert korean_key("thaephyongsan") == korean_key("thaepyongsan")
    assert korean_key("jeong") == korean_key("chong") == korean_key("jong")
    assert korean_key("won") != korean_key("ho")


def _add_static(store: Store, rows: list[tuple[int, int | None, str, int | None]]) -> None:
    for mmsi, imo, name, ship_type in rows:
        store.con.execute(
            "INSERT INTO static_reports (mmsi, ts, imo, name, ship_type) VALUES (?, ?, ?, ?, ?)",
            [mmsi, datetime(2026, 1, 5), imo, name, ship_type],
        )


def test_fleet_flags_matches_only_and_reviews_the_possible(tmp_path: Path) -> None:
    with open_store(tmp_path / "fleet.duckdb") as st:
        _add_static(
            st,
            [
                (366907630, None, "PATRIOT", 37),  # US pleasure craft: possible only
                (367164250, 9290622, "FREEDOM", 70),  # its own IMO: another ship
                (273999000, None, "PATRIOT", None),  # Russian MMSI: the listed flag
                (445101000, 8660313, "CHON MA SAN", 80),  # the listed IMO
            ],
        )
        flagged = {r["mmsi"]: r for r in flagged_vessels(st)}
        review = {r["mmsi"]: r for r in review_vessels(st)}
        everything = {r["mmsi"]: r for r in screen_fleet(st)}
    assert set(flagged) == {273999000, 445101000}
    assert set(review) == {366907630}
    assert "would settle it" in review[366907630]["reasons"] and review[366907630]["risk"] == 0
    assert everything[367164250]["entity_id"] == ""  # ruled out by its IMO number


def test_a_batch_row_brings_its_flag(tmp_path: Path, store: Store) -> None:
    import io

    from oiltrail.screen.batch import screen_file

    queries = tmp_path / "q.csv"
    queries.write_text("query_id,name,imo,mmsi,schema,flag,ship_type\na,PATRIOT,,,Vessel,RU,\n")
    out = io.StringIO()
    report = screen_file(store, queries, out, "json", progress=False)
    assert report.matched_queries == 1 and "match: name and flag RU" in out.getvalue()
