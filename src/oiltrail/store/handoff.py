"""Handing the store from `oiltrail serve` (a reader) to a command line writer (docs/serve.md).

DuckDB lets one process write a file or many read it. A running server writes
`<db>.serving` (its process id); a writer that finds the store busy while that file names a
live process touches `<db>.write-wanted`, and the server closes its read connection as soon
as its requests in flight end and opens none until the writer is done (the flag is removed).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TypeVar

from oiltrail.errors import StoreBusyError

T = TypeVar("T")
WRITER_WAIT_S = 60.0  # how long a writer waits for a server to hand the store over
POLL_S = 0.05


def serving_path(db: Path) -> Path:
    return db.with_name(db.name + ".serving")


def wanted_path(db: Path) -> Path:
    return db.with_name(db.name + ".write-wanted")


def write_wanted(db: Path) -> bool:
    return wanted_path(db).exists()


@contextmanager
def serving(db: Path) -> Iterator[None]:
    """Mark the store as served by this process while inside."""
    path = serving_path(db)
    path.write_text(str(os.getpid()), encoding="utf-8")
    try:
        yield
    finally:
        with suppress(OSError):
            if path.read_text(encoding="utf-8").strip() == str(os.getpid()):
                path.unlink()


def server_pid(db: Path) -> int | None:
    """The live process serving the store, if any (a stale file is ignored)."""
    try:
        pid = int(serving_path(db).read_text(encoding="utf-8").strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def when_free(db: Path, connect: Callable[[], T], wait_s: float = WRITER_WAIT_S) -> T:
    """`connect()`; if the store is busy because a server reads it, ask the server for it and
    try again until `wait_s` has passed."""
    try:
        return connect()
    except StoreBusyError:
        if server_pid(db) is None:
            raise
    flag = wanted_path(db)
    flag.touch()
    deadline = time.monotonic() + wait_s
    try:
        while True:
            try:
                return connect()
            except StoreBusyError:
                if time.monotonic() >= deadline or server_pid(db) is None:
                    raise
                time.sleep(POLL_S)
    finally:
        with suppress(OSError):
            flag.unlink()
