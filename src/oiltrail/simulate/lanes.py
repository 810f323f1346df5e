"""Hand-made sea lanes around Korea: water waypoints, edges, and port approach gates.

Waypoints were placed by hand on open water (checked against charts of the Sea of Japan,
Korea Strait, Yellow Sea and East China Sea) so that legs between them stay at sea: the
route round the peninsula goes through the Korea Strait and south of Jeju.
"""

from __future__ import annotations

import heapq

from oiltrail.geodesy import haversine_m

# name -> (lat, lon), all on open water
WAYPOINTS: dict[str, tuple[float, float]] = {
    "PG": (42.35, 132.40),  # Peter the Great Gulf, outer
    "SJ_N": (41.60, 131.60),
    "SJ_C": (39.50, 131.00),
    "SJ_W": (38.20, 130.00),
    "SJ_S": (36.60, 130.10),
    "KS_N": (35.35, 129.75),  # Korea Strait, north-east entrance
    "KS_W": (34.75, 129.00),  # western channel (Korea - Tsushima)
    "KS_E": (34.00, 129.90),  # eastern channel (Tsushima - Iki); no edge west: Tsushima
    "SK_1": (34.00, 128.30),
    "JJ_E": (33.50, 127.35),  # east of Jeju
    "JJ_S": (32.90, 126.50),  # south of Jeju
    "ECS_N": (32.80, 125.00),
    "ECS_C": (31.50, 124.00),
    "ECS_S": (30.30, 123.20),
    "YS_S": (34.20, 124.30),
    "YS_C": (35.80, 124.20),
    "YS_N": (37.30, 124.20),
    "KB": (38.30, 124.20),  # Korea Bay, west of Changsan cape
    "SD": (37.75, 123.00),  # east of the Shandong peninsula
    "QD": (35.70, 121.00),  # off Qingdao
    "YZ": (31.10, 122.60),  # Yangtze mouth
    "JS_1": (35.30, 131.30),
    "JS_2": (35.90, 134.30),
    "DE": (40.30, 130.60),  # off the DPRK east coast
    # sea spots for ship-to-ship transfers, loitering and decoys (far from every port)
    "SPOT_ECS1": (32.20, 124.40),
    "SPOT_ECS2": (31.00, 123.50),
    "SPOT_YS1": (35.00, 123.70),
    "SPOT_YS2": (36.60, 123.60),
    "SPOT_SJ1": (39.20, 131.80),
    "SPOT_SJ2": (37.80, 131.60),
}

EDGES: tuple[tuple[str, str], ...] = (
    ("PG", "SJ_N"),
    ("SJ_N", "SJ_C"),
    ("SJ_N", "DE"),
    ("DE", "SJ_C"),
    ("DE", "SJ_W"),
    ("SJ_C", "SJ_W"),
    ("SJ_C", "SJ_S"),
    ("SJ_W", "SJ_S"),
    ("SJ_S", "KS_N"),
    ("KS_N", "KS_W"),
    ("KS_N", "KS_E"),
    ("KS_W", "SK_1"),
    ("SK_1", "JJ_E"),
    ("JJ_E", "JJ_S"),
    ("JJ_S", "ECS_N"),
    ("ECS_N", "ECS_C"),
    ("ECS_C", "ECS_S"),
    ("ECS_N", "YS_S"),
    ("ECS_C", "YS_S"),
    ("YS_S", "YS_C"),
    ("YS_C", "YS_N"),
    ("YS_N", "KB"),
    ("YS_N", "SD"),
    ("YS_C", "SD"),
    ("YS_C", "QD"),
    ("YS_S", "QD"),
    ("ECS_C", "YZ"),
    ("ECS_S", "YZ"),
    ("KS_E", "JS_1"),
    ("SJ_S", "JS_1"),
    ("JS_1", "JS_2"),
    ("JS_2", "SJ_C"),
    ("SPOT_ECS1", "ECS_N"),
    ("SPOT_ECS1", "ECS_C"),
    ("SPOT_ECS2", "ECS_C"),
    ("SPOT_ECS2", "ECS_S"),
    ("SPOT_YS1", "YS_S"),
    ("SPOT_YS1", "YS_C"),
    ("SPOT_YS2", "YS_C"),
    ("SPOT_YS2", "YS_N"),
    ("SPOT_SJ1", "SJ_C"),
    ("SPOT_SJ1", "SJ_N"),
    ("SPOT_SJ2", "SJ_C"),
    ("SPOT_SJ2", "SJ_S"),
)

# Port (exact name in data/ports.csv) -> water points from the berth out to a waypoint.
GATES: dict[str, tuple[tuple[tuple[float, float], ...], str]] = {
    "Vostochny (Vostochnyy)": (((42.70, 133.10), (42.55, 133.00)), "PG"),
    "Nakhodka": (((42.72, 132.90), (42.55, 132.85)), "PG"),
    "Vladivostok": (((43.07, 131.95), (42.90, 132.00)), "PG"),
    "Slavyanka": (((42.80, 131.45), (42.65, 131.60)), "PG"),
    "Nampo (Chinnampo)": (((38.68, 125.15), (38.58, 124.85)), "KB"),
    "Chongjin (Ch'ongjin)": (((41.70, 129.95),), "SJ_N"),
    "Wonsan": (((39.20, 127.70), (39.40, 128.30)), "DE"),
    "Pusan": (((35.02, 129.08),), "KS_W"),
    "Ulsan": (((35.42, 129.55),), "KS_N"),
    "Pohang": (((36.05, 129.60),), "SJ_S"),
    "Daesan Hang": (((36.98, 126.10), (36.70, 125.50)), "YS_C"),
    "Kunsan": (((35.95, 126.35), (35.90, 125.70)), "YS_C"),
    "Qingdao Gang": (((35.95, 120.55),), "QD"),
    "Rizhao": (((35.30, 119.90),), "QD"),
    "Lianyungang": (((34.80, 119.80),), "QD"),
    "Dalian": (((38.85, 121.95), (38.40, 122.40)), "SD"),
    "Yantai": (((37.70, 121.55), (37.75, 122.40)), "SD"),
    "Shanghai": (((31.30, 121.75), (31.15, 122.20)), "YZ"),
    "Zhoushan": (((30.10, 122.45),), "ECS_S"),
    "Hakata": (((33.75, 130.20),), "KS_E"),
    "Hamada Ko": (((35.00, 131.95),), "JS_1"),
    "Maizuru Ko": (((35.75, 135.30),), "JS_2"),
}

# Ports the background traffic calls at (all have a gate above).
TRADE_PORTS: tuple[str, ...] = (
    "Vladivostok",
    "Nakhodka",
    "Pusan",
    "Ulsan",
    "Pohang",
    "Daesan Hang",
    "Kunsan",
    "Qingdao Gang",
    "Rizhao",
    "Lianyungang",
    "Dalian",
    "Yantai",
    "Shanghai",
    "Zhoushan",
    "Hakata",
    "Hamada Ko",
    "Maizuru Ko",
)
RU_OIL_PORTS: tuple[str, ...] = ("Vostochny (Vostochnyy)", "Nakhodka", "Slavyanka")
DPRK_PORTS: tuple[str, ...] = ("Nampo (Chinnampo)", "Chongjin (Ch'ongjin)", "Wonsan")
STS_SPOTS: tuple[str, ...] = ("SPOT_ECS1", "SPOT_ECS2", "SPOT_YS1", "SPOT_YS2", "SPOT_SJ1")
LOITER_SPOTS: tuple[str, ...] = ("SPOT_YS1", "SPOT_YS2", "SPOT_SJ2", "SPOT_ECS2")
# Where a dark DPRK tanker reappears: in or near DPRK waters, far from ports (gap ends here).
DPRK_REAPPEAR: dict[str, tuple[float, float]] = {
    "west": (38.30, 124.45),  # Korea Bay, off Changsan cape
    "east": (39.80, 128.60),  # off Hamhung bay
}


def _graph() -> dict[str, list[tuple[str, float]]]:
    g: dict[str, list[tuple[str, float]]] = {k: [] for k in WAYPOINTS}
    for a, b in EDGES:
        d = float(haversine_m(*WAYPOINTS[a], *WAYPOINTS[b]))
        g[a].append((b, d))
        g[b].append((a, d))
    return g


_GRAPH = _graph()


def node_path(a: str, b: str) -> list[str]:
    """Shortest chain of waypoints from node `a` to node `b` (Dijkstra)."""
    best: dict[str, float] = {a: 0.0}
    prev: dict[str, str] = {}
    heap: list[tuple[float, str]] = [(0.0, a)]
    while heap:
        d, n = heapq.heappop(heap)
        if n == b:
            break
        if d > best.get(n, float("inf")):
            continue
        for m, w in _GRAPH[n]:
            if d + w < best.get(m, float("inf")):
                best[m], prev[m] = d + w, n
                heapq.heappush(heap, (d + w, m))
    path = [b]
    while path[-1] != a:
        path.append(prev[path[-1]])
    return path[::-1]


def _exit(port: str) -> tuple[list[tuple[float, float]], str]:
    pts, node = GATES[port]
    return list(pts), node


def route(a: str, b: str) -> list[tuple[float, float]]:
    """Water points from place `a` to place `b` (a port with a gate, or a waypoint name).

    A port is left and reached through its gate points (the berth itself is not included);
    a waypoint is the first or last point.
    """
    start_pts, na = _exit(a) if a in GATES else ([], a)
    end_pts, nb = _exit(b) if b in GATES else ([], b)
    mid = [WAYPOINTS[n] for n in node_path(na, nb)]
    return start_pts + mid + end_pts[::-1]


def simplify(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Drop consecutive duplicate points."""
    out: list[tuple[float, float]] = []
    for p in points:
        if not out or float(haversine_m(*out[-1], *p)) > 1.0:
            out.append(p)
    return out
