"""Build a whole scenario from a seed and write it: the `simulate()` entry point."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from oiltrail.errors import OiltrailError, UsageError
from oiltrail.simulate import spoof, truth_dark
from oiltrail.simulate import truth as tr
from oiltrail.simulate.dark_stories import OWN_RNG_ROLES, plant_dark_stories
from oiltrail.simulate.decoys import plant_decoys
from oiltrail.simulate.emit import Rows, emit_vessel
from oiltrail.simulate.fleet import DONOR_TANKERS, DPRK_TANKERS, Registry, Vessel
from oiltrail.simulate.plan import new_vessel, start_background, trade
from oiltrail.simulate.relay_story import ROLES as RELAY_ROLES
from oiltrail.simulate.relay_story import RelayChain, plant_relay_chain
from oiltrail.simulate.story import (
    Chain,
    Reservations,
    build_chain,
    build_dark_visitor,
    build_loiterer,
    build_reflagged,
    build_renamed,
)

DEFAULT_START = datetime(2026, 1, 5, tzinfo=UTC)
FORMATS = ("nmea", "csv", "parquet")
POSITIONS_PER_VESSEL_DAY = 950  # measured: 14 days x 60 vessels (+ ~25 story ships) = 1.0M
MAX_POSITIONS = 40_000_000  # about 9 GB while generating (3.7 GB measured at 16.8M)


@dataclass(frozen=True)
class ScenarioSettings:
    """A scenario's knobs; `DEMO_SCENARIO` is the bundled one."""

    seed: int = 7
    days: int = 14
    vessels: int = 60
    start: datetime = DEFAULT_START


DEMO_SCENARIO = ScenarioSettings(seed=7, days=14, vessels=60)


@dataclass
class ScenarioSummary:
    """What `simulate` wrote: counts per kind and the files."""

    out_dir: Path
    seed: int
    days: int
    vessels: int
    positions: int
    static_reports: int
    nmea_lines: int
    csv_rows: int
    events: dict[str, int]
    chains: int
    files: list[str]
    seconds: float = 0.0
    decoys: dict[str, int] = field(default_factory=dict)


@dataclass
class Built:
    vessels: list[Vessel]
    chains: list[Chain]
    decoys: list[dict[str, Any]]
    # stories planted to be found (dark STS, relay chain): what, who, when; truth is by definition
    stories: list[dict[str, Any]] = field(default_factory=list)
    relays: list[RelayChain] = field(default_factory=list)


def build(s: ScenarioSettings) -> Built:
    """Plan every vessel of the scenario (deterministic for a seed)."""
    rng = np.random.default_rng(s.seed)
    reg = Registry(rng)
    end_s = s.days * 86_400.0
    res = Reservations()
    vessels: list[Vessel] = []
    chains: list[Chain] = []
    decoys: list[dict[str, Any]] = []
    n_chains = int(np.clip(s.days // 3, 1, len(DONOR_TANKERS)))
    variants = ["nampo", "dark", "dark_nampo"]
    for i in range(n_chains):
        for _ in range(6):  # another spot or time when this one does not fit the scenario
            c = build_chain(i, len(vessels), reg, rng, end_s, res, variants[i % 3])
            if c is not None:
                chains.append(c)
                vessels += [c.donor, c.receiver]
                break
    spare = list(DPRK_TANKERS[n_chains:])
    for _ in range(max(1, s.days // 7)):
        if not spare:
            break
        vessels.append(build_dark_visitor(len(vessels), reg, rng, end_s, spare.pop(0)))
    for j in range(max(2, s.days // 5)):
        ident = spare.pop(0) if spare and j % 2 == 0 else None
        lo = build_loiterer(len(vessels), reg, rng, end_s, res, ident, "csv" if j % 2 else "nmea")
        if lo is not None:
            vessels.append(lo)
    for k in range(1 if s.days < 10 else 2):
        vessels.append(build_renamed(len(vessels), reg, rng, end_s, k))
    reflagged = build_reflagged(len(vessels), reg, rng, end_s)
    vessels.append(reflagged)
    (_, old, *_), (t_switch, new, *_) = reflagged.identities
    # one IMO on two MMSIs, handed over cleanly in port: an identity change, never a shared IMO
    decoys.append({"kind": "imo_handover", "mmsi": old, "other_mmsi": new, "imo": reflagged.imo,
                   "start_s": t_switch})  # fmt: skip
    plant_decoys(vessels, decoys, reg, rng, end_s)
    for _ in range(s.vessels):
        feed = "nmea" if rng.random() < 2 / 3 else "csv"
        cls = "A" if rng.random() < 0.8 else "B"
        v = new_vessel(reg, rng, len(vessels), "background", feed=feed, cls=cls)
        start_background(v, rng)
        quirk = str(rng.choice(["", "", "", "slow", "silence"]))
        trade(v, rng, end_s, quirk, decoys)
        vessels.append(v)
    stories: list[dict[str, Any]] = []
    plant_dark_stories(vessels, decoys, reg, s.seed, end_s, stories)
    relay = plant_relay_chain(vessels, reg, s.seed, end_s, res, stories)
    return Built(vessels, chains, decoys, stories, [relay] if relay else [])


def emit_all(
    b: Built, s: ScenarioSettings, rng: np.random.Generator
) -> tuple[Rows, Rows, list[dict[str, Any]]]:
    """Sample every vessel, then plant spoofing; returns positions, statics, spoof episodes."""
    end_s = s.days * 86_400.0
    pos_parts, st_parts = [], []
    spoofs: list[dict[str, Any]] = []
    bg = [v for v in b.vessels if v.role == "background" and v.cls == "A" and v.feed == "nmea"]
    n_tele = max(1, s.days // 7)
    tele_ids = {v.vid for v in bg[:n_tele]}
    victim = bg[n_tele] if len(bg) > n_tele else None
    own = np.random.default_rng([s.seed, 16])  # later stories: the others' rows stay the same
    for v in b.vessels:
        pos, st = emit_vessel(v, own if v.role in (*OWN_RNG_ROLES, *RELAY_ROLES) else rng, end_s)
        if v.vid in tele_ids:
            ep = spoof.plant_teleport(v, pos, rng, end_s)
            if ep:
                spoofs.append(ep)
        pos_parts.append(pos)
        st_parts.append(st)
    if victim is not None:
        got = spoof.plant_shared(victim, rng, end_s, ghost_vid=len(b.vessels))
        if got is not None:
            pos_parts.append(got[0])
            spoofs.append(got[1])
    return Rows.concat(pos_parts), Rows.concat(st_parts), spoofs


def compute_truth(
    b: Built, pos: Rows, st: Rows, spoofs: list[dict[str, Any]], start: datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    t = tr.Truth(start, pos)
    visits = tr.port_visits(t, b.vessels)
    tr.loitering(t, b.vessels)
    encs = tr.encounters(t, b.chains)
    relay_encs = tr.relay_encounters(t, b.relays)
    gap_events = tr.gaps(t, [e for e in t.events if e["kind"] == "port_visit"])
    tr.static_changes(t, st)
    truth_dark.dark_rendezvous(t, gap_events)
    truth_dark.identity_anomalies(t, st)
    for ep in spoofs:
        d = {k: v for k, v in ep.items() if k not in ("mmsi", "start_s", "end_s", "vid")}
        t.add("spoofing", int(ep["mmsi"]), float(ep["start_s"]), float(ep["end_s"]), details=d)
    chains = tr.chain_rows(t, b.chains, visits, encs, gap_events)
    chains += tr.relay_rows(t, b.relays, visits, relay_encs)
    return t.rows(), chains


def simulate(
    out_dir: Path,
    seed: int,
    days: int,
    vessels: int,
    *,
    start: datetime | None = None,
    formats: tuple[str, ...] = ("nmea", "csv"),
) -> ScenarioSummary:
    """Generate a scenario into `out_dir`: AIS files, ground truth and scenario.json.

    Args:
        out_dir: folder to write (created).
        seed, days, vessels: the scenario; `vessels` counts background ships only.
        start: first instant (UTC); default 2026-01-05T00:00:00Z.
        formats: any of "nmea", "csv" (MarineCadastre) and "parquet" (canonical schema).
    Returns:
        A summary with counts per event kind and the files written.
    """
    from oiltrail.simulate import writers as w

    if days < 1 or days > 366:
        raise UsageError(f"days must be between 1 and 366, got {days}", ("days",))
    if vessels < 0:
        raise UsageError(f"vessels must be 0 or more, got {vessels}", ("vessels",))
    if seed < 0:
        raise UsageError(f"seed must be 0 or more, got {seed}", ("seed",))
    estimate = (vessels + 30) * days * POSITIONS_PER_VESSEL_DAY
    if estimate > MAX_POSITIONS:
        raise UsageError(
            f"days {days} vessels {vessels} would make about {estimate / 1e6:.0f}M positions "
            f"(at most {MAX_POSITIONS / 1e6:.0f}M fit in memory): use fewer days or vessels",
            ("days", "vessels"),
        )
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"out {out_dir} is a file, not a folder", ("out",))
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise UsageError(
            f"unknown format {','.join(bad) or '(none)'}: expected {', '.join(FORMATS)}"
        )
    began = time.perf_counter()
    start = (start or DEFAULT_START).astimezone(UTC)
    s = ScenarioSettings(seed=seed, days=days, vessels=vessels, start=start)
    b = build(s)
    rng = np.random.default_rng([seed, 1])
    pos, st, spoofs = emit_all(b, s, rng)
    events, chains = compute_truth(b, pos, st, spoofs, start)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OiltrailError(f"cannot create {out_dir}: {exc.strerror}") from exc
    feed = {v.vid: v.feed for v in b.vessels}
    feed[len(b.vessels)] = next(
        (v.feed for v in b.vessels if spoofs and v.vid == spoofs[-1].get("vid")), "nmea"
    )
    vid = pos.cols["vid"]
    in_nmea = np.array([feed.get(int(x), "nmea") == "nmea" for x in np.unique(vid)])
    nmea_vids = np.unique(vid)[in_nmea]
    is_nmea = np.isin(vid, nmea_vids)
    by_vid = {v.vid: v for v in b.vessels}
    files: list[str] = []
    nmea_lines = csv_rows = 0
    start_unix = int(start.timestamp())
    if "nmea" in formats:
        p = pos.take(np.flatnonzero(is_nmea))
        st_n = st.take(np.flatnonzero(np.isin(st.cols["vid"], nmea_vids)))
        cls_b = np.array(
            [by_vid[int(x)].cls == "B" if int(x) in by_vid else False for x in p.cols["vid"]]
        )
        st_b = np.array([by_vid[int(x)].cls == "B" for x in st_n.cols["vid"]])
        nmea_lines = w.write_nmea(
            out_dir / "ais.nmea", start_unix, p, st_n, cls_b, st_b, start, rng
        )
        files.append("ais.nmea")
    if "csv" in formats:
        p = pos.take(np.flatnonzero(~is_nmea))
        csv_rows = w.write_marinecadastre(out_dir / "ais_marinecadastre.csv", p, by_vid, start)
        files.append("ais_marinecadastre.csv")
    if "parquet" in formats:
        w.write_parquet(out_dir, pos, st, start)
        files += ["positions.parquet", "static.parquet"]
    w.write_truth(out_dir, events, chains)
    files += ["truth_events.csv", "truth_chains.csv", "scenario.json"]
    counts: dict[str, int] = {}
    for e in events:
        counts[e["kind"]] = counts.get(e["kind"], 0) + 1
    decoy_counts: dict[str, int] = {}
    for d in b.decoys:
        if float(d.get("start_s", 0.0)) >= days * 86_400.0:
            continue  # planned past the scenario's end: never emitted
        decoy_counts[str(d["kind"])] = decoy_counts.get(str(d["kind"]), 0) + 1
    summary = ScenarioSummary(
        out_dir,
        seed,
        days,
        vessels,
        len(pos),
        len(st),
        nmea_lines,
        csv_rows,
        counts,
        len(chains),
        files,
        round(time.perf_counter() - began, 2),
        decoy_counts,
    )
    w.write_json(out_dir / "scenario.json", _scenario_json(s, b, summary, start))
    return summary


def _scenario_json(
    s: ScenarioSettings, b: Built, summary: ScenarioSummary, start: datetime
) -> dict[str, Any]:
    from oiltrail.simulate.truth import iso

    return {
        "simulated": True,
        "generator": "oiltrail simulate",
        "seed": s.seed,
        "start": iso(start, 0),
        "end": iso(start, s.days * 86_400),
        "days": s.days,
        "background_vessels": s.vessels,
        "counts": {
            "positions": summary.positions,
            "static_reports": summary.static_reports,
            "events": summary.events,
            "chains": summary.chains,
        },
        "vessels": [
            {
                "mmsi": v.mmsi,
                "mmsis": sorted({i[1] for i in v.identities}),
                "imo": v.imo or None,
                "name": v.name,
                "names": list(dict.fromkeys(i[2] for i in v.identities)),
                "callsign": v.callsign,
                "role": v.role,
                "ship_type": v.ship_type,
                "class": v.cls,
                "feed": v.feed,
                "length_m": v.length_m,
                "beam_m": v.beam_m,
                "waterplane_coeff": round(v.waterplane_coeff, 3),
                "speed_kn": v.speed_kn,
            }
            for v in b.vessels
        ],
        "decoys": [
            {
                **{k: val for k, val in d.items() if not k.endswith("_s")},
                **({"time": iso(start, d["start_s"])} if "start_s" in d else {}),
                **({"hours": round((d["end_s"] - d["start_s"]) / 3600, 2)} if "end_s" in d else {}),
            }
            for d in b.decoys
            if d.get("start_s", 0.0) < s.days * 86_400.0
        ],
        "stories": [
            {
                **{k: val for k, val in d.items() if not k.endswith("_s")},
                "time": iso(start, d["start_s"]),
                **({"hours": round((d["end_s"] - d["start_s"]) / 3600, 2)} if "end_s" in d else {}),
            }
            for d in b.stories
            if d["start_s"] < s.days * 86_400.0
        ],
        "files": summary.files,
        "truth_definitions": (_truth_doc() or "").strip(),
    }


def _truth_doc() -> str | None:
    import oiltrail.simulate

    return oiltrail.simulate.__doc__


def parse_start(text: str | None) -> datetime | None:
    """An ISO 8601 UTC instant (a trailing Z allowed), or None for the default start."""
    if text is None:
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"start {text!r} is not an ISO 8601 time such as 2026-01-05T00:00:00Z", ("start",)
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def summary_rows(s: ScenarioSummary) -> list[dict[str, Any]]:
    """The summary as item/value rows for the CLI."""
    rows: list[dict[str, Any]] = [
        {"item": "folder", "value": str(s.out_dir)},
        {"item": "seed / days / background vessels", "value": f"{s.seed} / {s.days} / {s.vessels}"},
        {"item": "positions", "value": s.positions},
        {"item": "static reports", "value": s.static_reports},
        {"item": "NMEA lines", "value": s.nmea_lines},
        {"item": "MarineCadastre rows", "value": s.csv_rows},
    ]
    rows += [{"item": f"truth {k}", "value": n} for k, n in sorted(s.events.items())]
    rows += [{"item": f"decoy {k} (not in truth)", "value": n} for k, n in sorted(s.decoys.items())]
    rows += [
        {"item": "truth chains", "value": s.chains},
        {"item": "files", "value": ", ".join(s.files)},
        {"item": "seconds", "value": s.seconds},
    ]
    return rows
