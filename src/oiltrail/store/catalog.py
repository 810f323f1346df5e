"""Open the DuckDB store and create its tables.

Each area owns the DDL of its own tables (a tuple of statements registered here), so the
schema lives in one place per area and every command opens the store the same way.
"""

from __future__ import annotations

import errno
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from oiltrail.errors import (
    DiskFullError,
    NoStoreError,
    OiltrailError,
    StoreBusyError,
    StoreCorruptError,
    StoreReadOnlyError,
    UsageError,
)
from oiltrail.store.handoff import when_free

CORE_DDL: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)""",
    # One row per ingested file: a content hash makes re-ingest a no-op (docs/inputs.md).
    """CREATE TABLE IF NOT EXISTS manifest (
        file_hash VARCHAR PRIMARY KEY, path VARCHAR, format VARCHAR,
        ingested_at TIMESTAMP, positions BIGINT, static_reports BIGINT,
        quarantined BIGINT, duplicates BIGINT, simulated BOOLEAN)""",
    # Rows name their source file by number: a file name on every row was a quarter of the
    # insert time (DuckDB keeps string statistics row by row). The `canonical_*` views give the
    # Canonical columns (docs/inputs.md), `source` included, for exports and for queries.
    """CREATE SEQUENCE IF NOT EXISTS source_ids START 1""",
    """CREATE TABLE IF NOT EXISTS sources (
        source_id UINTEGER PRIMARY KEY DEFAULT nextval('source_ids'), name VARCHAR NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS positions (
        mmsi UINTEGER NOT NULL, ts TIMESTAMP NOT NULL, lat DOUBLE NOT NULL, lon DOUBLE NOT NULL,
        sog FLOAT, cog FLOAT, heading USMALLINT, nav_status UTINYINT, source_id UINTEGER)""",
    """CREATE TABLE IF NOT EXISTS static_reports (
        mmsi UINTEGER NOT NULL, ts TIMESTAMP NOT NULL, imo UINTEGER, name VARCHAR,
        callsign VARCHAR, ship_type UTINYINT, length FLOAT, width FLOAT, draught FLOAT,
        destination VARCHAR, source_id UINTEGER, invalid_imo BOOLEAN)""",
    # A store made before the flag (docs/store.md): the column is added, its old rows unflagged
    # (their failing IMO numbers were dropped at ingest then).
    """ALTER TABLE static_reports ADD COLUMN IF NOT EXISTS invalid_imo BOOLEAN""",
    """CREATE VIEW IF NOT EXISTS canonical_positions AS
        SELECT p.* EXCLUDE (source_id), s.name AS source
        FROM positions p LEFT JOIN sources s USING (source_id)""",
    """CREATE VIEW IF NOT EXISTS canonical_static AS
        SELECT r.* EXCLUDE (source_id, invalid_imo), s.name AS source
        FROM static_reports r LEFT JOIN sources s USING (source_id)""",
    """CREATE TABLE IF NOT EXISTS quarantine (
        file VARCHAR, line BIGINT, reason VARCHAR, raw VARCHAR, file_hash VARCHAR)""",
    # Behaviour events (docs/events.md); `details` is JSON text; `run_id` ties an event to its
    # detect run (provenance).
    """CREATE TABLE IF NOT EXISTS events (
        event_id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, mmsi UINTEGER NOT NULL,
        other_mmsi UINTEGER, start TIMESTAMP NOT NULL, "end" TIMESTAMP NOT NULL,
        lat DOUBLE, lon DOUBLE, port VARCHAR, details VARCHAR, run_id VARCHAR)""",
)


class Store:
    """A DuckDB connection to the store file, with the tables created.

    `read_only` is True when the store was opened for reading only (the file or its folder
    cannot be written): derived caches (stored chains) are then computed but not saved.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, read_only: bool = False) -> None:
        self.con = con
        self.path = path
        self.read_only = read_only

    def ensure(self, ddl: tuple[str, ...]) -> None:
        """Create an area's tables if they do not exist yet (one call: each statement is a
        round trip through the GIL, which an ingest's decode threads also want). A read-only
        store cannot create them: its readers find the tables it has."""
        if self.read_only:
            return
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
        """True when any data in the store came from `oiltrail simulate` (docs/store.md)."""
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


# Offline, always: a store path DuckDB reads as an extension's (`md:`, a SQLite file) must not
# make it load or fetch one.
DUCKDB_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}
DUCKDB_MAGIC = b"DUCK"  # bytes 8..12 of every DuckDB database file
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")  # md:, s3:, http: (a drive letter is one)


def check_store_path(path: Path) -> None:
    """Refuse what DuckDB would read as something other than a local DuckDB file."""
    text = str(path)
    if text == ":memory:":  # a store held in memory (the bundled lists for check-claims)
        return
    if _SCHEME.match(text):
        raise UsageError(
            f"store {text!r} is not a local file path (no md: or s3:; "
            "write ./NAME for a file whose name has a colon)"
        )
    if path.is_dir():
        raise UsageError(f"store {path} is a folder, not a DuckDB file")
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        with path.open("rb") as f:
            head = f.read(16)
    except OSError as exc:
        raise StoreReadOnlyError(f"cannot read store {path}: {exc.strerror}") from None
    if head[8:12] != DUCKDB_MAGIC:
        like = " (it starts like a SQLite database)" if head.startswith(b"SQLite format 3") else ""
        raise StoreCorruptError(
            f"store {path} is not a DuckDB file{like}: nothing was changed; "
            "give the path of an oiltrail store"
        )


def store_error(exc: BaseException, path: Path | str) -> OiltrailError | None:
    """The one-line store error for a DuckDB or OS error, or None if it is not one of ours."""
    text = str(exc)
    first = text.splitlines()[0] if text else type(exc).__name__
    if (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "No space left" in text:
        return DiskFullError(
            f"disk full writing {path}: the store is as it was before this step; "
            "free space and run again"
        )
    if "Could not set lock" in text or "Conflicting lock" in text:
        pid = re.search(r"\(PID (\d+)\)", text)
        who = f"process {pid.group(1)}" if pid else "another process"
        return StoreBusyError(
            f"store {path} is busy: {who} has it open (DuckDB allows one writer at a time); "
            "wait for it to finish, or query through `oiltrail serve`"
        )
    if _is_read_only(exc):
        return StoreReadOnlyError(
            f"store {path} is read-only ({_why(first)}): this command writes to it; "
            "reading commands still work, or use a writable copy"
        )
    damaged = ("not a valid DuckDB database", "Corrupt database", "checksum")
    if any(s in text for s in damaged) or isinstance(exc, duckdb.SerializationException):
        why = first.removeprefix("IO Error: ").removeprefix("Serialization Error: ")
        return StoreCorruptError(
            f"store {path} is damaged ({why}): nothing was changed; restore a copy or "
            "ingest again into a new store"
        )
    return None


def _is_read_only(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM)
    text = str(exc)
    return any(
        s in text
        for s in (
            "Read-only file system",
            "Permission denied",
            "Operation not permitted",
            "attached in read-only mode",
        )
    )


def _why(first: str) -> str:
    for s in ("Read-only file system", "Permission denied", "Operation not permitted"):
        if s in first:
            return s.lower()
    return "opened for reading"


def _connect(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path), read_only=read_only, config=DUCKDB_CONFIG)
    except (duckdb.Error, OSError) as exc:
        known = store_error(exc, path)
        if known is not None:
            raise known from None
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise StoreCorruptError(f"cannot open store {path}: {first}") from None


def open_store(path: Path | str, read_only: bool | None = False, create: bool = True) -> Store:
    """Open the store at `path` and make sure the core tables exist.

    read_only: True opens for reading; None ("read, saving caches if it can") opens for writing
    when the file can be written and for reading otherwise (a read-only file or folder).
    create: False refuses a path with no store (only ingest, lists load and demo create one).
    """
    path = Path(path)
    check_store_path(path)
    if not path.exists() and (read_only is not False or not create):
        raise NoStoreError(f"no store at {path}: run `oiltrail ingest` or `oiltrail demo` first")
    if read_only is None:
        try:
            con = _connect(path, read_only=False)
            read_only = False
        except (StoreReadOnlyError, StoreBusyError):
            # A read-only file, or other processes reading it (DuckDB shares a read lock):
            # reading still works; a writer holding it is still "busy".
            con = _connect(path, read_only=True)
            read_only = True
    elif read_only:
        con = _connect(path, read_only=True)
    else:  # a writer: a running `oiltrail serve` hands the store over (store/handoff.py)
        con = when_free(path, lambda: _connect(path, read_only=False))
    if _older_store(con):
        con.close()
        raise StoreCorruptError(
            f"store {path} was written by an older oiltrail (a source name on every position): "
            "nothing was changed; ingest the files again into a new store"
        )
    store = Store(con, path, read_only=read_only)
    if not read_only:
        try:
            # One transaction: each statement alone is a commit, and a new store's each
            # commit a write-ahead-log sync (11 syncs: 30–40 ms of a new store's opening).
            store.ensure(("BEGIN TRANSACTION", *CORE_DDL, "COMMIT"))
        except duckdb.Error as exc:
            con.close()
            known = store_error(exc, path)
            if known is not None:
                raise known from None
            raise
    return store
