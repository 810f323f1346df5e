"""GET /tracks thinned by zoom, GET /status, the watchlist and alerts, the web app's files."""

from __future__ import annotations

import httpx
import pytest
from live_server import Live

from oiltrail.store import open_store

REGION = "115,25,145,50"


def test_tracks_are_thinned_by_zoom(live: Live) -> None:
    with open_store(live.db, read_only=True) as store:
        row = store.con.execute("SELECT count(*) FROM positions").fetchone()
    assert row is not None
    wide = live.client.get("/tracks", params={"bbox": REGION, "zoom": 3}).json()
    close = live.client.get("/tracks", params={"bbox": REGION, "zoom": 7}).json()
    assert 0 < wide["points"] < close["points"] < row[0] / 5
    assert wide["cell_deg"] > close["cell_deg"]
    track = wide["tracks"][0]
    assert len(track["lonlat"]) == 2 * len(track["times"])
    assert track["times"] == sorted(track["times"])
    lons, lats = track["lonlat"][0::2], track["lonlat"][1::2]
    assert all(115 <= lon <= 145 for lon in lons) and all(25 <= lat <= 50 for lat in lats)


def test_tracks_of_a_day_and_a_vessel_close_up(live: Live) -> None:
    day = {"start": "2026-01-08T00:00:00Z", "end": "2026-01-08T23:59:59Z"}
    one = live.client.get(
        "/tracks", params={"bbox": "131,38.5,132.5,40", "zoom": 11, "mmsi": 445944506, **day}
    ).json()
    assert [t["mmsi"] for t in one["tracks"]] == [445944506]
    assert one["tracks"][0]["name"] == "PAEK MA"
    first, last = one["tracks"][0]["times"][0], one["tracks"][0]["times"][-1]
    assert 1767830400 <= first <= last <= 1767916799  # within 2026-01-08 UTC


def test_cached_levels_are_what_reading_the_positions_gives(live: Live) -> None:
    """Zoom 2 and the coarser levels are derived from zoom 5's cells, not read again: the
    same vessels, cells, first times and counts as thinning the positions at their cell."""
    import numpy as np

    from oiltrail.api import tracks
    from oiltrail.store.vessel_reads import thinned_tracks

    with open_store(live.db, read_only=True) as store:
        levels = tracks._levels(store)
        assert sorted(levels) == [-1, 0, 1, 2, 5]
        for zoom in (2, 0):
            cell, bucket, derived = levels[zoom]
            read = thinned_tracks(store, None, None, None, cell, bucket)
            assert len(read["mmsi"]) == len(derived["mmsi"]) > 0
            for key in ("mmsi", "t", "n", "ci", "cj", "tb"):
                assert np.array_equal(read[key], derived[key]), (zoom, key)
            assert np.allclose(read["lat"], derived["lat"]) and np.allclose(
                read["lon"], derived["lon"]
            )
        assert len(levels[0][2]["mmsi"]) < len(levels[2][2]["mmsi"]) < len(levels[5][2]["mmsi"])


def test_close_view_of_a_long_time_range_is_cut_from_the_cached_level(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A zoom-9 view whose time range holds more positions than a request reads is cut from
    zoom 5's cells (marked thinned); a short time range is read from the positions."""
    from oiltrail.api import tracks

    box = {"bbox": "124,37,126,39", "zoom": 9}
    monkeypatch.setattr(tracks, "DIRECT_MAX_POSITIONS", 1_000)
    wide = live.client.get("/tracks", params=box).json()
    assert wide["thinned"] is True and wide["cell_deg"] == tracks.cell_for_zoom(5)[0]
    monkeypatch.setattr(tracks, "DIRECT_MAX_POSITIONS", 10**9)
    hour = {"start": "2026-01-08T10:00:00Z", "end": "2026-01-08T10:59:59Z"}
    close = live.client.get("/tracks", params={**box, **hour}).json()
    assert close["thinned"] is False and close["cell_deg"] == tracks.cell_for_zoom(9)[0]
    assert close["points"] > 0


def test_tracks_bad_input(live: Live) -> None:
    for params in (
        {"zoom": 30},
        {"bbox": "0,0,999,1"},
        {"start": "2026-02-01", "end": "2026-01-01"},
    ):
        r = live.client.get("/tracks", params=params)
        assert r.status_code == 422, (params, r.text)


def test_status(live: Live) -> None:
    st = live.client.get("/status").json()
    assert st["positions"] > 1_000_000 and st["simulated"] is True
    assert st["first"].startswith("2026-01-05")


def test_watchlist_and_alerts(live: Live) -> None:
    assert live.client.get("/watchlist").json() == {"vessels": [], "entities": []}
    put = live.client.put("/watchlist", json={"vessels": [445944506, 445944506], "entities": []})
    assert put.json() == {"vessels": [445944506], "entities": []}
    assert live.client.get("/watchlist").json()["vessels"] == [445944506]
    path = live.db.with_name(live.db.name + ".watchlist.json")
    assert path.stat().st_mode & 0o777 == 0o600
    everything = live.client.get("/alerts").json()
    kinds = {a["kind"] for a in everything["items"]}
    assert {"chain", "screening"} <= kinds  # events only once new (test_alerts.py)
    assert "event" not in kinds
    assert all(a["mmsi"] == 445944506 for a in everything["items"])
    assert live.client.get("/alerts", params={"since": "2099-01-01"}).json()["total"] == 0
    assert live.client.put("/watchlist", json={"vessels": [1], "x": 1}).status_code == 422
    assert live.client.put("/watchlist", json={"vessels": ["abc"]}).status_code == 422
    assert live.client.get("/alerts", params={"since": "soon"}).status_code == 422
    live.client.put("/watchlist", json={"vessels": [], "entities": []})


def test_the_app_files_need_no_token_and_carry_the_csp(live: Live) -> None:
    page = httpx.get(f"{live.url}/")
    assert page.status_code == 200 and "/app/app.js" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    js = httpx.get(f"{live.url}/app/vendor/maplibre-gl/maplibre-gl.mjs")
    assert js.status_code == 200 and len(js.content) > 500_000
    land = httpx.get(f"{live.url}/app/land.geojson").json()
    assert len(land["features"]) > 100 and "NOAA" in land["source"]
    assert httpx.get(f"{live.url}/app/../../etc/passwd").status_code == 404


def test_the_app_files_are_revalidated_by_their_etag(live: Live) -> None:
    """The app's files come from memory with an ETag: a browser that has them asks again with
    it and gets 304; a module script carries a JavaScript media type (else the browser refuses
    to run it); a path the app does not have is a JSON 404, whatever it names."""
    url = f"{live.url}/app/vendor/maplibre-gl/maplibre-gl.mjs"
    js = httpx.get(url)
    assert js.headers["content-type"].startswith("text/javascript")
    assert js.headers["cache-control"] == "no-cache"
    again = httpx.get(url, headers={"If-None-Match": js.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert httpx.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    head = httpx.head(url)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == len(js.content)
    land = httpx.get(f"{live.url}/app/land.geojson")
    assert land.headers["content-type"] == "application/geo+json"
    assert (
        httpx.get(
            f"{live.url}/app/land.geojson", headers={"If-None-Match": land.headers["etag"]}
        ).status_code
        == 304
    )
    for path in ("/app/nothing.js", "/app/%2e%2e/api/app.py", "/app/vendor/", "/app/"):
        missing = httpx.get(f"{live.url}{path}")
        assert missing.status_code == 404, path
        assert "detail" in missing.json()
        assert "script-src 'self'" in missing.headers["content-security-policy"]
