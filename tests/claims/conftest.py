"""Claims fixtures: the hand-written wire articles, and a store whose evidence is set in code
(a chains table plus a stand-in for the estimate stage's cap table)."""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

import pytest

from oiltrail.store import Store, open_store

ARTICLES = Path(__file__).resolve().parent / "articles"

# year: (reported, low, mid, high, chains, sts_chains)
EVIDENCE = {
    2019: (418_000, 0, 0, 0, 0, 0),
    2024: (15_279, 800_000, 1_000_000, 1_200_000, 10, 6),
    2025: (0, 900_000, 1_100_000, 1_300_000, 12, 8),
}


def _cap_rows() -> list[dict[str, Any]]:
    return [
        {
            "year": y,
            "reported_barrels": rep,
            "estimated_barrels_low": low,
            "estimated_barrels_mid": mid,
            "estimated_barrels_high": high,
            "cap_barrels": 500_000,
            "share_of_cap_mid": (rep + mid) / 500_000,
        }
        for y, (rep, low, mid, high, _, _) in EVIDENCE.items()
    ]


@pytest.fixture
def evidence_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """A store with chains per EVIDENCE and a stand-in `oiltrail.estimate.cap`."""
    fake = types.ModuleType("oiltrail.estimate.cap")
    fake.cap_table = lambda store: _cap_rows()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "oiltrail.estimate.cap", fake)
    monkeypatch.setitem(sys.modules, "oiltrail.screen.match", None)
    monkeypatch.setitem(sys.modules, "oiltrail.screen.watchlist", None)
    store = open_store(tmp_path / "evidence.duckdb")
    store.con.execute(
        """CREATE TABLE chains (chain_id VARCHAR, source_port VARCHAR, load_start TIMESTAMP,
        donor_mmsi UINTEGER, encounter_event_id VARCHAR, receiver_mmsi UINTEGER,
        destination VARCHAR, arrival TIMESTAMP, barrels_low DOUBLE, barrels_mid DOUBLE,
        barrels_high DOUBLE, confidence DOUBLE, evidence VARCHAR, details VARCHAR)"""
    )
    n = 0
    for year, (_, _, _, _, chains, sts) in EVIDENCE.items():
        for i in range(chains):
            n += 1
            encounter = f"e{n}" if i < sts else None
            store.con.execute(
                "INSERT INTO chains VALUES (?, 'Vostochny', ?, 1, ?, 2, 'Nampo', ?, "
                "80000, 100000, 120000, 0.8, '', '{}')",
                [f"c{n}", f"{year}-03-01", encounter, f"{year}-03-10"],
            )
    yield store
    store.close()


@pytest.fixture
def empty_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """A fresh store with no chains, no estimate stage and no screening module."""
    monkeypatch.setitem(sys.modules, "oiltrail.estimate.cap", None)
    monkeypatch.setitem(sys.modules, "oiltrail.screen.match", None)
    monkeypatch.setitem(sys.modules, "oiltrail.screen.watchlist", None)
    store = open_store(tmp_path / "empty.duckdb")
    yield store
    store.close()
