"""Format detection, compression and the CSV readers (MarineCadastre, DMA)."""

from __future__ import annotations

import gzip
import zipfile
from collections import Counter
from pathlib import Path

import pytest
import zstandard

from oiltrail.ais.csv_formats import CsvReader
from oiltrail.ais.detect_format import detect
from oiltrail.ais.sources import members
from oiltrail.ais.validate import now_us
from oiltrail.errors import InputFormatError, UsageError

DATA = Path(__file__).resolve().parent.parent / "data" / "ais"
MC_HEADER = (
    "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
    "Length,Width,Draft,Cargo,TransceiverClass"
)


def read_csv(path: Path) -> tuple[list[dict[str, object]], list[dict[str, object]], Counter[str]]:
    (member,) = members(path)
    det = detect(member)
    pos, st, q = [], [], Counter()
    with member.open() as fh:
        for d in CsvReader(member.name, det.fmt, det.header, now_us()).batches(fh, 1 << 16):
            pos += d.positions.to_pylist()
            st += d.static.to_pylist()
            q.update(d.quarantine["reason"].to_pylist())
    return pos, st, q


def test_detects_each_format(tmp_path: Path) -> None:
    mc = tmp_path / "mc.csv"
    mc.write_text(MC_HEADER + "\n")
    assert detect(members(DATA / "nmea_data_sample.txt")[0]).fmt == "nmea"
    assert detect(members(DATA / "gatehouse.nmea")[0]).fmt == "nmea"
    assert detect(members(DATA / "test_aisdk_20180208_sample.csv")[0]).fmt == "dma"
    assert detect(members(mc)[0]).fmt == "marinecadastre"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02PK\xff" * 50, "binary"),
        (b"a,b,c\n1,2,3\n", "unknown columns"),
    ],
)
def test_not_ais_is_a_one_line_error(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "x.dat"
    path.write_bytes(content)
    with pytest.raises(InputFormatError) as err:
        detect(members(path)[0])
    assert words in err.value.detail and "x.dat" in err.value.detail
    assert "MarineCadastre" in err.value.detail and "\n" not in err.value.detail


def test_format_override_is_checked() -> None:
    with pytest.raises(UsageError):
        detect(members(DATA / "mixed.txt")[0], "xml")
    with pytest.raises(InputFormatError):
        detect(members(DATA / "mixed.txt")[0], "dma")


def test_compressed_inputs_read_like_plain(tmp_path: Path) -> None:
    raw = (DATA / "nmea_data_sample.txt").read_bytes()
    (tmp_path / "a.nmea.gz").write_bytes(gzip.compress(raw))
    (tmp_path / "a.nmea.zst").write_bytes(zstandard.ZstdCompressor().compress(raw))
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as zf:
        zf.writestr("inner/a.nmea", raw)
    for name in ("a.nmea.gz", "a.nmea.zst", "a.zip"):
        (member,) = members(tmp_path / name)
        assert detect(member).fmt == "nmea"
        with member.open() as fh:
            assert fh.read() == raw
    assert members(tmp_path / "a.zip")[0].name == "a.zip!inner/a.nmea"


def test_dma_sample_with_unnamed_index_column() -> None:
    pos, _, q = read_csv(DATA / "test_aisdk_20180208_sample.csv")
    assert len(pos) == 10 and not q
    first = pos[0]
    assert (first["mmsi"], first["nav_status"], first["heading"]) == (265177000, 0, 63)
    assert first["ts"].isoformat() == "2018-02-08T00:00:00"  # dd/mm/YYYY
    assert {p["nav_status"] for p in pos} >= {0, 1}  # "Under way using engine", "At anchor"


def test_dma_plain_header_static_text_types_and_base_stations(tmp_path: Path) -> None:
    header = (
        "# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,"
        "COG,Heading,IMO,Callsign,Name,Ship type,Cargo type,Width,Length,"
        "Type of position fixing device,Draught,Destination,ETA,Data source type"
    )
    rows = [
        "05/01/2026 10:00:00,Class A,445123456,39.0,125.0,Moored,0,0.1,10,20,9074729,HMAB,"
        "KUM UN SAN 3,Tanker,,16,100,GPS,6.2,NAMPO,,AIS",
        "05/01/2026 10:05:00,Class A,445123456,39.0,125.0,Moored,0,0.1,10,20,9074729,HMAB,"
        "KUM UN SAN 3,Tanker,,16,100,GPS,8.0,NAMPO,,AIS",
        "05/01/2026 10:05:00,Base Station,002191000,55.0,12.0,Unknown value,,,,,Unknown,,,"
        "Undefined,,,,GPS,,,,AIS",
        "31/02/2026 10:05:00,Class A,445123456,39.0,125.0,Moored,0,0.1,10,20,,,,,,,,,,,,AIS",
    ]
    path = tmp_path / "aisdk.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    pos, st, q = read_csv(path)
    assert len(pos) == 2 and pos[0]["nav_status"] == 5
    assert [s["draught"] for s in st] == pytest.approx([6.2, 8.0])
    assert st[0]["ship_type"] == 80 and st[0]["imo"] == 9074729
    assert q == Counter({"unparseable:ts": 1})  # 31 February


def test_marinecadastre_rows_and_bad_values(tmp_path: Path) -> None:
    rows = [
        "445123456,2026-01-05T00:00:00,39.0,125.0,10.0,90.0,511,KUM UN SAN 3,IMO9074729,HMAB,80,0,"
        "100,16,6.2,80,A",
        "445123456,2026-01-05T00:01:00,39.01,125.0,10.0,90.0,90,KUM UN SAN 3,IMO9074729,HMAB,80,0,"
        "100,16,6.2,80,A",
        "445123456,2026-01-05T00:02:00,north,125.0,10.0,90.0,90,,,,,,,,,,A",
        "445123456,2026-01-05T00:03:00,39.0,125.0,150.0,90.0,90,,,,,,,,,,A",
        "1234,2026-01-05T00:04:00,39.0,125.0,1.0,90.0,90,,,,,,,,,,A",
        "445123456,2026-01-05T00:05:00,39.0,125.0,1.0,90.0",
    ]
    path = tmp_path / "AIS_2026_01_05.csv"
    path.write_text(MC_HEADER + "\n" + "\n".join(rows) + "\n")
    pos, st, q = read_csv(path)
    assert len(pos) == 2 and pos[0]["heading"] is None  # 511 = not available
    assert len(st) == 1 and st[0]["imo"] == 9074729 and st[0]["name"] == "KUM UN SAN 3"
    assert q == Counter({"unparseable:lat": 1, "out_of_range:sog": 1, "invalid_mmsi": 1,
                         "unparseable:columns": 1})  # fmt: skip


def test_real_marinecadastre_sample(shared_real: Path) -> None:
    pos, st, q = read_csv(shared_real / "aisdb" / "test_data_noaa_20230101.csv")
    assert len(pos) + sum(q.values()) == 1000  # every data row is kept or quarantined
    assert len(pos) > 990 and set(q) <= {"invalid_mmsi"}
    assert any(s["imo"] == 9307839 for s in st)  # "IMO9307839" in the file
