"""Screen one query (name, IMO, MMSI) against the loaded lists: scores in [0, 1] with reasons."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from rigour.ids import IMO

from oiltrail.errors import UsageError
from oiltrail.screen.evidence import (
    IMO_RULED_OUT_FACTOR,
    IMO_SCORE,
    MMSI_SCORE,
    Evidence,
    Listed,
    decide,
    flag_of_mmsi,
)
from oiltrail.screen.index import ScreenIndex, get_index
from oiltrail.screen.normalize import NormName, normalize_name
from oiltrail.screen.schemata import related
from oiltrail.screen.score import (
    DEFAULT_SCORING,
    NameScoring,
    listed_features,
    name_features,
    query_features,
    score_feature_pairs,
)
from oiltrail.screen.translit import romanisation_note
from oiltrail.screen.watchlist import ensure_lists
from oiltrail.store import Store

SCREEN_COLUMNS = ("query_id", "entity_id", "name", "schema", "score", "match", "lists", "reasons")
IMO_CONFLICT_FACTOR = IMO_RULED_OUT_FACTOR  # same name, another valid IMO: not a match
__all__ = ["IMO_CONFLICT_FACTOR", "IMO_SCORE", "MMSI_SCORE"]  # read by screen/yente.py
QUERY_SCHEMATA = ("Vessel", "Company", "Person", "Organization", "LegalEntity")
WEAK_ALIAS_FACTOR = 0.9
# Names scored per query: the best by shared trigrams (yente takes limit × 10 entities from
# Elasticsearch; trigram ranking of names is sharper, so fewer suffice).
CANDIDATES_MIN = 20
CANDIDATES_PER_HIT = 4
_IMO_QUERY_RE = re.compile(r"^\s*IMO[\s:#-]*(\d{7})\s*$", re.IGNORECASE)
_MMSI_RE = re.compile(r"^\s*(\d{9})\s*$")


@dataclass(frozen=True)
class Query:
    """One screening query; any field may be empty."""

    query_id: str = ""
    name: str = ""
    imo: str = ""
    mmsi: str = ""
    schema: str = ""
    flag: str = ""  # ISO alpha-2 (the MMSI's MID gives it when empty)
    ship_type: str = ""  # tanker | cargo, as evidence for a vessel with a common name
    notes: tuple[str, ...] = ()  # what validation set aside (an IMO that fails its check)


def parse_query(text: str) -> Query:
    """`IMO1234567` → IMO, nine digits → MMSI, anything else → a name."""
    if m := _IMO_QUERY_RE.match(text):
        return Query("1", imo=m.group(1))
    if m := _MMSI_RE.match(text):
        return Query("1", mmsi=m.group(1))
    return Query("1", name=text)


def check_imo(imo: str) -> str:
    """Seven digits passing the vessel or company check digit (rigour), else UsageError."""
    digits = re.sub(r"^IMO", "", imo.strip().upper()).strip()
    if not re.fullmatch(r"\d{7}", digits):
        raise UsageError(f"IMO number {imo!r} is not seven digits")
    if not IMO.is_valid(digits):
        raise UsageError(f"IMO number {imo!r} fails both the vessel and company check digits")
    return digits


def _schema_ok(query_schema: str, entity_schema: str) -> bool:
    if not query_schema:
        return True
    return related(query_schema, entity_schema)


def validate_query(query: Query) -> Query:
    if query.schema and query.schema not in QUERY_SCHEMATA:
        raise UsageError(f"unknown schema {query.schema!r}: expected Vessel, Company or Person")
    if not (query.name.strip() or query.imo.strip() or query.mmsi.strip()):
        raise UsageError("empty query: give a name, an IMO number or an MMSI")
    mmsi = query.mmsi.strip()
    if mmsi and not re.fullmatch(r"\d{9}", mmsi):
        raise UsageError(f"MMSI {mmsi!r} is not nine digits")
    imo, notes = "", query.notes
    if query.imo.strip():
        try:
            imo = check_imo(query.imo)
        except UsageError as exc:
            if not (query.name.strip() or mmsi):
                raise
            notes = (*notes, f"{exc.detail}: ignored, screened without it")
    flag = query.flag.strip().lower()
    if flag and not re.fullmatch(r"[a-z]{2}", flag):
        raise UsageError(f"flag {query.flag!r} is not a two-letter country code")
    return Query(
        query.query_id, query.name.strip(), imo, mmsi, query.schema, flag, query.ship_type, notes
    )


NameHit = tuple[float, NormName, NormName]  # score, query form, list form
_NO_CANDIDATES = np.zeros(0, np.int64)


def _name_scores(
    index: ScreenIndex,
    forms: Sequence[tuple[NormName, ...]],
    k: int,
    cutoff: float,
    params: NameScoring,
) -> list[dict[int, NameHit]]:
    """For each query (its forms), the best name score per entity among its blocked
    candidates, those at or above cutoff. All pairs of all queries: one kernel call."""
    feats = index.features
    if params is not feats.params and params != feats.params:
        feats = listed_features(index.names, params)
    cands = [index.candidates(f, k) if f else _NO_CANDIDATES for f in forms]
    flat = [f for fs in forms for f in fs]
    if len(forms) == 1 and feats is index.features:  # `screen QUERY`: features cached
        queries = query_features(forms[0], feats)
    else:
        queries = name_features(flat, params, numbers_from=feats)
    per_form = [c for fs, c in zip(forms, cands, strict=True) for _ in fs]
    q_rows = np.arange(len(flat)).repeat(np.array([len(c) for c in per_form], dtype=np.int64))
    l_rows = np.concatenate(per_form) if per_form else _NO_CANDIDATES
    scores = score_feature_pairs(queries, feats, q_rows, l_rows)
    out, end = [], 0
    for f, c in zip(forms, cands, strict=True):
        start, end = end, end + len(f) * len(c)
        out.append(_best_per_entity(index, f, c, scores[start:end], cutoff))
    return out


def _best_per_entity(
    index: ScreenIndex,
    forms: Sequence[NormName],
    cands: NDArray[np.int64],
    scores: NDArray[np.float64],
    cutoff: float,
) -> dict[int, NameHit]:
    """One query's scores (form by form, each over all candidates) to its hits by entity."""
    if len(cands) == 0:
        return {}
    if len(forms) == 1:
        best_form, best = np.zeros(len(cands), dtype=np.int64), scores
    else:
        by_form = scores.reshape(len(forms), len(cands))
        best_form = by_form.argmax(axis=0)  # the first form on a tie
        best = by_form[best_form, np.arange(len(cands))]
    best = np.where(index.name_weak[cands], best * WEAK_ALIAS_FACTOR, best)
    pos = (best >= cutoff).nonzero()[0]
    out: dict[int, NameHit] = {}
    for e, score, f, name in zip(
        index.name_entity[cands[pos]].tolist(),
        best[pos].tolist(),
        best_form[pos].tolist(),
        cands[pos].tolist(),
        strict=True,
    ):
        if e not in out or out[e][0] < score:
            out[e] = (score, forms[f], index.names[name])
    return out


def _name_reason(score: float, q: NormName, r: NormName) -> str:
    how = []
    if note := romanisation_note(q.original, q.form):  # Hangul, Han, Korean in Cyrillic
        how.append(note)
    if q.joined == r.joined and q.tokens != r.tokens:
        how.append("same letters, joined/split differently")
    elif q.joined == r.joined:
        how.append("same after normalisation")
    if q.numbers != r.numbers and q.numbers and r.numbers:
        how.append(f"numbers differ {'/'.join(q.numbers)} vs {'/'.join(r.numbers)}")
    extra = f" ({'; '.join(how)})" if how else ""
    return f"name {q.form!r} ~ {r.original!r} {score:.2f}{extra}"


def screen_prepared(
    index: ScreenIndex,
    query: Query,
    limit: int = 5,
    cutoff: float = 0.5,
    threshold: float = 0.7,
    params: NameScoring = DEFAULT_SCORING,
) -> list[dict[str, Any]]:
    """Screen a validated query against an index; screening rows (docs/exports.md), best first."""
    return screen_many(index, [query], limit, cutoff, threshold, params)[0]


def screen_many(
    index: ScreenIndex,
    queries: Sequence[Query],
    limit: int = 5,
    cutoff: float = 0.5,
    threshold: float = 0.7,
    params: NameScoring = DEFAULT_SCORING,
) -> list[list[dict[str, Any]]]:
    """Screen validated queries together (their name pairs scored in one kernel call).

    Returns:
        For each query, the rows `screen_prepared` gives it. Memory grows with the number of
        queries: callers with many pass chunks of a few hundred.
    """
    decided = screen_many_decided(index, queries, limit, cutoff, threshold, params)
    return [[{c: row[c] for c in SCREEN_COLUMNS} for row in rows] for rows in decided]


def screen_many_decided(
    index: ScreenIndex,
    queries: Sequence[Query],
    limit: int = 5,
    cutoff: float = 0.5,
    threshold: float = 0.7,
    params: NameScoring = DEFAULT_SCORING,
) -> list[list[dict[str, Any]]]:
    """`screen_many`'s rows, each with its `status` too: match, possible or no."""
    forms = [normalize_name(q.name) if q.name else () for q in queries]
    k = max(CANDIDATES_MIN, limit * CANDIDATES_PER_HIT)
    names = _name_scores(index, forms, k, cutoff, params)
    return [
        _rows(index, q, n, limit, cutoff, threshold) for q, n in zip(queries, names, strict=True)
    ]


def _rows(
    index: ScreenIndex,
    query: Query,
    names: dict[int, NameHit],
    limit: int,
    cutoff: float,
    threshold: float,
) -> list[dict[str, Any]]:
    """One query's rows from its name hits and its IMO / MMSI hits, each decided by the
    evidence rules (screen/evidence.py)."""
    imo_hits = set(index.by_imo.get(query.imo, [])) if query.imo else set()
    mmsi_hits = set(index.by_mmsi.get(query.mmsi, [])) if query.mmsi else set()
    evidence = Evidence(
        query.imo, query.mmsi, query.flag or flag_of_mmsi(query.mmsi), query.ship_type
    )
    scored = []
    for e in set(names) | imo_hits | mmsi_hits:
        entity = index.entities[e]
        if not _schema_ok(query.schema, entity.schema):
            continue
        name = names.get(e)
        listed = Listed(entity.schema, entity.imos, entity.mmsis, entity.flags, entity.types)
        reason = _name_reason(*name) if name is not None else ""
        decision = decide(evidence, listed, name, reason, threshold)
        if decision.score >= cutoff:
            scored.append((-decision.score, not decision.match, entity.id, e, decision))
    scored.sort(key=lambda s: s[:3])
    dates = index.list_dates or {}
    rows = []
    for neg_score, _, _, e, decision in scored[:limit]:
        entity = index.entities[e]
        reasons = [*decision.reasons, *query.notes]
        hit = names.get(e)
        if hit is not None and hit[2].original in entity.previous:
            reasons.append(f"{hit[2].original!r} is a former name of {entity.caption}")
        dated = [f"{d} ({dates[d]})" for d in entity.datasets if dates.get(d)]
        if dated:
            reasons.append("list: " + ", ".join(dated))
        if not entity.sanctioned:
            reasons.append("listed, not designated: " + "; ".join(entity.program))
        rows.append(
            {
                "query_id": query.query_id,
                "entity_id": entity.id,
                "name": entity.caption,
                "schema": entity.schema,
                "score": round(-neg_score, 3),
                "match": decision.match,
                "lists": "; ".join(entity.datasets),
                "reasons": "; ".join(reasons),
                "status": decision.status,  # match | possible | no (screen_many drops it)
            }
        )
    return rows


def screen_query(
    store: Store,
    name: str | None = None,
    imo: str | None = None,
    mmsi: str | None = None,
    schema: str | None = None,
    limit: int = 5,
    cutoff: float = 0.5,
    threshold: float = 0.7,
    with_status: bool = False,
) -> list[dict[str, Any]]:
    """Screen one name / IMO / MMSI against the store's lists (the bundled list if none).

    Returns:
        Rows with `query_id, entity_id, name, schema, score, match, lists, reasons`, and
        with `with_status` the decision's `status` too (match | possible | no).
    """
    check_limits(limit, cutoff, threshold)
    query = validate_query(Query("1", name or "", imo or "", str(mmsi or ""), schema or ""))
    ensure_lists(store)
    if with_status:
        return screen_many_decided(get_index(store), [query], limit, cutoff, threshold)[0]
    return screen_prepared(get_index(store), query, limit, cutoff, threshold)


def check_limits(limit: int, cutoff: float, threshold: float) -> None:
    if limit < 1:
        raise UsageError("limit must be at least 1", ("limit",))
    for label, value in (("cutoff", cutoff), ("threshold", threshold)):
        if not 0.0 <= value <= 1.0:
            raise UsageError(f"{label} must be between 0 and 1", (label,))
