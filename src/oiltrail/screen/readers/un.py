"""UN Security Council consolidated list XML (`CONSOLIDATED_LIST`) → FtM entities."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree.ElementTree import Element

from rigour.ids import IMO

from oiltrail.screen.readers.base import (
    Entity,
    ReadResult,
    add,
    link,
    make_entity,
    stub,
    vessel_mentions,
)

LIST_NAME = "un_sc_sanctions"
_IMO_RE = re.compile(r"IMO\)?\s*(?:number|no\.?)?\s*:?\s*(\d{7})", re.IGNORECASE)
_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")


def _text(node: Element, tag: str) -> str:
    child = node.find(tag)
    return (child.text or "").strip() if child is not None else ""


def _values(node: Element, path: str) -> list[str]:
    return [(v.text or "").strip() for v in node.findall(path) if (v.text or "").strip()]


def _common(entity: Entity, node: Element, name: str) -> None:
    add(entity, "name", name)
    add(entity, "program", f"UN {_text(node, 'UN_LIST_TYPE')} {_text(node, 'REFERENCE_NUMBER')}")
    add(entity, "topics", "sanction")
    add(entity, "notes", _text(node, "COMMENTS1"))
    add(entity, "alias", _text(node, "NAME_ORIGINAL_SCRIPT"))
    add(entity, "createdAt", _text(node, "LISTED_ON"))


def _aliases(entity: Entity, node: Element, tag: str) -> None:
    for alias in node.findall(tag):
        name = _text(alias, "ALIAS_NAME").strip('"')
        if not name:
            continue
        quality = _text(alias, "QUALITY").lower()
        prop = (
            "weakAlias" if quality == "low" else "previousName" if "f.k.a" in quality else "alias"
        )
        add(entity, prop, name)


def _individual(node: Element, result: ReadResult, line: int) -> None:
    dataid = _text(node, "DATAID")
    name = " ".join(p for p in (_text(node, t) for t in _NAME_PARTS) if p)
    if not dataid or not name:
        result.skip(line, "unparseable:no DATAID or name")
        return
    person = make_entity("Person", f"unsc-{dataid}")
    _common(person, node, name)
    _aliases(person, node, "INDIVIDUAL_ALIAS")
    for value in _values(node, "NATIONALITY/VALUE"):
        add(person, "nationality", value)
    for value in _values(node, "DESIGNATION/VALUE"):
        add(person, "position", value)
    for dob in node.findall("INDIVIDUAL_DATE_OF_BIRTH"):
        add(person, "birthDate", _text(dob, "DATE") or _text(dob, "YEAR"))
    for doc in node.findall("INDIVIDUAL_DOCUMENT"):
        if "passport" in _text(doc, "TYPE_OF_DOCUMENT").lower():
            add(person, "passportNumber", _text(doc, "NUMBER"))
    result.entities.append(person)


def _entity(node: Element, result: ReadResult, line: int) -> None:
    dataid = _text(node, "DATAID")
    name = _text(node, "FIRST_NAME")
    if not dataid or not name:
        result.skip(line, "unparseable:no DATAID or name")
        return
    org = make_entity("Organization", f"unsc-{dataid}")
    _common(org, node, name)
    _aliases(org, node, "ENTITY_ALIAS")
    for address in node.findall("ENTITY_ADDRESS"):
        add(org, "country", _text(address, "COUNTRY"))
    comments = _text(node, "COMMENTS1")
    for number in _IMO_RE.findall(comments):
        if IMO.is_valid_company(number):  # UN lists company (owner/manager) IMO numbers here
            add(org, "imoNumber", f"IMO{number}")
    result.entities.append(org)
    for role, vessel_name in vessel_mentions(comments):
        vessel = stub("Vessel", vessel_name, "unsc-vessel")
        kind = "Ownership" if role == "owner" else "UnknownLink"
        result.entities.extend([vessel, link(kind, org, vessel, role, "unsc")])


def read_un_xml(root: Element, path: Path) -> ReadResult:
    """Read a parsed `CONSOLIDATED_LIST` document."""
    result = ReadResult(path, "un_xml", LIST_NAME)
    result.list_date = (root.get("dateGenerated") or "")[:10]
    for i, node in enumerate(root.iter("INDIVIDUAL"), start=1):
        _individual(node, result, i)
    for i, node in enumerate(root.iter("ENTITY"), start=1):
        _entity(node, result, i)
    return result
