"""Ctrl-C (SIGINT) at progress points of an ingest rolls the file back; kill -9 at every
progress point is in test_store_kill_points.py. Points are chosen by progress
(store/killpoints.py), not by sleeping."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "ais"))
from ais_factory import fleet_lines

from oiltrail.store.ingest import ingest_into
from oiltrail.store.killpoints import KILL_ENV

TABLES = ("positions", "static_reports", "quarantine", "manifest")


def snapshot(db: Path) -> tuple[int, ...]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES)  # type: ignore[index]
    finally:
        con.close()


@pytest.fixture(scope="module")
def nmea(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ctrl-c") / "big.nmea"
    lines = fleet_lines(60_000, vessels=100)
    lines.insert(5000, "a broken line that goes to quarantine")
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("point", [1, 3, 6])
def test_ctrl_c_at_a_progress_point_rolls_the_file_back(
    tmp_path: Path, nmea: Path, point: int
) -> None:
    db = tmp_path / "store.duckdb"
    small = tmp_path / "small.nmea"
    small.write_text("\n".join(fleet_lines(100, vessels=5, seed=4)) + "\n")
    ingest_into(db, [small], progress=False)
    before = snapshot(db)
    env = {**os.environ, "OILTRAIL_BATCH_ROWS": "10000", KILL_ENV: f"ingest:{point}:INT"}
    proc = subprocess.run(
        [sys.executable, "-m", "oiltrail.cli_main", "ingest", str(nmea), "--db", str(db)],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert snapshot(db) == before
    rep = ingest_into(db, [nmea], progress=False)  # not in the manifest: a clean run takes it
    assert not rep.files[0].already_ingested and rep.quarantined == {"unparseable": 1}
    assert snapshot(db)[0] == before[0] + rep.total("positions")
