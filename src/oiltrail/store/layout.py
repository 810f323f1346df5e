"""Bring an older store's tables to this version's layout, area by area.

Each area adds its tables and columns when it next writes (`Store.ensure`), so a store made by
an older oiltrail gains them as it is used. A reader that opens the store read-only (the API
server) cannot: `upgrade` applies, once and in one transaction, the DDL of every area the store
already has, so a store the last version wrote serves like a new one. Areas the store has not
used yet stay absent (an absent chains table means "not traced yet").
"""

from __future__ import annotations

from oiltrail.store.anchorages import ANCHORAGES_DDL
from oiltrail.store.catalog import CORE_DDL, Store
from oiltrail.store.chains import CHAINS_DDL
from oiltrail.store.events import DETECT_DDL
from oiltrail.store.lists import LISTS_DDL
from oiltrail.store.reads import has_table
from oiltrail.store.reference import REFERENCE_DDL

# (a table the area always has, the area's DDL)
AREAS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("manifest", CORE_DDL),
    ("detect_runs", DETECT_DDL),
    ("reference_sets", REFERENCE_DDL),
    ("anchorages", ANCHORAGES_DDL),
    ("chains", CHAINS_DDL),
    ("list_files", LISTS_DDL),
)


def upgrade(store: Store) -> list[str]:
    """Apply the DDL of each area the store has; returns the areas' first tables, in order."""
    present = [(table, ddl) for table, ddl in AREAS if has_table(store, table)]
    with store.transaction():
        for _, ddl in present:
            store.ensure(ddl)
    return [table for table, _ in present]
