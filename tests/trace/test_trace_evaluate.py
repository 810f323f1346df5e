"""Scoring found chains against truth: roles, relays and transfer overlap decide a match."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from oiltrail.errors import InputFormatError
from oiltrail.store.chains import CHAIN_COLUMNS
from oiltrail.trace.evaluate import read_truth, score_chains

T = datetime(2026, 1, 10, 12)


def _found(cid: str, donor: int, receiver: int, start: str, mid: float) -> dict[str, Any]:
    return {
        "chain_id": cid,
        "donor_mmsi": donor,
        "receiver_mmsi": receiver,
        "encounter_event_id": "x",
        "barrels_low": mid * 0.9,
        "barrels_mid": mid,
        "barrels_high": mid * 1.1,
        "details": {"encounter_start": start, "encounter_end": "2026-01-10T16:00:00"},
    }


def test_match_needs_roles_and_overlap() -> None:
    truth = [
        {
            "chain_id": "t1",
            "donor_mmsi": "1",
            "receiver_mmsi": "2",
            "encounter_event_id": "e1",
            "barrels_mid": "1000",
            "cargo_barrels": "1000",
            "load_start": "a",
        },
    ]
    spans = {"e1": (T, datetime(2026, 1, 10, 15))}
    good = _found("f1", 1, 2, "2026-01-10T12:30:00", 1050)
    swapped = _found("f2", 2, 1, "2026-01-10T12:30:00", 1000)
    s = score_chains([swapped, good], truth, spans)
    assert (s.matched, s.recall, s.precision) == (1, 1.0, 0.5)
    assert s.pairs == [("t1", "f1")] and s.extra == ["f2"]
    assert abs(s.errors[0] - 0.05) < 1e-9 and s.inside == [True]


def test_no_truth_no_found_is_perfect() -> None:
    s = score_chains([], [], {})
    assert (s.recall, s.precision, s.median_abs_error) == (1.0, 1.0, None)


def _true(cid: str, relay: str | None, event: str = "e1") -> dict[str, Any]:
    row = {"chain_id": cid, "donor_mmsi": "1", "receiver_mmsi": "2", "encounter_event_id": event,
           "barrels_mid": "1000", "cargo_barrels": "1000", "load_start": cid}  # fmt: skip
    if relay is not None:
        row["relay_mmsi"] = relay
    return row


def test_relays_must_agree_in_order_and_none_matches_none() -> None:
    spans = {"e1": (T, datetime(2026, 1, 10, 15))}
    relayed = {**_found("f1", 1, 2, "2026-01-10T12:30:00", 1000), "relay_mmsi": "7;8"}
    direct = {**_found("f2", 1, 2, "2026-01-10T12:30:00", 1000), "relay_mmsi": ""}
    assert score_chains([relayed], [_true("t", "7;8")], spans).matched == 1
    assert score_chains([relayed], [_true("t", "8;7")], spans).matched == 0
    assert score_chains([relayed], [_true("t", "")], spans).matched == 0
    assert score_chains([direct], [_true("t", "7")], spans).matched == 0
    assert score_chains([direct], [_true("t", None)], spans).matched == 1  # no column: no relay


def test_a_dark_transfer_matches_by_the_dark_rendezvous_span(tmp_path: Path) -> None:
    (tmp_path / "truth_chains.csv").write_text(
        "chain_id,donor_mmsi,receiver_mmsi,encounter_event_id,barrels_mid,load_start,relay_mmsi\n"
        "t,1,2,r1,1000,a,\n"
    )
    (tmp_path / "truth_events.csv").write_text(
        "event_id,kind,mmsi,other_mmsi,start,end\n"
        "r1,dark_rendezvous,1,2,2026-01-10T12:00:00Z,2026-01-10T18:00:00Z\n"
        "g1,gap,1,,2026-01-10T11:00:00Z,2026-01-11T03:00:00Z\n"
    )
    truth, spans = read_truth(tmp_path)
    assert set(spans) == {"r1"}
    found = _found("f", 1, 2, "2026-01-10T13:00:00", 1000)  # another event id, same span
    assert score_chains([found], truth, spans).matched == 1


def test_a_csv_export_is_refused_not_scored_low() -> None:
    """A `trace --format csv` row has no details, so no transfer span: refused with what it
    needs, where it used to match only when the encounter ids happened to agree."""
    spans = {"e1": (T, datetime(2026, 1, 10, 15))}
    found = _found("f", 1, 2, "2026-01-10T12:30:00", 1000)  # matches by its span (tested above)
    row = {c: str(found.get(c, "")) for c in CHAIN_COLUMNS}  # as csv.DictReader gives it
    with pytest.raises(InputFormatError, match=r"has no details.*detail JSON, not a CSV export"):
        score_chains([row], [_true("t", "")], spans)
