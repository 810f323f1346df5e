"""The report on data far from Korea (issue 14): no crash, land drawn, the map frames the data."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from oiltrail.cli import app
from oiltrail.engines.local import detect
from oiltrail.report.geo import LAND_FILES, fit_extent, land, land_for
from oiltrail.report.html import write_report
from oiltrail.report.mapsvg import graticule
from oiltrail.store import open_store
from oiltrail.store.ingest import ingest_into

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"
WORLD_SAMPLES = [
    REAL / "aisdb" / "test_data_20211101.nm4",  # AGPL: read in place, never copied
    *sorted((REAL / "pyais").glob("*.ais")),
    *sorted((REAL / "pyais").glob("*.nmea")),
    *sorted((REAL / "pyais").glob("*.txt")),
]


def _land_d(html: str) -> str:
    m = re.search(r'<path class="land" fill-rule="evenodd" d="([^"]*)"', html)
    assert m is not None
    return m.group(1)


def _viewbox_extent(html: str) -> list[str]:
    return re.findall(r"<text[^>]*>([0-9.]+°[EWNS]|0°)</text>", html)


def test_graticule_of_the_whole_world_has_a_step() -> None:
    """Wider than 300 degrees the step list ran out: StopIteration reached the CLI."""
    proj = fit_extent([(-170.0, -50.0), (170.0, 60.0)], 1000, 700)
    assert proj.west >= -180 and proj.east <= 180 and proj.east - proj.west > 300
    svg = graticule(proj)
    assert "°W" in svg and "°E" in svg and "-" not in re.sub(r"<[^>]+>", " ", svg)


def test_land_for_a_map_outside_east_asia_is_the_worlds() -> None:
    korea = fit_extent([(125.0, 37.0), (130.0, 40.0)], 1000, 700)
    atlantic = fit_extent([(-10.0, 40.0), (5.0, 55.0)], 1000, 700)
    assert land_for(korea)[1] is land(LAND_FILES[0])[2]
    world_source, world_rings = land_for(atlantic)
    assert world_rings is land(LAND_FILES[1])[2] and "global-land-mask" in world_source
    # Britain and Iberia are land in the world file: some ring reaches into the Atlantic box.
    assert any(
        min(x for x, _ in r) < atlantic.east and max(x for x, _ in r) > atlantic.west
        for r in world_rings
    )


def test_report_on_tracks_around_the_world(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    t0 = datetime(2021, 11, 1)
    rows = []
    # Off Portugal, off California and off New Zealand: a ship each, an hour of positions.
    for k, (lat, lon) in enumerate([(38.5, -9.8), (33.5, -119.0), (-41.5, 174.9)]):
        for i in range(60):
            rows.append((201000000 + k, t0 + timedelta(minutes=i), lat + i * 1e-3, lon, 10.0))
    with open_store(db) as store:
        store.con.executemany(
            "INSERT INTO positions (mmsi, ts, lat, lon, sog) VALUES (?, ?, ?, ?, ?)", rows
        )
        detect(store)
        out = write_report(store, tmp_path / "r.html", [])
    html = out.read_text(encoding="utf-8")
    assert len(_land_d(html)) > 1000  # the world's land, not an empty sea
    labels = _viewbox_extent(html)
    assert any(s.endswith("W") for s in labels) and any(s.endswith("E") for s in labels)
    assert "global-land-mask" in html


@pytest.mark.skipif(not WORLD_SAMPLES[0].exists(), reason="shared real samples not present")
def test_real_worldwide_nmea_ingest_detect_trace_report(tmp_path: Path) -> None:
    """aisdb's satellite file and pyais's samples: positions from every ocean."""
    db = tmp_path / "real.duckdb"
    ingest_into(db, [p for p in WORLD_SAMPLES if p.exists()], progress=False)
    runner = CliRunner()
    for args in (["detect"], ["trace"], ["report", "-o", str(tmp_path / "r.html")]):
        result = runner.invoke(app, [*args, "--db", str(db)])
        assert result.exit_code == 0, (args, result.output)
        assert "internal error" not in result.output
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert len(_land_d(html)) > 1000
    assert any(s.endswith("W") for s in _viewbox_extent(html))  # framed on the data, not Korea
