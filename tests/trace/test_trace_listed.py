"""A chain's ship is called listed only when a list entry matches it (docs/screening.md): a DPRK
flag (MMSI MID 445) or a name alike alone is a risk reason, said as such. Hand-made ships in a
real store, screened against the bundled watchlist."""

from __future__ import annotations

from pathlib import Path

from trace_fixtures import full_chain, h

from oiltrail.store import Store, open_store
from oiltrail.trace.chains import trace_chains, trace_summary
from oiltrail.trace.screening import DPRK_FLAG, LISTED, OTHER, POSSIBLE, standing

LISTED_DONOR = 273_000_101  # carries JW JEWEL's listed IMO number
DPRK_ONLY = 445_000_101  # a made-up name on no list, DPRK-flagged
DPRK_POSSIBLE = 445_000_102  # PATRIOT: a listed name of one common word, flag not the listed one


def _name(store: Store, mmsi: int, name: str, imo: int | None) -> None:
    store.con.execute(
        "INSERT INTO static_reports (mmsi, ts, imo, name, ship_type) VALUES (?, ?, ?, ?, 80)",
        [mmsi, h(300), imo, name],  # after the fixtures' reports: the latest name
    )


def _segment(summary: str, label: str) -> str:
    """The summary's part that starts with `label`, up to the next group."""
    assert label in summary, summary
    return summary.split(label, 1)[1].split(" chain(s) involve ", 1)[0]


def test_only_a_list_match_is_called_listed(db_path: Path) -> None:
    with open_store(db_path) as store:
        full_chain(store, LISTED_DONOR, 273_000_201)
        full_chain(store, 273_000_102, DPRK_ONLY)
        full_chain(store, 273_000_103, DPRK_POSSIBLE)
        _name(store, LISTED_DONOR, "JW JEWEL", 9402964)
        _name(store, DPRK_ONLY, "HANJIN VENTURE 82", 9414876)  # valid IMO, on no list
        _name(store, DPRK_POSSIBLE, "PATRIOT", None)
        rows = trace_chains(store)
        summary = trace_summary(store, rows)
    assert len(rows) == 3
    listed = _segment(summary, "involve listed ships (a list entry matches): ")
    assert listed.startswith("JW JEWEL")
    assert "HANJIN" not in listed and "PATRIOT" not in listed
    dprk = _segment(summary, "involve DPRK-flagged ships (MMSI MID 445) with no list match: ")
    assert dprk.startswith("HANJIN VENTURE 82")
    possible = _segment(summary, "involve possible list matches, not listed until settled: ")
    assert possible.startswith("PATRIOT (DPRK-flagged; would settle it: an IMO number or MMSI")
    assert "1 match a list entry, 2 on risk reasons only" in summary
    by_mmsi = {h["mmsi"]: h for r in rows for h in r["details"]["screening"]["flagged"]}
    assert standing(by_mmsi[LISTED_DONOR]) == LISTED
    assert standing(by_mmsi[DPRK_ONLY]) == DPRK_FLAG
    assert standing(by_mmsi[DPRK_POSSIBLE]) == POSSIBLE


def test_standing_without_a_status_reads_the_first_reason() -> None:
    """Hits kept before the status was (a stored chain's details): the first reason decides."""
    assert standing({"mmsi": 273000001, "reasons": "match: IMO number matches"}) == LISTED
    hit = {"mmsi": 445000001, "reasons": "possible match: x; MMSI MID 445: DPRK flag"}
    assert standing(hit) == POSSIBLE
    assert standing({"mmsi": 445000001, "reasons": "MMSI MID 445: DPRK flag"}) == DPRK_FLAG
    assert standing({"mmsi": 273000001, "score": 1.0, "risk": 1.0}) == OTHER
