"""The cap tracker (docs/chains.md): declared and estimated barrels per year against UNSCR 2397."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from oiltrail.estimate.deliveries import published_counts
from oiltrail.estimate.reported import published_estimates, read_reported
from oiltrail.estimate.volume import constants
from oiltrail.record import (
    CAP_BARRELS,
    CAP_FIRST_YEAR,
    CAP_SOURCE,
    PublicRecord,
    declared_by_year,
    published_by_year,
)
from oiltrail.records import CapRow
from oiltrail.store import Store
from oiltrail.store.chains import read_chains
from oiltrail.store.reads import days_per_year

# The `oiltrail estimate` columns, in this order (their home: the CapRow record).
CAP_COLUMNS: tuple[str, ...] = CapRow.COLUMNS


def cap_table(store: Store, reported_path: Path | None = None) -> list[dict[str, Any]]:
    """One row per year with the cap-table columns of docs/exports.md."""
    return cap_detail(store, reported_path)["rows"]  # type: ignore[no-any-return]


def cap_detail(store: Store, reported_path: Path | None = None) -> dict[str, Any]:
    """The cap table plus what it rests on: suppliers, published estimates, chains, constants.

    Chains come from the last `trace` run; when there was none, estimated volumes are 0 and
    a note says to run trace (estimate never writes to the store).
    Only chains that reach DPRK (a DPRK port or dark near DPRK) and have a volume are summed.
    """
    reported = read_reported(reported_path)
    declared = declared_by_year(reported)
    published = published_by_year(reported)
    traced = _chains(store)
    chains = traced or []
    counted, not_counted = _split_chains(chains)
    estimated = _estimated_by_year(counted)
    years = sorted(set(declared) | set(estimated) | set(published))
    coverage = ais_coverage(store)
    rows = [_row(y, declared.get(y), estimated.get(y), published.get(y)) for y in years]
    return {
        "rows": rows,
        "reported_by_supplier": [
            {"year": y, **{k: v for k, v in d.items() if k != "total"}, "total_barrels": d["total"]}
            for y, d in declared.items()
        ],
        "published_estimates": published_estimates(reported),
        "per_delivery": published_counts(reported),
        "chains_counted": [_chain_brief(c) for c in counted],
        "chains_not_counted": [_chain_brief(c) for c in not_counted],
        "constants": constants(),
        "cap": {
            "barrels": CAP_BARRELS,
            "from_year": CAP_FIRST_YEAR,
            "source": CAP_SOURCE,
        },
        "simulated": store.simulated,
        "ais_coverage": coverage,
        "notes": [
            *_notes(reported, traced, counted, store.simulated),
            *_coverage_notes(coverage, estimated),
        ],
    }


def ais_coverage(store: Store) -> list[dict[str, Any]]:
    """Per year, the UTC days the store's AIS positions cover: what an estimate can rest on."""
    out = []
    for year, days, first, last in days_per_year(store):
        in_year = (date(year + 1, 1, 1) - date(year, 1, 1)).days
        out.append(
            {
                "year": year,
                "days_with_positions": days,
                "days_in_year": in_year,
                "first": first,
                "last": last,
            }
        )
    return out


def _coverage_notes(
    coverage: list[dict[str, Any]], estimated: dict[int, tuple[float, float, float]]
) -> list[str]:
    """A share of the yearly cap from part of a year's AIS is not a yearly share: say so."""
    notes = []
    for c in coverage:
        if c["year"] not in estimated or c["days_with_positions"] >= c["days_in_year"]:
            continue
        notes.append(
            f"{c['year']}: estimated_barrels_* cover only the {c['days_with_positions']} days "
            f"of AIS in the store ({c['first']:%Y-%m-%d} to {c['last']:%Y-%m-%d}) of "
            f"{c['days_in_year']}; share_of_cap_mid is that part's barrels over the whole "
            "year's cap, not a yearly share (not annualised)"
        )
    return notes


def _chains(store: Store) -> list[dict[str, Any]] | None:
    """The chains of the last `trace` run; None when it never ran (estimate writes nothing)."""
    return read_chains(store)


def _split_chains(
    chains: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    counted: list[dict[str, Any]] = []
    other: list[dict[str, Any]] = []
    for c in chains:
        ok = c.get("destination") and c.get("barrels_mid") is not None and _year(c) is not None
        (counted if ok else other).append(c)
    return counted, other


def _year(chain: dict[str, Any]) -> int | None:
    for key in ("arrival", "load_start"):
        value = chain.get(key)
        if isinstance(value, datetime | date):
            return value.year
    start = (chain.get("details") or {}).get("encounter_start")
    return int(start[:4]) if isinstance(start, str) and start[:4].isdigit() else None


def _estimated_by_year(chains: list[dict[str, Any]]) -> dict[int, tuple[float, float, float]]:
    out: dict[int, tuple[float, float, float]] = {}
    for c in chains:
        year = _year(c)
        assert year is not None
        low, mid, high = out.get(year, (0.0, 0.0, 0.0))
        out[year] = (low + c["barrels_low"], mid + c["barrels_mid"], high + c["barrels_high"])
    return out


def _row(
    year: int,
    declared: dict[str, Any] | None,
    estimated: tuple[float, float, float] | None,
    published: tuple[float, float, list[str]] | None,
) -> dict[str, Any]:
    reported = int(declared["total"]) if declared else 0
    low, mid, high = estimated or (0.0, 0.0, 0.0)
    cap = CAP_BARRELS if year >= CAP_FIRST_YEAR else None
    share = None if cap is None else round((reported + mid) / cap, 3)
    return {
        "year": year,
        "reported_barrels": reported,
        "estimated_barrels_low": round(low),
        "estimated_barrels_mid": round(mid),
        "estimated_barrels_high": round(high),
        "cap_barrels": cap,
        "share_of_cap_mid": share,
        "published_estimate_barrels_low": round(published[0]) if published else None,
        "published_estimate_barrels_high": round(published[1]) if published else None,
        "published_estimate_sources": " | ".join(published[2]) if published else "",
    }


def _chain_brief(c: dict[str, Any]) -> dict[str, Any]:
    keep = ("chain_id", "source_port", "destination", "arrival", "barrels_low", "barrels_mid")
    brief = {k: c.get(k) for k in (*keep, "barrels_high", "confidence")}
    brief["volume_basis"] = ((c.get("details") or {}).get("volume") or {}).get("basis")
    return brief


def _notes(
    reported: PublicRecord,
    chains: list[dict[str, Any]] | None,
    counted: list[dict[str, Any]],
    simulated: bool,
) -> list[str]:
    notes = [
        "share_of_cap_mid = (reported + estimated mid) / cap; reported = declarations to the "
        "1718 Committee only, published estimates of illicit supply are listed apart",
    ]
    if not reported.declarations:
        notes.append(f"no reported deliveries in {reported.reported_file}: reported = 0")
    notes.append(
        "published_estimate_* = independent estimates of the public record (low: the largest "
        "lower bound or central figure for the year, often for part of it; high: the largest "
        "figure incl. upper-bound scenarios), each source with its file line"
    )
    if chains is None:
        notes.append("no delivery chains traced yet (run `oiltrail trace`): estimated = 0")
    elif not chains:
        notes.append(
            "no delivery chains in the store (no events? run `oiltrail detect`): estimated = 0"
        )
    elif len(counted) < len(chains):
        notes.append(
            f"{len(counted)} of {len(chains)} chains counted (the others do not reach DPRK "
            "or have no volume)"
        )
    if simulated:
        notes.append("SIMULATED: estimated volumes come from data made by `oiltrail simulate`")
    return notes


def detail_json(detail: dict[str, Any]) -> str:
    """The detail view as JSON text (times ISO 8601)."""
    return json.dumps(detail, indent=2, ensure_ascii=False, default=_plain) + "\n"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
