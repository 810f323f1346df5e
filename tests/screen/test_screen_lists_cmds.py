"""`lists load` adds and replaces, `lists show`, `lists remove`, `lists reset`; hits name dates."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from oiltrail.cli import app
from oiltrail.screen.load import load_lists
from oiltrail.screen.watchlist import ensure_lists
from oiltrail.store import open_store
from oiltrail.store.lists import count_entities

runner = CliRunner()
DATA = Path(__file__).resolve().parent.parent / "data" / "screen"


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_load_adds_to_the_bundled_lists_and_replaces_the_same_list(tmp_path: Path) -> None:
    db = str(tmp_path / "s.duckdb")
    code, _, err = _run("lists", "load", str(DATA / "un_dprk_small.xml"), "--db", db)
    assert code == 0, err
    assert "replaces" in err and "un_sc_consolidated_2026-02-27_dprk.xml" in err
    assert "same source and list name" in err
    # the sums add up: held - dropped + read - merged = now
    held, dropped, read, merged, now = (
        int(w) for w in __import__("re").findall(r"\d+", err.splitlines()[-1])[:5]
    )
    assert held - dropped + read - merged == now
    code, out, _ = _run("screen", "CHON MA SAN", "--db", db, "--format", "json")
    hits = json.loads(out)
    assert hits[0]["name"] == "CHON MA SAN" and hits[0]["match"]  # the bundled OFAC stays
    assert "us_ofac_sdn (2021 snapshot)" in hits[0]["reasons"]
    code, _, err2 = _run("lists", "load", str(DATA / "un_dprk_small.xml"), "--db", db)
    assert code == 0 and "already loaded" in err2
    assert f"lists hold {now} entities" in err2  # no duplicates


def test_show_remove_reset(tmp_path: Path) -> None:
    db = str(tmp_path / "s.duckdb")
    with open_store(db) as store:
        ensure_lists(store)
        bundled = count_entities(store)
    code, out, _ = _run("lists", "show", "--db", db, "--format", "json")
    shown = {r["list"]: r for r in json.loads(out)}
    assert code == 0 and shown["us_ofac_sdn"]["date"] == "2021 snapshot"
    assert shown["un_sc_sanctions"]["date"] == "2026-02-27"
    assert "Person" in shown["un_sc_sanctions"]["schemas"]
    code, _, err = _run("lists", "remove", "us_ofac_sdn", "--db", db)
    assert code == 0 and "removed" in err
    with open_store(db) as store:
        assert count_entities(store) < bundled
    code, out, _ = _run("screen", "PATRIOT", "--db", db, "--format", "json")
    assert all(h["name"] != "PATRIOT" for h in json.loads(out))
    code, _, err = _run("lists", "remove", "no_such_list", "--db", db)
    assert code != 0 and "no loaded list 'no_such_list'" in err and err.count("\n") == 1
    code, _, err = _run("lists", "reset", "--db", db)
    assert code == 0
    with open_store(db) as store:
        assert count_entities(store) == bundled


def test_a_file_failing_halfway_leaves_the_lists_as_they_were(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<CONSOLIDATED_LIST><INDIVIDUALS>")  # malformed after a good file
    with open_store(tmp_path / "s.duckdb") as store:
        ensure_lists(store)
        before = count_entities(store)
        try:
            load_lists(store, [DATA / "un_dprk_small.xml", bad])
        except Exception as exc:
            assert "malformed XML" in str(exc)
        else:
            raise AssertionError("a malformed file must fail the load")
        assert count_entities(store) == before
        report = load_lists(store, [DATA / "sdn_advanced_small.xml"])
        assert report.files[0].list_date == "2021-07-07"
