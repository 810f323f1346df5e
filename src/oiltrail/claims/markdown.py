"""Render a claims check (its JSON, docs/exports.md) as Markdown for people."""

from __future__ import annotations

from typing import Any


def _cell(value: Any) -> str:
    """Article text as inert Markdown: raw HTML from an article (`<script>`, `<img onerror>`)
    is escaped to entities, so a Markdown viewer shows it instead of rendering it. Only `&` and
    `<` are escaped (no tag or entity opens without them): "Russia -> North Korea" stays as
    written."""
    text = str(value if value not in (None, "") else "—")
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    return text.replace("|", "\\|").replace("\n", " ")


def _quantity(q: dict[str, Any] | None) -> str:
    if not q:
        return "—"
    return f"{_cell(q['text'])} (≈{q['barrels']:,} bbl)"


def render_markdown(result: dict[str, Any], title: str = "Claims against evidence") -> str:
    """Claims table, each claim's reasons, then the entities and their screening."""
    lines = [f"# {_cell(title)}", ""]
    claims = result.get("claims", [])
    if not claims:
        lines += ["No statements about oil supply to North Korea were found.", ""]
    for n, c in enumerate(claims, 1):
        lines += [
            f"## {n}. {_cell(c['verdict'].upper())} — {_cell(c['speaker'] or '(unattributed)')}",
            "",
            f"> {_cell(c['quote'])}",
            "",
            f"- subject: {_cell(c['subject'])}",
            f"- assertion: {_cell(c['assertion'])}",
            f"- quantity: {_quantity(c['quantity'])}",
            f"- period: {_cell(c['period'])}",
            *([f"- relayed from: {_cell(c['relayed_from'])}"] if c.get("relayed_from") else []),
            "- reasons:",
            *[f"  - {_cell(r)}" for r in c["reasons"]],
            *(
                ["- store findings (apart from the verdict):"]
                + [f"  - {_cell(r)}" for r in c["store_findings"]]
                if c.get("store_findings")
                else []
            ),
            "",
        ]
    entities = result.get("entities", [])
    lines += ["## Entities", ""]
    if not entities:
        return "\n".join([*lines, "None named.", ""])
    lines += ["| name | type | screening |", "|---|---|---|"]
    for e in entities:
        s = e["screening"]
        detail = s.get("note") or ", ".join(
            f"{h.get('name')} ({float(h.get('score') or 0):.2f})" for h in s.get("hits", [])
        )
        status = s["status"] + (f": {detail}" if detail else "")
        if s.get("record"):
            status += f"; {s['record']}"
        lines.append(f"| {_cell(e['name'])} | {_cell(e['type'])} | {_cell(status)} |")
    return "\n".join([*lines, ""])
