"""Score name pairs in batches: token alignment and whole-name similarity, numbers must agree.

The work per pair is a few C calls (rapidfuzz) over all token pairs of the batch at once, then
numpy reductions, so a query scored against its candidates costs microseconds per pair.
"""

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler, Levenshtein

from oiltrail.screen.features import (
    COMMON_WORDS,
    DEFAULT_SCORING,
    NameFeatures,
    NameScoring,
    clear_caches,
    listed_features,
    name_features,
    query_features,
    token_weight,
)
from oiltrail.screen.normalize import NormName

__all__ = [  # the scorer's parameters and features live in features.py; imported from here too
    "COMMON_WORDS",
    "DEFAULT_SCORING",
    "NameFeatures",
    "NameScoring",
    "clear_caches",
    "listed_features",
    "name_features",
    "query_features",
    "score_feature_pairs",
    "score_names",
    "score_one_to_many",
    "score_pairs",
    "token_weight",
]


def score_pairs(
    lefts: Sequence[NormName], rights: Sequence[NormName], params: NameScoring = DEFAULT_SCORING
) -> NDArray[np.float64]:
    """Name score in [0, 1] for each (query form, list form) pair, element-wise."""
    listed = name_features(rights, params)
    queries = name_features(lefts, params, numbers_from=listed)
    rows = np.arange(len(lefts), dtype=np.int64)
    return score_feature_pairs(queries, listed, rows, rows)


def score_one_to_many(
    query: NormName, cands: Sequence[NormName], params: NameScoring = DEFAULT_SCORING
) -> NDArray[np.float64]:
    """Score one query form against many list forms: the same score as `score_pairs`."""
    listed = name_features(cands, params)
    queries = name_features([query], params, numbers_from=listed)
    rows = np.arange(len(cands), dtype=np.int64)
    return score_feature_pairs(queries, listed, np.zeros_like(rows), rows)


def _joined_counts(
    joined: NDArray[np.float64], split: NDArray[np.bool_], params: NameScoring
) -> NDArray[np.float64]:
    """The whole-name comparison is for words joined or split differently ("CHONMASAN");
    with as many words on both sides the token score already judges it, and the whole name
    would let common words hide a different one ("KOREA ACHIM" vs "KOREA ANSAN")."""
    same = joined * params.same_count_joined_factor
    result: NDArray[np.float64] = np.where(split | (joined == 1.0), joined, same)
    return result


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
# Winkler adds at most 4 prefix letters × 0.1 of what Jaro leaves (rapidfuzz's defaults).
_WINKLER_MAX = 0.4
# rapidfuzz returns float32: room for its rounding when a bound decides a pair needs no call.
_BOUND_SLACK = 1e-6
# Up to this many name pairs, whole names are compared without the letter bound first.
_JOINED_BOUND_MIN_PAIRS = 64
# Up to this many token pairs, all go to rapidfuzz (the bound only skips pairs it would zero).
_TOKEN_BOUND_MIN_PAIRS = 96


def score_feature_pairs(
    queries: NameFeatures,
    listed: NameFeatures,
    q_rows: NDArray[np.int64],
    l_rows: NDArray[np.int64],
) -> NDArray[np.float64]:
    """The scoring kernel: name score in [0, 1] of each pair (query form, list form).

    All token pairs of all name pairs go through two element-wise rapidfuzz calls (only those
    whose letters could reach the token floor), the rest is numpy over flat arrays. Each step
    is a handful of ufuncs and array methods, so a lone query's call costs tens of µs.

    Args:
        queries: features of the query forms, built with `numbers_from=listed`.
        listed: features of the list forms (the index's `features`).
        q_rows: for each pair, its row in `queries`.
        l_rows: for each pair, its row in `listed`.

    Returns:
        One score per pair, as `score_pairs` defines it.
    """
    if queries.params is not listed.params and queries.params != listed.params:
        raise ValueError("query and list features were built with different NameScoring")
    params = listed.params
    q_rows = np.asarray(q_rows, dtype=np.int64)
    l_rows = np.asarray(l_rows, dtype=np.int64)
    qn, ln = queries.tok_count[q_rows], listed.tok_count[l_rows]
    token = _token_scores(queries, listed, q_rows, l_rows, qn, ln)
    joined = _joined_sims(queries, listed, q_rows, l_rows, token)
    score = np.maximum(token, _joined_counts(joined, qn != ln, params))
    q_num, l_num = queries.numbers[q_rows], listed.numbers[l_rows]
    missing = (q_num == 0) != (l_num == 0)  # numbers on one side only: "VICTORY 3"
    np.multiply(score, params.number_missing_factor, out=score, where=missing)
    differ = (q_num != l_num) & ~missing  # numbers on both sides, not the same
    np.minimum(score, params.number_mismatch_cap, out=score, where=differ)
    return score


def _common_bound(
    a_mask: NDArray[np.uint64],
    b_mask: NDArray[np.uint64],
    a_len: NDArray[np.int64],
    b_len: NDArray[np.int64],
) -> NDArray[np.int64]:
    """At most this many letters of a and b can be matched: a letter of one absent from the
    other never is. Bounds Levenshtein (matches / longer) and Jaro alike."""
    shared = a_mask & b_mask
    a_only = np.bitwise_count(a_mask ^ shared)  # uint8: the subtraction makes it int64
    b_only = np.bitwise_count(b_mask ^ shared)
    result: NDArray[np.int64] = np.minimum(a_len - a_only, b_len - b_only)
    return result


def _joined_sims(
    queries: NameFeatures,
    listed: NameFeatures,
    q_rows: NDArray[np.int64],
    l_rows: NDArray[np.int64],
    token: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Levenshtein of the whole names where it could beat the token score (else 0, or its
    value: below the token score it changes nothing). A few pairs go to rapidfuzz at once:
    the bound's numpy steps would cost more than the Levenshtein calls they save."""
    if len(q_rows) <= _JOINED_BOUND_MIN_PAIRS:
        need = np.arange(len(q_rows))
    else:
        q_len, l_len = queries.joined_len[q_rows], listed.joined_len[l_rows]
        common = _common_bound(
            queries.joined_mask[q_rows], listed.joined_mask[l_rows], q_len, l_len
        )
        longest = np.maximum(q_len, l_len)
        need = ((common > (token - _BOUND_SLACK) * longest) | (longest == 0)).nonzero()[0]
    out = np.zeros(len(q_rows))
    if len(need):
        out[need] = process.cpdist(  # float32 as rapidfuzz returns it
            queries.joined[q_rows[need]].tolist(),
            listed.joined[l_rows[need]].tolist(),
            scorer=Levenshtein.normalized_similarity,
            workers=1,
        )
    return out


def _token_scores(
    queries: NameFeatures,
    listed: NameFeatures,
    q_rows: NDArray[np.int64],
    l_rows: NDArray[np.int64],
    qn: NDArray[np.int64],
    ln: NDArray[np.int64],
) -> NDArray[np.float64]:
    """Weighted share of both names' tokens matched by their best partner on the other side.

    Token pairs are laid out pair by pair, query token by query token ("rows"), each row
    holding its pair's list tokens; a (pair, list token) is a "column". Only token pairs with
    a similarity above the floor are ever materialised; a pair with no tokens on one side has
    no token pairs and gets 0."""
    v = len(q_rows)
    row_pair = np.arange(v).repeat(qn)
    row_start = qn.cumsum()
    row_start -= qn  # first row of each pair
    row_qt = (queries.tok_start[q_rows] - row_start).repeat(qn)
    row_qt += np.arange(len(row_pair))  # each row's query token
    col_start = ln.cumsum()
    col_start -= ln  # first column of each pair
    col_lt = (listed.tok_start[l_rows] - col_start).repeat(ln)
    col_lt += np.arange(len(col_lt))  # each column's list token
    row_len = ln[row_pair]
    k_row = np.arange(len(row_pair)).repeat(row_len)  # each token pair's row
    k_first = row_len.cumsum()
    k_first -= row_len
    k_col = (col_start[row_pair] - k_first).repeat(row_len)
    k_col += np.arange(len(k_col))  # each token pair's column
    hit, sims = _token_sims(queries, listed, row_qt[k_row], col_lt[k_col])
    q_best = np.zeros(len(row_pair))
    np.maximum.at(q_best, k_row[hit], sims)
    c_best = np.zeros(len(col_lt))
    np.maximum.at(c_best, k_col[hit], sims)
    num: NDArray[np.float64] = np.zeros(v)  # bincount's stub says int; it sums float weights
    num += np.bincount(row_pair, queries.tok_qw[row_qt] * q_best, v)
    num += np.bincount(np.arange(v).repeat(ln), listed.tok_cw[col_lt] * c_best, v)
    den = listed.c_den[l_rows] + queries.q_den[q_rows]
    result: NDArray[np.float64] = np.divide(num, den, out=np.zeros(v), where=den > 0)
    return result


def _token_sims(
    queries: NameFeatures, listed: NameFeatures, qt: NDArray[np.int64], lt: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Token pairs (query token qt[k], list token lt[k]) whose similarity reaches the floor:
    their positions k and similarities (a k may repeat; take the maximum)."""
    params = listed.params
    lev_cut = params.token_floor - _CUTOFF_MARGIN
    jw_cut = params.token_floor + params.jw_discount - _CUTOFF_MARGIN
    q_len, l_len = queries.tok_len[qt], listed.tok_len[lt]
    run = _maybe_similar(queries, listed, qt, lt, q_len, l_len, lev_cut, jw_cut)
    run_qt, run_lt = (qt, lt) if run is None else (qt[run], lt[run])
    hit, values = np.zeros(0, dtype=np.int64), np.zeros(0)
    if len(run_qt):
        left = queries.tok_text[run_qt].tolist()
        right = listed.tok_text[run_lt].tolist()
        lev = process.cpdist(
            left, right, scorer=Levenshtein.normalized_similarity, workers=1, score_cutoff=lev_cut
        )
        jw = process.cpdist(
            left, right, scorer=JaroWinkler.normalized_similarity, workers=1, score_cutoff=jw_cut
        )
        jw -= params.jw_discount  # float32, as rapidfuzz returns it
        sims = np.maximum(lev, jw, dtype=np.float64)
        ok = (sims >= params.token_floor).nonzero()[0]
        hit, values = (ok if run is None else run[ok]), sims[ok]
    if params.initial_score >= params.token_floor:  # initials: "J" for "Joachim"
        single = (np.minimum(q_len, l_len) == 1).nonzero()[0]  # tokens are never empty
        if len(single):
            initials = single[queries.tok_first[qt[single]] == listed.tok_first[lt[single]]]
            hit = np.concatenate([hit, initials])
            values = np.concatenate([values, np.full(len(initials), params.initial_score)])
    return hit, values


def _maybe_similar(
    queries: NameFeatures,
    listed: NameFeatures,
    qt: NDArray[np.int64],
    lt: NDArray[np.int64],
    q_len: NDArray[np.int64],
    l_len: NDArray[np.int64],
    lev_cut: float,
    jw_cut: float,
) -> NDArray[np.int64] | None:
    """The token pairs whose letters could reach a cut-off, or None for all of them when
    they are few (rapidfuzz on all costs less than the bound; those it rules out score 0)."""
    if len(qt) <= _TOKEN_BOUND_MIN_PAIRS:
        return None
    # Levenshtein ≤ common / longer; Jaro ≤ (common/|a| + common/|b| + 1) / 3 and
    # Jaro-Winkler ≤ 0.4 + 0.6 Jaro: pairs under both cut-offs would come back as 0.
    jaro_k = 3 * (jw_cut - _BOUND_SLACK - _WINKLER_MAX) / (1 - _WINKLER_MAX) - 1
    common = _common_bound(queries.tok_mask[qt], listed.tok_mask[lt], q_len, l_len)
    maybe = common * (q_len + l_len) >= jaro_k * (q_len * l_len)
    if lev_cut - _BOUND_SLACK < jaro_k / 2:  # else the Jaro bound admits all Levenshtein can
        maybe |= common >= (lev_cut - _BOUND_SLACK) * np.maximum(q_len, l_len)
    result: NDArray[np.int64] = maybe.nonzero()[0]
    return result
