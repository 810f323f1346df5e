"""The scorer's view of name forms: weights, tokens, letter masks and number ids.

List names get theirs once, when the index is built (`listed_features`); a query gets its own
per call (`name_features`, or `query_features`, cached, for a lone query).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, overload

import numpy as np
from numpy.typing import NDArray

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
