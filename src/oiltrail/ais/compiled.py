"""The compiled kernels an ingest calls: built ahead of time by `make setup`, else numba's JIT.

An ingest used to pay for numba on every run before decoding a line: importing it (0.15 s)
and loading each kernel's machine code from numba's cache (0.17 s), a third of a small
file's ingest. `make setup` (`python -m oiltrail.ais.aot_build`) compiles the same Python
functions, ais.nmea_kernel.scan, ais.payload_kernel.classify / positions / statics and
ais.repeat_kernel.has_repeat, into one extension module beside this file with numba.pycc,
and writes a stamp: the sha256 of the kernels' source files. This module gives that
module's functions when it is there and its stamp is that of the sources as they are now;
otherwise (not built, no C compiler, a kernel edited since) numba's JIT functions, as
before. Both are the same code compiled twice, and a test checks that they agree.

The ahead-of-time functions take one type per argument (C-contiguous int64 and uint8
arrays, as every caller passes them); the wrappers here convert anything else, so a caller
never meets a signature error. Like the JIT kernels (nogil), they release the GIL.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from oiltrail.ais.aot_build import AOT_NAME, STAMP, source_stamp


def load_aot(stamp: Path = STAMP) -> ModuleType | None:
    """The ahead-of-time module, or None when it is missing or older than the sources."""
    try:
        if stamp.read_text(encoding="ascii").strip() != source_stamp():
            return None
        return importlib.import_module(f"oiltrail.ais.{AOT_NAME}")
    except (OSError, ImportError):
        return None


def _arr(a: Any, dtype: type[np.generic]) -> Any:
    """`a` as the C-contiguous, writable array of `dtype` the compiled signature takes (the
    same array when it already is one)."""
    out = np.ascontiguousarray(a, dtype=dtype)
    return out if out.flags.writeable else out.copy()


_AOT = load_aot()
BACKEND = "aot" if _AOT is not None else "numba"

if _AOT is not None:
    _k = _AOT
    I64, U8 = np.int64, np.uint8

    def scan(buf: Any, n_raw: int, newlines: Any) -> Any:
        return _k.scan(_arr(buf, U8), int(n_raw), _arr(newlines, I64))

    def classify(data: Any, starts: Any, n_chars: Any, fill: Any) -> Any:
        return _k.classify(_arr(data, U8), _arr(starts, I64), _arr(n_chars, I64), _arr(fill, I64))

    def positions(data: Any, starts: Any, n_chars: Any, rows: Any, kinds: Any) -> Any:
        args = (_arr(starts, I64), _arr(n_chars, I64), _arr(rows, I64), _arr(kinds, I64))
        return _k.positions(_arr(data, U8), *args)

    def statics(data: Any, starts: Any, n_chars: Any, rows: Any, kinds: Any) -> Any:
        args = (_arr(starts, I64), _arr(n_chars, I64), _arr(rows, I64), _arr(kinds, I64))
        return _k.statics(_arr(data, U8), *args)

    def has_repeat(h: Any) -> bool:
        return bool(_k.has_repeat(_arr(h, np.uint64)))

else:  # numba's JIT kernels, from its cache (imports numba)
    from oiltrail.ais.nmea_kernel import scan
    from oiltrail.ais.payload_kernel import (
        classify,
        positions,
        statics,
    )
    from oiltrail.ais.repeat_kernel import has_repeat

__all__ = ["BACKEND", "classify", "has_repeat", "positions", "scan", "statics"]
