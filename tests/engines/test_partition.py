"""Detect a vessel bucket at a time (engines/partition.py) finds exactly the events of one
in-memory run: on the hand-built boundary scenario, on a simulated store, incrementally, and
with events whose vessels or days lie in different partitions. When a partition cannot fit in
memory, detect stops with one line naming the setting."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest
from engines_scenario import BOUNDARY, insert, scenario
from typer.testing import CliRunner

from oiltrail.cli import app
from oiltrail.engines import partition
from oiltrail.engines.local import detect
from oiltrail.errors import EXIT_USAGE
from oiltrail.settings import get_settings
from oiltrail.simulate import simulate
from oiltrail.store import open_store
from oiltrail.store.ingest import ingest_into

COLS = 'event_id, kind, mmsi, other_mmsi, start, "end", lat, lon, port, details'


def stored(db: Path) -> list[tuple]:  # type: ignore[type-arg]
    with open_store(db, read_only=True) as store:
        return store.con.execute(f"SELECT {COLS} FROM events ORDER BY event_id").fetchall()


def _rows(monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    monkeypatch.setattr(get_settings(), "detect_partition_rows", n)


def _ranges(db: Path, limit: int) -> list[tuple[int, int, int]]:
    """The buckets a full run at `limit` uses."""
    with open_store(db, read_only=True) as store:
        store.con.execute(
            "CREATE TEMP TABLE _cut AS SELECT DISTINCT mmsi, ts AS t, ts AS r FROM positions"
        )
        store.con.execute("UPDATE _cut SET t = TIMESTAMP '1900-01-01', r = TIMESTAMP '1900-01-01'")
        plan = partition.Plan(("gap",), None)
        return partition.vessel_buckets(store, plan, limit).ranges


def _bucket_of(ranges: list[tuple[int, int, int]], mmsi: int) -> int:
    return next(i for i, (lo, hi, _) in enumerate(ranges) if lo <= mmsi <= hi)


def test_cut_ranges_never_split_a_vessel() -> None:
    import numpy as np

    mmsi = np.array([1, 2, 3, 4, 5])
    counts = np.array([3, 3, 9, 1, 1])
    assert partition.cut_ranges(mmsi, counts, 6) == [(1, 2, 6), (3, 3, 9), (4, 5, 2)]
    assert partition.cut_ranges(mmsi, counts, 100) == [(1, 5, 17)]


def test_boundary_scenario_partitioned_equals_one_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, parts = tmp_path / "one.duckdb", tmp_path / "parts.duckdb"
    for db in (one, parts):
        with open_store(db) as store:
            insert(store, scenario())
    _rows(monkeypatch, 0)
    with open_store(one) as store:
        detect(store)
    limit = 1500  # a few vessels per bucket
    ranges = _ranges(parts, limit)
    assert len(ranges) > 5
    _rows(monkeypatch, limit)
    with open_store(parts) as store:
        report = detect(store)
    events = stored(parts)
    assert events == stored(one) and report.positions_read == scenario().num_rows
    # the encounter across the day-7/8 boundary joins vessels of two different buckets
    enc = [r for r in events if r[1] == "encounter" and r[4] < BOUNDARY < r[5]]
    assert enc and any(_bucket_of(ranges, r[2]) != _bucket_of(ranges, r[3]) for r in enc)


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    out = tmp_path_factory.mktemp("simp")
    simulate(out, 3, 8, 10, formats=("nmea",))
    lines = (out / "ais.nmea").read_bytes().splitlines(keepends=True)
    half = len(lines) * 3 // 4
    while b"!AIVDM,2,2," in lines[half]:  # keep a two-part message whole
        half += 1
    (out / "a.nmea").write_bytes(b"".join(lines[:half]))
    (out / "b.nmea").write_bytes(b"".join(lines[half:]))
    return out / "ais.nmea", out / "a.nmea", out / "b.nmea"


def test_simulated_store_partitioned_equals_one_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sim: tuple[Path, Path, Path]
) -> None:
    whole, a, b = sim
    one, parts, inc = (tmp_path / f"{n}.duckdb" for n in ("one", "parts", "inc"))
    for db in (one, parts):
        ingest_into(db, [whole], progress=False)
    _rows(monkeypatch, 0)
    with open_store(one) as store:
        detect(store)
    expected = stored(one)
    kinds = {r[1] for r in expected}
    assert {"encounter", "port_visit"} <= kinds
    assert any(r[4].date() != r[5].date() for r in expected)  # an event across midnight
    _rows(monkeypatch, 4000)
    assert len(_ranges(parts, 4000)) > 5
    # and the pair kernel a few pair buckets at a time
    batches: list[int] = []
    whole_batches = partition.PairSpill.batches

    def counted(spill: partition.PairSpill) -> Iterator[pa.Table]:
        for adjacency in whole_batches(spill):
            batches.append(adjacency.num_rows)
            yield adjacency

    monkeypatch.setattr(partition, "PAIR_BATCH_ROWS", 40)
    monkeypatch.setattr(partition, "SPILL_ROWS", 25)
    monkeypatch.setattr(partition.PairSpill, "batches", counted)
    (tmp_path / ".parts.duckdb.pairs-killed").mkdir()  # left by a run killed midway
    with open_store(parts) as store:
        detect(store)
    assert len(batches) > 5 and stored(parts) == expected
    assert not list(parts.parent.glob(".parts.duckdb.pairs-*"))  # the spills are removed
    # incremental: the first three quarters, then the rest, partitioned or not
    incremental = []
    for limit, db in ((0, inc), (4000, tmp_path / "inc_parts.duckdb")):
        _rows(monkeypatch, limit)
        ingest_into(db, [a], progress=False)
        with open_store(db) as store:
            detect(store)
        ingest_into(db, [b], progress=False)
        with open_store(db) as store:
            assert not detect(store).full
        incremental.append(stored(db))
    assert incremental[0] == incremental[1]
    # (an incremental run's gaps count only the positions before them it read, so they may
    # differ from one full run's in details.positions_before: not a matter of partitions)
    assert [r[:9] for r in incremental[1]] == [r[:9] for r in expected]


def test_a_partition_too_big_for_memory_is_one_line_naming_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "s.duckdb"
    with open_store(db) as store:
        insert(store, scenario())
    monkeypatch.setattr(partition, "available_bytes", lambda: 1000)
    for limit, named in ((0, "now 0: the whole store at once"), (2000, "below 2,000")):
        _rows(monkeypatch, limit)
        result = CliRunner().invoke(app, ["detect", "--db", str(db)])
        assert result.exit_code == EXIT_USAGE, result.output
        line = result.output.strip()
        assert "\n" not in line and "OILTRAIL_DETECT_PARTITION_ROWS" in line and named in line
    assert stored(db) == []  # nothing written


def test_bad_partition_setting_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    with open_store(db) as store:
        insert(store, scenario())
    env = {"OILTRAIL_DETECT_PARTITION_ROWS": "lots"}
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["detect", "--db", str(db)], env=env)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == EXIT_USAGE
    assert "OILTRAIL_DETECT_PARTITION_ROWS='lots'" in result.output
    assert stored(db) == []


def test_fingerprints_hash_only_appended_rows_and_equal_a_full_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sim: tuple[Path, Path, Path]
) -> None:
    from oiltrail.store.events import current_fingerprints

    _, a, b = sim
    db = tmp_path / "s.duckdb"
    ingest_into(db, [a], progress=False)
    with open_store(db) as store:
        detect(store)
    ingest_into(db, [b], progress=False)
    with open_store(db) as store:
        full = current_fingerprints(store)

        def no_full_hash(_: object) -> None:
            raise AssertionError("hashed every row")

        with monkeypatch.context() as m:
            m.setattr(partition, "current_fingerprints", no_full_hash)
            prints, top = partition.fingerprints(store)
        assert (
            prints == full
            and top == store.con.execute("SELECT count(*) - 1 FROM positions").fetchone()[0]
        )
        # fingerprints saved by someone else (no matching mark): every row is hashed again
        store.con.execute("UPDATE detect_days SET fingerprint = '1:1'")
        assert partition.fingerprints(store)[0] == full
