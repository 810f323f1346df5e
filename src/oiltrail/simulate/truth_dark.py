"""Ground truth of the dark-activity kinds (docs/events.md), by their definitions, over the
emitted rows: every pair of true gaps, every static report (no index, no shortcut: this is what
the detector's index and grouping are checked against)."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from oiltrail.geodesy import haversine_m
from oiltrail.simulate.emit import Rows
from oiltrail.simulate.truth import Truth

RDV_OVERLAP_S, RDV_DISTANCE_M = 2 * 3600.0, 40_000.0
SHARED_DISTANCE_M, SHARED_WINDOW_S, SHARED_MIN = 100_000.0, 3600.0, 2


def _fix(truth: Truth, mmsi: int, t_s: float) -> tuple[float, float]:
    s = truth.stream(mmsi)
    i = int(np.argmin(np.abs(s.cols["t"] - t_s)))
    return float(s.cols["lat"][i]), float(s.cols["lon"][i])


def dark_rendezvous(truth: Truth, gaps: list[dict[str, Any]]) -> None:
    """Pairs of true gaps of two MMSIs overlapping >= 2 h with off or on fixes within 40 km."""
    ends = {id(g): (_fix(truth, g["mmsi"], g["start_s"]), _fix(truth, g["mmsi"], g["end_s"]))
            for g in gaps}  # fmt: skip
    for a, b in itertools.combinations(gaps, 2):
        if a["mmsi"] == b["mmsi"]:
            continue
        t0, t1 = max(a["start_s"], b["start_s"]), min(a["end_s"], b["end_s"])
        if t1 - t0 < RDV_OVERLAP_S:
            continue
        (a_off, a_on), (b_off, b_on) = ends[id(a)], ends[id(b)]
        off = float(haversine_m(*a_off, *b_off)) <= RDV_DISTANCE_M
        on = float(haversine_m(*a_on, *b_on)) <= RDV_DISTANCE_M
        if off or on:
            d = {"subtype": "both_ends" if off and on else "one_end"}
            truth.add("dark_rendezvous", a["mmsi"], t0, t1, other=b["mmsi"], details=d)


def _ship_check_ok(imo: int) -> bool:
    digits = [int(c) for c in str(imo)]
    return sum(d * w for d, w in zip(digits[:6], range(7, 1, -1), strict=True)) % 10 == digits[6]


def identity_anomalies(truth: Truth, st: Rows) -> None:
    """`invalid_imo` per vessel and failing IMO; `shared_imo` per pair of MMSIs on one valid IMO
    far apart within 1 h, at least twice on each side, while both used it."""
    mm, t, imo = st.cols["mmsi"], st.cols["t"], st.cols["imo"]
    uses: dict[tuple[int, int], list[float]] = {}
    for m, ts, i in zip(mm.tolist(), t.tolist(), imo.tolist(), strict=True):
        if 1_000_000 <= int(i) <= 9_999_999:
            uses.setdefault((int(i), int(m)), []).append(float(ts))
    for (i, m), times in sorted(uses.items()):
        if not _ship_check_ok(i):
            truth.add("identity_anomaly", m, min(times), max(times),
                      details={"subtype": "invalid_imo", "imo": i})  # fmt: skip
    by_imo: dict[int, list[tuple[int, float, float]]] = {}
    for (i, m), times in uses.items():
        if _ship_check_ok(i):
            by_imo.setdefault(i, []).append((m, min(times), max(times)))
    for i, users in sorted(by_imo.items()):
        for (a, a0, a1), (b, b0, b1) in itertools.combinations(sorted(users), 2):
            w0, w1 = max(a0, b0) - SHARED_WINDOW_S, min(a1, b1) + SHARED_WINDOW_S
            if w0 > w1 - 2 * SHARED_WINDOW_S:
                continue
            _shared(truth, i, a, b, w0, w1)


def _shared(truth: Truth, imo: int, a: int, b: int, w0: float, w1: float) -> None:
    sa, sb = truth.stream(a).cols, truth.stream(b).cols
    ka = (sa["t"] >= w0) & (sa["t"] <= w1)
    kb = (sb["t"] >= w0) & (sb["t"] <= w1)
    ta, la, oa = sa["t"][ka], sa["lat"][ka], sa["lon"][ka]
    tb, lb, ob = sb["t"][kb], sb["lat"][kb], sb["lon"][kb]
    if not len(ta) or not len(tb):
        return
    hits_a: list[int] = []
    partners: set[int] = set()
    times: list[float] = []
    for x in range(len(ta)):
        y = int(np.argmin(np.abs(tb - ta[x])))
        near_t = abs(float(tb[y] - ta[x])) <= SHARED_WINDOW_S
        if near_t and float(haversine_m(la[x], oa[x], lb[y], ob[y])) > SHARED_DISTANCE_M:
            hits_a.append(x)
            partners.add(y)
            times += [float(ta[x]), float(tb[y])]
    if min(len(hits_a), len(partners)) >= SHARED_MIN:
        truth.add("identity_anomaly", a, min(times), max(times), other=b,
                  details={"subtype": "shared_imo", "imo": imo})  # fmt: skip
