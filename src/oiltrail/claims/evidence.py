"""The store's evidence per year (reported, estimated, chains) and a verdict for each claim."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from typing import Any

from oiltrail.claims.assertions import Stance
from oiltrail.claims.sources import (
    ChainRow,
    ReportedLine,
    chain_ids,
    declared_total_lines,
    lines_cite,
    read_chain_rows,
    read_reported_lines,
)
from oiltrail.record import CAP_BARRELS

# "Negligible" and its kin: we read them as at most a tenth of the annual cap (our choice; the
# words have no legal threshold).
NEGLIGIBLE_SHARE_OF_CAP = 0.10
# A stated quantity matches the evidence when the ranges overlap within this tolerance, which
# covers the tonnes-to-barrels factor (7.46 to 8.33 bbl/t across sources).
QUANTITY_TOLERANCE = 0.20
REPORTED_CUES = re.compile(r"\b(?:report\w*|declar\w*|notif\w*|official(?:ly)?|committee)\b", re.I)
CAP_SOURCE = "UNSCR 2397 OP5"


@dataclass(frozen=True)
class YearEvidence:
    """One year of the cap table plus the chains that arrived that year, with their sources."""

    year: int
    reported_barrels: float
    estimated_low: float
    estimated_mid: float
    estimated_high: float
    cap_barrels: float = CAP_BARRELS
    chains: int = 0
    sts_chains: int = 0
    has_reported: bool = False
    reported_source: str = "the cap table of `oiltrail estimate`"
    chain_source: str = ""

    @property
    def total_low(self) -> float:
        return self.reported_barrels + self.estimated_low

    @property
    def total_high(self) -> float:
        return self.reported_barrels + self.estimated_high


@dataclass(frozen=True)
class Evidence:
    """Everything a verdict may cite; `missing` says what the store could not give."""

    years: dict[int, YearEvidence] = field(default_factory=dict)
    simulated: bool = False
    missing: tuple[str, ...] = ()
    reported: tuple[ReportedLine, ...] = ()
    chains: tuple[ChainRow, ...] = ()

    @property
    def latest_year(self) -> int | None:
        return max(self.years) if self.years else None


def gather_evidence(store: Any) -> Evidence:
    """Read the cap table (oiltrail.estimate.cap), the chains table and the reported CSV lines."""
    if store is None:
        return Evidence(missing=("no store: run `oiltrail demo` or the pipeline first",))
    missing: list[str] = []
    chain_rows = read_chain_rows(store)
    if not chain_rows:
        missing.append("no delivery chains in the store (run `oiltrail trace`)")
    chains = chain_rows or []
    lines, notes = read_reported_lines()
    missing += notes
    years: dict[int, YearEvidence] = {}
    for row in _cap_rows(store, missing):
        year = int(row["year"])
        reported = float(row.get("reported_barrels") or 0)
        years[year] = YearEvidence(
            year=year,
            reported_barrels=reported,
            estimated_low=float(row.get("estimated_barrels_low") or 0),
            estimated_mid=float(row.get("estimated_barrels_mid") or 0),
            estimated_high=float(row.get("estimated_barrels_high") or 0),
            cap_barrels=float(row.get("cap_barrels") or CAP_BARRELS),
            has_reported=row.get("reported_barrels") not in (None, "", 0),
            reported_source=_reported_source(lines, year, reported),
            **_chain_fields(chains, year),
        )
    for year in sorted({c.year for c in chains} - set(years)):
        years[year] = YearEvidence(year, 0, 0, 0, 0, **_chain_fields(chains, year))
    return Evidence(
        years=dict(sorted(years.items())),
        simulated=_simulated(store),
        missing=tuple(missing),
        reported=tuple(lines),
        chains=tuple(chains),
    )


def _chain_fields(chains: list[ChainRow], year: int) -> dict[str, Any]:
    mine = [c for c in chains if c.year == year]
    return {
        "chains": len(mine),
        "sts_chains": sum(c.sts for c in mine),
        "chain_source": chain_ids(mine) if mine else "",
    }


def _reported_source(lines: list[ReportedLine], year: int, reported: float) -> str:
    """The CSV lines behind a year's declared total, when they give the cap table's figure."""
    total, used = declared_total_lines(lines, year)
    if used and abs(total - reported) <= max(1.0, 0.001 * reported):
        return lines_cite(used)
    return "the cap table of `oiltrail estimate`"


def _simulated(store: Any) -> bool:
    try:
        return bool(store.simulated)
    except Exception:  # a store without a manifest is not simulated
        return False


def _cap_rows(store: Any, missing: list[str]) -> list[dict[str, Any]]:
    try:  # a peer's module, imported at run time so a missing one degrades instead of failing
        cap_table = importlib.import_module("oiltrail.estimate.cap").cap_table
    except (ImportError, AttributeError):
        missing.append("no volume figures: oiltrail.estimate.cap is not available")
        return []
    try:
        rows = list(cap_table(store))
    except Exception as exc:  # a peer's stage: its failure is missing evidence, not our crash
        first = str(getattr(exc, "detail", exc)).splitlines() or [type(exc).__name__]
        missing.append(f"no volume figures: the cap table failed ({first[0]})")
        return []
    if not rows:
        missing.append("no volume figures: the cap table is empty (run `oiltrail estimate`)")
    return rows


def bbl(x: float) -> str:
    return f"{x:,.0f} bbl"


_bbl = bbl


def ais_label(simulated: bool) -> str:
    """How oiltrail's own AIS-derived figures are named in a reason."""
    return "oiltrail AIS estimate from SIMULATED data" if simulated else "oiltrail AIS estimate"


def describe_year(y: YearEvidence, simulated: bool = False) -> str:
    """One line of evidence for a year: the numbers, their units and their sources."""
    parts = [f"{y.year}:"]
    if y.has_reported:
        parts.append(
            f"declared to the 1718 Committee {bbl(y.reported_barrels)} ({y.reported_source})"
        )
    else:
        parts.append("nothing declared to the 1718 Committee")
    if y.estimated_high > 0:
        parts.append(
            f"; {ais_label(simulated)} {bbl(y.estimated_mid)} (range {y.estimated_low:,.0f}-"
            f"{y.estimated_high:,.0f} bbl, cap table of `oiltrail estimate`)"
        )
    parts.append(f"; {y.chains} delivery chain(s), {y.sts_chains} via ship-to-ship")
    if y.chain_source:
        parts.append(f"({y.chain_source}{', SIMULATED' if simulated else ''})")
    share = (y.reported_barrels + y.estimated_mid) / y.cap_barrels
    parts.append(
        f"; declared + estimated = {share:.0%} of the {bbl(y.cap_barrels)} cap ({CAP_SOURCE})"
    )
    return " ".join(parts).replace(" ;", ";")


def published_estimates(
    evidence: Evidence, years: list[int], supplier: str | None = None
) -> list[str]:
    """Reasons citing estimates published by others for the claim's years, labelled as such."""
    out = []
    for r in evidence.reported:
        if r.declared or r.year not in years:
            continue
        if supplier is not None and r.party != supplier:
            continue
        out.append(
            f"published estimate by {r.estimator} ('{r.label}'; not a declaration, not an "
            f"oiltrail figure): {r.party}, period {r.period}: {r.bound} {r.amount()} "
            f"[{r.cite()}]"
        )
    return out


def claim_scope(
    claim_years: list[int], article_year: int | None, evidence: Evidence
) -> tuple[list[int], list[str]]:
    """The years a claim is judged against, and a note saying why.

    A stated period is used as is. A claim without one ("deliveries are negligible") speaks
    of its own time: the article's year and the store's latest year, not every year.
    """
    if claim_years:
        return claim_years, []
    latest = evidence.latest_year
    years = sorted({y for y in (article_year, latest) if y is not None})
    said = []
    if article_year is not None:
        said.append(f"the article's year ({article_year})")
    if latest is not None:
        said.append(f"the store's latest year ({latest})")
    note = "no period stated: judged against " + (" and ".join(said) or "nothing")
    return years, [note]


def judge(
    stance: Stance | None,
    quantity: dict[str, Any] | None,
    claim_years: list[int],
    sentence: str,
    evidence: Evidence,
    *,
    supplier: str | None = None,
    article_year: int | None = None,
) -> tuple[str, list[str]]:
    """(verdict, reasons) for one claim against the evidence.

    A claim by or about one supplier is judged on that supplier's own rows (see
    `oiltrail.claims.supplier`); others on the all-supplier cap table.
    """
    notes = list(evidence.missing)
    if evidence.simulated:
        notes.append("evidence comes from SIMULATED data (oiltrail simulate), not real ships")
    years, scope_note = claim_scope(claim_years, article_year, evidence)
    estimates = published_estimates(evidence, years, supplier)
    if supplier is not None:
        from oiltrail.claims.supplier import judge_supplier

        verdict, reasons = judge_supplier(stance, quantity, years, sentence, evidence, supplier)
        if not (quantity is not None and REPORTED_CUES.search(sentence)):
            verdict, reasons = _disputed(
                verdict, reasons, stance, quantity, evidence, years, supplier
            )
        return verdict, reasons + estimates + scope_note + notes
    if not evidence.years:
        return "not enough evidence", [
            "the store has no volumes or chains to compare",
            *estimates,
            *notes,
        ]
    scope = [evidence.years[y] for y in years if y in evidence.years]
    absent = [y for y in years if y not in evidence.years]
    if not scope:
        covered = ", ".join(str(y) for y in evidence.years)
        span = "-".join(dict.fromkeys((str(years[0]), str(years[-1])))) if years else "?"
        return "not enough evidence", [
            f"the store has no figures for {span} (it covers {covered})",
            *estimates,
            *scope_note,
            *notes,
        ]
    if absent and not claim_years:
        scope_note.append(f"the store has no figures for {', '.join(map(str, absent))}")
    if quantity is not None:
        verdict, reasons = _judge_quantity(quantity, scope, sentence)
    elif stance is not None and stance.kind == "minimal":
        verdict, reasons = _judge_minimal(stance, scope)
    elif stance is not None:
        verdict, reasons = _judge_substantial(stance, scope)
    else:
        verdict, reasons = "not enough evidence", ["the claim asserts nothing checkable"]
    if not (quantity is not None and REPORTED_CUES.search(sentence)):
        # A figure said to be declared is checked against declarations only.
        verdict, reasons = _disputed(verdict, reasons, stance, quantity, evidence, years, None)
    described = [describe_year(y, evidence.simulated) for y in scope[:6]]
    return verdict, reasons + described + estimates + scope_note + notes


def _ceiling(stance: Stance | None, quantity: dict[str, Any] | None) -> float | None:
    """The most a small-supply claim allows, in barrels; None for claims of large supply."""
    if quantity is not None:
        if quantity["bound"] == "lower":
            return None
        return float(quantity["barrels"]) * (1 + QUANTITY_TOLERANCE)
    if stance is None or stance.kind != "minimal":
        return None
    if stance.no_supply:
        return 0.0
    if stance.compliance and not any(
        t.startswith(("negligible", "minimal", "insignificant", "miserable")) for t in stance.terms
    ):
        return float(CAP_BARRELS)
    return NEGLIGIBLE_SHARE_OF_CAP * CAP_BARRELS


def _disputed(
    verdict: str,
    reasons: list[str],
    stance: Stance | None,
    quantity: dict[str, Any] | None,
    evidence: Evidence,
    years: list[int],
    supplier: str | None,
) -> tuple[str, list[str]]:
    """A "supported" small-supply claim that a published lower bound exceeds is undecided.

    Published estimates never decide a verdict on their own (oiltrail cannot check them), but
    they stop the store's declared figures from confirming a claim they dispute.
    """
    ceiling = _ceiling(stance, quantity)
    if verdict != "supported" or ceiling is None:
        return verdict, reasons
    over = [
        r
        for r in evidence.reported
        if not r.declared
        and r.year in years
        and r.bound != "up to"
        and r.barrels > ceiling
        and (supplier is None or r.party == supplier)
    ]
    if not over:
        return verdict, reasons
    who = ", ".join(dict.fromkeys(r.estimator for r in over))
    return "not enough evidence", [
        *reasons,
        f"the figures above alone would support the claim, but published estimates by {who} "
        f"exceed {bbl(ceiling)} for the same period (listed below; oiltrail cannot confirm them)",
    ]


def _judge_minimal(stance: Stance, scope: list[YearEvidence]) -> tuple[str, list[str]]:
    words = ", ".join(f"'{t}'" for t in stance.terms)
    if stance.no_supply:
        moved = [y for y in scope if y.total_low > 0 or y.chains]
        if moved:
            return "contradicted", [
                f"{words}, yet oil moved in {_years(moved)}: " + "; ".join(map(_low, moved))
            ]
        return "not enough evidence", [
            f"{words}: the store shows nothing, and absence in AIS is not proof"
        ]
    if stance.compliance and not any(
        t.startswith(("negligible", "minimal", "insignificant", "miserable")) for t in stance.terms
    ):
        over = [y for y in scope if y.total_low > y.cap_barrels]
        if over:
            return "contradicted", [
                f"{words}, yet the {bbl(CAP_BARRELS)} cap ({CAP_SOURCE}) was exceeded in "
                + "; ".join(map(_low, over))
            ]
        if all(y.has_reported and y.total_high <= y.cap_barrels for y in scope):
            return "supported", [
                f"{words}: declared plus estimated stays under the {bbl(CAP_BARRELS)} cap "
                f"({CAP_SOURCE}) in " + "; ".join(map(_high, scope)) + " (estimates are a floor)"
            ]
        return "not enough evidence", [
            f"{words}: the figures neither confirm nor refute compliance"
        ]
    threshold = NEGLIGIBLE_SHARE_OF_CAP * CAP_BARRELS
    big = [y for y in scope if y.total_low > threshold]
    if big:
        worst = max(big, key=lambda y: y.total_low)
        return "contradicted", [
            f"{words} (read as at most {threshold:,.0f} bbl, "
            f"{NEGLIGIBLE_SHARE_OF_CAP:.0%} of the cap), "
            f"yet at least {_bbl(worst.total_low)} moved in {worst.year} "
            f"({worst.total_low / worst.cap_barrels:.0%} of the cap): {_low(worst)}"
        ]
    if all(y.total_high <= threshold and not y.chains for y in scope):
        return "supported", [
            f"{words}: every year in scope stays under {threshold:,.0f} bbl: "
            + "; ".join(map(_high, scope))
        ]
    return "not enough evidence", [
        f"{words}: the figures are small but the range reaches the threshold"
    ]


def _judge_substantial(stance: Stance, scope: list[YearEvidence]) -> tuple[str, list[str]]:
    words = ", ".join(f"'{t}'" for t in stance.terms)
    if stance.cap_exceeded:
        over = [y for y in scope if y.total_low > y.cap_barrels]
        if over:
            return "supported", [
                f"{words}: the {bbl(CAP_BARRELS)} cap ({CAP_SOURCE}) was exceeded in "
                + "; ".join(map(_low, over))
            ]
        return "not enough evidence", [
            f"{words}: the store's figures stay under the cap (estimates are a floor)"
        ]
    if stance.sts:
        sts = [y for y in scope if y.sts_chains]
        if sts:
            n = sum(y.sts_chains for y in sts)
            return "supported", [
                f"{words}: {n} delivery chain(s) through ship-to-ship transfers in "
                f"{_years(sts)} ({'; '.join(y.chain_source for y in sts)})"
            ]
        return "not enough evidence", [
            f"{words}: no ship-to-ship chain in the store for this period"
        ]
    moved = [y for y in scope if y.chains or y.estimated_low > 0]
    if moved:
        n = sum(y.chains for y in moved)
        return "supported", [
            f"{words}: {n} delivery chain(s) found in {_years(moved)}: "
            + "; ".join(map(_low, moved))
        ]
    return "not enough evidence", [f"{words}: no delivery chain in the store for this period"]


def _judge_quantity(
    q: dict[str, Any], scope: list[YearEvidence], sentence: str
) -> tuple[str, list[str]]:
    reported_only = bool(REPORTED_CUES.search(sentence))
    if reported_only:
        ref_low = ref_high = sum(y.reported_barrels for y in scope)
        basis = "declared deliveries (all suppliers)"
        if not any(y.has_reported for y in scope):
            return "not enough evidence", [
                f"'{q['text']}': no reported deliveries in the store for {_years(scope)}"
            ]
    else:
        ref_low = sum(y.total_low for y in scope)
        ref_high = sum(y.total_high for y in scope)
        basis = "declared plus AIS-estimated volumes"
    claimed = float(q["barrels"])
    lo, hi = claimed * (1 - QUANTITY_TOLERANCE), claimed * (1 + QUANTITY_TOLERANCE)
    parts = "; ".join(map(_high if reported_only else _low, scope))
    said = (
        f"'{q['text']}' (≈{_bbl(claimed)}{factor_text(q)}) against {basis} of "
        f"{ref_low:,.0f}-{ref_high:,.0f} bbl ({parts})"
    )
    if q["bound"] == "lower":
        if ref_high >= lo:
            return "supported", [said]
        return "not enough evidence", [
            f"{said}: the store shows less, but AIS estimates are a floor"
        ]
    if reported_only and ref_low > hi:
        # The reported total covers every supplier: one supplier's lower figure can still hold.
        return "not enough evidence", [
            f"{said}: the store's reported total covers all suppliers, so one supplier's "
            "share cannot be checked"
        ]
    if ref_low > hi:
        return "contradicted", [f"{said}: the evidence shows more than claimed"]
    if q["bound"] == "upper" or ref_high >= lo:
        return "supported", [said]
    if reported_only:
        return "contradicted", [f"{said}: the reported figures are lower"]
    return "not enough evidence", [f"{said}: the store shows less, but AIS estimates are a floor"]


def _years(ys: list[YearEvidence]) -> str:
    return ", ".join(str(y.year) for y in ys)


def _low(y: YearEvidence) -> str:
    """A year's lower figure with its parts and their sources."""
    return (
        f"{y.year}: at least {bbl(y.total_low)} = declared {bbl(y.reported_barrels)} "
        f"({y.reported_source}) + AIS estimate low {bbl(y.estimated_low)} "
        f"({y.chain_source or 'no chains'})"
    )


def _high(y: YearEvidence) -> str:
    """A year's upper figure with its parts and their sources."""
    return (
        f"{y.year}: at most {bbl(y.total_high)} = declared {bbl(y.reported_barrels)} "
        f"({y.reported_source}) + AIS estimate high {bbl(y.estimated_high)} "
        f"({y.chain_source or 'no chains'})"
    )


def factor_text(q: dict[str, Any]) -> str:
    """ " at 7.46 bbl per tonne" for a converted quantity, "" for barrels."""
    if q.get("unit") == "barrels":
        return ""
    return f" at {float(q['barrels_factor']):g} bbl per {str(q['unit']).rstrip('s')}"
