"""Screening starts without FollowTheMoney's model: the schema hierarchy it asks about comes
from data/ftm_schemata.json, which must equal the installed model (docs/performance.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from oiltrail.screen import schemata
from oiltrail.screen.watchlist import ensure_lists
from oiltrail.store import open_store


def test_the_cached_schemata_equal_the_installed_model() -> None:
    cached = json.loads(schemata._path().read_text(encoding="utf-8"))
    assert cached == schemata.from_model(), "regenerate: python -m oiltrail.screen.schemata"


@pytest.mark.parametrize(
    ("a", "b", "related"),
    [
        ("LegalEntity", "Company", True),  # a stub named in remarks matches a listed company
        ("Company", "Organization", True),
        ("Vessel", "Person", False),
        ("Vessel", "Company", False),
        ("Person", "NoSuchSchema", False),
    ],
)
def test_related_schemata_as_the_model_says(a: str, b: str, related: bool) -> None:
    from followthemoney import model

    assert schemata.related(a, b) is related
    sa, sb = model.get(a), model.get(b)
    assert related == (sa is not None and sb is not None and (sa.is_a(sb) or sb.is_a(sa)))


@pytest.fixture(scope="module")
def listed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("startup") / "store.duckdb"
    st = open_store(db)
    ensure_lists(st)
    st.close()
    return db


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (["screen", "CHON MA SAN"], "CHON MA SAN"),
        (["vessels"], "mmsi,imo,name,entity_id,score"),  # no positions: the header
        (["graph", "CHON MA SAN"], "CHON MA SAN"),
        (["lists", "show"], "un_sc_sanctions,un_xml"),
    ],
)
def test_screening_commands_do_not_import_followthemoney(
    listed_db: Path, args: list[str], expect: str
) -> None:
    argv = ["oiltrail", *args, "--db", str(listed_db), "--format", "csv"]
    code = (
        f"import sys\nfrom oiltrail.cli import app\nsys.argv = {argv!r}\n"
        "try:\n    app()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "print('MODULES', ' '.join(sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    body, _, mods = out.rpartition("MODULES ")
    assert expect in body  # the command did its work
    assert "oiltrail.screen.index" in mods.split() or args[0] == "lists"
    assert not {"followthemoney", "yaml", "sqlalchemy"} & set(mods.split())
