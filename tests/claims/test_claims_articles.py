"""Every supply claim in the hand-written wire articles is found with its speaker, and no claim
comes from a sentence that is not about supply (missiles, weather, sport, oil prices, coal)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from oiltrail.claims.check import check_claims
from oiltrail.claims.text import read_article

ARTICLES = Path(__file__).resolve().parent / "articles"

EXPECTED: dict[str, list[tuple[str | None, str]]] = {
    "kremlin_negligible.txt": [
        ("Russia", "Russia calls fuel deliveries"),
        ("Kremlin", "The Kremlin on Tuesday dismissed"),
        ("Dmitry Peskov", '"The deliveries of Russian oil products'),
        ("Dmitry Peskov", '"Russia fully complies'),
        ("A defector who worked for a state trading company in Pyongyang", "A defector who"),
        ("U.S. State Department", "The U.S. State Department estimated"),
    ],
    "committee_figures.txt": [
        ("Russia", "Russia reported supplying 30,180 tonnes"),
        ("China", "China declared 22,730 tonnes"),
        ("Geng Shuang", "Chinese foreign ministry spokesman Geng Shuang"),
        ("Geng Shuang", "\"China's oil exports"),
    ],
    "defector_singapore.html": [
        ("A former North Korean trade official", "A former North Korean trade official"),
        ("Ri Chol Su", "Ri Chol Su, a defector"),
        ("Ri Chol Su", "“North Korea imported about 200,000 tonnes"),
        ("Ri Chol Su", "He said the tanker Yu Jong 2"),
        ("U.S. Justice Department complaint", "According to a U.S. Justice Department"),
    ],
    "kcna_denial.txt": [
        ("North Korea", "North Korea dismisses U.S. report"),
        ("North Korea", "North Korea on Wednesday rejected"),
        ("a spokesman for the DPRK Foreign Ministry", '"The so-called illicit'),
        ("U.S. Treasury", "The U.S. Treasury said last month"),
    ],
    "sts_surveillance.md": [
        ("Japan's Ministry of Defense", "Japan's Ministry of Defense said"),
        ("An analyst at the Open Source Centre", "An analyst at the Open Source Centre"),
    ],
}


def _check(name: str) -> dict[str, Any]:
    return check_claims(read_article(ARTICLES / name).text, None)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_supply_claim_found_with_its_speaker_and_none_invented(name: str) -> None:
    claims = _check(name)["claims"]
    assert len(claims) == len(EXPECTED[name]), [c["quote"][:50] for c in claims]
    pairs = zip(claims, EXPECTED[name], strict=True)
    got = [(c["speaker"], c["quote"][: len(exp)]) for c, (_, exp) in pairs]
    assert got == EXPECTED[name]


def test_the_articles_hold_distractors_that_stay_out() -> None:
    quotes = " ".join(c["quote"] for n in EXPECTED for c in _check(n)["claims"])
    for distractor in (
        "ballistic",
        "Brent",
        "coal",
        "typhoon",
        "football",
        "heavy rain",
        "refiners",
    ):
        assert distractor not in quotes
    texts = " ".join(read_article(ARTICLES / n).text for n in EXPECTED)
    for distractor in ("ballistic", "Brent", "coal", "typhoon", "football", "rain", "refiners"):
        assert distractor in texts


def test_quantities_are_converted_to_barrels_with_their_bound() -> None:
    kremlin = _check("kremlin_negligible.txt")["claims"]
    q = kremlin[5]["quantity"]
    assert (q["barrels"], q["bound"], kremlin[5]["period"]) == (1_000_000, "lower", "2025")
    russia = _check("committee_figures.txt")["claims"][0]["quantity"]
    assert russia["unit"] == "tonnes" and russia["barrels"] == round(30_180 * 7.46)


def test_periods_months_ranges_relative_and_same_period() -> None:
    osc = _check("sts_surveillance.md")["claims"][1]
    assert osc["period"] == "2024-03/2024-11"
    committee = _check("committee_figures.txt")["claims"]
    assert [c["period"] for c in committee[:2]] == ["2019", "2019"]  # "for the same period"
    treasury = _check("kcna_denial.txt")["claims"][3]
    # "said last month" dates the saying; the claim is about "12 transfers this year"
    assert treasury["period"] == "2026"


def test_assertions_carry_the_stance_words() -> None:
    kremlin = _check("kremlin_negligible.txt")["claims"]
    assert kremlin[2]["assertion"] == "minimal: negligible"
    assert "lifeline" in kremlin[4]["assertion"] and "ship-to-ship" in kremlin[4]["assertion"]
    denial = _check("kcna_denial.txt")["claims"][2]
    assert denial["assertion"].startswith("minimal: fabrication")


def test_entities_vessels_companies_ports_people() -> None:
    entities = {(e["name"], e["type"]) for e in _check("defector_singapore.html")["entities"]}
    assert {
        ("YU JONG 2", "vessel"),
        ("SAM JONG 2", "vessel"),
        ("Velmur Management Pte Ltd", "company"),
        ("Independent Petroleum Company", "company"),
        ("Nakhodka", "port"),
        ("Ri Chol Su", "person"),
        ("Singapore", "country"),
    } <= entities
    assert not any("Hong Myung-bo" in name for name, _ in entities)  # the football coach
    sts = {(e["name"], e["type"]) for e in _check("sts_surveillance.md")["entities"]}
    assert ("CHON MA SAN", "vessel") in sts


def test_every_claim_has_the_spec_keys(tmp_path: Path) -> None:
    keys = [
        "speaker",
        "quote",
        "subject",
        "assertion",
        "quantity",
        "period",
        "verdict",
        "reasons",
        "relayed_from",
    ]
    for name in EXPECTED:
        result = _check(name)
        assert set(result) == {"claims", "entities"}
        assert all(list(c) == keys for c in result["claims"])
        assert all(set(e) == {"name", "type", "screening"} for e in result["entities"])
