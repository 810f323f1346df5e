"""`ingest` and `detect` from the command line while `oiltrail serve` runs and is being asked:
the writers get the store (the server hands it over), no request fails other than a 503 with
JSON, and the server shows the new data without a restart (docs/serve.md, "Concurrency")."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest
from live_server import TOKEN, start_server
from serving import OILTRAIL, free_port, nampo_visit_csv, serve, stop

from oiltrail.errors import StoreBusyError, StoreCorruptError
from oiltrail.store import open_store
from oiltrail.store.handoff import server_pid, serving_path, wanted_path, when_free


def test_cli_writes_while_the_server_is_asked(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    shutil.copy(demo_db, db)
    port = free_port()
    proc, _ = serve(db, port, token=TOKEN)
    url = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {TOKEN}"}
    statuses: list[int] = []
    bodies_ok = True
    stop_asking = threading.Event()

    def ask() -> None:
        nonlocal bodies_ok
        with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
            while not stop_asking.is_set():
                for path in ("/events?kind=port_visit&limit=5", "/vessels?q=paek", "/status"):
                    r = client.get(path)
                    statuses.append(r.status_code)
                    bodies_ok = bodies_ok and isinstance(r.json(), dict)

    try:
        before = httpx.get(f"{url}/status", headers=headers).json()["positions"]
        askers = [threading.Thread(target=ask) for _ in range(3)]
        for t in askers:
            t.start()
        time.sleep(0.5)
        csv = nampo_visit_csv(tmp_path / "nampo.csv")
        for args in (["ingest", str(csv)], ["detect"]):
            done = subprocess.run(
                [str(OILTRAIL), *args, "--db", str(db)],
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert done.returncode == 0, done.stderr
        time.sleep(0.5)
        stop_asking.set()
        for t in askers:
            t.join(timeout=60)
        after = httpx.get(f"{url}/status", headers=headers).json()["positions"]
        nampo = httpx.get(
            f"{url}/events", headers=headers, params={"mmsi": 445944506, "start": "2026-01-20"}
        ).json()
    finally:
        stop(proc)
    assert after == before + 288  # the new day is served without a restart
    assert nampo["total"] > 0
    assert statuses and set(statuses) <= {200, 503}, sorted(set(statuses))
    assert statuses.count(200) > 10 and bodies_ok
    assert not wanted_path(db).exists() and not serving_path(db).exists()


def test_requests_wait_for_a_writer_then_say_busy(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    shutil.copy(demo_db, db)
    server, thread, url = start_server(db, busy_wait_s=0.5)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    try:
        assert httpx.get(f"{url}/status", headers=headers).status_code == 200
        wanted_path(db).touch()  # a writer asked for the store
        r = httpx.get(f"{url}/status", headers=headers)
        assert r.status_code == 503 and r.headers["retry-after"] == "2"
        assert "busy" in r.json()["detail"]
        deadline = time.monotonic() + 30  # the server lets go once its requests end
        while True:
            try:
                with open_store(db) as store:
                    assert not store.read_only
                break
            except StoreCorruptError:  # this process's server still holds its connection
                assert time.monotonic() < deadline
                time.sleep(0.1)
        wanted_path(db).unlink()
        assert httpx.get(f"{url}/status", headers=headers).status_code == 200
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def test_a_writer_without_a_live_server_is_refused_at_once(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "b.duckdb"
    shutil.copy(demo_db, db)
    serving_path(db).write_text("999999999")  # a server that died without cleaning up
    assert server_pid(db) is None
    holder = subprocess.Popen(
        [
            str(OILTRAIL.with_name("python")),
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('x', flush=True); "
            "time.sleep(30)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "x"
        started = time.monotonic()
        with pytest.raises(StoreBusyError):
            when_free(db, lambda: open_store(db), wait_s=30)
        assert time.monotonic() - started < 10  # no wait for a server that is not there
        assert not wanted_path(db).exists()
    finally:
        holder.kill()
        holder.wait()
    assert os.getpid() > 0
