"""The web app in real headless Chromium (Debian's package) against `oiltrail serve` on
127.0.0.1: search a vessel, open its dossier, see its track and an encounter on the map, open
a chain, check an article's claims, watch a vessel and see an alert after `ingest` and
`detect` add data while the server runs; no console errors, no request off 127.0.0.1, names
shown as text."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import duckdb
import httpx
import pytest
from serving import OILTRAIL, free_port, nampo_visit_csv, serve, stop

from oiltrail.demo import SAMPLE_ARTICLE
from oiltrail.records import chain_relays, chain_vessels
from oiltrail.report.screenshot import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser
TOKEN = "browser-token-0123456789abcdef"
HOSTILE = '<img src=x onerror="document.title=1">'
HOSTILE_MMSI = 999000111


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: `make browser` installs Debian's chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
        yield b
        b.close()


@pytest.fixture(scope="module")
def site(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    db = tmp_path_factory.mktemp("web") / "web.duckdb"
    shutil.copy(demo_db, db)
    con = duckdb.connect(str(db))  # a vessel whose AIS name is markup (made in code)
    con.execute(
        "INSERT INTO static_reports (mmsi, ts, name) VALUES (?, TIMESTAMP '2026-01-10', ?)",
        [HOSTILE_MMSI, HOSTILE],
    )
    con.close()
    port = free_port()
    proc, _ = serve(db, port, token=TOKEN)
    yield f"http://127.0.0.1:{port}", db
    stop(proc)


def _open(browser: Any, url: str) -> tuple[Any, list[str], list[str]]:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"failed {r.url}"))
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda d: errors.append(f"dialog {d.message}"))
    page.goto(url)
    return page, errors, requests


def test_workspace(browser: Any, site: tuple[str, Path], tmp_path: Path) -> None:
    url, db = site
    started = time.perf_counter()
    page, errors, requests = _open(browser, f"{url}/#token={TOKEN}")
    page.wait_for_selector("body[data-map-loaded][data-tracks]", state="attached", timeout=60_000)
    print(f"first load to the map drawn: {time.perf_counter() - started:.2f} s")
    assert int(page.get_attribute("body", "data-tracks") or 0) > 20
    assert "token" not in page.url  # the fragment is dropped once read
    # the first view is asked for once, for the box the map shows (computed before the map
    # exists: a box the map did not show would be asked for again)
    views = [r for r in requests if "/tracks?" in r]
    assert len(views) == 1, views
    page.wait_for_timeout(500)  # a second view would be asked 200 ms after the first drawn
    assert len([r for r in requests if "/tracks?" in r]) == 1
    shown = page.evaluate("() => [document.querySelector('#map').clientWidth]")
    west, south, east, north = (
        float(x) for x in parse_qs(urlsplit(views[0]).query)["bbox"][0].split(",")
    )
    assert abs((east - west) / 360 * 512 * 2**4 - shown[0]) < 2  # zoom 4, the whole width
    assert south < 38 < north and west < 128 < east
    assert page.locator("#simulated").is_visible()

    # search a vessel and open its dossier; its track and its encounter are on the map
    page.fill("#search", "paek")
    page.click("#search-results li[data-mmsi='445944506']")
    page.wait_for_selector("#dossier-title")
    assert "PAEK MA" in page.text_content("#dossier-title")
    assert "ofac-23737" in page.text_content("#tab-dossier")
    assert "encounter" in page.text_content("#tab-dossier")
    page.wait_for_timeout(1000)  # the view moved to the track: new tracks and events load
    page.wait_for_selector("body[data-events]", state="attached")
    assert int(page.get_attribute("body", "data-events") or 0) > 0
    shot = page.locator("#map").screenshot()
    assert len(shot) > 20_000
    assert "vessel=445944506" in page.url  # state in the URL

    # a shared view: the same URL (and the token, which the URL never carries) opens the dossier
    shared, shared_errors, _ = _open(browser, f"{page.url}#token={TOKEN}")
    shared.wait_for_selector("#dossier-title")
    assert "PAEK MA" in shared.text_content("#dossier-title")
    shared.close()
    assert shared_errors == []

    # a chain with its evidence
    page.click("#tabs button[data-tab='chains']")
    page.locator("#tab-chains tr.clickable").first.click()
    page.wait_for_selector("#chain-title")
    assert "bbl" in page.text_content("#chain-title")
    # its transfer's evidence: an encounter seen, or (the demo's dark STS) a dark rendezvous
    detail = page.text_content("#chain-detail") or ""
    assert "encounter" in detail or "dark_rendezvous" in detail

    # the cap chart
    page.click("#tabs button[data-tab='cap']")
    page.wait_for_selector("#cap-chart rect.bar")
    assert page.locator("#cap-chart rect.bar").count() >= 2

    # an article's claims
    page.click("#tabs button[data-tab='claims']")
    page.fill("#claims-text", SAMPLE_ARTICLE.read_text(encoding="utf-8"))
    page.click("#claims-form button[type='submit']")
    page.wait_for_selector("#claims-out .verdict")
    verdicts = page.locator("#claims-out .verdict").all_text_contents()
    assert len(verdicts) >= 3 and "contradicted" in verdicts

    # a name that is markup is shown as text
    page.fill("#search", "onerror")
    item = page.locator(f"#search-results li[data-mmsi='{HOSTILE_MMSI}']")
    item.wait_for()
    assert HOSTILE in item.text_content()
    assert page.locator("#search-results img").count() == 0
    page.click("header .brand")  # a click elsewhere closes the results
    assert page.locator("#search-results").is_hidden()
    page.keyboard.press("Escape")

    # watch the vessel, then add data from the command line while the server runs
    page.fill("#search", "paek")
    page.click("#search-results li[data-mmsi='445944506']")
    page.wait_for_selector("#watch-toggle")
    page.click("#watch-toggle")
    page.wait_for_selector("#watch-toggle:text('Unwatch')")
    time.sleep(1.1)  # the alerts' `since` is to the second
    csv = nampo_visit_csv(tmp_path / "nampo.csv")
    for args in (["ingest", str(csv)], ["detect"]):
        done = subprocess.run(
            [str(OILTRAIL), *args, "--db", str(db)], capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
    page.click("#tabs button[data-tab='watch']")
    page.wait_for_selector("#alert-list li.alert", timeout=30_000)
    assert "PAEK MA" in page.text_content("#alert-list")
    assert int(page.text_content("#alert-count") or 0) > 0

    assert errors == []
    assert all(r.startswith(url) for r in requests), [r for r in requests if not r.startswith(url)]
    page.close()


def test_vessel_page_chains_name_their_vessels(browser: Any, site: tuple[str, Path]) -> None:
    """The vessel page's chains table names each chain's vessels (records.chain_vessels: the
    donor, the relay tankers, the receiver), for a relay tanker's page and a receiver's."""
    url, _ = site
    headers = {"Authorization": f"Bearer {TOKEN}"}
    relays = [
        c for c in httpx.get(f"{url}/chains", headers=headers).json()["items"] if c["relay_mmsi"]
    ]
    assert relays, "the demo store has a relay chain"
    chain = relays[0]
    ships = [m for m, _ in chain_vessels(chain)]
    assert len(ships) >= 3
    for mmsi in (chain_relays(chain["relay_mmsi"])[0], chain["receiver_mmsi"]):
        page, errors, _ = _open(browser, f"{url}/?vessel={mmsi}&tab=dossier#token={TOKEN}")
        page.wait_for_selector("#dossier-chains tbody tr")
        head = page.locator("#dossier-chains th").all_text_contents()
        rows = page.locator("#dossier-chains tbody tr").all()
        cells = [dict(zip(head, r.locator("td").all_text_contents(), strict=True)) for r in rows]
        mine = [c for c in cells if c["load_start"] == chain["load_start"]]
        assert len(mine) == 1, cells
        shown = " ".join(mine[0][k] for k in ("donor_mmsi", "relay_mmsi", "receiver_mmsi"))
        assert [int(x) for x in shown.replace(";", " ").split()] == ships
        # its encounters name the other ship, under whichever of the two each is stored
        head = page.locator("#dossier-events th").all_text_contents()
        rows = page.locator("#dossier-events tbody tr").all()
        events = [dict(zip(head, r.locator("td").all_text_contents(), strict=True)) for r in rows]
        met = {e["with"] for e in events if e["kind"] == "encounter"}
        assert met and str(mmsi) not in met, events
        assert str(ships[ships.index(mmsi) - 1]) in met, events  # the ship it took oil from
        assert errors == []
        page.close()


def test_relay_chain_links_event_popups_and_unattributed_claims(
    browser: Any, site: tuple[str, Path]
) -> None:
    """A relay chain's links name each transfer with why it was accepted (its `transfers` are
    a list); clicking an event on the open vessel's track shows the event and leaves the map
    where it is (the track's dossier was opened again, the map fitted to the whole track); an
    unattributed claim says so (it said "null")."""
    url, _ = site
    headers = {"Authorization": f"Bearer {TOKEN}"}
    chain = next(
        c for c in httpx.get(f"{url}/chains", headers=headers).json()["items"] if c["relay_mmsi"]
    )
    page, errors, requests = _open(
        browser, f"{url}/?tab=chains&chain={chain['chain_id']}#token={TOKEN}"
    )
    page.wait_for_selector("#chain-title")
    rows = [r.locator("td").all_text_contents() for r in page.locator("#chain-detail tr").all()]
    links = {r[0]: r for r in rows[1:] if len(r) == 3}  # the links table: link, score, why
    transfers = [k for k in links if k.startswith("transfer")]
    assert len(transfers) == len(chain_relays(chain["relay_mmsi"])) + 1, rows
    assert all(links[k][2].startswith("met ") for k in transfers), rows

    # the receiver's encounter, from its dossier's events: the map flies to it, then a click
    receiver = chain["receiver_mmsi"]
    page.goto(f"{url}/?vessel={receiver}&tab=dossier")
    page.wait_for_selector("body[data-tracks]", state="attached")
    page.wait_for_selector("#dossier-events tbody tr")
    event = next(
        e
        for e in httpx.get(f"{url}/vessels/{receiver}", headers=headers).json()["events"]
        if e["kind"] == "encounter"
    )
    page.locator("#dossier-events tbody tr", has_text="encounter").first.click()
    there = f"map=8.00%2F{event['lat']:.4f}%2F{event['lon']:.4f}"
    page.wait_for_function(f"() => location.search.includes({there!r})", timeout=30_000)
    asked = len([r for r in requests if f"/vessels/{receiver}" in r])
    box = page.locator("#map").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector(".maplibregl-popup")
    page.wait_for_timeout(1000)  # a dossier asked again, and the map fitted, would show by now
    assert len([r for r in requests if f"/vessels/{receiver}" in r]) == asked
    assert there in page.url

    page.click("#tabs button[data-tab='claims']")
    page.fill(
        "#claims-text", "Russia delivered 1,000,000 barrels of refined oil to North Korea in 2024."
    )
    page.click("#claims-form button[type='submit']")
    page.wait_for_selector("#claims-out .verdict")
    said = page.text_content("#claims-out .claim p") or ""
    assert "(unattributed)" in said and "null" not in said
    assert errors == []
    page.close()
