"""`oiltrail routes`: each route's barrels per year from the public record, and what remains."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from oiltrail.cli import app
from oiltrail.errors import UsageError
from oiltrail.estimate.routes import REMAINING_ROUTE, TOTAL_ROUTE, routes_table
from oiltrail.record import bundled_record


def _by(rows: list[dict], year: int) -> dict[str, dict]:  # type: ignore[type-arg]
    return {r["route"]: r for r in rows if r["year"] == year}


def test_2024_routes_with_kinds_and_sources() -> None:
    rows = _by(routes_table(bundled_record(), years=[2024]), 2024)
    assert rows["declared_russia"]["barrels_low"] == 15_279
    assert rows["declared_russia"]["kind"] == "declared"
    china = rows["declared_china"]  # only the combined total was notified: 168,679 - 15,279
    assert china["barrels_low"] == 153_400 and china["kind"].startswith("declared (derived")
    assert rows["russian_ports"]["barrels_low"] == 1_000_000  # Open Source Centre, a floor
    assert rows["russian_ports"]["kind"] == "estimate (lower bound)"
    assert "line 43" in rows["russian_ports"]["sources"]
    crude = rows["crude_pipeline"]
    assert crude["barrels_high"] == round(520_000 * 4_000_000 / 525_000)  # capacity < cap
    assert "routes.csv line 4" in crude["sources"]  # the UNSCR 2397 OP4 bound is cited
    assert "sts" not in rows  # no published STS estimate for 2024
    china_2018 = _by(routes_table(bundled_record(), years=[2018]), 2018)["declared_china"]
    assert china_2018["barrels_low"] == 361_288 - 241_114  # own rows cover Jan-Apr only


def test_cutting_a_route_says_what_remains() -> None:
    rows = _by(routes_table(bundled_record(), years=[2018], cut=["sts"]), 2018)
    total, left = rows[TOTAL_ROUTE], rows[REMAINING_ROUTE]
    sts = rows["sts"]
    assert sts["cut"] and sts["barrels_low"] == 759_793 and sts["barrels_high"] == 3_780_000
    assert total["barrels_low"] - left["barrels_low"] == sts["barrels_low"]
    assert total["barrels_high"] - left["barrels_high"] == sts["barrels_high"]


def test_store_chains_are_shown_beside_the_record() -> None:
    from datetime import datetime

    chains = [
        {"arrival": datetime(2024, 5, 1), "barrels_mid": 12_000.0, "destination": "Nampo",
         "encounter_event_id": "e1"},
        {"arrival": datetime(2024, 6, 1), "barrels_mid": 8_000.0, "destination": None,
         "encounter_event_id": ""},  # does not reach DPRK: not counted
    ]  # fmt: skip
    rows = _by(routes_table(bundled_record(), years=[2024], chains=chains, simulated=True), 2024)
    assert rows["sts"]["store_barrels_mid"] == 12_000
    assert rows["sts"]["kind"] == "store only (SIMULATED)"


@pytest.mark.parametrize(
    ("options", "message"),
    [({"cut": ["pipeline"]}, "unknown route"), ({"years": [1990]}, "no route figures for 1990")],
)
def test_bad_routes_and_years_are_usage_errors(options: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(UsageError, match=message):
        routes_table(bundled_record(), **options)


def test_cli_routes_json_without_a_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["routes", "--db", str(tmp_path / "none.duckdb"), "--year", "2020", "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["route"] for r in rows} >= {"declared_china", "sts", TOTAL_ROUTE}
    bad = CliRunner().invoke(app, ["routes", "--cut", "nope", "--db", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "unknown route" in bad.output
