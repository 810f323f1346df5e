"""The HTML report: six parts, the simulated banner, escaping, no external URLs, missing data."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from report_fixture_data import CLAIMS, FLAGGED, build_store, fake_module
from typer.testing import CliRunner

from oiltrail.cli import app
from oiltrail.errors import NotFoundError, UsageError
from oiltrail.report.collect import ReportParams
from oiltrail.report.html import SIMULATED_BANNER, write_report
from oiltrail.store import Store, open_store

PARTS = ("part-map", "part-timeline", "part-cap", "part-chains", "part-vessels", "part-claims")
STAGES = ("oiltrail.estimate.cap", "oiltrail.graph.fleet", "oiltrail.claims.check")
HOSTILE = '<script>alert("pwned")</script><img src=x onerror=alert(1)>'
EXTERNAL = re.compile(r"""(?:src|href|xlink:href|action)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


def _write(store: Store, tmp_path: Path, articles: list[Path] | None = None) -> str:
    out = write_report(store, tmp_path / "report.html", articles or [])
    return out.read_text(encoding="utf-8")


@pytest.mark.usefixtures("fake_stages")
def test_report_has_the_six_parts_filled(demo_store: Store, tmp_path: Path, article: Path) -> None:
    html = _write(demo_store, tmp_path, [article])
    for part in PARTS:
        assert f'<section id="{part}">' in html
    assert 'id="map"' in html and 'id="timeline"' in html and 'id="cap-chart"' in html
    assert html.count('class="track') >= 20  # 4 tankers + 18 background ships
    assert html.count('<g class="chain"') == 2
    assert html.count('class="bar reported"') == 2  # 2026 has no reported figure: n/a
    assert html.count('class="bar estimated"') == 3
    assert 'class="missing"' not in html.split('id="part-provenance"')[0]
    assert "YU JONG 2" in html and "Korea Kumbyol Trading Co" in html  # vessel and its owner
    assert '<span class="verdict bad">contradicted</span>' in html
    assert html.count(SIMULATED_BANNER) == 2  # top and bottom


@pytest.mark.usefixtures("fake_stages")
def test_chain_rows_carry_evidence_positions_times_distances_draughts(
    demo_store: Store, tmp_path: Path
) -> None:
    html = _write(demo_store, tmp_path)
    chains = html.split('<table class="chains">')[1].split("</table>")[0]
    assert "draught +4.5 m" in chains  # the loading draught change
    assert "42.7" in chains and "° N" in chains  # a position
    assert re.search(r"\d[\d,]* km", chains)  # leg distances
    assert "2026-01-0" in chains and "UTC" in chains  # times
    assert "went dark (dark near DPRK)" in chains


@pytest.mark.usefixtures("fake_stages")
def test_no_banner_when_the_data_is_real(tmp_path: Path) -> None:
    with build_store(tmp_path / "real.duckdb", simulated=False) as store:
        html = _write(store, tmp_path)
    assert SIMULATED_BANNER not in html
    assert 'class="banner"' not in html


@pytest.mark.usefixtures("fake_stages")
def test_hostile_names_are_escaped(
    demo_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, article: Path
) -> None:
    demo_store.con.execute(
        "INSERT INTO static_reports (mmsi, ts, name) VALUES (445000004, '2026-02-01', ?)", [HOSTILE]
    )
    demo_store.con.execute("UPDATE events SET port = ? WHERE kind = 'port_visit'", [HOSTILE])
    demo_store.con.execute("UPDATE chains SET destination = ?", [HOSTILE])
    flagged = [{**FLAGGED[0], "name": HOSTILE, "path": [{"name": HOSTILE}]}]
    claims = {"claims": [{**CLAIMS["claims"][0], "speaker": HOSTILE}], "entities": []}
    monkeypatch.setattr(sys.modules["oiltrail.graph.fleet"], "flagged_vessels", lambda s: flagged)
    monkeypatch.setattr(sys.modules["oiltrail.claims.check"], "check_claims", lambda t, s: claims)
    html = _write(demo_store, tmp_path, [article])
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert html.count("<script>") == 1  # the report's own
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in html


@pytest.mark.usefixtures("fake_stages")
def test_no_external_urls(demo_store: Store, tmp_path: Path, article: Path) -> None:
    html = _write(demo_store, tmp_path, [article])
    assert not EXTERNAL.findall(html)
    assert "url(http" not in html and "@import" not in html
    assert "default-src 'none'" in html  # the browser itself refuses any fetch


def test_empty_store_and_absent_stages_say_what_to_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in (*STAGES, "oiltrail.store.chains"):
        monkeypatch.setitem(sys.modules, name, None)  # import raises ImportError: not built
    with open_store(tmp_path / "empty.duckdb") as store:
        html = _write(store, tmp_path)
    for part in PARTS:
        section = html.split(f'<section id="{part}">')[1].split("</section>")[0]
        assert 'class="missing"' in section, part
        assert "no data" in section
    assert "run `oiltrail detect`" in html and "run `oiltrail trace`" in html
    assert "run `oiltrail estimate`" in html and "`oiltrail check-claims FILE`" in html
    assert 'id="map"' in html  # the map still shows the seas around Korea
    assert 'class="land"' in html


def test_a_failing_stage_becomes_a_message(
    demo_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(store: Store) -> list[dict[str, object]]:
        raise RuntimeError("half-built")

    monkeypatch.setitem(sys.modules, "oiltrail.estimate.cap", fake_module("c", cap_table=boom))
    monkeypatch.setitem(sys.modules, "oiltrail.graph.fleet", None)
    html = _write(demo_store, tmp_path)
    cap = html.split('<section id="part-cap">')[1].split("</section>")[0]
    assert "cap table failed: RuntimeError: half-built" in cap
    assert '<g class="chain"' in html  # the other parts are unharmed


def test_bad_articles_and_outputs_are_one_line_errors(demo_store: Store, tmp_path: Path) -> None:
    binary = tmp_path / "blob.bin"
    binary.write_bytes(b"\x7fELF\x00\x00\x01" * 100)
    with pytest.raises(NotFoundError, match="does not exist"):
        write_report(demo_store, tmp_path / "r.html", [tmp_path / "nope.txt"])
    with pytest.raises(UsageError, match="is a folder"):
        write_report(demo_store, tmp_path, [])
    with pytest.raises(UsageError, match="does not exist"):
        write_report(demo_store, tmp_path / "no" / "r.html", [])
    assert not (tmp_path / "r.html").exists()


@pytest.mark.usefixtures("fake_stages")
def test_huge_article_is_cut_and_said_so(demo_store: Store, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("Deliveries were negligible. " * 2000)
    params = ReportParams(max_article_bytes=10_000)
    html = write_report(demo_store, tmp_path / "r.html", [big], params).read_text()
    assert "only the first 10,000 bytes of big.txt were checked" in html


@pytest.mark.usefixtures("fake_stages")
def test_tracks_are_thinned_to_the_budget(demo_store: Store, tmp_path: Path) -> None:
    params = ReportParams(max_track_points=500)
    html = write_report(demo_store, tmp_path / "r.html", [], params).read_text()
    tracks = html.split('data-layer="tracks">')[1].split('<g class="layer ports"')[0]
    points = sum(len(m.split()) for m in re.findall(r'points="([^"]*)"', tracks))
    vessels = tracks.count('class="track')
    assert points <= 500 + 2 * vessels + 50  # the budget, plus each vessel's last point
    assert points >= 200


@pytest.mark.usefixtures("fake_stages")
def test_cli_report_writes_the_file_and_says_simulated(
    demo_store: Store, tmp_path: Path, article: Path
) -> None:
    db = demo_store.path
    demo_store.close()
    out = tmp_path / "cli.html"
    result = CliRunner().invoke(
        app, ["report", "--db", str(db), "-o", str(out), "--article", str(article)]
    )
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 50_000
    assert SIMULATED_BANNER in result.output
    missing = CliRunner().invoke(app, ["report", "--db", str(tmp_path / "none.duckdb")])
    assert missing.exit_code == 4  # errors.EXIT_MISSING_DATA
    assert "no store at" in missing.output
    assert "Traceback" not in missing.output


def test_the_real_stages_fill_every_part(demo_store: Store, tmp_path: Path, article: Path) -> None:
    """No fakes: the other engineers' cap table, screening and claim check on the fixture store."""
    for name in STAGES:
        pytest.importorskip(name)
    html = _write(demo_store, tmp_path, [article])
    assert " failed: " not in html  # a contract mismatch would show as "<stage> failed: ..."
    for part in ("part-map", "part-timeline", "part-cap", "part-chains"):
        section = html.split(f'<section id="{part}">')[1].split("</section>")[0]
        assert 'class="missing"' not in section, part
    assert 'class="bar reported"' in html  # the bundled declarations reach the chart


def test_unreadable_articles_are_said_in_their_section(
    demo_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(
        sys.modules, "oiltrail.claims.check", fake_module("c", check_claims=lambda t, s: CLAIMS)
    )
    binary = tmp_path / "blob.bin"
    binary.write_bytes(b"\x7fELF\x00\x00\x01\x02" * 500)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    html = _write(demo_store, tmp_path, [binary, empty])
    claims = html.split('<section id="part-claims">')[1].split("</section>")[0]
    assert claims.count('class="missing"') == 2
    assert "cannot check blob.bin" in claims and "cannot check empty.txt" in claims


def test_report_file_follows_the_umask_not_mkstemps_0600(tmp_path: Path) -> None:
    import os

    previous = os.umask(0o022)
    try:
        with open_store(tmp_path / "empty.duckdb") as store:
            out = write_report(store, tmp_path / "shared.html", [])
    finally:
        os.umask(previous)
    assert out.stat().st_mode & 0o777 == 0o644
    assert not list(tmp_path.glob(".shared.html.*.tmp"))
