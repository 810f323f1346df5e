"""Split clean text into paragraphs and sentences, and find quoted spans (all linear scans)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words whose trailing period does not end a sentence.
ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "gen",
        "lt",
        "col",
        "sgt",
        "capt",
        "st",
        "no",
        "nos",
        "co",
        "corp",
        "inc",
        "ltd",
        "jr",
        "sr",
        "vs",
        "pte",
        "gov",
        "sen",
        "rep",
        "dept",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.n",
        "u.k",
        "e.g",
        "i.e",
        "approx",
        "est",
        "fig",
        "a.m",
        "p.m",
    ]
)
QUOTE_MARK = re.compile(r'[“”"]')
BOUNDARY = re.compile(r"[.!?]+[\"”’')\]]*\s+")
# Longest sentence we analyse; a longer run without a full stop is cut (bounded work).
MAX_SENTENCE_CHARS = 1500


@dataclass(frozen=True)
class Sentence:
    """One sentence: its text, its paragraph index and its offsets inside that paragraph."""

    text: str
    paragraph: int
    start: int
    end: int


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs: blank-line separated; a text with no blank line has one per line."""
    blank = re.compile(r"\n[ \t]*\n")
    chunks = blank.split(text) if blank.search(text) else text.split("\n")
    return [re.sub(r"\s+", " ", c).strip() for c in chunks if c.strip()]


def _ends_sentence(para: str, dot_at: int) -> bool:
    """True when the period at `dot_at` closes a sentence (not an abbreviation or initial)."""
    head = para[max(0, dot_at - 12) : dot_at]
    word = head.rsplit(" ", 1)[-1].lstrip("(\"“'‘").lower()
    if para[dot_at] != ".":
        return True
    if word in ABBREVIATIONS:
        return False
    return not (len(word) == 1 and word.isalpha())


def split_sentences(para: str, index: int = 0) -> list[Sentence]:
    """Sentences of one paragraph with their offsets."""
    out: list[Sentence] = []
    start = 0
    for m in BOUNDARY.finditer(para):
        nxt = para[m.end() : m.end() + 2]
        if not nxt or not (nxt[0].isupper() or nxt[0].isdigit() or nxt[0] in "\"“‘'("):
            continue
        if not _ends_sentence(para, m.start()):
            continue
        _add(out, para, index, start, m.end())
        start = m.end()
    _add(out, para, index, start, len(para))
    return out


def _add(out: list[Sentence], para: str, index: int, start: int, end: int) -> None:
    while start < end:
        stop = min(end, start + MAX_SENTENCE_CHARS)
        text = para[start:stop].strip()
        if text:
            out.append(Sentence(text=text, paragraph=index, start=start, end=stop))
        start = stop


def quote_spans(para: str) -> list[tuple[int, int]]:
    """(start, end) of quoted passages; an unclosed quote runs to the paragraph's end."""
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    for m in QUOTE_MARK.finditer(para):  # only the quote marks, not every character
        i, ch = m.start(), m.group(0)
        if ch == "“" or (ch == '"' and open_at is None):
            if open_at is None:
                open_at = i
        elif ch in '”"' and open_at is not None:
            spans.append((open_at, i + 1))
            open_at = None
    if open_at is not None:
        spans.append((open_at, len(para)))
    return [s for s in spans if s[1] - s[0] > 2]


def quoted_share(sentence: Sentence, spans: list[tuple[int, int]]) -> float:
    """Share of the sentence's characters inside a quoted passage."""
    length = max(1, sentence.end - sentence.start)
    inside = 0
    for a, b in spans:
        inside += max(0, min(b, sentence.end) - max(a, sentence.start))
    return inside / length
