"""The public record that ships with oiltrail: one module every stage reads.

Declarations to the UN 1718 Committee per supplier, published independent estimates (with their
bounds, periods, delivery counts and methods), documented ship-to-ship cases, vessel
designations, supply-route figures and the sourced FollowTheMoney links that the bundled lists
lack. Every item carries a `Cite`: the package file, its line and the source address.

A figure that is not a number in a user's reported-deliveries file is an error naming the file
and line (`InputFormatError`), never a silent skip.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, TypeVar

from oiltrail.errors import InputFormatError, NotFoundError

# UNSCR 2397 (2017) OP5: refined petroleum capped at 500,000 barrels per 12 months from 2018.
CAP_BARRELS = 500_000
CAP_FIRST_YEAR = 2018
CAP_SOURCE = "UNSCR 2397 (2017) OP5"
# BP approximate conversion factor for gas/diesel (not confirmed as the Committee's own).
BARRELS_PER_TONNE_DIESEL = 7.46
# UNSCR 2397 OP4 states its crude cap both ways: 4,000,000 bbl or 525,000 t (7.62 bbl/t).
BARRELS_PER_TONNE_CRUDE = 4_000_000 / 525_000

REPORTED_FILE = "oiltrail/data/reported_deliveries.csv"
STS_FILE = "oiltrail/data/sts_cases.csv"
DESIGNATIONS_FILE = "oiltrail/data/watchlist/dprk_designated_vessels.csv"
ROUTES_FILE = "oiltrail/data/routes.csv"
NETWORK_FILE = "oiltrail/data/network.ftm.jsonl"

REPORTED_COLUMNS = ("year", "month", "supplier", "tonnes", "barrels", "source")
DECLARED_MARK = "reported to 1718 Committee"
URL = re.compile(r"https?://\S+")
MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}
_MON = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*"
PERIOD_DAYS = re.compile(r"period (\d{4})-(\d\d)-\d\d\.\.(\d{4})-(\d\d)-\d\d")
PERIOD_MONTHS = re.compile(r"period " + _MON + r"\s*(\d{4})?\s*-\s*" + _MON + r"\s+(\d{4})")
AS_OF = re.compile(r"as of (\d{4})-(\d\d)-\d\d")
DELIVERIES = re.compile(
    r"(\d[\d,]*) (?:DPRK |illicit )?tanker (deliveries|port calls|voyages)", re.I
)

YM = tuple[int, int]


@dataclass(frozen=True)
class Cite:
    """Where a fact comes from: package file and line, and the source address."""

    file: str
    line: int
    url: str = ""

    def __str__(self) -> str:
        where = f"{self.file} line {self.line}"
        return f"{where}; {self.url}" if self.url else where


@dataclass(frozen=True)
class Declaration:
    """One reported-deliveries row declared to the 1718 Committee by a supplier."""

    year: int
    month: int | None
    supplier: str  # "Russia", "China", "China+Russia"
    start: YM
    end: YM
    barrels: float  # as published, or tonnes × 7.46 when only tonnes were given
    tonnes: float | None
    converted: bool
    note: str
    cite: Cite

    @property
    def period(self) -> str:
        return period_text(self.start, self.end)

    @property
    def full_year(self) -> bool:
        return self.start == (self.year, 1) and self.end == (self.year, 12)

    def amount(self) -> str:
        """ "30,180 t ≈ 225,143 bbl at 7.46 bbl/t" or "105,845 bbl"."""
        if self.converted and self.tonnes is not None:
            return (
                f"{self.tonnes:,.0f} t ≈ {self.barrels:,.0f} bbl at "
                f"{BARRELS_PER_TONNE_DIESEL} bbl/t"
            )
        return f"{self.barrels:,.0f} bbl"


@dataclass(frozen=True)
class PublishedEstimate:
    """An independent estimate of supply to DPRK, as published by a government or group."""

    year: int
    start: YM
    end: YM
    by: str  # who estimated: "US", "43 states", "Open Source Centre (satellite)"
    about: str  # "Russia" or "illicit ship-to-ship deliveries"
    route: str  # the supply route it measures (see ROUTES)
    barrels: float
    tonnes: float | None
    bound: str  # "lower" (more than), "upper" (up to), "about"
    deliveries: int | None  # the published count of deliveries / port calls / voyages
    method: str  # the source's own description
    cite: Cite

    @property
    def period(self) -> str:
        return period_text(self.start, self.end)

    def amount(self) -> str:
        word = {"lower": "more than", "upper": "up to"}.get(self.bound, "about")
        return f"{word} {self.barrels:,.0f} bbl"


@dataclass(frozen=True)
class StsCase:
    """A documented or suspected ship-to-ship transfer."""

    date: str  # "2017-10-19" or "2017-10"
    vessel_a: str
    imo_a: str
    vessel_b: str
    imo_b: str
    area: str
    cite: Cite

    @property
    def year(self) -> int:
        return int(self.date[:4])

    def names(self) -> tuple[str, str]:
        return self.vessel_a, self.vessel_b


@dataclass(frozen=True)
class Designation:
    """A vessel row of the designations file (UN 1718, OFAC SDN, or the 2019 US advisory)."""

    imo: str
    name: str
    list: str
    date: str
    cite: Cite

    @property
    def is_designation(self) -> bool:
        return self.list != "US advisory"


@dataclass(frozen=True)
class RouteFigure:
    """A supply-route figure that is not a delivery declaration (e.g. crude by pipeline)."""

    route: str
    supplier: str
    year_from: int
    year_to: int | None
    barrels_low: float | None
    barrels_high: float | None
    kind: str  # "estimate", "capacity", "bound"
    note: str
    cite: Cite


# The supply routes into DPRK: key -> what it is.
ROUTES = {
    "declared_russia": "refined products declared by Russia to the 1718 Committee",
    "declared_china": "refined products declared by China to the 1718 Committee",
    "crude_pipeline": "crude oil by the Dandong-Sinuiju pipeline from China",
    "sts": "illicit ship-to-ship deliveries at sea",
    "russian_ports": "direct tanker voyages from Russian Far East ports",
}


@dataclass(frozen=True)
class PublicRecord:
    declarations: tuple[Declaration, ...] = ()
    estimates: tuple[PublishedEstimate, ...] = ()
    sts_cases: tuple[StsCase, ...] = ()
    designations: tuple[Designation, ...] = ()
    routes: tuple[RouteFigure, ...] = ()
    network: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    reported_file: str = REPORTED_FILE

    def years(self) -> list[int]:
        """Years with a declaration or a published estimate."""
        return sorted({d.year for d in self.declarations} | {e.year for e in self.estimates})

    def suppliers(self) -> list[str]:
        """Single suppliers that declared deliveries ("China", "Russia")."""
        return sorted({d.supplier for d in self.declarations if "+" not in d.supplier})

    def declared(self, year: int, supplier: str | None = None) -> DeclaredFigure:
        """Declared barrels for a year: one supplier's, or all suppliers' without overlaps."""
        rows = [d for d in self.declarations if d.year == year]
        if supplier is not None:
            mine = [d for d in rows if d.supplier == supplier]
            value, used = declared_rows(mine)
            return DeclaredFigure(year, supplier, value, tuple(used), bool(mine))
        parties: dict[str, list[Declaration]] = {}
        for d in rows:
            parties.setdefault(d.supplier, []).append(d)
        best = {p: declared_rows(rs) for p, rs in parties.items()}
        single = {p: v for p, v in best.items() if "+" not in p}
        singles_sum = sum(v for v, _ in single.values())
        combined = max(
            ((p, v) for p, v in best.items() if "+" in p), key=lambda kv: kv[1][0], default=None
        )
        if combined is not None and combined[1][0] > singles_sum:
            value, used = combined[1]
            basis = f"{combined[0]} combined figure"
        else:
            value = singles_sum
            used = [r for _, rs in single.values() for r in rs]
            basis = "sum over suppliers: " + ", ".join(sorted(single))
        return DeclaredFigure(year, None, value, tuple(used), bool(rows), basis=basis)

    def estimates_for(
        self, start: YM, end: YM, *, about: str | None = None
    ) -> list[PublishedEstimate]:
        """Published estimates whose period overlaps [start, end] (and about a supplier)."""
        out = [e for e in self.estimates if e.start <= end and e.end >= start]
        if about is not None:
            out = [e for e in out if e.about == about]
        return out

    def sts_for(self, names: Iterable[str] = ()) -> list[StsCase]:
        """STS cases, all or those naming one of `names` (either ship, case-insensitive)."""
        wanted = {n.strip().upper() for n in names}
        if not wanted:
            return list(self.sts_cases)
        return [c for c in self.sts_cases if {c.vessel_a.upper(), c.vessel_b.upper()} & wanted]

    def designated(self, name: str) -> list[Designation]:
        key = name.strip().upper()
        return [d for d in self.designations if d.name.upper() == key]


@dataclass(frozen=True)
class DeclaredFigure:
    year: int
    supplier: str | None
    barrels: float
    rows: tuple[Declaration, ...]
    any_rows: bool
    basis: str = ""

    def cite(self) -> str:
        lines = sorted({r.cite.line for r in self.rows})
        if not lines:
            return f"{REPORTED_FILE} has no such row"
        file = self.rows[0].cite.file
        word = "line" if len(lines) == 1 else "lines"
        urls = list(dict.fromkeys(r.cite.url for r in self.rows if r.cite.url))
        tail = f"; {'; '.join(urls[:2])}" if urls else ""
        return f"{file} {word} {', '.join(map(str, lines))}{tail}"


class _Declared(Protocol):
    @property
    def month(self) -> int | None: ...
    @property
    def barrels(self) -> float: ...


D = TypeVar("D", bound=_Declared)


def declared_rows(rows: Sequence[D]) -> tuple[float, list[D]]:
    """One supplier's declared barrels for a year, and the rows the figure rests on.

    The file repeats itself (months, longer periods, full years), so the figure is the larger
    of the biggest period figure and the sum of months (the biggest row per month).
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


def period_text(start: YM, end: YM) -> str:
    if start == end:
        return f"{start[0]}-{start[1]:02d}"
    if start == (start[0], 1) and end == (start[0], 12):
        return f"{start[0]}"
    return f"{start[0]}-{start[1]:02d}/{end[0]}-{end[1]:02d}"


def _period(year: int, month: int | None, note: str) -> tuple[YM, YM]:
    if month is not None:
        return (year, month), (year, month)
    m = PERIOD_DAYS.search(note)
    if m:
        return (int(m.group(1)), int(m.group(2))), (int(m.group(3)), int(m.group(4)))
    m = PERIOD_MONTHS.search(note)
    if m:
        end_year = int(m.group(4))
        start_year = int(m.group(2)) if m.group(2) else end_year
        return (
            (start_year, MONTHS[m.group(1).lower()]),
            (end_year, MONTHS[m.group(3).lower()]),
        )
    m = AS_OF.search(note)
    if m and int(m.group(1)) == year:
        return (year, 1), (year, int(m.group(2)))
    return (year, 1), (year, 12)


def _number(text: str, what: str, where: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        raise InputFormatError(f"{where}: {what} {text!r} is not a number") from None
    if value < 0 or value != value or value in (float("inf"), float("-inf")):
        raise InputFormatError(f"{where}: {what} {text!r} is not a quantity")
    return value


def _int(text: str, what: str, where: str) -> int | None:
    value = _number(text, what, where)
    if value is None:
        return None
    if value != int(value):
        raise InputFormatError(f"{where}: {what} {text!r} is not a whole number")
    return int(value)


def _source(raw: str) -> tuple[str, str]:
    """(note before the first address, first address)."""
    m = URL.search(raw)
    if not m:
        return raw.strip(), ""
    return raw[: m.start()].strip(" ;,"), m.group(0).rstrip(".,;)")


def _estimator(label: str) -> str:
    who = re.sub(r"^estimate by\s+", "", label, flags=re.I)
    who = re.sub(r"\s+(?:government )?estimate$", "", who, flags=re.I)
    if label.lower().endswith("government estimate"):
        who += " government"
    if who.lower().endswith(" satellite"):
        who = who[: -len(" satellite")] + " (satellite)"
    return who or "an unnamed party"


def _route_of(about: str, method: str) -> str:
    low = f"{about} {method}".lower()
    if "sts" in low or "ship-to-ship" in low:
        return "sts"
    return "russian_ports" if about == "Russia" else "sts"


def parse_reported(text: str, file: str = REPORTED_FILE) -> PublicRecord:
    """Declarations and published estimates from reported-deliveries CSV text.

    Raises InputFormatError naming the file and line for a row that cannot be read.
    """
    rows = list(csv.reader(text.splitlines()))
    if not rows or not any(c.strip() for c in rows[0]):
        return PublicRecord(reported_file=file)
    header = [c.strip().lstrip("\ufeff") for c in rows[0]]
    missing = [c for c in REPORTED_COLUMNS if c not in header]
    if missing:
        raise InputFormatError(f"{file}: missing column(s) {', '.join(missing)}")
    at = {c: header.index(c) for c in REPORTED_COLUMNS}
    declarations: list[Declaration] = []
    estimates: list[PublishedEstimate] = []
    for line, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        where = f"{file} line {line}"
        raw = {c: (cells[i] if i < len(cells) else "") for c, i in at.items()}
        year = _int(raw["year"], "year", where)
        if year is None or not 1950 <= year <= 2100:
            raise InputFormatError(f"{where}: year {raw['year']!r} is not a year")
        month = _int(raw["month"], "month", where)
        if month is not None and not 1 <= month <= 12:
            raise InputFormatError(f"{where}: month {month} is out of range")
        tonnes = _number(raw["tonnes"], "tonnes", where)
        barrels = _number(raw["barrels"], "barrels", where)
        if barrels is None and tonnes is None:
            raise InputFormatError(f"{where}: neither tonnes nor barrels is given")
        converted = barrels is None
        value = barrels if barrels is not None else (tonnes or 0.0) * BARRELS_PER_TONNE_DIESEL
        party, _, label = raw["supplier"].strip().partition(" (")
        label = label.rstrip(")").strip()
        note, url = _source(raw["source"])
        start, end = _period(year, month, note)
        cite = Cite(file, line, url)
        if DECLARED_MARK in label:
            declarations.append(
                Declaration(
                    year,
                    month,
                    party.strip() or "unknown",
                    start,
                    end,
                    value,
                    tonnes,
                    converted,
                    note,
                    cite,
                )
            )
            continue
        low = note.lower()
        bound = (
            "lower"
            if "lower bound" in low or "more than" in low
            else "upper"
            if "upper" in low
            else "about"
        )
        count = DELIVERIES.search(note)
        about = party.strip()
        about = "illicit ship-to-ship deliveries" if "sts" in about.lower() else about
        estimates.append(
            PublishedEstimate(
                year=year,
                start=start,
                end=end,
                by=_estimator(label),
                about=about,
                route=_route_of(about, note),
                barrels=value,
                tonnes=tonnes,
                bound=bound,
                deliveries=int(count.group(1).replace(",", "")) if count else None,
                method=note,
                cite=cite,
            )
        )
    return PublicRecord(
        declarations=tuple(declarations), estimates=tuple(estimates), reported_file=file
    )


def _package_text(name: str) -> str:
    return (
        resources.files("oiltrail")
        .joinpath(name.removeprefix("oiltrail/"))
        .read_text(encoding="utf-8")
    )


def _csv_rows(file: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(_package_text(file).splitlines())
    return [(line, row) for line, row in enumerate(reader, start=2)]


def _sts() -> tuple[StsCase, ...]:
    out = []
    for line, r in _csv_rows(STS_FILE):
        out.append(
            StsCase(
                date=r["date"].strip(),
                vessel_a=r["vessel_a"].strip(),
                imo_a=r["imo_a"].strip(),
                vessel_b=r["vessel_b"].strip(),
                imo_b=r["imo_b"].strip(),
                area=r["area"].strip(),
                cite=Cite(STS_FILE, line, _source(r["source"])[1]),
            )
        )
    return tuple(out)


def _designations() -> tuple[Designation, ...]:
    return tuple(
        Designation(
            imo=r["imo"].strip(),
            name=r["name"].strip(),
            list=r["list"].strip(),
            date=r["designation_date"].strip(),
            cite=Cite(DESIGNATIONS_FILE, line, _source(r["source"])[1]),
        )
        for line, r in _csv_rows(DESIGNATIONS_FILE)
    )


def _routes() -> tuple[RouteFigure, ...]:
    out = []
    for line, r in _csv_rows(ROUTES_FILE):
        where = f"{ROUTES_FILE} line {line}"
        t_low = _number(r["tonnes_low"], "tonnes_low", where)
        t_high = _number(r["tonnes_high"], "tonnes_high", where)
        b_low = _number(r["barrels_low"], "barrels_low", where)
        b_high = _number(r["barrels_high"], "barrels_high", where)
        factor = BARRELS_PER_TONNE_CRUDE if r["route"] == "crude_pipeline" else 1.0
        if b_low is None and t_low is not None:
            b_low = t_low * factor
        if b_high is None and t_high is not None:
            b_high = t_high * factor
        out.append(
            RouteFigure(
                route=r["route"].strip(),
                supplier=r["supplier"].strip(),
                year_from=int(r["year_from"]),
                year_to=int(r["year_to"]) if r["year_to"].strip() else None,
                barrels_low=b_low,
                barrels_high=b_high,
                kind=r["kind"].strip(),
                note=r["note"].strip(),
                cite=Cite(ROUTES_FILE, line, r["source"].strip()),
            )
        )
    return tuple(out)


def _network() -> tuple[dict[str, Any], ...]:
    out = []
    for line, text in enumerate(_package_text(NETWORK_FILE).splitlines(), start=1):
        if text.strip():
            entity = json.loads(text)
            entity["cite"] = str(Cite(NETWORK_FILE, line, entity["properties"]["sourceUrl"][0]))
            out.append(entity)
    return tuple(out)


@cache
def bundled_record() -> PublicRecord:
    """The public record shipped with the package (read once per process)."""
    reported = parse_reported(_package_text(REPORTED_FILE), REPORTED_FILE)
    return PublicRecord(
        declarations=reported.declarations,
        estimates=reported.estimates,
        sts_cases=_sts(),
        designations=_designations(),
        routes=_routes(),
        network=_network(),
    )


def load_record(reported: Path | None = None) -> PublicRecord:
    """The bundled record, or the bundled record with the user's reported-deliveries file."""
    base = bundled_record()
    if reported is None:
        return base
    if not reported.is_file():
        raise NotFoundError(f"no reported-deliveries file at {reported}")
    try:
        text = reported.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputFormatError(f"{reported} is not UTF-8 text: {exc.reason}") from exc
    own = parse_reported(text, str(reported))
    return PublicRecord(
        declarations=own.declarations,
        estimates=own.estimates,
        sts_cases=base.sts_cases,
        designations=base.designations,
        routes=base.routes,
        network=base.network,
        reported_file=str(reported),
    )


def declared_by_year(record: PublicRecord) -> dict[int, dict[str, Any]]:
    """Per year: `total` declared barrels, `by_supplier`, the `basis` and the rows' cite."""
    out: dict[int, dict[str, Any]] = {}
    for year in sorted({d.year for d in record.declarations}):
        total = record.declared(year)
        parties = sorted({d.supplier for d in record.declarations if d.year == year})
        out[year] = {
            "total": round(total.barrels),
            "basis": total.basis,
            "by_supplier": {p: round(record.declared(year, p).barrels) for p in parties},
            "converted_from_tonnes": any(r.converted for r in total.rows),
            "source": total.cite(),
        }
    return out


def published_by_year(record: PublicRecord) -> dict[int, tuple[float, float, list[str]]]:
    """Per year: (low, high, sources) of the published independent estimates.

    low is the largest lower bound (or "about" figure) for the year; high the largest figure of
    any kind (an upper-bound scenario widens the range). Periods shorter than the year are
    kept as published, so low is a floor for the year.
    """
    out: dict[int, tuple[float, float, list[str]]] = {}
    for e in record.estimates:
        low, high, sources = out.get(e.year, (0.0, 0.0, []))
        if e.bound != "upper":
            low = max(low, e.barrels)
        high = max(high, e.barrels)
        sources = [*sources, f"{e.by}, {e.period}: {e.amount()} [{e.cite}]"]
        out[e.year] = (low, high, sources)
    return out
