"""Hostile text in outputs (issue 14): the report's CSP runs only its own script, CSV cells a
spreadsheet would read as formulas are neutralised, and Markdown shows raw HTML as text."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
from pathlib import Path

from oiltrail.claims.markdown import render_markdown
from oiltrail.render import rows_to_csv, spreadsheet_safe
from oiltrail.report.html import write_report
from oiltrail.store import Store, open_store
from oiltrail.store.events import ensure_detect_tables, export_events


def test_csp_allows_no_inline_script_but_the_reports_own(demo_store: Store, tmp_path: Path) -> None:
    html = write_report(demo_store, tmp_path / "r.html", []).read_text(encoding="utf-8")
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert policy is not None
    script_src = next(p for p in policy.group(1).split(";") if "script-src" in p)
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 1 and "<script" not in html.replace("<script>" + scripts[0], "", 1)
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in script_src


def test_formula_cells_are_neutralised_numbers_are_not() -> None:
    rows = [
        {"name": '=HYPERLINK("http://x","click")', "lon": -9.8, "note": "+1 555"},
        {"name": "@SUM(A1)", "lon": 12.5, "note": "-dash"},
        {"name": "\tTAB", "lon": -0.5, "note": "plain"},
    ]
    text = rows_to_csv(rows, ("name", "lon", "note"))
    back = list(csv.DictReader(io.StringIO(text)))
    assert [r["name"] for r in back] == ['\'=HYPERLINK("http://x","click")', "'@SUM(A1)", "'\tTAB"]
    assert [r["lon"] for r in back] == ["-9.8", "12.5", "-0.5"]
    assert [r["note"] for r in back] == ["'+1 555", "'-dash", "plain"]
    assert spreadsheet_safe(-3) == -3 and spreadsheet_safe("SHIP") == "SHIP"


def test_events_csv_export_neutralises_a_port_name(tmp_path: Path) -> None:
    out = tmp_path / "e.csv"
    with open_store(tmp_path / "s.duckdb") as store:
        ensure_detect_tables(store)
        store.con.execute(
            """INSERT INTO events VALUES ('e1', 'port_visit', 1, NULL, '2026-01-01',
               '2026-01-02', 1.0, -2.0, '=cmd|'' /C calc''!A0', '{}', 'r')"""
        )
        export_events(store, "csv", out)
    row = next(csv.DictReader(out.open(encoding="utf-8")))
    assert row["port"] == "'=cmd|' /C calc'!A0" and row["lon"] == "-2.0"


def test_markdown_escapes_raw_html_from_articles() -> None:
    claim = {
        "verdict": "supported",
        "speaker": "<img src=x onerror=alert(1)>",
        "quote": "Deliveries <script>alert('x')</script> were negligible",
        "subject": "DPRK",
        "assertion": "minimal",
        "quantity": {"text": "<b>300,000</b> barrels", "barrels": 300000},
        "period": None,
        "reasons": ["<iframe src=//evil>"],
    }
    entity = {
        "name": "<a href=javascript:x>Co</a>",
        "type": "Company",
        "screening": {"status": "no_match", "hits": []},
    }
    md = render_markdown({"claims": [claim], "entities": [entity]}, title="Claims in <x>.txt")
    assert not re.search(r"<(script|img|iframe|a|b|x)\b", md)
    assert "&lt;script>alert('x')&lt;/script>" in md
    assert "&lt;img src=x onerror=alert(1)>" in md
    assert "<script" not in md and "<img" not in md
