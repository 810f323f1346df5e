"""Query parameters shared by the routes: bounding boxes, time ranges, pages (docs/serve.md)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from oiltrail.errors import OiltrailError

MAX_LIMIT = 5000
MAX_SPAN = timedelta(days=366 * 20)  # a time range longer than twenty years is refused
EARLIEST = datetime(1990, 1, 1)  # AIS began in the 2000s: earlier times are a typo
LATEST = datetime(2100, 1, 1)


class BadParameter(OiltrailError):
    """A query parameter that parses but makes no sense (bbox, time range)."""

    http_status = 422


@dataclass(frozen=True)
class BBox:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    @property
    def width(self) -> float:
        return self.max_lon - self.min_lon


def parse_bbox(text: str | None) -> BBox | None:
    """`min_lon,min_lat,max_lon,max_lat` in degrees (the GeoJSON order), or None."""
    if text is None or not text.strip():
        return None
    parts = text.split(",")
    if len(parts) != 4:
        raise BadParameter(f"bbox {text[:80]!r}: expected min_lon,min_lat,max_lon,max_lat")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise BadParameter(f"bbox {text[:80]!r}: four numbers expected") from None
    if not all(math.isfinite(v) for v in values):
        raise BadParameter("bbox: numbers must be finite")
    box = BBox(*values)
    if not (-180 <= box.min_lon <= 180 and -180 <= box.max_lon <= 180):
        raise BadParameter("bbox: longitudes must be within -180..180")
    if not (-90 <= box.min_lat <= 90 and -90 <= box.max_lat <= 90):
        raise BadParameter("bbox: latitudes must be within -90..90")
    if box.min_lon > box.max_lon or box.min_lat > box.max_lat:
        raise BadParameter("bbox: min must not exceed max (a box across 180° is not supported)")
    return box


def parse_time(text: str | None, name: str) -> datetime | None:
    """An ISO 8601 date or time (UTC if no offset), as naive UTC, or None."""
    if text is None or not text.strip():
        return None
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise BadParameter(f"{name} {text[:40]!r} is not an ISO 8601 date or time") from None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    if not EARLIEST <= value <= LATEST:
        raise BadParameter(f"{name} {text[:40]!r} is outside 1990..2100")
    return value


def parse_range(start: str | None, end: str | None) -> tuple[datetime | None, datetime | None]:
    s, e = parse_time(start, "start"), parse_time(end, "end")
    if s is not None and e is not None:
        if e < s:
            raise BadParameter("end is before start")
        if e - s > MAX_SPAN:
            raise BadParameter("time range longer than twenty years")
    return s, e
