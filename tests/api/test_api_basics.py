"""The API on a real uvicorn server on 127.0.0.1 over a demo store: health, token on every
route, OpenAPI, vessel search and dossier, events, bad input as JSON 4xx."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from live_server import TOKEN, Live

from oiltrail.store import open_store

PAEK_MA = 445944506  # the demo's DPRK tanker (receiver of the Vostochny chain)
JW_JEWEL = 373610349


def _sample_path(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "123456789", path).replace("/match/123456789", "/match/default")


def test_healthz_needs_no_token(live: Live) -> None:
    r = httpx.get(f"{live.url}/healthz")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"
    assert "default-src 'self'" in r.headers["content-security-policy"]


def test_every_route_wants_the_token(live: Live) -> None:
    spec = live.client.get("/openapi.json").json()
    assert httpx.get(f"{live.url}/openapi.json").status_code == 401
    walked = 0
    for path, methods in spec["paths"].items():
        for method in methods:
            url = f"{live.url}{_sample_path(path)}"
            for headers in (
                {},
                {"Authorization": "Bearer wrong-token-xxxxxxxxxxxx"},
                {"Authorization": TOKEN},
            ):
                r = httpx.request(method.upper(), url, headers=headers, json={})
                expected = 200 if path == "/healthz" else 401
                assert r.status_code == expected, (method, path, headers, r.text)
                if expected == 401:
                    assert r.json()["detail"]
                    assert r.headers["www-authenticate"] == "Bearer"
                walked += 1
    assert walked >= 3 * 4


def test_openapi_describes_the_routes(live: Live) -> None:
    spec = live.client.get("/openapi.json").json()
    assert {"/healthz", "/vessels", "/vessels/{mmsi}", "/events"} <= set(spec["paths"])
    assert spec["info"]["title"] == "oiltrail"


def test_search_by_name_imo_and_mmsi(live: Live) -> None:
    for q in ("paek", "IMO9066978", "9066978", str(PAEK_MA)):
        page = live.client.get("/vessels", params={"q": q}).json()
        assert PAEK_MA in [v["mmsi"] for v in page["items"]], q
    all_ = live.client.get("/vessels", params={"limit": 10}).json()
    assert all_["total"] > 50 and len(all_["items"]) == 10
    second = live.client.get("/vessels", params={"limit": 10, "offset": 10}).json()
    assert {v["mmsi"] for v in second["items"]}.isdisjoint({v["mmsi"] for v in all_["items"]})


def test_dossier(live: Live) -> None:
    d: dict[str, Any] = live.client.get(f"/vessels/{PAEK_MA}").json()
    assert d["name"] == "PAEK MA" and d["imo"] == 9066978
    assert d["simulated"] is True
    assert d["identities"][0]["callsign"]
    assert d["track"]["positions"] > 1000
    encounters = [e for e in d["events"] if e["kind"] == "encounter"]
    assert encounters and encounters[0]["mmsi"] == JW_JEWEL
    assert d["screening"][0]["entity_id"] == "ofac-23737"
    assert "IMO number matches" in d["screening"][0]["reasons"]
    assert any(p["hops"] == 1 for p in d["paths"])
    assert [c["source_port"] for c in d["chains"]] == ["Vostochny (Vostochnyy)"]


def test_events_filters(live: Live) -> None:
    enc = live.client.get("/events", params={"kind": "encounter"}).json()
    # the demo's four delivery transfers seen, and the relay chain's two
    assert enc["total"] == 6 and {e["kind"] for e in enc["items"]} == {"encounter"}
    mine = live.client.get("/events", params={"mmsi": PAEK_MA}).json()
    assert mine["total"] == 6
    day = live.client.get(
        "/events", params={"start": "2026-01-08T00:00:00Z", "end": "2026-01-08T23:59:59Z"}
    ).json()
    assert day["total"] > 0
    assert all(
        e["start"] <= "2026-01-08T23:59:59Z" and e["end"] >= "2026-01-08" for e in day["items"]
    )
    box = live.client.get("/events", params={"bbox": "131,38,132,40", "kind": "encounter"}).json()
    assert 0 < box["total"] < enc["total"]
    paged = live.client.get("/events", params={"limit": 2, "offset": 1}).json()
    assert len(paged["items"]) == 2 and paged["total"] > 2
    full = live.client.get("/events", params={"kind": "encounter"}).json()["items"]
    bare = live.client.get("/events", params={"kind": "encounter", "details": "false"}).json()
    assert all(e["details"] for e in full) and [e["details"] for e in bare["items"]] == [{}] * 6
    assert [{**e, "details": {}} for e in full] == bare["items"]  # the rest as it was


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/vessels/999999999", {}, 404),
        ("/vessels/abc", {}, 422),
        ("/vessels/-5", {}, 422),
        ("/events", {"kind": "teleport"}, 422),
        ("/events", {"details": "maybe"}, 422),
        ("/events", {"bbox": "0,0,500,1"}, 422),
        ("/events", {"bbox": "10,10,0,0"}, 422),
        ("/events", {"bbox": "nan,0,1,1"}, 422),
        ("/events", {"bbox": "1,2,3"}, 422),
        ("/events", {"start": "2026-02-01", "end": "2026-01-01"}, 422),
        ("/events", {"start": "1900-01-01"}, 422),
        ("/events", {"start": "yesterday"}, 422),
        ("/events", {"limit": 10**9}, 422),
        ("/vessels", {"q": "x" * 5000}, 422),
        ("/no-such-route", {}, 404),
    ],
)
def test_bad_requests_are_json_4xx(
    live: Live, path: str, params: dict[str, Any], status: int
) -> None:
    r = live.client.get(path, params=params)
    assert r.status_code == status, r.text
    body = r.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert "Traceback" not in r.text


def test_request_text_never_reaches_sql(live: Live) -> None:
    for q in ("'; DROP TABLE events; --", "%", "_", "\\", "PAEK' OR '1'='1"):
        r = live.client.get("/vessels", params={"q": q})
        assert r.status_code == 200, r.text
        assert r.json()["total"] == 0, q
    with open_store(live.db, read_only=True) as store:  # served: readers share the file
        row = store.con.execute("SELECT count(*) FROM events").fetchone()
    assert row is not None and row[0] > 0


def test_search_by_where_and_when_seen(live: Live) -> None:
    wonsan = live.client.get("/vessels", params={"q": "paek", "bbox": "127.3,39,127.6,39.3"})
    assert [v["mmsi"] for v in wonsan.json()["items"]] == [PAEK_MA]
    far = live.client.get("/vessels", params={"bbox": "0,0,1,1"}).json()
    assert far["total"] == 0
    later = live.client.get("/vessels", params={"start": "2026-03-01"}).json()
    assert later["total"] == 0
    some = live.client.get("/vessels", params={"start": "2026-01-08", "end": "2026-01-08T06:00"})
    assert 0 < some.json()["total"] <= live.client.get("/vessels").json()["total"]
    assert live.client.get("/vessels", params={"bbox": "1,2"}).status_code == 422
