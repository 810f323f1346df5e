"""The hours in which the store holds any position (`position_hours`), kept between detect
runs: the archive's holes are the hours missing (engines/derived.py `data_holes`). Each run
adds the hours of the positions appended since the last, not every position's."""

from __future__ import annotations

from oiltrail.store.catalog import Store
from oiltrail.store.marks import appended_after, mark
from oiltrail.store.reads import has_table

MARK_KEY = "position_hours.mark"  # meta: the positions' mark when the table was made


def update(store: Store) -> None:
    """Bring `position_hours` (h: each hour's start) up to date with the positions (in the
    caller's write transaction); a read-only store is read as it is."""
    if store.read_only:
        return
    now = mark(store, "positions")
    old = store.get_meta(MARK_KEY) if has_table(store, "position_hours") else None
    if old == now:
        return
    hour = "date_trunc('hour', ts)"
    last = appended_after(old, now)
    if last is None:
        store.con.execute(
            f"CREATE OR REPLACE TABLE position_hours AS SELECT DISTINCT {hour} AS h FROM positions"
        )
    else:
        store.con.execute(
            f"""INSERT INTO position_hours SELECT DISTINCT {hour} AS h FROM positions
                WHERE rowid > ? EXCEPT SELECT h FROM position_hours""",
            [last],
        )
    store.set_meta(MARK_KEY, now)
