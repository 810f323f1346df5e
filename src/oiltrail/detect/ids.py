"""The events schema every kernel returns, and stable event ids (team contract)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pyarrow as pa

from oiltrail.ais.schema import EVENTS


def iso(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def event_id(kind: str, mmsi: int, other_mmsi: int | None, start: datetime) -> str:
    """First 16 hex chars of sha256 of `kind|mmsi|other_mmsi|start_iso` (pair ordered ascending)."""
    a, b = mmsi, other_mmsi
    if b is not None and b < a:
        a, b = b, a
    key = f"{kind}|{a}|{'' if b is None else b}|{iso(start)}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return None if value != value or value in (float("inf"), float("-inf")) else round(value, 3)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item"):  # numpy scalar
        return _clean(value.item())
    return value


def make_events(rows: Sequence[dict[str, Any]]) -> pa.Table:
    """Rows with kind, mmsi, other_mmsi, start, end, lat, lon, port, details (dict) -> EVENTS."""
    cols: dict[str, list[Any]] = {name: [] for name in EVENTS.names}
    for r in rows:
        other = r.get("other_mmsi")
        mmsi = int(r["mmsi"])
        if other is not None:
            other = int(other)
            mmsi, other = min(mmsi, other), max(mmsi, other)
        start: datetime = r["start"]
        cols["event_id"].append(event_id(r["kind"], mmsi, other, start))
        cols["kind"].append(r["kind"])
        cols["mmsi"].append(mmsi)
        cols["other_mmsi"].append(other)
        cols["start"].append(start)
        cols["end"].append(r["end"])
        lat, lon = r.get("lat"), r.get("lon")
        cols["lat"].append(None if lat is None or lat != lat else float(lat))
        cols["lon"].append(None if lon is None or lon != lon else float(lon))
        cols["port"].append(r.get("port"))
        cols["details"].append(json.dumps(_clean(r.get("details", {})), sort_keys=True))
    return pa.table(cols, schema=EVENTS)


def empty_events() -> pa.Table:
    return EVENTS.empty_table()
