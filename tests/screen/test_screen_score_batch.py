"""Screening many queries in one kernel call gives exactly the rows of one query at a time:
`screen_many`, `screen --file` (screen_file) and fleet screening."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest

from oiltrail.graph import fleet
from oiltrail.graph.fleet import fleet_identities, screen_fleet, screen_vessel
from oiltrail.screen import batch
from oiltrail.screen.batch import screen_file
from oiltrail.screen.index import ScreenIndex
from oiltrail.screen.match import SCREEN_COLUMNS, Query, screen_many, screen_prepared
from oiltrail.store import Store, open_store


def _real_names(screen_fixtures: Path, count: int) -> list[str]:
    folder = screen_fixtures
    names: list[str] = []
    for file, column in (
        ("yente_positives_un_untreated.csv", "full_name"),
        ("nomenklatura_name_bench_cases.csv", "name1"),
    ):
        with (folder / file).open(encoding="utf-8") as fh:
            names.extend(r[column] for r in csv.DictReader(fh) if r[column].strip())
    step = max(len(names) // count, 1)
    return names[::step][:count]


def _queries(index: ScreenIndex, names: list[str]) -> list[Query]:
    """Real names, plus identifier queries, schema filters and names that block nothing."""
    imo = next(iter(index.by_imo))
    mmsi = next(iter(index.by_mmsi))
    extra = [
        Query("imo", imo=imo),
        Query("mmsi", mmsi=mmsi),
        Query("both", name="CHON MA SAN", imo=imo, mmsi=mmsi, schema="Vessel"),
        Query("none", name="Zzyzx Qwvbn"),
        Query("han", name="金正恩"),
        Query("digits", name="YU JONG 3"),
    ]
    listed = [e.caption[1:] for e in index.entities[::10]]  # listed names, first letter dropped
    names = [n for pair in zip(names, listed, strict=False) for n in pair] + names[len(listed) :]
    named = [
        Query(str(i), name=n, schema="Person" if i % 5 == 0 else "") for i, n in enumerate(names)
    ]
    return named[:100] + extra + named[100:]


def test_screen_many_equals_one_at_a_time(screen_fixtures: Path, index: ScreenIndex) -> None:
    queries = _queries(index, _real_names(screen_fixtures, 300))
    together = screen_many(index, queries)
    alone = [screen_prepared(index, q) for q in queries]
    assert together == alone
    assert sum(len(rows) for rows in together) > 300  # many queries have hits
    assert together[100][0]["reasons"].startswith("match: IMO number matches")


def test_screen_many_other_limits(screen_fixtures: Path, index: ScreenIndex) -> None:
    queries = _queries(index, _real_names(screen_fixtures, 120))
    together = screen_many(index, queries, limit=1, cutoff=0.8, threshold=0.9)
    assert together == [screen_prepared(index, q, 1, 0.8, 0.9) for q in queries]
    assert screen_many(index, []) == []


def test_screen_file_equals_one_at_a_time(
    screen_fixtures: Path,
    store: Store,
    index: ScreenIndex,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(batch, "CHUNK_QUERIES", 64)  # several chunks, the last one partial
    names = _real_names(screen_fixtures, 300)
    path = tmp_path / "queries.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["query_id", "name", "imo", "mmsi", "schema"])
        for i, name in enumerate(names):
            writer.writerow([f"q{i}", name, "", "", ""])
            if i == 70:
                writer.writerow(["bad", "", "", "", ""])  # empty query: a counted skip
    out = io.StringIO()
    report = screen_file(store, path, out, "csv", progress=False)
    expected = io.StringIO()
    rows = csv.writer(expected, lineterminator="\n")
    rows.writerow(SCREEN_COLUMNS)
    for i, name in enumerate(names):
        for row in screen_prepared(index, Query(f"q{i}", name)):
            rows.writerow([row[c] for c in SCREEN_COLUMNS])
    assert out.getvalue() == expected.getvalue()
    assert report.queries == len(names)
    assert sum(report.skipped.values()) == 1


def test_fleet_in_chunks_equals_vessel_by_vessel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fleet, "CHUNK_VESSELS", 2)
    reports = [
        (445101000, 8660313, "CHON MA SAN"),
        (445101000, 9191773, "CHON MA SAN 2"),  # a second name and IMO for one MMSI
        (445102000, None, "YUJONG-2"),
        (445103000, None, "MORNING STAR"),
        (352000111, 9999990, "HONEST TRADER"),
        (352000112, None, "PAEK MA"),
        (352000113, None, ""),
    ]
    with open_store(tmp_path / "fleet.duckdb") as st:
        for mmsi, imo, name in reports:
            st.con.execute(
                "INSERT INTO static_reports (mmsi, ts, imo, name) VALUES (?, ?, ?, ?)",
                [mmsi, datetime(2026, 1, 5), imo, name],
            )
        chunked = screen_fleet(st)
        one_by_one = [screen_vessel(st, v) for v in fleet_identities(st)]
    one_by_one.sort(key=lambda r: (-r["risk"], -r["score"], r["mmsi"]))
    assert chunked == one_by_one
    assert len(chunked) == 6
    assert sum(r["entity_id"] != "" for r in chunked) >= 3
