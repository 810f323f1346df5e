"""Armoured AIS payloads of many messages, as byte ranges of one buffer (decoded by
ais.payload_kernel)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

U8 = npt.NDArray[np.uint8]
I64 = npt.NDArray[np.int64]

# A payload's problem (ais.payload_kernel.classify), in the order a later check overrides an
# earlier one; here, not beside the kernel, so that reading them needs no numba.
OK, UNKNOWN_TYPE, UNKNOWN_24_PART, TRUNCATED, BAD_PAYLOAD, EMPTY = range(6)
REASONS = (
    "", "unknown_type", "unknown_type:24_part", "truncated", "unparseable:payload",
    "truncated:empty_payload",
)  # fmt: skip


@dataclass(frozen=True)
class Payloads:
    """Payload i is data[starts[i] : starts[i] + n_chars[i]], with `fill` fill bits."""

    data: U8
    starts: I64
    n_chars: I64
    fill: I64

    @classmethod
    def of(cls, data: U8, starts: I64, ends: I64, fill_bits: I64) -> Payloads:
        return cls(data, starts, ends - starts, fill_bits)

    def __len__(self) -> int:
        return len(self.starts)
