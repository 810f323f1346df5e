"""`oiltrail serve` as a real process (token generated once, mode 0600, 127.0.0.1 by default)
and `oiltrail vessel` on the command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
import pytest
from serving import free_port, serve, stop
from typer.testing import CliRunner

from oiltrail.api.auth import token_path
from oiltrail.cli import app

runner = CliRunner()


def test_serve_makes_a_token_once(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    shutil.copy(demo_db, db)
    port = free_port()
    proc, lines = serve(db, port)
    try:
        text = "\n".join(lines)
        token = token_path(db).read_text().strip()
        assert token in text and text.count(token) == 2  # the token line and the URL
        assert token_path(db).stat().st_mode & 0o777 == 0o600
        url = f"http://127.0.0.1:{port}"
        assert httpx.get(f"{url}/vessels").status_code == 401
        r = httpx.get(f"{url}/vessels", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200 and r.json()["total"] > 0
    finally:
        stop(proc)
    proc, lines = serve(db, port)  # second start: the same token, not printed
    try:
        assert token not in "\n".join(lines)
        assert token_path(db).read_text().strip() == token
    finally:
        stop(proc)


def test_serve_refuses_a_missing_store(tmp_path: Path) -> None:
    result = runner.invoke(app, ["serve", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 4
    assert "no store at --db" in result.output


def test_vessel_dossier_on_the_command_line(demo_db: Path) -> None:
    result = runner.invoke(app, ["vessel", "PAEK MA", "--db", str(demo_db), "--format", "json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["mmsi"] == 445944506 and found["screening"][0]["entity_id"] == "ofac-23737"
    table = runner.invoke(app, ["vessel", "IMO9066978", "--db", str(demo_db)])
    assert table.exit_code == 0 and "PAEK MA" in table.output and "ownership paths" in table.output


def test_vessel_dossier_to_files_in_each_format(demo_db: Path, tmp_path: Path) -> None:
    """-o writes what --format would print: the JSON document, one CSV row per value, the
    tables at full width without colour codes."""
    import csv

    files = {fmt: tmp_path / f"paek.{fmt}" for fmt in ("json", "csv", "table")}
    for fmt, path in files.items():
        args = ["vessel", "445944506", "--db", str(demo_db), "--format", fmt, "-o", str(path)]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    found = json.loads(files["json"].read_text(encoding="utf-8"))
    assert found["name"] == "PAEK MA" and found["events"]
    rows = list(csv.DictReader(files["csv"].open(encoding="utf-8")))
    assert list(rows[0]) == ["section", "index", "field", "value"]
    cell = {(r["section"], int(r["index"]), r["field"]): r["value"] for r in rows}
    assert cell[("vessel", 0, "name")] == "PAEK MA"
    assert cell[("track", 0, "positions")] == str(found["track"]["positions"])
    last = len(found["events"]) - 1
    assert cell[("events", last, "event_id")] == found["events"][last]["event_id"]
    assert ("screening", 0, "entity_id") in cell
    text = files["table"].read_text(encoding="utf-8")
    assert text.startswith("PAEK MA — MMSI 445944506") and "identities" in text
    assert "\x1b[" not in text  # no colour codes in a file
    bad = runner.invoke(app, ["vessel", "445944506", "--db", str(demo_db), "--format", "xml"])
    assert bad.exit_code == 2 and "unknown format 'xml'" in bad.output


@pytest.mark.parametrize(
    ("arg", "code", "text"),
    [
        ("999999999", 2, "not in the store"),
        ("NO SUCH SHIP", 2, "no vessel with name"),
        ("", 2, "give an MMSI"),
    ],
)
def test_vessel_bad_input_is_one_line(demo_db: Path, arg: str, code: int, text: str) -> None:
    result = runner.invoke(app, ["vessel", arg, "--db", str(demo_db)])
    assert result.exit_code == code
    assert text in result.output and "Traceback" not in result.output


def test_sigterm_stops_the_server_cleanly(demo_db: Path, tmp_path: Path) -> None:
    from oiltrail.store.handoff import serving_path

    db = tmp_path / "t.duckdb"
    shutil.copy(demo_db, db)
    proc, _ = serve(db, free_port(), token="term-token-0123456789abcdef")
    assert serving_path(db).exists()
    proc.terminate()
    assert proc.wait(timeout=30) == 0
    assert not serving_path(db).exists()
