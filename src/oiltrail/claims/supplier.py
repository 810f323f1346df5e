"""Claims by or about one supplier, judged on that supplier's own rows.

"Russia's deliveries were negligible" is set beside what Russia declared to the 1718 Committee
and the chains oiltrail traced from Russian loading ports, not beside all suppliers together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from oiltrail.claims.assertions import Stance
from oiltrail.claims.evidence import (
    CAP_SOURCE,
    NEGLIGIBLE_SHARE_OF_CAP,
    QUANTITY_TOLERANCE,
    REPORTED_CUES,
    Evidence,
    ais_label,
    bbl,
    factor_text,
)
from oiltrail.claims.gazetteer import alias_pattern, country_aliases
from oiltrail.claims.sources import (
    REPORTED_FILE,
    ChainRow,
    ReportedLine,
    chain_ids,
    declared_figure,
    lines_cite,
    supplier_parties,
)
from oiltrail.record import CAP_BARRELS


@dataclass(frozen=True)
class SupplierYear:
    """One supplier's year: its declared figure (None when it declared nothing) and its chains."""

    supplier: str
    year: int
    declared: float | None
    lines: tuple[ReportedLine, ...]
    chains: tuple[ChainRow, ...]
    simulated: bool

    @property
    def ais_low(self) -> float:
        return sum(c.barrels_low for c in self.chains if c.counted)

    @property
    def ais_high(self) -> float:
        return sum(c.barrels_high for c in self.chains if c.counted)

    @property
    def low(self) -> float:
        return (self.declared or 0.0) + self.ais_low

    @property
    def high(self) -> float:
        return (self.declared or 0.0) + self.ais_high

    def describe(self) -> str:
        """ "Russia 2019: declared 277,365 bbl (file line 14; url); no chain ... (AIS)"."""
        head = f"{self.supplier} {self.year}:"
        if self.declared is None:
            said = f"nothing declared to the 1718 Committee ({REPORTED_FILE} has no such row)"
        else:
            rows = "; ".join(f"{r.amount()} for {r.period}" for r in self.lines)
            said = (
                f"declared to the 1718 Committee {bbl(self.declared)} ({rows}; "
                f"{lines_cite(list(self.lines))})"
            )
        if self.chains:
            sts = sum(c.sts for c in self.chains)
            ais = (
                f"{ais_label(self.simulated)} {bbl(self.ais_low)}-{bbl(self.ais_high)} from "
                f"{len(self.chains)} chain(s) loaded at {self.supplier} ports, {sts} via "
                f"ship-to-ship ({chain_ids(list(self.chains))})"
            )
        else:
            ais = f"{ais_label(self.simulated)}: no chain loaded at a {self.supplier} port"
        return f"{head} {said}; {ais}"


def claim_supplier(sentence: str, speaker_text: str, parties: set[str]) -> str | None:
    """The one supplier a claim is by or about, or None (no supplier, or several).

    The sentence decides first ("Russian oil products", "China declared"); when it names no
    country, the speaker does ("Kremlin spokesman", "Chinese foreign ministry").
    """
    for text in (sentence, speaker_text):
        named = _countries(text)
        if named:
            suppliers = named & parties
            return next(iter(suppliers)) if len(suppliers) == 1 and len(named) == 1 else None
    return None


def _countries(text: str) -> set[str]:
    aliases = country_aliases()
    named = {aliases[m.group(0)] for m in alias_pattern("country").finditer(text)}
    return named - {"North Korea"}


def known_parties(evidence: Evidence) -> set[str]:
    return supplier_parties(list(evidence.reported))


def supplier_years(evidence: Evidence, supplier: str, years: list[int]) -> list[SupplierYear]:
    out = []
    for year in years:
        rows = [
            r for r in evidence.reported if r.declared and r.party == supplier and r.year == year
        ]
        figure, used = declared_figure(rows) if rows else (None, [])
        chains = tuple(c for c in evidence.chains if c.supplier == supplier and c.year == year)
        out.append(SupplierYear(supplier, year, figure, tuple(used), chains, evidence.simulated))
    return out


def judge_supplier(
    stance: Stance | None,
    quantity: dict[str, Any] | None,
    years: list[int],
    sentence: str,
    evidence: Evidence,
    supplier: str,
) -> tuple[str, list[str]]:
    """(verdict, reasons) for a claim by or about `supplier` over `years`."""
    scope = supplier_years(evidence, supplier, years)
    known = [s for s in scope if s.declared is not None or s.chains]
    described = [s.describe() for s in scope[:6]]
    head = f"judged on {supplier}'s own rows, not the all-supplier total"
    if not known:
        span = ", ".join(map(str, years)) or "the claim's period"
        return "not enough evidence", [
            f"{head}: {supplier} declared nothing and no chain loaded at a {supplier} port "
            f"for {span}",
            *described,
        ]
    if quantity is not None:
        verdict, reasons = _quantity(quantity, scope, evidence, sentence)
    elif stance is not None and stance.kind == "minimal":
        verdict, reasons = _minimal(stance, known, evidence)
    elif stance is not None:
        verdict, reasons = _substantial(stance, known)
    else:
        verdict, reasons = "not enough evidence", ["the claim asserts nothing checkable"]
    blank = [str(s.year) for s in scope if s not in known]
    if blank and quantity is None:
        reasons.append(
            f"{supplier} has neither a declared row nor a traced chain for {', '.join(blank)}: "
            "judged on the other year(s)"
        )
    return verdict, [f"{head}: {reasons[0]}", *reasons[1:], *described]


def _words(stance: Stance) -> str:
    return ", ".join(f"'{t}'" for t in stance.terms)


def _minimal(
    stance: Stance, scope: list[SupplierYear], evidence: Evidence
) -> tuple[str, list[str]]:
    words, who = _words(stance), scope[0].supplier
    if stance.no_supply:
        moved = [s for s in scope if s.low > 0]
        if moved:
            return "contradicted", [f"{words}, yet {who} supplied " + _list(moved, "low")]
        return "not enough evidence", [f"{words}: nothing on record, and absence is not proof"]
    if stance.compliance and not any(
        t.startswith(("negligible", "minimal", "insignificant", "miserable")) for t in stance.terms
    ):
        over = [s for s in scope if s.low > CAP_BARRELS]
        if over:
            return "contradicted", [
                f"{words}, yet {who} alone exceeded the {bbl(CAP_BARRELS)} cap "
                f"({CAP_SOURCE}): " + _list(over, "low")
            ]
        if all(s.declared is not None and s.high <= CAP_BARRELS for s in scope):
            return "supported", [
                f"{words}: {who}'s declared plus estimated stays under the {bbl(CAP_BARRELS)} "
                f"cap ({CAP_SOURCE}; the cap binds all suppliers together): " + _list(scope, "high")
            ]
        return "not enough evidence", [f"{words}: {who}'s figures neither confirm nor refute"]
    threshold = NEGLIGIBLE_SHARE_OF_CAP * CAP_BARRELS
    read = f"{words} (read as at most {bbl(threshold)}, {NEGLIGIBLE_SHARE_OF_CAP:.0%} of the cap)"
    big = [s for s in scope if s.low > threshold]
    if big:
        return "contradicted", [f"{read}, yet {who} supplied " + _list(big, "low")]
    if all(s.declared is not None and s.high <= threshold for s in scope):
        return "supported", [f"{read}: {who} stays under it: " + _list(scope, "high")]
    return "not enough evidence", [f"{read}: {who} has no declared figure for every year"]


def _substantial(stance: Stance, scope: list[SupplierYear]) -> tuple[str, list[str]]:
    words, who = _words(stance), scope[0].supplier
    if stance.cap_exceeded:
        over = [s for s in scope if s.low > CAP_BARRELS]
        if over:
            return "supported", [f"{words}: {who} alone exceeded the cap: " + _list(over, "low")]
        return "not enough evidence", [f"{words}: {who}'s figures stay under the cap"]
    sts = [c for s in scope for c in s.chains if c.sts]
    if stance.sts and sts:
        return "supported", [
            f"{words}: {len(sts)} chain(s) from {who} ports via ship-to-ship ({chain_ids(sts)})"
        ]
    if stance.sts:
        return "not enough evidence", [f"{words}: no ship-to-ship chain from a {who} port"]
    moved = [s for s in scope if s.low > 0]
    if moved:
        return "supported", [f"{words}: {who} supplied " + _list(moved, "low")]
    return "not enough evidence", [f"{words}: {who} shows no deliveries in this period"]


def _quantity(
    q: dict[str, Any], scope: list[SupplierYear], evidence: Evidence, sentence: str
) -> tuple[str, list[str]]:
    who = scope[0].supplier
    claimed = float(q["barrels"])
    said = f"'{q['text']}' (≈{bbl(claimed)}{factor_text(q)})"
    rows = [r for s in scope for r in evidence.reported if _same(r, s)]
    match = [r for r in rows if _matches(q, r)]
    if match:
        cited = "; ".join(f"{r.amount()} for {r.period} [{r.cite()}]" for r in match)
        return "supported", [f"{said} matches what {who} declared: {cited}"]
    declared = [s for s in scope if s.declared is not None]
    if not declared:
        return "not enough evidence", [f"{said}: {who} declared nothing for this period"]
    total = sum(s.declared or 0.0 for s in declared)
    against = f"{said} against {who}'s declared {bbl(total)} (" + _list(declared, "declared") + ")"
    lo, hi = claimed * (1 - QUANTITY_TOLERANCE), claimed * (1 + QUANTITY_TOLERANCE)
    if q["bound"] == "lower":
        if total >= lo:
            return "supported", [against]
        return "not enough evidence", [f"{against}: declarations are a floor for real supply"]
    if total > hi:
        return "contradicted", [f"{against}: {who} itself declared more than claimed"]
    if total >= lo or q["bound"] == "upper":
        return "supported", [against]
    if REPORTED_CUES.search(sentence):
        return "contradicted", [f"{against}: the declarations are lower"]
    return "not enough evidence", [f"{against}: declarations are a floor for real supply"]


def _same(r: ReportedLine, s: SupplierYear) -> bool:
    return r.declared and r.party == s.supplier and r.year == s.year


def _matches(q: dict[str, Any], r: ReportedLine) -> bool:
    """A stated figure equals a declared line, in the line's own unit when it has tonnes."""
    if q["unit"] == "tonnes" and r.tonnes is not None:
        stated, declared = float(q["value"]), r.tonnes
    else:
        stated, declared = float(q["barrels"]), r.barrels
    return declared > 0 and abs(stated - declared) <= 0.05 * declared


def _list(scope: list[SupplierYear], which: str) -> str:
    parts = []
    for s in scope:
        if which == "declared":
            parts.append(f"{s.year}: {bbl(s.declared or 0)} [{lines_cite(list(s.lines))}]")
            continue
        value = s.low if which == "low" else s.high
        ais = s.ais_low if which == "low" else s.ais_high
        word = "at least" if which == "low" else "at most"
        src = lines_cite(list(s.lines)) if s.lines else "nothing declared"
        chains = chain_ids(list(s.chains)) if s.chains else "no chains"
        parts.append(
            f"{s.year}: {word} {bbl(value)} = declared {bbl(s.declared or 0)} [{src}] + "
            f"{ais_label(s.simulated)} {bbl(ais)} [{chains}]"
        )
    return "; ".join(parts)
