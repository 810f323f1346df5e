"""Recognise an AIS file's format from its first bytes; anything else is a one-line error."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from oiltrail.ais.csv_columns import CSV_FORMATS, REQUIRED, column_map, normalise_header
from oiltrail.ais.sources import Member
from oiltrail.errors import InputFormatError, UsageError

FORMATS = ("nmea", *CSV_FORMATS, "parquet")
EXPECTED = (
    "expected NMEA 0183 (!AIVDM/!AIVDO, tag blocks, $PGHP), MarineCadastre CSV, DMA CSV, "
    "another CSV with MMSI, time, latitude and longitude columns, or canonical Parquet, "
    "optionally .gz/.zst/.zip"
)
# A sample is binary when more than this share of its bytes are NUL or not UTF-8: one stray
# bad byte in a text file is the file's problem to quarantine, not a reason to refuse it.
BINARY_SHARE = 0.01
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
    bad = sample.count(b"\x00")
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        bad += (
            sample[:-4].decode("utf-8", "replace").count("\ufffd")
        )  # a cut last character is fine
    return bad > BINARY_SHARE * len(sample)


def _csv_format(member: Member, header: list[str], sample: bytes) -> str:
    """marinecadastre, dma, or csv (columns found by their usual names); else a one-line
    error naming what is missing."""
    norm = {normalise_header(h) for h in header}
    if {"mmsi", "basedatetime", "lat", "lon"} <= norm:
        return "marinecadastre"
    if {"mmsi", "latitude", "longitude"} <= norm and norm & {"# timestamp", "timestamp"}:
        return "dma"
    found = column_map("csv", header)
    if all(k in found for k in REQUIRED):
        return "csv"
    shown = ",".join(header[:8]) or sample[:40].decode("utf-8", "replace")
    timed = any("time" in h or "date" in h for h in norm)
    if "mmsi" not in found and {"lat", "lon"} <= found.keys() and timed:
        raise InputFormatError(
            f"{member.name}: positions without an MMSI column (columns: {shown}); "
            "AIS rows need each vessel's MMSI: rename the column that holds it to MMSI"
        )
    raise InputFormatError(f"{member.name}: not AIS (unknown columns: {shown}); {EXPECTED}")


def detect(member: Member, fmt: str | None = None) -> Detected:
    """The format of `member` (or check the one given as `input-format`)."""
    if fmt is not None and fmt not in FORMATS:
        raise UsageError(
            f"unknown input-format {fmt!r}: expected one of {', '.join(FORMATS)}",
            ("input-format",),
        )
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
        found = _csv_format(member, header, sample)
        if fmt in (None, found):
            return Detected(found, header)
    if fmt is not None and fmt != found:
        if fmt in CSV_FORMATS and found in CSV_FORMATS:
            header = _csv_header(member, sample)
            if all(k in column_map(fmt, header) for k in REQUIRED):
                return Detected(fmt, header)
        raise InputFormatError(
            f"{member.name}: input-format {fmt} given but the file looks like {found}",
            ("input-format",),
        )
    return Detected(found)
