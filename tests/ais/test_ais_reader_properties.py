"""Properties of the compiled NMEA reader on damaged input: it never raises, every line ends up
somewhere, and cutting a file into blocks anywhere gives the same rows as reading it whole."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

import pyarrow as pa
from ais_factory import BASE_S, encode, fleet_lines, position, static5, tag
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oiltrail.ais.nmea import NmeaReader
from oiltrail.ais.nmea_split import PAD
from oiltrail.ais.sources import read_blocks
from oiltrail.ais.validate import now_us

# A small valid file: positions (types 1, 18, 27), a two-sentence type 5, a NAIS trailer line.
_LINES = [
    *fleet_lines(12, vessels=4),
    *(tag(s, c=BASE_S + 60) for s in encode(static5(445000001, 9074729, "ALPHA"), 3)),
    tag(encode(position(445000002, 39.0, 125.0, msg_type=18))[0], c=BASE_S + 61),
    encode(position(445000003, 39.5, 125.5))[0] + ",1767571262",
]
_TEXT = "\n".join(_LINES) + "\n"
_NOISE = st.sampled_from([*b"\\!$,*:.c0123456789AIVDMOs\r\n-@wW~", 0, 200, 255])


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    data = bytearray(_TEXT.encode())
    for _ in range(draw(st.integers(0, 12))):
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        op = draw(st.integers(0, 2))
        if op == 0:
            data[pos] = draw(_NOISE)
        elif op == 1:
            del data[pos : pos + draw(st.integers(1, 30))]
        else:
            data.insert(pos, draw(_NOISE))
    return bytes(data)


def _rows(data: bytes, block_lines: int | None = None) -> tuple[list[dict[str, object]], ...]:
    """Read `data` in blocks of `block_lines` lines (cut at newlines only, as files are)."""
    reader = NmeaReader("t.nmea", None, now_us())
    lines = data.split(b"\n")
    step = block_lines or len(lines)
    blocks = [b"\n".join(lines[i : i + step]) for i in range(0, len(lines), step)]
    blocks = [b + b"\n" for b in blocks[:-1]] + blocks[-1:]
    parts = [reader.batch(b) for b in blocks if b] + [reader.finish()]
    skipped = sum((Counter(p.skipped) for p in parts), Counter())
    return (
        *(
            sorted(pa.concat_tables(t).to_pylist(), key=lambda r: str(sorted(r.items())))
            for t in zip(*((p.positions, p.static, p.quarantine) for p in parts), strict=True)
        ),
        [{"reason": k, "count": v} for k, v in sorted(skipped.items())],
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged(), st.integers(1, 7))
def test_damaged_input_reads_the_same_in_any_blocks(data: bytes, block_lines: int) -> None:
    whole = _rows(data)
    assert _rows(data, block_lines) == whole
    positions, static, quarantine, skipped = whole
    n_lines = len(data.rstrip(b"\n").split(b"\n"))
    lines = [q["line"] for q in quarantine]
    assert all(isinstance(n, int) and 1 <= n <= n_lines for n in lines)
    # Every line gives a row, a quarantine row or a counted skip; a two-sentence message
    # gives one row for two lines, a type 19 a position and a static row for one line.
    outcomes = len(positions) + len(static) + len(quarantine)
    outcomes += sum(int(s["count"]) for s in skipped)  # type: ignore[call-overload]
    assert n_lines - n_lines // 2 <= outcomes <= 2 * n_lines


def test_undamaged_file_reads_every_message() -> None:
    positions, static, quarantine, skipped = _rows(_TEXT.encode())
    assert not quarantine and not skipped
    assert [s["name"] for s in static] == ["SHIP 0", "ALPHA"]  # two-sentence type 5 reports
    assert len(positions) == len(_LINES) - 4


def test_compile_kernels_decodes_a_position_and_a_static_report() -> None:
    from oiltrail.ais.nmea import compile_kernels

    assert compile_kernels() == 2  # `make setup` runs it: every kernel compiled and cached


class _Trickle(io.RawIOBase):
    """A stream that hands out at most `most` bytes a read (as pipes and decompressors may)."""

    def __init__(self, data: bytes, most: int) -> None:
        self.data, self.pos, self.most = data, 0, most

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        n = min(len(b), self.most, len(self.data) - self.pos)
        b[:n] = self.data[self.pos : self.pos + n]
        self.pos += n
        return n


@settings(max_examples=200, deadline=None)
@given(
    st.binary(max_size=400).map(lambda b: b.replace(b"\r", b"\n")),
    st.integers(1, 64),
    st.integers(0, 64),
    st.integers(1, 50),
)
def test_read_blocks_cut_at_line_ends_and_lose_nothing(
    data: bytes, block: int, first: int, most: int
) -> None:
    blocks = list(read_blocks(_Trickle(data, most), block, first, PAD))
    assert b"".join(bytes(b.data) for b in blocks) == data
    assert all(bytes(b.data).endswith(b"\n") for b in blocks[:-1])
    assert all(len(b.buf) >= b.size + PAD and not b.buf[b.size :][:PAD].any() for b in blocks)
