"""Score name pairs in batches: token alignment and whole-name similarity, numbers must agree.

The work per pair is a few C calls (rapidfuzz) over all token pairs of the batch at once, then
numpy reductions, so a query scored against its candidates costs microseconds per pair.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler, Levenshtein

from oiltrail.screen.normalize import NormName


@dataclass(frozen=True)
class NameScoring:
    """Weights of the name score; defaults tuned on nomenklatura's curated name-bench cases."""

    token_floor: float = 0.8  # token similarity below this counts as no match at all
    result_extra_weight: float = 0.35  # weight of list-name words the query lacks (logic-v2: 0.2)
    query_extra_weight: float = 1.0  # weight of query words the list name lacks (logic-v2: 0.8)
    jw_discount: float = 0.12  # Jaro-Winkler is lenient on short words: discount it
    number_mismatch_cap: float = 0.55  # "YU JONG 2" vs "YU JONG 3": below the 0.7 threshold
    number_missing_factor: float = 0.9  # "VICTORY" vs "VICTORY 3"
    initial_score: float = 0.9  # "J" for "Joachim"
    same_count_joined_factor: float = 0.88  # whole-name similarity when word counts agree


DEFAULT_SCORING = NameScoring()
# Words shared by many listed company names: agreeing on them says little ("KOREA ACHIM
# SHIPPING CO" vs "KOREA ANSAN SHIPPING COMPANY"), so they weigh less in the token score.
COMMON_WORDS = frozenset(
    """korea korean dprk shipping shipment trading trade general international group
    industrial industry industries bank development energy marine maritime navigation
    petroleum oil import export investment investments holding holdings technology
    technologies foreign national service services logistics management enterprise
    enterprises commercial united global""".split()  # noqa: SIM905
)
COMMON_WORD_FACTOR = 0.4


def token_weight(token: str) -> float:
    """A token's weight in the name score: its length, less for common company words."""
    return len(token) * (COMMON_WORD_FACTOR if token in COMMON_WORDS else 1.0)


def _token_sims(left: list[str], right: list[str], params: NameScoring) -> NDArray[np.float64]:
    if not left:
        return np.zeros(0)
    lev = process.cpdist(left, right, scorer=Levenshtein.normalized_similarity, workers=1)
    jw = process.cpdist(left, right, scorer=JaroWinkler.normalized_similarity, workers=1)
    sims = np.maximum(lev, jw - params.jw_discount).astype(np.float64)
    initials = np.fromiter(
        ((len(a) == 1 or len(b) == 1) and a[0] == b[0] for a, b in zip(left, right, strict=True)),
        dtype=bool,
        count=len(left),
    )
    sims[initials] = np.maximum(sims[initials], params.initial_score)
    sims[sims < params.token_floor] = 0.0
    result: NDArray[np.float64] = sims
    return result


def score_pairs(
    lefts: Sequence[NormName], rights: Sequence[NormName], params: NameScoring = DEFAULT_SCORING
) -> NDArray[np.float64]:
    """Name score in [0, 1] for each (query form, list form) pair, element-wise."""
    n = len(lefts)
    if n == 0:
        return np.zeros(0)
    ta: list[str] = []
    tb: list[str] = []
    q_slot: list[int] = []
    c_slot: list[int] = []
    q_w: list[float] = []
    c_w: list[float] = []
    q_pair: list[int] = []
    c_pair: list[int] = []
    for p, (q, c) in enumerate(zip(lefts, rights, strict=True)):
        q0, c0 = len(q_w), len(c_w)
        for qt in q.tokens:
            q_w.append(token_weight(qt))
            q_pair.append(p)
        for ct in c.tokens:
            c_w.append(token_weight(ct))
            c_pair.append(p)
        for i, qt in enumerate(q.tokens):
            for j, ct in enumerate(c.tokens):
                ta.append(qt)
                tb.append(ct)
                q_slot.append(q0 + i)
                c_slot.append(c0 + j)
    sims = _token_sims(ta, tb, params)
    q_best = np.zeros(len(q_w))
    c_best = np.zeros(len(c_w))
    if len(sims):
        np.maximum.at(q_best, np.asarray(q_slot), sims)
        np.maximum.at(c_best, np.asarray(c_slot), sims)
    qw = np.asarray(q_w, dtype=np.float64)
    cw = np.asarray(c_w, dtype=np.float64) * params.result_extra_weight
    qp = np.asarray(q_pair, dtype=np.int64)
    cp = np.asarray(c_pair, dtype=np.int64)
    qw = qw * params.query_extra_weight
    num = np.bincount(qp, qw * q_best, n) + np.bincount(cp, cw * c_best, n)
    den = np.bincount(qp, qw, n) + np.bincount(cp, cw, n)
    token_score = np.divide(num, den, out=np.zeros(n), where=den > 0)
    joined = process.cpdist(
        [q.joined for q in lefts],
        [c.joined for c in rights],
        scorer=Levenshtein.normalized_similarity,
        workers=1,
    ).astype(np.float64)
    split = np.fromiter(
        (len(q.tokens) != len(c.tokens) for q, c in zip(lefts, rights, strict=True)), bool, n
    )
    score = np.maximum(token_score, _joined_counts(joined, split, params))
    return _apply_numbers(score, lefts, rights, params)


def _joined_counts(
    joined: NDArray[np.float64], split: NDArray[np.bool_], params: NameScoring
) -> NDArray[np.float64]:
    """The whole-name comparison is for words joined or split differently ("CHONMASAN");
    with as many words on both sides the token score already judges it, and the whole name
    would let common words hide a different one ("KOREA ACHIM" vs "KOREA ANSAN")."""
    same = joined * params.same_count_joined_factor
    result: NDArray[np.float64] = np.where(split | (joined == 1.0), joined, same)
    return result


def _apply_numbers(
    score: NDArray[np.float64],
    lefts: Sequence[NormName],
    rights: Sequence[NormName],
    params: NameScoring,
) -> NDArray[np.float64]:
    for p, (q, c) in enumerate(zip(lefts, rights, strict=True)):
        if q.numbers == c.numbers:  # most often both empty: a tuple compare, no more
            continue
        if q.numbers and c.numbers:
            score[p] = min(score[p], params.number_mismatch_cap)
        else:
            score[p] *= params.number_missing_factor
    return score


def score_names(
    query: Sequence[NormName], result: Sequence[NormName], params: NameScoring = DEFAULT_SCORING
) -> tuple[float, NormName | None, NormName | None]:
    """Best score over all forms of two names, with the two forms that gave it."""
    pairs = [(q, r) for q in query for r in result]
    if not pairs:
        return 0.0, None, None
    scores = score_pairs([p[0] for p in pairs], [p[1] for p in pairs], params)
    best = int(np.argmax(scores))
    return float(scores[best]), pairs[best][0], pairs[best][1]


# rapidfuzz cut-offs a little under the token floor: a pair below them cannot reach the floor
# (Levenshtein below it, or Jaro-Winkler less the discount), so it may come back as 0 at once.
_CUTOFF_MARGIN = 0.01


@dataclass(frozen=True)
class NameFeatures:
    """Everything the scorer needs of many list forms, computed once (at index time).

    Word tokens are flattened: `tok_start[i]` and `tok_count[i]` locate form i's tokens."""

    params: NameScoring
    tok_text: NDArray[np.object_]  # token strings
    tok_first: NDArray[np.int64]  # code point of each token's first letter
    tok_len: NDArray[np.int64]
    tok_cw: NDArray[np.float64]  # `token_weight` × result_extra_weight
    tok_start: NDArray[np.int64]
    tok_count: NDArray[np.int64]
    c_den: NDArray[np.float64]  # sum of `tok_cw` per form
    has_single: NDArray[np.bool_]  # form has a one-letter token (an initial)
    joined: NDArray[np.object_]
    numbers: NDArray[np.int64]  # id of the numbers tuple; 0 when the form has none
    number_ids: dict[tuple[str, ...], int]


def name_features(names: Sequence[NormName], params: NameScoring = DEFAULT_SCORING) -> NameFeatures:
    """Precompute the list side of `score_candidates` for `names`."""
    texts = [t for c in names for t in c.tokens]
    count = np.fromiter((len(c.tokens) for c in names), dtype=np.int64, count=len(names))
    start = np.cumsum(count) - count
    length = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    weight = np.fromiter((token_weight(t) for t in texts), dtype=np.float64, count=len(texts))
    cw = weight * params.result_extra_weight
    c_den = np.zeros(len(names))
    has = count > 0
    if has.any():
        c_den[has] = np.add.reduceat(cw, start[has])
    number_ids: dict[tuple[str, ...], int] = {(): 0}
    numbers = [number_ids.setdefault(c.numbers, len(number_ids)) for c in names]
    single = np.zeros(len(names), dtype=bool)
    single[has] = np.maximum.reduceat(length == 1, start[has]) if has.any() else False
    return NameFeatures(
        params,
        _objects(texts),
        np.fromiter((ord(t[0]) for t in texts), dtype=np.int64, count=len(texts)),
        length,
        cw,
        start,
        count,
        c_den,
        single,
        _objects([c.joined for c in names]),
        np.asarray(numbers, dtype=np.int64),
        number_ids,
    )


def _objects(values: list[str]) -> NDArray[np.object_]:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


@dataclass(frozen=True)
class QueryFeatures:
    """One query form prepared once for scoring against any number of candidates."""

    tokens: list[str]
    qw: NDArray[np.float64]  # token weights × query_extra_weight
    qw_sum: float
    first: NDArray[np.int64]
    length: NDArray[np.int64]
    has_single: bool
    joined: list[str]
    numbers: tuple[str, ...]


@functools.lru_cache(maxsize=4096)
def query_features(query: NormName, params: NameScoring = DEFAULT_SCORING) -> QueryFeatures:
    tokens = list(query.tokens)
    qw = np.array([token_weight(t) for t in tokens]) * params.query_extra_weight
    length = np.array([len(t) for t in tokens], dtype=np.int64)
    return QueryFeatures(
        tokens,
        qw,
        qw.sum(),
        np.array([ord(t[0]) for t in tokens], dtype=np.int64),
        length,
        bool((length == 1).any()),
        [query.joined],
        query.numbers,
    )


def score_one_to_many(
    query: NormName, cands: Sequence[NormName], params: NameScoring = DEFAULT_SCORING
) -> NDArray[np.float64]:
    """Score one query form against many list forms: the same score as `score_pairs`."""
    feats = name_features(cands, params)
    return score_candidates(query_features(query, params), feats, np.arange(len(cands)))


def score_candidates(
    query: QueryFeatures, feats: NameFeatures, cands: NDArray[np.int64]
) -> NDArray[np.float64]:
    """Score one prepared query against the list forms `cands` of `feats`: rapidfuzz matrix
    calls for all token pairs and the whole names, numpy for the rest; no per-pair Python."""
    n = len(cands)
    if n == 0:
        return np.zeros(0)
    params = feats.params
    joined = process.cdist(
        query.joined, feats.joined[cands], scorer=Levenshtein.normalized_similarity, workers=1
    )[0].astype(np.float64)
    counts = feats.tok_count[cands]
    split = counts != len(query.tokens)
    score = np.maximum(
        _token_scores(query, feats, cands, counts), _joined_counts(joined, split, params)
    )
    num_ids = feats.numbers[cands]
    q_num = feats.number_ids.get(query.numbers, -1)
    differ = num_ids != q_num
    if differ.any():
        both = differ & (num_ids != 0) if query.numbers else np.zeros(n, dtype=bool)
        score[both] = np.minimum(score[both], params.number_mismatch_cap)
        score[differ & ~both] *= params.number_missing_factor
    return score


def _token_scores(
    query: QueryFeatures, feats: NameFeatures, cands: NDArray[np.int64], counts: NDArray[np.int64]
) -> NDArray[np.float64]:
    n = len(cands)
    total = int(counts.sum())
    if not query.tokens or total == 0:
        return np.zeros(n)
    params = feats.params
    seg = np.cumsum(counts)
    seg -= counts  # each candidate's first token in the gathered block
    offsets = np.repeat(feats.tok_start[cands] - seg, counts)
    offsets += np.arange(total)
    texts = feats.tok_text[offsets].tolist()
    lev = process.cdist(
        query.tokens,
        texts,
        scorer=Levenshtein.normalized_similarity,
        workers=1,
        score_cutoff=params.token_floor - _CUTOFF_MARGIN,
    )
    jw = process.cdist(
        query.tokens,
        texts,
        scorer=JaroWinkler.normalized_similarity,
        workers=1,
        score_cutoff=params.token_floor + params.jw_discount - _CUTOFF_MARGIN,
    )
    jw -= params.jw_discount  # float32, as before the cut-offs
    sims = np.maximum(lev, jw, dtype=np.float64)
    if query.has_single or feats.has_single[cands].any():  # initials: "J" for "Joachim"
        singles = (query.length[:, None] == 1) | (feats.tok_len[offsets][None, :] == 1)
        initials = singles & (query.first[:, None] == feats.tok_first[offsets][None, :])
        np.maximum(sims, np.where(initials, params.initial_score, 0.0), out=sims)
    sims[sims < params.token_floor] = 0.0
    if counts.all():  # the usual case: every list form has words
        q_best = np.maximum.reduceat(sims, seg, axis=1)
        c_num = np.add.reduceat(feats.tok_cw[offsets] * sims.max(axis=0), seg)
    else:
        has = counts > 0
        q_best = np.zeros((len(query.tokens), n))
        q_best[:, has] = np.maximum.reduceat(sims, seg[has], axis=1)
        c_num = np.zeros(n)
        c_num[has] = np.add.reduceat(feats.tok_cw[offsets] * sims.max(axis=0), seg[has])
    num = query.qw @ q_best
    num += c_num
    den = feats.c_den[cands]
    den += query.qw_sum
    if query.qw_sum > 0:  # den > 0 everywhere: token weights are positive
        num /= den
        return num
    result: NDArray[np.float64] = np.divide(num, den, out=np.zeros(n), where=den > 0)
    return result
