"""The kind registry and the typed records: one list of kinds everywhere, records that
serialise to the export columns."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime, timedelta, timezone

import pytest

from oiltrail.ais.schema import EVENT_COLUMNS
from oiltrail.detect.params import DetectParams, parse_kinds
from oiltrail.kinds import DERIVED_KINDS, KINDS, STATIC_KINDS, VESSEL_KINDS, EventKind, Source
from oiltrail.records import Chain, Event, Verdict, chain_vessels, iso_utc
from oiltrail.report.marks import colour, label
from oiltrail.store.chains import CHAIN_COLUMNS


def test_every_kind_has_parameters_and_a_detector_group() -> None:
    assert [f.name for f in fields(DetectParams)] == [*KINDS, "anchorage"]
    assert set(VESSEL_KINDS) | set(STATIC_KINDS) | set(DERIVED_KINDS) | {"encounter"} == set(KINDS)
    assert EventKind.of("encounter").source is Source.PAIRS
    with pytest.raises(ValueError, match="unknown event kind 'dark'"):
        EventKind.of("dark")


def test_cli_kinds_and_report_legend_read_the_registry() -> None:
    assert parse_kinds(None) == KINDS
    assert label("gap") == EventKind.GAP.label and colour("gap") == EventKind.GAP.colour
    assert label("made_up") == "made_up"  # an unknown kind is shown as itself


def test_event_record_round_trip_and_columns() -> None:
    row = {
        "event_id": "e1",
        "kind": "port_visit",
        "mmsi": 273000001,
        "other_mmsi": None,
        "start": datetime(2026, 1, 5, 1, 2, 3),
        "end": datetime(2026, 1, 5, 4),
        "lat": 42.7,
        "lon": 133.1,
        "port": "Vostochny",
        "details": '{"positions": 12}',
    }
    ev = Event.from_row(row)
    assert ev.kind is EventKind.PORT_VISIT
    out = ev.as_row()
    assert tuple(out) == Event.COLUMNS == tuple(EVENT_COLUMNS)
    assert out["start"] == "2026-01-05T01:02:03Z" and out["details"] == {"positions": 12}


def test_chain_columns_extend_the_stored_ones_and_join_lists() -> None:
    assert Chain.COLUMNS == CHAIN_COLUMNS
    c = Chain("c1", "Vostochny", None, 1, "e1", 2, "Nampo", None, 1.0, 2.0, 3.0, 0.9,
              evidence=("e0", "e1"), relay_mmsi=(5, 6))  # fmt: skip
    out = c.as_row()
    assert out["evidence"] == "e0;e1" and list(out) == list(CHAIN_COLUMNS)
    assert out["load_start"] is None


def test_iso_utc_converts_aware_times_and_verdict_values() -> None:
    seoul = timezone(timedelta(hours=9))
    assert iso_utc(datetime(2026, 1, 5, 9, tzinfo=seoul)) == "2026-01-05T00:00:00Z"
    assert iso_utc(datetime(2026, 1, 5, tzinfo=UTC)) == "2026-01-05T00:00:00Z"
    assert [v.value for v in Verdict] == ["supported", "contradicted", "not enough evidence"]


def test_a_chains_vessels_are_its_donor_relays_and_receiver_each_once() -> None:
    row = {"donor_mmsi": 1, "relay_mmsi": "2;3", "receiver_mmsi": 4}
    assert chain_vessels(row) == [(1, "donor"), (2, "relay"), (3, "relay"), (4, "receiver")]
    # a ship twice in a chain (it sold on and bought back) is one vessel with both roles
    twice = {"donor_mmsi": 1, "relay_mmsi": "2", "receiver_mmsi": 1}
    assert chain_vessels(twice) == [(1, "donor, receiver"), (2, "relay")]
    # a direct chain, a store traced before relays (NULL), and the record itself
    assert chain_vessels({"donor_mmsi": 1, "relay_mmsi": None, "receiver_mmsi": None}) == [
        (1, "donor")
    ]
    chain = Chain("c", None, None, 5, None, 7, None, None, None, None, None, 0.5, (), (6,))
    assert chain_vessels(chain.as_row()) == chain_vessels(vars(chain))
    assert chain_vessels(vars(chain)) == [(5, "donor"), (6, "relay"), (7, "receiver")]
