"""Chains from hand-built events in a real DuckDB store."""

from __future__ import annotations

from pathlib import Path

import pytest
from trace_fixtures import (
    NAMPO,
    SEA,
    VOSTOCHNY,
    add_event,
    add_position,
    draughts,
    full_chain,
    h,
    port_visit,
)

from oiltrail.errors import MissingDataError
from oiltrail.graph import fleet
from oiltrail.store import open_store
from oiltrail.store.chains import CHAIN_COLUMNS, read_chains
from oiltrail.trace import chains as chains_module
from oiltrail.trace import screening
from oiltrail.trace.chains import trace_chains

DONOR, RECEIVER = 273_000_001, 445_000_001


@pytest.fixture(autouse=True)
def _no_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    """Link logic alone: screening (tested below with a stub) would load the watchlist each time."""
    monkeypatch.setattr(chains_module, "flagged_by_mmsi", lambda store: ({}, "stubbed"))


def test_full_chain_links_load_transfer_and_arrival(db_path: Path) -> None:
    with open_store(db_path) as store:
        ids = full_chain(store, DONOR, RECEIVER)
        chains = trace_chains(store)
    assert len(chains) == 1
    c = chains[0]
    assert list(c)[: len(CHAIN_COLUMNS)] == list(CHAIN_COLUMNS)
    assert c["source_port"] == VOSTOCHNY[0]
    assert c["donor_mmsi"] == DONOR and c["receiver_mmsi"] == RECEIVER
    assert c["destination"] == NAMPO[0]
    assert c["arrival"] == h(170) and c["load_start"] == h(0)
    assert c["encounter_event_id"] == ids["encounter"]
    assert c["confidence"] == 1.0
    assert set(c["evidence"].split(";")) >= set(ids.values())
    assert c["barrels_low"] <= c["barrels_mid"] <= c["barrels_high"]
    links = c["details"]["links"]
    assert "rose 4.0 → 7.0" in links["load"]["why"]
    assert links["transfer"]["donor"]["delta_m"] == -2.9
    assert links["transfer"]["receiver"]["delta_m"] == 4.8
    assert "Nampo" in links["delivery"]["why"]
    assert c["details"]["missing"] == []


def test_volume_matches_hull_formula(db_path: Path) -> None:
    with open_store(db_path) as store:
        full_chain(store, DONOR, RECEIVER)
        c = trace_chains(store)[0]
    true_tonnes = 100 * 16 * 0.80 * 2.9 * 1.025  # donor side, Cw 0.80
    assert c["barrels_low"] < true_tonnes * 7.46 < c["barrels_high"]
    assert abs(c["barrels_mid"] / (true_tonnes * 7.46) - 1) < 0.1


def test_roles_follow_the_draught_not_the_mmsi_order(db_path: Path) -> None:
    donor, receiver = 445_000_009, 273_000_002  # donor has the higher MMSI
    with open_store(db_path) as store:
        full_chain(store, donor, receiver)
        c = trace_chains(store)[0]
    assert (c["donor_mmsi"], c["receiver_mmsi"]) == (donor, receiver)


def test_transfer_alone_is_a_partial_chain(db_path: Path) -> None:
    with open_store(db_path) as store:
        draughts(store, DONOR, (100, 16), [(0, 7.0), (30, 4.0)])
        draughts(store, RECEIVER, (80, 12), [(0, 3.0), (30, 7.0)])
        add_event(store, "encounter", DONOR, h(20), h(26), other=RECEIVER, lat=SEA[0], lon=SEA[1])
        chains = trace_chains(store)
    assert len(chains) == 1
    c = chains[0]
    assert c["source_port"] is None and c["destination"] is None
    assert c["confidence"] == 0.4
    assert c["details"]["missing"] == ["load", "delivery"]
    assert c["barrels_mid"] > 0


def test_encounter_without_any_link_is_not_a_chain(db_path: Path) -> None:
    with open_store(db_path) as store:
        draughts(store, DONOR, (100, 16), [(0, 7.0), (30, 7.0)])
        draughts(store, RECEIVER, (80, 12), [(0, 3.0), (30, 3.0)])
        add_event(store, "encounter", DONOR, h(20), h(26), other=RECEIVER, lat=SEA[0], lon=SEA[1])
        assert trace_chains(store) == []


def test_both_ships_loading_is_not_a_transfer(db_path: Path) -> None:
    with open_store(db_path) as store:
        draughts(store, DONOR, (100, 16), [(0, 4.0), (30, 7.0)])
        draughts(store, RECEIVER, (80, 12), [(0, 3.0), (30, 7.0)])
        add_event(store, "encounter", DONOR, h(20), h(26), other=RECEIVER, lat=SEA[0], lon=SEA[1])
        assert trace_chains(store) == []


def test_gap_ending_near_dprk_is_dark_delivery(db_path: Path) -> None:
    with open_store(db_path) as store:
        draughts(store, DONOR, (100, 16), [(0, 7.0), (30, 4.0)])
        draughts(store, RECEIVER, (80, 12), [(0, 3.0), (30, 7.0)])
        add_event(store, "encounter", DONOR, h(20), h(26), other=RECEIVER, lat=SEA[0], lon=SEA[1])
        add_position(store, RECEIVER, h(40), 36.0, 124.5)
        add_position(store, RECEIVER, h(70), 38.5, 125.0)  # ~40 km from Nampo
        gap = add_event(store, "gap", RECEIVER, h(40), h(70), lat=37.2, lon=124.7)
        c = trace_chains(store)[0]
    assert c["destination"] == "dark near DPRK"
    assert c["arrival"] == h(70)
    assert gap in c["evidence"]
    assert c["details"]["links"]["delivery"]["distance_km"] <= 60
    assert c["confidence"] == 0.4 + 0.3 * 0.7


def test_gap_far_from_dprk_is_not_a_delivery(db_path: Path) -> None:
    with open_store(db_path) as store:
        draughts(store, DONOR, (100, 16), [(0, 7.0), (30, 4.0)])
        draughts(store, RECEIVER, (80, 12), [(0, 3.0), (30, 7.0)])
        add_event(store, "encounter", DONOR, h(20), h(26), other=RECEIVER, lat=SEA[0], lon=SEA[1])
        add_position(store, RECEIVER, h(40), 31.0, 124.5)
        add_position(store, RECEIVER, h(70), 30.0, 124.0)
        add_event(store, "gap", RECEIVER, h(40), h(70), lat=30.5, lon=124.2)
        c = trace_chains(store)[0]
    assert c["destination"] is None


def test_roles_from_port_history_when_no_draught(db_path: Path) -> None:
    with open_store(db_path) as store:
        port_visit(store, DONOR, VOSTOCHNY, 0, 12)
        add_event(store, "encounter", DONOR, h(100), h(106), other=RECEIVER, lat=SEA[0], lon=SEA[1])
        port_visit(store, RECEIVER, NAMPO, 150, 160)
        c = trace_chains(store)[0]
    assert (c["donor_mmsi"], c["receiver_mmsi"]) == (DONOR, RECEIVER)
    assert c["barrels_mid"] is None
    assert "no hull dimensions" in c["details"]["volume"]["basis"]
    assert c["confidence"] < 1.0


def test_two_chains_stored_and_rerun_is_identical(db_path: Path) -> None:
    with open_store(db_path) as store:
        full_chain(store, DONOR, RECEIVER)
        full_chain(store, 273_000_003, 445_000_003, shift_h=400)
        first = trace_chains(store)
        second = trace_chains(store)
        stored = read_chains(store)
    assert len(first) == 2
    assert [c["chain_id"] for c in first] == [c["chain_id"] for c in second]
    assert stored is not None
    assert [c["chain_id"] for c in stored] == [c["chain_id"] for c in first]
    assert stored[0]["barrels_mid"] == first[0]["barrels_mid"]


def test_empty_store_gives_no_chains(db_path: Path) -> None:
    with open_store(db_path) as store:
        assert trace_chains(store) == []
        assert read_chains(store) == []


def test_screening_that_fails_is_noted(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_lists(store: object) -> None:
        raise MissingDataError("no lists loaded")

    monkeypatch.setattr(chains_module, "flagged_by_mmsi", screening.flagged_by_mmsi)
    monkeypatch.setattr(fleet, "flagged_vessels", no_lists)
    with open_store(db_path) as store:
        full_chain(store, DONOR, RECEIVER)
        c = trace_chains(store)[0]
    found = c["details"]["screening"]
    assert found["flagged"] == []
    assert found["note"] == "screening skipped: no lists loaded"
    assert c["details"]["risk"] == 0.6


def test_listed_ship_raises_risk_and_is_shown(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hit = {"mmsi": RECEIVER, "name": "YU JONG 2", "lists": "us_ofac_sdn", "score": 1.0, "risk": 1.0}
    monkeypatch.setattr(chains_module, "flagged_by_mmsi", screening.flagged_by_mmsi)
    monkeypatch.setattr(fleet, "flagged_vessels", lambda store: [hit])
    with open_store(db_path) as store:
        full_chain(store, DONOR, RECEIVER)
        c = trace_chains(store)[0]
    assert c["details"]["screening"]["flagged"][0]["name"] == "YU JONG 2"
    assert c["details"]["risk"] == 0.8


def test_gap_end_point_from_details_wins(db_path: Path) -> None:
    with open_store(db_path) as store:
        draughts(store, DONOR, (100, 16), [(0, 7.0), (30, 4.0)])
        draughts(store, RECEIVER, (80, 12), [(0, 3.0), (30, 7.0)])
        add_event(store, "encounter", DONOR, h(20), h(26), other=RECEIVER, lat=SEA[0], lon=SEA[1])
        details = {"start_lat": 36.0, "start_lon": 124.5, "end_lat": 38.6, "end_lon": 125.1}
        add_event(store, "gap", RECEIVER, h(40), h(70), lat=30.0, lon=120.0, details=details)
        c = trace_chains(store)[0]
    assert c["destination"] == "dark near DPRK"


def test_wpi_port_in_north_korea_counts_as_dprk_arrival(db_path: Path) -> None:
    with open_store(db_path) as store:
        draughts(store, DONOR, (100, 16), [(0, 7.0), (30, 4.0)])
        draughts(store, RECEIVER, (80, 12), [(0, 3.0), (30, 7.0)])
        add_event(store, "encounter", DONOR, h(20), h(26), other=RECEIVER, lat=SEA[0], lon=SEA[1])
        port_visit(store, RECEIVER, ("Ch'Aho", 40.2, 128.65), 60, 70)  # WPI row, country PRK
        c = trace_chains(store)[0]
    assert c["destination"] == "Ch'Aho"


def test_absurd_hull_dimensions_give_no_volume(db_path: Path) -> None:
    with open_store(db_path) as store:
        draughts(store, DONOR, (1022, 126), [(0, 7.0), (30, 4.0)])  # AIS "unknown" extremes
        draughts(store, RECEIVER, (0, 0), [(0, 3.0), (30, 7.0)])
        add_event(store, "encounter", DONOR, h(20), h(26), other=RECEIVER, lat=SEA[0], lon=SEA[1])
        c = trace_chains(store)[0]
    assert c["barrels_mid"] is None
    assert "no hull dimensions" in c["details"]["volume"]["basis"]
