"""Supply routes into DPRK and what remains when some are cut: the "lifeline" question.

Routes (keys of `oiltrail.record.ROUTES`): refined products declared by Russia and by China to
the 1718 Committee, crude by the Dandong-Sinuiju pipeline, illicit ship-to-ship deliveries,
and direct tanker voyages from Russian Far East ports. Each route's barrels per year come from
the public record (declarations, published estimates, the crude-route figures), each with its
kind (declared, estimate, bound) and sources; the store's own chains are shown beside them,
labelled SIMULATED when the store is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from oiltrail.errors import UsageError
from oiltrail.record import ROUTES, PublicRecord

ROUTE_COLUMNS: tuple[str, ...] = (
    "year",
    "route",
    "what",
    "kind",
    "barrels_low",
    "barrels_high",
    "store_barrels_mid",
    "cut",
    "sources",
)
TOTAL_ROUTE = "all routes"
REMAINING_ROUTE = "remaining after cut"


@dataclass(frozen=True)
class RouteYear:
    year: int
    route: str
    kind: str
    low: float | None
    high: float | None
    sources: tuple[str, ...]


def _declared(record: PublicRecord, year: int, supplier: str, route: str) -> RouteYear | None:
    fig = record.declared(year, supplier)
    own = RouteYear(year, route, "declared", fig.barrels, fig.barrels, (fig.cite(),))
    derived = _derived(record, year, supplier, route)
    if fig.any_rows and (any(r.full_year for r in fig.rows) or derived is None):
        return own
    if fig.any_rows and derived is not None and (derived.low or 0) <= fig.barrels:
        return own
    return derived


def _derived(record: PublicRecord, year: int, supplier: str, route: str) -> RouteYear | None:
    """A supplier's share of a combined full-year figure ("China+Russia"): the rest of it."""
    combined = [
        d for d in record.declarations if d.year == year and "+" in d.supplier and d.full_year
    ]
    others = [s for s in record.suppliers() if s != supplier]
    if not combined or not others:
        return None
    total = max(combined, key=lambda d: d.barrels)
    rest = [record.declared(year, s) for s in others]
    if not all(f.any_rows for f in rest):
        return None  # the others' share is unknown too
    value = total.barrels - sum(f.barrels for f in rest)
    if value <= 0:
        return None
    cites = "; ".join([str(total.cite), *(f.cite() for f in rest if f.any_rows)])
    return RouteYear(
        year,
        route,
        f"declared (derived: {total.supplier} total minus {', '.join(others)})",
        value,
        value,
        (cites,),
    )


def _crude(record: PublicRecord, year: int) -> RouteYear | None:
    figs = [
        r
        for r in record.routes
        if r.route == "crude_pipeline"
        and r.year_from <= year
        and (r.year_to is None or year <= r.year_to)
    ]
    if not figs:
        return None
    lows = [r.barrels_low for r in figs if r.barrels_low is not None]
    highs = [r.barrels_high for r in figs if r.barrels_high is not None]
    sources = tuple(f"{r.kind}: {r.note} [{r.cite}]" for r in figs)
    # the tighter ceiling of the legal cap and the pipeline's stated capacity
    return RouteYear(
        year,
        "crude_pipeline",
        "estimate (bounded)",
        max(lows) if lows else None,
        min(highs) if highs else None,
        sources,
    )


def _estimated(record: PublicRecord, year: int, route: str) -> RouteYear | None:
    ests = [e for e in record.estimates if e.year == year and e.route == route]
    if not ests:
        return None
    floors = [e.barrels for e in ests if e.bound != "upper"]
    high = max(e.barrels for e in ests)
    sources = tuple(
        f"{e.by}, {e.period}: {e.amount()}"
        + (f" from {e.deliveries} deliveries" if e.deliveries else "")
        + f" [{e.cite}]"
        for e in ests
    )
    kind = "estimate (lower bound)" if all(e.bound == "lower" for e in ests) else "estimate"
    return RouteYear(year, route, kind, max(floors) if floors else None, high, sources)


def route_years(record: PublicRecord, year: int) -> list[RouteYear]:
    out = [
        _declared(record, year, "Russia", "declared_russia"),
        _declared(record, year, "China", "declared_china"),
        _crude(record, year),
        _estimated(record, year, "sts"),
        _estimated(record, year, "russian_ports"),
    ]
    return [r for r in out if r is not None]


def store_by_route(chains: list[dict[str, Any]]) -> dict[tuple[int, str], float]:
    """The store's chains per (year, route): ship-to-ship when they have an encounter."""
    out: dict[tuple[int, str], float] = {}
    for c in chains:
        when = c.get("arrival") or c.get("load_start")
        if not isinstance(when, datetime | date) or c.get("barrels_mid") is None:
            continue
        if not c.get("destination"):
            continue
        route = "sts" if c.get("encounter_event_id") else "russian_ports"
        key = (when.year, route)
        out[key] = out.get(key, 0.0) + float(c["barrels_mid"])
    return out


def routes_table(
    record: PublicRecord,
    *,
    years: list[int] | None = None,
    cut: list[str] | None = None,
    chains: list[dict[str, Any]] | None = None,
    simulated: bool = False,
) -> list[dict[str, Any]]:
    """Rows per year and route, then the year's total and what remains after `cut`."""
    cut = list(cut or [])
    unknown = [c for c in cut if c not in ROUTES]
    if unknown:
        raise UsageError(
            f"unknown route(s) {', '.join(unknown)}: expected one of {', '.join(ROUTES)}"
        )
    store = store_by_route(chains or [])
    all_years = sorted(set(record.years()) | {y for y, _ in store})
    if years:
        missing = [y for y in years if y not in all_years]
        if missing:
            raise UsageError(
                f"no route figures for {', '.join(map(str, missing))}: the record and the "
                f"store cover {all_years[0]}-{all_years[-1]}"
                if all_years
                else "no route figures at all"
            )
        all_years = [y for y in all_years if y in years]
    label = " (SIMULATED)" if simulated else ""
    rows: list[dict[str, Any]] = []
    for year in all_years:
        found = {r.route: r for r in route_years(record, year)}
        for route, what in ROUTES.items():
            r = found.get(route)
            mid = store.get((year, route))
            if r is None and mid is None:
                continue
            rows.append(
                {
                    "year": year,
                    "route": route,
                    "what": what,
                    "kind": r.kind if r else f"store only{label}",
                    "barrels_low": None if r is None or r.low is None else round(r.low),
                    "barrels_high": None if r is None or r.high is None else round(r.high),
                    "store_barrels_mid": None if mid is None else round(mid),
                    "cut": route in cut,
                    "sources": " | ".join(r.sources) if r else "",
                }
            )
        mine = [x for x in rows if x["year"] == year and x["route"] in ROUTES]
        rows.append(_total(year, TOTAL_ROUTE, mine, "sum over the routes above"))
        if cut:
            kept = [x for x in mine if not x["cut"]]
            rows.append(_total(year, REMAINING_ROUTE, kept, f"without {', '.join(cut)}", cut=True))
    return rows


def _total(
    year: int, name: str, rows: list[dict[str, Any]], what: str, *, cut: bool = False
) -> dict[str, Any]:
    low = sum(x["barrels_low"] or 0 for x in rows)
    high = sum(x["barrels_high"] or x["barrels_low"] or 0 for x in rows)
    store = [x["store_barrels_mid"] for x in rows if x["store_barrels_mid"] is not None]
    return {
        "year": year,
        "route": name,
        "what": what,
        "kind": "total",
        "barrels_low": low,
        "barrels_high": high,
        "store_barrels_mid": sum(store) if store else None,
        "cut": cut,
        "sources": "",
    }
