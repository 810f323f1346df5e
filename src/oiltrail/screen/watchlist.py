"""The bundled DPRK watchlist: loaded when a store has no list yet."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from oiltrail.errors import StoreReadOnlyError
from oiltrail.store import Store
from oiltrail.store.lists import count_entities, has_entities

if TYPE_CHECKING:  # loading lists imports FollowTheMoney (0.6 s): only when there are none
    from oiltrail.screen.load import LoadReport

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
