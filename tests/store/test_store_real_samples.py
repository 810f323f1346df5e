"""Every real AIS sample of shared/data/real ingests into what it holds.

Counts were checked against the files themselves (tests/data/README.md and the shared README
say what each holds): qgis-trajectools' ais.csv 972 rows of 4 MMSIs; ais_dk_cpa.csv 255 rows
of 2 vessels; NOAA's 1,000 rows of which 2 have an MMSI that is not 9 digits; the Spire-style
CSV 2,498 rows; aisdb's nm4 1,000 lines; mobiml's samples 10 rows each. MIT/BSD files are
copied into tests/data/ais; GPL/AGPL ones (qgis-trajectools, aisdb) are read from the shared
folder and skip without it.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from oiltrail.cli import app
from oiltrail.errors import InputFormatError
from oiltrail.store.ingest import ingest_into

DATA = Path(__file__).resolve().parent.parent / "data"
BASE = "2026-01-05T00:00:00Z"

# (file, base time, positions, static, quarantined, vessels, first position's time)
# "ais/…" is in tests/data; anything else is under shared/data/real.
CASES = [
    ("qgis-trajectools/ais.csv", None, 972, 0, {}, 4, "2014-01-01 04:43:53"),  # ISO with Z
    ("qgis-trajectools/ais_dk_cpa.csv", None, 255, 2, {}, 2, "2017-07-05 19:00:01"),
    ("aisdb/test_data_noaa_20230101.csv", None, 998, 998, {"invalid_mmsi": 2}, 998,
     "2023-01-11 00:00:00"),
    # Spire: base stations (MMSI 00…) and static-only rows without a position (lat 91).
    ("aisdb/test_data_20210701.csv", None, 2285, 56,
     {"invalid_mmsi": 135, "out_of_range:lat": 78}, 2159, "2021-07-01 00:00:41"),
    ("aisdb/test_data_20211101.nm4", None, 903, 42,
     {"invalid_mmsi": 13, "out_of_range:lat": 2}, 788, "2021-11-01 01:58:07"),
    ("aisdb/test_data_201201.nmea", None, 3, 2,
     {"out_of_range:lat": 1, "invalid_mmsi": 1}, 3, "2012-01-01 05:01:00"),
    ("ais/test_aisdk_20180208_sample.csv", None, 10, 0, {}, 10, "2018-02-08 00:00:00"),
    ("ais/test_nari_dynamic.csv", None, 10, 0, {}, 9, "2015-09-30 22:00:02"),  # epoch seconds
    ("ais/gatehouse.nmea", None, 2, 0, {"no_time": 2}, 2, "2008-05-09 00:00:00.010000"),
    ("ais/gatehouse.nmea", BASE, 4, 0, {}, 4, "2008-05-09 00:00:00.010000"),
    ("ais/timestamped.ais", BASE, 4, 0, {}, 4, "2008-05-09 00:00:00.010000"),
    ("ais/mixed.txt", None, 1, 1, {"unparseable": 2, "truncated": 1, "no_time": 10}, 1,
     "2008-05-09 00:00:00.010000"),
    ("ais/mixed.txt", BASE, 8, 2,
     {"unparseable": 2, "truncated": 1, "invalid_mmsi": 2}, 7, "2008-05-09 00:00:00.010000"),
    ("ais/sample.ais", BASE, 8, 1, {"unparseable": 2, "truncated": 1, "invalid_mmsi": 2}, 7,
     "2009-05-09 00:00:00.010000"),
    ("ais/messages.ais", BASE, 3, 0, {}, 3, "2026-01-05 00:00:00"),
    ("ais/ais_test_messages", BASE, 5, 1, {"invalid_mmsi": 1}, 5, "2026-01-05 00:00:00"),
    ("ais/nmea_data_sample.txt", BASE, 739, 2,
     {"truncated:empty_payload": 100, "out_of_range:lat": 4, "missing_fragment": 20}, 163,
     "2026-01-05 00:00:00"),
]  # fmt: skip


def _path(name: str, shared_real: Path | None) -> Path:
    if name.startswith("ais/"):
        return DATA / name
    if shared_real is None:
        pytest.skip("shared/data/real is absent (GPL/AGPL samples are not copied)")
    return shared_real / name


@pytest.fixture
def shared_or_none(request: pytest.FixtureRequest) -> Path | None:
    try:
        return Path(request.getfixturevalue("shared_real"))
    except pytest.skip.Exception:
        return None


@pytest.mark.parametrize(
    ("name", "base", "positions", "static", "quarantined", "vessels", "first"),
    CASES,
    ids=[f"{c[0]}{'+base' if c[1] else ''}" for c in CASES],
)
def test_real_sample_ingests_what_it_holds(
    tmp_path: Path, shared_or_none: Path | None, name: str, base: str | None, positions: int,
    static: int, quarantined: dict[str, int], vessels: int, first: str,
) -> None:  # fmt: skip
    path = _path(name, shared_or_none)
    db = tmp_path / "s.duckdb"
    rep = ingest_into(db, [path], base_time=base, progress=False).files[0]
    assert not rep.refused
    assert (rep.positions, rep.static_reports, rep.quarantined) == (
        positions, static, Counter(quarantined)
    )  # fmt: skip
    con = duckdb.connect(str(db), read_only=True)
    n, mmsis, lo = con.execute(
        "SELECT count(*), count(DISTINCT mmsi), min(ts) FROM positions"
    ).fetchone()  # type: ignore[misc]
    stored_q = con.execute("SELECT count(*) FROM quarantine").fetchone()
    con.close()
    assert (n, mmsis, str(lo)) == (positions, vessels, first)
    assert stored_q == (sum(quarantined.values()),)


def test_nmea_without_times_is_refused_naming_base_time(tmp_path: Path) -> None:
    """Every line untimed: nothing kept (so the same file can be ingested again with
    --base-time), exit 3, and the message names the fix."""
    db = tmp_path / "s.duckdb"
    res = CliRunner().invoke(
        app, ["ingest", str(DATA / "ais/nmea_data_sample.txt"), "--db", str(db)]
    )
    assert res.exit_code == 3, res.output
    assert "--base-time" in res.output and "nmea_data_sample.txt" in res.output
    assert "Traceback" not in res.output
    res = CliRunner().invoke(
        app,
        ["ingest", str(DATA / "ais/nmea_data_sample.txt"), "--db", str(db), "--base-time", BASE],
    )
    assert res.exit_code == 0, res.output
    assert "already ingested" not in res.output and "739" in res.output


def test_partly_untimed_nmea_is_kept_with_a_hint(tmp_path: Path) -> None:
    res = CliRunner().invoke(
        app, ["ingest", str(DATA / "ais/mixed.txt"), "--db", str(tmp_path / "s.duckdb")]
    )
    assert res.exit_code == 0, res.output
    assert "10 NMEA lines had no time" in res.output and "--base-time" in res.output


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("movingpandas-examples/boat-positions.csv", "without an MMSI column"),
        ("pipe-anchorages/WPI_ports.csv", "not AIS"),
        ("mobiml/ais_mid_whitelist.csv", "not AIS"),
    ],
)
def test_real_csv_that_is_not_ais_is_refused_in_one_line(
    tmp_path: Path, shared_real: Path, name: str, says: str
) -> None:
    with pytest.raises(InputFormatError, match=says) as err:
        ingest_into(tmp_path / "s.duckdb", [shared_real / name], progress=False)
    assert "\n" not in err.value.detail and Path(name).name in err.value.detail
    assert not (tmp_path / "s.duckdb").exists()
