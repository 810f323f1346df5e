"""Whether any two hashes of a batch's key are equal (store.writes.maybe_repeats), compiled."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from oiltrail.ais.nmea_kernel import njit


@njit
def has_repeat(h: npt.NDArray[np.uint64]) -> bool:
    """True when two values of `h` are equal: an open-addressing set (a sort took 4× longer)."""
    size = 16
    while size < 2 * len(h):
        size *= 2
    table = np.zeros(size, np.uint64)
    full = np.zeros(size, np.bool_)
    mask = np.uint64(size - 1)
    for v in h:
        i = (v ^ (v >> np.uint64(29))) & mask
        while full[i]:
            if table[i] == v:
                return True
            i = (i + np.uint64(1)) & mask
        table[i] = v
        full[i] = True
    return False
