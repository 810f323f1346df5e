"""A chain's relay tankers (`relay_mmsi`) are vessels of the chain like its donor and receiver
(docs/chains.md): `GET /chains?mmsi=` finds the chain by a relay, a watched relay gets the
chain's alert, and a relay's dossier lists the chain. Hand-made chains in a real store, served
by the real app through FastAPI's TestClient."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from live_server import TOKEN

from oiltrail.api import ServeConfig, create_app
from oiltrail.screen.watchlist import ensure_lists
from oiltrail.store import open_store
from oiltrail.store.chains import CHAIN_COLUMNS, replace_chains

DONOR, RELAY_1, RELAY_2, RECEIVER = 273_000_501, 273_000_502, 273_000_503, 445_000_504
OTHER_DONOR, OTHER_RECEIVER = 352_000_505, 445_000_506  # a direct chain, no relay
T0 = datetime(2026, 1, 3)

NAMES = {
    DONOR: "SEA PIONEER",
    RELAY_1: "OCEAN FIRST",
    RELAY_2: "OCEAN SECOND",
    RECEIVER: "CHON MA SAN",
    OTHER_DONOR: "NEW REGENT",
    OTHER_RECEIVER: "PAEK MA",
}


def _chain(chain_id: str, donor: int, relays: str, receiver: int, port: str) -> dict[str, Any]:
    values = (chain_id, port, T0, donor, f"enc-{chain_id}", receiver, "Nampo", T0)
    row: dict[str, Any] = dict(zip(CHAIN_COLUMNS, values, strict=False))
    row.update(barrels_low=1000.0, barrels_mid=2000.0, barrels_high=3000.0, confidence=0.8)
    row.update(evidence="", relay_mmsi=relays, details={"kind": "relay" if relays else "direct"})
    return row


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    db = tmp_path / "relays.duckdb"
    with open_store(db) as store:
        ensure_lists(store)  # the bundled watchlist, as `trace` and `demo` load it
        for mmsi, name in NAMES.items():
            store.con.execute(
                "INSERT INTO static_reports (mmsi, ts, name, ship_type) VALUES (?, ?, ?, 80)",
                [mmsi, T0, name],
            )
            store.con.execute(
                "INSERT INTO positions (mmsi, ts, lat, lon) VALUES (?, ?, 40.0, 131.0)",
                [mmsi, T0],
            )
        replace_chains(
            store,
            [
                _chain("relay-chain", DONOR, f"{RELAY_1};{RELAY_2}", RECEIVER, "Vostochny"),
                _chain("direct-chain", OTHER_DONOR, "", OTHER_RECEIVER, "Nakhodka"),
            ],
        )
    app = create_app(ServeConfig(db=db, token=TOKEN))
    with TestClient(app, headers={"Authorization": f"Bearer {TOKEN}"}) as c:
        yield c


def _chain_ids(client: TestClient, mmsi: int) -> list[str]:
    r = client.get("/chains", params={"mmsi": mmsi})
    assert r.status_code == 200, r.text
    return [c["chain_id"] for c in r.json()["items"]]


def test_chains_filter_finds_a_chain_by_each_of_its_vessels_relays_too(
    client: TestClient,
) -> None:
    for mmsi in (DONOR, RELAY_1, RELAY_2, RECEIVER):
        assert _chain_ids(client, mmsi) == ["relay-chain"], mmsi
    assert _chain_ids(client, OTHER_DONOR) == ["direct-chain"]
    assert _chain_ids(client, 273_000_999) == []  # in no chain
    # the rows keep the columns of `oiltrail trace`: relay_mmsi as trace wrote it
    (row,) = client.get("/chains", params={"mmsi": RELAY_2}).json()["items"]
    assert list(row) == list(CHAIN_COLUMNS)
    assert row["relay_mmsi"] == f"{RELAY_1};{RELAY_2}"


def _chain_alerts(client: TestClient, vessels: list[int]) -> list[dict[str, Any]]:
    assert client.put("/watchlist", json={"vessels": vessels}).status_code == 200
    r = client.get("/alerts")
    assert r.status_code == 200, r.text
    return [a for a in r.json()["items"] if a["kind"] == "chain"]


def test_a_watched_relay_gets_the_chains_alert(client: TestClient) -> None:
    (alert,) = _chain_alerts(client, [RELAY_2])
    assert alert["mmsi"] == RELAY_2 and alert["ref"] == "relay-chain"
    assert "OCEAN SECOND" in alert["what"] and "relay" in alert["what"]
    assert set(alert) == {"kind", "added", "mmsi", "what", "ref"}  # the alert's shape


def test_donor_and_receiver_alerts_are_unchanged(client: TestClient) -> None:
    alerts = _chain_alerts(client, [DONOR, OTHER_RECEIVER])
    assert sorted((a["mmsi"], a["ref"]) for a in alerts) == [
        (DONOR, "relay-chain"),
        (OTHER_RECEIVER, "direct-chain"),
    ]
    assert _chain_alerts(client, [273_000_999]) == []  # a vessel in no chain: none


def test_a_relays_dossier_lists_its_chain(client: TestClient) -> None:
    r = client.get(f"/vessels/{RELAY_1}")
    assert r.status_code == 200, r.text
    assert [c["chain_id"] for c in r.json()["chains"]] == ["relay-chain"]
