"""API fixtures: one demo store built by `run_demo` (a real DuckDB file: simulate, ingest,
detect, lists, trace) per session, and real uvicorn servers on 127.0.0.1 over copies of it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from live_server import TOKEN, Live, start_server


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from oiltrail.demo import run_demo
    from oiltrail.store import open_store

    folder = tmp_path_factory.mktemp("api-demo")
    db = folder / "demo.duckdb"
    with open_store(db) as store:
        run_demo(store, folder / "out")
    return db


@pytest.fixture(scope="module")
def live(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A server over a copy of the demo store (tests may write next to it)."""
    db = tmp_path_factory.mktemp("live") / "demo.duckdb"
    shutil.copy(demo_db, db)
    server, thread, url = start_server(db)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
        yield Live(url, client, db, server, server.config.app)
    server.should_exit = True
    thread.join(timeout=30)
