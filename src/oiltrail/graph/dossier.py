"""A vessel's dossier (`oiltrail vessel`, `GET /vessels/{mmsi}`; docs/serve.md): identities over
time, its track's extent, events, list hits with reasons, ownership paths, chains, public links.

Reads only: every query is parameterised, and a read-only store is enough (its lists must be
loaded; the bundled watchlist is loaded into a writable one).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from oiltrail.ais.schema import EVENT_COLUMNS
from oiltrail.errors import NotFoundError, UsageError
from oiltrail.graph.build import get_graph
from oiltrail.graph.fleet import _best_hit, _vessel_queries, _vessel_row
from oiltrail.graph.query import graph_paths
from oiltrail.records import DossierIdentity, chain_vessels, iso_utc
from oiltrail.screen.index import get_index
from oiltrail.screen.match import SCREEN_COLUMNS, screen_many_decided
from oiltrail.screen.watchlist import ensure_lists
from oiltrail.store import Store
from oiltrail.store import vessel_reads as reads
from oiltrail.store.chains import CHAIN_COLUMNS, read_chains
from oiltrail.store.vessel_reads import like_pattern

if TYPE_CHECKING:
    from rich.console import Console

MAX_QUERY_CHARS = 200
_MMSI = re.compile(r"^\s*(\d{9})\s*$")
_IMO = re.compile(r"^\s*(?:IMO[\s:#-]*)?(\d{7})\s*$", re.IGNORECASE)


def search_vessels(
    store: Store,
    q: str = "",
    limit: int = 50,
    offset: int = 0,
    box: tuple[float, float, float, float] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> tuple[int, list[dict[str, Any]]]:
    """Vessels whose MMSI, IMO or any name (any case) contains `q` (all when empty): the total
    and one page of rows (`SEARCH_COLUMNS`), by MMSI."""
    q = q.strip()
    if len(q) > MAX_QUERY_CHARS:
        raise UsageError(f"query is {len(q)} characters: at most {MAX_QUERY_CHARS}")
    if _IMO.match(q):
        q = q.upper().removeprefix("IMO").strip(" :#-")
    pattern = like_pattern(q) if q else None
    return reads.search_vessels(store, pattern, limit, offset, box, start, end)


def resolve_vessel(store: Store, text: str) -> int:
    """The MMSI that `text` (an MMSI, IMO1234567 or 7 digits, or a name) names in the store.

    A name or IMO several vessels used is refused with their MMSIs (give one of them)."""
    if m := _MMSI.match(text):
        mmsi = int(m.group(1))
        if not reads.mmsi_seen(store, mmsi):
            raise NotFoundError(f"MMSI {mmsi} is not in the store")
        return mmsi
    if m := _IMO.match(text):
        found, what = reads.mmsis_with(store, imo=int(m.group(1))), f"IMO {m.group(1)}"
    else:
        if not text.strip() or len(text) > MAX_QUERY_CHARS:
            raise UsageError("give an MMSI (9 digits), an IMO number (IMO1234567) or a name")
        found, what = reads.mmsis_with(store, name=text.strip()), f"name {text.strip()!r}"
    if not found:
        raise NotFoundError(f"no vessel with {what} in the store (search: `oiltrail vessels`)")
    if len(found) > 1:
        listed = ", ".join(str(m) for m in found[:10])
        raise UsageError(f"{what} was used by {len(found)} vessels (MMSI {listed}): give one MMSI")
    return found[0]


def vessel_chains(store: Store, mmsi: int) -> list[dict[str, Any]]:
    """Stored chains the vessel is a donor, relay or receiver of (`trace` writes them)."""
    out = []
    for c in read_chains(store) or []:
        if mmsi in (m for m, _ in chain_vessels(c)):
            row = {k: c[k] for k in CHAIN_COLUMNS}
            row["load_start"], row["arrival"] = iso_utc(row["load_start"]), iso_utc(row["arrival"])
            out.append(row)
    return out


def screening(
    store: Store, mmsi: int, threshold: float = 0.7
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The vessel's list hits over every name and IMO it used (best per entity, best first),
    and the fleet row of its best hit (risk, path)."""
    vessel = reads.vessel_names_imos(store, mmsi)
    index = get_index(store)
    hits = screen_many_decided(index, _vessel_queries(vessel), 5, 0.5, threshold)
    best: dict[str, dict[str, Any]] = {}
    for query_hits in hits:
        for h in ({c: d[c] for c in SCREEN_COLUMNS} for d in query_hits):
            if h["entity_id"] not in best or best[h["entity_id"]]["score"] < h["score"]:
                best[h["entity_id"]] = h
    ranked = sorted(best.values(), key=lambda h: (-h["score"], h["entity_id"]))
    fleet_row = _vessel_row(store, vessel, _best_hit(hits), get_graph(store))
    return fleet_row, ranked


@lru_cache(maxsize=4096)
def _links_for(name: str) -> list[dict[str, Any]]:
    """What the bundled public record links to this name (the record never changes)."""
    from oiltrail.network import links_for
    from oiltrail.record import bundled_record

    return links_for(bundled_record(), name)


def dossier(store: Store, text: str) -> dict[str, Any]:
    """The dossier of the vessel `text` names (see `resolve_vessel`)."""
    ensure_lists(store)
    mmsi = resolve_vessel(store, text)
    ids = reads.vessel_identities(store, mmsi)
    fleet_row, hits = screening(store, mmsi)
    paths: list[dict[str, Any]] = []
    if fleet_row["entity_id"] and fleet_row["status"] == "match":  # not a possible match
        paths = graph_paths(store, fleet_row["entity_id"])
    names = sorted({str(i["name"]) for i in ids if i["name"]})
    links: list[dict[str, Any]] = []
    for name in names:
        links += [x for x in _links_for(name) if x not in links]
    return {
        "mmsi": mmsi,
        "name": fleet_row["name"],
        "imo": fleet_row["imo"],
        "risk": fleet_row["risk"],
        "risk_path": fleet_row["path"],
        "risk_reasons": fleet_row["reasons"],
        "simulated": store.simulated,
        "identities": ids,
        "track": reads.track_extent(store, mmsi),
        "events": reads.events_matching(store, mmsi=mmsi, limit=10**6)[1],
        "screening": hits,
        "paths": paths,
        "chains": vessel_chains(store, mmsi),
        "links": links,
    }


DOSSIER_ROW_COLUMNS = ("section", "index", "field", "value")
DOSSIER_SECTIONS = ("identities", "events", "screening", "paths", "chains", "links")


def dossier_rows(found: dict[str, Any]) -> list[dict[str, Any]]:
    """The dossier as rows of (section, index, field, value), every value of its JSON once
    (`oiltrail vessel --format csv`): the vessel's own fields, its track's, then each item of
    each section, numbered from 0 (lists and objects as JSON text)."""
    rows: list[dict[str, Any]] = []
    for field, value in found.items():
        if field != "track" and field not in DOSSIER_SECTIONS:
            rows.append({"section": "vessel", "index": 0, "field": field, "value": value})
    for field, value in (found.get("track") or {}).items():
        rows.append({"section": "track", "index": 0, "field": field, "value": value})
    for section in DOSSIER_SECTIONS:
        for index, item in enumerate(found.get(section) or []):
            for field, value in item.items():
                rows.append({"section": section, "index": index, "field": field, "value": value})
    return rows


def print_dossier(found: dict[str, Any], target: Console | None = None) -> None:
    """The dossier as tables, section by section (`oiltrail vessel`), to the terminal or to
    `target` (a file's console)."""
    from oiltrail.render import console as terminal
    from oiltrail.render import emit

    console = target or terminal

    def table(rows: list[dict[str, Any]], columns: Sequence[str], title: str) -> None:
        emit(rows, columns, "table", title=title, target=target)

    head = f"{found['name'] or '(no name)'} — MMSI {found['mmsi']}"
    if found["imo"]:
        head += f", IMO {found['imo']}"
    console.print(head, highlight=False, markup=False)
    console.print(
        f"risk {found['risk']:.2f}: {found['risk_path'] or found['risk_reasons'] or 'no list hit'}",
        highlight=False,
        markup=False,
    )
    if found["simulated"]:
        console.print("[bold red]SIMULATED DATA[/bold red]: not real ships")
    track = found["track"]
    console.print(
        f"track: {track['positions']} positions, {track['first']} .. {track['last']}",
        highlight=False,
    )
    table(found["identities"], DossierIdentity.COLUMNS, "identities")
    events = [{**e, "details": ""} for e in found["events"]]
    table(events, [c for c in EVENT_COLUMNS if c != "details"], "events")
    hit_cols = ("entity_id", "name", "schema", "score", "match", "lists", "reasons")
    table(found["screening"], hit_cols, "list hits")
    if found["paths"]:
        table(found["paths"], ("hops", "sanctioned", "lists", "risk", "path"), "ownership paths")
    if found["chains"]:
        cols = (
            "chain_id",
            "source_port",
            "load_start",
            "donor_mmsi",
            "relay_mmsi",
            "receiver_mmsi",
            "destination",
            "arrival",
            "barrels_mid",
            "confidence",
        )
        table(found["chains"], cols, "chains")
    for link in found["links"]:
        console.print(
            f"link: {link.get('stage')}: {link.get('from')} -> {link.get('to')} "
            f"({link.get('role')}) — {link.get('source')}",
            highlight=False,
            markup=False,
        )
