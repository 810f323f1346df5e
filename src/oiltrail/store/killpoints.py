"""A test hook at the store's progress points: kill this process there (SIGKILL), on request.

`OILTRAIL_TEST_KILL_AT=ingest:7` kills the process the 7th time an ingest reaches a progress
point (a batch written inside its transaction, the manifest row); `detect:N` and `lists:N`
likewise; `ingest:7:INT` sends SIGINT (Ctrl-C) instead. The kill tests
(tests/store/test_store_kill_points.py) choose their points by progress this way, not by
sleeping. Unset (always, outside those tests), `reached` is one
dictionary lookup.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

KILL_ENV = "OILTRAIL_TEST_KILL_AT"
_where, _, _rest = os.environ.get(KILL_ENV, "").partition(":")
_nth, _, _sig = _rest.partition(":")
_KILL_AT = (_where, int(_nth)) if _where and _nth.isdigit() else None
_SIGNAL = signal.SIGINT if _sig == "INT" else signal.SIGKILL
_reached: Counter[str] = Counter()


def reached(point: str) -> None:
    """Count a progress point of `point` (ingest, detect, lists); kill here if asked to."""
    if _KILL_AT is None or _KILL_AT[0] != point:
        return
    _reached[point] += 1
    if _reached[point] == _KILL_AT[1]:
        os.kill(os.getpid(), _SIGNAL)
