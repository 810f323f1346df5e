"""A sample of benchmarks/fuzz.py's million inputs (every reader), seeds drawn by hypothesis:
no traceback and every line accounted for (the fuzz module says what that means per reader)."""

from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.fuzz import READERS, run


@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**31))
def test_every_reader_on_a_fuzz_sample(seed: int) -> None:
    tallies = run(scale=0.002, seed=seed)
    assert [t.reader for t in tallies] == list(READERS)
    assert all(t.inputs > 0 for t in tallies)
    failures = [e for t in tallies for e in t.examples]
    assert not failures, failures[0]
