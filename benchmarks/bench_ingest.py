"""Ingest benchmarks: NMEA and CSV into the store, side by side with aiscat, pyais and DuckDB.

Reproduce: `uv run python -m benchmarks.run ingest` (add `--quick` for small sizes).
Input: the simulator's own files (`oiltrail.simulate`, seed 1). The machine is shared, so
each figure is the median of several repeats, with CPU seconds beside wall seconds.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

ROOT = Path(__file__).resolve().parent.parent
CMD = "uv run python -m benchmarks.run ingest"
PEER_COLUMNS = ("mmsi", "lat", "lon", "speed", "course", "heading", "toa")
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the (big) forking parent.
RSS_CHILD = """
import sys
from pathlib import Path
from oiltrail.store.ingest import ingest_into
ingest_into(Path(sys.argv[1]), [Path(sys.argv[2])], progress=False)
status = Path("/proc/self/status").read_text()
print(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
"""
# The same file decoded and validated batch by batch, without the store: isolates DuckDB.
RSS_DECODE_CHILD = """
import sys
from pathlib import Path
from oiltrail.ais.nmea import NmeaReader
from oiltrail.ais.sources import read_blocks
from oiltrail.ais.validate import now_us
from oiltrail.settings import get_settings
from oiltrail.store.ingest import NMEA_BYTES_PER_ROW
reader = NmeaReader("x", None, now_us())
with open(sys.argv[2], "rb") as fh:
    for block in read_blocks(fh, get_settings().batch_rows * NMEA_BYTES_PER_ROW):
        reader.batch(block)
reader.finish()
status = Path("/proc/self/status").read_text()
print(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
"""


def _interleaved(
    fns: dict[str, Callable[[], Any]], repeats: int
) -> dict[str, tuple[float, float, Any]]:
    """Median wall and CPU seconds (CPU counts all threads) of each of `fns`, and its last
    result. Each first runs once untimed (imports, compiled kernels, file cache); then they
    take turns, one run of each per round: the host's speed drifts over minutes, and turns
    put every pipeline in the same stretch of it."""
    outs = {name: fn() for name, fn in fns.items()}  # the untimed warm-up runs
    wall: dict[str, list[float]] = {name: [] for name in fns}
    cpu: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            t, c = time.perf_counter(), time.process_time()
            outs[name] = fn()
            wall[name].append(time.perf_counter() - t)
            cpu[name].append(time.process_time() - c)
    return {n: (statistics.median(wall[n]), statistics.median(cpu[n]), outs[n]) for n in fns}


def _scenario(out: Path, days: int, vessels: int) -> Path:
    from oiltrail.simulate.scenario import simulate

    if not (out / "ais.nmea").exists():
        simulate(out, seed=1, days=days, vessels=vessels)
    return out


def _oiltrail(db: Path, path: Path) -> int:
    from oiltrail.store.ingest import ingest_into

    for p in db.parent.glob(db.name + "*"):
        p.unlink()
    rep = ingest_into(db, [path], progress=False)
    return rep.total("positions") + rep.total("static_reports")


def _aiscat_dicts(path: Path) -> int:
    import aiscat

    rows = []
    with path.open("rb") as fh:
        for msg in aiscat.iter_decode(iter(lambda: fh.read(1 << 20), b"")):
            rows.append(msg)
    return len(rows)


def _aiscat_store(db: Path, path: Path) -> int:
    """The peer end to end: aiscat dicts → columns → the same DuckDB positions table."""
    import aiscat

    cols: dict[str, list[Any]] = {c: [] for c in PEER_COLUMNS}
    with path.open("rb") as fh:
        for msg in aiscat.iter_decode(iter(lambda: fh.read(1 << 20), b"")):
            if msg.get("type") in (1, 2, 3, 18, 19, 27):
                for c in PEER_COLUMNS:
                    cols[c].append(msg.get(c))
    for p in db.parent.glob(db.name + "*"):
        p.unlink()
    con = duckdb.connect(str(db))
    con.register("t", pa.table(cols))
    con.execute(
        "CREATE TABLE positions AS SELECT mmsi::UINTEGER AS mmsi, to_timestamp(toa)::TIMESTAMP "
        "AS ts, lat::DOUBLE AS lat, lon::DOUBLE AS lon, speed::FLOAT AS sog, course::FLOAT AS "
        "cog, heading::USMALLINT AS heading FROM t"
    )
    con.close()
    return len(cols["mmsi"])


def _pyais(lines: list[bytes]) -> int:
    """pyais over lines already in memory (reading the file is not timed)."""
    from pyais.stream import ByteStream

    n = 0
    for msg in ByteStream(lines):
        try:
            msg.decode().asdict()
            n += 1
        except Exception:  # the peer raises on bad input; count only what it decodes
            continue
    return n


def _duckdb_csv(db: Path, path: Path) -> int:
    for p in db.parent.glob(db.name + "*"):
        p.unlink()
    con = duckdb.connect(str(db))
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{path}')")
    n = con.execute("SELECT count(*) FROM t").fetchone()
    con.close()
    return int(n[0]) if n else 0


def _peak_rss_mb(db: Path, path: Path, batch_rows: int, child: str = RSS_CHILD) -> float:
    for p in db.parent.glob(db.name + "*"):
        p.unlink()
    env = {**os.environ, "OILTRAIL_BATCH_ROWS": str(batch_rows)}
    out = subprocess.run([sys.executable, "-c", child, str(db), str(path)], env=env,
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    return int(out.split()[-1]) / 1024


def _cold_seconds(db: Path, path: Path, repeats: int) -> float:
    """Median wall seconds of `oiltrail ingest` in a fresh process (interpreter start, imports
    and loading the compiled kernels from numba's cache included)."""
    walls = []
    for _ in range(repeats):
        for p in db.parent.glob(db.name + "*"):
            p.unlink()
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "oiltrail.cli_main", "ingest", str(path), "--db",
                        str(db)], check=True, capture_output=True, cwd=ROOT)  # fmt: skip
        walls.append(time.perf_counter() - t)
    return statistics.median(walls)


def _nmea_lines(path: Path, n: int) -> Path:
    sys.path.insert(0, str(ROOT / "tests" / "ais"))
    from ais_factory import fleet_lines

    path.write_text("\n".join(fleet_lines(n, vessels=300)) + "\n")
    return path


def _nmea_section(sim: Path, tmp: Path, repeats: int, pyais_lines: int) -> list[str]:
    nmea = sim / "ais.nmea"
    db = tmp / "b.duckdb"
    n_msgs = _aiscat_dicts(nmea)  # messages the peer decodes: the common denominator
    with nmea.open("rb") as fh:
        head = [fh.readline().rstrip(b"\n") for _ in range(pyais_lines)]
    runs = _interleaved(
        {
            "ours": lambda: _oiltrail(db, nmea),
            "pyais": lambda: _pyais(head),
            "dicts": lambda: _aiscat_dicts(nmea),
            "peer_store": lambda: _aiscat_store(tmp / "peer.duckdb", nmea),
        },
        repeats,
    )
    ours, py, dicts, peer_store = (runs[k] for k in ("ours", "pyais", "dicts", "peer_store"))
    rate = {
        "oiltrail ingest → store": (n_msgs / ours[0], n_msgs / ours[1]),
        "aiscat loop into dicts (decode only)": (n_msgs / dicts[0], n_msgs / dicts[1]),
        "aiscat dicts → DuckDB table": (n_msgs / peer_store[0], n_msgs / peer_store[1]),
        f"pyais decode → dicts (first {pyais_lines:,} lines)": (py[2] / py[0], py[2] / py[1]),
    }
    mine = rate["oiltrail ingest → store"]
    tiny = tmp / "tiny.nmea"
    with nmea.open("rb") as fh:
        tiny.write_bytes(b"".join(fh.readline() for _ in range(10)))
    cold_file = _cold_seconds(tmp / "cold.duckdb", nmea, repeats)
    cold_tiny = _cold_seconds(tmp / "cold.duckdb", tiny, repeats)
    lines = [
        f"NMEA: `{nmea.name}` from `oiltrail simulate` ({nmea.stat().st_size / 1e6:.0f} MB, "
        f"{n_msgs:,} messages as aiscat counts them; oiltrail stored {ours[2]:,} rows). "
        f"Median of {repeats} runs, the pipelines taking turns (one run of each per round), "
        "after one untimed run of each.\n",
        "| pipeline | msg/s (wall) | msg/s (CPU) | oiltrail ÷ this (wall) | (CPU) |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, (w, c) in rate.items():
        lines.append(f"| {name} | {w:,.0f} | {c:,.0f} | {mine[0] / w:.2f}× | {mine[1] / c:.2f}× |")
    lines += [
        "",
        "Each pipeline above runs repeatedly in this one process, so one-off costs are not in "
        "the rates. The one-off cost of a fresh `oiltrail ingest` process (Python start, "
        "imports, numba loading the compiled split and decode kernels from its cache) is "
        f"{cold_tiny:.2f} s, measured on a 10-line file; the whole file above in a fresh "
        f"process takes {cold_file:.2f} s wall (median of {repeats}). The first run after "
        "installing compiles the kernels (`make setup` does it: about 10 s, once; numba caches "
        "them).",
    ]
    return lines


def _csv_section(sim: Path, tmp: Path, repeats: int) -> list[str]:
    csv = sim / "ais_marinecadastre.csv"
    db = tmp / "c.duckdb"
    runs = _interleaved(
        {"ours": lambda: _oiltrail(db, csv), "duck": lambda: _duckdb_csv(tmp / "d.duckdb", csv)},
        repeats,
    )
    ours, duck = runs["ours"], runs["duck"]
    return [
        f"\nCSV: `{csv.name}` ({csv.stat().st_size / 1e6:.0f} MB, {duck[2]:,} rows), "
        f"median of {repeats} runs, taking turns.\n",
        "| pipeline | wall s | CPU s | rows/s (wall) |",
        "|---|---:|---:|---:|",
        f"| oiltrail ingest (validate, dedup, static changes) → store | {ours[0]:.2f} | "
        f"{ours[1]:.2f} | {duck[2] / ours[0]:,.0f} |",
        f"| DuckDB `read_csv` → table | {duck[0]:.2f} | {duck[1]:.2f} | {duck[2] / duck[0]:,.0f} |",
        f"\noiltrail / DuckDB time: **{ours[0] / duck[0]:.2f}×** wall (target < 2×).",
    ]


def _rss_section(tmp: Path, n_lines: int, batch_rows: int) -> list[str]:
    small = _nmea_lines(tmp / "small.nmea", n_lines)
    big = _nmea_lines(tmp / "big.nmea", n_lines * 10)
    rss_small = _peak_rss_mb(tmp / "r.duckdb", small, batch_rows)
    rss_big = _peak_rss_mb(tmp / "r.duckdb", big, batch_rows)
    dec_small = _peak_rss_mb(tmp / "r.duckdb", small, batch_rows, RSS_DECODE_CHILD)
    dec_big = _peak_rss_mb(tmp / "r.duckdb", big, batch_rows, RSS_DECODE_CHILD)
    return [
        f"\nPeak RSS (VmHWM) of a whole ingest process (imports included), "
        f"`OILTRAIL_BATCH_ROWS={batch_rows}`:\n",
        "| file | lines | MB | ingest into the store, MB | decode + validate only, MB |",
        "|---|---:|---:|---:|---:|",
        f"| 1× | {n_lines:,} | {small.stat().st_size / 1e6:.0f} | {rss_small:.0f} | "
        f"{dec_small:.0f} |",
        f"| 10× | {n_lines * 10:,} | {big.stat().st_size / 1e6:.0f} | {rss_big:.0f} | "
        f"{dec_big:.0f} |",
        f"\n10× the file → **{rss_big / rss_small:.2f}×** the peak RSS end to end, "
        f"**{dec_big / dec_small:.2f}×** for the reader alone (target < 1.5×). Both stream in "
        "bounded batches inside the file's one transaction; what still grows is DuckDB's own "
        "buffer pool (row groups written ahead of the commit, cached), not the file's rows.",
    ]


def run(quick: bool) -> str:
    days, vessels, repeats = (3, 30, 2) if quick else (14, 60, 5)
    with tempfile.TemporaryDirectory(prefix="oiltrail-bench-ingest-") as name:
        tmp = Path(name)
        sim = _scenario(tmp / "sim", days, vessels)
        lines = ["## Ingest\n", f"Reproduce: `{CMD}`{' --quick' if quick else ''}.\n"]
        lines += _nmea_section(sim, tmp, repeats, 20_000 if quick else 50_000)
        lines += _csv_section(sim, tmp, repeats)
        lines += _rss_section(tmp, 100_000 if quick else 300_000, 50_000)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines.append(f"\n(benchmark process peak RSS {peak:.0f} MB; scenario {days} days, "
                 f"{vessels} background vessels, seed 1)")  # fmt: skip
    lines.append(f"\n{ROBUSTNESS}")
    return "\n".join(lines) + "\n"


ROBUSTNESS = (
    "Robustness of the readers and the store (1,000,000 fuzzed inputs, kill -9 by progress, "
    "damaged files, hostile input with peak RSS): [docs/robustness.md](docs/robustness.md), "
    "from `make fuzz`."
)


if __name__ == "__main__":
    print(run("--quick" in sys.argv))
