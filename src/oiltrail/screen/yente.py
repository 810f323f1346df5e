"""Matching in the shapes of OpenSanctions yente's `POST /match/{dataset}` (docs/serve.md).

A query is a FollowTheMoney-style example (`schema`, `properties`); its names, IMO numbers and
MMSIs become oiltrail screening queries (docs/screening.md), scored together, and each result
carries yente's fields (`id, caption, schema, properties, datasets, score, match, features,
explanations`), so that a compliance tool written for yente reads oiltrail's answer unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from followthemoney import model
from rigour.ids import IMO

from oiltrail.errors import NotFoundError, OiltrailError
from oiltrail.screen.index import NAME_PROPS, ScreenIndex, get_index
from oiltrail.screen.match import (
    IMO_CONFLICT_FACTOR,
    IMO_SCORE,
    MMSI_SCORE,
    QUERY_SCHEMATA,
    Query,
    screen_many,
)
from oiltrail.store import Store
from oiltrail.store.vessel_reads import entity_data

MAX_QUERIES = 100  # per request, as yente's default batch limit
MAX_VALUES = 20  # values per property kept from a query
MAX_VALUE_CHARS = 500
CHUNK = 256  # screening queries scored per kernel call
ALGORITHM = "oiltrail-screen"
DOCS_URL = "docs/screening.md"

FEATURES: dict[str, tuple[str, float]] = {
    "name_match": ("Best name similarity (token and character level, romanisation aware)", 1.0),
    "imo_number_match": ("An IMO number of the query is the entity's", IMO_SCORE),
    "mmsi_match": ("An MMSI of the query is the entity's", MMSI_SCORE),
    "imo_number_mismatch": (
        "Both have IMO numbers and they differ: not a match (the name score is halved)",
        IMO_CONFLICT_FACTOR,
    ),
    "not_designated": ("Listed (e.g. an advisory) but not under a sanctions designation", 0.0),
}
_NAME_REASON = re.compile(r"name (['\"])(.*?)\1 ~ (['\"])(.*?)\3 (\d\.\d\d)(?: \(([^)]*)\))?")


class BadExample(OiltrailError):
    """A match query that is not a valid FollowTheMoney example."""

    http_status = 422


def matcher_docs() -> dict[str, dict[str, Any]]:
    """yente's `matcher` block: each feature's description, coefficient and documentation."""
    return {
        name: {"description": text, "coefficient": coef, "url": DOCS_URL}
        for name, (text, coef) in FEATURES.items()
    }


def _values(key: str, prop: str, raw: str | Sequence[str]) -> list[str]:
    values = [raw] if isinstance(raw, str) else list(raw)
    out = []
    for v in values[:MAX_VALUES]:
        if not isinstance(v, str):
            raise BadExample(f"query {key!r}: {prop} values must be strings")
        if len(v) > MAX_VALUE_CHARS:
            raise BadExample(f"query {key!r}: a {prop} value is over {MAX_VALUE_CHARS} characters")
        if v.strip():
            out.append(v.strip())
    return out


def check_example(key: str, example: Mapping[str, Any]) -> dict[str, list[str]]:
    """The example's properties as lists of strings, or BadExample (unknown schema, property)."""
    schema = model.get(str(example.get("schema") or ""))
    if schema is None:
        raise BadExample(f"query {key!r}: unknown schema {str(example.get('schema'))[:60]!r}")
    props: dict[str, list[str]] = {}
    for prop, raw in (example.get("properties") or {}).items():
        if schema.get(prop) is None:
            raise BadExample(f"query {key!r}: {schema.name} has no property {prop[:60]!r}")
        props[prop] = _values(key, prop, raw)
    return props


def _queries(key: str, schema: str, props: Mapping[str, list[str]]) -> list[Query]:
    names = [n for p in NAME_PROPS for n in props.get(p, [])][:MAX_VALUES]
    imos = []
    for raw in props.get("imoNumber", []):
        digits = re.sub(r"^IMO[\s:#-]*", "", raw.strip().upper())
        if re.fullmatch(r"\d{7}", digits) and IMO.is_valid(digits):
            imos.append(digits)  # a number failing its check digit identifies nothing
    mmsis = [m.strip() for m in props.get("mmsi", []) if re.fullmatch(r"\s*\d{9}\s*", m)]
    if not (names or imos or mmsis):
        return []
    q_schema = schema if schema in QUERY_SCHEMATA else ""
    return [
        Query(key, name, imo, mmsi, q_schema)
        for name in names or [""]
        for imo in imos or [""]
        for mmsi in mmsis[:1] or [""]
    ]


def explain(reasons: str) -> dict[str, dict[str, Any]]:
    """yente's `explanations` from a screening row's reasons."""
    out: dict[str, dict[str, Any]] = {}
    if m := _NAME_REASON.search(reasons):
        detail = f"{m.group(2)!r} ~ {m.group(4)!r}" + (f" ({m.group(6)})" if m.group(6) else "")
        out["name_match"] = {
            "score": float(m.group(5)),
            "detail": detail,
            "query": m.group(2),
            "candidate": m.group(4),
        }
    if "IMO number matches" in reasons:
        out["imo_number_match"] = {"score": 1.0, "detail": "IMO number matches"}
    if "MMSI matches" in reasons:
        out["mmsi_match"] = {"score": 1.0, "detail": "MMSI matches"}
    if "IMO numbers differ" in reasons:
        out["imo_number_mismatch"] = {"score": 1.0, "detail": "IMO numbers differ"}
    if "listed, not designated" in reasons:
        note = reasons[reasons.index("listed, not designated") :]
        out["not_designated"] = {"score": 1.0, "detail": note}
    for e in out.values():
        e.setdefault("query", None)
        e.setdefault("candidate", None)
    return out


def datasets_of(index: ScreenIndex) -> set[str]:
    return {d for e in index.entities for d in e.datasets}


def match_examples(
    store: Store,
    dataset: str,
    examples: Mapping[str, Mapping[str, Any]],
    limit: int = 5,
    threshold: float = 0.7,
    cutoff: float = 0.5,
    exclude_ids: Sequence[str] = (),
    exclude_datasets: Sequence[str] = (),
) -> dict[str, Any]:
    """yente's EntityMatchResponse for `examples` (key -> example) against `dataset`
    ("default": every loaded list)."""
    if len(examples) > MAX_QUERIES:
        raise BadExample(f"{len(examples)} queries: at most {MAX_QUERIES} per request")
    index = get_index(store)
    known = datasets_of(index)
    if dataset != "default" and dataset not in known:
        names = ", ".join(sorted(known)) or "none loaded"
        raise NotFoundError(f"no dataset {dataset[:60]!r}: default or one of {names}")
    checked = {key: check_example(key, ex) for key, ex in examples.items()}
    per_key = {
        key: _queries(key, str(examples[key]["schema"]), props) for key, props in checked.items()
    }
    flat = [q for qs in per_key.values() for q in qs]
    filtering = dataset != "default" or exclude_ids or exclude_datasets
    k = limit * 4 + len(exclude_ids) if filtering else limit
    hits: list[list[dict[str, Any]]] = []
    for start in range(0, len(flat), CHUNK):
        hits += screen_many(index, flat[start : start + CHUNK], k, cutoff, threshold)
    by_entity = {e.id: e for e in index.entities}
    skip_ids, skip_sets = set(exclude_ids), set(exclude_datasets)
    chosen: dict[str, list[dict[str, Any]]] = {}
    at = 0
    for key, qs in per_key.items():
        best: dict[str, dict[str, Any]] = {}
        for rows in hits[at : at + len(qs)]:
            for h in rows:
                if h["entity_id"] not in best or best[h["entity_id"]]["score"] < h["score"]:
                    best[h["entity_id"]] = h
        at += len(qs)
        kept = []
        for h in sorted(best.values(), key=lambda h: (-h["score"], h["entity_id"])):
            sets = set(by_entity[h["entity_id"]].datasets)
            if h["entity_id"] in skip_ids or (dataset != "default" and dataset not in sets):
                continue
            if skip_sets and sets <= skip_sets:
                continue
            kept.append(h)
        chosen[key] = kept[:limit]
    data = entity_data(store, sorted({h["entity_id"] for hs in chosen.values() for h in hs}))
    responses = {}
    for key, kept in chosen.items():
        results = [_result(h, by_entity[h["entity_id"]], data, threshold) for h in kept]
        example = examples[key]
        responses[key] = {
            "status": 200,
            "results": results,
            "total": {"value": len(results), "relation": "eq"},
            "query": {
                "id": example.get("id"),
                "schema": example["schema"],
                "properties": checked[key],
            },
        }
    return {"responses": responses, "matcher": matcher_docs(), "limit": limit}


def _result(
    hit: Mapping[str, Any], entity: Any, data: Mapping[str, dict[str, Any]], threshold: float
) -> dict[str, Any]:
    explanations = explain(str(hit["reasons"]))
    stored = data.get(entity.id, {})
    return {
        "id": entity.id,
        "caption": entity.caption,
        "schema": entity.schema,
        "properties": stored.get("properties", {}),
        "datasets": list(entity.datasets),
        "referents": [],
        "target": bool(entity.sanctioned),
        "first_seen": None,
        "last_seen": None,
        "last_change": None,
        "score": float(hit["score"]),
        "match": float(hit["score"]) >= threshold,
        "features": {k: v["score"] for k, v in explanations.items()},
        "explanations": explanations,
        "token": None,
    }
