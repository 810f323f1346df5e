"""The store's evidence per year (reported, estimated, chains) and a verdict for each claim."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from typing import Any

from oiltrail.claims.assertions import CAP_BARRELS, Stance

# "Negligible" and its kin: we read them as at most a tenth of the annual cap (our choice; the
# words have no legal threshold).
NEGLIGIBLE_SHARE_OF_CAP = 0.10
# A stated quantity matches the evidence when the ranges overlap within this tolerance, which
# covers the tonnes-to-barrels factor (7.46 to 8.33 bbl/t across sources).
QUANTITY_TOLERANCE = 0.20
REPORTED_CUES = re.compile(r"\b(?:report\w*|declar\w*|notif\w*|official(?:ly)?|committee)\b", re.I)


@dataclass(frozen=True)
class YearEvidence:
    """One year of the cap table plus the chains that arrived that year."""

    year: int
    reported_barrels: float
    estimated_low: float
    estimated_mid: float
    estimated_high: float
    cap_barrels: float = CAP_BARRELS
    chains: int = 0
    sts_chains: int = 0
    has_reported: bool = False

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


def gather_evidence(store: Any) -> Evidence:
    """Read the cap table (oiltrail.estimate.cap) and the chains table, whichever exist."""
    if store is None:
        return Evidence(missing=("no store: run `oiltrail demo` or the pipeline first",))
    missing: list[str] = []
    chains = _chain_counts(store, missing)
    rows = _cap_rows(store, missing)
    years: dict[int, YearEvidence] = {}
    for row in rows:
        year = int(row["year"])
        n, sts = chains.get(year, (0, 0))
        years[year] = YearEvidence(
            year=year,
            reported_barrels=float(row.get("reported_barrels") or 0),
            estimated_low=float(row.get("estimated_barrels_low") or 0),
            estimated_mid=float(row.get("estimated_barrels_mid") or 0),
            estimated_high=float(row.get("estimated_barrels_high") or 0),
            cap_barrels=float(row.get("cap_barrels") or CAP_BARRELS),
            chains=n,
            sts_chains=sts,
            has_reported=row.get("reported_barrels") not in (None, "", 0),
        )
    for year, (n, sts) in chains.items():
        years.setdefault(year, YearEvidence(year, 0, 0, 0, 0, chains=n, sts_chains=sts))
    return Evidence(
        years=dict(sorted(years.items())), simulated=_simulated(store), missing=tuple(missing)
    )


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


def _chain_counts(store: Any, missing: list[str]) -> dict[int, tuple[int, int]]:
    exists = store.con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'chains'"
    ).fetchone()
    if not exists or not exists[0]:
        missing.append("no delivery chains in the store (run `oiltrail trace`)")
        return {}
    rows = store.con.execute(
        """SELECT year(coalesce(try_cast(arrival AS TIMESTAMP),
                                try_cast(load_start AS TIMESTAMP))) AS y,
                  count(*), count(nullif(CAST(encounter_event_id AS VARCHAR), ''))
           FROM chains GROUP BY y"""
    ).fetchall()
    out = {int(y): (int(n), int(s)) for y, n, s in rows if y is not None}
    if not out:
        missing.append("no delivery chains in the store (run `oiltrail trace`)")
    return out


def _bbl(x: float) -> str:
    return f"{x:,.0f} bbl"


def describe_year(y: YearEvidence) -> str:
    """One line of evidence for a year, with the numbers."""
    parts = [f"{y.year}:"]
    parts.append(f"reported {_bbl(y.reported_barrels)}" if y.has_reported else "nothing reported")
    if y.estimated_high > 0:
        parts.append(
            f"; estimated {_bbl(y.estimated_mid)} (range {y.estimated_low:,.0f}-"
            f"{y.estimated_high:,.0f})"
        )
    parts.append(f"; {y.chains} delivery chain(s), {y.sts_chains} via ship-to-ship")
    share = (y.reported_barrels + y.estimated_mid) / y.cap_barrels
    parts.append(f"; reported + estimated = {share:.0%} of the {_bbl(y.cap_barrels)} cap")
    return " ".join(parts).replace(" ;", ";")


def judge(
    stance: Stance | None,
    quantity: dict[str, Any] | None,
    claim_years: list[int],
    sentence: str,
    evidence: Evidence,
) -> tuple[str, list[str]]:
    """(verdict, reasons) for one claim against the evidence."""
    notes = list(evidence.missing)
    if evidence.simulated:
        notes.append("evidence comes from SIMULATED data (oiltrail simulate), not real ships")
    if not evidence.years:
        return "not enough evidence", ["the store has no volumes or chains to compare", *notes]
    scope = [evidence.years[y] for y in claim_years if y in evidence.years]
    if claim_years and not scope:
        covered = ", ".join(str(y) for y in evidence.years)
        span = "-".join(dict.fromkeys((str(claim_years[0]), str(claim_years[-1]))))
        return "not enough evidence", [
            f"the store has no figures for {span} (it covers {covered})",
            *notes,
        ]
    if not claim_years:
        scope = list(evidence.years.values())
        notes.insert(0, "no period stated: compared with every year in the store")
    if quantity is not None:
        verdict, reasons = _judge_quantity(quantity, scope, sentence)
    elif stance is not None and stance.kind == "minimal":
        verdict, reasons = _judge_minimal(stance, scope)
    elif stance is not None:
        verdict, reasons = _judge_substantial(stance, scope)
    else:
        verdict, reasons = "not enough evidence", ["the claim asserts nothing checkable"]
    return verdict, reasons + [describe_year(y) for y in scope[:6]] + notes


def _judge_minimal(stance: Stance, scope: list[YearEvidence]) -> tuple[str, list[str]]:
    words = ", ".join(f"'{t}'" for t in stance.terms)
    if stance.no_supply:
        moved = [y for y in scope if y.total_low > 0 or y.chains]
        if moved:
            return "contradicted", [f"{words}, yet oil moved in {_years(moved)}"]
        return "not enough evidence", [
            f"{words}: the store shows nothing, and absence in AIS is not proof"
        ]
    if stance.compliance and not any(
        t.startswith(("negligible", "minimal", "insignificant", "miserable")) for t in stance.terms
    ):
        over = [y for y in scope if y.total_low > y.cap_barrels]
        if over:
            return "contradicted", [f"{words}, yet the cap was exceeded in {_years(over)}"]
        if all(y.has_reported and y.total_high <= y.cap_barrels for y in scope):
            return "supported", [
                f"{words}: reported plus estimated stays under the cap (estimates are a floor)"
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
            f"({worst.total_low / worst.cap_barrels:.0%} of the cap)"
        ]
    if all(y.total_high <= threshold and not y.chains for y in scope):
        return "supported", [f"{words}: every year in scope stays under {threshold:,.0f} bbl"]
    return "not enough evidence", [
        f"{words}: the figures are small but the range reaches the threshold"
    ]


def _judge_substantial(stance: Stance, scope: list[YearEvidence]) -> tuple[str, list[str]]:
    words = ", ".join(f"'{t}'" for t in stance.terms)
    if stance.cap_exceeded:
        over = [y for y in scope if y.total_low > y.cap_barrels]
        if over:
            return "supported", [f"{words}: the cap was exceeded in {_years(over)}"]
        return "not enough evidence", [
            f"{words}: the store's figures stay under the cap (estimates are a floor)"
        ]
    if stance.sts:
        sts = [y for y in scope if y.sts_chains]
        if sts:
            n = sum(y.sts_chains for y in sts)
            return "supported", [
                f"{words}: {n} delivery chain(s) through ship-to-ship transfers in {_years(sts)}"
            ]
        return "not enough evidence", [
            f"{words}: no ship-to-ship chain in the store for this period"
        ]
    moved = [y for y in scope if y.chains or y.estimated_low > 0]
    if moved:
        n = sum(y.chains for y in moved)
        return "supported", [f"{words}: {n} delivery chain(s) found in {_years(moved)}"]
    return "not enough evidence", [f"{words}: no delivery chain in the store for this period"]


def _judge_quantity(
    q: dict[str, Any], scope: list[YearEvidence], sentence: str
) -> tuple[str, list[str]]:
    reported_only = bool(REPORTED_CUES.search(sentence))
    if reported_only:
        ref_low = ref_high = sum(y.reported_barrels for y in scope)
        basis = "reported deliveries"
        if not any(y.has_reported for y in scope):
            return "not enough evidence", [
                f"'{q['text']}': no reported deliveries in the store for {_years(scope)}"
            ]
    else:
        ref_low = sum(y.total_low for y in scope)
        ref_high = sum(y.total_high for y in scope)
        basis = "reported plus estimated volumes"
    claimed = float(q["barrels"])
    lo, hi = claimed * (1 - QUANTITY_TOLERANCE), claimed * (1 + QUANTITY_TOLERANCE)
    said = f"'{q['text']}' (≈{_bbl(claimed)}) against {basis} of {ref_low:,.0f}-{ref_high:,.0f} bbl"
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
