"""Reported deliveries (CSV `year,month,supplier,tonnes,barrels,source`), per year and supplier.

Rows declared to the 1718 Committee are kept apart from published estimates of illicit supply.
The file overlaps itself (months, periods, full years, per supplier and combined), so a year's
declared total is the largest non-overlapping figure: for each supplier the larger of its
biggest period figure and the sum of its monthly figures; the year takes the larger of the
combined suppliers' figure and the sum over single suppliers (later reports only add months).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, TypeVar

from oiltrail.errors import InputFormatError, NotFoundError
from oiltrail.estimate.volume import BARRELS_PER_TONNE

COLUMNS = ("year", "month", "supplier", "tonnes", "barrels", "source")
DECLARED_MARK = "reported to 1718 Committee"


@dataclass(frozen=True)
class ReportedRow:
    year: int
    month: int | None
    supplier: str  # the party, e.g. "Russia", "China+Russia", "Illicit STS deliveries"
    declared: bool  # True: declared to the 1718 Committee; False: an estimate by others
    barrels: float  # as published, or tonnes × 7.46 when only tonnes were given
    converted: bool
    source: str


@dataclass
class Reported:
    """Parsed rows and the lines that could not be read (line number, reason)."""

    rows: list[ReportedRow] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    path: str = ""


def read_reported(path: Path | None = None) -> Reported:
    """Read the bundled reported-deliveries CSV, or the user's `path` in the same columns."""
    if path is None:
        ref = resources.files("oiltrail").joinpath("data/reported_deliveries.csv")
        text, name = ref.read_text(encoding="utf-8"), "bundled reported_deliveries.csv"
    else:
        if not path.is_file():
            raise NotFoundError(f"no reported-deliveries file at {path}")
        try:
            text, name = path.read_text(encoding="utf-8"), str(path)
        except UnicodeDecodeError as exc:
            raise InputFormatError(f"{path} is not UTF-8 text: {exc.reason}") from exc
    return parse_reported(text, name)


def parse_reported(text: str, name: str = "") -> Reported:
    out = Reported(path=name)
    reader = csv.DictReader(text.splitlines())
    if not text.strip():
        return out
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputFormatError(f"{name}: missing column(s) {', '.join(missing)}")
    for line, raw in enumerate(reader, start=2):
        try:
            out.rows.append(_row(raw))
        except ValueError as exc:
            out.skipped.append((line, str(exc)))
    return out


def _row(raw: dict[str, Any]) -> ReportedRow:
    year = int(str(raw["year"]).strip())
    month_text = str(raw.get("month") or "").strip()
    month = int(month_text) if month_text else None
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"month {month} out of range")
    supplier_text = str(raw.get("supplier") or "").strip()
    barrels, converted = _barrels(raw.get("barrels"), raw.get("tonnes"))
    party = supplier_text.split(" (")[0].strip() or "unknown"
    return ReportedRow(
        year=year,
        month=month,
        supplier=party,
        declared=DECLARED_MARK in supplier_text,
        barrels=barrels,
        converted=converted,
        source=str(raw.get("source") or ""),
    )


def _barrels(barrels: Any, tonnes: Any) -> tuple[float, bool]:
    if str(barrels or "").strip():
        value, converted = float(barrels), False
    elif str(tonnes or "").strip():
        value, converted = float(tonnes) * BARRELS_PER_TONNE.mid, True
    else:
        raise ValueError("neither tonnes nor barrels")
    if value < 0:
        raise ValueError("negative quantity")
    return value, converted


class _Declared(Protocol):
    @property
    def month(self) -> int | None: ...
    @property
    def barrels(self) -> float: ...


D = TypeVar("D", bound=_Declared)


def declared_rows(rows: Sequence[D]) -> tuple[float, list[D]]:
    """One supplier's declared barrels for a year, and the rows the figure rests on.

    The CSV repeats itself (months, longer periods, full years), so the figure is the larger of
    the biggest period figure and the sum of months (the biggest row per month). The claims
    stage uses the same rule, so a claim is judged on the figure `oiltrail estimate` shows.
    """
    periods = [r for r in rows if r.month is None]
    months: dict[int, D] = {}
    for r in rows:
        if r.month is not None and (r.month not in months or r.barrels > months[r.month].barrels):
            months[r.month] = r
    best_period = max(periods, key=lambda r: r.barrels, default=None)
    month_sum = sum(r.barrels for r in months.values())
    if best_period is not None and best_period.barrels >= month_sum:
        return best_period.barrels, [best_period]
    return month_sum, list(months.values())


def supplier_best(rows: list[ReportedRow]) -> tuple[float, bool]:
    """One supplier's declared barrels for a year, and whether it was converted from tonnes."""
    value, used = declared_rows(rows)
    return value, any(r.converted for r in used)


def declared_by_year(reported: Reported) -> dict[int, dict[str, Any]]:
    """Per year: `total` declared barrels, `by_supplier` and the `basis` of the total."""
    years: dict[int, dict[str, list[ReportedRow]]] = {}
    for r in reported.rows:
        if r.declared:
            years.setdefault(r.year, {}).setdefault(r.supplier, []).append(r)
    out: dict[int, dict[str, Any]] = {}
    for year, parties in sorted(years.items()):
        best = {p: supplier_best(rows) for p, rows in parties.items()}
        single = {p: v for p, v in best.items() if "+" not in p}
        combined = {p: v for p, v in best.items() if "+" in p}
        singles_sum = sum(v[0] for v in single.values())
        top = max(combined.items(), key=lambda kv: kv[1][0], default=None)
        if top is not None and top[1][0] > singles_sum:
            total, basis, converted = top[1][0], f"{top[0]} combined figure", top[1][1]
        else:
            total = singles_sum
            basis = "sum over suppliers: " + ", ".join(sorted(single))
            converted = any(v[1] for v in single.values())
        out[year] = {
            "total": round(total),
            "basis": basis,
            "by_supplier": {p: round(v[0]) for p, v in sorted(best.items())},
            "converted_from_tonnes": converted,
        }
    return out


def published_estimates(reported: Reported) -> list[dict[str, Any]]:
    """Estimates of illicit supply by others (not declarations), one dict per row."""
    return [
        {
            "year": r.year,
            "month": r.month,
            "by": r.supplier,
            "barrels": round(r.barrels),
            "converted_from_tonnes": r.converted,
            "source": r.source,
        }
        for r in reported.rows
        if not r.declared
    ]
