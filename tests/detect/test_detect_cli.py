"""`oiltrail detect | events | evaluate`: options, one-line errors, exact export columns."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from detect_synth import SEA, T0, h, legs, table
from typer.testing import CliRunner

from oiltrail.ais.schema import EVENT_COLUMNS
from oiltrail.cli import app
from oiltrail.detect.params import load_params
from oiltrail.errors import UsageError
from oiltrail.store import open_store

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "s.duckdb"
    lat, lon = SEA
    tbl = table(
        legs(412000001, T0, lat, lon, [(2, 10, 0), (6, 0.5, 45), (2, 10, 0)]),
        legs(412000002, T0, lat + 1, lon, [(3, 10, 0)]),
        legs(412000002, T0 + h(20), lat + 1.5, lon, [(3, 10, 0)]),
    )
    with open_store(path) as store:
        store.con.register("t", tbl)
        store.con.execute("INSERT INTO positions (mmsi, ts, lat, lon, sog) SELECT * FROM t")
    return path


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def words(text: str) -> str:
    """rich wraps long messages at 80 columns when not on a terminal: compare the words."""
    return " ".join(text.split())


def test_detect_then_export_exact_columns(db: Path, tmp_path: Path) -> None:
    code, out = run("detect", "--db", str(db))
    assert code == 0 and "loitering 1" in out and "gap 1" in out
    code, out = run("events", "--db", str(db), "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and tuple(rows[0]) == EVENT_COLUMNS and len(rows) == 3
    by_kind = {r[1]: dict(zip(EVENT_COLUMNS, r, strict=True)) for r in rows[1:]}
    assert by_kind["gap"]["other_mmsi"] == "" and by_kind["gap"]["start"].endswith("Z")
    assert json.loads(by_kind["loitering"]["details"])["duration_h"] > 5
    code, out = run("events", "--db", str(db), "--format", "json", "--kind", "gap")
    data = json.loads(out)
    assert [list(d) for d in data] == [list(EVENT_COLUMNS)]
    assert isinstance(data[0]["details"], dict) and data[0]["details"]["duration_h"] > 12
    target = tmp_path / "e.parquet"
    code, _ = run("events", "--db", str(db), "--format", "parquet", "-o", str(target))
    assert code == 0 and tuple(pq.read_table(target).column_names) == EVENT_COLUMNS


@pytest.mark.parametrize(
    "args",
    [
        ["--kinds", "gap,bogus"],
        ["--set", "encounter.no_such=1"],
        ["--set", "nokind.x=1"],
        ["--set", "gap.min_duration_h=abc"],
        ["--set", "novalue"],
        ["--since", "2026-13-01"],
    ],
)
def test_bad_options_are_one_line_exit_2(db: Path, args: list[str]) -> None:
    code, out = run("detect", "--db", str(db), *args)
    assert code == 2 and out.startswith("error:") and "Traceback" not in out


def test_config_file_and_set_override(tmp_path: Path, db: Path) -> None:
    cfg = tmp_path / "p.toml"
    cfg.write_text("[gap]\nmin_duration_h = 30\n[loitering]\nmin_duration_h = 3\n")
    params = load_params(["loitering.min_duration_h=7"], cfg)
    assert params.gap.min_duration_h == 30 and params.loitering.min_duration_h == 7
    code, out = run("detect", "--db", str(db), "--config", str(cfg))
    assert code == 0 and "gap" not in out.split("(")[1] and "loitering 1" in out
    cfg.write_text("[gap\n")
    with pytest.raises(UsageError):
        load_params(None, cfg)
    assert run("detect", "--db", str(db), "--config", str(cfg))[0] == 2


def test_user_ports_file(tmp_path: Path, db: Path) -> None:
    ports = tmp_path / "ports.csv"
    # A port right where the loiterer waits: the wait becomes neither loitering nor far.
    ports.write_text(f"name,country,lat,lon,kind,source\nHere,XX,{SEA[0] + 0.2},{SEA[1]},x,t\n")
    code, out = run("detect", "--db", str(db), "--ports", str(ports))
    assert code == 0 and "loitering" not in out.split("(")[1]
    ports.write_text("name,lat\nHere,1\n")
    code, out = run("detect", "--db", str(db), "--ports", str(ports))
    assert code == 2 and "missing port column" in words(out)
    ports.write_text("name,country,lat,lon,kind,source\nHere,XX,95,0,x,t\n")
    assert run("detect", "--db", str(db), "--ports", str(ports))[0] == 2


def test_evaluate_command(db: Path, tmp_path: Path) -> None:
    run("detect", "--db", str(db))
    truth = tmp_path / "truth.csv"
    run("events", "--db", str(db), "--format", "csv", "-o", str(truth))
    code, out = run("evaluate", str(truth), "--db", str(db), "--format", "json")
    rows = {r["kind"]: r for r in json.loads(out)}
    assert code == 0 and rows["all"]["precision"] == 1.0 and rows["all"]["recall"] == 1.0
    assert run("evaluate", str(tmp_path / "missing.csv"), "--db", str(db))[0] == 2


def test_evaluate_refuses_a_chains_csv_saying_what_it_needs(db: Path, tmp_path: Path) -> None:
    """A `trace --format csv` export (or truth_chains.csv) is not scored as if it were events."""
    from oiltrail.store.chains import CHAIN_COLUMNS

    chains = tmp_path / "chains.csv"
    chains.write_text(",".join(CHAIN_COLUMNS) + "\n")
    code, out = run("evaluate", str(chains), "--db", str(db))
    assert code == 2 and len(out.strip().splitlines()) == 1
    assert "a chains CSV; evaluate scores events" in words(out)
    assert "truth_events.csv" in words(out)


def test_events_bad_kind_and_empty_store(tmp_path: Path) -> None:
    path = tmp_path / "empty.duckdb"
    open_store(path).close()
    code, out = run("events", "--db", str(path))
    assert code == 0 and out.strip() == ",".join(EVENT_COLUMNS)
    code, out = run("events", "--db", str(path), "--kind", "bogus")
    assert code == 2 and out.startswith("error:")
    assert run("events", "--db", str(tmp_path / "none.duckdb"))[0] != 0
    assert run("events", "--db", str(path), "--format", "xml")[0] == 2


def test_events_kinds_filter_several_and_output_option(db: Path, tmp_path: Path) -> None:
    assert run("detect", "--db", str(db))[0] == 0
    code, out = run("events", "--db", str(db), "--format", "json", "--kinds", "gap,loitering")
    assert code == 0 and sorted(d["kind"] for d in json.loads(out)) == ["gap", "loitering"]
    target = tmp_path / "gaps.csv"
    code, _ = run("events", "--db", str(db), "--kinds", "gap", "--output", str(target))
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert code == 0 and [r["kind"] for r in rows] == ["gap"]


def test_events_table_to_a_pipe_keeps_its_full_width(db: Path) -> None:
    assert run("detect", "--db", str(db))[0] == 0
    code, out = run("events", "--db", str(db), "--format", "table", "--kinds", "gap")
    lines = out.splitlines()
    assert code == 0 and max(len(line) for line in lines) > 120  # not cut to 80 columns
    header = next(line for line in lines if "event_id" in line)
    assert all(c in header for c in EVENT_COLUMNS)  # every column name whole
