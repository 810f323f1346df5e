"""Arrow <-> Spark type plumbing for the Spark engine: no detector logic here.

Spark has no unsigned integers, so a `uint32` MMSI travels as `bigint` and is cast back to the
canonical type before a kernel sees it; kernel output is widened the same way on its way out.
"""

from __future__ import annotations

import pyarrow as pa

_WIDER: dict[pa.DataType, pa.DataType] = {
    pa.uint8(): pa.int16(),
    pa.uint16(): pa.int32(),
    pa.uint32(): pa.int64(),
    pa.uint64(): pa.int64(),
}
_DDL: dict[pa.DataType, str] = {
    pa.int16(): "smallint",
    pa.int32(): "int",
    pa.int64(): "bigint",
    pa.float32(): "float",
    pa.float64(): "double",
    pa.string(): "string",
    pa.bool_(): "boolean",
    pa.timestamp("us"): "timestamp_ntz",
    pa.date32(): "date",
}


def spark_arrow_schema(schema: pa.Schema) -> pa.Schema:
    """`schema` with unsigned integers widened to the signed types Spark can hold."""
    return pa.schema([pa.field(f.name, _WIDER.get(f.type, f.type)) for f in schema])


def spark_ddl(schema: pa.Schema) -> str:
    """A Spark DDL string (`mmsi bigint, ...`) for an Arrow schema."""
    wide = spark_arrow_schema(schema)
    return ", ".join(f"`{f.name}` {_DDL[f.type]}" for f in wide)


def to_spark(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """A kernel's output (in `schema`) in the widened types Spark declared for it."""
    return table.select(schema.names).cast(spark_arrow_schema(schema))


def _naive_utc(column: pa.ChunkedArray) -> pa.ChunkedArray:
    kind = column.type
    if pa.types.is_timestamp(kind) and kind.tz is not None:
        return column.cast(pa.timestamp(kind.unit, tz="UTC")).cast(pa.timestamp(kind.unit))
    return column


def from_spark(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """Columns of `schema` present in `table`, cast back to their canonical types."""
    names = [n for n in schema.names if n in table.column_names]
    columns = [_naive_utc(table.column(n)).cast(schema.field(n).type) for n in names]
    return pa.table(columns, schema=pa.schema([schema.field(n) for n in names]))
