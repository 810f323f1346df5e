"""Property tests: hostile tracks never crash a detector and never invent an event."""

from __future__ import annotations

import itertools
import math
from datetime import datetime, timedelta

import pyarrow as pa
from detect_synth import SEA, T0, legs, table
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oiltrail.detect import KINDS, DetectParams, run_vessel_kernels
from oiltrail.detect.kernels import resample_partition, run_cell_kernel, run_pair_kernel
from oiltrail.reference.ports import read_ports

P = DetectParams()
PORTS = read_ports()
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def all_events(tbl: pa.Table) -> list[dict]:
    out = run_vessel_kernels(tbl, None, PORTS, P, KINDS).to_pylist()
    samples = resample_partition(tbl, P)
    out += run_pair_kernel(run_cell_kernel(samples, P), PORTS, P).to_pylist()
    return out


fix = st.tuples(
    st.integers(201_000_000, 201_000_003),
    st.integers(0, 3 * 24 * 3600),
    st.one_of(st.floats(-90, 90), st.just(math.nan), st.just(91.0)),
    st.one_of(st.floats(-180, 180), st.just(math.nan), st.just(-181.0)),
    st.one_of(st.none(), st.floats(0, 102.3), st.just(math.nan)),
)


def to_table(rows: list[tuple]) -> pa.Table:
    return pa.table(
        {
            "mmsi": pa.array([r[0] for r in rows], pa.uint32()),
            "ts": pa.array([T0 + timedelta(seconds=r[1]) for r in rows], pa.timestamp("us")),
            "lat": pa.array([r[2] for r in rows], pa.float64()),
            "lon": pa.array([r[3] for r in rows], pa.float64()),
            "sog": pa.array([r[4] for r in rows], pa.float32()),
        }
    )


@FAST
@given(st.lists(fix, max_size=60))
def test_arbitrary_rows_never_crash(rows: list[tuple]) -> None:
    for e in all_events(to_table(rows)):
        assert e["kind"] in KINDS and e["start"] <= e["end"]


@FAST
@given(st.permutations(list(range(40))), st.integers(0, 39))
def test_order_and_duplicates_change_nothing(order: list[int], dup: int) -> None:
    base = table(legs(412000001, T0, *SEA, [(1, 10, 0), (4.5, 0.5, 0), (1, 10, 0)], 600))
    rows = base.take(pa.array([*order, dup]))
    assert all_events(rows) == all_events(base)


@FAST
@given(st.integers(0, 2), st.floats(0.5, 20))
def test_one_point_and_empty_tracks_make_nothing(n: int, knots: float) -> None:
    fixes = legs(412000001, T0, *SEA, [(1, knots, 0)], 3600)[:n]
    assert all_events(table(fixes)) == []


@FAST
@given(st.floats(-179.99, 179.99), st.sampled_from([89.9, -89.9, 0.0, 60.0]))
def test_steady_transit_anywhere_is_no_event(lon: float, lat: float) -> None:
    """A ship steaming at 12 kn, even across ±180° or over a pole, is no event of any kind."""
    fixes = legs(412000001, T0, lat, lon, [(10, 12, 90)], 300)
    assert [e["kind"] for e in all_events(table(fixes))] == []


def test_antimeridian_encounter_found_once() -> None:
    a = legs(412000001, T0, 10.0, 179.999, [(6, 0.3, 90)])
    b = legs(412000002, T0, 10.0, -179.999, [(6, 0.3, 90)])  # 220 m apart across 180°
    enc = [e for e in all_events(table(a, b)) if e["kind"] == "encounter"]
    assert len(enc) == 1 and abs(enc[0]["lon"]) > 179


def test_nan_speeds_use_positions() -> None:
    fixes = legs(412000001, T0, *SEA, [(6, 0.5, 0)])
    tbl = table([(m, t, la, lo, None) for m, t, la, lo, _ in fixes])
    loit = [e for e in all_events(tbl) if e["kind"] == "loitering"]
    assert len(loit) == 1
    moving = table(
        [
            (m, t, la, lo, float("nan"))
            for m, t, la, lo, _ in legs(412000002, T0, *SEA, [(6, 12, 0)])
        ]
    )
    assert all_events(moving) == []


@FAST
@given(
    st.lists(
        st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
        min_size=2,
        max_size=12,
    )
)
def test_absurd_draughts_invent_no_change(draughts: list[float | None]) -> None:
    ok = [d for d in draughts if d is not None and math.isfinite(d) and 0 < d <= 30]
    st_rows = pa.table(
        {
            "mmsi": pa.array([412000001] * len(draughts), pa.uint32()),
            "ts": pa.array(
                [datetime(2026, 1, 5) + timedelta(hours=i) for i in range(len(draughts))],
                pa.timestamp("us"),
            ),
            "draught": pa.array([None if d is None else d for d in draughts], pa.float64()),
        }
    )
    found = run_vessel_kernels(
        pa.table({"mmsi": pa.array([], pa.uint32())}), st_rows, PORTS, P, ["draught_change"]
    ).to_pylist()
    real = [round(float(pa.scalar(d, pa.float32()).as_py()), 2) for d in ok]
    expected = sum(1 for a, b in itertools.pairwise(real) if abs(b - a) >= 0.5 - 1e-6)
    assert len(found) == expected
