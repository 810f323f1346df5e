"""Open the DuckDB store and create its tables.

Each area owns the DDL of its own tables (a tuple of statements registered here), so the
schema lives in one place per area and every command opens the store the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from oiltrail.errors import OiltrailError

CORE_DDL: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)""",
    # One row per ingested file: a content hash makes re-ingest a no-op (SPEC §3).
    """CREATE TABLE IF NOT EXISTS manifest (
        file_hash VARCHAR PRIMARY KEY, path VARCHAR, format VARCHAR,
        ingested_at TIMESTAMP, positions BIGINT, static_reports BIGINT,
        quarantined BIGINT, duplicates BIGINT, simulated BOOLEAN)""",
    # Rows name their source file by number: a file name on every row was a quarter of the
    # insert time (DuckDB keeps string statistics row by row). The `canonical_*` views give the
    # SPEC §3 columns, `source` included, for exports and for anyone querying the store.
    """CREATE SEQUENCE IF NOT EXISTS source_ids START 1""",
    """CREATE TABLE IF NOT EXISTS sources (
        source_id UINTEGER PRIMARY KEY DEFAULT nextval('source_ids'), name VARCHAR NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS positions (
        mmsi UINTEGER NOT NULL, ts TIMESTAMP NOT NULL, lat DOUBLE NOT NULL, lon DOUBLE NOT NULL,
        sog FLOAT, cog FLOAT, heading USMALLINT, nav_status UTINYINT, source_id UINTEGER)""",
    """CREATE TABLE IF NOT EXISTS static_reports (
        mmsi UINTEGER NOT NULL, ts TIMESTAMP NOT NULL, imo UINTEGER, name VARCHAR,
        callsign VARCHAR, ship_type UTINYINT, length FLOAT, width FLOAT, draught FLOAT,
        destination VARCHAR, source_id UINTEGER)""",
    """CREATE VIEW IF NOT EXISTS canonical_positions AS
        SELECT p.* EXCLUDE (source_id), s.name AS source
        FROM positions p LEFT JOIN sources s USING (source_id)""",
    """CREATE VIEW IF NOT EXISTS canonical_static AS
        SELECT r.* EXCLUDE (source_id), s.name AS source
        FROM static_reports r LEFT JOIN sources s USING (source_id)""",
    """CREATE TABLE IF NOT EXISTS quarantine (
        file VARCHAR, line BIGINT, reason VARCHAR, raw VARCHAR, file_hash VARCHAR)""",
    # SPEC §4 events; `details` is JSON text; `run_id` ties an event to the detect run (provenance).
    """CREATE TABLE IF NOT EXISTS events (
        event_id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, mmsi UINTEGER NOT NULL,
        other_mmsi UINTEGER, start TIMESTAMP NOT NULL, "end" TIMESTAMP NOT NULL,
        lat DOUBLE, lon DOUBLE, port VARCHAR, details VARCHAR, run_id VARCHAR)""",
)


class Store:
    """A DuckDB connection to the store file, with the tables created."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path) -> None:
        self.con = con
        self.path = path

    def ensure(self, ddl: tuple[str, ...]) -> None:
        """Create an area's tables if they do not exist yet (one call: each statement is a
        round trip through the GIL, which an ingest's decode threads also want)."""
        self.con.execute(";\n".join(ddl))

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing: a crash or kill inside leaves the store as it was."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def get_meta(self, key: str) -> str | None:
        row = self.con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    @property
    def simulated(self) -> bool:
        """True when any data in the store came from `oiltrail simulate` (SPEC §9)."""
        row = self.con.execute("SELECT count(*) FROM manifest WHERE simulated").fetchone()
        return bool(row and row[0])

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _older_store(con: duckdb.DuckDBPyConnection) -> bool:
    """The store has a source name on every position (before the `sources` table)."""
    try:  # the table function is quicker than duckdb_columns(), which is slow on first use
        sql = "SELECT 1 FROM pragma_table_info('positions') WHERE name = 'source'"
        return con.execute(sql).fetchone() is not None
    except duckdb.CatalogException:  # a new store
        return False


def open_store(path: Path | str, read_only: bool = False) -> Store:
    """Open (or create) the store at `path` and make sure the core tables exist."""
    path = Path(path)
    if read_only and not path.exists():
        raise OiltrailError(f"no store at {path}: run `oiltrail ingest` or `oiltrail demo` first")
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise OiltrailError(f"cannot open store {path}: {first}") from exc
    if _older_store(con):
        con.close()
        raise OiltrailError(
            f"store {path} was written by an older oiltrail (a source name on every position): "
            "ingest the files again into a new --db"
        )
    store = Store(con, path)
    if not read_only:
        store.ensure(CORE_DDL)
    return store
