"""What a sentence says about oil supply to DPRK: topic, stance words, quantity and period.

Every pattern is a bounded alternation or a bounded repeat, so matching stays linear.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from oiltrail.claims.text import MONTHS

# BP approximate conversion factors (shared/data/real/README.md); gas/diesel is the default
# because diesel is what the DPRK record describes.
BARRELS_PER_TONNE = {"diesel": 7.46, "gasoline": 8.35, "kerosene": 7.88, "fuel oil": 6.35}
LITRES_PER_BARREL = 158.987294928

OIL = re.compile(
    r"\b(?:petroleum|diesel|gasoil|gas oil|gasoline|petrol|kerosene|jet fuel|fuel|fuels|oil|"
    r"crude|refined products?|oil products?|barrels?|bbl|tankers?|lpg)\b",
    re.I,
)
SUPPLY = re.compile(
    r"\b(?:suppl(?:y|ies|ied|ying)|deliver(?:y|ies|ed|ing|s)?|ship(?:ped|ping|ment|ments)|"
    r"exports?|exported|imports?|imported|transfer(?:s|red|ring)?|sold|sells?|sales?|selling|"
    r"provid(?:e|es|ed|ing)|sen[dt]|sending|receiv(?:e|es|ed|ing)|flows?|flowed|flowing|"
    r"smuggl\w{0,6}|reach(?:ed|es|ing)?|lifeline|ship-to-ship|STS|cargo(?:es|s)?|volumes?|"
    r"amounts?|quantit(?:y|ies)|unload(?:ed|ing)?|load(?:ed|ing)|bought|buy(?:ing|s)?|"
    r"purchas\w{0,4}|declared|declarations?|notified|reported|load|carry(?:ing)?|carried|voyages?|"
    r"t(?:ake|ook|aking) on)\b",
    re.I,
)
DPRK = re.compile(
    r"\b(?:North Korea(?:n|ns)?|DPRK|D\.P\.R\.K\.?|Pyongyang|Nampo|Nampho|Najin|Rajin|"
    r"Chongjin|Songrim|Hungnam|Wonsan|Kim Jong Un|Democratic People's Republic of Korea)\b",
    re.I,
)
PRICE = re.compile(
    r"\b(?:prices?|futures|Brent|WTI|benchmark|per barrel|a barrel|refining margins?)\b|\$\s?\d",
    re.I,
)

MINIMAL_TERMS = (
    r"negligible",
    r"minimal",
    r"insignificant",
    r"miserable(?: level)?",
    r"tiny",
    r"trivial",
    r"meag(?:re|er)",
    r"small (?:amounts?|quantities|volumes)",
    r"zero",
    r"nothing",
    r"no (?:deliveries|shipments|supplies|fuel|oil|petroleum|diesel|transfers)",
    r"(?:not|never) (?:been )?(?:supplied|delivered|shipped|sold|exported|transferred)",
    r"fully compl(?:y|ies|ied|ying)",
    r"(?:in )?full compliance",
    r"compl(?:y|ies|ied) (?:fully |strictly )?with",
    r"strictly (?:observ\w+|compl\w+|adher\w+|implement\w*)",
    r"fully implement(?:s|ed|ing)?",
    r"(?:within|below|under) the (?:cap|limit|ceiling|quota)",
)
SUBSTANTIAL_TERMS = (
    r"lifeline",
    r"massive",
    r"large(?:-scale| volumes| amounts| quantities)",
    r"huge",
    r"significant (?:amounts?|volumes?|quantities)",
    r"far (?:more|exceed\w*|above)",
    r"exceed(?:ed|s|ing)? the (?:annual )?(?:cap|limit|ceiling|quota)",
    r"(?:above|over|in excess of|breach\w*) the (?:annual )?(?:cap|limit|ceiling|quota)",
    r"breach(?:ed|es|ing)?",
    r"violat\w{0,5}",
    r"illicit(?:ly)?",
    r"illegal(?:ly)?",
    r"smuggl\w{0,6}",
    r"ship-to-ship",
    r"STS",
    r"evad\w{0,4}|evasion",
    r"surg(?:e|ed|ing)|soar(?:ed|ing)?",
    r"steady (?:stream|flow)",
    r"went dark|going dark|turn(?:ed|ing)? off (?:their |its )?(?:AIS|transponders?)",
)
DENIAL = re.compile(
    r"\b(?:den(?:y|ies|ied)|rejects?|rejected|dismiss(?:es|ed)?|refut(?:es|ed)|groundless|"
    r"baseless|unfounded|no evidence|"
    r"fabricat\w{0,5}|slander\w{0,3})\b",
    re.I,
)
MINIMAL = re.compile(r"\b(?:" + "|".join(MINIMAL_TERMS) + r")\b", re.I)
# "STS" only in capitals: "sts" inside other words or lower case is not ship-to-ship.
SUBSTANTIAL = re.compile(
    r"\b(?:" + "|".join(t for t in SUBSTANTIAL_TERMS if t != "STS") + r")\b", re.I
)
STS_ACRONYM = re.compile(r"\bSTS\b")
STS = re.compile(r"\b(?:ship-to-ship|STS|at sea|mid-sea|transfers? between (?:vessels|ships))\b")
CAP_WORDS = re.compile(r"\b(?:caps?|limit|ceiling|quota|capped|allowed|permitted)\b", re.I)

NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
WORDNUM = r"half a|a|one|two|three|four|five|six|seven|eight|nine|ten"
QUANTITY = re.compile(
    r"(?P<qual>\b(?:more than|over|at least|up to|nearly|almost|about|around|roughly|some|"
    r"less than|under|fewer than|no more than|exceeding|in excess of|only|just)\s+)?"
    r"(?:(?P<num>" + NUM + r")(?:\s*(?:-|–|to|and)\s*(?P<num2>" + NUM + r"))?"
    r"|(?P<word>\b(?:" + WORDNUM + r")))"
    r"\s*(?P<mult>million|mln|mn|billion|bn|thousand|m|k)?"
    r"[\s-]{0,3}(?:metric\s+)?(?P<unit>barrels?|bbl|tonnes?|tons?|mt|t|litres?|liters?|"
    r"kilolitres?|kiloliters?|kl)\b",
    re.I,
)
WORD_VALUES = {"half a": 0.5, "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
WORD_VALUES |= {"six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
MULTIPLIERS = {"million": 1e6, "mln": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9}
MULTIPLIERS |= {"thousand": 1e3, "k": 1e3}
LOWER_BOUND = {"more than", "over", "at least", "exceeding", "in excess of"}
UPPER_BOUND = {"up to", "less than", "under", "fewer than", "no more than", "only", "just"}


@dataclass(frozen=True)
class Stance:
    """The claim's direction: minimal, substantial or quantity; and the words that said so."""

    kind: str
    terms: tuple[str, ...]
    sts: bool
    cap_exceeded: bool
    no_supply: bool
    compliance: bool
    denial: bool = False


OTHER_GOODS = re.compile(
    r"\b(?:coal|iron|ore|steel|seafood|textiles?|weapons?|arms|rice|fertili[sz]ers?|food|"
    r"ammunition|shells|artillery|missiles?|sand|workers)\b",
    re.I,
)
TRANSFER = re.compile(
    r"\b(?:bought|buy(?:s|ing)?|imported|imports|received|receives|receiving|supplied|supplies|"
    r"delivered|delivers|smuggled|smuggling|shipped|ships|sold|sells|transferred|loaded|"
    r"ferr(?:y|ied|ying)|t(?:ake|ook|aking) on|paid for)\b",
    re.I,
)


@dataclass(frozen=True)
class Context:
    """Where a sentence sits, as flags computed once per paragraph (not once per sentence).

    `oil_near`: oil words in the sentence's paragraph or the one before; `dprk_near`: DPRK in
    the paragraph, the one before, or the article's lead. Searching those texts again for each
    sentence made one long paragraph cost quadratic time.
    """

    oil_near: bool = False
    dprk_near: bool = False


def is_supply_sentence(sentence: str, ctx: Context) -> bool:
    """Oil and supply words nearby, DPRK nearby or in the lead, and no other goods or prices.

    Oil may come from the sentence, its paragraph or the one before (wire stories spread one
    statement over short paragraphs); DPRK may also come from the headline and lead.
    """
    if not SUPPLY.search(sentence):
        return False
    has_oil = OIL.search(sentence)
    if not (has_oil or ctx.oil_near):
        return False
    if not has_oil and OTHER_GOODS.search(sentence):
        return False  # "9,000 tons of coal" after a paragraph about oil
    in_sentence = DPRK.search(sentence) is not None
    if not (in_sentence or ctx.dprk_near):
        return False
    # Market talk (Brent at $80 a barrel) is not about supply to DPRK.
    return not (PRICE.search(sentence) and not in_sentence)


def find_stance(sentence: str, attributed: bool = False) -> Stance | None:
    """Stance words of a supply sentence; None when it asserts nothing we can check.

    An attributed sentence that says oil changed hands ("bought diesel", "received fuel")
    asserts that supply happened, even without a stance word.
    """
    minimal = [m.group(0) for m in MINIMAL.finditer(sentence)]
    substantial = [m.group(0) for m in SUBSTANTIAL.finditer(sentence)]
    substantial += [m.group(0) for m in STS_ACRONYM.finditer(sentence)]
    substantial = list(dict.fromkeys(substantial))
    denial = DENIAL.search(sentence)
    if denial and substantial:
        minimal = [f"{denial.group(0)}: {', '.join(substantial)}", *minimal]
        substantial = []
    if attributed and not minimal and not substantial:
        substantial = [m.group(0) for m in TRANSFER.finditer(sentence)][:2]
    terms = tuple(dict.fromkeys(minimal + substantial))
    if not terms:
        return None
    low = sentence.lower()
    kind = "minimal" if minimal and not substantial else "substantial"
    if minimal and substantial:
        kind = "mixed"
    return Stance(
        kind=kind,
        terms=terms,
        sts=bool(STS.search(sentence)) and kind != "minimal",
        cap_exceeded=any(("cap" in t or "limit" in t or "ceiling" in t) for t in substantial),
        no_supply=any(
            t.lower().startswith(("no ", "not ", "never ", "zero", "nothing")) for t in minimal
        ),
        compliance=kind == "minimal" and ("compl" in low or "implement" in low or "cap" in low),
        denial=bool(denial) and kind == "minimal" and any(": " in t for t in minimal),
    )


def _number(text: str) -> float:
    return float(text.replace(",", ""))


# "10^12 barrels", "1e12 barrels": powers of ten written out.
POWER = re.compile(
    r"\b(?P<base>\d+(?:\.\d+)?)\s*(?:\^|\*\*|e)\s*(?P<exp>\d{1,3})\s*(?P<unit>barrels?|bbl|tonnes?|tons?)\b",
    re.I,
)


def _power_quantities(sentence: str, product: str) -> tuple[list[dict[str, Any]], str]:
    """Quantities written as powers of ten, and the sentence with them blanked out."""
    out = []
    for m in POWER.finditer(sentence):
        base, exp = float(m.group("base")), min(int(m.group("exp")), 300)
        power = "^" in m.group(0) or "**" in m.group(0)  # 10^12; else 1e12 = 1 × 10^12
        # capped at 10^30 (beyond any oil there is, and still a finite float)
        digits = exp * math.log10(base) if power and base > 1 else exp + math.log10(max(base, 1))
        value = 1e30 if digits > 30 else (base**exp if power else base * 10.0**exp)
        factor, unit_name = _to_barrels(m.group("unit").lower(), product)
        out.append(
            {
                "text": m.group(0).strip(),
                "value": value,
                "low": value,
                "high": value,
                "unit": unit_name,
                "barrels": round(value * factor),
                "barrels_factor": factor,
                "bound": "about",
                "product": product,
                "cap_reference": False,
            }
        )
    blanked = POWER.sub(lambda m: " " * len(m.group(0)), sentence)
    return out, blanked


def find_quantities(sentence: str) -> list[dict[str, Any]]:
    """Quantities with units in a sentence, each converted to barrels; cap references flagged."""
    product = _product(sentence)
    out, sentence = _power_quantities(sentence, product)
    for m in QUANTITY.finditer(sentence):
        unit = m.group("unit").lower()
        if unit == "t" and not m.group("num"):
            continue
        if m.group("word") and not m.group("mult"):
            continue  # "a barrel", "one tonne": not a volume claim
        mult = MULTIPLIERS.get((m.group("mult") or "").lower(), 1.0)
        if m.group("num"):
            low = _number(m.group("num")) * mult
            high = _number(m.group("num2")) * mult if m.group("num2") else low
        else:
            low = high = WORD_VALUES[m.group("word").lower()] * mult
        qual = (m.group("qual") or "").strip().lower()
        factor, unit_name = _to_barrels(unit, product)
        after = sentence[m.end() : m.end() + 25]
        before = sentence[max(0, m.start() - 25) : m.start()]
        is_cap = bool(
            CAP_WORDS.search(after.split(",")[0])
            or re.search(
                r"\b(?:cap|limit|ceiling|capped at|quota) of\s*$|capped at\s*$", before, re.I
            )
        )
        out.append(
            {
                "text": m.group(0).strip(),
                "value": (low + high) / 2,
                "low": low,
                "high": high,
                "unit": unit_name,
                "barrels": round((low + high) / 2 * factor),
                "barrels_factor": factor,
                "bound": "lower"
                if qual in LOWER_BOUND
                else "upper"
                if qual in UPPER_BOUND
                else "about",
                "product": product,
                "cap_reference": is_cap,
            }
        )
    return out


def _product(sentence: str) -> str:
    low = sentence.lower()
    if "gasoline" in low or re.search(r"\bpetrol\b", low):
        return "gasoline"
    if "kerosene" in low or "jet fuel" in low:
        return "kerosene"
    if "fuel oil" in low:
        return "fuel oil"
    return "diesel"


def _to_barrels(unit: str, product: str) -> tuple[float, str]:
    if unit.startswith(("barrel", "bbl")):
        return 1.0, "barrels"
    if unit.startswith(("tonne", "ton", "mt")) or unit == "t":
        return BARRELS_PER_TONNE[product], "tonnes"
    if unit.startswith("kilo") or unit == "kl":
        return 1000 / LITRES_PER_BARREL, "kilolitres"
    return 1 / LITRES_PER_BARREL, "litres"


MONTH_NAMES = (
    r"January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"
)
YEAR = r"(?:19[89]\d|20[0-4]\d)"
PERIOD = re.compile(
    r"\b(?:(?P<m1>" + MONTH_NAMES + r")\.?\s+(?:(?P<y1>" + YEAR + r")\s+)?"
    r"(?:-|–|to|and|through|until)\s+(?P<m2>" + MONTH_NAMES + r")\.?\s+(?P<y2>" + YEAR + r")"
    r"|(?P<y3>" + YEAR + r")\s*(?:-|–|to|and|through)\s*(?P<y4>" + YEAR + r")"
    r"|first (?P<n>two|three|four|five|six|seven|eight|nine|ten|eleven|\d{1,2}) months of "
    r"(?P<y5>" + YEAR + r")"
    r"|(?P<m6>" + MONTH_NAMES + r")\.?\s+(?P<y6>" + YEAR + r")"
    r"|(?P<y7>" + YEAR + r")"
    r"|(?P<rel>last year|this year|last month|this month|past year|previous year))\b",
    re.I,
)
ASCII_DIGIT = re.compile(r"[0-9]")
COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
COUNTS |= {"nine": 9, "ten": 10, "eleven": 11}


def find_period(sentence: str, published: date | None) -> str | None:
    """The period a sentence speaks of: "2019", "2024-03", "2020-01/2020-05", or None."""
    low = sentence.lower()
    if not (ASCII_DIGIT.search(sentence) or "year" in low or "month" in low):
        return None  # every PERIOD branch needs a year's digits or "year"/"month"
    for m in PERIOD.finditer(sentence):
        g = m.groupdict()
        if g["m2"]:
            y2 = int(g["y2"])
            y1 = int(g["y1"] or y2)
            return f"{y1}-{_month(g['m1']):02d}/{y2}-{_month(g['m2']):02d}"
        if g["y3"]:
            return f"{g['y3']}/{g['y4']}"
        if g["y5"]:
            n = COUNTS.get(g["n"].lower()) or int(g["n"])
            return f"{g['y5']}-01/{g['y5']}-{min(n, 12):02d}"
        if g["m6"]:
            return f"{g['y6']}-{_month(g['m6']):02d}"
        if g["y7"]:
            return g["y7"]
        if g["rel"] and published is not None:
            return _relative(g["rel"].lower(), published)
    return None


def _month(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _relative(phrase: str, published: date) -> str:
    if phrase in {"last year", "previous year"}:
        return str(published.year - 1)
    if phrase == "this year":
        return str(published.year)
    if phrase == "past year":
        return f"{published.year - 1}-{published.month:02d}/{published.year}-{published.month:02d}"
    month = published.month - 1 if phrase == "last month" else published.month
    year = published.year
    if month == 0:
        month, year = 12, year - 1
    return f"{year}-{month:02d}"


def period_years(period: str | None) -> list[int]:
    """Calendar years a period string covers."""
    if not period:
        return []
    ends = [int(p[:4]) for p in period.split("/")]
    return list(range(ends[0], ends[-1] + 1))
