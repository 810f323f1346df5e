"""Screen a CSV of queries (`query_id,name,imo,mmsi,schema`, optionally `flag` and `ship_type`
as evidence for a vessel's common name), streaming: bounded memory."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, TextIO

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from oiltrail.errors import InputFormatError, NotFoundError, OiltrailError
from oiltrail.render import err_console, spreadsheet_safe
from oiltrail.screen.index import ScreenIndex, get_index
from oiltrail.screen.match import (
    SCREEN_COLUMNS,
    Query,
    check_limits,
    screen_many,
    validate_query,
)
from oiltrail.screen.watchlist import ensure_lists
from oiltrail.store import Store

QUERY_COLUMNS = ("query_id", "name", "imo", "mmsi", "schema")
# Queries scored together in one kernel call: enough to spread its fixed cost thin, few
# enough that their token pairs (a few MB) and rows stay small.
CHUNK_QUERIES = 512


@dataclass
class BatchReport:
    """Counts of one batch run; `skipped` maps a reason to how many queries had it."""

    queries: int = 0
    hits: int = 0
    matched_queries: int = 0
    skipped: Counter[str] = field(default_factory=Counter)


def _count_lines(path: Path) -> int:
    with path.open("rb") as fh:
        return max(sum(1 for _ in fh) - 1, 0)


def read_queries(path: Path, report: BatchReport) -> Iterator[Query]:
    """Queries from the CSV, one at a time; rows that fail validation are counted skips."""
    if not path.is_file():
        raise NotFoundError(f"no such query file: {path}")
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in reader.fieldnames or []]
        if "name" not in header and "imo" not in header and "mmsi" not in header:
            raise InputFormatError(
                f"{path}: expected a header with columns {','.join(QUERY_COLUMNS)}"
            )
        for line, row in enumerate(reader, start=2):
            if None in row:
                report.skipped["extra columns"] += 1
                continue
            values = {k.strip(): (v or "").strip() for k, v in row.items() if k}
            query = Query(
                values.get("query_id") or str(line - 1),
                values.get("name", ""),
                values.get("imo", ""),
                values.get("mmsi", ""),
                values.get("schema", ""),
                values.get("flag", ""),  # optional: evidence for a vessel's common name
                values.get("ship_type", "").lower(),
            )
            try:
                yield validate_query(query)
            except OiltrailError as exc:
                report.skipped[exc.detail.split(":")[0][:60]] += 1


def chunked(items: Iterable[Query], size: int) -> Iterator[list[Query]]:
    """Lists of up to `size` items, in order."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


class _Writer:
    """Rows out as they come: CSV, or a JSON array written element by element."""

    def __init__(self, out: TextIO, fmt: str) -> None:
        self.out, self.fmt, self.first = out, fmt, True
        if fmt == "csv":
            self.csv = csv.writer(out, lineterminator="\n")
            self.csv.writerow(SCREEN_COLUMNS)
        elif fmt == "json":
            out.write("[")
        else:
            raise InputFormatError(f"batch screening writes csv or json, not {fmt!r}")

    def write(self, row: dict[str, Any]) -> None:
        if self.fmt == "csv":
            self.csv.writerow([spreadsheet_safe(row[c]) for c in SCREEN_COLUMNS])
            return
        record = {c: row[c] for c in SCREEN_COLUMNS}
        self.out.write(("\n" if self.first else ",\n") + json.dumps(record, ensure_ascii=False))
        self.first = False

    def close(self) -> None:
        if self.fmt == "json":
            self.out.write("\n]\n")


def screen_file(
    store: Store,
    path: Path,
    out: TextIO,
    fmt: str = "csv",
    limit: int = 5,
    cutoff: float = 0.5,
    threshold: float = 0.7,
    progress: bool = True,
) -> BatchReport:
    """Screen every query of `path`, writing screening rows (docs/exports.md) to `out`."""
    check_limits(limit, cutoff, threshold)
    ensure_lists(store)
    index: ScreenIndex = get_index(store)
    report = BatchReport()
    writer = _Writer(out, fmt)
    total = _count_lines(path) if progress else None
    with Progress(
        TextColumn("screening"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        disable=not progress,
    ) as bar:
        task = bar.add_task("screen", total=total)
        for chunk in chunked(read_queries(path, report), CHUNK_QUERIES):
            for rows in screen_many(index, chunk, limit, cutoff, threshold):
                report.queries += 1
                report.hits += len(rows)
                report.matched_queries += any(r["match"] for r in rows)
                for row in rows:
                    writer.write(row)
            bar.advance(task, len(chunk))
    writer.close()
    return report
