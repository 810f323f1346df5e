"""Through whom: the Russia -> Singapore -> tanker -> DPRK links, each with its source."""

from __future__ import annotations

from oiltrail.network import through_whom, through_whom_text
from oiltrail.record import bundled_record


def test_the_network_runs_from_the_russian_oil_company_to_dprk_tankers() -> None:
    links = through_whom(bundled_record())
    stages = {x["stage"] for x in links}
    assert stages == {"oil company -> trader", "trader -> tanker", "tanker -> DPRK"}
    ipc = [x for x in links if x["from"].startswith("Independent Petroleum Company")]
    assert {x["to"] for x in ipc} == {
        "Velmur Management Pte Ltd (Singapore)",
        "Transatlantic Partners Pte Ltd (Singapore)",
    }
    assert all(not x["in_bundled_lists"] and "case-law.vlex.com" in x["source"] for x in ipc)
    operated = {(x["from"], x["to"]) for x in links if x["stage"] == "trader -> tanker"}
    assert ("WT MARINE PTE LTD (Singapore)", "JW JEWEL") in operated
    assert ("YUK TUNG ENERGY PTE LTD (Singapore)", "YUK TUNG") in operated
    sts = [x for x in links if x["from"] == "YUK TUNG" and "ship-to-ship" in x["role"]]
    assert sts and sts[0]["to"] == "RYE SONG GANG 1 (DPRK tanker)"
    assert "oiltrail/data/sts_cases.csv line 6" in sts[0]["source"]


def test_every_link_cites_a_file_and_line() -> None:
    for line in through_whom_text(bundled_record()):
        assert " line " in line, line


def test_a_dossier_can_ask_for_one_name() -> None:
    from oiltrail.network import links_for, record_entity

    jewel = links_for(bundled_record(), "jw jewel")
    assert {x["stage"] for x in jewel} == {"trader -> tanker", "tanker -> DPRK"}
    assert links_for(bundled_record(), "") == []
    ipc = record_entity(bundled_record(), "Independent Petroleum Company")
    assert ipc is not None and ipc["cite"].startswith("oiltrail/data/network.ftm.jsonl line 1")
    assert record_entity(bundled_record(), "IPC") is ipc


def test_check_claims_says_when_the_record_names_a_company_the_lists_lack() -> None:
    from oiltrail.claims.check import check_claims

    text = (
        "SEOUL, Aug 23, 2017 (Wire) - Independent Petroleum Company supplied diesel to "
        "North Korea through Singapore trading companies, the U.S. Justice Department said."
    )
    entities = check_claims(text, None)["entities"]
    ipc = next(e for e in entities if e["name"] == "Independent Petroleum Company")
    assert "network.ftm.jsonl line 1" in ipc["screening"]["record"]
