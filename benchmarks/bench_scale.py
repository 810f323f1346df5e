"""Performance as a user runs oiltrail: a fresh process per command, start-up included.

Reproduce: `uv run python -m benchmarks.run scale` (the start-up and whole-process ingest
tables, a few minutes). The large-store tables (detect's memory at 30M positions, trace,
estimate, report and screen on that store, a day of global AIS, a year of regional AIS) take
tens of minutes on a shared 2-core machine and run with `--big`:
`uv run python -m benchmarks.bench_scale --big [STAGE ...]`; their stores are built once
under bench-out/scale/ and reused.

Every figure here is whole-process: `/usr/bin/time` around a fresh `oiltrail` process (wall,
user + system CPU, peak RSS), unless a row says it is a warm in-process loop (the peers'
rows: aiscat and pyais run in this process, their start-up not counted).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OILTRAIL = [sys.executable, "-m", "oiltrail.cli_main"]
CMD = "uv run python -m benchmarks.run scale"
BIG = ROOT / "bench-out" / "scale"


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mb: float
    out: str


def proc(args: list[str], env: dict[str, str] | None = None, check: bool = True) -> Run:
    """One fresh process under /usr/bin/time: wall s, user + system s, peak RSS MB."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        t = time.perf_counter()
        p = subprocess.run(
            ["/usr/bin/time", "-f", "%U %S %M", "-o", tf.name, *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
        )
        wall = time.perf_counter() - t
        fields = Path(tf.name).read_text().split()[-3:]
    if check and p.returncode:
        raise RuntimeError(f"{args}: exit {p.returncode}: {p.stderr.strip()[-500:]}")
    user, sys_s, rss_kb = float(fields[0]), float(fields[1]), float(fields[2])
    return Run(wall, user + sys_s, rss_kb / 1024, p.stdout + p.stderr)


def median_run(make: Callable[[], Run], repeats: int) -> Run:
    runs = [make() for _ in range(repeats)]
    return Run(
        statistics.median(r.wall for r in runs),
        statistics.median(r.cpu for r in runs),
        max(r.rss_mb for r in runs),
        runs[-1].out,
    )


def oiltrail(*args: str, env: dict[str, str] | None = None, check: bool = True) -> Run:
    return proc([*OILTRAIL, *args], env, check)


def _fresh(db: Path) -> Path:
    for p in db.parent.glob(db.name + "*"):
        if p.is_dir():
            shutil.rmtree(p)
        else:
            p.unlink()
    return db


# --- start-up -------------------------------------------------------------------------------


def _tiny_store(tmp: Path) -> tuple[Path, Path]:
    from oiltrail.simulate.scenario import simulate

    sim = tmp / "tiny"
    simulate(sim, seed=1, days=2, vessels=20, formats=("nmea",))
    small = tmp / "small.nmea"
    with (sim / "ais.nmea").open("rb") as fh:
        small.write_bytes(b"".join(fh.readline() for _ in range(2000)))
    db = tmp / "tiny.duckdb"
    oiltrail("ingest", "--db", str(db), str(sim / "ais.nmea"))
    oiltrail("detect", "--db", str(db))
    oiltrail("vessels", "--db", str(db))  # loads the bundled watchlist once
    return db, small


STARTUP = [
    ("`oiltrail --help`", ["--help"]),
    ("`status`", ["status"]),
    ("`detect` (nothing new)", ["detect"]),
    ("`events`", ["events"]),
    ("`trace`", ["trace"]),
    ("`estimate`", ["estimate"]),
    ("`routes`", ["routes"]),
    ("`report`", ["report", "-o", "{tmp}/r.html"]),
    ("`screen 'CHON MA SAN'`", ["screen", "CHON MA SAN"]),
    ("`vessels`", ["vessels"]),
    ("`graph`", ["graph", "CHON MA SAN"]),
    ("`vessel` (dossier)", ["vessel", "CHON MA SAN"]),
    ("`lists show`", ["lists", "show"]),
    ("`check-claims` (the bundled sample article)", ["check-claims", "{article}"]),
]
ARTICLE = ROOT / "src" / "oiltrail" / "data" / "articles" / "sample_wire.txt"


def startup_section(tmp: Path, repeats: int) -> list[str]:
    db, small = _tiny_store(tmp)
    rows = []
    for label, args in STARTUP:
        full = [a.format(tmp=tmp, article=ARTICLE) for a in args]
        if args != ["--help"]:
            full += ["--db", str(db)]
        # `vessel` exits 2 when the name is no vessel of the store: timed all the same
        check = args[0] != "vessel"
        r = median_run(lambda full=full, check=check: oiltrail(*full, check=check), repeats)
        rows.append((label, r))
    ing = median_run(
        lambda: oiltrail("ingest", "--db", str(_fresh(tmp / "new.duckdb")), str(small)), repeats
    )
    rows.append(("`ingest` of a 2,000-line NMEA file into a new store", ing))
    lines = [
        "### Start-up: each command in a fresh process",
        "",
        f"On a small simulated store (2 days, 20 vessels; the watchlist loaded), median of "
        f"{repeats} fresh processes each. Targets (issue 17): every command under 0.5 s, "
        "`ingest` of a small file under 0.8 s. CPU is user + system of the process.",
        "",
        "| command | wall s | CPU s | peak RSS MB |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {label} | {r.wall:.2f} | {r.cpu:.2f} | {r.rss_mb:.0f} |" for label, r in rows]
    return lines


# --- whole-process ingest against the peers -----------------------------------------------


def ingest_section(tmp: Path, repeats: int, pyais_lines: int = 50_000) -> list[str]:
    from benchmarks.bench_ingest import _aiscat_dicts, _duckdb_csv, _pyais
    from oiltrail.simulate.scenario import simulate

    sim = tmp / "sim100"
    simulate(sim, seed=1, days=14, vessels=100, formats=("nmea", "csv"))
    nmea, csv = sim / "ais.nmea", sim / "ais_marinecadastre.csv"
    n_msgs = _aiscat_dicts(nmea)
    with nmea.open("rb") as fh:
        head = [fh.readline().rstrip(b"\n") for _ in range(pyais_lines)]
    from oiltrail.store.ingest import ingest_into

    keys = ("ours", "warm", "aiscat", "pyais", "csv", "duck")
    walls: dict[str, list[float]] = {k: [] for k in keys}
    cpus: dict[str, list[float]] = {k: [] for k in walls}
    stored = ""

    def timed(key: str, fn: Callable[[], Any]) -> Any:
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        walls[key].append(time.perf_counter() - t)
        cpus[key].append(time.process_time() - c)
        return out

    n_py = _pyais(head)  # warm-ups, untimed
    _aiscat_dicts(nmea)
    rows_csv = _duckdb_csv(tmp / "d.duckdb", csv)
    ingest_into(_fresh(tmp / "w.duckdb"), [nmea], progress=False)
    for _ in range(repeats):  # the pipelines take turns: the host's speed drifts
        r = oiltrail("ingest", "--db", str(_fresh(tmp / "n.duckdb")), str(nmea))
        walls["ours"].append(r.wall)
        cpus["ours"].append(r.cpu)
        stored = r.out
        timed("warm", lambda: ingest_into(_fresh(tmp / "w.duckdb"), [nmea], progress=False))
        timed("aiscat", lambda: _aiscat_dicts(nmea))
        timed("pyais", lambda: _pyais(head))
        r = oiltrail("ingest", "--db", str(_fresh(tmp / "c.duckdb")), str(csv))
        walls["csv"].append(r.wall)
        cpus["csv"].append(r.cpu)
        timed("duck", lambda: _duckdb_csv(tmp / "d.duckdb", csv))
    w = {k: statistics.median(v) for k, v in walls.items()}
    c = {k: statistics.median(v) for k, v in cpus.items()}
    ours = n_msgs / w["ours"]
    rates = {
        "oiltrail ingest → store (**whole process**, start-up counted)": (
            ours,
            n_msgs / c["ours"],
        ),
        "oiltrail ingest → store (warm, in-process: the same ingest, start-up not counted)": (
            n_msgs / w["warm"],
            n_msgs / c["warm"],
        ),
        "aiscat loop into dicts (warm, in-process; its start-up not counted)": (
            n_msgs / w["aiscat"],
            n_msgs / c["aiscat"],
        ),
        f"pyais decode → dicts (warm, in-process, first {pyais_lines:,} lines)": (
            n_py / w["pyais"],
            n_py / c["pyais"],
        ),
    }
    lines = [
        "### Whole-process ingest, side by side with the peers",
        "",
        f"NMEA: `ais.nmea` from `oiltrail simulate --days 14 --vessels 100` "
        f"({nmea.stat().st_size / 1e6:.0f} MB, {n_msgs:,} messages as aiscat counts them), "
        f"a fresh `oiltrail ingest` into a new store each time; median of {repeats}, the "
        "pipelines taking turns. Targets: at least 2× aiscat and 20× pyais.",
        "",
        "| pipeline | msg/s (wall) | msg/s (CPU) | oiltrail ÷ this (wall) |",
        "|---|---:|---:|---:|",
    ]
    for name, (rw, rc) in rates.items():
        lines.append(f"| {name} | {rw:,.0f} | {rc:,.0f} | {ours / rw:.2f}× |")
    lines += [
        "",
        f"oiltrail's whole process: {w['ours']:.2f} s wall, {c['ours']:.2f} s CPU "
        f"(`{stored.splitlines()[-1].strip() if stored else ''}`).",
        "",
        f"MarineCadastre CSV: `ais_marinecadastre.csv` ({csv.stat().st_size / 1e6:.0f} MB, "
        f"{rows_csv:,} rows). Target: within 1.5× DuckDB's own `read_csv`.",
        "",
        "| pipeline | wall s | CPU s | rows/s (wall) |",
        "|---|---:|---:|---:|",
        f"| oiltrail ingest (**whole process**: validate, dedup, static changes → store) | "
        f"{w['csv']:.2f} | {c['csv']:.2f} | {rows_csv / w['csv']:,.0f} |",
        f"| DuckDB `read_csv` → table (warm, in-process) | {w['duck']:.2f} | {c['duck']:.2f} | "
        f"{rows_csv / w['duck']:,.0f} |",
        "",
        f"oiltrail (whole process) / DuckDB (in-process) time: **{w['csv'] / w['duck']:.2f}×**.",
    ]
    return lines


# --- the entry points -----------------------------------------------------------------------


def run_bench(quick: bool) -> str:
    repeats = 3
    load0 = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        body = startup_section(tmp, repeats)
        body.append("")
        body += ingest_section(tmp, repeats)
    lines = [
        "## Scale: as a user runs it (issue 17)",
        "",
        f"Reproduce: `{CMD}`; the large-store tables below: "
        "`uv run python -m benchmarks.bench_scale --big`. Every figure is a fresh process "
        "timed whole (start-up included) unless its row says otherwise. The machine is "
        "shared: the 1-minute load average was "
        f"{load0:.1f} at the start of this run and {os.getloadavg()[0]:.1f} at its end on 2 "
        "cores, so wall seconds carry the other work's waits; CPU seconds (user + system, all "
        "threads) are the steadier figure.",
        "",
        *body,
    ]
    big = BIG / "tables.md"
    if big.exists():
        lines += ["", big.read_text().strip()]
    return "\n".join(lines) + "\n"


def run(quick: bool) -> str:  # the benchmarks.run protocol
    return run_bench(quick)


if __name__ == "__main__":
    if "--big" in sys.argv:
        from benchmarks.bench_scale_big import main

        main([a for a in sys.argv[1:] if a != "--big"])
    else:
        print(run_bench("--quick" in sys.argv))
