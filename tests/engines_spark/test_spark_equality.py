"""The Spark engine finds exactly the local engine's events (real local[2] Spark session)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from engines_spark_util import A, B, C, D, E, edge_scenario

from oiltrail.ais.schema import EVENTS
from oiltrail.engines.local import detect as detect_local
from oiltrail.engines.spark import detect_spark
from oiltrail.engines.spark_arrow import from_spark
from oiltrail.engines.spark_store import _export_positions, _export_static
from oiltrail.store import Store, open_store
from oiltrail.store.writes import insert_canonical

pytestmark = pytest.mark.spark
COLUMNS = EVENTS.names


def _load(store: Store, positions: pa.Table, static: pa.Table) -> None:
    for name, table in (("positions", positions), ("static_reports", static)):
        insert_canonical(store.con, name, table)


def _local_events(store: Store) -> list[tuple[Any, ...]]:
    detect_local(store, parallel=False)
    cols = ", ".join(f'"{c}"' for c in COLUMNS)
    return sorted(store.con.execute(f"SELECT {cols} FROM events").fetchall())


def _spark_events(spark: Any, store: Store, tmp: Path) -> list[tuple[Any, ...]]:
    parquet = _export_positions(store, tmp / "positions")
    static = _export_static(store, tmp / "static.parquet")
    events = from_spark(detect_spark(spark, parquet, static_path=static).toArrow(), EVENTS)
    return sorted(tuple(r[c] for c in COLUMNS) for r in events.to_pylist())


def test_edges_same_events_as_local(spark: Any, tmp_path: Path) -> None:
    with open_store(tmp_path / "store.duckdb") as store:
        _load(store, *edge_scenario())
        local = _local_events(store)
        spark_rows = _spark_events(spark, store, tmp_path)
    assert spark_rows == local
    kinds = {(r[1], r[2], r[3]) for r in local}
    # The pair across the lat-30 cell edge and midnight is found, once; so is the lon-130 pair.
    assert [r for r in local if r[1] == "encounter" and (r[2], r[3]) == (A, B)]
    assert sum(1 for r in local if r[1] == "encounter" and (r[2], r[3]) == (C, D)) == 1
    assert ("gap", E, None) in kinds
    assert ("loitering", A, None) in kinds
    spans_midnight = [r for r in local if r[1] == "encounter" and r[4].date() != r[5].date()]
    assert spans_midnight


def test_simulated_scenario_same_events_as_local(spark: Any, tmp_path: Path) -> None:
    from oiltrail.simulate import simulate

    simulate(tmp_path / "sim", seed=7, days=6, vessels=6, formats=("parquet",))
    positions = pq.read_table(tmp_path / "sim" / "positions.parquet")
    static = pq.read_table(tmp_path / "sim" / "static.parquet")
    with open_store(tmp_path / "store.duckdb") as store:
        _load(store, positions, static)
        local = _local_events(store)
        spark_rows = _spark_events(spark, store, tmp_path)
    assert spark_rows == local
    # Every kind the scenario holds is compared, not just an empty set.
    assert {r[1] for r in local} >= {"encounter", "loitering", "port_visit", "gap", "spoofing"}


def test_other_work_splits_find_the_same_events(spark: Any, tmp_path: Path) -> None:
    from oiltrail.engines.spark import SparkPlan

    with open_store(tmp_path / "store.duckdb") as store:
        _load(store, *edge_scenario())
        local = _local_events(store)
        parquet = _export_positions(store, tmp_path / "positions")
        static = _export_static(store, tmp_path / "static.parquet")
    plan = SparkPlan(vessel_buckets=3, pair_buckets=0, block_deg=2.5)
    frame = detect_spark(spark, parquet, static_path=static, plan=plan)
    events = from_spark(frame.toArrow(), EVENTS)
    assert sorted(tuple(r[c] for c in COLUMNS) for r in events.to_pylist()) == local
