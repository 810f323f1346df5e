"""Fuzz every reader with generated inputs: no traceback, every line accounted for.

`python -m benchmarks.fuzz` (or `make fuzz`) runs at least 1,000,000 generated inputs in all and
prints one table row per reader; `--scale 0.01` runs a sample (the test suite runs one).
An input is one NMEA line, one CSV row, one Parquet row, one FollowTheMoney line, one OFAC CSV
row, one UN or OFAC XML document, or one article. Inputs are real lines and documents
(tests/data: pyais, mobiml, OFAC and UN excerpts) and lines built from them, damaged at random:
bytes flipped, inserted, deleted, lines cut, tag blocks mangled, fields swapped, types changed.

What "accounted for" checks, per reader:
- NMEA: no exception; every quarantine row's reason is one of SPEC §3's codes and its line is a
  line of the input; lines quarantined + skipped ≤ lines; outcomes (stored, quarantined,
  skipped) at least the lines that are not fragments of a multi-sentence message and at most
  two per line (a type 19 is a position and a static report).
- CSV: every data line is a stored position, a quarantined line, or a counted skip (exactly:
  positions + distinct quarantined lines + skips = lines, as no row here is bad as static only).
- Parquet: a file is refused in one line (InputFormatError), or every row is stored or quarantined.
- FtM lines: entities + counted skips = non-blank lines, exactly.
- XML, OFAC CSV and articles: parsed, or refused with a one-line InputFormatError.
Any other exception is a failure, printed with its input and counted.
"""

from __future__ import annotations

import argparse
import io
import random
import resource
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from operator import xor
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from oiltrail.ais.canonical import ParquetReader
from oiltrail.ais.csv_formats import CsvReader
from oiltrail.ais.nmea import NmeaReader
from oiltrail.ais.schema import QUARANTINE_REASONS
from oiltrail.ais.validate import now_us
from oiltrail.errors import OiltrailError

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
REASONS = set(QUARANTINE_REASONS)
NOISE = b'\\!$,*:.c0123456789AIVDMOsg-@wW~"\r\x00\xff\xe9'
# Inputs per reader at --scale 1 (1,000,000 in all).
COUNTS = {
    "nmea": 740_000,
    "csv": 200_000,
    "parquet": 25_000,
    "ftm": 25_000,
    "ofac_csv": 8_000,
    "xml": 1_000,
    "articles": 1_000,
}


@dataclass
class Tally:
    reader: str
    inputs: int = 0
    stored: int = 0
    quarantined: int = 0
    skipped: int = 0
    refused: int = 0  # whole inputs refused with a one-line error
    failures: int = 0
    seconds: float = 0.0
    examples: list[str] = field(default_factory=list)

    def fail(self, what: str) -> None:
        self.failures += 1
        if len(self.examples) < 5:
            self.examples.append(what)


def damage(rng: random.Random, data: bytes, most: int = 4) -> bytes:
    """`data` with up to `most` random byte edits (flip, insert, delete a run, cut)."""
    out = bytearray(data)
    for _ in range(rng.randint(0, most)):
        if not out:
            break
        pos = rng.randrange(len(out))
        op = rng.randrange(5)
        if op == 0:
            out[pos] = rng.choice(NOISE)
        elif op == 1:
            out.insert(pos, rng.choice(NOISE))
        elif op == 2:
            del out[pos : pos + rng.randint(1, 12)]
        elif op == 3:
            del out[pos:]
        else:
            out[pos:pos] = out[rng.randrange(len(out)) :][: rng.randint(1, 20)]
    return bytes(out)


# --- NMEA ---------------------------------------------------------------------------------


def _nmea_corpus() -> list[bytes]:
    lines = []
    for name in (
        "nmea_data_sample.txt",
        "mixed.txt",
        "sample.ais",
        "gatehouse.nmea",
        "timestamped.ais",
        "messages.ais",
        "ais_test_messages",
    ):
        lines += [ln for ln in (DATA / "ais" / name).read_bytes().splitlines() if ln.strip()]
    return lines


def _checksum(body: bytes) -> bytes:
    return b"%02X" % reduce(xor, body, 0)


def _tagged(rng: random.Random, line: bytes, epoch: int) -> bytes:
    parts = [b"s:fuzz", b"c:%d" % epoch]
    if rng.random() < 0.2:
        parts.append(b"g:%d-2-%d" % (rng.randint(1, 2), rng.randint(1, 99)))
    body = b",".join(parts)
    return b"\\" + body + b"*" + _checksum(body) + b"\\" + line.split(b"\\")[-1]


def nmea_lines(rng: random.Random, corpus: list[bytes], n: int) -> list[bytes]:
    out = []
    epoch = 1_700_000_000
    for _ in range(n):
        line = rng.choice(corpus)
        epoch += rng.randint(0, 3)
        if rng.random() < 0.6 and line.startswith(b"!"):
            line = _tagged(rng, line, epoch)
        if rng.random() < 0.05:
            line = line + b",%d" % epoch  # a NAIS-style trailer
        if rng.random() < 0.5:
            line = damage(rng, line)
        if rng.random() < 0.001:
            line = line * rng.randint(2, 2000)  # a long line
        out.append(line.replace(b"\n", b" "))
    return out


def fuzz_nmea(rng: random.Random, n: int, t: Tally) -> None:
    corpus = _nmea_corpus()
    done = 0
    while done < n:
        k = min(20_000, n - done)
        lines = nmea_lines(rng, corpus, k)
        fragments = sum(1 for ln in lines if _is_fragment(ln))
        base = None if rng.random() < 0.5 else 1_700_000_000.0
        reader = NmeaReader("fuzz.nmea", base, now_us())
        data = b"\n".join(lines) + b"\n"
        parts, pos = [], 0
        try:
            while pos < len(data):  # blocks cut at random line ends, as read_blocks would
                cut = data.find(b"\n", pos + rng.randint(1, 200_000))
                cut = len(data) if cut < 0 else cut + 1
                parts.append(reader.batch(data[pos:cut]))
                pos = cut
            parts.append(reader.finish())
            _check_nmea(t, parts, k, fragments, lines)
        except Exception:  # a traceback is a failure: counted, and the run goes on
            t.fail(f"nmea: {traceback.format_exc(limit=-4)}")
        done += k
    t.inputs += n


def _is_fragment(line: bytes) -> bool:
    fields = line.split(b"\\")[-1].split(b",")
    return len(fields) > 2 and fields[1] not in (b"1", b"") and fields[1].isdigit()


def _check_nmea(t: Tally, parts: list, n_lines: int, fragments: int, lines: list[bytes]) -> None:  # type: ignore[type-arg]
    stored = sum(p.positions.num_rows + p.static.num_rows for p in parts)
    q_lines = [ln for p in parts for ln in p.quarantine["line"].to_pylist()]
    reasons = [r for p in parts for r in p.quarantine["reason"].to_pylist()]
    skipped = sum(sum(p.skipped.values()) for p in parts)
    outcomes = stored + len(q_lines) + skipped
    t.stored += stored
    t.quarantined += len(q_lines)
    t.skipped += skipped
    bad_reason = [r for r in reasons if r.split(":")[0] not in REASONS]
    out_of_range = [ln for ln in q_lines if not 1 <= ln <= n_lines]
    if bad_reason or out_of_range:
        t.fail(f"nmea: reasons {bad_reason[:3]} lines {out_of_range[:3]}")
    if len(set(q_lines)) + skipped > n_lines:
        t.fail(f"nmea: {len(set(q_lines))} quarantined + {skipped} skipped > {n_lines} lines")
    if not n_lines - fragments <= outcomes <= 2 * n_lines:
        t.fail(f"nmea: {outcomes} outcomes for {n_lines} lines ({fragments} fragments)")


# --- CSV ----------------------------------------------------------------------------------

MC_HEADER = (
    "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
    "Length,Width,Draft,Cargo,TransceiverClass"
)
TIMES = [
    "2026-01-05T00:00:%02d",
    "2026-01-05 00:00:%02d",
    "2026-01-05T00:00:%02dZ",
    "05/01/2026 00:00:%02d",
    "17676%05d",
]


def csv_rows(rng: random.Random, n: int) -> list[bytes]:
    out = []
    for i in range(n):
        spelling = rng.choice(TIMES)
        ts = spelling % (i % 60) if "%02d" in spelling else spelling % (i % 100000)
        row = (
            f"{rng.choice([445000001, 445000002, 273000000 + i % 1000, 12345])},{ts},"
            f"{rng.uniform(-95, 95):.5f},{rng.uniform(-185, 185):.5f},{rng.uniform(0, 30):.1f},"
            f"{rng.uniform(0, 360):.1f},{rng.randint(0, 511)},"
            f"{rng.choice(['CHON MA SAN', '', 'A, B', 'YU JONG 2'])!s},"
            f"{rng.choice(['IMO9074729', '', 'IMO1234567'])},{rng.choice(['HMXY', ''])},"
            f"{rng.choice(['80', '70', '', 'Tanker'])},{rng.choice(['0', '1', '5', ''])},"
            "100,20,6.5,,A"
        ).encode()
        if rng.random() < 0.3:
            row = damage(rng, row)
        out.append(row.replace(b"\n", b" "))
    return out


def fuzz_csv(rng: random.Random, n: int, t: Tally) -> None:
    done = 0
    while done < n:
        k = min(20_000, n - done)
        rows = csv_rows(rng, k)
        if rng.random() < 0.3:  # blank lines
            for _ in range(rng.randint(1, 5)):
                rows.insert(rng.randrange(len(rows) + 1), b"")
        data = MC_HEADER.encode() + b"\n" + b"\n".join(rows) + b"\n"
        reader = CsvReader("fuzz.csv", "marinecadastre", MC_HEADER.split(","), now_us())
        block = rng.choice([1 << 14, 1 << 16, 1 << 20])
        try:
            parts = list(reader.batches(io.BytesIO(data), block))
        except Exception:
            t.fail(f"csv: {traceback.format_exc(limit=-4)}")
            done += k
            continue
        positions = sum(p.positions.num_rows for p in parts)
        q_lines = {ln for p in parts for ln in p.quarantine["line"].to_pylist()}
        skipped = sum(sum(p.skipped.values()) for p in parts)
        t.stored += positions
        t.quarantined += len(q_lines)
        t.skipped += skipped
        if positions + len(q_lines) + skipped != len(rows):
            t.fail(f"csv: {positions} + {len(q_lines)} + {skipped} != {len(rows)} lines")
        if any(not 2 <= ln <= len(rows) + 1 for ln in q_lines):
            t.fail("csv: a quarantine line outside the file")
        done += k
    t.inputs += n


# --- Parquet ------------------------------------------------------------------------------


def _parquet_table(rng: random.Random, n: int) -> pa.Table:
    cols: dict[str, pa.Array] = {
        "mmsi": pa.array(
            [rng.choice([445000001, 5, 273000000 + i, None]) for i in range(n)], pa.int64()
        ),
        "ts": pa.array(
            [rng.choice([1_767_571_200_000_000 + i, None, 0, 2**62]) for i in range(n)],
            pa.timestamp("us"),
        ),
        "lat": pa.array([rng.choice([39.0, 95.0, None, float("nan")]) for _ in range(n)]),
        "lon": pa.array([rng.choice([125.0, -190.0, None]) for _ in range(n)]),
    }
    if rng.random() < 0.5:
        cols["sog"] = pa.array([rng.uniform(-5, 200) for _ in range(n)])
    if rng.random() < 0.1:  # a column of the wrong type
        victim = rng.choice(list(cols))
        cols[victim] = pa.array([str(rng.random()) for _ in range(n)])
    if rng.random() < 0.1:
        del cols[rng.choice(list(cols))]
    return pa.table(cols)


def fuzz_parquet(rng: random.Random, n: int, t: Tally) -> None:
    done = 0
    while done < n:
        k = min(rng.randint(1, 200), n - done)
        buf = io.BytesIO()
        pq.write_table(_parquet_table(rng, k), buf)
        data = buf.getvalue()
        if rng.random() < 0.05:
            data = damage(rng, data, 2)
        try:
            parts = list(ParquetReader("fuzz.parquet", now_us(), 64).batches(io.BytesIO(data)))
        except OiltrailError:
            t.refused += 1
            done += k
            continue
        except Exception:
            t.fail(f"parquet: {traceback.format_exc(limit=-4)}")
            done += k
            continue
        stored = sum(p.positions.num_rows + p.static.num_rows for p in parts)
        quarantined = sum(p.quarantine.num_rows for p in parts)
        t.stored += stored
        t.quarantined += quarantined
        if stored + quarantined != k:
            t.fail(f"parquet: {stored} + {quarantined} != {k} rows")
        done += k
    t.inputs += n


# --- lists and articles --------------------------------------------------------------------


def fuzz_ftm(rng: random.Random, n: int, t: Tally) -> None:
    from oiltrail.screen.readers.ftm import read_ftm_lines

    corpus = (DATA / "screen" / "entities.ftm.json").read_text().splitlines()
    hostile = [
        '{"id": "x", "schema": "Vessel", "datasets": 5}',
        "[" * 50_000,
        '{"id": 1, "schema": ["Vessel"]}',
        '{"id": "y", "schema": "Vessel", "properties": {"name": [{"a": 1}], "imoNumber": 9074729}}',
    ]
    done = 0
    while done < n:
        k = min(5_000, n - done)
        lines = []
        for _ in range(k):
            line = rng.choice(corpus) if rng.random() > 0.05 else rng.choice(hostile)
            if rng.random() < 0.4:
                line = damage(rng, line.encode(), 6).decode("utf-8", "replace")
            lines.append(line.replace("\n", " ").replace("\r", " ") or "{}")
        text = "\n".join(lines)
        try:
            result, _ = read_ftm_lines(text, Path("fuzz.json"))
        except Exception:
            t.fail(f"ftm: {traceback.format_exc(limit=-4)}")
            done += k
            continue
        nonblank = sum(1 for ln in text.splitlines() if ln.strip())
        t.stored += len(result.entities)
        t.skipped += len(result.skips)
        if len(result.entities) + len(result.skips) != nonblank:
            t.fail(f"ftm: {len(result.entities)} + {len(result.skips)} != {nonblank} lines")
        done += k
    t.inputs += n


def fuzz_ofac_csv(rng: random.Random, n: int, t: Tally) -> None:
    from oiltrail.screen.readers.base import decode
    from oiltrail.screen.readers.ofac_csv import read_ofac_csv

    corpus = (DATA / "screen" / "sdn.csv").read_bytes().splitlines()
    done = 0
    while done < n:
        k = min(2_000, n - done)
        rows = [
            damage(rng, rng.choice(corpus), 5) if rng.random() < 0.4 else rng.choice(corpus)
            for _ in range(k)
        ]
        raw = b"\n".join(rows) + b"\n"
        try:
            result = read_ofac_csv(decode(raw, Path("sdn.csv")), Path("sdn.csv"), {})
            t.stored += len(result.entities)
            t.skipped += len(result.skips)
        except OiltrailError:
            t.refused += 1
        except Exception:
            t.fail(f"ofac_csv: {traceback.format_exc(limit=-4)}")
        done += k
    t.inputs += n


def fuzz_xml(rng: random.Random, n: int, t: Tally) -> None:
    from oiltrail.screen.load import _parse_file

    docs = [
        (DATA / "screen" / f).read_bytes() for f in ("un_dprk_small.xml", "sdn_advanced_small.xml")
    ]
    hostile = [
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b"<CONSOLIDATED_LIST>&b;</CONSOLIDATED_LIST>",
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<CONSOLIDATED_LIST>&x;</CONSOLIDATED_LIST>",
        b"<a>" * 20_000 + b"</a>" * 20_000,
    ]
    for _ in range(n):
        doc = rng.choice(docs) if rng.random() > 0.05 else rng.choice(hostile)
        if rng.random() < 0.7:
            doc = damage(rng, doc, 8)
        try:
            parsed = _parse_file(Path("fuzz.xml"), doc, {})
            t.stored += len(parsed.result.entities)
            t.skipped += len(parsed.result.skips)
        except OiltrailError:
            t.refused += 1
        except Exception:
            t.fail(f"xml: {traceback.format_exc(limit=-4)}")
    t.inputs += n


def fuzz_articles(rng: random.Random, n: int, t: Tally) -> None:
    from oiltrail.claims.check import check_claims
    from oiltrail.claims.text import decode_bytes, html_to_text, markdown_to_text

    words = (
        b"Russia supplied 10,000 tonnes of diesel to North Korea in March 2019, the UN said. "
        b"The tanker YU JONG 2 (IMO 8604917) transferred oil off Nampo. "
    )
    shapes = [
        words,
        b"<html><body><p>" + words + b"</p><script>x</script></body></html>",
        b"# Title\n\n" + words + b"\n\n* item\n",
        b"\x00\x01\x02" * 50,
        b"<" * 5000,
    ]
    for _ in range(n):
        data = damage(rng, rng.choice(shapes) * rng.randint(1, 20), 10)
        try:
            text = decode_bytes(data, "fuzz.txt")
            text = html_to_text(text) if b"<html" in data else markdown_to_text(text)
            result = check_claims(text, None)
            t.stored += len(result["claims"])
        except OiltrailError:
            t.refused += 1
        except Exception:
            t.fail(f"articles: {traceback.format_exc(limit=-4)}")
    t.inputs += n


READERS: dict[str, Callable[[random.Random, int, Tally], None]] = {
    "nmea": fuzz_nmea,
    "csv": fuzz_csv,
    "parquet": fuzz_parquet,
    "ftm": fuzz_ftm,
    "ofac_csv": fuzz_ofac_csv,
    "xml": fuzz_xml,
    "articles": fuzz_articles,
}


def run(scale: float = 1.0, seed: int = 1, only: list[str] | None = None) -> list[Tally]:
    tallies = []
    for name, fn in READERS.items():
        if only and name not in only:
            continue
        t = Tally(name)
        rng = random.Random(f"{seed}:{name}")
        started = time.perf_counter()
        fn(rng, max(1, int(COUNTS[name] * scale)), t)
        t.seconds = time.perf_counter() - started
        tallies.append(t)
    return tallies


def table(tallies: list[Tally]) -> str:
    rows = [
        "| reader | inputs | stored | quarantined | skipped | refused (one line) | failures | s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for t in tallies:
        rows.append(
            f"| {t.reader} | {t.inputs:,} | {t.stored:,} | {t.quarantined:,} | "
            f"{t.skipped:,} | {t.refused:,} | {t.failures} | {t.seconds:.0f} |"
        )
    total = sum(t.inputs for t in tallies)
    fails = sum(t.failures for t in tallies)
    rows.append(f"| **all** | **{total:,}** | | | | | **{fails}** | |")
    return "\n".join(rows)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of the 1,000,000 inputs")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("readers", nargs="*", help=f"some of {', '.join(READERS)}")
    args = parser.parse_args(argv)
    tallies = run(args.scale, args.seed, args.readers)
    print(table(tallies))
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS {rss_mb:.0f} MB; seed {args.seed}; scale {args.scale}")
    for t in tallies:
        for example in t.examples:
            print(f"FAILURE {example}", file=sys.stderr)
    return 1 if any(t.failures for t in tallies) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
