"""Print rows as a rich table, CSV or JSON: the one output path every command shares."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from oiltrail.errors import UsageError

FORMATS = ("table", "csv", "json")
console = Console()
# A table printed to a pipe or a file is printed at its full width (never cut to 80 columns).
PIPE_WIDTH = 10_000
err_console = Console(stderr=True, soft_wrap=True)  # one-line errors stay one line in logs


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return value


# A text cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
# (OWASP "CSV injection"): a vessel name "=HYPERLINK(…)" from an AIS broadcast would run there.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A text cell that a spreadsheet would read as a formula gets a leading apostrophe
    (`'=SUM(A1)`, shown as text); numbers, including negative ones, are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def rows_to_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            ["" if row.get(c) is None else spreadsheet_safe(_plain(row.get(c))) for c in columns]
        )
    return buf.getvalue()


def rows_to_json(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    def jsonable(v: Any) -> Any:
        return _plain(v) if isinstance(v, datetime | date) else v

    data = [{c: jsonable(row.get(c)) for c in columns} for row in rows]
    return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"


def check_format(fmt: str, allowed: Sequence[str] = FORMATS) -> str:
    """A known output format, or a usage error (commands check before any work)."""
    if fmt not in allowed:
        raise UsageError(f"unknown format {fmt!r}: expected one of {', '.join(allowed)}")
    return fmt


def emit(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    fmt: str = "table",
    out: Path | None = None,
    title: str | None = None,
    target: Console | None = None,
) -> None:
    """Write `rows` (dicts) with `columns` in `fmt` to `out` or standard output (a table: to
    `target` when given, a console writing to a file)."""
    check_format(fmt)
    if fmt == "table" and out is None:
        table = Table(title=title)
        for c in columns:
            table.add_column(c)
        for row in rows:
            table.add_row(*["" if row.get(c) is None else str(_plain(row.get(c))) for c in columns])
        if target is None:
            target = console if console.is_terminal else Console(width=PIPE_WIDTH)
        target.print(table)
        return
    text = rows_to_json(rows, columns) if fmt == "json" else rows_to_csv(rows, columns)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
        err_console.print(f"wrote {len(rows)} rows to {out}")


def write_text(text: str, out: Path | None = None) -> None:
    """A document (JSON, Markdown) to `out`, or to standard output."""
    if out is None:
        sys.stdout.write(text)
        return
    out.write_text(text, encoding="utf-8")
    err_console.print(f"wrote {out}")
