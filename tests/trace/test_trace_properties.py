"""Property tests: arbitrary draught histories and event orders never crash or invent volume."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from trace_fixtures import SEA, add_event, draughts, h

from oiltrail.store import open_store
from oiltrail.trace.chains import trace_chains

series = st.lists(
    st.tuples(st.floats(-50, 80), st.sampled_from([0.0, 0.1, 2.0, 4.5, 7.0, 25.5, 30.0])),
    max_size=6,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    donor=series,
    receiver=series,
    length=st.sampled_from([0.0, 50.0, 120.0]),
    start=st.floats(-10, 40),
    hours=st.floats(0, 10),
)
def test_any_draught_history_gives_sane_chains(
    donor: list[tuple[float, float]],
    receiver: list[tuple[float, float]],
    length: float,
    start: float,
    hours: float,
) -> None:
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "s.duckdb") as store:
        draughts(store, 1, (length, 10.0), donor)
        draughts(store, 2, (length, 10.0), receiver)
        add_event(
            store, "encounter", 1, h(start), h(start + hours), other=2, lat=SEA[0], lon=SEA[1]
        )
        chains = trace_chains(store)
    assert len(chains) <= 1
    for c in chains:
        assert 0.0 <= c["confidence"] <= 1.0
        assert {c["donor_mmsi"], c["receiver_mmsi"]} == {1, 2}
        if c["barrels_mid"] is not None:
            assert length > 0
            assert 0 <= c["barrels_low"] <= c["barrels_mid"] <= c["barrels_high"]
