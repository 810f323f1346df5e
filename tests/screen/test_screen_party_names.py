"""A company's name alone is a match only when it is the same name (docs/screening.md, rule 4):
a query sharing a word or two with a listed company, or spelt differently, is a possible match
with what would settle it; a number on one side only rules it out. Hand-made names through the
rules, then real names against the bundled watchlist."""

from __future__ import annotations

import pytest

from oiltrail.screen.evidence import MATCH, NO_MATCH, POSSIBLE, Evidence, Listed, decide
from oiltrail.screen.index import ScreenIndex
from oiltrail.screen.match import Query, screen_many_decided
from oiltrail.screen.normalize import normalize_name
from oiltrail.screen.score import score_names

COMPANY = Listed("Organization", (), (), (), ())
SETTLE = "would settle it: the IMO company number, or an address or registration number"


def _decide(query: str, listed: str, schema: Listed = COMPANY) -> tuple[str, float, str]:
    score, q, r = score_names(normalize_name(query), normalize_name(listed))
    assert q is not None and r is not None
    d = decide(Evidence(), schema, (score, q, r), f"name {query!r} ~ {listed!r}", 0.7)
    return d.status, d.score, "; ".join(d.reasons)


@pytest.mark.parametrize(
    ("query", "listed", "why"),
    [
        ("YUJONG", "HANBIT YUJONG SHIPPING CO LTD", "only part of the listed name (not HANBIT"),
        ("ACHIMSAN TRADING", "PYONGHWA ACHIMSAN TRADING", "only part of the listed name"),
        ("YUJONG SHIPPING", "YUSONG SHIPPING CO", "the names differ (YUJONG vs YUSONG)"),
        ("ACHIMSAN GLOBAL TRADING", "ACHIMSAN TRADING", "words the listed name lacks (GLOBAL)"),
    ],
)
def test_a_company_name_that_only_shares_words_is_a_possible_match(
    query: str, listed: str, why: str
) -> None:
    status, score, reasons = _decide(query, listed)
    assert score >= 0.7  # alike enough to show as a lead ...
    assert status == POSSIBLE and reasons.startswith("possible match: ")  # ... not a match
    assert why in reasons and SETTLE in reasons


def test_a_number_on_one_side_rules_a_company_out() -> None:
    # a vessel's hull number is not in its owner's name: YUJONG-2 is not YUJONG SHIPPING
    name_score = score_names(normalize_name("YUJONG-2"), normalize_name("YUJONG SHIPPING CO"))[0]
    assert name_score >= 0.7  # one shared word, alike enough by the name score alone
    status, score, reasons = _decide("YUJONG-2", "YUJONG SHIPPING CO LTD")
    assert status == NO_MATCH and score < 0.7
    assert reasons.startswith("not a match: the numbers differ (2 vs none)")


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Hanbit Yujong Shipping Company Limited", "HANBIT YUJONG SHIPPING CO LTD"),
        ("HANBIT YUJONG SHIPPING", "HANBIT YUJONG SHIPPING CO., LTD."),
        ("Hanbityujong Shipping", "HANBIT YUJONG SHIPPING CO LTD"),  # joined differently
        ("Ryonbong Trading", "RYONPONG TRADING CORP"),  # the same Korean word, romanised apart
        ("Office 77", "OFFICE 77"),
    ],
)
def test_the_same_company_name_is_a_match(query: str, listed: str) -> None:
    status, _, reasons = _decide(query, listed)
    assert status == MATCH and reasons.startswith("match: the same name"), reasons


def test_persons_and_vessels_keep_their_rules() -> None:
    person = Listed("Person", (), (), (), ())
    assert _decide("Igor Sechin", "SECHIN, Igor", person)[0] == MATCH
    vessel = Listed("Vessel", (), (), (), ())
    assert _decide("HANBIT YUJONG 7", "HANBIT YUJONG 7", vessel)[0] == MATCH
    assert _decide("HANBIT YUJONG 7", "HANBIT YUJONG 8", vessel)[0] == NO_MATCH


def _hits(index: ScreenIndex, name: str) -> list[dict[str, object]]:
    return screen_many_decided(index, [Query("1", name)], 10, 0.5, 0.7)[0]


def test_yujong_2_matches_the_vessel_not_its_company(index: ScreenIndex) -> None:
    hits = _hits(index, "YUJONG-2")
    assert [h["name"] for h in hits if h["match"]] == ["YU JONG 2"]
    company = [h for h in hits if h["name"] == "KOREA YUJONG SHIPPING CO LTD"]
    assert company and all(h["status"] == "no" and float(h["score"]) < 0.7 for h in company)  # type: ignore[arg-type]
    assert all("not a match: the numbers differ" in str(h["reasons"]) for h in company)
    # the company's name alone, a word of it: a lead, not a match
    (top, *_) = _hits(index, "YUJONG")
    assert top["name"] == "KOREA YUJONG SHIPPING CO LTD" and top["status"] == "possible"
    assert SETTLE in str(top["reasons"])


@pytest.mark.parametrize(
    "innocent",
    [
        "KOREA EXPRESS",
        "YUJIN",
        "KOREA SHIPPING CORPORATION",  # shares KOREA and SHIPPING with listed companies
        "KOREA LINE CORPORATION",
        "HYUNDAI MERCHANT MARINE",
        "PAN OCEAN",
        "SINOKOR MERCHANT MARINE",
        "KOREA MARINE TRANSPORT",
    ],
)
def test_real_innocent_names_do_not_match(index: ScreenIndex, innocent: str) -> None:
    assert not [h["name"] for h in _hits(index, innocent) if h["match"]]


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Korea Achim Shipping Company", "KOREA ACHIM SHIPPING CO"),
        ("OCEAN MARITIME MANAGEMENT CO LTD", "OCEAN MARITIME MANAGEMENT COMPANY LIMITED"),
        ("Korea Kumbyol Trading", "KOREA KUMBYOL TRADING COMPANY"),
        ("Yuk Tung Energy Private Limited", "YUK TUNG ENERGY PTE LTD"),
        ("CHON MYONG SHIPPING", "CHONMYONG SHIPPING CO"),
        ("Office 39", "OFFICE 39"),
    ],
)
def test_listed_companies_by_their_names_still_match(
    index: ScreenIndex, query: str, listed: str
) -> None:
    top = _hits(index, query)[0]
    assert top["name"] == listed and top["match"], top
