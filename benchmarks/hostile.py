"""Hostile inputs, each through the real CLI in its own process: outcome, exit code, wall time
and peak RSS (GNU time's maximum resident set size).

`python -m benchmarks.hostile [--quick]` prints a Markdown table (docs/robustness.md keeps the
last run's). --quick makes the big cases a quarter of their size.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

LINE = b"!AIVDM,1,1,,A,15M67FC000G?ufbE`FepT@3n00Sa,0*5F\n"
MB = 1 << 20


def _checksum(body: bytes) -> bytes:
    out = 0
    for b in body:
        out ^= b
    return b"%02X" % out


def _tag(body: bytes) -> bytes:
    return b"\\" + body + b"*" + _checksum(body) + b"\\"


def _write(path: Path, chunks: Callable[[], list[bytes] | object]) -> Path:
    with path.open("wb") as fh:
        for chunk in chunks():  # type: ignore[attr-defined]
            fh.write(chunk)
    return path


def cases(tmp: Path, scale: float) -> list[tuple[str, list[str], Path]]:
    """(what, oiltrail arguments, input file) for each hostile case."""
    big = int(1024 * scale)  # MB

    def huge_line() -> list[bytes]:
        return [LINE, b"!AIVDM,", *([b"x" * MB] * big), b"\n", LINE]

    def lone_fragments() -> list[bytes]:
        """Part 1 of 2 of a type 5, each its own group: none ever completes."""
        n = int(1_000_000 * scale)
        body = b"AIVDM,2,1,,A,55NBjP01mtGIL@CW,0"
        sentence = b"!" + body + b"*" + _checksum(body)

        def line(i: int) -> bytes:
            return _tag(f"g:1-2-{i},c:{1_700_000_000 + i // 100}".encode()) + sentence + b"\n"

        return [
            b"".join(line(i) for i in range(k, min(k + 10_000, n))) for k in range(0, n, 10_000)
        ]

    def csv_huge_line() -> list[bytes]:
        head = b"MMSI,BaseDateTime,LAT,LON\n445000001,2026-01-05T00:00:00,39,125\n"
        return [head, *([b"9" * MB] * (big // 4)), b"\n445000002,2026-01-05T00:00:01,39,125\n"]

    def ftm_50mb_line() -> list[bytes]:
        ok = json.dumps({"id": "v1", "schema": "Vessel", "properties": {"name": ["A"]}}).encode()
        return [ok, b"\n", b'{"id": "v2", "schema": "Vessel", "properties": {"name": ["',
                b"N" * (50 * MB), b'"]}}\n']  # fmt: skip

    def ftm_deep() -> list[bytes]:
        return [b"[" * 5_000_000, b"]" * 5_000_000, b"\n"]

    def laughs() -> list[bytes]:
        ents = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
        return [f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY l0 "lol">{ents}]>'
                f"<CONSOLIDATED_LIST>&l9;</CONSOLIDATED_LIST>".encode()]  # fmt: skip

    def external() -> list[bytes]:
        return [b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                b"<CONSOLIDATED_LIST>&e;</CONSOLIDATED_LIST>"]  # fmt: skip

    def xml_deep() -> list[bytes]:
        return [b"<CONSOLIDATED_LIST>", b"<a>" * 2_000_000, b"</a>" * 2_000_000,
                b"</CONSOLIDATED_LIST>"]  # fmt: skip

    def article_200mb() -> list[bytes]:
        para = b"Russia supplied 10,000 tonnes of diesel to North Korea in 2019, a report said. "
        return [para * (MB // len(para))] * int(200 * scale)

    def binary() -> list[bytes]:
        return [bytes(range(256)) * 4096]

    db = str(tmp / "store.duckdb")
    made = [
        ("NMEA: one 1 GB line", "ingest", "huge.nmea", huge_line),
        ("NMEA: 1,000,000 lone fragments", "ingest", "frags.nmea", lone_fragments),
        ("CSV: one 256 MB line", "ingest", "huge.csv", csv_huge_line),
        ("AIS: binary file", "ingest", "bin.nmea", binary),
        ("FtM: one 50 MB line", "lists", "big.json", ftm_50mb_line),
        ("FtM: nesting 5,000,000 deep", "lists", "deep.json", ftm_deep),
        ("XML: entity expansion (billion laughs)", "lists", "laughs.xml", laughs),
        ("XML: external entity", "lists", "xxe.xml", external),
        ("XML: nesting 2,000,000 deep", "lists", "deep.xml", xml_deep),
        ("list: binary file", "lists", "bin.csv", binary),
        ("article: 200 MB of text", "claims", "big.txt", article_200mb),
        ("article: binary file", "claims", "bin.txt", binary),
    ]
    out = []
    for what, cmd, name, gen in made:
        if "1 GB" in what:
            what = what.replace("1 GB", f"{big} MB" if big < 1024 else "1 GB")
        path = _write(tmp / name, gen)
        args = {"ingest": ["ingest", str(path), "--db", db],
                "lists": ["lists", "load", str(path), "--db", db],
                "claims": ["check-claims", str(path)]}[cmd]  # fmt: skip
        out.append((what, args, path))
    return out


def run_case(args: list[str]) -> tuple[int, float, float, str]:
    """Exit code, wall s, peak RSS MB and the last line of output of one CLI run."""
    started = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "RSS_KB=%M", sys.executable, "-m",
                           "oiltrail.cli_main", *args], capture_output=True, text=True)  # fmt: skip
    wall = time.perf_counter() - started
    rss = next(int(ln[7:]) for ln in proc.stderr.splitlines() if ln.startswith("RSS_KB="))
    frame = set("─│┃━┏┓┗┛┡┩└┘┌┐╇╋┳┻ ")
    lines = (proc.stdout + proc.stderr).splitlines()
    text = [ln for ln in lines if ln.strip() and not ln.startswith("RSS_KB=") and set(ln) - frame]
    said = next((ln for ln in text if ln.startswith("error:")), text[-1] if text else "")
    if "Traceback" in proc.stderr:
        said = "TRACEBACK " + said
    return proc.returncode, wall, rss / 1024, said


def main(argv: list[str]) -> int:
    scale = 0.25 if "--quick" in argv else 1.0
    rows = ["| hostile input | command | exit | wall s | peak RSS MB | outcome |",
            "|---|---|---:|---:|---:|---|"]  # fmt: skip
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for what, args, path in cases(Path(tmp), scale):
            code, wall, rss, said = run_case(args)
            path.unlink()
            failures += code == 1 or said.startswith("TRACEBACK") or "internal error" in said
            said = said.replace("|", "\\|").replace(tmp, "…")[:160]
            rows.append(f"| {what} | `{args[0]}` | {code} | {wall:.1f} | {rss:.0f} | {said} |")
            print(rows[-1], file=sys.stderr, flush=True)
    print("\n".join(rows))
    print(f"\nfailures (traceback or internal error): {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
