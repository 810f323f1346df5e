"""Check and read the day-partitioned Parquet positions (`ROOT/day=YYYY-MM-DD/*.parquet`).

The layout is checked on the driver before Spark reads anything, by reading only file footers:
a missing day or a file whose columns drifted from `oiltrail.ais.schema.POSITIONS` stops the run
with a one-line error naming the day or the file. Paths may be local or any URI pyarrow's
filesystems understand (s3://, gs://, hdfs://).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from oiltrail.ais.schema import POSITIONS, STATIC
from oiltrail.engines.spark_arrow import spark_arrow_schema
from oiltrail.errors import InputFormatError, NotFoundError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

DAY_DIR = re.compile(r"^day=(\d{4}-\d{2}-\d{2})$")
MAX_NAMED = 5  # days named in a "missing days" message before "and N more"


@dataclass(frozen=True)
class ParquetLayout:
    """The checked layout: the days present (contiguous) and the folder URI of each."""

    root: str
    days: tuple[date, ...]
    day_uris: tuple[str, ...]
    files: tuple[str, ...]


def _filesystem(root: str | Path) -> tuple[pafs.FileSystem, str, str]:
    """(filesystem, path inside it, URI prefix Spark should use for that path)."""
    text = str(root)
    if "://" in text:
        fs, inner = pafs.FileSystem.from_uri(text)
        return fs, inner.rstrip("/"), text.split("://", 1)[0] + "://"
    local = Path(text).resolve()
    return pafs.LocalFileSystem(), str(local), ""


def _list(fs: pafs.FileSystem, path: str) -> list[pafs.FileInfo]:
    try:
        infos: list[pafs.FileInfo] = fs.get_file_info(pafs.FileSelector(path))
    except (FileNotFoundError, OSError) as exc:
        raise NotFoundError(f"no Parquet folder at {path}: {exc}") from exc
    return infos


def _parse_day(name: str, where: str) -> date:
    match = DAY_DIR.match(name)
    if match is None:
        raise InputFormatError(f"{where}/{name}: not a day=YYYY-MM-DD partition folder")
    try:
        return date.fromisoformat(match.group(1))
    except ValueError as exc:
        raise InputFormatError(f"{where}/{name}: not a valid day ({exc})") from exc


def _within(day: date, since: date | None, until: date | None) -> bool:
    return (since is None or day >= since) and (until is None or day <= until)


def _missing_days(days: list[date]) -> list[date]:
    present = set(days)
    span = (days[-1] - days[0]).days
    return [d for d in (days[0] + timedelta(n) for n in range(span + 1)) if d not in present]


def _check_contiguous(days: list[date], where: str) -> None:
    missing = _missing_days(days)
    if not missing:
        return
    named = ", ".join(f"day={d.isoformat()}" for d in missing[:MAX_NAMED])
    more = f" and {len(missing) - MAX_NAMED} more" if len(missing) > MAX_NAMED else ""
    raise InputFormatError(
        f"{where}: missing {len(missing)} day folder(s) between {days[0]} and {days[-1]}: "
        f"{named}{more}"
    )


def scan_layout(
    parquet_dir: str | Path, since: date | None = None, until: date | None = None
) -> ParquetLayout:
    """List `day=` folders between `since` and `until` (inclusive) and check each file's schema.

    Raises:
        NotFoundError: the folder does not exist.
        InputFormatError: no day folders, a missing day, an empty day, a stray folder, or a file
            that is not Parquet or whose schema drifted (the message names it).
    """
    fs, base, scheme = _filesystem(parquet_dir)
    entries = [e for e in _list(fs, base) if e.type == pafs.FileType.Directory]
    entries = [e for e in entries if not e.base_name.startswith(("_", "."))]
    by_day = {_parse_day(e.base_name, base): e.path for e in entries}
    days = sorted(
        d for d in by_day if (since is None or d >= since) and (until is None or d <= until)
    )
    if not days:
        window = f" between {since or '…'} and {until or '…'}" if since or until else ""
        raise InputFormatError(f"{base}: no day=YYYY-MM-DD folders{window}")
    _check_contiguous(days, base)
    files: list[str] = []
    for day in days:
        day_files = _day_files(fs, by_day[day])
        for path in day_files:
            check_schema(fs, path, scheme)
        files.extend(scheme + p for p in day_files)
    return ParquetLayout(
        root=scheme + base,
        days=tuple(days),
        day_uris=tuple(scheme + by_day[d] for d in days),
        files=tuple(files),
    )


def _day_files(fs: pafs.FileSystem, day_path: str) -> list[str]:
    infos = fs.get_file_info(pafs.FileSelector(day_path, recursive=True))
    files = sorted(
        i.path
        for i in infos
        if i.type == pafs.FileType.File and not i.base_name.startswith(("_", "."))
    )
    if not files:
        raise InputFormatError(f"{day_path}: day folder holds no Parquet file")
    return files


def _compatible(got: pa.DataType, want: pa.DataType) -> bool:
    """The canonical type, Spark's signed stand-in for it, or a UTC timestamp in any unit."""
    if got in (want, spark_arrow_schema(pa.schema([("x", want)])).field("x").type):
        return True
    if pa.types.is_timestamp(want) and pa.types.is_timestamp(got):
        return got.tz in (None, "UTC", "+00:00", "Etc/UTC")
    return False


def schema_drift(actual: pa.Schema, expected: pa.Schema = POSITIONS) -> str | None:
    """A short description of how `actual` differs from `expected`, or None when it matches.

    Files written by Spark itself (signed integers, UTC timestamps) are accepted as they are.
    """
    missing = [f.name for f in expected if f.name not in actual.names]
    if missing:
        return f"missing column(s) {', '.join(missing)}"
    extra = [n for n in actual.names if n not in expected.names and n != "day"]
    if extra:
        return f"unexpected column(s) {', '.join(extra)}"
    for field in expected:
        got = actual.field(field.name).type
        if not _compatible(got, field.type):
            return f"column {field.name} is {got}, expected {field.type}"
    return None


def check_static(static_path: str | Path) -> None:
    """Check a static-reports Parquet file (or folder of them) against the STATIC columns."""
    fs, path, scheme = _filesystem(static_path)
    info = fs.get_file_info(path)
    if info.type == pafs.FileType.NotFound:
        raise NotFoundError(f"no static reports at {scheme}{path}")
    files = [path] if info.type == pafs.FileType.File else _day_files(fs, path)
    for file in files:
        check_schema(fs, file, scheme, STATIC)


def check_schema(
    fs: pafs.FileSystem, path: str, scheme: str = "", expected: pa.Schema = POSITIONS
) -> None:
    """Read one file's footer and raise `InputFormatError` naming it if it drifted."""
    try:
        schema = pq.read_schema(path, filesystem=fs)
    except (pa.ArrowInvalid, OSError) as exc:
        first = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise InputFormatError(f"{scheme}{path}: not a readable Parquet file ({first})") from exc
    drift = schema_drift(schema, expected)
    if drift is not None:
        raise InputFormatError(f"{scheme}{path}: schema drift: {drift}")


def read_positions(spark: SparkSession, layout: ParquetLayout) -> DataFrame:
    """The checked days as one Spark DataFrame with the canonical columns plus `day`."""
    from pyspark.sql import functions as F

    frame = spark.read.option("basePath", layout.root).parquet(*layout.day_uris)
    return frame.withColumn("day", F.col("day").cast("date"))
