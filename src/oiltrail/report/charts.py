"""The event timeline and the cap chart (reported vs estimated vs the 500,000-bbl cap), as SVG."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from html import escape
from typing import Any

from oiltrail.report.collect import Row
from oiltrail.report.marks import KINDS, colour, event_title, kind_class

WIDTH_PX = 1000
LANE_PX = 28
SUBROW_PX = 10  # height of one row of overlapping events inside a lane
MAX_SUBROWS = 6
LABEL_PX = 150
CAP_HEIGHT_PX = 380
REPORTED_COLOUR = "#4477aa"
ESTIMATED_COLOUR = "#cc3311"


def _time_ticks(first: datetime, last: datetime, max_ticks: int = 10) -> list[datetime]:
    span_h = max((last - first).total_seconds() / 3600, 1.0)
    step_h = next(
        (s for s in (1, 3, 6, 12, 24, 48, 168, 336, 720, 2160, 8760) if span_h / s <= max_ticks),
        8760 * 5,
    )
    start = first.replace(minute=0, second=0, microsecond=0)
    if step_h >= 24:
        start = start.replace(hour=0)
    ticks = []
    t = start
    while t <= last:
        if t >= first:
            ticks.append(t)
        t += timedelta(hours=step_h)
    return ticks


def _tick_label(t: datetime, step_daily: bool) -> str:
    return t.strftime("%d %b %Y") if step_daily else t.strftime("%d %b %H:%M")


def _end(ev: Row) -> datetime:
    end = ev.get("end")
    return end if isinstance(end, datetime) and end >= ev["start"] else ev["start"]


def pack_rows(events: list[Row], max_rows: int = MAX_SUBROWS) -> list[tuple[Row, int]]:
    """Sub-rows so that overlapping events of one kind sit apart; past `max_rows`, the row
    that frees first takes the event (bars may then overlap, and their hover still tells)."""
    ends: list[datetime] = []
    placed = []
    for ev in sorted(events, key=lambda e: (e["start"], str(e.get("event_id")))):
        row = next((i for i, end in enumerate(ends) if end <= ev["start"]), None)
        if row is None and len(ends) < max_rows:
            ends.append(ev["start"])
            row = len(ends) - 1
        if row is None:
            row = min(range(len(ends)), key=lambda i: ends[i])
        ends[row] = max(ends[row], _end(ev))
        placed.append((ev, row))
    return placed


def render_timeline(events: list[Row], names: dict[int, str]) -> str:
    """One lane per event kind, each event a bar from its start to its end (UTC)."""
    timed = [e for e in events if isinstance(e.get("start"), datetime)]
    present = sorted(
        {str(e["kind"]) for e in timed},
        key=lambda k: (k not in KINDS, list(KINDS).index(k) if k in KINDS else 0, k),
    )
    first: datetime = min(e["start"] for e in timed)
    last: datetime = max(_end(e) for e in timed)
    if last <= first:
        last = first + timedelta(hours=1)
    lanes = {k: pack_rows([e for e in timed if e["kind"] == k]) for k in present}
    lane_h = {k: max(LANE_PX, 8 + SUBROW_PX * (1 + max(r for _, r in p))) for k, p in lanes.items()}
    height = 40 + sum(lane_h.values())
    plot_w = WIDTH_PX - LABEL_PX - 20

    def x(t: datetime) -> float:
        return round(
            LABEL_PX + (t - first).total_seconds() / (last - first).total_seconds() * plot_w, 1
        )

    out = [
        f'<svg id="timeline" class="timeline" viewBox="0 0 {WIDTH_PX} {height}" role="img" '
        'aria-label="Timeline of behaviour events">'
    ]
    ticks = _time_ticks(first, last)
    daily = len(ticks) < 2 or (ticks[1] - ticks[0]) >= timedelta(hours=24)
    for t in ticks:
        out.append(
            f'<line class="tick" x1="{x(t)}" y1="10" x2="{x(t)}" y2="{height - 22}"/>'
            f'<text class="axis" x="{x(t)}" y="{height - 6}" text-anchor="middle">'
            f"{_tick_label(t, daily)}</text>"
        )
    y = 12
    for kind in present:
        h = lane_h[kind]
        single = all(r == 0 for _, r in lanes[kind])
        bar_h = (LANE_PX - 10) if single else SUBROW_PX - 2
        out.append(
            f'<text class="lane" x="{LABEL_PX - 8}" y="{y + 15}" text-anchor="end">'
            f"{escape(kind.replace('_', ' '))}</text>"
            f'<line class="lane-rule" x1="{LABEL_PX}" y1="{y + h - 2}" '
            f'x2="{WIDTH_PX - 20}" y2="{y + h - 2}"/>'
        )
        for ev, row in lanes[kind]:
            x0 = x(ev["start"])
            w = max(round(x(_end(ev)) - x0, 1), 3.0)
            top = y + 4 + row * SUBROW_PX
            out.append(
                f'<rect class="{kind_class(kind)}" data-event-id="{escape(str(ev["event_id"]))}" '
                f'x="{x0}" y="{top}" width="{w}" height="{bar_h}" fill="{colour(kind)}" '
                f'opacity="0.8"><title>{escape(event_title(ev, names))}</title></rect>'
            )
        y += h
    out.append("</svg>")
    return "".join(out)


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _bbl(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f} bbl"


# The cap chart's axis is logarithmic: declared deliveries of 255 bbl, the 500,000-bbl cap and
# an estimate of 3.78 million bbl must all be readable. Bars start at this floor.
CAP_AXIS_FLOOR_BARRELS = 100.0
PUBLISHED_COLOUR = "#228833"


def render_cap_chart(cap: list[Row], ais_years: set[int] | None = None) -> str:
    """Per year, side by side against the cap: declared deliveries, oiltrail's estimate (mid,
    whisker low–high) and the published independent estimates (bar to the low figure, whisker
    to the high), on a logarithmic axis (stated on the chart).

    A year outside `ais_years` (the years the store has positions for) says "no AIS data"
    instead of drawing an estimate of zero, which would read as a finding.
    """
    years = sorted(cap, key=lambda r: str(r.get("year")))
    values = [
        v
        for r in years
        for v in (
            _num(r.get("reported_barrels")),
            _num(r.get("estimated_barrels_high")),
            _num(r.get("published_estimate_barrels_high")),
            _num(r.get("cap_barrels")) or 0.0,
        )
        if v is not None
    ]
    floor = CAP_AXIS_FLOOR_BARRELS
    top = 10.0 ** math.ceil(math.log10(max([*values, floor * 10]) * 1.05))
    left, right, plot_top, plot_bottom = 110, 20, 50, CAP_HEIGHT_PX - 50
    plot_w = WIDTH_PX - left - right
    group_w = plot_w / max(len(years), 1)
    bar_w = min(44.0, group_w * 0.24)
    span = math.log10(top / floor)

    def y(v: float) -> float:
        v = min(max(v, floor), top)
        return round(plot_bottom - math.log10(v / floor) / span * (plot_bottom - plot_top), 1)

    out = [
        f'<svg id="cap-chart" class="cap" viewBox="0 0 {WIDTH_PX} {CAP_HEIGHT_PX}" role="img" '
        'aria-label="Refined petroleum per year: declared, oiltrail estimate, published '
        'independent estimates and the cap, logarithmic scale">',
        _cap_legend(left),
    ]
    v = floor
    while v <= top:
        out.append(
            f'<line class="grid" x1="{left}" y1="{y(v)}" x2="{WIDTH_PX - right}" y2="{y(v)}"/>'
            f'<text class="axis" x="{left - 8}" y="{y(v) + 4}" text-anchor="end">'
            f"{_short_bbl(v, False).replace(' bbl', '')}</text>"
        )
        v *= 10
    out.append(
        f'<text class="axis" transform="rotate(-90)" x="{-(plot_top + plot_bottom) / 2}" y="18" '
        'text-anchor="middle">barrels per year (log scale: each line 10×)</text>'
    )
    for i, r in enumerate(years):
        covered = ais_years is None or _year_of(r) in ais_years
        out.append(_year_group(r, left + i * group_w, group_w, bar_w, y, covered))
    out.append("</svg>")
    return "".join(out)


def _cap_legend(left: float) -> str:
    items = [
        (REPORTED_COLOUR, "rect", "declared to the UN 1718 Committee"),
        (ESTIMATED_COLOUR, "rect", "oiltrail estimate from AIS (mid, low–high)"),
        (PUBLISHED_COLOUR, "rect", "published independent estimates (low, high)"),
        ("#000", "line", "cap 500,000 bbl/year (UNSCR 2397)"),
    ]
    out = ['<g class="legend">']
    for i, (c, shape, text) in enumerate(items):
        x, top = left + (i % 2) * 440, 4 + (i // 2) * 20  # two rows of two: room for the text
        if shape == "rect":
            out.append(f'<rect x="{x}" y="{top}" width="14" height="14" fill="{c}"/>')
        else:
            mid = top + 7
            out.append(f'<line x1="{x}" y1="{mid}" x2="{x + 14}" y2="{mid}" class="cap-line"/>')
        out.append(f'<text x="{x + 20}" y="{top + 12}">{escape(text)}</text>')
    out.append("</g>")
    return "".join(out)


def _short_bbl(value: float, roomy: bool) -> str:
    """Bar labels: full figures when there is room, else thousands or millions."""
    if roomy or value < 10_000:
        return f"{value:,.0f} bbl"
    if value >= 1_000_000:
        return f"{value / 1e6:,.2g}M bbl"
    return f"{value / 1000:,.0f}k bbl"


def _year_of(r: Row) -> int | None:
    try:
        return int(str(r.get("year")))
    except ValueError:
        return None


def _year_group(
    r: Row, x0: float, group_w: float, bar_w: float, y: Any, covered: bool = True
) -> str:
    year = escape(str(r.get("year")))
    reported = _num(r.get("reported_barrels"))
    low, mid, high = (_num(r.get(f"estimated_barrels_{k}")) for k in ("low", "mid", "high"))
    p_low = _num(r.get("published_estimate_barrels_low"))
    p_high = _num(r.get("published_estimate_barrels_high"))
    sources = str(r.get("published_estimate_sources") or "")
    cap = _num(r.get("cap_barrels"))  # None before the cap began (2018)
    roomy = group_w >= 220
    cx = x0 + group_w / 2
    xr, xe, xp = (round(cx - 1.5 * bar_w - 4 + k * (bar_w + 4), 1) for k in range(3))
    base = y(0.0)
    out = [f'<g class="year" data-year="{year}">']
    if cap is not None:
        out.append(
            f'<line class="cap-line" x1="{round(x0 + 6, 1)}" y1="{y(cap)}" '
            f'x2="{round(x0 + group_w - 6, 1)}" y2="{y(cap)}">'
            f"<title>cap {_bbl(cap)} in {year}</title></line>"
        )
    published = p_low if p_low else p_high
    for xb, v, c, what in (
        (xr, reported, REPORTED_COLOUR, "reported"),
        (xe, mid, ESTIMATED_COLOUR, "estimated (mid)"),
        (xp, published, PUBLISHED_COLOUR, "published estimate"),
    ):
        missing = v is None or (what == "estimated (mid)" and not covered and not v)
        if v is None or missing or (what == "published estimate" and not v):
            na = (
                "none published"
                if what == "published estimate"
                else "n/a"
                if v is None or covered
                else "no AIS data"
            )
            tx, ty = round(xb + bar_w / 2 + 4, 1), base - 6
            # Upright along the empty bar's slot, so it never runs over the neighbouring bar.
            out.append(
                f'<text class="na" x="{tx}" y="{ty}" transform="rotate(-90 {tx} {ty})">{na}</text>'
            )
            continue
        title = f"{year} {what}: {_bbl(v)}"
        if what == "published estimate":
            title += f" (low; high {_bbl(p_high)}): {sources}"
        out.append(
            f'<rect class="bar {what.split()[0]}" x="{xb}" y="{y(v)}" width="{round(bar_w, 1)}" '
            f'height="{round(base - y(v), 1)}" fill="{c}">'
            f"<title>{escape(title)}</title></rect>"
            f'<text class="val" x="{xb + bar_w / 2}" y="{y(v) - 5}" '
            f'text-anchor="middle">{_short_bbl(v, roomy)}</text>'
        )
    whiskers = [(xe, low, high, "estimated range"), (xp, p_low, p_high, "published range")]
    for xb, lo, hi, label in whiskers:
        if lo is not None and hi is not None and hi > 0 and hi != lo:
            wx = round(xb + bar_w / 2, 1)
            out.append(
                f'<path class="whisker" d="M{wx},{y(lo)}V{y(hi)}'
                f'M{wx - 6},{y(lo)}h12M{wx - 6},{y(hi)}h12">'
                f"<title>{year} {label} {_bbl(lo)} – {_bbl(hi)}</title></path>"
            )
    share = _num(r.get("share_of_cap_mid"))  # a fraction: (reported + estimated mid) / cap
    share_txt = f"{share * 100:.0f}% of cap" if share is not None and cap else ""
    out.append(
        f'<text class="year-label" x="{cx}" y="{base + 20}" text-anchor="middle">{year}</text>'
        f'<text class="axis" x="{cx}" y="{base + 36}" text-anchor="middle">{share_txt}</text></g>'
    )
    return "".join(out)
