"""OFAC legacy CSV (`sdn.csv` with `add.csv`, `alt.csv`, `sdn_comments.csv`) → FtM entities.

No header, `-0-` for null, Latin-1. Vessel IMO numbers, MMSIs, former flags and the
`Linked To:` owner or manager live in the `;`-separated Remarks text.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from pathlib import Path

from oiltrail.screen.readers.base import Entity, ReadResult, add, link, make_entity, stub

LIST_NAME = "us_ofac_sdn"
SDN_COLUMNS = 12  # ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage,
# GRT, Vess_flag, Vess_owner, Remarks
_SCHEMA = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}
_REMARK_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^Vessel Registration Identification (?:IMO )?(\d{7})", re.I), "imoNumber"),
    (re.compile(r"^(?:Identification Number |Company Number )?IMO (\d{7})", re.I), "imoNumber"),
    (re.compile(r"^MMSI (\d{9})", re.I), "mmsi"),
    (re.compile(r"^(?:alt\. )?(?:Former|Other) Vessel Flag (.+)", re.I), "pastFlags"),
    (re.compile(r"^Vessel Year of Build (\d{4})", re.I), "buildDate"),
    (re.compile(r"^(?:alt\. )?DOB (.+)", re.I), "birthDate"),
    (re.compile(r"^(?:alt\. )?nationality (.+)", re.I), "nationality"),
    (re.compile(r"^(?:alt\. )?Passport ([A-Z0-9]+)", re.I), "passportNumber"),
    (re.compile(r"^Gender (\w+)", re.I), "gender"),
    (re.compile(r"^a\.k\.a\. '(.+)'$", re.I), "alias"),
    (re.compile(r"^f\.k\.a\. '(.+)'$", re.I), "previousName"),
)
_LINKED_RE = re.compile(r"^Linked To: (.+?)\.?$", re.I)


def _rows(text: str, result: ReadResult | None = None) -> list[list[str]]:
    """CSV rows, one per record (a record may hold a quoted newline); a line the csv module
    cannot read (a stray quote) is a counted `unparseable` skip and reading goes on after it,
    so one damaged row does not swallow the rest of the file. Rows keep their first line's
    number: skipped rows are returned as [] to keep the numbering."""
    lines = text.splitlines(keepends=True)
    rows: list[list[str]] = []
    start = 0  # first line of the text the current csv reader reads
    while start < len(lines):
        reader = csv.reader(io.StringIO("".join(lines[start:])), strict=True)
        done = 0  # lines the reader has used
        try:
            for row in reader:
                rows.append(row)
                rows.extend([[]] * (reader.line_num - done - 1))  # a record over several lines
                done = reader.line_num
            return rows
        except csv.Error as exc:
            bad = start + done + 1  # the first line of the record it failed on
            if result is not None:
                result.skip(bad, f"unparseable:{exc}")
            rows.extend([[]] * (bad - start - done))
            start = bad
    return rows


def _clean(value: str) -> str:
    value = value.strip()
    return "" if value == "-0-" else value


def _apply_remarks(entity: Entity, remarks: str, links: list[tuple[Entity, str]]) -> None:
    for part in (p.strip() for p in remarks.split(";")):
        linked = _LINKED_RE.match(part)
        if linked:
            links.append((entity, linked.group(1)))
            continue
        for pattern, prop in _REMARK_RULES:
            m = pattern.match(part.rstrip("."))
            if m:
                value = m.group(1)
                if prop == "imoNumber":
                    value = f"IMO{value}"
                add(entity, prop, value)
                break


def _entity(row: list[str], comments: dict[str, str], links: list[tuple[Entity, str]]) -> Entity:
    ent_num, name, sdn_type, program = (_clean(v) for v in row[:4])
    entity = make_entity(_SCHEMA.get(sdn_type.lower(), "Organization"), f"ofac-{ent_num}")
    add(entity, "name", name)
    add(entity, "topics", "sanction")
    for prog in program.replace("] [", ";").split(";"):
        add(entity, "program", f"OFAC {prog.strip('[] ')}")
    if entity.schema.name == "Person":
        add(entity, "title", _clean(row[4]))
    if entity.schema.name == "Vessel":
        add(entity, "callSign", _clean(row[5]))
        add(entity, "type", _clean(row[6]))
        add(entity, "tonnage", _clean(row[7]).replace(",", ""))
        add(entity, "grossRegisteredTonnage", _clean(row[8]).replace(",", ""))
        add(entity, "flag", _clean(row[9]))
    remarks = _clean(row[11]) + comments.get(ent_num, "")
    add(entity, "notes", remarks)
    _apply_remarks(entity, remarks, links)
    return entity


def _companions(texts: dict[str, str], result: ReadResult) -> tuple[dict[str, str], ...]:
    """alt/add/comments rows keyed by ent_num: aliases, countries, remarks overflow."""
    aliases: dict[str, str] = defaultdict(str)
    countries: dict[str, str] = defaultdict(str)
    comments: dict[str, str] = defaultdict(str)
    for kind, text in texts.items():
        for line, row in enumerate(_rows(text, result), start=1):
            if not row or not row[0].strip():
                continue
            if not row[0].strip().isdigit():
                result.skip(line, f"unparseable:{kind} ent_num")
                continue
            ent = row[0].strip()
            if kind == "alt" and len(row) >= 4:
                aliases[ent] += f"{_clean(row[2])}\x1f{_clean(row[3])}\x1e"
            elif kind == "add" and len(row) >= 5:
                countries[ent] += _clean(row[4]) + "\x1e"
            elif kind == "comments" and len(row) >= 2:
                comments[ent] += _clean(row[1])
            else:
                result.skip(line, f"truncated:{kind} row has {len(row)} columns")
    return aliases, countries, comments


def read_ofac_csv(sdn_text: str, path: Path, companions: dict[str, str]) -> ReadResult:
    """Read `sdn.csv` text with its companions' texts keyed `alt`, `add`, `comments`."""
    result = ReadResult(path, "ofac_csv", LIST_NAME)
    aliases, countries, comments = _companions(companions, result)
    links: list[tuple[Entity, str]] = []
    for line, row in enumerate(_rows(sdn_text, result), start=1):
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) < SDN_COLUMNS:
            result.skip(line, f"truncated:{len(row)} of {SDN_COLUMNS} columns")
            continue
        if not row[0].strip().isdigit() or not _clean(row[1]):
            result.skip(line, "unparseable:no ent_num or name")
            continue
        entity = _entity(row, comments, links)
        ent = row[0].strip()
        for record in filter(None, aliases.get(ent, "").split("\x1e")):
            alt_type, _, alt_name = record.partition("\x1f")
            add(entity, "previousName" if alt_type.lower() == "fka" else "alias", alt_name)
        for country in filter(None, countries.get(ent, "").split("\x1e")):
            add(entity, "country", country)
        owner = _clean(row[10])
        if owner and entity.schema.name == "Vessel":
            company = stub("Organization", owner, "ofac-owner")
            result.entities.extend([company, link("Ownership", company, entity, "owner", "ofac")])
        result.entities.append(entity)
    for entity, target_name in links:
        # "Linked To:" names another SDN entry; the graph resolves the stub by name.
        target = stub("LegalEntity", target_name, "ofac-linked")
        result.entities.extend([target, link("UnknownLink", entity, target, "linked to", "ofac")])
    return result
