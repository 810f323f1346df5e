"""Reference points along the DPRK coast, for "a gap that ends in or near DPRK waters".

The DPRK ports of the ports table are too far apart to stand for the coast (Nampo to Changsan
cape is over 100 km), so headlands and river mouths are added. Coordinates are approximate
(±5 km, read off small-scale charts); they mark the coast, not any legal boundary.
"""

from __future__ import annotations

DPRK_COAST_POINTS: tuple[tuple[str, float, float], ...] = (
    ("Yalu river mouth (Sinuiju)", 39.83, 124.33),
    ("Cholsan peninsula", 39.60, 124.60),
    ("Sonchon coast", 39.55, 124.95),
    ("Taedong river mouth", 38.70, 125.20),
    ("Changsan cape", 38.10, 124.68),
    ("Ongjin", 37.93, 125.36),
    ("Kangryong coast", 37.90, 125.55),
    ("Kosong (Changjon)", 38.72, 128.20),
    ("Tongchon", 38.95, 127.90),
    ("Hamhung bay (Hongwon)", 39.95, 127.95),
    ("Sinpo", 40.03, 128.18),
    ("Tanchon", 40.45, 128.95),
    ("Orang", 41.35, 129.70),
    ("Tumen river mouth", 42.29, 130.70),
)
