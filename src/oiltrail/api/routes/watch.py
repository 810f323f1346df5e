"""GET/PUT /watchlist and GET /alerts?since=: what an analyst watches, and what is new about
it. The watchlist is kept beside the store (`<db>.watchlist.json`): the server never writes
to the store itself (docs/serve.md)."""

from __future__ import annotations

import json
import os
import threading
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request

from oiltrail.api.deps import read_store
from oiltrail.api.models import AlertsOut, Watchlist
from oiltrail.api.params import parse_time
from oiltrail.records import chain_vessels, iso_utc
from oiltrail.store import Store

router = APIRouter(tags=["watchlist"])
StoreDep = Annotated[Store, Depends(read_store)]
_LOCK = threading.Lock()
MAX_SCREENED = 50  # watched vessels screened anew for an alert request


def watchlist_path(db: Path) -> Path:
    return db.with_name(db.name + ".watchlist.json")


def read_watchlist(db: Path) -> Watchlist:
    path = watchlist_path(db)
    if not path.exists():
        return Watchlist()
    try:
        return Watchlist.model_validate_json(path.read_text(encoding="utf-8"))
    except ValueError:  # a damaged file: an empty list rather than a broken app
        return Watchlist()


@router.get("/watchlist", response_model=Watchlist)
def get_watchlist(request: Request) -> Watchlist:
    return read_watchlist(request.app.state.config.db)


@router.put("/watchlist", response_model=Watchlist)
def put_watchlist(
    request: Request, store: StoreDep, body: Annotated[Watchlist, Body()]
) -> Watchlist:
    """Replace the watchlist (saved with mode 0600, atomically). A vessel watched from now on
    alerts on events the store did not have yet (its present events are noted now)."""
    from oiltrail.api.alerts import new_events

    clean = Watchlist(
        vessels=sorted({v for v in body.vessels if 0 <= v <= 999_999_999}),
        entities=sorted({e.strip()[:200] for e in body.entities if e.strip()}),
    )
    db = request.app.state.config.db
    path = watchlist_path(db)
    tmp = path.with_suffix(".tmp")
    with _LOCK:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(json.dumps(clean.model_dump()))
        os.replace(tmp, path)
        new_events(store, db, list(_watched_mmsis(store, clean)))
    return clean


def _watched_mmsis(store: Store, watched: Watchlist) -> dict[int, str]:
    """The watched vessels, and the AIS vessels of the watched entities (their entity id)."""
    from oiltrail.store.vessel_reads import mmsis_of_entities

    mmsis = dict.fromkeys(watched.vessels, "")
    for m, eid in mmsis_of_entities(store, watched.entities).items():
        mmsis.setdefault(m, eid)
    return mmsis


@router.get("/alerts", response_model=AlertsOut)
def alerts(
    request: Request,
    store: StoreDep,
    since: Annotated[str | None, Query(max_length=40, description="ISO 8601 UTC")] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> dict[str, Any]:
    """New events, chains and list entries about watched vessels and entities since `since`
    (default: since each was watched): events the store did not have when the vessel was
    watched, by when they were first seen; chains by the last trace; list hits by when the
    list entry was loaded."""
    from oiltrail.api.alerts import new_events
    from oiltrail.graph.dossier import screening
    from oiltrail.store.chains import TRACED_META_KEY, read_chains
    from oiltrail.store.reads import latest_names
    from oiltrail.store.vessel_reads import lists_loaded_since

    after = parse_time(since, "since") if since else datetime(1990, 1, 1)
    assert after is not None
    db = request.app.state.config.db
    watched = read_watchlist(db)
    mmsis = _watched_mmsis(store, watched)
    names = latest_names(store, list(mmsis))
    items: list[dict[str, Any]] = []
    since_iso = iso_utc(after) or ""
    with _LOCK:
        fresh = new_events(store, db, list(mmsis))
    for e in fresh:
        if e["added"] <= since_iso:
            continue
        who = e["mmsi_watched"]
        items.append(
            {
                "kind": "event",
                "added": e["added"],
                "mmsi": who,
                "what": f"{e['kind']} of {names.get(who, who)} from {e['start']}"
                + (f" at {e['port']}" if e["port"] else ""),
                "ref": e["event_id"],
            }
        )
    traced = store.get_meta(TRACED_META_KEY)
    if traced and datetime.fromisoformat(traced) > after:
        for c in read_chains(store) or []:
            for m, role in chain_vessels(c):  # donor, relays, receiver
                if m in mmsis:
                    items.append(
                        {
                            "kind": "chain",
                            "added": iso_utc(datetime.fromisoformat(traced)),
                            "mmsi": m,
                            "what": f"chain {c['source_port']} → {c['destination']} "
                            f"({c['barrels_mid'] or 0:,.0f} bbl mid) with {names.get(m, m)} "
                            f"({role})",
                            "ref": c["chain_id"],
                        }
                    )
    for m in list(mmsis)[:MAX_SCREENED]:
        hits = [h["entity_id"] for h in screening(store, m)[1] if h["match"]]
        for entry in lists_loaded_since(store, after, hits):
            items.append(
                {
                    "kind": "screening",
                    "added": entry["added"],
                    "mmsi": m,
                    "what": f"{names.get(m, m)} matches {entry['caption']} "
                    f"({'; '.join(entry['datasets'])})",
                    "ref": entry["entity_id"],
                }
            )
    items.sort(key=lambda a: a["added"] or "", reverse=True)
    return {"since": iso_utc(after), "total": len(items), "items": items[:limit]}
