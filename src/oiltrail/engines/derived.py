"""Derived kinds: detected after the kernels, from what the store then holds, by both engines.

Anchorages are learned from every stationary spell in the store, and the encounters and
loitering events too close to one are dropped; `dark_rendezvous` reads every stored gap
(whatever run wrote it) and the draughts around it, and leaves out the archive's holes (hours
with no data from any vessel, across which several vessels' gaps run); gaps across one say so;
`identity_anomaly` reads all static reports and the positions of the few MMSIs sharing an
IMO; the ship types of every event's vessels are written into its details last. Both engines
call `detect_derived` inside their write transaction, so their derived events are the same.
The spark-submit job has no store: it runs this pass on a scratch store holding the events,
the static reports, the stationary spells and only the positions read here (one of each hour
for the holes, and those in `shared_imo_spans`): a new read of the positions must be given
to it too (engines/spark_derived.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import pyarrow as pa

from oiltrail.ais.validate import valid_imo
from oiltrail.detect import identity
from oiltrail.detect.anchorages import (
    AREA,
    SPELLS,
    learn_anchorages,
    near_anchorage,
    stationary_spells,
)
from oiltrail.detect.ids import make_events
from oiltrail.detect.params import AnchorageParams, DetectParams
from oiltrail.detect.rendezvous import GAPS, Holes, detect_dark_rendezvous, in_holes_us
from oiltrail.detect.tracks import US_PER_H
from oiltrail.kinds import DERIVED_KINDS
from oiltrail.store import hours, static_runs
from oiltrail.store.anchorages import (
    ANCHORAGES_DDL,
    positions_for_spells,
    read_spells,
    replace_spells,
    restore_suppressed,
    save_anchorages,
    suppress,
)
from oiltrail.store.catalog import Store
from oiltrail.store.events import annotate_ship_types, insert_events


def _replace(store: Store, kind: str, events: pa.Table, run_id: str) -> int:
    store.con.execute("DELETE FROM events WHERE kind = ?", [kind])
    return insert_events(store, events, run_id)


def _suspect_reports(store: Store) -> pa.Table:
    """The static reports of the IMOs that could be an anomaly (those failing their check
    digit, and those more than one MMSI reported): the detectors look at no other."""
    static_runs.update(store)
    imos = store.con.execute(  # every (vessel, IMO) reported starts a run of static_runs
        """SELECT imo, count(DISTINCT mmsi) > 1 AS shared FROM static_runs
           WHERE imo BETWEEN 1000000 AND 9999999 GROUP BY imo"""
    ).to_arrow_table()
    values = imos.column("imo").to_numpy().astype(np.int64)
    ok, _ = valid_imo(values)
    _suspect = pa.table({"imo": values[~ok | imos.column("shared").to_numpy(zero_copy_only=False)]})
    return store.con.execute(
        """SELECT mmsi, ts, imo, name FROM static_reports
           WHERE imo IN (SELECT imo FROM _suspect) ORDER BY mmsi, ts"""
    ).to_arrow_table()


def shared_imo_spans(store: Store, params: DetectParams) -> pa.Table:
    """The spans (mmsi, t0, t1) of the positions `identity_anomalies` reads."""
    pairs = identity.shared_imo_pairs(_suspect_reports(store))
    return identity.shared_imo_spans(pairs, params.identity_anomaly)


def identity_anomalies(store: Store, params: DetectParams) -> pa.Table:
    """Invalid and shared IMO numbers in the store's static reports (only the reports of
    the IMOs that could be either are read)."""
    static = _suspect_reports(store)
    rows = identity.detect_invalid_imos(static)
    pairs = identity.shared_imo_pairs(static)
    spans = identity.shared_imo_spans(pairs, params.identity_anomaly)
    if spans.num_rows:
        _spans = spans
        positions = store.con.execute(
            """SELECT DISTINCT p.mmsi, p.ts, p.lat, p.lon FROM positions p JOIN _spans s
               ON p.mmsi = s.mmsi AND p.ts BETWEEN s.t0 AND s.t1
               ORDER BY p.mmsi, p.ts, p.lat, p.lon"""
        ).to_arrow_table()
        rows.extend(identity.detect_shared_imos(pairs, positions, params.identity_anomaly))
    return make_events(rows)


def data_holes(store: Store, params: DetectParams) -> Holes:
    """The archive's holes: runs of whole hours in which the store holds no position from any
    vessel, across which the gaps of at least `gap.data_hole_min_vessels` vessels run or which
    last at least `gap.data_hole_min_h`."""
    hours.update(store)
    hole = store.con.execute(
        f"""WITH h AS (SELECT epoch_us(h) // {US_PER_H} AS h FROM position_hours),
           r AS (SELECT h + 1 AS h0, lead(h) OVER (ORDER BY h) AS h1 FROM h),
           runs AS (SELECT h0 * {US_PER_H} AS t0, h1 * {US_PER_H} AS t1 FROM r WHERE h1 > h0)
           SELECT runs.t0, runs.t1 FROM runs JOIN events g
             ON g.kind = 'gap' AND epoch_us(g.start) <= runs.t0 AND epoch_us(g."end") >= runs.t1
           GROUP BY runs.t0, runs.t1
           HAVING count(DISTINCT g.mmsi) >= ? OR runs.t1 - runs.t0 >= ?
           ORDER BY runs.t0""",
        [params.gap.data_hole_min_vessels, round(params.gap.data_hole_min_h * US_PER_H)],
    ).fetchnumpy()
    return np.asarray(hole["t0"], np.int64), np.asarray(hole["t1"], np.int64)


def mark_data_holes(store: Store, params: DetectParams, holes: Holes) -> None:
    """Write into each gap that spans a hole in the archive how long the store itself was
    silent (`store_silent_h`), and `data_hole` when what is left is shorter than a gap: such
    a gap is a hole in the data, not evidence of going dark."""
    if not len(holes[0]):
        return
    gaps = store.con.execute(
        """SELECT event_id, epoch_us(start) AS s, epoch_us("end") AS e FROM events
           WHERE kind = 'gap' ORDER BY event_id"""
    ).fetchnumpy()
    s, e = np.asarray(gaps["s"], np.int64), np.asarray(gaps["e"], np.int64)
    silent = in_holes_us(s, e, holes)
    hit = np.flatnonzero(silent > 0)
    _holes = pa.table(
        {
            "event_id": [str(gaps["event_id"][k]) for k in hit.tolist()],
            "silent_h": np.round(silent[hit] / US_PER_H, 3),
            "hole": (e[hit] - s[hit] - silent[hit]) < params.gap.min_duration_h * US_PER_H,
        }
    )
    store.con.execute(
        """UPDATE events SET details = json_merge_patch(coalesce(details, '{}'),
             json_object('store_silent_h', h.silent_h, 'data_hole', h.hole))::VARCHAR
           FROM _holes h WHERE events.event_id = h.event_id"""
    )


def dark_rendezvous(store: Store, params: DetectParams, holes: Holes) -> pa.Table:
    """Dark rendezvous among the store's gaps, with each vessel's draught before and after."""
    static_runs.update(store)
    gaps = store.con.execute(
        """WITH g AS (
             SELECT event_id, mmsi::BIGINT AS mmsi, start, "end",
                    TRY_CAST(details->>'start_lat' AS DOUBLE) AS start_lat,
                    TRY_CAST(details->>'start_lon' AS DOUBLE) AS start_lon,
                    TRY_CAST(details->>'end_lat' AS DOUBLE) AS end_lat,
                    TRY_CAST(details->>'end_lon' AS DOUBLE) AS end_lon,
                    TRY_CAST(details->>'positions_before' AS BIGINT) AS positions_before
             FROM events WHERE kind = 'gap'),
           -- the first and last report of each run of identical static values: the
           -- nearest report with a draught before (after) a gap is in the same run as the
           -- nearest of these (store/static_runs.py)
           d AS (SELECT mmsi::BIGINT AS mmsi, ts, draught::DOUBLE AS draught FROM static_runs
                 WHERE draught > 0 AND draught <= 30)
           SELECT g.*,
             (SELECT arg_max(d.draught, d.ts) FROM d WHERE d.mmsi = g.mmsi AND d.ts <= g.start)
               AS draught_before_m,
             (SELECT arg_min(d.draught, d.ts) FROM d WHERE d.mmsi = g.mmsi AND d.ts >= g."end")
               AS draught_after_m
           FROM g ORDER BY mmsi, start, event_id"""
    ).to_arrow_table()
    found = detect_dark_rendezvous(gaps.cast(GAPS), params.dark_rendezvous, holes)
    return make_events(found)


def spell_key(p: AnchorageParams) -> str:
    """The rules a stored stationary spell follows (a spell made under others is stale)."""
    return json.dumps([p.max_speed_knots, p.min_spell_h, p.max_silence_h])


def spell_rules(params: DetectParams, kinds: Sequence[str]) -> str | None:
    """`spell_key` when a run of `kinds` learns anchorages, else None."""
    learns = params.anchorage.enabled and ("encounter" in kinds or "loitering" in kinds)
    return spell_key(params.anchorage) if learns else None


def apply_anchorages(
    store: Store, params: DetectParams, ports: pa.Table, run_id: str, spells_current: bool = False
) -> int:
    """Learn the anchorages and drop the encounters and loitering events that lie closer to
    one than the rules allow from a port (docs/events.md); off: no anchorages stored.
    The stationary spells are the stored ones when `spells_current` (the local engine's pass
    over the tracks keeps them), else found again in every position and stored.
    Returns how many of the dropped events this run had written."""
    p = params.anchorage
    store.ensure(ANCHORAGES_DDL)
    dropped_now = 0
    restore_suppressed(store)
    if not p.enabled:
        save_anchorages(store, [], AREA.empty_table(), run_id)
        return 0
    if not spells_current:
        found = [stationary_spells(t, p) for t in positions_for_spells(store)]
        replace_spells(store, pa.concat_tables([SPELLS.empty_table(), *found]), False, spell_key(p))
    spells = read_spells(store).cast(SPELLS)
    rows, area = learn_anchorages(spells, ports, p, params.port_visit.radius_m)
    by_id = {r["anchorage_id"]: r for r in rows}
    for kind, min_m in (
        ("encounter", params.encounter.min_port_distance_m),
        ("loitering", params.loitering.min_port_distance_m),
    ):
        events = store.con.execute(
            "SELECT event_id, lat, lon, run_id = ? FROM events WHERE kind = ? "
            "AND lat IS NOT NULL ORDER BY event_id",
            [run_id, kind],
        ).fetchall()
        if not events or not rows:
            continue
        lat = np.array([e[1] for e in events], dtype=np.float64)
        lon = np.array([e[2] for e in events], dtype=np.float64)
        near, which = near_anchorage(lat, lon, area, min_m, p.link_distance_m)
        hits = np.flatnonzero(near).tolist()
        for k in hits:
            counts = by_id[str(which[k])].setdefault("suppressed_events", {})
            counts[kind] = counts.get(kind, 0) + 1
        if hits:
            dropped_now += sum(1 for k in hits if events[k][3])
            suppress(store, [events[k][0] for k in hits], [str(which[k]) for k in hits])
    save_anchorages(store, rows, area, run_id)
    return dropped_now


def detect_derived(
    store: Store,
    params: DetectParams,
    kinds: Sequence[str],
    run_id: str,
    ports: pa.Table,
    spells_current: bool = False,
) -> int:
    """Apply the learned anchorages, replace the derived kinds in `kinds` and annotate ship
    types; returns the change in the run's events written (anchorages drop some).
    `spells_current`: the stored stationary spells are up to date (apply_anchorages)."""
    written = 0
    want = [k for k in kinds if k in DERIVED_KINDS]
    if "encounter" in kinds or "loitering" in kinds:
        written -= apply_anchorages(store, params, ports, run_id, spells_current)
    holes = data_holes(store, params) if "gap" in kinds or "dark_rendezvous" in want else None
    if "gap" in kinds and holes is not None:
        mark_data_holes(store, params, holes)
    if "dark_rendezvous" in want and holes is not None:
        found = dark_rendezvous(store, params, holes)
        written += _replace(store, "dark_rendezvous", found, run_id)
    if "identity_anomaly" in want:
        written += _replace(store, "identity_anomaly", identity_anomalies(store, params), run_id)
    annotate_ship_types(store)
    return written
