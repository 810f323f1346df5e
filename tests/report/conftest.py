"""Report fixtures: a demo-like store built in code (real DuckDB: positions, static reports,
events, manifest, the chains table as trace writes it) and fake modules standing in for the
stages other engineers own (cap table, flagged vessels, claims), installed in sys.modules so the
report's lazy imports find them exactly as they would find the real ones."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from report_fixture_data import CAP_ROWS, CLAIMS, FLAGGED, build_store, fake_module

from oiltrail.store import Store


@pytest.fixture
def fake_stages(monkeypatch: pytest.MonkeyPatch) -> None:
    """The other engineers' stages as small fakes with the contract's shapes."""
    monkeypatch.setitem(
        sys.modules,
        "oiltrail.estimate.cap",
        fake_module("oiltrail.estimate.cap", cap_table=lambda store: CAP_ROWS),
    )
    monkeypatch.setitem(
        sys.modules,
        "oiltrail.graph.fleet",
        fake_module("oiltrail.graph.fleet", flagged_vessels=lambda store: FLAGGED),
    )
    monkeypatch.setitem(
        sys.modules,
        "oiltrail.claims.check",
        fake_module("oiltrail.claims.check", check_claims=lambda text, store: CLAIMS),
    )


@pytest.fixture
def demo_store(tmp_path: Path) -> Iterator[Store]:
    store = build_store(tmp_path / "demo.duckdb")
    yield store
    store.close()


@pytest.fixture
def article(tmp_path: Path) -> Path:
    p = tmp_path / "wire.txt"
    p.write_text("SEOUL (Wire) — Deliveries were negligible, a spokesperson said.\n")
    return p
