"""The large-store half of bench_scale: tens of minutes, run by hand (`--big`).

`uv run python -m benchmarks.bench_scale --big [detect] [commands] [day] [year] [increment]`
builds its stores once under bench-out/scale/ (simulated scenarios, seed 1; reused when
present) and writes bench-out/scale/tables.md, which `make bench` (bench_scale) copies into
BENCHMARKS.md. Every figure is one fresh `oiltrail` process timed whole (wall, user + system
CPU, peak RSS); the machine is shared, so CPU seconds are the steadier figure. One run each:
the stages take minutes, and the CPU is shared with other work.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import duckdb

from benchmarks.bench_scale import BIG, Run, oiltrail

EVENT_COLS = 'event_id, kind, mmsi, other_mmsi, start, "end", lat, lon, port, details'
STAGES = ("detect", "commands", "day", "year", "increment")


def _load() -> dict[str, list[str]]:
    path = BIG / "tables.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _save(tables: dict[str, list[str]]) -> None:
    (BIG / "tables.json").write_text(json.dumps(tables, indent=1))
    order = [k for k in STAGES if k in tables]
    (BIG / "tables.md").write_text("\n\n".join("\n".join(tables[k]) for k in order) + "\n")


def _row(label: str, r: Run) -> str:
    return f"| {label} | {r.wall:.1f} | {r.cpu:.1f} | {r.rss_mb:,.0f} |"


def _positions(db: Path, table: str = "positions") -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
        return int(row[0]) if row else 0
    finally:
        con.close()


def _events(db: Path) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(f"SELECT {EVENT_COLS} FROM events ORDER BY event_id").fetchall()
    finally:
        con.close()


def store30() -> tuple[Path, Run | None]:
    """30 million positions: 14 days, 2,272 background vessels (the issue's store)."""
    sim, db = BIG / "sim30", BIG / "s30.duckdb"
    if not (sim / "positions.parquet").exists():
        oiltrail("simulate", "--out", str(sim), "--days", "14", "--vessels", "2272",
                 "--files", "parquet")  # fmt: skip
    ingest = None
    if not db.exists():
        ingest = oiltrail("ingest", "--db", str(db), str(sim / "positions.parquet"),
                          str(sim / "static.parquet"))  # fmt: skip
    return db, ingest


def detect_stage() -> list[str]:
    db, ingest = store30()
    n = _positions(db)
    rows, results = [], {}
    for label, limit in (("in memory (`OILTRAIL_DETECT_PARTITION_ROWS=0`)", "0"),
                         ("partitioned, 4,000,000 rows (the default)", "4000000"),
                         ("partitioned, 1,000,000 rows", "1000000")):  # fmt: skip
        copy = BIG / f"detect_{limit}.duckdb"
        shutil.copyfile(db, copy)
        r = oiltrail("detect", "--db", str(copy), env={"OILTRAIL_DETECT_PARTITION_ROWS": limit})
        rows.append(_row(label, r))
        results[limit] = _events(copy)
    same = all(v == results["0"] for v in results.values())
    differ = {
        limit: sorted({str(r[1]) for r in set(v) ^ set(results["0"])})
        for limit, v in results.items()
        if v != results["0"]
    }
    shutil.copyfile(BIG / "detect_4000000.duckdb", BIG / "s30_detected.duckdb")
    for limit in results:
        (BIG / f"detect_{limit}.duckdb").unlink()
    lines = [
        "### detect's memory on the large store",
        "",
        f"`oiltrail simulate --days 14 --vessels 2272 --files parquet` (seed 1): {n:,} "
        "positions; a full `oiltrail detect` from a copy of the ingested store each time. "
        "Target: peak RSS at most 3 GB.",
        "",
        "| detect | wall s | CPU s | peak RSS MB |",
        "|---|---:|---:|---:|",
        *rows,
        "",
        f"Events identical in all three runs: **{same}** ({len(results['0']):,} events, "
        "compared row by row: id, kind, vessels, times, place, port, details)"
        + (f"; differing kinds by partition size: {differ}." if differ else "."),
    ]
    if ingest is not None:
        lines.append(f"\nIngest of that store from Parquet: {ingest.wall:.0f} s wall, "
                     f"{ingest.cpu:.0f} s CPU, {ingest.rss_mb:,.0f} MB peak.")  # fmt: skip
    return lines


def commands_stage() -> list[str]:
    db = BIG / "s30_detected.duckdb"
    if not db.exists():
        detect_stage()
    work = BIG / "s30_commands.duckdb"
    shutil.copyfile(db, work)
    rows = []
    steps = [
        ("`trace` (first run: loads the watchlist into the store)", ["trace"]),
        ("`trace` (again)", ["trace"]),
        ("`estimate`", ["estimate"]),
        ("`report -o report.html`", ["report", "-o", str(BIG / "report30.html")]),
        ("`vessels` (screens every vessel of the store)", ["vessels"]),
        ("`screen 'CHON MA SAN'`", ["screen", "CHON MA SAN"]),
        ("`detect` (nothing new)", ["detect"]),
    ]
    for label, args in steps:
        rows.append(_row(label, oiltrail(*args, "--db", str(work))))
    size = (BIG / "report30.html").stat().st_size / 1e6
    work.unlink()
    return [
        "### The other stages on the large store",
        "",
        f"The 30-million-position store above after detect, each command a fresh process. "
        f"Target: each under 10 s. The report is one file of {size:.1f} MB.",
        "",
        "| command | wall s | CPU s | peak RSS MB |",
        "|---|---:|---:|---:|",
        *rows,
    ]


def day_stage() -> list[str]:
    sim = BIG / "day1"
    nmea = sim / "ais.nmea"
    if not nmea.exists():
        oiltrail("simulate", "--out", str(sim), "--days", "1", "--vessels", "31000",
                 "--files", "nmea")  # fmt: skip
    db = BIG / "day1.duckdb"
    for p in BIG.glob("day1.duckdb*"):
        p.unlink()
    stages = [
        ("ingest (NMEA → new store)", ["ingest", "--db", str(db), str(nmea)]),
        ("detect", ["detect", "--db", str(db)]),
        ("trace", ["trace", "--db", str(db)]),
        ("report", ["report", "--db", str(db), "-o", str(BIG / "day1.html")]),
    ]
    rows, wall, cpu, peak = [], 0.0, 0.0, 0.0
    for label, args in stages:
        r = oiltrail(*args)
        rows.append(_row(label, r))
        wall, cpu, peak = wall + r.wall, cpu + r.cpu, max(peak, r.rss_mb)
    n = _positions(db)
    return [
        "### A day of global AIS",
        "",
        f"`oiltrail simulate --days 1 --vessels 31000 --files nmea`: one day, "
        f"{nmea.stat().st_size / 1e9:.2f} GB of tag-blocked NMEA, {n:,} positions stored "
        "(simulated traffic around Korea at global density: the simulator has no world "
        "map). From a new store; target: under 3 minutes end to end.",
        "",
        "| stage | wall s | CPU s | peak RSS MB |",
        "|---|---:|---:|---:|",
        *rows,
        f"| **end to end** | **{wall:.0f}** | **{cpu:.0f}** | {peak:,.0f} |",
    ]


YEAR_POINTS = (30, 91, 182, 273, 365)


def year_stage() -> list[str]:
    """365 days, daily ingest + incremental detect, timed at five points of the year."""
    sim = BIG / "year"
    if not (sim / "positions.parquet").exists():
        # a year that ends before today: ingest quarantines positions from the future
        oiltrail("simulate", "--out", str(sim), "--days", "365", "--vessels", "50",
                 "--files", "parquet", "--start", "2025-01-06T00:00:00Z")  # fmt: skip
    days = _split_days(sim)
    db = BIG / "year.duckdb"
    for p in BIG.glob("year.duckdb*"):
        p.unlink()
    rows, done = [], 0
    for point in YEAR_POINTS:
        if point - 1 > done:  # days before the point in one go, then one detect
            files = [str(f) for d in range(done + 1, point) for f in days[d]]
            oiltrail("ingest", "--db", str(db), *files)
            oiltrail("detect", "--db", str(db))
        ing = oiltrail("ingest", "--db", str(db), *[str(f) for f in days[point]])
        det = oiltrail("detect", "--db", str(db))
        done = point
        n = _positions(db)
        rows.append(
            f"| {point} | {n:,} | {ing.wall:.1f} | {ing.cpu:.1f} | {det.wall:.1f} | "
            f"{det.cpu:.1f} | {max(ing.rss_mb, det.rss_mb):,.0f} |"
        )
    per_day = _positions(db) / 365
    return [
        "### A year of regional AIS (scaled down)",
        "",
        f"`oiltrail simulate --days 365 --vessels 50 --files parquet`, split into one Parquet "
        f"file per UTC day: about {per_day:,.0f} positions a day, not the 1 million of the "
        "issue (a scaled-down year: a full-size one would take hours on this shared machine). "
        "The daily step is one `ingest` of the day's files and one incremental `detect`, "
        "measured at five points of the year; the days before each point are ingested in "
        "one go and detected once.",
        "",
        "| day | positions in store | ingest wall s | ingest CPU s | detect wall s | "
        "detect CPU s | peak RSS MB |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
    ]


def _split_days(sim: Path) -> dict[int, list[Path]]:
    """One positions and one static Parquet file per day (1-based day of the scenario)."""
    out = sim / "days"
    if not out.exists():
        out.mkdir()
        con = duckdb.connect()
        for table in ("positions", "static"):
            src = sim / f"{table}.parquet"
            con.execute(
                f"""COPY (SELECT *, CAST(ts AS DATE) AS day FROM read_parquet('{src}'))
                    TO '{out / table}' (FORMAT parquet, PARTITION_BY (day))"""
            )
        con.close()
    folders = sorted({p.parent.name for p in out.glob("*/day=*/*.parquet")})
    by_day: dict[int, list[Path]] = {}
    for i, name in enumerate(folders, start=1):
        by_day[i] = sorted(out.glob(f"*/{name}/*.parquet"))
    return by_day


def _insert(db: Path, *sql: str) -> None:
    """Each statement on positions and on static_reports (`{t}`), in SQL: no ingest. `{end}`
    is the table's last time before the first statement: the rows it bounds are the originals."""
    con = duckdb.connect(str(db))
    try:
        con.execute("SET memory_limit = '4GB'")
        for t in ("positions", "static_reports"):
            end = con.execute(f"SELECT max(ts) FROM {t}").fetchall()[0][0]
            for q in sql:
                con.execute(q.format(t=t, end=end))
    finally:
        con.close()


# The 30M store's 14 days again, shifted by 14, 28 and 42 days (its original rows only).
FOUR_TIMES = [
    f"INSERT INTO {{t}} SELECT * REPLACE (ts + INTERVAL {k * 14} DAY AS ts) FROM {{t}} "
    "WHERE ts <= TIMESTAMP '{end}'"
    for k in (1, 2, 3)
]
# The store's last UTC day again, one day later.
NEXT_DAY = """INSERT INTO {t} SELECT * REPLACE (ts + INTERVAL 1 DAY AS ts) FROM {t}
    WHERE ts >= date_trunc('day', TIMESTAMP '{end}')"""


def increment_stage() -> list[str]:
    """A full detect, then one new day, then nothing new: at 30M positions and at 120M."""
    db30, _ = store30()
    rows = []
    for label, sql in (("30M", []), ("120M", FOUR_TIMES)):
        work = BIG / f"increment_{label}.duckdb"
        shutil.copyfile(db30, work)
        _insert(work, *sql)
        store = f"{label} ({_positions(work):,} positions)"
        full = oiltrail("detect", "--db", str(work))
        if "full run" not in full.out:
            raise RuntimeError(f"not a full run: {full.out}")
        rows.append(_row(f"{store} | full", full) + f" {_positions(work, 'events'):,} events |")
        _insert(work, NEXT_DAY)
        for step in ("one new day", "nothing new"):
            r = oiltrail("detect", "--db", str(work))
            m = re.search(r"; read ([\d,]+) positions", r.out)
            rows.append(_row(f"{store} | {step}", r) + f" {m.group(1) if m else '?'} read |")
        for p in BIG.glob(work.name + "*"):
            p.unlink()
    return [
        "### Incremental detect on the large stores",
        "",
        "The 30M store above, and a 120M one made from it in SQL (its 14 days four times over, "
        "shifted by 14, 28 and 42 days): a full `oiltrail detect` of a copy; then its last UTC "
        "day appended again one day later (positions and static reports, in SQL) and `detect` "
        "(incremental); then `detect` with nothing new. "
        "Targets: peak RSS at most 3 GB; the new day's CPU about the same at both sizes.",
        "",
        "| store | step | wall s | CPU s | peak RSS MB | positions read / events |",
        "|---|---|---:|---:|---:|---:|",
        *rows,
    ]


def main(argv: list[str]) -> None:
    BIG.mkdir(parents=True, exist_ok=True)
    wanted = [a for a in argv if a in STAGES] or list(STAGES)
    tables = _load()
    fns = {"detect": detect_stage, "commands": commands_stage, "day": day_stage,
           "year": year_stage, "increment": increment_stage}  # fmt: skip
    for stage in wanted:
        tables[stage] = fns[stage]()
        _save(tables)
        print("\n".join(tables[stage]), file=sys.stderr)
