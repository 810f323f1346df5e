"""Canonical Arrow columns for positions, static reports and quarantine rows (docs/inputs.md).

Units: `ts` UTC (naive timestamps in the store, always UTC), `lat`/`lon` WGS84 degrees,
`sog` knots, `cog` and `heading` degrees, `length`/`width`/`draught` metres.
"""

from __future__ import annotations

import pyarrow as pa

from oiltrail.records import Event

TS = pa.timestamp("us")

POSITIONS = pa.schema(
    [
        ("mmsi", pa.uint32()),
        ("ts", TS),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("sog", pa.float32()),  # knots; null when not available (102.3 in AIS)
        ("cog", pa.float32()),  # degrees; null when not available (360 in AIS)
        ("heading", pa.uint16()),  # degrees; null when not available (511 in AIS)
        ("nav_status", pa.uint8()),
        ("source", pa.string()),  # file name the row came from
    ]
)

STATIC = pa.schema(
    [
        ("mmsi", pa.uint32()),
        ("ts", TS),
        ("imo", pa.uint32()),
        ("name", pa.string()),
        ("callsign", pa.string()),
        ("ship_type", pa.uint8()),
        ("length", pa.float32()),  # metres (A + B)
        ("width", pa.float32()),  # metres (C + D)
        ("draught", pa.float32()),  # metres
        ("destination", pa.string()),
        ("source", pa.string()),
    ]
)

# The fields a static report carries beyond who (mmsi) and when (ts).
STATIC_FIELDS: tuple[str, ...] = tuple(n for n in STATIC.names if n not in ("mmsi", "ts", "source"))

QUARANTINE = pa.schema(
    [
        ("file", pa.string()),
        ("line", pa.int64()),  # 1-based line (or CSV row) number in the file
        ("reason", pa.string()),  # one of QUARANTINE_REASONS, optionally ":detail"
        ("raw", pa.string()),
    ]
)

# docs/inputs.md: the quarantine reason codes; a finer code may follow after a colon.
QUARANTINE_REASONS = (
    "bad_checksum",
    "truncated",
    "missing_fragment",
    "unknown_type",
    "no_time",
    "out_of_range",
    "invalid_mmsi",
    "future_time",
    "unparseable",
)

# The event export columns, in this order (their home: the Event record).
EVENT_COLUMNS = Event.COLUMNS

# The store's events table (store/catalog.py) without run_id; `details` is JSON text.
EVENTS = pa.schema(
    [
        ("event_id", pa.string()),
        ("kind", pa.string()),
        ("mmsi", pa.uint32()),
        ("other_mmsi", pa.uint32()),
        ("start", TS),
        ("end", TS),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("port", pa.string()),
        ("details", pa.string()),
    ]
)
