"""The report's map draws a chain's relay tankers (`relay_mmsi`) as vessels in a chain, like its
donor and receiver (docs/chains.md): in colour, above the rest. The fixture's demo-like store,
its first chain made a relay chain through two background ships; the rendered HTML is read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from oiltrail.report.html import write_report
from oiltrail.store import Store
from oiltrail.store.chains import read_chains, replace_chains

RELAYS = (440100005, 440100006)  # background ships: in no encounter, on no list
BYSTANDER = 440100007  # another background ship, in no chain


def _track_classes(html: str) -> dict[int, str]:
    tracks = html.split('data-layer="tracks">')[1].split('<g class="layer ports"')[0]
    found = re.findall(r'<g class="(track[^"]*)" data-mmsi="(\d+)">', tracks)
    return {int(mmsi): cls for cls, mmsi in found}


@pytest.mark.usefixtures("fake_stages")
def test_a_chains_relays_are_drawn_as_vessels_in_a_chain(demo_store: Store, tmp_path: Path) -> None:
    chains = read_chains(demo_store) or []
    assert chains and all(not c["relay_mmsi"] for c in chains)
    before = _track_classes(write_report(demo_store, tmp_path / "a.html", []).read_text())
    assert all(before[m] == "track" for m in (*RELAYS, BYSTANDER))  # not yet in a chain

    chains[0] = {**chains[0], "relay_mmsi": ";".join(str(m) for m in RELAYS)}
    replace_chains(demo_store, chains)
    html = write_report(demo_store, tmp_path / "b.html", []).read_text()
    classes = _track_classes(html)
    assert all(classes[m] == "track hot" for m in RELAYS)
    assert classes[BYSTANDER] == "track"
    assert classes[chains[0]["donor_mmsi"]] == classes[chains[0]["receiver_mmsi"]] == "track hot"
    # drawn above the calm tracks: after every one of them
    order = list(classes)
    assert min(order.index(m) for m in RELAYS) > order.index(BYSTANDER)
