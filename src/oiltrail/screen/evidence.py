"""Whether a hit is a match, and which evidence says so (docs/screening.md).

A name score says how alike two names are; it does not say that two vessels or two people are
the same. The rules here decide `match` from the evidence of one hit:

- identifiers decide when both sides have them: an agreeing IMO number or MMSI is a match
  whatever the name; a valid IMO number that differs from the listed vessel's rules that
  vessel out, unless the list records it under more than one IMO number;
- a vessel name is enough alone only when it is the same name after normalisation, carries
  the same numbers, and is distinctive: a one-word dictionary name (FREEDOM, GLORY) or a name
  that several unrelated vessels carry needs a second piece of evidence (flag from the MMSI,
  ship type); until then the hit is a *possible match*, with what would settle it;
- a Korean personal name that differs in a syllable of the given name is another person
  (Ri Jong Ho is not RI Jong Won), in every romanisation and in Hangul;
- a company's (or any other party's) name is enough alone only when it is the same name after
  normalisation (legal forms, punctuation, joined or split words, Korean romanisations), with
  the same numbers: a query that shares a word or two with it ("YUJONG" of KOREA YUJONG
  SHIPPING CO LTD) or is spelt differently (YUJONG / YUSONG SHIPPING) is a *possible match*;
  a number on one side only ("YUJONG-2", a hull number) rules it out.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from importlib import resources

from oiltrail.screen.normalize import NormName
from oiltrail.screen.translit import hangul_syllable_mr

MATCH, POSSIBLE, NO_MATCH = "match", "possible", "no"
IMO_SCORE = 0.95  # an IMO hit alone, as logic-v2's vessel_imo_mmsi_match weight
MMSI_SCORE = 0.9  # MMSIs are reassigned and spoofed more often than IMO numbers
IMO_RULED_OUT_FACTOR = 0.5  # same name, another IMO number: shown, far below the threshold
NAME_ONLY_CAP = 0.69  # a name score that the rules say is not a match stays under 0.7
# A name carried by this many vessels (AIS samples and lists together) identifies none alone.
SHARED_NAME_VESSELS = 2
# AIS ship type codes (ITU-R M.1371) by category, and the words listed vessel types use.
_AIS_TYPE_CATEGORY = {
    **dict.fromkeys(range(80, 90), "tanker"),
    **dict.fromkeys(range(70, 80), "cargo"),
}
_LISTED_TYPE_WORDS = {"tanker": "tanker", "cargo": "cargo", "bulk": "cargo", "container": "cargo"}


@dataclass(frozen=True)
class Listed:
    """What the rules need of one listed entity."""

    schema: str
    imos: tuple[str, ...]
    mmsis: tuple[str, ...]
    flags: tuple[str, ...]
    types: tuple[str, ...]


@dataclass(frozen=True)
class Evidence:
    """What the query brings besides its name."""

    imo: str = ""
    mmsi: str = ""
    flag: str = ""  # ISO 3166 alpha-2, lower case (from the MMSI's MID when not given)
    ship_type: str = ""  # tanker | cargo | ""


@dataclass(frozen=True)
class Decision:
    status: str  # match | possible | no
    score: float
    reasons: tuple[str, ...]

    @property
    def match(self) -> bool:
        return self.status == MATCH


# --- identifiers -------------------------------------------------------------------------


@functools.cache
def mid_countries() -> dict[str, tuple[str, str]]:
    """ITU maritime identification digits → (ISO alpha-2 lower case, country name)."""
    path = resources.files("oiltrail") / "data" / "mid_countries.csv"
    with path.open(encoding="utf-8") as fh:
        return {
            r["MID"].strip(): (r["Country Code"].strip().lower(), r["Country Name"].strip())
            for r in csv.DictReader(fh)
        }


def flag_of_mmsi(mmsi: str) -> str:
    """The flag a ship's MMSI says (its first three digits), '' when none (coast stations,
    SAR aircraft and unknown MIDs)."""
    if len(mmsi) != 9 or not mmsi.isdigit() or mmsi[0] not in "234567":
        return ""
    found = mid_countries().get(mmsi[:3])
    return found[0] if found else ""


def ship_type_category(code: int | None) -> str:
    return _AIS_TYPE_CATEGORY.get(int(code), "") if code else ""


def _listed_categories(types: tuple[str, ...]) -> set[str]:
    words = {w for t in types for w in re.findall(r"[a-z]+", t.lower())}
    return {cat for word, cat in _LISTED_TYPE_WORDS.items() if word in words}


# --- distinctiveness ---------------------------------------------------------------------


@dataclass(frozen=True)
class NameCount:
    ais_vessels: int
    listed_vessels: int
    word: bool


@functools.cache
def _count_rows() -> dict[str, str]:
    """The shipped counts table (tools/build_vessel_name_counts.py; sources in
    oiltrail/data/README.md), each name's row unparsed: a query looks up a few of its 74,000
    names, so the rest are never parsed (csv.DictReader over all took 0.2 s of each screen)."""
    path = resources.files("oiltrail") / "data" / "vessel_name_counts.csv"
    header, *rows = path.read_text(encoding="utf-8").splitlines()
    if header != "name,ais_vessels,listed_vessels,word":  # the tool writes no quoted field
        raise ValueError(f"{path}: unexpected header {header!r}")
    return dict(row.split(",", 1) for row in rows)


def name_count(name: str) -> NameCount | None:
    """How many vessels carry normalised vessel name `name` (None: not in the table)."""
    row = _count_rows().get(name)
    if row is None:
        return None
    ais, listed, word = row.split(",")
    return NameCount(int(ais), int(listed), word == "1")


def commonness(form: NormName) -> str:
    """Why a vessel name cannot identify a vessel alone ('' when it can)."""
    found = name_count(form.joined)
    carried = found.ais_vessels + found.listed_vessels if found else 0
    if len(form.tokens) == 1 and not form.numbers and found is not None and found.word:
        return f"{form.original!r} is one common word"
    if carried >= SHARED_NAME_VESSELS:
        return f"{carried} vessels carry the name {form.original!r} in the AIS samples and lists"
    return ""


# --- Korean personal names ---------------------------------------------------------------

# Korean surnames as lists and the press romanise them (DPRK, South Korean and older forms).
KOREAN_SURNAMES = frozenset(
    """kim gim ri li lee yi i rhee pak park bak choe choi chae chong jong jung chung jeong kang
    gang cho jo yun yoon jang chang rim lim im han o oh so suh seo sin shin kwon gwon hwang an
    ahn song ryu yu yoo hong jon jeon chon ko go ho hyon hyun mun moon son sohn ryang yang paek
    baek ra na nam sim shim ro no noh ha sung cha ku gu u woo ju pyon tong kye thae tae kil
    chu min nho om um yom pae bae ji chi kwak gwak pang bang pyo ok kong gong maeng tak wang
    yo ryo yeo sok seok myong chin kum keum""".split()  # noqa: SIM905
)


_KEY_DIGRAPHS = (("eo", "o"), ("eu", "u"), ("oo", "u"), ("ee", "i"), ("ph", "p"), ("th", "t"),
                 ("kh", "k"), ("ch", "j"), ("sh", "s"))  # fmt: skip
_KEY_LETTERS = str.maketrans({"b": "p", "g": "k", "d": "t", "l": "r"})


@functools.cache
def korean_key(text: str) -> str:
    """One spelling for the romanisations of Korean syllables: McCune–Reischauer with or
    without aspirate marks, Revised Romanisation and common press spellings all come to the
    same key (Jong/Chong/Jeong, Un/Eun, Kwang/Gwang, Pyong/Phyong/Byeong, Ri/Li)."""
    s = text.lower()
    for a, b in _KEY_DIGRAPHS:
        s = s.replace(a, b)
    return s.translate(_KEY_LETTERS)


@functools.cache
def _syllables() -> frozenset[str]:
    """Keys of every Hangul syllable's romanisation (11,172 syllables)."""
    return frozenset(korean_key(hangul_syllable_mr(chr(c))) for c in range(0xAC00, 0xD7A4))


@functools.cache
def korean_syllable_count(text: str) -> int:
    """The fewest Korean syllables that `text` reads as (its key split into syllable keys),
    0 when it does not read as Korean."""
    syl, key = _syllables(), korean_key(text)
    n = len(key)
    best = [0] + [n + 1] * n  # fewest syllables covering key[:i]
    for i in range(1, n + 1):
        for j in range(max(0, i - 6), i):
            if best[j] <= n and key[j:i] in syl:
                best[i] = min(best[i], best[j] + 1)
    return best[n] if best[n] <= n else 0


def is_korean_run(token: str) -> bool:
    """True when `token` reads as one to three Korean syllables ("jong", "jongun")."""
    return 1 <= korean_syllable_count(token) <= 3


def korean_parts(form: NormName) -> list[tuple[str, str]]:
    """The readings of a Korean personal name as (surname key, given-name key): surname
    first, or last ("Jong Un Kim"); empty when the form does not read as one."""
    tokens = form.tokens
    if form.numbers or not 2 <= len(tokens) <= 4 or not all(is_korean_run(t) for t in tokens):
        return []
    readings = []
    if tokens[0] in KOREAN_SURNAMES:
        readings.append((_surname_key(tokens[0]), korean_key("".join(tokens[1:]))))
    if tokens[-1] in KOREAN_SURNAMES:
        readings.append((_surname_key(tokens[-1]), korean_key("".join(tokens[:-1]))))
    return readings


def _surname_key(surname: str) -> str:
    return "ri" if surname in ("ri", "li", "lee", "yi", "i", "rhee") else korean_key(surname)


def same_vessel_name(query: NormName, listed: NormName) -> bool:
    """The same name after normalisation, or the same Korean name in another romanisation
    (Thaephyongsan, from Cyrillic, is THAE PYONG SAN)."""
    if query.joined == listed.joined:
        return True
    q, r = korean_key(query.joined), korean_key(listed.joined)
    return q == r and korean_syllable_count(query.joined) > 0


def korean_name_differs(query: NormName, listed: NormName) -> str:
    """Which part of two Korean personal names differs ('' when some reading of each agrees,
    or when either does not read as a Korean name)."""
    qs, rs = korean_parts(query), korean_parts(listed)
    if not qs or not rs or any(q == r for q in qs for r in rs):
        return ""
    same_given = any(q[1] == r[1] for q in qs for r in rs)
    return "the surname differs" if same_given else "the given name differs"


# --- the decision ------------------------------------------------------------------------


def decide(
    query: Evidence,
    listed: Listed,
    name: tuple[float, NormName, NormName] | None,
    name_reason: str,
    threshold: float,
) -> Decision:
    """Status, score and reasons of one hit: the name score and what the identifiers,
    flag, ship type and the name's distinctiveness add to it."""
    imo_hit = bool(query.imo and query.imo in listed.imos)
    mmsi_hit = bool(query.mmsi and query.mmsi in listed.mmsis)
    conflict = bool(query.imo and listed.imos and not imo_hit)
    name_score = name[0] if name is not None else 0.0
    named = (name_reason,) if name is not None else ()
    if imo_hit:
        score = IMO_SCORE + (1.0 - IMO_SCORE) * name_score
        return Decision(MATCH, score, ("match: IMO number matches", *named))
    if mmsi_hit and not conflict:
        score = MMSI_SCORE + (1.0 - MMSI_SCORE) * name_score
        return Decision(MATCH, score, ("match: MMSI matches", *named))
    if conflict and len(listed.imos) == 1:
        why = f"not a match: IMO numbers differ ({query.imo} vs {listed.imos[0]}): another ship"
        return Decision(NO_MATCH, name_score * IMO_RULED_OUT_FACTOR, (why, *named))
    notes: list[str] = []
    if conflict:
        notes.append(f"IMO {query.imo} is not among the {len(listed.imos)} IMO numbers listed")
    if mmsi_hit:
        notes.append("MMSI matches, but the IMO number does not")
    if name is None or name_score < threshold:
        return Decision(NO_MATCH, name_score, (*named, *notes))
    _, q, r = name
    capped = min(name_score, NAME_ONLY_CAP)
    differs = korean_name_differs(q, r) if listed.schema == "Person" else ""
    if differs:
        why = (
            f"not a match: {differs} ({' '.join(q.tokens).upper()} vs {' '.join(r.tokens).upper()})"
        )
        return Decision(NO_MATCH, capped, (why, *named, *notes))
    if listed.schema == "Person" and korean_parts(r) and not korean_parts(q):
        why = (
            "possible match: a Korean name is listed and the query does not read as one "
            "(surname and given-name syllables); would settle it: a date of birth or passport"
        )
        return Decision(POSSIBLE, name_score, (why, *named, *notes))
    if listed.schema == "Person":
        return Decision(
            MATCH, name_score, ("match: the name (nothing else to compare)", *named, *notes)
        )
    if listed.schema != "Vessel":
        return _party_by_name(name_score, q, r, (*named, *notes))
    return _vessel_by_name(query, listed, name_score, q, r, (*named, *notes))


def same_party_name(query: NormName, listed: NormName) -> bool:
    """The same name after normalisation: the same words joined or split alike, or word by
    word the same Korean word in another romanisation (RYONBONG / RYONPONG)."""
    if query.numbers != listed.numbers:
        return False
    if same_vessel_name(query, listed):
        return True
    pairs = zip(query.tokens, listed.tokens, strict=False)
    return len(query.tokens) == len(listed.tokens) and all(
        a == b or (korean_key(a) == korean_key(b) and is_korean_run(a)) for a, b in pairs
    )


def _words(tokens: tuple[str, ...]) -> str:
    return ", ".join(t.upper() for t in tokens)


def _party_by_name(score: float, q: NormName, r: NormName, reasons: tuple[str, ...]) -> Decision:
    """A listed company, organisation or other party by its name alone: a match only when
    it is the same name; a name that shares words with it is a lead to settle."""
    if q.numbers != r.numbers:
        numbers = f"{' '.join(q.numbers) or 'none'} vs {' '.join(r.numbers) or 'none'}"
        why = f"not a match: the numbers differ ({numbers})"
        return Decision(NO_MATCH, min(score, NAME_ONLY_CAP), (why, *reasons))
    if same_party_name(q, r):
        return Decision(MATCH, score, ("match: the same name (nothing else to compare)", *reasons))
    lacks = tuple(t for t in r.tokens if t not in q.tokens)  # listed words the query lacks
    extra = tuple(t for t in q.tokens if t not in r.tokens)  # query words not listed
    if lacks and not extra:
        how = f"the query gives only part of the listed name (not {_words(lacks)})"
    elif extra and not lacks:
        how = f"the query has words the listed name lacks ({_words(extra)})"
    else:
        how = f"the names differ ({_words(extra) or '-'} vs {_words(lacks) or '-'})"
    settle = "would settle it: the IMO company number, or an address or registration number"
    return Decision(POSSIBLE, score, (f"possible match: {how}; {settle}", *reasons))


def _vessel_by_name(
    query: Evidence,
    listed: Listed,
    score: float,
    q: NormName,
    r: NormName,
    reasons: tuple[str, ...],
) -> Decision:
    settle = "would settle it: an IMO number or MMSI"
    if q.numbers != r.numbers:
        why = "not a match: the vessel numbers differ"
        return Decision(NO_MATCH, min(score, NAME_ONLY_CAP), (why, *reasons))
    if not same_vessel_name(q, r):
        why = f"possible match: the name is spelt differently; {settle}"
        return Decision(POSSIBLE, score, (why, *reasons))
    common = commonness(r)
    if not common:
        return Decision(MATCH, score, ("match: the same distinctive name", *reasons))
    support = _corroboration(query, listed)
    if support:
        return Decision(MATCH, score, (f"match: name and {support} ({common})", *reasons))
    flags = "/".join(f.upper() for f in listed.flags)
    also = f", or the flag ({flags} listed)" if flags else ""
    if query.flag and flags:
        also += f"; the MMSI says flag {query.flag.upper()}"
    why = f"possible match: {common}; {settle}{also}"
    return Decision(POSSIBLE, score, (why, *reasons))


def _corroboration(query: Evidence, listed: Listed) -> str:
    """The second piece of evidence a common vessel name has, '' when none."""
    if query.flag and query.flag in listed.flags:
        return f"flag {query.flag.upper()}"
    if query.ship_type and query.ship_type in _listed_categories(listed.types):
        return f"ship type {query.ship_type}"
    return ""
