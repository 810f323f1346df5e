"""Tables of the screening area: list entities as FollowTheMoney JSON, and the loaded files.

`list_entities.data` holds the entity's FtM dict (`id`, `schema`, `properties`) as JSON;
`datasets` is a JSON list of the list names that carry it (one entity can come from several
lists, merged by id or by vessel IMO number).
"""

from __future__ import annotations

import json
import weakref
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, TypeVar

import duckdb
import pyarrow as pa

from oiltrail.store import killpoints
from oiltrail.store.catalog import Store
from oiltrail.store.reads import has_table

LISTS_DDL: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS list_entities (
        id VARCHAR PRIMARY KEY, schema VARCHAR NOT NULL, caption VARCHAR,
        datasets VARCHAR NOT NULL, data VARCHAR NOT NULL, loaded_at TIMESTAMP)""",
    # One row per loaded file; the content hash makes a reload of the same file a no-op.
    """CREATE TABLE IF NOT EXISTS list_files (
        file_hash VARCHAR PRIMARY KEY, path VARCHAR, format VARCHAR, list_name VARCHAR,
        entities BIGINT, skipped BIGINT, loaded_at TIMESTAMP)""",
    # Counted skips: records a reader could not turn into an entity, with the reason.
    """CREATE TABLE IF NOT EXISTS list_skips (
        file VARCHAR, line BIGINT, reason VARCHAR, file_hash VARCHAR)""",
    "ALTER TABLE list_files ADD COLUMN IF NOT EXISTS list_date VARCHAR",
    # Each file's entities as its reader gave them: list_entities is their merge, rebuilt when
    # a list is replaced or removed.
    """CREATE TABLE IF NOT EXISTS list_file_rows (
        file_hash VARCHAR NOT NULL, seq BIGINT NOT NULL, data VARCHAR NOT NULL)""",
)


_ENSURED: weakref.WeakSet[Store] = weakref.WeakSet()


def ensure_lists_tables(store: Store) -> None:
    """Create the tables once per open store (DDL round trips cost milliseconds)."""
    if store not in _ENSURED:
        store.ensure(LISTS_DDL)
        _ENSURED.add(store)


def lists_version(store: Store) -> tuple[str, int, str]:
    """A key that changes whenever the store's lists change: caches of derived data use it."""
    ensure_lists_tables(store)
    row = store.con.execute(
        "SELECT count(*), CAST(max(loaded_at) AS VARCHAR) FROM list_entities"
    ).fetchone()
    return (str(store.path), int(row[0]) if row else 0, str(row[1]) if row else "")


T = TypeVar("T")


def cached_by_lists(
    build: Callable[[list[dict[str, Any]]], T], on_rebuild: Callable[[], None] | None = None
) -> Callable[[Store], T]:
    """`build(read_entities(store))`, kept until the store's lists change (`lists_version`);
    `on_rebuild` clears what the former result's users cached."""
    cache: dict[tuple[str, int, str], T] = {}

    def get(store: Store) -> T:
        key = lists_version(store)
        if key not in cache:
            cache.clear()
            if on_rebuild is not None:
                on_rebuild()
            cache[key] = build(read_entities(store))
        return cache[key]

    return get


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def count_entities(store: Store) -> int:
    ensure_lists_tables(store)
    row = store.con.execute("SELECT count(*) FROM list_entities").fetchone()
    return int(row[0]) if row else 0


def file_loaded(store: Store, file_hash: str) -> bool:
    row = store.con.execute("SELECT 1 FROM list_files WHERE file_hash = ?", [file_hash]).fetchone()
    return row is not None


def read_entities(store: Store, ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Entities as dicts with `id, schema, caption, datasets, properties`."""
    ensure_lists_tables(store)
    sql = "SELECT id, schema, caption, datasets, data FROM list_entities"
    params: list[Any] = []
    if ids is not None:
        wanted = sorted(set(ids))
        if not wanted:
            return []
        sql += " WHERE id IN (SELECT unnest(?::VARCHAR[]))"
        params.append(wanted)
    rows = store.con.execute(sql + " ORDER BY id", params).fetchall()
    return [
        {
            "id": r[0],
            "schema": r[1],
            "caption": r[2],
            "datasets": json.loads(r[3]),
            "properties": json.loads(r[4]).get("properties", {}),
        }
        for r in rows
    ]


def upsert_entities(store: Store, rows: list[dict[str, Any]]) -> None:
    """Replace entities by id (callers merge first); inside the caller's transaction."""
    if not rows:
        return
    loaded_at = _now()
    store.con.execute(
        "DELETE FROM list_entities WHERE id IN (SELECT unnest(?::VARCHAR[]))",
        [[r["id"] for r in rows]],
    )
    table = pa.table(
        {
            "id": [r["id"] for r in rows],
            "schema": [r["schema"] for r in rows],
            "caption": [r["caption"] for r in rows],
            "datasets": [json.dumps(sorted(r["datasets"])) for r in rows],
            "data": [
                json.dumps(
                    {"id": r["id"], "schema": r["schema"], "properties": r["properties"]},
                    ensure_ascii=False,
                    sort_keys=True,
                )
                for r in rows
            ],
            "loaded_at": pa.array([loaded_at] * len(rows), pa.timestamp("us")),
        }
    )
    store.con.register("_new_list_entities", table)
    try:
        store.con.execute("INSERT INTO list_entities SELECT * FROM _new_list_entities")
    finally:
        store.con.unregister("_new_list_entities")
    killpoints.reached("lists")


def record_file(
    store: Store,
    file_hash: str,
    path: str,
    fmt: str,
    list_name: str,
    entities: int,
    skips: list[tuple[int, str]],
    list_date: str = "",
) -> None:
    store.con.execute(
        """INSERT OR REPLACE INTO list_files
           (file_hash, path, format, list_name, entities, skipped, loaded_at, list_date)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        [file_hash, path, fmt, list_name, entities, len(skips), _now(), list_date],
    )
    if skips:
        store.con.executemany(
            "INSERT INTO list_skips VALUES (?, ?, ?, ?)",
            [(path, line, reason, file_hash) for line, reason in skips],
        )
    killpoints.reached("lists")


def list_names(store: Store) -> list[str]:
    """Distinct list names in the store."""
    ensure_lists_tables(store)
    rows = store.con.execute("SELECT DISTINCT list_name FROM list_files ORDER BY 1").fetchall()
    return [str(r[0]) for r in rows]


def loaded_files(store: Store) -> list[dict[str, Any]]:
    """The loaded files, first loaded first, each with whether its entities are kept
    (`has_rows`: files loaded before list_file_rows existed have none)."""
    ensure_lists_tables(store)
    # A read-only store of an older layout (no list_date, no list_file_rows) is read as it is.
    date = "coalesce(f.list_date, '')" if has_table(store, "list_files", "list_date") else "''"
    kept = (
        "EXISTS (SELECT 1 FROM list_file_rows r WHERE r.file_hash = f.file_hash)"
        if has_table(store, "list_file_rows")
        else "false"
    )
    rows = store.con.execute(
        f"""SELECT f.file_hash, f.path, f.format, f.list_name, f.entities, f.skipped,
                  CAST(f.loaded_at AS VARCHAR), {date}, {kept}
           FROM list_files f ORDER BY f.loaded_at, f.file_hash"""
    ).fetchall()
    keys = ("file_hash", "path", "format", "list_name", "entities", "skipped", "loaded_at")
    return [
        {**dict(zip(keys, r[:7], strict=True)), "list_date": r[7], "has_rows": bool(r[8])}
        for r in rows
    ]


def file_skip_reasons(store: Store, file_hash: str) -> dict[str, int]:
    rows = store.con.execute(
        "SELECT reason, count(*) FROM list_skips WHERE file_hash = ? GROUP BY 1 ORDER BY 2 DESC",
        [file_hash],
    ).fetchall()
    return {str(r[0]): int(r[1]) for r in rows}


def file_rows(store: Store, file_hash: str) -> list[dict[str, Any]]:
    """One file's entities as its reader gave them (before merging)."""
    rows = store.con.execute(
        "SELECT data FROM list_file_rows WHERE file_hash = ? ORDER BY seq", [file_hash]
    ).fetchall()
    return [json.loads(r[0]) for r in rows]


def insert_file_rows(store: Store, file_hash: str, rows: list[dict[str, Any]]) -> None:
    """Keep a file's own entities; inside the caller's transaction."""
    if not rows:
        return
    table = pa.table(
        {
            "file_hash": [file_hash] * len(rows),
            "seq": list(range(len(rows))),
            "data": [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in rows],
        }
    )
    store.con.register("_new_list_file_rows", table)
    try:
        store.con.execute("INSERT INTO list_file_rows SELECT * FROM _new_list_file_rows")
    finally:
        store.con.unregister("_new_list_file_rows")


def delete_files(store: Store, hashes: list[str]) -> None:
    """Forget loaded files (their rows, skips and record); inside the caller's transaction."""
    if not hashes:
        return
    for table in ("list_file_rows", "list_skips", "list_files"):
        store.con.execute(
            f"DELETE FROM {table} WHERE file_hash IN (SELECT unnest(?::VARCHAR[]))", [hashes]
        )


def replace_entities(store: Store, rows: list[dict[str, Any]]) -> None:
    """The lists' entities become `rows`; inside the caller's transaction."""
    store.con.execute("DELETE FROM list_entities")
    if rows:
        upsert_entities(store, rows)
    else:
        killpoints.reached("lists")


def has_entities(store: Store) -> bool:
    """True when the store's list tables exist and hold an entity (no DDL: may be read-only)."""
    try:
        row = store.con.execute("SELECT 1 FROM list_entities LIMIT 1").fetchone()
    except duckdb.CatalogException:
        return False
    return row is not None


LIST_COLUMNS = ("list", "source", "date", "entities", "schemas", "skipped", "file", "loaded_at")


def list_summary(store: Store) -> list[dict[str, Any]]:
    """One row per loaded file: its list, format, date, entities by schema, skipped records."""
    rows = []
    for f in loaded_files(store):  # the schemas of the file's own entities, before merging
        schemas = Counter(r["schema"] for r in file_rows(store, f["file_hash"]))
        rows.append(
            {
                "list": f["list_name"],
                "source": f["format"],
                "date": f["list_date"] or "undated",
                "entities": f["entities"],
                "schemas": ", ".join(f"{n} {s}" for s, n in schemas.most_common()),
                "skipped": f["skipped"],
                "file": f["path"],
                "loaded_at": f["loaded_at"][:19],
            }
        )
    return rows
