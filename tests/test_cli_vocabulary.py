"""One CLI vocabulary (docs/README.md): every command that prints rows takes --format
table|csv|json and -o/--output FILE, and what it writes to the file is what it would print."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from oiltrail.cli import app

ROW_COMMANDS = (
    "anchorages",
    "status",
    "events",
    "evaluate",
    "screen",
    "vessels",
    "graph",
    "trace",
    "estimate",
    "routes",
    "lists show",
    "check-claims",
    "vessel",
)


def _options(name: str) -> set[str]:
    cmd = get_command(app)
    for part in name.split():  # "lists show": a group's subcommand
        cmd = cmd.commands[part]  # type: ignore[attr-defined]
    return {o for p in cmd.params for o in getattr(p, "opts", [])}


@pytest.mark.parametrize("name", ROW_COMMANDS)
def test_row_commands_take_format_and_output(name: str) -> None:
    opts = _options(name)
    assert {"--format", "-o", "--output"} <= opts, sorted(opts)


def test_status_csv_file_holds_the_counts(small_store: Path, tmp_path: Path) -> None:
    store = small_store
    out = tmp_path / "status.csv"
    result = CliRunner().invoke(
        app, ["status", "--db", str(store), "--format", "csv", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = {r["what"]: r["value"] for r in csv.DictReader(out.open(encoding="utf-8"))}
    as_json = CliRunner().invoke(app, ["status", "--db", str(store), "--format", "json"])
    counts = json.loads(as_json.stdout)
    assert int(rows["positions"]) == counts["positions"] > 0
    assert int(rows["vessels"]) == counts["vessels"] > 0


def test_check_claims_rows_one_per_claim(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(
        "MOSCOW, March 3, 2021 (Wire) - Russia's fuel deliveries to North Korea in 2019 were "
        '"negligible", a ministry spokesman said.\n',
        encoding="utf-8",
    )
    out = tmp_path / "claims.csv"
    result = CliRunner().invoke(
        app, ["check-claims", str(article), "--format", "csv", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    doc = json.loads(CliRunner().invoke(app, ["check-claims", str(article)]).stdout)
    assert len(rows) == len(doc["claims"]) >= 1
    assert rows[0]["verdict"] == doc["claims"][0]["verdict"]
    assert rows[0]["reasons"] == " | ".join(doc["claims"][0]["reasons"])


def test_unknown_format_is_a_usage_error_before_any_work(tmp_path: Path) -> None:
    out = tmp_path / "never.csv"
    for args in (["routes"], ["check-claims", "nowhere.txt"], ["status"]):
        result = CliRunner().invoke(app, [*args, "--format", "xml", "-o", str(out)])
        assert result.exit_code == 2, (args, result.output)
        assert "unknown format 'xml'" in result.output
    assert not out.exists()
