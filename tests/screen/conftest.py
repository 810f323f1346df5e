"""Screening fixtures: one store per test module, holding the bundled lists, and its index."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from oiltrail.screen.index import ScreenIndex, get_index
from oiltrail.screen.watchlist import ensure_lists
from oiltrail.store import Store, open_store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    st = open_store(tmp_path_factory.mktemp("screen") / "store.duckdb")
    ensure_lists(st)
    yield st
    st.close()


@pytest.fixture(scope="module")
def index(store: Store) -> ScreenIndex:
    return get_index(store)
