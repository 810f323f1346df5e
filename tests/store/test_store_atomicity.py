"""Kill an ingest midway (SIGKILL, SIGINT): the store must be exactly as before that file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "ais"))
from ais_factory import fleet_lines

from oiltrail.store.ingest import ingest_into

TABLES = ("positions", "static_reports", "quarantine", "manifest")
CHILD = """
import sys
from pathlib import Path
from oiltrail.store.ingest import ingest_into
import pandas  # the ingest imports it first anyway; "ready" then means the ingest proper
print("ready", flush=True)
ingest_into(Path(sys.argv[1]), [Path(sys.argv[2])], progress=False)
print("done", flush=True)
"""


def snapshot(db: Path) -> tuple[int, ...]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES)
    finally:
        con.close()


@pytest.fixture(scope="module")
def big_nmea(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.nmea"
    lines = fleet_lines(400_000, vessels=300)
    lines.insert(5000, "a broken line that goes to quarantine")
    path.write_text("\n".join(lines) + "\n")
    return path


def whole_file(tmp: Path, nmea: Path) -> tuple[int, ...]:
    """What the file alone adds to a store (positions, static, quarantine, manifest rows)."""
    ingest_into(tmp / "reference.duckdb", [nmea], progress=False)
    return snapshot(tmp / "reference.duckdb")


def plus(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(x + y for x, y in zip(a, b, strict=True))


def run_and_kill(db: Path, nmea: Path, sig: int, delay_s: float) -> bool:
    """Start an ingest, send `sig` after `delay_s`; False if it printed "done" (committed)."""
    env = {**os.environ, "OILTRAIL_BATCH_ROWS": "10000"}  # many batches: writes are under way
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(db), str(nmea)],
                            stdout=subprocess.PIPE, env=env, text=True)  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    time.sleep(delay_s)
    if proc.poll() is None:
        proc.send_signal(sig)
    out, _ = proc.communicate(timeout=120)
    return "done" not in out  # "done" is printed only after the commit


def test_kill_at_several_points_leaves_store_as_before(tmp_path: Path, big_nmea: Path) -> None:
    db = tmp_path / "store.duckdb"
    small = tmp_path / "small.nmea"
    small.write_text("\n".join(fleet_lines(500, vessels=20, seed=9)) + "\n")
    ingest_into(db, [small], progress=False)
    before = snapshot(db)
    after = plus(before, whole_file(tmp_path, big_nmea))
    stopped_midway = 0
    for delay_s in (0.3, 0.8, 1.5):
        run_and_kill(db, big_nmea, signal.SIGKILL, delay_s)
        # All or nothing: a kill just after the commit (before "done") leaves the whole file.
        state = snapshot(db)
        assert state in (before, after), f"killed after {delay_s} s: {state}"
        if state == after:
            break
        stopped_midway += 1
    if not stopped_midway:
        pytest.skip("every ingest committed before its kill: the machine is too fast")
    if snapshot(db) == after:
        return
    # After the kills the file is not in the manifest, so a clean run ingests all of it.
    rep = ingest_into(db, [big_nmea], progress=False)
    assert not rep.files[0].already_ingested
    assert snapshot(db)[0] == before[0] + rep.total("positions")
    assert rep.quarantined == {"unparseable": 1}


def test_ctrl_c_rolls_back(tmp_path: Path, big_nmea: Path) -> None:
    db = tmp_path / "store.duckdb"
    small = tmp_path / "small.nmea"
    small.write_text("\n".join(fleet_lines(100, vessels=5, seed=4)) + "\n")
    ingest_into(db, [small], progress=False)
    before = snapshot(db)
    after = plus(before, whole_file(tmp_path, big_nmea))
    run_and_kill(db, big_nmea, signal.SIGINT, 0.5)
    state = snapshot(db)
    assert state in (before, after)
    if state == after:
        pytest.skip("the ingest committed before Ctrl-C")
