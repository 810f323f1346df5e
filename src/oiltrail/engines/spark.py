"""Spark engine: the `oiltrail.detect` kernels on Apache Spark, through Arrow (`applyInArrow`).

Only partitioning lives here (see `oiltrail.detect.kernels` for the contract):
- per-vessel kinds: positions grouped by vessel, `run_vessel_kernels` per group;
- static kinds: all static reports in one group (identity links MMSIs through IMO numbers);
- encounters: `resample_partition` per vessel group, then each 10-min sample exploded to its
  space-time cell (UTC day x lat/lon block) and the neighbouring cells within the encounter
  distance (`cell_partitions`), `run_cell_kernel` per cell keeping a pair only in the cell
  that owns its lower-MMSI sample (found once), then `run_pair_kernel` per vessel pair.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from oiltrail.ais.schema import EVENTS, POSITIONS, STATIC
from oiltrail.detect.encounters import ADJACENCY, SAMPLES
from oiltrail.detect.kernels import (
    cell_partitions,
    resample_partition,
    run_cell_kernel,
    run_pair_kernel,
    run_vessel_kernels,
)
from oiltrail.detect.params import DetectParams
from oiltrail.engines.spark_arrow import from_spark, spark_ddl, to_spark
from oiltrail.engines.spark_io import check_static, read_positions, scan_layout
from oiltrail.engines.spark_session import SparkConfig, spark_session
from oiltrail.errors import UsageError
from oiltrail.kinds import KINDS, STATIC_KINDS, VESSEL_KINDS
from oiltrail.reference.ports import read_ports

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


KERNEL_COLUMNS = ("mmsi", "ts", "lat", "lon", "sog")  # what the local engine hands the kernels
STATIC_COLUMNS = ("mmsi", "ts", "imo", "name", "callsign", "draught")
CELLS = pa.schema([("cell_day", pa.int64()), ("cell_i", pa.int64()), ("cell_j", pa.int64())])
CELL_SAMPLES = pa.schema([*SAMPLES, *CELLS, pa.field("home", pa.bool_())])
EVENTS_DDL = spark_ddl(EVENTS)


@dataclass(frozen=True)
class SparkPlan:
    """How the work is split; none of this changes the events found.

    `vessel_buckets`: 0 groups positions by MMSI (one kernel call per vessel); N > 0 hashes
    vessels into N groups (fewer, larger kernel calls; each group must fit one worker).
    `block_deg`: lat/lon size of an encounter cell (per UTC day).
    `pair_buckets`: vessel pairs hashed into this many `run_pair_kernel` calls (0: one call
    per pair); most close pairs are ships moored together, so per-pair calls cost most.
    """

    vessel_buckets: int = 0
    block_deg: float = 10.0
    pair_buckets: int = 64


def _positions_for_kernels(table: pa.Table) -> pa.Table:
    canonical = from_spark(table, POSITIONS).select(list(KERNEL_COLUMNS))
    # Ties on (mmsi, ts) are broken by position so every engine keeps the same fix.
    return canonical.sort_by([(c, "ascending") for c in KERNEL_COLUMNS])


def _vessel_key(frame: DataFrame, plan: SparkPlan) -> Any:
    from pyspark.sql import functions as F

    if plan.vessel_buckets <= 0:
        return F.col("mmsi")
    return F.pmod(F.xxhash64("mmsi"), F.lit(plan.vessel_buckets)).alias("vessel_bucket")


def vessel_events(
    positions: DataFrame,
    ports: pa.Table,
    params: DetectParams,
    kinds: Sequence[str],
    plan: SparkPlan = SparkPlan(),
) -> DataFrame:
    """Per-vessel kinds (port_visit, loitering, gap, spoofing) as a Spark DataFrame of events."""
    want = tuple(k for k in kinds if k in VESSEL_KINDS)

    def kernel(table: pa.Table) -> pa.Table:
        events = run_vessel_kernels(_positions_for_kernels(table), None, ports, params, want)
        return to_spark(events, EVENTS)

    frame = positions.select(*KERNEL_COLUMNS)
    return frame.groupBy(_vessel_key(frame, plan)).applyInArrow(kernel, EVENTS_DDL)


def static_events(
    static: DataFrame, ports: pa.Table, params: DetectParams, kinds: Sequence[str]
) -> DataFrame:
    """Static kinds over ALL static reports in one kernel call (the kernel contract)."""
    from pyspark.sql import functions as F

    want = tuple(k for k in kinds if k in STATIC_KINDS)

    def kernel(table: pa.Table) -> pa.Table:
        reports = from_spark(table, STATIC).select(list(STATIC_COLUMNS))
        reports = reports.sort_by([("mmsi", "ascending"), ("ts", "ascending")])
        events = run_vessel_kernels(EVENTS.empty_table(), reports, ports, params, want)
        return to_spark(events, EVENTS)

    frame = static.select(*STATIC_COLUMNS).withColumn("all_reports", F.lit(0))
    return frame.groupBy("all_reports").applyInArrow(kernel, EVENTS_DDL)


def encounter_samples(
    positions: DataFrame, params: DetectParams, plan: SparkPlan = SparkPlan()
) -> DataFrame:
    """10-min samples of every track (`resample_partition` per vessel group)."""

    def kernel(table: pa.Table) -> pa.Table:
        return to_spark(resample_partition(_positions_for_kernels(table), params), SAMPLES)

    frame = positions.select(*KERNEL_COLUMNS)
    return frame.groupBy(_vessel_key(frame, plan)).applyInArrow(kernel, spark_ddl(SAMPLES))


def explode_to_cells(
    samples: DataFrame, params: DetectParams, plan: SparkPlan = SparkPlan()
) -> DataFrame:
    """Each sample in its home cell and copied into neighbour cells (`cell_partitions`)."""

    def explode(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            table = from_spark(pa.Table.from_batches([batch]), SAMPLES)
            for (day, i, j), part, home in cell_partitions(table, params, plan.block_deg):
                n = part.num_rows
                out = part.append_column("cell_day", pa.array([day] * n, pa.int64()))
                out = out.append_column("cell_i", pa.array([i] * n, pa.int64()))
                out = out.append_column("cell_j", pa.array([j] * n, pa.int64()))
                out = out.append_column("home", pa.array(home, pa.bool_()))
                yield from to_spark(out, CELL_SAMPLES).to_batches()

    return samples.mapInArrow(explode, spark_ddl(CELL_SAMPLES))


def adjacency(cell_samples: DataFrame, params: DetectParams) -> DataFrame:
    """Close pairs per instant, one `run_cell_kernel` call per space-time cell."""

    def kernel(table: pa.Table) -> pa.Table:
        samples = from_spark(table, SAMPLES)
        home = table.column("home").to_numpy(zero_copy_only=False).astype(bool)
        return to_spark(run_cell_kernel(samples, params, home), ADJACENCY)

    grouped = cell_samples.groupBy("cell_day", "cell_i", "cell_j")
    return grouped.applyInArrow(kernel, spark_ddl(ADJACENCY))


def pair_events(
    adjacent: DataFrame, ports: pa.Table, params: DetectParams, plan: SparkPlan = SparkPlan()
) -> DataFrame:
    """Encounter events: `run_pair_kernel` over whole pairs (all their close samples)."""
    from pyspark.sql import functions as F

    def kernel(table: pa.Table) -> pa.Table:
        return to_spark(run_pair_kernel(from_spark(table, ADJACENCY), ports, params), EVENTS)

    if plan.pair_buckets <= 0:
        return adjacent.groupBy("mmsi_a", "mmsi_b").applyInArrow(kernel, EVENTS_DDL)
    bucket = F.pmod(F.xxhash64("mmsi_a", "mmsi_b"), F.lit(plan.pair_buckets))
    return adjacent.groupBy(bucket.alias("pair_bucket")).applyInArrow(kernel, EVENTS_DDL)


def encounter_events(
    positions: DataFrame, ports: pa.Table, params: DetectParams, plan: SparkPlan = SparkPlan()
) -> DataFrame:
    """Encounters: resample per vessel, pairs per space-time cell, runs per vessel pair."""
    cells = explode_to_cells(encounter_samples(positions, params, plan), params, plan)
    return pair_events(adjacency(cells, params), ports, params, plan)


def parse_kinds(kinds: Sequence[str] | None) -> tuple[str, ...]:
    chosen = tuple(kinds) if kinds else KINDS
    bad = [k for k in chosen if k not in KINDS]
    if bad:
        raise UsageError(f"unknown kind {bad[0]!r}: expected one of {', '.join(KINDS)}")
    return chosen


@dataclass(frozen=True)
class SparkInputs:
    """The checked input of one detection: the session, the positions and the static reports
    as (lazy) DataFrames, or None when the kinds need none, the kinds and the ports."""

    session: SparkSession
    positions: DataFrame | None
    static: DataFrame | None
    kinds: tuple[str, ...]
    ports: pa.Table


def open_inputs(
    spark: SparkSession | None,
    parquet_dir: str | Path,
    *,
    kinds: Sequence[str] | None = None,
    ports: pa.Table | Path | None = None,
    since: date | None = None,
    until: date | None = None,
    static_path: str | Path | None = None,
    derived: bool = False,
) -> SparkInputs:
    """Check the input (file footers only, before a JVM is started for it) and read it lazily.

    `derived`: the derived kinds will be found too (`spark_derived`), which read the positions
    and every static report whatever the kinds (anchorages, holes, ship types).
    """
    chosen = parse_kinds(kinds)
    port_table = ports if isinstance(ports, pa.Table) else read_ports(ports)
    use_positions = derived or any(k in VESSEL_KINDS or k == "encounter" for k in chosen)
    layout = scan_layout(parquet_dir, since, until) if use_positions else None
    use_static = static_path is not None and (derived or any(k in STATIC_KINDS for k in chosen))
    if use_static and static_path is not None:
        check_static(static_path)
    session = spark if spark is not None else spark_session()
    positions = read_positions(session, layout) if layout is not None else None
    static = None
    if use_static and static_path is not None:
        static = session.read.parquet(str(static_path))
    return SparkInputs(session, positions, static, chosen, port_table)


def kernel_events(inputs: SparkInputs, params: DetectParams, plan: SparkPlan) -> DataFrame:
    """The events of the kernels (every kind but the derived ones) as one lazy DataFrame."""
    chosen = inputs.kinds
    parts: list[DataFrame] = []
    if inputs.positions is not None:
        if any(k in VESSEL_KINDS for k in chosen):
            parts.append(vessel_events(inputs.positions, inputs.ports, params, chosen, plan))
        if "encounter" in chosen:
            parts.append(encounter_events(inputs.positions, inputs.ports, params, plan))
    if inputs.static is not None and any(k in STATIC_KINDS for k in chosen):
        parts.append(static_events(inputs.static, inputs.ports, params, chosen))
    if not parts:
        return inputs.session.createDataFrame([], EVENTS_DDL)
    out = parts[0]
    for part in parts[1:]:
        out = out.unionByName(part)
    return out


def detect_spark(
    spark: SparkSession | None,
    parquet_dir: str | Path,
    params: DetectParams | None = None,
    *,
    kinds: Sequence[str] | None = None,
    ports: pa.Table | Path | None = None,
    since: date | None = None,
    until: date | None = None,
    static_path: str | Path | None = None,
    plan: SparkPlan = SparkPlan(),
) -> DataFrame:
    """Events of the day-partitioned positions under `parquet_dir`, as a Spark DataFrame.

    The kernels' kinds only: the derived kinds and the learned anchorages need every event
    found first (`spark_derived.detect_spark_with_derived` adds them, as the spark-submit job
    does).

    Args:
        spark: a session (a notebook's `spark`), or None to start `local[2]`.
        parquet_dir: `ROOT` holding `day=YYYY-MM-DD/*.parquet` in the canonical schema.
        params: detector parameters (defaults: docs/events.md).
        kinds: event kinds (default all); static kinds need `static_path`.
        ports: ports table or CSV (default: the bundled table).
        since, until: first and last UTC day to read (inclusive).
        static_path: Parquet static reports (canonical STATIC columns), for static kinds.
        plan: how to split the work (see `SparkPlan`).
    Returns:
        A DataFrame with the event columns of docs/events.md (mmsi/other_mmsi as bigint, times as
        timestamp_ntz UTC, details as JSON text). Nothing runs until an action is called.
    """
    inputs = open_inputs(
        spark,
        parquet_dir,
        kinds=kinds,
        ports=ports,
        since=since,
        until=until,
        static_path=static_path,
    )
    return kernel_events(inputs, params or DetectParams(), plan)


def context_start(since: date | None, params: DetectParams) -> date | None:
    """The first day to read for a window starting at `since`: one day of context before."""
    if since is None:
        return None
    return since - timedelta(days=1 + int(params.gap.min_duration_h // 24))


def session_for(master: str | None) -> SparkSession:
    """A session on `master` (default `local[2]`)."""
    return spark_session(SparkConfig(master=master) if master else None)
