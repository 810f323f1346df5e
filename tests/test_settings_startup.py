"""Settings come from OILTRAIL_* variables (a bad one is one line naming it), and a command's
start does not import what it does not use (docs/performance.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from oiltrail.errors import UsageError
from oiltrail.settings import Settings
from oiltrail.startup import allow, hidden


def test_settings_read_the_environment_and_keep_defaults() -> None:
    s = Settings.from_env({"OILTRAIL_WORKERS": "3", "OILTRAIL_DB": "x.duckdb", "OTHER": "1"})
    assert s.workers == 3 and s.db == Path("x.duckdb")
    assert s.batch_rows == Settings().batch_rows


@pytest.mark.parametrize("raw", ["many", "-1", "0", "2.5"])
def test_a_bad_number_names_the_variable(raw: str) -> None:
    with pytest.raises(UsageError, match="OILTRAIL_WORKERS"):
        Settings.from_env({"OILTRAIL_WORKERS": raw})


def test_hidden_modules_fail_to_import_and_allow_lifts_it() -> None:
    name = "oiltrail_never_imported_module"
    with hidden(name):
        with pytest.raises(ModuleNotFoundError):
            __import__(name)
        allow(name)
        with pytest.raises(ModuleNotFoundError):  # lifted: now simply not installed
            __import__(name)
    with hidden("json"):  # already imported: nothing hidden
        __import__("json")


def _imported_by(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(out.split())


def test_the_command_line_imports_no_data_library() -> None:
    mods = _imported_by("import oiltrail.cli")
    assert not {"duckdb", "numpy", "pyarrow", "polars", "pandas", "pydantic"} & mods


def test_nmea_ingest_imports_none_of_the_modules_it_does_not_use(tmp_path: Path) -> None:
    nmea = tmp_path / "a.nmea"
    nmea.write_bytes(b"!AIVDM,1,1,,A,15M67FC000G?ufbE`FepT@3n00Sa,0*5F\n")
    argv = ["oiltrail", "ingest", "--db", str(tmp_path / "s.duckdb"), str(nmea)]
    argv += ["--base-time", "2026-01-05T00:00:00Z"]
    code = (
        f"import sys\nfrom oiltrail.cli import app\nsys.argv = {argv!r}\n"
        "try:\n    app()\nexcept SystemExit as e:\n    assert not e.code, e.code"
    )
    mods = _imported_by(code)
    assert "duckdb" in mods and "oiltrail.ais.compiled" in mods  # it did ingest
    assert not {"polars", "pandas", "scipy.linalg", "pyarrow.dataset"} & mods


def test_marinecadastre_ingest_imports_neither_polars_nor_pandas(tmp_path: Path) -> None:
    csv = tmp_path / "AIS_2026_01_05.csv"
    csv.write_text(
        "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
        "Length,Width,Draft,Cargo,TransceiverClass\n"
        "445123456,2026-01-05T00:00:00,39.0,125.0,10.0,90.0,511,KUM UN SAN 3,IMO9074729,HMAB,"
        "80,0,100,16,6.2,80,A\n"
    )
    argv = ["oiltrail", "ingest", "--db", str(tmp_path / "s.duckdb"), str(csv)]
    code = (
        f"import sys\nfrom oiltrail.cli import app\nsys.argv = {argv!r}\n"
        "try:\n    app()\nexcept SystemExit as e:\n    assert not e.code, e.code"
    )
    mods = _imported_by(code)
    assert "oiltrail.ais.csv_sql" in mods  # it did ingest, with DuckDB's CSV reader
    assert not {"polars", "pandas", "pyarrow.dataset", "oiltrail.ais.csv_polars"} & mods


def test_ingest_imports_without_the_garbage_collector_and_turns_it_back_on(
    tmp_path: Path,
) -> None:
    import gc

    from typer.testing import CliRunner

    from oiltrail.cli import app, imports_frozen

    with imports_frozen():
        assert not gc.isenabled()
    assert gc.isenabled() and gc.get_freeze_count() > 0
    nmea = tmp_path / "a.nmea"
    nmea.write_bytes(b"!AIVDM,1,1,,A,15M67FC000G?ufbE`FepT@3n00Sa,0*5F\n")
    args = ["ingest", "--db", str(tmp_path / "s.duckdb"), str(nmea)]
    res = CliRunner().invoke(app, [*args, "--base-time", "2026-01-05T00:00:00Z"])
    assert res.exit_code == 0, res.output
    assert gc.isenabled()
