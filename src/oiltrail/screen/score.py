"""Score name pairs in batches: token alignment and whole-name similarity, numbers must agree.

The work per pair is a few C calls (rapidfuzz) over all token pairs of the batch at once, then
numpy reductions, so a query scored against its candidates costs microseconds per pair.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class TokenBlock:
    """The word tokens of many list forms, flattened: texts, first letters, lengths."""

    texts: list[str]
    first: NDArray[np.int64]  # code point of each token's first letter
    length: NDArray[np.int64]
    weight: NDArray[np.float64]  # `token_weight` of each token
    counts: NDArray[np.int64]  # tokens per form


def token_block(cands: Sequence[NormName]) -> TokenBlock:
    texts = [t for c in cands for t in c.tokens]
    return TokenBlock(
        texts,
        np.fromiter((ord(t[0]) for t in texts), dtype=np.int64, count=len(texts)),
        np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts)),
        np.fromiter((token_weight(t) for t in texts), dtype=np.float64, count=len(texts)),
        np.fromiter((len(c.tokens) for c in cands), dtype=np.int64, count=len(cands)),
    )


def score_one_to_many(
    query: NormName,
    cands: Sequence[NormName],
    params: NameScoring = DEFAULT_SCORING,
    block: TokenBlock | None = None,
) -> NDArray[np.float64]:
    """Score one query form against many list forms: the same score as `score_pairs`, with
    one rapidfuzz matrix call for all token pairs instead of a Python loop over them.
    `block` (the candidates' tokens, precomputed by the index) saves rebuilding it."""
    n = len(cands)
    if n == 0:
        return np.zeros(0)
    joined = process.cdist(
        [query.joined], [c.joined for c in cands], scorer=Levenshtein.normalized_similarity
    )[0].astype(np.float64)
    tokens = block if block is not None else token_block(cands)
    split = tokens.counts != len(query.tokens)
    score = np.maximum(
        _token_score_matrix(query, tokens, params), _joined_counts(joined, split, params)
    )
    return _apply_numbers(score, [query] * n, cands, params)


def _token_score_matrix(
    query: NormName, block: TokenBlock, params: NameScoring
) -> NDArray[np.float64]:
    n = len(block.counts)
    if not query.tokens or not block.texts:
        return np.zeros(n)
    q_tokens = list(query.tokens)
    lev = process.cdist(q_tokens, block.texts, scorer=Levenshtein.normalized_similarity)
    jw = process.cdist(q_tokens, block.texts, scorer=JaroWinkler.normalized_similarity)
    sims = np.maximum(lev, jw - params.jw_discount).astype(np.float64)
    q_len = [len(t) for t in q_tokens]
    if 1 in q_len or (block.length == 1).any():  # initials: "J" for "Joachim"
        q_first = np.array([ord(t[0]) for t in q_tokens])
        singles = (np.array(q_len)[:, None] == 1) | (block.length[None, :] == 1)
        initials = singles & (q_first[:, None] == block.first[None, :])
        np.maximum(sims, np.where(initials, params.initial_score, 0.0), out=sims)
    sims[sims < params.token_floor] = 0.0
    qw = np.array([token_weight(t) for t in q_tokens]) * params.query_extra_weight
    cw = block.weight * params.result_extra_weight
    starts = np.cumsum(block.counts) - block.counts
    if block.counts.all():  # the usual case: every list form has words
        q_best = np.maximum.reduceat(sims, starts, axis=1)
        c_num = np.add.reduceat(cw * sims.max(axis=0), starts)
        c_den = np.add.reduceat(cw, starts)
    else:
        has = block.counts > 0
        q_best = np.zeros((len(q_tokens), n))
        q_best[:, has] = np.maximum.reduceat(sims, starts[has], axis=1)
        c_num, c_den = np.zeros(n), np.zeros(n)
        c_num[has] = np.add.reduceat(cw * sims.max(axis=0), starts[has])
        c_den[has] = np.add.reduceat(cw, starts[has])
    num = qw @ q_best + c_num
    den = qw.sum() + c_den
    result: NDArray[np.float64] = np.divide(num, den, out=np.zeros(n), where=den > 0)
    return result
