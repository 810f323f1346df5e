"""Who said it: speakers from said/told/according-to patterns, quotes, titles and pronouns."""

from __future__ import annotations

import heapq
import re
from bisect import bisect_right
from dataclasses import dataclass, field

from oiltrail.claims.gazetteer import is_place
from oiltrail.claims.sentences import Sentence

VERBS = (
    r"said|says|told|tells|stated|added|adds|noted|claimed|insisted|insists|argued|argues|"
    r"warned|warns|wrote|writes|explained|explains|alleged|acknowledged|asserted|asserts|"
    r"maintained|maintains|declared|reported|estimated|denied|denies|testified|confirmed|"
    r"confirms|stressed|emphasi[sz]ed|admitted|countered|replied|observed|complained|"
    r"announced|informed|dismissed|dismisses|rejected|rejects|calls|called|describes|described"
)
# "said to be", "reported to the committee" are not attributions.
VERB = re.compile(r"\b(?:" + VERBS + r")\b(?!\s+(?:to|by)\b)")
TOKEN = r"[A-Z][\w'’\-]*\.?"
CONNECT = r"(?:of|for|and|the|de|van|von|bin|al|on)"
NAME_RUN = re.compile(TOKEN + r"(?:\s+(?:" + TOKEN + r"|" + CONNECT + r"(?=\s+[A-Z])))*")
NAME_AT_END = re.compile(r"(" + TOKEN + r"(?:\s+(?:" + TOKEN + r"|" + CONNECT + r"))*)\s*$")
APPOSITIVE = re.compile(r"(" + TOKEN + r"(?:\s+" + TOKEN + r"){0,4})\s*,\s*([^,]{2,140}),\s*$")
# The phrase ends at punctuation, or at a full stop after a lower-case word ("U.S." goes on).
ACCORDING = re.compile(
    r"\baccording to\s+([^,;:]{2,120}?)(?=[,;:]|(?<=(?-i:[a-z0-9]))\.(?:\s|$)|$)", re.I
)
CHUNK_BREAK = re.compile(r"[,;:\"“”()]|\s(?:that|while|but|as)\s|\s[—–-]\s")
ENDS_WITH_COMMA_OR_QUOTE = re.compile(r"[,\"”]\s*$")
RELATIVE_APPOSITIVE = re.compile(r"([^,]{2,160}),\s*(?:who|which)\b[^,]{0,160},\s*$")
SOURCE_NOUNS = re.compile(
    r"^(?:(?:(?:a|an|the)\s+)?(?:[a-z]+\s+){0,2}(?:data|figures|documents|report|reports|"
    r"statement|complaint|assessment|study|analysis)"
    r"\s+(?:released |published |filed |issued |seen )?(?:by|from|of)\s+)",
    re.I,
)
PRONOUNS = {"he", "she", "they", "it", "him", "her", "them"}
TITLE_WORDS = frozenset(
    [
        "deputy",
        "foreign",
        "minister",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "president",
        "prime",
        "secretary",
        "press",
        "ambassador",
        "envoy",
        "chief",
        "director",
        "general",
        "senator",
        "representative",
        "admiral",
        "mr",
        "mrs",
        "ms",
        "dr",
        "state",
        "vice",
        "defence",
        "defense",
        "energy",
        "chairman",
        "chair",
        "head",
        "sanctions",
        "coordinator",
        "official",
        "governor",
        "mayor",
        "commander",
        "captain",
        "capt",
        "lt",
        "col",
        "gen",
        "sgt",
        "special",
        "adviser",
        "advisor",
        "analyst",
        "professor",
        "prof",
        "kremlin",
        "white",
        "house",
    ]
)
ORG_WORDS = frozenset(
    [
        "ministry",
        "department",
        "committee",
        "panel",
        "council",
        "office",
        "agency",
        "kremlin",
        "house",
        "government",
        "administration",
        "centre",
        "center",
        "institute",
        "reuters",
        "yonhap",
        "commission",
        "service",
        "bureau",
        "embassy",
        "mission",
        "treasury",
        "navy",
        "guard",
        "security",
        "foundation",
        "group",
        "news",
        "command",
        "forces",
        "army",
        "nations",
        "un",
        "u.n.",
        "ofac",
        "state",
        "company",
        "ltd",
        "inc",
        "llc",
        "corp",
        "pte",
        "association",
        "union",
        "parliament",
        "duma",
        "court",
        "police",
        "customs",
        "authority",
        "authorities",
        "kcna",
        "tass",
        "xinhua",
        "ap",
        "afp",
        "kyodo",
        "bank",
    ]
)
PERSON_NOUNS = frozenset({"analyst", "defector", "diplomat", "expert", "researcher", "source"})
DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "its", "their"}
VERBISH = re.compile(r"\b(?:is|are|was|were|has|have|had|will|would|could|should|can)\b")
MAX_CHUNK_WORDS = 22


@dataclass
class Speaker:
    """A resolved speaker: `kind` is person, organization, country or description."""

    name: str
    kind: str
    title: str = ""


@dataclass
class SpeakerBook:
    """What the article has told us so far about who is who (for pronouns and surnames).

    Lookups go through indexes (name token -> latest person, title word -> heap of persons by
    first mention), so each costs about the same however many people the article names.
    """

    persons: dict[str, str] = field(default_factory=dict)
    last_person: Speaker | None = None
    last_other: Speaker | None = None
    _rank: dict[str, int] = field(default_factory=dict, repr=False)
    _by_token: dict[str, str] = field(default_factory=dict, repr=False)
    _by_word: dict[str, list[tuple[int, str]]] = field(default_factory=dict, repr=False)
    _described: dict[str, Speaker] = field(default_factory=dict, repr=False)

    def remember(self, speaker: Speaker) -> Speaker:
        if speaker.kind == "person":
            full = self.full_name(speaker.name)
            title = speaker.title or self.persons.get(full, "")
            speaker = Speaker(full, "person", title)
            self._index(full, title)
            self.last_person = speaker
        elif speaker.kind in {"organization", "country"}:
            self.last_other = speaker
            self._describe(speaker)
        else:  # "an analyst at ...", "a defector who ...": later "she said" means them
            self.last_person = speaker
            self._describe(speaker)
        return speaker

    def _describe(self, speaker: Speaker) -> None:
        """Index a described speaker by the nouns of its head ("A UN Panel of Experts report":
        panel, experts, report; "an analyst at a group in Seoul": analyst), for "the report"."""
        head = re.split(r"\b(?:at|in|for|from|with|who|which|on)\b", speaker.name, maxsplit=1)[0]
        for word in re.findall(r"[a-z]{3,}", head.lower()):
            if word not in DETERMINERS:
                self._described[word] = speaker

    def by_reference(self, phrase: str) -> Speaker | None:
        """ "the report" (a definite article and at most two more words) after "A UN Panel of
        Experts report": the speaker described earlier with that head noun."""
        words = phrase.lower().split()
        if not 2 <= len(words) <= 3 or words[0] != "the":
            return None
        return self._described.get(words[-1])

    def _index(self, full: str, title: str) -> None:
        if full not in self._rank:
            self._rank[full] = len(self._rank)
            tokens = full.split()
            for token in tokens[:1] + tokens[-1:]:
                self._by_token[token] = full  # the latest first mention wins
        elif self.persons[full] == title:
            return
        self.persons[full] = title
        for word in set(title.lower().split()):
            heapq.heappush(self._by_word.setdefault(word, []), (-self._rank[full], full))

    def full_name(self, name: str) -> str:
        """ "Peskov" after "Dmitry Peskov" is the same person."""
        if " " in name:
            return name
        # Korean and Chinese names put the family name first: "Geng" is Geng Shuang.
        return self._by_token.get(name, name)

    def by_title(self, phrase: str) -> Speaker | None:
        """The person who earlier carried the title whose head noun ends `phrase`."""
        words = phrase.lower().split()
        if not words:
            return None
        heap = self._by_word.get(words[-1], [])
        while heap:  # drop persons whose title has since changed
            full = heap[0][1]
            if words[-1] in self.persons[full].lower().split():
                return Speaker(full, "person", self.persons[full])
            heapq.heappop(heap)
        return None


# Nationality words that open a title: "Russian Deputy Foreign Minister Andrei Volkov".
DEMONYMS = frozenset(
    [
        "russian",
        "chinese",
        "japanese",
        "american",
        "u.s.",
        "us",
        "korean",
        "north",
        "south",
        "british",
        "french",
        "german",
        "ukrainian",
        "singaporean",
        "indian",
        "western",
        "eu",
        "european",
    ]
)


def _is_title_token(tokens: list[str], i: int) -> bool:
    word = tokens[i].lower().rstrip(".,")
    if word in TITLE_WORDS or tokens[i].endswith(("'s", "’s")):
        return True
    nxt = tokens[i + 1].lower().rstrip(".,") if i + 1 < len(tokens) else ""
    return word in DEMONYMS and (nxt in TITLE_WORDS or nxt in DEMONYMS)


def _strip_titles(run: str) -> tuple[str, str]:
    """Split "Deputy Foreign Minister Andrei Rudenko" into (name, title)."""
    tokens = run.split()
    i = 0
    while i < len(tokens) - 1 and _is_title_token(tokens, i):
        i += 1
    return " ".join(tokens[i:]), " ".join(tokens[:i])


# "said Chinese foreign ministry spokesman Wang Lei": a title in lower case before the name.
TITLED_NAME = re.compile(
    r"((?:[A-Za-z][\w.'’\-]*\s+){1,6}?)(" + TOKEN + r"(?:\s+" + TOKEN + r"){1,3})"
    r"(?=\s*(?:,|\.|$|\s+(?:at|in|on|during|told|who)\b))"
)


def _titled_name(tail: str) -> tuple[str, str] | None:
    """(name, title) when `tail` opens with title words and then a capitalised name."""
    m = TITLED_NAME.match(tail)
    if m is None:
        return None
    words = m.group(1).split()
    ok = TITLE_WORDS | ORG_WORDS | DEMONYMS | {"of", "the", "for", "a", "an"}
    if not all(w.lower().rstrip(".,") in ok for w in words):
        return None
    if not any(w.lower() in TITLE_WORDS | PERSON_NOUNS for w in words):
        return None
    name, more = _strip_titles(m.group(2))
    return name, " ".join([*words, more]).strip()


def classify_run(run: str) -> str:
    """person, organization or country for a run of capitalised words."""
    lowered = {t.lower().rstrip(".,") for t in run.split()}
    if lowered & ORG_WORDS or (run.isupper() and len(run) <= 6):
        return "organization"
    if is_place(run):
        return "country"
    return "person"


TRAILING = re.compile(
    r"\s+(?:(?:late |early )?(?:on|last|this)\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday|week|month|year)|in\s+(?:a|an|its|his|her|their)\s+\w+(?:\s+\w+)?|"
    r"on\s+\w+\s+\d{1,2}|also|previously|earlier|again|repeatedly)\s*$"
)


def _trim_chunk(chunk: str) -> str:
    for _ in range(3):
        chunk = TRAILING.sub("", chunk)
    return chunk


def speaker_from_chunk(chunk: str, book: SpeakerBook) -> Speaker | None:
    """The subject phrase before an attribution verb, resolved to a speaker."""
    chunk = _trim_chunk(chunk.strip())
    chunk = re.sub(
        r"^(?:and|but|while|however|meanwhile|that|so)\s+", "", chunk.strip(), flags=re.I
    )
    chunk = chunk.strip(" \"“”'‘’()-—")
    if not chunk or len(chunk.split()) > MAX_CHUNK_WORDS:
        return None
    low = chunk.lower()
    if low in PRONOUNS:
        return book.last_other if low == "it" else book.last_person
    head_part = re.split(r"\b(?:who|which)\b", chunk, maxsplit=1)[0]
    if VERBISH.search(head_part):
        return None
    if re.search(r"\b(?:who|which)\b", chunk):
        return Speaker(_clean_description(chunk), "description")
    m = NAME_AT_END.search(chunk)
    if m is None:
        return book.by_title(chunk) or book.by_reference(chunk) or _description(chunk)
    run = m.group(1)
    name, title_caps = _strip_titles(run)
    prefix = chunk[: m.start()].strip()
    title = " ".join(t for t in (prefix, title_caps) if t).strip()
    kind = classify_run(name)
    if kind == "country" and prefix and prefix.split()[-1].lower() not in DETERMINERS:
        return Speaker(_clean_description(chunk), "description")
    if kind == "person" and len(name.split()) == 1 and title and name.lower() in TITLE_WORDS:
        return book.by_title(chunk) or _description(chunk)
    if kind == "organization":
        person_noun = set(prefix.lower().split()) & (TITLE_WORDS | PERSON_NOUNS)
        return Speaker(_clean_description(chunk), "description" if person_noun else "organization")
    return Speaker(name, kind, _clean_title(title))


def _description(chunk: str) -> Speaker | None:
    words = chunk.split()
    starts = DETERMINERS | {"officials", "diplomats", "analysts"}
    if not words or (words[0].lower() not in starts and len(words) > 8):
        return None
    return Speaker(_clean_description(chunk), "description")


def _clean_description(text: str) -> str:
    text = re.sub(r"^(?:the)\s+", "", text.strip(), flags=re.I)
    return text[:100].strip(" ,")


def _clean_title(title: str) -> str:
    return re.sub(r"^(?:the|a|an)\s+", "", title, flags=re.I).strip(" ,")


def speaker_after_verb(tail: str, book: SpeakerBook) -> Speaker | None:
    """`said Dmitry Peskov, the Kremlin spokesman` or `said a defector who ...`."""
    tail = tail.strip().rstrip(".")
    titled = _titled_name(tail)
    if titled is not None and classify_run(titled[0]) == "person":
        return Speaker(titled[0], "person", _clean_title(titled[1]))
    m = re.match(r"(" + TOKEN + r"(?:\s+" + TOKEN + r")*)(?:\s*,\s*([^,]{2,120}))?", tail)
    if m and tail[:1].isupper():
        name, title_caps = _strip_titles(m.group(1))
        title = _clean_title(m.group(2) or title_caps)
        return Speaker(name, classify_run(name), title)
    first = tail.split(" ", 1)[0].lower() if tail else ""
    if first in PRONOUNS:
        return book.last_person
    if first in DETERMINERS:
        return book.by_title(tail.split(",")[0]) or Speaker(_clean_description(tail), "description")
    return None


def attribute_sentence(
    sentence: Sentence, para: str, spans: list[tuple[int, int]], book: SpeakerBook
) -> Speaker | None:
    """The speaker of a sentence, or None when the article itself says it."""
    speaker = _from_quote(sentence, para, spans, book) or _from_text(sentence, spans, book)
    return None if speaker is None else book.remember(speaker)


def _inside(pos: int, spans: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The quoted span holding `pos`; spans are sorted and disjoint, so one bisection."""
    k = bisect_right(spans, pos, key=_span_start) - 1
    if k >= 0 and spans[k][0] <= pos < spans[k][1]:
        return spans[k]
    return None


def _span_start(span: tuple[int, int]) -> int:
    return span[0]


def _from_quote(
    sentence: Sentence, para: str, spans: list[tuple[int, int]], book: SpeakerBook
) -> Speaker | None:
    """A quoted sentence: the attribution just after the quote closes, or just before it opens."""
    span = _inside(sentence.start + (len(sentence.text) // 3), spans)
    if span is None:
        return None
    a, b = span
    tail = para[b : b + 200]
    tail = re.split(r"(?<=[a-z0-9)])[.!?](?:\s|$)", tail, maxsplit=1)[0]
    verb = VERB.search(tail)
    if verb and not _inside(b + verb.start(), spans):
        found = speaker_from_chunk(tail[: verb.start()], book) or speaker_after_verb(
            tail[verb.end() :], book
        )
        if found:
            return found
    lead = para[max(0, a - 200) : a]
    lead = re.split(r"[.!?][\"”’)]?\s+", lead)[-1]
    verbs = list(VERB.finditer(lead))
    if verbs:
        verb = verbs[-1]
        found = speaker_from_chunk(lead[: verb.start()], book)
        if found:
            return found
    # A quote with no attribution continues the last speaker's words (wire style).
    return book.last_person if b - a > len(sentence.text) // 2 else None


# "..., the monitors noted." / "..., the ministry said in a statement.": the attribution at
# the end names who says the whole sentence, even when an earlier verb ("reported") came first.
TRAILING_ATTRIBUTION = re.compile(
    r",\s+((?:the|a|an)\s+[^,;\"“”]{2,60}?)\s+(?:said|says|noted|notes|told \w+|added|"
    r"reported|stated|wrote|confirmed|estimated)"
    r"(?:\s+(?:in|on|at)\s+[^,;]{1,40})?\s*\.?\s*$"
)


def _from_text(
    sentence: Sentence, spans: list[tuple[int, int]], book: SpeakerBook
) -> Speaker | None:
    m = TRAILING_ATTRIBUTION.search(sentence.text)
    if m and not _inside(sentence.start + m.start(), spans):
        found = speaker_from_chunk(m.group(1), book)
        if found is not None:
            return found
    return _from_verb(sentence, spans, book) or _from_according(sentence, spans, book)


def _from_according(
    sentence: Sentence, spans: list[tuple[int, int]], book: SpeakerBook
) -> Speaker | None:
    m = ACCORDING.search(sentence.text)
    if m is None or _inside(sentence.start + m.start(), spans):
        return None
    phrase = re.split(
        r"\s+(?:that|which|who|(?:seen|obtained|reviewed|quoted|cited) by)\s+", m.group(1)
    )[0].strip()
    phrase = SOURCE_NOUNS.sub("", re.sub(r"^(?:a|an|the)\s+", "", phrase, flags=re.I))
    return speaker_from_chunk(phrase, book)


def _from_verb(
    sentence: Sentence, spans: list[tuple[int, int]], book: SpeakerBook
) -> Speaker | None:
    text = sentence.text
    offset = sentence.start
    for verb in VERB.finditer(text):
        if _inside(offset + verb.start(), spans):
            continue
        before = text[: verb.start()]
        has_comma = "," in before  # both appositive patterns need commas: skip cheaply
        appos = APPOSITIVE.search(before) if has_comma else None
        if appos and classify_run(appos.group(1)) == "person":
            name, _ = _strip_titles(appos.group(1))
            return Speaker(name, "person", _clean_title(appos.group(2)))
        relative = (
            RELATIVE_APPOSITIVE.search(before)
            if has_comma and ("who" in before or "which" in before)
            else None
        )
        if relative:  # "A former crew member, who now lives in Seoul, said"
            before = relative.group(1)
        chunk = CHUNK_BREAK.split(before)[-1]
        found = speaker_from_chunk(chunk, book)
        if found is None and ENDS_WITH_COMMA_OR_QUOTE.search(before):
            found = speaker_after_verb(text[verb.end() :], book)
        if found:
            return found
    return None
