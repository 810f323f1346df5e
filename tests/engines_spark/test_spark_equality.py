"""The Spark engine finds exactly the local engine's events (real local[2] Spark session)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from engines_spark_util import A, B, C, D, E, H, dark_scenario, edge_scenario

from oiltrail.ais.schema import EVENTS
from oiltrail.engines.local import detect as detect_local
from oiltrail.engines.spark import SparkPlan
from oiltrail.engines.spark_store import detect as detect_spark_store
from oiltrail.store import Store, open_store
from oiltrail.store.writes import insert_canonical

pytestmark = pytest.mark.spark
COLUMNS = EVENTS.names


def _load(store: Store, positions: pa.Table, static: pa.Table) -> None:
    for name, table in (("positions", positions), ("static_reports", static)):
        insert_canonical(store.con, name, table)


def _stored(store: Store) -> list[tuple[Any, ...]]:
    cols = ", ".join(f'"{c}"' for c in COLUMNS)
    return sorted(store.con.execute(f"SELECT {cols} FROM events").fetchall())


def _anchorages(store: Store) -> list[tuple[Any, ...]]:
    return sorted(store.con.execute("SELECT * EXCLUDE (run_id) FROM anchorages").fetchall())


def _both(
    tmp: Path,
    positions: pa.Table,
    static: pa.Table,
    plan: SparkPlan | None = None,
    anchorages: list[list[tuple[Any, ...]]] | None = None,
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The events each engine leaves in its own store (kernels, then the derived kinds and
    details both engines add on the store: feasible ports, ship types, anomalies)."""
    found = []
    for name, run in (
        ("local", lambda st: detect_local(st, parallel=False)),
        ("spark", lambda st: detect_spark_store(st, plan=plan)),
    ):
        with open_store(tmp / f"{name}.duckdb") as store:
            _load(store, positions, static)
            run(store)
            found.append(_stored(store))
            if anchorages is not None:
                anchorages.append(_anchorages(store))
    return found[0], found[1]


def test_edges_same_events_as_local(spark: Any, tmp_path: Path) -> None:
    local, spark_rows = _both(tmp_path, *edge_scenario())
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
    learned: list[list[tuple[Any, ...]]] = []
    local, spark_rows = _both(tmp_path, positions, static, anchorages=learned)
    assert spark_rows == local
    # Every kind the scenario holds is compared, not just an empty set.
    assert {r[1] for r in local} >= {
        "encounter", "loitering", "port_visit", "gap", "spoofing", "identity_anomaly",
    }  # fmt: skip
    # the ships anchored together off Pusan: one learned anchorage, the same on both engines
    assert learned[0] == learned[1] and any("of Pusan" in str(a[1]) for a in learned[0])


def test_other_work_splits_find_the_same_events(spark: Any, tmp_path: Path) -> None:
    plan = SparkPlan(vessel_buckets=3, pair_buckets=0, block_deg=2.5)
    local, spark_rows = _both(tmp_path, *edge_scenario(), plan=plan)
    assert spark_rows == local


def test_dark_kinds_feasible_ports_and_ship_types_same_as_local(spark: Any, tmp_path: Path) -> None:
    local, spark_rows = _both(tmp_path, *dark_scenario())
    assert spark_rows == local
    kinds = {(r[1], r[2], r[3]) for r in local}
    assert ("dark_rendezvous", E, H) in kinds and ("identity_anomaly", H, None) in kinds
    (gap,) = [r for r in local if r[1] == "gap" and r[2] == H]
    assert "feasible_ports" in gap[9] and '"ship_types"' in gap[9]
