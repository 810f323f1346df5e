"""Learned anchorages: ships waiting together near a port are an anchorage, not encounters; a
hotspot far out at sea is never learned away; grouping does not depend on grid cell edges."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import numpy as np
from detect_synth import SEA, T0, table
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from oiltrail.cli import app
from oiltrail.detect.anchorages import bearing_name, components, link_groups
from oiltrail.geodesy import haversine_m
from oiltrail.store import open_store

runner = CliRunner()
OFF_NAKHODKA = (42.62, 132.80)  # about 21 km south-south-west of Nakhodka


def _anchored(n: int, place: tuple[float, float], hours: float = 8.0, first: int = 273000001):
    """n ships at anchor in a line 445 m apart (sog 0.1 kn), a fix every 5 minutes."""
    tracks = []
    for k in range(n):
        fixes = []
        for s in range(int(hours * 12) + 1):
            t = T0 + timedelta(minutes=5 * s)
            fixes.append((first + k, t, place[0] + k * 0.004, place[1], 0.1))
        tracks.append(fixes)
    return tracks


def _db(tmp_path: Path, tracks: list) -> Path:  # type: ignore[type-arg]
    path = tmp_path / "s.duckdb"
    with open_store(path) as store:
        store.con.register("t", table(*tracks))
        store.con.execute("INSERT INTO positions (mmsi, ts, lat, lon, sog) SELECT * FROM t")
    return path


def _events(db: Path, kind: str) -> list[dict]:  # type: ignore[type-arg]
    out = runner.invoke(app, ["events", "--db", str(db), "--format", "json", "--kinds", kind])
    assert out.exit_code == 0, out.output
    return json.loads(out.output)


def test_ships_anchored_together_near_a_port_are_an_anchorage_not_encounters(
    tmp_path: Path,
) -> None:
    db = _db(tmp_path, _anchored(6, OFF_NAKHODKA))
    assert runner.invoke(app, ["detect", "--db", str(db), "--no-learned-anchorages"]).exit_code == 0
    assert len(_events(db, "encounter")) == 5  # every neighbouring pair, by the plain rule
    res = runner.invoke(app, ["anchorages", "--db", str(db), "--format", "json"])
    assert res.exit_code == 0 and json.loads(res.output) == []
    assert runner.invoke(app, ["detect", "--db", str(db)]).exit_code == 0
    assert _events(db, "encounter") == [] and _events(db, "loitering") == []
    (anc,) = json.loads(
        runner.invoke(app, ["anchorages", "--db", str(db), "--format", "json"]).output
    )
    assert anc["vessels"] == 6 and anc["spells"] == 6 and anc["port"] == "Nakhodka"
    assert anc["name"] == "anchorage 20 km S of Nakhodka"
    assert 15 < anc["port_distance_km"] < 25 and anc["hours"] == 48.0
    assert anc["radius_m"] > 1000
    table_out = runner.invoke(app, ["anchorages", "--db", str(db)])
    assert "of Nakhodka" in table_out.output
    html = tmp_path / "report.html"
    res = runner.invoke(app, ["report", "--db", str(db), "-o", str(html)])
    assert res.exit_code == 0, res.output
    text = html.read_text()
    assert 'class="anchorage"' in text and "anchorage 20 km S of Nakhodka: 6 vessels" in text


def test_a_hotspot_far_at_sea_is_never_learned_away(tmp_path: Path) -> None:
    db = _db(tmp_path, _anchored(6, SEA))
    assert runner.invoke(app, ["detect", "--db", str(db)]).exit_code == 0
    res = runner.invoke(app, ["anchorages", "--db", str(db), "--format", "json"])
    assert json.loads(res.output) == []
    assert len(_events(db, "encounter")) == 5


def test_four_ships_are_not_an_anchorage(tmp_path: Path) -> None:
    db = _db(tmp_path, _anchored(4, OFF_NAKHODKA))
    assert runner.invoke(app, ["detect", "--db", str(db)]).exit_code == 0
    assert len(_events(db, "encounter")) == 3


def test_bearing_names() -> None:
    assert bearing_name(42.8, 132.88, 42.6, 132.88) == "S"
    assert bearing_name(0, 0, 1, 1) == "NE" and bearing_name(0, 0, 0, -1) == "W"


def _brute_groups(lat: np.ndarray, lon: np.ndarray, link_m: float) -> set[frozenset[int]]:
    n = len(lat)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            if haversine_m(lat[i], lon[i], lat[j], lon[j]) <= link_m:
                parent[find(j)] = find(i)
    groups: dict[int, set[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), set()).add(i)
    return {frozenset(g) for g in groups.values()}


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.floats(-0.03, 0.03), st.floats(-0.03, 0.03)), min_size=1, max_size=40),
    st.floats(-80, 80),
    st.floats(-180, 180),
)
def test_groups_are_single_linkage_wherever_the_cells_fall(
    offsets: list[tuple[float, float]], lat0: float, lon0: float
) -> None:
    lat = np.array([lat0 + a for a, _ in offsets])
    lon = (np.array([lon0 + b for _, b in offsets]) + 540) % 360 - 180
    labels = link_groups(lat, lon, 1000.0)
    got: dict[int, set[int]] = {}
    for i, g in enumerate(labels.tolist()):
        got.setdefault(g, set()).add(i)
    assert {frozenset(g) for g in got.values()} == _brute_groups(lat, lon, 1000.0)


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 60), st.lists(st.tuples(st.integers(0, 59), st.integers(0, 59)), max_size=80))
def test_components_label_each_point_with_its_components_smallest_index(
    n: int, edges: list[tuple[int, int]]
) -> None:
    pairs = [(a, b) for a, b in edges if a < n and b < n]
    i = np.array([a for a, _ in pairs], dtype=np.int64)
    j = np.array([b for _, b in pairs], dtype=np.int64)
    label = components(n, i, j)
    # the reference: grow each component from its smallest point
    want = list(range(n))
    for start in range(n):
        if want[start] != start:
            continue
        todo, seen = [start], {start}
        while todo:
            x = todo.pop()
            for a, b in pairs:
                for u, v in ((a, b), (b, a)):
                    if u == x and v not in seen:
                        seen.add(v)
                        todo.append(v)
        for x in seen:
            want[x] = start
    assert label.tolist() == want


def test_components_of_a_long_shuffled_path_are_one() -> None:
    order = np.random.default_rng(3).permutation(5_000)
    label = components(5_000, order[:-1], order[1:])
    assert set(label.tolist()) == {0}


def test_spells_need_a_reported_slow_speed_for_long_enough_and_mean_across_the_antimeridian() -> (
    None
):
    from oiltrail.detect.anchorages import stationary_spells
    from oiltrail.detect.params import AnchorageParams

    fixes = []
    for s in range(40):  # 3 h 15 min at anchor astride 180°, a fix every 5 minutes
        t = T0 + timedelta(minutes=5 * s)
        fixes.append((273000001, t, 50.0, 179.999 if s % 2 else -179.999, 0.1))
    for s in range(40):  # as long, but no speed reported: not a stationary spell
        fixes.append((273000002, T0 + timedelta(minutes=5 * s), 50.0, 10.0, None))
    for s in range(12):  # under 2 h: too short
        fixes.append((273000003, T0 + timedelta(minutes=5 * s), 51.0, 10.0, 0.0))
    (spell,) = stationary_spells(table(fixes), AnchorageParams()).to_pylist()
    assert spell["mmsi"] == 273000001 and abs(abs(spell["lon"]) - 180) < 0.01
    assert spell["end"] - spell["start"] == timedelta(minutes=195)
