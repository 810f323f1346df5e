"""Matching rules: identifiers, digits, joined syllables, scripts, schema, blocking, errors."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from oiltrail.errors import UsageError
from oiltrail.graph.fleet import flagged_vessels, screen_fleet
from oiltrail.screen.index import get_index
from oiltrail.screen.match import check_imo, parse_query, screen_query
from oiltrail.screen.normalize import normalize_name
from oiltrail.screen.score import score_names, score_one_to_many, score_pairs
from oiltrail.store import Store, open_store


def _score(a: str, b: str) -> float:
    return score_names(normalize_name(a), normalize_name(b))[0]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("YU JONG 2", "YUJONG-2"),
        ("CHON MA SAN", "CHONMASAN"),
        ("Yuk Tung Energy Pte Ltd", "YUK TUNG ENERGY PRIVATE LIMITED"),
        ("천마산", "Chon Ma San"),
        ("김정은", "Kim Jong Un"),
        ("金正恩", "KIM JONG UN"),
        ("Cheonmasan", "CHON MA SAN"),  # Revised Romanisation vs McCune-Reischauer
        ("Ri Yong Ho", "리용호"),
    ],
)
def test_variants_match(a: str, b: str) -> None:
    assert _score(a, b) >= 0.9


@pytest.mark.parametrize(
    ("a", "b"),
    [("YU JONG 2", "YU JONG 3"), ("NAM SAN 8", "NAM SAN 6"), ("PAEK MA", "PAEK MAN 12")],
)
def test_digits_must_agree(a: str, b: str) -> None:
    assert _score(a, b) < 0.7


def test_one_to_many_equals_pairwise() -> None:
    query = normalize_name("Korea Yujong Shipping")[0]
    cands = [
        n
        for name in ("KOREA YUJONG SHIPPING CO LTD", "YU JONG 2", "Z")
        for n in normalize_name(name)
    ]
    assert list(score_one_to_many(query, cands)) == pytest.approx(
        list(score_pairs([query] * len(cands), cands))
    )


def test_imo_check_digits() -> None:
    assert check_imo("IMO8660313") == "8660313"  # vessel scheme
    assert check_imo("5936312") == "5936312"  # company scheme (UN KOREA ACHIM SHIPPING CO)
    with pytest.raises(UsageError, match="check digit"):
        check_imo("8660314")
    with pytest.raises(UsageError, match="seven digits"):
        check_imo("12345")


def test_parse_query() -> None:
    assert parse_query("IMO 8660313").imo == "8660313"
    assert parse_query("445123000").mmsi == "445123000"
    assert parse_query("YU JONG 2").name == "YU JONG 2"


def test_imo_query_hits_with_reason(store: Store) -> None:
    hits = screen_query(store, imo="8660313")
    assert hits[0]["name"] == "CHON MA SAN"
    assert hits[0]["score"] >= 0.95
    assert "IMO number matches" in hits[0]["reasons"]
    assert set(hits[0]) == {
        "query_id", "entity_id", "name", "schema", "score", "match", "lists", "reasons"
    }  # fmt: skip


def test_same_name_other_imo_is_penalised(store: Store) -> None:
    same = screen_query(store, name="CHON MA SAN", imo="8660313")[0]
    other = screen_query(store, name="CHON MA SAN", imo="9191773")
    assert same["score"] == 1.0
    assert all(h["score"] < 0.75 for h in other if h["name"] == "CHON MA SAN")


def test_schema_filter_and_unknown_schema(store: Store) -> None:
    hits = screen_query(store, name="KOREA ACHIM SHIPPING CO", schema="Vessel")
    assert all(h["schema"] == "Vessel" for h in hits)
    with pytest.raises(UsageError, match="unknown schema"):
        screen_query(store, name="X", schema="Spaceship")


def test_empty_query_and_bad_limits(store: Store) -> None:
    with pytest.raises(UsageError, match="empty query"):
        screen_query(store, name="   ")
    with pytest.raises(UsageError, match="limit"):
        screen_query(store, name="X", limit=0)
    with pytest.raises(UsageError, match="threshold"):
        screen_query(store, name="X", threshold=1.5)


def test_cutoff_and_limit(store: Store) -> None:
    hits = screen_query(store, name="KOREA SHIPPING", limit=3, cutoff=0.5)
    assert 0 < len(hits) <= 3
    assert all(h["score"] >= 0.5 for h in hits)
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    assert screen_query(store, name="Zzyzx Qwvbn") == []


def test_blocking_scores_few_names(store: Store) -> None:
    index = get_index(store)
    forms = normalize_name("YU JONG 2")
    cands = index.candidates(forms, 20)
    assert len(index.names) > 1000
    assert 0 < len(cands) <= 20
    assert any(index.names[i].joined == "yujong2" for i in cands)


def _add_static(store: Store, rows: list[tuple[int, int | None, str]]) -> None:
    for mmsi, imo, name in rows:
        store.con.execute(
            "INSERT INTO static_reports (mmsi, ts, imo, name) VALUES (?, ?, ?, ?)",
            [mmsi, datetime(2026, 1, 5), imo, name],
        )


def test_fleet_flags_listed_tankers(tmp_path: Path) -> None:
    with open_store(tmp_path / "fleet.duckdb") as st:
        _add_static(
            st,
            [
                (445101000, 8660313, "CHON MA SAN"),  # name and IMO
                (445102000, None, "YUJONG-2"),  # name only, joined
                (445103000, None, "MORNING STAR"),  # DPRK MID, no list hit
                (352000111, 9999990, "HONEST TRADER"),  # nothing
            ],
        )
        flagged = flagged_vessels(st)
        everything = screen_fleet(st)
    by_mmsi = {r["mmsi"]: r for r in flagged}
    assert set(by_mmsi) == {445101000, 445102000, 445103000}
    assert by_mmsi[445101000]["entity_id"] == "ofac-23729"
    assert "IMO number matches" in by_mmsi[445101000]["reasons"]
    assert "designated itself" in by_mmsi[445101000]["path"]
    assert by_mmsi[445102000]["name"] == "YUJONG-2" and by_mmsi[445102000]["score"] == 1.0
    assert by_mmsi[445103000]["entity_id"] == "" and "MID 445" in by_mmsi[445103000]["reasons"]
    assert len(everything) == 4


def test_graph_from_an_ais_mmsi(tmp_path: Path) -> None:
    from oiltrail.graph.query import graph_paths

    with open_store(tmp_path / "g.duckdb") as st:
        _add_static(st, [(445104000, None, "YU JONG 2")])
        rows = graph_paths(st, "445104000")
    assert rows[0]["start"] == "YU JONG 2"
    assert any("KOREA YUJONG SHIPPING" in r["sanctioned"] for r in rows)


def test_batch_file_bad_header(tmp_path: Path, store: Store) -> None:
    import io

    from oiltrail.errors import InputFormatError
    from oiltrail.screen.batch import screen_file

    bad = tmp_path / "q.csv"
    bad.write_text("foo,bar\n1,2\n")
    with pytest.raises(InputFormatError, match="header"):
        screen_file(store, bad, io.StringIO(), progress=False)


def test_common_company_words_do_not_make_a_match() -> None:
    assert _score("KOREA ACHIM SHIPPING CO", "KOREA ANSAN SHIPPING COMPANY") < 0.7
    assert _score("Korea Achim Shipping", "KOREA ACHIM SHIPPING CO") == 1.0
