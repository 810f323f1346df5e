"""Detect in bounded memory: the store's positions read one partition at a time.

What `engines.local` does with all positions in memory, done here a vessel bucket at a time
when they are more than `OILTRAIL_DETECT_PARTITION_ROWS` (docs/performance.md), with the
same events as a result (tests/engines/test_partition.py):

- Vessel buckets: contiguous MMSI ranges holding at most that many positions (a vessel is
  never split: one with more is a bucket of its own). Each bucket is read once, sorted as
  the local engine sorts, for both the per-vessel kinds (each vessel's positions from its
  cut-off) and the encounters (every vessel's positions from the encounter cut-off).
- Per-vessel kinds run on each bucket (they see one vessel at a time, as the kernel seam
  promises: detect/kernels.py).
- Encounters: each bucket is resampled to 10-min samples, which go to a DuckDB temporary
  table (DuckDB spills it to disk beyond `OILTRAIL_DETECT_DUCKDB_MEMORY_MB`). The samples
  are then read back one UTC day at a time, and paired an hour at a time (pairs form only
  between samples of the same instant, so neither needs an overlap) through the cell kernel,
  in the order the local engine gives them. Their adjacency rows (only close pairs) are
  spilled to files beside the store, by hash bucket of the vessel pair (`PairSpill`); the
  pair kernel then runs on whole buckets, a few million rows at a time (it sorts them by
  pair and instant, so their order does not count), so an encounter that spans days or
  vessel buckets is found whole, once.

Before each bucket is read, its rows are checked against the memory the machine has free:
rather than be killed for lack of memory, detect stops with one line naming the setting.
"""

from __future__ import annotations

import hashlib
import itertools
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from oiltrail.ais.schema import EVENTS
from oiltrail.detect.anchorages import SPELLS, stationary_spells
from oiltrail.detect.encounters import ADJACENCY, SAMPLES
from oiltrail.detect.kernels import (
    STEP_US_PER_DAY,
    cell_partitions,
    port_lookup,
    resample_partition,
    run_cell_kernel,
    run_pair_kernel,
    run_vessel_kernels,
)
from oiltrail.detect.params import AnchorageParams, DetectParams
from oiltrail.errors import UsageError
from oiltrail.settings import get_settings
from oiltrail.store.catalog import Store
from oiltrail.store.events import current_fingerprints, stored_fingerprints
from oiltrail.store.events import save_fingerprints as save_day_prints

T = TypeVar("T")
ROWS_SETTING = "OILTRAIL_DETECT_PARTITION_ROWS"
DUCKDB_SETTING = "OILTRAIL_DETECT_DUCKDB_MEMORY_MB"
# Peak memory per position held, kernels' working arrays included (measured on the simulated
# 30.7M-position store: see BENCHMARKS.md); used only to refuse a partition that cannot fit.
BYTES_PER_ROW = 400
SAMPLE_BATCH_ROWS = 1_000_000  # samples read back from DuckDB per batch
PAIR_BUCKETS = 128  # files by vessel pair the adjacency rows are spilled into
PAIR_BATCH_ROWS = 4_000_000  # adjacency rows given to the pair kernel at once (about)
SPILL_ROWS = 1_000_000  # adjacency rows held before they are written to their files
SLICE_BINS = 6  # instants paired together (an hour of 10-min samples)
CHUNK_ROWS = 1_000_000  # positions per resample job: bounds the working set
BLOCK_DEG = 10.0  # spatial block of an encounter cell
ALL_ROWS = 1 << 62  # a limit no store reaches: one bucket

Split = Callable[[pa.Table, int], list[pa.Table]]
FanOut = Callable[[Callable[..., Any], list[tuple[Any, ...]], bool], list[Any]]


@dataclass(frozen=True)
class Plan:
    """What to read: vessel kinds (and the stationary spells, when `spells` names their
    rules) from each dirty vessel's cut-off (temp table `_cut`), encounters from `enc_from`
    (None: no encounters); the stored visits and spells the reads continue (local._cutoffs)."""

    pos_kinds: tuple[str, ...]
    enc_from: datetime | None
    spells: AnchorageParams | None = None
    visit_carry: pa.Table | None = None
    spell_carry: pa.Table | None = None

    @property
    def per_vessel(self) -> bool:
        return bool(self.pos_kinds) or self.spells is not None


@dataclass
class Buckets:
    """Contiguous MMSI ranges [lo, hi] and the positions each holds."""

    ranges: list[tuple[int, int, int]]

    @property
    def rows(self) -> int:
        return sum(r for _, _, r in self.ranges)


def partition_rows() -> int:
    return get_settings().detect_partition_rows


def _where(store: Store, plan: Plan, lo: int = 0, hi: int = 2**32 - 1) -> tuple[str, list[Any]]:
    """The rows either pass needs, as a WHERE clause over positions p LEFT JOIN _cut c. It
    also says the earliest time either could need: a constant bound DuckDB prunes the scan
    with (the per-vessel cut-offs come through the join, which it cannot), so an incremental
    run reads the recent row groups of a store, not all of them (the cut-offs of vessels
    `lo`..`hi`: one vessel long silent moves only its own bucket's bound)."""
    parts: list[str] = []
    args: list[Any] = []
    starts: list[datetime | None] = []
    if plan.per_vessel:
        parts.append("(c.t IS NOT NULL AND p.ts >= c.r)")  # from the history before the cut
        row = store.con.execute(
            "SELECT min(r) FROM _cut WHERE t IS NOT NULL AND mmsi BETWEEN ? AND ?", [lo, hi]
        ).fetchone()
        starts.append(row[0] if row else None)
    if plan.enc_from is not None:
        parts.append("p.ts >= ?")
        args.append(plan.enc_from)
        starts.append(plan.enc_from)
    if not parts:
        return "FALSE", args
    where = " OR ".join(parts)
    known = [t for t in starts if t is not None]
    if len(known) == len(starts):
        where, args = f"p.ts >= ? AND ({where})", [min(known), *args]
    return where, args


def vessel_buckets(store: Store, plan: Plan, limit: int) -> Buckets:
    """Positions per MMSI (one grouped scan), cut into contiguous ranges of <= `limit` rows."""
    where, args = _where(store, plan)
    rows = store.con.execute(
        f"""SELECT p.mmsi, count(*) FROM positions p LEFT JOIN _cut c ON p.mmsi = c.mmsi
            WHERE {where} GROUP BY p.mmsi ORDER BY p.mmsi""",
        args,
    ).fetchnumpy()
    mmsi = np.asarray(rows["mmsi"], dtype=np.int64)
    counts = np.asarray(rows["count_star()"], dtype=np.int64)
    return Buckets(cut_ranges(mmsi, counts, limit))


def cut_ranges(mmsi: np.ndarray, counts: np.ndarray, limit: int) -> list[tuple[int, int, int]]:
    """Greedy contiguous ranges of sorted `mmsi` with at most `limit` rows (one vessel over
    the limit is a range of its own)."""
    out: list[tuple[int, int, int]] = []
    start, total = 0, 0
    for i, n in enumerate(counts.tolist()):
        if total and total + n > limit:
            out.append((int(mmsi[start]), int(mmsi[i - 1]), total))
            start, total = i, 0
        total += n
    if total:
        out.append((int(mmsi[start]), int(mmsi[-1]), total))
    return out


def available_bytes() -> int | None:
    """Memory this process may still take: MemAvailable (Linux), within a cgroup limit."""
    try:
        info = Path("/proc/meminfo").read_text()
        avail = next(int(line.split()[1]) * 1024 for line in info.splitlines()
                     if line.startswith("MemAvailable:"))  # fmt: skip
    except (OSError, StopIteration, ValueError):
        return None
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        used = int(Path("/sys/fs/cgroup/memory.current").read_text())
        if limit != "max":
            avail = min(avail, int(limit) - used)
    except (OSError, ValueError):
        pass
    return avail


def check_fits(rows: int, what: str, limit: int) -> None:
    """Stop with one line naming the setting when `rows` positions cannot fit in memory."""
    free = available_bytes()
    need = rows * BYTES_PER_ROW
    if free is None or need <= free:
        return
    gb = 1 << 30
    if limit:
        hint = f"set {ROWS_SETTING} below {limit:,} (now) to read fewer positions at a time"
    else:
        hint = f"set {ROWS_SETTING} (now 0: the whole store at once), e.g. to 2000000"
    raise UsageError(
        f"detect would hold {rows:,} positions ({what}), about {need / gb:.1f} GB, "
        f"with {free / gb:.1f} GB free: {hint}"
    )


@contextmanager
def duckdb_memory(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """DuckDB's memory limit at `OILTRAIL_DETECT_DUCKDB_MEMORY_MB` while detect runs (its
    sorts and temporary tables spill to disk beyond it); the previous limit after. Running
    out of it inside ends in one line naming the settings (`out_of_memory`)."""
    mb = get_settings().detect_duckdb_memory_mb
    row = con.execute("SELECT current_setting('memory_limit')").fetchone() if mb else None
    if mb:
        con.execute(f"SET memory_limit = '{int(mb)}MB'")
    try:
        yield
    except duckdb.OutOfMemoryException as exc:
        raise out_of_memory(exc) from exc
    finally:
        if row:
            con.execute(f"SET memory_limit = '{row[0]}'")


def out_of_memory(exc: duckdb.Error) -> UsageError:
    mb = get_settings().detect_duckdb_memory_mb
    return UsageError(
        f"DuckDB ran out of memory during detect ({str(exc).splitlines()[0]}): "
        f"set {DUCKDB_SETTING} higher (now {mb}) or {ROWS_SETTING} lower"
    )


def _bucket_rows(store: Store, plan: Plan, lo: int, hi: int) -> pa.Table:
    """One bucket's positions, sorted as the local engine sorts them, with flags `v` (read by
    the vessel kinds) and `e` (read by the encounters)."""
    where, args = _where(store, plan, lo, hi)
    v = "(c.t IS NOT NULL AND p.ts >= c.r)" if plan.per_vessel else "FALSE"
    e = "p.ts >= ?" if plan.enc_from is not None else "FALSE"
    flag_args = [plan.enc_from] if plan.enc_from is not None else []
    return store.con.execute(
        f"""SELECT p.mmsi, p.ts, p.lat, p.lon, p.sog, {v} AS v, {e} AS e
            FROM positions p LEFT JOIN _cut c ON p.mmsi = c.mmsi
            WHERE p.mmsi BETWEEN ? AND ? AND ({where})
            ORDER BY p.mmsi, p.ts, p.lat, p.lon, p.sog""",
        [*flag_args, lo, hi, *args],
    ).to_arrow_table()


def _rows(tbl: pa.Table, flag: str) -> pa.Table:
    return tbl.filter(tbl.column(flag)).drop_columns(["v", "e"])


def detect_positions(
    store: Store,
    params: DetectParams,
    plan: Plan,
    ports: pa.Table,
    parallel: bool | None,
    buckets: Buckets,
    split: Split,
    fan_out: FanOut,
    parallel_min_rows: int,
) -> tuple[int, int, int, pa.Table, pa.Table]:
    """The local engine's position pass, bucket by bucket. Returns (positions read by the
    vessel kinds, by the encounters, vessels, vessel-kind events, stationary spells); writes
    nothing but the temporary samples table (read by `encounter_events`)."""
    workers = max(1, get_settings().workers)
    port_lookup(ports, params)  # build once, before the threads share it
    limit = partition_rows()
    read_v = read_e = vessels = 0
    events: list[pa.Table] = []
    spells: list[pa.Table] = []
    _new_samples(store)
    for lo, hi, n_rows in buckets.ranges:
        check_fits(n_rows, f"MMSI {lo}..{hi}", limit)
        tbl = _bucket_rows(store, plan, lo, hi)
        pos, enc = _rows(tbl, "v"), _rows(tbl, "e")
        del tbl
        read_v += pos.num_rows
        read_e += enc.num_rows
        if pos.num_rows:
            vessels += int(pc.count_distinct(pos.column("mmsi")).as_py())
        use_pool = parallel if parallel is not None else n_rows >= parallel_min_rows
        n = workers if use_pool else 1
        if plan.pos_kinds and pos.num_rows:
            jobs = [(p, ports, params, plan.pos_kinds, plan.visit_carry) for p in split(pos, n)]
            parts = fan_out(_vessel_kernels, jobs, use_pool)
            events.extend(parts)
        if plan.spells is not None and pos.num_rows:
            spells.append(stationary_spells(pos, plan.spells, plan.spell_carry))
        del pos
        if plan.enc_from is not None and enc.num_rows:
            chunks = max(n, -(-enc.num_rows // CHUNK_ROWS))
            jobs2 = [(p, params) for p in split(enc, chunks)]
            for samples in fan_out(resample_partition, jobs2, use_pool):
                _save_samples(store, samples)
        del enc
    vessel_events = pa.concat_tables(events) if events else EVENTS.empty_table()
    spell_table = pa.concat_tables(spells) if spells else SPELLS.empty_table()
    return read_v, read_e, vessels, vessel_events, spell_table


def _vessel_kernels(
    positions: pa.Table,
    ports: pa.Table,
    params: DetectParams,
    kinds: tuple[str, ...],
    carry: pa.Table | None = None,
) -> pa.Table:
    return run_vessel_kernels(positions, None, ports, params, kinds, carry)


def _new_samples(store: Store) -> None:
    cols = "mmsi UINTEGER, tbin BIGINT, lat DOUBLE, lon DOUBLE, speed_knots DOUBLE"
    store.con.execute(f"CREATE OR REPLACE TEMP TABLE _samples ({cols})")


def _save_samples(store: Store, samples: pa.Table) -> None:
    if not samples.num_rows:
        return
    store.con.register("_new_samples", samples)
    try:
        store.con.execute("INSERT INTO _samples SELECT * FROM _new_samples")
    finally:
        store.con.unregister("_new_samples")


def encounter_events(
    store: Store,
    params: DetectParams,
    ports: pa.Table,
    parallel: bool | None,
    fan_out: FanOut,
    parallel_min_rows: int,
) -> pa.Table:
    """Encounters from the saved samples: the cell kernel a UTC day at a time, its adjacency
    rows spilled to files by vessel pair (`PairSpill`), then the pair kernel a few pair
    buckets at a time. (Ships at anchor off a crowded port are all close to each other: a
    simulated day of global AIS gave tens of millions of adjacency rows, and one pair kernel
    on all of them peaked at 12 GB.)"""
    with PairSpill(store.path.parent, store.path.name) as spill:
        try:
            for day in sample_days(store, params):
                for hour in time_slices(day, SLICE_BINS):
                    use_pool = (
                        parallel if parallel is not None else hour.num_rows >= parallel_min_rows
                    )
                    cells = cell_partitions(hour, params, BLOCK_DEG)
                    jobs = [(part, params, home) for _, part, home in cells]
                    for adjacency in fan_out(run_cell_kernel, jobs, use_pool):
                        spill.add(adjacency)
        finally:
            store.con.execute("DROP TABLE IF EXISTS _samples")
        lookup = port_lookup(ports, params)
        events = [run_pair_kernel(adj, lookup, params) for adj in spill.batches()]
    events = [e for e in events if e.num_rows]
    return pa.concat_tables(events) if events else EVENTS.empty_table()


class PairSpill:
    """Adjacency rows on disk, in files by hash bucket of their vessel pair (Arrow IPC
    streams in a temporary folder beside the store, removed after): each row is written once
    and read once, and `batches` gives whole buckets, so each batch holds its pairs complete,
    as the pair kernel asks. (A DuckDB temporary table was tried first: beyond its memory
    limit it spilled, and each batch's filtered scan reread the spill: 50 GB of writes.)"""

    def __init__(self, beside: Path, name: str) -> None:
        # A run killed midway leaves its folder; the store's write lock says no other
        # detect is using one now.
        for stale in beside.glob(f".{name}.pairs-*"):
            shutil.rmtree(stale, ignore_errors=True)
        self._dir = tempfile.TemporaryDirectory(prefix=f".{name}.pairs-", dir=beside)
        self._folder = Path(self._dir.name)
        self._writers: dict[int, pa.ipc.RecordBatchStreamWriter] = {}
        self._rows = np.zeros(PAIR_BUCKETS, dtype=np.int64)
        self._held: list[pa.Table] = []
        self._held_rows = 0

    def __enter__(self) -> PairSpill:
        return self

    def __exit__(self, *exc: object) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()
        self._dir.cleanup()

    def add(self, adjacency: pa.Table) -> None:
        if not adjacency.num_rows:
            return
        self._held.append(adjacency)
        self._held_rows += adjacency.num_rows
        if self._held_rows >= SPILL_ROWS:
            self._flush()

    def _flush(self) -> None:
        if not self._held:
            return
        table = pa.concat_tables(self._held)
        self._held, self._held_rows = [], 0
        bucket = pair_bucket(
            table.column("mmsi_a").to_numpy(), table.column("mmsi_b").to_numpy(), PAIR_BUCKETS
        )
        order = np.argsort(bucket, kind="stable")
        table, bucket = table.take(pa.array(order)), bucket[order]
        present, starts, counts = np.unique(bucket, return_index=True, return_counts=True)
        for k, start, n in zip(present.tolist(), starts.tolist(), counts.tolist(), strict=True):
            if k not in self._writers:
                self._writers[k] = pa.ipc.new_stream(self._folder / f"{k}.arrow", ADJACENCY)
            self._writers[k].write_table(table.slice(start, n))
            self._rows[k] += n

    def batches(self) -> Iterator[pa.Table]:
        """The rows, consecutive whole buckets at a time, about `PAIR_BATCH_ROWS` each."""
        self._flush()
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()
        group: list[int] = []
        rows = 0
        for k in np.flatnonzero(self._rows).tolist():
            if group and rows + self._rows[k] > PAIR_BATCH_ROWS:
                yield self._read(group)
                group, rows = [], 0
            group.append(k)
            rows += int(self._rows[k])
        if group:
            yield self._read(group)

    def _read(self, buckets: list[int]) -> pa.Table:
        parts = []
        for k in buckets:
            with pa.ipc.open_stream(self._folder / f"{k}.arrow") as reader:
                parts.append(reader.read_all())
            (self._folder / f"{k}.arrow").unlink()
        return pa.concat_tables(parts)


def pair_bucket(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    """Stable bucket (0..n-1) of each vessel pair (a, b)."""
    key = (a.astype(np.uint64) << np.uint64(32)) | b.astype(np.uint64)
    with np.errstate(over="ignore"):
        mixed = key * np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing, modulo 2**64
    out: np.ndarray = (mixed >> np.uint64(32)) % np.uint64(n)
    return out


def sample_days(store: Store, params: DetectParams) -> Iterator[pa.Table]:
    """The saved samples, one UTC day at a time, each sorted by (mmsi, tbin): the order the
    local engine's samples have (one vessel's after another's, in time)."""
    bin_us = int(params.encounter.resample_min * 60e6)
    query = store.con.execute("SELECT * FROM _samples ORDER BY tbin, mmsi")
    reader = query.to_arrow_reader(SAMPLE_BATCH_ROWS)
    held: list[pa.RecordBatch] = []
    held_day: int | None = None
    for batch in reader:
        day = batch.column("tbin").to_numpy() * bin_us // STEP_US_PER_DAY
        cuts = np.flatnonzero(np.diff(day)) + 1
        for a, b in itertools.pairwise([0, *cuts.tolist(), len(day)]):
            d = int(day[a])
            if held_day is not None and d != held_day:
                yield _one_day(held)
                held = []
            held.append(batch.slice(a, b - a))
            held_day = d
    if held:
        yield _one_day(held)


def time_slices(day: pa.Table, bins: int) -> Iterator[pa.Table]:
    """A day's samples `bins` instants at a time, each in the day's order. The pairing step
    holds its candidate pairs for every instant it is given at once: in a crowded port a
    whole day of them took gigabytes, and pairs form only within one instant anyway."""
    tbin = day.column("tbin").to_numpy()
    if not len(tbin):
        return
    slot = (tbin - tbin.min()) // bins
    for k in np.unique(slot).tolist():
        yield day.filter(pa.array(slot == k))


def _one_day(batches: list[pa.RecordBatch]) -> pa.Table:
    tbl = pa.Table.from_batches(batches).cast(SAMPLES)
    return tbl.sort_by([("mmsi", "ascending"), ("tbin", "ascending")])


# --- fingerprints, hashed incrementally -----------------------------------------------------

MARK_KEY = "detect.fingerprint_mark"  # meta: "<last rowid hashed>:<digest of the prints>"


def fingerprints(store: Store) -> tuple[dict[date, str], int]:
    """Each UTC day's fingerprint (store/events.py: row count and hash sum of its positions)
    and the last rowid it covers. Positions are only ever appended, and a fingerprint is a
    count and a sum, so the rows appended since the last saved fingerprints (rowid above its
    mark) are hashed and added: after one new day, one day's rows, whatever the store's size.
    Anything unexpected (no mark, prints saved by another engine, a row count that does not
    add up) hashes every row, as before."""
    row = store.con.execute("SELECT coalesce(max(rowid), -1), count(*) FROM positions").fetchone()
    top, total = (int(row[0]), int(row[1])) if row else (-1, 0)
    old = stored_fingerprints(store)
    mark = _mark(store.get_meta(MARK_KEY), old)
    if mark is not None and mark <= top:
        delta = store.con.execute(
            """SELECT CAST(ts AS DATE), count(*), sum(hash(mmsi, ts, lat, lon, sog))
               FROM positions WHERE rowid > ? GROUP BY ALL""",
            [mark],
        ).fetchall()
        counts = {d: _parse(fp) for d, fp in old.items()}
        for d, n, h in delta:
            n0, h0 = counts.get(d, (0, 0))
            counts[d] = (n0 + int(n), h0 + int(h))
        if sum(n for n, _ in counts.values()) == total:
            return {d: f"{n}:{h}" for d, (n, h) in counts.items() if n}, top
    return current_fingerprints(store), top


def save_fingerprints(store: Store, prints: dict[date, str], top: int) -> None:
    save_day_prints(store, prints)
    store.set_meta(MARK_KEY, f"{top}:{_digest(prints)}")


def _digest(prints: dict[date, str]) -> str:
    text = "|".join(f"{d.isoformat()}={fp}" for d, fp in sorted(prints.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _mark(value: str | None, old: dict[date, str]) -> int | None:
    """The saved mark, if it belongs to the saved fingerprints."""
    if not value or ":" not in value:
        return None
    rowid, digest = value.split(":", 1)
    try:
        return int(rowid) if digest == _digest(old) else None
    except ValueError:
        return None


def _parse(fp: str) -> tuple[int, int]:
    n, _, h = fp.partition(":")
    return int(n), int(h)
