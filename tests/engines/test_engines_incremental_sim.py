"""Incremental detect on a simulated scenario ingested in two halves (issue 14).

The hand-built scenario of test_engines_local.py never had a stored event spanning a vessel's
cut-off, so the second run's UPDATE never cast a row and a parameter-binding bug
(`Could not convert string 'port_visit' to INTERVAL`) went unseen. Here the first half's events
are in the store, some of them span the split, and the second run must equal one full run.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from oiltrail.engines.local import detect
from oiltrail.simulate import simulate
from oiltrail.store import open_store
from oiltrail.store.ingest import ingest_into

COLS = 'kind, mmsi, other_mmsi, start, "end", lat, lon, port, details'


@pytest.fixture(scope="module")
def halves(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    out = tmp_path_factory.mktemp("sim4")
    simulate(out, 3, 4, 20, formats=("nmea",))
    lines = (out / "ais.nmea").read_bytes().splitlines(keepends=True)
    half = len(lines) // 2
    while b"!AIVDM,2,2," in lines[half]:  # keep a two-part message whole
        half += 1
    (out / "a.nmea").write_bytes(b"".join(lines[:half]))
    (out / "b.nmea").write_bytes(b"".join(lines[half:]))
    return out / "ais.nmea", out / "a.nmea", out / "b.nmea"


def _events(db: Path) -> list[tuple]:  # type: ignore[type-arg]
    with open_store(db, read_only=True) as store:
        return store.con.execute(f"SELECT {COLS} FROM events ORDER BY ALL").fetchall()


def _split_time(db: Path) -> datetime:
    with open_store(db, read_only=True) as store:
        row = store.con.execute("SELECT max(ts) FROM positions").fetchone()
    assert row is not None
    return row[0]


def test_two_halves_equal_one_run(tmp_path: Path, halves: tuple[Path, Path, Path]) -> None:
    whole, a, b = halves
    full_db, inc_db = tmp_path / "full.duckdb", tmp_path / "inc.duckdb"
    ingest_into(full_db, [whole], progress=False)
    with open_store(full_db) as store:
        detect(store)
    ingest_into(inc_db, [a], progress=False)
    with open_store(inc_db) as store:
        detect(store)
    split = _split_time(inc_db)
    before = _events(inc_db)
    assert before, "the first half has events in the store"
    # Events of the one full run that span the split: the case the second run must redo.
    spanning = [e for e in _events(full_db) if e[3] < split < e[4]]
    assert spanning, "the scenario must have events spanning the split"
    ingest_into(inc_db, [b], progress=False)
    with open_store(inc_db) as store:
        second = detect(store)
        assert not second.full
        # The summary counts what this run wrote, and the store's total beside it.
        assert sum(second.written.values()) == second.events_written
        assert second.events_written < sum(second.events.values())
        assert f"wrote {second.events_written:,} events" in second.summary()
        assert "the store holds" in second.summary()
    assert _events(inc_db) == _events(full_db)


def test_since_window_with_stored_events(tmp_path: Path, halves: tuple[Path, Path, Path]) -> None:
    whole, _, _ = halves
    db = tmp_path / "s.duckdb"
    ingest_into(db, [whole], progress=False)
    with open_store(db) as store:
        detect(store)
        everything = store.con.execute(f"SELECT {COLS} FROM events ORDER BY ALL").fetchall()
        day = everything[0][3].date()
        detect(store, since=str(day.replace(day=day.day + 1)))
        again = store.con.execute(f"SELECT {COLS} FROM events ORDER BY ALL").fetchall()
    assert again == everything
