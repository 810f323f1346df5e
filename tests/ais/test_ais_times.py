"""Times as AIS CSV files spell them (ais.times)."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

from oiltrail.ais.times import parse_time_column

SPELLINGS = [
    ("2014-01-01T04:43:53Z", datetime(2014, 1, 1, 4, 43, 53)),  # qgis-trajectools' ais.csv
    ("2014-01-01T04:43:53", datetime(2014, 1, 1, 4, 43, 53)),  # MarineCadastre
    ("2014-01-01 04:43:53", datetime(2014, 1, 1, 4, 43, 53)),
    ("2014-01-01 04:43:53 UTC", datetime(2014, 1, 1, 4, 43, 53)),
    ("2014-01-01T04:43:53.123456", datetime(2014, 1, 1, 4, 43, 53, 123456)),
    ("2014-01-01T04:43:53.5Z", datetime(2014, 1, 1, 4, 43, 53, 500000)),
    ("2014-01-01T04:43:53+02:00", datetime(2014, 1, 1, 2, 43, 53)),  # zones to UTC
    ("2014-01-01T04:43:53-0130", datetime(2014, 1, 1, 6, 13, 53)),
    ("2014-01-01 04:43", datetime(2014, 1, 1, 4, 43)),
    ("05/07/2017 19:00:05", datetime(2017, 7, 5, 19, 0, 5)),  # DMA, day first
    ("20/03/2021 00:22", datetime(2021, 3, 20, 0, 22)),  # VesselsValue
    ("20210701_185151", datetime(2021, 7, 1, 18, 51, 51)),  # Spire
    ("1443650402", datetime(2015, 9, 30, 22, 0, 2)),  # NARI: epoch seconds
    ("1443650402.25", datetime(2015, 9, 30, 22, 0, 2, 250000)),
    ("1443650402123", datetime(2015, 9, 30, 22, 0, 2, 123000)),  # epoch milliseconds
    (" 2014-01-01T04:43:53Z ", datetime(2014, 1, 1, 4, 43, 53)),
]
NOT_TIMES = ["garbage", "2014-02-31 00:00:00", "", "12", "2014-13-01T00:00:00", "T"]


@pytest.mark.parametrize(("text", "when"), SPELLINGS)
def test_every_common_spelling_parses_to_utc(text: str, when: datetime) -> None:
    assert parse_time_column(pl.Series([text])).to_list() == [when]


def test_mixed_spellings_in_one_column_and_bad_values_null() -> None:
    texts = [t for t, _ in SPELLINGS] + NOT_TIMES
    got = parse_time_column(pl.Series(texts), "%Y-%m-%dT%H:%M:%S").to_list()
    assert got == [w for _, w in SPELLINGS] + [None] * len(NOT_TIMES)


def test_a_column_in_the_formats_own_spelling_takes_the_fast_path() -> None:
    got = parse_time_column(pl.Series(["2014-01-01T04:43:53", ""]), "%Y-%m-%dT%H:%M:%S")
    assert got.to_list() == [datetime(2014, 1, 1, 4, 43, 53), None]
