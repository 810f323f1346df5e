"""A command's start, kept short: modules that libraries import only to look at them, hidden.

Every command pays its imports before it does anything (docs/performance.md). Three libraries
import big modules merely to check for them: pyarrow and DuckDB import pandas (0.2 s) to ask
whether a value is a pandas object, and numba imports scipy.linalg (0.2 s) to see whether
BLAS is there. A command that never makes a pandas object, or a kernel that does no linear
algebra, runs with them hidden: inside `hidden(...)`, importing them raises
ModuleNotFoundError, which those libraries take as "not installed". Outside, they import as
usual (pyarrow and DuckDB ask again when pandas itself is wanted). Every command runs with
pandas hidden (cli.py); the Spark engine lifts it (`allow`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager


class _Hide:
    """A module finder for which `names` (and their submodules) are not installed."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names

    def find_spec(self, name: str, *_: object) -> None:
        if any(name == n or name.startswith(n + ".") for n in self.names):
            raise ModuleNotFoundError(f"{name} is hidden while oiltrail starts", name=name)


@contextmanager
def hidden(*names: str) -> Iterator[None]:
    """Inside, `import NAME` fails for each of `names` not imported already (for all threads:
    use it where oiltrail's own threads are the only ones)."""
    absent = tuple(n for n in names if n not in sys.modules)
    if not absent:
        yield
        return
    finder = _Hide(absent)
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        if finder in sys.meta_path:
            sys.meta_path.remove(finder)


def allow(*names: str) -> None:
    """Lift `hidden` for `names` from here on: for code that does use them (pyspark, which
    hands pandas objects between the JVM and Python)."""
    for finder in [f for f in sys.meta_path if isinstance(f, _Hide)]:
        finder.names = tuple(n for n in finder.names if n not in names)
