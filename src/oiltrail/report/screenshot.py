"""Screenshot the top of a report (figures, map, timeline, cap chart) for the README.

`uv run python -m oiltrail.report.screenshot demo-out/report.html docs/report.png` — needs the
dev group's Playwright and Debian's chromium (`make browser`); nothing else imports this module.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

from oiltrail.errors import EngineUnavailableError, NotFoundError

CHROMIUM = Path("/usr/bin/chromium")
# Playwright's own browser download does not work here: Debian's chromium, quiet and offline.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
VIEWPORT = {"width": 1300, "height": 900}


def screenshot(html: Path, png: Path, until: str = "#part-cap", browser: Any = None) -> Path:
    """Save the page from its top to the bottom of the element `until` as a PNG.

    Args:
        html: the report.
        png: the image to write.
        until: CSS selector of the last element to include.
        browser: a launched Playwright browser to reuse (tests); else one is started.
    """
    if not html.is_file():
        raise NotFoundError(f"no report at {html}: run `oiltrail report` first")
    if browser is not None:
        return _shoot(browser, html, png, until)
    if not CHROMIUM.exists():
        raise EngineUnavailableError(f"{CHROMIUM} is absent: `make browser` installs it")
    try:
        sync_api: Any = importlib.import_module("playwright.sync_api")
    except ImportError as exc:
        raise EngineUnavailableError("playwright is not installed (uv sync --group dev)") from exc
    with sync_api.sync_playwright() as p:
        own = p.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
        try:
            return _shoot(own, html, png, until)
        finally:
            own.close()


def _shoot(browser: Any, html: Path, png: Path, until: str) -> Path:
    page = browser.new_page(viewport=VIEWPORT)
    try:
        page.goto(html.resolve().as_uri())
        bottom = page.locator(until).evaluate(
            "el => el.getBoundingClientRect().bottom + window.scrollY"
        )
        clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": bottom + 10}
        png.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(png), clip=clip, full_page=True)
    finally:
        page.close()
    return png


if __name__ == "__main__":
    print(screenshot(Path(sys.argv[1]), Path(sys.argv[2])))
