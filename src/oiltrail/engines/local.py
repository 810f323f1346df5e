"""Local engine: partition the store's positions and run the detect kernels on all cores.

Incremental: each UTC day's positions carry a fingerprint; a run reprocesses only vessels
with changed days, from a cut-off before the first changed day that no stored event spans
(plus `CONTEXT_H` of history), so an event across the boundary is found once.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pyarrow as pa
import pyarrow.compute as pc

from oiltrail.ais.schema import EVENTS
from oiltrail.detect.anchorages import SPELLS, stationary_spells
from oiltrail.detect.kernels import (
    cell_partitions,
    port_lookup,
    resample_partition,
    run_cell_kernel,
    run_pair_kernel,
    run_vessel_kernels,
)
from oiltrail.detect.params import DetectParams, parse_day
from oiltrail.detect.tracks import SOG_VALID_BELOW
from oiltrail.detect.vessel import VISIT_CARRY
from oiltrail.engines import partition
from oiltrail.engines.base import DetectReport, Engine, describe_ports, kind_counts
from oiltrail.engines.derived import detect_derived, spell_key, spell_rules
from oiltrail.errors import UsageError
from oiltrail.kinds import KINDS, STATIC_KINDS, VESSEL_KINDS
from oiltrail.reference.ports import ports_hash, read_ports
from oiltrail.settings import get_settings
from oiltrail.store.anchorages import ANCHORAGES_DDL, SPELLS_KEY, replace_spells, spells_key
from oiltrail.store.catalog import Store
from oiltrail.store.events import (
    ensure_detect_tables,
    input_hashes,
    insert_events,
    record_run,
    stored_fingerprints,
)
from oiltrail.store.marks import mark
from oiltrail.store.reference import save_ports
from oiltrail.store.static_runs import static_changes

STATIC_MARK_KEY = "detect.static_mark"  # meta: "<last rowid>:<rows>" of static_reports
CONTEXT_H = 24.0  # history read before a cut-off (GFW pipe-encounters PRECURSOR_DAYS = 1)
PARALLEL_MIN_ROWS = 200_000  # below this, splitting costs more than it saves
FAR_PAST = datetime(1900, 1, 1)
LAST_LOOKBACK = timedelta(days=7)  # where a vessel's last position before new data is sought first
# Also the sort key: ties on (mmsi, ts) — two ships on one MMSI — break by position, so
# every run and every engine hands the kernels the same first fix.
POS_COLS = "mmsi, ts, lat, lon, sog"
# A port visit is carried across a cut-off within this radius and away from the poles and the
# antimeridian: there its positions' mean is their plain mean (geodesy.mean_latlon), which
# adds up visit by visit.
CARRY_MAX_RADIUS_M = 50_000.0
CARRY_MAX_ABS_LAT = 79.0
CARRY_MAX_ABS_LON = 179.0
T = TypeVar("T")


def _config_key(params: DetectParams, kinds: Sequence[str], ports: pa.Table) -> str:
    h = hashlib.sha256(params.to_json().encode())
    h.update(",".join(sorted(kinds)).encode())
    h.update(ports_hash(ports).encode())
    return h.hexdigest()[:16]


def _map(fn: Callable[..., T], items: list[tuple[Any, ...]], parallel: bool) -> list[T]:
    if not parallel or len(items) < 2:
        return [fn(*a) for a in items]
    # Threads, not processes: the kernels spend their time in numpy and Arrow, which release
    # the GIL, and a thread needs no start-up imports or pickled partitions.
    workers = max(1, get_settings().workers)
    with ThreadPoolExecutor(workers) as pool:
        futures = [pool.submit(fn, *a) for a in items]
        return [f.result() for f in futures]


def _split_by_vessel(tbl: pa.Table, n: int) -> list[pa.Table]:
    """Contiguous slices of a (mmsi, ts)-sorted table, cut only between vessels."""
    if n <= 1 or tbl.num_rows == 0:
        return [tbl]
    mmsi = tbl.column("mmsi").to_numpy()
    cuts = [0]
    for k in range(1, n):
        i = k * len(mmsi) // n
        while 0 < i < len(mmsi) and mmsi[i] == mmsi[i - 1]:
            i += 1
        cuts.append(max(i, cuts[-1]))
    cuts.append(len(mmsi))
    return [tbl.slice(a, b - a) for a, b in itertools.pairwise(cuts) if b > a]


def _vessel_job(
    positions: pa.Table,
    ports: pa.Table,
    params: DetectParams,
    kinds: tuple[str, ...],
    want_samples: bool,
    carry: pa.Table | None = None,
) -> tuple[pa.Table, pa.Table | None]:
    events = run_vessel_kernels(positions, None, ports, params, kinds, carry)
    samples = resample_partition(positions, params) if want_samples else None
    return events, samples


def _cell_job(samples: pa.Table, params: DetectParams) -> pa.Table:
    return run_cell_kernel(samples, params)


def _cutoffs(
    store: Store, w0: datetime, ctx: timedelta, spells: bool = False, carry_visits: bool = True
) -> None:
    """Per dirty vessel, a cut-off no stored event spans (nor, with `spells`, a stored
    stationary spell): temp table _cut(mmsi, t, r), positions read from r = t - `ctx` so that
    an event starting just after the cut-off has the history its details count (a gap's
    positions and speed before it); only events starting at or after t are kept."""
    con = store.con
    # Each such vessel's last position before w0: looked for in the week before first (a
    # constant bound DuckDB prunes the scan with), then over the whole record for the few
    # vessels without one there, not by joining every vessel to every position.
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _last AS
           SELECT d.mmsi, max(p.ts) AS last
           FROM (SELECT DISTINCT mmsi FROM positions WHERE ts >= ?) d
           LEFT JOIN positions p ON p.mmsi = d.mmsi AND p.ts < ? AND p.ts >= ?
           GROUP BY d.mmsi""",
        [w0, w0, w0 - LAST_LOOKBACK if w0 > FAR_PAST + LAST_LOOKBACK else FAR_PAST],
    )
    con.execute(
        """UPDATE _last SET last = s.last FROM (
             SELECT mmsi, max(ts) AS last FROM positions
             WHERE ts < ? AND mmsi IN (SELECT mmsi FROM _last WHERE last IS NULL)
             GROUP BY mmsi) s
           WHERE _last.mmsi = s.mmsi""",
        [w0],
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _cut AS
           SELECT mmsi, coalesce(least(last, ?) - ?, ?) AS t FROM _last""",
        [w0, ctx, w0],  # a vessel first seen at w0 or after: its cut-off is w0
    )
    con.execute("DROP TABLE _last")
    kinds = list(VESSEL_KINDS)
    # Numbered parameters: DuckDB binds an UPDATE's FROM subquery before its SET clause, so
    # plain `?` placeholders reached the INTERVAL cast with a kind name (issue 14).
    kind_params = ",".join(f"${i + 3}" for i in range(len(kinds)))
    # A port visit or a stationary spell open at the cut-off and wholly before the new data
    # does not move it: it is carried (`_carry_visits`, `_carry_spells`) and continued from
    # its last position, so a ship moored for months costs a day's read, not months'.
    visits = f"""FROM events e JOIN _cut c ON e.mmsi = c.mmsi
                 WHERE e.kind = 'port_visit' AND e."end" < $2 AND {str(carry_visits).upper()}
                   AND abs(e.lat) < {CARRY_MAX_ABS_LAT} AND abs(e.lon) < {CARRY_MAX_ABS_LON}
                   AND e.event_id NOT IN (SELECT id FROM _no_carry)
                   AND e.start < c.t AND e."end" >= c.t"""
    spans = f"""SELECT mmsi, start, "end" FROM events WHERE kind IN ({kind_params})
                AND event_id NOT IN (SELECT e.event_id {visits})"""
    if spells:
        spans += """ UNION ALL SELECT s.mmsi, s.start, s."end" FROM stationary_spells s
                     LEFT JOIN _cut c ON s.mmsi = c.mmsi
                     WHERE s.positions IS NULL OR s."end" >= $2 OR c.t IS NULL
                        OR NOT (s.start < c.t AND s."end" >= c.t)"""
    con.execute("CREATE OR REPLACE TEMP TABLE _no_carry (id VARCHAR)")
    for _ in range(1000):
        for _ in range(1000):
            changed = con.execute(
                f"""UPDATE _cut SET t = s.t0 - $1::INTERVAL FROM (
                       SELECT c.mmsi, min(e.start) AS t0 FROM _cut c JOIN ({spans}) e
                       ON e.mmsi = c.mmsi AND e.start < c.t AND e."end" >= c.t
                       GROUP BY c.mmsi) s
                    WHERE _cut.mmsi = s.mmsi""",
                [ctx, w0, *kinds],
            ).fetchone()
            if not changed or not changed[0]:
                break
        # A visit is continued only where its last position's reported speed is known: an
        # unknown one is taken from the next position, which the stored visit had not seen.
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _carry_visits AS
                SELECT e.event_id, e.mmsi::BIGINT AS mmsi, e.start, e."end", e.lat, e.lon,
                  e.port, TRY_CAST(e.details->>'positions' AS BIGINT) AS positions,
                  TRY_CAST(e.details->>'slow_positions' AS BIGINT) AS slow_positions,
                  TRY_CAST(e.details->>'port_distance_m' AS DOUBLE) AS port_distance_m,
                  TRY_CAST(e.details->>'min_port_distance_m' AS DOUBLE) AS min_port_distance_m,
                  TRY_CAST(e.details->>'min_speed_knots' AS DOUBLE) AS min_speed_knots
                {visits.replace("$2", "$1")}""",
            [w0],
        )
        bad = con.execute(
            f"""INSERT INTO _no_carry SELECT DISTINCT v.event_id FROM _carry_visits v
               LEFT JOIN (SELECT mmsi, ts, sog FROM positions WHERE ts >= $1 AND ts <= $2) p
                 ON p.mmsi = v.mmsi AND p.ts = v."end"
               WHERE NOT coalesce(p.sog >= 0 AND p.sog < {SOG_VALID_BELOW}, FALSE)
                  OR v.positions IS NULL OR v.slow_positions IS NULL
                  OR v.port_distance_m IS NULL OR v.min_port_distance_m IS NULL""",
            con.execute('SELECT min("end"), max("end") FROM _carry_visits').fetchone(),
        ).fetchone()
        if not bad or not bad[0]:
            break
    if spells:
        con.execute(
            """CREATE OR REPLACE TEMP TABLE _carry_spells AS
               SELECT s.mmsi, s.start, s."end", s.lat, s.lon, s.positions
               FROM stationary_spells s JOIN _cut c ON s.mmsi = c.mmsi
               WHERE s.positions IS NOT NULL AND s."end" < ? AND s.start < c.t
                 AND s."end" >= c.t""",
            [w0],
        )
    con.execute("CREATE OR REPLACE TEMP TABLE _cut AS SELECT mmsi, t, t - ? AS r FROM _cut", [ctx])


def _columns(schema: pa.Schema) -> str:
    return ", ".join(f'"{name}"' for name in schema.names)


def _after_cut(store: Store, rows: pa.Table, carry: pa.Table | None = None) -> pa.Table:
    """The rows (events or spells) that start at or after their vessel's cut-off: those
    before it were read only as history, and their stored versions stay; and those that
    continue a carried visit or spell (`carry`: same vessel and start), which replace it."""
    if rows.num_rows == 0:
        return rows
    cut = store.con.execute("SELECT mmsi::BIGINT AS mmsi, t FROM _cut").to_arrow_table()
    mmsi = rows.column("mmsi").cast(pa.int64())
    at = pc.index_in(mmsi, value_set=cut.column("mmsi"))
    t = pc.take(cut.column("t"), at).cast(rows.column("start").type)
    keep = pc.fill_null(pc.greater_equal(rows.column("start"), t), True)
    if carry is not None and carry.num_rows:
        pairs = set(zip(carry.column("mmsi").to_pylist(), carry.column("start").to_pylist(),
                        strict=True))  # fmt: skip
        is_visit = (
            pc.equal(rows.column("kind"), "port_visit").to_pylist()
            if "kind" in rows.column_names
            else [True] * rows.num_rows
        )
        starts = rows.column("start").to_pylist()
        continued = [
            v and (m, s) in pairs
            for m, s, v in zip(mmsi.to_pylist(), starts, is_visit, strict=True)
        ]
        keep = pc.or_(keep, pa.array(continued))
    return rows.filter(keep)


def _encounter_cutoff(store: Store, w0: datetime, ctx: timedelta) -> datetime:
    t = w0 - ctx
    for _ in range(1000):
        row = store.con.execute(
            """SELECT min(start) FROM events
               WHERE kind = 'encounter' AND start < ? AND "end" >= ?""",
            [t, t],
        ).fetchone()
        if row is None or row[0] is None:
            return t
        t = row[0] - ctx
    return t


def detect(
    store: Store,
    params: DetectParams | None = None,
    kinds: Sequence[str] | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    ports: Path | pa.Table | None = None,
    parallel: bool | None = None,
    ports_from: str | None = None,
) -> DetectReport:
    """Detect events in the store's positions and write them (incremental; see module doc).

    The ports used are written to the store (`store.reference`) for the later stages;
    `ports_from` names their origin when `ports` is a table read by the caller."""
    started = datetime.now(UTC).replace(tzinfo=None)
    params = params or DetectParams()
    kinds = tuple(kinds) if kinds else KINDS
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        raise UsageError(f"unknown kind {bad[0]!r}: expected one of {', '.join(KINDS)}")
    d0, d1 = parse_day(since, "since"), parse_day(until, "until")
    if d0 and d1 and d1 < d0:
        raise UsageError(f"until {d1} is before since {d0}", ("until", "since"))
    port_table = ports if isinstance(ports, pa.Table) else read_ports(ports)
    ensure_detect_tables(store)
    key = _config_key(params, kinds, port_table)
    prints, hashed_to = partition.fingerprints(store)
    windowed = d0 is not None or d1 is not None
    full = store.get_meta("detect.config") != key
    if windowed:
        w0 = datetime.combine(d0, datetime.min.time()) if d0 else FAR_PAST
    elif full:
        w0 = FAR_PAST
    else:
        old = stored_fingerprints(store)
        dirty = [d for d in set(prints) | set(old) if prints.get(d) != old.get(d)]
        w0 = datetime.combine(min(dirty), datetime.min.time()) if dirty else datetime.max
    upper = datetime.combine(d1 + timedelta(days=1), datetime.min.time()) if d1 else datetime.max
    run_id = hashlib.sha256(f"{started.isoformat()}|{key}".encode()).hexdigest()[:16]
    ctx = timedelta(hours=CONTEXT_H)
    static_mark = mark(store, "static_reports")
    # Nothing appended since a run with this configuration: every kind, derived ones
    # included, would come out as it is stored.
    unchanged = (
        not windowed
        and not full
        and w0 == datetime.max
        and store.get_meta(STATIC_MARK_KEY) == static_mark
    )
    rules = spell_rules(params, kinds)
    store.ensure(ANCHORAGES_DDL)
    # The stored stationary spells are brought up to date by this run's own pass over the
    # tracks when they were up to date before it (or it reads every vessel from the start).
    # A spell is a slow run of at least min_spell_h: one that crosses a cut-off is stored
    # (and so moves it) when the context before the first new position is at least that.
    keep_spells = rules is not None and (
        w0 == FAR_PAST or (spells_key(store) == rules and params.anchorage.min_spell_h <= CONTEXT_H)
    )
    written = 0
    positions_read = vessels = 0
    # DuckDB's memory limit for the whole run: beyond it, its sorts and temporary tables
    # spill to disk, and the pages it has read are evicted rather than kept (on a store of
    # 120 million positions the derived pass's reads alone grew it past 4 GB otherwise).
    with partition.duckdb_memory(store.con), store.transaction():
        pos_kinds = tuple(k for k in kinds if k in VESSEL_KINDS)
        if pos_kinds or "encounter" in kinds or keep_spells:
            positions_read, vessels, written = _detect_positions(
                store, params, kinds, port_table, w0, upper, ctx, run_id, parallel, keep_spells
            )
        if rules is None:
            store.set_meta(SPELLS_KEY, "")  # not kept by this run
        if not unchanged:
            written += _detect_static(store, params, kinds, port_table, run_id)
            written += detect_derived(
                store, params, kinds, run_id, port_table, spells_current=keep_spells
            )
        origin = ports_from or describe_ports(ports)
        ports_digest = save_ports(store, port_table, origin)
        if not windowed:
            partition.save_fingerprints(store, prints, hashed_to)
            store.set_meta(STATIC_MARK_KEY, static_mark)
            store.set_meta("detect.config", key)
        else:
            store.set_meta("detect.config", "windowed")  # the next plain run is a full one
        report = DetectReport(
            run_id,
            w0 == FAR_PAST,
            None if w0 in (FAR_PAST, datetime.max) else w0,
            positions_read,
            vessels,
            written,
            kind_counts(store),
            store.simulated,
            kind_counts(store, run_id),
        )
        record_run(
            store,
            {
                "run_id": run_id,
                "started_at": started,
                "finished_at": datetime.now(UTC).replace(tzinfo=None),
                "params": params.to_json(),
                "kinds": ",".join(kinds),
                "ports_hash": ports_digest,
                "ports_source": origin,
                "inputs": json.dumps(input_hashes(store)),
                "window_start": report.window_start,
                "since": d0,
                "until": d1,
                "full_run": report.full,
                "positions_read": positions_read,
                "events_written": written,
                "simulated": report.simulated,
            },
        )
    return report


ENGINE: Engine = detect  # the local engine implements the protocol (checked by mypy)


def _detect_positions(
    store: Store,
    params: DetectParams,
    kinds: tuple[str, ...],
    ports: pa.Table,
    w0: datetime,
    upper: datetime,
    ctx: timedelta,
    run_id: str,
    parallel: bool | None,
    keep_spells: bool = False,
) -> tuple[int, int, int]:
    """The kinds read from positions, and (`keep_spells`) the stored stationary spells, for
    each dirty vessel from its cut-off; returns (positions read, vessels, events written)."""
    if w0 == datetime.max:
        return 0, 0, 0
    con = store.con
    pos_kinds = tuple(k for k in kinds if k in VESSEL_KINDS)
    _cutoffs(store, w0, ctx, keep_spells, params.port_visit.radius_m <= CARRY_MAX_RADIUS_M)
    visit_carry = (
        con.execute(f"SELECT {_columns(VISIT_CARRY)} FROM _carry_visits ORDER BY mmsi, start")
        .to_arrow_table()
        .cast(VISIT_CARRY)
    )
    spell_carry = (
        con.execute(f"SELECT {_columns(SPELLS)} FROM _carry_spells ORDER BY mmsi, start")
        .to_arrow_table()
        .cast(SPELLS)
        if keep_spells
        else None
    )
    t_enc = _encounter_cutoff(store, w0, ctx) if "encounter" in kinds else None
    gap = timedelta(hours=params.encounter.max_interp_gap_h)
    plan = partition.Plan(
        pos_kinds, None if t_enc is None else t_enc - gap,
        params.anchorage if keep_spells else None, visit_carry, spell_carry,
    )  # fmt: skip
    # More positions than OILTRAIL_DETECT_PARTITION_ROWS: read a vessel bucket at a time
    # (engines/partition.py), with the same events as a result.
    limit = partition.partition_rows()
    buckets = partition.vessel_buckets(store, plan, limit or partition.ALL_ROWS)
    enc_events: pa.Table | None = None
    if len(buckets.ranges) > 1:
        read_v, read_e, vessels, vessel_events, spells = partition.detect_positions(
            store, params, plan, ports, parallel, buckets,
            _split_by_vessel, _map, PARALLEL_MIN_ROWS,
        )  # fmt: skip
        if t_enc is not None:
            enc_events = partition.encounter_events(
                store, params, ports, parallel, _map, PARALLEL_MIN_ROWS
            )
    else:
        partition.check_fits(buckets.rows, "the whole store at once", limit)
        positions = con.execute(
            f"""SELECT {", ".join("p." + c for c in POS_COLS.split(", "))} FROM positions p
                JOIN _cut c ON p.mmsi = c.mmsi WHERE p.ts >= c.r
                ORDER BY p.mmsi, p.ts, p.lat, p.lon, p.sog"""
        ).to_arrow_table()
        enc_positions = None
        if t_enc is not None:
            enc_positions = con.execute(
                f"""SELECT {POS_COLS} FROM positions WHERE ts >= ? ORDER BY {POS_COLS}""",
                [t_enc - gap],
            ).to_arrow_table()
        use_pool = parallel if parallel is not None else positions.num_rows >= PARALLEL_MIN_ROWS
        n = max(1, get_settings().workers) if use_pool else 1
        port_lookup(ports, params)  # build once, before the threads share it
        jobs = [
            (part, ports, params, pos_kinds, False, visit_carry)
            for part in _split_by_vessel(positions, n)
        ]
        results = _map(_vessel_job, jobs, use_pool) if pos_kinds else []
        spells = (
            stationary_spells(positions, params.anchorage, spell_carry) if keep_spells else None
        )
        vessel_events = (
            pa.concat_tables([r[0] for r in results]) if results else EVENTS.empty_table()
        )
        if enc_positions is not None:
            enc_events = encounter_events(enc_positions, params, ports, use_pool, n)
        read_v = positions.num_rows
        read_e = enc_positions.num_rows if enc_positions is not None else 0
        vessels = int(pc.count_distinct(positions.column("mmsi")).as_py()) if read_v else 0
        del positions, enc_positions
    # A window (--until) replaces only the events that start in it; reads run past its end
    # so that those events are whole.
    vessel_events = _starting_before(_after_cut(store, vessel_events, visit_carry), upper)
    kind_list = ",".join("?" * len(pos_kinds)) or "NULL"
    if pos_kinds:
        for table in ("events", "suppressed_events"):  # suppressed ones are found again
            con.execute(
                f"""DELETE FROM {table} WHERE kind IN ({kind_list}) AND start < ? AND EXISTS (
                    SELECT 1 FROM _cut c WHERE c.mmsi = {table}.mmsi AND {table}.start >= c.t)""",
                [*pos_kinds, upper],
            )
    written = insert_events(store, vessel_events, run_id)
    if plan.spells is not None and spells is not None:
        spells = _after_cut(store, spells, spell_carry)
        replace_spells(store, spells, w0 != FAR_PAST, spell_key(params.anchorage))
    if enc_events is not None and t_enc is not None:
        written += _write_encounters(store, enc_events, t_enc, upper, run_id)
    # The two passes (vessel kinds, encounters) read overlapping rows: report the larger.
    return max(read_v, read_e), vessels, written


def _starting_before(events: pa.Table, upper: datetime) -> pa.Table:
    if upper == datetime.max or events.num_rows == 0:
        return events
    return events.filter(pc.less(events.column("start"), pa.scalar(upper, pa.timestamp("us"))))


CHUNK_ROWS = partition.CHUNK_ROWS  # positions per resample job: bounds the working set
BLOCK_DEG = partition.BLOCK_DEG  # spatial block of an encounter cell


def encounter_events(
    positions: pa.Table, params: DetectParams, ports: pa.Table, use_pool: bool = False, n: int = 1
) -> pa.Table:
    """Encounters from (mmsi, ts)-sorted positions: resample per vessel chunk, pair per
    space-time cell, then runs per vessel pair."""
    chunks = max(n, -(-positions.num_rows // CHUNK_ROWS))
    parts = _split_by_vessel(positions, chunks)
    samples_list = _map(resample_partition, [(p, params) for p in parts], use_pool)
    samples = pa.concat_tables(samples_list) if samples_list else None
    if samples is None or samples.num_rows == 0:
        return EVENTS.empty_table()
    # Space-time cells (UTC day x 10-degree block, with neighbour overlap): bounded work per
    # call however large the sea, and each pair kept once, in its lower-MMSI sample's cell.
    jobs = [(part, params, home) for _, part, home in cell_partitions(samples, params, BLOCK_DEG)]
    adjacency = _map(run_cell_kernel, jobs, use_pool)
    adj = pa.concat_tables(adjacency) if adjacency else None
    return run_pair_kernel(adj, ports, params) if adj is not None else EVENTS.empty_table()


def _write_encounters(
    store: Store, events: pa.Table, t_enc: datetime, upper: datetime, run_id: str
) -> int:
    """Replace the stored encounters that start in [t_enc, upper) by `events` that do."""
    if events.num_rows:
        start = events.column("start").cast(pa.int64()).to_numpy() // 1
        t0 = int((t_enc - datetime(1970, 1, 1)) / timedelta(microseconds=1))
        events = _starting_before(events.filter(pa.array(start >= t0)), upper)
    for table in ("events", "suppressed_events"):
        store.con.execute(
            f"DELETE FROM {table} WHERE kind = 'encounter' AND start >= ? AND start < ?",
            [t_enc, upper],
        )
    return insert_events(store, events, run_id)


def _detect_static(
    store: Store, params: DetectParams, kinds: tuple[str, ...], ports: pa.Table, run_id: str
) -> int:
    """Static kinds are recomputed on every run that has new static reports, from the
    reports where a vessel's values change (`static_changes`), not every report."""
    want = tuple(k for k in kinds if k in STATIC_KINDS)
    if not want:
        return 0
    static = static_changes(store)
    events = run_vessel_kernels(EVENTS.empty_table(), static, ports, params, want)
    store.con.execute(f"DELETE FROM events WHERE kind IN ({','.join('?' * len(want))})", list(want))
    return insert_events(store, events, run_id)


def run_detect_command(
    db: Path,
    params: DetectParams,
    kinds: Sequence[str],
    since: str | None,
    until: str | None,
    ports: Path | None,
    engine: str = "local",
    spark_master: str | None = None,
) -> str:
    """The `oiltrail detect` command: open the store, run an engine, return its summary."""
    from oiltrail.store import open_store

    if engine not in ("local", "spark"):
        raise UsageError(f"unknown engine {engine!r}: expected local or spark")
    from oiltrail.render import err_console

    port_table = read_ports(ports)  # a bad --ports file fails before the store is opened
    with (
        open_store(db, create=False) as store,
        err_console.status(f"detecting events ({engine} engine)…"),
    ):
        if engine == "spark":
            return _spark_detect(
                store, params, kinds, since, until, port_table, describe_ports(ports), spark_master
            )
        report = detect(
            store, params, kinds, since, until, port_table, ports_from=describe_ports(ports)
        )
        return report.summary()


def _spark_detect(
    store: Store,
    params: DetectParams,
    kinds: Sequence[str],
    since: str | None,
    until: str | None,
    ports: pa.Table,
    ports_from: str,
    master: str | None,
) -> str:
    from oiltrail.engines.spark_store import detect  # late: pyspark is optional

    report = detect(
        store,
        params=params,
        kinds=kinds,
        since=since,
        until=until,
        ports=ports,
        ports_from=ports_from,
        master=master,
    )
    return report.summary()
