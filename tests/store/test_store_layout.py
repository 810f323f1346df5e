"""A store an older oiltrail wrote (fewer columns and tables) is brought to this layout by
`store.layout.upgrade` (what `oiltrail serve` runs before it serves read-only), and its lists
read as they are when it cannot be written."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from oiltrail.api.serve import prepare_store
from oiltrail.store import open_store
from oiltrail.store.lists import loaded_files
from oiltrail.store.reads import has_table
from oiltrail.trace.chains import trace_chains

NEWER = (
    "ALTER TABLE chains DROP COLUMN relay_mmsi",
    "ALTER TABLE list_files DROP COLUMN list_date",
    "DROP TABLE list_file_rows",
)


def _columns(db: Path, table: str) -> set[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
        ).fetchall()
    finally:
        con.close()
    return {str(r[0]) for r in rows}


def _older(small_store: Path, tmp_path: Path) -> Path:
    db = tmp_path / "old.duckdb"
    shutil.copy(small_store, db)
    with open_store(db) as store:
        trace_chains(store)
    con = duckdb.connect(str(db))
    for sql in NEWER:
        con.execute(sql)
    con.close()
    assert "relay_mmsi" not in _columns(db, "chains")
    return db


def test_an_older_store_reads_its_lists_read_only(small_store: Path, tmp_path: Path) -> None:
    db = _older(small_store, tmp_path)
    with open_store(db, read_only=True, create=False) as store:
        files = loaded_files(store)
        assert not has_table(store, "list_file_rows")
    assert files and all(f["list_date"] == "" and not f["has_rows"] for f in files)


def test_serve_brings_an_older_store_to_this_layout(small_store: Path, tmp_path: Path) -> None:
    db = _older(small_store, tmp_path)
    prepare_store(db)
    assert "relay_mmsi" in _columns(db, "chains")
    assert "list_date" in _columns(db, "list_files")
    assert _columns(db, "list_file_rows")


def test_an_area_the_store_never_used_stays_absent(small_store: Path, tmp_path: Path) -> None:
    db = tmp_path / "untraced.duckdb"
    shutil.copy(small_store, db)
    prepare_store(db)
    assert not _columns(db, "chains")  # absent means "not traced yet", not "no chains"
