"""Damaged files a user meets: each gives counted quarantine rows on the right lines, or one
line of error with nothing of the file kept, never a lost file or "internal error"."""

from __future__ import annotations

import gzip
import io
import sys
import tracemalloc
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

from oiltrail.ais.decoded import QUARANTINE_RAW_CHARS
from oiltrail.ais.multipart import FRAGMENT_WINDOW_LINES, Assembler, Fragment
from oiltrail.ais.sources import LINE_CUT_MARK, MAX_LINE_BYTES, Member, read_blocks
from oiltrail.errors import InputFormatError
from oiltrail.store.ingest import ingest_into

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "ais"))
from ais_factory import BASE_S, encode, fleet_lines, position, tag

HEADER = (
    "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
    "Length,Width,Draft,Cargo,TransceiverClass\n"
)


def _row(i: int, name: str = "X") -> str:
    return f"44500000{i},2026-01-05T00:00:0{i},39.0,125.0,1,2,3,{name},,,,,,,,,A\n"


def _ingest(path: Path, db: Path, **kw: str) -> tuple[int, list[tuple[int, str]]]:
    rep = ingest_into(db, [path], progress=False, **kw).files[0]  # type: ignore[arg-type]
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT line, reason FROM quarantine ORDER BY line").fetchall()
    con.close()
    return rep.positions, rows


def test_a_byte_that_is_not_utf8_costs_nothing_but_that_character(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(
        (HEADER + _row(1)).encode() + _row(2, "CAF\xe9").encode("latin-1") + _row(3).encode()
    )
    rep = ingest_into(tmp_path / "s.duckdb", [path], progress=False).files[0]
    assert (rep.positions, rep.replaced_bytes, sum(rep.quarantined.values())) == (3, 1, 0)
    con = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    assert con.execute("SELECT name FROM static_reports WHERE mmsi = 445000002").fetchone() == (
        "CAF\ufffd",
    )
    con.close()


@pytest.mark.parametrize("bad", [b"\x00", b"\xff", b"\x00\xfe\xff"])
def test_one_bad_byte_in_the_first_64_kb_is_not_binary(tmp_path: Path, bad: bytes) -> None:
    csv = tmp_path / "a.csv"
    csv.write_bytes((HEADER + _row(1)).encode() + bad + (_row(2) + _row(3)).encode())
    positions, rows = _ingest(csv, tmp_path / "c.duckdb")
    assert positions + len(rows) == 3 and all(line == 3 for line, _ in rows)
    nmea = tmp_path / "a.nmea"
    lines = fleet_lines(6, vessels=2)
    nmea.write_bytes(
        "\n".join(lines[:3]).encode() + b"\n" + bad + "\n".join(lines[3:]).encode() + b"\n"
    )
    positions, rows = _ingest(nmea, tmp_path / "n.duckdb")
    assert positions + len(rows) == 6


def test_real_binary_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.nmea"
    path.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(InputFormatError, match="binary"):
        ingest_into(tmp_path / "s.duckdb", [path], progress=False)


def test_csv_quarantine_lines_are_the_files_own(tmp_path: Path) -> None:
    """Wrong column counts got line -1, and rows after blank or bad lines were shifted."""
    path = tmp_path / "a.csv"
    path.write_text(HEADER + _row(1) + "\n" + "1,2,3\n" + _row(2) + "garbage\n" + _row(3)
                    + "4450000x9,2026-01-05T00:00:09,39.0,125.0,1,2,3,X,,,,,,,,,A\n")  # fmt: skip
    positions, rows = _ingest(path, tmp_path / "s.duckdb")
    assert positions == 3
    assert rows == [(4, "unparseable:columns"), (6, "unparseable:columns"), (8, "unparseable:mmsi")]


def test_a_stray_quote_costs_its_own_line_only(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(HEADER + _row(1) + '"' + _row(2) + _row(3) + _row(4) + _row(5))
    positions, rows = _ingest(path, tmp_path / "s.duckdb")
    assert positions == 4 and rows == [(3, "unparseable:columns")]


def test_truncated_gz_and_zst_are_refused_and_leave_no_store(tmp_path: Path) -> None:
    body = "".join(f"{line}\n" for line in fleet_lines(4000, vessels=20)).encode()
    gz = tmp_path / "a.nmea.gz"
    gz.write_bytes(gzip.compress(body)[: -len(body) // 20])
    zst = tmp_path / "a.nmea.zst"
    zst.write_bytes(zstandard.ZstdCompressor().compress(body)[:-100])
    for path in (gz, zst):
        db = tmp_path / f"{path.name}.duckdb"
        with pytest.raises(InputFormatError, match=path.name) as err:
            ingest_into(db, [path], progress=False)
        assert "\n" not in err.value.detail
        assert not db.exists()  # no empty store left behind


def test_truncated_zst_into_an_existing_store_keeps_nothing_of_it(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    good = tmp_path / "good.nmea"
    good.write_text("".join(f"{line}\n" for line in fleet_lines(10, vessels=2)))
    ingest_into(db, [good], progress=False)
    body = "".join(f"{tag(encode(position(445000100 + i % 50, 39, 125))[0], c=BASE_S + i)}\n"
                   for i in range(20000)).encode()  # fmt: skip
    zst = tmp_path / "b.nmea.zst"
    zst.write_bytes(zstandard.ZstdCompressor().compress(body)[:-50])
    with pytest.raises(InputFormatError, match="cannot be read to its end"):
        ingest_into(db, [zst], progress=False)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM positions").fetchone() == (10,)
    assert con.execute("SELECT count(*) FROM manifest").fetchone() == (1,)
    con.close()


def test_zst_of_several_frames_reads_them_all(tmp_path: Path) -> None:
    path = tmp_path / "a.nmea.zst"
    frames = [zstandard.ZstdCompressor().compress(f"line {i}\n".encode() * 1000) for i in range(3)]
    path.write_bytes(b"".join(frames))
    with Member(path, path.name).open() as fh:
        assert fh.read().count(b"\n") == 3000


@pytest.mark.parametrize(
    ("column", "values"), [("mmsi", ["x", "445000001"]), ("ts", ["2026-01-01", "x"])]
)
def test_parquet_column_of_the_wrong_type_is_one_line(
    tmp_path: Path, column: str, values: list[str]
) -> None:
    cols: dict[str, pa.Array] = {
        "mmsi": pa.array([445000001, 445000002], pa.uint32()),
        "ts": pa.array([BASE_S * 10**6, BASE_S * 10**6], pa.timestamp("us")),
        "lat": pa.array([39.0, 39.1]),
        "lon": pa.array([125.0, 125.1]),
    }
    cols[column] = pa.array(values)
    path = tmp_path / "a.parquet"
    pq.write_table(pa.table(cols), path)
    with pytest.raises(InputFormatError, match=f"column '{column}' is string"):
        ingest_into(tmp_path / "s.duckdb", [path], progress=False)
    assert not (tmp_path / "s.duckdb").exists()


def test_quarantine_rows_are_not_counted_twice(tmp_path: Path) -> None:
    """The same bad lines from the file as .gz, or with one more line, are already there."""
    lines = [*fleet_lines(6, vessels=2), "!AIVDM,1,1,,A,garbage,0*00", "not ais at all"]
    text = "".join(f"{line}\n" for line in lines)
    plain = tmp_path / "a.nmea"
    plain.write_text(text)
    gz = tmp_path / "a.nmea.gz"
    gz.write_bytes(gzip.compress(text.encode()))
    longer = tmp_path / "b.nmea"
    longer.write_text("\n" + text)
    db = tmp_path / "s.duckdb"
    ingest_into(db, [plain, gz, longer], progress=False)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM quarantine").fetchone() == (2,)
    assert con.execute("SELECT count(*) FROM manifest").fetchone() == (3,)
    con.close()


def test_one_huge_line_is_cut_and_its_prefix_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "a.nmea"
    lines = fleet_lines(4, vessels=2)
    with path.open("wb") as fh:
        fh.write(f"{lines[0]}\n".encode() + b"!AIVDM," + b"x" * (64 << 20) + b"\n")
        fh.write("".join(f"{line}\n" for line in lines[1:]).encode())
    tracemalloc.start()
    positions, rows = _ingest(path, tmp_path / "s.duckdb")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert positions == 4 and rows == [(2, "unparseable:too_long")]
    assert peak < 48 << 20  # the 64 MB line is never held whole
    con = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    raw = con.execute("SELECT raw FROM quarantine").fetchone()
    con.close()
    assert raw is not None and len(raw[0]) <= QUARANTINE_RAW_CHARS + 1


def test_read_blocks_cut_a_line_longer_than_the_limit() -> None:
    data = b"a\n" + b"y" * (3 * MAX_LINE_BYTES) + b"\nb\n"
    blocks = [bytes(b.data) for b in read_blocks(io.BytesIO(data), 4096)]
    text = b"".join(blocks)
    assert text.split(b"\n")[0] == b"a" and text.split(b"\n")[2] == b"b"
    assert text.split(b"\n")[1] == b"y" * MAX_LINE_BYTES + LINE_CUT_MARK


def _frag(line: int, key: bytes, num: int, ts: float = float("nan")) -> Fragment:
    return Fragment(line, 2, num, (key, 2, b"A"), b"0", 0, ts, b"raw")


def test_fragments_join_only_within_the_window() -> None:
    a = Assembler()
    out = a.feed([_frag(1, b"g1", 1, 100.0), _frag(2, b"g1", 2, 100.0 + 3600)])  # an hour later
    assert not out.payloads and len(out.orphans) == 2
    out = a.feed([_frag(10, b"g2", 1), _frag(12 + FRAGMENT_WINDOW_LINES, b"g2", 2)])
    assert not out.payloads and len(out.orphans) == 2
    out = a.feed([_frag(20_000, b"g3", 1, 5.0), _frag(20_003, b"g3", 2, 6.0)])
    assert len(out.payloads) == 1 and not out.orphans


def test_a_million_lone_fragments_keep_the_pending_set_bounded() -> None:
    a = Assembler()
    orphans = 0
    for start in range(0, 1_000_000, 100_000):
        out = a.feed([_frag(i, str(i).encode(), 1) for i in range(start, start + 100_000)])
        orphans += len(out.orphans)
        assert len(a.pending) <= FRAGMENT_WINDOW_LINES + 1
    assert orphans + len(a.finish().orphans) == 1_000_000
