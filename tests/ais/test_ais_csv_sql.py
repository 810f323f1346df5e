"""DuckDB's reading of a CSV file (ais.csv_sql) gives, block by block, what polars gives from
pyarrow's text (ais.csv_polars): on random files mixing good rows with every spelling that
sends a block to polars, and on the real and test samples."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pytest

from oiltrail.ais import csv_polars
from oiltrail.ais.csv_formats import CsvReader
from oiltrail.ais.csv_sql import SqlRows, plain_bytes, raw_line
from oiltrail.ais.decoded import Decoded
from oiltrail.ais.detect_format import detect
from oiltrail.ais.sources import members
from oiltrail.ais.validate import now_us

MC_HEADER = (
    "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
    "Length,Width,Draft,Cargo,TransceiverClass"
)
GOOD = (
    "445123456,2026-01-05T00:{m:02d}:{s:02d},39.{m},125.0,10.0,90.0,511,KUM UN SAN {v},"
    "IMO9074729,HMAB,80,0,100,16,6.{v},80,A"
)
# Values DuckDB reads without an error: read alike, or sending their block (an MMSI or IMO
# spelt otherwise, a NaN static field) or the rest of the file (not plain: `_` in a number,
# `+-`, a space other than ` `) to polars.
ODD_FIELDS = {
    0: ["", " 445123456 ", "+445123456", "4451.5", "1e8", "0x1A", "4_45", "abc", "1234"],
    2: ["", "91", "nan", "1_0", "+-1", " 39.5 ", "inf", "1e1"],
    4: ["", "102.3", "150", "-1", "+5"],
    6: ["", "511", "360.5", "90.9"],
    7: ["", "Unknown", "  SPACED  ", "A_B", "\u00a0NBSP", "TAB\tNAME", "ÄÖ", "nan"],
    8: ["", "IMO", "9074729", "IMO 9074729", "IMO9074728", "IMOIMO1", "12"],
    10: ["", "80.5", "0", "300", "nan"],
    11: ["", "5.9", "-0.5", "99", "nan"],
    14: ["", "0", "-1", "nan", "1_2"],
}
# Values and lines DuckDB cannot read (an error: the rest of the file goes to polars; DuckDB
# reads ahead, so in a small file that is all of it), and lines it would read otherwise.
ERROR_FIELDS = {  # field 3 (LON) here holds a time: DuckDB cannot read it as a number
    1: ["2026-01-05 00:00:01", "2026-02-30T00:00:00", "2026-01-05T23:59:60"],
    3: [" 2026-01-05T00:00:01", "1767571204", "2026-01-05T00:00:01Z", "x"],
    2: ["north"],
    10: ["tanker"],
    11: ["moored"],
}
ODD_LINES = ["", "   ", ",,,,,,,,,,,,,,,,", "1,2,3", '"quoted ""name""",1', "a\rb", '""']


def _line(rng: random.Random, n: int, odd: float, errors: float) -> str:
    fields = GOOD.format(m=n // 60 % 60, s=n % 60, v=rng.randrange(3)).split(",")
    if rng.random() < errors:
        if rng.random() < 0.3:
            return rng.choice(ODD_LINES)
        k = rng.choice(list(ERROR_FIELDS))
        fields[k] = rng.choice(ERROR_FIELDS[k])
    elif rng.random() < odd:
        k = rng.choice(list(ODD_FIELDS))
        fields[k] = rng.choice(ODD_FIELDS[k])
    if rng.random() < 0.05:
        fields[8] = '""'  # the simulator's empty IMO: read alike
    return ",".join(fields)


def _lines(rng: random.Random, n: int, errors: bool) -> list[str]:
    """Runs of 40 lines: plain first, then some with odd values, and in a file with `errors`
    a few late ones that DuckDB cannot read."""
    out: list[str] = []
    while len(out) < n:
        odd = rng.choice([0.0, 0.0, 0.0, 0.01, 0.1]) if len(out) > n // 3 else 0.0
        late = errors and len(out) > n // 2 and rng.random() < 0.3
        out += [_line(rng, len(out) + i, odd, 0.05 if late else 0.0) for i in range(40)]
    return out[:n]


def _batches(path: Path, block: int, sql: bool) -> list[Decoded]:
    (member,) = members(path)
    det = detect(member)
    with member.open() as fh:
        reader = CsvReader(member.name, det.fmt, det.header, now_us())
        return list(reader.batches(fh, block, path if sql else None))


def _same(path: Path, block: int = 1 << 11) -> tuple[int, int]:
    """Assert both readers give equal batches; return (batches, rows) of the file."""
    got, want = _batches(path, block, True), _batches(path, block, False)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.positions.equals(w.positions)
        assert g.static.to_pylist() == w.static.to_pylist()
        assert g.quarantine.to_pylist() == w.quarantine.to_pylist()
        assert (g.skipped, g.invalid_imo, g.replaced_bytes) == (
            w.skipped,
            w.invalid_imo,
            w.replaced_bytes,
        )
    return len(got), sum(d.positions.num_rows + d.quarantine.num_rows for d in got)


@pytest.mark.parametrize("seed", range(16))
def test_random_files_read_alike(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    end = rng.choice(["\n", "\r\n"])
    lines = _lines(rng, rng.randrange(200, 800), errors=seed % 4 == 0)
    path = tmp_path / "AIS_2026_01_05.csv"
    tail = end if rng.random() < 0.8 else ""
    path.write_bytes((end.join([MC_HEADER, *lines]) + tail).encode())
    batches, rows = _same(path, rng.choice([1 << 10, 1 << 12, 1 << 14]))
    assert batches >= 1 and rows > 0


def test_a_plain_file_is_read_by_duckdb_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(1)
    path = tmp_path / "AIS_2026_01_05.csv"
    short_mmsi = "1234" + GOOD[9:].format(m=9, s=9, v=1)
    lines = [*(_line(rng, n, 0.0, 0.0) for n in range(300)), short_mmsi]
    path.write_text("\n".join([MC_HEADER, *lines]) + "\n")
    want = _batches(path, 1 << 12, False)

    def no_polars(*_: object) -> Decoded:
        raise AssertionError("a plain block went to polars")

    monkeypatch.setattr(CsvReader, "_decode_polars", no_polars)
    got = _batches(path, 1 << 12, True)
    assert [d.positions.num_rows for d in got] == [d.positions.num_rows for d in want]
    assert sum(d.quarantine.num_rows for d in got) == 1  # the short MMSI
    assert got[-1].quarantine["raw"][0].as_py() == lines[-1]


def test_sample_files_read_alike(shared_real: Path) -> None:
    for path in [
        shared_real / "aisdb" / "test_data_noaa_20230101.csv",
        shared_real / "mobiml" / "test_nari_dynamic.csv",
        shared_real / "qgis-trajectools" / "ais.csv",
        Path(__file__).resolve().parent.parent / "data" / "ais" / "test_nari_dynamic.csv",
    ]:
        _batches_read = _same(path, 1 << 14)
        assert _batches_read[1] > 0, path


@pytest.mark.parametrize(
    ("data", "plain"),
    [
        (b"1,2026-01-05T00:00:00,A_B\n", True),  # `_` in a text field
        (b"1,2026-01-05T00:00:00,1_0\n", True),  # the third field is text here
        (b"1,2026-01_05T00:00:00,A\n", False),  # in the time, which DuckDB reads
        (b"1,+-2,A\n", False),
        (b'1,"",A\n2,x,""\n', True),
        (b'1,"a",A\n', False),
        (b'"",1,A\n', False),
        (b"1,2,A\n\n3,4,B\n", False),
        (b"1,2,A\r\n\r\n3,4,B\r\n", False),
        (b"1,2,A\r\n3,4,B\r\n", True),
        (b"1,2,A\r3,4,B\n", False),
        (b"1,2,\xc2\xa0A\n", False),
        (b"1,2,\xc3\x84\n", True),
    ],
)
def test_plain_bytes(data: bytes, plain: bool) -> None:
    assert plain_bytes(data, frozenset({1})) is plain


def test_raw_line_is_the_fields_joined() -> None:
    assert raw_line(b'1,"",A,""\r') == "1,,A,"


def test_static_changes_in_arrow_are_polars_ones() -> None:
    rng = random.Random(5)
    n = 3000
    names = ["A", "B", None]
    canon = pa.table(
        {
            "mmsi": pa.array([rng.choice([1, 2, 3, None]) for _ in range(n)], pa.int64()),
            "ts": pa.array([rng.choice([None, *range(50)]) for _ in range(n)], pa.timestamp("us")),
            "imo": pa.array([rng.choice([None, 9074729]) for _ in range(n)], pa.int64()),
            "name": pa.array([rng.choice(names) for _ in range(n)], pa.string()),
            "callsign": pa.array([rng.choice(names) for _ in range(n)], pa.string()),
            "ship_type": pa.array([rng.choice([None, 80.0]) for _ in range(n)], pa.float64()),
            "length": pa.array([rng.choice([None, 1.0]) for _ in range(n)], pa.float64()),
            "width": pa.array([None] * n, pa.float64()),
            "draught": pa.array([rng.choice([None, 5.2, 5.3]) for _ in range(n)], pa.float64()),
            "destination": pa.array([rng.choice(names) for _ in range(n)], pa.string()),
            "row": pa.array(np.arange(n, dtype=np.int64)),
        }
    )
    df = pl.from_arrow(canon)
    assert isinstance(df, pl.DataFrame)
    want = csv_polars.static_changes(df).to_arrow()
    got = SqlRows.static_changes(canon)
    assert got["row"].to_pylist() == want["row"].to_pylist()
    assert 0 < got.num_rows < n
