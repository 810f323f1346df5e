"""API fixtures: one demo store built by `run_demo` (a real DuckDB file: simulate, ingest,
detect, lists, trace) per session, and real uvicorn servers on 127.0.0.1 over copies of it."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from oiltrail.api import ServeConfig, create_app

TOKEN = "test-token-0123456789abcdef"


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from oiltrail.demo import run_demo
    from oiltrail.store import open_store

    folder = tmp_path_factory.mktemp("api-demo")
    db = folder / "demo.duckdb"
    with open_store(db) as store:
        run_demo(store, folder / "out")
    return db


@dataclass
class Live:
    """A running server: its base URL, a client with the token, the store it serves."""

    url: str
    client: httpx.Client
    db: Path
    server: uvicorn.Server
    app: object


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def start_server(db: Path, **config: object) -> tuple[uvicorn.Server, threading.Thread, str]:
    app = create_app(ServeConfig(db=db, token=TOKEN, **config))  # type: ignore[arg-type]
    sock = free_socket()
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    return server, thread, f"http://127.0.0.1:{port}"


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
