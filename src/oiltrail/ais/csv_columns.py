"""The columns of AIS CSV files: each format's names for the canonical columns.

Apart from the reader (ais.csv_formats) so that recognising a file (ais.detect_format) does
not import polars: an NMEA ingest never needs it.
"""

from __future__ import annotations

CSV_FORMATS = ("marinecadastre", "dma", "csv")
REQUIRED = ("mmsi", "ts", "lat", "lon")

# Canonical column ← source column, per format.
MARINECADASTRE = {
    "mmsi": "MMSI", "ts": "BaseDateTime", "lat": "LAT", "lon": "LON", "sog": "SOG",
    "cog": "COG", "heading": "Heading", "nav_status": "Status", "name": "VesselName",
    "imo": "IMO", "callsign": "CallSign", "ship_type": "VesselType", "length": "Length",
    "width": "Width", "draught": "Draft",
}  # fmt: skip
DMA = {
    "ts": "# Timestamp", "mmsi": "MMSI", "lat": "Latitude", "lon": "Longitude",
    "nav_status": "Navigational status", "sog": "SOG", "cog": "COG", "heading": "Heading",
    "imo": "IMO", "callsign": "Callsign", "name": "Name", "ship_type": "Ship type",
    "width": "Width", "length": "Length", "draught": "Draught", "destination": "Destination",
}  # fmt: skip
# Other AIS CSV (format `csv`): a column is found by any of these names (case-insensitive,
# first match wins), as NOAA, DMA, NARI (Brest), Spire and movingpandas' samples spell them.
ALIASES = {
    "mmsi": ("mmsi", "sourcemmsi", "userid"),
    "ts": ("basedatetime", "# timestamp", "timestamp", "time", "datetime", "ts", "t"),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "long", "longitude", "lng"),
    "sog": ("sog", "speedoverground", "speed_over_ground"),
    "cog": ("cog", "courseoverground", "course_over_ground"),
    "heading": ("heading", "trueheading", "true_heading"),
    "nav_status": ("status", "navstatus", "navigational status", "navigationalstatus",
                   "navigational_status"),
    "name": ("vesselname", "vessel_name", "name", "shipname", "ship_name"),
    "imo": ("imo",),
    "callsign": ("callsign", "call_sign"),
    "ship_type": ("vesseltype", "ship type", "shiptype", "ship_type"),
    "length": ("length",),
    "width": ("width",),
    "draught": ("draught", "draft"),
    "destination": ("destination",),
}  # fmt: skip


def normalise_header(name: str) -> str:
    return name.strip().strip('"').lstrip("\ufeff").strip().lower()


def column_map(fmt: str, header: list[str]) -> dict[str, str]:
    """Canonical name → the file's own spelling of that column (case-insensitive)."""
    by_norm = {normalise_header(h): h for h in reversed(header)}  # the first of equal names
    if fmt == "csv":
        found = {
            c: next((by_norm[a] for a in names if a in by_norm), None)
            for c, names in ALIASES.items()
        }
        return {c: h for c, h in found.items() if h is not None}
    wanted = MARINECADASTRE if fmt == "marinecadastre" else DMA
    out = {}
    for canon, col in wanted.items():
        norm = col.lower()
        if norm == "# timestamp" and norm not in by_norm:
            norm = "timestamp"
        if norm in by_norm:
            out[canon] = by_norm[norm]
    return out
