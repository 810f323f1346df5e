"""The bundled DPRK watchlist: loaded when a store has no list yet."""

from __future__ import annotations

import threading
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oiltrail.errors import StoreReadOnlyError
from oiltrail.store import Store
from oiltrail.store.lists import count_entities, has_entities

if TYPE_CHECKING:  # loading lists imports FollowTheMoney (0.6 s): only when there are none
    from oiltrail.screen.load import LoadReport

# The lists' tables (store/lists.py): what a store with no list borrows from the bundled one.
LIST_TABLES = ("list_entities", "list_files", "list_skips", "list_file_rows")
_BUNDLED: dict[str, Any] = {}
_BUNDLED_LOCK = threading.Lock()

WATCHLIST_FILES = (
    "un_sc_consolidated_2026-02-27_dprk.xml",
    "ofac_sdn_2021_vessels_and_dprk.csv",
    "ofac_add_2021_vessels_and_dprk.csv",
    "ofac_alt_2021_vessels_and_dprk.csv",
    "ofac_sdn_comments_2021_vessels_and_dprk.csv",
    "dprk_designated_vessels.csv",
)


def watchlist_paths() -> list[Path]:
    """The bundled list files, in load order."""
    folder = Path(str(resources.files("oiltrail") / "data" / "watchlist"))
    return [folder / name for name in WATCHLIST_FILES]


def ensure_lists(store: Store) -> LoadReport | None:
    """Load the bundled DPRK watchlist when the store has no list; None when it had one."""
    if store.read_only:  # nothing can be loaded into it: it has lists or we say so
        if has_entities(store):
            return None
        raise StoreReadOnlyError(
            f"store {store.path} is read-only and holds no sanctions lists, so the bundled "
            "watchlist cannot be loaded into it: use a writable copy"
        )
    if count_entities(store) > 0:
        return None
    from oiltrail.screen.load import load_lists

    return load_lists(store, watchlist_paths())


def bundled_tables() -> dict[str, Any]:
    """The list tables of the bundled watchlist (Arrow tables by name), loaded once per
    process into a store held in memory."""
    with _BUNDLED_LOCK:
        if not _BUNDLED:
            from oiltrail.store import open_store

            with open_store(":memory:") as memory:
                ensure_lists(memory)
                for name in LIST_TABLES:
                    sql = f"SELECT * FROM {name}"
                    _BUNDLED[name] = memory.con.execute(sql).to_arrow_table()
        return dict(_BUNDLED)


def borrow_bundled(store: Store) -> None:
    """Give a read-only store with no list the bundled watchlist, as temporary tables of this
    connection only (they shadow the store's empty ones; nothing is written to the file), so
    that it is screened as `oiltrail screen` screens a writable one (`oiltrail serve`)."""
    for name, table in bundled_tables().items():
        store.con.register("_bundled_list", table)
        try:
            store.con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM _bundled_list")
        finally:
            store.con.unregister("_bundled_list")
