"""Delivery chains (docs/chains.md): load at a source port → voyage → STS encounter → DPRK arrival.

Every encounter is a candidate. Its two ships' draughts say who gave and who took; the donor's
last source-port visit and the receiver's next DPRK arrival (or going dark near DPRK) complete
the chain. Partial chains are kept with a lower confidence; each link says why it was accepted.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import Any

from oiltrail.estimate.volume import VolumeEstimate, combine, estimate_cargo
from oiltrail.records import Event, PortRole
from oiltrail.store import Store
from oiltrail.store.chains import replace_chains
from oiltrail.store.reads import count, data_end, track_ends
from oiltrail.trace.direct import direct_chains
from oiltrail.trace.links import Context, Link, find_delivery, find_load
from oiltrail.trace.load import gap_endpoints, load_events, load_hulls, load_ports
from oiltrail.trace.model import TraceParams
from oiltrail.trace.relay import relay_chains
from oiltrail.trace.rows import make_row
from oiltrail.trace.screening import (
    DPRK_FLAG,
    LISTED,
    OTHER,
    POSSIBLE,
    chain_hits,
    chain_risk,
    dprk_flagged,
    flagged_by_mmsi,
    settle_text,
    standing,
)

PARAMS_META_KEY = "chains_params"
MEETINGS = ("encounter", "dark_rendezvous")  # events where cargo may pass between two ships


def trace_chains(store: Store, params: TraceParams | None = None) -> list[dict[str, Any]]:
    """Find delivery chains in the store's events, store them in `chains` and return them.

    Returns:
        One dict per chain: the chain columns (docs/exports.md) and `details` (links, volume,
        screening).
    """
    params = params or TraceParams()
    ctx = build_context(store, params)
    rows = assemble(ctx)
    flagged, note = flagged_by_mmsi(store)
    simulated = store.simulated
    for row in rows:
        _screen(row, flagged, note)
        row["details"]["simulated"] = simulated
    if store.read_only:  # a reading command on a read-only store: chains shown, not saved
        return rows
    replace_chains(store, rows)
    # provenance (docs/store.md): the parameters that produced the stored chains
    store.set_meta(PARAMS_META_KEY, json.dumps(asdict(params), sort_keys=True))
    return rows


def build_context(store: Store, params: TraceParams) -> Context:
    """Read events, hulls, gap end points and track ends for the encounter ships."""
    events = load_events(store)
    ships = {e.mmsi for e in events if e.kind in MEETINGS}
    ships |= {e.other_mmsi for e in events if e.kind in MEETINGS and e.other_mmsi is not None}
    # tankers that visited a source port may sail to DPRK themselves (direct voyages)
    ports = load_ports(store)
    ships |= {
        e.mmsi
        for e in events
        if e.kind == "port_visit" and e.port in ports and ports[e.port].role is PortRole.SOURCE
    }
    gaps = [e for e in events if e.kind == "gap" and e.mmsi in ships]
    return Context(
        events=events,
        hulls=load_hulls(store, ships),
        ports=ports,
        params=params,
        gap_ends=gap_endpoints(store, gaps),
        track_ends=track_ends(store, ships),
        data_end=data_end(store),
    )


def assemble(ctx: Context) -> list[dict[str, Any]]:
    """One chain per encounter that shows a transfer or touches a source or a DPRK port, plus
    direct voyages from a source port to DPRK with no encounter on the way."""
    rows = []
    for enc in ctx.events:
        if enc.kind not in MEETINGS or enc.other_mmsi is None or enc.other_mmsi == enc.mmsi:
            continue
        if not _of_types(enc, ctx.params.ship_types):
            continue
        row = chain_for(ctx, enc)
        if row is not None:
            rows.append(row)
    rows += direct_chains(ctx)
    return relay_chains(rows, ctx.params)


def _of_types(enc: Event, wanted: tuple[str, ...]) -> bool:
    """Every vessel of the event is of a wanted type (an event without types passes)."""
    types = enc.details.get("ship_types")
    if not wanted or not isinstance(types, dict):
        return True
    return all(t in wanted for t in types.values())


def chain_for(ctx: Context, enc: Event) -> dict[str, Any] | None:
    """The chain around one encounter, or None when nothing links it to oil moving to DPRK."""
    assert enc.other_mmsi is not None
    if enc.kind == "dark_rendezvous":
        roles = _dark_transfer(ctx, enc)
        if roles is None:
            return None
    else:
        roles = _transfer(ctx, enc, enc.mmsi, enc.other_mmsi)
    if roles is None:
        roles = _roles_from_ports(ctx, enc)
        if roles is None:
            return None
    donor, receiver, transfer = roles
    load = find_load(ctx, donor, enc.start)
    delivery = find_delivery(ctx, receiver, enc.end)
    if transfer.score < 1.0 and load is None and delivery is None:
        return None
    volume = _volume(ctx, donor, receiver, transfer, load)
    return make_row(
        ctx,
        key=enc.event_id,
        donor=donor,
        receiver=receiver,
        links={"load": load, "transfer": transfer, "delivery": delivery},
        volume=volume,
        encounter=enc,
    )


def _transfer(ctx: Context, enc: Event, a: int, b: int) -> tuple[int, int, Link] | None:
    """(donor, receiver, link) from the draught on each side of the encounter."""
    min_m = ctx.params.min_draught_change_m
    changes = {m: ctx.draught_change(m, enc.start, enc.end) for m in (a, b)}
    moved = {m: c for m, c in changes.items() if c is not None and abs(c[2]) >= min_m}
    ids = [enc.event_id]
    for m in (a, b):
        ids += ctx.draught_events(m, enc.start, enc.end)
    data = {m: c for m, c in changes.items() if c is not None}
    hours = (enc.end - enc.start).total_seconds() / 3600
    met = f"met {hours:.1f} h"
    if len(moved) == 2:
        (m1, c1), (m2, c2) = moved.items()
        if (c1[2] < 0) == (c2[2] < 0):
            return None  # both loaded or both discharged: not a transfer between them
        donor, receiver = (m1, m2) if c1[2] < 0 else (m2, m1)
        why = f"{met}; donor draught {_fmt(data[donor])}, receiver {_fmt(data[receiver])}"
        return donor, receiver, _transfer_link(1.0, ids, why, data, donor, receiver)
    if len(moved) == 1:
        ((m, c),) = moved.items()
        other = b if m == a else a
        donor, receiver = (m, other) if c[2] < 0 else (other, m)
        why = f"{met}; only {m} changed draught ({_fmt(c)})"
        return donor, receiver, _transfer_link(0.7, ids, why, data, donor, receiver)
    return None


def _dark_transfer(ctx: Context, enc: Event) -> tuple[int, int, Link] | None:
    """(donor, receiver, link) of a dark rendezvous whose draughts moved opposite ways: the
    draughts each ship reported before going dark and after reappearing (the event's details)."""
    min_m = ctx.params.min_draught_change_m
    changes: dict[int, tuple[float, float, float]] = {}
    for side in enc.details.get("vessels") or []:
        before, after = side.get("draught_before_m"), side.get("draught_after_m")
        if isinstance(before, int | float) and isinstance(after, int | float):
            changes[int(side["mmsi"])] = (before, after, round(after - before, 2))
    moved = {m: c for m, c in changes.items() if abs(c[2]) >= min_m}
    if len(moved) != 2:
        return None
    (m1, c1), (m2, c2) = moved.items()
    if (c1[2] < 0) == (c2[2] < 0):
        return None
    donor, receiver = (m1, m2) if c1[2] < 0 else (m2, m1)
    overlap = (enc.end - enc.start).total_seconds() / 3600
    why = (
        f"dark together {overlap:.1f} h ({enc.details.get('subtype')}); donor draught "
        f"{_fmt(changes[donor])}, receiver {_fmt(changes[receiver])}"
    )
    ids = [enc.event_id, *(str(v.get("gap_event_id")) for v in enc.details["vessels"])]
    link = _transfer_link(ctx.params.score_dark_transfer, ids, why, changes, donor, receiver)
    return donor, receiver, link


def _roles_from_ports(ctx: Context, enc: Event) -> tuple[int, int, Link] | None:
    """Roles from where each ship came from and went to, when draughts say nothing."""
    assert enc.other_mmsi is not None
    best: tuple[int, int, int] | None = None
    for donor, receiver in ((enc.mmsi, enc.other_mmsi), (enc.other_mmsi, enc.mmsi)):
        score = int(find_load(ctx, donor, enc.start) is not None)
        score += int(find_delivery(ctx, receiver, enc.end) is not None)
        if score and (best is None or score > best[0]):
            best = (score, donor, receiver)
    if best is None:
        return None
    hours = (enc.end - enc.start).total_seconds() / 3600
    why = f"met {hours:.1f} h; no draught change reported, roles from port history"
    return best[1], best[2], _transfer_link(0.4, [enc.event_id], why, {}, best[1], best[2])


def _transfer_link(
    score: float,
    ids: list[str],
    why: str,
    changes: dict[int, tuple[float, float, float]],
    donor: int,
    receiver: int,
) -> Link:
    data: dict[str, Any] = {}
    for role, m in (("donor", donor), ("receiver", receiver)):
        if m in changes:
            before, after, delta = changes[m]
            data[role] = {"draught_before_m": before, "draught_after_m": after, "delta_m": delta}
    return Link("transfer", score, ids, why, data=data)


def _volume(
    ctx: Context, donor: int, receiver: int, transfer: Link, load: Link | None
) -> VolumeEstimate | None:
    """Cargo from the receiver's rise and the donor's fall; else the donor's load at port."""
    min_m = ctx.params.min_draught_change_m
    estimates = []
    for role, mmsi in (("receiver", receiver), ("donor", donor)):
        side = transfer.data.get(role)
        hull = ctx.hulls.get(mmsi)
        if side is None or hull is None or not hull.length_m or not hull.beam_m:
            continue
        if abs(side["delta_m"]) < min_m:
            continue
        basis = f"{role} {mmsi} {side['delta_m']:+.1f} m, {hull.length_m:.0f}×{hull.beam_m:.0f} m"
        estimates.append(estimate_cargo(hull.length_m, hull.beam_m, side["delta_m"], basis))
    if not estimates and load is not None and load.data.get("delta_m", 0) >= min_m:
        hull = ctx.hulls.get(donor)
        if hull is not None and hull.length_m and hull.beam_m:
            basis = (
                f"donor {donor} loaded {load.data['delta_m']:+.1f} m at {load.place} (upper bound)"
            )
            estimates.append(
                estimate_cargo(hull.length_m, hull.beam_m, load.data["delta_m"], basis)
            )
    return combine(estimates)


def _screen(row: dict[str, Any], flagged: dict[int, dict[str, Any]], note: str) -> None:
    """Screen every ship of the chain, relays too (`chain_hits`), and raise its risk by each."""
    hits = chain_hits(row, flagged)
    row["details"]["screening"] = {"note": note, "flagged": hits}
    row["details"]["risk"] = chain_risk(row["confidence"], hits)


def _fmt(change: tuple[float, float, float]) -> str:
    return f"{change[0]} → {change[1]} m ({change[2]:+.1f})"


def trace_summary(store: Store, rows: list[dict[str, Any]]) -> str:
    """One line for the CLI: how many chains, how complete, and what is missing."""
    if not rows:
        if not count(store, "events"):
            return "no chains: the store has no events (run `oiltrail detect` first)"
        return "no chains: no encounter shows a transfer or links a source port to DPRK"
    full = sum(1 for r in rows if not r["details"]["missing"])
    volume = sum(1 for r in rows if r["barrels_mid"] is not None)
    note = rows[0]["details"]["screening"]["note"]
    line = f"{len(rows)} chain(s), {full} complete, {volume} with a volume; {note}"
    line += flagged_summary(rows)
    if store.simulated:
        line = "SIMULATED DATA: " + line
    return line


def flagged_summary(rows: list[dict[str, Any]]) -> str:
    """What the chains' flagged ships are, each group with its chains: listed only where a list
    entry matches (docs/screening.md); a DPRK flag or a possible match is a risk reason, said as
    such, a possible match with what would settle it."""
    groups: dict[str, dict[str, str]] = {LISTED: {}, DPRK_FLAG: {}, POSSIBLE: {}, OTHER: {}}
    chains: dict[str, set[str]] = {k: set() for k in groups}
    for r in rows:
        for hit in r["details"]["screening"]["flagged"]:
            kind = standing(hit)
            name = str(hit.get("name") or hit.get("mmsi"))
            notes = []
            if kind == POSSIBLE:
                if dprk_flagged(hit):
                    notes.append("DPRK-flagged")
                notes.append(settle_text(hit) or "see `trace --detail`")
            groups[kind][name] = f"{name} ({'; '.join(notes)})" if notes else name
            chains[kind].add(str(r["chain_id"]))
    what = {
        LISTED: "listed ships (a list entry matches)",
        DPRK_FLAG: "DPRK-flagged ships (MMSI MID 445) with no list match",
        POSSIBLE: "possible list matches, not listed until settled",
        OTHER: "flagged ships with no list match",
    }
    line = ""
    for kind, names in groups.items():
        if names:
            shown = ", ".join(names[n] for n in sorted(names))
            line += f"; {len(chains[kind])} chain(s) involve {what[kind]}: {shown}"
    return line


def chains_json(rows: list[dict[str, Any]]) -> str:
    """Chains with their details (why each link was accepted, volume, screening) as JSON."""
    return json.dumps(rows, indent=2, ensure_ascii=False, default=_plain) + "\n"


def _plain(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)
