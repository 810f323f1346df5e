"""OFAC `sdn_advanced.xml` → FtM entities (schema: treasury.gov `sdn_advanced_notes.pdf`).

Reference value sets give the meaning of every numeric id (party subtype, feature type, ID
document type, relation type); profiles carry names, features and documents; profile
relationships become Ownership or UnknownLink edges, as OpenSanctions maps them.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

from oiltrail.screen.readers.base import Entity, ReadResult, add, link, make_entity

LIST_NAME = "us_ofac_sdn"
_SUBTYPE_SCHEMA = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}
_FEATURES = {
    "vessel flag": "flag",
    "other vessel flag": "pastFlags",
    "former vessel flag": "pastFlags",
    "vessel type": "type",
    "other vessel type": "pastTypes",
    "vessel call sign": "callSign",
    "vessel tonnage": "tonnage",
    "vessel gross registered tonnage": "grossRegisteredTonnage",
    "vessel year of build": "buildDate",
    "birthdate": "birthDate",
    "nationality country": "nationality",
    "gender": "gender",
}
_DOCS = {"vessel registration identification": "imoNumber", "mmsi": "mmsi"}
# OFAC relation types → edge kinds (OpenSanctions `ofac_advanced.py`).
_OWNERSHIP_RELATIONS = ("owned or controlled by", "owns, controls, or operates")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _strip_namespaces(root: Element) -> None:
    for node in root.iter():
        node.tag = _local(node.tag)
        node.attrib = {_local(k): v for k, v in node.attrib.items()}


def _refs(root: Element) -> dict[tuple[str, str], str]:
    """(value-set element name, ID) → text, e.g. ("FeatureType", "3") → "Vessel Flag"."""
    refs: dict[tuple[str, str], str] = {}
    sets = root.find("ReferenceValueSets")
    for value_set in sets if sets is not None else []:
        for value in value_set:
            if "ID" in value.attrib:
                refs[(value.tag, value.attrib["ID"])] = (value.text or "").strip()
    return refs


def _countries(root: Element, refs: dict[tuple[str, str], str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for loc in root.iter("Location"):
        country = loc.find("LocationCountry")
        if country is not None:
            out[loc.attrib.get("ID", "")] = refs.get(("Country", country.attrib["CountryID"]), "")
    return out


def _names(profile: Element) -> list[tuple[bool, str]]:
    out: list[tuple[bool, str]] = []
    for alias in profile.iter("Alias"):
        for doc_name in alias.iter("DocumentedName"):
            parts = [(p.text or "").strip() for p in doc_name.iter("NamePartValue")]
            name = " ".join(p for p in parts if p)
            if name:
                out.append((alias.attrib.get("Primary") == "true", name))
    return out


def _profile(
    profile: Element, refs: dict[tuple[str, str], str], countries: dict[str, str]
) -> Entity | None:
    subtype = refs.get(("PartySubType", profile.attrib.get("PartySubTypeID", "")), "")
    schema = _SUBTYPE_SCHEMA.get(subtype.lower(), "Organization")
    names = _names(profile)
    if not names or "ID" not in profile.attrib:
        return None
    entity = make_entity(schema, f"ofac-{profile.attrib['ID']}")
    for primary, name in names:
        add(entity, "name" if primary else "alias", name)
    add(entity, "topics", "sanction")
    for feature in profile.iter("Feature"):
        kind = refs.get(("FeatureType", feature.attrib.get("FeatureTypeID", "")), "").lower()
        prop = _FEATURES.get(kind)
        if prop is None:
            continue
        for detail in feature.iter("VersionDetail"):
            add(entity, prop, detail.text)
        for loc in feature.iter("VersionLocation"):
            add(entity, prop, countries.get(loc.attrib.get("LocationID", "")))
    return entity


def read_ofac_xml(root: Element, path: Path) -> ReadResult:
    """Read a parsed `sdn_advanced.xml` document."""
    _strip_namespaces(root)
    result = ReadResult(path, "ofac_xml", LIST_NAME)
    issued = root.find("DateOfIssue")
    if issued is not None:
        parts = [issued.findtext(k, "").strip() for k in ("Year", "Month", "Day")]
        if all(p.isdigit() for p in parts):
            result.list_date = f"{int(parts[0]):04d}-{int(parts[1]):02d}-{int(parts[2]):02d}"
    refs = _refs(root)
    countries = _countries(root, refs)
    by_id: dict[str, Entity] = {}
    for i, profile in enumerate(root.iter("Profile"), start=1):
        entity = _profile(profile, refs, countries)
        if entity is None:
            result.skip(i, "unparseable:profile without ID or name")
            continue
        by_id[profile.attrib["ID"]] = entity
        identities = {ident.attrib.get("ID") for ident in profile.iter("Identity")}
        by_id.update({f"identity:{ident}": entity for ident in identities if ident})
    for doc in root.iter("IDRegDocument"):
        kind = refs.get(("IDRegDocType", doc.attrib.get("IDRegDocTypeID", "")), "").lower()
        owner = by_id.get(f"identity:{doc.attrib.get('IdentityID')}")
        number = doc.find("IDRegistrationNo")
        if owner is not None and kind in _DOCS and number is not None and number.text:
            value = number.text.strip()
            add(owner, _DOCS[kind], f"IMO{value}" if _DOCS[kind] == "imoNumber" else value)
    for entry in root.iter("SanctionsEntry"):
        target = by_id.get(entry.attrib.get("ProfileID", ""))
        for comment in entry.iter("Comment"):
            if target is not None and comment.text:
                add(target, "program", f"OFAC {comment.text.strip()}")
    result.entities.extend(e for k, e in by_id.items() if not k.startswith("identity:"))
    _relations(root, refs, by_id, result)
    return result


def _relations(
    root: Element, refs: dict[tuple[str, str], str], by_id: dict[str, Entity], result: ReadResult
) -> None:
    for i, rel in enumerate(root.iter("ProfileRelationship"), start=1):
        source = by_id.get(rel.attrib.get("From-ProfileID", ""))
        target = by_id.get(rel.attrib.get("To-ProfileID", ""))
        if source is None or target is None:
            result.skip(i, "unparseable:relationship to an unknown profile")
            continue
        kind = refs.get(("RelationType", rel.attrib.get("RelationTypeID", "")), "").lower()
        if kind == "owned or controlled by":  # From is the asset, To the owner
            result.entities.append(link("Ownership", target, source, kind, "ofac"))
        elif kind in _OWNERSHIP_RELATIONS:
            result.entities.append(link("Ownership", source, target, kind, "ofac"))
        else:
            result.entities.append(link("UnknownLink", source, target, kind or "related", "ofac"))
