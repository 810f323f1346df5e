"""Run `oiltrail serve` as a real process on 127.0.0.1 for a test, and stop it (by its pid)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

OILTRAIL = Path(sys.executable).with_name("oiltrail")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(db: Path, port: int, token: str | None = None) -> tuple[subprocess.Popen[str], list[str]]:
    env = {k: v for k, v in os.environ.items() if k != "OILTRAIL_API_TOKEN"}
    if token is not None:
        env["OILTRAIL_API_TOKEN"] = token
    proc = subprocess.Popen(
        [str(OILTRAIL), "serve", "--db", str(db), "--port", str(port)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**env, "COLUMNS": "200"},
    )
    lines: list[str] = []
    assert proc.stderr is not None
    for line in proc.stderr:
        lines.append(line.rstrip("\n"))
        if line.startswith("serving "):
            break
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return proc, lines
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("\n".join(lines))


def stop(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def nampo_visit_csv(path: Path, mmsi: int = 445944506, name: str = "PAEK MA") -> Path:
    """A day of MarineCadastre rows: the vessel at rest in Nampo on 2026-01-20 (a port visit
    for `detect`), made in code."""
    rows = [
        "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,"
        "Status,Length,Width,Draft,Cargo,TransceiverClass"
    ]
    for i in range(0, 24 * 60, 5):
        hh, mm = divmod(i, 60)
        rows.append(
            f"{mmsi},2026-01-20T{hh:02d}:{mm:02d}:00,38.7150,125.3990,0.1,0.0,511,{name},"
            f"IMO9066978,UM4LF,80,5,76.0,11.0,5.1,80,A"
        )
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path
