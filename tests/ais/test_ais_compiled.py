"""Ingest's kernels compiled ahead of time (ais.compiled, ais.aot_build) are numba's JIT
kernels compiled once more: they must give the same arrays, and a stale build is not used."""

from __future__ import annotations

import importlib.util
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from ais_factory import BASE_S, encode, fleet_lines, position, static5, tag

from oiltrail.ais import aot_build, compiled, nmea_split
from oiltrail.ais.nmea import NmeaReader
from oiltrail.ais.validate import now_us

_BUILDABLE = shutil.which("cc") is not None and importlib.util.find_spec("setuptools") is not None
aot = compiled.load_aot()


def _jit(name: str) -> Callable[..., Any]:
    module, fn, _ = aot_build.SIGNATURES[name]
    return getattr(importlib.import_module(f"oiltrail.ais.{module}"), fn)  # type: ignore[no-any-return]


def _lines() -> bytes:
    """Valid traffic, and lines damaged in every way a byte can be (seeded)."""
    good = [
        *fleet_lines(400, vessels=30),
        *(tag(s, c=BASE_S + 60) for s in encode(static5(445000001, 9074729, "ALPHA"), 3)),
        tag(encode(position(445000002, 39.0, 125.0, msg_type=18))[0], c=BASE_S + 61),
        encode(position(445000003, 39.5, 125.5))[0] + ",1767571262",
    ]
    rng = random.Random(7)
    out = []
    for line in good:
        raw = bytearray(line.encode())
        if rng.random() < 0.3:
            at = rng.randrange(len(raw))
            raw[at : at + rng.randrange(1, 4)] = bytes([rng.choice(b"\\!,*0A@w\x00\xff")])
        out.append(bytes(raw))
    return b"\n".join(out) + b"\n"


def _calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[tuple[Any, ...]]]:
    """Decode `_lines()`, recording the arguments each kernel is called with."""
    seen: dict[str, list[tuple[Any, ...]]] = {n: [] for n in aot_build.SIGNATURES}

    def recording(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any) -> Any:
            seen[name].append(tuple(np.copy(a) if isinstance(a, np.ndarray) else a for a in args))
            return fn(*args)

        return call

    monkeypatch.setattr(nmea_split, "scan", recording("scan", compiled.scan))
    for name in ("classify", "positions", "statics"):
        monkeypatch.setattr(compiled, name, recording(name, getattr(compiled, name)))
    reader = NmeaReader("t.nmea", None, now_us())
    reader.batch(_lines())
    reader.finish()
    rng = random.Random(3)
    h = np.unique(np.array([rng.getrandbits(64) for _ in range(5000)], np.uint64))
    seen["has_repeat"] = [(h,), (np.concatenate([h, h[:1]]),), (h[:0],)]
    return seen


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    return bool(a == b)


@pytest.mark.skipif(not _BUILDABLE, reason="no C compiler or setuptools: no ahead-of-time build")
def test_make_setup_built_the_ahead_of_time_kernels_and_ingest_uses_them() -> None:
    assert aot is not None, "run `make setup` (python -m oiltrail.ais.aot_build)"
    assert compiled.BACKEND == "aot"


@pytest.mark.skipif(aot is None, reason="ahead-of-time kernels not built (make setup)")
def test_ahead_of_time_and_jit_kernels_give_the_same_arrays(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _calls(monkeypatch)
    assert all(calls.values())  # every kernel ran on the sample
    for name, arg_lists in calls.items():
        jit = _jit(name)
        for args in arg_lists:
            assert _same(getattr(aot, name)(*args), jit(*args)), name
    unique, repeated, _ = (args[0] for args in calls["has_repeat"])
    assert aot.has_repeat(repeated) and not aot.has_repeat(unique)


def test_the_wrappers_take_other_array_types() -> None:
    h = np.array([5, 9, 5], np.int32)[::-1]  # neither uint64 nor contiguous
    assert bool(compiled.has_repeat(h)) and not bool(compiled.has_repeat(h[:2]))
    frozen = np.frombuffer(
        b"!AIVDM,1,1,,A,15M67FC000G?ufbE`FepT@3n00Sa,0*5F\n" + bytes(96), np.uint8
    )
    got = compiled.scan(frozen, 51, np.array([50], np.int32))  # a read-only buffer
    assert bool(got[0][2][0])  # its first line: a well-formed sentence
    assert _same(got, _jit("scan")(frozen.copy(), 51, np.array([50], np.int64)))


def test_a_stamp_that_is_not_the_sources_is_not_used(tmp_path: Path) -> None:
    stale = tmp_path / "stale.stamp"
    stale.write_text("0" * 64 + "\n", encoding="ascii")
    assert compiled.load_aot(stale) is None
    assert compiled.load_aot(tmp_path / "missing.stamp") is None
    assert len(aot_build.source_stamp()) == 64


def test_nmea_ingest_imports_no_numba_when_the_kernels_are_built(tmp_path: Path) -> None:
    if aot is None:
        pytest.skip("ahead-of-time kernels not built (make setup)")
    nmea = tmp_path / "a.nmea"
    nmea.write_bytes(b"!AIVDM,1,1,,A,15M67FC000G?ufbE`FepT@3n00Sa,0*5F\n")
    argv = ["oiltrail", "ingest", "--db", str(tmp_path / "s.duckdb"), str(nmea)]
    argv += ["--base-time", "2026-01-05T00:00:00Z"]
    code = (
        f"import sys\nfrom oiltrail.cli import app\nsys.argv = {argv!r}\n"
        "try:\n    app()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "print('MODULES', ' '.join(sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    mods = set(out.rpartition("MODULES ")[2].split())
    assert "oiltrail.ais.compiled" in mods and "oiltrail.ais._kernels_aot" in mods
    assert "numba" not in mods and "rigour" not in mods
