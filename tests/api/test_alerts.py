"""Alerts of a watched vessel are the events the store did not have when it was watched: a
detect run that rewrites its events (each keeps its id) raises none, new data raises exactly
the new events (docs/serve.md, "Alerts"). A real `oiltrail serve` on 127.0.0.1, the CLI
writing to the store while it runs."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import httpx
from live_server import TOKEN
from serving import OILTRAIL, free_port, nampo_visit_csv, serve, stop

from oiltrail.store import open_store

PAEK_MA = 445944506


def _cli(db: Path, *args: str) -> None:
    done = subprocess.run(
        [str(OILTRAIL), *args, "--db", str(db)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr


def _event_alerts(client: httpx.Client, since: str | None = None) -> list[dict[str, object]]:
    r = client.get("/alerts", params={"since": since} if since else {})
    assert r.status_code == 200, r.text
    return [a for a in r.json()["items"] if a["kind"] == "event"]


def _runs_of(db: Path, mmsi: int) -> list[datetime]:
    with open_store(db, read_only=True) as store:
        rows = store.con.execute(
            """SELECT r.finished_at FROM events e JOIN detect_runs r USING (run_id)
               WHERE e.mmsi = ? OR e.other_mmsi = ?""",
            [mmsi, mmsi],
        ).fetchall()
    return [r[0] for r in rows]


def test_alerts_are_new_events_not_rewritten_ones(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    shutil.copy(demo_db, db)
    port = free_port()
    proc, _ = serve(db, port, token=TOKEN)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=60) as c:
            before = c.get("/events", params={"mmsi": PAEK_MA}).json()["total"]
            assert before > 0
            assert c.put("/watchlist", json={"vessels": [PAEK_MA]}).status_code == 200
            watched = datetime.utcnow()
            assert _event_alerts(c) == []  # its events so far are known, not new

            _cli(db, "detect", "--since", "2026-01-05")  # every day again: rows rewritten
            runs = _runs_of(db, PAEK_MA)
            assert len(runs) == before and all(r > watched for r in runs)
            assert _event_alerts(c) == []

            _cli(db, "ingest", str(nampo_visit_csv(tmp_path / "nampo.csv")))
            _cli(db, "detect")
            now = c.get("/events", params={"mmsi": PAEK_MA}).json()
            new = [e for e in now["items"] if e["start"] >= "2026-01-20"]
            assert now["total"] > before and new
            fresh = _event_alerts(c)
            assert sorted(a["ref"] for a in fresh) == sorted(e["event_id"] for e in new)
            assert all(a["mmsi"] == PAEK_MA and "PAEK MA" in str(a["what"]) for a in fresh)
            assert _event_alerts(c) == fresh  # asked again: the same, first seen once
            last = max(str(a["added"]) for a in fresh)
            assert _event_alerts(c, since=last) == []  # read: none after

            assert c.put("/watchlist", json={"vessels": []}).status_code == 200
            assert c.put("/watchlist", json={"vessels": [PAEK_MA]}).status_code == 200
            assert _event_alerts(c) == []  # watched anew: the Nampo visit is known now
    finally:
        stop(proc)
    state = db.with_name(db.name + ".alerts.json")
    assert state.stat().st_mode & 0o777 == 0o600
