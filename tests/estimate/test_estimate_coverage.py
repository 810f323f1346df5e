"""A share of the yearly cap from 14 days of AIS says what it covers (issue 14)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

import oiltrail.estimate.cap as cap
from oiltrail.store import open_store


def test_partial_year_share_says_what_it_covers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chain = {
        "chain_id": "c1",
        "destination": "Nampo (Chinnampo)",
        "arrival": datetime(2026, 1, 12),
        "barrels_low": 5000.0,
        "barrels_mid": 10000.0,
        "barrels_high": 15000.0,
        "details": {},
    }
    monkeypatch.setattr(cap, "_chains", lambda store: [chain])
    t0 = datetime(2026, 1, 5)
    with open_store(tmp_path / "s.duckdb") as store:
        store.con.executemany(
            "INSERT INTO positions (mmsi, ts, lat, lon) VALUES (?, ?, 38.0, 125.0)",
            [[412000001, t0 + timedelta(hours=6 * i)] for i in range(14 * 4)],
        )
        result = cap.cap_detail(store)
    row = next(r for r in result["rows"] if r["year"] == 2026)
    assert row["estimated_barrels_mid"] == 10000 and row["share_of_cap_mid"] == 0.02
    assert result["ais_coverage"] == [
        {
            "year": 2026,
            "days_with_positions": 14,
            "days_in_year": 365,
            "first": t0,
            "last": t0 + timedelta(hours=6 * 55),
        }
    ]
    note = next(n for n in result["notes"] if n.startswith("2026:"))
    assert "only the 14 days of AIS" in note and "2026-01-05 to 2026-01-18" in note
    assert "not a yearly share" in note
