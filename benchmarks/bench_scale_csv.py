"""The CSV rows of bench_scale.ingest_section alone: a fresh `oiltrail ingest` of the
simulator's MarineCadastre file into a new store against DuckDB's own `read_csv` into a table
(warm, in-process), taking turns.

Reproduce: `uv run python -m benchmarks.bench_scale_csv [REPEATS]` (7 by default).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_ingest import _duckdb_csv
from benchmarks.bench_scale import _fresh, oiltrail


def main(repeats: int) -> None:
    from oiltrail.simulate.scenario import simulate

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        simulate(tmp / "sim100", seed=1, days=14, vessels=100, formats=("csv",))
        csv = tmp / "sim100" / "ais_marinecadastre.csv"
        load0 = os.getloadavg()[0]
        rows = _duckdb_csv(tmp / "d.duckdb", csv)  # warm-up, untimed
        walls: dict[str, list[float]] = {"ours": [], "duck": []}
        cpus: dict[str, list[float]] = {"ours": [], "duck": []}
        for _ in range(repeats):
            r = oiltrail("ingest", "--db", str(_fresh(tmp / "c.duckdb")), str(csv))
            walls["ours"].append(r.wall)
            cpus["ours"].append(r.cpu)
            t, c = time.perf_counter(), time.process_time()
            _duckdb_csv(tmp / "d.duckdb", csv)
            walls["duck"].append(time.perf_counter() - t)
            cpus["duck"].append(time.process_time() - c)
        w = {k: statistics.median(v) for k, v in walls.items()}
        c = {k: statistics.median(v) for k, v in cpus.items()}
        print(f"{csv.stat().st_size / 1e6:.0f} MB, {rows:,} rows; median of {repeats}; "
              f"load {load0:.1f} -> {os.getloadavg()[0]:.1f}")  # fmt: skip
        for k, name in (("ours", "oiltrail ingest (whole process)"), ("duck", "DuckDB read_csv")):
            print(f"{name}: {w[k]:.2f} s wall, {c[k]:.2f} CPU s, {rows / w[k]:,.0f} rows/s")
        print(f"ratio (wall): {w['ours'] / w['duck']:.2f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
