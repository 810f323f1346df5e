"""A relay chain's route runs through its relay tankers (docs/chains.md): the donor from
loading to its transfer, each relay between the transfer it received and the one it gave, the
receiver after the last (`report.chainpath.legs`, the vessels read from
`records.chain_vessels`). `GET /chains/{id}`, the report's chains table and route, and
`oiltrail vessel`'s chains table show the relays. A hand-made relay chain in a real store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from oiltrail.api import ServeConfig, create_app
from oiltrail.reference.ports import read_ports
from oiltrail.report.chainpath import legs, transfers, waypoints
from oiltrail.store import open_store
from oiltrail.store.chains import CHAIN_COLUMNS, replace_chains
from oiltrail.store.reference import save_ports

TOKEN = "relay-legs-token-0123456789"
DONOR, RELAY_1, RELAY_2, RECEIVER = 273_000_601, 273_000_602, 273_000_603, 445_000_604
NAMES = {DONOR: "SEA PIONEER", RELAY_1: "OCEAN FIRST", RELAY_2: "OCEAN SECOND", RECEIVER: "CHON MA"}
T0 = datetime(2026, 1, 3)
# Each ship sails its leg along its own band of longitude (the donor 130.x, the first relay
# 131.x, ...), and elsewhere (lon 120.x) before and after, which no route may show.
LEG_LON = {DONOR: 130.0, RELAY_1: 131.0, RELAY_2: 132.0, RECEIVER: 133.0}
LEG_START = {DONOR: 0, RELAY_1: 12, RELAY_2: 24, RECEIVER: 36}  # hours after T0; 10 h each
TRANSFERS = [
    ("e1", DONOR, RELAY_1, 10),
    ("e2", RELAY_1, RELAY_2, 22),
    ("e3", RELAY_2, RECEIVER, 34),
]


def _hours(h: float) -> datetime:
    return T0 + timedelta(hours=h)


def _chain() -> dict[str, Any]:
    values = ("relay-chain", "Vostochny", T0, DONOR, "e3", RECEIVER, "Nampo", _hours(46))
    row: dict[str, Any] = dict(zip(CHAIN_COLUMNS, values, strict=False))
    row.update(barrels_low=1000.0, barrels_mid=2000.0, barrels_high=3000.0, confidence=0.8)
    row.update(evidence="e1;e2;e3", relay_mmsi=f"{RELAY_1};{RELAY_2}", details={"kind": "relay"})
    return row


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("relay-legs") / "legs.duckdb"
    with open_store(path) as store:
        save_ports(store, read_ports(), "bundled ports.csv")  # as detect stores them
        for mmsi, name in NAMES.items():
            store.con.execute(
                "INSERT INTO static_reports (mmsi, ts, name, ship_type) VALUES (?, ?, ?, 80)",
                [mmsi, T0, name],
            )
            for h in range(-12, 60):
                start = LEG_START[mmsi]
                on_leg = start <= h <= start + 10
                lon = LEG_LON[mmsi] + (h - start) / 20 if on_leg else 120.0 + (h + 12) / 200
                store.con.execute(
                    "INSERT INTO positions (mmsi, ts, lat, lon) VALUES (?, ?, 40.0, ?)",
                    [mmsi, _hours(h), lon],
                )
        for event_id, giver, taker, h in TRANSFERS:
            store.con.execute(
                "INSERT INTO events VALUES (?, 'encounter', ?, ?, ?, ?, 40.0, ?, NULL, '{}', 't')",
                [event_id, giver, taker, _hours(h), _hours(h + 2), LEG_LON[taker]],
            )
        replace_chains(store, [_chain()])
    return path


@pytest.fixture
def client(db: Path) -> Iterator[TestClient]:
    app = create_app(ServeConfig(db=db, token=TOKEN))
    with TestClient(app, headers={"Authorization": f"Bearer {TOKEN}"}) as c:
        yield c


def _bands(route: list[Any]) -> set[int]:
    return {int(lon) for lon, _ in route}


def test_legs_run_through_each_relay_between_its_transfers() -> None:
    events = {
        e: {"event_id": e, "kind": "encounter", "mmsi": g, "other_mmsi": t, "lat": 40.0,
            "lon": LEG_LON[t], "start": _hours(h), "end": _hours(h + 2)}
        for e, g, t, h in TRANSFERS
    }  # fmt: skip
    chain = _chain()
    assert [(g, t, e["event_id"] if e else None) for g, t, e in transfers(chain, events)] == [
        (DONOR, RELAY_1, "e1"),
        (RELAY_1, RELAY_2, "e2"),
        (RELAY_2, RECEIVER, "e3"),
    ]
    assert legs(chain, events) == [
        (DONOR, T0, _hours(10)),
        (RELAY_1, _hours(12), _hours(22)),
        (RELAY_2, _hours(24), _hours(34)),
        (RECEIVER, _hours(36), _hours(46)),
    ]
    labels = [w.label for w in waypoints(chain, events, [])]
    assert labels == [
        f"ship-to-ship encounter (donor {DONOR} to relay {RELAY_1})",
        f"ship-to-ship encounter (relay {RELAY_1} to relay {RELAY_2})",
        f"ship-to-ship encounter (relay {RELAY_2} to receiver {RECEIVER})",
    ]
    # a direct chain (no relay) keeps its two legs and its one transfer, labelled as before
    direct = {**chain, "relay_mmsi": "", "receiver_mmsi": RELAY_1, "encounter_event_id": "e1"}
    assert legs(direct, events) == [(DONOR, T0, _hours(10)), (RELAY_1, _hours(12), _hours(46))]
    assert [w.label for w in waypoints(direct, events, [])] == ["ship-to-ship encounter"]


def test_chain_route_holds_the_relay_legs(client: TestClient) -> None:
    r = client.get("/chains/relay-chain")
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"chain", "details", "events", "route"}  # the shape is unchanged
    assert body["chain"]["relay_mmsi"] == f"{RELAY_1};{RELAY_2}"
    route = body["route"]
    assert _bands(route) == {130, 131, 132, 133}  # every leg, nothing from before or after
    lons = [lon for lon, _ in route]
    assert lons == sorted(lons)  # the legs in chain order


def test_report_shows_the_relays_and_their_legs(db: Path, tmp_path: Path) -> None:
    from oiltrail.report.collect import (
        ReportParams,
        chain_routes,
        collect,
        load_chains,
        load_events,
    )
    from oiltrail.report.tables import chains_table

    copy = tmp_path / "legs.duckdb"
    copy.write_bytes(db.read_bytes())

    with open_store(copy, read_only=True) as store:
        events = load_events(store, ReportParams())
        routes = chain_routes(store, load_chains(store), events.rows)
        assert _bands(routes["relay-chain"]) == {130, 131, 132, 133}
    with open_store(copy) as store:
        html = chains_table(collect(store, [], ReportParams()))
    roles = (("donor", DONOR), ("relay", RELAY_1), ("relay", RELAY_2), ("receiver", RECEIVER))
    for role, mmsi in roles:  # the Ships cell
        assert f"{role} {NAMES[mmsi]}" in html, role
    for giver, taker in ((DONOR, RELAY_1), (RELAY_1, RELAY_2)):  # the legs' places
        assert f"to relay {taker})" in html and str(giver) in html
    assert f"relay {RELAY_2} to receiver {RECEIVER})" in html


def test_vessel_command_lists_the_relays_of_its_chains(db: Path, tmp_path: Path) -> None:
    from oiltrail.cli import app

    out = tmp_path / "dossier.txt"
    result = CliRunner().invoke(app, ["vessel", str(RELAY_2), "--db", str(db), "-o", str(out)])
    assert result.exit_code == 0, result.output
    chains = out.read_text().split("chains")[-1]
    assert "relay_mmsi" in chains
    assert f"{RELAY_1};{RELAY_2}" in chains
