"""Run every benchmark side by side with its peer and write BENCHMARKS.md.

Each module `benchmarks/bench_*.py` exposes `run(quick: bool) -> str`, returning a Markdown
section (its tables, the peer's figures from the same run, medians of several repeats).
`make bench` runs them all; `python -m benchmarks.run ingest detect` runs only those.
"""

from __future__ import annotations

import importlib
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORDER = [
    "ingest", "scale", "simulate", "detect", "screen", "screen_precision", "engines", "trace",
    "claims", "report", "demo", "serve", "dark",
]  # fmt: skip


def main(argv: list[str]) -> None:
    quick = "--quick" in argv
    names = [a for a in argv if not a.startswith("-")] or ORDER
    sections: dict[str, str] = {}
    for name in names:
        path = ROOT / "benchmarks" / f"bench_{name}.py"
        if not path.exists():
            print(f"skip {name}: {path.name} not present", file=sys.stderr)
            continue
        module = importlib.import_module(f"benchmarks.bench_{name}")
        started = time.perf_counter()
        sections[name] = module.run(quick)
        print(f"{name}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    out = ROOT / "BENCHMARKS.md"
    previous = _previous_sections(out)
    previous.update(sections)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    head = (
        "# Benchmarks\n\n"
        "Each figure comes from `make bench` (or `uv run python -m benchmarks.run NAME`), "
        "with the peer measured in the same run on the same input. Machine: 2 cores, 24 GiB, "
        f"{platform.python_implementation()} {platform.python_version()}; commit {commit}. "
        "Times are medians of several repeats; ratios are peer time / oiltrail time.\n"
    )
    body = "\n".join(
        f"<!-- section:{k} -->\n{previous[k].strip()}\n"
        for k in ORDER + sorted(set(previous) - set(ORDER))
        if k in previous
    )
    out.write_text(head + "\n" + body)
    print(f"wrote {out}", file=sys.stderr)


def _previous_sections(path: Path) -> dict[str, str]:
    """Keep sections of benchmarks not re-run this time."""
    if not path.exists():
        return {}
    parts = path.read_text().split("<!-- section:")[1:]
    out = {}
    for part in parts:
        key, _, text = part.partition(" -->\n")
        out[key] = text
    return out


if __name__ == "__main__":
    main(sys.argv[1:])
