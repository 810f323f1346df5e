"""Pure parts of the report: projection, distances, track splitting, evidence parsing, ports,
ownership paths, a chain's links, the cap chart's bar heights and the timeline's edges."""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from oiltrail.geodesy import distance_km
from oiltrail.reference.ports import read_ports
from oiltrail.report.chainpath import Waypoint, evidence_ids, find_port, legs_km
from oiltrail.report.charts import pack_rows, render_cap_chart, render_timeline
from oiltrail.report.collect import split_track
from oiltrail.report.geo import DEFAULT_EXTENT_DEG, fit_extent
from oiltrail.report.tables import links_html, path_text, settings_html

T0 = datetime(2026, 1, 5)
lons = st.floats(min_value=100, max_value=150, allow_nan=False)
lats = st.floats(min_value=0, max_value=56, allow_nan=False)


@given(st.lists(st.tuples(lons, lats), min_size=1, max_size=30))
def test_every_point_lands_inside_the_svg(points: list[tuple[float, float]]) -> None:
    proj = fit_extent(points, 1000, 700)
    for lon, lat in points:
        x, y = proj.xy(lon, lat)
        assert 0 <= x <= 1000 and 0 <= y <= 700


def test_no_points_show_the_seas_around_korea() -> None:
    proj = fit_extent([], 1000, 700)
    west, south, east, north = DEFAULT_EXTENT_DEG
    assert proj.contains(west, south) and proj.contains(east, north)
    assert proj.contains(125.4, 38.7)  # Nampo


def test_one_point_gets_a_readable_span() -> None:
    proj = fit_extent([(125.4, 38.7)], 1000, 700)
    assert proj.east - proj.west >= 4


def test_distance_km() -> None:
    assert abs(distance_km(38.0, 125.0, 39.0, 125.0) - 111.2) < 0.5
    assert distance_km(40.0, 130.0, 40.0, 130.0) == 0
    a = distance_km(42.75, 133.08, 38.72, 125.4)
    assert a == distance_km(38.72, 125.4, 42.75, 133.08)
    assert 750 < a < 850  # Vostochny to Nampo, as the crow flies
    wps = [Waypoint("a", 125.0, 38.0), Waypoint("b", 125.0, 39.0), Waypoint("c", 125.0, 40.0)]
    assert [round(d) for d in legs_km(wps)] == [111, 111]


def test_split_track_breaks_at_silences_and_keeps_single_points() -> None:
    pts = [(T0 + timedelta(hours=h), 125.0 + h / 100, 38.0) for h in (0, 1, 2, 12, 13, 30)]
    segments = split_track(pts, break_h=6)
    assert [len(s) for s in segments] == [3, 2, 1]
    assert split_track([], 6) == []


def test_evidence_ids_in_every_shape() -> None:
    assert evidence_ids("a1;b2;c3") == ["a1", "b2", "c3"]
    assert evidence_ids('["a1", "b2"]') == ["a1", "b2"]
    assert evidence_ids(["a1", None, "b2"]) == ["a1", "b2"]
    assert evidence_ids("a1, b2 c3") == ["a1", "b2", "c3"]
    assert evidence_ids(None) == [] and evidence_ids("") == []


def test_find_port_by_name_or_bracketed_variant_only() -> None:
    ports = read_ports().to_pylist()
    nampo = find_port("Nampo", ports)
    assert nampo is not None and nampo["country"] == "North Korea"
    assert find_port("Chinnampo", ports) == nampo
    assert find_port("Nampo (Chinnampo)", ports) == nampo
    vostochny = find_port("vostochny", ports)
    assert vostochny is not None and vostochny["country"] == "Russia"
    assert find_port("Na", ports) is None  # no guessing from a prefix
    assert find_port("dark near DPRK", ports) is None
    assert find_port(None, ports) is None


def test_path_text_in_every_shape() -> None:
    steps = [{"name": "SHIP", "schema": "Vessel"}, {"name": "Co", "relation": "owner"}]
    assert path_text(steps) == "SHIP (Vessel) → Co (owner)"
    assert path_text("A → B") == "A → B"
    assert path_text('[{"name": "X"}]') == "X"
    assert path_text({"steps": ["A", "B"]}) == "A → B"
    assert path_text(None) == "—" and path_text([]) == "—"
    assert path_text([{"name": "<b>"}]) == "&lt;b&gt;"


def _bar_heights(svg: str, cls: str) -> list[float]:
    return [float(h) for h in re.findall(rf'class="bar {cls}"[^>]*height="([\d.]+)"', svg)]


def test_cap_bars_are_on_a_log_scale_and_years_without_ais_say_so() -> None:
    rows = [
        {"year": 2024, "reported_barrels": 250_000, "estimated_barrels_low": 0,
         "estimated_barrels_mid": 0, "estimated_barrels_high": 0, "cap_barrels": 500_000,
         "share_of_cap_mid": 0.5},
        {"year": 2026, "reported_barrels": 500_000, "estimated_barrels_low": 100_000,
         "estimated_barrels_mid": 125_000, "estimated_barrels_high": 150_000,
         "cap_barrels": 500_000, "share_of_cap_mid": 1.25},
    ]  # fmt: skip
    svg = render_cap_chart(rows, ais_years={2026})
    reported = _bar_heights(svg, "reported")
    # log axis from 100 bbl: heights grow with log10(v / 100)
    expected = math.log10(500_000 / 100) / math.log10(250_000 / 100)
    assert len(reported) == 2 and abs(reported[1] / reported[0] - expected) < 0.01
    assert "log scale" in svg
    assert len(_bar_heights(svg, "estimated")) == 1  # 2024 has no AIS: no zero bar
    assert "no AIS data" in svg
    assert "125% of cap" in svg and "50% of cap" in svg
    assert svg.count('class="cap-line"') == 2 + 1  # per year, and the legend
    assert svg.count("none published") == 2  # no published estimate in these rows


def test_cap_chart_sets_published_estimates_beside_declarations() -> None:
    rows = [
        {"year": 2018, "reported_barrels": 361_288, "estimated_barrels_low": 0,
         "estimated_barrels_mid": 0, "estimated_barrels_high": 0, "cap_barrels": 500_000,
         "share_of_cap_mid": 0.72, "published_estimate_barrels_low": 759_793,
         "published_estimate_barrels_high": 3_780_000,
         "published_estimate_sources": "US, 2018: up to 3,780,000 bbl [line 40]"},
        {"year": 2022, "reported_barrels": 255, "estimated_barrels_low": 0,
         "estimated_barrels_mid": 0, "estimated_barrels_high": 0, "cap_barrels": 500_000,
         "share_of_cap_mid": 0.0},
    ]  # fmt: skip
    svg = render_cap_chart(rows)
    (published,) = _bar_heights(svg, "published")
    (declared, tiny) = _bar_heights(svg, "reported")
    assert published > declared > tiny > 0  # 255 bbl still shows on the log axis
    assert "published range 759,793 bbl – 3,780,000 bbl" in svg
    assert "US, 2018: up to 3,780,000 bbl [line 40]" in svg  # the source in the hover
    assert "10M" in svg  # the axis reaches past 3.78 M


def test_cap_chart_before_the_cap_draws_no_cap_line() -> None:
    rows = [{"year": 2016, "reported_barrels": 1000, "cap_barrels": None}]
    svg = render_cap_chart(rows)
    assert svg.count('class="cap-line"') == 1  # the legend's only


def test_timeline_with_instant_events_and_one_kind() -> None:
    ev = {"event_id": "e1", "kind": "draught_change", "mmsi": 1, "start": T0, "end": T0}
    svg = render_timeline([ev, {**ev, "event_id": "e2"}], {})
    assert svg.count("<rect") == 2
    widths = [float(w) for w in re.findall(r'width="([\d.]+)"', svg)]
    assert all(w >= 3 for w in widths)
    assert "draught change" in svg


def test_overlapping_events_get_their_own_rows_up_to_a_limit() -> None:
    evs = [
        {"event_id": f"e{i}", "kind": "port_visit", "start": T0 + timedelta(hours=i),
         "end": T0 + timedelta(hours=i + 10)}
        for i in range(8)
    ]  # fmt: skip
    rows = [r for _, r in pack_rows(evs, max_rows=6)]
    assert rows[:6] == [0, 1, 2, 3, 4, 5]
    assert set(rows[6:]) <= set(range(6))
    later = {"event_id": "z", "kind": "port_visit", "start": T0 + timedelta(hours=30),
             "end": T0 + timedelta(hours=31)}  # fmt: skip
    assert dict((e["event_id"], r) for e, r in pack_rows([*evs[:2], later]))["z"] == 0


def test_parameters_read_one_line_per_kind() -> None:
    html = settings_html('{"gap": {"min_duration_h": 12.0}, "radius_m": 5000}')
    assert "<b>gap</b>: min_duration_h=12.0" in html
    assert "radius_m=5000" in html
    assert settings_html("not json") == "not json"
    assert "&lt;x&gt;" in settings_html('{"<x>": {"a": 1}}')


def test_a_relay_chains_transfers_are_each_a_link_with_why() -> None:
    """A relay chain's `transfers` (a list: one per ship-to-ship) are found links, each with
    its score and why (they were said to be 'not found'); a link that is absent still is."""
    details = {
        "links": {
            "load": {"score": 0.9, "why": "visit to Nakhodka"},
            "transfers": [{"score": 0.95, "why": "met 5.3 h"}, {"score": 0.8, "why": "met 7.0 h"}],
            "delivery": None,
        }
    }
    html = links_html(details)
    assert "<b>transfer 1</b> (score 0.95): met 5.3 h" in html
    assert "<b>transfer 2</b> (score 0.8): met 7.0 h" in html
    assert "<b>load</b> (score 0.9): visit to Nakhodka" in html
    assert "<b>delivery</b>: not found" in html
    assert "transfers</b>: not found" not in html
