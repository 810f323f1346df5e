"""dark_rendezvous: overlapping gaps with nearby off or on positions, found through the space-time
index (checked against comparing every pair), and the decoys that must not be one."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import numpy as np
import pyarrow as pa
from detect_synth import SEA, T0, h, legs, table
from hypothesis import given, settings
from hypothesis import strategies as st

from oiltrail.detect.params import RendezvousParams
from oiltrail.detect.rendezvous import GAPS, detect_dark_rendezvous, in_holes_us
from oiltrail.engines.local import detect
from oiltrail.geodesy import distance_km
from oiltrail.store import open_store

Gap = tuple[int, datetime, datetime, float, float, float, float]


def _gaps(
    rows: list[Gap], draughts: list[tuple[float | None, float | None]] | None = None
) -> pa.Table:
    draughts = draughts or [(None, None)] * len(rows)
    cols = list(zip(*rows, strict=True)) if rows else [[]] * 7
    return pa.table(
        {
            "event_id": [f"g{k}" for k in range(len(rows))],
            "mmsi": list(cols[0]),
            "start": list(cols[1]),
            "end": list(cols[2]),
            "start_lat": list(cols[3]),
            "start_lon": list(cols[4]),
            "end_lat": list(cols[5]),
            "end_lon": list(cols[6]),
            "positions_before": [20] * len(rows),
            "draught_before_m": [d[0] for d in draughts],
            "draught_after_m": [d[1] for d in draughts],
        },
        schema=GAPS,
    )


P = RendezvousParams()
LAT, LON = SEA


def test_two_tankers_dark_together_with_their_draughts() -> None:
    rows = [
        (445000002, T0, T0 + h(20), LAT, LON, LAT + 0.3, LON),
        (412000001, T0 + h(1), T0 + h(18), LAT + 0.1, LON, LAT + 0.3, LON + 0.1),
    ]
    (ev,) = detect_dark_rendezvous(_gaps(rows, [(4.0, 7.5), (9.0, 5.0)]), P)
    assert (ev["mmsi"], ev["other_mmsi"]) == (412000001, 445000002)  # lower MMSI first
    assert (ev["start"], ev["end"]) == (T0 + h(1), T0 + h(18))  # the overlap
    d = ev["details"]
    assert d["subtype"] == "both_ends" and d["overlap_h"] == 17
    assert 10 < d["off_distance_km"] < 12 and 8 < d["on_distance_km"] < 10
    low, high = d["vessels"]
    assert low["mmsi"] == 412000001 and (low["draught_before_m"], low["draught_after_m"]) == (9, 5)
    assert high["draught_before_m"] == 4 and high["off"]["ts"] == "2026-01-05T00:00:00Z"
    assert LAT < ev["lat"] < LAT + 0.3


def test_decoys_far_apart_a_day_apart_or_one_ship_are_not_rendezvous() -> None:
    rows = [
        # two tankers dark at the same time 400 km apart
        (412000001, T0, T0 + h(20), LAT, LON, LAT, LON),
        (412000002, T0, T0 + h(20), LAT + 3.6, LON, LAT + 3.6, LON),
        # two dark spells at the same place a day apart
        (412000003, T0 + h(100), T0 + h(114), LAT, LON + 5, LAT, LON + 5),
        (412000004, T0 + h(124), T0 + h(138), LAT, LON + 5, LAT, LON + 5),
        # overlapping by only one hour
        (412000005, T0 + h(200), T0 + h(213), LAT, LON + 9, LAT, LON + 9),
        (412000006, T0 + h(212), T0 + h(225), LAT, LON + 9, LAT, LON + 9),
        # one vessel's own two gaps
        (412000007, T0 + h(300), T0 + h(320), LAT, LON - 5, LAT, LON - 5),
        (412000007, T0 + h(300), T0 + h(320), LAT, LON - 5, LAT, LON - 5),
    ]
    assert detect_dark_rendezvous(_gaps(rows), P) == []


def test_one_end_and_across_the_antimeridian() -> None:
    rows = [
        (412000001, T0, T0 + h(20), 50.0, 179.9, 50.0, 170.0),
        (412000002, T0, T0 + h(20), 50.0, -179.9, 55.0, -170.0),
    ]
    (ev,) = detect_dark_rendezvous(_gaps(rows), P)
    assert ev["details"]["subtype"] == "one_end" and ev["details"]["off_distance_km"] < 15
    assert abs(abs(ev["lon"]) - 180) < 0.2


def _brute(rows: list[Gap], p: RendezvousParams) -> set[tuple[int, int, datetime]]:
    out = set()
    for x in range(len(rows)):
        for y in range(x + 1, len(rows)):
            a, b = rows[x], rows[y]
            if a[0] == b[0] or a[2] <= a[1] or b[2] <= b[1]:
                continue
            overlap = min(a[2], b[2]) - max(a[1], b[1])
            near = min(distance_km(a[3], a[4], b[3], b[4]), distance_km(a[5], a[6], b[5], b[6]))
            if overlap >= timedelta(hours=p.min_overlap_h) and near * 1000 <= p.max_distance_m:
                lo, hi = sorted((a[0], b[0]))
                out.add((lo, hi, max(a[1], b[1])))
    return out


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 6),
            st.integers(0, 96),
            st.integers(12, 60),
            st.floats(-60, 60),
            st.floats(-179.99, 179.99),
            st.floats(-0.5, 0.5),
            st.floats(-0.5, 0.5),
        ),
        max_size=25,
    )
)
def test_the_index_finds_exactly_the_pairs_every_pair_comparison_finds(
    spec: list[tuple[int, int, int, float, float, float, float]],
) -> None:
    rows: list[Gap] = []
    for m, start_h, length_h, lat, lon, dlat, dlon in spec:
        # clustered places so that near pairs are common
        la, lo = round(lat / 10) * 10 + dlat, round(lon / 20) * 20 + dlon
        lo = (lo + 540) % 360 - 180
        rows.append((412000000 + m, T0 + h(start_h), T0 + h(start_h + length_h), la, lo, la, lo))
    found = {
        (e["mmsi"], e["other_mmsi"], e["start"]) for e in detect_dark_rendezvous(_gaps(rows), P)
    }
    assert found == _brute(rows, P)


def test_detect_writes_dark_rendezvous_from_the_stored_gaps(tmp_path) -> None:  # type: ignore[no-untyped-def]
    a, b = 412000001, 445000002
    positions = table(
        legs(a, T0, LAT, LON, [(2, 10, 0)], every_s=300),  # 24 positions before going dark
        legs(a, T0 + h(22), LAT + 0.05, LON, [(2, 10, 0)], every_s=600),
        legs(b, T0, LAT + 0.1, LON, [(2, 10, 0)], every_s=300),
        legs(b, T0 + h(22), LAT + 0.15, LON, [(2, 10, 0)], every_s=600),
    )
    with open_store(tmp_path / "s.duckdb") as store:
        store.con.register("_p", positions)
        store.con.execute("INSERT INTO positions (mmsi, ts, lat, lon, sog) SELECT * FROM _p")
        store.con.execute(
            "INSERT INTO static_reports (mmsi, ts, ship_type, draught) VALUES "
            f"({a}, '{T0}', 80, 9.0), ({a}, '{T0 + h(23)}', 80, 5.0), "
            f"({b}, '{T0}', NULL, 4.0), ({b}, '{T0 + h(23)}', NULL, 7.5)"
        )
        detect(store)
        rows = store.con.execute(
            "SELECT mmsi, other_mmsi, details FROM events WHERE kind = 'dark_rendezvous'"
        ).fetchall()
    (row,) = rows
    assert row[:2] == (a, b)
    d = json.loads(row[2])
    assert d["subtype"] == "both_ends"
    sides = {v["mmsi"]: (v["draught_before_m"], v["draught_after_m"]) for v in d["vessels"]}
    assert sides == {a: (9.0, 5.0), b: (4.0, 7.5)}
    assert d["ship_types"] == {str(a): "tanker", str(b): "unknown"}


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 200), st.integers(1, 30)), max_size=6),
    st.lists(st.tuples(st.integers(-20, 260), st.integers(0, 80)), min_size=1, max_size=8),
)
def test_time_in_holes_is_what_a_minute_by_minute_count_gives(
    raw: list[tuple[int, int]], spans: list[tuple[int, int]]
) -> None:
    cuts: list[tuple[int, int]] = []
    for start, length in sorted(raw):  # disjoint, sorted holes
        if not cuts or start > cuts[-1][1]:
            cuts.append((start, start + length))
    holes = (np.array([c[0] for c in cuts], np.int64), np.array([c[1] for c in cuts], np.int64))
    s = np.array([a for a, _ in spans], np.int64)
    e = s + np.array([n for _, n in spans], np.int64)
    want = [
        sum(1 for t in range(a, b) if any(x <= t < y for x, y in cuts))
        for a, b in zip(s, e, strict=True)
    ]
    assert in_holes_us(s, e, holes).tolist() == want


def _insert(store, *tracks) -> None:  # type: ignore[no-untyped-def]
    store.con.register("_p", table(*tracks))
    store.con.execute("INSERT INTO positions (mmsi, ts, lat, lon, sog) SELECT * FROM _p")
    store.con.unregister("_p")


def test_files_of_different_months_are_a_hole_in_the_archive_not_a_rendezvous(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Three ships in a January file and again in a March file: every one 'silent' for weeks,
    the store silent too. Their gaps say so, and no dark rendezvous or dark delivery is made."""
    march = T0 + timedelta(days=60)
    ships = [412000001, 412000002, 445000003]
    tracks = [
        legs(m, t, LAT + 0.05 * k, LON, [(3, 10, 0)], every_s=300)
        for k, m in enumerate(ships)
        for t in (T0, march)
    ]
    with open_store(tmp_path / "s.duckdb") as store:
        _insert(store, *tracks)
        detect(store)
        gaps = store.con.execute(
            "SELECT details FROM events WHERE kind = 'gap' ORDER BY mmsi"
        ).fetchall()
        n = store.con.execute(
            "SELECT count(*) FROM events WHERE kind = 'dark_rendezvous'"
        ).fetchone()
    assert len(gaps) == 3 and n == (0,)
    for (raw,) in gaps:
        d = json.loads(raw)
        assert d["data_hole"] is True and d["store_silent_h"] > 24 * 55


def test_a_pair_exported_alone_still_meets_and_a_seldom_reporter_does_not(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Only the two tankers in the store (an analyst's export): the store is silent while they
    are, and that is their rendezvous. A ship with a few positions before its gap is not dark."""
    a, b, c, d = 412000001, 445000002, 412000003, 445000004
    tracks = [
        legs(a, T0, LAT, LON, [(2, 10, 0)], every_s=300),
        legs(a, T0 + h(22), LAT + 0.05, LON, [(2, 10, 0)], every_s=300),
        legs(b, T0, LAT + 0.1, LON, [(2, 10, 0)], every_s=300),
        legs(b, T0 + h(22), LAT + 0.15, LON, [(2, 10, 0)], every_s=300),
        # far away, the same story but one of them reported 7 times in the 12 h before
        legs(c, T0 + h(100), LAT, LON + 8, [(2, 10, 0)], every_s=300),
        legs(c, T0 + h(122), LAT + 0.05, LON + 8, [(2, 10, 0)], every_s=300),
        legs(d, T0 + h(100), LAT + 0.1, LON + 8, [(6, 10, 0)], every_s=3600),
        legs(d, T0 + h(122), LAT + 0.15, LON + 8, [(2, 10, 0)], every_s=300),
    ]
    with open_store(tmp_path / "s.duckdb") as store:
        _insert(store, *tracks)
        detect(store)
        rows = store.con.execute(
            "SELECT mmsi, other_mmsi, details FROM events WHERE kind = 'dark_rendezvous'"
        ).fetchall()
    (row,) = rows
    assert row[:2] == (a, b)
    assert json.loads(row[2])["covered_overlap_h"] == json.loads(row[2])["overlap_h"]


def test_the_benchmark_input_is_what_detect_takes_and_its_peer_agrees() -> None:
    """benchmarks/bench_dark.py builds gaps of the detector's schema (a column added to GAPS
    once broke it unnoticed), and its all-pairs peer counts the same pairs."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository: benchmarks/
    from benchmarks.bench_dark import _all_pairs
    from benchmarks.bench_dark import _gaps as bench_gaps

    gaps, p = bench_gaps(600), RendezvousParams()
    rows = detect_dark_rendezvous(gaps, p)
    assert gaps.schema.equals(GAPS) and rows
    assert _all_pairs(gaps, p) == len(rows)
