"""Names to comparable forms: script, case, punctuation, legal forms, titles and numbers.

A name becomes one `NormName` per romanisation (Hangul gives one, Han script gives a Korean
and a Mandarin reading), each holding its word tokens, its numbers and the whole name with the
spaces taken out, so "YU JONG 2", "YUJONG-2" and "유정 2호" all come to `yujong2`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from rigour.names import remove_org_types

from oiltrail.screen.translit import romanisations

# Legal forms rigour leaves in place (it keeps "co", "company", "corporation") plus vessel
# prefixes and honorifics: words that say what a party is, not which one it is.
_NOISE_WORDS = frozenset(
    """co company corp corporation inc incorporated ltd limited llc plc pte pvt private sa ag
    gmbh jsc ojsc pjsc cjsc oao zao ooo ano srl bv nv kg ab oy as llp lp the mv m v mt
    spzoo zoo mr mrs ms dr sir prof president monsieur madame shaikh sheikh""".split()  # noqa: SIM905
)
# Letter look-alikes used in evasion ("Ig0r Sech1n"), applied only inside tokens with letters.
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "9": "g"})
_APOSTROPHES_RE = re.compile(r"['’‘`´ʼ]")
_SPLIT_RE = re.compile(r"[^0-9a-z]+")
_DIGITS_RE = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class NormName:
    """One comparable form of a name."""

    original: str  # the name as listed or queried
    form: str  # the romanised form compared (differs from `original` for other scripts)
    tokens: tuple[str, ...]  # word tokens, noise words and numbers removed
    numbers: tuple[str, ...]  # digit runs, in order ("2" in "YU JONG 2")
    joined: str  # all tokens and numbers with no spaces: "yujong2"


def _fold(text: str) -> str:
    """Lower case ASCII with accents removed and apostrophes dropped ("Qa'ida" → "qaida")."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return _APOSTROPHES_RE.sub("", text.lower())


def _korean_fold(token: str) -> str:
    # Revised Romanisation writes ㅓ/ㅡ as eo/eu, McCune–Reischauer (without breves) o/u.
    return token.replace("eo", "o").replace("eu", "u")


def _tokens(form: str) -> list[str]:
    raw = [t for t in _SPLIT_RE.split(_fold(form)) if t]
    out: list[str] = []
    for token in raw:
        if not token.isdigit() and any(c.isdigit() for c in token):
            if token[-2:] in ("st", "nd", "rd", "th") and token[:-2].isdigit():
                token = token[:-2]  # "1st" → "1"
            else:
                token = token.translate(_LEET)
        out.append(token)
    return _merge_initials(out)


def _merge_initials(tokens: list[str]) -> list[str]:
    """Runs of single letters are one acronym: "a b c" → "abc" (A.B.C. Company)."""
    out: list[str] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if len(token) == 1 and token.isalpha():
            run.append(token)
            continue
        if run:
            out.append("".join(run) if len(run) > 1 else run[0])
            run = []
        if token:
            out.append(token)
    return out


def _strip_noise(tokens: list[str]) -> list[str]:
    kept = [t for t in tokens if t not in _NOISE_WORDS]
    return kept if any(not t.isdigit() for t in kept) else tokens


def _remove_legal_forms(text: str) -> str:
    """rigour's legal-form removal, unless it eats a short word such as the Korean "YU"."""
    stripped = str(remove_org_types(text))
    before, after = _SPLIT_RE.split(text), set(_SPLIT_RE.split(stripped))
    eaten = [t for t in before if t and t not in after]
    if not stripped.strip() or any(len(t) <= 2 and t not in _NOISE_WORDS for t in eaten):
        return text
    return stripped


def normalize_form(original: str, form: str) -> NormName | None:
    """Normalise one Latin form of a name; None when nothing comparable is left."""
    tokens = _strip_noise(_tokens(_remove_legal_forms(_fold(form))))
    if not tokens:
        return None
    words = tuple(_korean_fold(t) for t in tokens if not t.isdigit())
    numbers = tuple(str(int(t)) for t in tokens if t.isdigit())
    joined = "".join(_korean_fold(t) if not t.isdigit() else str(int(t)) for t in tokens)
    return NormName(original, form, words, numbers, joined)


@functools.lru_cache(maxsize=50_000)
def normalize_name(name: str) -> tuple[NormName, ...]:
    """Every comparable form of `name` (one per romanisation), duplicates removed."""
    seen: dict[tuple[tuple[str, ...], tuple[str, ...]], NormName] = {}
    for form in romanisations(name.strip()):
        norm = normalize_form(name, form)
        if norm is not None:
            seen.setdefault((norm.tokens, norm.numbers), norm)
    return tuple(seen.values())


def numbers_in(text: str) -> tuple[str, ...]:
    return tuple(str(int(d)) for d in _DIGITS_RE.findall(text))
