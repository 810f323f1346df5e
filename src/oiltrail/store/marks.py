"""Marks of the append-only tables (positions, static reports): what detect keeps between runs
(`static_runs`, `position_hours`) is brought up to date from the rows appended since."""

from __future__ import annotations

from oiltrail.store.catalog import Store


def mark(store: Store, table: str) -> str:
    """ "<last rowid>:<rows>" of `table`: rows are only ever appended, so an unchanged mark
    means none was added since it was taken."""
    row = store.con.execute(f"SELECT coalesce(max(rowid), -1), count(*) FROM {table}").fetchone()
    return f"{row[0]}:{row[1]}" if row else "-1:0"


def appended_after(old: str | None, now: str) -> int | None:
    """The last rowid of `old` when the rows since are simply appended ones (as many new
    rows as new row ids), else None (no mark yet, or rows gone: start again from all)."""
    if old is None:
        return None
    (r0, n0), (r1, n1) = (tuple(int(x) for x in m.split(":")) for m in (old, now))
    return r0 if n1 - n0 == r1 - r0 and n1 >= n0 else None
