"""Spark fixtures: one real `local[2]` session for the whole test run, shared by every test here.

Tests marked `spark` skip with a reason when pyspark or Java is missing; set
OILTRAIL_REQUIRE_SPARK=1 (CI does) to turn that skip into a failure so they can never be
skipped silently where Spark is meant to run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from oiltrail.engines.spark_session import SparkConfig, spark_session, unavailable_reason


def _require() -> None:
    reason = unavailable_reason()
    if reason is None:
        return
    if os.environ.get("OILTRAIL_REQUIRE_SPARK") == "1":
        pytest.fail(f"OILTRAIL_REQUIRE_SPARK=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """A real local[2] Spark session (skips with a reason when Spark cannot run here)."""
    _require()
    session = spark_session(SparkConfig(master="local[2]", shuffle_partitions=4))
    yield session
    session.stop()
