"""HTML tables: chains with evidence, flagged vessels, claims, provenance. All data escaped."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from html import escape
from typing import Any

from oiltrail.records import chain_vessels
from oiltrail.report.chainpath import evidence_ids, legs_km, waypoints
from oiltrail.report.collect import ReportData, Row, Section, parse_json
from oiltrail.report.marks import colour, duration_h, fmt_pos, fmt_time, kind_class, vessel_label

VERDICT_CLASSES = {"supported": "ok", "contradicted": "bad"}


def text(value: Any) -> str:
    """Any value from data as escaped text for a table cell."""
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return escape(fmt_time(value))
    if isinstance(value, date):
        return escape(value.isoformat())
    if isinstance(value, float):
        return escape(f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}")
    if isinstance(value, list | tuple):
        return ", ".join(text(v) for v in value) or "—"
    if isinstance(value, dict):
        return escape(json.dumps(value, ensure_ascii=False, default=str))
    return escape(str(value))


def table(
    headers: Sequence[str], body: list[list[str]], cls: str = "", row_attrs: list[str] | None = None
) -> str:
    """Cells in `body` and `row_attrs` are HTML already escaped by the caller."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    attrs = row_attrs or [""] * len(body)
    trs = "".join(
        f"<tr{a}>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>"
        for r, a in zip(body, attrs, strict=True)
    )
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{trs}</tbody></table>'


def missing(section: Section) -> str:
    return f'<p class="missing">{escape(section.missing or "no data")}</p>'


def note(section: Section) -> str:
    return f'<p class="note">{escape(section.note)}</p>' if section.note else ""


def _bbl(value: Any) -> str:
    return f"{value:,.0f}" if isinstance(value, int | float) else "—"


def evidence_item(eid: str, ev: Row | None, names: dict[int, str]) -> str:
    if ev is None:
        return f"<li><code>{escape(eid)}</code> (not in the events table)</li>"
    bits = [fmt_time(ev.get("start")), fmt_pos(ev.get("lat"), ev.get("lon"))]
    hours = duration_h(ev.get("start"), ev.get("end"))
    if hours is not None and hours > 0:
        bits.append(f"{hours:.1f} h")
    details = ev.get("details") if isinstance(ev.get("details"), dict) else {}
    delta = details.get("delta_m") if isinstance(details, dict) else None
    if isinstance(delta, int | float):
        bits.append(f"draught {delta:+.1f} m")
    if ev.get("port"):
        bits.append(str(ev["port"]))
    bits.append(vessel_label(ev.get("mmsi"), names))
    kind = str(ev.get("kind"))
    return (
        f'<li><span class="dot {kind_class(kind)}" style="background:{colour(kind)}"></span>'
        f"<b>{escape(kind)}</b> "
        f"<code>{escape(eid)}</code> — {escape('; '.join(bits))}</li>"
    )


def links_html(details: Any) -> str:
    """Why each link of a chain was accepted (trace's `details.links`), and its volume basis."""
    if not isinstance(details, dict) or not details:
        return ""
    items = []
    links = details.get("links")
    if isinstance(links, dict):
        for name, link in links.items():
            # a relay chain's `transfers`: a list, one link per ship-to-ship transfer
            found = (
                [(name, link)]
                if not isinstance(link, list)
                else [(f"{name.removesuffix('s')} {i}", x) for i, x in enumerate(link, 1)]
            )
            for label, one in found:
                if isinstance(one, dict):
                    why = one.get("why") or ""
                    items.append(
                        f"<li><b>{text(label)}</b> (score {text(one.get('score'))}): "
                        f"{text(why)}</li>"
                    )
                else:
                    items.append(f"<li><b>{text(label)}</b>: not found</li>")
    volume = details.get("volume")
    if isinstance(volume, dict) and volume:
        items.append(f"<li><b>volume</b>: {text(volume)}</li>")
    rest = {k: v for k, v in details.items() if k not in ("links", "volume")}
    if rest:
        items.append(f"<li>{text(rest)}</li>")
    return (
        f"<details><summary>why each link was accepted</summary><ul>{''.join(items)}</ul></details>"
    )


def chains_table(data: ReportData) -> str:
    if data.chains.missing:
        return missing(data.chains)
    events = {str(e["event_id"]): e for e in data.events.rows}
    body, attrs = [], []
    for c in data.chains.rows:
        attrs.append(f' data-chain-id="{escape(str(c.get("chain_id")))}"')
        wps = waypoints(c, events, data.ports)
        legs = legs_km(wps)
        legs_html = (
            "<br>".join(
                f"{escape(a.label)} → {escape(b.label)}: {d:,.0f} km"
                for a, b, d in zip(wps, wps[1:], legs, strict=False)
            )
            or "—"
        )
        ids = evidence_ids(c.get("evidence"))
        enc = str(c.get("encounter_event_id") or "")
        if enc and enc not in ids:
            ids.insert(0, enc)
        evidence = "".join(evidence_item(i, events.get(i), data.names) for i in ids)
        more = links_html(parse_json(c.get("details")))
        body.append(
            [
                f"<b>{text(c.get('chain_id'))}</b>",
                f"{text(c.get('source_port'))}<br>loading from {text(c.get('load_start'))}",
                "<br>".join(  # donor, relay tankers, receiver (records.chain_vessels)
                    f"{escape(role)} {escape(vessel_label(m, data.names))}"
                    for m, role in chain_vessels(c)
                ),
                f"{text(c.get('destination'))}<br>{text(c.get('arrival'))}",
                legs_html,
                f"{_bbl(c.get('barrels_low'))} – <b>{_bbl(c.get('barrels_mid'))}</b> – "
                f"{_bbl(c.get('barrels_high'))} bbl",
                text(c.get("confidence")),
                f'<ul class="evidence">{evidence or "<li>—</li>"}</ul>{more}',
            ]
        )
    headers = [
        "Chain",
        "Source port",
        "Ships",
        "Destination / arrival",
        "Legs (great-circle km)",
        "Barrels low – mid – high",
        "Confidence",
        "Evidence (event id, time, position, duration, draught change)",
    ]
    return note(data.chains) + table(headers, body, "chains", attrs)


def path_text(path: Any) -> str:
    """An ownership path, whatever shape the screening stage gives it, as 'A → B → C'."""
    if path is None or path == "" or path == []:
        return "—"
    if isinstance(path, str):
        parsed = parse_json(path) if path.strip().startswith(("[", "{")) else path
        if isinstance(parsed, str):
            return escape(parsed)
        path = parsed
    if isinstance(path, dict):
        path = path.get("steps") or path.get("path") or [path]
    if not isinstance(path, list):
        return escape(str(path))
    steps = []
    for step in path:
        if isinstance(step, dict):
            name = (
                step.get("name") or step.get("caption") or step.get("entity_id") or step.get("id")
            )
            extra = [str(step[k]) for k in ("schema", "relation", "role", "lists") if step.get(k)]
            steps.append(f"{name}" + (f" ({', '.join(extra)})" if extra else ""))
        else:
            steps.append(str(step))
    return " → ".join(escape(s) for s in steps)


def flagged_table(data: ReportData) -> str:
    if data.flagged.missing:
        return missing(data.flagged)
    body = [
        [
            f"<b>{text(f.get('name'))}</b><br>"
            f"IMO {text(f.get('imo'))} · MMSI {text(f.get('mmsi'))}",
            text(f.get("risk")),
            text(f.get("score")),
            text(f.get("lists")),
            text(f.get("reasons")),
            path_text(f.get("path")),
        ]
        for f in data.flagged.rows
    ]
    headers = ["Vessel", "Risk", "Match score (0–1)", "Lists", "Reasons", "Ownership path"]
    return note(data.flagged) + table(headers, body, "flagged")


def quantity_text(q: Any) -> str:
    """A claimed quantity: the claims stage gives a dict with the words as written."""
    if isinstance(q, dict):
        if q.get("text"):
            return text(q["text"])
        return text(" ".join(str(q[k]) for k in ("value", "unit") if q.get(k) is not None))
    return text(q)


def screening_text(s: Any) -> str:
    """An entity's screening result: its status and the names it matched, with scores."""
    if not isinstance(s, dict):
        return text(s)
    hits = [h for h in s.get("hits") or [] if isinstance(h, dict)]
    named = "; ".join(
        f"{h.get('name')} ({h.get('lists') or 'list'}, score {h.get('score')})" for h in hits[:3]
    )
    return text(str(s.get("status") or "screened") + (f": {named}" if named else ""))


def claims_block(name: str, section: Section) -> str:
    head = f"<h3>{escape(name)}</h3>{note(section)}"
    if section.missing:
        return head + missing(section)
    result = section.rows[0]
    body = []
    for c in result.get("claims") or []:
        if not isinstance(c, dict):
            continue
        verdict = str(c.get("verdict") or "not enough evidence")
        cls = VERDICT_CLASSES.get(verdict, "unknown")
        relayed = f" (relaying {text(c.get('relayed_from'))})" if c.get("relayed_from") else ""
        findings = c.get("store_findings") or []
        body.append(
            [
                text(c.get("speaker")) + relayed,
                f"<q>{text(c.get('quote'))}</q>",
                text(c.get("subject")),
                text(c.get("assertion")),
                quantity_text(c.get("quantity")),
                text(c.get("period")),
                f'<span class="verdict {cls}">{escape(verdict)}</span>',
                text(c.get("reasons")) + (f"<br><i>{text(findings)}</i>" if findings else ""),
            ]
        )
    headers = [
        "Speaker",
        "Quote",
        "Subject",
        "Assertion",
        "Quantity",
        "Period",
        "Verdict",
        "Reasons",
    ]
    out = head + table(headers, body, "claims")
    entities = [e for e in result.get("entities") or [] if isinstance(e, dict)]
    if entities:
        items = "".join(
            f"<li>{text(e.get('name'))} <i>({text(e.get('type'))})</i>"
            f"{': ' + screening_text(e.get('screening')) if e.get('screening') else ''}</li>"
            for e in entities
        )
        out += (
            '<p class="sub">Entities named in the text, screened against the lists:</p>'
            f'<ul class="entities">{items}</ul>'
        )
    return out


def claims_section(data: ReportData) -> str:
    if not data.claims:
        return (
            '<p class="missing">no data: no article given (run `oiltrail report --article '
            "FILE` or `oiltrail check-claims FILE`)</p>"
        )
    return "".join(claims_block(name, s) for name, s in data.claims)


def settings_html(value: Any) -> str:
    """Parameters (a JSON object, maybe nested by kind) as one 'name: k=v, k=v' line each."""
    parsed = parse_json(value) if isinstance(value, str) else value
    if not isinstance(parsed, dict) or ("text" in parsed and len(parsed) == 1):
        return text(value)

    def flat(d: dict[str, Any]) -> str:
        return ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in d.items())

    lines = [
        f"<b>{text(k)}</b>: {escape(flat(v))}" if isinstance(v, dict) else escape(flat({k: v}))
        for k, v in parsed.items()
    ]
    return '<div class="settings">' + "<br>".join(lines) + "</div>"


def generic_cell(column: str, value: Any) -> str:
    if "hash" in column and value:
        return f'<code class="hash">{text(value)}</code>'
    if isinstance(value, str) and value.lstrip().startswith("{"):
        return settings_html(value)
    return text(value)


def generic_table(section: Section) -> str:
    if section.missing:
        return missing(section)
    cols = list(section.rows[0])
    body = [[generic_cell(c, r.get(c)) for c in cols] for r in section.rows]
    return note(section) + f'<div class="scroll">{table(cols, body, "generic")}</div>'


def provenance_section(data: ReportData) -> str:
    p = data.provenance
    return (
        "<h3>Input files (content hash from the ingest manifest)</h3>"
        + generic_table(p["files"])
        + "<h3>Sanctions lists</h3>"
        + generic_table(p["lists"])
        + "<h3>Detection runs and parameters</h3>"
        + generic_table(p["runs"])
        + "<h3>Store settings</h3>"
        + generic_table(p["meta"])
        + "<h3>Report parameters</h3>"
        + generic_table(p["report"])
    )
