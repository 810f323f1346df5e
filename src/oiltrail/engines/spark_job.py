"""A spark-submit entry point: day-partitioned positions in, events Parquet out.

    spark-submit --master yarn oiltrail/engines/spark_job.py \\
        --positions s3://bucket/ais/positions --out s3://bucket/ais/events \\
        [--static s3://bucket/ais/static] [--since 2026-01-01 --until 2026-01-31] \\
        [--kinds encounter,loitering] [--set encounter.max_distance_m=300] [--ports ports.csv]

The events are `oiltrail detect`'s on the same input: the kernels run on the executors, then
the driver learns the anchorages and finds the derived kinds (engines/spark_derived.py).
The master, executors and memory come from spark-submit; oiltrail must be installed on every
executor (`pip install oiltrail` in the image, or `--py-files` a wheel).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from oiltrail.errors import OiltrailError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="oiltrail-spark-job", description=__doc__.splitlines()[0])
    p.add_argument("--positions", required=True, help="ROOT of day=YYYY-MM-DD/*.parquet")
    p.add_argument("--out", required=True, help="folder for the events Parquet")
    p.add_argument("--static", help="static reports Parquet (for identity/draught changes)")
    p.add_argument("--since", type=date.fromisoformat, help="first UTC day")
    p.add_argument("--until", type=date.fromisoformat, help="last UTC day")
    p.add_argument("--kinds", help="comma-separated kinds (default all)")
    p.add_argument("--set", action="append", dest="sets", help="kind.field=value")
    p.add_argument("--ports", type=Path, help="ports CSV name,country,lat,lon,kind,source")
    p.add_argument("--block-deg", type=float, default=10.0, help="encounter cell size")
    return p


def _session() -> SparkSession:
    from oiltrail.engines.spark_session import SparkConfig, spark_session

    return spark_session(SparkConfig(master=None))  # the master spark-submit was given


def main(argv: list[str] | None = None) -> int:
    """Run one detection job; returns the process exit code."""
    from oiltrail.ais.schema import EVENTS
    from oiltrail.detect.params import load_params, parse_kinds
    from oiltrail.engines.spark import EVENTS_DDL, SparkPlan
    from oiltrail.engines.spark_arrow import to_spark
    from oiltrail.engines.spark_derived import detect_spark_with_derived

    args = _parser().parse_args(argv)
    try:
        session = _session()
        events = detect_spark_with_derived(
            session,
            args.positions,
            load_params(args.sets),
            kinds=parse_kinds(args.kinds),
            ports=args.ports,
            since=args.since,
            until=args.until,
            static_path=args.static,
            plan=SparkPlan(block_deg=args.block_deg),
        )
        frame = session.createDataFrame(to_spark(events, EVENTS), EVENTS_DDL)
        frame.write.mode("overwrite").parquet(args.out)
    except OiltrailError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return exc.exit_code
    written = session.read.parquet(args.out)
    for row in written.groupBy("kind").count().orderBy("kind").collect():
        print(f"{row['kind']}\t{row['count']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
