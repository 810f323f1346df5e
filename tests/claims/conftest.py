"""Claims fixtures: the hand-written wire articles, and a store whose evidence is set in code
(a chains table plus a stand-in for the estimate stage's cap table)."""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

import pytest

from oiltrail.errors import MissingDataError
from oiltrail.store import Store, open_store
from oiltrail.store.chains import CHAINS_DDL

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


def _no_lists(*args: Any, **kwargs: Any) -> None:
    raise MissingDataError("no lists loaded")


def stub_screening(monkeypatch: pytest.MonkeyPatch) -> None:
    """Screening that finds no lists: each entity is marked unavailable, with the reason."""
    for name, func in (("match", "screen_query"), ("watchlist", "ensure_lists")):
        fake = types.ModuleType(f"oiltrail.screen.{name}")
        setattr(fake, func, _no_lists)
        monkeypatch.setitem(sys.modules, f"oiltrail.screen.{name}", fake)


@pytest.fixture
def no_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    stub_screening(monkeypatch)


@pytest.fixture
def evidence_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """A store with chains per EVIDENCE and a stand-in `oiltrail.estimate.cap`."""
    fake = types.ModuleType("oiltrail.estimate.cap")
    fake.cap_table = lambda store: _cap_rows()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "oiltrail.estimate.cap", fake)
    stub_screening(monkeypatch)
    store = open_store(tmp_path / "evidence.duckdb")
    store.ensure(CHAINS_DDL)  # the trace stage's own table
    n = 0
    for year, (_, _, _, _, chains, sts) in EVIDENCE.items():
        for i in range(chains):
            n += 1
            encounter = f"e{n}" if i < sts else None
            store.con.execute(
                "INSERT INTO chains VALUES (?, 'Vostochny', ?, 1, ?, 2, 'Nampo', ?, "
                "80000, 100000, 120000, 0.8, '', '{}', NULL)",
                [f"c{n}", f"{year}-03-01", encounter, f"{year}-03-10"],
            )
    yield store
    store.close()


@pytest.fixture
def empty_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """A fresh store with no chains, an empty cap table and no lists."""
    fake = types.ModuleType("oiltrail.estimate.cap")
    fake.cap_table = lambda store: []  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "oiltrail.estimate.cap", fake)
    stub_screening(monkeypatch)
    store = open_store(tmp_path / "empty.duckdb")
    yield store
    store.close()
