"""Positions as day-partitioned Parquet (hive `day=YYYY-MM-DD/`) for distributed engines."""

from __future__ import annotations

import shutil
from pathlib import Path

from oiltrail.store.catalog import Store

POSITION_ORDER = "mmsi, ts"  # each day's file sorted by vessel then time: tracks read in order


def export_positions(store: Store, out_dir: Path) -> Path:
    """Write every position to `out_dir/day=YYYY-MM-DD/*.parquet` and return `out_dir`.

    The folder is replaced as a whole, so a re-export never mixes old and new files. Columns
    are the canonical ones (ais.schema.POSITIONS); `day` comes back as a hive partition column.
    """
    out_dir = Path(out_dir)
    tmp = out_dir.with_name(out_dir.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    # The relation API takes the folder as a value: no path is ever pasted into SQL.
    store.con.sql(
        f"""SELECT *, strftime(ts, '%Y-%m-%d') AS day FROM canonical_positions
        ORDER BY {POSITION_ORDER}"""
    ).write_parquet(tmp.as_posix(), compression="zstd", partition_by=["day"], overwrite=True)
    shutil.rmtree(out_dir, ignore_errors=True)
    tmp.rename(out_dir)
    return out_dir
