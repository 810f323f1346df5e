"""Fixture strategy: small data built in code, or copied from shared/data/real with attribution
(tests/data/README.md). Tests that read ../shared directly skip when it is absent. Every store is
a real DuckDB file in a tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_REAL = ROOT.parent / "shared" / "data" / "real"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def shared_real() -> Path:
    """The shared real-data folder, or skip: a clone outside this workplace has none."""
    if not SHARED_REAL.is_dir():
        pytest.skip(f"{SHARED_REAL} is absent (only in the oiltrail workplace)")
    return SHARED_REAL


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "store.duckdb"


@pytest.fixture
def screen_fixtures() -> Path:
    """The MIT name-pair fixtures (nomenklatura, yente) and list excerpts copied into the
    repository (tests/data/README.md): screening's quality tests run in a plain clone."""
    return DATA / "screen"


@pytest.fixture(scope="session")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A simulated store with positions, events and the bundled lists, made once per session:
    copy it before changing it."""
    from oiltrail.engines.local import detect
    from oiltrail.screen.watchlist import ensure_lists
    from oiltrail.simulate import simulate
    from oiltrail.store import open_store
    from oiltrail.store.ingest import ingest_into

    folder = tmp_path_factory.mktemp("small")
    simulate(folder, 5, 2, 6, formats=("nmea",))
    db = folder / "s.duckdb"
    ingest_into(db, [folder / "ais.nmea"], progress=False)
    with open_store(db) as store:
        detect(store)
        ensure_lists(store)
    return db
