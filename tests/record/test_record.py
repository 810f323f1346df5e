"""The bundled public record: every item read, with its file, line and source address."""

from __future__ import annotations

import pytest

from oiltrail.errors import InputFormatError
from oiltrail.record import (
    REPORTED_FILE,
    bundled_record,
    declared_by_year,
    parse_reported,
    published_by_year,
)


def test_every_file_of_the_record_is_read() -> None:
    r = bundled_record()
    assert len(r.declarations) + len(r.estimates) == 42  # the CSV's 42 rows
    assert len(r.sts_cases) == 22
    assert len(r.designations) == 96
    assert {x.route for x in r.routes} == {"crude_pipeline"}
    assert any(e["properties"]["name"] == ["Independent Petroleum Company"] for e in r.network)


def test_declarations_per_supplier_cite_their_rows() -> None:
    r = bundled_record()
    russia_2018 = r.declared(2018, "Russia")
    assert russia_2018.barrels == 241_114
    assert russia_2018.cite().startswith(f"{REPORTED_FILE} line 8; https://")
    assert r.declared(2019, "Russia").barrels == 277_365
    assert not r.declared(2022, "Russia").any_rows  # Russia declared nothing in 2022
    assert declared_by_year(r)[2023]["total"] == 105_845


def test_published_estimates_keep_bounds_periods_and_counts() -> None:
    r = bundled_record()
    by_line = {e.cite.line: e for e in r.estimates}
    us_2018 = by_line[40]
    assert (us_2018.barrels, us_2018.bound, us_2018.deliveries) == (3_780_000, "upper", 263)
    assert us_2018.period == "2018"
    assert by_line[39].period == "2018-01/2018-05" and by_line[39].bound == "lower"
    states = by_line[41]
    assert (states.by, states.deliveries, states.period) == ("43 states", 56, "2020-01/2020-05")
    osc = by_line[43]
    assert osc.by == "Open Source Centre (satellite)" and osc.about == "Russia"
    assert osc.route == "russian_ports" and osc.period == "2024-03/2024-11"
    assert r.estimates_for((2024, 1), (2024, 12), about="Russia") == [by_line[42], osc]
    low, high, sources = published_by_year(r)[2018]
    assert (low, high) == (759_793, 3_780_000) and len(sources) == 2


def test_sts_cases_by_ship_name() -> None:
    cases = bundled_record().sts_for(["sam jong 2"])
    assert cases and all("SAM JONG 2" in c.names() for c in cases)
    assert cases[0].cite.file == "oiltrail/data/sts_cases.csv" and cases[0].cite.url


def test_crude_route_figures_say_what_they_are() -> None:
    kinds = {x.kind: x for x in bundled_record().routes}
    assert kinds["bound"].barrels_high == 4_000_000  # UNSCR 2397 OP4
    assert round(kinds["estimate"].barrels_low or 0) == 3_809_524  # 500,000 t × 4e6/525e3


def test_not_a_number_names_the_file_and_line() -> None:
    text = (
        "year,month,supplier,tonnes,barrels,source\n"
        "2019,,Russia (reported to 1718 Committee),,n/a,x\n"
    )
    with pytest.raises(InputFormatError, match=r"^mine.csv line 2: barrels 'n/a' is not a number$"):
        parse_reported(text, "mine.csv")
