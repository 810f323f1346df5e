"""Read an article (plain text, Markdown or HTML) into clean paragraphs, bounded and safely.

Only the first `MAX_ARTICLE_BYTES` are read, so a 100 MB file costs the same as a 2 MB one.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from oiltrail.errors import InputFormatError, NotFoundError

# A long UN Panel report is about 1 MB of text; beyond 2 MB we stop reading and say so.
# The claim check is linear, about 1.5 s of CPU per MB (benchmarks/bench_claims.py), so
# this cap bounds any article, even a 100 MB one, to a few seconds.
MAX_ARTICLE_BYTES = 2_000_000
# Share of control characters above which decoded bytes are not text.
MAX_CONTROL_SHARE = 0.01

MAGIC = {
    b"%PDF": "a PDF",
    b"PK\x03\x04": "a ZIP/Office file",
    b"\x89PNG": "a PNG image",
    b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"\x1f\x8b": "a gzip file",
    b"\x7fELF": "an executable",
}
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "td",
        "th",
        "blockquote",
        "article",
        "section",
        "header",
        "footer",
        "title",
        "pre",
        "figcaption",
        "dd",
        "dt",
        "hr",
        "table",
    ]
)
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "object"})
META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9_\-]{2,30})""", re.I)
HTML_SNIFF = re.compile(r"<(?:!doctype\s+html|html|body|p|div|article|head)\b", re.I)


@dataclass(frozen=True)
class Article:
    """Clean text of an article: paragraphs joined by blank lines, and notes for the user."""

    text: str
    notes: tuple[str, ...] = field(default_factory=tuple)
    truncated: bool = False


def read_article(path: Path, max_bytes: int = MAX_ARTICLE_BYTES) -> Article:
    """Read `path` (text, Markdown or HTML) into clean text; one-line errors on bad input."""
    if not path.is_file():
        raise NotFoundError(f"no article at {path}")
    with path.open("rb") as fh:
        data = fh.read(max_bytes + 1)
    truncated = len(data) > max_bytes
    data = data[:max_bytes]
    notes: list[str] = []
    if truncated:
        notes.append(
            f"{path.name} is larger than {max_bytes // 1_000_000} MB: only the first "
            f"{max_bytes // 1_000_000} MB were read"
        )
    text = decode_bytes(data, path.name, truncated)
    is_html = path.suffix.lower() in {".html", ".htm", ".xhtml"} or bool(
        HTML_SNIFF.search(text[:2048])
    )
    text = html_to_text(text) if is_html else markdown_to_text(text)
    if not text.strip():
        raise InputFormatError(f"{path.name}: no text found (empty article)")
    return Article(text=text, notes=tuple(notes), truncated=truncated)


def decode_bytes(data: bytes, name: str = "article", truncated: bool = False) -> str:
    """Decode bytes by BOM, UTF-8, an HTML meta charset, then cp1252; refuse binary data."""
    if not data.strip():
        raise InputFormatError(f"{name}: the file is empty")
    for magic, what in MAGIC.items():
        if data.startswith(magic):
            raise InputFormatError(f"{name}: this is {what}, not text, Markdown or HTML")
    text = _decode(data, truncated)
    if _control_share(text) > MAX_CONTROL_SHARE:
        raise InputFormatError(f"{name}: binary data, not text, Markdown or HTML")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes, truncated: bool) -> str:
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    if _looks_utf16(data):
        encoding = "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
        return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A cap may cut a multi-byte character in half: that alone is still UTF-8.
        if truncated and exc.start >= len(data) - 3:
            return data[: exc.start].decode("utf-8")
    declared = META_CHARSET.search(data[:4096])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass
    return data.decode("cp1252", errors="replace")


def _looks_utf16(data: bytes) -> bool:
    head = data[:2000]
    if len(head) < 4:
        return False
    even_nuls = head[0::2].count(0)
    odd_nuls = head[1::2].count(0)
    half = len(head) / 2
    return max(even_nuls, odd_nuls) > 0.4 * half and min(even_nuls, odd_nuls) < 0.05 * half


def _control_share(text: str) -> float:
    sample = text[:100_000]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f") or ch == "\ufffd")
    return bad / len(sample)


class _TextExtractor(HTMLParser):
    """Collect visible text; block tags become paragraph breaks; scripts and styles vanish."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIP_TAGS:
            self.skip_depth += 1
        elif tag in BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TAGS:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.parts.append(data)


# A "<" whose tag never closes before the next "<" ("<a <a <a ..."), or a comment that never
# closes, makes the stdlib parser rescan the rest of the page at each one: quadratic. Such a
# "<" is text, so it is escaped first. The lookahead stops at the next "<" or ">", so all of
# them together scan the page once.
STRAY_LT = re.compile(r"<(?!!--)(?![^<>]*>)")
TAG = re.compile(r"<[^<>]*>")


def escape_stray_tags(html: str) -> str:
    """Escape each "<" that cannot open a complete tag or comment (keeps parsing linear)."""
    closed = html.rfind("-->") + 3 if "-->" in html else 0
    tail = html[closed:].replace("<!--", "&lt;!--")  # comments that never close
    # Marked sections ("<![CDATA[", "<![if ...]>") are rare in pages, may never close, and an
    # unknown keyword ("<![a>") makes the stdlib parser raise: read them as text.
    html = (html[:closed] + tail).replace("<![", "&lt;![")
    return STRAY_LT.sub("&lt;", html)


def html_to_text(html: str) -> str:
    """Visible text of an HTML page, one paragraph per block element."""
    parser = _TextExtractor()
    try:
        parser.feed(escape_stray_tags(html))
        parser.close()
    except (AssertionError, ValueError):  # a malformed construct the escaping missed
        parser.parts = [TAG.sub("\n\n", html)]
    raw = "".join(parser.parts)
    paragraphs = (re.sub(r"[ \t\n\f\v\xa0]+", " ", p).strip() for p in re.split(r"\n\s*\n", raw))
    return "\n\n".join(p for p in paragraphs if p)


MD_LINK = re.compile(r"!?\[([^\]\n]{0,500})\]\([^)\n]{0,1000}\)")
MD_PREFIX = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d{1,3}[.)]\s+)")
MD_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")


def markdown_to_text(text: str) -> str:
    """Plain text from Markdown (plain text passes through): links, headings, emphasis go."""
    lines = []
    for line in text.split("\n"):
        if line.strip().startswith("```"):
            continue
        line = MD_PREFIX.sub("", line)
        if "](" in line:  # a link needs "](": most lines skip the scan
            line = MD_LINK.sub(r"\1", line)
        if "*" in line or "_" in line or "`" in line:
            line = MD_EMPHASIS.sub("", line)
        lines.append(line)
    return "\n".join(lines)


MONTHS = {
    m: i + 1
    for i, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        )
    )
    for m in names
}
DATELINE = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?\s+(\d{1,2}),?\s+((?:19|20)\d\d)\b"
    r"|\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b"
    r"|\b(\d{1,2})\s+(January|February|March|April|May|June|July|August|September|October|"
    r"November|December)\s+((?:19|20)\d\d)\b"
)


DATE_LINE = re.compile(r"^\s*(?:published|posted|date|dated)\s*:?\s*(.{6,40})$", re.I | re.M)


def _date_of(m: re.Match[str]) -> date | None:
    try:
        if m.group(1):
            return date(int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2)))
        if m.group(4):
            return date(int(m.group(4)), int(m.group(5)), int(m.group(6)))
        return date(int(m.group(9)), MONTHS[m.group(8).lower()], int(m.group(7)))
    except ValueError:
        return None


def article_dates(text: str) -> list[date]:
    """The dates an article gives itself: date lines ("Published: 2019-03-22") and the
    dateline (the first date of the first 600 characters), in the order they appear."""
    head = text[:600]
    found: list[tuple[int, date]] = []
    lines: list[tuple[int, int]] = []
    for line in DATE_LINE.finditer(head):
        m = DATELINE.search(line.group(1))
        d = _date_of(m) if m else None
        if d is not None:
            found.append((line.start(), d))
            lines.append((line.start(), line.end()))
    for m in DATELINE.finditer(head):
        if any(a <= m.start() < b for a, b in lines):
            continue
        d = _date_of(m)
        if d is not None:
            found.append((m.start(), d))
        break
    return [d for _, d in sorted(found, key=lambda x: x[0])]
