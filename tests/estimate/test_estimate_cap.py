"""The cap table: declared deliveries from the bundled CSV beside chain estimates."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from oiltrail.cli import app
from oiltrail.errors import InputFormatError
from oiltrail.estimate.cap import CAP_COLUMNS, cap_detail, cap_table
from oiltrail.estimate.reported import declared_by_year, parse_reported, read_reported
from oiltrail.store import open_store
from oiltrail.store.chains import replace_chains


def _chain(
    cid: str, arrival: datetime | None, mid: float, destination: str | None
) -> dict[str, Any]:
    return {
        "chain_id": cid,
        "donor_mmsi": 1,
        "receiver_mmsi": 2,
        "destination": destination,
        "arrival": arrival,
        "barrels_low": mid * 0.8,
        "barrels_mid": mid,
        "barrels_high": mid * 1.2,
        "confidence": 1.0,
        "evidence": "",
        "details": {"encounter_start": "2026-01-05T00:00:00"},
    }


def test_bundled_declarations_per_year() -> None:
    declared = declared_by_year(read_reported())
    assert declared[2023]["total"] == 105_845  # Russia full year (Yonhap)
    assert declared[2021]["total"] == 91_909  # China full year; Russia reported 0
    assert declared[2024]["total"] == 168_679  # notified total as of 2024-12-04
    assert declared[2019]["by_supplier"]["Russia"] == 277_365
    assert declared[2018]["by_supplier"]["Russia"] == 241_114
    assert "Illicit STS deliveries" not in declared[2018]["by_supplier"]
    assert declared[2018]["converted_from_tonnes"]  # 48,430 t combined, × 7.46
    assert declared[2018]["total"] == round(48_430 * 7.46)
    assert not declared[2023]["converted_from_tonnes"]


def test_cap_rows_have_spec_columns_in_order(db_path: Path) -> None:
    with open_store(db_path) as store:
        rows = cap_table(store)
    assert rows and all(list(r) == list(CAP_COLUMNS) for r in rows)
    row_2023 = next(r for r in rows if r["year"] == 2023)
    assert row_2023["cap_barrels"] == 500_000
    assert row_2023["share_of_cap_mid"] == pytest.approx(105_845 / 500_000, abs=1e-3)
    assert row_2023["estimated_barrels_mid"] == 0


def test_chains_reaching_dprk_are_summed_per_year(db_path: Path) -> None:
    with open_store(db_path) as store:
        replace_chains(
            store,
            [
                _chain("a", datetime(2026, 1, 9), 20_000, "Nampo (Chinnampo)"),
                _chain("b", datetime(2026, 1, 12), 30_000, "dark near DPRK"),
                _chain("c", datetime(2026, 1, 14), 99_000, None),  # no delivery: not counted
            ],
        )
        detail = cap_detail(store)
    row = next(r for r in detail["rows"] if r["year"] == 2026)
    assert row["reported_barrels"] == 0
    assert row["estimated_barrels_mid"] == 50_000
    assert row["estimated_barrels_low"] == 40_000 and row["estimated_barrels_high"] == 60_000
    assert row["share_of_cap_mid"] == 0.1
    assert [c["chain_id"] for c in detail["chains_not_counted"]] == ["c"]
    assert any("2 of 3 chains counted" in n for n in detail["notes"])


def test_published_estimates_listed_apart(db_path: Path) -> None:
    with open_store(db_path) as store:
        detail = cap_detail(store)
    by = {e["by"] for e in detail["published_estimates"]}
    assert {"US", "43 states", "Open Source Centre (satellite)"} <= by
    assert any(
        e["barrels"] == 1_000_000 and e["year"] == 2024 for e in detail["published_estimates"]
    )


def test_empty_reported_file_says_so(db_path: Path, tmp_path: Path) -> None:
    empty = tmp_path / "reported.csv"
    empty.write_text("year,month,supplier,tonnes,barrels,source\n")
    with open_store(db_path) as store:
        detail = cap_detail(store, empty)
    assert detail["rows"] == []
    assert any("no reported deliveries" in n for n in detail["notes"])
    assert any("no delivery chains" in n for n in detail["notes"])


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("twenty,,Russia (reported to 1718 Committee),,5,x", "t.csv line 3: year 'twenty'"),
        ("2019,13,China (reported to 1718 Committee),,5,x", "t.csv line 3: month 13"),
        ("2019,,China (reported to 1718 Committee),,,x", "t.csv line 3: neither tonnes"),
        ("2019,,China (reported to 1718 Committee),,about 5,x", "t.csv line 3: barrels 'about 5'"),
        ("2019,,China (reported to 1718 Committee),-4,,x", "t.csv line 3: tonnes '-4'"),
    ],
)
def test_a_bad_row_is_a_one_line_error_naming_it(row: str, message: str) -> None:
    text = (
        "year,month,supplier,tonnes,barrels,source\n"
        "2019,,Russia (reported to 1718 Committee),,1000,x\n" + row + "\n"
    )
    with pytest.raises(InputFormatError) as err:
        parse_reported(text, "t.csv")
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)


def test_published_estimate_columns_per_year(db_path: Path) -> None:
    with open_store(db_path) as store:
        rows = {r["year"]: r for r in cap_table(store)}
    assert rows[2018]["published_estimate_barrels_low"] == 759_793  # US, Jan-May 2018
    assert rows[2018]["published_estimate_barrels_high"] == 3_780_000  # 263 deliveries, full
    assert "line 40" in rows[2018]["published_estimate_sources"]
    assert rows[2020]["published_estimate_barrels_low"] == 1_600_000  # 43 states
    assert rows[2024]["published_estimate_barrels_low"] == 1_000_000  # Open Source Centre
    assert rows[2021]["published_estimate_barrels_low"] is None
    assert rows[2021]["published_estimate_sources"] == ""


def test_wrong_columns_is_a_one_line_error() -> None:
    with pytest.raises(InputFormatError, match="missing column"):
        parse_reported("a,b\n1,2\n", "t.csv")


def test_cli_estimate_csv_and_detail(db_path: Path) -> None:
    open_store(db_path).close()  # an empty store (a missing one is refused)
    runner = CliRunner()
    result = runner.invoke(app, ["estimate", "--db", str(db_path), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == ",".join(CAP_COLUMNS)
    detail = runner.invoke(app, ["estimate", "--db", str(db_path), "--detail"])
    assert detail.exit_code == 0
    data = json.loads(detail.stdout)
    assert {"rows", "reported_by_supplier", "published_estimates", "constants", "notes"} <= set(
        data
    )


def test_cli_estimate_missing_reported_file_exits_2(db_path: Path, tmp_path: Path) -> None:
    open_store(db_path).close()
    result = CliRunner().invoke(
        app, ["estimate", "--db", str(db_path), "--reported", str(tmp_path / "nope.csv")]
    )
    assert result.exit_code == 2
    assert "no reported-deliveries file" in result.output


def test_binary_reported_file_is_a_one_line_error(db_path: Path, tmp_path: Path) -> None:
    binary = tmp_path / "reported.csv"
    binary.write_bytes(b"\x00\xff\xfe\x9c" * 100)
    open_store(db_path).close()
    result = CliRunner().invoke(app, ["estimate", "--db", str(db_path), "--reported", str(binary)])
    assert result.exit_code == 2
    assert "not UTF-8" in result.output
    assert "Traceback" not in result.output
