"""Scoring found chains against truth: roles and encounter overlap decide a match."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from oiltrail.trace.evaluate import score_chains

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
