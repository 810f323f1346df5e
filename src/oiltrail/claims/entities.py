"""Entities named in an article (countries, ports, vessels, companies, people), screened."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import duckdb

from oiltrail.claims.gazetteer import alias_pattern, country_aliases, is_place, port_aliases
from oiltrail.errors import OiltrailError

TOKEN = r"(?:[A-Z][\w'’\-]*\.?|\d{1,4})"
VESSEL_CUE = re.compile(
    r"\b(?:tanker|vessel|ship|freighter|carrier)s?\s+(?:named\s+|called\s+)?[\"“]?"
    r"(" + r"[A-Z][\w'’\-]*\.?(?:\s+" + TOKEN + r"){0,4})"
)
LEGAL_FORM = (
    r"Pte\.?\s+Ltd|Co\.,?\s+Ltd|Ltd|LLC|Inc|Corp|Corporation|Company|GmbH|OOO|PJSC|JSC|"
    r"Limited|S\.A|Pte|Trading|Shipping|Holdings|Group|Energy|Marine"
)
COMPANY = re.compile(
    r"\b((?:[A-Z][\w&'’\-]*\.?\s+){1,5}(?:" + LEGAL_FORM + r"))\b\.?(?!\s+[A-Z][a-z])"
)
PERSON_CUE = re.compile(
    r"\b(?:businessman|businesswoman|shipowner|owner|director|executive|trader|broker|captain|"
    r"defector|national|citizen|Mr\.|Ms\.|Mrs\.)\s+(" + r"[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+){1,3})"
)
NOT_NAMES = frozenset(
    [
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "Of",
        "For",
        "And",
        "But",
        "With",
        "From",
        "To",
        "By",
        "This",
        "That",
        "It",
        "Its",
        "Their",
        "His",
        "Her",
        "Last",
        "North",
        "South",
        "East",
        "West",
    ]
)
SCHEMA = {"vessel": "Vessel", "company": "Company", "person": "Person"}
# Each screening query costs milliseconds; an article naming thousands of companies would
# otherwise run for minutes. Entities past this many are listed but marked "not screened".
MAX_SCREENED_ENTITIES = 500


def _entity(name: str, kind: str) -> dict[str, Any]:
    return {"name": name, "type": kind, "screening": {"status": "not screened", "hits": []}}


def extract_entities(
    paragraphs: Iterable[str], speakers: Iterable[tuple[str, str]]
) -> list[dict[str, Any]]:
    """Entities named in `paragraphs`, plus the speakers found (name, kind), deduplicated."""
    found: dict[tuple[str, str], dict[str, Any]] = {}

    def add(name: str, kind: str) -> None:
        name = re.sub(r"\s+", " ", name).strip(' ,."”“')
        key = (re.sub(r"[\s\-]+", " ", name.upper()), kind)
        if name and key not in found:
            found[key] = _entity(name, kind)

    countries = country_aliases()
    ports = port_aliases()
    for para in paragraphs:
        for m in alias_pattern("country").finditer(para):
            add(countries[m.group(0)], "country")
        for m in alias_pattern("port").finditer(para):
            add(ports[m.group(0)], "port")
        for name in _vessels(para):
            add(name, "vessel")
        for m in COMPANY.finditer(para):
            company = _trim_company(m.group(1))
            if company:
                add(company, "company")
        for m in PERSON_CUE.finditer(para):
            if not is_place(m.group(1)):
                add(m.group(1), "person")
    for name, kind in speakers:
        if kind in {"person", "organization"}:
            add(name, kind)
    vessel_keys = {k[0] for k in found if k[1] == "vessel"}
    # A vessel named like a company ("Yuk Tung") is kept as the vessel only when the text said so.
    return [
        e for k, e in found.items() if not (k[1] in {"company", "person"} and k[0] in vessel_keys)
    ]


def _vessels(para: str) -> list[str]:
    names = []
    for m in alias_pattern("vessel").finditer(para):
        if m.group(0)[0].isupper() or m.group(0)[0].isdigit():
            names.append(m.group(0).upper())
    for m in VESSEL_CUE.finditer(para):
        tokens = m.group(1).split()
        while tokens and (tokens[-1] in NOT_NAMES or tokens[-1].lower() in {"was", "had"}):
            tokens.pop()
        name = " ".join(tokens).rstrip(".,")
        if name and tokens[0] not in NOT_NAMES and not is_place(name):
            names.append(name.upper())
    return names


def _trim_company(text: str) -> str | None:
    tokens = text.split()
    while tokens and tokens[0] in NOT_NAMES:
        tokens.pop(0)
    if len(tokens) < 2 or is_place(" ".join(tokens[:-1])):
        return None
    return " ".join(tokens)


def screen_entities(store: Any, entities: list[dict[str, Any]]) -> None:
    """Screen vessels, companies and people in place; degrade to "unavailable" with the reason."""
    targets = [e for e in entities if e["type"] in SCHEMA]
    if not targets:
        return
    if len(targets) > MAX_SCREENED_ENTITIES:
        note = (
            f"the article names {len(targets)} vessels, companies and people: "
            f"only the first {MAX_SCREENED_ENTITIES} were screened"
        )
        _mark(targets[MAX_SCREENED_ENTITIES:], "not screened", note)
        targets = targets[:MAX_SCREENED_ENTITIES]
    if store is None:
        _mark(targets, "unavailable", "no store: screening needs loaded lists")
        return
    from oiltrail.screen.match import screen_query  # late: screening's imports are heavy
    from oiltrail.screen.watchlist import ensure_lists

    try:
        ensure_lists(store)
    except (OiltrailError, duckdb.Error, OSError) as exc:  # a store or file fault: "no lists"
        note = f"could not load the bundled watchlist ({type(exc).__name__})"
        for e in targets:
            e["screening"]["note"] = note
    for e in targets:
        try:
            hits = screen_query(store, name=e["name"], schema=SCHEMA[e["type"]], with_status=True)
        except Exception as exc:  # degrade per entity: screening is evidence, not a gate
            lines = str(getattr(exc, "detail", exc)).splitlines() or [type(exc).__name__]
            _mark([e], "unavailable", f"screening unavailable: {lines[0]}")
            continue
        e["screening"] = _summary(hits)
        if e["type"] == "person":
            _names_must_agree(e)


def _tokens(name: str) -> list[str]:
    return sorted(re.sub(r"[^\w\s]", " ", name.lower()).split())


def _names_must_agree(e: dict[str, Any]) -> None:
    """A person "match" on the name alone needs every part of the name to agree.

    Korean names share syllables: Ri Jong Ho is not RI Jong Won. A hit whose name differs in a
    part is shown as a possible match with what would settle it, never as the listed person.
    """
    s = e["screening"]
    if s["status"] != "match":
        return
    if any(h.get("match") and _tokens(str(h.get("name"))) == _tokens(e["name"]) for h in s["hits"]):
        return
    s["status"] = "possible match"
    s["note"] = (
        f"no listed name agrees with {e['name']} in every part (nearest "
        f"{s['hits'][0].get('name')}, {float(s['hits'][0].get('score') or 0):.2f}): not the same "
        "person on the name alone; a date of birth or passport number would settle it"
    )


def _mark(entities: list[dict[str, Any]], status: str, note: str) -> None:
    for e in entities:
        e["screening"] = {"status": status, "hits": [], "note": note}


def _summary(hits: list[dict[str, Any]]) -> dict[str, Any]:
    keep = ("entity_id", "name", "schema", "score", "match", "lists", "reasons")
    slim = [{k: h.get(k) for k in keep} for h in hits[:3]]
    ruled_out = [h for h in slim if str(h.get("reasons") or "").startswith(RULED_OUT)]
    if any(h.get("status") == "match" for h in hits):
        status = "match"
    elif any(h.get("status") == "possible" for h in hits[:3]):
        status = "possible match"
    else:
        status = "no match"
    summary: dict[str, Any] = {"status": status, "hits": slim}
    if status == "no match" and ruled_out:
        # the nearest listed names, and why the screening rules them out
        summary["note"] = "nearest listed names ruled out: " + "; ".join(
            f"{h['name']} ({str(h['reasons']).split(';')[0][len(RULED_OUT) :].strip()})"
            for h in ruled_out
        )
    return summary


# How a screening hit's reasons open when its rules exclude it (screen/evidence.py), as opposed
# to a near name that only scored under the threshold.
RULED_OUT = "not a match:"
