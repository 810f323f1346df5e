"""Claims against evidence (docs/claims.md): supply statements in a text, set beside the store."""

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
)
from oiltrail.claims.attribution import (
    VERB,
    Speaker,
    SpeakerBook,
    attribute_sentence,
    speaker_from_chunk,
)
from oiltrail.claims.entities import extract_entities, screen_entities
from oiltrail.claims.findings import StoreFindings
from oiltrail.claims.gazetteer import alias_pattern, country_aliases
from oiltrail.claims.judge import (
    MINIMAL_THRESHOLD_BARRELS,
    Claim,
    Period,
    claim_supplier,
    judge_claim,
    network_reasons,
    parse_period,
    vessels_in,
)
from oiltrail.claims.sentences import Sentence, quote_spans, split_paragraphs, split_sentences
from oiltrail.claims.text import (
    HTML_SNIFF,
    MAX_ARTICLE_BYTES,
    MONTHS,
    article_dates,
    html_to_text,
    markdown_to_text,
    read_article,
)
from oiltrail.record import PublicRecord, bundled_record
from oiltrail.records import Claim as ClaimRecord
from oiltrail.records import Verdict

CLAIM_KEYS = ClaimRecord.COLUMNS  # a claim's output keys (their home: oiltrail.records)
CLAIM_ROW_COLUMNS = CLAIM_KEYS  # `check-claims --format table|csv`: one row per claim
MAX_QUOTE_CHARS = 600
# "MOSCOW, March 3, 2026 (Wire) - ": where and when, not part of any statement.
DATELINE_PREFIX = re.compile(
    r"^[A-Z][A-Z .,'/-]{1,40},\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4}\s*"
    r"(?:\([^)]{1,40}\))?\s*[-—–]+\s*"
)
SAME_PERIOD = re.compile(r"\b(?:same (?:period|year|month|months)|that year)\b", re.I)
ENGLISH = re.compile(r"\b(?:the|and|of|to|in|is|that|was|said|for|with)\b", re.I)
# Dates about the speaker or the speaking, not about the claim: "since he defected in October
# 2014", "who fled in 2016", "said in May", "told reporters on March 3, 2026".
INCIDENTAL = re.compile(
    r"\b(?:(?:since|after|before|when|until)\s+(?:he|she|they|the \w+|\w+)\s+"
    r"(?:defected|fled|escaped|left|retired|resigned|joined|arrived|was (?:appointed|elected|born))"
    r"|(?:who|which)\s+(?:has |had )?(?:defected|fled|escaped|left|retired|resigned|joined)"
    r"|(?:defected|fled|escaped)"
    r"|(?:said|says|told \w+|stated|added|wrote|testified|noted|announced)(?=\s+(?:in|on|last)\s))"
    r"[^,.;]{0,60}",
    re.I,
)
# "should the US cut off ...", "if the US cuts ...": a hypothetical, not a supply statement.
HYPOTHETICAL = re.compile(
    r"\b(?:should|if|were|unless|in case)\s+(?:the\s+)?[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2}\s+"
    r"(?:to\s+)?(?:cut|cuts|halt|halts|stop|stops|block|blocks|end|ends|impose|imposes)\b[^,.;]{0,80}"
)
# Where someone lives, what another country is pressing for: not who supplies the oil.
ASIDE = re.compile(
    r"\b(?:(?:lives?|lived|living|based|resides?|resided|in exile) in (?:the )?[A-Z][\w.]*"
    r"(?:\s+[A-Z][\w.]*)?|,?\s+(?:as|even as|while)\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?\s+"
    r"(?:pressed|urged|pushed|called on|asked)\b[^.;]{0,120})"
)


def _aside(text: str) -> str:
    """The sentence without hypotheticals and asides that name countries as non-suppliers."""
    return ASIDE.sub(" ", HYPOTHETICAL.sub(" ", text))


# Whom the speaker relays: "adding that President Putin has repeatedly stated that ...".
RELAY = re.compile(
    r"\b(?:adding|noting|recalling|saying|stressing|said|added|noted|stressed|recalled)"
    r"(?:\s+on\s+\w+|\s+(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))?"
    r"\s+that\s+(?P<who>(?:[A-Z][\w.'’\-]*\s+){1,5}?)(?:has\s+|had\s+|have\s+)?"
    r"(?:\w+ly\s+)?(?:said|stated|told|insisted|declared|stressed|noted|assured|promised|"
    r"repeated|confirmed)\b"
)


@dataclass(frozen=True)
class Found:
    """A supply statement before it meets the evidence."""

    claim: dict[str, Any]
    stance: Any
    quantity: dict[str, Any] | None
    period: Period | None
    sentence: str
    speaker_text: str = ""


def claim_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """One flat row per claim (reasons joined by " | "), for tables and CSV."""
    return [
        {**c, "reasons": " | ".join(str(r) for r in c.get("reasons") or [])}
        for c in result.get("claims") or []
    ]


def check_claims(text: str, store: Any, **options: Any) -> dict[str, Any]:
    """The check-claims JSON for `text` (see `check_claims_noted`; its notes are dropped)."""
    return check_claims_noted(text, store, **options)[0]


def check_claims_noted(
    text: str,
    store: Any,
    *,
    published: date | None = None,
    record: PublicRecord | None = None,
    screening_store: Any = None,
    threshold_barrels: float = MINIMAL_THRESHOLD_BARRELS,
    today: date | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """Find supply claims in `text` and judge each against the public record.

    Args:
        text: plain text (already stripped of HTML); only the first 2,000,000 characters
            are read (`MAX_ARTICLE_BYTES`). Work is linear in the text's length.
        store: an open `oiltrail.store.Store` or None. Its findings (chains, events) are
            reported apart from the verdict, labelled SIMULATED when the store is.
        published: the article's date (`--date`); else the dateline or date line.
        record: the public record (default: the bundled one, `oiltrail.record`).
        screening_store: where the lists for screening are (default: `store`); None and no
            store: entities are listed but not screened.
        threshold_barrels: most barrels a year that "negligible" and its kin allow.
        today: for "a date in the future" (default: the clock).

    Returns:
        The check-claims JSON ({"claims": [...], "entities": [...]}) and notes for the user.
    """
    text = text[:MAX_ARTICLE_BYTES]
    # Callers may hand us a raw page; the same cleaning as for files.
    text = html_to_text(text) if HTML_SNIFF.search(text[:2048]) else markdown_to_text(text)
    record = record or bundled_record()
    notes: list[str] = []
    published = _article_date(text, published, today or date.today(), notes)
    paragraphs = split_paragraphs(text)
    found, speakers, relevant = _find(paragraphs, published)
    entities = extract_entities([paragraphs[i] for i in sorted(relevant)], speakers)
    screen_entities(screening_store if screening_store is not None else store, entities)
    _record_entities(entities, record)
    vessels = [e["name"] for e in entities if e["type"] == "vessel"]
    parties = set(record.suppliers())
    flagged = _flagged(entities)
    findings = StoreFindings.read(store)
    now = today or date.today()
    claims = []
    for f in found:
        sentence = _aside(_without_speaker(f.sentence, f.claim["speaker"]))
        supplier = claim_supplier(sentence, f.speaker_text, parties)
        period = f.period
        if period is None and published is not None:
            period = Period((published.year, 1), (published.year, 12), "article date")
        claim = Claim(
            stance=f.stance,
            quantity=f.quantity,
            sentence=f.sentence,
            supplier=supplier,
            vessels=vessels_in(f.sentence, vessels),
            speaker_text=f.speaker_text,
        )
        if period is not None and period.start > (now.year, now.month):
            verdict = Verdict.NOT_ENOUGH_EVIDENCE
            reasons = [
                f"the claim's period {period.text} is in the future: a forecast is not judged"
            ]
        else:
            verdict, reasons = judge_claim(
                claim, period, record, threshold_barrels=threshold_barrels
            )
        reasons = _entity_reasons(f.sentence, flagged) + reasons
        reasons += network_reasons(f.sentence, record)
        item = {**f.claim, "verdict": verdict, "reasons": reasons}
        if supplier is not None and item["subject"].startswith(UNNAMED + " "):
            # the sentence names no supplier but its speaker does ("a Russian official said"):
            # the subject shows the supplier the verdict was judged for
            item["subject"] = supplier + item["subject"][len(UNNAMED) :]
        item["relayed_from"] = item.pop("relayed_from")  # the key order of docs/exports.md
        if findings.present:  # the store's own findings, apart from the verdict
            item["store_findings"] = findings.about(claim, period)
        claims.append(item)
    return {"claims": claims, "entities": entities}, notes


def _record_entities(entities: list[dict[str, Any]], record: PublicRecord) -> None:
    """Companies the lists lack but the public record names (e.g. Independent Petroleum
    Company, Russia): said in the entity's screening, with the source."""
    from oiltrail.network import record_entity

    for e in entities:
        if e["type"] not in {"company", "organization"}:
            continue
        found = record_entity(record, e["name"])
        if found is not None:
            note = str(found["properties"].get("notes", [""])[0])
            e["screening"]["record"] = f"in the public record: {note} [{found['cite']}]"


def _article_date(text: str, given: date | None, today: date, notes: list[str]) -> date | None:
    """--date, else the dateline or date line; contradictions and future dates noted."""
    found = article_dates(text)
    if given is not None:
        other = [d for d in found if d != given]
        if other:
            notes.append(
                f"--date {given.isoformat()} differs from the date in the text "
                f"({other[0].isoformat()}): claims are judged on --date"
            )
        chosen: date | None = given
    else:
        chosen = found[0] if found else None
        if len(set(found)) > 1:
            notes.append(
                "the text gives different dates ("
                + ", ".join(d.isoformat() for d in dict.fromkeys(found))
                + f"): claims without a period are judged on the first, {found[0].isoformat()}"
                " (give --date to choose)"
            )
    if chosen is not None and chosen > today:
        notes.append(
            f"the article's date {chosen.isoformat()} is in the future: ignored, so claims "
            "without a period are judged against each year of the record"
        )
        return None
    return chosen


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
        for whole in split_sentences(para, i):
            for sentence in _clauses(whole):
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


# ", while the U.S. estimated ...": a second statement in the same sentence.
CLAUSE_BREAK = re.compile(r",\s+while\s+|;\s+")


def _clauses(sentence: Sentence) -> list[Sentence]:
    """A sentence split where a second statement with its own figure starts."""
    parts: list[Sentence] = []
    start = 0
    text = sentence.text
    for m in CLAUSE_BREAK.finditer(text):
        head, tail = text[start : m.start()], text[m.end() :]
        if find_quantities(head) and find_quantities(tail) and VERB.search(tail):
            parts.append(_sub(sentence, start, m.start()))
            start = m.end()
    if not parts:
        return [sentence]
    return [*parts, _sub(sentence, start, len(text))]


def _sub(sentence: Sentence, a: int, b: int) -> Sentence:
    text = sentence.text[a:b].strip(" ,;")
    return Sentence(
        text=text[:1].upper() + text[1:] if text[:1].islower() and a > 0 else text,
        paragraph=sentence.paragraph,
        start=sentence.start + a,
        end=sentence.start + b,
    )


def _compliance_in_context(sentence: str, supply_paragraph: bool) -> bool:
    """ "We fully comply with the resolutions" inside a paragraph about oil to DPRK."""
    stance = find_stance(sentence) if supply_paragraph else None
    return bool(stance and stance.compliance)


def claim_period(text: str, published: date | None) -> str | None:
    """The period a claim speaks of, from phrases about the claim only.

    Dates about the speaker ("since he defected in October 2014") or the speaking ("said in
    May") are left out; a bare month ("in March") is the latest such month up to the article's
    date.
    """
    about = INCIDENTAL.sub(" ", text)
    period = find_period(about, published)
    if period is None and published is not None:
        m = BARE_MONTH.search(about)
        if m:
            month = MONTHS[m.group(1).lower().rstrip(".")]
            year = published.year if month <= published.month else published.year - 1
            since = m.group(0).lower().startswith("since")
            if since:
                return f"{year}-{month:02d}/{published.year}-{published.month:02d}"
            return f"{year}-{month:02d}"
    return period


BARE_MONTH = re.compile(
    r"\b(?:in|since|during|for)\s+(January|February|March|April|May|June|July|August|September|"
    r"October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b(?!\.?\s*\d)"
)


def _claim(
    text: str, who: Speaker | None, last_period: str | None, published: date | None
) -> Found | None:
    speaker = who.name if who else None
    stance = find_stance(text, attributed=who is not None)
    quantities = [q for q in find_quantities(text) if not q["cap_reference"]]
    if stance is None and not quantities:
        return None
    quantity = quantities[0] if quantities else None
    period = claim_period(text, published)
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
        "subject": subject_of(_aside(_without_speaker(text, speaker))),
        "assertion": assertion,
        "quantity": None if quantity is None else {k: quantity[k] for k in QUANTITY_KEYS},
        "period": period,
        "relayed_from": relayed_from(text, speaker),
    }
    who_text = f"{who.title} {who.name}" if who else ""
    return Found(claim, stance, quantity, parse_period(period), text, who_text)


def relayed_from(text: str, speaker: str | None) -> str | None:
    """Whom the speaker relays ("adding that President Putin has repeatedly stated"), or None."""
    for m in RELAY.finditer(text):
        who = speaker_from_chunk(m.group("who").strip(), SpeakerBook())
        if who is None or who.kind == "description":
            continue
        if speaker and (who.name in speaker or speaker in who.name):
            continue
        return who.name
    return None


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


UNNAMED = "unnamed supplier"


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
    who = ", ".join(suppliers) or UNNAMED
    return f"{who} -> North Korea: {product}"


def _flagged(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entities whose screening found a (possible) match: the only ones claims cite."""
    return [e for e in entities if e["screening"].get("status") in {"match", "possible match"}]


def _lists_text(lists: Any) -> str:
    if isinstance(lists, str):
        return lists or "a loaded list"
    return ", ".join(str(x) for x in lists or []) or "a loaded list"


def _entity_reasons(sentence: str, flagged: list[dict[str, Any]]) -> list[str]:
    out = []
    low = sentence.lower()
    for e in flagged:
        if e["name"].lower() not in low:
            continue
        hit = e["screening"]["hits"][0]
        said = (
            f"({hit.get('name')}, score {float(hit.get('score') or 0):.2f}, "
            f"{_lists_text(hit.get('lists'))})"
        )
        if e["screening"]["status"] == "match":
            out.append(f"{e['type']} {e['name']} named here is on a list: {said}")
        else:
            out.append(
                f"{e['type']} {e['name']} named here is only a possible match {said}: not the "
                "same entity on the name alone; an identifier (IMO, date of birth, passport) "
                "would settle it"
            )
    return out


def check_article(
    path: Path,
    db: Path | None,
    *,
    published: date | None = None,
    threshold_barrels: float = MINIMAL_THRESHOLD_BARRELS,
) -> tuple[dict[str, Any], list[str]]:
    """Read an article file and check it against the public record (and the store at `db`).

    With no store, the people, companies and vessels it names are screened against the
    bundled lists in a store held in memory. Returns the check-claims
    result (docs/exports.md) and notes for the user.
    """
    from oiltrail.store import open_store

    article = read_article(path)
    notes = list(article.notes)
    # reads only: a read-only store is fine
    store = open_store(db, read_only=None) if db is not None and db.exists() else None
    lists = None
    if store is None:
        lists = open_store(":memory:")
        notes.append(
            "no store: judged against the public record bundled with oiltrail; people, "
            "companies and vessels screened against the bundled lists"
        )
    try:
        result, more = check_claims_noted(
            article.text,
            store,
            published=published,
            screening_store=lists,
            threshold_barrels=threshold_barrels,
        )
    finally:
        for s in (store, lists):
            if s is not None:
                s.close()
    notes += more
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
