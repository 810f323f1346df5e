"""Direct voyages: a tanker loads at a source port and itself calls at a DPRK port."""

from __future__ import annotations

from pathlib import Path

import pytest
from trace_fixtures import NAMPO, SEA, VOSTOCHNY, add_event, draughts, h, port_visit

from oiltrail.store import open_store
from oiltrail.trace import chains as chains_module
from oiltrail.trace.chains import trace_chains

TANKER = 445_000_077


@pytest.fixture(autouse=True)
def _no_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chains_module, "flagged_by_mmsi", lambda store: ({}, "stubbed"))


def test_load_then_dprk_port_is_a_direct_chain(db_path: Path) -> None:
    with open_store(db_path) as store:
        load = port_visit(store, TANKER, VOSTOCHNY, 0, 20)
        draughts(store, TANKER, (90, 14), [(-3, 3.0), (10, 6.0), (80, 6.0), (100, 3.1)])
        arrival = port_visit(store, TANKER, NAMPO, 90, 110)
        (c,) = trace_chains(store)
    assert c["donor_mmsi"] == c["receiver_mmsi"] == TANKER
    assert c["encounter_event_id"] is None
    assert (c["source_port"], c["destination"]) == (VOSTOCHNY[0], NAMPO[0])
    assert c["details"]["kind"] == "direct"
    assert "draught fell 6.0 → 3.1" in c["details"]["links"]["transfer"]["why"]
    assert c["confidence"] == 1.0
    assert {load, arrival} <= set(c["evidence"].split(";"))
    true_bbl = 90 * 14 * 0.80 * 3.0 * 1.025 * 7.46
    assert c["barrels_low"] <= true_bbl <= c["barrels_high"]


def test_no_draught_rise_is_no_direct_chain(db_path: Path) -> None:
    with open_store(db_path) as store:
        port_visit(store, TANKER, VOSTOCHNY, 0, 20)
        draughts(store, TANKER, (90, 14), [(-3, 3.0), (10, 3.0)])
        port_visit(store, TANKER, NAMPO, 90, 110)
        assert trace_chains(store) == []


def test_meeting_on_the_way_makes_it_an_sts_chain_only(db_path: Path) -> None:
    other = 273_000_055
    with open_store(db_path) as store:
        port_visit(store, TANKER, VOSTOCHNY, 0, 20)
        draughts(store, TANKER, (90, 14), [(-3, 3.0), (10, 6.0), (52, 3.0)])
        draughts(store, other, (80, 12), [(0, 3.0), (52, 6.0)])
        add_event(store, "encounter", TANKER, h(45), h(50), other=other, lat=SEA[0], lon=SEA[1])
        port_visit(store, TANKER, NAMPO, 90, 110)
        found = trace_chains(store)
    assert [c["details"]["kind"] for c in found] == ["sts"]
