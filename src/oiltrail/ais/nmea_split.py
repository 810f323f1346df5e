"""The fields of every line of a block of NMEA, as columns of byte offsets.

The compiled pass that finds them is ais.nmea_kernel (as ais.compiled gives it); the columnar
decode reads from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from oiltrail.ais.compiled import scan
from oiltrail.ais.sixbit import I64, U8
from oiltrail.ais.sources import Block

Bool = npt.NDArray[np.bool_]
PAD = 96  # zero bytes after the block so fixed-offset and payload reads stay inside


@dataclass
class Fields:
    """Field positions of every line of a block (byte offsets into `buf`)."""

    buf: U8
    line_start: I64
    line_end: I64  # without the line end
    ok: Bool  # a well-formed VDM/VDO sentence
    tag_start: I64  # first byte inside the tag block, or -1
    tag_end: I64  # the closing backslash, or -1
    tag_ok: Bool  # no tag block, or one whose `*hh` checksum matches (or that has none)
    sent_start: I64  # '!' or '$'
    seq_end: I64  # comma after the sequence id (the id runs from sent_start + 11)
    payload_start: I64
    payload_end: I64  # the comma before the fill bits
    star: I64
    checksum_ok: Bool
    count: I64  # fragments in the message (the digits are 0 where not ok)
    num: I64  # this fragment's number
    fill: I64  # fill bits after the payload
    own_ts_s: npt.NDArray[np.float64]  # tag block `c:` time, else a NAIS trailer's; NaN if none


def split_block(block: bytes | Block) -> Fields:
    """Locate the fields of every line of `block` (one compiled pass, ais.nmea_kernel)."""
    n = len(block)
    if isinstance(block, Block) and len(block.buf) >= n + PAD and not block.buf[n : n + PAD].any():
        buf = block.buf  # read with its padding (ais.sources.read_blocks)
    else:
        raw = np.frombuffer(block.data if isinstance(block, Block) else block, dtype=np.uint8)
        buf = np.concatenate([raw, np.zeros(PAD, np.uint8)])
    out, own_ts_s = scan(buf, n, np.flatnonzero(buf[:n] == 10))
    ok, tag_ok, checksum_ok = (out[i].astype(bool) for i in (2, 5, 11))
    return Fields(
        buf, out[0], out[1], ok, out[3], out[4], tag_ok, out[6], out[7], out[8], out[9], out[10],
        checksum_ok, out[12], out[13], out[14], own_ts_s,
    )  # fmt: skip
