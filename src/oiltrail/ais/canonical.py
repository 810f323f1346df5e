"""Read Parquet files already in the canonical schema (positions or static), in batches."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from typing import BinaryIO

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from oiltrail.ais.decoded import Decoded, Quarantine, split_valid
from oiltrail.ais.schema import POSITIONS, STATIC
from oiltrail.errors import InputFormatError

POSITION_COLUMNS = ("mmsi", "ts", "lat", "lon")
STATIC_COLUMNS = ("mmsi", "ts", "imo", "name")


def _fill(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """Add missing optional columns as nulls; keep only the canonical ones (+ line, row)."""
    cols = {}
    for f in schema:
        if f.name == "source":
            continue
        if f.name in table.column_names:
            cols[f.name] = table[f.name]
        else:
            cols[f.name] = pa.nulls(table.num_rows, f.type)
    cols["line"], cols["row"] = table["line"], table["row"]
    return pa.table(cols)


def _as_text(column: pa.ChunkedArray) -> list[str]:
    try:
        values = pc.cast(column, pa.string()).to_pylist()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        values = [str(v) for v in pc.cast(column, pa.int64(), safe=False).to_pylist()]
    return ["" if v is None else str(v) for v in values]


def _kind_of(t: pa.DataType) -> str:
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
        return "number"
    if pa.types.is_timestamp(t) or pa.types.is_date(t):
        return "time"
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "text"
    if pa.types.is_null(t):
        return "null"
    return str(t)


def _check_types(name: str, schema: pa.Schema, canonical: pa.Schema) -> None:
    """A canonical column of another kind (text where a number belongs) is the file's schema at
    fault, not a row's: one line naming the column, before anything is read."""
    for f in canonical:
        if f.name == "source" or f.name not in schema.names:
            continue
        want, got = _kind_of(f.type), _kind_of(schema.field(f.name).type)
        if got not in (want, "null") and not (want == "number" and got == "number"):
            raise InputFormatError(
                f"{name}: Parquet column {f.name!r} is {schema.field(f.name).type}, expected "
                f"{'a number' if want == 'number' else want} (canonical type {f.type})"
            )


class ParquetReader:
    """Positions (has lat/lon) or static reports (has imo/name) in the canonical columns."""

    def __init__(self, name: str, now: int, batch_rows: int) -> None:
        self.name, self.now, self.batch_rows = name, now, batch_rows

    def batches(self, stream: BinaryIO) -> Iterator[Decoded]:
        with tempfile.TemporaryFile() as spool:
            source: BinaryIO = stream
            if not stream.seekable():  # .gz/.zst/.zip members: spool to disk, not memory
                shutil.copyfileobj(stream, spool, 1 << 20)
                spool.seek(0)
                source = spool
            try:
                pf = pq.ParquetFile(source)
            except (pa.ArrowInvalid, OSError) as exc:
                raise InputFormatError(f"{self.name}: unreadable Parquet ({exc})") from exc
            names = set(pf.schema_arrow.names)
            if set(POSITION_COLUMNS) <= names:
                kind = "positions"
            elif set(STATIC_COLUMNS) <= names:
                kind = "static"
            else:
                raise InputFormatError(
                    f"{self.name}: Parquet without the canonical columns "
                    f"({', '.join(POSITION_COLUMNS)} or {', '.join(STATIC_COLUMNS)})"
                )
            _check_types(self.name, pf.schema_arrow, POSITIONS if kind == "positions" else STATIC)
            first = 1
            batches = pf.iter_batches(batch_size=self.batch_rows)
            while True:
                try:
                    batch = next(batches, None)
                except (OSError, pa.ArrowException) as exc:  # a damaged page or column chunk
                    raise InputFormatError(f"{self.name}: unreadable Parquet ({exc})") from exc
                if batch is None:
                    return
                yield self._decode(pa.Table.from_batches([batch]), kind, first)
                first += batch.num_rows

    def _decode(self, table: pa.Table, kind: str, first: int) -> Decoded:
        n = table.num_rows
        table = table.append_column("line", pa.array(range(first, first + n), pa.int64()))
        table = table.append_column("row", pa.array(range(n), pa.int64()))
        q = Quarantine(self.name)

        def raw_of(rows: npt.NDArray[np.int64]) -> list[str]:
            """`name=value, …` per row; values as Arrow prints them (a time beyond Python's
            datetime range, which is why a row is bad, must not raise here)."""
            picked = table.take(pa.array(rows)).drop_columns(["line", "row"])
            texts = [_as_text(picked[c]) for c in picked.column_names]
            return [
                ", ".join(f"{c}={t[i]}" for c, t in zip(picked.column_names, texts, strict=True))
                for i in range(picked.num_rows)
            ]

        if kind == "positions":
            pos = _fill(table, POSITIONS)
            empty = STATIC.empty_table().append_column("line", pa.array([], pa.int64()))
            good_pos, good_st, bad_imo = split_valid(
                pos, empty.append_column("row", pa.array([], pa.int64())), raw_of, q, self.now
            )
        else:
            st = _fill(table, STATIC)
            st = st.set_column(
                st.schema.get_field_index("ts"), "ts", pc.cast(st["ts"], pa.timestamp("us"))
            )
            empty = POSITIONS.empty_table()
            good_pos, good_st, bad_imo = split_valid(empty, st, raw_of, q, self.now)
        return Decoded(good_pos, good_st, q.table(), invalid_imo=bad_imo)
