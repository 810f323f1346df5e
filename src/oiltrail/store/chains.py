"""The `chains` table (chain columns of docs/exports.md plus `details` JSON), owned by trace/."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from oiltrail.records import Chain
from oiltrail.store.catalog import Store

# The `oiltrail trace` columns, in this order (their home: the Chain record).
CHAIN_COLUMNS: tuple[str, ...] = Chain.COLUMNS

CHAINS_DDL: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS chains (
        chain_id VARCHAR PRIMARY KEY, source_port VARCHAR, load_start TIMESTAMP,
        donor_mmsi UINTEGER, encounter_event_id VARCHAR, receiver_mmsi UINTEGER,
        destination VARCHAR, arrival TIMESTAMP, barrels_low DOUBLE, barrels_mid DOUBLE,
        barrels_high DOUBLE, confidence DOUBLE, evidence VARCHAR, details VARCHAR,
        traced_at TIMESTAMP, relay_mmsi VARCHAR)""",
    # a store traced before relay chains (docs/store.md): the column is added, empty
    """ALTER TABLE chains ADD COLUMN IF NOT EXISTS relay_mmsi VARCHAR""",
)
TRACED_META_KEY = "chains_traced_at"


def replace_chains(store: Store, rows: Sequence[dict[str, Any]]) -> None:
    """Replace the stored chains with `rows` in one transaction (a re-run gives the same table)."""
    store.ensure(CHAINS_DDL)
    now = datetime.now(UTC).replace(tzinfo=None)
    values = [
        [*(_cell(row, c) for c in CHAIN_COLUMNS), json.dumps(row.get("details", {})), now]
        for row in rows
    ]
    with store.transaction() as con:
        con.execute("DELETE FROM chains")
        if values:
            names = ", ".join([*CHAIN_COLUMNS, "details", "traced_at"])
            marks = ", ".join("?" * (len(CHAIN_COLUMNS) + 2))
            con.executemany(f"INSERT INTO chains ({names}) VALUES ({marks})", values)
        con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [TRACED_META_KEY, now.isoformat()])


def read_chains(store: Store) -> list[dict[str, Any]] | None:
    """The stored chains, or None when `trace` has never run on this store."""
    if store.get_meta(TRACED_META_KEY) is None:
        return None
    store.ensure(CHAINS_DDL)
    cur = store.con.execute(
        f"SELECT {', '.join(CHAIN_COLUMNS)}, details FROM chains ORDER BY load_start NULLS LAST, "
        "arrival NULLS LAST, chain_id"
    )
    names = [*CHAIN_COLUMNS, "details"]
    out = []
    for record in cur.fetchall():
        row = dict(zip(names, record, strict=True))
        row["details"] = json.loads(row["details"] or "{}")
        out.append(row)
    return out


def _cell(row: dict[str, Any], column: str) -> Any:
    if column == "relay_mmsi":
        return row.get(column) or ""
    return row.get(column)
