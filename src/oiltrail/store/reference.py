"""Reference data in the store: the ports a detect run used, with their content hash.

`detect` writes the ports it matched visits against (bundled or `--ports FILE`); `trace`,
`estimate`, `report` and `check-claims` read them from here, so a user's own port names and
kinds reach every stage. `reference_sets` says which table came from where (provenance).
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from oiltrail.errors import MissingDataError
from oiltrail.reference.ports import PORTS_SCHEMA, ports_hash
from oiltrail.store.catalog import Store

REFERENCE_DDL: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS reference_sets (
        name VARCHAR PRIMARY KEY, content_hash VARCHAR NOT NULL, origin VARCHAR,
        rows BIGINT, loaded_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS ref_ports (
        name VARCHAR NOT NULL, country VARCHAR, lat DOUBLE NOT NULL, lon DOUBLE NOT NULL,
        kind VARCHAR, source VARCHAR, role VARCHAR NOT NULL)""",
)
REFRESH_HINT = "run `oiltrail detect` (with the same --ports, if you gave one) to refresh it"


class ReferenceMissingError(MissingDataError):
    """The store has events but not the reference table they were made with (older layout)."""


def save_ports(store: Store, ports: pa.Table, origin: str) -> str:
    """Replace the store's ports with `ports` (inside the caller's transaction); its hash."""
    digest = ports_hash(ports)
    store.ensure(REFERENCE_DDL)
    old = store.con.execute(
        "SELECT content_hash FROM reference_sets WHERE name = 'ports'"
    ).fetchone()
    if old is None or old[0] != digest:
        store.con.execute("DELETE FROM ref_ports")
        store.con.register("_ref_ports", ports)
        try:
            cols = ", ".join(PORTS_SCHEMA.names)
            store.con.execute(f"INSERT INTO ref_ports ({cols}) SELECT {cols} FROM _ref_ports")
        finally:
            store.con.unregister("_ref_ports")
    store.con.execute(
        "INSERT OR REPLACE INTO reference_sets VALUES ('ports', ?, ?, ?, ?)",
        [digest, origin, ports.num_rows, datetime.now(UTC).replace(tzinfo=None)],
    )
    return digest


def stored_ports(store: Store) -> pa.Table:
    """The ports the last detect run used. An empty table when nothing was detected yet;
    `ReferenceMissingError` when events exist without them (a store from an older oiltrail)."""
    try:
        return (
            store.con.execute(
                f"SELECT {', '.join(PORTS_SCHEMA.names)} FROM ref_ports ORDER BY name"
            )
            .to_arrow_table()
            .cast(PORTS_SCHEMA)
        )
    except duckdb.CatalogException:
        pass
    try:
        row = store.con.execute("SELECT count(*) FROM events").fetchone()
    except duckdb.CatalogException:
        row = None
    if row is not None and row[0]:
        raise ReferenceMissingError(
            f"store {store.path} has events but not the ports they were detected with "
            f"(written by an older oiltrail): {REFRESH_HINT}"
        ) from None
    return PORTS_SCHEMA.empty_table()


def ports_origin(store: Store) -> tuple[str, str] | None:
    """(origin, content hash) of the stored ports, or None."""
    try:
        row = store.con.execute(
            "SELECT origin, content_hash FROM reference_sets WHERE name = 'ports'"
        ).fetchone()
    except duckdb.CatalogException:
        return None
    return None if row is None else (str(row[0]), str(row[1]))
