"""Damaged list files: one bad FollowTheMoney line is a counted skip, a file in a CJK legacy
encoding is refused in one line instead of loading garbled names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oiltrail.errors import InputFormatError
from oiltrail.screen.load import load_lists
from oiltrail.screen.readers.ftm import read_ftm_lines
from oiltrail.store import open_store

GOOD = {"id": "v1", "schema": "Vessel", "properties": {"name": ["CHON MA SAN"]}}
BAD_LINES = [
    json.dumps({**GOOD, "id": "v2", "datasets": 5}),
    json.dumps({**GOOD, "id": "v3", "datasets": "un_sc"}),
    json.dumps({"id": ["x"], "schema": "Vessel"}),
    json.dumps({"id": "v4", "schema": 7}),
    json.dumps({"id": "v5", "schema": "Vessel", "properties": {"name": [{"deep": [1]}]}}),
    "[" * 100_000 + "]" * 100_000,  # nesting deeper than the JSON parser's recursion
    '{"id": "v6", "schema": "Vessel", "properties": {"name": ["' + "A" * (9 << 20) + '"]}}',
]


def test_bad_ftm_lines_are_counted_skips(tmp_path: Path) -> None:
    text = "\n".join([json.dumps(GOOD), *BAD_LINES, json.dumps({**GOOD, "id": "v9"})])
    result, _ = read_ftm_lines(text, tmp_path / "e.json")
    assert [str(e.id) for e in result.entities] == ["v1", "v5", "v9"]  # v5: its name dropped
    assert [line for line, _ in result.skips] == [2, 3, 4, 5, 7, 8]


def test_lists_load_goes_on_past_a_bad_ftm_line(tmp_path: Path) -> None:
    path = tmp_path / "e.json"
    path.write_text("\n".join([json.dumps(GOOD), BAD_LINES[0]]) + "\n")
    with open_store(tmp_path / "s.duckdb") as store:
        report = load_lists(store, [path])
    assert (report.files[0].entities, report.files[0].skipped) == (1, 1)


def test_shift_jis_list_is_refused_not_garbled(tmp_path: Path) -> None:
    header = ",".join(f"c{i}" for i in range(12))
    row = ",".join(["1", "東海丸 ヨシ", "vessel", "DPRK", *["-0-"] * 8])
    path = tmp_path / "sdn.csv"
    path.write_bytes(f"{header}\n{row}\n".encode("shift_jis"))
    with open_store(tmp_path / "s.duckdb") as store, pytest.raises(InputFormatError) as err:
        load_lists(store, [path])
    assert "UTF-8" in err.value.detail and "shift_jis" in err.value.detail
    latin = tmp_path / "latin.json"  # lone accented letters stay Latin-1
    latin.write_bytes(
        json.dumps({**GOOD, "properties": {"name": ["X"]}}).encode().replace(b"X", b"M\xdcLLER")
    )
    with open_store(tmp_path / "t.duckdb") as store:
        assert load_lists(store, [latin]).files[0].entities == 1
