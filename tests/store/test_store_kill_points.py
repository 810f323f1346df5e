"""kill -9 at every progress point of an ingest, a detect and a `lists load`.

Points are chosen by progress, not by sleeping: OILTRAIL_TEST_KILL_AT=ingest:N makes the
process SIGKILL itself the Nth time it reaches a progress point inside its transaction
(store/killpoints.py). After each kill the store opens and holds exactly what it held before
the command; after all of them, one clean run leaves exactly what one clean run leaves in a
fresh copy of the starting store.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "ais"))
from ais_factory import fleet_lines

from oiltrail.store.ingest import ingest_into
from oiltrail.store.killpoints import KILL_ENV

# What a run adds, per table: the columns compared (times of the run itself left out).
TABLES = {
    "positions": "*",
    "static_reports": "*",
    "quarantine": "file, line, reason, raw, file_hash",
    "manifest": "file_hash, positions, static_reports, quarantined, duplicates",
    "events": 'event_id, kind, mmsi, other_mmsi, start, "end", lat, lon, port, details',
    "detect_runs": "count(*)",
    "list_entities": "id, schema, caption, datasets, data",
    "list_files": "file_hash, path, entities, skipped",
    "list_skips": "*",
}


def snapshot(db: Path) -> dict[str, tuple[int, int]]:
    """Per table: rows and an order-free hash of the compared columns. A table not there yet
    counts as empty (a command makes its tables before its transaction)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        have = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        out = {}
        for table, cols in TABLES.items():
            if table not in have:
                out[table] = (0, 0)
                continue
            if cols == "count(*)":
                row = con.execute(f"SELECT count(*), 0 FROM {table}").fetchone()
            else:
                sql = f"SELECT count(*), coalesce(sum(hash(row({cols}))), 0) FROM {table}"
                if cols == "*":
                    sql = f"SELECT count(*), coalesce(sum(hash(t)), 0) FROM {table} t"
                row = con.execute(sql).fetchone()
            assert row is not None
            out[table] = (int(row[0]), int(row[1]))
        return out
    finally:
        con.close()


def run_cli(args: list[str], kill_at: str | None) -> int:
    env = {**os.environ, "OILTRAIL_BATCH_ROWS": "10000"}  # many batches: many progress points
    env.pop(KILL_ENV, None)
    if kill_at is not None:
        env[KILL_ENV] = kill_at
    proc = subprocess.run([sys.executable, "-m", "oiltrail.cli_main", *args], env=env,
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    return proc.returncode


def kill_everywhere(db: Path, args: list[str], point: str, nth: list[int] | None = None) -> int:
    """Kill `args` at its progress points 1, 2, … (or those in `nth`) until a run gets
    through; the store must be as before after each. Returns the kills made."""
    before = snapshot(db)
    kills = 0
    for n in nth or range(1, 1000):
        code = run_cli(args, f"{point}:{n}")
        if code != -signal.SIGKILL:
            assert code == 0 and nth is None, f"{point}:{n} exited {code}"
            return kills  # point n is past the last one: this run went through
        kills += 1
        assert snapshot(db) == before, f"killed at {point}:{n}"
    return kills


def clean_copy(db: Path, tmp: Path, args: list[str]) -> dict[str, tuple[int, int]]:
    """What one clean run of `args` leaves in a copy of the store `db` as it is now."""
    ref = tmp / f"ref-{len(list(tmp.iterdir()))}.duckdb"
    shutil.copy(db, ref)
    assert run_cli([a if a != str(db) else str(ref) for a in args], None) == 0
    return snapshot(ref)


@pytest.fixture(scope="module")
def big_nmea(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kill") / "big.nmea"
    lines = fleet_lines(150_000, vessels=120, seed=3)
    lines.insert(777, "a broken line that goes to quarantine")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_kill_ingest_detect_and_lists_load_at_every_progress_point(
    tmp_path: Path, big_nmea: Path
) -> None:
    db = tmp_path / "store.duckdb"
    small = tmp_path / "small.nmea"
    small.write_text("\n".join(fleet_lines(500, vessels=20, seed=9)) + "\n")
    ingest_into(db, [small], progress=False)
    work = tmp_path / "refs"
    work.mkdir()

    # Ingest: ~16 batches of 10,000 lines, then the manifest row: kill at every other one.
    ingest = ["ingest", str(big_nmea), "--db", str(db)]
    after_ingest = clean_copy(db, work, ingest)
    ingest_kills = kill_everywhere(db, ingest, "ingest", [1, 2, 3, 5, 7, 9, 11, 13, 15])
    assert run_cli(ingest, None) == 0
    assert snapshot(db) == after_ingest

    # Detect: each write of events, the day fingerprints, the run's record.
    detect = ["detect", "--db", str(db)]
    after_detect = clean_copy(db, work, detect)
    detect_kills = kill_everywhere(db, detect, "detect")
    assert snapshot(db) == after_detect  # the run that got through is the clean run

    # Lists load: six FtM files in one load, with the bundled watchlist (three files) in the
    # same transaction as the store had no list: the entities, then each file's record.
    files = []
    for i in range(6):
        f = tmp_path / f"list{i}.json"
        f.write_text("\n".join(json.dumps({"id": f"v{i}-{k}", "schema": "Vessel",
                                           "properties": {"name": [f"SHIP {i} {k}"]}})
                               for k in range(50)) + "\n")  # fmt: skip
        files.append(str(f))
    lists = ["lists", "load", *files, "--db", str(db)]
    after_lists = clean_copy(db, work, lists)
    lists_kills = kill_everywhere(db, lists, "lists")
    assert snapshot(db) == after_lists

    assert ingest_kills == 9 and detect_kills >= 4 and lists_kills == 10
    assert ingest_kills + detect_kills + lists_kills >= 20
