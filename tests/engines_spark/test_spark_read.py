"""Reading the day-partitioned Parquet with a real local[2] Spark session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from engines_spark_util import DAYS, write_days

from oiltrail.engines.spark_io import read_positions, scan_layout

pytestmark = pytest.mark.spark


def test_spark_reads_every_day_with_its_partition_column(spark: Any, tmp_path: Path) -> None:
    layout = scan_layout(write_days(tmp_path, DAYS))
    frame = read_positions(spark, layout)
    print(frame.schema)
    rows = frame.groupBy("day").count().orderBy("day").collect()
    assert [(r["day"], r["count"]) for r in rows] == [(d, 3) for d in DAYS]
