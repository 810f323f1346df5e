"""The map: land, graticule, ports, thinned tracks, event markers and delivery chains, as SVG."""

from __future__ import annotations

import math
from html import escape
from typing import Any

from oiltrail.geodesy import distance_km
from oiltrail.records import chain_vessels
from oiltrail.report.chainpath import Waypoint, legs_km, waypoints
from oiltrail.report.collect import ReportData, Row
from oiltrail.report.geo import Projection, fit_extent, land_path
from oiltrail.report.marks import event_title, fmt_time, marker

MAP_WIDTH_PX = 1000
MAP_HEIGHT_PX = 700
CHAIN_COLOUR = "#b30000"
ANCHORAGE_COLOUR = "#6b8e23"  # learned anchorages: olive, apart from ports and events
PORT_ROLE_COLOURS = {"destination": "#b30000"}
GRATICULE_STEPS_DEG = (1, 2, 5, 10, 15, 30, 45, 60, 90)
SCALE_KM = (10, 20, 50, 100, 200, 250, 500, 1000, 2000, 5000)


def hot_vessels(data: ReportData) -> set[int]:
    """Vessels in a chain (donor, relay or receiver), flagged (a list match or a DPRK flag) or
    in an encounter: drawn in colour, above the rest."""
    hot: set[int] = set()
    for c in data.chains.rows:
        hot.update(m for m, _ in chain_vessels(c))
    hot.update(_ints([f.get("mmsi") for f in data.flagged.rows]))
    for ev in data.events.rows:
        if ev.get("kind") == "encounter":
            hot.update(_ints([ev.get("mmsi"), ev.get("other_mmsi")]))
    return hot


def _ints(values: list[Any]) -> list[int]:
    out = []
    for v in values:
        try:
            out.append(int(v))
        except (TypeError, ValueError):
            continue
    return out


def chain_paths(data: ReportData) -> list[tuple[Row, list[Waypoint]]]:
    events = {str(e["event_id"]): e for e in data.events.rows}
    return [(c, waypoints(c, events, data.ports)) for c in data.chains.rows]


def projection(data: ReportData, chains: list[tuple[Row, list[Waypoint]]]) -> Projection:
    pts: list[tuple[float, float]] = []
    for t in data.tracks:
        for seg in t.segments:
            pts.extend(seg)
    pts.extend((e["lon"], e["lat"]) for e in data.events.rows if _has_pos(e))
    for _, wps in chains:
        pts.extend((w.lon, w.lat) for w in wps)
    return fit_extent(pts, MAP_WIDTH_PX, MAP_HEIGHT_PX)


def _has_pos(row: Row) -> bool:
    return isinstance(row.get("lat"), int | float) and isinstance(row.get("lon"), int | float)


def graticule(proj: Projection) -> str:
    span = proj.east - proj.west
    # At most about ten lines each way, however wide the map (the whole world included).
    step = next((s for s in GRATICULE_STEPS_DEG if span / s <= 10), GRATICULE_STEPS_DEG[-1])
    out = ['<g class="graticule">']
    lon = math.ceil(proj.west / step) * step
    while lon <= proj.east:
        x, _ = proj.xy(lon, proj.south)
        out.append(f'<line x1="{x}" y1="0" x2="{x}" y2="{proj.height_px}"/>')
        out.append(f'<text x="{x + 3}" y="{proj.height_px - 6}">{_deg(lon, "E", "W")}</text>')
        lon += step
    lat = math.ceil(proj.south / step) * step
    while lat <= proj.north:
        _, y = proj.xy(proj.west, lat)
        out.append(f'<line x1="0" y1="{y}" x2="{proj.width_px}" y2="{y}"/>')
        out.append(f'<text x="4" y="{y - 3}">{_deg(lat, "N", "S")}</text>')
        lat += step
    out.append("</g>")
    return "".join(out)


def _deg(value: float, positive: str, negative: str) -> str:
    """15°E, 30°W, 0°: a hemisphere letter, never a minus sign."""
    if value == 0:
        return "0°"
    return f"{abs(value):g}°{positive if value > 0 else negative}"


def scale_bar(proj: Projection) -> str:
    mid_lat = (proj.north + proj.south) / 2
    km_per_px = distance_km(mid_lat, proj.west, mid_lat, proj.east) / proj.width_px
    target_km = km_per_px * 150
    nice = max((n for n in SCALE_KM if n <= target_km), default=SCALE_KM[0])
    length_px = round(nice / km_per_px, 1)
    x0, y0 = proj.width_px - length_px - 20, proj.height_px - 30
    return (
        f'<g class="scale"><rect x="{x0 - 6}" y="{y0 - 18}" width="{length_px + 12}" height="28" '
        f'rx="3"/><path d="M{x0},{y0}h{length_px}M{x0},{y0 - 5}v10M{x0 + length_px},{y0 - 5}v10"/>'
        f'<text x="{x0 + length_px / 2}" y="{y0 - 6}" text-anchor="middle">{nice} km</text></g>'
    )


def ports_layer(data: ReportData, proj: Projection) -> str:
    out = ['<g class="layer ports" data-layer="ports">']
    named = {str(e.get("port")) for e in data.events.rows if e.get("port")}
    named |= {str(c.get(k)) for c in data.chains.rows for k in ("source_port", "destination")}
    placed: list[tuple[float, float, float]] = []  # label boxes: x, y, width
    # Ports named in the evidence label first; then DPRK ports, then loading ports. The
    # other ports (the bundled World Port Index rows) would bury the map in labels: left out.
    ranked = sorted(
        data.ports, key=lambda p: (p.get("name") not in named, p.get("role") != "destination")
    )
    for p in ranked:
        if p.get("role") == "other" and p.get("name") not in named:
            continue
        if not proj.contains(p["lon"], p["lat"]):
            continue
        x, y = proj.xy(p["lon"], p["lat"])
        c = PORT_ROLE_COLOURS.get(str(p.get("role")), "#234")
        name = str(p.get("name", "")).split(" (")[0]
        width = 7.5 * len(name) + 8
        free = all(abs(y - py) > 13 or x + width < px or px + pw < x for px, py, pw in placed)
        label = f'<text x="{x + 6}" y="{y + 4}" fill="{c}">{escape(name)}</text>' if free else ""
        if free:
            placed.append((x, y, width))
        title = f"{p.get('name')} ({p.get('country')}, {p.get('kind')}) — {p.get('source')}"
        out.append(
            f'<g class="port"><title>{escape(title)}</title>'
            f'<circle cx="{x}" cy="{y}" r="3.5" fill="#fff" stroke="{c}" stroke-width="2"/>'
            f"{label}</g>"
        )
    out.append("</g>")
    return "".join(out)


def tracks_layer(data: ReportData, proj: Projection, hot: set[int]) -> str:
    calm: list[str] = []
    loud: list[str] = []
    for t in data.tracks:
        is_hot = t.mmsi in hot
        name = t.name or "unnamed"
        title = (
            f"{name} (MMSI {t.mmsi})\n{fmt_time(t.first)} → {fmt_time(t.last)}\n"
            f"{t.points:,} AIS positions"
            + ("\nin a chain, on a list or in an encounter" if is_hot else "")
        )
        lines = []
        for seg in t.segments:
            pts = " ".join(f"{x:g},{y:g}" for x, y in (proj.xy(lon, lat) for lon, lat in seg))
            if len(seg) == 1:
                x, y = proj.xy(*seg[0])
                lines.append(f'<circle cx="{x}" cy="{y}" r="1.5"/>')
            else:
                lines.append(f'<polyline points="{pts}"/>')
        cls = "track hot" if is_hot else "track"
        g = (
            f'<g class="{cls}" data-mmsi="{t.mmsi}"><title>{escape(title)}</title>'
            f"{''.join(lines)}</g>"
        )
        (loud if is_hot else calm).append(g)
    return f'<g class="layer tracks" data-layer="tracks">{"".join(calm)}{"".join(loud)}</g>'


def events_layer(data: ReportData, proj: Projection) -> str:
    out = []
    # Port visits first so that rarer, more telling markers sit on top.
    for ev in sorted(data.events.rows, key=lambda e: e.get("kind") != "port_visit"):
        if not _has_pos(ev):
            continue
        x, y = proj.xy(float(ev["lon"]), float(ev["lat"]))
        attrs = f' data-event-id="{escape(str(ev["event_id"]))}"'
        out.append(marker(str(ev["kind"]), x, y, event_title(ev, data.names), attrs))
    return f'<g class="layer events" data-layer="events">{"".join(out)}</g>'


def route_points(
    wps: list[Waypoint], sailed: list[tuple[float, float]]
) -> list[tuple[float, float]]:
    """Source port, the positions sailed in between, destination; straight when none known."""
    if not sailed:
        return [(w.lon, w.lat) for w in wps]
    first = [(wps[0].lon, wps[0].lat)] if wps and wps[0].label.startswith("loaded") else []
    last = [(wps[-1].lon, wps[-1].lat)] if len(wps) > 1 else []
    return first + sailed + last


def chains_layer(
    chains: list[tuple[Row, list[Waypoint]]], routes: dict[str, list[Any]], proj: Projection
) -> str:
    out = ['<g class="layer chains" data-layer="chains">']
    for chain, wps in chains:
        if len(wps) < 2:
            continue
        line = route_points(wps, routes.get(str(chain.get("chain_id")), []))
        pts = " ".join(f"{x:g},{y:g}" for x, y in (proj.xy(lon, lat) for lon, lat in line))
        legs = legs_km(wps)
        route = " → ".join(w.label for w in wps)
        title = (
            f"Delivery chain {chain.get('chain_id')}\n{route}\n"
            f"legs: {', '.join(f'{d:,.0f} km' for d in legs)}\n"
            f"estimated {_bbl(chain.get('barrels_mid'))} (range {_bbl(chain.get('barrels_low'))}"
            f" – {_bbl(chain.get('barrels_high'))}), confidence {chain.get('confidence')}"
        )
        cid = escape(str(chain.get("chain_id")))
        dots = "".join(
            f'<circle cx="{x}" cy="{y}" r="4"/>' for x, y in (proj.xy(w.lon, w.lat) for w in wps)
        )
        out.append(
            f'<g class="chain" data-chain-id="{cid}"><title>{escape(title)}</title>'
            f'<polyline class="chain-halo" points="{pts}"/>'
            f'<polyline class="chain-line" points="{pts}" marker-end="url(#arrow)"/>{dots}</g>'
        )
    out.append("</g>")
    return "".join(out)


def _bbl(value: Any) -> str:
    if isinstance(value, int | float):
        return f"{value:,.0f} bbl"
    return "— bbl"


def anchorages_layer(data: ReportData, proj: Projection) -> str:
    """Learned anchorages: a dashed circle of each one's radius, its name and evidence on hover."""
    out = ['<g class="layer anchorages" data-layer="anchorages">']
    for a in data.anchorages:
        lat, lon = float(a["lat"]), float(a["lon"])
        if not proj.contains(lon, lat):
            continue
        x, y = proj.xy(lon, lat)
        _, y_north = proj.xy(lon, lat + float(a["radius_m"]) / 111_195)
        r = max(abs(y - y_north), 4.0)
        title = f"{a['name']}: {a['vessels']} vessels, {a['hours']} h at anchor (learned)"
        out.append(
            f'<g class="anchorage"><title>{escape(title)}</title>'
            f'<circle cx="{x}" cy="{y}" r="{r:.1f}" fill="none" stroke="{ANCHORAGE_COLOUR}" '
            'stroke-width="1.5" stroke-dasharray="3 2"/></g>'
        )
    out.append("</g>")
    return "".join(out)


def map_projection(data: ReportData) -> Projection:
    """The map's frame: around the data (tracks, events, chains), wherever in the world."""
    return projection(data, chain_paths(data))


def render_map(data: ReportData) -> str:
    """The whole map as one inline SVG element."""
    chains = chain_paths(data)
    proj = projection(data, chains)
    hot = hot_vessels(data)
    defs = (
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="5" '
        f'markerHeight="5" orient="auto-start-reverse"><path d="M0,0L10,5L0,10Z" '
        f'fill="{CHAIN_COLOUR}"/></marker></defs>'
    )
    return (
        f'<svg id="map" class="map" viewBox="0 0 {MAP_WIDTH_PX} {MAP_HEIGHT_PX}" '
        f'role="img" aria-label="Map of vessel tracks, events and delivery chains">{defs}'
        f'<rect class="sea" width="{MAP_WIDTH_PX}" height="{MAP_HEIGHT_PX}"/>'
        f'<path class="land" fill-rule="evenodd" d="{land_path(proj)}"/>'
        f"{graticule(proj)}{tracks_layer(data, proj, hot)}{anchorages_layer(data, proj)}"
        f"{ports_layer(data, proj)}"
        f"{events_layer(data, proj)}{chains_layer(chains, data.routes, proj)}"
        f"{scale_bar(proj)}</svg>"
    )
