"""Compile ingest's kernels ahead of time: `python -m oiltrail.ais.aot_build` (`make setup`).

Two things, so that no ingest compiles anything (ais.compiled says which one it uses):
1. numba's JIT cache: each kernel compiled for the types ingest passes (the fallback).
2. The extension module `oiltrail/ais/_kernels_aot*.so` (numba.pycc, which needs setuptools
   and a C compiler) and its stamp, the sha256 of the kernels' sources. The old stamp is
   removed first, so a failed build leaves the JIT kernels in use, never a stale module.

numba.pycc is deprecated (numba says it will be replaced); when it is gone or fails, the
build says so in one line and ingest keeps numba's JIT kernels: slower to start, same rows.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
AOT_NAME = "_kernels_aot"
STAMP = HERE / f"{AOT_NAME}.stamp"
# Every file whose code is compiled into the module (kernels, their helpers and constants).
SOURCES = ("nmea_kernel.py", "payload_kernel.py", "repeat_kernel.py", "sixbit.py")
U8, I64 = "uint8[::1]", "int64[::1]"
# Exported name → (its module in oiltrail.ais, the function, its signature).
SIGNATURES = {
    "scan": ("nmea_kernel", "scan", f"Tuple((int64[:, ::1], float64[::1]))({U8}, int64, {I64})"),
    "classify": (
        "payload_kernel", "classify", f"UniTuple(int64[::1], 4)({U8}, {I64}, {I64}, {I64})",
    ),
    "positions": (
        "payload_kernel", "positions",
        "Tuple((int64[::1], float64[::1], float64[::1], float64[::1], float64[::1], int64[::1],"
        f" int64[::1]))({U8}, {I64}, {I64}, {I64}, {I64})",
    ),
    "statics": (
        "payload_kernel", "statics",
        "Tuple((int64[:, ::1], float64[:, ::1], uint8[:, ::1], int32[:, ::1]))"
        f"({U8}, {I64}, {I64}, {I64}, {I64})",
    ),
    "has_repeat": ("repeat_kernel", "has_repeat", "boolean(uint64[::1])"),
}  # fmt: skip


def source_stamp() -> str:
    """The sha256 of the kernels' sources as they are now."""
    digest = hashlib.sha256()
    for name in SOURCES:
        digest.update((HERE / name).read_bytes())
    return digest.hexdigest()


def _kernels() -> dict[str, Any]:
    return {
        name: getattr(importlib.import_module(f"oiltrail.ais.{module}"), fn)
        for name, (module, fn, _) in SIGNATURES.items()
    }


def fill_jit_cache() -> None:
    """Compile every kernel with numba's JIT for its signature (into numba's cache)."""
    for name, dispatcher in _kernels().items():
        dispatcher.compile(SIGNATURES[name][2])


def build_aot() -> str:
    """Build the extension module and its stamp; return what was done, in one line."""
    STAMP.unlink(missing_ok=True)
    stamp = source_stamp()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pycc's deprecation notice
            pycc: Any = importlib.import_module("numba.pycc")
            pycc_compiler: Any = importlib.import_module("numba.pycc.compiler")
    except ImportError as exc:
        return f"ahead-of-time kernels not built ({exc}): ingest uses numba's JIT kernels"

    class _ReleaseGil(pycc_compiler.Flags):  # type: ignore[misc]
        """pycc's flags, with the GIL released inside each kernel (as njit(nogil=True))."""

        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)
            self.release_gil = True

    pycc_compiler.Flags = _ReleaseGil
    cc = pycc.CC(AOT_NAME)
    cc.verbose = False
    for name, fn in _kernels().items():
        cc.export(name, SIGNATURES[name][2])(fn.py_func)
    with tempfile.TemporaryDirectory(dir=HERE) as tmp:  # same file system: os.replace
        cc.output_dir = tmp
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cc.compile()
        except Exception as exc:  # no C compiler, a numba without pycc: keep the JIT
            text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            return f"ahead-of-time kernels not built ({text}): ingest uses numba's JIT kernels"
        (built,) = Path(tmp).glob(f"{AOT_NAME}*")
        # A rename, not a copy over it: a process that has the old module loaded keeps it.
        os.replace(built, HERE / built.name)
    STAMP.write_text(stamp + "\n", encoding="ascii")
    return f"ahead-of-time kernels built: {HERE / built.name} ({len(SIGNATURES)} kernels)"


def main() -> int:
    fill_jit_cache()
    print(build_aot())
    return 0


if __name__ == "__main__":
    sys.exit(main())
