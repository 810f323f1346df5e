"""`oiltrail serve` on a store that never had lists loaded (made by `ingest` and `detect`
only) and on an empty new store: the server only reads, so a store with no list is screened
against the bundled watchlist as `oiltrail vessel` screens it, and no route of
/openapi.json answers 500. The real app through FastAPI's TestClient, on real store files."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from live_server import TOKEN
from serving import OILTRAIL

from oiltrail.api import ServeConfig, create_app
from oiltrail.store import open_store
from oiltrail.store.lists import has_entities

HEADERS = {"Authorization": f"Bearer {TOKEN}"}
BODIES: dict[str, dict[str, Any]] = {
    "/match/{dataset}": {
        "queries": {"q1": {"schema": "Vessel", "properties": {"name": ["YU SON"]}}}
    },
    "/claims/check": {
        "text": "Russia delivered 1,000,000 barrels of refined oil to North Korea in 2024, "
        "the tanker YU SON among the ships."
    },
    "/watchlist": {"vessels": [], "entities": ["ofac-23744"]},
}


@pytest.fixture(scope="module")
def listless_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """simulate, ingest, detect: no `lists load`, no command that screens."""
    from oiltrail.engines.local import detect
    from oiltrail.simulate import simulate
    from oiltrail.store.ingest import ingest_into

    folder = tmp_path_factory.mktemp("listless")
    simulate(folder, 5, 2, 6, formats=("nmea",))
    db = folder / "s.duckdb"
    ingest_into(db, [folder / "ais.nmea"], progress=False)
    with open_store(db) as store:
        detect(store)
        assert not has_entities(store)
    return db


def _client(db: Path) -> Iterator[TestClient]:
    app = create_app(ServeConfig(db=db, token=TOKEN))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def listless(listless_db: Path, tmp_path: Path) -> Iterator[TestClient]:
    db = tmp_path / "s.duckdb"
    shutil.copy(listless_db, db)
    yield from _client(db)


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[TestClient]:
    db = tmp_path / "new.duckdb"
    open_store(db).close()
    yield from _client(db)


def _vessels(client: TestClient) -> list[int]:
    r = client.get("/vessels", params={"limit": 500}, headers=HEADERS)
    assert r.status_code == 200, r.text
    return [int(v["mmsi"]) for v in r.json()["items"]]


def _walk(client: TestClient, mmsi: int) -> dict[str, int]:
    """Every route and method of /openapi.json, with its path's parameters filled in and the
    body it wants; then again with the watched vessel's alerts. Returns the status of each."""
    spec = client.get("/openapi.json", headers=HEADERS)
    assert spec.status_code == 200
    seen: dict[str, int] = {}
    values = {"mmsi": [str(mmsi), "999999999"], "chain_id": ["no-such-chain"]}
    values["dataset"] = ["default", "un_1718_vessels"]
    for path, ops in spec.json()["paths"].items():
        for method, op in ops.items():
            names = [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]
            urls = [path]
            for name in names:
                urls = [u.replace("{" + name + "}", v) for u in urls for v in values[name]]
            for url in urls:
                body = BODIES.get(path) if "requestBody" in op else None
                if path == "/watchlist" and body is not None:
                    body = {**body, "vessels": [mmsi]}
                r = client.request(method.upper(), url, json=body, headers=HEADERS)
                seen[f"{method.upper()} {url}"] = r.status_code
                assert r.headers["content-type"].startswith("application/json"), url
    for query in ({"mmsi": mmsi}, {"q": str(mmsi)}):
        for path in ("/events", "/chains", "/vessels", "/tracks"):
            r = client.get(path, params=query, headers=HEADERS)
            seen[f"GET {path}?{query}"] = r.status_code
    seen["GET /alerts (watched)"] = client.get("/alerts", headers=HEADERS).status_code
    return seen


def test_every_route_answers_a_store_with_no_lists(listless: TestClient) -> None:
    mmsis = _vessels(listless)
    assert mmsis
    seen = _walk(listless, mmsis[0])
    assert len(seen) >= 20
    assert not [k for k, v in seen.items() if v >= 500], seen
    assert seen[f"GET /vessels/{mmsis[0]}"] == 200
    assert seen["GET /vessels/999999999"] == 404
    assert seen["POST /match/default"] == 200
    assert seen["POST /match/un_1718_vessels"] == 200  # a bundled list's name
    assert seen["GET /alerts (watched)"] == 200


def test_every_route_answers_an_empty_store(empty: TestClient) -> None:
    seen = _walk(empty, 273_000_001)
    assert not [k for k, v in seen.items() if v >= 500], seen
    assert seen["GET /vessels/273000001"] == 404
    assert seen["GET /status"] == 200
    assert seen["GET /alerts (watched)"] == 200


def test_a_store_with_no_lists_is_screened_as_the_command_line_screens_it(
    listless: TestClient, listless_db: Path, tmp_path: Path
) -> None:
    """The dossier of every vessel the server gives is the one `oiltrail vessel` gives on
    the same store (which loads the bundled watchlist into a writable store first), and a
    watched listed vessel gets its screening alert; the served file is not written to."""
    from oiltrail.graph.dossier import dossier

    cli_db = tmp_path / "cli.duckdb"
    shutil.copy(listless_db, cli_db)
    listed = 0
    with open_store(cli_db, read_only=None) as store:
        for mmsi in _vessels(listless):
            served = listless.get(f"/vessels/{mmsi}", headers=HEADERS)
            assert served.status_code == 200, served.text
            got = served.json()
            want = dossier(store, f"{mmsi:09d}")
            assert [(h["entity_id"], h["score"], h["match"]) for h in got["screening"]] == [
                (h["entity_id"], h["score"], h["match"]) for h in want["screening"]
            ], mmsi
            assert (got["risk"], got["risk_path"]) == (want["risk"], want["risk_path"])
            if any(h["match"] for h in got["screening"]):
                listed += 1
                watched = mmsi
    assert listed >= 1  # the scenario's DPRK tankers are on the bundled lists
    r = listless.put("/watchlist", json={"vessels": [watched]}, headers=HEADERS)
    assert r.status_code == 200
    alerts = listless.get("/alerts", headers=HEADERS)
    assert alerts.status_code == 200, alerts.text
    assert any(a["kind"] == "screening" and a["mmsi"] == watched for a in alerts.json()["items"])
    served_db = listless.app.state.config.db  # type: ignore[attr-defined]
    listless.app.state.gate.close()  # type: ignore[attr-defined]
    with open_store(served_db, read_only=True, create=False) as store:
        assert not has_entities(store)  # the server borrowed the lists, wrote nothing


def test_the_bundled_lists_are_borrowed_once_until_a_list_load(
    listless_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Requests on a store with no list reuse the cursors that borrowed the bundled lists
    (the copy is made once, not per request); `oiltrail lists load` (a writer, which the
    server hands the store to) drops them, and the store's own lists are screened after."""
    from oiltrail.screen import watchlist
    from oiltrail.store.handoff import serving

    borrowed: list[object] = []
    real = watchlist.borrow_bundled

    def counted(store: Any) -> None:
        borrowed.append(store)
        real(store)

    monkeypatch.setattr(watchlist, "borrow_bundled", counted)
    db = tmp_path / "s.duckdb"
    shutil.copy(listless_db, db)
    match = BODIES["/match/{dataset}"]
    with TestClient(create_app(ServeConfig(db=db, token=TOKEN))) as client:
        paths = ("/status", "/events", "/chains", f"/vessels/{_vessels(client)[0]}")
        made = len(borrowed)  # the start's warming and the first request may overlap: two
        assert 1 <= made <= 2
        for path in paths * 3:
            assert client.get(path, headers=HEADERS).status_code == 200, path
        for _ in range(5):  # each answer screens the bundled lists
            r = client.post("/match/us_ofac_sdn", json=match, headers=HEADERS)
            assert r.status_code == 200, r.text
            assert r.json()["responses"]["q1"]["results"], r.text
        assert len(borrowed) == made  # 17 requests one after another: none copied them again
        assert client.post("/match/web_test", json=match, headers=HEADERS).status_code == 404
        one = tmp_path / "one.ftm.json"  # a list of one vessel, made in code
        one.write_text(
            '{"id": "web-test-1", "schema": "Vessel", "properties": {"name": ["ORIOLE STAR"]}, '
            '"datasets": ["web_test"]}\n',
            encoding="utf-8",
        )
        with serving(db):  # as while `oiltrail serve` reads the store: it is handed over
            done = subprocess.run(
                [str(OILTRAIL), "lists", "load", str(one), "--db", str(db)],
                capture_output=True,
                text=True,
                timeout=300,
            )
        assert done.returncode == 0, done.stderr
        oriole = {"queries": {"q1": {"schema": "Vessel", "properties": {"name": ["ORIOLE STAR"]}}}}
        r = client.post("/match/web_test", json=oriole, headers=HEADERS)
        assert r.status_code == 200, r.text
        assert [x["id"] for x in r.json()["responses"]["q1"]["results"]] == ["web-test-1"]
        assert client.app.state.gate.opens == 2  # type: ignore[attr-defined]
    assert len(borrowed) == made  # the store has lists now: nothing borrowed


def test_a_not_found_answer_keeps_the_borrowed_lists(
    listless_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 404 is an answer, not a broken cursor: the cursor that borrowed the bundled lists is
    reused after it (it was closed, and the lists copied again by the next request)."""
    from oiltrail.screen import watchlist

    borrowed: list[object] = []
    real = watchlist.borrow_bundled

    def counted(store: Any) -> None:
        borrowed.append(store)
        real(store)

    monkeypatch.setattr(watchlist, "borrow_bundled", counted)
    db = tmp_path / "s.duckdb"
    shutil.copy(listless_db, db)
    with TestClient(create_app(ServeConfig(db=db, token=TOKEN))) as client:
        assert client.get("/status", headers=HEADERS).status_code == 200
        made = len(borrowed)
        for path in ("/vessels/999999999", "/chains/no-such-chain") * 3:
            assert client.get(path, headers=HEADERS).status_code == 404, path
            assert client.get("/status", headers=HEADERS).status_code == 200
        assert len(borrowed) == made
