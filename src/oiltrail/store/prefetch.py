"""Decode the next batch in a worker thread while the store writes the current one.

The compiled NMEA kernels, numpy, pyarrow and DuckDB release the GIL in their heavy loops, so
on two cores decoding and writing overlap. The queue holds at most `depth` batches, which
keeps memory bounded.
The worker starts at once (not at the first `next`), so work can begin before it is needed;
`close()` stops it, even before anything was taken.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Generator, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")
_DONE = object()
STOP_WAIT_ROUNDS = 200  # × 50 ms: how long an interrupted consumer waits for the worker


class Prefetched(Generic[T]):
    """The items of an iterator, produced one step ahead in a daemon thread."""

    def __init__(self, items: Iterator[T], depth: int) -> None:
        self._q: queue.Queue[object] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._work, args=(items,), name="oiltrail-decode", daemon=True
        )
        self._thread.start()
        self._gen = self._drain()

    def __iter__(self) -> Prefetched[T]:
        return self

    def __next__(self) -> T:
        return next(self._gen)

    def close(self) -> None:
        """Stop the worker (also when nothing was taken yet) and wait for it a while."""
        if self._stop.is_set():
            return
        self._gen.close()
        self._finish()

    def _work(self, items: Iterator[T]) -> None:
        try:
            for item in items:
                while not self._stop.is_set():
                    try:
                        self._q.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if self._stop.is_set():
                    return
            self._q.put(_DONE)
        except BaseException as exc:  # handed to the consumer, raised there
            self._q.put(exc)
        finally:  # a generator source stops here, in its own thread (nested pipelines too)
            close = getattr(items, "close", None)
            if close is not None:
                close()

    def _drop_one(self) -> None:
        with contextlib.suppress(queue.Empty):
            self._q.get_nowait()

    def _drain(self) -> Generator[T, None, None]:
        try:
            while True:
                item = self._q.get()
                if item is _DONE:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item  # type: ignore[misc]
        finally:
            self._finish()

    def _finish(self) -> None:
        self._stop.set()
        for _ in range(STOP_WAIT_ROUNDS):  # let the worker see `stop`; a daemon dies with us
            self._drop_one()
            self._thread.join(timeout=0.05)
            if not self._thread.is_alive():
                break


def prefetch(items: Iterator[T], depth: int = 1) -> Prefetched[T]:
    """Yield the items of `items`, produced one step ahead in a daemon thread (started now)."""
    return Prefetched(items, depth)
