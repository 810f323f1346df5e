"""Ship types: the AIS "type of ship and cargo" code (ITU-R M.1371-5, table 53) as a category.

Every event's `details` names the category of each vessel involved (docs/events.md), and
`oiltrail events --ship-types tanker` keeps to some. Imports only oiltrail.errors.
"""

from __future__ import annotations

from oiltrail.errors import UsageError

UNKNOWN = "unknown"  # a vessel that never reported a type (or only 0, "not available")

# (first code, last code, category); ITU-R M.1371-5 table 53, second digits folded in.
RANGES: tuple[tuple[int, int, str], ...] = (
    (20, 29, "wing_in_ground"),
    (30, 30, "fishing"),
    (31, 32, "tug"),  # towing
    (33, 34, "special"),  # dredging, diving
    (35, 35, "military"),
    (36, 37, "pleasure"),  # sailing, pleasure craft
    (40, 49, "high_speed"),
    (50, 51, "special"),  # pilot, search and rescue
    (52, 52, "tug"),
    (53, 59, "special"),  # port tender, anti-pollution, law enforcement, medical
    (60, 69, "passenger"),
    (70, 79, "cargo"),
    (80, 89, "tanker"),
    (90, 99, "other"),
)
CATEGORIES: tuple[str, ...] = (*dict.fromkeys(c for _, _, c in RANGES), UNKNOWN)


def category(code: int | None) -> str:
    """The category of an AIS ship-type code; `unknown` for None, 0 and codes outside 20-99."""
    if code is None:
        return UNKNOWN
    for lo, hi, name in RANGES:
        if lo <= code <= hi:
            return name
    return UNKNOWN


def category_sql(column: str) -> str:
    """The same mapping as a SQL CASE over an integer column (for the store's queries)."""
    whens = " ".join(f"WHEN {column} BETWEEN {lo} AND {hi} THEN '{c}'" for lo, hi, c in RANGES)
    return f"(CASE {whens} ELSE '{UNKNOWN}' END)"


def parse_ship_types(text: str | None) -> tuple[str, ...] | None:
    """`tanker,cargo` -> ("tanker", "cargo"); None or "" -> None (no filter); else UsageError."""
    if text is None or not text.strip():
        return None
    wanted = tuple(dict.fromkeys(t.strip().lower() for t in text.split(",") if t.strip()))
    bad = [t for t in wanted if t not in CATEGORIES]
    if bad:
        raise UsageError(f"unknown ship type {bad[0]!r}: expected one of {', '.join(CATEGORIES)}")
    return wanted
