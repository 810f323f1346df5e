"""Gap feasibility: the ports a dark vessel could have called at, with windows and slack, the
speed used and its origin; DPRK and source ports first; the roles come from the ports table."""

from __future__ import annotations

import json
import math
from typing import Any

import pyarrow as pa
from detect_synth import NAMPO, T0, h, legs, table
from hypothesis import given, settings
from hypothesis import strategies as st

from oiltrail.detect.kernels import run_vessel_kernels
from oiltrail.detect.params import DetectParams
from oiltrail.reference.ports import parse_ports, read_ports

PORTS = read_ports()
START = (38.0, 124.3)  # Korea Bay, about 125 km west-south-west of Nampo


def _gaps(positions: pa.Table, ports: pa.Table | None = None) -> list[dict[str, Any]]:
    events = run_vessel_kernels(
        positions, None, ports if ports is not None else PORTS, DetectParams(), ["gap"]
    )
    return [json.loads(d) for d in events.column("details").to_pylist()]


def _dark_day(mmsi: int, knots: float | None) -> pa.Table:
    """Two hours under way at `knots` (None: no speed reported), 24 h silent, back in place."""
    before = legs(mmsi, T0, *START, [(2, 1, 90)], every_s=600)
    before = [(m, t, la, lo, knots) for m, t, la, lo, _ in before]
    after = [(mmsi, T0 + h(26), START[0], START[1] + 0.03, knots)]
    return table(before, after)


def test_a_day_dark_near_nampo_could_have_been_a_call_at_nampo() -> None:
    (gap,) = _gaps(_dark_day(445000001, 10.0))
    assert gap["speed_knots"] == 10.0
    assert str(gap["speed_origin"]).startswith("highest speed reported in the 24 h")
    ports = gap["feasible_ports"]
    assert isinstance(ports, list) and ports
    assert ports[0]["role"] == "destination"
    (first,) = [p for p in ports if p["port"].startswith("Nampo")]
    # out and back: about 2 x 125 km at 10 kn is about 13.5 h of a 24 h silence
    legs_h = (first["distance_in_km"] + first["distance_out_km"]) / 1.852 / 10
    assert math.isclose(first["slack_h"], 24 - legs_h, abs_tol=0.05)
    assert 5 < first["slack_h"] < 20
    assert first["window_start"] < first["window_end"]
    roles = [p["role"] for p in ports]
    assert roles == sorted(roles, key=["destination", "source", "other"].index)
    assert all(p["slack_h"] >= 0 for p in ports)
    assert not any(p["port"].startswith("Vostochny") for p in ports)  # 1,000+ km away
    assert gap["nearest_dprk_port"] == "Haeju"  # 123 km east; Nampo is 125 km
    assert 115 < gap["min_dprk_distance_km"] < 130


def test_no_speed_reported_uses_the_tanker_default_and_absurd_speeds_are_ignored() -> None:
    (quiet,) = _gaps(_dark_day(445000002, None))
    assert (
        quiet["speed_knots"] == 14.0 and "default 14 kn (no sailing speed" in quiet["speed_origin"]
    )
    (absurd,) = _gaps(_dark_day(445000003, 102.2))
    assert absurd["speed_knots"] == 14.0
    (drifting,) = _gaps(_dark_day(445000005, 0.3))  # a drift is no sailing speed
    assert drifting["speed_knots"] == 14.0


def test_the_roles_come_from_the_ports_table_given() -> None:
    text = (
        "name,country,lat,lon,kind,source,role\n"
        f"Harbour X,Nowhere,{NAMPO[0]},{NAMPO[1]},pier,test,destination\n"
        "Depot Y,Nowhere,38.2,124.6,pier,test,source\n"
        "Far Z,Nowhere,10.0,100.0,pier,test,other\n"
    )
    (gap,) = _gaps(_dark_day(445000004, 10.0), parse_ports(text, "test"))
    assert [(p["port"], p["role"]) for p in gap["feasible_ports"]] == [
        ("Harbour X", "destination"),
        ("Depot Y", "source"),
    ]
    assert gap["feasible_port_count"] == 2 and gap["nearest_dprk_port"] == "Harbour X"


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 200),  # hours after T0
            st.floats(-89, 89),
            st.floats(-179.9, 179.9),
            st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_odd_speeds_and_short_tracks_never_crash_or_give_impossible_calls(
    fixes: list[tuple[int, float, float, float | None]],
) -> None:
    rows = [(445000009, T0 + h(hr), la, lo, s) for hr, la, lo, s in fixes]
    for gap in _gaps(table(rows)):
        assert gap["speed_knots"] is not None and 2 <= gap["speed_knots"] <= 30
        for p in gap["feasible_ports"]:
            assert p["slack_h"] >= 0 and p["window_start"] <= p["window_end"]
