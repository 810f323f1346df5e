"""The local engine: incremental runs equal one run, windows, provenance, parallel == serial."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow as pa
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


def _moored(sog_last: float | None) -> tuple[pa.Table, datetime]:
    """One ship moored at Nampo for 20 days (a fix every 5 minutes) and one at sea; the
    store's first part ends after day 17, with the moored ship's last fix's speed `sog_last`."""
    from detect_synth import NAMPO, SEA, T0, h, legs, table

    moored = legs(445000009, T0, NAMPO[0] - 0.3, NAMPO[1], [(2.2, 8, 0), (20 * 24, 0.0, 0)])
    sea = legs(413000009, T0, *SEA, [(21 * 24, 9, 90)], every_s=600)
    tbl = table(moored, sea)
    split = T0 + h(17 * 24)
    if sog_last is None:  # its last fix before the split reports no speed
        ts = tbl.column("ts").to_pylist()
        last = max(i for i, t in enumerate(ts) if t < split and tbl["mmsi"][i].as_py() == 445000009)
        sog = tbl.column("sog").to_pylist()
        sog[last] = None
        tbl = tbl.set_column(4, "sog", pa.array(sog, pa.float32()))
    return tbl, split


@pytest.mark.parametrize("sog_last", [0.0, None])
def test_a_long_port_visit_is_continued_not_read_again(
    tmp_path: Path, sog_last: float | None
) -> None:
    """A visit open at the cut-off is carried across it: the second run reads the new days
    and about a day before them, not the moored ship's 17; the events and spells equal one
    run's (means to 1e-9). With no reported speed at the visit's last fix, the visit is read
    again whole."""
    from test_incremental_derived import same_rows

    tbl, split = _moored(sog_last)
    spells = "SELECT * FROM stationary_spells ORDER BY ALL"
    with open_store(tmp_path / "one.duckdb") as store:
        insert(store, tbl)
        detect(store)
        want, want_spells = stored(store), store.con.execute(spells).fetchall()
    assert any(r[1] == "port_visit" and (r[5] - r[4]).days >= 19 for r in want)
    with open_store(tmp_path / "two.duckdb") as store:
        insert(store, tbl, hi=split)
        detect(store)
        insert(store, tbl, lo=split)
        second = detect(store)
        assert same_rows(stored(store), want)
        assert same_rows(store.con.execute(spells).fetchall(), want_spells)
    new = sum(1 for t in tbl.column("ts").to_pylist() if t >= split)
    context = 3 * 24 * (12 + 6)  # three days of both ships' fixes
    if sog_last is None:
        assert second.positions_read > 17 * 24 * 12  # the moored ship's 17 days, again
    else:
        assert second.positions_read < new + context
