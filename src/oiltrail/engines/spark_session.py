"""Start (or reuse) a Spark session for the Spark engine, and say plainly when Spark cannot run.

pyspark is an optional extra (`pip install 'oiltrail[spark]'`) and needs a Java runtime, so
both are checked before the JVM is started; a failure is an `EngineUnavailableError` (exit 2).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from oiltrail.errors import EngineUnavailableError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# The second spelling has no brackets, so it survives consoles that read [..] as markup.
INSTALL_HINT = "pip install 'oiltrail[spark]' (or: pip install 'pyspark>=4.0')"
JAVA_HINT = "install Java 17 (e.g. apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
DEFAULT_MASTER = "local[2]"  # the reference machine has 2 cores
LOG4J2_URI = Path(__file__).with_name("spark_log4j2.properties").as_uri()


@dataclass(frozen=True)
class SparkConfig:
    """Session options that matter for oiltrail; the rest is left to the cluster's defaults.

    `master=None` takes the master spark-submit (or a notebook) configured;
    `shuffle_partitions=None` means 2 per local core, or the cluster's own setting.
    """

    master: str | None = DEFAULT_MASTER
    app_name: str = "oiltrail-detect"
    shuffle_partitions: int | None = None
    driver_memory: str = "4g"  # local mode only: executors live in the driver JVM
    arrow_batch_rows: int = 100_000  # rows per Arrow batch between the JVM and Python workers


def unavailable_reason() -> str | None:
    """Why the Spark engine cannot run on this machine, or None when it can."""
    if importlib.util.find_spec("pyspark") is None:
        return f"the Spark engine needs pyspark: {INSTALL_HINT}"
    java_home = os.environ.get("JAVA_HOME")
    has_java = bool(java_home and os.path.exists(os.path.join(java_home, "bin", "java")))
    if not has_java and shutil.which("java") is None:
        return f"the Spark engine needs a Java runtime: {JAVA_HINT}"
    return None


def require_spark() -> None:
    """Raise `EngineUnavailableError` (exit 2) when pyspark or Java is missing."""
    reason = unavailable_reason()
    if reason is not None:
        raise EngineUnavailableError(reason)


def _local_cores(master: str) -> int:
    inner = master.removeprefix("local").strip("[]") or "1"
    if inner == "*":
        return os.cpu_count() or 2
    return int(inner.split(",")[0])


def _prepare_environment(local: bool) -> None:
    # Workers must run the same interpreter (and so the same oiltrail) as the driver.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    if local:
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # pyspark imports pandas for its Arrow exchange: the CLI hides it from other commands.
    from oiltrail.startup import allow

    allow("pandas")
    # pyspark 4.x warns about pandas 3; the engine exchanges Arrow, not pandas.
    warnings.filterwarnings("ignore", message=".*pandas >= 3.0.0.*", category=FutureWarning)


def spark_session(config: SparkConfig | None = None) -> SparkSession:
    """The active Spark session, or a new one built from `config` (default `local[2]`).

    A local session binds to 127.0.0.1 with its web UI off; Arrow is on and logs are quiet.
    Raises:
        EngineUnavailableError: pyspark or Java is missing, or the JVM did not start.
    """
    require_spark()
    config = config or SparkConfig()
    local = config.master is not None and config.master.startswith("local")
    _prepare_environment(local)
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    builder = (
        SparkSession.builder
        if config.master is None
        else SparkSession.builder.master(config.master)
    )
    builder = (
        builder.appName(config.app_name)
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(config.arrow_batch_rows))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.parquet.inferTimestampNTZ.enabled", "true")
        .config("spark.ui.showConsoleProgress", "false")
    )
    partitions = config.shuffle_partitions
    if local:
        partitions = partitions or 2 * _local_cores(config.master or DEFAULT_MASTER)
        builder = (
            builder.config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.memory", config.driver_memory)
            .config("spark.sql.adaptive.coalescePartitions.enabled", "false")
            .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={LOG4J2_URI}")
        )
    if partitions:
        builder = builder.config("spark.sql.shuffle.partitions", str(partitions))
    return _start(builder)


def _start(builder: SparkSession.Builder) -> SparkSession:
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # the JVM failed to start: a one-line reason, not a Java trace
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise EngineUnavailableError(f"Spark did not start: {first} ({JAVA_HINT})") from exc
    session.sparkContext.setLogLevel("ERROR")
    return session
