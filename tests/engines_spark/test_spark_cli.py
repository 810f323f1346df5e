"""`oiltrail detect --engine spark`: the store path end to end, and the missing-Spark error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from engines_spark_util import edge_scenario
from typer.testing import CliRunner

from oiltrail.cli import app
from oiltrail.engines import spark_session
from oiltrail.engines.local import detect as detect_local
from oiltrail.store import Store, open_store
from oiltrail.store.writes import insert_canonical

COLUMNS = '"event_id", kind, mmsi, other_mmsi, start, "end", lat, lon, port, details'


def _load(store: Store) -> None:
    for name, table in zip(("positions", "static_reports"), edge_scenario(), strict=True):
        insert_canonical(store.con, name, table)


def _events(db: Path) -> list[tuple[Any, ...]]:
    with open_store(db) as store:
        return sorted(store.con.execute(f"SELECT {COLUMNS} FROM events").fetchall())


def test_cli_without_pyspark_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spark_session.importlib.util, "find_spec", lambda name: None)
    db = tmp_path / "s.duckdb"
    open_store(db).close()  # detect refuses a --db with no store before it looks for Spark
    result = CliRunner().invoke(app, ["detect", "--db", str(db), "--engine", "spark"])
    assert result.exit_code == 2
    text = " ".join(result.output.split())  # rich wraps long lines
    assert "needs pyspark" in text
    assert "pip install 'pyspark>=4.0'" in text
    assert "Traceback" not in result.output


@pytest.mark.spark
def test_cli_spark_writes_the_local_engines_events(spark: Any, tmp_path: Path) -> None:
    local_db, spark_db = tmp_path / "local.duckdb", tmp_path / "spark.duckdb"
    for db in (local_db, spark_db):
        with open_store(db) as store:
            _load(store)
    with open_store(local_db) as store:
        detect_local(store, parallel=False)
    result = CliRunner().invoke(app, ["detect", "--db", str(spark_db), "--engine", "spark"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "read 868 positions of 6 vessels; wrote 9 events" in text
    assert _events(spark_db) == _events(local_db)
    # A second run replaces, never duplicates.
    again = CliRunner().invoke(app, ["detect", "--db", str(spark_db), "--engine", "spark"])
    assert again.exit_code == 0, again.output
    assert _events(spark_db) == _events(local_db)


@pytest.mark.spark
def test_cli_spark_window_keeps_events_before_it(spark: Any, tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    with open_store(db) as store:
        _load(store)
        detect_local(store, parallel=False)
    before = _events(db)
    args = ["detect", "--db", str(db), "--engine", "spark", "--since", "2026-01-06"]
    result = CliRunner().invoke(app, [*args, "--kinds", "encounter,loitering,gap"])
    assert result.exit_code == 0, result.output
    # Events starting on day 1 (spanning midnight) are neither duplicated nor truncated.
    assert _events(db) == before
    assert pa is not None


@pytest.mark.spark
def test_work_dir_with_an_apostrophe(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OILTRAIL_SPARK_WORK_DIR goes to DuckDB as a value, never pasted into SQL."""
    work = tmp_path / "it's here"
    work.mkdir()
    monkeypatch.setenv("OILTRAIL_SPARK_WORK_DIR", str(work))
    local_db, spark_db = tmp_path / "local.duckdb", tmp_path / "spark.duckdb"
    for db in (local_db, spark_db):
        with open_store(db) as store:
            _load(store)
    with open_store(local_db) as store:
        detect_local(store, parallel=False)
    result = CliRunner().invoke(app, ["detect", "--db", str(spark_db), "--engine", "spark"])
    assert result.exit_code == 0, result.output
    assert _events(spark_db) == _events(local_db)
