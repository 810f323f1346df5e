"""Write the report: one self-contained HTML file (inline CSS, JS and SVG; nothing fetched)."""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
from collections import Counter
from html import escape
from importlib import resources
from pathlib import Path

from oiltrail import __version__
from oiltrail.errors import UsageError
from oiltrail.report.charts import render_cap_chart, render_timeline
from oiltrail.report.collect import ReportData, ReportParams, collect
from oiltrail.report.geo import land_for
from oiltrail.report.mapsvg import hot_vessels, map_projection, render_map
from oiltrail.report.marks import KINDS, colour, kind_class, label
from oiltrail.report.tables import (
    chains_table,
    claims_section,
    flagged_table,
    missing,
    note,
    provenance_section,
    table,
    text,
)
from oiltrail.store import Store

SIMULATED_BANNER = "SIMULATED DATA — not findings about real ships"
# The page may load nothing from anywhere: the CSP makes that a browser-enforced promise. No
# inline script runs but the report's own, named by its hash: markup that slipped into a vessel
# name or an article could not run a script even if it escaped escaping.
CSP_TEMPLATE = "default-src 'none'; style-src 'unsafe-inline'; script-src '{script}'; img-src data:"


def csp(script: str) -> str:
    """The report's Content-Security-Policy: only `script` (by its SHA-256) may run."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return CSP_TEMPLATE.format(script=f"sha256-{digest}")


def _asset(name: str) -> str:
    return resources.files("oiltrail.report").joinpath(name).read_text(encoding="utf-8")


def legend(data: ReportData) -> str:
    kinds = Counter(str(e["kind"]) for e in data.events.rows)
    items = [
        '<label><input type="checkbox" checked data-toggle=".layer.tracks .track:not(.hot)">'
        '<span class="sw line grey"></span>other vessels\' tracks</label>',
        '<label><input type="checkbox" checked data-toggle=".layer.tracks .track.hot">'
        '<span class="sw line hot"></span>tracks of vessels in chains, flagged (a list '
        "match or a DPRK flag) or in encounters</label>",
        '<label><input type="checkbox" checked data-toggle=".layer.chains">'
        '<span class="sw line chain"></span>delivery chain: route sailed from the source port '
        "through the encounter to the destination</label>",
        '<label><input type="checkbox" checked data-toggle=".layer.ports">'
        '<span class="sw port"></span>ports (red: DPRK)</label>',
    ]
    for kind in [k for k in KINDS if k in kinds] + sorted(k for k in kinds if k not in KINDS):
        cls = kind_class(kind)
        items.append(
            f'<label><input type="checkbox" checked data-toggle=".{cls}">'
            f'<span class="sw dot" style="background:{colour(kind)}"></span>'
            f"{escape(label(kind))} — {kinds[kind]:,}</label>"
        )
    return f'<div class="legend" id="legend"><b>Legend</b> (untick to hide){"".join(items)}</div>'


def summary(data: ReportData) -> str:
    positions = sum(t.points for t in data.tracks)
    mids = [c.get("barrels_mid") for c in data.chains.rows]
    mid_total = sum(float(m) for m in mids if isinstance(m, int | float))
    figures = [
        (f"{len(data.tracks):,}", "vessels tracked"),
        (f"{positions:,}", "AIS positions"),
        (f"{len(data.events.rows):,}", "behaviour events"),
        (f"{len(data.chains.rows):,}", "delivery chains"),
        (f"{mid_total:,.0f} bbl", "estimated in chains (mid)"),
        (f"{len(data.flagged.rows):,}", "flagged vessels"),
    ]
    cells = "".join(f"<div><b>{escape(v)}</b><span>{escape(k)}</span></div>" for v, k in figures)
    return f'<div class="figures">{cells}</div>'


def map_section(data: ReportData) -> str:
    empty = not data.tracks and not data.events.rows and not data.chains.rows
    msg = (
        '<p class="missing">no data: no positions, events or chains in the store (run '
        "`oiltrail ingest` and `oiltrail detect`)</p>"
        if empty
        else ""
    )
    source = escape(land_for(map_projection(data))[0])
    return (
        f'{msg}<div class="map-wrap">{render_map(data)}{legend(data)}</div>'
        f'<p class="sub">Web Mercator. Hover a track, marker or chain for its evidence. '
        f"Tracks are thinned for display. A chain follows the positions the donor sailed to the "
        f"encounter and the receiver sailed after it (straight where none are known). "
        f"Coastline: {source}.</p>"
    )


def timeline_section(data: ReportData) -> str:
    if data.events.missing:
        return missing(data.events)
    hot = hot_vessels(data)
    # Routine port calls of uninvolved ships would fill their lane solid: shown only for
    # vessels in a chain, on a list or in an encounter.
    shown = [e for e in data.events.rows if e.get("kind") != "port_visit" or e.get("mmsi") in hot]
    left_out = len(data.events.rows) - len(shown)
    if not shown:
        shown, left_out = data.events.rows, 0
    more = (
        f" {left_out:,} port visits by other vessels are left out here (they are on the map)."
        if left_out
        else ""
    )
    return (
        note(data.events)
        + render_timeline(shown, data.names)
        + '<p class="sub">Times in UTC. Each bar runs from the event\'s start to its end.'
        + f"{escape(more)}</p>"
    )


def _bbl_cell(value: object) -> str:
    return f"{value:,.0f}" if isinstance(value, int | float) else "—"


def _share_cell(value: object) -> str:
    return f"{value * 100:.1f}%" if isinstance(value, int | float) else "—"


def ais_years(data: ReportData) -> set[int]:
    """Calendar years the store has positions for."""
    if not data.tracks:
        return set()
    first = min(t.first for t in data.tracks).year
    last = max(t.last for t in data.tracks).year
    return set(range(first, last + 1))


def cap_section(data: ReportData) -> str:
    if data.cap.missing:
        return missing(data.cap)
    headers = [
        "Year",
        "Reported (bbl)",
        "Estimated low (bbl)",
        "Estimated mid (bbl)",
        "Estimated high (bbl)",
        "Cap (bbl)",
        "Reported + estimated mid, share of cap",
        "Published estimates low–high (bbl)",
    ]
    body = [
        [
            text(r.get("year")),
            *(
                _bbl_cell(r.get(c))
                for c in (
                    "reported_barrels",
                    "estimated_barrels_low",
                    "estimated_barrels_mid",
                    "estimated_barrels_high",
                    "cap_barrels",
                )
            ),
            _share_cell(r.get("share_of_cap_mid")),
            _published_cell(r),
        ]
        for r in data.cap.rows
    ]
    return (
        render_cap_chart(data.cap.rows, ais_years(data))
        + '<p class="sub">Barrels of refined petroleum per calendar year, on a logarithmic '
        "axis (each grid line is ten times the one below) so that a declaration of a few "
        "thousand barrels and an estimate of millions can both be read. Reported: deliveries "
        "notified to the UN 1718 Committee. Estimated: oiltrail's sum of the delivery chains "
        "below, from hull size and draught change. Published: independent estimates of the "
        "public record (US, 43 states, Open Source Centre), bar to the low figure, whisker to "
        "the high; their sources are in the table. The line is the 500,000-barrel cap, which "
        "applies from 2018. Hover a bar for the exact figure.</p>"
        + table(headers, body, "cap-table num")
        + _published_sources(data.cap.rows)
    )


def _published_cell(r: dict[str, object]) -> str:
    low, high = r.get("published_estimate_barrels_low"), r.get("published_estimate_barrels_high")
    if not isinstance(high, int | float) or not high:
        return "—"
    return f"{_bbl_cell(low)} – {_bbl_cell(high)}"


def _published_sources(rows: list[dict[str, object]]) -> str:
    items = [
        f"<li>{escape(str(r.get('year')))}: {escape(str(r.get('published_estimate_sources')))}</li>"
        for r in rows
        if r.get("published_estimate_sources")
    ]
    if not items:
        return ""
    return (
        '<p class="sub">Published estimates and their sources:</p><ul>' + "".join(items) + "</ul>"
    )


def through_whom_section() -> str:
    """The Russia -> Singapore -> tanker -> DPRK network of the public record, link by link."""
    from oiltrail.network import through_whom
    from oiltrail.record import bundled_record

    links = through_whom(bundled_record())
    body = [
        [
            escape(x["stage"]),
            escape(x["from"]),
            escape(x["role"]),
            escape(x["to"]),
            escape(x["when"] or "—"),
            escape(x["source"]),
        ]
        for x in links
    ]
    return (
        "<h3>Through whom: Russian oil company → Singapore trading company → tanker → DPRK</h3>"
        '<p class="sub">From the public record bundled with oiltrail (court records, the OFAC '
        "list's own links, designations and documented ship-to-ship transfers), not from the "
        "store's AIS data.</p>"
        + table(["Stage", "From", "Link", "To", "When", "Source"], body, "network")
    )


def page(data: ReportData, store_name: str) -> str:
    banner = f'<div class="banner" role="alert">{SIMULATED_BANNER}</div>' if data.simulated else ""
    sections = [
        ("map", "1. Map: tracks, events and delivery chains", map_section(data)),
        ("timeline", "2. Timeline of events", timeline_section(data)),
        ("cap", "3. Barrels against the UNSCR 2397 cap", cap_section(data)),
        ("chains", "4. Delivery chains and their evidence", chains_table(data)),
        (
            "vessels",
            "5. Flagged vessels and their ownership paths",
            flagged_table(data) + through_whom_section(),
        ),
        ("claims", "6. Claims set beside the evidence", claims_section(data)),
        ("provenance", "Provenance: inputs, lists and parameters", provenance_section(data)),
    ]
    nav = "".join(f'<a href="#part-{sid}">{escape(title)}</a>' for sid, title, _ in sections)
    body = "".join(
        f'<section id="part-{sid}"><h2>{escape(title)}</h2>{html}</section>'
        for sid, title, html in sections
    )
    script = _asset("report.js")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp(script)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>oiltrail report: refined oil into North Korea</title>"
        f"<style>{_asset('report.css')}</style></head><body>{banner}"
        "<header><h1>Following refined oil into North Korea</h1>"
        f'<p class="sub">oiltrail {escape(__version__)} · store {escape(store_name)} · '
        f"generated {escape(data.generated_at.isoformat())}</p>{summary(data)}"
        f"<nav>{nav}</nav></header><main>{body}</main>"
        f"<footer>{banner}<p>Made with oiltrail. Every figure links back to the events and input "
        "files listed under Provenance.</p></footer>"
        f"<script>{script}</script></body></html>\n"
    )


def write_report(
    store: Store, out: Path, articles: list[Path] | None = None, params: ReportParams | None = None
) -> Path:
    """Write the HTML report for `store` to `out` and return its path.

    Args:
        store: an open store.
        out: the HTML file to write (its folder must exist).
        articles: texts whose supply claims are checked and shown.
        params: display limits (track points, events).
    """
    if out.is_dir():
        raise UsageError(f"{out} is a folder: give a file name such as report.html")
    if not out.parent.is_dir():
        raise UsageError(f"folder {out.parent} does not exist")
    data = collect(store, list(articles or []), params or ReportParams())
    html = page(data, store.path.name)
    # Written beside the target and renamed, so a reader never sees half a report.
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(html)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it 0600; a report is for sharing
    os.replace(tmp, out)
    return out
