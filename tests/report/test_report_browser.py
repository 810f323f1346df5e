"""The report in real headless Chromium (Debian's package): renders offline without console
errors or failed requests, and a screenshot shows the map and charts drawn."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from oiltrail.report.html import write_report
from oiltrail.report.screenshot import CHROMIUM, CHROMIUM_ARGS, screenshot
from oiltrail.store import Store

ARGS = list(CHROMIUM_ARGS)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: `make browser` installs Debian's chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def report(demo_store: Store, tmp_path: Path, article: Path, fake_stages: None) -> Path:
    return write_report(demo_store, tmp_path / "report.html", [article])


def _open(browser: Any, path: Path) -> tuple[Any, list[str], list[str]]:
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"failed {r.url}"))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, errors, requests


def _distinct_colours(png: bytes) -> int:
    image = pytest.importorskip("PIL.Image")
    img = image.open(io.BytesIO(png)).convert("RGB").resize((200, 140))
    return len(np.unique(np.asarray(img).reshape(-1, 3), axis=0))


def test_renders_offline_without_errors(browser: Any, report: Path) -> None:
    page, errors, requests = _open(browser, report)
    assert errors == []
    assert requests == [report.as_uri()]  # the page itself, nothing else
    assert page.locator("section h2").count() == 7
    assert page.locator(".banner").first.is_visible()
    page.close()


def test_screenshot_shows_map_and_charts(browser: Any, report: Path, tmp_path: Path) -> None:
    page, errors, _ = _open(browser, report)
    svg_map = page.locator("svg#map")
    box = svg_map.bounding_box()
    assert box is not None and box["width"] > 600 and box["height"] > 400
    assert _distinct_colours(svg_map.screenshot()) > 40  # land, sea, tracks, markers, labels
    assert page.locator("svg#map .track polyline").count() >= 20
    assert page.locator("svg#map g.mark").count() == 12
    assert page.locator("svg#map g.chain polyline.chain-line").count() == 2
    assert page.locator("svg#timeline rect").count() == 12
    bars = page.locator("svg#cap-chart rect.bar")
    assert bars.count() == 5
    heights = [float(bars.nth(i).get_attribute("height") or 0) for i in range(bars.count())]
    assert all(h > 0 for h in heights)
    assert page.locator("svg#cap-chart .cap-line").count() >= 3  # one per year + legend
    assert _distinct_colours(page.locator("svg#cap-chart").screenshot()) > 5
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000
    assert errors == []
    page.close()


def test_legend_hides_and_shows_a_layer(browser: Any, report: Path) -> None:
    page, errors, _ = _open(browser, report)
    chain = page.locator("svg#map g.layer.chains")
    assert chain.is_visible()
    toggle = page.locator('input[data-toggle=".layer.chains"]')
    toggle.uncheck()
    assert chain.evaluate("el => getComputedStyle(el).display") == "none"
    toggle.check()
    assert chain.evaluate("el => getComputedStyle(el).display") != "none"
    assert errors == []
    page.close()


def test_readme_screenshot_covers_map_and_cap_chart(
    browser: Any, report: Path, tmp_path: Path
) -> None:
    png = screenshot(report, tmp_path / "top.png", browser=browser)
    image = pytest.importorskip("PIL.Image")
    width, height = image.open(png).size
    assert width == 1300
    assert 1500 < height < 4000  # down to the cap chart, not the whole page


def test_chain_row_lights_its_line_and_ids_are_unique(browser: Any, report: Path) -> None:
    page, errors, _ = _open(browser, report)
    ids = page.evaluate("() => Array.from(document.querySelectorAll('[id]'), e => e.id)")
    assert len(ids) == len(set(ids))
    row = page.locator("table.chains tbody tr").first
    chain_id = row.get_attribute("data-chain-id")
    line = page.locator(f'svg#map g.chain[data-chain-id="{chain_id}"]')
    assert "lit" not in (line.get_attribute("class") or "")
    row.hover()
    assert "lit" in (line.get_attribute("class") or "")
    assert errors == []
    page.close()
