"""The batched pair kernel against the score defined pair by pair in plain Python.

`_reference` is the former per-pair scorer written out (rapidfuzz's float32 results kept, as
the kernel keeps them); before `score_candidates` was folded into the kernel, the kernel was
checked equal to it (max difference 2.2e-16 over 39,522 blocked pairs of real names)."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import numpy as np
import pytest
from rapidfuzz.distance import JaroWinkler, Levenshtein

from oiltrail.screen.normalize import NormName, normalize_name
from oiltrail.screen.score import (
    DEFAULT_SCORING,
    NameScoring,
    name_features,
    score_feature_pairs,
    score_one_to_many,
    score_pairs,
    token_weight,
)

TOLERANCE = 1e-12  # float sums may run in another order; nothing else may differ


def _token_sim(a: str, b: str, p: NameScoring) -> float:
    lev = np.float32(Levenshtein.normalized_similarity(a, b))
    jw = np.float32(JaroWinkler.normalized_similarity(a, b)) - np.float32(p.jw_discount)
    sim = float(max(lev, jw))
    if (len(a) == 1 or len(b) == 1) and a[0] == b[0]:
        sim = max(sim, p.initial_score)
    return sim if sim >= p.token_floor else 0.0


def _reference(q: NormName, c: NormName, p: NameScoring = DEFAULT_SCORING) -> float:
    sims = [[_token_sim(a, b, p) for b in c.tokens] for a in q.tokens]
    qw = [token_weight(t) * p.query_extra_weight for t in q.tokens]
    cw = [token_weight(t) * p.result_extra_weight for t in c.tokens]
    q_best = [max(row, default=0.0) for row in sims]
    c_best = [max((row[j] for row in sims), default=0.0) for j in range(len(c.tokens))]
    num = sum(w * s for w, s in zip(qw, q_best, strict=True))
    num += sum(w * s for w, s in zip(cw, c_best, strict=True))
    den = sum(qw) + sum(cw)
    token = num / den if den > 0 else 0.0
    joined = float(np.float32(Levenshtein.normalized_similarity(q.joined, c.joined)))
    if len(q.tokens) == len(c.tokens) and joined != 1.0:
        joined *= p.same_count_joined_factor
    score = max(token, joined)
    if q.numbers != c.numbers:
        if q.numbers and c.numbers:
            score = min(score, p.number_mismatch_cap)
        else:
            score *= p.number_missing_factor
    return score


def _name(tokens: tuple[str, ...], numbers: tuple[str, ...] = ()) -> NormName:
    text = " ".join(tokens + numbers)
    return NormName(text, text, tokens, numbers, "".join(tokens + numbers))


def _check(lefts: list[NormName], rights: list[NormName]) -> None:
    expected = np.array([_reference(q, c) for q, c in zip(lefts, rights, strict=True)])
    got = score_pairs(lefts, rights)
    assert got.shape == expected.shape
    assert np.abs(got - expected).max(initial=0.0) <= TOLERANCE


EDGE_CASES = [
    (_name(()), _name(())),  # both without tokens or numbers
    (_name((), ("2",)), _name((), ("2",))),  # numbers only, equal
    (_name((), ("2",)), _name((), ("3",))),  # numbers only, differing
    (_name((), ("2",)), _name(("yu", "jong"), ("2",))),  # no tokens on the query side
    (_name(("yu", "jong"), ("2",)), _name((), ("2",))),  # no tokens on the list side
    (_name(("yu", "jong"), ("2",)), _name(("yu", "jong"), ("3",))),  # numbers differ
    (_name(("yu", "jong"), ("2",)), _name(("yu", "jong"))),  # number missing on one side
    (_name(("victory",)), _name(("victory",), ("3",))),
    (_name(("j", "smith")), _name(("joachim", "smith"))),  # an initial
    (_name(("k", "j")), _name(("kim", "jong", "un"))),  # initials only
    (_name(("a",)), _name(("a",))),  # one-letter tokens, equal
    (_name(("a",)), _name(("b",))),  # one-letter tokens, differing
    (_name(("mohammed", "ali")), _name(("muhammad", "aly"))),
    (_name(("abdul",)), _name(("abdulla", "rahman"))),  # Jaro-Winkler's prefix bonus
    (_name(("chon", "ma", "san")), _name(("chonmasan",))),  # joined differently
    (_name(("korea", "achim")), _name(("korea", "ansan"))),  # common words
    (_name(("u5",)), _name(("5u",))),  # letters that share a mask bit
    (_name(("zu", "zag", "bong"), ("5",)), _name(("mu", "bong"), ("1",))),
]


@pytest.mark.parametrize(("query", "listed"), EDGE_CASES)
def test_kernel_equals_reference_on_edge_cases(query: NormName, listed: NormName) -> None:
    _check([query], [listed])


def test_kernel_equals_reference_on_edge_cases_in_one_call() -> None:
    _check([q for q, _ in EDGE_CASES], [c for _, c in EDGE_CASES])


def test_kernel_equals_reference_on_random_tokens() -> None:
    """Small alphabets make near misses, shared letters and equal lengths common: every
    shortcut the kernel takes (bounds that skip rapidfuzz) is exercised."""
    rng = random.Random(4)

    def tokens() -> tuple[str, ...]:
        return tuple(
            "".join(rng.choices("abnou5", k=rng.randint(1, 9))) for _ in range(rng.randint(0, 4))
        )

    def numbers() -> tuple[str, ...]:
        return tuple(rng.choice(["1", "2"]) for _ in range(rng.randint(0, 1)))

    lefts = [_name(tokens(), numbers()) for _ in range(1500)]
    rights = [_name(tokens(), numbers()) for _ in range(1500)]
    _check(lefts, rights)


def _bench_forms(screen_fixtures: Path) -> tuple[list[NormName], list[NormName]]:
    path = screen_fixtures / "nomenklatura_name_bench_cases.csv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    lefts, rights = [], []
    for row in rows:
        for a in normalize_name(row["name1"]):
            for b in normalize_name(row["name2"]):
                lefts.append(a)
                rights.append(b)
    return lefts, rights


def test_kernel_equals_reference_on_name_bench(screen_fixtures: Path) -> None:
    lefts, rights = _bench_forms(screen_fixtures)
    assert len(lefts) > 800
    _check(lefts, rights)  # the labelled pairs: mostly close names
    shift = 37  # and every query against another case's name: mostly far apart
    _check(lefts, rights[shift:] + rights[:shift])


def test_kernel_with_index_rows_in_any_order(screen_fixtures: Path) -> None:
    """The screening path: list features built once, queries' numbers mapped onto its ids,
    pairs given as rows in any order and repeated."""
    lefts, rights = _bench_forms(screen_fixtures)
    listed = name_features(rights)
    queries = name_features(lefts, numbers_from=listed)
    rng = np.random.default_rng(7)
    q_rows = rng.integers(0, len(lefts), 3000)
    l_rows = rng.integers(0, len(rights), 3000)
    got = score_feature_pairs(queries, listed, q_rows, l_rows)
    expected = [_reference(lefts[q], rights[c]) for q, c in zip(q_rows, l_rows, strict=True)]
    assert np.abs(got - np.array(expected)).max() <= TOLERANCE
    assert ((got >= 0) & (got <= 1)).all()
    assert (got > 0).mean() > 0.1  # not a trivially all-zero comparison


def test_wrappers_agree_and_empty_input() -> None:
    query = normalize_name("Korea Yujong Shipping")[0]
    cands = [
        n for s in ("KOREA YUJONG SHIPPING CO LTD", "YU JONG 2", "Z") for n in normalize_name(s)
    ]
    assert list(score_one_to_many(query, cands)) == list(score_pairs([query] * len(cands), cands))
    assert len(score_pairs([], [])) == 0
    assert len(score_one_to_many(query, [])) == 0


def test_features_built_with_other_weights_are_refused() -> None:
    listed = name_features([_name(("yu", "jong"))])
    queries = name_features([_name(("yu",))], NameScoring(token_floor=0.7), numbers_from=listed)
    with pytest.raises(ValueError, match="different NameScoring"):
        score_feature_pairs(queries, listed, np.zeros(1, np.int64), np.zeros(1, np.int64))
