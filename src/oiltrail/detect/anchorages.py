"""Anchorages learned from the data (docs/events.md): where many ships wait at anchor together.

A stationary spell is a vessel under `max_speed_knots` for at least `min_spell_h` (its place:
the spell's mean position). Spells within `link_distance_m` of another spell of the group
(single linkage) form a group; a group with spells of at least `min_vessels` distinct vessels
is an anchorage (its area: the spells' places, plus `link_distance_m`). Only groups within
`max_port_distance_m` of a port are kept, so that an STS hotspot far out at sea is never
learned away.

Linkage goes through a 3-D grid of cubes (edge = the link distance, on the unit sphere) but
every link is a true distance test between spells in neighbouring cubes, so the groups do not
depend on where cube edges fall. Pure functions over one table of spells.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from oiltrail.detect.params import AnchorageParams
from oiltrail.detect.ports import PortIndex, build_port_index
from oiltrail.detect.tracks import US_PER_H, carried_at, run_bounds
from oiltrail.geodesy import EARTH_RADIUS_M, haversine_m, mean_latlon, unit_xyz, xyz_to_latlon

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
SPELLS = pa.schema(
    [
        ("mmsi", pa.int64()),
        ("start", pa.timestamp("us")),
        ("end", pa.timestamp("us")),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("positions", pa.int64()),
    ]
)
AREA = pa.schema([("anchorage_id", pa.string()), ("lat", pa.float64()), ("lon", pa.float64())])
_OFFSETS = [(i, j, k) for i in (-1, 0, 1) for j in (-1, 0, 1) for k in (-1, 0, 1)]
COMPASS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")


def stationary_spells(
    positions: pa.Table, p: AnchorageParams, carry: pa.Table | None = None
) -> pa.Table:
    """Spells (`SPELLS`) in (mmsi, ts)-sorted positions (mmsi, ts, lat, lon, sog): runs of one
    vessel's positions under the speed (its reported sog; none reported is not slow), none
    further apart than the silence, lasting the spell time; the place the mean position.

    `carry` (SPELLS): spells stored by an earlier run whose last position these positions
    hold; the run through that position continues the stored spell (returned whole, its
    place the positions' mean up to float rounding), or none when nothing follows it."""
    if positions.num_rows == 0:
        return SPELLS.empty_table()
    mmsi = positions.column("mmsi").cast(pa.int64()).to_numpy()
    ts = positions.column("ts").cast(pa.timestamp("us")).cast(pa.int64()).to_numpy()
    lat = positions.column("lat").cast(pa.float64()).to_numpy()
    lon = positions.column("lon").cast(pa.float64()).to_numpy()
    sog = positions.column("sog").cast(pa.float64()).fill_null(np.nan).to_numpy()
    slow = sog < p.max_speed_knots
    link = np.zeros(len(mmsi), dtype=bool)
    link[1:] = (mmsi[1:] == mmsi[:-1]) & (np.diff(ts) <= p.max_silence_h * US_PER_H)
    starts, ends = run_bounds(slow, link)
    c_at = _carried(mmsi, ts, carry)
    carried = np.maximum.reduceat(c_at, starts) if len(starts) else np.zeros(0, np.int64)
    # A carried run continues its stored spell after the stored last position j: its new
    # members start at j + 1 (none when it ends at j: the stored spell stays as it is).
    continues = bool((carried >= 0).any())
    c_start = starts
    if continues:
        c_last = np.full(len(c_at), -1, dtype=np.int64)
        c_last[c_at >= 0] = np.flatnonzero(c_at >= 0)
        c_start = np.where(carried >= 0, np.maximum.reduceat(c_last, starts) + 1, starts)
    long = (ts[ends] - ts[starts] >= p.min_spell_h * US_PER_H) & (carried < 0)
    long |= (carried >= 0) & (ends >= c_start)
    keep = np.flatnonzero(long)
    starts, ends, carried, c_start = starts[keep], ends[keep], carried[keep], c_start[keep]
    if len(starts) == 0:
        return SPELLS.empty_table()
    # A spell's members are the contiguous run starts..ends (all slow) — a carried spell's
    # only those after its stored last position. Its mean place goes through unit vectors
    # (no seam at the antimeridian), each spell summed over its own members only, so a
    # spell's place does not depend on what else the table holds (the detect pass computes
    # spells a vessel bucket at a time: engines/partition.py). Only the spells' members are
    # converted; they tile `member` spell after spell.
    edge = np.zeros(len(ts) + 1, dtype=np.int64)
    np.add.at(edge, c_start, 1)
    np.add.at(edge, ends + 1, -1)
    member = np.flatnonzero(np.cumsum(edge[:-1]) > 0)
    first = np.searchsorted(member, c_start)
    n = (ends + 1 - c_start).astype(np.float64)
    x, y, z = unit_xyz(lat[member], lon[member])
    sx, sy, sz = (np.add.reduceat(v, first) for v in (x, y, z))
    start_us = ts[starts]
    if continues and carry is not None:
        at = carried >= 0
        c = carried[at]
        old_n = carry.column("positions").to_numpy(zero_copy_only=False)[c].astype(np.float64)
        ox, oy, oz = unit_xyz(carry.column("lat").to_numpy()[c], carry.column("lon").to_numpy()[c])
        sx[at] += ox * old_n
        sy[at] += oy * old_n
        sz[at] += oz * old_n
        n[at] += old_n
        start_us = start_us.copy()
        start_us[at] = carry.column("start").cast(pa.int64()).to_numpy()[c]
    mlat, mlon = xyz_to_latlon(sx / n, sy / n, sz / n)
    return pa.table(
        {
            "mmsi": mmsi[starts],
            "start": pa.array(start_us, pa.timestamp("us")),
            "end": pa.array(ts[ends], pa.timestamp("us")),
            "lat": mlat,
            "lon": mlon,
            "positions": n.astype(np.int64),
        },
        schema=SPELLS,
    )


def _carried(mmsi: np.ndarray, ts: np.ndarray, carry: pa.Table | None) -> np.ndarray:
    """Per position, the carried spell (row of `carry`) whose last position it is, or -1."""
    if carry is None or carry.num_rows == 0:
        return np.full(len(mmsi), -1, dtype=np.int64)
    end = carry.column("end").cast(pa.timestamp("us")).cast(pa.int64()).to_numpy()
    return carried_at(mmsi, ts, carry.column("mmsi").to_numpy(), end)


def components(n: int, i: I64, j: I64) -> I64:
    """Connected components of n points joined by the edges (i, j): each point's label is the
    smallest index in its component. Vectorised hooking and pointer jumping (Shiloach-Vishkin
    style): every round hooks each root to the smallest root across its edges, then jumps
    every pointer to its root; labels only decrease, so it ends when no edge joins two labels."""
    label = np.arange(n, dtype=np.int64)
    while len(i):
        li, lj = label[i], label[j]
        apart = li != lj
        if not apart.any():
            break
        li, lj = li[apart], lj[apart]
        low = np.minimum(li, lj)
        np.minimum.at(label, li, low)
        np.minimum.at(label, lj, low)
        while True:  # pointer jumping: every label to its root
            up = label[label]
            if np.array_equal(up, label):
                break
            label = up
    return label


def link_groups(lat: F64, lon: F64, link_m: float) -> I64:
    """Single-linkage group label of each point (points within `link_m` share a group)."""
    n = len(lat)
    if n < 2:
        return np.arange(n, dtype=np.int64)
    x, y, z = unit_xyz(lat, lon)
    cube = np.floor(np.stack([x, y, z], axis=1) * (EARTH_RADIUS_M / link_m)).astype(np.int64)
    home = pl.DataFrame({"i": np.arange(n), "cx": cube[:, 0], "cy": cube[:, 1], "cz": cube[:, 2]})
    edges_i: list[I64] = [np.zeros(0, np.int64)]
    edges_j: list[I64] = [np.zeros(0, np.int64)]
    for dx, dy, dz in _OFFSETS:
        moved = home.select(
            pl.col("i").alias("j"),
            (pl.col("cx") + dx).alias("cx"),
            (pl.col("cy") + dy).alias("cy"),
            (pl.col("cz") + dz).alias("cz"),
        )
        pairs = home.join(moved, on=["cx", "cy", "cz"]).filter(pl.col("i") < pl.col("j"))
        if pairs.is_empty():
            continue
        i = pairs.get_column("i").to_numpy()
        j = pairs.get_column("j").to_numpy()
        close = haversine_m(lat[i], lon[i], lat[j], lon[j]) <= link_m
        edges_i.append(i[close])
        edges_j.append(j[close])
    return components(n, np.concatenate(edges_i), np.concatenate(edges_j))


def bearing_name(lat0: float, lon0: float, lat1: float, lon1: float) -> str:
    """The 8-point compass direction from (lat0, lon0) to (lat1, lon1)."""
    p0, p1, dl = math.radians(lat0), math.radians(lat1), math.radians(lon1 - lon0)
    y = math.sin(dl) * math.cos(p1)
    x = math.cos(p0) * math.sin(p1) - math.sin(p0) * math.cos(p1) * math.cos(dl)
    deg = (math.degrees(math.atan2(y, x)) + 360) % 360
    return COMPASS[int((deg + 22.5) // 45) % 8]


def learn_anchorages(
    spells: pa.Table, ports: pa.Table, p: AnchorageParams, port_radius_m: float = 5_000.0
) -> tuple[list[dict[str, Any]], pa.Table]:
    """Anchorages (dicts, id order) and the spell places that make their areas
    (`anchorage_id`, `lat`, `lon`), from stationary spells and the ports table. Spells inside
    a port's radius are port visits, not anchorage evidence: they are left out."""
    empty = AREA.empty_table()
    if spells.num_rows == 0 or ports.num_rows == 0:
        return [], empty
    df = pl.from_arrow(spells.select(SPELLS.names))
    assert isinstance(df, pl.DataFrame)
    df = df.filter(pl.col("lat").is_finite() & pl.col("lon").is_finite()).sort(
        ["lat", "lon", "mmsi", "start"]
    )
    lat, lon = df.get_column("lat").to_numpy(), df.get_column("lon").to_numpy()
    ports = _ports_near(ports, lat, lon, p.max_port_distance_m)
    if ports.num_rows == 0:
        return [], empty
    in_port, _ = build_port_index(ports, port_radius_m).nearest(lat, lon)
    outside = ~(in_port <= port_radius_m)
    df, lat, lon = df.filter(pl.Series(outside)), lat[outside], lon[outside]
    if df.is_empty():
        return [], empty
    df = df.with_columns(pl.Series("group", link_groups(lat, lon, p.link_distance_m)))
    near = build_port_index(ports, p.max_port_distance_m)
    names = [str(n) for n in ports.column("name").to_pylist()]
    plat = ports.column("lat").to_numpy(zero_copy_only=False)
    plon = ports.column("lon").to_numpy(zero_copy_only=False)
    rows: list[dict[str, Any]] = []
    places: list[pl.DataFrame] = []
    for _, g in df.group_by("group", maintain_order=True):
        vessels = g.get_column("mmsi").unique()
        if len(vessels) < p.min_vessels:
            continue
        glat, glon = g.get_column("lat").to_numpy(), g.get_column("lon").to_numpy()
        d, which = _nearest_port(near, glat, glon)
        if which < 0:
            continue  # no port within reach: a hotspot at sea is never learned away
        clat, clon = mean_latlon(glat, glon)
        radius = float(haversine_m(clat, clon, glat, glon).max()) + p.link_distance_m
        port = names[which]
        dist_km = float(haversine_m(float(plat[which]), float(plon[which]), clat, clon)) / 1000
        direction = bearing_name(float(plat[which]), float(plon[which]), clat, clon)
        hours = (g.get_column("end") - g.get_column("start")).dt.total_seconds().sum() / 3600
        aid = _anchorage_id(glat, glon)
        rows.append({
            "anchorage_id": aid,
            "name": f"anchorage {dist_km:.0f} km {direction} of {port}",
            "lat": round(clat, 6), "lon": round(clon, 6), "radius_m": round(radius, 1),
            "vessels": len(vessels), "spells": g.height, "hours": round(float(hours), 1),
            "port": port, "port_distance_km": round(dist_km, 1),
            "nearest_spell_port_km": round(d / 1000, 1),
            "first": g.get_column("start").min(), "last": g.get_column("end").max(),
            "mmsis": sorted(int(m) for m in vessels.to_list()),
        })  # fmt: skip
        places.append(g.select(pl.lit(aid).alias("anchorage_id"), "lat", "lon"))
    rows.sort(key=lambda r: r["anchorage_id"])
    area = pl.concat(places).to_arrow() if places else empty
    return rows, area.cast(empty.schema)


def _ports_near(ports: pa.Table, lat: F64, lon: F64, reach_m: float) -> pa.Table:
    """The ports in the spells' bounding box widened by `reach_m` (fewer to index)."""
    pad = math.degrees(reach_m / EARTH_RADIUS_M) * 2
    plat = np.asarray(ports.column("lat").to_numpy(zero_copy_only=False), dtype=np.float64)
    plon = np.asarray(ports.column("lon").to_numpy(zero_copy_only=False), dtype=np.float64)
    keep = (plat >= lat.min() - pad) & (plat <= lat.max() + pad)
    coslat = max(math.cos(math.radians(min(89.0, max(abs(lat.min()), abs(lat.max())) + pad))), 1e-6)
    if lon.max() - lon.min() < 180:  # else the spells straddle the antimeridian: keep all
        keep &= (plon >= lon.min() - pad / coslat) & (plon <= lon.max() + pad / coslat)
    return ports.filter(pa.array(keep))


def _nearest_port(index: PortIndex, lat: F64, lon: F64) -> tuple[float, int]:
    d, which = index.nearest(lat, lon)
    k = int(np.argmin(d))
    return float(d[k]), int(which[k])


def _anchorage_id(lat: F64, lon: F64) -> str:
    """Stable id: the group's south-westernmost spell place, to 1e-4 degrees."""
    k = int(np.lexsort((lon, lat))[0])
    return f"anc_{lat[k]:+.4f}_{lon[k]:+.4f}".replace("+", "p").replace("-", "m")


def near_anchorage(
    lat: F64, lon: F64, area: pa.Table, min_distance_m: float, link_m: float
) -> tuple[npt.NDArray[np.bool_], list[str]]:
    """Points closer than `min_distance_m` to an anchorage's area (its places plus `link_m`),
    and the id of the nearest anchorage of each ("" where none is in reach)."""
    if area.num_rows == 0 or len(lat) == 0:
        return np.zeros(len(lat), dtype=bool), [""] * len(lat)
    index = build_port_index(area.rename_columns(["name", "lat", "lon"]), min_distance_m + link_m)
    d, which = index.nearest(np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64))
    out: npt.NDArray[np.bool_] = (d - link_m) < min_distance_m
    return out, [index.names[w] if w >= 0 else "" for w in which.tolist()]
