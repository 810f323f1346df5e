"""Ground truth by the definitions of docs/events.md, over the emitted rows (see __init__)."""

from __future__ import annotations

import hashlib
import itertools
import json
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from oiltrail.geodesy import haversine_m
from oiltrail.simulate.emit import Rows
from oiltrail.simulate.fleet import Vessel
from oiltrail.simulate.geo import load_ports
from oiltrail.simulate.relay_story import RelayChain
from oiltrail.simulate.story import BARRELS_PER_TONNE, Chain

PORT_RADIUS_M = 5_000.0  # port radius, docs/events.md
STOP_KN = 0.5  # docs/events.md: a port visit needs one position under 0.5 kn
LOITER_KN, LOITER_MIN_S, LOITER_PORT_M = 2.0, 4 * 3600.0, 37_040.0  # 20 nm
ENC_MIN_S, ENC_PORT_M = 2 * 3600.0, 10_000.0
GAP_MIN_S = 12 * 3600.0
DRAUGHT_MIN_M = 0.5


def iso(start: datetime, t_s: float) -> str:
    return (start + timedelta(seconds=float(t_s))).strftime("%Y-%m-%dT%H:%M:%SZ")


def event_id(kind: str, mmsi: int, other: int | None, start_iso: str) -> str:
    """First 16 hex chars of sha256("kind|mmsi|other_mmsi|start_iso"), other empty when None."""
    key = f"{kind}|{mmsi}|{'' if other is None else other}|{start_iso}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


class Truth:
    """Collects events; `rows()` gives them in the event export columns (docs/events.md)."""

    def __init__(self, start: datetime, pos: Rows) -> None:
        self.start = start
        self.events: list[dict[str, Any]] = []
        order = np.lexsort((pos.cols["t"], pos.cols["mmsi"]))
        self.pos = pos.take(order)
        mm = self.pos.cols["mmsi"]
        bounds = np.flatnonzero(np.diff(mm.astype(np.int64))) + 1
        starts = np.concatenate([[0], bounds])
        ends = np.concatenate([bounds, [mm.size]])
        self.by_mmsi = {
            int(mm[a]): (int(a), int(b)) for a, b in zip(starts, ends, strict=True) if b > a
        }

    def stream(self, mmsi: int) -> Rows:
        a, b = self.by_mmsi.get(mmsi, (0, 0))
        return Rows({k: v[a:b] for k, v in self.pos.cols.items()})

    def add(
        self,
        kind: str,
        mmsi: int,
        start_s: float,
        end_s: float,
        *,
        other: int | None = None,
        port: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        if other is not None and other < mmsi:
            mmsi, other = other, mmsi
        lat, lon = self._mean(mmsi, other, start_s, end_s)
        s_iso = iso(self.start, start_s)
        ev = {
            "event_id": event_id(kind, mmsi, other, s_iso),
            "kind": kind,
            "mmsi": mmsi,
            "other_mmsi": other,
            "start": s_iso,
            "end": iso(self.start, end_s),
            "lat": round(lat, 6),
            "lon": round(lon, 6),
            "port": port,
            "details": details or {},
            "start_s": start_s,
            "end_s": end_s,
        }
        self.events.append(ev)
        return ev

    def _mean(self, mmsi: int, other: int | None, t0: float, t1: float) -> tuple[float, float]:
        lats, lons = [], []
        for m in (mmsi, other):
            if m is None:
                continue
            s = self.stream(m)
            t = s.cols["t"]
            sel = (t >= t0) & (t <= t1)
            if not sel.any():
                sel = np.abs(t - t0) == np.abs(t - t0).min()
            lats.append(s.cols["lat"][sel])
            lons.append(s.cols["lon"][sel])
        return float(np.concatenate(lats).mean()), float(np.concatenate(lons).mean())

    def rows(self) -> list[dict[str, Any]]:
        out = sorted(self.events, key=lambda e: (e["start"], e["kind"], e["mmsi"]))
        return [
            {
                **{k: e[k] for k in e if not k.endswith("_s")},
                "details": json.dumps(e["details"], sort_keys=True),
            }
            for e in out
        ]


def _run_edge(s: Rows, i: int, step: int, plat: float, plon: float) -> int:
    """Walk from row `i` by `step` while the next row stays inside the port radius."""
    lat, lon = s.cols["lat"], s.cols["lon"]
    n = lat.shape[0]
    while True:
        lo, hi = (i + 1, min(i + 65, n)) if step > 0 else (max(i - 64, 0), i)
        if lo >= hi:
            return i
        inside = haversine_m(lat[lo:hi], lon[lo:hi], plat, plon) <= PORT_RADIUS_M
        seq = inside if step > 0 else inside[::-1]
        run = int(np.argmin(seq)) if not seq.all() else seq.size
        i = i + step * run
        if run < seq.size:
            return i


def _phase_rows(s: Rows, vid: int) -> tuple[np.ndarray, np.ndarray]:
    sel = np.flatnonzero(s.cols["vid"] == vid)
    return sel, s.cols["phase"][sel]


def port_visits(truth: Truth, vessels: list[Vessel]) -> dict[tuple[int, int], dict[str, Any]]:
    """Every emitted berth stay: first to last position within 5 km of the port (per MMSI)."""
    ports = load_ports()
    found: dict[tuple[int, int], dict[str, Any]] = {}
    seen: dict[tuple[int, float], dict[str, Any]] = {}
    for v in vessels:
        for mmsi in {i[1] for i in v.identities}:
            s = truth.stream(mmsi)
            sel, phase = _phase_rows(s, v.vid)
            t, sog = s.cols["t"], s.cols["sog"]
            for k, ph in enumerate(v.track.phases):
                if ph.kind != "port" or ph.port is None:
                    continue
                mine = sel[np.searchsorted(phase, k) : np.searchsorted(phase, k, side="right")]
                if mine.size == 0:
                    continue
                pi = ports.index(ph.port)
                plat, plon = float(ports.lat[pi]), float(ports.lon[pi])
                a = _run_edge(s, int(mine[0]), -1, plat, plon)
                b = _run_edge(s, int(mine[-1]), 1, plat, plon)
                if not (sog[a : b + 1] < STOP_KN).any():
                    continue
                key = (mmsi, float(t[a]))
                if key not in seen:
                    d = {"positions": b - a + 1, "duration_h": round((t[b] - t[a]) / 3600, 3)}
                    seen[key] = truth.add(
                        "port_visit", mmsi, float(t[a]), float(t[b]), port=ph.port, details=d
                    )
                found[(v.vid, k)] = seen[key]
    return found


def loitering(truth: Truth, vessels: list[Vessel]) -> None:
    """Runs of consecutive drift phases: slow at sea; kept when >= 4 h and >= 20 nm from ports."""
    ports = load_ports()
    for v in vessels:
        phases = v.track.phases
        k = 0
        while k < len(phases):
            if phases[k].kind != "drift":
                k += 1
                continue
            group = [k]
            while group[-1] + 1 < len(phases) and phases[group[-1] + 1].kind == "drift":
                group.append(group[-1] + 1)
            k = group[-1] + 1
            for mmsi in {i[1] for i in v.identities}:
                s = truth.stream(mmsi)
                sel = (s.cols["vid"] == v.vid) & np.isin(s.cols["phase"], group)
                if sel.sum() < 2:
                    continue
                t = s.cols["t"][sel]
                if t[-1] - t[0] < LOITER_MIN_S:
                    continue
                dist = ports.min_distance_m(s.cols["lat"][sel], s.cols["lon"][sel])
                if dist.min() < LOITER_PORT_M:
                    continue
                d = {
                    "duration_h": round((t[-1] - t[0]) / 3600, 3),
                    "positions": int(sel.sum()),
                    "median_speed_knots": float(np.median(s.cols["sog"][sel])),
                    "min_port_distance_m": round(float(dist.min())),
                }
                truth.add("loitering", mmsi, float(t[0]), float(t[-1]), details=d)


def encounters(truth: Truth, chains: list[Chain]) -> dict[int, dict[str, Any]]:
    """Each STS transfer: the span where both ships report in their alongside phase."""
    out: dict[int, dict[str, Any]] = {}
    for c in chains:
        enc = sts_encounter(truth, c.donor, c.receiver, f"sts:{c.no}")
        if enc is not None:
            out[c.no] = enc
    return out


def sts_encounter(truth: Truth, a_v: Vessel, b_v: Vessel, label: str) -> dict[str, Any] | None:
    """The encounter of two ships alongside in their phases labelled `label`, or None when it
    falls short of the definition (docs/events.md)."""
    ports = load_ports()
    parts = []
    for v in (a_v, b_v):
        k = next(i for i, p in enumerate(v.track.phases) if p.label == label)
        s = truth.stream(v.mmsi)
        sel = (s.cols["vid"] == v.vid) & (s.cols["phase"] == k)
        parts.append(s.take(np.flatnonzero(sel)))
    if not all(len(p) for p in parts):
        return None  # alongside after the end of the scenario
    t0 = max(float(p.cols["t"][0]) for p in parts)
    t1 = min(float(p.cols["t"][-1]) for p in parts)
    a, b = parts
    j = np.clip(np.searchsorted(b.cols["t"], a.cols["t"]), 0, len(b) - 1)
    sep = haversine_m(a.cols["lat"], a.cols["lon"], b.cols["lat"][j], b.cols["lon"][j])
    dist = ports.min_distance_m(
        np.concatenate([a.cols["lat"], b.cols["lat"]]),
        np.concatenate([a.cols["lon"], b.cols["lon"]]),
    )
    if t1 - t0 < ENC_MIN_S or dist.min() < ENC_PORT_M or np.median(sep) > 500:
        return None
    d = {
        "duration_h": round((t1 - t0) / 3600, 3),
        "median_distance_m": round(float(np.median(sep)), 1),
        "max_distance_m": round(float(sep.max()), 1),
        "sts": True,
    }
    return truth.add("encounter", a_v.mmsi, t0, t1, other=b_v.mmsi, details=d)


def gaps(truth: Truth, visits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Silences >= 12 h between consecutive positions of one MMSI, neither inside a port visit."""
    spans: dict[int, list[tuple[float, float]]] = {}
    for e in visits:
        spans.setdefault(e["mmsi"], []).append((e["start_s"], e["end_s"]))
    out = []
    for mmsi in truth.by_mmsi:
        t = truth.stream(mmsi).cols["t"]
        for i in np.flatnonzero(np.diff(t) >= GAP_MIN_S):
            a, b = float(t[i]), float(t[i + 1])
            if any(s <= a <= e or s <= b <= e for s, e in spans.get(mmsi, [])):
                continue
            d = {"duration_h": round((b - a) / 3600, 3)}
            out.append(truth.add("gap", mmsi, a, b, details=d))
    return out


def static_changes(truth: Truth, st: Rows) -> None:
    """Draught and identity changes between consecutive static reports."""
    if not len(st):
        return
    order = np.lexsort((st.cols["t"], st.cols["mmsi"]))
    s = st.take(order)
    mm, t = s.cols["mmsi"], s.cols["t"]
    same = mm[1:] == mm[:-1]
    for i in np.flatnonzero(same):
        d0, d1 = float(s.cols["draught"][i]), float(s.cols["draught"][i + 1])
        delta = round(d1 - d0, 1)
        if abs(delta) >= DRAUGHT_MIN_M - 1e-9:
            truth.add(
                "draught_change",
                int(mm[i]),
                float(t[i + 1]),
                float(t[i + 1]),
                details={
                    "delta_m": delta,
                    "before_m": d0,
                    "after_m": d1,
                    "previous_report": iso(truth.start, float(t[i])),
                },
            )
        changed = [f for f in ("name", "imo", "callsign") if s.cols[f][i] != s.cols[f][i + 1]]
        if changed:
            truth.add(
                "identity_change",
                int(mm[i]),
                float(t[i + 1]),
                float(t[i + 1]),
                details={
                    "change": "same_mmsi",
                    "previous_report": iso(truth.start, float(t[i])),
                    "fields": changed,
                    "old": {f: _plain(s.cols[f][i]) for f in changed},
                    "new": {f: _plain(s.cols[f][i + 1]) for f in changed},
                },
            )
    imo = s.cols["imo"]
    by_time = np.lexsort((t, imo))
    # a handover: the new MMSI's first report of the IMO, the old MMSI's last one before it
    first: dict[tuple[int, int], float] = {}
    last: dict[tuple[int, int], float] = {}
    for i in by_time.tolist():
        key = (int(imo[i]), int(mm[i]))
        first.setdefault(key, float(t[i]))
        last[key] = float(t[i])
    for a, b in itertools.pairwise(by_time):
        old_done = last[(int(imo[a]), int(mm[a]))] <= float(t[b])
        new_first = first[(int(imo[b]), int(mm[b]))] == float(t[b])
        if imo[a] != 0 and imo[a] == imo[b] and mm[a] != mm[b] and old_done and new_first:
            truth.add(
                "identity_change",
                int(mm[b]),
                float(t[b]),
                float(t[b]),
                details={
                    "change": "same_imo_new_mmsi",
                    "imo": int(imo[a]),
                    "old_mmsi": int(mm[a]),
                    "new_mmsi": int(mm[b]),
                    "previous_report": iso(truth.start, float(t[a])),
                },
            )


def _plain(x: Any) -> Any:
    return int(x) if isinstance(x, np.integer) else x


def _draught_after(
    drafts: list[dict[str, Any]], mmsi: int, t: float, sign: int
) -> dict[str, Any] | None:
    """The vessel's first draught change of sign `sign` at or after `t`."""
    c = [
        e
        for e in drafts
        if e["mmsi"] == mmsi and e["end_s"] >= t and np.sign(e["details"]["delta_m"]) == sign
    ]
    return min(c, key=lambda e: e["end_s"]) if c else None


def chain_rows(
    truth: Truth,
    chains: list[Chain],
    visits: dict[tuple[int, int], dict[str, Any]],
    encs: dict[int, dict[str, Any]],
    gap_events: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """True delivery chains: the chain columns (docs/exports.md), cargo_tonnes, cargo_barrels."""
    drafts = [e for e in truth.events if e["kind"] == "draught_change"]

    def draught_after(mmsi: int, t: float, sign: int) -> dict[str, Any] | None:
        return _draught_after(drafts, mmsi, t, sign)

    rows = []
    for c in chains:
        load = visits.get((c.donor.vid, c.load_phase))
        enc = encs.get(c.no)
        if load is None or enc is None:
            continue
        ev = [
            load,
            draught_after(c.donor.mmsi, load["start_s"], 1),
            enc,
            draught_after(c.donor.mmsi, c.sts_end_s, -1),
            draught_after(c.receiver.mmsi, c.sts_end_s, 1),
        ]
        if c.variant == "dark":
            g = [
                e
                for e in gap_events
                if e["mmsi"] == c.receiver.mmsi
                and e["start_s"] <= c.dark_s[0] + 1
                and e["end_s"] >= c.dark_s[1] - 1
            ]
            if not g:
                continue
            dest, arrival, last = "dark near DPRK", g[0]["end"], g[0]
        else:
            visit = visits.get((c.receiver.vid, c.dest_phase))
            if visit is None:
                continue
            dest, arrival, last = c.dprk_port, visit["start"], visit
            if c.variant == "dark_nampo":
                ev += [
                    e
                    for e in gap_events
                    if e["mmsi"] == c.receiver.mmsi and abs(e["start_s"] - c.dark_s[0]) < 600
                ]
        ev += [last, draught_after(c.receiver.mmsi, last["start_s"], -1)]
        key = f"chain|{c.donor.mmsi}|{c.receiver.mmsi}|{load['start']}"
        rows.append(
            _chain_row(
                key,
                c.source_port,
                load,
                c.donor.mmsi,
                enc["event_id"],
                c.receiver.mmsi,
                dest,
                arrival,
                c.cargo_tonnes,
                ev,
            )
        )
    return rows


def _chain_row(
    key: str,
    source_port: str,
    load: dict[str, Any],
    donor_mmsi: int,
    encounter_event_id: str,
    receiver_mmsi: int,
    destination: str,
    arrival: Any,
    cargo_tonnes: float,
    evidence: list[dict[str, Any] | None],
    relay_mmsi: int | None = None,
) -> dict[str, Any]:
    """One true chain row, in trace's columns (docs/exports.md); `relay_mmsi` only on relay
    chains."""
    barrels = round(cargo_tonnes * BARRELS_PER_TONNE, 1)
    row: dict[str, Any] = {
        "chain_id": hashlib.sha256(key.encode()).hexdigest()[:16],
        "source_port": source_port,
        "load_start": load["start"],
        "donor_mmsi": donor_mmsi,
        "encounter_event_id": encounter_event_id,
        "receiver_mmsi": receiver_mmsi,
        "destination": destination,
        "arrival": arrival,
        "barrels_low": barrels,
        "barrels_mid": barrels,
        "barrels_high": barrels,
        "confidence": 1.0,
        "evidence": ";".join(e["event_id"] for e in evidence if e is not None),
    }
    if relay_mmsi is not None:
        row["relay_mmsi"] = str(relay_mmsi)
    return {**row, "cargo_tonnes": cargo_tonnes, "cargo_barrels": barrels}


def dark_transfers(truth: Truth, chains: list[Chain]) -> dict[int, dict[str, Any]]:
    """The true dark rendezvous of each chain whose transfer was made dark (its donor and
    receiver, overlapping the planned transfer): the chain's `encounter_event_id`."""
    out: dict[int, dict[str, Any]] = {}
    for c in chains:
        pair = {c.donor.mmsi, c.receiver.mmsi}
        for e in truth.events:
            if (
                e["kind"] == "dark_rendezvous"
                and {e["mmsi"], e["other_mmsi"]} == pair
                and e["start_s"] <= c.sts_end_s <= e["end_s"]
            ):
                out[c.no] = e
    return out


def relay_encounters(truth: Truth, relays: list[RelayChain]) -> dict[int, list[dict[str, Any]]]:
    """Both transfers of each relay chain (donor -> relay, relay -> receiver), when both are
    encounters by the definition."""
    out: dict[int, list[dict[str, Any]]] = {}
    for r in relays:
        legs = [
            sts_encounter(truth, r.donor, r.relay, r.labels[0]),
            sts_encounter(truth, r.relay, r.receiver, r.labels[1]),
        ]
        out[r.no] = [e for e in legs if e is not None]
    return out


def relay_rows(
    truth: Truth,
    relays: list[RelayChain],
    visits: dict[tuple[int, int], dict[str, Any]],
    encs: dict[int, list[dict[str, Any]]],
) -> list[dict[str, Any]]:
    """True relay chains: one row from the donor's load to the receiver's DPRK port, the relay in
    `relay_mmsi` and `encounter_event_id` the transfer to the receiver (docs/exports.md)."""
    drafts = [e for e in truth.events if e["kind"] == "draught_change"]
    rows = []
    for r in relays:
        load = visits.get((r.donor.vid, r.load_phase))
        visit = visits.get((r.receiver.vid, r.dest_phase))
        legs = encs.get(r.no, [])
        if load is None or visit is None or len(legs) != 2:
            continue
        first, last = legs
        ev = [
            load,
            _draught_after(drafts, r.donor.mmsi, load["start_s"], 1),
            first,
            _draught_after(drafts, r.donor.mmsi, first["end_s"], -1),
            _draught_after(drafts, r.relay.mmsi, first["end_s"], 1),
            last,
            _draught_after(drafts, r.relay.mmsi, last["end_s"], -1),
            _draught_after(drafts, r.receiver.mmsi, last["end_s"], 1),
            visit,
            _draught_after(drafts, r.receiver.mmsi, visit["start_s"], -1),
        ]
        key = f"chain|{r.donor.mmsi}|{r.relay.mmsi}|{r.receiver.mmsi}|{load['start']}"
        rows.append(
            _chain_row(
                key,
                r.source_port,
                load,
                r.donor.mmsi,
                last["event_id"],
                r.receiver.mmsi,
                r.dprk_port,
                visit["start"],
                r.cargo_tonnes,
                ev,
                relay_mmsi=r.relay.mmsi,
            )
        )
    return rows
