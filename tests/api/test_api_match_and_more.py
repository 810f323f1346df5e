"""POST /match/{dataset} through a yente client, POST /claims/check, and the rows of chains,
estimate, anchorages and routes, on a real uvicorn server over the demo store."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from live_server import Live
from yente_client import YenteClient

from oiltrail.demo import SAMPLE_ARTICLE

PAEK_MA = {"schema": "Vessel", "properties": {"name": ["PAEK MA"], "imoNumber": ["IMO9066978"]}}


@pytest.fixture
def yente(live: Live) -> Iterator[YenteClient]:
    client = YenteClient(live.url, str(live.client.headers["authorization"]).split()[1])
    yield client
    client.close()


def test_a_yente_client_works_unchanged(yente: YenteClient) -> None:
    queries = {
        "tanker": PAEK_MA,
        "by_name": {"schema": "Vessel", "properties": {"name": "PAEK MA"}},
        "person": {"schema": "Person", "properties": {"name": ["Nobody Atall Xyzzy"]}},
    }
    found = yente.match(queries, limit=3, threshold=0.7)
    assert set(found.responses) == set(queries)
    top = found.responses["tanker"].results[0]
    assert top.id == "ofac-23737" and top.caption == "PAEK MA" and top.schema_ == "Vessel"
    assert top.match and top.score >= 0.95 and top.target
    assert {"name_match", "imo_number_match"} <= set(top.explanations)
    assert top.features["name_match"] == top.explanations["name_match"].score
    assert "9066978" in str(top.properties.get("imoNumber"))
    assert "un_1718_vessels" in top.datasets
    assert found.responses["by_name"].results[0].id == "ofac-23737"
    assert found.responses["person"].results == [] and found.responses["person"].total.value == 0
    assert found.limit == 3 and "name_match" in found.matcher


def test_a_named_dataset_filters_results(yente: YenteClient, live: Live) -> None:
    found = yente.match({"q": PAEK_MA}, dataset="us_ofac_sdn", limit=10)
    assert found.responses["q"].results
    assert all("us_ofac_sdn" in r.datasets for r in found.responses["q"].results)
    r = live.client.post("/match/no_such_list", json={"queries": {"q": PAEK_MA}})
    assert r.status_code == 404 and "no dataset" in r.json()["detail"]


def test_a_batch_of_100(yente: YenteClient) -> None:
    queries = {
        f"q{i}": {"schema": "Vessel", "properties": {"name": [f"PAEK MA {i}"]}} for i in range(100)
    }
    found = yente.match(queries)
    assert len(found.responses) == 100
    assert all(m.status == 200 for m in found.responses.values())


@pytest.mark.parametrize(
    ("body", "status", "text"),
    [
        ({"queries": {"q": {"schema": "Spaceship", "properties": {"name": ["X"]}}}}, 422, "schema"),
        ({"queries": {"q": {"schema": "Vessel", "properties": {"warp": ["X"]}}}}, 422, "warp"),
        ({"queries": {"q": PAEK_MA}, "surprise": 1}, 422, "surprise"),
        ({"queries": {"q": {**PAEK_MA, "extra": 1}}}, 422, "extra"),
        ({"queries": {f"q{i}": PAEK_MA for i in range(101)}}, 422, "at most 100"),
        ({"nothing": True}, 422, "queries"),
    ],
)
def test_bad_match_requests(live: Live, body: dict[str, Any], status: int, text: str) -> None:
    r = live.client.post("/match/default", json=body)
    assert r.status_code == status, r.text
    assert text in r.json()["detail"]


def test_malformed_and_huge_bodies(live: Live) -> None:
    r = live.client.post(
        "/match/default", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert r.status_code == 400 and r.json()["detail"] == "malformed JSON body"
    huge = b'{"text": "' + b"a" * 2_100_000 + b'"}'
    r = live.client.post(
        "/claims/check", content=huge, headers={"content-type": "application/json"}
    )
    assert r.status_code == 413 and "2,000,000 bytes" in r.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"text": "'
        for _ in range(25):
            yield b"b" * 100_000
        yield b'"}'

    r = live.client.post(
        "/claims/check", content=chunks(), headers={"content-type": "application/json"}
    )
    assert r.status_code == 413


def test_claims_check(live: Live) -> None:
    text = SAMPLE_ARTICLE.read_text(encoding="utf-8")
    r = live.client.post("/claims/check", json={"text": text})
    assert r.status_code == 200, r.text
    result = r.json()
    verdicts = {c["verdict"] for c in result["claims"]}
    assert len(result["claims"]) >= 3 and "contradicted" in verdicts
    assert all(c["reasons"] for c in result["claims"])
    dated = live.client.post("/claims/check", json={"text": text, "date": "2024-06-01"}).json()
    assert dated["claims"]
    for body in ({"text": text, "date": "June"}, {"text": ""}, {"text": text, "x": 1}, {}):
        bad = live.client.post("/claims/check", json=body)
        assert bad.status_code == 422, (body, bad.text)


def test_chains_and_one_chain(live: Live) -> None:
    page = live.client.get("/chains").json()
    assert page["total"] >= 2
    first = page["items"][0]
    assert first["source_port"] and first["barrels_mid"] > 0
    mine = live.client.get("/chains", params={"mmsi": 445944506}).json()
    assert [c["receiver_mmsi"] for c in mine["items"]] == [445944506]
    early = live.client.get("/chains", params={"end": "2025-12-31"}).json()
    assert early["total"] == 0
    one = live.client.get(f"/chains/{mine['items'][0]['chain_id']}").json()
    kinds = {e["kind"] for e in one["events"]}
    assert "encounter" in kinds and "port_visit" in kinds
    assert len(one["route"]) > 10 and all(len(p) == 2 for p in one["route"])
    assert live.client.get("/chains/nope").status_code == 404


def test_estimate_anchorages_routes(live: Live) -> None:
    cap = live.client.get("/estimate").json()
    years = [r["year"] for r in cap["rows"]]
    assert 2026 in years and cap["cap"]["barrels"] == 500_000 and cap["simulated"] is True
    learned = live.client.get("/anchorages").json()
    # the demo scenario's ships anchored together off Pusan (docs/events.md)
    assert learned["total"] == 1 and learned["items"][0]["name"].endswith("of Pusan")
    assert learned["items"][0]["vessels"] >= 5
    assert live.client.get("/anchorages", params={"bbox": "0,0,1,1"}).json()["total"] == 0
    routes = live.client.get("/routes", params={"year": 2023}).json()
    assert routes["total"] > 0 and all(r["year"] == 2023 for r in routes["items"])
    assert live.client.get("/routes", params={"cut": "teleport"}).status_code == 400
    assert live.client.get("/routes", params={"year": 3000}).status_code == 422
    assert httpx.get(f"{live.url}/estimate").status_code == 401
