"""A relay chain's relay tankers are screened like its donor and receiver (docs/chains.md): a
chain through a listed relay involves a listed ship, and a relay with a DPRK flag alone is a risk
reason, not listed. Hand-made ships in a real store, screened against the bundled watchlist."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from trace_fixtures import (
    NAMPO,
    SEA,
    VOSTOCHNY,
    add_event,
    add_position,
    draughts,
    h,
    port_visit,
)

from oiltrail.store import Store, open_store
from oiltrail.trace.chains import trace_chains, trace_summary
from oiltrail.trace.screening import DPRK_FLAG, LISTED, RISK_FROM_CONFIDENCE, standing

DONOR, FINAL = 273_000_401, 273_000_403  # neither on a list nor DPRK-flagged
LISTED_RELAY = 273_000_402  # carries JW JEWEL's listed IMO number
DPRK_RELAY = 445_000_402  # DPRK-flagged, a name and a valid IMO on no list


def _relay_chain(store: Store, relay: int) -> dict[str, Any]:
    """Vostochny load → DONOR passes to `relay` at sea → `relay` passes to FINAL → Nampo."""
    port_visit(store, DONOR, VOSTOCHNY, 0, 12)
    draughts(store, DONOR, (100, 16), [(-5, 4.0), (10, 7.0), (100, 7.0), (125, 4.1)])
    draughts(store, relay, (90, 14), [(90, 3.0), (124, 7.8), (149, 7.8), (154, 3.2)])
    draughts(store, FINAL, (80, 12), [(140, 3.0), (155, 7.5)])
    add_event(store, "encounter", DONOR, h(120), h(126), other=relay, lat=SEA[0], lon=SEA[1])
    add_event(store, "encounter", relay, h(150), h(156), other=FINAL, lat=SEA[0] + 1, lon=SEA[1])
    port_visit(store, FINAL, NAMPO, 190, 200)
    for m in (DONOR, relay, FINAL):
        add_position(store, m, h(-5), SEA[0], SEA[1])
        add_position(store, m, h(210), SEA[0], SEA[1])
    (chain,) = trace_chains(store)
    assert chain["relay_mmsi"] == str(relay) and chain["details"]["kind"] == "relay"
    return chain


def _name(store: Store, mmsi: int, name: str, imo: int | None) -> None:
    store.con.execute(
        "INSERT INTO static_reports (mmsi, ts, imo, name, ship_type) VALUES (?, ?, ?, ?, 80)",
        [mmsi, h(300), imo, name],  # after the draught reports: the latest name
    )


def test_a_chain_through_a_listed_relay_involves_a_listed_ship(db_path: Path) -> None:
    with open_store(db_path) as store:
        _name(store, LISTED_RELAY, "JW JEWEL", 9402964)
        chain = _relay_chain(store, LISTED_RELAY)
        summary = trace_summary(store, [chain])
    (hit,) = chain["details"]["screening"]["flagged"]
    assert hit["mmsi"] == LISTED_RELAY and hit["role"] == "relay"
    assert standing(hit) == LISTED
    assert "1 chain(s) involve listed ships (a list entry matches): JW JEWEL" in summary
    # the listed relay raises the chain's risk, as a listed donor or receiver would
    assert chain["details"]["risk"] > round(RISK_FROM_CONFIDENCE * chain["confidence"], 2)


def test_a_dprk_flagged_relay_is_a_risk_reason_not_listed(db_path: Path) -> None:
    with open_store(db_path) as store:
        _name(store, DPRK_RELAY, "HANJIN VENTURE 82", 9414876)
        chain = _relay_chain(store, DPRK_RELAY)
        summary = trace_summary(store, [chain])
    (hit,) = chain["details"]["screening"]["flagged"]
    assert hit["mmsi"] == DPRK_RELAY and hit["role"] == "relay"
    assert standing(hit) == DPRK_FLAG
    assert "listed ships" not in summary
    assert "involve DPRK-flagged ships (MMSI MID 445) with no list match: HANJIN VENTURE 82" in (
        summary
    )
