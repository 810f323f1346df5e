"""`estimate` and `report` read the chains `trace` stored; with none stored they say so and
leave the chains and events as they were (they never run trace, which writes)."""

from __future__ import annotations

import json
from pathlib import Path

from trace_fixtures import full_chain
from typer.testing import CliRunner

from oiltrail.cli import app
from oiltrail.store import open_store
from oiltrail.store.chains import TRACED_META_KEY, read_chains


def _tables(db: Path) -> list[tuple[str, int]]:
    with open_store(db) as store:
        names = [
            r[0]
            for r in store.con.execute(
                "SELECT table_name FROM information_schema.tables ORDER BY table_name"
            ).fetchall()
        ]
        return [
            (n, int(store.con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]))  # type: ignore[index]
            for n in names
        ]


def test_estimate_without_traced_chains_writes_nothing(db_path: Path) -> None:
    with open_store(db_path) as store:
        full_chain(store, 273_000_001, 445_000_001)
    before = _tables(db_path)
    result = CliRunner().invoke(app, ["estimate", "--db", str(db_path), "--detail"])
    assert result.exit_code == 0, result.output
    notes = json.loads(result.stdout)["notes"]
    assert any("no delivery chains traced yet (run `oiltrail trace`)" in n for n in notes)
    assert _tables(db_path) == before
    with open_store(db_path) as store:
        assert read_chains(store) is None and store.get_meta(TRACED_META_KEY) is None


def test_report_without_traced_chains_writes_nothing(db_path: Path, tmp_path: Path) -> None:
    with open_store(db_path) as store:
        full_chain(store, 273_000_001, 445_000_001)
    before = _tables(db_path)
    out = tmp_path / "r.html"
    result = CliRunner().invoke(app, ["report", "--db", str(db_path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "no delivery chains traced yet" in out.read_text(encoding="utf-8")
    # screening loads the bundled watchlist into a store without lists (SPEC), nothing else
    after = [t for t in _tables(db_path) if not t[0].startswith("list")]
    assert after == [t for t in before if not t[0].startswith("list")]
    with open_store(db_path) as store:
        assert read_chains(store) is None
