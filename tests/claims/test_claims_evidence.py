"""Verdicts with reasons from the store: volumes, chains, screening; and what is missing."""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

import pytest

from oiltrail.claims.check import check_claims
from oiltrail.claims.text import read_article
from oiltrail.store import Store

ARTICLES = Path(__file__).resolve().parent / "articles"


def _claims(name: str, store: Store | None) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = check_claims(read_article(ARTICLES / name).text, store)["claims"]
    return result


def test_negligible_is_contradicted_by_estimates_above_the_cap(evidence_store: Store) -> None:
    claims = _claims("kremlin_negligible.txt", evidence_store)
    peskov = claims[2]
    assert peskov["verdict"] == "contradicted"
    # Peskov speaks of Russian oil products: judged on chains loaded at Russian ports.
    assert peskov["reasons"][0].startswith("judged on Russia's own rows")
    assert "yet Russia supplied 2025: at least 960,000 bbl" in peskov["reasons"][0]
    assert claims[3]["verdict"] == "contradicted"  # "fully complies" while the cap was exceeded


def test_lifeline_via_sts_is_supported_by_sts_chains(evidence_store: Store) -> None:
    defector = _claims("kremlin_negligible.txt", evidence_store)[4]
    assert defector["verdict"] == "supported"
    # No period: the article's year (2026, not in the store) and the latest year (2025) only.
    assert any("8 delivery chain(s) through ship-to-ship" in r for r in defector["reasons"])


def test_more_than_a_million_barrels_last_year_is_supported(evidence_store: Store) -> None:
    state = _claims("kremlin_negligible.txt", evidence_store)[5]
    assert state["period"] == "2025" and state["verdict"] == "supported"


def test_a_year_the_store_does_not_cover_is_not_enough_evidence(evidence_store: Store) -> None:
    treasury = _claims("kcna_denial.txt", evidence_store)[3]  # March 2026
    assert treasury["verdict"] == "not enough evidence"
    assert any("no figures for 2026" in r for r in treasury["reasons"])


def test_one_supplier_is_judged_on_its_own_declared_line(evidence_store: Store) -> None:
    russia, china = _claims("committee_figures.txt", evidence_store)[:2]
    assert russia["verdict"] == "supported" and china["verdict"] == "supported"
    assert "30,180 t ≈ 225,143 bbl" in russia["reasons"][0]
    assert "reported_deliveries.csv line 13;" in russia["reasons"][0]
    assert "reported_deliveries.csv line 12;" in china["reasons"][0]


def test_no_chains_and_no_estimates_is_not_enough_evidence(empty_store: Store) -> None:
    claims = _claims("kremlin_negligible.txt", empty_store)
    assert {c["verdict"] for c in claims} == {"not enough evidence"}
    reasons = " ".join(claims[0]["reasons"])
    assert "run `oiltrail trace`" in reasons and "oiltrail.estimate.cap" in reasons


def test_screening_unavailable_degrades_per_entity(empty_store: Store) -> None:
    entities = check_claims(read_article(ARTICLES / "defector_singapore.html").text, empty_store)[
        "entities"
    ]
    vessel = next(e for e in entities if e["name"] == "YU JONG 2")
    assert vessel["screening"]["status"] == "unavailable"
    country = next(e for e in entities if e["name"] == "Singapore")
    assert country["screening"]["status"] == "not screened"


def test_screening_hits_become_reasons(
    evidence_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, str]] = []

    def screen_query(store: Store, name: str, schema: str, **_: Any) -> list[dict[str, Any]]:
        calls.append((name, schema))
        if name != "YU JONG 2":
            return []
        hit = {"entity_id": "un-yj2", "name": "YU JONG 2", "schema": "Vessel", "score": 1.0}
        return [{**hit, "match": True, "lists": ["UN 1718"], "reasons": "name"}]

    fake = types.ModuleType("oiltrail.screen.match")
    fake.screen_query = screen_query  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "oiltrail.screen.match", fake)
    result = check_claims(read_article(ARTICLES / "defector_singapore.html").text, evidence_store)
    yj2 = next(e for e in result["entities"] if e["name"] == "YU JONG 2")
    assert yj2["screening"]["status"] == "match"
    assert ("Velmur Management Pte Ltd", "Company") in calls
    tanker_claim = result["claims"][3]
    assert tanker_claim["reasons"][0].startswith("vessel YU JONG 2 named here screens as match")
