"""How the server reads the store while the CLI may write to it (docs/serve.md, "Concurrency").

DuckDB lets one process write a file, or any number of processes read it, never both. The
server only reads: requests share one read-only connection (a cursor each), opened when the
first request needs it and kept open (its buffer pool warm: a closed connection's next
request reads and decompresses the store again) until the server has been idle for
`LINGER_S`, or at once when a command line writer asks for the store (`oiltrail ingest` or
`detect` finding it busy touch `<db>.write-wanted`, see `oiltrail.store.handoff`). While the
writer holds the file, requests wait for it up to `busy_wait_s`, then get 503 with
Retry-After. The next request after the writer finished opens the store anew and sees the
new data: no restart.

A store with no list is screened against the bundled watchlist, copied into temporary tables
of a request's cursor (`borrow_bundled`: about 10 ms of CPU); such cursors are kept for the
next requests (up to `MAX_SPARE`) while the store stays open, and dropped when it closes: a
list load is a writer, which closes it, and the store is opened anew after.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb
from starlette.exceptions import HTTPException

from oiltrail.errors import OiltrailError, StoreBusyError
from oiltrail.store import Store
from oiltrail.store.catalog import open_store
from oiltrail.store.handoff import write_wanted
from oiltrail.store.lists import has_entities

# Idle time after which the read connection is closed. An oiltrail writer does not wait for it
# (it asks, and gets the store at once: store/handoff.py); another program's would.
LINGER_S = 30.0
POLL_S = 0.05
MAX_SPARE = 8  # cursors kept with the bundled lists borrowed (a store with no list)


class StoreGate:
    """One shared read-only connection to the store, handed back when a writer wants it."""

    def __init__(self, db: Path, busy_wait_s: float) -> None:
        self.db = db
        self.busy_wait_s = busy_wait_s
        self.opens = 0  # how often the store was opened (tests, docs/serve.md)
        self._cond = threading.Condition()
        self._store: Store | None = None
        self._no_lists = False  # the open store holds no list: requests borrow the bundled one
        self._spare: list[duckdb.DuckDBPyConnection] = []  # cursors that have borrowed it
        self._users = 0
        self._idle_since = time.monotonic()
        self._closer = threading.Thread(target=self._close_when_idle, daemon=True)
        self._stopped = False
        self._closer.start()

    @contextmanager
    def read(self) -> Iterator[Store]:
        """A read-only store for one request (its own cursor on the shared connection)."""
        shared = self._acquire()
        cursor: duckdb.DuckDBPyConnection | None = None
        keep = False
        try:
            with self._cond:  # the store stays open while this request uses it
                borrowed = self._no_lists
                cursor = self._spare.pop() if self._spare else None
            if cursor is None:
                cursor = shared.con.cursor()
                if borrowed:  # as the command line screens it: against the bundled lists
                    from oiltrail.screen.watchlist import borrow_bundled

                    borrow_bundled(Store(cursor, self.db, read_only=True))
            try:
                yield Store(cursor, self.db, read_only=True)
            except (OiltrailError, HTTPException):  # an answer (a 404, a 422): the cursor is
                keep = borrowed  # as good as after a 200; after another error it is not reused
                raise
            keep = borrowed
        finally:
            self._release(cursor, keep)

    def _acquire(self) -> Store:
        deadline = time.monotonic() + self.busy_wait_s
        with self._cond:
            while True:
                if write_wanted(self.db):
                    self._close_if_idle()
                elif self._store is None:
                    try:
                        self._store = open_store(self.db, read_only=True, create=False)
                        self._no_lists = not has_entities(self._store)
                        self.opens += 1
                    except StoreBusyError:
                        pass
                if self._store is not None and not write_wanted(self.db):
                    self._users += 1
                    return self._store
                if time.monotonic() >= deadline:
                    raise StoreBusyError(
                        f"store {self.db} is busy: a command line writer (ingest, detect) "
                        f"holds it; waited {self.busy_wait_s:g} s, try again"
                    )
                self._cond.wait(POLL_S)

    def _release(self, cursor: duckdb.DuckDBPyConnection | None, keep: bool) -> None:
        with self._cond:
            if cursor is not None and keep and len(self._spare) < MAX_SPARE:
                self._spare.append(cursor)
            elif cursor is not None:
                cursor.close()
            self._users -= 1
            if self._users == 0:
                self._idle_since = time.monotonic()
                if write_wanted(self.db):
                    self._close_if_idle()
            self._cond.notify_all()

    def _close_if_idle(self) -> None:
        if self._users == 0 and self._store is not None:
            for cursor in self._spare:  # each on its own: one failing keeps none open
                with suppress(duckdb.Error):
                    cursor.close()
            self._spare.clear()
            with suppress(duckdb.Error):  # a connection DuckDB already dropped
                self._store.close()
            self._store = None

    def _close_when_idle(self) -> None:
        while not self._stopped:
            time.sleep(POLL_S * 2)
            with self._cond:
                idle = time.monotonic() - self._idle_since
                if self._users == 0 and (idle >= LINGER_S or write_wanted(self.db)):
                    self._close_if_idle()

    def close(self) -> None:
        self._stopped = True
        with self._cond:
            self._close_if_idle()
