"""Recognise an AIS file's format from its first bytes; anything else is a one-line error."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from oiltrail.ais.csv_formats import column_map, normalise_header
from oiltrail.ais.sources import Member
from oiltrail.errors import InputFormatError, UsageError

FORMATS = ("nmea", "marinecadastre", "dma", "parquet")
EXPECTED = (
    "expected NMEA 0183 (!AIVDM/!AIVDO, tag blocks, $PGHP), MarineCadastre CSV, DMA CSV or "
    "canonical Parquet, optionally .gz/.zst/.zip"
)
SAMPLE_BYTES = 64 << 10
_AIS_LINE = re.compile(rb"^(\\[^\\]*\\)?[!$][A-Z]{2}VD[MO],|^\$PGHP,", re.MULTILINE)


@dataclass(frozen=True)
class Detected:
    fmt: str
    header: list[str] = field(default_factory=list)  # CSV column names as written


def _sample(member: Member) -> bytes:
    try:
        with member.open() as fh:
            return fh.read(SAMPLE_BYTES)
    except (OSError, EOFError, ValueError) as exc:  # corrupt .gz/.zst
        raise InputFormatError(f"{member.name}: cannot read ({exc}); {EXPECTED}") from exc


def _csv_header(member: Member, sample: bytes) -> list[str]:
    text = sample.decode("utf-8", "replace").lstrip("\ufeff")
    first = text.splitlines()[0] if text.strip() else ""
    return next(csv.reader(io.StringIO(first)), [])


def _is_binary(sample: bytes) -> bool:
    if b"\x00" in sample:
        return True
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start < len(sample) - 4  # a multi-byte character cut at the sample's end is fine
    return False


def detect(member: Member, fmt: str | None = None) -> Detected:
    """The format of `member` (or check the one given with --format)."""
    if fmt is not None and fmt not in FORMATS:
        raise UsageError(f"unknown --format {fmt!r}: expected one of {', '.join(FORMATS)}")
    sample = _sample(member)
    if not sample.strip():
        raise InputFormatError(f"{member.name}: empty file; {EXPECTED}")
    if sample.startswith(b"PAR1"):
        found = "parquet"
    elif _is_binary(sample):
        raise InputFormatError(f"{member.name}: binary data, not AIS; {EXPECTED}")
    elif _AIS_LINE.search(sample):
        found = "nmea"
    else:
        header = _csv_header(member, sample)
        norm = {normalise_header(h) for h in header}
        if {"mmsi", "basedatetime", "lat", "lon"} <= norm:
            found = "marinecadastre"
        elif {"mmsi", "latitude", "longitude"} <= norm and norm & {"# timestamp", "timestamp"}:
            found = "dma"
        else:
            shown = ",".join(header[:8]) or sample[:40].decode("utf-8", "replace")
            raise InputFormatError(f"{member.name}: not AIS (unknown columns: {shown}); {EXPECTED}")
        if fmt in (None, found):
            return Detected(found, header)
    if fmt is not None and fmt != found:
        if fmt in ("marinecadastre", "dma") and found in ("marinecadastre", "dma"):
            header = _csv_header(member, sample)
            if all(k in column_map(fmt, header) for k in ("mmsi", "ts", "lat", "lon")):
                return Detected(fmt, header)
        raise InputFormatError(
            f"{member.name}: --format {fmt} given but the file looks like {found}"
        )
    return Detected(found)
