"""Claims against evidence (SPEC §7): supply statements in a text, set beside the store."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from oiltrail.claims.assertions import (
    DPRK,
    OIL,
    Context,
    find_period,
    find_quantities,
    find_stance,
    is_supply_sentence,
    period_years,
)
from oiltrail.claims.attribution import Speaker, SpeakerBook, attribute_sentence
from oiltrail.claims.entities import extract_entities, screen_entities
from oiltrail.claims.evidence import Evidence, gather_evidence, judge
from oiltrail.claims.gazetteer import alias_pattern, country_aliases
from oiltrail.claims.sentences import quote_spans, split_paragraphs, split_sentences
from oiltrail.claims.supplier import claim_supplier, known_parties
from oiltrail.claims.text import (
    HTML_SNIFF,
    MAX_ARTICLE_BYTES,
    article_date,
    html_to_text,
    markdown_to_text,
    read_article,
)

CLAIM_KEYS = (
    "speaker",
    "quote",
    "subject",
    "assertion",
    "quantity",
    "period",
    "verdict",
    "reasons",
)
MAX_QUOTE_CHARS = 600
# "MOSCOW, March 3, 2026 (Wire) - ": where and when, not part of any statement.
DATELINE_PREFIX = re.compile(
    r"^[A-Z][A-Z .,'/-]{1,40},\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4}\s*"
    r"(?:\([^)]{1,40}\))?\s*[-—–]+\s*"
)
SAME_PERIOD = re.compile(r"\b(?:same (?:period|year|month|months)|that year)\b", re.I)
ENGLISH = re.compile(r"\b(?:the|and|of|to|in|is|that|was|said|for|with)\b", re.I)


@dataclass(frozen=True)
class Found:
    """A supply statement before it meets the evidence."""

    claim: dict[str, Any]
    stance: Any
    quantity: dict[str, Any] | None
    years: list[int]
    sentence: str
    speaker_text: str = ""


def check_claims(text: str, store: Any, *, published: date | None = None) -> dict[str, Any]:
    """Find supply claims in `text` and judge each against the evidence in `store`.

    Args:
        text: plain text (already stripped of HTML); only the first 2,000,000 characters
            are read (`MAX_ARTICLE_BYTES`). Work is linear in the text's length: each
            paragraph is searched once, each sentence is bounded (`MAX_SENTENCE_CHARS`),
            and at most `MAX_SCREENED_ENTITIES` entities are screened.
        store: an open `oiltrail.store.Store`, or None to skip evidence and screening.
        published: the article's date for "last year"; found in the dateline when omitted.

    Returns:
        SPEC §7 JSON: {"claims": [...], "entities": [...]}.
    """
    text = text[:MAX_ARTICLE_BYTES]
    # Callers may hand us a raw page; the same cleaning as for files.
    text = html_to_text(text) if HTML_SNIFF.search(text[:2048]) else markdown_to_text(text)
    published = published or article_date(text)
    paragraphs = split_paragraphs(text)
    found, speakers, relevant = _find(paragraphs, published)
    evidence = (
        gather_evidence(store)
        if store is not None
        else Evidence(missing=("no store given: verdicts need a store",))
    )
    entities = extract_entities([paragraphs[i] for i in sorted(relevant)], speakers)
    screen_entities(store, entities)
    claims = []
    parties = known_parties(evidence)
    flagged = _flagged(entities)
    for f in found:
        supplier = claim_supplier(
            _without_speaker(f.sentence, f.claim["speaker"]), f.speaker_text, parties
        )
        verdict, reasons = judge(
            f.stance,
            f.quantity,
            f.years,
            f.sentence,
            evidence,
            supplier=supplier,
            article_year=published.year if published else None,
        )
        reasons = _entity_reasons(f.sentence, flagged) + reasons
        claims.append({**f.claim, "verdict": verdict, "reasons": reasons})
    return {"claims": claims, "entities": entities}


def _find(
    paragraphs: list[str], published: date | None
) -> tuple[list[Found], list[tuple[str, str]], set[int]]:
    book = SpeakerBook()
    found: list[Found] = []
    speakers: list[tuple[str, str]] = []
    relevant: set[int] = set()
    paragraphs = [DATELINE_PREFIX.sub("", p) for p in paragraphs]
    # Each paragraph is searched once for oil and DPRK words, never once per sentence.
    oil = [OIL.search(p) is not None for p in paragraphs]
    dprk = [DPRK.search(p) is not None for p in paragraphs]
    lead_dprk = DPRK.search(" ".join(paragraphs[:2])) is not None
    last_period: str | None = None
    for i, para in enumerate(paragraphs):
        spans = quote_spans(para)
        before = i > 0
        ctx = Context(
            oil_near=oil[i] or (before and oil[i - 1]),
            dprk_near=dprk[i] or (before and dprk[i - 1]) or lead_dprk,
        )
        if oil[i] and dprk[i]:
            relevant.add(i)
        for sentence in split_sentences(para, i):
            speaker = attribute_sentence(sentence, para, spans, book)
            supply = is_supply_sentence(sentence.text, ctx)
            if not (supply or _compliance_in_context(sentence.text, i in relevant)):
                continue
            item = _claim(sentence.text, speaker, last_period, published)
            if item is None:
                continue
            found.append(item)
            relevant.add(i)
            last_period = item.claim["period"] or last_period
            if speaker is not None and speaker.kind != "description":
                speakers.append((speaker.name, speaker.kind))
    return found, speakers, relevant


def _compliance_in_context(sentence: str, supply_paragraph: bool) -> bool:
    """ "We fully comply with the resolutions" inside a paragraph about oil to DPRK."""
    stance = find_stance(sentence) if supply_paragraph else None
    return bool(stance and stance.compliance)


def _claim(
    text: str, who: Speaker | None, last_period: str | None, published: date | None
) -> Found | None:
    speaker = who.name if who else None
    stance = find_stance(text, attributed=who is not None)
    quantities = [q for q in find_quantities(text) if not q["cap_reference"]]
    if stance is None and not quantities:
        return None
    quantity = quantities[0] if quantities else None
    period = find_period(text, published)
    if period is None and SAME_PERIOD.search(text):
        period = last_period
    if quantity is None:
        assertion = f"{stance.kind}: {'; '.join(stance.terms)}" if stance else ""
    else:
        extra = f"; {'; '.join(stance.terms)}" if stance else ""
        assertion = f"quantity: {quantity['text']}{extra}"
    claim = {
        "speaker": speaker,
        "quote": text[:MAX_QUOTE_CHARS],
        "subject": subject_of(_without_speaker(text, speaker)),
        "assertion": assertion,
        "quantity": None if quantity is None else {k: quantity[k] for k in QUANTITY_KEYS},
        "period": period,
    }
    who_text = f"{who.title} {who.name}" if who else ""
    return Found(claim, stance, quantity, period_years(period), text, who_text)


def _without_speaker(text: str, speaker: str | None) -> str:
    """The sentence minus its speaker, so "the U.S. State Department" is not a supplier."""
    if not speaker or speaker in country_aliases():
        return text
    return text.replace(speaker, " ")


QUANTITY_KEYS = (
    "text",
    "value",
    "low",
    "high",
    "unit",
    "barrels",
    "barrels_factor",
    "bound",
    "product",
)


def subject_of(sentence: str) -> str:
    """ "Russia -> North Korea: diesel": suppliers named in the sentence, and the product."""
    aliases = country_aliases()
    suppliers = []
    for m in alias_pattern("country").finditer(sentence):
        country = aliases[m.group(0)]
        if country != "North Korea" and country not in suppliers:
            suppliers.append(country)
    product = "refined petroleum"
    for m in OIL.finditer(sentence):
        word = m.group(0).lower()
        if word not in {"barrel", "barrels", "bbl", "tanker", "tankers", "oil", "fuel", "fuels"}:
            product = "refined petroleum" if word.startswith("refined") else word
            break
        if word in {"oil", "fuel", "fuels"}:
            product = word.rstrip("s")
    who = ", ".join(suppliers) or "unnamed supplier"
    return f"{who} -> North Korea: {product}"


def _flagged(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entities whose screening found a (possible) match: the only ones claims cite."""
    return [e for e in entities if e["screening"].get("status") in {"match", "possible match"}]


def _entity_reasons(sentence: str, flagged: list[dict[str, Any]]) -> list[str]:
    out = []
    low = sentence.lower()
    for e in flagged:
        if e["name"].lower() in low:
            status = e["screening"]["status"]
            hit = e["screening"]["hits"][0]
            lists = ", ".join(hit.get("lists") or []) or "a loaded list"
            out.append(
                f"{e['type']} {e['name']} named here screens as {status} "
                f"({hit.get('name')}, score {float(hit.get('score') or 0):.2f}, {lists})"
            )
    return out


def check_article(path: Path, db: Path | None) -> tuple[dict[str, Any], list[str]]:
    """Read an article file and check it against the store at `db` (if it exists).

    Returns the SPEC §7 result and notes for the user (truncation, missing store, language).
    """
    article = read_article(path)
    notes = list(article.notes)
    store = None
    if db is not None and db.exists():
        from oiltrail.store import open_store

        store = open_store(db)
    elif db is not None:
        notes.append(f"no store at {db}: claims are listed without evidence or screening")
    try:
        result = check_claims(article.text, store)
    finally:
        if store is not None:
            store.close()
    if not result["claims"]:
        notes.append(_why_empty(article.text))
    return result, notes


def _why_empty(text: str) -> str:
    sample = text[:20_000]
    words = max(1, len(re.findall(r"\w+", sample)))
    english = len(ENGLISH.findall(sample)) / words
    if english < 0.05:
        return (
            "no English supply statements were found: the text does not look like English "
            "(only English articles are analysed)"
        )
    return "no statements about oil supply to North Korea were found in this text"
