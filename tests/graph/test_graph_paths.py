"""Ownership graph: edges from FtM, OFAC `Linked To:` and UN remarks; paths and risk."""

from __future__ import annotations

from pathlib import Path

from oiltrail.graph.build import build_graph
from oiltrail.graph.query import graph_paths
from oiltrail.graph.risk import paths_to_sanctioned, vessel_risk
from oiltrail.screen.load import load_lists
from oiltrail.store import open_store
from oiltrail.store.lists import read_entities

DATA = Path(__file__).resolve().parent.parent / "data" / "screen"


def _entity(eid: str, schema: str, name: str, sanctioned: bool = False, **props: list[str]) -> dict:
    properties = {"name": [name], **props}
    if sanctioned:
        properties["topics"] = ["sanction"]
    return {
        "id": eid,
        "schema": schema,
        "caption": name,
        "datasets": ["t"],
        "properties": properties,
    }


def test_two_hop_path_through_a_manager() -> None:
    rows = [
        _entity("v", "Vessel", "BLUE REEF", operator=["m"]),
        _entity("m", "Company", "Reef Management Pte Ltd"),
        _entity("o", "Company", "Korea Achim Shipping Co", sanctioned=True),
        {
            "id": "e", "schema": "Ownership", "caption": "", "datasets": ["t"],
            "properties": {"owner": ["o"], "asset": ["m"]},
        },
    ]  # fmt: skip
    graph = build_graph(rows)
    paths = paths_to_sanctioned(graph, "v")
    assert len(paths) == 1
    assert paths[0].hops == 2
    assert paths[0].labels == ("operated by", "owned by")
    assert paths_to_sanctioned(graph, "v", max_hops=1) == []


def test_stub_named_in_remarks_resolves_to_listed_entity(db_path: Path) -> None:
    with open_store(db_path) as store:
        load_lists(store, [DATA / "sdn.csv"])
        graph = build_graph(read_entities(store))
    # CHON MA SAN's remarks say "Linked To: KOREA ACHIM SHIPPING CO." (ofac-23707)
    neighbours = {n for n, _ in graph.adjacent["ofac-23729"]}
    assert "ofac-23707" in neighbours
    assert "ofac-linked-korea-achim-shipping-co" not in graph.nodes  # merged into ofac-23707


def test_ftm_registry_links_a_clean_vessel_to_a_sanctioned_owner(db_path: Path) -> None:
    with open_store(db_path) as store:
        load_lists(store, [DATA / "sdn.csv", DATA / "entities.ftm.json"])
        risk, path = vessel_risk(store, "vessel-blue-reef", 1.0)
        rows = graph_paths(store, "vessel-blue-reef")
    # BLUE REEF —owned by→ Blue Reef Tanker Management —owned by→ KOREA ACHIM SHIPPING CO
    assert "2 hop(s)" in path and "KOREA ACHIM SHIPPING CO" in path
    assert risk == 0.64
    assert rows[0]["hops"] == 2 and rows[0]["sanctioned"] == "KOREA ACHIM SHIPPING CO"


def test_unlisted_entity_without_path_has_low_risk(db_path: Path) -> None:
    with open_store(db_path) as store:
        load_lists(store, [DATA / "entities.ftm.json"])
        risk, path = vessel_risk(store, "person-x", 1.0)
    assert risk == 0.5
    assert path.startswith("listed, not designated")
