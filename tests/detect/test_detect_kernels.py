"""Each detector on hand-built tracks: the event it must find, and the decoy it must not."""

from __future__ import annotations

import json
from datetime import timedelta

import pyarrow as pa
import pytest
from detect_synth import NAMPO, SEA, T0, h, legs, static, table

from oiltrail.detect import KINDS, DetectParams, event_id, run_vessel_kernels
from oiltrail.detect import encounters as encounters_module
from oiltrail.detect.kernels import (
    cell_partitions,
    resample_partition,
    run_cell_kernel,
    run_pair_kernel,
)
from oiltrail.reference.ports import read_ports

P = DetectParams()
PORTS = read_ports()


def events(tbl: pa.Table, kinds: tuple[str, ...] = KINDS, st: pa.Table | None = None) -> list[dict]:
    out = run_vessel_kernels(tbl, st, PORTS, P, kinds).to_pylist()
    for e in out:
        e["details"] = json.loads(e["details"])
    return out


def encounters(tbl: pa.Table, params: DetectParams = P) -> list[dict]:
    samples = resample_partition(tbl, params)
    return run_pair_kernel(run_cell_kernel(samples, params), PORTS, params).to_pylist()


def sts_pair(a: int, b: int, slow_h: float, sep_deg: float = 0.002) -> pa.Table:
    lat, lon = SEA
    one = legs(a, T0, lat - 0.5, lon, [(3, 10, 0), (slow_h, 0.3, 90), (3, 10, 180)])
    two = legs(b, T0, lat + 0.5, lon + sep_deg, [(3, 10, 180), (slow_h, 0.3, 90), (3, 10, 0)])
    return table(one, two)


def test_encounter_found_with_evidence() -> None:
    found = encounters(sts_pair(412000001, 412000002, slow_h=5))
    assert len(found) == 1
    e = found[0]
    assert (e["mmsi"], e["other_mmsi"]) == (412000001, 412000002)
    d = json.loads(e["details"])
    assert 4.5 <= d["duration_h"] <= 5.5
    assert d["median_distance_m"] < 500 and d["median_speed_knots"] < 2
    assert e["event_id"] == event_id("encounter", 412000002, 412000001, e["start"])


def test_short_slow_spell_is_no_encounter() -> None:
    assert encounters(sts_pair(412000001, 412000002, slow_h=1.5)) == []


def test_far_apart_slow_ships_are_no_encounter() -> None:
    assert encounters(sts_pair(412000001, 412000002, slow_h=5, sep_deg=0.01)) == []


def test_fast_close_pass_is_no_encounter() -> None:
    lat, lon = SEA
    a = legs(412000001, T0, lat, lon, [(6, 12, 90)])
    b = legs(412000002, T0, lat + 0.001, lon, [(6, 12, 90)])  # side by side at 12 kn for 6 h
    assert encounters(table(a, b)) == []


def test_ships_moored_together_near_port_are_no_encounter() -> None:
    lat, lon = NAMPO
    a = legs(412000001, T0, lat, lon + 0.03, [(8, 0.1, 0)])
    b = legs(412000002, T0, lat, lon + 0.032, [(8, 0.1, 0)])
    assert encounters(table(a, b)) == []


def test_encounter_runs_less_than_4h_apart_merge() -> None:
    lat, lon = SEA
    plan = [(3, 0.2, 0), (1, 0.2, 0), (3, 0.2, 0)]
    a = legs(412000001, T0, lat, lon, plan)
    b = legs(
        412000002, T0, lat, lon + 0.003, [(3, 0.2, 0), (0.5, 1.9, 90), (0.5, 1.9, 270), (3, 0.2, 0)]
    )
    found = encounters(table(a, b))
    assert len(found) == 1
    assert json.loads(found[0]["details"])["runs"] == 2


def test_max_distance_override_is_used() -> None:
    tight = DetectParams().__class__(encounter=P.encounter.__class__(max_distance_m=100.0))
    assert encounters(sts_pair(412000001, 412000002, slow_h=5), tight) == []


def test_spatial_cells_find_each_pair_once() -> None:
    tbl = sts_pair(412000001, 412000002, slow_h=5)
    samples = resample_partition(tbl, P)
    whole = run_cell_kernel(samples, P)
    parts = [run_cell_kernel(s, P, home) for _, s, home in cell_partitions(samples, P, 0.01)]
    assert len(parts) > 2
    assert sum(p.num_rows for p in parts) == whole.num_rows


def test_loitering_far_from_port() -> None:
    lat, lon = SEA
    found = events(table(legs(412000001, T0, lat, lon, [(2, 10, 0), (5, 1.0, 45), (2, 10, 0)])))
    loit = [e for e in found if e["kind"] == "loitering"]
    assert len(loit) == 1
    assert 4.9 <= loit[0]["details"]["duration_h"] <= 5.1


def test_slow_spells_too_short_or_near_port_are_not_loitering() -> None:
    lat, lon = SEA
    short = legs(412000001, T0, lat, lon, [(2, 10, 0), (3.5, 1.0, 45), (2, 10, 0)])
    near_port = legs(412000002, T0, NAMPO[0] - 0.2, NAMPO[1], [(8, 0.5, 90)])
    assert [e for e in events(table(short, near_port)) if e["kind"] == "loitering"] == []


def test_port_visit_needs_a_stop() -> None:
    lat, lon = NAMPO
    stop = legs(445000001, T0, lat - 0.2, lon, [(2, 7, 0), (6, 0.1, 0), (2, 7, 180)])
    passing = legs(445000002, T0, lat - 0.1, lon - 0.2, [(4, 3, 90)])  # slow, but never < 0.5
    found = [e for e in events(table(stop, passing)) if e["kind"] == "port_visit"]
    assert [e["mmsi"] for e in found] == [445000001]
    assert found[0]["port"].startswith("Nampo")
    assert found[0]["details"]["slow_positions"] > 0


def test_gap_at_sea_but_not_in_port() -> None:
    lat, lon = SEA
    before = legs(412000001, T0, lat, lon, [(3, 10, 0)])
    after = legs(412000001, T0 + h(20), lat + 1, lon, [(3, 10, 0)])
    short = legs(412000002, T0, lat, lon + 1, [(3, 10, 0)]) + legs(
        412000002, T0 + h(13), lat, lon + 1.2, [(3, 10, 0)]
    )  # 10 h silence: a decoy
    in_port = legs(445000001, T0, *NAMPO, [(3, 0.1, 0)]) + legs(
        445000001, T0 + h(20), *NAMPO, [(3, 0.1, 0)]
    )
    gaps = [e for e in events(table(before, after, short, in_port)) if e["kind"] == "gap"]
    assert [g["mmsi"] for g in gaps] == [412000001]
    d = gaps[0]["details"]
    assert 16.9 < d["duration_h"] < 17.1 and d["positions_before"] > 30
    assert d["start_lat"] < d["end_lat"]


def test_teleport_out_and_back_is_one_event() -> None:
    lat, lon = SEA
    fixes = legs(412000001, T0, lat, lon, [(4, 10, 0)])
    i = len(fixes) // 2
    for k in (i, i + 1):  # two fake fixes 300 km away
        m, t, la, lo, s = fixes[k]
        fixes[k] = (m, t, la + 2.7, lo, s)
    spoof = [e for e in events(table(fixes)) if e["kind"] == "spoofing"]
    assert len(spoof) == 1
    assert spoof[0]["details"]["subtype"] == "teleport"
    assert spoof[0]["details"]["jumps"] == 2


def test_shared_mmsi() -> None:
    lat, lon = SEA
    a = legs(412000001, T0, lat, lon, [(4, 10, 0)], every_s=360)
    b = legs(412000001, T0 + timedelta(seconds=180), lat + 2, lon + 2, [(4, 10, 90)], every_s=360)
    spoof = [e for e in events(table(a, b)) if e["kind"] == "spoofing"]
    assert len(spoof) == 1
    assert spoof[0]["details"]["subtype"] == "shared_mmsi"


def test_identity_and_draught_changes() -> None:
    st = static(
        [
            (412000001, T0, 9074729, "YU JONG 2", "HMYJ2", 6.0),
            (412000001, T0 + h(1), 9074729, "yu jong 2 ", "HMYJ2", 6.2),  # same name, small
            (412000001, T0 + h(2), None, None, None, 99.0),  # absurd draught, unknown name
            (412000001, T0 + h(3), 9074729, "KUM UN SAN", "HMYJ2", 9.1),  # renamed, loaded
            (445000009, T0 + h(5), 9074729, "KUM UN SAN", "HMKS", 9.0),  # same IMO, new MMSI
        ]
    )
    found = events(pa.table({"mmsi": pa.array([], pa.uint32())}), KINDS, st)
    ident = [e for e in found if e["kind"] == "identity_change"]
    draught = [e for e in found if e["kind"] == "draught_change"]
    assert sorted((e["mmsi"], e["details"]["change"]) for e in ident) == [
        (412000001, "same_mmsi"),
        (445000009, "same_imo"),
    ]
    assert len(draught) == 1
    d = draught[0]["details"]
    assert (d["draught_before_m"], d["draught_after_m"], d["delta_m"]) == (6.2, 9.1, 2.9)
    assert d["direction"] == "loaded"


def test_order_and_duplicates_do_not_change_events() -> None:
    tbl = table(legs(412000001, T0, *SEA, [(2, 10, 0), (5, 1.0, 45), (2, 10, 0)]))
    shuffled = pa.concat_tables([tbl, tbl]).take(pa.array(list(range(2 * tbl.num_rows))[::-1]))
    assert events(shuffled) == events(tbl)


def test_spatial_cells_at_antimeridian_and_pole() -> None:
    tbl = table(
        legs(412000001, T0, 10.0, 179.999, [(6, 0.3, 0)]),
        legs(412000002, T0, 10.0, -179.999, [(6, 0.3, 0)]),
        legs(412000003, T0, 89.999, 0.0, [(6, 0.2, 90)]),
        legs(412000004, T0, 89.999, 120.0, [(6, 0.2, 90)]),  # 190 m apart over the pole
    )
    samples = resample_partition(tbl, P)
    whole = run_cell_kernel(samples, P)
    assert set(whole.column("mmsi_b").to_pylist()) == {412000002, 412000004}
    for block in (10.0, 3.0):
        parts = [run_cell_kernel(s, P, home) for _, s, home in cell_partitions(samples, P, block)]
        assert sum(p.num_rows for p in parts) == whole.num_rows


def test_candidates_measured_in_chunks_give_the_same_adjacency(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a crowded anchorage: many ships within a few hundred metres, with one pair's home
    # on each side of a partition boundary
    lat, lon = SEA
    tbl = table(
        *(
            legs(412000100 + k, T0, lat + 0.0007 * (k % 5), lon + 0.0009 * (k // 5), [(3, 0.2, 0)])
            for k in range(20)
        )
    )
    samples = resample_partition(tbl, P)
    whole = run_cell_kernel(samples, P)
    parts = list(cell_partitions(samples, P, 0.003))
    split = [run_cell_kernel(s, P, home).to_pylist() for _, s, home in parts]
    monkeypatch.setattr(encounters_module, "CANDIDATE_CHUNK", 7)
    assert run_cell_kernel(samples, P).to_pylist() == whole.to_pylist()
    assert [run_cell_kernel(s, P, home).to_pylist() for _, s, home in parts] == split
    assert whole.num_rows > 1000 and len(parts) > 1
