"""The `lists load`, `screen`, `vessels` and `graph` commands, end to end through Typer."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from oiltrail.cli import app
from oiltrail.store import open_store

DATA = Path(__file__).resolve().parent.parent / "data" / "screen"
COLUMNS = ["query_id", "entity_id", "name", "schema", "score", "match", "lists", "reasons"]
runner = CliRunner()


def test_lists_load_then_screen_csv(db_path: Path) -> None:
    loaded = runner.invoke(app, ["lists", "load", str(DATA / "sdn.csv"), "--db", str(db_path)])
    assert loaded.exit_code == 0, loaded.output
    result = runner.invoke(app, ["screen", "YUJONG-2", "--db", str(db_path), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == COLUMNS
    assert rows[0]["name"] == "YU JONG 2" and rows[0]["match"] == "True"


def test_screen_batch_file_json(db_path: Path, tmp_path: Path) -> None:
    queries = tmp_path / "q.csv"
    queries.write_text(
        "query_id,name,imo,mmsi,schema\n"
        "a,CHONMASAN,,,Vessel\n"
        "b,,IMO8660313,,\n"
        "c,Nobody Whatsoever,,,\n"
        "d,CHON MA SAN,IMO1234568,,\n"  # bad check digit: screened by name, IMO ignored
        "e,Y,,,Spaceship\n"  # unknown schema: a counted skip
        "f,,IMO1234568,,\n"  # nothing left once the bad IMO goes: a counted skip
    )
    open_store(db_path).close()  # an empty store (a missing one is refused)
    result = runner.invoke(
        app, ["screen", "--file", str(queries), "--db", str(db_path), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["query_id"] for r in rows} == {"a", "b", "d"}
    assert all(list(r) == COLUMNS for r in rows)
    by_name = next(r for r in rows if r["query_id"] == "d")
    assert by_name["name"] == "CHON MA SAN" and by_name["match"]
    assert "IMO number 'IMO1234568' fails both" in by_name["reasons"]
    assert "ignored, screened without it" in by_name["reasons"]
    assert "2 " not in result.stderr.split("skipped:")[1] or "1 IMO number" in result.stderr
    assert "skipped" in result.stderr and "Spaceship" not in result.stdout


def test_screen_usage_errors_are_one_line(db_path: Path) -> None:
    for args in (["screen", "--db", str(db_path)], ["screen", "IMO8660314", "--db", str(db_path)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.output


def test_lists_load_hostile_file_exit_2(db_path: Path, tmp_path: Path) -> None:
    bomb = tmp_path / "b.xml"
    bomb.write_text('<!DOCTYPE x [<!ENTITY a "aaaa">]><CONSOLIDATED_LIST>&a;</CONSOLIDATED_LIST>')
    result = runner.invoke(app, ["lists", "load", str(bomb), "--db", str(db_path)])
    assert result.exit_code == 2
    assert "hostile XML" in result.stderr


def test_graph_and_vessels_commands(db_path: Path) -> None:
    open_store(db_path).close()  # an empty store (a missing one is refused)
    result = runner.invoke(app, ["graph", "YU JONG 2", "--db", str(db_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows[0]["hops"] == 0
    assert any(r["hops"] == 1 and "KOREA YUJONG SHIPPING" in r["sanctioned"] for r in rows)
    vessels = runner.invoke(app, ["vessels", "--flagged", "--db", str(db_path), "--format", "json"])
    assert vessels.exit_code == 0, vessels.output
    assert json.loads(vessels.stdout) == []  # no AIS data in this store
    missing = runner.invoke(app, ["graph", "Zzyzx Qwvbn", "--db", str(db_path)])
    assert missing.exit_code == 2
