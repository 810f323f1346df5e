"""Which events of the watched vessels are new (docs/serve.md, "Alerts").

A detect run rewrites a vessel's events (each keeps its id: kind, vessels and start), so the
run that wrote a row does not tell a new event from an old one. The server keeps, beside the
store in `<db>.alerts.json` (mode 0600; it never writes the store itself), the ids of each
watched vessel's events: those it had when it was watched (never an alert), and each one seen
later with the time it was first seen (the finish time of the detect run that wrote it, or
the time the server saw it). An alert is an event first seen after the vessel was watched.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from oiltrail.records import iso_utc
from oiltrail.store import Store
from oiltrail.store.vessel_reads import events_of_vessels

_LOCK = threading.Lock()
State = dict[str, dict[str, Any]]  # MMSI (text) -> {"watched_at": ISO, "known": {id: ISO|None}}


def state_path(db: Path) -> Path:
    return db.with_name(db.name + ".alerts.json")


def _load(db: Path) -> State:
    try:
        found = json.loads(state_path(db).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # none yet, or damaged: vessels are watched from now on
        return {}
    vessels = found.get("vessels") if isinstance(found, dict) else None
    return vessels if isinstance(vessels, dict) else {}


def _save(db: Path, state: State) -> None:
    path = state_path(db)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(json.dumps({"vessels": state}, separators=(",", ":")))
    os.replace(tmp, path)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_events(store: Store, db: Path, mmsis: list[int]) -> list[dict[str, Any]]:
    """The events of these watched vessels first seen after each was watched, with `mmsi`
    (the watched party) and `added` (when first seen). A vessel not watched before is
    watched from now: its events so far are known, not new. Vessels no longer watched are
    forgotten (watched again, they start anew)."""
    events = events_of_vessels(store, mmsis)
    with _LOCK:
        state = _load(db)
        changed = False
        for gone in set(state) - {str(m) for m in mmsis}:
            del state[gone]
            changed = True
        out: list[dict[str, Any]] = []
        for m in mmsis:
            mine = [e for e in events if m in (e["mmsi"], e["other_mmsi"])]
            entry = state.get(str(m))
            if entry is None:
                state[str(m)] = {"watched_at": _now(), "known": {e["event_id"]: None for e in mine}}
                changed = True
                continue
            known: dict[str, str | None] = entry["known"]
            for e in mine:
                if e["event_id"] not in known:
                    known[e["event_id"]] = iso_utc(e["written"]) or _now()
                    changed = True
                first = known[e["event_id"]]
                if first is not None:
                    out.append({**e, "mmsi_watched": m, "added": first})
        if changed:
            _save(db, state)
    unique: dict[str, dict[str, Any]] = {}  # an event of two watched vessels is one alert
    for e in out:
        unique.setdefault(e["event_id"], e)
    return list(unique.values())
