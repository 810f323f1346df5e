"""The `oiltrail detect --engine spark` path: store -> day-partitioned Parquet -> Spark -> store.

A full pass over the window each time (Spark is for big batch runs; the local engine is the
incremental one); events of the chosen kinds that start in the window are replaced.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from oiltrail.ais.schema import EVENTS, STATIC, TS
from oiltrail.detect.params import DetectParams, parse_day
from oiltrail.engines.base import DetectReport, Engine, describe_ports, kind_counts
from oiltrail.engines.derived import detect_derived
from oiltrail.engines.spark import SparkPlan, context_start, detect_spark, parse_kinds, session_for
from oiltrail.engines.spark_arrow import from_spark
from oiltrail.engines.spark_session import require_spark
from oiltrail.errors import UsageError
from oiltrail.kinds import STATIC_KINDS, VESSEL_KINDS
from oiltrail.reference.ports import read_ports
from oiltrail.store.anchorages import ANCHORAGES_DDL
from oiltrail.store.catalog import Store
from oiltrail.store.events import ensure_detect_tables, input_hashes, insert_events, record_run
from oiltrail.store.parquet import export_positions
from oiltrail.store.reference import save_ports

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def _export_positions(store: Store, out_dir: Path) -> Path:
    return Path(export_positions(store, out_dir))


def _export_static(store: Store, out_file: Path) -> Path:
    columns = ", ".join(STATIC.names)
    # The file name goes in as a value, never pasted into SQL (a folder may hold an apostrophe).
    store.con.sql(f"SELECT {columns} FROM canonical_static").write_parquet(out_file.as_posix())
    return out_file


def _work_dir() -> str | None:
    # On a cluster the exported Parquet must sit where executors can read it.
    return os.environ.get("OILTRAIL_SPARK_WORK_DIR") or None


def _run_on_spark(
    store: Store,
    session: SparkSession,
    params: DetectParams,
    chosen: tuple[str, ...],
    ports: pa.Table,
    window: tuple[date | None, date | None],
    plan: SparkPlan,
) -> tuple[pa.Table, int, int]:
    """Export the store, detect on Spark; the events (as EVENTS), positions and vessels read."""
    row = store.con.execute("SELECT count(*), count(DISTINCT mmsi) FROM positions").fetchone()
    n_positions, n_vessels = (int(row[0]), int(row[1])) if row else (0, 0)
    with tempfile.TemporaryDirectory(prefix="oiltrail-spark-", dir=_work_dir()) as tmp:
        pos_kinds = [k for k in chosen if k in VESSEL_KINDS or k == "encounter"]
        pos_dir = _export_positions(store, Path(tmp) / "positions") if n_positions else None
        static = None
        if any(k in STATIC_KINDS for k in chosen):
            static = _export_static(store, Path(tmp) / "static.parquet")
        kinds = tuple(k for k in chosen if k not in pos_kinds or pos_dir is not None)
        frame = detect_spark(
            session,
            pos_dir or tmp,
            params,
            kinds=kinds,
            ports=ports,
            since=context_start(window[0], params),
            until=window[1],
            static_path=static,
            plan=plan,
        )
        events = from_spark(frame.toArrow(), EVENTS)
    return events, n_positions, n_vessels


def _within_window(events: pa.Table, since: date | None) -> pa.Table:
    """Drop events that start in the context day before `since` (they belong to earlier runs)."""
    if since is None or events.num_rows == 0:
        return events
    start = datetime.combine(since, datetime.min.time())
    return events.filter(pc.greater_equal(events.column("start"), pa.scalar(start, TS)))


def _replace_events(
    store: Store, events: pa.Table, chosen: tuple[str, ...], window: tuple[date | None, date | None]
) -> None:
    lo = datetime.combine(window[0], datetime.min.time()) if window[0] else datetime.min
    hi = datetime.combine(window[1] + timedelta(days=1), datetime.min.time()) if window[1] else None
    pos_kinds = [k for k in chosen if k not in STATIC_KINDS]
    if pos_kinds:
        marks = ",".join("?" * len(pos_kinds))
        store.ensure(ANCHORAGES_DDL)
        for table in ("events", "suppressed_events"):  # suppressed ones are found again
            store.con.execute(
                f"DELETE FROM {table} WHERE kind IN ({marks}) AND start >= ? AND start < ?",
                [*pos_kinds, lo, hi or datetime.max],
            )
    static_kinds = [k for k in chosen if k in STATIC_KINDS]
    if static_kinds:  # static kinds are recomputed from all reports, as the local engine does
        marks = ",".join("?" * len(static_kinds))
        store.con.execute(f"DELETE FROM events WHERE kind IN ({marks})", static_kinds)


def detect(
    store: Store,
    params: DetectParams | None = None,
    kinds: Sequence[str] | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    ports: pa.Table | Path | None = None,
    master: str | None = None,
    plan: SparkPlan | None = None,
    ports_from: str | None = None,
) -> DetectReport:
    """`oiltrail detect --engine spark`: detect on Spark and write events into the store.

    Always a full pass over the window (default: every day in the store); events of the
    chosen kinds starting in the window are replaced. Raises EngineUnavailableError (exit 2)
    when pyspark or Java is missing.
    """
    require_spark()
    started = datetime.now(UTC).replace(tzinfo=None)
    params = params or DetectParams()
    chosen = parse_kinds(kinds)
    window = (parse_day(since, "since"), parse_day(until, "until"))
    if window[0] and window[1] and window[1] < window[0]:
        raise UsageError(f"until {window[1]} is before since {window[0]}", ("until", "since"))
    port_table = ports if isinstance(ports, pa.Table) else read_ports(ports)
    session = session_for(master)
    events, n_positions, n_vessels = _run_on_spark(
        store, session, params, chosen, port_table, window, plan or SparkPlan()
    )
    events = _within_window(events, window[0])
    run_id = hashlib.sha256(f"spark|{started.isoformat()}".encode()).hexdigest()[:16]
    ensure_detect_tables(store)
    with store.transaction():
        _replace_events(store, events, chosen, window)
        written = insert_events(store, events, run_id)
        written += detect_derived(store, params, chosen, run_id, port_table)
        # The local engine's incremental state no longer describes the events table.
        store.set_meta("detect.config", "spark")
        report = DetectReport(
            run_id=run_id,
            full=window == (None, None),
            window_start=None,
            positions_read=n_positions,
            vessels=n_vessels,
            events_written=written,
            events=kind_counts(store),
            simulated=store.simulated,
            written=kind_counts(store, run_id),
        )
        origin = ports_from or describe_ports(ports)
        digest = save_ports(store, port_table, origin)
        row = _run_row(store, report, started, params, chosen, window)
        record_run(store, {**row, "ports_hash": digest, "ports_source": f"{origin} (spark)"})
    return report


ENGINE: Engine = detect  # the Spark engine implements the protocol (checked by mypy)


def _run_row(
    store: Store,
    report: DetectReport,
    started: datetime,
    params: DetectParams,
    chosen: tuple[str, ...],
    window: tuple[date | None, date | None],
) -> dict[str, Any]:
    return {
        "run_id": report.run_id,
        "started_at": started,
        "finished_at": datetime.now(UTC).replace(tzinfo=None),
        "params": params.to_json(),
        "kinds": ",".join(chosen),
        "inputs": json.dumps(input_hashes(store)),
        "since": window[0],
        "until": window[1],
        "full_run": report.full,
        "positions_read": report.positions_read,
        "events_written": report.events_written,
        "simulated": report.simulated,
    }


def export_for_spark(store: Store, out_dir: Path) -> tuple[Path, Path]:
    """Write the store's positions (`out_dir/positions/day=.../`) and static reports
    (`out_dir/static.parquet`) for a Spark job; returns both paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    positions = _export_positions(store, out_dir / "positions")
    return positions, _export_static(store, out_dir / "static.parquet")
