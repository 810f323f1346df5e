"""The spark-submit job (`engines/spark_job.py`, run as `main`) writes exactly the events
`oiltrail detect` leaves in a store of the same input: learned anchorages, derived kinds,
holes and ship types included (real local[2] Spark session)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from engines_spark_util import K, hole_scenario

from oiltrail.ais.schema import EVENTS
from oiltrail.engines import spark_job
from oiltrail.engines.local import detect as detect_local
from oiltrail.engines.spark_arrow import from_spark
from oiltrail.engines.spark_store import export_for_spark
from oiltrail.store import Store, open_store
from oiltrail.store.writes import insert_canonical

pytestmark = pytest.mark.spark
Row = tuple[Any, ...]


def _local(store: Store, positions: pa.Table, static: pa.Table) -> list[Row]:
    for name, table in (("positions", positions), ("static_reports", static)):
        insert_canonical(store.con, name, table)
    detect_local(store, parallel=False)
    cols = ", ".join(f'"{c}"' for c in EVENTS.names)
    return sorted(store.con.execute(f"SELECT {cols} FROM events").fetchall())


def _job(spark: Any, monkeypatch: pytest.MonkeyPatch, store: Store, tmp: Path) -> list[Row]:
    """The job as the README runs it: the store exported, then spark-submit's entry point."""
    positions, static = export_for_spark(store, tmp / "parquet")
    monkeypatch.setattr(spark_job, "_session", lambda: spark)
    out = tmp / "events-parquet"
    args = ["--positions", str(positions), "--static", str(static), "--out", str(out)]
    assert spark_job.main(args) == 0
    table = from_spark(pq.read_table(out), EVENTS)
    return sorted(tuple(r[c] for c in EVENTS.names) for r in table.to_pylist())


def test_job_learns_the_anchorages_and_finds_the_local_events(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from oiltrail.simulate import simulate

    simulate(tmp_path / "sim", seed=7, days=6, vessels=6, formats=("parquet",))
    positions = pq.read_table(tmp_path / "sim" / "positions.parquet")
    static = pq.read_table(tmp_path / "sim" / "static.parquet")
    with open_store(tmp_path / "local.duckdb") as store:
        local = _local(store, positions, static)
        suppressed = store.con.execute(
            "SELECT count(*) FROM suppressed_events WHERE kind = 'encounter'"
        ).fetchone()
        job = _job(spark, monkeypatch, store, tmp_path)
    # The scenario's pairs anchored together off Pusan are encounters to the kernels; the
    # anchorage learned there drops them (without it the job found 4 encounters, not 1).
    assert suppressed is not None and suppressed[0] >= 2
    assert sum(1 for r in local if r[1] == "encounter") == 1
    assert job == local
    subtypes = {(r[1], json.loads(r[9]).get("subtype")) for r in local}
    assert {("dark_rendezvous", "both_ends"), ("identity_anomaly", "shared_imo")} <= subtypes


def test_job_marks_gaps_across_a_hole_as_the_store_does(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(tmp_path / "local.duckdb") as store:
        local = _local(store, *hole_scenario())
        job = _job(spark, monkeypatch, store, tmp_path)
    assert job == local
    (k_gap,) = [r for r in local if r[1] == "gap" and r[2] == K]
    assert json.loads(k_gap[9])["data_hole"] is True
