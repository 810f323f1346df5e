"""List readers and `load_lists`: formats, counted skips, hostile input, all-or-nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from oiltrail.errors import InputFormatError, NotFoundError, UsageError
from oiltrail.screen.load import load_lists
from oiltrail.store import open_store
from oiltrail.store.lists import count_entities, read_entities

DATA = Path(__file__).resolve().parent.parent / "data" / "screen"


def _by_id(db_path: Path) -> dict[str, dict]:
    with open_store(db_path) as store:
        return {e["id"]: e for e in read_entities(store)}


def test_ofac_csv_with_companions(db_path: Path) -> None:
    with open_store(db_path) as store:
        report = load_lists(store, [DATA / "sdn.csv", DATA / "alt.csv", DATA / "add.csv"])
    assert [f.fmt for f in report.files] == ["ofac_csv"]
    entities = _by_id(db_path)
    vessel = entities["ofac-23729"]
    assert vessel["schema"] == "Vessel"
    assert vessel["properties"]["imoNumber"] == ["IMO8660313"]
    assert vessel["properties"]["flag"] == ["kp"]
    assert "us_ofac_sdn" in vessel["datasets"]
    komid = entities["ofac-9345"]
    assert "NORTH KOREAN MINING DEVELOPMENT TRADING CORPORATION" in komid["properties"]["alias"]
    links = [e for e in entities.values() if e["schema"] == "UnknownLink"]
    assert any(e["properties"]["subject"] == ["ofac-23729"] for e in links)


def test_un_xml_individuals_entities_company_imo_and_vessel_mentions(db_path: Path) -> None:
    with open_store(db_path) as store:
        report = load_lists(store, [DATA / "un_dprk_small.xml"])
    assert report.files[0].fmt == "un_xml"
    entities = _by_id(db_path)
    people = [e for e in entities.values() if e["schema"] == "Person"]
    assert {p["caption"] for p in people} == {"YUN HO-JIN", "RI JE-SON"}
    achim = next(e for e in entities.values() if e["caption"] == "KOREA ACHIM SHIPPING CO")
    assert achim["properties"]["imoNumber"] == ["IMO5936312"]  # company check digit
    owned = [e for e in entities.values() if e["schema"] == "Ownership"]
    assert any(
        o["properties"]["owner"] == [achim["id"]]
        and entities[o["properties"]["asset"][0]]["caption"] == "CHON MA SAN"
        for o in owned
    )


def test_ofac_advanced_xml(db_path: Path) -> None:
    with open_store(db_path) as store:
        report = load_lists(store, [DATA / "sdn_advanced_small.xml"])
    assert report.files[0].fmt == "ofac_xml"
    assert report.files[0].skipped == 1  # the relationship to an unknown profile
    entities = _by_id(db_path)
    vessel = entities["ofac-23729"]
    assert vessel["properties"]["imoNumber"] == ["IMO8660313"]
    assert vessel["properties"]["mmsi"] == ["445123000"]
    assert vessel["properties"]["flag"] == ["kp"]
    assert "OFAC DPRK4" in vessel["properties"]["program"]
    assert entities["ofac-30001"]["schema"] == "Person"
    owners = [e for e in entities.values() if e["schema"] == "Ownership"]
    assert owners[0]["properties"]["owner"] == ["ofac-23707"]
    assert owners[0]["properties"]["asset"] == ["ofac-23729"]


def test_ftm_lines_count_bad_lines_and_unknown_schema(db_path: Path) -> None:
    with open_store(db_path) as store:
        report = load_lists(store, [DATA / "entities.ftm.json"])
        skips = store.con.execute("SELECT reason FROM list_skips ORDER BY line").fetchall()
    assert report.files[0].entities == 5
    assert report.files[0].skipped == 3
    reasons = [r[0] for r in skips]
    assert "unknown_schema:Spaceship" in reasons
    assert "unparseable:not JSON" in reasons
    assert _by_id(db_path)["vessel-blue-reef"]["datasets"] == ["test_registry"]


def test_reload_same_file_is_a_no_op(db_path: Path) -> None:
    with open_store(db_path) as store:
        load_lists(store, [DATA / "sdn.csv"])
        before = count_entities(store)
        report = load_lists(store, [DATA / "sdn.csv"])
        assert report.files[0].already_loaded
        assert count_entities(store) == before


def test_vessels_with_one_imo_merge_and_keep_both_sources(db_path: Path, tmp_path: Path) -> None:
    other = tmp_path / "vessels.csv"
    other.write_text(
        "imo,name,former_names,flag,vessel_type,list,designation_date,source\n"
        "8660313,CHONMASAN,,North Korea,tanker,UN1718 (port entry ban),2018-03-30,x\n"
    )
    with open_store(db_path) as store:
        load_lists(store, [DATA / "sdn.csv"])
        load_lists(store, [other])
    vessel = _by_id(db_path)["ofac-23729"]
    assert vessel["datasets"] == ["un_1718_vessels", "us_ofac_sdn"]
    assert set(vessel["properties"]["name"]) == {"CHON MA SAN", "CHONMASAN"}


def test_entity_bomb_is_refused_and_store_unchanged(db_path: Path, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
        "<CONSOLIDATED_LIST><INDIVIDUALS>&lol2;</INDIVIDUALS></CONSOLIDATED_LIST>"
    )
    with open_store(db_path) as store:
        load_lists(store, [DATA / "sdn.csv"])
        before = count_entities(store)
        with pytest.raises(InputFormatError, match="hostile XML"):
            load_lists(store, [DATA / "un_dprk_small.xml", bomb])
        assert count_entities(store) == before  # the good file in the same load is not kept


def test_malformed_xml_and_unknown_root(tmp_path: Path, db_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text("<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL>")
    other = tmp_path / "other.xml"
    other.write_text("<html><body/></html>")
    with open_store(db_path) as store:
        with pytest.raises(InputFormatError, match="malformed XML"):
            load_lists(store, [broken])
        with pytest.raises(InputFormatError, match="neither a UN nor an OFAC"):
            load_lists(store, [other])
        assert count_entities(store) == 0


def test_truncated_ofac_rows_are_counted(tmp_path: Path, db_path: Path) -> None:
    text = (DATA / "sdn.csv").read_bytes()
    cut = tmp_path / "sdn.csv"
    cut.write_bytes(text[: len(text) // 2 + 15])  # stops inside a record
    with open_store(db_path) as store:
        report = load_lists(store, [cut])
    assert report.files[0].skipped >= 1
    assert report.files[0].entities >= 1


def test_latin1_and_utf8_decode_the_same(tmp_path: Path, db_path: Path) -> None:
    row = '99001,"PEÑA, José",individual,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'
    latin = tmp_path / "latin.csv"
    latin.write_bytes(row.encode("latin-1"))
    utf = tmp_path / "utf" / "sdn.csv"
    utf.parent.mkdir()
    utf.write_bytes(row.replace("99001", "99002").encode("utf-8"))
    with open_store(db_path) as store:
        load_lists(store, [latin, utf])
    entities = _by_id(db_path)
    assert entities["ofac-99001"]["caption"] == "PEÑA, José"
    assert entities["ofac-99002"]["caption"] == "PEÑA, José"


def test_binary_empty_missing_and_companions_alone(tmp_path: Path, db_path: Path) -> None:
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\x00\x01\x02garbage")
    empty = tmp_path / "empty.xml"
    empty.write_text("  \n")
    with open_store(db_path) as store:
        with pytest.raises(InputFormatError, match="binary"):
            load_lists(store, [binary])
        with pytest.raises(InputFormatError, match="empty"):
            load_lists(store, [empty])
        with pytest.raises(NotFoundError):
            load_lists(store, [tmp_path / "nope.xml"])
        with pytest.raises(UsageError, match=r"sdn\.csv"):
            load_lists(store, [DATA / "alt.csv"])


def test_sdn_csv_finds_its_companions_beside_it(tmp_path: Path, db_path: Path) -> None:
    for name in ("sdn.csv", "alt.csv", "add.csv"):
        shutil.copy(DATA / name, tmp_path / name)
    with open_store(db_path) as store:
        load_lists(store, [tmp_path / "sdn.csv"])
    assert "alias" in _by_id(db_path)["ofac-9345"]["properties"]


def test_utf16_list_file(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "vessels.csv"
    text = (
        "imo,name,former_names,flag,vessel_type,list,designation_date,source\n"
        "8660313,CHON MA SAN,,North Korea,tanker,UN1718 (port entry ban),2018-03-30,x\n"
    )
    path.write_bytes(text.encode("utf-16"))
    with open_store(db_path) as store:
        report = load_lists(store, [path])
    assert report.files[0].entities == 1


def test_vessel_without_imo_joins_its_unique_namesake_with_one(
    tmp_path: Path, db_path: Path
) -> None:
    news = tmp_path / "vessels.csv"
    news.write_text(
        "imo,name,former_names,flag,vessel_type,list,designation_date,source\n"
        ",CHON MA SAN,,North Korea,tanker,UN1718 (port entry ban),2018-03-30,x\n"
        ",NO SUCH TANKER,,,tanker,UN1718 (port entry ban),2018-03-30,x\n"
    )
    with open_store(db_path) as store:
        load_lists(store, [DATA / "sdn.csv", news])
    entities = _by_id(db_path)
    assert entities["ofac-23729"]["datasets"] == ["un_1718_vessels", "us_ofac_sdn"]
    assert "dprk-vessel-chon-ma-san" not in entities
    assert "dprk-vessel-no-such-tanker" in entities
