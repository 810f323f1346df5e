"""The columnar NMEA reader against pyais (the peer) and the quarantine reasons of SPEC §3."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyarrow as pa
import pytest
from ais_factory import BASE_S, encode, position, sentence, static5, tag
from pyais.stream import FileReaderStream

from oiltrail.ais.decoded import Decoded
from oiltrail.ais.nmea import NmeaReader
from oiltrail.ais.validate import now_us

DATA = Path(__file__).resolve().parent.parent / "data" / "ais"


def read(text: str, base_time_s: float | None = None, block_lines: int | None = None) -> Decoded:
    """Run the reader over `text`, optionally cut into blocks of `block_lines` lines."""
    reader = NmeaReader("t.nmea", base_time_s, now_us())
    lines = text.encode().splitlines(keepends=True)
    step = block_lines or max(len(lines), 1)
    parts = [reader.batch(b"".join(lines[i : i + step])) for i in range(0, len(lines), step)]
    parts.append(reader.finish())
    return Decoded(
        positions=pa.concat_tables([p.positions for p in parts]),
        static=pa.concat_tables([p.static for p in parts]),
        quarantine=pa.concat_tables([p.quarantine for p in parts]),
        skipped=sum((p.skipped for p in parts), Counter()),
        invalid_imo=sum(p.invalid_imo for p in parts),
        simulated=any(p.simulated for p in parts),
    )


def reasons(d: Decoded) -> Counter[str]:
    return Counter(d.quarantine["reason"].to_pylist())


def test_positions_match_pyais_for_every_position_type() -> None:
    msgs = [
        position(445123456, 39.0512, 125.2231, 9.4, 45.5, 1),
        position(273456789, -33.5, -70.25, 0.0, 359.9, 2),
        position(412000001, 38.9, 121.6, 12.3, 181.0, 3),
        position(441234567, 35.1, 129.04, 5.5, 10.0, 18),
    ]
    lines = [tag(encode(m)[0], c=BASE_S + i) for i, m in enumerate(msgs)]
    d = read("\n".join(lines) + "\n")
    rows = d.positions.to_pylist()
    assert [r["mmsi"] for r in rows] == [m["mmsi"] for m in msgs]
    for row, msg in zip(rows, msgs, strict=True):
        assert row["lat"] == pytest.approx(msg["lat"], abs=1e-5)
        assert row["lon"] == pytest.approx(msg["lon"], abs=1e-5)
        assert row["sog"] == pytest.approx(msg["speed"], abs=0.05)
        assert row["cog"] == pytest.approx(msg["course"], abs=0.05)
        assert row["heading"] == msg["heading"]
    assert rows[0]["ts"].timestamp() == pytest.approx(BASE_S, abs=1)  # naive UTC
    assert d.simulated is True


def test_long_range_type_27_decodes_to_tenth_minutes() -> None:
    line = tag(encode({"type": 27, "mmsi": 445000111, "lat": 39.05, "lon": 125.1, "speed": 7,
                       "course": 90, "status": 1})[0], c=BASE_S)  # fmt: skip
    row = read(line + "\n").positions.to_pylist()[0]
    assert (row["mmsi"], row["nav_status"], row["sog"], row["cog"]) == (445000111, 1, 7.0, 90.0)
    assert row["lat"] == pytest.approx(39.05, abs=1 / 600)
    assert row["lon"] == pytest.approx(125.1, abs=1 / 600)


def test_static_type_5_two_sentences_and_checked_imo() -> None:
    lines = [tag(s, c=BASE_S) for s in encode(static5(445123456, 9074729, "KUM UN SAN 3", 6.2), 3)]
    d = read("\n".join(lines) + "\n")
    (row,) = d.static.to_pylist()
    assert (row["mmsi"], row["imo"], row["name"], row["callsign"]) == (
        445123456, 9074729, "KUM UN SAN 3", "HMAB")  # fmt: skip
    assert (row["ship_type"], row["length"], row["width"], row["destination"]) == (
        80, 100.0, 16.0, "NAMPO")  # fmt: skip
    assert row["draught"] == pytest.approx(6.2)
    bad = [tag(s, c=BASE_S) for s in encode(static5(445123456, 9074728, "X"), 4)]
    d = read("\n".join(bad) + "\n")
    # kept as reported (the store flags it: docs/inputs.md) and counted
    assert d.static.to_pylist()[0]["imo"] == 9074728 and d.invalid_imo == 1


def test_type_19_and_24_give_positions_and_static() -> None:
    m19 = {"type": 19, "mmsi": 441000019, "lat": 35.0, "lon": 129.0, "speed": 3.2,
           "course": 20.0, "heading": 21, "shipname": "CLASS B", "ship_type": 37,
           "to_bow": 10, "to_stern": 5, "to_port": 2, "to_starboard": 2}  # fmt: skip
    a = {"type": 24, "mmsi": 441000024, "partno": 0, "shipname": "PART A"}
    b = {"type": 24, "mmsi": 441000024, "partno": 1, "ship_type": 36, "callsign": "DS1234",
         "to_bow": 7, "to_stern": 3, "to_port": 1, "to_starboard": 2}  # fmt: skip
    lines = [tag(s, c=BASE_S) for m in (m19, a, b) for s in encode(m)]
    d = read("\n".join(lines) + "\n")
    assert d.positions.to_pylist()[0]["mmsi"] == 441000019
    static = {(r["mmsi"], r["name"], r["callsign"], r["length"]) for r in d.static.to_pylist()}
    assert static == {(441000019, "CLASS B", None, 15.0), (441000024, "PART A", None, None),
                      (441000024, None, "DS1234", 10.0)}  # fmt: skip


def test_real_pyais_sample_agrees_with_pyais() -> None:
    """Every position pyais decodes from its own sample, we decode to the same values."""
    path = DATA / "nmea_data_sample.txt"
    expected = {}
    for msg in FileReaderStream(str(path)):
        try:
            m = msg.decode().asdict()
        except Exception:  # pyais raises on the sample's broken lines; we quarantine them
            continue
        if m["msg_type"] in (1, 2, 3, 18) and abs(m["lat"]) <= 90 and abs(m["lon"]) <= 180:
            expected[(m["mmsi"], round(m["lat"], 4), round(m["lon"], 4))] = m
    d = read(path.read_text(), base_time_s=BASE_S)
    got = {(r["mmsi"], round(r["lat"], 4), round(r["lon"], 4)): r for r in d.positions.to_pylist()}
    valid_expected = {k for k in expected if 201_000_000 <= k[0] < 776_000_000}
    assert valid_expected and valid_expected <= set(got)
    for key in valid_expected:
        speed = expected[key]["speed"]
        if speed is not None and speed < 102.3:
            assert got[key]["sog"] == pytest.approx(speed, abs=0.05)
    assert sum(reasons(d).values()) + d.positions.num_rows + d.static.num_rows > 0


def test_times_from_tag_block_nais_trailer_gatehouse_and_base_time() -> None:
    body = encode(position(445123456, 39.0, 125.0))[0]
    nais = body + ",d-109,S2105,t050056.00,T56.1,r003669946,1325394060,1325394001"
    text = "\n".join([tag(body, c=1_700_000_000), nais,
                      "$PGHP,1,2008,5,9,0,0,0,10,338,2,,1,09*17", body, body]) + "\n"  # fmt: skip
    d = read(text, base_time_s=1_600_000_000)
    ts = [r["ts"].timestamp() for r in d.positions.to_pylist()]
    # The last line has no time of its own: with --base-time it takes the time of the line
    # before it (receiver order), not --base-time, which only times lines before any timed one.
    assert ts == pytest.approx([1_700_000_000, 1_325_394_060, 1_210_291_200.01, 1_210_291_200.01])


def test_base_time_times_lines_before_the_first_timed_one_and_carries_across_blocks() -> None:
    body = encode(position(445123456, 39.0, 125.0))[0]
    text = "\n".join([body, body, tag(body, c=1_700_000_000), body, body]) + "\n"
    for block_lines in (None, 1, 2):
        d = read(text, base_time_s=1_600_000_000, block_lines=block_lines)
        ts = sorted(r["ts"].timestamp() for r in d.positions.to_pylist())
        assert ts == pytest.approx([1_600_000_000] * 2 + [1_700_000_000] * 3)
    assert reasons(read(text)) == Counter({"no_time": 4})  # without --base-time


def test_malformed_gatehouse_line_is_quarantined_not_dropped() -> None:
    body = encode(position(445123456, 39.0, 125.0))[0]
    text = "$PGHP,1,2008,5,x,0,0,0,10,338,2,,1,09*17\n" + body + "\n"
    d = read(text)
    assert reasons(d) == Counter({"unparseable:pghp": 1, "no_time": 1})
    assert sorted(d.quarantine["line"].to_pylist()) == [1, 2]


def test_tag_block_milliseconds_and_groups() -> None:
    first, second = encode(static5(445123456, 9074729, "GROUPED"), 0)
    # IEC 61162-450 groups: the time rides on the first sentence only.
    lines = [tag(first, c=1_700_000_000_000, g="1-2-77"), tag(second, s=None, g="2-2-77")]
    d = read("\n".join(lines) + "\n")
    (row,) = d.static.to_pylist()
    assert row["name"] == "GROUPED" and row["ts"].timestamp() == pytest.approx(1_700_000_000)


def test_multipart_split_across_batches_and_interleaved() -> None:
    a1, a2 = encode(static5(445000001, 9074729, "ALPHA"), 1)
    b1, b2 = encode(static5(445000002, 9074729, "BRAVO"), 2)
    pos = encode(position(445000003, 39.0, 125.0))[0]
    lines = [tag(x, c=BASE_S) for x in (a1, b1, pos, a2, b2)]
    for block in (1, 2, 3, None):
        d = read("\n".join(lines) + "\n", block_lines=block)
        assert sorted(d.static["name"].to_pylist()) == ["ALPHA", "BRAVO"], block
        assert d.positions.num_rows == 1 and not reasons(d)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (sentence("13HOI:0P0000VOHLCnHQKwvL05Ip", 0)[:-2] + "00", "bad_checksum"),
        ("!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL0", "truncated"),
        (sentence("13HOI:0P0000VOHL", 0), "truncated"),
        (sentence("", 0), "truncated:empty_payload"),
        (encode(static5(445000001, 9074729, "ALONE"), 5)[0], "missing_fragment"),
        (sentence("03HOI:0P0000VOHLCnHQKwvL05Ip", 0), "unknown_type"),
        (sentence("t3HOI:0P0000VOHLCnHQKwvL05Ip", 0), "unknown_type"),
        (encode(position(445123456, 39.0, 125.0))[0], "no_time"),
        (encode(position(12345, 39.0, 125.0))[0], "invalid_mmsi"),
        (encode(position(991234567, 39.0, 125.0))[0], "invalid_mmsi"),
        (encode(position(445123456, 91.0, 125.0))[0], "out_of_range:lat"),
        (encode(position(445123456, 39.0, 181.0))[0], "out_of_range:lon"),
        (sentence("13HOI:0P0000VOHLCn,QKwvL05Ip", 0), "unparseable:payload"),
        ("this is not NMEA at all", "unparseable"),
    ],
)
def test_each_quarantine_reason(line: str, reason: str) -> None:
    timed = reason != "no_time"
    text = (tag(line, c=BASE_S) if timed and line.startswith("!") else line) + "\n"
    d = read(text)
    assert reasons(d) == Counter({reason: 1})
    row = d.quarantine.to_pylist()[0]
    assert row["line"] == 1 and row["file"] == "t.nmea" and line[:10] in row["raw"]
    assert d.positions.num_rows == 0


def test_future_time_and_bad_tag_checksum() -> None:
    body = encode(position(445123456, 39.0, 125.0))[0]
    future = tag(body, c=4_102_444_800)  # 2100-01-01
    broken_tag = "\\s:sim,c:1767571200*00\\" + body
    d = read(future + "\n" + broken_tag + "\n")
    assert reasons(d) == Counter({"future_time": 1, "bad_checksum": 1})


def test_not_available_values_become_null() -> None:
    msg = position(445123456, 39.0, 125.0, sog=102.3, cog=360.0)
    msg["heading"] = 511
    row = read(tag(encode(msg)[0], c=BASE_S) + "\n").positions.to_pylist()[0]
    assert (row["sog"], row["cog"], row["heading"]) == (None, None, None)


def test_comments_blank_lines_and_other_sentences_are_counted_not_quarantined() -> None:
    d = read((DATA / "mixed.txt").read_text(), base_time_s=BASE_S)
    assert d.skipped["blank_or_comment"] > 0 and d.skipped["other_sentence"] == 4
    assert "unparseable" in reasons(d)  # the sample's `foobar` lines
    # 8 position sentences (repeats included: duplicates are dropped by the store, not here).
    assert d.positions.num_rows == 8 and d.static.num_rows >= 1


def test_real_tag_block_and_nais_feeds(shared_real: Path) -> None:
    """AISdb's samples (AGPL: read in place, never copied): tag blocks and NAIS trailers."""
    nm4 = read((shared_real / "aisdb" / "test_data_20211101.nm4").read_text())
    assert nm4.positions.num_rows > 850 and not nm4.quarantine["reason"].to_pylist().count(
        "no_time"
    )
    days = {r["ts"].date().isoformat() for r in nm4.positions.to_pylist()}
    assert days == {"2021-11-01"}
    nais = read((shared_real / "aisdb" / "test_data_201201.nmea").read_text())
    years = {r["ts"].year for r in nais.positions.to_pylist() + nais.static.to_pylist()}
    assert years == {2012} and nais.static.num_rows >= 1
