"""The derived kinds and learned anchorages for Spark input that has no store (the spark-submit
job): `engines/derived.py`'s pass, run unchanged on a scratch store on the driver.

Spark reduces the positions to what that pass reads, and the driver holds only that: every
vessel's stationary spells (`stationary_spells` per vessel group, as the local engine keeps
them), one position of each hour that has any (the archive's holes), and the positions of the
MMSIs sharing an IMO within their spans (`derived.shared_imo_spans`). The scratch store gets
these, every static report and the kernels' events, and `detect_derived` does the rest, so the
job's events are `oiltrail detect`'s.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from oiltrail.ais.schema import EVENTS, POSITIONS, STATIC
from oiltrail.detect.anchorages import SPELLS, stationary_spells
from oiltrail.detect.identity import SPANS
from oiltrail.detect.params import DetectParams
from oiltrail.detect.tracks import US_PER_H
from oiltrail.engines.derived import detect_derived, shared_imo_spans, spell_rules
from oiltrail.engines.spark import (
    KERNEL_COLUMNS,
    SparkInputs,
    SparkPlan,
    _positions_for_kernels,
    _vessel_key,
    kernel_events,
    open_inputs,
)
from oiltrail.engines.spark_arrow import from_spark, spark_ddl, to_spark
from oiltrail.store.anchorages import replace_spells
from oiltrail.store.catalog import Store, open_store
from oiltrail.store.events import ensure_detect_tables, insert_events
from oiltrail.store.writes import insert_canonical

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

RUN_ID = "spark-job"  # the scratch store's one run; the events written carry no run id
READ = pa.schema([("hour", pa.int64()), *(POSITIONS.field(c) for c in KERNEL_COLUMNS)])


def spell_frame(positions: DataFrame, params: DetectParams, plan: SparkPlan) -> DataFrame:
    """Every vessel's stationary spells (`SPELLS`), one `stationary_spells` call per group."""

    def kernel(table: pa.Table) -> pa.Table:
        return to_spark(stationary_spells(_positions_for_kernels(table), params.anchorage), SPELLS)

    frame = positions.select(*KERNEL_COLUMNS)
    return frame.groupBy(_vessel_key(frame, plan)).applyInArrow(kernel, spark_ddl(SPELLS))


def _picked(table: pa.Table, spans: pa.Table) -> Iterator[pa.Table]:
    """`table`'s first position of each hour (`hour` set), and its positions in `spans`."""
    hour = table.column("ts").cast(pa.int64()).to_numpy() // US_PER_H
    hours, first = np.unique(hour, return_index=True)
    yield table.take(pa.array(first)).add_column(0, "hour", pa.array(hours, pa.int64()))
    if spans.num_rows:
        joined = table.join(spans, "mmsi", join_type="inner")
        ts = joined.column("ts")
        inside = pc.and_(
            pc.greater_equal(ts, joined.column("t0")), pc.less_equal(ts, joined.column("t1"))
        )
        rows = joined.filter(inside).select(list(KERNEL_COLUMNS))
        yield rows.add_column(0, "hour", pa.nulls(rows.num_rows, pa.int64()))


def read_positions_frame(positions: DataFrame, spans: pa.Table) -> DataFrame:
    """The positions the derived pass reads (`READ`): one of each hour that holds any (`hour`
    set), and every one of the `spans` (mmsi, t0, t1) within them (`hour` null)."""
    from pyspark.sql import functions as F

    spans = spans.cast(SPANS)

    def pick(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            table = from_spark(pa.Table.from_batches([batch]), POSITIONS)
            for part in _picked(table, spans):
                yield from to_spark(part, READ).to_batches()

    picked = positions.select(*KERNEL_COLUMNS).mapInArrow(pick, spark_ddl(READ))
    # One row per hour (any of them: only the hour is read), each span row once.
    row = F.when(F.col("hour").isNull(), F.struct(*KERNEL_COLUMNS))
    return picked.withColumn("row", row).dropDuplicates(["hour", "row"]).drop("row")


def _fill(store: Store, inputs: SparkInputs, params: DetectParams, plan: SparkPlan) -> None:
    """Put into the scratch store what the derived pass reads besides the events."""
    if inputs.static is not None:
        static = from_spark(inputs.static.toArrow(), STATIC)
        insert_canonical(store.con, "static_reports", static)
    if inputs.positions is None:
        return
    rules = spell_rules(params, inputs.kinds)
    if rules is not None:
        spells = from_spark(spell_frame(inputs.positions, params, plan).toArrow(), SPELLS)
        replace_spells(store, spells, False, rules)
    spans = SPANS.empty_table()
    if "identity_anomaly" in inputs.kinds:
        spans = shared_imo_spans(store, params)
    # detect_derived reads the hours for the holes with gaps or dark rendezvous only
    if not spans.num_rows and "gap" not in inputs.kinds and "dark_rendezvous" not in inputs.kinds:
        return
    _read = from_spark(read_positions_frame(inputs.positions, spans).toArrow(), READ)
    store.con.execute(
        "INSERT INTO positions (mmsi, ts, lat, lon, sog) SELECT mmsi, ts, lat, lon, sog FROM _read"
    )


def derived_events(
    inputs: SparkInputs, events: pa.Table, params: DetectParams, plan: SparkPlan
) -> pa.Table:
    """`events` (the kernels', as EVENTS) after `detect_derived`: encounters and loitering at
    learned anchorages dropped, the derived kinds of `inputs.kinds` added, gaps across the
    archive's holes marked, ship types written; EVENTS by event_id."""
    with (
        tempfile.TemporaryDirectory(prefix="oiltrail-derived-") as tmp,
        open_store(Path(tmp) / "derived.duckdb") as store,
    ):
        ensure_detect_tables(store)
        _fill(store, inputs, params, plan)
        with store.transaction():
            insert_events(store, events, RUN_ID)
            # spells_current: the spells are in the store (`_fill`), never its few positions'
            detect_derived(store, params, inputs.kinds, RUN_ID, inputs.ports, spells_current=True)
        cols = ", ".join(f'"{c}"' for c in EVENTS.names)
        found = store.con.execute(f"SELECT {cols} FROM events ORDER BY event_id").to_arrow_table()
    return found.cast(EVENTS)


def detect_spark_with_derived(
    spark: SparkSession | None,
    parquet_dir: str | Path,
    params: DetectParams | None = None,
    *,
    kinds: Sequence[str] | None = None,
    ports: pa.Table | Path | None = None,
    since: date | None = None,
    until: date | None = None,
    static_path: str | Path | None = None,
    plan: SparkPlan | None = None,
) -> pa.Table:
    """Every event `oiltrail detect` finds in this input (the arguments of `detect_spark`),
    as an Arrow table (EVENTS) on the driver: the kernels on Spark, then the derived pass.

    The anchorages are learned, and the dark rendezvous and holes found, from the days read
    (`since`..`until`); identity anomalies and ship types need `static_path`.
    """
    params = params or DetectParams()
    plan = plan or SparkPlan()
    inputs = open_inputs(
        spark,
        parquet_dir,
        kinds=kinds,
        ports=ports,
        since=since,
        until=until,
        static_path=static_path,
        derived=True,
    )
    events = from_spark(kernel_events(inputs, params, plan).toArrow(), EVENTS)
    return derived_events(inputs, events, params, plan)
