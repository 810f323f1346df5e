"""One supplier judged on its own rows; timeless claims on the article's and the latest year;
published estimates cited apart; every figure with its unit and source (file line, chain ids).

Expected figures are worked out by hand from src/oiltrail/data/reported_deliveries.csv:
line 12 China 2019 22,730 t; line 13 Russia 2019 30,180 t; line 14 Russia 2019 277,365 bbl;
lines 30-31 China Jan/Feb 2022 10,822 + 6,295 bbl; line 36 Russia 2023 105,845 bbl;
line 37 Russia Jan 2024 15,279 bbl; line 38 China+Russia 2024 168,679 bbl; line 41 43 states
2020 >1,600,000 bbl; line 42 US government 2024 >165,000 bbl; line 43 Open Source Centre 2024
>1,000,000 bbl.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from oiltrail.claims.check import check_claims
from oiltrail.claims.text import read_article
from oiltrail.store import Store, open_store

ARTICLES = Path(__file__).resolve().parent / "articles"
CSV = "oiltrail/data/reported_deliveries.csv"

# year: (reported, low, mid, high), as the estimate stage would give with no chains
CAP_2024 = {
    2020: (129_706, 0, 0, 0),
    2023: (105_845, 0, 0, 0),
    2024: (168_679, 0, 0, 0),
}
CAP_2022 = {2019: (446_931, 0, 0, 0), 2022: (17_117, 0, 0, 0), 2023: (20_000, 0, 0, 0)}

Chain = tuple[str, int, str, float, float, float, bool]  # id, year, port, low, mid, high, sts
MakeStore = Callable[..., Store]


@pytest.fixture
def make_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MakeStore]:
    """A store with the given cap rows (stand-in estimate stage), chains and simulated flag."""
    monkeypatch.setitem(sys.modules, "oiltrail.screen.match", None)
    monkeypatch.setitem(sys.modules, "oiltrail.screen.watchlist", None)
    opened: list[Store] = []

    def make(
        cap: dict[int, tuple[int, int, int, int]], chains: list[Chain] = (), sim: bool = False
    ) -> Store:
        rows = [
            {
                "year": y,
                "reported_barrels": rep,
                "estimated_barrels_low": low,
                "estimated_barrels_mid": mid,
                "estimated_barrels_high": high,
                "cap_barrels": 500_000,
            }
            for y, (rep, low, mid, high) in cap.items()
        ]
        fake = types.ModuleType("oiltrail.estimate.cap")
        fake.cap_table = lambda store: rows  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "oiltrail.estimate.cap", fake)
        store = open_store(tmp_path / f"s{len(opened)}.duckdb")
        opened.append(store)
        store.con.execute(
            """CREATE TABLE chains (chain_id VARCHAR, source_port VARCHAR, load_start TIMESTAMP,
            encounter_event_id VARCHAR, destination VARCHAR, arrival TIMESTAMP,
            barrels_low DOUBLE, barrels_mid DOUBLE, barrels_high DOUBLE)"""
        )
        for cid, year, port, low, mid, high, sts in chains:
            sts_id = "e" + cid if sts else None
            store.con.execute(
                "INSERT INTO chains VALUES (?, ?, ?, ?, 'Nampo (Chinnampo)', ?, ?, ?, ?)",
                [cid, port, f"{year}-04-01", sts_id, f"{year}-04-09", low, mid, high],
            )
        if sim:
            store.con.execute(
                "INSERT INTO manifest VALUES ('h', 'sim/ais.nmea', 'nmea', now(), 1, 0, 0, 0, true)"
            )
        return store

    yield make
    for store in opened:
        store.close()


def _claims(name: str, store: Store | None) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = check_claims(read_article(ARTICLES / name).text, store)["claims"]
    return result


def test_russia_negligible_is_judged_on_russia_not_on_all_suppliers(
    make_store: MakeStore,
) -> None:
    rudenko = _claims("supplier_russia_2024.txt", make_store(CAP_2024))[1]
    assert rudenko["speaker"] == "Russian Deputy Foreign Minister Andrei Rudenko"
    assert rudenko["period"] == "2024"
    # Russia declared 15,279 bbl (< 50,000), but named parties estimate far more: undecided.
    assert rudenko["verdict"] == "not enough evidence"
    text = "\n".join(rudenko["reasons"])
    assert rudenko["reasons"][0].startswith("judged on Russia's own rows")
    assert "Russia 2024: declared to the 1718 Committee 15,279 bbl" in text
    assert f"{CSV} line 37" in text
    assert "168,679" not in text  # the all-supplier total is not Russia's figure


def test_published_estimates_are_cited_and_labelled_by_their_party(
    make_store: MakeStore,
) -> None:
    rudenko = _claims("supplier_russia_2024.txt", make_store(CAP_2024))[1]
    estimates = [r for r in rudenko["reasons"] if r.startswith("published estimate")]
    assert len(estimates) == 2
    osc = next(r for r in estimates if "Open Source Centre" in r)
    assert "not a declaration, not an oiltrail figure" in osc
    assert "period 2024-03-07..2024-11-05: more than 1,000,000 bbl" in osc
    assert f"{CSV} line 43" in osc
    us = next(r for r in estimates if "US government" in r)
    assert "more than 165,000 bbl" in us and f"{CSV} line 42" in us
    lawmaker = _claims("supplier_russia_2024.txt", make_store(CAP_2024))[4]
    # declared 129,706 bbl would support "less than 200,000", but 43 states estimate more
    assert lawmaker["period"] == "2020-01/2020-05"
    assert lawmaker["verdict"] == "not enough evidence"
    assert any(
        "published estimates by 43 states exceed 240,000 bbl" in r for r in lawmaker["reasons"]
    )
    states = [r for r in lawmaker["reasons"] if r.startswith("published estimate by 43 states")]
    assert len(states) == 1
    assert "period Jan-May 2020: more than 1,600,000 bbl" in states[0]
    assert f"{CSV} line 41" in states[0]
    # the all-supplier comparison names its own source: the combined declaration, line 21
    assert "declared 129,706 bbl" in lawmaker["reasons"][0]
    assert f"{CSV} line 21" in lawmaker["reasons"][0]


def test_a_supplier_quantity_is_compared_with_its_declared_line(make_store: MakeStore) -> None:
    claims = _claims("supplier_russia_2024.txt", make_store(CAP_2024))
    january, small = claims[2], claims[3]
    assert january["period"] == "2024-01" and january["verdict"] == "supported"
    assert "matches what Russia declared: 15,279 bbl for 2024-01" in january["reasons"][0]
    assert f"{CSV} line 37" in january["reasons"][0]
    # "only 5,000 barrels" in 2023, while Russia itself declared 105,845 bbl for the year
    assert small["verdict"] == "contradicted"
    assert "against Russia's declared 105,845 bbl" in small["reasons"][0]
    assert f"[{CSV} line 36]" in small["reasons"][0]
    assert "Russia itself declared more than claimed" in small["reasons"][0]


def test_simulated_chains_from_russian_ports_contradict_and_say_simulated(
    make_store: MakeStore,
) -> None:
    chains: list[Chain] = [
        ("k1", 2024, "Vostochny (Vostochnyy)", 40_000, 50_000, 60_000, True),
        ("k2", 2024, "Nakhodka", 30_000, 40_000, 50_000, False),
        ("k3", 2024, "Singapore", 90_000, 95_000, 99_000, True),  # not Russia
    ]
    cap = {**CAP_2024, 2024: (168_679, 160_000, 185_000, 209_000)}
    rudenko = _claims("supplier_russia_2024.txt", make_store(cap, chains, sim=True))[1]
    assert rudenko["verdict"] == "contradicted"
    first = rudenko["reasons"][0]
    # 15,279 declared + 70,000 (k1 + k2 low) = 85,279 bbl, over the 50,000 bbl reading
    assert "yet Russia supplied 2024: at least 85,279 bbl = declared 15,279 bbl" in first
    assert "oiltrail AIS estimate from SIMULATED data 70,000 bbl [chain(s) k1, k2]" in first
    assert "k3" not in first
    assert any("SIMULATED data" in r and "not real ships" in r for r in rudenko["reasons"])


def test_timeless_present_tense_uses_the_article_and_latest_year(make_store: MakeStore) -> None:
    claims = _claims("timeless_negligible.txt", make_store(CAP_2022))
    present = claims[1]
    assert present["period"] is None
    assert present["verdict"] == "supported"  # 2022: 17,117 bbl, 2023: 20,000 bbl < 50,000
    reasons = present["reasons"]
    assert (
        "no period stated: judged against the article's year (2022) and the store's "
        "latest year (2023)"
    ) in reasons
    years = [r.split(":")[0] for r in reasons if r[:4].isdigit()]
    assert years == ["2022", "2023"]  # not 2019, when 446,931 bbl were declared
    line_2022 = next(r for r in reasons if r.startswith("2022:"))
    assert f"declared to the 1718 Committee 17,117 bbl ({CSV} lines 30, 31)" in line_2022
    line_2023 = next(r for r in reasons if r.startswith("2023:"))
    assert "20,000 bbl (the cap table of `oiltrail estimate`)" in line_2023


def test_a_stated_past_year_is_still_judged_on_that_year(make_store: MakeStore) -> None:
    past = _claims("timeless_negligible.txt", make_store(CAP_2022))[2]
    assert past["period"] == "2019" and past["verdict"] == "contradicted"
    assert "at least 446,931 bbl moved in 2019" in past["reasons"][0]
    assert f"({CSV} lines 12, 14)" in past["reasons"][0]


def test_timeless_claim_without_a_date_uses_the_latest_year_only(make_store: MakeStore) -> None:
    text = "Fuel deliveries to North Korea are negligible, a spokesman for the ministry said."
    claim = check_claims(text, make_store(CAP_2022))["claims"][0]
    assert claim["period"] is None and claim["verdict"] == "supported"
    assert "no period stated: judged against the store's latest year (2023)" in claim["reasons"]
    assert [r[:5] for r in claim["reasons"] if r[:4].isdigit()] == ["2023:"]
