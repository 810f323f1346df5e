"""The local engine: incremental runs equal one run, windows, provenance, parallel == serial."""

from __future__ import annotations

from pathlib import Path

import pytest
from engines_scenario import BOUNDARY, insert, scenario

from oiltrail.detect import DetectParams
from oiltrail.detect.params import load_params
from oiltrail.engines.local import detect
from oiltrail.store import open_store

COLS = 'event_id, kind, mmsi, other_mmsi, start, "end", lat, lon, port, details'


def stored(store) -> list[tuple]:  # type: ignore[no-untyped-def]
    return store.con.execute(f"SELECT {COLS} FROM events ORDER BY event_id").fetchall()


@pytest.fixture(scope="module")
def one_run(tmp_path_factory: pytest.TempPathFactory) -> list[tuple]:
    with open_store(tmp_path_factory.mktemp("one") / "s.duckdb") as store:
        insert(store, scenario())
        detect(store)
        return stored(store)


def test_boundary_events_found_once(one_run: list[tuple]) -> None:
    kinds = sorted({r[1] for r in one_run})
    assert {"encounter", "loitering", "gap", "port_visit"} <= set(kinds)
    across = [r for r in one_run if r[4] < BOUNDARY < r[5]]
    assert {r[1] for r in across} >= {"encounter", "loitering", "gap", "port_visit"}


def test_days_1_to_7_then_8_to_14_equals_one_run(tmp_path: Path, one_run: list[tuple]) -> None:
    tbl = scenario()
    with open_store(tmp_path / "s.duckdb") as store:
        insert(store, tbl, hi=BOUNDARY)
        first = detect(store)
        insert(store, tbl, lo=BOUNDARY)
        second = detect(store)
        assert not second.full and second.window_start is not None
        assert second.positions_read < tbl.num_rows  # only what changed, plus context
        assert stored(store) == one_run
        assert first.full
        again = detect(store)  # nothing new: nothing read, nothing changed
        assert again.positions_read == 0 and stored(store) == one_run


def test_late_day_in_the_middle_is_reprocessed(tmp_path: Path, one_run: list[tuple]) -> None:
    tbl = scenario()
    day3, day4 = BOUNDARY - 4 * (BOUNDARY - BOUNDARY.replace(hour=0)), None
    del day3, day4
    with open_store(tmp_path / "s.duckdb") as store:
        lo, hi = BOUNDARY.replace(day=BOUNDARY.day - 4), BOUNDARY.replace(day=BOUNDARY.day - 3)
        insert(store, tbl, hi=lo)
        insert(store, tbl, lo=hi)
        detect(store)
        insert(store, tbl, lo=lo, hi=hi)
        detect(store)
        assert stored(store) == one_run


def test_parallel_equals_serial(tmp_path: Path, one_run: list[tuple]) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        insert(store, scenario())
        detect(store, parallel=True)
        assert stored(store) == one_run


def test_changed_parameters_rerun_everything(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        insert(store, scenario())
        detect(store)
        n = len(stored(store))
        report = detect(store, load_params(["encounter.max_distance_m=5"]))
        assert report.full
        assert report.events.get("encounter", 0) == 0 and len(stored(store)) < n


def test_run_row_records_provenance(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        insert(store, scenario())
        report = detect(store, DetectParams(), kinds=["gap"])
        row = store.con.execute(
            "SELECT kinds, params, ports_hash, inputs, events_written FROM detect_runs "
            "WHERE run_id = ?",
            [report.run_id],
        ).fetchone()
        assert row[0] == "gap" and '"min_duration_h": 12.0' in row[1]
        assert len(row[2]) == 16 and row[3] == "[]" and row[4] == report.events_written
        assert set(report.events) == {"gap"}


def test_window_run_only_touches_its_days(tmp_path: Path, one_run: list[tuple]) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        insert(store, scenario())
        detect(store)
        report = detect(store, since=str(BOUNDARY.date()), until=str(BOUNDARY.date()))
        assert not report.full
        assert stored(store) == one_run
        assert detect(store).full  # after a window, the next plain run starts over


@pytest.mark.parametrize("split_h", [3 * 24, 7 * 24 + 13.5, 11 * 24 + 6])
def test_any_ingest_boundary_equals_one_run(
    tmp_path: Path, one_run: list[tuple], split_h: float
) -> None:
    """Boundaries mid-day too: the day ingested in two parts is simply reprocessed."""
    from detect_synth import T0, h

    tbl = scenario()
    with open_store(tmp_path / "s.duckdb") as store:
        insert(store, tbl, hi=T0 + h(split_h))
        detect(store)
        insert(store, tbl, lo=T0 + h(split_h))
        detect(store)
        assert stored(store) == one_run


def test_empty_store(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        report = detect(store)
        assert report.events == {} and report.positions_read == 0
        assert "0 events" in report.summary()
