"""Reported deliveries for the cap table, read through the public record (`oiltrail.record`).

Declarations to the 1718 Committee are kept apart from published estimates of illicit supply;
the rule for a year's declared total lives in `oiltrail.record.PublicRecord.declared`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from oiltrail.record import (
    REPORTED_COLUMNS as COLUMNS,
)
from oiltrail.record import (
    PublicRecord,
    declared_by_year,
    load_record,
    parse_reported,
)

__all__ = [
    "COLUMNS",
    "PublicRecord",
    "declared_by_year",
    "parse_reported",
    "published_estimates",
    "read_reported",
]


def read_reported(path: Path | None = None) -> PublicRecord:
    """The bundled record, or one whose declarations and estimates come from `path`."""
    return load_record(path)


def published_estimates(record: PublicRecord) -> list[dict[str, Any]]:
    """Estimates of illicit supply by others (not declarations), one dict per row."""
    return [
        {
            "year": e.year,
            "period": e.period,
            "by": e.by,
            "about": e.about,
            "route": e.route,
            "barrels": round(e.barrels),
            "bound": e.bound,
            "deliveries": e.deliveries,
            "method": e.method,
            "source": str(e.cite),
        }
        for e in record.estimates
    ]
