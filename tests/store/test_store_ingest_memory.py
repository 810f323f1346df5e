"""Batches written inside one file's transaction are not kept alive until its commit."""

from __future__ import annotations

import gc
from pathlib import Path

import numpy as np
import pyarrow as pa

from oiltrail.ais.decoded import Decoded
from oiltrail.ais.schema import POSITIONS, QUARANTINE, STATIC
from oiltrail.store import open_store
from oiltrail.store.writes import FileWrites, insert_batch

BATCH_ROWS = 20_000
BATCHES = 12
BASE_US = 1_767_571_200_000_000


def batch(i: int) -> Decoded:
    """Positions one second apart, later than every earlier batch (no anti-join needed)."""
    ts_us = BASE_US + (i * BATCH_ROWS + np.arange(BATCH_ROWS, dtype=np.int64)) * 1_000_000
    positions = pa.table(
        {
            "mmsi": pa.array(np.full(BATCH_ROWS, 440_123_456), pa.uint32()),
            "ts": pa.array(ts_us, pa.timestamp("us")),
            "lat": pa.array(np.linspace(33, 38, BATCH_ROWS)),
            "lon": pa.array(np.linspace(124, 130, BATCH_ROWS)),
            "sog": pa.array(np.full(BATCH_ROWS, 10.0), pa.float32()),
            "cog": pa.array(np.full(BATCH_ROWS, 90.0), pa.float32()),
            "heading": pa.array(np.full(BATCH_ROWS, 90), pa.uint16()),
            "nav_status": pa.array(np.zeros(BATCH_ROWS), pa.uint8()),
            "source": pa.array(["x.nmea"] * BATCH_ROWS, pa.string()),
        },
        schema=POSITIONS,
    )
    quarantine = pa.table(
        {"file": ["x.nmea"], "line": [i], "reason": ["unparseable"], "raw": ["junk " * 50]},
        schema=QUARANTINE,
    )
    return Decoded(positions, STATIC.empty_table(), quarantine)


def test_batches_are_released_before_the_commit(tmp_path: Path) -> None:
    one_batch = batch(0).positions.nbytes
    with open_store(tmp_path / "s.duckdb") as store, store.transaction() as con:
        writes = FileWrites(con)
        gc.collect()
        start = pa.total_allocated_bytes()
        for i in range(BATCHES):
            insert_batch(writes, batch(i), "h")
        gc.collect()
        held = pa.total_allocated_bytes() - start
        rows = con.execute("SELECT count(*) FROM positions").fetchone()
        quarantined = con.execute("SELECT count(*) FROM quarantine").fetchone()
    assert rows == (BATCHES * BATCH_ROWS,)
    assert quarantined == (BATCHES,)
    # A view made by `con.register` held every batch (12 × one_batch) until the commit.
    assert held < 2 * one_batch, f"{held} bytes of Arrow data still held"
