"""Colours, labels and marker shapes per event kind, shared by the map, timeline and legend."""

from __future__ import annotations

import json
from datetime import datetime
from html import escape
from typing import Any

from oiltrail.kinds import EventKind

# kind: (colour, label for a journalist), in the registry's order (oiltrail.kinds)
KINDS: dict[str, tuple[str, str]] = {k.value: (k.colour, k.label) for k in EventKind}
OTHER_COLOUR = "#777777"


def colour(kind: str) -> str:
    return KINDS.get(kind, (OTHER_COLOUR, kind))[0]


def label(kind: str) -> str:
    return KINDS.get(kind, (OTHER_COLOUR, kind))[1]


def kind_class(kind: str) -> str:
    """A CSS class safe whatever the kind string holds."""
    safe = "".join(c if c.isalnum() else "_" for c in kind)[:40]
    return f"ev-{safe}"


def fmt_time(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    if value is None or value == "":
        return "—"
    return str(value)


def fmt_pos(lat: Any, lon: Any) -> str:
    if not isinstance(lat, int | float) or not isinstance(lon, int | float):
        return "—"
    ns = "N" if lat >= 0 else "S"
    ew = "E" if lon >= 0 else "W"
    return f"{abs(lat):.4f}° {ns}, {abs(lon):.4f}° {ew}"


def duration_h(start: Any, end: Any) -> float | None:
    if isinstance(start, datetime) and isinstance(end, datetime):
        return (end - start).total_seconds() / 3600
    return None


def event_title(ev: dict[str, Any], names: dict[int, str]) -> str:
    """The evidence of one event as hover text (plain, escaped later)."""
    who = vessel_label(ev.get("mmsi"), names)
    if ev.get("other_mmsi"):
        who += " with " + vessel_label(ev.get("other_mmsi"), names)
    hours = duration_h(ev.get("start"), ev.get("end"))
    span = f"{fmt_time(ev.get('start'))} → {fmt_time(ev.get('end'))}"
    if hours is not None:
        span += f" ({hours:.1f} h)"
    lines = [
        f"{ev.get('kind')} — event {ev.get('event_id')}",
        who,
        span,
        fmt_pos(ev.get("lat"), ev.get("lon")),
    ]
    if ev.get("port"):
        lines.append(f"port: {ev['port']}")
    details = ev.get("details")
    if details:
        lines.append("details: " + json.dumps(details, ensure_ascii=False, default=str)[:300])
    return "\n".join(lines)


def vessel_label(mmsi: Any, names: dict[int, str]) -> str:
    if mmsi is None:
        return "—"
    try:
        name = names.get(int(mmsi))
    except (TypeError, ValueError):
        name = None
    return f"{name} (MMSI {mmsi})" if name else f"MMSI {mmsi}"


def marker(kind: str, x: float, y: float, title: str, attrs: str = "") -> str:
    """An SVG marker for an event, its shape by kind, with the evidence as hover title."""
    c = colour(kind)
    t = f"<title>{escape(title)}</title>"
    if kind == "encounter":
        shape = f'<circle cx="{x}" cy="{y}" r="6" fill="{c}" stroke="#fff" stroke-width="1.5"/>'
    elif kind == "loitering":
        shape = f'<circle cx="{x}" cy="{y}" r="5" fill="none" stroke="{c}" stroke-width="2.5"/>'
    elif kind == "gap":
        shape = (
            f'<circle cx="{x}" cy="{y}" r="5" fill="#fff" stroke="{c}" stroke-width="2" '
            'stroke-dasharray="2 2"/>'
        )
    elif kind == "port_visit":
        shape = f'<rect x="{x - 3}" y="{y - 3}" width="6" height="6" fill="{c}" opacity="0.7"/>'
    elif kind == "spoofing":
        shape = (
            f'<path d="M{x - 5},{y - 5}L{x + 5},{y + 5}M{x - 5},{y + 5}L{x + 5},{y - 5}" '
            f'stroke="{c}" stroke-width="2.5"/>'
        )
    elif kind == "identity_change":
        shape = (
            f'<path d="M{x},{y - 6}L{x + 6},{y}L{x},{y + 6}L{x - 6},{y}Z" fill="{c}" '
            'stroke="#fff" stroke-width="1"/>'
        )
    elif kind == "draught_change":
        shape = (
            f'<path d="M{x},{y - 6}L{x + 6},{y + 5}L{x - 6},{y + 5}Z" fill="{c}" '
            'stroke="#fff" stroke-width="1"/>'
        )
    else:
        shape = f'<circle cx="{x}" cy="{y}" r="4" fill="{c}"/>'
    return f'<g class="mark {kind_class(kind)}"{attrs}>{t}{shape}</g>'
