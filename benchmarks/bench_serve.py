"""`oiltrail serve` on loopback: latency of the map, dossier and events routes with 1, 8 and 32
concurrent clients, `POST /match/default` throughput beside nomenklatura logic-v2, and the web
app's first load in headless Chromium.

The store is simulated (`oiltrail simulate`, ingest, detect, trace); it is built once into
bench-out/serve/ and reused. Every run is bounded: a fixed number of requests per route and
client count, and a time cap. The server is a real `oiltrail serve` process; the clients are
threads of this process (httpx, one connection each).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench-out" / "serve"
OILTRAIL = Path(sys.executable).with_name("oiltrail")
TOKEN = "bench-token-0123456789abcdef"
CMD = "uv run python -m benchmarks.run serve"
SCENARIO = {"seed": 3, "days": 28, "vessels": 150}
CLIENTS = (1, 8, 32)
PER_CLIENT = 6  # requests per client and route (at least MIN_REQUESTS in all)
MIN_REQUESTS = 40
TIME_CAP_S = 60.0  # per route and client count
MATCH_BATCHES = 10
# A store of your own instead of the simulated one (e.g. the 30M store of bench_scale_big):
# the server opens it read-only, but work on a copy.
STORE_SETTING = "OILTRAIL_BENCH_SERVE_DB"


def _run(args: list[str]) -> None:
    done = subprocess.run([str(OILTRAIL), *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"oiltrail {' '.join(args)}: {done.stderr[-500:]}")


def build_store(quick: bool) -> Path:
    """The simulated store (built once per scenario; reused by later runs)."""
    scenario = {**SCENARIO, "days": 7, "vessels": 60} if quick else SCENARIO
    tag = "-".join(f"{k}{v}" for k, v in scenario.items())
    db = OUT / f"serve-{tag}.duckdb"
    if db.exists():
        return db
    OUT.mkdir(parents=True, exist_ok=True)
    sim = OUT / f"sim-{tag}"
    _run(
        [
            "simulate",
            "--out",
            str(sim),
            "--seed",
            str(scenario["seed"]),
            "--days",
            str(scenario["days"]),
            "--vessels",
            str(scenario["vessels"]),
            "--files",
            "nmea",
        ]
    )
    tmp = db.with_suffix(".tmp.duckdb")
    tmp.unlink(missing_ok=True)
    _run(["ingest", str(sim / "ais.nmea"), "--db", str(tmp)])
    _run(["detect", "--db", str(tmp)])
    _run(["trace", "--db", str(tmp)])
    tmp.rename(db)
    return db


def start_server(db: Path, port: int) -> subprocess.Popen[str]:
    env = {**os.environ, "OILTRAIL_API_TOKEN": TOKEN}
    proc = subprocess.Popen(
        [str(OILTRAIL), "serve", "--db", str(db), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("oiltrail serve did not start")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(url: str, paths: list[str], clients: int) -> dict[str, Any]:
    """`clients` threads ask `paths` in turn until the request count or the time cap."""
    total = max(MIN_REQUESTS, clients * PER_CLIENT)
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    counter = iter(range(total))
    deadline = time.monotonic() + TIME_CAP_S

    def worker() -> None:
        nonlocal errors
        headers = {"Authorization": f"Bearer {TOKEN}"}
        with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
            while time.monotonic() < deadline:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                t0 = time.perf_counter()
                try:
                    ok = client.get(paths[i % len(paths)]).status_code == 200
                except httpx.HTTPError:  # a reset or a timeout counts as an error
                    ok = False
                elapsed = time.perf_counter() - t0
                with lock:
                    latencies.append(elapsed)
                    errors += not ok

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "n": len(latencies),
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "errors": errors,
        "rps": len(latencies) / wall,
    }


def routes(url: str) -> dict[str, list[str]]:
    """The benchmarked views, from what the store holds."""
    headers = {"Authorization": f"Bearer {TOKEN}"}
    status = httpx.get(f"{url}/status", headers=headers, timeout=120).json()
    first = status["first"][:10]
    vessels = httpx.get(f"{url}/vessels", headers=headers, params={"limit": 40}).json()["items"]
    day = f"start={first}T12:00:00Z&end={first}T23:59:59Z"
    week_end = time.strftime(
        "%Y-%m-%d", time.gmtime(time.mktime(time.strptime(first, "%Y-%m-%d")) + 7 * 86400)
    )
    # Every map request is a view not asked before (the box shifted by a hundredth of a
    # degree): the server's answer cache, which serves a view asked again, is not measured.
    shifts = [i * 0.01 for i in range(400)]
    return {
        "GET /tracks (whole region, zoom 4)": [
            f"/tracks?bbox=100,{15 + d:.2f},160,55&zoom=4" for d in shifts
        ],
        "GET /tracks (one day, zoom 9)": [
            p
            for d in shifts
            for p in (
                f"/tracks?bbox={121 + d:.2f},37,123.5,39.5&zoom=9&{day}",
                f"/tracks?bbox={127 + d:.2f},38,130,41&zoom=9&{day}",
            )
        ],
        "GET /vessels/{mmsi}": [f"/vessels/{v['mmsi']}" for v in vessels],
        "GET /events (one week, one kind)": [
            f"/events?kind=port_visit&start={first}&end={week_end}&limit=500"
        ],
    }


def match_bench(url: str, pid: int, names: list[str], quick: bool) -> dict[str, float]:
    """Batches of 100 name queries: queries per wall second and per server CPU second."""
    headers = {"Authorization": f"Bearer {TOKEN}"}
    batches = [names[i : i + 100] for i in range(0, len(names), 100)][
        : 3 if quick else MATCH_BATCHES
    ]
    bodies = [
        {
            "queries": {
                f"q{j}": {"schema": "Person" if j % 3 else "Vessel", "properties": {"name": [n]}}
                for j, n in enumerate(b)
            }
        }
        for b in batches
    ]
    with httpx.Client(base_url=url, headers=headers, timeout=300) as client:
        client.post("/match/default", json=bodies[0])  # the index is built on first use
        walls, cpus = [], []
        for body in bodies:
            c0, w0 = cpu_seconds(pid), time.perf_counter()
            r = client.post("/match/default", json=body)
            assert r.status_code == 200, r.text
            walls.append(time.perf_counter() - w0)
            cpus.append(cpu_seconds(pid) - c0)
    n = len(bodies[0]["queries"])
    return {  # CPU over all batches: /proc counts in clock ticks (10 ms)
        "batches": len(bodies),
        "qps_wall": n / statistics.median(walls),
        "qps_cpu": n * len(bodies) / max(sum(cpus), 1e-9),
    }


def logic_v2_qps(names: list[str]) -> float:
    """nomenklatura logic-v2 on the same queries and the candidates our blocking picks (as in
    bench_screen): queries per CPU second, one core."""
    import tempfile

    from benchmarks.bench_screen import _blocked_pairs, _logic_v2_per_pair, _store
    from oiltrail.screen.index import get_index

    with tempfile.TemporaryDirectory() as tmp:
        store = _store(Path(tmp))
        index = get_index(store)
        blocked = _blocked_pairs(index, names)
        _, per_query = _logic_v2_per_pair(index, blocked, 3)
        store.close()
    return 1.0 / per_query


def first_load(url: str, runs: int) -> list[float]:
    """Seconds from navigation to the map drawn with its tracks, in headless Chromium."""
    from oiltrail.report.screenshot import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        return []
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            t0 = time.perf_counter()
            page.goto(f"{url}/#token={TOKEN}")
            page.wait_for_selector(
                "body[data-map-loaded][data-tracks]", state="attached", timeout=120_000
            )
            out.append(time.perf_counter() - t0)
            page.close()
        browser.close()
    return out


def _names(quick: bool) -> list[str]:
    from benchmarks.bench_screen import _names as screening_names

    return screening_names()[: 300 if quick else MATCH_BATCHES * 100]


def run(quick: bool) -> str:
    from oiltrail.store import open_store

    given = os.environ.get(STORE_SETTING)
    db = Path(given) if given else build_store(quick)
    with open_store(db, read_only=True) as store:
        row = store.con.execute(
            "SELECT count(*), count(DISTINCT mmsi), min(ts), max(ts) FROM positions"
        ).fetchone()
        events = store.con.execute("SELECT count(*) FROM events").fetchone()
    assert row is not None and events is not None
    size_mb = db.stat().st_size / 1e6
    port = 18900 + os.getpid() % 500
    url = f"http://127.0.0.1:{port}"
    proc = start_server(db, port)
    load_before = os.getloadavg()[0]
    try:
        views = routes(url)
        for paths in views.values():  # warm: caches built, as in a server that has run a while
            httpx.get(f"{url}{paths[0]}", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=300)
        table = []
        for name, paths in views.items():
            for clients in CLIENTS:
                table.append((name, clients, load(url, paths, clients)))
        names = _names(quick)
        match = match_bench(url, proc.pid, names, quick)
        loads = first_load(url, 3)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    load_after = os.getloadavg()[0]
    peer = logic_v2_qps(names)
    what = (
        f"`{db.name}` (given by {STORE_SETTING})"
        if given
        else f"simulated ({SCENARIO if not quick else 'quick'}: `oiltrail simulate`, ingest, "
        "detect, trace)"
    )
    lines = [
        "## Serve (HTTP API and web app)",
        "",
        f"Reproduce: `{STORE_SETTING}={db} {CMD}`." if given else f"Reproduce: `{CMD}`.",
        "",
        f"Store: {what}, **{row[0]:,} positions** of {row[1]} vessels, "
        f"{row[2]:%Y-%m-%d} to {row[3]:%Y-%m-%d}, {events[0]:,} events, {size_mb:,.0f} MB. "
        "The wide map views read arrays cached per store version (their cost grows with what "
        "is drawn, not with the store), the close-up and events views scan the positions or "
        "events in their filter.",
        "",
        "A real `oiltrail serve` process on 127.0.0.1, clients are threads of the benchmark "
        f"process (one connection each, sharing the 2 cores with the server); "
        f"{PER_CLIENT} requests per client (at least {MIN_REQUESTS}) per route and client "
        f"count, capped at {TIME_CAP_S:.0f} s; after one warming request per route. Every "
        "`/tracks` request is a view not asked before (its box shifted by 0.01°), so the "
        "server's answer cache (a view asked again) does not help; the dossiers of the 40 "
        "vessels asked in turn are cached per store version after their first request.",
        "",
        f"The machine's load average (1 min) was {load_before:.1f} at the start and "
        f"{load_after:.1f} at the end of the run (2 cores; other sessions' test suites run "
        "beside it): latencies under load are the machine's as much as the server's.",
        "",
        "| route | clients | requests | p50 ms | p99 ms | requests/s | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, clients, r in table:
        lines.append(
            f"| {name} | {clients} | {r['n']} | {r['p50']:.0f} | {r['p99']:.0f} | "
            f"{r['rps']:.1f} | {r['errors']} |"
        )
    at8 = [r for _, c, r in table if c == 8]
    worst = max(r["p99"] for r in at8)
    lines += [
        "",
        f"Target (issue 16): p99 < 300 ms at 8 clients for each route, 0 errors: worst p99 at "
        f"8 clients **{worst:.0f} ms**, errors {sum(r['errors'] for _, _, r in table)}.",
        "",
        "### `POST /match/default`, batches of 100 queries",
        "",
        f"{match['batches']} batches of 100 names (yente's UN positives and nomenklatura's "
        "name-bench queries, as `bench_screen`), over HTTP on loopback, median batch. The "
        "server's CPU time is read from /proc for each batch (one request is served on one "
        "core; summed over the batches, as /proc counts 10 ms ticks). logic-v2: "
        "nomenklatura's `logic-v2` (yente's best algorithm) scoring the same "
        "queries against the same candidates our blocking picks, CPU time, same run.",
        "",
        "| | queries/s |",
        "|---|---:|",
        f"| oiltrail `/match`, per wall second (HTTP, JSON, blocking, scoring, explanations) "
        f"| {match['qps_wall']:,.0f} |",
        f"| oiltrail `/match`, per server CPU second | {match['qps_cpu']:,.0f} |",
        f"| nomenklatura logic-v2, scoring only, per CPU second | {peer:,.0f} |",
        "",
        f"oiltrail ÷ logic-v2 (CPU): **{match['qps_cpu'] / peer:.1f}×**; target ≥ 1,000 "
        "queries/s on one core.",
        "",
        "### First load of the web app",
        "",
    ]
    if loads:
        lines.append(
            "Headless Chromium (Debian's), a new page each time, from navigation to the map "
            "drawn with the tracks of the view (the page's `data-tracks` mark), 3 runs: "
            + ", ".join(f"{x:.2f} s" for x in loads)
            + f"; median **{statistics.median(loads):.2f} s** (target < 2 s on the demo store; "
            "this store is larger)."
        )
    else:
        lines.append("Chromium is absent: not measured.")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(run("--quick" in sys.argv))
