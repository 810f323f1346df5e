"""A value computed in a daemon thread (a file's hash, a store being opened).

Only threading and typing: `oiltrail ingest` uses it before it imports numpy, pyarrow and
DuckDB (ais.file_hash).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar, cast

T = TypeVar("T")


class Background(Generic[T]):
    """`fn()` computed in a daemon thread, started now (or, `start=False`, by whoever calls
    `run()`: `in_turn`); `result()` waits and re-raises."""

    def __init__(self, fn: Callable[[], T], start: bool = True) -> None:
        self._fn = fn
        self._done = threading.Event()
        self._value: object = None
        self._error: BaseException | None = None
        if start:
            threading.Thread(target=self.run, name="oiltrail-background", daemon=True).start()

    def run(self) -> None:
        try:
            self._value = self._fn()
        except BaseException as exc:  # handed to the caller of result()
            self._error = exc
        finally:
            self._done.set()

    def done(self) -> bool:
        return self._done.is_set()

    def result(self) -> T:
        self._done.wait()
        if self._error is not None:
            raise self._error
        return cast(T, self._value)


def in_turn(fns: Sequence[Callable[[], T]], name: str) -> list[Background[T]]:
    """`fns` computed one after another, in order, in one daemon thread started now."""
    jobs = [Background(fn, start=False) for fn in fns]
    if jobs:
        threading.Thread(target=_run_all, args=(jobs,), name=name, daemon=True).start()
    return jobs


def _run_all(jobs: list[Background[T]]) -> None:
    for job in jobs:
        job.run()
