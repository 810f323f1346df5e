"""Citable evidence rows: reported-deliveries CSV lines and stored chains, each with its source.

The estimate stage's cap table gives one figure per year; a reason must also say which file
line or which chain the figure rests on, and whose figure it is (a declaration to the 1718
Committee, a published estimate by a named party, or oiltrail's own AIS estimate).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from oiltrail.claims.gazetteer import country_aliases
from oiltrail.record import declared_rows

REPORTED_FILE = "oiltrail/data/reported_deliveries.csv"
DECLARED_MARK = "reported to 1718 Committee"
# BP approximate factor for gas/diesel, as the estimate stage uses (estimate/volume.py).
BARRELS_PER_TONNE_MID = 7.46
URL = re.compile(r"https?://\S+")
PERIOD_NOTE = re.compile(r"\bperiod ([^,;]{3,40})")


@dataclass(frozen=True)
class ReportedLine:
    """One line of the reported-deliveries CSV, as published."""

    line: int
    year: int
    month: int | None
    party: str  # "Russia", "China+Russia", "Illicit STS deliveries"
    label: str  # the parenthesis: "reported to 1718 Committee", "US estimate", ...
    tonnes: float | None
    barrels: float  # as published, or tonnes × 7.46 when only tonnes were given
    converted: bool
    note: str  # the source column before its first URL
    url: str

    @property
    def declared(self) -> bool:
        return DECLARED_MARK in self.label

    @property
    def estimator(self) -> str:
        """Who made a published estimate: "US", "43 states", "Open Source Centre satellite"."""
        who = re.sub(r"^estimate by\s+", "", self.label, flags=re.I)
        return re.sub(r"\s+estimate$", "", who, flags=re.I) or "an unnamed party"

    @property
    def bound(self) -> str:
        low = self.note.lower()
        if "lower bound" in low or "more than" in low:
            return "more than"
        if "upper-bound" in low or "upper bound" in low:
            return "up to"
        return "about"

    @property
    def period(self) -> str:
        m = PERIOD_NOTE.search(self.note)
        if m:
            return m.group(1).strip()
        if self.month is not None:
            return f"{self.year}-{self.month:02d}"
        if "full year" in self.note.lower():
            return f"{self.year}, full year"
        return f"{self.year}, period not stated"

    def cite(self) -> str:
        where = f"{REPORTED_FILE} line {self.line}"
        return f"{where}; {self.url}" if self.url else where

    def amount(self) -> str:
        """ "30,180 t ≈ 225,143 bbl at 7.46 bbl/t" or "105,845 bbl"."""
        if self.converted and self.tonnes is not None:
            per = f"{BARRELS_PER_TONNE_MID} bbl/t"
            return f"{self.tonnes:,.0f} t ≈ {self.barrels:,.0f} bbl at {per}"
        if self.tonnes is not None:
            return f"{self.barrels:,.0f} bbl ({self.tonnes:,.0f} t as published)"
        return f"{self.barrels:,.0f} bbl"


@dataclass(frozen=True)
class ChainRow:
    """One stored delivery chain with the country of its loading port."""

    chain_id: str
    year: int
    source_port: str
    supplier: str | None
    barrels_low: float
    barrels_mid: float
    barrels_high: float
    sts: bool
    counted: bool  # reaches DPRK with a volume, as the cap table counts it


def read_reported_lines(text: str | None = None) -> tuple[list[ReportedLine], list[str]]:
    """Parse the bundled reported CSV (or `text`); returns rows and notes on skipped lines."""
    if text is None:
        ref = resources.files("oiltrail").joinpath("data/reported_deliveries.csv")
        try:
            text = ref.read_text(encoding="utf-8")
        except (FileNotFoundError, OSError):
            return [], [f"no reported deliveries: {REPORTED_FILE} is missing"]
    rows: list[ReportedLine] = []
    notes: list[str] = []
    for line, raw in enumerate(csv.DictReader(text.splitlines()), start=2):
        try:
            rows.append(_reported_line(line, raw))
        except (ValueError, TypeError) as exc:
            notes.append(f"{REPORTED_FILE} line {line} skipped: {exc}")
    return rows, notes


def _reported_line(line: int, raw: dict[str, Any]) -> ReportedLine:
    supplier = str(raw.get("supplier") or "").strip()
    party, _, rest = supplier.partition(" (")
    tonnes_text = str(raw.get("tonnes") or "").strip()
    barrels_text = str(raw.get("barrels") or "").strip()
    tonnes = float(tonnes_text) if tonnes_text else None
    if barrels_text:
        barrels, converted = float(barrels_text), False
    elif tonnes is not None:
        barrels, converted = tonnes * BARRELS_PER_TONNE_MID, True
    else:
        raise ValueError("neither tonnes nor barrels")
    month_text = str(raw.get("month") or "").strip()
    source = str(raw.get("source") or "")
    url = URL.search(source)
    return ReportedLine(
        line=line,
        year=int(str(raw.get("year") or "").strip()),
        month=int(month_text) if month_text else None,
        party=party.strip() or "unknown",
        label=rest.rstrip(")").strip(),
        tonnes=tonnes,
        barrels=barrels,
        converted=converted,
        note=source[: url.start()].strip(" ;,") if url else source.strip(),
        url=url.group(0).rstrip(".,;)") if url else "",
    )


def supplier_parties(rows: list[ReportedLine]) -> set[str]:
    """Single countries that declared deliveries (Russia, China): the suppliers we can judge."""
    countries = set(country_aliases().values())
    return {r.party for r in rows if r.declared and "+" not in r.party and r.party in countries}


def declared_figure(rows: list[ReportedLine]) -> tuple[float, list[ReportedLine]]:
    """One supplier's declared barrels for a year and the lines it rests on (estimate's rule)."""
    value, used = declared_rows(rows)
    return value, sorted(used, key=lambda r: r.line)


def declared_total_lines(rows: list[ReportedLine], year: int) -> tuple[float, list[ReportedLine]]:
    """All suppliers' declared barrels for a year (as the cap table) and its lines."""
    parties: dict[str, list[ReportedLine]] = {}
    for r in rows:
        if r.declared and r.year == year:
            parties.setdefault(r.party, []).append(r)
    best = {p: declared_figure(rs) for p, rs in parties.items()}
    single = [v for p, v in best.items() if "+" not in p]
    combined = max((v for p, v in best.items() if "+" in p), key=lambda v: v[0], default=None)
    singles_sum = sum(v for v, _ in single)
    if combined is not None and combined[0] > singles_sum:
        return combined
    return singles_sum, sorted((r for _, rs in single for r in rs), key=lambda r: r.line)


@cache
def port_countries() -> dict[str, str]:
    """Port name or alias (lower case) -> country, from the bundled ports table."""
    try:
        text = resources.files("oiltrail").joinpath("data/ports.csv").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return {}
    out: dict[str, str] = {}
    for row in csv.DictReader(text.splitlines()):
        name, country = row.get("name") or "", row.get("country") or ""
        head, _, rest = name.partition("(")
        for alias in [name, head, *rest.rstrip(")").split("/")]:
            if alias.strip():
                out[alias.strip().lower()] = country
    return out


def read_chain_rows(store: Any) -> list[ChainRow] | None:
    """The stored chains with their year and supplier country, or None without a chains table."""
    exists = store.con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'chains'"
    ).fetchone()
    if not exists or not exists[0]:
        return None
    rows = store.con.execute(
        """SELECT CAST(chain_id AS VARCHAR),
                  year(coalesce(try_cast(arrival AS TIMESTAMP),
                                try_cast(load_start AS TIMESTAMP))),
                  CAST(source_port AS VARCHAR), barrels_low, barrels_mid, barrels_high,
                  coalesce(CAST(encounter_event_id AS VARCHAR), '') <> '',
                  coalesce(CAST(destination AS VARCHAR), '') <> ''
           FROM chains ORDER BY chain_id"""
    ).fetchall()
    ports = port_countries()
    out = []
    for cid, year, port, low, mid, high, sts, dest in rows:
        if year is None:
            continue
        out.append(
            ChainRow(
                chain_id=str(cid),
                year=int(year),
                source_port=str(port or ""),
                supplier=ports.get(str(port or "").strip().lower()),
                barrels_low=float(low or 0),
                barrels_mid=float(mid or 0),
                barrels_high=float(high or 0),
                sts=bool(sts),
                counted=bool(dest) and mid is not None,
            )
        )
    return out


def chain_ids(chains: list[ChainRow], limit: int = 6) -> str:
    """ "chains c1, c2, c3 and 9 more"."""
    ids = [c.chain_id for c in chains]
    head = ", ".join(ids[:limit])
    more = f" and {len(ids) - limit} more" if len(ids) > limit else ""
    return f"chain(s) {head}{more}"


def lines_cite(rows: list[ReportedLine]) -> str:
    """ "oiltrail/data/reported_deliveries.csv lines 13, 14"."""
    nums = ", ".join(str(r.line) for r in rows)
    word = "line" if len(rows) == 1 else "lines"
    return f"{REPORTED_FILE} {word} {nums}"
