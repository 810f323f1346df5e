"""Simulator benchmarks: vectorised NMEA encoding vs pyais; scenario sizes for the other benches.

Reproduce: `uv run python -m benchmarks.run simulate` (add `--quick` for small sizes).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

import numpy as np
from pyais import encode_dict

from oiltrail.simulate.nmea import position_payload, sentences

CMD = "uv run python -m benchmarks.run simulate"
# (label, days, background vessels, formats): positions grow with days x vessels
SIZES = [
    ("demo (DEMO_SCENARIO)", 14, 60, "nmea,csv"),
    ("1M, parquet", 14, 60, "parquet"),
    ("4M, parquet", 14, 290, "parquet"),
    ("16M, parquet", 14, 1185, "parquet"),
]


def _reports(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    return {
        "mmsi": rng.integers(200_000_000, 775_999_999, n).astype(np.uint32),
        "t": np.sort(rng.integers(0, 14 * 86_400, n)).astype(np.int64),
        "lat": rng.uniform(25, 45, n),
        "lon": rng.uniform(118, 142, n),
        "sog": np.round(rng.uniform(0, 15, n), 1),
        "cog": np.round(rng.uniform(0, 360, n), 1),
        "heading": rng.integers(0, 360, n).astype(np.uint16),
        "nav_status": np.zeros(n, np.uint8),
    }


def _ours(c: dict[str, np.ndarray]) -> bytes:
    n = c["mmsi"].shape[0]
    payload = position_payload(c, np.zeros(n, bool))
    lines = sentences(
        c["t"] + 1_767_571_200,
        payload,
        total=1,
        part=1,
        seq=None,
        fill=0,
        channel=np.full(n, ord("A"), np.uint8),
    )
    return lines.tobytes()


def _pyais(c: dict[str, np.ndarray]) -> list[str]:
    out = []
    for i in range(c["mmsi"].shape[0]):
        msg = {
            "type": 1,
            "mmsi": int(c["mmsi"][i]),
            "lat": float(c["lat"][i]),
            "lon": float(c["lon"][i]),
            "speed": float(c["sog"][i]),
            "course": float(c["cog"][i]),
            "heading": int(c["heading"][i]),
            "second": int(c["t"][i] % 60),
        }
        tag = f"s:sim,c:{int(c['t'][i]) + 1_767_571_200}"
        check = 0
        for ch in tag.encode():
            check ^= ch
        body = encode_dict(msg, radio_channel="A", talker_id="AI")[0]
        out.append(f"\\{tag}*{check:02X}\\{body}\n")
    return out


def _median(fn: Any, arg: Any, repeats: int) -> tuple[float, float]:
    """Median wall and CPU seconds (the machine is shared: CPU time shows the work done)."""
    wall, cpu = [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        fn(arg)
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def _encoding(quick: bool) -> str:
    rng = np.random.default_rng(1)
    n_ours, n_peer = (100_000, 2_000) if quick else (1_000_000, 10_000)
    ours_s, ours_cpu = _median(_ours, _reports(n_ours, rng), 3)
    peer_s, peer_cpu = _median(_pyais, _reports(n_peer, rng), 3)
    ours_rate, peer_rate = n_ours / ours_cpu, n_peer / peer_cpu
    return (
        "### NMEA encoding (type 1 reports to tag-blocked `!AIVDM` lines)\n\n"
        "| encoder | messages | median wall s | median CPU s | messages per CPU s |\n"
        "|---|---:|---:|---:|---:|\n"
        f"| oiltrail (numpy, one vector op per 6-bit column) | {n_ours:,} | {ours_s:.3f} "
        f"| {ours_cpu:.3f} | {ours_rate:,.0f} |\n"
        f"| pyais `encode_dict` loop | {n_peer:,} | {peer_s:.3f} | {peer_cpu:.3f} "
        f"| {peer_rate:,.0f} |\n\n"
        f"Medians of 3 runs. Ratio: oiltrail encodes **{ours_rate / peer_rate:,.0f}x** the "
        "messages per CPU second of pyais.\n"
    )


_CHILD = """
import json, resource, sys, time
from pathlib import Path
from oiltrail.simulate import simulate
t, c = time.perf_counter(), time.process_time()
s = simulate(Path(sys.argv[1]), 1, int(sys.argv[2]), int(sys.argv[3]),
             formats=tuple(sys.argv[4].split(",")))
print(json.dumps({"positions": s.positions, "wall_s": time.perf_counter() - t,
                  "cpu_s": time.process_time() - c, "events": sum(s.events.values()),
                  "chains": s.chains,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _sizes(quick: bool) -> str:
    rows = []
    for label, days, vessels, fmt in SIZES[:2] if quick else SIZES:
        with tempfile.TemporaryDirectory() as tmp:
            out = subprocess.run(
                [sys.executable, "-c", _CHILD, tmp, str(days), str(vessels), fmt],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        r: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
        rows.append(
            f"| {label} | `--days {days} --vessels {vessels} --format {fmt}` | {r['positions']:,} "
            f"| {r['events']:,} | {r['chains']} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} "
            f"| {r['rss_mb']:,.0f} |"
        )
    return (
        "### Scenario sizes (seed 1, one run each; wall time depends on the shared machine)\n\n"
        "| size | options of `oiltrail simulate` | positions | truth events | chains | wall s "
        "| CPU s | peak RSS MB |\n|---|---|---:|---:|---:|---:|---:|---:|\n"
        + "\n".join(rows)
        + "\n"
    )


def run(quick: bool) -> str:
    return f"## Simulator\n\nCommand: `{CMD}`\n\n{_encoding(quick)}\n{_sizes(quick)}"


if __name__ == "__main__":
    print(run("--quick" in sys.argv))
