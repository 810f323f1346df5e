"""Score name pairs in batches: token alignment and whole-name similarity, numbers must agree.

The work per pair is a few C calls (rapidfuzz) over all token pairs of the batch at once, then
numpy reductions, so a query scored against its candidates costs microseconds per pair.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, overload

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


_T = TypeVar("_T")


class _once(Generic[_T]):
    """`functools.cached_property` without the lock Python 3.11 takes to compute a value."""

    def __init__(self, compute: Callable[[Any], _T]) -> None:
        self.compute = compute
        self.name = compute.__name__

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> _once[_T]: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> _T: ...
    def __get__(self, obj: object | None, owner: type | None = None) -> _T | _once[_T]:
        if obj is None:
            return self
        value = self.compute(obj)
        obj.__dict__[self.name] = value  # later reads find it there (a non-data descriptor)
        return value


@dataclass(frozen=True, eq=False)
class NameFeatures:
    """Everything the scorer needs of many name forms, computed once (list side: at index time).
    Compared and hashed by identity (arrays have no value equality), so it can key a cache.
    Weights and letter masks are computed on first use: a query needs its query-side
    weights only, and letter masks only when enough pairs make the bounds worth it.

    Word tokens are flattened: `tok_start[i]` and `tok_count[i]` locate form i's tokens."""

    params: NameScoring
    tok_text: NDArray[np.object_]  # token strings
    tok_len: NDArray[np.int64]
    tok_weight: NDArray[np.float64]  # `token_weight`
    tok_start: NDArray[np.int64]
    tok_count: NDArray[np.int64]
    joined: NDArray[np.object_]
    numbers: NDArray[np.int64]  # id of the numbers tuple: 0 when none, < 0 when not listed
    number_ids: dict[tuple[str, ...], int]

    @_once
    def tok_first(self) -> NDArray[np.int64]:
        """Code point of each token's first letter."""
        return np.array([ord(t[0]) for t in self.tok_text.tolist()], dtype=np.int64)

    @_once
    def joined_len(self) -> NDArray[np.int64]:
        return np.array([len(j) for j in self.joined.tolist()], dtype=np.int64)

    @_once
    def tok_qw(self) -> NDArray[np.float64]:
        """`token_weight` × query_extra_weight (the form as a query)."""
        return self.tok_weight * self.params.query_extra_weight

    @_once
    def tok_cw(self) -> NDArray[np.float64]:
        """`token_weight` × result_extra_weight (the form as listed)."""
        return self.tok_weight * self.params.result_extra_weight

    @_once
    def q_den(self) -> NDArray[np.float64]:
        """Sum of `tok_qw` per form."""
        return _form_sums(self.tok_qw, self.tok_start, self.tok_count)

    @_once
    def c_den(self) -> NDArray[np.float64]:
        """Sum of `tok_cw` per form."""
        return _form_sums(self.tok_cw, self.tok_start, self.tok_count)

    @_once
    def tok_mask(self) -> NDArray[np.uint64]:
        """Bit (code point mod 64) set for each letter of the token."""
        return _masks(self.tok_text.tolist())

    @_once
    def joined_mask(self) -> NDArray[np.uint64]:
        return _masks(self.joined.tolist())


def name_features(
    names: Sequence[NormName],
    params: NameScoring = DEFAULT_SCORING,
    numbers_from: NameFeatures | None = None,
) -> NameFeatures:
    """Precompute the scorer's view of `names`.

    Args:
        names: the forms, list names or queries.
        params: the scoring weights.
        numbers_from: for query forms, the list side's features: numbers get its ids (tuples
            it lacks get negative ids) so that `score_feature_pairs` compares ids.
    """
    texts = [t for c in names for t in c.tokens]
    count = np.array([len(c.tokens) for c in names], dtype=np.int64)
    start = count.cumsum()
    start -= count
    joined = [c.joined for c in names]
    number_ids, numbers = _number_ids(names, numbers_from)
    return NameFeatures(
        params,
        _objects(texts),
        np.array([len(t) for t in texts], dtype=np.int64),
        np.array([token_weight(t) for t in texts], dtype=np.float64),
        start,
        count,
        _objects(joined),
        numbers,
        number_ids,
    )


def listed_features(
    names: Sequence[NormName], params: NameScoring = DEFAULT_SCORING
) -> NameFeatures:
    """`name_features` of list names with their list-side weights and letter masks computed
    now (at index time) rather than in the first query's kernel call."""
    feats = name_features(names, params)
    _ = (feats.tok_cw, feats.c_den, feats.tok_mask, feats.tok_first)  # kept once computed
    _ = (feats.joined_len, feats.joined_mask)
    return feats


@functools.lru_cache(maxsize=4096)
def query_features(forms: tuple[NormName, ...], listed: NameFeatures) -> NameFeatures:
    """`name_features(forms, listed.params, numbers_from=listed)` for one query's forms,
    cached (bounded): a name queried again skips the token work. The kernel never writes
    into features, so a cached one is safe to share."""
    return name_features(forms, listed.params, numbers_from=listed)


def clear_caches() -> None:
    """Forget cached query features (benchmarks time cold caches)."""
    query_features.cache_clear()


def _form_sums(
    values: NDArray[np.float64], start: NDArray[np.int64], count: NDArray[np.int64]
) -> NDArray[np.float64]:
    """Sum of `values` per form (forms without values: 0), in token order."""
    has = count.nonzero()[0]
    if len(has) == len(start):
        return np.add.reduceat(values, start) if len(start) else np.zeros(0)
    out = np.zeros(len(start))
    if len(has):
        out[has] = np.add.reduceat(values, start[has])
    return out


def _objects(values: list[str]) -> NDArray[np.object_]:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _masks(texts: list[str]) -> NDArray[np.uint64]:
    return np.array([letter_mask(t) for t in texts], dtype=np.uint64)


def letter_mask(text: str) -> int:
    """Bit (code point mod 64) set for each letter of `text` (two letters may share a bit)."""
    return sum({1 << (ord(c) & 63) for c in text})  # distinct bits: the sum is their OR


def _number_ids(
    names: Sequence[NormName], known: NameFeatures | None
) -> tuple[dict[tuple[str, ...], int], NDArray[np.int64]]:
    if known is None:
        ids: dict[tuple[str, ...], int] = {(): 0}
        out = [ids.setdefault(c.numbers, len(ids)) for c in names]
        return ids, np.array(out, dtype=np.int64)
    new: dict[tuple[str, ...], int] = {}
    listed = known.number_ids
    out = [
        listed[c.numbers] if c.numbers in listed else new.setdefault(c.numbers, -1 - len(new))
        for c in names
    ]
    return new, np.array(out, dtype=np.int64)


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
        sims: NDArray[np.float64] = process.cpdist(
            queries.joined[q_rows].tolist(),
            listed.joined[l_rows].tolist(),
            scorer=Levenshtein.normalized_similarity,
            workers=1,
        ).astype(np.float64)  # float32 as rapidfuzz returns it, as below
        return sims
    q_len, l_len = queries.joined_len[q_rows], listed.joined_len[l_rows]
    common = _common_bound(queries.joined_mask[q_rows], listed.joined_mask[l_rows], q_len, l_len)
    longest = np.maximum(q_len, l_len)
    need = ((common > (token - _BOUND_SLACK) * longest) | (longest == 0)).nonzero()[0]
    out = np.zeros(len(q_rows))
    if len(need):
        out[need] = process.cpdist(
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
    """Weighted share of both names' tokens matched by their best partner on the other side."""
    n = len(q_rows)
    num = _token_numerators(queries, listed, q_rows, l_rows, qn, ln)
    den = listed.c_den[l_rows] + queries.q_den[q_rows]
    result: NDArray[np.float64] = np.divide(num, den, out=np.zeros(n), where=den > 0)
    return result


def _token_numerators(
    queries: NameFeatures,
    listed: NameFeatures,
    q_rows: NDArray[np.int64],
    l_rows: NDArray[np.int64],
    qn: NDArray[np.int64],
    ln: NDArray[np.int64],
) -> NDArray[np.float64]:
    """Token pairs are laid out pair by pair, query token by
    query token ("rows"), each row holding its pair's list tokens; a (pair, list token) is a
    "column". Only token pairs with a similarity above the floor are ever materialised; a pair
    with no tokens on one side has no token pairs and gets 0."""
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
    return num


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
