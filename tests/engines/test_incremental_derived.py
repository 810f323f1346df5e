"""A store detected a day at a time ends as one full run over it leaves it: the derived kinds
(dark rendezvous, identity anomalies), the static kinds, the learned anchorages with their
evidence, the stationary spells they are learned from and the events they suppress; read in
memory or a vessel bucket at a time (engines/partition.py, engines/derived.py)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from oiltrail.engines.local import detect
from oiltrail.settings import get_settings
from oiltrail.simulate import simulate
from oiltrail.store import open_store
from oiltrail.store.ingest import ingest_into

DAYS = 10
EVENT_COLS = 'event_id, kind, mmsi, other_mmsi, start, "end", lat, lon, port'
# a gap's details count the positions before it that the run read: an incremental run reads
# a day of context, so only these kinds are compared with their details too
WHOLE_KINDS = ("dark_rendezvous", "identity_anomaly", "identity_change", "draught_change")
TABLES = {
    "anchorages": "SELECT * EXCLUDE (run_id) FROM anchorages ORDER BY anchorage_id",
    "anchorage_spells": "SELECT * FROM anchorage_spells ORDER BY ALL",
    "stationary_spells": "SELECT * FROM stationary_spells ORDER BY ALL",
    "suppressed_events": f"SELECT {EVENT_COLS}, anchorage_id FROM suppressed_events ORDER BY 1",
}


@pytest.fixture(scope="module")
def days(tmp_path_factory: pytest.TempPathFactory) -> list[list[Path]]:
    """A 10-day scenario with every kind (an anchorage among them), one pair of Parquet
    files (positions, static reports) per UTC day."""
    out = tmp_path_factory.mktemp("days")
    simulate(out, 1, DAYS, 10, formats=("parquet",))
    con = duckdb.connect()
    first = con.execute(
        f"SELECT min(ts)::DATE FROM read_parquet('{out / 'positions.parquet'}')"
    ).fetchone()
    assert first is not None
    files = []
    for d in range(DAYS):
        pair = []
        for name in ("positions", "static"):
            path = out / f"{name}_{d}.parquet"
            con.execute(
                f"""COPY (SELECT * FROM read_parquet('{out / f"{name}.parquet"}')
                    WHERE ts::DATE = DATE '{first[0]}' + {d}) TO '{path}' (FORMAT parquet)"""
            )
            pair.append(path)
        files.append(pair)
    return files


def state(db: Path) -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    with open_store(db, read_only=True) as store:
        out = {name: store.con.execute(sql).fetchall() for name, sql in TABLES.items()}
        out["events"] = store.con.execute(f"SELECT {EVENT_COLS} FROM events ORDER BY 1").fetchall()
        marks = ",".join("?" * len(WHOLE_KINDS))
        out["whole"] = store.con.execute(
            f"SELECT {EVENT_COLS}, details FROM events WHERE kind IN ({marks}) ORDER BY 1",
            list(WHOLE_KINDS),
        ).fetchall()
    return out


def _rows(monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    monkeypatch.setattr(get_settings(), "detect_partition_rows", n)


@pytest.fixture(scope="module")
def full(days: list[list[Path]], tmp_path_factory: pytest.TempPathFactory) -> dict[str, list]:  # type: ignore[type-arg]
    db = tmp_path_factory.mktemp("full") / "full.duckdb"
    ingest_into(db, [f for pair in days for f in pair], progress=False)
    with open_store(db) as store:
        assert detect(store).full
    got = state(db)
    kinds = {r[1] for r in got["events"]}
    assert set(WHOLE_KINDS) <= kinds and "encounter" in kinds
    assert got["anchorages"] and got["suppressed_events"] and got["stationary_spells"]
    return got


@pytest.mark.parametrize("limit", [0, 20_000])
def test_a_day_at_a_time_equals_one_full_run(
    limit: int,
    days: list[list[Path]],
    full: dict[str, list],  # type: ignore[type-arg]
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _rows(monkeypatch, limit)
    db = tmp_path / "inc.duckdb"
    ingest_into(db, [f for pair in days[:4] for f in pair], progress=False)
    with open_store(db) as store:
        detect(store)
    for pair in days[4:]:
        ingest_into(db, pair, progress=False)
        with open_store(db) as store:
            report = detect(store)
        assert not report.full and report.positions_read > 0
    got = state(db)
    for name, rows in full.items():
        assert same_rows(got[name], rows), name


def same_rows(got: list[tuple], want: list[tuple]) -> bool:  # type: ignore[type-arg]
    """Equal row by row, floats to 1e-9: a port visit or spell continued across runs has
    its mean position merged (engines/local.py `_cutoffs`), equal up to float rounding."""
    if len(got) != len(want):
        return False
    for a, b in zip(got, want, strict=True):
        if len(a) != len(b):
            return False
        for x, y in zip(a, b, strict=True):
            if isinstance(x, float) and isinstance(y, float):
                if abs(x - y) > 1e-9:
                    return False
            elif x != y:
                return False
    return True


def test_nothing_new_changes_nothing_and_reads_nothing(
    days: list[list[Path]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from oiltrail.engines import derived

    db = tmp_path / "s.duckdb"
    ingest_into(db, [f for pair in days[:5] for f in pair], progress=False)
    with open_store(db) as store:
        detect(store)
    before = state(db)

    def no_pass(*_: object, **__: object) -> None:
        raise AssertionError("a derived pass ran with nothing new")

    with monkeypatch.context() as m:
        m.setattr(derived, "positions_for_spells", no_pass)
        m.setattr("oiltrail.engines.local.detect_derived", no_pass)
        with open_store(db) as store:
            report = detect(store)
    assert report.positions_read == 0 and state(db) == before
    # a static report alone is new: the static and derived kinds run again (and the
    # spells are not read from the positions: the stored ones are up to date)
    _, static = days[5]
    ingest_into(db, [static], progress=False)
    with monkeypatch.context() as m:
        m.setattr(derived, "positions_for_spells", no_pass)
        with open_store(db) as store:
            detect(store)
    assert state(db)["whole"] != before["whole"]
