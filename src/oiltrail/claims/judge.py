"""A verdict for one claim against the public record (`oiltrail.record`), with cited reasons.

The record is evidence about real statements: declarations per supplier, published independent
estimates (with their bounds and periods), documented ship-to-ship cases. A claim is judged on
its period; a quantity is compared with figures of the same kind (a declaration with
declarations, an estimate with estimates); a claim about named ships with those ships' cases.
The store's own findings never enter a verdict here: `check` reports them apart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from oiltrail.claims.assertions import Stance
from oiltrail.claims.gazetteer import alias_pattern, country_aliases
from oiltrail.record import (
    CAP_BARRELS,
    CAP_SOURCE,
    YM,
    Declaration,
    PublicRecord,
    PublishedEstimate,
    StsCase,
    period_text,
)
from oiltrail.records import Verdict

# "Negligible", "insignificant", "minimal", "miserable level": read as at most this many
# barrels in a year (10 % of the UNSCR 2397 cap). Our reading: the words have no legal threshold;
# `oiltrail check-claims --threshold-barrels` changes it.
MINIMAL_THRESHOLD_BARRELS = 50_000
# A stated quantity agrees with a figure within this relative tolerance (the tonnes-to-barrels
# factor alone spans 7.46-8.33 bbl/t across sources).
QUANTITY_TOLERANCE = 0.20
# Above this a stated yearly quantity is implausible (DPRK's whole oil use is a few million
# barrels a year); it is still compared as stated, with a note.
IMPLAUSIBLE_BARRELS = 1e9

DECLARATION_CUES = re.compile(
    r"\b(?:declar\w*|notif\w*|reported (?:supplying|delivering|shipping|exporting|selling)|"
    r"reported to|(?:to|by|with) the (?:1718 |sanctions )?committee|committee(?:'s)? data|"
    r"declarations?|official (?:data|figures))\b",
    re.I,
)
ESTIMATE_CUES = re.compile(
    r"\b(?:estimat\w*|monitors?|panel|satellite|intelligence|imagery|assess\w*|"
    r"think tank|open source cent(?:re|er)|tracked|tracking|analys[ti]s?|illicit(?:ly)?|"
    r"smuggl\w*|ship-to-ship|received|imported|got)\b",
    re.I,
)
SUPPLIER_WORDS = {"Russia": ("russia", "moscow", "kremlin"), "China": ("china", "beijing")}


@dataclass(frozen=True)
class Period:
    start: YM
    end: YM
    basis: str  # "stated", "article date"

    @property
    def years(self) -> list[int]:
        return list(range(self.start[0], self.end[0] + 1))

    @property
    def text(self) -> str:
        return period_text(self.start, self.end)

    def clip(self, year: int) -> Period:
        start = max(self.start, (year, 1))
        end = min(self.end, (year, 12))
        return Period(start, end, self.basis)

    @property
    def whole_years(self) -> bool:
        return self.start[1] == 1 and self.end[1] == 12


def parse_period(text: str | None, basis: str = "stated") -> Period | None:
    """ "2019" / "2024-03" / "2020-01/2020-05" / "2018/2019" as a Period."""
    if not text:
        return None
    ends = text.split("/")

    def ym(part: str, first: bool) -> YM:
        if len(part) >= 7:
            return int(part[:4]), int(part[5:7])
        return int(part[:4]), 1 if first else 12

    return Period(ym(ends[0], True), ym(ends[-1], False), basis)


@dataclass(frozen=True)
class Claim:
    """What the judge needs of one claim."""

    stance: Stance | None
    quantity: dict[str, Any] | None
    sentence: str
    supplier: str | None
    vessels: tuple[str, ...] = ()
    speaker_text: str = ""


def bbl(x: float) -> str:
    return f"{x:,.0f} bbl"


def _times(value: float, threshold: float) -> str:
    if threshold <= 0:
        return f"{bbl(value)} above zero"
    return f"{value / threshold:.1f}× the {bbl(threshold)} threshold, {bbl(value - threshold)} over"


def judge_claim(
    claim: Claim,
    period: Period | None,
    record: PublicRecord,
    *,
    threshold_barrels: float = MINIMAL_THRESHOLD_BARRELS,
) -> tuple[Verdict, list[str]]:
    """(verdict, reasons) for one claim against the public record."""
    notes: list[str] = []
    if period is None:
        return _every_year(claim, record, threshold_barrels)
    if period.basis == "article date":
        notes.append(f"no period stated in the claim: judged on the article's date ({period.text})")
    covered = record.years()
    if covered and (period.end[0] < covered[0] or period.start[0] > covered[-1]):
        return Verdict.NOT_ENOUGH_EVIDENCE, [
            f"the public record has no figures for {period.text} (it covers "
            f"{covered[0]}-{covered[-1]})",
            *notes,
        ]
    verdict, reasons = _judge_period(claim, period, record, threshold_barrels)
    return verdict, reasons + notes


def _every_year(claim: Claim, record: PublicRecord, threshold: float) -> tuple[Verdict, list[str]]:
    """No period known: a verdict for each year of the record, and the overall verdict."""
    if claim.quantity is not None:
        return Verdict.NOT_ENOUGH_EVIDENCE, [
            f"'{claim.quantity['text']}' names no period and the article has no date: a "
            "quantity cannot be set against a year (give --date YYYY-MM-DD)"
        ]
    per_year: list[tuple[int, str, list[str]]] = []
    for year in record.years():
        verdict, reasons = _judge_period(
            claim, Period((year, 1), (year, 12), "record year"), record, threshold
        )
        per_year.append((year, verdict, reasons))
    by = {
        v: [y for y, vv, _ in per_year if vv == v]
        for v in (Verdict.CONTRADICTED, Verdict.SUPPORTED)
    }
    lines = [f"{y}: {v}: {_drop_year(rs[0] if rs else '', y)}" for y, v, rs in per_year]
    head = (
        "no period stated and no article date: judged against each year of the public record "
        f"({', '.join(str(y) for y, _, _ in per_year)}); a claim that names no period is read "
        "as a general statement, so one year that contradicts it contradicts it"
    )
    if by[Verdict.CONTRADICTED]:
        overall = Verdict.CONTRADICTED
        why = (
            f"overall contradicted: the record contradicts it in "
            f"{', '.join(map(str, by[Verdict.CONTRADICTED]))}"
            + (
                f", supports it in {', '.join(map(str, by[Verdict.SUPPORTED]))}"
                if by[Verdict.SUPPORTED]
                else ""
            )
        )
    elif by[Verdict.SUPPORTED] and len(by[Verdict.SUPPORTED]) == len(per_year):
        overall, why = Verdict.SUPPORTED, "overall supported: every year of the record supports it"
    elif by[Verdict.SUPPORTED]:
        overall = Verdict.SUPPORTED
        why = (
            f"overall supported: the record supports it in "
            f"{', '.join(map(str, by[Verdict.SUPPORTED]))} and contradicts it in no year"
        )
    else:
        overall, why = Verdict.NOT_ENOUGH_EVIDENCE, "overall not enough evidence in any year"
    return overall, [why, head, *lines]


def _drop_year(line: str, year: int) -> str:
    return line.removeprefix(f"{year}: ")


def _judge_period(
    claim: Claim, period: Period, record: PublicRecord, threshold: float
) -> tuple[Verdict, list[str]]:
    stance, quantity = claim.stance, claim.quantity
    if quantity is not None:
        return _quantity(claim, quantity, period, record)
    if claim.vessels:
        return _ships(claim, period, record)
    if stance is None:
        return Verdict.NOT_ENOUGH_EVIDENCE, ["the claim asserts nothing checkable"]
    if stance.kind == "minimal":
        if stance.denial:
            return _per_year(_denied, claim, period, record, 0.0)
        if stance.no_supply:
            return _per_year(_no_supply, claim, period, record, 0.0)
        minimal_words = any(
            t.lower().startswith(("negligible", "minimal", "insignificant", "miserable", "tiny"))
            for t in stance.terms
        )
        if stance.compliance and not minimal_words:
            return _per_year(_within, claim, period, record, float(CAP_BARRELS))
        return _per_year(_within, claim, period, record, threshold)
    if stance.cap_exceeded:
        return _per_year(_above, claim, period, record, float(CAP_BARRELS))
    if stance.sts:
        return _sts(claim, period, record)
    if any(t.lower() == "lifeline" for t in stance.terms):
        return _per_year(_above, claim, period, record, threshold)
    return _per_year(_above, claim, period, record, 0.0)


Check = Any  # (claim, period of one year, record, threshold) -> (verdict, reasons)


def _per_year(
    check: Check, claim: Claim, period: Period, record: PublicRecord, threshold: float
) -> tuple[Verdict, list[str]]:
    """One check per calendar year of the period; contradicted if any year contradicts."""
    results = [check(claim, period.clip(y), record, threshold) for y in period.years]
    verdicts = [v for v, _ in results]
    reasons = [r for _, rs in results for r in rs]
    if Verdict.CONTRADICTED in verdicts:
        return Verdict.CONTRADICTED, reasons
    if verdicts and all(v == Verdict.SUPPORTED for v in verdicts):
        return Verdict.SUPPORTED, reasons
    if Verdict.SUPPORTED in verdicts and len(verdicts) > 1:
        return Verdict.SUPPORTED, reasons
    return Verdict.NOT_ENOUGH_EVIDENCE, reasons


def _who(claim: Claim) -> str:
    return claim.supplier or "all suppliers"


def _declared(record: PublicRecord, year: int, supplier: str | None) -> tuple[float, str, bool]:
    fig = record.declared(year, supplier)
    whose = f"{supplier}'s own declarations" if supplier else "declarations of all suppliers"
    if not fig.any_rows:
        return (
            0.0,
            f"{whose} to the 1718 Committee: none for {year} ({record.reported_file})",
            False,
        )
    parts = "; ".join(f"{r.amount()} for {r.period}" for r in fig.rows)
    return (
        fig.barrels,
        (f"{whose} to the 1718 Committee for {year}: {bbl(fig.barrels)} ({parts}) [{fig.cite()}]"),
        True,
    )


def _estimates(claim: Claim, period: Period, record: PublicRecord) -> list[PublishedEstimate]:
    """Independent estimates for the period: about the claim's supplier, or all of them."""
    return record.estimates_for(period.start, period.end, about=claim.supplier)


def _est_line(e: PublishedEstimate) -> str:
    count = f", {e.deliveries} deliveries" if e.deliveries else ""
    return f"independent estimate by {e.by} ({e.about}, {e.period}{count}): {e.amount()} [{e.cite}]"


def _within(
    claim: Claim, period: Period, record: PublicRecord, threshold: float
) -> tuple[Verdict, list[str]]:
    """A small-supply claim ("negligible", "within the cap") for one year."""
    year = period.start[0]
    terms = claim.stance.terms if claim.stance else ()
    small = [t for t in terms if not re.search(r"compl|implement|cap|limit", t, re.I)]
    words = ", ".join(f"'{t}'" for t in (small or terms))
    limit = (
        f"the {bbl(threshold)} cap ({CAP_SOURCE})"
        if threshold == CAP_BARRELS
        else f"the threshold for {words} ({bbl(threshold)} a year, MINIMAL_THRESHOLD_BARRELS)"
    )
    declared, said, has_rows = _declared(record, year, claim.supplier)
    over: list[str] = []
    if declared > threshold:
        over.append(f"{said}: {_times(declared, threshold)}")
    ests = _estimates(claim, period, record)
    floors = [e for e in ests if e.bound != "upper" and e.barrels > threshold]
    over += [f"{_est_line(e)}: {_times(e.barrels, threshold)}" for e in floors]
    if over:
        return Verdict.CONTRADICTED, [f"{year}: exceeds {limit}: " + "; ".join(over)]
    scenario = [e for e in ests if e.bound == "upper" and e.barrels > threshold]
    context = [
        f"{_est_line(e)} (an upper-bound scenario, not a floor: it does not contradict "
        "the claim on its own)"
        for e in scenario
    ]
    if has_rows:
        return Verdict.SUPPORTED, [
            f"{year}: stays under {limit}: {said}; no independent estimate for the period "
            f"exceeds it",
            *context,
        ]
    return Verdict.NOT_ENOUGH_EVIDENCE, [
        f"{year}: {said}, and no independent estimate for {_who(claim)} in {period.text}",
        *context,
    ]


def _denied(
    claim: Claim, period: Period, record: PublicRecord, threshold: float
) -> tuple[Verdict, list[str]]:
    """A denial of illicit supply ("rejects report on fuel smuggling") for one year."""
    year = period.start[0]
    mine = [e for e in _estimates(claim, period, record) if e.bound != "upper"]
    if claim.supplier is not None and mine:
        return Verdict.CONTRADICTED, [
            f"{year}: independent estimates of {claim.supplier}'s supply beyond its "
            "declarations: " + "; ".join(_est_line(e) for e in mine)
        ]
    illicit = [
        e
        for e in record.estimates_for(period.start, period.end)
        if e.route == "sts" and e.bound != "upper"
    ]
    if illicit:
        return Verdict.NOT_ENOUGH_EVIDENCE, [
            f"{year}: illicit deliveries are documented, but the estimates do not attribute "
            f"them to {claim.supplier or 'a supplier'}: " + "; ".join(_est_line(e) for e in illicit)
        ]
    return Verdict.NOT_ENOUGH_EVIDENCE, [
        f"{year}: no independent estimate of illicit supply in the record for {period.text}"
    ]


def _no_supply(
    claim: Claim, period: Period, record: PublicRecord, threshold: float
) -> tuple[Verdict, list[str]]:
    year = period.start[0]
    declared, said, has_rows = _declared(record, year, claim.supplier)
    ests = [e for e in _estimates(claim, period, record) if e.bound != "upper"]
    if declared > 0 or ests:
        parts = ([said] if declared > 0 else []) + [_est_line(e) for e in ests]
        return Verdict.CONTRADICTED, [f"{year}: oil moved: " + "; ".join(parts)]
    if has_rows:
        return Verdict.SUPPORTED, [f"{year}: {said}; no independent estimate says otherwise"]
    return Verdict.NOT_ENOUGH_EVIDENCE, [f"{year}: {said}"]


def _above(
    claim: Claim, period: Period, record: PublicRecord, threshold: float
) -> tuple[Verdict, list[str]]:
    """A large-supply claim ("exceeded the cap", "lifeline", "bought diesel") for one year."""
    year = period.start[0]
    declared, said, _ = _declared(record, year, claim.supplier)
    ests = [e for e in _estimates(claim, period, record) if e.bound != "upper"]
    what = (
        f"above the {bbl(threshold)} cap ({CAP_SOURCE})"
        if threshold == CAP_BARRELS
        else f"above {bbl(threshold)}"
        if threshold > 0
        else "some supply"
    )
    hits = ([said] if declared > threshold else []) + [
        _est_line(e) for e in ests if e.barrels > threshold
    ]
    if hits:
        return Verdict.SUPPORTED, [f"{year}: {what}: " + "; ".join(hits)]
    return Verdict.NOT_ENOUGH_EVIDENCE, [
        f"{year}: nothing in the record shows {what} for {_who(claim)}: {said} "
        "(undeclared supply is not in the declarations)"
    ]


def _case_line(c: StsCase) -> str:
    return f"{c.vessel_a} with {c.vessel_b} on {c.date} ({c.area}) [{c.cite}]"


def _in_period(c: StsCase, period: Period) -> bool:
    ym = (int(c.date[:4]), int(c.date[5:7]))
    return period.start <= ym <= period.end


def _sts(claim: Claim, period: Period, record: PublicRecord) -> tuple[Verdict, list[str]]:
    cases = [c for c in record.sts_cases if _in_period(c, period)]
    ests = [e for e in record.estimates_for(period.start, period.end) if e.route == "sts"]
    if cases or ests:
        head = f"{len(cases)} documented ship-to-ship case(s) in {period.text}"
        return Verdict.SUPPORTED, [
            head + (": " + "; ".join(_case_line(c) for c in cases[:4]) if cases else ""),
            *(_est_line(e) for e in ests),
        ]
    dates = [c.date for c in record.sts_cases] or ["-"]
    return Verdict.NOT_ENOUGH_EVIDENCE, [
        f"no documented ship-to-ship case or estimate in the record for {period.text} "
        f"({len(record.sts_cases)} cases on file, {min(dates)} to {max(dates)})"
    ]


def _ships(claim: Claim, period: Period, record: PublicRecord) -> tuple[Verdict, list[str]]:
    """A claim about named ships: judged on those ships' documented cases only."""
    names = [v.upper() for v in claim.vessels]
    cases = record.sts_for(names)
    together = [c for c in cases if len({c.vessel_a.upper(), c.vessel_b.upper()} & set(names)) >= 2]
    pair = len(names) >= 2
    relevant = together if pair else cases
    inside = [c for c in relevant if _in_period(c, period)]
    label = " and ".join(names)
    if inside:
        return Verdict.SUPPORTED, [
            f"documented ship-to-ship case(s) of {label} in {period.text}: "
            + "; ".join(_case_line(c) for c in inside)
        ]
    others = [c for c in cases if c not in inside]
    why = (
        f"no documented case shows {label} together"
        if pair
        else f"no documented case of {label} in {period.text}"
    )
    return Verdict.NOT_ENOUGH_EVIDENCE, [
        why
        + (
            "; the record has only these cases of the ships named, which do not show this "
            "transfer: " + "; ".join(_case_line(c) for c in others[:4])
            if others
            else f" ({len(record.sts_cases)} cases on file name none of them)"
        )
    ]


def _kind(claim: Claim) -> str:
    """ "declaration" or "estimate": which figures a stated quantity is compared with."""
    text = claim.sentence
    if DECLARATION_CUES.search(text):
        return "declaration"
    if ESTIMATE_CUES.search(text):
        return "estimate"
    speaker = claim.speaker_text.lower()
    if claim.supplier and any(w in speaker for w in SUPPLIER_WORDS.get(claim.supplier, ())):
        return "declaration"
    return "estimate"


def _quantity(
    claim: Claim, q: dict[str, Any], period: Period, record: PublicRecord
) -> tuple[Verdict, list[str]]:
    claimed = float(q["barrels"])
    unit = str(q.get("unit", "barrels"))
    factor = "" if unit == "barrels" else f" at {float(q['barrels_factor']):g} bbl per {unit[:-1]}"
    said = f"'{q['text']}' (≈{bbl(claimed)}{factor}) for {period.text}"
    notes = []
    if claimed > IMPLAUSIBLE_BARRELS:
        notes.append(
            f"{bbl(claimed)} is implausible (over {bbl(IMPLAUSIBLE_BARRELS)}; North Korea's "
            "whole oil use is a few million barrels a year): compared as stated"
        )
    if _kind(claim) == "declaration":
        verdict, reasons = _vs_declarations(claim, q, claimed, said, period, record)
    else:
        verdict, reasons = _vs_estimates(claim, q, claimed, said, period, record)
    return verdict, reasons + notes


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= QUANTITY_TOLERANCE * max(a, b)


def _vs_declarations(
    claim: Claim, q: dict[str, Any], claimed: float, said: str, period: Period, record: PublicRecord
) -> tuple[Verdict, list[str]]:
    head = f"{said}, a declared figure, compared with declarations to the 1718 Committee"
    rows = [
        r
        for r in record.declarations
        if (r.start, r.end) == (period.start, period.end)
        and (claim.supplier is None or r.supplier == claim.supplier)
    ]
    candidates: list[tuple[float, str]] = [(r.barrels, _decl_line(r)) for r in rows]
    if period.whole_years:
        total = 0.0
        cites = []
        for y in period.years:
            fig = record.declared(y, claim.supplier)
            total += fig.barrels
            cites.append(fig.cite())
        if any(record.declared(y, claim.supplier).any_rows for y in period.years):
            whose = claim.supplier or "all suppliers"
            candidates.append((total, f"{whose}, {period.text}: {bbl(total)} [{'; '.join(cites)}]"))
    if not candidates:
        return Verdict.NOT_ENOUGH_EVIDENCE, [
            f"{head}: none from {_who(claim)} for exactly {period.text} in the record"
        ]
    tonnes = q.get("unit") == "tonnes"
    for r in rows:
        if tonnes and r.tonnes is not None and _close(float(q["value"]), r.tonnes):
            return Verdict.SUPPORTED, [
                f"{head}: matches {r.tonnes:,.0f} t as declared: {_decl_line(r)}"
            ]
    for value, line in candidates:
        if (
            _close(claimed, value)
            or (q["bound"] == "lower" and value >= claimed)
            or (q["bound"] == "upper" and value <= claimed)
        ):
            return Verdict.SUPPORTED, [f"{head}: agrees within {QUANTITY_TOLERANCE:.0%}: {line}"]
    value, line = max(candidates)
    more = "more" if value > claimed else "less"
    return Verdict.CONTRADICTED, [f"{head}: the declarations show {more}: {line}"]


def _decl_line(r: Declaration) -> str:
    return f"{r.supplier}, {r.period}: {r.amount()} [{r.cite}]"


def _vs_estimates(
    claim: Claim, q: dict[str, Any], claimed: float, said: str, period: Period, record: PublicRecord
) -> tuple[Verdict, list[str]]:
    head = f"{said}, an estimate, compared with published independent estimates"
    ests = _estimates(claim, period, record)
    context = [
        f"for comparison, not used for the verdict (declarations are another kind of figure): "
        f"{_declared(record, y, claim.supplier)[1]}"
        for y in period.years[:3]
    ]
    if not ests:
        return Verdict.NOT_ENOUGH_EVIDENCE, [
            f"{head}: none in the record for {_who(claim)} in {period.text}",
            *context,
        ]
    agree: list[str] = []
    disagree: list[str] = []
    low = claimed if q["bound"] != "upper" else 0.0
    high = claimed if q["bound"] != "lower" else float("inf")
    for e in ests:
        inside = period.start <= e.start and e.end <= period.end  # e's period within the claim's
        covers = e.start <= period.start and period.end <= e.end
        tol = 1 + QUANTITY_TOLERANCE
        if e.bound == "lower":
            if not inside:
                continue  # a floor for a longer period says nothing about a shorter one
            below = high * tol < e.barrels
            (disagree if below else agree).append(
                f"{_est_line(e)}: the claim is {'below' if below else 'at or above'} this floor"
            )
        elif e.bound == "upper":
            if not covers:
                continue
            above = low > e.barrels * tol
            (disagree if above else agree).append(
                f"{_est_line(e)}: the claim is {'above' if above else 'within'} this ceiling"
            )
        else:
            (agree if _close(claimed, e.barrels) else disagree).append(_est_line(e))
    if agree and not disagree:
        return Verdict.SUPPORTED, [f"{head}: consistent with " + "; ".join(agree), *context]
    if disagree and not agree:
        return Verdict.CONTRADICTED, [f"{head}: at odds with " + "; ".join(disagree), *context]
    if agree and disagree:
        return Verdict.NOT_ENOUGH_EVIDENCE, [
            f"{head}: the estimates disagree about it: consistent with "
            + "; ".join(agree)
            + "; at odds with "
            + "; ".join(disagree),
            *context,
        ]
    return Verdict.NOT_ENOUGH_EVIDENCE, [
        f"{head}: none for a comparable period (" + "; ".join(_est_line(e) for e in ests) + ")",
        *context,
    ]


def vessels_in(sentence: str, names: Sequence[str]) -> tuple[str, ...]:
    """The vessel names (from the article's entities) that this sentence mentions."""
    low = re.sub(r"[\s\-]+", " ", sentence.lower())
    return tuple(n for n in names if re.sub(r"[\s\-]+", " ", n.lower()) in low)


def claim_supplier(sentence: str, speaker_text: str, parties: set[str]) -> str | None:
    """The one supplier a claim is by or about, or None (no supplier, or several).

    The sentence decides first ("Russian oil products", "China declared"); when it names no
    country, the speaker does ("Kremlin spokesman", "Chinese foreign ministry").
    """
    sentence = COUNTERPART.sub(" ", sentence)
    for text in (sentence, speaker_text):
        named = _countries(text) or {
            country
            for country, words in SUPPLIER_WORDS.items()
            if any(re.search(rf"\b{w}\b", text, re.I) for w in words)
        }
        if named:
            # Transit and estimating countries ("through Singapore", "the U.S. said") are not
            # suppliers: the claim is about the one supplier of the record it names.
            suppliers = named & parties
            return next(iter(suppliers)) if len(suppliers) == 1 else None
    return None


# "told his Chinese counterpart": a country that is not the subject of the claim.
COUNTERPART = re.compile(r"\b(?:his|her|their|its)\s+\w+\s+counterparts?\b", re.I)


def _countries(text: str) -> set[str]:
    aliases = country_aliases()
    named = {aliases[m.group(0)] for m in alias_pattern("country").finditer(text)}
    return named - {"North Korea"}


ROUTE_CUES = re.compile(r"\bsingapore\b", re.I)
RUSSIA_CUES = re.compile(r"\b(?:russia|russian)\b", re.I)


def network_reasons(sentence: str, record: PublicRecord) -> list[str]:
    """The documented Russia -> Singapore -> DPRK payment links, for a claim that names them."""
    if not (ROUTE_CUES.search(sentence) and RUSSIA_CUES.search(sentence)):
        return []
    names = {
        e["id"]: e["properties"]["name"][0] for e in record.network if e["schema"] != "UnknownLink"
    }
    out = []
    for e in record.network:
        if e["schema"] != "UnknownLink":
            continue
        p = e["properties"]
        who, whom = names.get(p["subject"][0], "?"), names.get(p["object"][0], "?")
        out.append(
            f"the public record documents this route: {who} (Singapore) {p['role'][0]} {whom} "
            f"(Russia), {p.get('startDate', ['?'])[0]}: {p['summary'][0]} [{e['cite']}]"
        )
    return out
