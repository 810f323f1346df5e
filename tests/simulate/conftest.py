"""One small scenario per session (10 days, 15 background ships, every output format)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from oiltrail.simulate import simulate

SEED, DAYS, VESSELS = 11, 10, 15


@pytest.fixture(scope="session")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scenario")
    simulate(out, SEED, DAYS, VESSELS, formats=("nmea", "csv", "parquet"))
    return out


@pytest.fixture(scope="session")
def truth(scenario: Path) -> list[dict[str, Any]]:
    with (scenario / "truth_events.csv").open() as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["details"] = json.loads(r["details"])
    return rows


@pytest.fixture(scope="session")
def chains(scenario: Path) -> list[dict[str, str]]:
    with (scenario / "truth_chains.csv").open() as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="session")
def meta(scenario: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((scenario / "scenario.json").read_text())
    return data


@pytest.fixture(scope="session")
def positions(scenario: Path) -> Any:
    return pq.read_table(scenario / "positions.parquet").to_pandas()


@pytest.fixture(scope="session")
def statics(scenario: Path) -> Any:
    return pq.read_table(scenario / "static.parquet").to_pandas()
