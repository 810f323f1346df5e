"""Read Korean names written in Cyrillic back into the McCune–Reischauer list style.

Russian writes Korean names by the Kontsevich system (Ким Чонын, Чхве Рёнхэ, Пхёнъян) or by
older press habit (Ким Чен Ын, Ким Ир Сен, Пхеньян, Пак Пон Чжу). UN and OFAC lists write the
same names in McCune–Reischauer without breves, DPRK style ("Kim Jong Un", "Choe Ryong Hae").
No maintained package reads Cyrillic back into Korean: koconv, ruhangul and hangeul.js go
Hangul → Kontsevich only, iuliia and cyrtranslit know Russian schemes only. So the table is
written here from the Kontsevich system's consonant, vowel and final tables.

A name is read this way only when every Cyrillic word splits into Kontsevich syllables,
(initial) vowel (final) with finals limited to к т п м н нъ нь нг ль р, and the name has the
shape of a Korean one (`_looks_korean`). Most Russian names fail (Игорь, Сергей, Газпром,
Роснефть, Петров, Антон Сечин); of 1,139 Russian country, language and city names from CLDR
(via ICU) 61 pass, and one of those ("гань") gains a match on the bundled DPRK list.

Two letters are ambiguous and each gives two readings, so a name yields a few forms:
- ч is ㅈ (j) in Kontsevich but the press also writes it for ㅊ (ch): Чон Ма Сан = 천마산
  (not when the name writes чх elsewhere: then its writer marks ㅊ, Пак Чон Чхон = 박정천);
- a final н is ㄴ (n) or ㅇ (ng): Чон (정 jong) against Сан (산 san); нъ and нг are always ng.
Press spellings "Чен", "Сен", "Ен", "Хек" stand for 정, 성, 영, 혁 (jong, song, yong, hyok):
е before a final consonant is read as ㅓ/ㅕ (o/yo), elsewhere as ㅔ (e).
"""

from __future__ import annotations

import functools
import itertools
import re

MAX_KOREAN_FORMS = 8  # readings kept per name: Ким Чен Ын has 4, Чон Ма Сан 8
MAX_SYLLABLES_PER_WORD = 4  # "Чхонмасан", "Тхэпхёнсан": Kontsevich joins a name's syllables

_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
_WORD_RE = re.compile(r"[а-яё]+|[^а-яё]+")
# Kontsevich units, longest first; "нг" is one final only before a non-vowel ("Понг Джу"),
# before a vowel it is н + г ("Сонги").
_UNIT_RE = re.compile(
    r"нг(?![аеёиоуыэюяв])|кк|кх|тт|тх|пп|пх|сс|чч|чх|чж|дж|нъ|нь|ль|ый|в[аэеои]|[а-яё]"
)
_VOWELS = {
    "а": "a", "я": "ya", "о": "o", "ё": "yo", "у": "u", "ю": "yu", "ы": "u", "и": "i",
    "э": "ae", "е": "e", "ый": "ui", "ва": "wa", "вэ": "oe", "ве": "oe", "во": "wo", "ви": "wi",
}  # fmt: skip
# Syllable initials in McCune–Reischauer, DPRK list style (ㅋ ㅌ ㅍ → kh th ph as the Hangul
# reading does); Kontsevich writes ㄱ ㄷ ㅂ ㅈ voiced between vowels (г д б дж), and so does
# McCune–Reischauer ("RI MAN GON", "MA DU SAN"). Russian л for an initial ㄹ is "r" (Ли → Ri).
_INITIALS: dict[str, tuple[str, ...]] = {
    "к": ("k",), "кк": ("kk",), "кх": ("kh",), "г": ("g",), "н": ("n",), "т": ("t",),
    "тт": ("tt",), "тх": ("th",), "д": ("d",), "р": ("r",), "л": ("r",), "м": ("m",),
    "п": ("p",), "пп": ("pp",), "пх": ("ph",), "б": ("b",), "с": ("s",), "сс": ("ss",),
    "ч": ("j", "ch"), "чч": ("jj",), "чх": ("ch",), "чж": ("j",), "дж": ("j",), "х": ("h",),
}  # fmt: skip
_FINALS: dict[str, tuple[str, ...]] = {
    "к": ("k",), "т": ("t",), "п": ("p",), "м": ("m",), "л": ("l",), "ль": ("l",),
    "р": ("l",), "н": ("n", "ng"), "нь": ("n", "ng"), "нъ": ("ng",), "нг": ("ng",),
}  # fmt: skip
_VOWEL_RE = re.compile(r"ый|в[аэеои]|[аяоёуюыиэе]")
# Letter combinations frequent in Kontsevich Korean and rare in Russian words.
_MARKER_RE = re.compile(r"чх|кх|тх|пх|чж|дж|нъ|ё|э|ы|хв|[^аеёиоуыэюя]в[еэ]")
_PALATALS = frozenset({"ч", "чч", "чх", "чж", "дж"})  # ㅈ ㅊ ㅉ: ё ю я lose their y
_NASAL_FINALS = frozenset({"н", "нь", "нъ", "нг"})


def has_cyrillic(text: str) -> bool:
    return _CYRILLIC_RE.search(text) is not None


def _vowel(unit: str, prev: str | None, next_is_final: bool) -> str:
    if unit == "е":
        # Press "Чен", "Сен", "Ен", "Хек" = 정 성 영 혁 (ㅓ after ㅅ: 성 "song", not "syong");
        # ㅔ in a closed syllable is rare in names.
        out = "yo" if next_is_final else ("ye" if prev is None or prev in _VOWELS else "e")
    else:
        out = _VOWELS[unit]
    if (prev in _PALATALS or (unit == "е" and prev in ("с", "сс"))) and out.startswith("y"):
        out = out[1:]
    return out


def _closes(units: list[str], i: int) -> bool:
    """Whether the unit at `i` is a final consonant (closing the syllable before it)."""
    if i >= len(units) or units[i] in _VOWELS or units[i] not in _FINALS:
        return False
    final_only = units[i] not in _INITIALS
    return final_only or i + 1 >= len(units) or units[i + 1] not in _VOWELS


def _l_ok(units: list[str], i: int) -> bool:
    """Kontsevich writes ㄹ as р between vowels and ль as a final; a bare л is only the
    press's word-initial Ли/Лим (리, 림) or one of a doubled лл (ㄹㄹ, Чхоллён)."""
    return i == 0 or "л" in (units[i - 1], units[i + 1] if i + 1 < len(units) else "")


def _looks_korean(words: list[str], has_number: bool) -> bool:
    """Korean names in Russian are short: press splits them into one-syllable words ("Ким
    Чен Ын"), Kontsevich joins given names ("Ким Чонын") and vessel names ("Намсан 8").
    A name with no one-syllable word, no number and no Korean letter combination (чх, ё,
    ы, ...) is more likely Russian ("Антон Сечин"), and so is a long word without one."""
    syllables = [len(_VOWEL_RE.findall(w)) for w in words]
    marked = [_MARKER_RE.search(w) is not None for w in words]
    if any(n >= 3 and not m for n, m in zip(syllables, marked, strict=True)):
        return False
    return 1 in syllables or any(marked) or has_number


def _word_choices(word: str, aspirates_marked: bool) -> list[tuple[str, ...]] | None:
    """Each unit's possible readings, or None when `word` is not Kontsevich syllables.
    A name that writes ㅊ as чх somewhere writes a plain ч only for ㅈ (`aspirates_marked`)."""
    units = _UNIT_RE.findall(word)
    is_vowel = [u in _VOWELS for u in units]
    if not any(is_vowel) or sum(is_vowel) > MAX_SYLLABLES_PER_WORD:
        return None
    choices: list[tuple[str, ...]] = []
    for i, unit in enumerate(units):
        prev = units[i - 1] if i else None
        next_vowel = i + 1 < len(units) and is_vowel[i + 1]
        if is_vowel[i]:
            choices.append((_vowel(unit, prev, _closes(units, i + 1)),))
            continue
        final_only = unit in _FINALS and unit not in _INITIALS
        if next_vowel and not final_only:
            reading = ("j",) if unit == "ч" and aspirates_marked else _INITIALS.get(unit)
        elif prev is not None and prev in _VOWELS:
            reading = _FINALS.get(unit)
        else:
            reading = None
        if reading is None or (unit == "л" and not _l_ok(units, i)):
            return None
        if unit in _NASAL_FINALS and prev == "ы":
            reading = reading[:1]  # ㅡ + ㅇ is rare: Ын is 은 (un)
        choices.append(reading)
    return choices


@functools.lru_cache(maxsize=10_000)
def cyrillic_korean_forms(text: str) -> tuple[str, ...]:
    """McCune–Reischauer readings of a Korean name written in Cyrillic, most likely first;
    () when some Cyrillic word of `text` is not Kontsevich syllables.

    >>> cyrillic_korean_forms("Ким Чен Ын")[:2]
    ('Kim Jon Un', 'Kim Jong Un')
    """
    parts: list[list[tuple[str, ...]] | str] = []
    for chunk in _WORD_RE.findall(text.lower()):
        if not chunk[0].isalpha() or not has_cyrillic(chunk):
            if any(c.isalpha() for c in chunk):
                return ()  # Latin or other letters mixed in: not a Kontsevich name
            parts.append("".join(c if c.isascii() else " " for c in chunk))  # «», –, №
            continue
        word = _word_choices(chunk, "чх" in text.lower())
        if word is None:
            return ()
        parts.append(word)
    words = [w for w in _WORD_RE.findall(text.lower()) if has_cyrillic(w)]
    if not _looks_korean(words, any(c.isdigit() for c in text)):
        return ()
    slots = [c for p in parts if not isinstance(p, str) for c in p]
    if not slots:
        return ()
    forms = []
    for picked in itertools.islice(itertools.product(*slots), MAX_KOREAN_FORMS):
        it = iter(picked)
        text_out = "".join(p if isinstance(p, str) else "".join(next(it) for _ in p) for p in parts)
        forms.append(" ".join(w.capitalize() for w in text_out.split()))
    return tuple(dict.fromkeys(forms))
