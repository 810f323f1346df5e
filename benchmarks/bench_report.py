"""Report benchmark: the whole HTML report, and its map beside matplotlib drawing the same map.

Reproduce: `uv run python -m benchmarks.run report` (add `--quick` for the small size only).
Positions are generated here in DuckDB (vessels sailing random lanes around Korea), so the
benchmark depends on no other stage (the other sections run whatever stages are installed).
The peer is matplotlib (the usual way to draw a track map in Python), given exactly the thinned
tracks, land rings and event markers the report draws, and saving an SVG.
"""

from __future__ import annotations

import io
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from oiltrail.reference.ports import BUNDLED_ORIGIN, read_ports
from oiltrail.report.collect import ReportParams, collect
from oiltrail.report.geo import land
from oiltrail.report.html import write_report
from oiltrail.report.mapsvg import render_map
from oiltrail.store import Store, open_store
from oiltrail.store.reference import save_ports

CMD = "uv run python -m benchmarks.run report"
REPEATS = 3


def _median_s(fn: Callable[[], Any], repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def make_store(path: Path, positions: int, vessels: int = 200) -> Store:
    """`positions` fixes at 1-minute spacing for `vessels` ships drifting along random lanes."""
    store = open_store(path)
    per_vessel = positions // vessels
    store.con.execute(
        """INSERT INTO positions
           SELECT 440000000 + v AS mmsi,
                  TIMESTAMP '2026-01-05' + i * INTERVAL 1 MINUTE AS ts,
                  31 + (v * 7 % 100) / 10.0 + i * ((v % 7) - 3) * 0.00005 AS lat,
                  121 + (v * 13 % 100) / 10.0 + i * ((v % 5) - 2) * 0.00007 AS lon,
                  10.0, 0.0, NULL, 0, NULL
           FROM range(?) AS a(v), range(?) AS b(i)""",
        [vessels, per_vessel],
    )
    store.con.execute(
        """INSERT INTO events
           SELECT substr(md5(mmsi::VARCHAR || ts::VARCHAR), 1, 16),
                  CASE WHEN mmsi % 3 = 0 THEN 'loitering' WHEN mmsi % 3 = 1 THEN 'gap'
                       ELSE 'port_visit' END,
                  mmsi, NULL, ts, ts + INTERVAL 5 HOUR, lat, lon, NULL, '{}', 'bench'
           FROM positions USING SAMPLE 500 ROWS"""
    )
    save_ports(store, read_ports(), BUNDLED_ORIGIN)  # as detect leaves them
    return store


def matplotlib_map(data: Any, out: io.BytesIO) -> None:
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 7))
    for ring in land()[2]:
        xs, ys = zip(*ring, strict=True)
        ax.fill(xs, ys, color="#f1ede3", edgecolor="#9c9483", linewidth=0.5)
    for t in data.tracks:
        for seg in t.segments:
            xs, ys = zip(*seg, strict=True)
            ax.plot(xs, ys, color="#7d8799", linewidth=0.8)
    evs = [e for e in data.events.rows if e.get("lon") is not None]
    ax.scatter([e["lon"] for e in evs], [e["lat"] for e in evs], s=12, c="#d62728")
    ax.set_xlim(117, 134)
    ax.set_ylim(29, 44)
    fig.savefig(out, format="svg")
    plt.close(fig)


def measure(positions: int, tmp: Path) -> dict[str, Any]:
    store = make_store(tmp / f"bench_{positions}.duckdb", positions)
    try:
        out = tmp / "report.html"
        report_s = _median_s(lambda: write_report(store, out, []))
        data = collect(store, [], ReportParams())
        map_s = _median_s(lambda: render_map(data))
        peer_s = _median_s(lambda: matplotlib_map(data, io.BytesIO()))
        svg = io.BytesIO()
        matplotlib_map(data, svg)
        return {
            "positions": positions,
            "report_s": report_s,
            "map_s": map_s,
            "peer_s": peer_s,
            "html_kib": out.stat().st_size / 1024,
            "peer_kib": len(svg.getvalue()) / 1024,
        }
    finally:
        store.close()


def run(quick: bool) -> str:
    sizes = [100_000] if quick else [100_000, 1_000_000]
    with tempfile.TemporaryDirectory() as tmp:
        results = [measure(n, Path(tmp)) for n in sizes]
    lines = [
        "## Report",
        "",
        "`write_report` end to end (store queries, track thinning to 20,000 points, SVG, HTML), "
        "and the map alone beside matplotlib drawing the same thinned tracks, coastline and "
        f"markers to SVG. Median of {REPEATS} runs. Reproduce: `{CMD}`.",
        "",
        "| positions | report (s) | map SVG (s) | matplotlib map SVG (s) | matplotlib / oiltrail "
        "map | report HTML (KiB) | matplotlib SVG (KiB) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['positions']:,} | {r['report_s']:.2f} | {r['map_s']:.3f} | "
            f"{r['peer_s']:.3f} | {r['peer_s'] / r['map_s']:.1f}× | {r['html_kib']:,.0f} | "
            f"{r['peer_kib']:,.0f} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(run(quick=True))
