"""Counts in the store (`oiltrail status`, docs/exports.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from oiltrail.store.catalog import Store

STATUS_KEYS = ("positions", "vessels", "static_reports", "quarantined", "first", "last")


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")


def store_status(store: Store) -> dict[str, Any]:
    """Status counts: positions, vessels, static_reports, quarantined {REASON: COUNT}, first, last.

    `quarantined` is keyed by the base reason code (the part before any ':'), as in docs/inputs.md;
    `first`/`last` are the first and last position times (ISO 8601 UTC), null when empty.
    Also `simulated` (docs/store.md) and `files` (manifest rows) for the CLI summary.
    """
    con = store.con
    row = con.execute(
        "SELECT count(*), count(DISTINCT mmsi), min(ts), max(ts) FROM positions"
    ).fetchone()
    positions, vessels, first, last = row if row else (0, 0, None, None)
    static = con.execute("SELECT count(*) FROM static_reports").fetchone()
    reasons = con.execute(
        "SELECT split_part(reason, ':', 1) AS r, count(*) FROM quarantine GROUP BY r ORDER BY r"
    ).fetchall()
    files = con.execute("SELECT count(*) FROM manifest").fetchone()
    return {
        "positions": int(positions),
        "vessels": int(vessels),
        "static_reports": int(static[0]) if static else 0,
        "quarantined": {str(r): int(n) for r, n in reasons},
        "first": _iso(first),
        "last": _iso(last),
        "files": int(files[0]) if files else 0,
        "simulated": store.simulated,
    }
