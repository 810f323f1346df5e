"""A name hit's reason says how a name in another script was read (Hangul, Han, Cyrillic)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from oiltrail.cli import app
from oiltrail.screen.match import screen_query
from oiltrail.store import Store, open_store

KONTSEVICH = "Cyrillic read as a Korean name (Kontsevich) in McCune-Reischauer"
KIM_JONG_UN = "KIM, Jong Un"  # the caption of OFAC's entry (UN lists him too)


@pytest.mark.parametrize("query", ["Ким Чен Ын", "Ким Чонъын"])
def test_cyrillic_korean_name_reason(store: Store, query: str) -> None:
    top = screen_query(store, name=query)[0]
    assert top["name"] == KIM_JONG_UN and top["match"]
    assert KONTSEVICH in top["reasons"]
    assert top["reasons"].startswith("match: the name")  # the evidence first
    assert "; name 'Kim Jong" in top["reasons"]  # then the reading that matched


def test_cli_screen_cyrillic_reason(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    open_store(db).close()  # an empty store (a missing one is refused); screen loads the lists
    result = CliRunner().invoke(app, ["screen", "Ким Чен Ын", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    top = json.loads(result.output)[0]
    assert top["name"] == KIM_JONG_UN and top["match"] is True
    assert KONTSEVICH in top["reasons"]


@pytest.mark.parametrize(
    ("query", "note"),
    [
        ("김정은", "Hangul romanised McCune-Reischauer"),
        ("金正恩", "Han script read in Korean or pinyin"),
    ],
)
def test_hangul_and_han_reasons_unchanged(store: Store, query: str, note: str) -> None:
    top = screen_query(store, name=query)[0]
    assert top["name"] == KIM_JONG_UN
    assert note in top["reasons"]


def test_latin_and_russian_names_get_no_reading_note(store: Store) -> None:
    for query in ("Kim Jong Un", "Игорь Сечин"):
        for row in screen_query(store, name=query):
            assert "read as" not in row["reasons"] and "romanised" not in row["reasons"]
