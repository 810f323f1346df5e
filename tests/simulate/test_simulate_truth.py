"""Ground truth checked independently over the emitted positions (brute force, small scenario)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from oiltrail.geodesy import haversine_m
from oiltrail.simulate.geo import load_ports
from oiltrail.simulate.truth import event_id

BOX = (24.0, 52.0, 117.0, 143.0)  # lat min/max, lon min/max: the seas around Korea
# Points well inside land (city centres, island interiors): no position may come near them.
LAND = {
    "Seoul": (37.55, 126.99),
    "Pyongyang": (39.03, 125.75),
    "Jeju island": (33.37, 126.55),
    "Tsushima": (34.40, 129.32),
    "Daegu": (35.87, 128.60),
    "Jinan (Shandong)": (36.65, 117.12),
    "Fukuoka inland": (33.55, 130.65),
    "Vladivostok hills": (43.25, 132.05),
}


def _ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(datetime.fromisoformat(text.replace("Z", "")))


def _track(positions: pd.DataFrame, mmsi: int) -> pd.DataFrame:
    return positions[positions.mmsi == mmsi].sort_values("ts")


def _of(truth: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [r for r in truth if r["kind"] == kind]


def test_positions_in_region_and_off_land(positions: pd.DataFrame) -> None:
    assert positions.lat.between(BOX[0], BOX[1]).all()
    assert positions.lon.between(BOX[2], BOX[3]).all()
    for name, (lat, lon) in LAND.items():
        d = haversine_m(positions.lat.to_numpy(), positions.lon.to_numpy(), lat, lon)
        assert d.min() > 10_000, name


def test_event_ids_follow_the_contract(truth: list[dict[str, Any]]) -> None:
    for r in truth:
        other = int(r["other_mmsi"]) if r["other_mmsi"] else None
        assert r["event_id"] == event_id(r["kind"], int(r["mmsi"]), other, r["start"])
    assert len({r["event_id"] for r in truth}) == len(truth)


def test_encounters_really_close_slow_long_and_offshore(
    truth: list[dict[str, Any]], positions: pd.DataFrame
) -> None:
    ports = load_ports()
    encs = _of(truth, "encounter")
    assert encs
    for e in encs:
        t0, t1 = _ts(e["start"]), _ts(e["end"])
        assert (t1 - t0).total_seconds() >= 2 * 3600
        a = _track(positions, int(e["mmsi"]))
        b = _track(positions, int(e["other_mmsi"]))
        a, b = a[a.ts.between(t0, t1)], b[b.ts.between(t0, t1)]
        j = np.clip(np.searchsorted(b.ts.to_numpy(), a.ts.to_numpy()), 0, len(b) - 1)
        d = haversine_m(
            a.lat.to_numpy(), a.lon.to_numpy(), b.lat.to_numpy()[j], b.lon.to_numpy()[j]
        )
        assert d.max() < 500
        assert a.sog.median() < 2 and b.sog.median() < 2
        both = pd.concat([a, b])
        assert ports.min_distance_m(both.lat.to_numpy(), both.lon.to_numpy()).min() >= 10_000


def test_loitering_slow_long_far(truth: list[dict[str, Any]], positions: pd.DataFrame) -> None:
    ports = load_ports()
    for e in _of(truth, "loitering"):
        t0, t1 = _ts(e["start"]), _ts(e["end"])
        assert (t1 - t0).total_seconds() >= 4 * 3600
        tr = _track(positions, int(e["mmsi"]))
        inside = tr[tr.ts.between(t0, t1)]
        assert (inside.sog < 2).all()
        assert ports.min_distance_m(inside.lat.to_numpy(), inside.lon.to_numpy()).min() >= 37_040
        # the run is maximal: the reports just outside it are fast
        before, after = tr[tr.ts < t0].tail(1), tr[tr.ts > t1].head(1)
        assert (before.sog >= 2).all() and (after.sog >= 2).all()


def test_port_visits_first_to_last_inside(
    truth: list[dict[str, Any]], positions: pd.DataFrame
) -> None:
    ports = load_ports()
    visits = _of(truth, "port_visit")
    assert len(visits) > 20
    for e in visits[:60]:
        i = ports.index(e["port"])
        tr = _track(positions, int(e["mmsi"]))
        d = haversine_m(tr.lat.to_numpy(), tr.lon.to_numpy(), ports.lat[i], ports.lon[i])
        t = tr.ts.to_numpy()
        a = int(np.searchsorted(t, _ts(e["start"]).to_datetime64()))
        b = int(np.searchsorted(t, _ts(e["end"]).to_datetime64()))
        assert (d[a : b + 1] <= 5000).all()
        assert (tr.sog.to_numpy()[a : b + 1] < 0.5).any()
        assert a == 0 or d[a - 1] > 5000
        assert b == len(t) - 1 or d[b + 1] > 5000


def test_every_slow_stop_near_a_port_is_a_visit(
    truth: list[dict[str, Any]], positions: pd.DataFrame
) -> None:
    """Completeness: every position < 0.5 kn within 5 km of a port lies in a truth visit."""
    ports = load_ports()
    box = (ports.lat > BOX[0]) & (ports.lat < BOX[1]) & (ports.lon > BOX[2]) & (ports.lon < BOX[3])
    plat, plon = ports.lat[box], ports.lon[box]
    slow = positions[positions.sog < 0.5].iloc[::7]
    d = haversine_m(slow.lat.to_numpy()[:, None], slow.lon.to_numpy()[:, None], plat, plon)
    near = slow[d.min(axis=1) <= 5000]
    spans: dict[int, list[tuple[pd.Timestamp, pd.Timestamp]]] = {}
    for e in _of(truth, "port_visit"):
        spans.setdefault(int(e["mmsi"]), []).append((_ts(e["start"]), _ts(e["end"])))
    for r in near.itertuples():
        assert any(a <= r.ts <= b for a, b in spans.get(int(r.mmsi), [])), r


def test_gaps_complete_and_silent(truth: list[dict[str, Any]], positions: pd.DataFrame) -> None:
    gaps = {(int(e["mmsi"]), _ts(e["start"])) for e in _of(truth, "gap")}
    visits: dict[int, list[tuple[pd.Timestamp, pd.Timestamp]]] = {}
    for e in _of(truth, "port_visit"):
        visits.setdefault(int(e["mmsi"]), []).append((_ts(e["start"]), _ts(e["end"])))
    found = set()
    for mmsi, tr in positions.sort_values("ts").groupby("mmsi"):
        t = tr.ts.reset_index(drop=True)
        dt = t.diff().dt.total_seconds()
        for i in np.flatnonzero(dt.to_numpy() >= 12 * 3600):
            a, b = t[i - 1], t[i]
            if not any(s <= a <= e or s <= b <= e for s, e in visits.get(int(mmsi), [])):
                found.add((int(mmsi), a))
    assert found == gaps
    assert gaps


def test_draught_changes_consistent_with_hull(
    truth: list[dict[str, Any]], chains: list[dict[str, str]], meta: dict[str, Any]
) -> None:
    hulls = {v["mmsi"]: v for v in meta["vessels"]}
    rises = {int(e["mmsi"]): e for e in _of(truth, "draught_change") if e["details"]["delta_m"] > 0}
    assert chains
    for c in chains:
        tonnes = float(c["cargo_tonnes"])
        assert abs(float(c["cargo_barrels"]) - tonnes * 7.46) < 0.1
        assert c["barrels_low"] == c["barrels_mid"] == c["barrels_high"] == c["cargo_barrels"]
        for role in ("donor_mmsi", "receiver_mmsi"):
            h = hulls[int(c[role])]
            expected = tonnes / (h["length_m"] * h["beam_m"] * h["waterplane_coeff"] * 1.025)
            assert abs(rises[int(c[role])]["details"]["delta_m"] - expected) <= 0.11


def test_chain_evidence_points_at_truth_events(
    truth: list[dict[str, Any]], chains: list[dict[str, str]]
) -> None:
    ids = {r["event_id"]: r for r in truth}
    dests = {c["destination"] for c in chains}
    assert "dark near DPRK" in dests and dests - {"dark near DPRK"}
    for c in chains:
        ev = c["evidence"].split(";")
        assert all(i in ids for i in ev)
        assert c["encounter_event_id"] in ev
        enc = ids[c["encounter_event_id"]]  # the transfer to the receiver
        giver = c["relay_mmsi"].split(";")[-1] if c["relay_mmsi"] else c["donor_mmsi"]
        assert {int(enc["mmsi"]), int(enc["other_mmsi"])} == {int(giver), int(c["receiver_mmsi"])}
        assert str(c["receiver_mmsi"]).startswith("445")


def test_decoys_absent_from_truth(truth: list[dict[str, Any]], meta: dict[str, Any]) -> None:
    decoys = meta["decoys"]
    kinds = {d["kind"] for d in decoys}
    assert {"fast_close_pass", "moored_side_by_side", "passing_port_offshore"} <= kinds
    enc_pairs = {frozenset((int(e["mmsi"]), int(e["other_mmsi"]))) for e in _of(truth, "encounter")}
    for d in decoys:
        if "other_mmsi" in d:
            assert frozenset((d["mmsi"], d["other_mmsi"])) not in enc_pairs
        if d["kind"] == "passing_port_offshore":
            assert not any(e["port"] == d["port"] and int(e["mmsi"]) == d["mmsi"] for e in truth)
        if d["kind"] in ("short_slow", "short_silence"):
            t = _ts(d["time"])
            kind = "loitering" if d["kind"] == "short_slow" else "gap"
            assert not any(
                e["kind"] == kind
                and int(e["mmsi"]) == d["mmsi"]
                and _ts(e["start"]) <= t + pd.Timedelta(hours=11)
                and _ts(e["end"]) >= t
                for e in truth
            )
    rdv_pairs = {
        frozenset((int(e["mmsi"]), int(e["other_mmsi"]))) for e in _of(truth, "dark_rendezvous")
    }
    gap_ships = {int(e["mmsi"]) for e in _of(truth, "gap")}
    dark = [d for d in decoys if d["kind"] in ("dark_far_apart", "dark_same_place_a_day_apart")]
    assert len(dark) == 2
    for d in dark:  # both ships go dark, and not together
        assert {d["mmsi"], d["other_mmsi"]} <= gap_ships, d
        assert frozenset((d["mmsi"], d["other_mmsi"])) not in rdv_pairs, d
    (handover,) = [d for d in decoys if d["kind"] == "imo_handover"]
    anomalies = {int(e["mmsi"]) for e in _of(truth, "identity_anomaly")}
    anomalies |= {int(e["other_mmsi"]) for e in _of(truth, "identity_anomaly") if e["other_mmsi"]}
    assert not {handover["mmsi"], handover["other_mmsi"]} & anomalies
    assert any(
        e["details"].get("change") == "same_imo_new_mmsi"
        and int(e["mmsi"]) == handover["other_mmsi"]
        for e in _of(truth, "identity_change")
    )
    assert json.dumps(decoys)


def test_no_close_pair_outside_truth_encounters(
    truth: list[dict[str, Any]], positions: pd.DataFrame, meta: dict[str, Any]
) -> None:
    """Completeness: any two ships within 500 m for 2 h at sea (10-min bins) are a truth pair,
    but for the decoy of ships anchored together (a learned anchorage, never an encounter)."""
    p = positions.assign(tbin=positions.ts.astype("int64") // 600_000_000)
    p = p.groupby(["mmsi", "tbin"], as_index=False).first()
    p["cy"], p["cx"] = (p.lat * 100).astype(int), (p.lon * 100).astype(int)
    shifted = [p.assign(cy=p.cy + dy, cx=p.cx + dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
    pairs = p.merge(pd.concat(shifted), on=["tbin", "cy", "cx"], suffixes=("", "_o"))
    pairs = pairs[pairs.mmsi < pairs.mmsi_o]
    d = haversine_m(
        pairs.lat.to_numpy(), pairs.lon.to_numpy(), pairs.lat_o.to_numpy(), pairs.lon_o.to_numpy()
    )
    close = pairs[d < 500]
    ports = load_ports()
    close = close[ports.min_distance_m(close.lat.to_numpy(), close.lon.to_numpy()) >= 10_000]
    truth_pairs = {
        frozenset((int(e["mmsi"]), int(e["other_mmsi"]))) for e in _of(truth, "encounter")
    }
    anchored = {
        int(m) for d in meta["decoys"] if d["kind"] == "anchored_together" for m in d["mmsis"]
    }
    assert anchored, "the anchored-together decoy is planted"
    for (a, b), g in close.groupby(["mmsi", "mmsi_o"]):
        if int(a) in anchored and int(b) in anchored:
            continue
        bins = np.sort(g.tbin.unique())
        runs = np.split(bins, np.flatnonzero(np.diff(bins) > 1) + 1)
        if max(len(r) for r in runs) >= 12:
            assert frozenset((int(a), int(b))) in truth_pairs, (a, b)


def test_dark_sts_story_is_a_true_dark_rendezvous_with_draughts_moved_opposite_ways(
    truth: list[dict[str, Any]], meta: dict[str, Any]
) -> None:
    (story,) = [s for s in meta["stories"] if s["kind"] == "dark_sts"]
    donor, receiver = story["donor_mmsi"], story["receiver_mmsi"]
    assert 1000 <= story["switch_off_apart_m"] <= 3000
    (rdv,) = [
        e
        for e in _of(truth, "dark_rendezvous")
        if {int(e["mmsi"]), int(e["other_mmsi"])} == {donor, receiver}
    ]
    t0, t1 = _ts(rdv["start"]), _ts(rdv["end"])
    assert t1 - t0 >= pd.Timedelta(hours=4)
    deltas = {}
    for mmsi in (donor, receiver):
        (gap,) = [e for e in _of(truth, "gap") if int(e["mmsi"]) == mmsi and _ts(e["start"]) <= t0]
        back = _ts(gap["end"])
        assert pd.Timedelta(hours=14) <= back - _ts(gap["start"]) <= pd.Timedelta(hours=21)
        (change,) = [
            e
            for e in _of(truth, "draught_change")
            if int(e["mmsi"]) == mmsi and back <= _ts(e["start"]) <= back + pd.Timedelta(hours=1)
        ]
        deltas[mmsi] = change["details"]["delta_m"]
    assert deltas[donor] <= -0.5 and deltas[receiver] >= 0.5, deltas


def test_relay_chain_story_is_a_true_chain_through_its_relay(
    truth: list[dict[str, Any]], chains: list[dict[str, str]], meta: dict[str, Any]
) -> None:
    (story,) = [s for s in meta["stories"] if s["kind"] == "relay_chain"]
    donor, relay, receiver = story["donor_mmsi"], story["relay_mmsi"], story["receiver_mmsi"]
    (row,) = [c for c in chains if c["relay_mmsi"]]
    assert (int(row["donor_mmsi"]), row["relay_mmsi"], int(row["receiver_mmsi"])) == (
        donor,
        str(relay),
        receiver,
    )
    assert row["source_port"] == story["source_port"] and row["destination"] == "Wonsan"
    assert not str(relay).startswith("445") and str(receiver).startswith("445")
    ids = {e["event_id"]: e for e in truth}
    legs = [ids[i] for i in row["evidence"].split(";") if ids[i]["kind"] == "encounter"]
    pairs = [{int(e["mmsi"]), int(e["other_mmsi"])} for e in sorted(legs, key=lambda e: e["start"])]
    assert pairs == [{donor, relay}, {relay, receiver}]
    assert row["encounter_event_id"] == sorted(legs, key=lambda e: e["start"])[-1]["event_id"]
    moved = {
        (int(e["mmsi"]), e["details"]["delta_m"] > 0)
        for e in (ids[i] for i in row["evidence"].split(";"))
        if e["kind"] == "draught_change"
    }
    assert {(donor, False), (relay, True), (relay, False), (receiver, True)} <= moved
    assert all(c["relay_mmsi"] == "" for c in chains if c is not row)
