"""`oiltrail trace` prints exactly the SPEC §6 columns and says what is missing."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from trace_fixtures import full_chain
from typer.testing import CliRunner

from oiltrail.cli import app
from oiltrail.store import open_store
from oiltrail.store.chains import CHAIN_COLUMNS


def test_trace_csv_columns_and_row(db_path: Path) -> None:
    with open_store(db_path) as store:
        full_chain(store, 273_000_001, 445_000_001)
    result = CliRunner().invoke(app, ["trace", "--db", str(db_path), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == list(CHAIN_COLUMNS)
    assert rows[0]["destination"] == "Nampo (Chinnampo)"
    assert rows[0]["load_start"] == "2026-01-05T00:00:00Z"
    assert "1 chain(s), 1 complete" in result.stderr


def test_trace_json(db_path: Path) -> None:
    with open_store(db_path) as store:
        full_chain(store, 273_000_001, 445_000_001)
    result = CliRunner().invoke(app, ["trace", "--db", str(db_path), "--format", "json"])
    data = json.loads(result.stdout)
    assert list(data[0]) == list(CHAIN_COLUMNS)
    assert data[0]["confidence"] == 1.0


def test_trace_on_empty_store_says_what_is_missing(db_path: Path) -> None:
    open_store(db_path).close()  # an empty store (a missing one is refused)
    result = CliRunner().invoke(app, ["trace", "--db", str(db_path), "--format", "csv"])
    assert result.exit_code == 0
    assert result.stdout.strip() == ",".join(CHAIN_COLUMNS)
    assert "no events" in result.stderr


def test_trace_bad_format_is_usage_error(db_path: Path) -> None:
    result = CliRunner().invoke(app, ["trace", "--db", str(db_path), "--format", "xml"])
    assert result.exit_code == 2
    assert "unknown format" in result.output


def test_trace_detail_json_says_why(db_path: Path) -> None:
    with open_store(db_path) as store:
        full_chain(store, 273_000_001, 445_000_001)
    result = CliRunner().invoke(app, ["trace", "--db", str(db_path), "--detail"])
    data = json.loads(result.stdout)
    links = data[0]["details"]["links"]
    assert set(links) == {"load", "transfer", "delivery"}
    assert all(link["why"] for link in links.values())
    assert data[0]["details"]["volume"]["barrels_mid"] == data[0]["barrels_mid"]
