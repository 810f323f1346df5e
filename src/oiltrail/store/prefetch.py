"""Decode the next batch in a worker thread while the store writes the current one.

numpy, pyarrow and DuckDB release the GIL in their heavy loops, so on two cores decoding and
writing overlap. The queue holds at most `depth` batches, which keeps memory bounded.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")
_DONE = object()
STOP_WAIT_ROUNDS = 200  # × 50 ms: how long an interrupted consumer waits for the worker


def prefetch(items: Iterator[T], depth: int = 1) -> Iterator[T]:
    """Yield the items of `items`, produced one step ahead in a daemon thread."""
    q: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def work() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        q.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put(_DONE)
        except BaseException as exc:  # handed to the consumer, raised there
            q.put(exc)

    thread = threading.Thread(target=work, name="oiltrail-decode", daemon=True)
    thread.start()
    try:
        while True:
            item = q.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        for _ in range(STOP_WAIT_ROUNDS):  # let the worker see `stop`; a daemon dies with us
            try:
                q.get_nowait()
            except queue.Empty:
                thread.join(timeout=0.05)
            if not thread.is_alive():
                break
