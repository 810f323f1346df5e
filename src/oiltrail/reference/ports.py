"""The ports table: the one reader of a ports CSV (bundled or a user's `--ports FILE`).

Columns: name, country, lat, lon, kind, source, and an optional `role`. A port's role is what
tracing does with it: `source` (oil is loaded there), `destination` (a DPRK port), or `other`.
Without a `role` column (or with it empty) the role comes from the kind and the country:
`SOURCE_KINDS` load oil, `DESTINATION_KINDS` and any port in `DPRK_COUNTRIES` are DPRK ports.
A user's own table may name and kind its ports as it likes and say `role` where its kinds are
not in those lists.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pyarrow as pa

from oiltrail.errors import InputFormatError, NotFoundError

REQUIRED_COLUMNS = ("name", "country", "lat", "lon", "kind", "source")
ROLES = ("source", "destination", "other")
PORTS_SCHEMA = pa.schema(
    [
        ("name", pa.string()),
        ("country", pa.string()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("kind", pa.string()),
        ("source", pa.string()),
        ("role", pa.string()),
    ]
)
BUNDLED = Path(__file__).resolve().parent.parent / "data" / "ports.csv"
BUNDLED_ORIGIN = "bundled ports.csv"
# Kinds that load oil: the bundled table's Russian Far East and Singapore rows, and generic
# names a user's table may use.
SOURCE_KINDS = (
    "ru_far_east_oil_export_port",
    "ru_far_east_port",
    "sg_oil_terminal",
    "sg_port",
    "oil_terminal",
    "oil_export_port",
    "loading_port",
)
DESTINATION_KINDS = ("dprk_port",)
# Any port in these countries is a DPRK port (the WPI rows of the bundled table use ISO3).
DPRK_COUNTRIES = ("North Korea", "PRK", "KP", "DPRK")


def role_of(kind: str, country: str) -> str:
    """The role a port of this kind and country plays when no `role` is given."""
    if kind in DESTINATION_KINDS or country in DPRK_COUNTRIES:
        return "destination"
    if kind in SOURCE_KINDS:
        return "source"
    return "other"


def read_ports(path: Path | None = None) -> pa.Table:
    """Ports as an Arrow table (`PORTS_SCHEMA`); a bad row is an `InputFormatError` naming the
    file, line and column. `path=None` reads the bundled table."""
    if path is None:
        return parse_ports(BUNDLED.read_text(encoding="utf-8"), BUNDLED_ORIGIN)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotFoundError(f"no such ports file: {path}") from None
    except (UnicodeDecodeError, IsADirectoryError) as exc:
        raise InputFormatError(f"{path}: not a UTF-8 CSV ({type(exc).__name__})") from None
    return parse_ports(text, str(path))


def parse_ports(text: str, where: str) -> pa.Table:
    """Validate the CSV text of a ports table (`where` names it in errors)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InputFormatError(f"{where} line 1: missing port column(s) {', '.join(missing)}")
    at = {c: header.index(c) for c in (*REQUIRED_COLUMNS, "role") if c in header}
    cols: dict[str, list[object]] = {c: [] for c in PORTS_SCHEMA.names}
    line = reader.line_num
    for row in reader:
        first, line = line + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            raise InputFormatError(
                f"{where} line {first}: {len(row)} field(s), the header has {len(header)}"
            )

        def cell(name: str, row: list[str] = row) -> str:
            return row[at[name]].strip() if name in at else ""

        def bad(name: str, why: str, first: int = first) -> InputFormatError:
            return InputFormatError(f"{where} line {first}, column {at[name] + 1} ({name}): {why}")

        name = cell("name")
        if not name:
            raise bad("name", "empty port name")
        for c, lo, hi in (("lat", -90.0, 90.0), ("lon", -180.0, 180.0)):
            try:
                value = float(cell(c))
            except ValueError:
                raise bad(c, f"{cell(c)!r} is not a number") from None
            if not lo <= value <= hi:
                raise bad(c, f"{value} is outside {lo:g}..{hi:g}")
            cols[c].append(value)
        role = cell("role").lower()
        if role and role not in ROLES:
            raise bad("role", f"{role!r} is not one of {', '.join(ROLES)}")
        for c in ("name", "country", "kind", "source"):
            cols[c].append(cell(c))
        cols["role"].append(role or role_of(cell("kind"), cell("country")))
    if not cols["name"]:
        raise InputFormatError(f"{where}: no ports")
    return pa.table(cols, schema=PORTS_SCHEMA)


def ports_hash(ports: pa.Table) -> str:
    """Content hash of a ports table (every column, in order): names what a run used."""
    h = hashlib.sha256()
    for c in PORTS_SCHEMA.names:
        h.update(c.encode())
        for v in ports.column(c).to_pylist():
            h.update(repr(v).encode())
            h.update(b"\x1f")
    return h.hexdigest()[:16]
