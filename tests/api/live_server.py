"""The API tests' live uvicorn server on 127.0.0.1 (a module of its own: test files import it by
this unique name, never `conftest`, which another folder's conftest may shadow)."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn

from oiltrail.api import ServeConfig, create_app

TOKEN = "test-token-0123456789abcdef"


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
