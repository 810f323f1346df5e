"""What every list reader returns, and helpers they share."""

from __future__ import annotations

import codecs
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from followthemoney import model, registry
from followthemoney.proxy import EntityProxy

from oiltrail.errors import InputFormatError
from oiltrail.screen.index import STUB_NOTE

Entity = EntityProxy
# Free-text owner/manager mentions: "Registered owner of DPRK tanker CHON MA SAN".
_CAPS_NAME_RE = re.compile(r"\b([A-Z][A-Z'\-]+(?: (?:[A-Z][A-Z'\-]+|\d+))*)\b")
_NOT_NAMES = frozenset({"DPRK", "IMO", "UN", "MMSI", "STS", "US", "USA"})


@dataclass
class ReadResult:
    """Entities read from one file, and the records skipped with their reasons."""

    path: Path
    fmt: str
    list_name: str
    entities: list[Entity] = field(default_factory=list)
    skips: list[tuple[int, str]] = field(default_factory=list)
    list_date: str = ""  # the date the list itself gives (UN dateGenerated, OFAC DateOfIssue)

    def skip(self, line: int, reason: str) -> None:
        self.skips.append((line, reason))


def make_entity(schema: str, entity_id: str) -> Entity:
    entity = model.make_entity(schema)
    entity.id = entity_id
    return entity


def add(entity: Entity, prop: str, value: Any) -> None:
    """Add a value if the property exists and the value is not empty (FtM cleans it)."""
    if value is None:
        return
    text = str(value).strip()
    if not text or text == "-0-":
        return
    schema_prop = entity.schema.properties.get(prop)
    if schema_prop is not None and schema_prop.type == registry.country:
        code = _country_code(text)  # rigour's territory lookup is slow: cache it
        if code is None:
            entity.add("notes", f"{prop}: {text}", quiet=True)
            return
        entity.add(prop, code, cleaned=True, quiet=True)
        return
    entity.add(prop, text, quiet=True)


@functools.lru_cache(maxsize=4096)
def _country_code(text: str) -> str | None:
    code = registry.country.clean(text)
    return None if code is None else str(code)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def stub(schema: str, name: str, prefix: str) -> Entity:
    """A party named in free text (an owner in remarks); the graph resolves it by name."""
    entity = make_entity(schema, f"{prefix}-{slug(name)}")
    entity.add("name", name.strip().rstrip("."))
    entity.add("notes", STUB_NOTE)
    return entity


def link(kind: str, source: Entity, target: Entity, role: str, prefix: str) -> Entity:
    """An Ownership (owner → asset) or UnknownLink (subject → object) edge."""
    assert source.id and target.id
    edge = make_entity(kind, f"{prefix}-{kind.lower()}-{slug(source.id)}-{slug(target.id)}")
    ends = ("owner", "asset") if kind == "Ownership" else ("subject", "object")
    edge.add(ends[0], source.id)
    edge.add(ends[1], target.id)
    edge.add("role", role)
    return edge


def vessel_mentions(text: str) -> list[tuple[str, str]]:
    """(role, vessel name) pairs from remarks like "owner of DPRK tanker CHON MA SAN"."""
    out: list[tuple[str, str]] = []
    for sentence in re.split(r"(?<=[.;])\s", text.replace("\n", " ")):
        m = re.search(r"\b(owner|manager|operator)\b[^.;]*?\bof\b(.*)", sentence, re.IGNORECASE)
        if not m:
            continue
        role = m.group(1).lower()
        for name in _CAPS_NAME_RE.findall(m.group(2)):
            if name not in _NOT_NAMES and len(name) > 2 and not name.startswith("DPRK"):
                out.append((role, name))
    return out


BINARY_NUL_SHARE = 0.01


def decode(raw: bytes, path: Path) -> str:
    """UTF-8 when it is valid, UTF-16 with its BOM, else Latin-1 (OFAC's legacy files);
    binary is refused."""
    if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputFormatError(f"{path}: broken UTF-16 ({exc.reason})") from exc
    head = raw[:4096]
    if head.count(b"\x00") > BINARY_NUL_SHARE * len(head):  # one stray NUL is a bad row's
        raise InputFormatError(f"{path}: binary data, not a list file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    cjk = _cjk_encoding(raw)
    if cjk is not None:
        raise InputFormatError(
            f"{path}: not UTF-8, its non-ASCII bytes in runs as in {cjk}: read as Latin-1 the "
            f"names would be garbled; save the file as UTF-8 and load it again"
        )
    return raw.decode("latin-1")


# Legacy encodings that write each CJK character as two high bytes.
CJK_ENCODINGS = ("shift_jis", "euc_kr", "gb18030", "big5")
CJK_PAIRED_SHARE = 0.8  # Latin-1 text has lone accented letters; CJK text, pairs and runs


def _cjk_encoding(raw: bytes) -> str | None:
    """The CJK encoding `raw` reads cleanly in when its non-ASCII bytes come in runs, else None."""
    runs = re.findall(rb"[\x80-\xff]+", raw[: 1 << 20])
    high = sum(len(r) for r in runs)
    paired = sum(len(r) for r in runs if len(r) >= 2)
    if not high or paired < CJK_PAIRED_SHARE * high:
        return None
    for enc in CJK_ENCODINGS:
        try:
            raw.decode(enc)
        except UnicodeDecodeError:
            continue
        return enc
    return None
