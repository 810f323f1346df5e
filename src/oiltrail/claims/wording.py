"""Thresholds and phrasing shared by the claim judges (all suppliers and one supplier).

A leaf of the claims area: `evidence` and `supplier` both read it, neither imports the other
back for it.
"""

from __future__ import annotations

import re
from typing import Any

# "Negligible" and its kin: we read them as at most a tenth of the annual cap (our choice; the
# words have no legal threshold).
NEGLIGIBLE_SHARE_OF_CAP = 0.10
# A stated quantity matches the evidence when the ranges overlap within this tolerance, which
# covers the tonnes-to-barrels factor (7.46 to 8.33 bbl/t across sources).
QUANTITY_TOLERANCE = 0.20
REPORTED_CUES = re.compile(r"\b(?:report\w*|declar\w*|notif\w*|official(?:ly)?|committee)\b", re.I)
CAP_SOURCE = "UNSCR 2397 OP5"


def bbl(x: float) -> str:
    return f"{x:,.0f} bbl"


def ais_label(simulated: bool) -> str:
    """How oiltrail's own AIS-derived figures are named in a reason."""
    return "oiltrail AIS estimate from SIMULATED data" if simulated else "oiltrail AIS estimate"


def factor_text(q: dict[str, Any]) -> str:
    """ " at 7.46 bbl per tonne" for a converted quantity, "" for barrels."""
    if q.get("unit") == "barrels":
        return ""
    return f" at {float(q['barrels_factor']):g} bbl per {str(q['unit']).rstrip('s')}"
