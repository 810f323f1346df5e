"""The Parquet layout checks (no JVM needed) and the missing-Spark error."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from engines_spark_util import DAYS, edge_scenario, positions_table, write_days

from oiltrail.ais.schema import POSITIONS
from oiltrail.engines import spark_session
from oiltrail.engines.spark_io import scan_layout, schema_drift
from oiltrail.errors import EngineUnavailableError, InputFormatError, NotFoundError


def test_layout_lists_contiguous_days_and_files(tmp_path: Path) -> None:
    layout = scan_layout(write_days(tmp_path, DAYS))
    assert layout.days == tuple(DAYS)
    assert len(layout.files) == 4
    assert layout.day_uris[0].endswith("day=2026-01-05")


def test_layout_window_keeps_only_requested_days(tmp_path: Path) -> None:
    layout = scan_layout(write_days(tmp_path, DAYS), since=DAYS[1], until=DAYS[2])
    assert layout.days == (DAYS[1], DAYS[2])


def test_missing_day_is_named(tmp_path: Path) -> None:
    write_days(tmp_path, [DAYS[0], DAYS[1], DAYS[3]])
    with pytest.raises(InputFormatError, match=r"missing 1 day.*day=2026-01-07"):
        scan_layout(tmp_path)


def test_schema_drift_names_the_file(tmp_path: Path) -> None:
    write_days(tmp_path, DAYS[:2])
    bad = positions_table(DAYS[1]).set_column(2, "lat", pa.array(["38.0"] * 3))
    pq.write_table(bad, tmp_path / "day=2026-01-06" / "part-1.parquet")
    with pytest.raises(
        InputFormatError,
        match=r"day=2026-01-06/part-1.parquet: schema drift: "
        r"column lat is string, expected double",
    ):
        scan_layout(tmp_path)


def test_missing_column_and_not_parquet_are_named(tmp_path: Path) -> None:
    assert schema_drift(POSITIONS.remove(POSITIONS.get_field_index("sog"))) == (
        "missing column(s) sog"
    )
    write_days(tmp_path, DAYS[:1])
    (tmp_path / "day=2026-01-05" / "junk.parquet").write_text("not parquet")
    with pytest.raises(InputFormatError, match=r"junk.parquet: not a readable Parquet file"):
        scan_layout(tmp_path)


def test_no_folder_empty_folder_and_stray_folder(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        scan_layout(tmp_path / "absent")
    with pytest.raises(InputFormatError, match="no day=YYYY-MM-DD folders"):
        scan_layout(tmp_path)
    (tmp_path / "day=2026-13-01").mkdir()
    with pytest.raises(InputFormatError, match="not a valid day"):
        scan_layout(tmp_path)


def test_empty_day_folder_is_named(tmp_path: Path) -> None:
    write_days(tmp_path, DAYS[:1])
    (tmp_path / "day=2026-01-06").mkdir()
    with pytest.raises(InputFormatError, match=r"day=2026-01-06: day folder holds no Parquet"):
        scan_layout(tmp_path)


def test_missing_pyspark_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spark_session.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(EngineUnavailableError, match=r"pip install 'oiltrail\[spark\]'") as info:
        spark_session.require_spark()
    assert info.value.exit_code == 2


def test_missing_java_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(spark_session.shutil, "which", lambda name: None)
    assert "Java" in (spark_session.unavailable_reason() or "")


def test_spark_written_types_are_not_drift() -> None:
    spark_like = pa.schema(
        [pa.field(f.name, pa.int64()) if f.name == "mmsi" else f for f in POSITIONS]
    )
    assert schema_drift(spark_like) is None
    utc = pa.schema(
        [pa.field("ts", pa.timestamp("ms", tz="UTC")) if f.name == "ts" else f for f in POSITIONS]
    )
    assert schema_drift(utc) is None
    tokyo = pa.schema(
        [
            pa.field("ts", pa.timestamp("us", tz="Asia/Tokyo")) if f.name == "ts" else f
            for f in POSITIONS
        ]
    )
    assert (
        schema_drift(tokyo) == "column ts is timestamp[us, tz=Asia/Tokyo], expected timestamp[us]"
    )


def test_spark_job_names_the_missing_day(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from oiltrail.engines import spark_job

    write_days(tmp_path / "positions", [DAYS[0], DAYS[2]])
    monkeypatch.setattr(spark_job, "_session", lambda: None)
    code = spark_job.main(["--positions", str(tmp_path / "positions"), "--out", str(tmp_path)])
    assert code == 2
    assert "day=2026-01-06" in capsys.readouterr().err


def test_static_drift_names_the_file(tmp_path: Path) -> None:
    from oiltrail.engines.spark_io import check_static

    _positions, static = edge_scenario()
    good = tmp_path / "static.parquet"
    pq.write_table(static, good)
    check_static(good)
    bad = tmp_path / "bad.parquet"
    pq.write_table(static.drop_columns(["draught"]), bad)
    with pytest.raises(InputFormatError, match=r"bad.parquet: schema drift: missing column"):
        check_static(bad)
    with pytest.raises(NotFoundError):
        check_static(tmp_path / "absent.parquet")
