"""Chains through dark activity: a dark rendezvous whose draughts moved opposite ways is a
transfer; a receiver gap with a feasible DPRK port is a possible dark port call; tankers only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from trace_fixtures import NAMPO, SEA, VOSTOCHNY, add_event, add_position, draughts, h, port_visit

from oiltrail.store import open_store
from oiltrail.store.catalog import Store
from oiltrail.trace import chains as chains_module
from oiltrail.trace.chains import trace_chains
from oiltrail.trace.model import TraceParams

DONOR, RECEIVER = 273_000_001, 445_000_001


@pytest.fixture(autouse=True)
def _no_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chains_module, "flagged_by_mmsi", lambda store: ({}, "stubbed"))


def _side(mmsi: int, before: float | None, after: float | None) -> dict[str, Any]:
    return {"mmsi": mmsi, "gap_event_id": f"gap-{mmsi}", "draught_before_m": before,
            "draught_after_m": after}  # fmt: skip


def _dark_chain(
    store: Store,
    donor_draughts: tuple[float, float] = (7.0, 4.1),
    receiver_draughts: tuple[float, float] = (3.0, 7.8),
    types: dict[str, str] | None = None,
    port_call: bool = True,
    gap_extra: dict[str, Any] | None = None,
) -> dict[str, str]:
    ids = {"load": port_visit(store, DONOR, VOSTOCHNY, 0, 12)}
    draughts(store, DONOR, (100, 16), [(-5, 4.0), (10, 7.0)])
    draughts(store, RECEIVER, (80, 12), [(90, 3.0)])
    sides = [_side(DONOR, *donor_draughts), _side(RECEIVER, *receiver_draughts)]
    ids["rendezvous"] = add_event(
        store, "dark_rendezvous", DONOR, h(120), h(130), other=RECEIVER, lat=SEA[0], lon=SEA[1],
        details={"subtype": "both_ends", "vessels": sides,
                 "ship_types": types or {str(DONOR): "tanker", str(RECEIVER): "unknown"}},
    )  # fmt: skip
    calls = [
        {"port": NAMPO[0], "role": "destination", "window_start": "2026-01-11T10:00:00Z",
         "window_end": "2026-01-12T02:00:00Z", "slack_h": 16.0},
        {"port": "Dalian", "role": "other", "slack_h": 2.0},
    ] if port_call else [{"port": "Dalian", "role": "other", "slack_h": 2.0}]  # fmt: skip
    ids["gap"] = add_event(
        store, "gap", RECEIVER, h(140), h(170), lat=SEA[0], lon=SEA[1],
        details={"start_lat": SEA[0], "start_lon": SEA[1], "end_lat": SEA[0], "end_lon": SEA[1],
                 "feasible_ports": calls, "speed_knots": 11.0,
                 "speed_origin": "highest speed reported in the 24 h before",
                 **(gap_extra or {})},
    )  # fmt: skip
    for m, t in ((DONOR, -5), (DONOR, 200), (RECEIVER, 90), (RECEIVER, 200)):
        add_position(store, m, h(t), SEA[0], SEA[1])
    return ids


def test_dark_rendezvous_then_a_feasible_call_at_nampo_is_a_chain(db_path: Path) -> None:
    with open_store(db_path) as store:
        ids = _dark_chain(store)
        (c,) = trace_chains(store)
    assert (c["donor_mmsi"], c["receiver_mmsi"]) == (DONOR, RECEIVER)
    assert c["encounter_event_id"] == ids["rendezvous"]
    assert c["source_port"] == VOSTOCHNY[0] and c["destination"] == "dark near DPRK"
    assert c["arrival"] == h(140)
    links = c["details"]["links"]
    p = TraceParams()
    assert links["transfer"]["score"] == p.score_dark_transfer
    assert "dark together 10.0 h" in links["transfer"]["why"]
    assert links["delivery"]["score"] == p.score_dark_port_call
    assert links["delivery"]["why"].startswith(f"possible dark port call at {NAMPO[0]}")
    assert links["delivery"]["slack_h"] == 16.0
    assert c["details"]["kind"] == "dark_sts"
    assert {ids["rendezvous"], ids["gap"], ids["load"]} <= set(c["evidence"].split(";"))
    expected = p.weight_load + p.weight_transfer * 0.6 + p.weight_delivery * 0.5
    assert c["confidence"] == round(expected, 2)


def test_draughts_moving_the_same_way_or_not_at_all_are_no_transfer(db_path: Path) -> None:
    with open_store(db_path) as store:
        _dark_chain(store, donor_draughts=(4.0, 7.0), receiver_draughts=(3.0, 7.8))
        assert trace_chains(store) == []
    with open_store(db_path.with_name("b.duckdb")) as store:
        _dark_chain(store, donor_draughts=(7.0, 7.0))
        assert trace_chains(store) == []


def test_a_gap_with_no_dprk_port_in_reach_is_no_delivery(db_path: Path) -> None:
    with open_store(db_path) as store:
        _dark_chain(store, port_call=False)
        (c,) = trace_chains(store)
    assert c["destination"] is None and "delivery" in c["details"]["missing"]


def test_a_gap_across_a_hole_in_the_archive_is_no_dark_delivery(db_path: Path) -> None:
    with open_store(db_path) as store:
        _dark_chain(store, gap_extra={"store_silent_h": 25.0, "data_hole": True})
        (c,) = trace_chains(store)
    assert c["destination"] is None and "delivery" in c["details"]["missing"]


def test_chains_keep_to_tankers_by_default(db_path: Path) -> None:
    types = {str(DONOR): "tanker", str(RECEIVER): "fishing"}
    with open_store(db_path) as store:
        _dark_chain(store, types=types)
        assert trace_chains(store) == []
        assert len(trace_chains(store, TraceParams(ship_types=()))) == 1


RELAY, FINAL = 445_000_002, 445_000_003


def test_a_relay_chain_names_donor_relay_and_receiver(db_path: Path) -> None:
    with open_store(db_path) as store:
        load = port_visit(store, DONOR, VOSTOCHNY, 0, 12)
        draughts(store, DONOR, (100, 16), [(-5, 4.0), (10, 7.0), (100, 7.0), (125, 4.1)])
        draughts(store, RELAY, (90, 14), [(90, 3.0), (124, 7.8), (149, 7.8), (154, 3.2)])
        draughts(store, FINAL, (80, 12), [(140, 3.0), (155, 7.5)])
        first = add_event(store, "encounter", DONOR, h(120), h(126), other=RELAY,
                          lat=SEA[0], lon=SEA[1])  # fmt: skip
        second = add_event(store, "encounter", RELAY, h(150), h(156), other=FINAL,
                           lat=SEA[0] + 1, lon=SEA[1])  # fmt: skip
        arrival = port_visit(store, FINAL, NAMPO, 190, 200)
        for m in (DONOR, RELAY, FINAL):
            add_position(store, m, h(-5), SEA[0], SEA[1])
            add_position(store, m, h(210), SEA[0], SEA[1])
        (c,) = trace_chains(store)
    assert (c["donor_mmsi"], c["relay_mmsi"], c["receiver_mmsi"]) == (DONOR, str(RELAY), FINAL)
    assert c["source_port"] == VOSTOCHNY[0] and c["destination"] == NAMPO[0]
    assert c["encounter_event_id"] == second  # the transfer to the receiver
    assert {load, first, second, arrival} <= set(c["evidence"].split(";"))
    links = c["details"]["links"]
    assert [t["score"] for t in links["transfers"]] == [1.0, 1.0]
    assert links["transfers"][0]["receiver"]["delta_m"] == 4.8  # the relay loaded at sea
    assert links["transfers"][1]["donor"]["delta_m"] == -4.6  # and passed it on
    assert c["confidence"] == 1.0 and c["details"]["kind"] == "relay"
